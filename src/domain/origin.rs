//! Where a version's text came from (issue 17, point 5), and who may revise a stored article.

use serde::Serialize;

/// The origin of a version, as stored in `article_versions.origin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionOrigin {
    /// claimdb fetched the page from the outlet (a submitted address or a watch).
    Fetched,
    /// Pasted by a signed-in user (form or JSON API).
    SignedIn,
    /// Brought by `claimdb import`, which is run by whoever runs the server: trusted.
    Imported,
    /// Pasted by an anonymous visitor.
    Anonymous,
}

impl VersionOrigin {
    pub fn as_str(self) -> &'static str {
        match self {
            VersionOrigin::Fetched => "fetched",
            VersionOrigin::SignedIn => "signed_in",
            VersionOrigin::Imported => "imported",
            VersionOrigin::Anonymous => "anonymous",
        }
    }

    /// The stored spelling back; an unknown one is read as the least trusted.
    pub fn parse(stored: &str) -> Self {
        match stored {
            "fetched" => VersionOrigin::Fetched,
            "signed_in" => VersionOrigin::SignedIn,
            "imported" => VersionOrigin::Imported,
            _ => VersionOrigin::Anonymous,
        }
    }

    /// A paste by a signed-in user, else an anonymous one.
    pub fn pasted(signed_in: bool) -> Self {
        if signed_in {
            VersionOrigin::SignedIn
        } else {
            VersionOrigin::Anonymous
        }
    }

    /// Whether text of this origin may become a new version of an article already stored.
    /// Anonymous text may not: it waits for a reviewer (`pending_versions`).
    pub fn may_revise(self) -> bool {
        self != VersionOrigin::Anonymous
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_round_trip_and_only_anonymous_text_waits_for_review() {
        for origin in [
            VersionOrigin::Fetched,
            VersionOrigin::SignedIn,
            VersionOrigin::Imported,
            VersionOrigin::Anonymous,
        ] {
            assert_eq!(VersionOrigin::parse(origin.as_str()), origin);
            assert_eq!(origin.may_revise(), origin != VersionOrigin::Anonymous);
        }
        assert_eq!(VersionOrigin::parse("?"), VersionOrigin::Anonymous);
    }
}
