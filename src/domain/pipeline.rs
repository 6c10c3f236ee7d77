//! The claims of a text as every entry point stores them: extracted, then parts linked to the
//! figures they belong to ("including five children", "بينهم", "two of them").

use super::extract::Extractor;
use super::linking::infer_part_of;
use super::ExtractedClaim;

pub fn read_claims(extractor: &Extractor, text: &str) -> Vec<ExtractedClaim> {
    let mut claims = extractor.extract(text);
    infer_part_of(text, &mut claims);
    claims
}
