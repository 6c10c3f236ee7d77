//! The claims of a text as every entry point stores them: extracted, then parts linked to the
//! figures they belong to ("including five children", "بينهم", "two of them"), then scoped
//! (the place, time, rate or kind of thing a figure is about; see `linking::scope`), then
//! staged (provisional, earlier or risen counts; see `linking::stage`).

use super::extract::Extractor;
use super::linking::scope::infer_scopes;
use super::linking::stage::infer_stages;
use super::linking::{infer_part_of, Gazetteer};
use super::ExtractedClaim;

pub fn read_claims(
    extractor: &Extractor,
    gazetteer: &Gazetteer,
    text: &str,
) -> Vec<ExtractedClaim> {
    let mut claims = extractor.extract(text);
    infer_part_of(text, &mut claims);
    let scopes = infer_scopes(text, &claims, extractor, gazetteer);
    let stages = infer_stages(text, &claims);
    for ((c, s), st) in claims.iter_mut().zip(scopes).zip(stages) {
        c.scope = s;
        c.stage = st;
    }
    claims
}
