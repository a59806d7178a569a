//! Themes: the Tera templates, the static files copied to the output and the
//! font charts are measured with. A theme comes from a source, a folder
//! `ROOT/themes/<name>/` or the default theme built into the binary (this
//! repository's `themes/default/`, used when `theme = "default"` and the
//! site has no such folder), and is read as (relative path, bytes) either way.
//!
//! A folder theme is read without leaving the site: a symbolic link that
//! points outside the site root is refused, not followed, and so is any file
//! that is not a regular file (FIFO, device, socket). Templates cannot read
//! the environment: Tera's `get_env` is replaced by a function that fails.

use crate::chart;
use crate::diag::{Diagnostic, Diagnostics, Location};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// The default theme, built into the binary.
static BUILTIN: include_dir::Dir<'static> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/themes/default");

pub const THEMES_DIR: &str = "themes";
/// The theme used when site.toml names none.
pub const DEFAULT_THEME: &str = "default";

const TEMPLATES: [&str; 11] = [
    "index.html",
    "policy.html",
    "program.html",
    "404.html",
    "programs.html",
    "departments.html",
    "department.html",
    "overview.html",
    "changes.html",
    "search.html",
    "data.html",
];

/// Tera functions a template may not call: they read outside the site.
const FORBIDDEN_FUNCTIONS: [&str; 1] = ["get_env"];

/// Where the bytes of one theme file are.
#[derive(Debug, Clone)]
pub enum ThemeFile {
    /// A file of a theme folder, read when it is needed.
    Disk(PathBuf),
    /// A file of the built-in theme.
    Embedded(&'static [u8]),
}

impl ThemeFile {
    pub fn read(&self) -> std::io::Result<Cow<'static, [u8]>> {
        match self {
            ThemeFile::Disk(p) => std::fs::read(p).map(Cow::Owned),
            ThemeFile::Embedded(b) => Ok(Cow::Borrowed(b)),
        }
    }
}

/// A theme: its templates (parsed once) and its static files.
pub struct Theme {
    /// `ROOT/themes/<name>` (for the built-in theme, where it would be).
    pub dir: PathBuf,
    /// Whether the theme is the one built into the binary.
    pub builtin: bool,
    pub(crate) tera: tera::Tera,
    /// Files under `static/`, by path relative to it, sorted.
    pub(crate) assets: Vec<(String, ThemeFile)>,
    pub font: Cow<'static, [u8]>,
}

/// Whether `theme` can be used at `root`: a folder under themes/, or the
/// built-in default theme.
pub fn exists(root: &Path, name: &str) -> bool {
    name == DEFAULT_THEME || root.join(THEMES_DIR).join(name).symlink_metadata().is_ok()
}

/// Every file of the built-in theme, by path relative to the theme folder
/// (`templates/base.html`, `fonts/ipaexg.ttf`, …), sorted.
pub fn builtin_files() -> Vec<(String, &'static [u8])> {
    fn walk(dir: &'static include_dir::Dir<'static>, out: &mut Vec<(String, &'static [u8])>) {
        for f in dir.files() {
            out.push((f.path().to_string_lossy().replace('\\', "/"), f.contents()));
        }
        for d in dir.dirs() {
            walk(d, out);
        }
    }
    let mut out = Vec::new();
    walk(&BUILTIN, &mut out);
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The files under `sub/` of a theme, by path relative to `sub/`, sorted;
/// with `depth_one`, only those directly in it.
fn list(
    src: &Source,
    sub: &str,
    depth_one: bool,
    diags: &mut Diagnostics,
) -> Vec<(String, ThemeFile)> {
    match src {
        Source::Builtin => {
            let prefix = format!("{sub}/");
            builtin_files()
                .into_iter()
                .filter_map(|(p, b)| {
                    let rel = p.strip_prefix(&prefix)?.to_string();
                    (!depth_one || !rel.contains('/')).then_some((rel, ThemeFile::Embedded(b)))
                })
                .collect()
        }
        Source::Disk { root, dir } => list_disk(root, dir, sub, depth_one, diags),
    }
}

enum Source<'a> {
    Builtin,
    Disk { root: &'a Path, dir: PathBuf },
}

/// The site-relative path of `p` for a diagnostic.
fn site_rel(root: &Path, p: &Path) -> PathBuf {
    p.strip_prefix(root).unwrap_or(p).to_path_buf()
}

fn outside_root(root: &Path, path: &Path, target: &Path) -> Diagnostic {
    Diagnostic::error(
        "E120",
        format!(
            "テーマの中のシンボリックリンクがサイトの外（{}）を指しています",
            target.display()
        ),
        format!(
            "a symbolic link in the theme points outside the site: {}",
            target.display()
        ),
    )
    .at(Location::file(&site_rel(root, path)))
    .help("テーマのファイルはサイトのフォルダの中に置いてください（リンクではなくファイルをコピー） / put the files themselves inside the site folder instead of a link")
}

fn special_file(root: &Path, path: &Path) -> Diagnostic {
    Diagnostic::error(
        "E121",
        "テーマの中に通常のファイルでないもの（FIFO・デバイスなど）があります",
        "the theme holds something that is not a regular file (FIFO, device, socket)",
    )
    .at(Location::file(&site_rel(root, path)))
    .help("削除してください / remove it")
}

/// Where `path` really is, when that is inside `root_real`; an error
/// otherwise (a link out of the site, or one that leads nowhere).
fn resolve_inside(root: &Path, root_real: &Path, path: &Path) -> Result<PathBuf, Diagnostic> {
    match std::fs::canonicalize(path) {
        Ok(real) if real.starts_with(root_real) => Ok(real),
        Ok(real) => Err(outside_root(root, path, &real)),
        Err(e) => Err(Diagnostic::error(
            "E061",
            "テーマのファイルを読めません",
            format!("cannot read theme file: {e}"),
        )
        .at(Location::file(&site_rel(root, path)))),
    }
}

fn list_disk(
    root: &Path,
    dir: &Path,
    sub: &str,
    depth_one: bool,
    diags: &mut Diagnostics,
) -> Vec<(String, ThemeFile)> {
    let base = dir.join(sub);
    if base.symlink_metadata().is_err() {
        return Vec::new();
    }
    let root_real = match std::fs::canonicalize(root) {
        Ok(r) => r,
        Err(_) => root.to_path_buf(),
    };
    let mut out = Vec::new();
    let mut walker = walkdir::WalkDir::new(&base)
        .follow_links(true)
        .sort_by_file_name();
    if depth_one {
        walker = walker.max_depth(1);
    }
    let mut it = walker.into_iter();
    while let Some(entry) = it.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(&base).to_path_buf();
                diags.push(
                    Diagnostic::error(
                        "E061",
                        "テーマのファイルを読めません（リンクの循環など）",
                        format!("cannot read theme file: {e}"),
                    )
                    .at(Location::file(&site_rel(root, &path))),
                );
                continue;
            }
        };
        // Every entry is checked where it really is: a link anywhere on
        // the way (the theme folder itself, static/, a file) may lead out.
        let real = match resolve_inside(root, &root_real, entry.path()) {
            Ok(r) => r,
            Err(d) => {
                diags.push(d);
                if entry.file_type().is_dir() {
                    it.skip_current_dir();
                }
                continue;
            }
        };
        let ft = entry.file_type();
        if ft.is_dir() {
            continue;
        }
        if !ft.is_file() {
            diags.push(special_file(root, entry.path()));
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&base)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        out.push((rel, ThemeFile::Disk(real)));
    }
    out
}

impl Theme {
    /// Loads the theme `name` of the site at `root`: `root/themes/<name>/`
    /// when it exists, else (for `default`) the built-in theme. Reads every
    /// template under `templates/`, lists the files under `static/`, and
    /// reads the first `.ttf`/`.otf` in `fonts/` (by name) for measuring
    /// chart text.
    pub fn load(root: &Path, name: &str) -> Result<Theme, Diagnostics> {
        let rel_dir = Path::new(THEMES_DIR).join(name);
        let dir = root.join(&rel_dir);
        let src = if dir.symlink_metadata().is_ok() || name != DEFAULT_THEME {
            Source::Disk {
                root,
                dir: dir.clone(),
            }
        } else {
            Source::Builtin
        };
        let builtin = matches!(src, Source::Builtin);
        let mut diags = Diagnostics::new();
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html"]);
        for f in FORBIDDEN_FUNCTIONS {
            tera.register_function(f, forbidden(f));
        }
        let mut sources = Vec::new();
        // Templates that are there but cannot be read: not also "missing".
        let mut unreadable = Vec::new();
        for (rel, file) in list(&src, "templates", false, &mut diags) {
            let path = rel_dir.join("templates").join(&rel);
            let text = match file.read() {
                Ok(b) => String::from_utf8(b.into_owned()).map_err(|_| {
                    (
                        "テンプレートの文字コードが UTF-8 ではありません".to_string(),
                        "the template is not valid UTF-8".to_string(),
                        "UTF-8 で保存し直してください / save it again as UTF-8",
                    )
                }),
                Err(e) => Err((
                    "テンプレートを読めません".to_string(),
                    format!("cannot read template: {e}"),
                    "ファイルの権限と中身を確かめてください / check the file's permissions and contents",
                )),
            };
            match text {
                Ok(text) => {
                    forbidden_calls(&path, &text, &mut diags);
                    sources.push((rel, text));
                }
                Err((ja, en, help)) => {
                    diags.push(
                        Diagnostic::error("E061", ja, en)
                            .at(Location::file(&path))
                            .help(help),
                    );
                    unreadable.push(rel);
                }
            }
        }
        for t in TEMPLATES {
            if !sources.iter().any(|(n, _)| n == t) && !unreadable.iter().any(|n| n == t) {
                diags.push(
                    Diagnostic::error(
                        "E060",
                        format!("テンプレート {t} がありません"),
                        format!("template {t} is missing"),
                    )
                    .at(Location::file(&rel_dir.join("templates").join(t)))
                    .help(format!(
                        "テーマ `{name}` には templates/{t} が必要です / the theme `{name}` needs templates/{t}"
                    )),
                );
            }
        }
        if let Err(e) = tera.add_raw_templates(sources) {
            diags.push(super::pages::template_error(&rel_dir, &e));
        }
        let font_file = list(&src, "fonts", true, &mut diags)
            .into_iter()
            .find(|(rel, _)| rel.ends_with(".ttf") || rel.ends_with(".otf"));
        let unreadable = |e: &dyn std::fmt::Display| {
            Diagnostic::error(
                "E062",
                "グラフ用フォントを読めません",
                format!("chart font: {e}"),
            )
            .at(Location::file(&rel_dir.join("fonts")))
        };
        let font = match font_file.map(|(_, f)| f.read()) {
            Some(Ok(f)) => match chart::register_font(&f) {
                Ok(()) => f,
                Err(e) => {
                    diags.push(unreadable(&e));
                    Cow::Borrowed(&[][..])
                }
            },
            Some(Err(e)) => {
                diags.push(unreadable(&e));
                Cow::Borrowed(&[][..])
            }
            None => {
                diags.push(
                    Diagnostic::error(
                        "E062",
                        "グラフ用フォントがありません",
                        "no chart font in the theme",
                    )
                    .at(Location::file(&rel_dir.join("fonts")))
                    .help("テーマの fonts/ に日本語の TrueType フォント（.ttf/.otf）を置いてください / put a Japanese TrueType font (.ttf/.otf) in the theme's fonts/ folder"),
                );
                Cow::Borrowed(&[][..])
            }
        };
        let assets = list(&src, "static", false, &mut diags);
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(Theme {
            dir,
            builtin,
            tera,
            assets,
            font,
        })
    }
}

/// A Tera function that always fails, in place of one that reads outside
/// the site (kept registered so that a call fails with its name).
fn forbidden(name: &'static str) -> impl tera::Function {
    move |_: &std::collections::HashMap<String, tera::Value>| -> tera::Result<tera::Value> {
        Err(tera::Error::msg(format!(
            "the function `{name}` is not available in mieru themes"
        )))
    }
}

/// Reports each call of a forbidden function inside a `{{ }}` or `{% %}`
/// block of a template, with its line and column.
fn forbidden_calls(path: &Path, text: &str, diags: &mut Diagnostics) {
    for name in FORBIDDEN_FUNCTIONS {
        let mut from = 0;
        while let Some(i) = text[from..].find(name).map(|i| i + from) {
            from = i + name.len();
            let before_ok = !text[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
            let after_ok = text[from..].trim_start().starts_with('(');
            let head = &text[..i];
            let open = head.rfind("{{").max(head.rfind("{%"));
            let close = head.rfind("}}").max(head.rfind("%}"));
            let in_block = open.is_some() && open > close;
            if before_ok && after_ok && in_block {
                diags.push(
                    Diagnostic::error(
                        "E122",
                        format!("テンプレートでは関数 `{name}` を使えません（環境変数などサイトの外を読むため）"),
                        format!("templates cannot call `{name}`: it reads outside the site"),
                    )
                    .at(Location::at(path, text, i..from))
                    .help("値は content/site.toml に書いてテンプレートから参照してください / put the value in content/site.toml and use it from there"),
                );
            }
        }
    }
}

/// Writes the built-in theme into `root/themes/<name>/` for editing;
/// refuses a folder that exists. Returns the files written (site-relative).
pub fn eject(root: &Path, name: &str) -> Result<Vec<PathBuf>, Diagnostics> {
    let rel_dir = Path::new(THEMES_DIR).join(name);
    let dir = root.join(&rel_dir);
    let fail = |d: Diagnostic| Err(Diagnostics::from_iter([d]));
    if !crate::validate::is_slug(name) {
        return fail(
            Diagnostic::error(
                "E011",
                format!("テーマ名 `{name}` に使えない文字があります"),
                "theme name must be [a-z0-9-]+",
            )
            .at(Location::file(&rel_dir))
            .help("英小文字・数字・ハイフンだけにしてください（例：my-theme） / use lower-case letters, digits and hyphens (my-theme)"),
        );
    }
    if dir.symlink_metadata().is_ok() {
        return fail(
            Diagnostic::error(
                "E123",
                format!("{} はすでにあります。上書きしません", rel_dir.display()),
                format!("{} already exists; not overwriting it", rel_dir.display()),
            )
            .at(Location::file(&rel_dir))
            .help("別の名前を指定するか、今のフォルダを移動してください（mieru theme eject NAME） / give another name or move the folder away"),
        );
    }
    let mut written = Vec::new();
    for (rel, bytes) in builtin_files() {
        let path = dir.join(&rel);
        let r = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, bytes));
        if let Err(e) = r {
            return fail(
                Diagnostic::error(
                    "E124",
                    "ファイルを書き込めません",
                    format!("cannot write the file: {e}"),
                )
                .at(Location::file(&rel_dir.join(&rel))),
            );
        }
        written.push(rel_dir.join(rel));
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_env_fails_at_render_time_too() {
        let mut tera = tera::Tera::default();
        for f in FORBIDDEN_FUNCTIONS {
            tera.register_function(f, forbidden(f));
        }
        tera.add_raw_template("t", "{{ get_env(name=\"HOME\") }}")
            .unwrap();
        let e = tera.render("t", &tera::Context::new()).unwrap_err();
        let mut msg = e.to_string();
        let mut src = std::error::Error::source(&e);
        while let Some(s) = src {
            msg.push_str(&s.to_string());
            src = s.source();
        }
        assert!(msg.contains("not available"), "{msg}");
    }

    #[test]
    fn the_scan_finds_calls_in_blocks_only() {
        let mut d = Diagnostics::new();
        let text = "get_env(x)\n{% set a = get_env(name=\"A\") %}{{ my_get_env() }}";
        forbidden_calls(Path::new("t.html"), text, &mut d);
        let found: Vec<(usize, usize)> = d
            .iter()
            .map(|x| {
                let l = x.location.as_ref().unwrap();
                (l.line, l.col)
            })
            .collect();
        assert_eq!(found, [(2, 12)]);
    }

    #[test]
    fn the_built_in_theme_has_every_template_and_the_font_licence() {
        let files = builtin_files();
        for t in TEMPLATES {
            assert!(
                files.iter().any(|(p, _)| *p == format!("templates/{t}")),
                "{t}"
            );
        }
        assert!(files
            .iter()
            .any(|(p, _)| p.starts_with("fonts/IPA_Font_License")));
    }
}
