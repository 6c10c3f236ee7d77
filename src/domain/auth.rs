//! Passwords, tokens and the login rate limit: no web or database types.

use std::time::Duration;

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

/// HMAC-SHA256 (RFC 2104) of `message` under `key`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// Bytes of a CSRF token's random part and of its signature (64 hex digits in all).
const CSRF_NONCE_BYTES: usize = 16;
const CSRF_MAC_BYTES: usize = 16;

fn csrf_mac(key: &[u8], nonce_hex: &str) -> String {
    let mac = hmac_sha256(key, format!("claimdb-csrf:{nonce_hex}").as_bytes());
    hex::encode(&mac[..CSRF_MAC_BYTES])
}

/// A new CSRF token: a random part and its HMAC under the server's key, as 64 hex digits.
pub fn issue_csrf_token(key: &[u8]) -> String {
    let mut nonce = [0u8; CSRF_NONCE_BYTES];
    getrandom::fill(&mut nonce).expect("the operating system's random source is unavailable");
    let nonce_hex = hex::encode(nonce);
    let mac = csrf_mac(key, &nonce_hex);
    nonce_hex + &mac
}

/// Whether `token` was issued by a server holding `key` (any other value is refused).
pub fn csrf_token_is_ours(key: &[u8], token: &str) -> bool {
    let split = CSRF_NONCE_BYTES * 2;
    if token.len() != split + CSRF_MAC_BYTES * 2
        || !token
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return false;
    }
    let (nonce_hex, mac) = token.split_at(split);
    constant_time_eq(&csrf_mac(key, nonce_hex), mac)
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

/// The sign-in limits (issue 17, point 3). Every attempt is counted before its password is
/// verified, in counters all servers share, and given back when it succeeds:
/// - per account and address: `per_pair` attempts a window, then that address is refused for
///   that account;
/// - per address: `per_address` attempts a window, over all accounts;
/// - per account: never a wall (that would let anyone lock an account out), but past
///   `account_free` attempts each one waits `account_step` more, up to `account_max_delay`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginLimits {
    pub window: Duration,
    pub per_pair: i32,
    pub per_address: i32,
    pub account_free: i32,
    pub account_step: Duration,
    pub account_max_delay: Duration,
}

pub const LOGIN_LIMITS: LoginLimits = LoginLimits {
    window: Duration::from_secs(15 * 60),
    per_pair: 5,
    per_address: 20,
    account_free: 5,
    account_step: Duration::from_millis(250),
    account_max_delay: Duration::from_secs(5),
};

impl LoginLimits {
    /// Whether an attempt that is the `pair`-th of its account and address and the
    /// `address`-th of its address (both counting itself) may be tried.
    pub fn allows(&self, pair: i32, address: i32) -> bool {
        pair <= self.per_pair && address <= self.per_address
    }

    /// How long the `account`-th attempt on an account (counting itself) waits first.
    pub fn account_delay(&self, account: i32) -> Duration {
        let over = account.saturating_sub(self.account_free).max(0) as u32;
        self.account_step
            .saturating_mul(over)
            .min(self.account_max_delay)
    }
}

/// The counter keys of one sign-in attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginKeys {
    pub account: String,
    pub address: String,
    pub pair: String,
}

impl LoginKeys {
    /// User names are compared case-insensitively, as stored names are looked up.
    pub fn new(username: &str, address: &str) -> Self {
        let user = username.trim().to_lowercase();
        LoginKeys {
            pair: format!("pair:{user}|{address}"),
            account: format!("user:{user}"),
            address: format!("ip:{address}"),
        }
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
    fn an_address_is_walled_off_but_an_account_only_slowed_down() {
        let limits = LOGIN_LIMITS;
        assert!(limits.allows(5, 5));
        assert!(!limits.allows(6, 6));
        assert!(!limits.allows(1, 21));
        assert_eq!(limits.account_delay(5), Duration::ZERO);
        assert_eq!(limits.account_delay(6), Duration::from_millis(250));
        assert_eq!(limits.account_delay(10_000), limits.account_max_delay);
        let keys = LoginKeys::new(" Layla ", "10.0.0.1");
        assert_eq!(keys.pair, "pair:layla|10.0.0.1");
        assert_eq!(keys.account, "user:layla");
        assert_eq!(keys.address, "ip:10.0.0.1");
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2 of RFC 4231.
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let long_key = [0xaa_u8; 131];
        let mac = hmac_sha256(
            &long_key,
            b"Test Using Larger Than Block-Size Key - Hash Key First",
        );
        assert_eq!(
            hex::encode(mac),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn only_tokens_signed_with_the_key_are_ours() {
        let key = [7u8; 32];
        let token = issue_csrf_token(&key);
        assert_eq!(token.len(), 64);
        assert!(csrf_token_is_ours(&key, &token));
        assert!(!csrf_token_is_ours(&[8u8; 32], &token));
        assert!(!csrf_token_is_ours(&key, &"a".repeat(64)));
        assert!(!csrf_token_is_ours(&key, &token.to_uppercase()));
        let mut forged = token.clone().into_bytes();
        forged[0] = if forged[0] == b'0' { b'1' } else { b'0' };
        assert!(!csrf_token_is_ours(
            &key,
            &String::from_utf8(forged).unwrap()
        ));
    }

    #[test]
    fn constant_time_comparison_is_still_a_comparison() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
