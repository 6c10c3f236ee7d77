//! When a watched address is fetched next: a backing-off schedule, pure.
//!
//! Outlets revise an article most in its first hours, so checks start close together and
//! spread out while nothing changes: 10 minutes, 1 hour, 6 hours, then daily. A change starts
//! the schedule again from the beginning. A failed fetch is retried on the same intervals,
//! counted by the failures in a row (the success schedule resumes where it was once the page
//! works again). Checks stop once the watch is older than the maximum age; the last check is
//! made at that age rather than skipped past it.

use chrono::{DateTime, Duration, Utc};

use crate::db::watch::{FetchOutcome, NextCheck};

/// The intervals before the next check, by step; the last one repeats.
pub fn interval(step: i32) -> Duration {
    match step {
        i32::MIN..=0 => Duration::minutes(10),
        1 => Duration::hours(1),
        2 => Duration::hours(6),
        _ => Duration::days(1),
    }
}

/// The last step: daily from there on.
pub const LAST_STEP: i32 = 3;

/// Where a watch stands after a check at `now` that came to `outcome`.
///
/// `step` and `failures` are the watch's before the check; `created_at` starts its age.
pub fn next_check(
    outcome: FetchOutcome,
    step: i32,
    failures: i32,
    created_at: DateTime<Utc>,
    now: DateTime<Utc>,
    max_age: Duration,
) -> NextCheck {
    let (step, wait) = match outcome {
        FetchOutcome::NewArticle | FetchOutcome::NewVersion => (0, interval(0)),
        FetchOutcome::Unchanged | FetchOutcome::NotModified => {
            let step = (step + 1).min(LAST_STEP);
            (step, interval(step))
        }
        // The first failure in a row waits the shortest interval, the next ones longer.
        FetchOutcome::Failed => (step, interval(failures)),
    };
    let end = created_at + max_age;
    NextCheck {
        active: now < end,
        step,
        next_check_at: (now + wait).min(end.max(now)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hours: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap() + Duration::hours(hours)
    }

    const TWO_WEEKS: Duration = Duration::days(14);

    #[test]
    fn an_unchanged_page_is_checked_after_ten_minutes_an_hour_six_hours_then_daily() {
        let created = at(0);
        let mut step = 0;
        let mut waits = Vec::new();
        for _ in 0..6 {
            let next = next_check(FetchOutcome::Unchanged, step, 0, created, at(1), TWO_WEEKS);
            waits.push(next.next_check_at - at(1));
            step = next.step;
        }
        assert_eq!(
            waits,
            vec![
                Duration::hours(1),
                Duration::hours(6),
                Duration::days(1),
                Duration::days(1),
                Duration::days(1),
                Duration::days(1),
            ],
            "after the first check (10 min after the article), the waits grow and stay daily"
        );
        let first = next_check(FetchOutcome::NewArticle, 0, 0, created, at(0), TWO_WEEKS);
        assert_eq!(first.next_check_at - at(0), Duration::minutes(10));
    }

    #[test]
    fn a_change_restarts_the_schedule_at_ten_minutes() {
        let next = next_check(FetchOutcome::NewVersion, 3, 0, at(0), at(50), TWO_WEEKS);
        assert_eq!(next.step, 0);
        assert_eq!(next.next_check_at, at(50) + Duration::minutes(10));
        assert!(next.active);
    }

    #[test]
    fn a_not_modified_answer_backs_off_like_an_unchanged_page() {
        let next = next_check(FetchOutcome::NotModified, 1, 0, at(0), at(2), TWO_WEEKS);
        assert_eq!(
            (next.step, next.next_check_at),
            (2, at(2) + Duration::hours(6))
        );
    }

    #[test]
    fn failures_back_off_by_failures_in_a_row_and_keep_the_step() {
        let waits: Vec<Duration> = (0..5)
            .map(|failures| {
                let next = next_check(FetchOutcome::Failed, 1, failures, at(0), at(3), TWO_WEEKS);
                assert_eq!(next.step, 1, "a failure does not move the success schedule");
                assert!(next.active, "a failing watch is retried, not stopped");
                next.next_check_at - at(3)
            })
            .collect();
        assert_eq!(
            waits,
            vec![
                Duration::minutes(10),
                Duration::hours(1),
                Duration::hours(6),
                Duration::days(1),
                Duration::days(1),
            ]
        );
    }

    #[test]
    fn the_last_check_is_made_at_the_maximum_age_then_the_watch_stops() {
        let created = at(0);
        let almost = created + TWO_WEEKS - Duration::hours(2);
        let next = next_check(FetchOutcome::Unchanged, 3, 0, created, almost, TWO_WEEKS);
        assert!(next.active);
        assert_eq!(
            next.next_check_at,
            created + TWO_WEEKS,
            "not a day later: at the age"
        );
        let last = next_check(
            FetchOutcome::Unchanged,
            3,
            0,
            created,
            created + TWO_WEEKS,
            TWO_WEEKS,
        );
        assert!(!last.active, "older than the maximum age: stopped");
    }

    #[test]
    fn a_change_does_not_extend_the_maximum_age() {
        let created = at(0);
        let late = created + Duration::days(15);
        let next = next_check(FetchOutcome::NewVersion, 0, 0, created, late, TWO_WEEKS);
        assert!(!next.active);
    }
}
