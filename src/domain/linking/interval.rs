//! What a hedged figure allows: "at least 15" is 15..∞, "about 3,000" is 3,000 ± 10 %, "between
//! 30 and 40" is 30..40, "up to 45" is 0..45, and a denial is exactly 0. A round figure stated
//! plainly ("40 killed" in a headline, "25,000 dead") is read as rounded: ± 5 %.

use crate::domain::Qualifier;

/// Relative tolerance of an approximate figure ("about 20" agrees with 18..22).
pub const APPROX_TOLERANCE: f64 = 0.10;

/// Relative tolerance of a plain round figure (a multiple of ten, at least 20): a headline's "40"
/// for the body's 39, "more than 25,000" for 25,401.
pub const ROUNDING_TOLERANCE: f64 = 0.05;

fn is_round(value: i64) -> bool {
    value >= 20 && value % 10 == 0
}

/// The closed range of counts a figure allows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub lo: f64,
    pub hi: f64,
}

impl Interval {
    pub fn of(value: i64, value_max: Option<i64>, qualifier: Qualifier) -> Interval {
        let v = value as f64;
        let top = value_max.map_or(v, |m| (m as f64).max(v));
        match qualifier {
            Qualifier::Exact if value_max.is_none_or(|m| m == value) && is_round(value) => {
                let tol = v * ROUNDING_TOLERANCE;
                Interval {
                    lo: v - tol,
                    hi: v + tol,
                }
            }
            Qualifier::Exact => Interval { lo: v, hi: top },
            Qualifier::AtLeast => Interval {
                lo: v,
                hi: f64::INFINITY,
            },
            Qualifier::AtMost => Interval { lo: 0.0, hi: top },
            Qualifier::Approx => {
                let lo_tol = (v * APPROX_TOLERANCE).max(1.0);
                let hi_tol = (top * APPROX_TOLERANCE).max(1.0);
                Interval {
                    lo: (v - lo_tol).max(0.0),
                    hi: top + hi_tol,
                }
            }
        }
    }

    /// Whether some count satisfies both figures.
    pub fn overlaps(&self, other: &Interval) -> bool {
        self.lo <= other.hi + 1e-9 && other.lo <= self.hi + 1e-9
    }
}

/// How a figure reads in a reason ("at least 15", "about 3000", "30-40").
pub fn describe(value: i64, value_max: Option<i64>, qualifier: Qualifier) -> String {
    let base = match value_max {
        Some(m) if m != value => format!("{value}-{m}"),
        _ => value.to_string(),
    };
    match qualifier {
        Qualifier::Exact => base,
        Qualifier::AtLeast => format!("at least {base}"),
        Qualifier::AtMost => format!("up to {base}"),
        Qualifier::Approx => format!("about {base}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(v: i64, q: Qualifier) -> Interval {
        Interval::of(v, None, q)
    }

    #[test]
    fn at_least_15_is_compatible_with_19_but_not_12() {
        assert!(iv(15, Qualifier::AtLeast).overlaps(&iv(19, Qualifier::Exact)));
        assert!(!iv(15, Qualifier::AtLeast).overlaps(&iv(12, Qualifier::Exact)));
    }

    #[test]
    fn approximate_figures_agree_within_the_tolerance() {
        assert!(iv(20, Qualifier::Approx).overlaps(&iv(22, Qualifier::Exact)));
        assert!(!iv(20, Qualifier::Approx).overlaps(&iv(31, Qualifier::Exact)));
        assert!(!iv(3000, Qualifier::Approx).overlaps(&iv(40000, Qualifier::AtLeast)));
    }

    #[test]
    fn round_figures_are_read_as_rounded() {
        assert!(iv(40, Qualifier::Exact).overlaps(&iv(39, Qualifier::Exact)));
        assert!(iv(25000, Qualifier::Exact).overlaps(&iv(25401, Qualifier::Exact)));
        assert!(!iv(40, Qualifier::Exact).overlaps(&iv(35, Qualifier::Exact)));
        assert!(!iv(39, Qualifier::Exact).overlaps(&iv(41, Qualifier::Exact)));
        assert!(!iv(10, Qualifier::Exact).overlaps(&iv(11, Qualifier::Exact)));
    }

    #[test]
    fn ranges_contain_their_ends() {
        let r = Interval::of(30, Some(40), Qualifier::Exact);
        assert!(r.overlaps(&iv(40, Qualifier::AtLeast)));
        assert!(!r.overlaps(&iv(11, Qualifier::Exact)));
        assert!(Interval::of(100, Some(120), Qualifier::Exact).overlaps(&iv(110, Qualifier::Exact)));
    }

    #[test]
    fn a_denial_conflicts_with_any_positive_figure() {
        assert!(!iv(0, Qualifier::Exact).overlaps(&iv(1, Qualifier::Exact)));
        assert!(!iv(0, Qualifier::Exact).overlaps(&iv(3, Qualifier::AtLeast)));
        assert!(iv(0, Qualifier::Exact).overlaps(&iv(0, Qualifier::Exact)));
    }

    #[test]
    fn up_to_a_figure_allows_anything_below_it() {
        assert!(iv(45, Qualifier::AtMost).overlaps(&iv(28, Qualifier::Exact)));
        assert!(!iv(45, Qualifier::AtMost).overlaps(&iv(50, Qualifier::AtLeast)));
    }
}
