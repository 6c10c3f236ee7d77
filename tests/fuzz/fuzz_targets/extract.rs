//! Extraction never panics and every span lies on char boundaries of the input.
#![no_main]

use claimdb::domain::extract::Extractor;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static EXTRACTOR: LazyLock<Extractor> = LazyLock::new(Extractor::with_default_lexicons);

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for c in EXTRACTOR.extract(&text) {
        assert!(c.start <= c.end && c.end <= text.len());
        assert!(text.is_char_boundary(c.start) && text.is_char_boundary(c.end));
        if let Some(p) = c.part_of {
            assert!(p < text.len());
        }
    }
});
