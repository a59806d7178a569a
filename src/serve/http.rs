//! The HTTP side of the preview: reads one request per connection (GET and
//! HEAD only, a bounded head, timeouts), maps its path to a file inside the
//! build folder and nowhere else, and writes the response. HTML responses
//! get the live-reload snippet (and, when the content has errors, the
//! overlay) as they are sent; `/__mieru/events` is the server-sent event
//! stream that tells open pages to reload.

use super::{live, Shared};
use std::fs;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The longest request head (request line and headers) read.
const MAX_HEAD: usize = 16 * 1024;
/// How long one read or write may wait for the other side.
pub(super) const READ_TIMEOUT: Duration = Duration::from_secs(5);
pub(super) const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the whole request head may take to arrive.
const HEAD_DEADLINE: Duration = Duration::from_secs(10);
/// How often an idle event stream sends a comment, so that a closed tab is
/// noticed and its thread ends.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// What a request path names inside the build folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A file inside the folder (for a folder path, its `index.html`).
    File(PathBuf),
    /// A folder asked for without its trailing slash: the address to
    /// redirect to, so that the page's relative links work.
    Redirect(String),
    /// Nothing there (also hidden files such as the output marker, and
    /// folders without `index.html`: there is no directory listing).
    NotFound,
    /// A path that tries to leave the folder (`..`, also percent-encoded,
    /// or a symbolic link pointing outside), is not absolute, or cannot be
    /// a file name.
    Refused,
}

/// Maps the request target `target` (`/programs/a/?x#y`) to what it names
/// inside `root`. Never names anything outside `root`: `..` segments are
/// refused (before and after percent-decoding), and the file found is
/// resolved through any symbolic links and must still be inside `root`.
pub fn resolve(root: &Path, target: &str) -> Resolved {
    let target = target.split('#').next().unwrap_or("");
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    };
    if !path.starts_with('/') {
        return Resolved::Refused;
    }
    let Some(decoded) = percent_decode(path).and_then(|b| String::from_utf8(b).ok()) else {
        return Resolved::Refused;
    };
    if decoded.contains(['\0', '\\']) {
        return Resolved::Refused;
    }
    let mut segments = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Resolved::Refused,
            s if s.starts_with('.') => return Resolved::NotFound,
            s if cfg!(windows) && s.contains(':') => return Resolved::Refused,
            s => segments.push(s),
        }
    }
    let Ok(root) = fs::canonicalize(root) else {
        return Resolved::NotFound;
    };
    let inside = |p: &Path| -> Option<(PathBuf, fs::Metadata)> {
        let real = fs::canonicalize(p).ok()?;
        let meta = fs::metadata(&real).ok()?;
        Some((real, meta))
    };
    let candidate: PathBuf = segments.iter().fold(root.clone(), |p, s| p.join(s));
    let Some((real, meta)) = inside(&candidate) else {
        return Resolved::NotFound;
    };
    if !real.starts_with(&root) {
        return Resolved::Refused;
    }
    if meta.is_dir() {
        if !decoded.ends_with('/') {
            let mut to = String::from("/");
            for s in &segments {
                to.push_str(&percent_encode(s));
                to.push('/');
            }
            if let Some(q) = query {
                to.push('?');
                to.push_str(&percent_encode_query(q));
            }
            return Resolved::Redirect(to);
        }
        match inside(&real.join("index.html")) {
            Some((index, meta)) if meta.is_file() && index.starts_with(&root) => {
                Resolved::File(index)
            }
            Some((_, meta)) if meta.is_file() => Resolved::Refused,
            _ => Resolved::NotFound,
        }
    } else if meta.is_file() {
        Resolved::File(real)
    } else {
        Resolved::NotFound
    }
}

/// `%xx` decoded to bytes; None when a `%` is not followed by two hex digits.
fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// A path segment with everything but unreserved characters percent-encoded.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A query kept as sent, but with anything that could break a header
/// (controls, spaces, non-ASCII) percent-encoded.
fn percent_encode_query(q: &str) -> String {
    let mut out = String::with_capacity(q.len());
    for b in q.bytes() {
        if b.is_ascii_graphic() {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The Content-Type of a file, by its extension.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// The parts of a request the preview looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Request {
    pub method: String,
    pub target: String,
    pub host: Option<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub(super) enum ReadError {
    /// The head is longer than [`MAX_HEAD`].
    TooLarge,
    /// Not an HTTP/1 request.
    Malformed,
    /// Closed, timed out or failed before a whole head arrived.
    Gone,
}

/// Reads the request head (up to the blank line) and parses it. The body,
/// if any, is never read: every response closes the connection.
pub(super) fn read_request(stream: &mut impl Read) -> Result<Request, ReadError> {
    let start = Instant::now();
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    let end = loop {
        if let Some(i) = find(&head, b"\r\n\r\n") {
            break i;
        }
        if head.len() > MAX_HEAD {
            return Err(ReadError::TooLarge);
        }
        if start.elapsed() > HEAD_DEADLINE {
            return Err(ReadError::Gone);
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return Err(ReadError::Gone),
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    };
    if end > MAX_HEAD {
        return Err(ReadError::TooLarge);
    }
    let text = std::str::from_utf8(&head[..end]).map_err(|_| ReadError::Malformed)?;
    let mut lines = text.split("\r\n");
    let mut parts = lines.next().unwrap_or("").split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Malformed);
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() || target.is_empty() {
        return Err(ReadError::Malformed);
    }
    let mut host = None;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Err(ReadError::Malformed);
        };
        if name.eq_ignore_ascii_case("host") {
            host = Some(value.trim().to_string());
        }
    }
    Ok(Request {
        method: method.to_string(),
        target: target.to_string(),
        host,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Whether the Host header names this server on the loopback address, so
/// that a page of another site whose name was made to point at 127.0.0.1
/// cannot read the preview. A request without Host (HTTP/1.0) is not from
/// a browser and is let through.
pub(super) fn host_allowed(host: Option<&str>, port: u16) -> bool {
    let Some(host) = host else { return true };
    let host = host.to_ascii_lowercase();
    ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .any(|name| host == format!("{name}:{port}") || (port == 80 && host == *name))
}

enum Body {
    Bytes(Vec<u8>),
    File(fs::File, u64),
}

struct Response {
    status: u16,
    content_type: &'static str,
    extra: Vec<(&'static str, String)>,
    body: Body,
}

impl Response {
    fn bytes(status: u16, content_type: &'static str, bytes: Vec<u8>) -> Self {
        Response {
            status,
            content_type,
            extra: Vec::new(),
            body: Body::Bytes(bytes),
        }
    }

    /// A short plain-text answer (errors of the request itself).
    fn text(status: u16, ja: &str, en: &str) -> Self {
        Response::bytes(
            status,
            "text/plain; charset=utf-8",
            format!("{ja} / {en}\n").into_bytes(),
        )
    }

    fn with(mut self, name: &'static str, value: String) -> Self {
        self.extra.push((name, value));
        self
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    }
}

fn send(stream: &mut impl Write, r: Response, head_only: bool) -> io::Result<()> {
    let len = match &r.body {
        Body::Bytes(b) => b.len() as u64,
        Body::File(_, len) => *len,
    };
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {len}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
        r.status,
        reason(r.status),
        r.content_type
    );
    for (name, value) in &r.extra {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if !head_only {
        match r.body {
            Body::Bytes(b) => stream.write_all(&b)?,
            Body::File(f, len) => {
                io::copy(&mut f.take(len), stream)?;
            }
        }
    }
    stream.flush()
}

/// Ends a connection after its response: says it is done writing, then
/// reads and drops what the client still sends (a body, a header cut short)
/// for at most `wait`, so that closing does not reset the connection and
/// lose the response before the client has read it.
fn linger(stream: &mut TcpStream, wait: Duration) {
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let _ = stream.set_read_timeout(Some(wait));
    let start = Instant::now();
    let mut buf = [0u8; 4096];
    let mut total = 0;
    while total < 4 * MAX_HEAD && start.elapsed() < wait {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => total += n,
        }
    }
}

/// Answers a connection turned away because too many are open.
pub(super) fn refuse_busy(stream: &mut TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let _ = send(
        stream,
        Response::text(
            503,
            "接続が多すぎます。少し待ってから再読み込みしてください",
            "too many connections: reload in a moment",
        )
        .with("Retry-After", "1".into()),
        false,
    );
    linger(stream, Duration::from_millis(100));
}

/// Serves one connection: one request, one response (or one event stream).
pub(super) fn serve(mut stream: TcpStream, shared: &Shared) {
    let _ = handle(&mut stream, shared);
    linger(&mut stream, Duration::from_secs(1));
}

fn handle(stream: &mut TcpStream, shared: &Shared) -> io::Result<()> {
    stream.set_read_timeout(Some(READ_TIMEOUT))?;
    stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
    let request = match read_request(stream) {
        Ok(r) => r,
        Err(ReadError::TooLarge) => {
            let r = Response::text(
                431,
                "リクエストのヘッダーが長すぎます",
                "request header too large",
            );
            return send(stream, r, false);
        }
        Err(ReadError::Malformed) => {
            let r = Response::text(400, "リクエストを読めません", "bad request");
            return send(stream, r, false);
        }
        Err(ReadError::Gone) => return Ok(()),
    };
    let head_only = request.method == "HEAD";
    if !head_only && request.method != "GET" {
        let r = Response::text(
            405,
            "プレビューは表示（GET・HEAD）のみ受け付けます",
            "only GET and HEAD are served",
        )
        .with("Allow", "GET, HEAD".into());
        return send(stream, r, false);
    }
    if !host_allowed(request.host.as_deref(), shared.port) {
        let url = format!("http://127.0.0.1:{}/", shared.port);
        let r = Response::text(
            403,
            &format!("このアドレスでは表示できません。{url} を開いてください"),
            &format!("this address is not served: open {url}"),
        );
        return send(stream, r, head_only);
    }
    let path = request.target.split(['?', '#']).next().unwrap_or("");
    let response = match path {
        live::EVENTS_PATH if !head_only => return events(stream, shared, &request.target),
        live::SCRIPT_PATH => Response::bytes(
            200,
            "text/javascript; charset=utf-8",
            live::SCRIPT.as_bytes().to_vec(),
        ),
        live::STYLE_PATH => Response::bytes(
            200,
            "text/css; charset=utf-8",
            live::STYLE.as_bytes().to_vec(),
        ),
        _ => file_response(shared, &request.target),
    };
    send(stream, response, head_only)
}

/// The file the target names, HTML with the live-reload snippet added; the
/// site's own 404 page (or a built-in one) when there is none.
fn file_response(shared: &Shared, target: &str) -> Response {
    let (generation, errors) = shared.snapshot();
    let snippet = live::snippet(generation, errors.as_deref());
    let html = |status: u16, bytes: &[u8]| {
        Response::bytes(
            status,
            "text/html; charset=utf-8",
            live::inject(bytes, &snippet),
        )
    };
    // The build swaps the folder under a write lock: files are opened (and
    // HTML read) under the read lock, then streamed without it.
    let swap = shared.swap.read().unwrap_or_else(|e| e.into_inner());
    match resolve(&shared.out, target) {
        Resolved::File(path) => {
            let ty = content_type(&path);
            if ty.starts_with("text/html") {
                if let Ok(bytes) = fs::read(&path) {
                    return html(200, &bytes);
                }
            } else if let Ok(f) = fs::File::open(&path) {
                if let Ok(meta) = f.metadata() {
                    drop(swap);
                    return Response::bytes(200, ty, Vec::new()).with_file(f, meta.len());
                }
            }
            not_found(shared, &html)
        }
        Resolved::Redirect(to) => Response::bytes(
            301,
            "text/plain; charset=utf-8",
            format!("{to} に移動しました / moved to {to}\n").into_bytes(),
        )
        .with("Location", to),
        Resolved::NotFound => not_found(shared, &html),
        Resolved::Refused => Response::text(
            400,
            "プレビューのフォルダの外は表示できません",
            "paths outside the preview folder are refused",
        ),
    }
}

impl Response {
    fn with_file(mut self, f: fs::File, len: u64) -> Self {
        self.body = Body::File(f, len);
        self
    }
}

fn not_found(shared: &Shared, html: &dyn Fn(u16, &[u8]) -> Response) -> Response {
    match fs::read(shared.out.join("404.html")) {
        // The 404 page is served at any depth: its relative links start
        // from the top of the site.
        Ok(bytes) => html(404, &live::with_base(&bytes)),
        Err(_) => html(404, live::fallback_page(shared.has_built()).as_bytes()),
    }
}

/// The server-sent event stream: `event: reload` each time a build ends
/// (with or without errors). `?since=N` is the build the page was served
/// from; a build that ended since is announced at once.
fn events(stream: &mut TcpStream, shared: &Shared, target: &str) -> io::Result<()> {
    let since = target
        .split_once('?')
        .and_then(|(_, q)| q.split('&').find_map(|kv| kv.strip_prefix("since=")))
        .and_then(|n| n.parse::<u64>().ok());
    stream.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\nretry: 1000\n\n",
    )?;
    stream.flush()?;
    let mut seen = since.unwrap_or_else(|| shared.snapshot().0);
    loop {
        let generation = {
            let state = shared.lock_state();
            let (state, _) = shared
                .changed
                .wait_timeout_while(state, KEEP_ALIVE, |s| {
                    s.status.generation == seen && !shared.stopping()
                })
                .unwrap_or_else(|e| e.into_inner());
            if shared.stopping() {
                return Ok(());
            }
            state.status.generation
        };
        if generation == seen {
            stream.write_all(b": keep-alive\n\n")?;
        } else {
            seen = generation;
            stream.write_all(format!("event: reload\ndata: {generation}\n\n").as_bytes())?;
        }
        stream.flush()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        fs::create_dir_all(root.join("programs/a")).unwrap();
        fs::write(root.join("index.html"), "<p>top</p>").unwrap();
        fs::write(root.join("programs/a/index.html"), "<p>a</p>").unwrap();
        fs::write(root.join("style.css"), "p{}").unwrap();
        fs::write(root.join(".mieru-output"), "marker").unwrap();
        fs::create_dir_all(root.join("empty")).unwrap();
        fs::write(tmp.path().join("secret.txt"), "secret").unwrap();
        tmp
    }

    #[test]
    fn folders_serve_their_index_and_files_themselves() {
        let tmp = site();
        let root = tmp.path().join("site");
        let real = fs::canonicalize(&root).unwrap();
        assert_eq!(resolve(&root, "/"), Resolved::File(real.join("index.html")));
        assert_eq!(
            resolve(&root, "/programs/a/?q=1#top"),
            Resolved::File(real.join("programs/a/index.html"))
        );
        assert_eq!(
            resolve(&root, "/style.css"),
            Resolved::File(real.join("style.css"))
        );
        assert_eq!(
            resolve(&root, "/%73tyle.css"),
            Resolved::File(real.join("style.css"))
        );
        assert_eq!(
            resolve(&root, "/programs/a?x=1"),
            Resolved::Redirect("/programs/a/?x=1".into())
        );
        assert_eq!(resolve(&root, "/empty/"), Resolved::NotFound);
        assert_eq!(resolve(&root, "/missing.html"), Resolved::NotFound);
        assert_eq!(resolve(&root, "/.mieru-output"), Resolved::NotFound);
    }

    #[test]
    fn paths_that_leave_the_folder_are_refused() {
        let tmp = site();
        let root = tmp.path().join("site");
        for target in [
            "/../secret.txt",
            "/programs/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2e/secret.txt",
            "/programs%2f%2e%2e%2f%2e%2e%2fsecret.txt",
            "/..%5csecret.txt",
            "/a\\..\\secret.txt",
            "/%00",
            "/%zz",
            "/%",
            "/%ff%fe",
            "secret.txt",
            "http://127.0.0.1/secret.txt",
            "*",
        ] {
            assert_eq!(resolve(&root, target), Resolved::Refused, "{target}");
        }
        // An absolute file system path is only a path inside the folder.
        assert_eq!(
            resolve(
                &root,
                &format!("/{}", tmp.path().join("secret.txt").display())
            ),
            Resolved::NotFound
        );
        assert_eq!(resolve(&root, "//etc/passwd"), Resolved::NotFound);
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_out_of_the_folder_are_not_followed() {
        let tmp = site();
        let root = tmp.path().join("site");
        std::os::unix::fs::symlink(tmp.path().join("secret.txt"), root.join("link.txt")).unwrap();
        std::os::unix::fs::symlink(tmp.path(), root.join("up")).unwrap();
        std::os::unix::fs::symlink(root.join("style.css"), root.join("inside.css")).unwrap();
        assert_eq!(resolve(&root, "/link.txt"), Resolved::Refused);
        assert_eq!(resolve(&root, "/up/secret.txt"), Resolved::Refused);
        assert_eq!(resolve(&root, "/up/"), Resolved::Refused);
        let real = fs::canonicalize(&root).unwrap();
        assert_eq!(
            resolve(&root, "/inside.css"),
            Resolved::File(real.join("style.css"))
        );
    }

    #[test]
    fn redirects_cannot_point_to_another_site() {
        let tmp = site();
        let root = tmp.path().join("site");
        fs::create_dir_all(root.join("evil.example")).unwrap();
        fs::write(root.join("evil.example/index.html"), "x").unwrap();
        assert_eq!(
            resolve(&root, "//evil.example"),
            Resolved::Redirect("/evil.example/".into())
        );
        assert_eq!(
            resolve(&root, "/programs/a?x=%0d%0aSet-Cookie:%20a\r\n"),
            Resolved::Redirect("/programs/a/?x=%0d%0aSet-Cookie:%20a%0D%0A".into())
        );
    }

    #[test]
    fn content_types_follow_the_extension() {
        for (file, ty) in [
            ("index.html", "text/html; charset=utf-8"),
            ("style.css", "text/css; charset=utf-8"),
            ("search.js", "text/javascript; charset=utf-8"),
            ("budget.svg", "image/svg+xml"),
            ("data.json", "application/json"),
            ("data.csv", "text/csv; charset=utf-8"),
            ("sitemap.xml", "application/xml; charset=utf-8"),
            ("shot.PNG", "image/png"),
            ("ipaexg.ttf", "font/ttf"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("noext", "application/octet-stream"),
        ] {
            assert_eq!(content_type(Path::new(file)), ty, "{file}");
        }
    }

    #[test]
    fn requests_are_parsed_and_bounded() {
        let req = read_request(
            &mut &b"GET /a/?b HTTP/1.1\r\nHost: 127.0.0.1:1111\r\nAccept: */*\r\n\r\n"[..],
        );
        assert_eq!(
            req,
            Ok(Request {
                method: "GET".into(),
                target: "/a/?b".into(),
                host: Some("127.0.0.1:1111".into()),
            })
        );
        assert_eq!(
            read_request(&mut &b"GET / HTTP/1.1\r\n"[..]),
            Err(ReadError::Gone)
        );
        assert_eq!(
            read_request(&mut &b"GET /\r\n\r\n"[..]),
            Err(ReadError::Malformed)
        );
        assert_eq!(
            read_request(&mut &b"PRI * HTTP/2.0\r\n\r\n"[..]),
            Err(ReadError::Malformed)
        );
        let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_HEAD * 2));
        assert_eq!(read_request(&mut long.as_bytes()), Err(ReadError::TooLarge));
    }

    #[test]
    fn only_the_loopback_names_of_this_port_are_served() {
        assert!(host_allowed(Some("127.0.0.1:1111"), 1111));
        assert!(host_allowed(Some("LOCALHOST:1111"), 1111));
        assert!(host_allowed(Some("[::1]:1111"), 1111));
        assert!(host_allowed(None, 1111));
        assert!(!host_allowed(Some("evil.example:1111"), 1111));
        assert!(!host_allowed(Some("127.0.0.1:2222"), 1111));
        assert!(!host_allowed(Some("127.0.0.1"), 1111));
    }
}
