//! A page's bytes to text. Browsers look, in order, for a byte-order mark, the `charset` of the
//! `Content-Type` header, and a `<meta>` charset near the top of the document, and fall back to
//! a default; claimdb does the same (with UTF-8 as the default), because many Arabic sites still
//! serve windows-1256 and say so only in a `<meta http-equiv>`.

use encoding_rs::Encoding;

/// How far into the body a `<meta>` charset is looked for (the HTML standard prescans 1024
/// bytes; some sites put long scripts first, so a little more is read).
const META_PRESCAN_BYTES: usize = 4096;

/// The body decoded with the encoding the page declares, and that encoding.
pub fn decode(content_type: Option<&str>, body: &[u8]) -> (String, &'static Encoding) {
    let declared = charset_from_content_type(content_type)
        .or_else(|| charset_from_meta(body))
        .unwrap_or(encoding_rs::UTF_8);
    // A byte-order mark wins over any declaration (as in browsers); `decode` reports which
    // encoding it actually used.
    let (text, used, _had_errors) = declared.decode(body);
    (text.into_owned(), used)
}

/// The `charset` parameter of a `Content-Type` value, when it names a known encoding.
pub fn charset_from_content_type(content_type: Option<&str>) -> Option<&'static Encoding> {
    let value = content_type?;
    value.split(';').skip(1).find_map(|param| {
        let (name, label) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        label_to_encoding(label)
    })
}

/// The charset a `<meta charset>` or `<meta http-equiv="Content-Type" content="...charset=...">`
/// near the top of the document declares.
pub fn charset_from_meta(body: &[u8]) -> Option<&'static Encoding> {
    let head = &body[..body.len().min(META_PRESCAN_BYTES)];
    // Labels and tag names are ASCII, and every encoding a page can declare this way keeps
    // ASCII bytes as they are, so a lossy view is enough to find them.
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut rest = head.as_str();
    while let Some(start) = rest.find("<meta") {
        let after = &rest[start + 5..];
        let end = after.find('>').unwrap_or(after.len());
        let tag = &after[..end];
        if let Some(encoding) = charset_in_meta_tag(tag) {
            return Some(encoding);
        }
        rest = &after[end..];
    }
    None
}

fn charset_in_meta_tag(tag: &str) -> Option<&'static Encoding> {
    let attributes = attributes(tag);
    let get = |name: &str| {
        attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    if let Some(label) = get("charset") {
        return label_to_encoding(label);
    }
    if get("http-equiv").is_some_and(|v| v.trim() == "content-type") {
        return charset_from_content_type(get("content"));
    }
    None
}

/// `name="value"`, `name='value'` and `name=value` pairs of a tag's inside.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = tag.trim_start_matches('/').trim_start();
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| c == '=' || c.is_whitespace() || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_string();
        rest = rest[name_end..].trim_start();
        let mut value = String::new();
        if let Some(after_eq) = rest.strip_prefix('=') {
            let after_eq = after_eq.trim_start();
            let (v, remaining) = match after_eq.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let inner = &after_eq[1..];
                    let close = inner.find(q).unwrap_or(inner.len());
                    (&inner[..close], inner.get(close + 1..).unwrap_or(""))
                }
                _ => {
                    let end = after_eq.find(char::is_whitespace).unwrap_or(after_eq.len());
                    (&after_eq[..end], &after_eq[end..])
                }
            };
            value = v.to_string();
            rest = remaining;
        }
        if !name.is_empty() {
            found.push((name, value));
        }
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
    }
    found
}

fn label_to_encoding(label: &str) -> Option<&'static Encoding> {
    let label = label.trim().trim_matches(|c| c == '"' || c == '\'');
    let encoding = Encoding::for_label(label.as_bytes())?;
    // A page cannot really be UTF-16 if its ASCII-looking declaration was readable: browsers
    // read it as UTF-8 (and the same for the decoder-only replacement encoding's labels).
    if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
        return Some(encoding_rs::UTF_8);
    }
    Some(encoding)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_type_header_charset_is_used() {
        let (text, used) = decode(Some("text/html; charset=windows-1256"), &[0xC7, 0xE1]);
        assert_eq!(used.name(), "windows-1256");
        assert_eq!(text, "ال");
        assert_eq!(
            charset_from_content_type(Some("text/html;Charset=\"ISO-8859-1\"")).map(|e| e.name()),
            Some("windows-1252")
        );
        assert_eq!(charset_from_content_type(Some("text/html")), None);
        assert_eq!(
            charset_from_content_type(Some("text/html; charset=nonsense")),
            None
        );
    }

    #[test]
    fn a_meta_http_equiv_charset_is_found_when_the_header_has_none() {
        let page = b"<html><head><META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=windows-1256\"><title>x</title>";
        assert_eq!(
            charset_from_meta(page).map(|e| e.name()),
            Some("windows-1256")
        );
        let mut body = page.to_vec();
        body.extend_from_slice(&[0xE3, 0xD5, 0xD1]); // مصر
        let (text, used) = decode(Some("text/html"), &body);
        assert_eq!(used.name(), "windows-1256");
        assert!(text.ends_with("مصر"), "{text}");
    }

    #[test]
    fn a_meta_charset_attribute_is_found_in_any_quoting() {
        for page in [
            &b"<meta charset=\"utf-8\">"[..],
            b"<meta charset='windows-1256'/>",
            b"<head><meta name=viewport content=x><meta charset=windows-1256>",
        ] {
            assert!(
                charset_from_meta(page).is_some(),
                "{:?}",
                String::from_utf8_lossy(page)
            );
        }
        assert_eq!(
            charset_from_meta(b"<meta charset=windows-1256>").map(|e| e.name()),
            Some("windows-1256")
        );
    }

    #[test]
    fn a_meta_charset_beyond_the_prescan_is_not_read() {
        let mut page = vec![b' '; META_PRESCAN_BYTES];
        page.extend_from_slice(b"<meta charset=windows-1256>");
        assert_eq!(charset_from_meta(&page), None);
    }

    #[test]
    fn the_header_wins_over_the_meta_and_a_bom_wins_over_both() {
        let page = b"<meta charset=windows-1256>\xC7";
        let (_, used) = decode(Some("text/html; charset=iso-8859-6"), page);
        assert_eq!(used.name(), "ISO-8859-6");
        let mut with_bom = vec![0xEF, 0xBB, 0xBF];
        with_bom.extend_from_slice("<meta charset=windows-1256>مصر".as_bytes());
        let (text, used) = decode(Some("text/html; charset=windows-1256"), &with_bom);
        assert_eq!(used.name(), "UTF-8");
        assert!(text.ends_with("مصر"));
    }

    #[test]
    fn without_any_declaration_the_page_is_read_as_utf8() {
        let (text, used) = decode(None, "<p>قُتل ١٥ شخصاً</p>".as_bytes());
        assert_eq!(used.name(), "UTF-8");
        assert_eq!(text, "<p>قُتل ١٥ شخصاً</p>");
    }

    #[test]
    fn a_utf16_meta_declaration_means_utf8() {
        assert_eq!(
            charset_from_meta(b"<meta charset=utf-16>").map(|e| e.name()),
            Some("UTF-8")
        );
    }
}
