//! A local web site that answers as real news sites do: pages wrapped in site chrome, a legacy
//! Arabic encoding declared only in a `<meta>`, gzip, redirects, errors, slowness, endless
//! bodies and conditional requests. A plain TCP server, so that every header and byte is as
//! written here (a framework would fix up lengths and encodings).

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const NEWS_PAGE: &str = include_str!("news_page.html");
pub const ARABIC_PAGE: &str = include_str!("arabic_page.html");
const NOT_FOUND_PAGE: &str = "<html><head><title>Page not found - Example News</title></head><body>\
    <nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav><h1>Page not found</h1>\
    <p>Sorry, we could not find that page.</p><footer>\u{a9} 2024 Example News</footer></body></html>";
pub const ETAG: &str = "\"v1-3f2a\"";
pub const LAST_MODIFIED: &str = "Tue, 05 Mar 2024 10:00:00 GMT";

pub struct TestSite {
    pub addr: SocketAddr,
}

impl TestSite {
    pub async fn start() -> TestSite {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("cannot bind the test site");
        let addr = listener.local_addr().expect("the test site's address");
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, addr));
            }
        });
        TestSite { addr }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

struct Request {
    path: String,
    headers: Vec<(String, String)>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

async fn serve(mut stream: TcpStream, addr: SocketAddr) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    let port = addr.port();
    let html_utf8 = "text/html; charset=utf-8";
    // Write errors are ignored: a client that gave up (too large, too slow) hangs up early.
    let _ = match request.path.as_str() {
        "/news/strike" => {
            respond(
                &mut stream,
                200,
                &[("Content-Type", html_utf8)],
                NEWS_PAGE.as_bytes(),
            )
            .await
        }
        "/ar/strike" => {
            let (bytes, _, unmappable) = encoding_rs::WINDOWS_1256.encode(ARABIC_PAGE);
            assert!(
                !unmappable,
                "the Arabic page must be representable in windows-1256"
            );
            // No charset in the header: only the page's <meta http-equiv> says windows-1256.
            respond(&mut stream, 200, &[("Content-Type", "text/html")], &bytes).await
        }
        "/gzip/strike" => {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            encoder
                .write_all(NEWS_PAGE.as_bytes())
                .expect("gzip in memory");
            let gzipped = encoder.finish().expect("gzip in memory");
            respond(
                &mut stream,
                200,
                &[("Content-Type", html_utf8), ("Content-Encoding", "gzip")],
                &gzipped,
            )
            .await
        }
        "/old/strike" => respond(&mut stream, 301, &[("Location", "/moved/strike")], b"").await,
        "/moved/strike" => {
            let next = format!("http://127.0.0.1:{port}/news/strike");
            respond(&mut stream, 302, &[("Location", &next)], b"").await
        }
        "/loop" => respond(&mut stream, 302, &[("Location", "/loop")], b"").await,
        "/to-loopback-literal" => {
            let next = format!("http://127.0.0.2:{port}/news/strike");
            respond(&mut stream, 302, &[("Location", &next)], b"").await
        }
        "/to-localhost" => {
            let next = format!("http://localhost:{port}/news/strike");
            respond(&mut stream, 302, &[("Location", &next)], b"").await
        }
        "/ftp" => {
            respond(
                &mut stream,
                302,
                &[("Location", "ftp://127.0.0.1/file")],
                b"",
            )
            .await
        }
        "/broken" => {
            respond(
                &mut stream,
                500,
                &[("Content-Type", html_utf8)],
                b"<h1>Internal Server Error</h1>",
            )
            .await
        }
        "/slow" => {
            tokio::time::sleep(Duration::from_secs(5)).await;
            respond(
                &mut stream,
                200,
                &[("Content-Type", html_utf8)],
                NEWS_PAGE.as_bytes(),
            )
            .await
        }
        "/endless-chunked" => endless(&mut stream, true).await,
        "/endless-unframed" => endless(&mut stream, false).await,
        "/huge-declared" => {
            respond(
                &mut stream,
                200,
                &[("Content-Type", html_utf8), ("Content-Length", "50000000")],
                b"<p>",
            )
            .await
        }
        "/report.pdf" => {
            respond(
                &mut stream,
                200,
                &[("Content-Type", "application/pdf")],
                b"%PDF-1.4",
            )
            .await
        }
        "/cached/strike" => {
            if request.header("If-None-Match") == Some(ETAG)
                || request.header("If-Modified-Since") == Some(LAST_MODIFIED)
            {
                respond(&mut stream, 304, &[("ETag", ETAG)], b"").await
            } else {
                let headers = [
                    ("Content-Type", html_utf8),
                    ("ETag", ETAG),
                    ("Last-Modified", LAST_MODIFIED),
                ];
                respond(&mut stream, 200, &headers, NEWS_PAGE.as_bytes()).await
            }
        }
        "/echo-user-agent" => {
            let agent = request.header("User-Agent").unwrap_or("").to_string();
            let body = format!("<html><body><p>{agent}</p></body></html>");
            respond(
                &mut stream,
                200,
                &[("Content-Type", html_utf8)],
                body.as_bytes(),
            )
            .await
        }
        // A "soft 404": the site's not-found page, sent as a success.
        "/soft-404" => {
            respond(
                &mut stream,
                200,
                &[("Content-Type", html_utf8)],
                NOT_FOUND_PAGE.as_bytes(),
            )
            .await
        }
        _ => {
            let body = NOT_FOUND_PAGE.as_bytes();
            respond(&mut stream, 404, &[("Content-Type", html_utf8)], body).await
        }
    };
}

async fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buffer.len() > 64 * 1024 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8_lossy(&buffer);
    let mut lines = text.split("\r\n");
    let path = lines.next()?.split(' ').nth(1)?.to_string();
    let headers = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Some(Request { path, headers })
}

/// A response with the body's length (unless the headers give one) and the connection closed.
async fn respond(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\nConnection: close\r\n",
        reason(status)
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("Content-Length"))
        && status != 304
    {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    stream.flush().await
}

/// A body that never ends, sent chunked or, as old servers do, with neither a length nor
/// chunks (ended by closing the connection): the client has only its own count to stop it.
async fn endless(stream: &mut TcpStream, chunked: bool) -> std::io::Result<()> {
    let framing = if chunked {
        "Transfer-Encoding: chunked\r\n"
    } else {
        ""
    };
    let head =
        format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n{framing}\r\n");
    stream.write_all(head.as_bytes()).await?;
    let paragraph = "<p>Filler paragraph that goes on and on and on.</p>\n".repeat(200);
    loop {
        if chunked {
            let chunk = format!("{:x}\r\n{paragraph}\r\n", paragraph.len());
            stream.write_all(chunk.as_bytes()).await?;
        } else {
            stream.write_all(paragraph.as_bytes()).await?;
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "",
    }
}
