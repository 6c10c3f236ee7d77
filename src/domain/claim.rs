//! Value types shared by extraction, linking and storage: what a claim says.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How a figure is hedged in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    Exact,
    AtLeast,
    AtMost,
    Approx,
}

/// What a figure counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Killed,
    Wounded,
    /// Killed and wounded counted together.
    Casualties,
    Captured,
    Missing,
    Displaced,
    Destroyed,
    /// People present (a crowd) or the size of a force.
    Count,
}

impl Measure {
    /// A toll of harm (killed, wounded, casualties): counts that break down into shares (by
    /// place, by side) and only grow while bodies are found and the wounded die.
    pub fn is_harm_toll(self) -> bool {
        matches!(
            self,
            Measure::Killed | Measure::Wounded | Measure::Casualties
        )
    }
}

/// Where a figure stands in its source's count, as its sentence says (see
/// `domain::linking::stage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// A count still under way ("preliminary", «غير نهائية»): the final toll is at least this.
    Provisional,
    /// A count the report says has since been revised ("an earlier toll", «في وقت سابق»).
    Earlier,
    /// A count the report says the toll has risen to ("rose to 13", «ارتفع … إلى 13»).
    Risen,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind}: {value:?}")]
pub struct UnknownName {
    pub kind: &'static str,
    pub value: String,
}

macro_rules! named_enum {
    ($ty:ident, $kind:literal, { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $name),+ }
            }
        }
        impl FromStr for $ty {
            type Err = UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s { $($name => Ok($ty::$variant),)+ _ => Err(UnknownName { kind: $kind, value: s.to_string() }) }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

named_enum!(Qualifier, "qualifier", {
    Exact => "exact", AtLeast => "at_least", AtMost => "at_most", Approx => "approx",
});

named_enum!(Stage, "stage", {
    Provisional => "provisional", Earlier => "earlier", Risen => "risen",
});

named_enum!(Measure, "measure", {
    Killed => "killed", Wounded => "wounded", Casualties => "casualties", Captured => "captured",
    Missing => "missing", Displaced => "displaced", Destroyed => "destroyed", Count => "count",
});

/// The group key used when no lexicon entry matches the subject.
pub const UNKNOWN_GROUP: &str = "unknown";

/// One claim read out of a text: a figure, what it counts, about whom, and who said it.
///
/// `start..end` are byte offsets into the text the claim was read from (always on char
/// boundaries); the span holds the figure. `part_of` is the index, in the same list, of the
/// claim this one is a part of ("including five children").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtractedClaim {
    pub value: i64,
    pub value_max: Option<i64>,
    pub qualifier: Qualifier,
    pub measure: Measure,
    pub group: String,
    pub subject: Option<String>,
    pub source: Option<String>,
    pub part_of: Option<usize>,
    pub start: usize,
    pub end: usize,
    /// What narrows the figure's question: a place the text divides the toll by, a time, a
    /// rate or a kind of thing (see `domain::linking::scope`). Filled after extraction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Whether the text calls the figure provisional or earlier (see `domain::linking::stage`).
    /// Filled after extraction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_strings() {
        for m in Measure::ALL {
            assert_eq!(m.as_str().parse::<Measure>().unwrap(), *m);
        }
        for q in Qualifier::ALL {
            assert_eq!(q.as_str().parse::<Qualifier>().unwrap(), *q);
        }
        assert!("dead".parse::<Measure>().is_err());
    }

    #[test]
    fn claims_serialise_with_snake_case_names() {
        let json = serde_json::to_value(Qualifier::AtLeast).unwrap();
        assert_eq!(json, "at_least");
    }
}
