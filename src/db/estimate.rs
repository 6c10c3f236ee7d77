//! The best estimate of a question (event × measure × group), as every reader shows it: the
//! event page, `/export/events.csv`, the JSON API and ClaimReview.
//!
//! The rule, in the order it applies:
//! 1. **Which sources count.** One figure per source: its *position*, the figure it stands by
//!    now (`domain::linking::facts`). That is its latest report, dated by when it was reported:
//!    an article's first version by its published date, a revised version by when it was
//!    fetched or submitted ([`super::linking::reported_at`]). A source's earlier figures, figures
//!    explained as parts of or sums towards a larger one, and figures withdrawn from an
//!    article's later version do not count. A figure in the outlet's own voice counts for the
//!    source it restates, else for the outlet.
//! 2. **The machine's choice.** Among the positions, the one that most other positions agree
//!    with (their stated ranges contain it); on a tie, a positive figure over a denial (0), then
//!    the figure carried by more article versions of its source, then the latest reported.
//! 3. **The reviewer's choice.** Once a reviewer resolves the question with a preferred figure,
//!    that figure is the best estimate, marked as the reviewer's choice with the reason given
//!    (the preferred figure's reason, else the verdict's note). Reopening the question gives the
//!    machine's choice back.
//!
//! Low and high stay the envelope of the positions: the smallest lower bound and the largest
//! stated figure, whatever the reviewer chose.
//!
//! The machine's choice is stored with the fact at every relink (`facts.best`); the reviewer's
//! is applied here, when a fact is read, so a verdict never rewrites what the linker computed.

/// How the best estimate was chosen, for readers that show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChosenBy {
    /// Rule 2 above.
    Rule,
    /// Rule 3 above: a reviewer's verdict.
    Reviewer,
}

impl ChosenBy {
    pub fn as_str(self) -> &'static str {
        match self {
            ChosenBy::Rule => "rule",
            ChosenBy::Reviewer => "reviewer",
        }
    }
}

/// The value of the fact's preferred figure, read in the fact's own statement (a scalar
/// subquery on `facts.preferred_claim_id`): `None` when the fact has none or the claim is gone.
macro_rules! preferred_value {
    () => {
        $crate::db::schema::claims::table
            .filter(
                $crate::db::schema::claims::id
                    .nullable()
                    .eq($crate::db::schema::facts::preferred_claim_id),
            )
            .select($crate::db::schema::claims::value)
            .single_value()
    };
}
pub(crate) use preferred_value;

/// A fact's best estimate: `(value, claim id, chosen by)`, given its stored machine choice and
/// its verdict (rule 3 above).
pub fn best_of(
    status: &str,
    machine: (Option<i64>, Option<i64>),
    preferred: (Option<i64>, Option<i64>),
) -> (Option<i64>, Option<i64>, ChosenBy) {
    match (status, preferred) {
        ("resolved", (Some(claim), Some(value))) => (Some(value), Some(claim), ChosenBy::Reviewer),
        _ => (machine.0, machine.1, ChosenBy::Rule),
    }
}

/// The reason shown with a reviewer's choice: the preferred figure's reason, else the note.
pub fn reviewer_reason(
    preferred_reason: Option<&str>,
    resolution_note: Option<&str>,
) -> Option<String> {
    preferred_reason
        .filter(|r| !r.trim().is_empty())
        .or(resolution_note.filter(|n| !n.trim().is_empty()))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resolved_verdict_with_a_preferred_figure_is_the_best_estimate() {
        assert_eq!(
            best_of("resolved", (Some(4), Some(1)), (Some(7), Some(9))),
            (Some(9), Some(7), ChosenBy::Reviewer)
        );
    }

    #[test]
    fn otherwise_the_rule_decides() {
        for (status, preferred, why) in [
            ("open", (Some(7), Some(9)), "a reopened question"),
            ("unresolvable", (Some(7), Some(9)), "an unresolvable one"),
            ("resolved", (None, None), "resolved without a figure"),
            ("resolved", (Some(7), None), "the preferred claim is gone"),
        ] {
            assert_eq!(
                best_of(status, (Some(4), Some(1)), preferred),
                (Some(4), Some(1), ChosenBy::Rule),
                "{why}"
            );
        }
    }

    #[test]
    fn the_reason_is_the_preferred_reason_else_the_note() {
        assert_eq!(
            reviewer_reason(Some("named list"), Some("note")).as_deref(),
            Some("named list")
        );
        assert_eq!(
            reviewer_reason(Some(" "), Some("note")).as_deref(),
            Some("note")
        );
        assert_eq!(reviewer_reason(None, None), None);
    }
}
