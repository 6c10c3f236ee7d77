//! How the watcher behaves, from defaults and the environment.

use chrono::Duration;

use super::ConfigError;

/// How the watcher behaves.
#[derive(Debug, Clone)]
pub struct WatchSettings {
    /// Watches stop once they are this old (`CLAIMDB_WATCH_MAX_AGE_DAYS`, default 14).
    pub max_age: Duration,
    /// How long a worker holds the watches it took: longer than it takes to fetch and store a
    /// batch, short enough that a crashed worker's watches soon come due again.
    pub lease: Duration,
    /// Watches taken at once.
    pub batch: i64,
    /// Largest article text stored (as for a pasted article).
    pub max_text_bytes: usize,
}

pub const DEFAULT_MAX_AGE_DAYS: i64 = 14;

impl Default for WatchSettings {
    fn default() -> Self {
        WatchSettings {
            max_age: Duration::days(DEFAULT_MAX_AGE_DAYS),
            lease: Duration::minutes(5),
            batch: 8,
            max_text_bytes: super::DEFAULT_MAX_BODY_BYTES,
        }
    }
}

impl WatchSettings {
    /// The defaults, with `CLAIMDB_WATCH_MAX_AGE_DAYS` when set.
    pub fn from_env() -> Result<Self, ConfigError> {
        let mut settings = WatchSettings::default();
        if let Ok(days) = std::env::var("CLAIMDB_WATCH_MAX_AGE_DAYS") {
            let days = days
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|d| (1..=3650).contains(d))
                .ok_or_else(|| {
                    ConfigError(format!(
                        "CLAIMDB_WATCH_MAX_AGE_DAYS must be a number of days from 1 to 3650, not {days:?}"
                    ))
                })?;
            settings.max_age = Duration::days(days);
        }
        Ok(settings)
    }
}
