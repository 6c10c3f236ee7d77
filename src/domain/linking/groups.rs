//! Which actor groups a figure for another group may include: a "pro-government" toll
//! (`syria_gov`) may count the Russians, Iranians and Hezbollah fighters who fight beside it, and
//! a figure about unknown people may include anyone. Used for part/whole and sum explanations.

use crate::domain::UNKNOWN_GROUP;

/// Groups whose figures may be counted inside another group's figure.
pub const COALITIONS: &[(&str, &[&str])] = &[
    ("syria_gov", &["russia", "iran", "hezbollah"]),
    ("opposition", &["turkey"]),
    ("sdf", &["us"]),
];

/// Whether a figure for `whole` may include a figure for `part`.
pub fn includes(whole: &str, part: &str) -> bool {
    whole == part
        || whole == UNKNOWN_GROUP
        || part == UNKNOWN_GROUP
        || COALITIONS
            .iter()
            .any(|(w, parts)| *w == whole && parts.contains(&part))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pro_government_figures_may_include_allied_russians() {
        assert!(includes("syria_gov", "russia"));
        assert!(!includes("russia", "syria_gov"));
        assert!(includes("civilians", "civilians"));
        assert!(includes(UNKNOWN_GROUP, "civilians"));
        assert!(!includes("civilians", "police"));
    }
}
