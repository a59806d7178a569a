//! Output: minifies HTML and writes the site so that a reader of the output
//! folder sees either the previous site or the new one, never a mixture.
//! The new site is written into a sibling staging folder and swapped in by
//! renames once every file is written. The folder is refused when it is
//! somewhere a site must never be written (the root, content/, themes/, an
//! ancestor, the home folder, `/`) or holds files mieru did not write.

use crate::render::{FileKind, OutputFile};
use rayon::prelude::*;
use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// Marks a folder as mieru's own output, so it may be replaced.
pub const MARKER: &str = ".mieru-output";

#[derive(Debug)]
pub struct OutputError {
    pub message_ja: String,
    pub message_en: String,
    pub path: PathBuf,
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} / {}: {}",
            self.message_ja,
            self.message_en,
            self.path.display()
        )
    }
}

fn fail(ja: &str, en: impl Into<String>, path: &Path) -> OutputError {
    OutputError {
        message_ja: ja.to_string(),
        message_en: en.into(),
        path: path.to_path_buf(),
    }
}

#[derive(Debug, Default)]
pub struct Written {
    pub files: usize,
    pub bytes: u64,
    /// The previous output, swapped out but not removed (the next build
    /// removes it): a warning, the new site is in place.
    pub leftover: Option<OutputError>,
}

pub fn minify_cfg() -> minify_html::Cfg {
    minify_html::Cfg {
        // Keep what validators and older browsers expect.
        keep_closing_tags: true,
        keep_html_and_head_opening_tags: true,
        minify_doctype: false,
        allow_noncompliant_unquoted_attribute_values: false,
        allow_removing_spaces_between_attributes: false,
        allow_optimal_entities: false,
        minify_css: true,
        minify_js: false,
        ..minify_html::Cfg::default()
    }
}

/// Minifies every HTML file in place (in parallel); SVG and assets are left as they are.
pub fn minify(files: &mut [OutputFile]) {
    let cfg = minify_cfg();
    files
        .par_iter_mut()
        .filter(|f| f.kind == FileKind::Html)
        .for_each(|f| {
            f.bytes = minify_html::minify(&f.bytes, &cfg);
        });
}

/// Folders of the site root a site is never written into, over or around.
const PROTECTED: &[&str] = &[
    "content", "themes", "src", "tests", "docs", "examples", "benches", "bench", "fuzz", ".ci",
    ".github", ".git",
];

/// Checks that `out` is a place where a site may be written.
///
/// Every comparison is made between resolved paths (symbolic links
/// followed, `..` applied as the system does), so that neither a root
/// given through a link nor an output reached through one (`ROOT/c/site`
/// with `c -> content`) slips past. The output is refused when it is `/`,
/// the home folder, the site root or one of its ancestors, or when it is,
/// lies inside or contains content/, themes/ (or a theme linked from
/// elsewhere) or another source folder of the root — whatever `force`
/// says. It is also refused when it is itself a symbolic link, not a
/// folder, or (unless `force`) a non-empty folder mieru did not write.
pub fn check_output_dir(root: &Path, out: &Path, force: bool) -> Result<(), OutputError> {
    let root = resolve(root);
    let out_given = absolute(out);
    let out_abs = resolve(out);
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| resolve(Path::new(&h)));
    let forbidden = |why_ja: &str, why_en: &str| Err(fail(why_ja, why_en.to_string(), out));
    if out_abs.parent().is_none() {
        return forbidden(
            "ファイルシステムのルートには出力できません",
            "refusing to write the site to the filesystem root",
        );
    }
    if home.as_deref() == Some(out_abs.as_path()) {
        return forbidden(
            "ホームフォルダには出力できません",
            "refusing to write the site to the home folder",
        );
    }
    if root.starts_with(&out_abs) {
        return forbidden(
            "サイトのフォルダそのもの、またはその上位には出力できません",
            "refusing to write over the site root or one of its ancestors",
        );
    }
    for (name, protected) in protected_folders(&root) {
        if out_abs.starts_with(&protected) || protected.starts_with(&out_abs) {
            return forbidden(
                "content/ や themes/ などの中・上には出力できません",
                &format!(
                    "refusing to write the site inside or over {name} ({})",
                    protected.display()
                ),
            );
        }
    }
    match fs::symlink_metadata(&out_given) {
        Err(_) => Ok(()),
        Ok(meta) if meta.file_type().is_symlink() => forbidden(
            "出力先がシンボリックリンクです",
            "the output folder is a symbolic link",
        ),
        Ok(meta) if !meta.is_dir() => forbidden(
            "出力先がフォルダではありません",
            "the output path is not a folder",
        ),
        Ok(_) => {
            let ours = out_abs.join(MARKER).is_file();
            let empty = fs::read_dir(&out_abs)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if ours || empty || force {
                Ok(())
            } else {
                forbidden(
                    "出力先に mieru が作ったものではないファイルがあります（--force で上書き）",
                    "the output folder is not empty and was not written by mieru (use --force to replace it)",
                )
            }
        }
    }
}

/// The folders of `root` (already resolved) that the output must keep
/// clear of, resolved: the source folders, and every theme and every entry
/// of content/, which may be links to folders elsewhere.
fn protected_folders(root: &Path) -> Vec<(String, PathBuf)> {
    let mut v: Vec<(String, PathBuf)> = PROTECTED
        .iter()
        .map(|p| (format!("{p}/"), resolve(&root.join(p))))
        .collect();
    for dir in [crate::load::CONTENT_DIR, crate::render::THEMES_DIR] {
        if let Ok(entries) = fs::read_dir(root.join(dir)) {
            for e in entries.flatten() {
                let name = format!("{dir}/{}", e.file_name().to_string_lossy());
                v.push((name, resolve(&e.path())));
            }
        }
    }
    v
}

/// Makes a path absolute without touching the filesystem, resolving `.` and `..`.
pub fn absolute(p: &Path) -> PathBuf {
    let base = if p.is_absolute() {
        PathBuf::new()
    } else {
        std::env::current_dir().unwrap_or_default()
    };
    let mut out = PathBuf::new();
    for c in base.join(p).components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The path the system would reach for `p`: its nearest existing ancestor
/// canonicalised (symbolic links followed, `..` applied after them, as the
/// system does), with the part that does not exist yet appended.
pub fn resolve(p: &Path) -> PathBuf {
    let full = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut existing = full.as_path();
    let mut rest: Vec<&std::ffi::OsStr> = Vec::new();
    loop {
        if let Ok(real) = fs::canonicalize(existing) {
            let mut out = real;
            for c in rest.iter().rev() {
                match Path::new(c).components().next() {
                    Some(Component::ParentDir) => {
                        out.pop();
                    }
                    Some(Component::Normal(n)) => out.push(n),
                    _ => {}
                }
            }
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                existing = parent;
            }
            // `..` or `.` at the end, or nothing exists at all.
            _ => match existing.parent() {
                Some(parent) if existing.ends_with("..") => {
                    rest.push(std::ffi::OsStr::new(".."));
                    existing = parent;
                }
                Some(parent) => existing = parent,
                None => return absolute(&full),
            },
        }
    }
}

/// A relative, '/'-separated path with only normal components, or None.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let p = Path::new(path);
    if path.is_empty() || path.contains('\\') || p.is_absolute() {
        return None;
    }
    p.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| p.to_path_buf())
}

/// A staging folder being filled file by file while the site renders, then
/// swapped in by [`Staging::commit`] with two renames. Until
/// the commit, the output folder is untouched; [`Staging::abort`] (or a
/// failed commit) removes the staging folder.
///
/// Beside the output, in its parent folder, a build keeps:
/// `.NAME.mieru-lock` (the PID of the build writing NAME: a second build
/// into the same output is refused while that process lives),
/// `.NAME.mieru-new-PID-N` (the staging folder) and, during the swap only,
/// `.NAME.mieru-old-PID-N` (the previous output). What a killed build left
/// is cleaned by the next one.
pub struct Staging {
    root: PathBuf,
    out: PathBuf,
    dir: PathBuf,
    /// Held until the build ends: dropped (the lock file removed) with the staging.
    _lock: Lock,
    force: bool,
    files: std::sync::atomic::AtomicUsize,
    bytes: std::sync::atomic::AtomicU64,
}

impl Staging {
    /// Checks `out`, takes its lock, cleans up what dead builds left beside
    /// it and creates an empty staging folder there.
    pub fn create(root: &Path, out: &Path, force: bool) -> Result<Staging, OutputError> {
        check_output_dir(root, out, force)?;
        let out = resolve(out);
        let parent = out.parent().unwrap_or(Path::new("/")).to_path_buf();
        let name = output_name(&out);
        fs::create_dir_all(&parent)
            .map_err(|e| fail("出力先の親フォルダを作れません", e.to_string(), &parent))?;
        let lock = Lock::take(&parent, &name)?;
        clean_leftovers(&parent, &name, &process_alive);
        // Unique within the process too, so that two builds running side by
        // side (tests do) never share a staging folder.
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = parent.join(format!(".{name}.mieru-new-{}-{n}", std::process::id()));
        if fs::symlink_metadata(&dir).is_ok() {
            remove_entry(&dir)
                .map_err(|e| fail("前回の一時フォルダを消せません", e.to_string(), &dir))?;
        }
        fs::create_dir(&dir).map_err(|e| fail("一時フォルダを作れません", e.to_string(), &dir))?;
        Ok(Staging {
            root: root.to_path_buf(),
            out,
            dir,
            _lock: lock,
            force,
            files: Default::default(),
            bytes: Default::default(),
        })
    }

    /// Writes one file into the staging folder (HTML minified first).
    /// Safe to call from many threads at once.
    pub fn write(&self, mut f: OutputFile) -> Result<OutputFile, OutputError> {
        use std::sync::atomic::Ordering::Relaxed;
        if f.kind == FileKind::Html {
            f.bytes = minify_html::minify(&f.bytes, &minify_cfg());
        }
        let (mut file, path) = self.new_file(&f.path)?;
        file.write_all(&f.bytes)
            .map_err(|e| fail("ファイルを書けません", e.to_string(), &path))?;
        self.files.fetch_add(1, Relaxed);
        self.bytes.fetch_add(f.bytes.len() as u64, Relaxed);
        f.bytes = Vec::new();
        Ok(f)
    }

    /// Writes one file into the staging folder piece by piece, through a
    /// buffer: `fill` writes its bytes. Returns the size in bytes. For
    /// files too large to hold in memory (never HTML: it is minified whole).
    pub fn write_streamed(
        &self,
        path: &str,
        fill: &crate::render::Fill,
    ) -> Result<usize, OutputError> {
        use std::sync::atomic::Ordering::Relaxed;
        let target = self.new_file(path)?;
        let fail_write = |e: std::io::Error| fail("ファイルを書けません", e.to_string(), &target.1);
        let mut counted = Counted {
            inner: std::io::BufWriter::with_capacity(1 << 16, target.0),
            bytes: 0,
        };
        fill(&mut counted).map_err(fail_write)?;
        counted.flush().map_err(fail_write)?;
        self.files.fetch_add(1, Relaxed);
        self.bytes.fetch_add(counted.bytes as u64, Relaxed);
        Ok(counted.bytes)
    }

    /// Creates a new file at the relative `path` inside the staging folder,
    /// with the folders above it.
    fn new_file(&self, path: &str) -> Result<(fs::File, PathBuf), OutputError> {
        let rel = safe_relative(path).ok_or_else(|| {
            fail(
                "出力先の外を指すパスです",
                format!("unsafe output path `{path}`"),
                &self.dir,
            )
        })?;
        let path = self.dir.join(rel);
        if let Some(d) = path.parent() {
            fs::create_dir_all(d).map_err(|e| fail("フォルダを作れません", e.to_string(), d))?;
        }
        let file = fs::File::create_new(&path)
            .map_err(|e| fail("ファイルを書けません", e.to_string(), &path))?;
        Ok((file, path))
    }

    /// Marks the staging folder as mieru's and swaps it in for the output.
    /// An error means the previous output is still in place, untouched.
    /// Once the new site is in place, a previous output that cannot be
    /// removed is not an error: it is returned in [`Written::leftover`] and
    /// removed by the next build.
    pub fn commit(self) -> Result<Written, OutputError> {
        let mut written = Written {
            files: self.files.load(std::sync::atomic::Ordering::Relaxed),
            bytes: self.bytes.load(std::sync::atomic::Ordering::Relaxed),
            leftover: None,
        };
        let result = self.swap(&remove_entry);
        if result.is_err() {
            let _ = fs::remove_dir_all(&self.dir);
        }
        written.leftover = result?;
        Ok(written)
    }

    /// The swap, with the removal of the previous output as a parameter so
    /// that its failure can be tested. Renames the output aside, the
    /// staging folder into its place (putting the output back if that
    /// fails), and only then removes the previous output, best-effort.
    fn swap(
        &self,
        remove: &dyn Fn(&Path) -> std::io::Result<()>,
    ) -> Result<Option<OutputError>, OutputError> {
        // The output may have changed while the site was rendering.
        check_output_dir(&self.root, &self.out, self.force)?;
        fs::write(
            self.dir.join(MARKER),
            "This folder is written by mieru and replaced on every build.\n",
        )
        .map_err(|e| fail("ファイルを書けません", e.to_string(), &self.dir))?;
        let out = &self.out;
        let parent = out.parent().unwrap_or(Path::new("/"));
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let old = parent.join(format!(
            ".{}.mieru-old-{}-{n}",
            output_name(out),
            std::process::id()
        ));
        if fs::symlink_metadata(out).is_err() {
            fs::rename(&self.dir, out)
                .map_err(|e| fail("新しい出力を配置できません", e.to_string(), out))?;
            return Ok(None);
        }
        fs::rename(out, &old)
            .map_err(|e| fail("以前の出力を移動できません", e.to_string(), out))?;
        if let Err(e) = fs::rename(&self.dir, out) {
            let back = fs::rename(&old, out);
            let en = match back {
                Ok(()) => e.to_string(),
                Err(b) => format!(
                    "{e}; the previous output is kept in {} ({b})",
                    old.display()
                ),
            };
            return Err(fail("新しい出力を配置できません", en, out));
        }
        Ok(remove(&old).err().map(|e| {
            fail(
                "以前の出力を削除できませんでした（次回の生成時に削除します）",
                format!("the previous output could not be removed, the next build removes it: {e}"),
                &old,
            )
        }))
    }

    /// Removes the staging folder; the output stays as it was.
    pub fn abort(self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

impl Drop for Staging {
    /// A build that stops early — an error, or a panic in a render job —
    /// leaves no staging folder behind. After a commit the folder has been
    /// renamed into place and there is nothing left to remove. The lock,
    /// a field, is released after this body has run.
    fn drop(&mut self) {
        if fs::symlink_metadata(&self.dir).is_ok() {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Numbers staging and old folders within the process.
static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn output_name(out: &Path) -> String {
    out.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into())
}

/// Removes a folder (its links, not what they point to) or a file.
fn remove_entry(p: &Path) -> std::io::Result<()> {
    let meta = fs::symlink_metadata(p)?;
    if meta.is_dir() {
        fs::remove_dir_all(p)
    } else {
        fs::remove_file(p)
    }
}

/// Whether the process `pid` still runs. Where the system does not tell
/// (no `/proc`), every process counts as running, so nothing of a build
/// that may be alive is ever removed.
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

/// The PID in a name `.NAME.mieru-new-PID-N` or `.NAME.mieru-old-PID-N`
/// (or `-old-PID` of earlier versions), and whether it is an old output.
fn leftover_pid(entry: &str, name: &str) -> Option<(u32, bool)> {
    let rest = entry.strip_prefix(&format!(".{name}.mieru-"))?;
    let (old, rest) = if let Some(r) = rest.strip_prefix("new-") {
        (false, r)
    } else {
        (true, rest.strip_prefix("old-")?)
    };
    let mut parts = rest.split('-');
    let pid = parts.next()?.parse().ok()?;
    match (parts.next(), parts.next()) {
        (None, None) if old => Some((pid, old)),
        (Some(n), None) if n.bytes().all(|b| b.is_ascii_digit()) && !n.is_empty() => {
            Some((pid, old))
        }
        _ => None,
    }
}

/// Removes the staging and old folders of output `name` in `parent` that
/// builds no longer running left behind (killed, or an old output that
/// could not be removed). When a build was killed between the two renames
/// of its swap, the output is missing and its old copy is put back first.
fn clean_leftovers(parent: &Path, name: &str, alive: &dyn Fn(u32) -> bool) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let mut found: Vec<(PathBuf, bool)> = entries
        .flatten()
        .filter_map(|e| {
            let (pid, old) = leftover_pid(&e.file_name().to_string_lossy(), name)?;
            (!alive(pid)).then(|| (e.path(), old))
        })
        .collect();
    found.sort();
    let out = parent.join(name);
    for (path, old) in found {
        let is_dir = fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        let restore =
            old && is_dir && fs::symlink_metadata(&out).is_err() && path.join(MARKER).is_file();
        if restore && fs::rename(&path, &out).is_ok() {
            continue;
        }
        let _ = remove_entry(&path);
    }
}

/// `.NAME.mieru-lock` beside the output, created exclusively, holding the
/// PID of the build: while that process runs, no other build writes into
/// the same output. A lock left by a dead process is taken over. Removed
/// when dropped.
struct Lock {
    path: PathBuf,
    token: String,
}

impl Lock {
    fn take(parent: &Path, name: &str) -> Result<Lock, OutputError> {
        let path = parent.join(format!(".{name}.mieru-lock"));
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let token = format!("{} {n}\n", std::process::id());
        for _ in 0..3 {
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    f.write_all(token.as_bytes())
                        .map_err(|e| fail("ロックファイルを書けません", e.to_string(), &path))?;
                    return Ok(Lock { path, token });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let held = fs::read_to_string(&path).unwrap_or_default();
                    let pid = held.split_whitespace().next().and_then(|p| p.parse().ok());
                    match pid {
                        Some(pid) if process_alive(pid) => {
                            return Err(fail(
                                "同じ出力先に別の生成が書き込み中です",
                                format!(
                                    "another build (process {pid}) is writing this output; \
                                     if none is running, remove the lock file"
                                ),
                                &path,
                            ));
                        }
                        // Dead, or not yet written by a build just starting:
                        // an empty lock younger than a few seconds is left alone.
                        None if fresh(&path) => {
                            return Err(fail(
                                "同じ出力先に別の生成が書き込み中です",
                                "another build is starting to write this output",
                                &path,
                            ));
                        }
                        _ => {
                            let _ = fs::remove_file(&path);
                        }
                    }
                }
                Err(e) => {
                    return Err(fail("ロックファイルを作れません", e.to_string(), &path));
                }
            }
        }
        Err(fail(
            "ロックファイルを作れません",
            "the lock file keeps coming back",
            &path,
        ))
    }
}

/// Modified less than five seconds ago.
fn fresh(path: &Path) -> bool {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age.as_secs() < 5)
}

impl Drop for Lock {
    fn drop(&mut self) {
        if fs::read_to_string(&self.path).is_ok_and(|t| t == self.token) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// A writer that counts the bytes written through it.
struct Counted<W> {
    inner: W,
    bytes: usize,
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_written() {
        assert!(safe_relative("programs/a/index.html").is_some());
        assert!(safe_relative("../x").is_none());
        assert!(safe_relative("/etc/passwd").is_none());
        assert!(safe_relative("a/../../x").is_none());
        assert!(safe_relative("").is_none());
        assert!(safe_relative("a\\..\\x").is_none());
    }

    #[test]
    fn dangerous_output_folders_are_refused() {
        let root = Path::new("/srv/site");
        assert!(check_output_dir(root, Path::new("/"), true).is_err());
        assert!(check_output_dir(root, Path::new("/srv/site"), true).is_err());
        assert!(check_output_dir(root, Path::new("/srv"), true).is_err());
        assert!(check_output_dir(root, Path::new("/srv/site/content"), true).is_err());
        assert!(check_output_dir(root, Path::new("/srv/site/themes/default"), true).is_err());
        assert!(check_output_dir(root, Path::new("/srv/site/output/.."), true).is_err());
        assert!(
            check_output_dir(root, Path::new("/srv/site/output-does-not-exist"), false).is_ok()
        );
    }

    /// A site root and an output beside it holding `old.txt`, and a
    /// staging folder holding `new.txt`.
    fn swap_setup() -> (tempfile::TempDir, Staging) {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        fs::create_dir_all(root.join("content")).unwrap();
        let out = tmp.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(out.join(MARKER), "").unwrap();
        fs::write(out.join("old.txt"), "old").unwrap();
        let staging = Staging::create(&root, &out, false).unwrap();
        fs::write(staging.dir.join("new.txt"), "new").unwrap();
        (tmp, staging)
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn an_old_output_that_cannot_be_removed_leaves_the_new_site_in_place() {
        let (tmp, staging) = swap_setup();
        let out = tmp.path().join("out");
        let cannot = |_: &Path| Err(std::io::Error::other("operation not permitted"));
        let leftover = staging.swap(&cannot).unwrap().expect("a warning");
        assert!(leftover.message_en.contains("next build"), "{leftover}");
        assert_eq!(names(&out), [MARKER, "new.txt"], "the new site, whole");
        let old = leftover.path.clone();
        assert_eq!(
            names(&old),
            [MARKER, "old.txt"],
            "the old one, whole, aside"
        );
        drop(staging);
        // The next build removes it once its process is gone.
        clean_leftovers(tmp.path(), "out", &|_| true);
        assert!(old.exists(), "kept while its build may run");
        clean_leftovers(tmp.path(), "out", &|_| false);
        assert!(!old.exists());
        assert_eq!(names(tmp.path()), ["out", "site"]);
    }

    #[test]
    fn a_failed_swap_leaves_the_old_output_in_place() {
        let (tmp, staging) = swap_setup();
        let out = tmp.path().join("out");
        // The staging folder vanished: the second rename fails.
        fs::remove_dir_all(&staging.dir).unwrap();
        let never = |_: &Path| -> std::io::Result<()> { panic!("nothing to remove") };
        assert!(staging.swap(&never).is_err());
        assert_eq!(names(&out), [MARKER, "old.txt"]);
        drop(staging);
        assert_eq!(names(tmp.path()), ["out", "site"]);
    }

    #[test]
    fn leftover_names_carry_the_pid() {
        assert_eq!(
            leftover_pid(".out.mieru-new-12-0", "out"),
            Some((12, false))
        );
        assert_eq!(leftover_pid(".out.mieru-old-12-3", "out"), Some((12, true)));
        assert_eq!(leftover_pid(".out.mieru-old-12", "out"), Some((12, true)));
        assert_eq!(leftover_pid(".out.mieru-new-12", "out"), None);
        assert_eq!(leftover_pid(".out.mieru-new-12-0", "output"), None);
        assert_eq!(leftover_pid(".out.mieru-new-x-0", "out"), None);
        assert_eq!(leftover_pid(".out.mieru-lock", "out"), None);
        assert_eq!(leftover_pid("out", "out"), None);
    }

    #[test]
    fn resolve_follows_links_and_appends_what_does_not_exist() {
        let tmp = tempfile::tempdir().unwrap();
        let real = fs::canonicalize(tmp.path()).unwrap();
        fs::create_dir(real.join("content")).unwrap();
        std::os::unix::fs::symlink(real.join("content"), real.join("c")).unwrap();
        assert_eq!(resolve(&real.join("c/site/x")), real.join("content/site/x"));
        assert_eq!(resolve(&real.join("c/../y")), real.join("y"));
        assert_eq!(resolve(&real.join("none/../z")), real.join("z"));
        assert_eq!(resolve(&real.join("c/..")), real);
    }
}
