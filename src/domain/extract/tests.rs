//! Table-driven tests of each construct, in both first-class languages, and the property test.

use super::*;
use crate::domain::claim::{Measure, Qualifier};

fn ex() -> &'static Extractor {
    static EX: LazyLock<Extractor> = LazyLock::new(Extractor::with_default_lexicons);
    &EX
}

#[test]
fn smoke() {
    let c = ex().extract("At least 15 civilians were killed, local medics said.");
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!(c[0].value, 15);
    assert_eq!(c[0].qualifier, Qualifier::AtLeast);
    assert_eq!(c[0].measure, Measure::Killed);
}
