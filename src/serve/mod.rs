//! `mieru serve`: a preview of the site while it is being edited.
//!
//! Owns three things:
//! - the rebuild loop: `content/` and `themes/` are watched (notify,
//!   debounced [`DEBOUNCE`]); after a change the whole site is built again,
//!   through [`crate::build`], into a temporary folder (never the published
//!   `output/`), removed when the server stops;
//! - the HTTP server ([`http`]): 127.0.0.1 only, one thread per connection
//!   up to [`MAX_CONNECTIONS`], with timeouts, files only from inside the
//!   build folder;
//! - the live-reload script and the error overlay ([`live`]), added to HTML
//!   responses as they are sent, so the built files stay byte-identical to
//!   those of `mieru build`. A build that ends (with or without errors)
//!   tells open pages to reload over server-sent events; a failed build
//!   leaves the last good site in place and its errors, exactly as
//!   `mieru check` prints them, are shown over it and in the terminal.

mod http;
mod live;

pub use http::{content_type, resolve, Resolved};
pub use live::{inject, snippet};

use crate::diag::{Diagnostic, Diagnostics, Location, MessageFormat};
use crate::{BuildError, BuildOptions};
use std::collections::HashMap;
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex, MutexGuard, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The port used when none is given.
pub const DEFAULT_PORT: u16 = 1111;
/// Connections served at once (event streams included); more are answered
/// with 503 at once.
pub const MAX_CONNECTIONS: usize = 64;
/// A rebuild starts once the watched files have been quiet this long.
pub const DEBOUNCE: Duration = Duration::from_millis(100);
/// A rebuild starts at the latest this long after the first change, even
/// if the files keep changing.
const DEBOUNCE_MAX: Duration = Duration::from_millis(1000);
/// Build latencies kept for [`Status::latencies`].
const LATENCIES_KEPT: usize = 100;

/// The state of the preview, as [`Server::status`] reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Status {
    /// Builds finished so far (the first one included), with or without errors.
    pub generation: u64,
    /// The problems of the latest build, as `mieru check` prints them
    /// (human format); None when it succeeded.
    pub errors: Option<String>,
    /// For each rebuild after a change (the latest last): the time from the
    /// first change event to the reload event.
    pub latencies: Vec<Duration>,
}

#[derive(Default)]
struct State {
    status: Status,
    /// Whether a build has succeeded yet (otherwise the folder is empty).
    built: bool,
}

/// What the server's threads share.
struct Shared {
    /// The site root, absolute.
    root: PathBuf,
    /// The build folder inside the temporary folder.
    out: PathBuf,
    port: u16,
    state: Mutex<State>,
    /// Signalled when a build ends and when the server stops.
    changed: Condvar,
    /// Held for writing while a build runs (and swaps the folder in), for
    /// reading while a file is opened.
    swap: RwLock<()>,
    stopping: AtomicBool,
    connections: Mutex<Connections>,
    /// Signalled when a connection ends.
    connection_ended: Condvar,
}

#[derive(Default)]
struct Connections {
    next: u64,
    open: HashMap<u64, Option<TcpStream>>,
}

impl Shared {
    fn lock_state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn snapshot(&self) -> (u64, Option<String>) {
        let s = self.lock_state();
        (s.status.generation, s.status.errors.clone())
    }

    fn has_built(&self) -> bool {
        self.lock_state().built
    }

    fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    fn lock_connections(&self) -> MutexGuard<'_, Connections> {
        self.connections.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts a new connection in; None when [`MAX_CONNECTIONS`] are open.
    fn register(&self, stream: &TcpStream) -> Option<u64> {
        let mut c = self.lock_connections();
        if c.open.len() >= MAX_CONNECTIONS {
            return None;
        }
        let id = c.next;
        c.next += 1;
        c.open.insert(id, stream.try_clone().ok());
        Some(id)
    }

    fn unregister(&self, id: u64) {
        self.lock_connections().open.remove(&id);
        self.connection_ended.notify_all();
    }

    /// Builds the site into the build folder and tells open pages to reload.
    /// `since`: when the change that caused it was first seen (None for
    /// the first build).
    fn rebuild(&self, since: Option<Instant>) {
        let start = Instant::now();
        let opts = BuildOptions {
            root: self.root.clone(),
            output: Some(self.out.clone()),
            force: true,
            deny_warnings: false,
            base_url: None,
        };
        let result = {
            let _swap = self.swap.write().unwrap_or_else(|e| e.into_inner());
            crate::build(&opts)
        };
        let errors = match result {
            Ok(report) => {
                eprint!("{}", report.warnings.render(MessageFormat::Human));
                None
            }
            Err(BuildError::Content(d)) => Some(d.render(MessageFormat::Human)),
            Err(BuildError::Output(e)) => {
                let d: Diagnostics = [Diagnostic::error(
                    "E142",
                    format!(
                        "プレビュー用の一時フォルダに書き込めません（{}）",
                        e.message_ja
                    ),
                    format!("cannot write the preview folder ({})", e.message_en),
                )
                .at(Location::file(&e.path))]
                .into_iter()
                .collect();
                Some(d.render(MessageFormat::Human))
            }
        };
        if let Some(text) = &errors {
            eprint!("{text}");
        }
        let generation = {
            let mut s = self.lock_state();
            s.built |= errors.is_none();
            s.status.generation += 1;
            s.status.errors = errors.clone();
            if let Some(since) = since {
                if s.status.latencies.len() >= LATENCIES_KEPT {
                    s.status.latencies.remove(0);
                }
                s.status.latencies.push(since.elapsed());
            }
            s.status.generation
        };
        self.changed.notify_all();
        let secs = start.elapsed().as_secs_f64();
        match (&errors, since) {
            (None, None) => eprintln!("サイトを生成しました（{secs:.2} 秒） / built the site in {secs:.2} s"),
            (None, Some(_)) => eprintln!(
                "[{generation}] 更新しました（{secs:.2} 秒）。開いているページを再読み込みします / rebuilt in {secs:.2} s, reloading open pages"
            ),
            (Some(_), _) => eprintln!(
                "[{generation}] エラーがあるため、最後に生成できたページを表示しています / the content has errors: showing the last page that built"
            ),
        }
    }
}

enum Msg {
    /// A watched file changed (when the event arrived).
    Changed(Instant),
    Stop,
}

/// The watcher and the folders it watches recursively.
struct Watch {
    watcher: notify::RecommendedWatcher,
    watched: Vec<PathBuf>,
}

impl Watch {
    /// Watches the root itself (to notice `content/` or `themes/` being
    /// created), and `content/` and `themes/` with everything under them.
    fn new(root: &Path, events: mpsc::Sender<Msg>) -> Result<Watch, Diagnostic> {
        use notify::Watcher;
        let content = root.join("content");
        let themes = root.join(crate::render::THEMES_DIR);
        let handler = move |event: notify::Result<notify::Event>| {
            let relevant = match &event {
                Ok(e) => relevant(e, &content, &themes),
                // The watcher lost track (e.g. an overflow): build again.
                Err(_) => true,
            };
            if relevant {
                let _ = events.send(Msg::Changed(Instant::now()));
            }
        };
        let fail = |e: notify::Error| {
            Diagnostic::error(
                "E143",
                "ファイルの変更を監視できません",
                format!("cannot watch the files for changes ({e})"),
            )
            .at(Location::file(root))
        };
        let mut watcher = notify::recommended_watcher(handler).map_err(fail)?;
        watcher
            .watch(root, notify::RecursiveMode::NonRecursive)
            .map_err(fail)?;
        let mut w = Watch {
            watcher,
            watched: Vec::new(),
        };
        w.ensure(root);
        Ok(w)
    }

    /// Starts watching `content/` and `themes/` if they exist and are not
    /// watched yet (they may have been created, or removed and created again).
    fn ensure(&mut self, root: &Path) {
        use notify::Watcher;
        self.watched.retain(|p| p.is_dir());
        for dir in ["content", crate::render::THEMES_DIR] {
            let p = root.join(dir);
            if p.is_dir() && !self.watched.contains(&p) {
                let _ = self.watcher.unwatch(&p);
                if self
                    .watcher
                    .watch(&p, notify::RecursiveMode::Recursive)
                    .is_ok()
                {
                    self.watched.push(p);
                }
            }
        }
    }
}

/// Whether an event can change the site: a file under `content/` or
/// `themes/` (or either folder itself) created, written, renamed or removed.
/// Reads and metadata changes (access times) are not: the build itself
/// reads every file.
fn relevant(event: &notify::Event, content: &Path, themes: &Path) -> bool {
    use notify::event::{EventKind, ModifyKind};
    match event.kind {
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_)) => return false,
        _ => {}
    }
    event.need_rescan()
        || event
            .paths
            .iter()
            .any(|p| p.starts_with(content) || p.starts_with(themes))
}

/// A running preview. Dropping it stops it too.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    events: mpsc::Sender<Msg>,
    threads: Vec<JoinHandle<()>>,
    watch: Arc<Mutex<Watch>>,
    dir: Option<tempfile::TempDir>,
}

impl Server {
    /// Listens on 127.0.0.1:`port` (0: any free port), builds the site at
    /// `root` into a new temporary folder, and starts watching and serving.
    /// Errors in the content do not stop it: they are shown on the pages.
    /// Fails (E140–E143) when the port cannot be had, the temporary folder
    /// cannot be made or the files cannot be watched.
    pub fn start(root: impl AsRef<Path>, port: u16) -> Result<Server, Diagnostics> {
        let one = |d: Diagnostic| -> Diagnostics { [d].into_iter().collect() };
        let root = root.as_ref();
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| crate::output::absolute(root));
        let listener = listen(port).map_err(one)?;
        let addr = listener
            .local_addr()
            .map_err(|e| one(listen_error(port, &e)))?;
        let dir = tempfile::Builder::new()
            .prefix("mieru-serve-")
            .tempdir()
            .map_err(|e| {
                one(Diagnostic::error(
                    "E142",
                    "プレビュー用の一時フォルダを作れません",
                    format!("cannot create the temporary preview folder ({e})"),
                )
                .at(Location::file(&std::env::temp_dir())))
            })?;
        let shared = Arc::new(Shared {
            root: root.clone(),
            out: dir.path().join("site"),
            port: addr.port(),
            state: Mutex::default(),
            changed: Condvar::new(),
            swap: RwLock::new(()),
            stopping: AtomicBool::new(false),
            connections: Mutex::default(),
            connection_ended: Condvar::new(),
        });
        let (tx, rx) = mpsc::channel();
        // Watch first, so that a change made during the first build is seen.
        let watch = Arc::new(Mutex::new(Watch::new(&root, tx.clone()).map_err(one)?));
        shared.rebuild(None);
        let mut threads = Vec::new();
        let spawned = {
            let (shared, watch) = (shared.clone(), watch.clone());
            std::thread::Builder::new()
                .name("mieru-serve-rebuild".into())
                .spawn(move || rebuild_loop(&shared, &watch, &rx))
        };
        threads.push(spawned.map_err(|e| one(thread_error(&e)))?);
        let mut server = Server {
            addr,
            shared: shared.clone(),
            events: tx,
            threads,
            watch,
            dir: Some(dir),
        };
        let spawned = std::thread::Builder::new()
            .name("mieru-serve-accept".into())
            .spawn(move || accept_loop(&listener, &shared));
        match spawned {
            Ok(t) => server.threads.push(t),
            Err(e) => return Err(one(thread_error(&e))),
        }
        Ok(server)
    }

    /// The address served (always on 127.0.0.1).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/`
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// The folder the site is built into (inside the temporary folder).
    pub fn site_dir(&self) -> &Path {
        &self.shared.out
    }

    pub fn status(&self) -> Status {
        self.shared.lock_state().status.clone()
    }

    /// Waits until a build after `generation` has ended, at most `timeout`;
    /// returns the status then.
    pub fn wait_for_build_after(&self, generation: u64, timeout: Duration) -> Status {
        let state = self.shared.lock_state();
        let (state, _) = self
            .shared
            .changed
            .wait_timeout_while(state, timeout, |s| s.status.generation <= generation)
            .unwrap_or_else(|e| e.into_inner());
        state.status.clone()
    }

    /// Stops serving and watching, closes open connections and removes the
    /// temporary folder.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if self.dir.is_none() {
            return;
        }
        {
            let _state = self.shared.lock_state();
            self.shared.stopping.store(true, Ordering::SeqCst);
        }
        self.shared.changed.notify_all();
        let _ = self.events.send(Msg::Stop);
        // Wakes the accept loop, which then sees `stopping`.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
        if let Ok(mut w) = self.watch.lock() {
            for p in std::mem::take(&mut w.watched) {
                use notify::Watcher;
                let _ = w.watcher.unwatch(&p);
            }
        }
        // Open connections are closed under their threads, which then end.
        let mut c = self.shared.lock_connections();
        for s in c.open.values().flatten() {
            let _ = s.shutdown(Shutdown::Both);
        }
        let deadline = Instant::now() + Duration::from_secs(2);
        while !c.open.is_empty() && Instant::now() < deadline {
            c = self
                .shared
                .connection_ended
                .wait_timeout(c, Duration::from_millis(50))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        drop(c);
        if let Some(dir) = self.dir.take() {
            let _ = dir.close();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn listen(port: u16) -> Result<TcpListener, Diagnostic> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, port)).map_err(|e| listen_error(port, &e))
}

fn listen_error(port: u16, e: &std::io::Error) -> Diagnostic {
    if e.kind() == std::io::ErrorKind::AddrInUse {
        Diagnostic::error(
            "E140",
            format!("ポート {port} はほかのプログラムが使用中です"),
            format!("port {port} is already in use"),
        )
        .help(format!(
            "別のポートを指定してください（例：--port {}、空いているポートを自動で選ぶには --port 0） / choose another port with --port (--port 0 picks a free one)",
            port.checked_add(1).unwrap_or(DEFAULT_PORT)
        ))
    } else {
        Diagnostic::error(
            "E141",
            format!("127.0.0.1 のポート {port} で待ち受けできません"),
            format!("cannot listen on 127.0.0.1:{port} ({e})"),
        )
        .help("1024 以上のポートを --port で指定してください / choose a port of 1024 or above with --port")
    }
}

fn thread_error(e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        "E142",
        "プレビューを始められません（スレッドを作れません）",
        format!("cannot start the preview: no thread ({e})"),
    )
}

/// Waits for changes, lets them settle for [`DEBOUNCE`], and rebuilds.
fn rebuild_loop(shared: &Shared, watch: &Mutex<Watch>, rx: &mpsc::Receiver<Msg>) {
    loop {
        let first = match rx.recv() {
            Ok(Msg::Changed(at)) => at,
            Ok(Msg::Stop) | Err(_) => return,
        };
        let mut quiet_from = first;
        loop {
            let now = Instant::now();
            let wait = (quiet_from + DEBOUNCE)
                .min(first + DEBOUNCE_MAX)
                .saturating_duration_since(now);
            if wait.is_zero() {
                break;
            }
            match rx.recv_timeout(wait) {
                Ok(Msg::Changed(at)) => quiet_from = at,
                Ok(Msg::Stop) | Err(mpsc::RecvTimeoutError::Disconnected) => return,
                Err(mpsc::RecvTimeoutError::Timeout) => break,
            }
        }
        if shared.stopping() {
            return;
        }
        if let Ok(mut w) = watch.lock() {
            w.ensure(&shared.root);
        }
        shared.rebuild(Some(first));
    }
}

/// Accepts connections and gives each its own thread, up to
/// [`MAX_CONNECTIONS`].
fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping() {
            return;
        }
        let mut stream = match stream {
            Ok(s) => s,
            Err(_) => {
                // Out of file descriptors or similar: do not spin.
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        let Some(id) = shared.register(&stream) else {
            http::refuse_busy(&mut stream);
            continue;
        };
        let inner = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("mieru-serve-conn".into())
            .spawn(move || {
                http::serve(stream, &inner);
                inner.unregister(id);
            });
        if spawned.is_err() {
            shared.unregister(id);
        }
    }
}

/// `mieru serve`: starts the preview, prints its address, opens the
/// browser when asked, and serves until Ctrl-C (or SIGTERM), then removes
/// the temporary folder. A second Ctrl-C ends at once.
pub fn run(root: &Path, port: u16, open: bool) -> Result<(), Diagnostics> {
    let (tx, rx) = mpsc::channel();
    let presses = std::sync::atomic::AtomicUsize::new(0);
    let handler = ctrlc::set_handler(move || {
        if presses.fetch_add(1, Ordering::SeqCst) > 0 {
            std::process::exit(130);
        }
        let _ = tx.send(());
    });
    let server = Server::start(root, port)?;
    let url = server.url();
    println!(
        "プレビュー：{url} （このパソコンからのみ表示できます。Ctrl-C で終了） / preview at {url} (this computer only; Ctrl-C to stop)"
    );
    println!(
        "content/ と themes/ を保存するたびに生成し直します / rebuilding on every change to content/ and themes/"
    );
    let caught = handler.is_ok();
    if let Err(e) = handler {
        let d: Diagnostics = [Diagnostic::warning(
            "W141",
            "Ctrl-C を受け取れません。終了後に一時フォルダが残ることがあります",
            format!("cannot catch Ctrl-C ({e}): the temporary folder may be left behind"),
        )
        .at(Location::file(server.site_dir()))]
        .into_iter()
        .collect();
        eprint!("{}", d.render(MessageFormat::Human));
    }
    if open {
        open_browser(url);
    }
    if !caught {
        // Without a handler Ctrl-C ends the process: serve until then.
        loop {
            std::thread::park();
        }
    }
    let _ = rx.recv();
    eprintln!("終了します / stopping");
    server.stop();
    Ok(())
}

/// Opens `url` in the default browser, in the background; a failure is
/// only a warning (W140).
fn open_browser(url: String) {
    let _ = std::thread::Builder::new()
        .name("mieru-serve-open".into())
        .spawn(move || {
            let mut cmd = if cfg!(target_os = "macos") {
                std::process::Command::new("open")
            } else if cfg!(windows) {
                let mut c = std::process::Command::new("cmd");
                c.args(["/C", "start", ""]);
                c
            } else {
                std::process::Command::new("xdg-open")
            };
            let status = cmd
                .arg(&url)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status();
            let why = match status {
                Ok(s) if s.success() => return,
                Ok(s) => s.to_string(),
                Err(e) => e.to_string(),
            };
            let d: Diagnostics = [Diagnostic::warning(
                "W140",
                format!("ブラウザを開けませんでした。{url} をブラウザで開いてください"),
                format!("could not open a browser ({why}): open {url} yourself"),
            )]
            .into_iter()
            .collect();
            eprint!("{}", d.render(MessageFormat::Human));
        });
}
