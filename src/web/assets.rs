//! Static assets served by claimdb itself: the one stylesheet, embedded in the binary.
//!
//! Pages link to `/static/claimdb.<hash>.css`, the hash being that of the stylesheet's content,
//! so the file can be cached for a year: a new stylesheet has a new address. Keeping the styles
//! out of the pages lets the Content-Security-Policy say `style-src 'self'` (no inline styles).

use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use sha2::Digest;

use super::page::PageContext;
use super::AppError;

/// The stylesheet, as shipped.
pub const STYLESHEET: &str = include_str!("assets/claimdb.css");

/// A year: the versioned address never changes content.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Any other name of the stylesheet (an old page's link, or the bare name): revalidate.
const REVALIDATE: &str = "public, max-age=0, must-revalidate";

/// The stylesheet's file name, with the first 16 hex digits of its SHA-256.
static STYLESHEET_NAME: LazyLock<String> = LazyLock::new(|| {
    let digest = sha2::Sha256::digest(STYLESHEET.as_bytes());
    format!("claimdb.{}.css", &hex::encode(digest)[..16])
});

/// The address pages link the stylesheet from.
pub fn stylesheet_url() -> String {
    format!("/static/{}", *STYLESHEET_NAME)
}

/// `GET /static/{file}`: the stylesheet under its versioned name (cached for a year), or under
/// `claimdb.css` / an older version's name (served, but revalidated); anything else is a 404.
pub async fn static_file(req: HttpRequest, file: web::Path<String>) -> HttpResponse {
    let file = file.into_inner();
    let cache = if file == *STYLESHEET_NAME {
        IMMUTABLE
    } else if file == "claimdb.css" || is_versioned_name(&file) {
        REVALIDATE
    } else {
        return AppError::NotFound.page(PageContext::from_request(&req));
    };
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/css; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, cache))
        .body(STYLESHEET)
}

/// `claimdb.<16 hex digits>.css`.
fn is_versioned_name(file: &str) -> bool {
    file.strip_prefix("claimdb.")
        .and_then(|rest| rest.strip_suffix(".css"))
        .is_some_and(|hash| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stylesheet_address_carries_its_hash() {
        let url = stylesheet_url();
        let name = url.strip_prefix("/static/").unwrap();
        assert!(is_versioned_name(name), "{url}");
        assert!(!is_versioned_name("claimdb.css"));
        assert!(!is_versioned_name("claimdb.0123456789abcdef.js"));
        assert!(!STYLESHEET.contains("</style>"));
    }
}
