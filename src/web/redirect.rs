//! Where a visitor may be sent after signing in (`next=`): only a path on this site.
//!
//! A browser reads `//host`, `/\host` and `/<tab>/host` (it drops tabs and line breaks from
//! addresses) as another site, so a local path here is: one leading `/`, not followed by a
//! second `/` or `\`, no `\` anywhere, no control character or whitespace anywhere; and the
//! same again after percent-decoding (repeated while it changes anything), so no encoded form
//! of those slips through either. Anything else sends the visitor to `/`.

/// How many rounds of percent-decoding are looked through; text still encoded after them is
/// refused.
const DECODING_ROUNDS: usize = 4;

/// `next` when it is a local path, else `/`.
pub fn local_path_or_root(next: Option<&str>) -> String {
    match next {
        Some(n) if is_local_path(n) => n.to_string(),
        _ => "/".to_string(),
    }
}

/// Whether `next` (as received, already decoded once from the query or form) is a local path.
pub fn is_local_path(next: &str) -> bool {
    let mut text = next.to_string();
    for _ in 0..DECODING_ROUNDS {
        if !local_shape(&text) {
            return false;
        }
        let decoded = percent_decode(&text);
        if decoded == text {
            return true;
        }
        text = decoded;
    }
    false
}

fn local_shape(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !text
            .chars()
            .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
}

/// `%XX` as a byte (a `%` without two hex digits stays); `+` is left alone, as in a path.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            ) {
                out.push(hi * 16 + lo);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_kept() {
        for ok in [
            "/",
            "/events/3",
            "/search?q=a+b&lang=ar",
            "/search?q=%D9%82%D8%AA%D9%84",
            "/articles/1#fact-2",
            "/a/b//c",
        ] {
            assert!(is_local_path(ok), "{ok:?}");
        }
        for bad in [
            "",
            "events",
            "//evil.example/x",
            "/\\evil.example",
            "/\t/evil.example/phish",
            "/%09/evil.example/phish",
            "/%2F/evil.example",
            "/%5Cevil.example",
            "/%252F%252Fevil.example",
            "/\r\nSet-Cookie: x=1",
            "/%0d%0aSet-Cookie:%20x=1",
            "/ /evil",
            "/\u{3000}/evil",
            "/a\\b",
            "https://evil.example",
            "/%25252525252F",
        ] {
            assert!(!is_local_path(bad), "{bad:?}");
            assert_eq!(local_path_or_root(Some(bad)), "/");
        }
        assert_eq!(local_path_or_root(None), "/");
    }
}
