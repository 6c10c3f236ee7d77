//! Number parsing never panics, its spans lie on char boundaries in order, a range is ordered,
//! and no value is negative.
#![no_main]

use claimdb::domain::extract::Extractor;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static EXTRACTOR: LazyLock<Extractor> = LazyLock::new(Extractor::with_default_lexicons);

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut last_start = 0;
    for f in EXTRACTOR.figures(&text) {
        assert!(f.start < f.end && f.end <= text.len());
        assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
        assert!(f.start >= last_start, "figures out of order");
        last_start = f.start;
        assert!(f.value >= 0);
        if let Some(max) = f.value_max {
            assert!(max >= f.value);
        }
    }
});
