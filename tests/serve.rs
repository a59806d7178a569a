//! `mieru serve` end to end: a server on a free port of 127.0.0.1, driven
//! through the library and read over plain HTTP (a raw TcpStream client):
//! pages carry the live-reload script while the built files stay those of
//! `mieru build`; a change is rebuilt and announced on the event stream;
//! errors are shown over the last good page exactly as `mieru check`
//! prints them, and the page recovers when they are fixed; only files of
//! the build folder are served; the temporary folder goes on stop.

mod common;

use common::{build_site, copy_tree, repo_root, snapshot};
use mieru::diag::MessageFormat;
use mieru::serve::Server;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(60);
const PROGRAM: &str = "content/programs/teiju-jiritsuken/program.toml";
const YEAR: &str = "content/programs/teiju-jiritsuken/2020.toml";
const PAGE: &str = "/programs/teiju-jiritsuken/";
/// A year file with three misspelt keys and an amount with its unit.
const BAD_CASE: &str = "tests/bad/unknown-keys-all-reported";

/// The example site (content/ and themes/) in a fresh temp folder.
fn example_site() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for dir in ["content", "themes"] {
        copy_tree(&repo_root().join(dir), &tmp.path().join(dir));
    }
    tmp
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `raw` as the whole request and reads the reply to the end (every
/// response closes the connection).
fn send(addr: SocketAddr, raw: &[u8]) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    s.write_all(raw).unwrap();
    let mut bytes = Vec::new();
    s.read_to_end(&mut bytes).unwrap();
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no head in {:?}", String::from_utf8_lossy(&bytes)));
    let head = String::from_utf8(bytes[..end].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.to_string(), v.trim().to_string())
        })
        .collect();
    Reply {
        status,
        headers,
        body: bytes[end + 4..].to_vec(),
    }
}

fn get(addr: SocketAddr, target: &str) -> Reply {
    send(
        addr,
        format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes(),
    )
}

/// An open event stream.
struct Events {
    stream: TcpStream,
    seen: String,
}

impl Events {
    fn open(addr: SocketAddr, since: u64) -> Events {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(TIMEOUT)).unwrap();
        write!(
            stream,
            "GET /__mieru/events?since={since} HTTP/1.1\r\nHost: {addr}\r\n\r\n"
        )
        .unwrap();
        let mut e = Events {
            stream,
            seen: String::new(),
        };
        let start = "\r\n\r\nretry: 1000\n\n";
        e.read_until(|s| s.contains(start));
        assert!(
            e.seen.contains("Content-Type: text/event-stream"),
            "{}",
            e.seen
        );
        // Keep what came with the head: an event may already be there.
        let rest = e.seen.find(start).unwrap() + start.len();
        e.seen = e.seen[rest..].to_string();
        e
    }

    fn read_until(&mut self, done: impl Fn(&str) -> bool) {
        let mut buf = [0u8; 4096];
        while !done(&self.seen) {
            let n = self.stream.read(&mut buf).expect("event stream read");
            assert!(n > 0, "event stream closed: {}", self.seen);
            self.seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    }

    /// Waits for the next `event: reload` and returns its build number.
    fn next_reload(&mut self) -> u64 {
        self.read_until(|s| {
            s.find("event: reload\ndata: ")
                .is_some_and(|i| s[i..].contains("\n\n"))
        });
        let i = self.seen.find("event: reload\ndata: ").unwrap();
        let rest = &self.seen[i + "event: reload\ndata: ".len()..];
        let end = rest.find("\n\n").unwrap();
        let n = rest[..end].parse().unwrap();
        self.seen = rest[end + 2..].to_string();
        n
    }
}

/// The text of the overlay's `<pre>`, entities decoded.
fn overlay_text(page: &str) -> Option<String> {
    let start = page.find("<pre id=\"mieru-overlay-errors\"")?;
    let start = start + page[start..].find('>')? + 1;
    let end = start + page[start..].find("</pre>")?;
    let raw = &page[start..end];
    assert!(!raw.contains('<'), "unescaped markup in the overlay: {raw}");
    Some(
        raw.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

/// What `mieru check` prints for the site at `root` (human format).
fn check_output(root: &Path) -> String {
    match mieru::verify(root) {
        Ok(_) => panic!("expected errors"),
        Err(d) => d.render(MessageFormat::Human),
    }
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn pages_follow_edits_show_errors_over_the_last_good_page_and_recover() {
    let site = example_site();
    let root = site.path();
    let server = Server::start(root, 0).unwrap();
    let addr = server.addr();
    assert_eq!(addr.ip(), Ipv4Addr::LOCALHOST);
    let status = server.status();
    assert_eq!((status.generation, status.errors.as_deref()), (1, None));

    // The built folder is what `mieru build` writes, byte for byte; the
    // script is added to the page only as it is served.
    let (_out_tmp, out) = build_site(root);
    assert_eq!(snapshot(server.site_dir()), snapshot(&out));
    let built = std::fs::read(
        server
            .site_dir()
            .join("programs/teiju-jiritsuken/index.html"),
    )
    .unwrap();
    assert!(!String::from_utf8_lossy(&built).contains("__mieru"));
    let page = get(addr, PAGE);
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        page.body,
        mieru::serve::inject(&built, &mieru::serve::snippet(1, None))
    );
    assert!(page.text().ends_with(
        "<script src=\"/__mieru/live.js\" data-generation=\"1\"></script></body></html>"
    ));

    // A page served from an older build is told to reload at once.
    let mut stale = Events::open(addr, 0);
    assert_eq!(stale.next_reload(), 1);

    // A value changed in a content file: rebuilt, announced, served.
    let mut events = Events::open(addr, 1);
    edit(
        root,
        PROGRAM,
        "purpose = \"人口減少",
        "purpose = \"プレビューで確かめる。人口減少",
    );
    assert_eq!(events.next_reload(), 2);
    let page = get(addr, PAGE).text();
    assert!(page.contains("プレビューで確かめる。人口減少"));
    assert!(!page.contains("mieru-overlay"), "no overlay without errors");
    assert!(page.contains("data-generation=\"2\""));
    let good = snapshot(server.site_dir());

    // Errors: the last good page with the overlay over it, holding exactly
    // what `mieru check` prints.
    std::fs::copy(repo_root().join(BAD_CASE).join(YEAR), root.join(YEAR)).unwrap();
    assert_eq!(events.next_reload(), 3);
    let expected = check_output(root);
    assert!(expected.contains("error[E004]"), "{expected}");
    let reply = get(addr, PAGE);
    assert_eq!(reply.status, 200);
    let page = reply.text();
    assert!(
        page.contains("プレビューで確かめる。人口減少"),
        "last good page"
    );
    assert!(page.contains("<dialog id=\"mieru-overlay\" open role=\"alertdialog\""));
    assert!(page.contains("aria-labelledby=\"mieru-overlay-title\""));
    assert!(page.contains("<h2 id=\"mieru-overlay-title\">内容にエラーがあります"));
    let shown = overlay_text(&page).expect("overlay");
    assert_eq!(shown, expected);
    assert!(shown.contains("content/programs/teiju-jiritsuken/2020.toml:3:1"));
    assert!(shown.contains("error[E007]"));
    assert_eq!(server.status().errors.as_deref(), Some(expected.as_str()));
    // Every page shows it, and the built files are still the good ones.
    assert!(get(addr, "/").text().contains("mieru-overlay"));
    assert_eq!(snapshot(server.site_dir()), good);

    // Fixed: reloaded, overlay gone.
    std::fs::copy(repo_root().join(YEAR), root.join(YEAR)).unwrap();
    assert_eq!(events.next_reload(), 4);
    let page = get(addr, PAGE).text();
    assert!(!page.contains("mieru-overlay"));
    assert!(page.contains("プレビューで確かめる。人口減少"));
    let status = server.status();
    assert_eq!((status.generation, status.errors), (4, None));
    assert_eq!(status.latencies.len(), 3, "{:?}", status.latencies);

    let dir = server.site_dir().to_path_buf();
    assert!(dir.is_dir());
    server.stop();
    assert!(!dir.exists(), "the temporary folder is removed on stop");
    assert!(!dir.parent().unwrap().exists());
    assert!(
        !root.join("output").exists(),
        "the published output is never written"
    );
}

#[test]
fn a_site_that_never_built_shows_its_errors_and_appears_when_fixed() {
    let site = example_site();
    let root = site.path();
    std::fs::copy(repo_root().join(BAD_CASE).join(YEAR), root.join(YEAR)).unwrap();
    let server = Server::start(root, 0).unwrap();
    let addr = server.addr();
    let status = server.status();
    assert_eq!(status.generation, 1);
    assert_eq!(status.errors, Some(check_output(root)));

    let reply = get(addr, "/");
    assert_eq!(reply.status, 404);
    let page = reply.text();
    assert!(page.contains("<h1>まだページがありません"), "{page}");
    assert_eq!(overlay_text(&page), Some(check_output(root)));

    let mut events = Events::open(addr, 1);
    std::fs::copy(repo_root().join(YEAR), root.join(YEAR)).unwrap();
    assert_eq!(events.next_reload(), 2);
    let reply = get(addr, "/");
    assert_eq!(reply.status, 200);
    assert!(reply.text().contains("<h1>常総市 行政評価</h1>"));
    assert!(!reply.text().contains("mieru-overlay"));
}

#[test]
fn only_files_of_the_build_folder_are_served_with_their_types() {
    let site = example_site();
    let server = Server::start(site.path(), 0).unwrap();
    let addr = server.addr();
    let dir = server.site_dir().to_path_buf();

    for (target, ty, file) in [
        ("/style.css", "text/css; charset=utf-8", "style.css"),
        ("/search.js", "text/javascript; charset=utf-8", "search.js"),
        (
            "/policies/renkei-jigyo/budget.svg",
            "image/svg+xml",
            "policies/renkei-jigyo/budget.svg",
        ),
        (
            "/programs/teiju-jiritsuken/data.csv",
            "text/csv; charset=utf-8",
            "programs/teiju-jiritsuken/data.csv",
        ),
        (
            "/programs/teiju-jiritsuken/data.json",
            "application/json",
            "programs/teiju-jiritsuken/data.json",
        ),
        (
            "/sitemap.xml",
            "application/xml; charset=utf-8",
            "sitemap.xml",
        ),
        ("/robots.txt", "text/plain; charset=utf-8", "robots.txt"),
    ] {
        let r = get(addr, target);
        assert_eq!(r.status, 200, "{target}");
        assert_eq!(r.header("Content-Type"), Some(ty), "{target}");
        assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"));
        assert_eq!(r.body, std::fs::read(dir.join(file)).unwrap(), "{target}");
    }

    // Folders: their index.html; without the slash, a redirect to it.
    let r = get(addr, "/programs");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("Location"), Some("/programs/"));
    assert!(get(addr, "/programs/").text().contains("<h1>事業の一覧"));

    // No listing of a folder without index.html; the site's 404 page,
    // linked from the top.
    for target in ["/policies/", "/no/such/page.html", "/.mieru-output"] {
        let r = get(addr, target);
        assert_eq!(r.status, 404, "{target}");
        let page = r.text();
        assert!(page.contains("<h1>ページが見つかりません</h1>"), "{target}");
        assert!(page.contains("<base href=\"/\">"));
        assert!(page.contains("/__mieru/live.js"));
    }

    // Nothing outside: `..`, encoded or not, and symbolic links out.
    let outside = dir.parent().unwrap().join("secret.txt");
    std::fs::write(&outside, "secret").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, dir.join("link.txt")).unwrap();
    for target in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/programs/%2E%2E/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/link.txt",
    ] {
        let r = get(addr, target);
        assert_eq!(r.status, 400, "{target}");
        assert!(!r.text().contains("secret"), "{target}");
    }
    let abs = format!("{}", site.path().join(PROGRAM).display());
    assert_eq!(
        get(addr, &abs).status,
        404,
        "an absolute path is a path inside"
    );

    // The preview's own files.
    let js = get(addr, "/__mieru/live.js");
    assert_eq!(
        js.header("Content-Type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(js.text().contains("EventSource"));
    let css = get(addr, "/__mieru/live.css");
    assert_eq!(css.header("Content-Type"), Some("text/css; charset=utf-8"));

    // HEAD: the headers alone.
    let r = send(
        addr,
        format!("HEAD /style.css HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes(),
    );
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty());
    assert_eq!(
        r.header("Content-Length").unwrap(),
        std::fs::metadata(dir.join("style.css"))
            .unwrap()
            .len()
            .to_string()
    );

    // Other methods, other host names, broken and oversized requests.
    let r = send(
        addr,
        format!("POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\n\r\n").as_bytes(),
    );
    assert_eq!((r.status, r.header("Allow")), (405, Some("GET, HEAD")));
    let r = send(addr, b"GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n");
    assert_eq!(r.status, 403);
    assert!(r.text().starts_with("このアドレスでは表示できません"));
    assert_eq!(send(addr, b"GARBAGE\r\n\r\n").status, 400);
    let long = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(64 * 1024));
    assert_eq!(send(addr, long.as_bytes()).status, 431);
}

#[test]
fn connections_are_capped_and_an_idle_one_blocks_nobody() {
    let site = example_site();
    let server = Server::start(site.path(), 0).unwrap();
    let addr = server.addr();
    let idle: Vec<TcpStream> = (0..mieru::serve::MAX_CONNECTIONS)
        .map(|_| TcpStream::connect(addr).unwrap())
        .collect();
    // The next one is turned away at once, not left waiting.
    let start = Instant::now();
    let r = get(addr, "/");
    assert_eq!(r.status, 503);
    assert!(start.elapsed() < Duration::from_secs(4));
    assert!(r.text().starts_with("接続が多すぎます"));
    drop(idle);
    // Once they are gone, pages are served again.
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let r = get(addr, "/");
        if r.status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "still refused");
        std::thread::sleep(Duration::from_millis(50));
    }
    // A connection that sends nothing does not hold up others.
    let _silent = TcpStream::connect(addr).unwrap();
    assert_eq!(get(addr, "/").status, 200);
    // Stopping closes open connections rather than waiting for them.
    let start = Instant::now();
    server.stop();
    assert!(start.elapsed() < Duration::from_secs(4));
}

#[test]
fn a_port_in_use_is_reported_in_japanese_with_the_way_out() {
    let taken = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = taken.local_addr().unwrap().port();
    let site = example_site();
    let Err(d) = Server::start(site.path(), port) else {
        panic!("started on a port in use");
    };
    let text = d.render(MessageFormat::Human);
    assert!(
        text.starts_with(&format!(
            "error[E140]: ポート {port} はほかのプログラムが使用中です / port {port} is already in use"
        )),
        "{text}"
    );
    assert!(text.contains("--port 0"), "{text}");
    assert!(
        text.contains("help: 別のポートを指定してください"),
        "{text}"
    );
}

/// Time from a content file's change to the reload event, median of 10.
/// The bound is the product's (0.2 s) in a release build; a debug build of
/// the example site takes several times longer, and gets a looser one.
#[test]
fn rebuild_latency_after_one_change() {
    let site = example_site();
    let root = site.path();
    let server = Server::start(root, 0).unwrap();
    let mut events = Events::open(server.addr(), 1);
    let mut current = "department = \"常創戦略課\"".to_string();
    for i in 0..10 {
        let next = format!("department = \"常創戦略課{i}\"");
        edit(root, PROGRAM, &current, &next);
        current = next;
        assert_eq!(events.next_reload(), i + 2);
    }
    let mut latencies = server.status().latencies;
    assert_eq!(latencies.len(), 10);
    assert!(server.status().errors.is_none());
    latencies.sort();
    let median = latencies[latencies.len() / 2];
    eprintln!(
        "rebuild latency: median {:.0} ms, min {:.0} ms, max {:.0} ms (of {})",
        median.as_secs_f64() * 1e3,
        latencies[0].as_secs_f64() * 1e3,
        latencies[latencies.len() - 1].as_secs_f64() * 1e3,
        latencies.len()
    );
    let bound = if cfg!(debug_assertions) {
        Duration::from_secs(5)
    } else {
        Duration::from_millis(200)
    };
    assert!(median < bound, "median {median:?}");
}
