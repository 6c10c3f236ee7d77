//! How fetches behave, from defaults and the environment.

use std::time::Duration;

/// How fetches behave.
#[derive(Debug, Clone)]
pub struct FetchSettings {
    /// Sent as `User-Agent`.
    pub user_agent: String,
    /// The whole request, body included.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Largest body accepted (after content-encoding is undone).
    pub max_bytes: usize,
    pub max_redirects: usize,
    /// Hosts (names or literal addresses, e.g. `127.0.0.1`, `intranet.example`) that may be
    /// fetched even though they resolve to loopback, private or link-local addresses
    /// (`CLAIMDB_FETCH_ALLOW_HOSTS`, comma-separated; for tests and intranets).
    pub allow_hosts: Vec<String>,
}

impl Default for FetchSettings {
    fn default() -> Self {
        FetchSettings {
            user_agent: format!(
                "claimdb/{} (fact-check archive; re-fetches watched articles)",
                env!("CARGO_PKG_VERSION")
            ),
            timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(5),
            max_bytes: 5 * 1024 * 1024,
            max_redirects: 5,
            allow_hosts: Vec::new(),
        }
    }
}

impl FetchSettings {
    /// The defaults, with `CLAIMDB_FETCH_ALLOW_HOSTS` (comma-separated),
    /// `CLAIMDB_FETCH_TIMEOUT_SECONDS` and `CLAIMDB_FETCH_MAX_BYTES` over them. A value that does
    /// not parse is logged and ignored, so a typo cannot stop the server.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// `from_env` with the variables read through `lookup` (for tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let mut settings = FetchSettings::default();
        if let Some(hosts) = lookup("CLAIMDB_FETCH_ALLOW_HOSTS") {
            settings.allow_hosts = hosts
                .split(',')
                .map(str::trim)
                .filter(|h| !h.is_empty())
                .map(str::to_string)
                .collect();
        }
        if let Some(seconds) = positive_number("CLAIMDB_FETCH_TIMEOUT_SECONDS", &lookup) {
            settings.timeout = Duration::from_secs(seconds);
        }
        if let Some(bytes) = positive_number("CLAIMDB_FETCH_MAX_BYTES", &lookup) {
            settings.max_bytes = usize::try_from(bytes).unwrap_or(usize::MAX);
        }
        settings
    }
}

fn positive_number(name: &str, lookup: &impl Fn(&str) -> Option<String>) -> Option<u64> {
    let value = lookup(name)?;
    match value.trim().parse::<u64>() {
        Ok(n) if n > 0 => Some(n),
        _ => {
            tracing::warn!("{name}={value:?} is not a positive whole number; the default is used");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(vars: &[(&str, &str)]) -> FetchSettings {
        FetchSettings::from_lookup(|name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn the_environment_overrides_the_defaults() {
        let settings = from(&[
            (
                "CLAIMDB_FETCH_ALLOW_HOSTS",
                " 127.0.0.1, intranet.example ,,",
            ),
            ("CLAIMDB_FETCH_TIMEOUT_SECONDS", "7"),
            ("CLAIMDB_FETCH_MAX_BYTES", "1000"),
        ]);
        assert_eq!(settings.allow_hosts, vec!["127.0.0.1", "intranet.example"]);
        assert_eq!(settings.timeout, Duration::from_secs(7));
        assert_eq!(settings.max_bytes, 1000);
    }

    #[test]
    fn unset_or_unreadable_values_keep_the_defaults() {
        let settings = from(&[
            ("CLAIMDB_FETCH_TIMEOUT_SECONDS", "soon"),
            ("CLAIMDB_FETCH_MAX_BYTES", "0"),
        ]);
        let defaults = FetchSettings::default();
        assert!(settings.allow_hosts.is_empty());
        assert_eq!(settings.timeout, defaults.timeout);
        assert_eq!(settings.max_bytes, defaults.max_bytes);
    }
}
