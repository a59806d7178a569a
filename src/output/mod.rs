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

#[derive(Debug, Default, Clone, Copy)]
pub struct Written {
    pub files: usize,
    pub bytes: u64,
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

/// Checks that `out` is a place where a site may be written.
pub fn check_output_dir(root: &Path, out: &Path, force: bool) -> Result<(), OutputError> {
    let root = absolute(root);
    let out_abs = absolute(out);
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .map(|h| absolute(&h));
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
    for protected in ["content", "themes", "src", "tests", ".git"] {
        if out_abs.starts_with(root.join(protected)) {
            return forbidden(
                "content/ や themes/ などの中には出力できません",
                &format!("refusing to write the site inside {protected}/"),
            );
        }
    }
    match fs::symlink_metadata(&out_abs) {
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
pub struct Staging {
    root: PathBuf,
    out: PathBuf,
    dir: PathBuf,
    force: bool,
    files: std::sync::atomic::AtomicUsize,
    bytes: std::sync::atomic::AtomicU64,
}

impl Staging {
    /// Checks `out` and creates an empty staging folder beside it.
    pub fn create(root: &Path, out: &Path, force: bool) -> Result<Staging, OutputError> {
        check_output_dir(root, out, force)?;
        let out = absolute(out);
        let parent = out.parent().unwrap_or(Path::new("/")).to_path_buf();
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        fs::create_dir_all(&parent)
            .map_err(|e| fail("出力先の親フォルダを作れません", e.to_string(), &parent))?;
        // Unique within the process too, so that two builds running side by
        // side (tests do) never share a staging folder.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = parent.join(format!(".{name}.mieru-new-{}-{n}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir)
                .map_err(|e| fail("前回の一時フォルダを消せません", e.to_string(), &dir))?;
        }
        fs::create_dir_all(&dir)
            .map_err(|e| fail("一時フォルダを作れません", e.to_string(), &dir))?;
        Ok(Staging {
            root: root.to_path_buf(),
            out,
            dir,
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
    pub fn commit(self) -> Result<Written, OutputError> {
        let written = Written {
            files: self.files.load(std::sync::atomic::Ordering::Relaxed),
            bytes: self.bytes.load(std::sync::atomic::Ordering::Relaxed),
        };
        let result = self.swap();
        if result.is_err() {
            let _ = fs::remove_dir_all(&self.dir);
        }
        result.map(|()| written)
    }

    fn swap(&self) -> Result<(), OutputError> {
        // The output may have changed while the site was rendering.
        check_output_dir(&self.root, &self.out, self.force)?;
        fs::write(
            self.dir.join(MARKER),
            "This folder is written by mieru and replaced on every build.\n",
        )
        .map_err(|e| fail("ファイルを書けません", e.to_string(), &self.dir))?;
        let out = &self.out;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        let old = out
            .parent()
            .unwrap_or(Path::new("/"))
            .join(format!(".{name}.mieru-old-{}", std::process::id()));
        if old.exists() {
            fs::remove_dir_all(&old)
                .map_err(|e| fail("前回の一時フォルダを消せません", e.to_string(), &old))?;
        }
        if out.exists() {
            fs::rename(out, &old)
                .map_err(|e| fail("以前の出力を移動できません", e.to_string(), out))?;
            if let Err(e) = fs::rename(&self.dir, out) {
                let _ = fs::rename(&old, out);
                return Err(fail("新しい出力を配置できません", e.to_string(), out));
            }
            fs::remove_dir_all(&old)
                .map_err(|e| fail("以前の出力を削除できません", e.to_string(), &old))?;
        } else {
            fs::rename(&self.dir, out)
                .map_err(|e| fail("新しい出力を配置できません", e.to_string(), out))?;
        }
        Ok(())
    }

    /// Removes the staging folder; the output stays as it was.
    pub fn abort(self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

impl Drop for Staging {
    /// A build that stops early — an error, or a panic in a render job —
    /// leaves no staging folder behind. After a commit the folder has been
    /// renamed into place and there is nothing left to remove.
    fn drop(&mut self) {
        if self.dir.exists() {
            let _ = fs::remove_dir_all(&self.dir);
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
}
