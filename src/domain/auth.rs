//! Passwords, tokens and the login rate limit: no web or database types.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use sha2::{Digest, Sha256};

pub const MIN_PASSWORD_CHARS: usize = 8;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AuthError {
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    PasswordTooShort,
    #[error("user names are 1–64 letters, digits, dots, dashes or underscores")]
    BadUsername,
    #[error("password hashing failed: {0}")]
    Hashing(String),
}

/// An argon2id PHC string for `password`, with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, AuthError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AuthError::PasswordTooShort);
    }
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Hashing(e.to_string()))
}

/// Whether `password` matches the stored PHC string (a malformed hash never matches).
pub fn verify_password(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

pub fn validate_username(name: &str) -> Result<(), AuthError> {
    let ok = (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if ok {
        Ok(())
    } else {
        Err(AuthError::BadUsername)
    }
}

/// 32 random bytes as hex: session and CSRF tokens.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    // The OS random source failing is not something a web request can recover from.
    getrandom::fill(&mut bytes).expect("the operating system's random source is unavailable");
    hex::encode(bytes)
}

/// What the database stores of a session token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares two secrets without an early exit (no timing hint about the matching prefix).
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Failed logins allowed per key (an account, or an address) within the window.
pub const MAX_FAILURES: usize = 5;
pub const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Counts recent failed logins per key; a key over the limit is refused until its oldest
/// failure leaves the window.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: HashMap<String, Vec<Instant>>,
}

impl LoginLimiter {
    /// Whether `key` may try now.
    pub fn allowed(&mut self, key: &str, now: Instant) -> bool {
        match self.failures.get_mut(key) {
            Some(times) => {
                times.retain(|t| now.duration_since(*t) < FAILURE_WINDOW);
                times.len() < MAX_FAILURES
            }
            None => true,
        }
    }

    pub fn record_failure(&mut self, key: &str, now: Instant) {
        // Bound memory: forget stale keys now and then.
        if self.failures.len() > 10_000 {
            self.failures.retain(|_, times| {
                times
                    .iter()
                    .any(|t| now.duration_since(*t) < FAILURE_WINDOW)
            });
        }
        self.failures.entry(key.to_string()).or_default().push(now);
    }

    pub fn clear(&mut self, key: &str) {
        self.failures.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong horse", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
    }

    #[test]
    fn short_passwords_and_odd_user_names_are_refused() {
        assert_eq!(hash_password("short"), Err(AuthError::PasswordTooShort));
        assert!(validate_username("layla_h").is_ok());
        assert!(validate_username("ليلى").is_ok());
        assert!(validate_username("a b").is_err());
        assert!(validate_username("").is_err());
    }

    #[test]
    fn tokens_are_random_and_hashed_for_storage() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn the_limiter_refuses_after_five_failures_until_the_window_passes() {
        let mut limiter = LoginLimiter::default();
        let start = Instant::now();
        for _ in 0..MAX_FAILURES {
            assert!(limiter.allowed("user:layla", start));
            limiter.record_failure("user:layla", start);
        }
        assert!(!limiter.allowed("user:layla", start));
        assert!(limiter.allowed("user:other", start));
        assert!(limiter.allowed("user:layla", start + FAILURE_WINDOW));
    }

    #[test]
    fn constant_time_comparison_is_still_a_comparison() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
