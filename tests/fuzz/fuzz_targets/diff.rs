//! The version diff never panics, keeps its segments on their side, and accounts for the new
//! text: its unchanged, inserted and new-side segments rebuild the new text's words. (The old
//! side of an unchanged line may differ invisibly — diacritics, digits — so it is not compared.)
#![no_main]

use claimdb::domain::diff::{diff_versions, DiffLine, SegmentKind};
use libfuzzer_sys::fuzz_target;

fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

fuzz_target!(|data: &[u8]| {
    // The input is two texts separated by the first 0xFF byte (never valid UTF-8 itself).
    let split = data.iter().position(|&b| b == 0xFF).unwrap_or(data.len());
    let old = String::from_utf8_lossy(&data[..split]);
    let new = String::from_utf8_lossy(data.get(split + 1..).unwrap_or_default());
    let diff = diff_versions(&old, &new);
    assert!((0.0..=1.0).contains(&diff.similarity));
    let mut new_text = String::new();
    for line in &diff.lines {
        match line {
            DiffLine::Unchanged(t) | DiffLine::Inserted(t) => new_text.push_str(t),
            DiffLine::Deleted(_) => {}
            DiffLine::Changed { old: o, new: n } => {
                assert!(o.iter().all(|s| s.kind != SegmentKind::Inserted));
                assert!(n.iter().all(|s| s.kind != SegmentKind::Deleted));
                n.iter().for_each(|s| new_text.push_str(&s.text));
            }
        }
        new_text.push('\n');
    }
    assert_eq!(words(&new_text), words(&new), "new text not rebuilt");
});
