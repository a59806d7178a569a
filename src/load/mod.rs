//! Loading: finds the content files under `content/`, reads them (UTF-8,
//! with or without BOM, LF or CRLF) and parses each into its raw struct,
//! keeping the source text so that every later diagnostic can point at a
//! line and column. All files are read, in parallel; every file that fails
//! contributes a diagnostic and the others load regardless.

pub mod explain;
pub mod raw;

use crate::diag::{suggest, Diagnostic, Diagnostics, Location};
use crate::form::field::Fields;
use crate::form::Sheet;
use raw::{RawPolicy, RawProgram, RawSite, RawYear};
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::de::{DeArray, DeTable, DeValue};
use toml::Spanned;

/// A content file: its path relative to the site root and its text.
///
/// Once a file has parsed cleanly its text is released (a national site's
/// content runs to gigabytes); a diagnostic found later, by the checks
/// across files, reads the file again to point at its line and column.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    text: String,
    /// Where to read the text again once it has been released.
    released: Option<Released>,
    /// Byte offsets of the starts of lines, made on the first location
    /// asked for: a file with 150,000 syntax errors is located in linear
    /// time, not quadratic.
    lines: std::sync::OnceLock<Vec<usize>>,
}

#[derive(Debug)]
struct Released {
    full_path: PathBuf,
    /// The length of the text that was parsed: a file changed since then
    /// is located as a whole rather than at a wrong line.
    len: usize,
}

impl SourceFile {
    pub fn new(path: PathBuf, text: String) -> SourceFile {
        SourceFile {
            path,
            text,
            released: None,
            lines: std::sync::OnceLock::new(),
        }
    }

    /// Drops the text; `full_path` is where it can be read again.
    fn release(&mut self, full_path: PathBuf) {
        let len = self.text.len();
        self.text = String::new();
        self.lines = std::sync::OnceLock::new();
        self.released = Some(Released { full_path, len });
    }

    /// The text as it was parsed, read again if it has been released.
    fn text(&self) -> Option<std::borrow::Cow<'_, str>> {
        let Some(r) = &self.released else {
            return Some(self.text.as_str().into());
        };
        let bytes = std::fs::read(&r.full_path).ok()?;
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let text = String::from_utf8(bytes.to_vec()).ok()?;
        (text.len() == r.len).then_some(text.into())
    }

    pub fn locate(&self, span: std::ops::Range<usize>) -> Location {
        if self.released.is_none() {
            let lines = self.lines.get_or_init(|| {
                std::iter::once(0)
                    .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                    .collect()
            });
            return Location::at_line_index(&self.path, &self.text, lines, span);
        }
        match self.text() {
            Some(text) => Location::at(&self.path, &text, span),
            None => self.whole(),
        }
    }
    pub fn whole(&self) -> Location {
        Location::file(&self.path)
    }

    /// Where the value under `keys` (a path of table keys from the top; a
    /// number after an array of tables picks one, `["budget_lines", "0",
    /// "account"]`) is written, for checks on values whose struct field keeps no span.
    /// Falls back to the whole file.
    pub fn locate_key(&self, keys: &[&str]) -> Location {
        let Some(text) = self.text() else {
            return self.whole();
        };
        let Ok(root) = DeTable::parse(&text) else {
            return self.whole();
        };
        let mut table = root.get_ref();
        let mut keys = keys.iter().peekable();
        while let Some(key) = keys.next() {
            let Some(mut v) = table.get(*key) else {
                return self.whole();
            };
            // A number after an array of tables picks one of its tables.
            if let DeValue::Array(items) = v.get_ref() {
                if let Some(i) = keys.peek().and_then(|k| k.parse::<usize>().ok()) {
                    keys.next();
                    match items.get(i) {
                        Some(item) => v = item,
                        None => return self.whole(),
                    }
                }
            }
            if keys.peek().is_none() {
                return self.locate(v.span());
            }
            match v.get_ref() {
                DeValue::Table(t) => table = t,
                _ => return self.whole(),
            }
        }
        self.whole()
    }
}

/// A parsed file and where it came from.
#[derive(Debug)]
pub struct Loaded<T> {
    pub file: Arc<SourceFile>,
    pub data: T,
    /// The values of the city's own fields (those its form declares beyond
    /// mieru's typed keys), read and checked against the form.
    pub fields: Fields,
}

#[derive(Debug)]
pub struct LoadedPolicy {
    pub slug: String,
    pub source: Loaded<RawPolicy>,
}

#[derive(Debug)]
pub struct LoadedProgram {
    pub slug: String,
    /// `content/programs/<slug>`, relative to the root.
    pub dir: PathBuf,
    pub program: Option<Loaded<RawProgram>>,
    /// Year files, sorted by the year in their file name.
    pub years: Vec<(i64, Loaded<RawYear>)>,
}

/// Everything that was found and parsed.
#[derive(Debug, Default)]
pub struct RawContent {
    /// The city's sheet form: content/form.toml, or the built-in default.
    pub form: Arc<crate::form::Form>,
    /// content/plan.toml: the plan's nodes (forms with levels).
    pub plan: Option<Loaded<raw::RawPlan>>,
    pub site: Option<Loaded<RawSite>>,
    pub policies: Vec<LoadedPolicy>,
    pub programs: Vec<LoadedProgram>,
    /// Files that exist but could not be read or parsed (already
    /// reported), so that what depends on them — a program pointing to a
    /// policy, a program folder's program.toml — is not reported again as
    /// missing.
    pub failed: BTreeSet<PathBuf>,
    /// The accessibility test report named in site.toml, when readable.
    pub accessibility_report: Option<crate::model::accessibility::Report>,
}

/// What a file under content/ is, judged by its place.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Role {
    Site,
    Form,
    Plan,
    Policy(String),
    Program(String),
    Year(String, i64),
}

enum Parsed {
    Site(Box<Loaded<RawSite>>),
    Plan(Box<Loaded<raw::RawPlan>>),
    Policy(String, Box<Loaded<RawPolicy>>),
    Program(String, Box<Loaded<RawProgram>>),
    Year(String, i64, Box<Loaded<RawYear>>),
}

pub const CONTENT_DIR: &str = "content";

/// Loads every content file under `root/content`. Problems are added to
/// `diags`; what could be read is returned.
pub fn load(root: &Path, diags: &mut Diagnostics) -> RawContent {
    let content = root.join(CONTENT_DIR);
    if !content.is_dir() {
        diags.push(
            Diagnostic::error("E009", "content フォルダがありません", "no content folder")
                .at(Location::file(Path::new(CONTENT_DIR)))
                .help(format!(
                    "サイトのデータを {} に置いてください / expected the site's data in {}",
                    content.display(),
                    content.display()
                )),
        );
        return RawContent::default();
    }
    let (files, mut program_dirs) = discover(root, &content, diags);
    // The form first: every other file is read against it.
    let mut out = RawContent::default();
    let mut form_failed = false;
    if let Some((rel, _)) = files.iter().find(|(_, r)| *r == Role::Form) {
        let form = read_source(root, rel, diags)
            .and_then(|f| crate::form::read_declared(Arc::new(f), diags));
        match form {
            Some(f) => out.form = Arc::new(f),
            None => {
                form_failed = true;
                out.failed.insert(rel.clone());
            }
        }
    }
    let form = out.form.clone();
    let results: Vec<(Option<Parsed>, Diagnostics)> = files
        .par_iter()
        .filter(|(_, role)| *role != Role::Form)
        .map(|(rel, role)| {
            let mut d = Diagnostics::new();
            let parsed = read_and_parse(root, rel, role, &form, &mut d);
            // Fields of a form that did not load are not known: what the
            // content says of them is not reported as unknown.
            if form_failed {
                d = d.into_iter().filter(|x| x.code != "E004").collect();
            }
            (parsed, d)
        })
        .collect();
    let files: Vec<(PathBuf, Role)> = files
        .into_iter()
        .filter(|(_, r)| *r != Role::Form)
        .collect();

    for ((path, _), (parsed, _)) in files.iter().zip(&results) {
        if parsed.is_none() {
            out.failed.insert(path.clone());
        }
    }
    let by_slug: std::collections::HashMap<String, usize> = program_dirs
        .iter()
        .enumerate()
        .map(|(i, e)| (e.slug.clone(), i))
        .collect();
    for (parsed, d) in results {
        diags.extend(d);
        match parsed {
            Some(Parsed::Site(s)) => out.site = Some(*s),
            Some(Parsed::Plan(p)) => out.plan = Some(*p),
            Some(Parsed::Policy(slug, source)) => out.policies.push(LoadedPolicy {
                slug,
                source: *source,
            }),
            Some(Parsed::Program(slug, p)) => {
                if let Some(&i) = by_slug.get(&slug) {
                    program_dirs[i].program = Some(*p);
                }
            }
            Some(Parsed::Year(slug, year, y)) => {
                if let Some(&i) = by_slug.get(&slug) {
                    program_dirs[i].years.push((year, *y));
                }
            }
            None => {}
        }
    }
    if out.site.is_none() && !files.iter().any(|(_, r)| *r == Role::Site) {
        diags.push(
            Diagnostic::error(
                "E009",
                "site.toml がありません",
                "content/site.toml is missing",
            )
            .at(Location::file(&Path::new(CONTENT_DIR).join("site.toml")))
            .help("content/site.toml を作り、少なくとも `city`（市の名前）と `evaluation_year`（評価年度）を書いてください / create content/site.toml with at least `city` and `evaluation_year`"),
        );
    }
    for p in &mut program_dirs {
        p.years.sort_by_key(|(y, _)| *y);
    }
    out.policies.sort_by(|a, b| a.slug.cmp(&b.slug));
    out.programs = program_dirs;
    let report = out.site.as_ref().and_then(|s| {
        let rel = s.data.accessibility.as_ref()?.report.as_deref()?;
        Some((rel, s.file.locate_key(&["accessibility", "report"])))
    });
    if let Some((rel, at)) = report {
        out.accessibility_report = crate::model::accessibility::read_report(root, rel, at, diags);
    }
    out
}

/// Walks content/ in a stable order and decides each file's role.
fn discover(
    root: &Path,
    content: &Path,
    diags: &mut Diagnostics,
) -> (Vec<(PathBuf, Role)>, Vec<LoadedProgram>) {
    let mut files = Vec::new();
    let mut programs = Vec::new();
    let root_real = crate::output::resolve(root);
    let walker = walkdir::WalkDir::new(content)
        .follow_links(false)
        .sort_by_file_name();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| rel(root, p))
                    .unwrap_or_else(|| PathBuf::from(CONTENT_DIR));
                diags.push(
                    Diagnostic::error("E008", "ファイルを読めません", format!("cannot read: {e}"))
                        .at(Location::file(&path)),
                );
                continue;
            }
        };
        let relpath = rel(root, entry.path());
        let inner = entry.path().strip_prefix(content).unwrap_or(entry.path());
        let parts: Vec<String> = inner
            .iter()
            .map(|s| s.to_string_lossy().into_owned())
            .collect();
        let kind = entry.file_type();
        if entry.depth() > 0 {
            if let Some(d) = not_plain(&root_real, entry.path(), &relpath, kind) {
                diags.push(d);
                continue;
            }
        }
        let is_dir = kind.is_dir();
        if !is_dir && matches!(parts.as_slice(), [p] if p == "programs" || p == "policies") {
            diags.push(
                Diagnostic::error(
                    "E074",
                    format!("content/{} がフォルダではありません", parts[0]),
                    format!("content/{} is not a folder", parts[0]),
                )
                .at(Location::file(&relpath))
                .help(format!(
                    "content/{0}/ はフォルダにして、その中に置いてください / make content/{0}/ a folder and put the files in it",
                    parts[0]
                )),
            );
            continue;
        }
        if is_dir {
            if parts.len() == 2 && parts[0] == "programs" {
                programs.push(LoadedProgram {
                    slug: parts[1].clone(),
                    dir: relpath,
                    program: None,
                    years: Vec::new(),
                });
            }
            continue;
        }
        let name = parts.last().cloned().unwrap_or_default();
        if !name.starts_with('.') && !name.ends_with(".toml") && looks_like_toml(&name) {
            diags.push(
                Diagnostic::warning(
                    "W011",
                    format!("`{name}` は拡張子が .toml ではないため読み込みません"),
                    format!("`{name}` is not read: its name does not end in `.toml`"),
                )
                .at(Location::file(&relpath))
                .help("読み込むなら名前を小文字の `….toml` にしてください（例：2022.toml）/ to have it read, rename it to end in lower-case `.toml` (e.g. 2022.toml)"),
            );
            continue;
        }
        if name.starts_with('.') || !name.ends_with(".toml") {
            // README, .gitkeep and the like are the staff's own business.
            continue;
        }
        let stem = name.trim_end_matches(".toml").to_string();
        let role = match parts
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice()
        {
            ["site.toml"] => Some(Role::Site),
            ["form.toml"] => Some(Role::Form),
            ["plan.toml"] => Some(Role::Plan),
            ["policies", _] => Some(Role::Policy(stem.clone())),
            ["programs", slug, "program.toml"] => Some(Role::Program(slug.to_string())),
            ["programs", slug, _]
                if stem.len() == 4 && stem.bytes().all(|b| b.is_ascii_digit()) =>
            {
                Some(Role::Year(slug.to_string(), stem.parse().unwrap_or(0)))
            }
            _ => None,
        };
        match role {
            Some(role) => files.push((relpath, role)),
            None => {
                let trimmed = stem.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
                let help = if trimmed != stem {
                    format!(
                        "ファイル名に空白があります：`{trimmed}.toml` にしてください / the file name has spaces in it: rename it `{trimmed}.toml`"
                    )
                } else {
                    "content/ に置けるのは site.toml、policies/<名前>.toml、programs/<名前>/program.toml、\
                     programs/<名前>/<西暦>.toml（例：2021.toml）です。移動するか削除してください / content/ holds site.toml, \
                     policies/<slug>.toml, programs/<slug>/program.toml and programs/<slug>/<year>.toml (e.g. 2021.toml)"
                        .to_string()
                };
                diags.push(
                    Diagnostic::error(
                        "E010",
                        "このファイルの置き場所が想定外です",
                        "unexpected file in content/",
                    )
                    .at(Location::file(&relpath))
                    .help(help),
                )
            }
        }
    }
    (files, programs)
}

/// A name meant as a content file that will not be read as one:
/// `2022.TOML`, `2022.toml.txt`, `2022.toml ` (a trailing space).
fn looks_like_toml(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower.trim_end().ends_with(".toml") || lower.contains(".toml.")
}

/// Why an entry of content/ is not read as a plain file or folder: a
/// symbolic link leading out of the site root (or nowhere), a link to a
/// folder (not followed), or something other than a file or folder (a
/// FIFO, a socket, a device: reading it could hang or never end). A link
/// to a file inside the root is read as that file.
fn not_plain(
    root_real: &Path,
    full: &Path,
    relpath: &Path,
    kind: std::fs::FileType,
) -> Option<Diagnostic> {
    let special = |what: &str| {
        Diagnostic::error(
            "E072",
            format!("通常のファイルではないため読み込みません（{what}）"),
            format!("not a regular file ({what}), not read"),
        )
        .at(Location::file(relpath))
        .help("content/ には通常のファイルとフォルダだけを置いてください / keep only plain files and folders in content/")
    };
    if kind.is_symlink() {
        let target = match std::fs::canonicalize(full) {
            Ok(t) => t,
            Err(e) => {
                return Some(
                    Diagnostic::error(
                        "E071",
                        "シンボリックリンクの先がありません",
                        format!("the symbolic link leads nowhere: {e}"),
                    )
                    .at(Location::file(relpath)),
                )
            }
        };
        if !target.starts_with(root_real) {
            return Some(
                Diagnostic::error(
                    "E071",
                    "シンボリックリンクがサイトのフォルダの外を指しているため読み込みません",
                    format!(
                        "the symbolic link leads out of the site root, to {}: not followed",
                        target.display()
                    ),
                )
                .at(Location::file(relpath))
                .help("リンクではなくファイルそのものを content/ に置いてください / put the file itself in content/, not a link"),
            );
        }
        return match std::fs::metadata(&target) {
            Ok(m) if m.is_file() => None,
            Ok(m) if m.is_dir() => Some(
                Diagnostic::error(
                    "E073",
                    "フォルダへのシンボリックリンクは読み込みません",
                    "a symbolic link to a folder is not followed",
                )
                .at(Location::file(relpath))
                .help("リンクではなくフォルダそのものを置いてください / put the folder itself here, not a link"),
            ),
            Ok(m) => Some(special(file_kind(&m.file_type()))),
            Err(e) => Some(
                Diagnostic::error("E008", "ファイルを読めません", format!("cannot read: {e}"))
                    .at(Location::file(relpath)),
            ),
        };
    }
    (!kind.is_file() && !kind.is_dir()).then(|| special(file_kind(&kind)))
}

/// What kind of special file this is, in words.
#[cfg(unix)]
fn file_kind(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "FIFO"
    } else if kind.is_socket() {
        "socket"
    } else if kind.is_block_device() || kind.is_char_device() {
        "device"
    } else {
        "special file"
    }
}

#[cfg(not(unix))]
fn file_kind(_: &std::fs::FileType) -> &'static str {
    "special file"
}

fn rel(root: &Path, p: &Path) -> PathBuf {
    p.strip_prefix(root).unwrap_or(p).to_path_buf()
}

fn read_and_parse(
    root: &Path,
    rel: &Path,
    role: &Role,
    form: &crate::form::Form,
    diags: &mut Diagnostics,
) -> Option<Parsed> {
    let file = Arc::new(read_source(root, rel, diags)?);
    // Only a file that parsed without a word lets its text go.
    let full_path = root.join(rel);
    let clean = |d: &Diagnostics| d.is_empty().then(|| full_path.clone());
    Some(match role {
        Role::Site => {
            let l = parse(file, diags)?;
            Parsed::Site(released(l, clean(diags)))
        }
        Role::Form => return None,
        Role::Plan => {
            let l = parse(file, diags)?;
            Parsed::Plan(released(l, clean(diags)))
        }
        Role::Policy(slug) => {
            let l = parse_sheet(file, Some(&form.policy), diags)?;
            Parsed::Policy(slug.clone(), released(l, clean(diags)))
        }
        Role::Program(slug) => {
            let l = parse_sheet(file, Some(&form.program), diags)?;
            Parsed::Program(slug.clone(), released(l, clean(diags)))
        }
        Role::Year(slug, year) => {
            let l = parse_sheet(file, Some(&form.year), diags)?;
            Parsed::Year(slug.clone(), *year, released(l, clean(diags)))
        }
    })
}

/// Releases the text of a file that parsed cleanly (`full_path` given).
fn released<T>(mut loaded: Loaded<T>, full_path: Option<PathBuf>) -> Box<Loaded<T>> {
    if let (Some(full_path), Some(file)) = (full_path, Arc::get_mut(&mut loaded.file)) {
        file.release(full_path);
    }
    Box::new(loaded)
}

/// Reads a file as UTF-8 text (a leading BOM is dropped). Invalid UTF-8 and
/// empty files are reported with their place.
pub fn read_source(root: &Path, rel: &Path, diags: &mut Diagnostics) -> Option<SourceFile> {
    let bytes = match std::fs::read(root.join(rel)) {
        Ok(b) => b,
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    "E008",
                    "ファイルを読めません",
                    format!("cannot read file: {e}"),
                )
                .at(Location::file(rel)),
            );
            return None;
        }
    };
    decode(rel, &bytes, diags)
}

/// The text of a file's bytes: UTF-8 with or without BOM, not empty.
pub fn decode(rel: &Path, bytes: &[u8], diags: &mut Diagnostics) -> Option<SourceFile> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(e) => {
            let lossy = String::from_utf8_lossy(bytes);
            let at = String::from_utf8_lossy(&bytes[..e.valid_up_to()]).len();
            diags.push(
                Diagnostic::error(
                    "E002",
                    "文字コードが UTF-8 ではありません",
                    "the file is not valid UTF-8",
                )
                .at(Location::at(rel, &lossy, at..at + 1))
                .help("「UTF-8」で保存し直してください（Shift_JIS は使えません） / save the file as UTF-8 (Shift_JIS is not supported)"),
            );
            return None;
        }
    };
    if text
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
        .is_empty()
    {
        diags.push(
            Diagnostic::error("E003", "ファイルが空です", "the file is empty")
                .at(Location::file(rel))
                .help("内容を書くか、不要ならファイルを削除してください / fill it in, or delete it if it is not needed"),
        );
        return None;
    }
    let text = refuse_control_characters(rel, text, diags);
    Some(SourceFile::new(rel.to_path_buf(), text))
}

/// Whether `c` may not appear in a content file: the C0 controls other
/// than tab and line breaks, DEL, and the non-characters U+FFFE and U+FFFF.
/// None of them can be shown on a page or written into SVG or XML.
pub fn is_forbidden_char(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{7f}' | '\u{fffe}' | '\u{ffff}')
}

/// The name of a forbidden character, for messages: "U+0007".
pub fn char_name(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

fn control_character(c: char) -> Diagnostic {
    let name = char_name(c);
    Diagnostic::error(
        "E090",
        format!("制御文字 {name} は使えません（目に見えない文字です）"),
        format!("the control character {name} is not allowed (it is invisible)"),
    )
    .help(format!(
        "この位置の見えない文字 {name} を削除してください（表計算ソフトや PDF からの貼り付けで入ることがあります） / delete the invisible character {name} here (it often comes with text pasted from a spreadsheet or PDF)"
    ))
}

/// Reports every forbidden character written as such in the file, and
/// returns the text with each replaced by spaces of the same length, so
/// that the parser goes on and reports the file's other problems at their
/// places instead of stumbling over the character.
fn refuse_control_characters(rel: &Path, text: String, diags: &mut Diagnostics) -> String {
    if !text.chars().any(is_forbidden_char) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if is_forbidden_char(c) {
            diags.push(control_character(c).at(Location::at(rel, &text, i..i + c.len_utf8())));
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}

/// Reports forbidden characters that a string's escapes (`\u0007`) put
/// into a key or a value, at the place of that key or value.
fn refuse_escaped_control_characters(file: &SourceFile, t: &DeTable<'_>, diags: &mut Diagnostics) {
    fn value(file: &SourceFile, v: &Spanned<DeValue<'_>>, diags: &mut Diagnostics) {
        match v.get_ref() {
            DeValue::String(s) => {
                if let Some(c) = s.chars().find(|c| is_forbidden_char(*c)) {
                    diags.push(control_character(c).at(file.locate(v.span())));
                }
            }
            DeValue::Table(t) => refuse_escaped_control_characters(file, t, diags),
            DeValue::Array(items) => {
                for item in items.iter() {
                    value(file, item, diags);
                }
            }
            _ => {}
        }
    }
    for (k, v) in t.iter() {
        if let Some(c) = k.get_ref().chars().find(|c| is_forbidden_char(*c)) {
            diags.push(control_character(c).at(file.locate(k.span())));
        }
        value(file, v, diags);
    }
}

/// How many ways [`parse_every_kind`] reads the same text: the four
/// content files of the default form, plan.toml, form.toml, and program.toml
/// and a year file of a declared form.
pub const EVERY_KIND: usize = 8;

/// Decodes and parses `bytes` as each kind of content file in turn (site,
/// policy, program, year, plan, form, and a declared form's sheets),
/// collecting every diagnostic: the loader's whole surface for one file, as
/// property tests and the fuzzer drive it.
pub fn parse_every_kind(bytes: &[u8]) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let Some(file) = decode(Path::new("content/fuzz.toml"), bytes, &mut diags) else {
        return diags;
    };
    let file = Arc::new(file);
    let _ = parse::<RawSite>(file.clone(), &mut diags);
    let _ = parse::<RawPolicy>(file.clone(), &mut diags);
    let _ = parse::<RawProgram>(file.clone(), &mut diags);
    let _ = parse::<RawYear>(file.clone(), &mut diags);
    let _ = parse::<raw::RawPlan>(file.clone(), &mut diags);
    let _ = crate::form::read_declared(file.clone(), &mut diags);
    // The same text as a sheet of a declared form (the jimu-jigyo form).
    static FORM: std::sync::OnceLock<Option<crate::form::Form>> = std::sync::OnceLock::new();
    let form = FORM.get_or_init(|| {
        let b = crate::form::bundled("jimu-jigyo")?;
        let f = SourceFile::new(PathBuf::from("form.toml"), b.text.to_string());
        crate::form::read(Arc::new(f), &mut Diagnostics::new())
    });
    if let Some(form) = form {
        let _ = parse_sheet::<RawProgram>(file.clone(), Some(&form.program), &mut diags);
        let _ = parse_sheet::<RawYear>(file, Some(&form.year), &mut diags);
    }
    diags
}

/// The body of the fuzz target (`fuzz/fuzz_targets/load.rs`) and of the
/// stable fuzzing loop (`tests/fuzz_load.rs`): any bytes as a content file,
/// parsed as every kind, and the diagnostics rendered in every format.
/// Must never panic.
pub fn fuzz_one(bytes: &[u8]) {
    let diags = parse_every_kind(bytes);
    for format in [
        crate::diag::MessageFormat::Human,
        crate::diag::MessageFormat::Json,
        crate::diag::MessageFormat::Github,
    ] {
        let _ = diags.clone().sorted().render(format);
    }
}

/// Parses a file into `T`, turning TOML and schema errors into diagnostics.
///
/// Every syntax error of the file is reported (the parser recovers). Serde
/// stops at the first schema error, so the parsed table is repaired after
/// each one — the offending key or value taken out, a placeholder put in for
/// a missing key — and deserialized again, until it passes or nothing more
/// can be repaired. That way one run lists every unknown key, wrong type and
/// missing key of the file, each at its own place.
pub fn parse<T: DeserializeOwned>(
    file: Arc<SourceFile>,
    diags: &mut Diagnostics,
) -> Option<Loaded<T>> {
    parse_sheet(file, None, diags)
}

/// [`parse`] for a sheet of a form: the city's own fields of `sheet` are
/// taken out of the file and read by their declared kinds (into
/// [`Loaded::fields`]) before the rest is read into `T`; a key that is
/// neither is reported with the sheet's keys as suggestions, and a
/// required field left out is reported too.
pub fn parse_sheet<T: DeserializeOwned>(
    file: Arc<SourceFile>,
    sheet: Option<&Sheet>,
    diags: &mut Diagnostics,
) -> Option<Loaded<T>> {
    let (mut root, errors) = DeTable::parse_recoverable(&file.text);
    if !errors.is_empty() {
        for e in &errors {
            diags.push(toml_error(&file, e));
        }
        return None;
    }
    refuse_escaped_control_characters(&file, root.get_ref(), diags);
    let mut found: Vec<Diagnostic> = Vec::new();
    let mut fields = Fields::new();
    let own_keys: Vec<&str> = sheet
        .map(|s| s.own_fields().map(|f| f.key.as_str()).collect())
        .unwrap_or_default();
    if let Some(sheet) = sheet {
        for f in sheet.own_fields() {
            match root.get_mut().remove(f.key.as_str()) {
                Some(v) => match crate::form::field::read(&file, f, &v) {
                    Ok(value) => {
                        fields.insert(f.key.clone(), value);
                    }
                    Err(d) => found.push(d),
                },
                None if f.required => found.push(missing_field(&file, f)),
                None => {}
            }
        }
    }
    let mut repair = Repair::default();
    for _ in 0..MAX_REPAIRS {
        let e = match T::deserialize(toml::de::Deserializer::from(root.clone())) {
            Ok(data) if found.is_empty() => return Some(Loaded { file, data, fields }),
            Ok(_) => break,
            Err(e) => e,
        };
        let Some(span) = e.span() else {
            found.push(toml_error(&file, &e));
            break;
        };
        let missing = missing_key(e.message());
        if span.start >= PLACEHOLDER_BASE && !missing.is_empty() {
            // A placeholder table lacks keys of its own: fill it quietly.
            if repair.insert_placeholder(&mut root, &span, &missing) {
                continue;
            }
            break;
        }
        if let Some(fixed) = repair.retry_placeholder(&mut root, &span) {
            if fixed {
                continue;
            }
            break;
        }
        let mut d = toml_error_among(&file, &e, &own_keys);
        let repaired = match d.code {
            "E004" => remove_at(root.get_mut(), &span, Target::Key, &mut repair.removed),
            "E007" => remove_at(root.get_mut(), &span, Target::Value, &mut repair.removed),
            "E005" => {
                if span == root.span() {
                    // The top level has no header to point at: the file's start.
                    d = d.at(file.locate(0..0));
                }
                repair.insert_placeholder(&mut root, &span, &missing)
            }
            _ => false,
        };
        // A key taken out for its wrong value is reported once, as E007.
        let echo = d.code == "E005" && repair.removed.contains(&missing);
        if !echo {
            found.push(d);
        }
        if !repaired {
            break;
        }
    }
    for d in found {
        diags.push(d);
    }
    None
}

/// A file with more problems than this is reported in part.
const MAX_REPAIRS: usize = 200;

/// Placeholders stand in for missing keys so that deserialization can go
/// on; their spans lie far past any real file so they are never confused
/// with a place in it.
const PLACEHOLDER_BASE: usize = usize::MAX / 2;

#[derive(Default)]
struct Repair {
    /// Names of keys taken out of the table.
    removed: BTreeSet<String>,
    /// Placeholders put in: (span, table span, key, index of the next kind to try).
    placeholders: Vec<(usize, std::ops::Range<usize>, String, usize)>,
}

impl Repair {
    /// When `span` is a placeholder's, the placeholder had the wrong type:
    /// tries the next kind. Some(false) when all kinds are used up.
    fn retry_placeholder(
        &mut self,
        root: &mut Spanned<DeTable<'_>>,
        span: &std::ops::Range<usize>,
    ) -> Option<bool> {
        let i = self
            .placeholders
            .iter()
            .position(|(s, ..)| *s == span.start)?;
        let (start, table, key, kind) = self.placeholders[i].clone();
        let next = kind + 1;
        let Some(value) = placeholder(next, start) else {
            return Some(false);
        };
        self.placeholders[i].3 = next;
        Some(set_in_table(root, &table, &key, value))
    }

    fn insert_placeholder(
        &mut self,
        root: &mut Spanned<DeTable<'_>>,
        table: &std::ops::Range<usize>,
        key: &str,
    ) -> bool {
        if key.is_empty()
            || self
                .placeholders
                .iter()
                .any(|(_, t, k, _)| t == table && k == key)
        {
            return false;
        }
        let start = PLACEHOLDER_BASE + self.placeholders.len();
        let Some(value) = placeholder(0, start) else {
            return false;
        };
        self.placeholders
            .push((start, table.clone(), key.to_string(), 0));
        set_in_table(root, table, key, value)
    }
}

/// The `kind`-th guess at a missing value's type.
fn placeholder(kind: usize, start: usize) -> Option<Spanned<DeValue<'static>>> {
    let text = ["\"\"", "0", "0.0", "[]", "{}", "false"].get(kind)?;
    let value = if *text == "{}" {
        DeValue::Table(DeTable::new())
    } else {
        DeValue::parse(text).ok()?.into_inner()
    };
    Some(Spanned::new(start..start, value))
}

/// Puts `value` under `key` in the table spanning `table` (the root when
/// no inner table has that span).
fn set_in_table<'i>(
    root: &mut Spanned<DeTable<'i>>,
    table: &std::ops::Range<usize>,
    key: &str,
    value: Spanned<DeValue<'i>>,
) -> bool {
    fn find<'a, 'i>(
        t: &'a mut DeTable<'i>,
        span: &std::ops::Range<usize>,
    ) -> Option<&'a mut DeTable<'i>> {
        for (_, v) in t.iter_mut() {
            let here = v.span() == *span;
            match v.get_mut() {
                DeValue::Table(inner) => {
                    if here {
                        return Some(inner);
                    }
                    if let Some(found) = find(inner, span) {
                        return Some(found);
                    }
                }
                DeValue::Array(items) => {
                    for item in items.iter_mut() {
                        let here = item.span() == *span;
                        if let DeValue::Table(inner) = item.get_mut() {
                            if here {
                                return Some(inner);
                            }
                            if let Some(found) = find(inner, span) {
                                return Some(found);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        None
    }
    let whole = root.span() == *table;
    let target = match find(root.get_mut(), table) {
        Some(t) => t,
        None if whole => root.get_mut(),
        None => return false,
    };
    let k = Spanned::new(value.span(), std::borrow::Cow::Owned(key.to_string()));
    target.insert(k, value);
    true
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Key,
    Value,
}

/// Removes the entry whose key (or value) has `span`, or the array item
/// with that span. Names of removed keys are added to `removed`.
fn remove_at(
    t: &mut DeTable<'_>,
    span: &std::ops::Range<usize>,
    target: Target,
    removed: &mut BTreeSet<String>,
) -> bool {
    let hit = t
        .iter()
        .find(|(k, v)| match target {
            Target::Key => k.span() == *span,
            Target::Value => v.span() == *span,
        })
        .map(|(k, _)| k.get_ref().to_string());
    if let Some(key) = hit {
        t.remove(key.as_str());
        removed.insert(key);
        return true;
    }
    t.iter_mut().any(|(_, v)| match v.get_mut() {
        DeValue::Table(inner) => remove_at(inner, span, target, removed),
        DeValue::Array(items) => remove_in_array(items, span, target, removed),
        _ => false,
    })
}

fn remove_in_array(
    items: &mut DeArray<'_>,
    span: &std::ops::Range<usize>,
    target: Target,
    removed: &mut BTreeSet<String>,
) -> bool {
    if target == Target::Value {
        if let Some(i) = items.iter().position(|item| item.span() == *span) {
            let mut kept = DeArray::new();
            for (j, item) in items.iter().enumerate() {
                if j != i {
                    kept.push(item.clone());
                }
            }
            *items = kept;
            return true;
        }
    }
    items.iter_mut().any(|item| match item.get_mut() {
        DeValue::Table(inner) => remove_at(inner, span, target, removed),
        _ => false,
    })
}

fn missing_key(message: &str) -> String {
    message
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
        .unwrap_or("")
        .to_string()
}

/// The span of the start of the line with the most `.`, `[` and `{`
/// outside quoted strings: where a too deeply nested key or value is.
fn deepest_line(text: &str) -> Option<std::ops::Range<usize>> {
    let mut best: Option<(usize, usize)> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let mut depth = 0;
        let mut quote: Option<char> = None;
        for c in line.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => break,
                (None, '.' | '[' | '{') => depth += 1,
                _ => {}
            }
        }
        if best.is_none_or(|(d, _)| depth > d) {
            let indent = line.len() - line.trim_start().len();
            best = Some((depth, offset + indent));
        }
        offset += line.len();
    }
    best.map(|(_, at)| at..at + 1)
}

/// A required field of the form that the file leaves out.
fn missing_field(file: &SourceFile, f: &crate::form::Field) -> Diagnostic {
    Diagnostic::error(
        "E107",
        format!("必須の項目「{}」（`{}`）がありません", f.label, f.key),
        format!("missing required field `{}` ({})", f.key, f.label),
    )
    .at(file.locate(0..0))
    .help(format!(
        "`{} = …` を書き足してください。{}まだ書けないときは \"\"（未記入）、該当しないときは \"—\" と書きます / add `{} = …`; \"\" if not yet known, \"—\" if not applicable",
        f.key,
        f.help.as_ref().map(|h| format!("{h}。")).unwrap_or_default(),
        f.key
    ))
}

/// Classifies a toml/serde error into a coded, bilingual diagnostic.
pub fn toml_error(file: &SourceFile, e: &toml::de::Error) -> Diagnostic {
    toml_error_among(file, e, &[])
}

/// [`toml_error`], suggesting also `more` keys for an unknown key (the
/// city's own fields of the sheet).
pub fn toml_error_among(file: &SourceFile, e: &toml::de::Error, more: &[&str]) -> Diagnostic {
    let msg = e.message().trim().to_string();
    let span = e.span().unwrap_or(0..0);
    let loc = if e.span().is_some() {
        file.locate(span.clone())
    } else {
        file.whole()
    };
    let first_line = msg.lines().next().unwrap_or("").to_string();
    if msg == "recursion limit" || msg.contains("max recursion depth") {
        // For a dotted key the parser does not say where: the line with
        // the most dotted key parts or nested brackets is.
        let loc = match (e.span(), deepest_line(&file.text)) {
            (None, Some(span)) => file.locate(span),
            _ => loc,
        };
        return Diagnostic::error(
            "E077",
            "キーの「.」による区切りや [ ]・{ } の入れ子が深すぎます（80 段まで）",
            "keys or brackets are nested too deep (at most 80 levels)",
        )
        .at(loc)
        .help("表は [表名] の見出しで分けて書いてください / split the table with [table] headers instead");
    }
    let d = if let Some(rest) = msg.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or("");
        let mut expected: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
        if !expected.is_empty() {
            expected.extend(more.iter().copied());
        }
        let d = Diagnostic::error(
            "E004",
            format!("不明なキー `{key}` です"),
            format!("unknown key `{key}`"),
        );
        if let Some(d) = fell_into_table(file, key, span.start) {
            return d.at(loc);
        }
        match suggest(key, expected.iter().copied()) {
            Some(s) => d.help(format!(
                "`{s}` の誤りではありませんか / did you mean `{s}`?"
            )),
            None if !expected.is_empty() => d.help(format!(
                "ここに書けるキー：{} / allowed keys here",
                expected.join(", ")
            )),
            None => d,
        }
    } else if let Some(rest) = msg.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or("");
        Diagnostic::error(
            "E005",
            format!("必須のキー `{key}` がありません"),
            format!("missing required key `{key}`"),
        )
        .help(format!(
            "この表に `{key} = …` を書き足してください（README の項目一覧を参照） / add `{key} = …` to this table (see README, field reference)"
        ))
    } else if msg.contains("duplicate key") || msg.contains("duplicate field") {
        let key = file
            .text
            .get(span.clone())
            .filter(|k| !k.is_empty() && k.len() < 100 && !k.contains('\n'))
            .unwrap_or("");
        Diagnostic::error(
            "E006",
            format!("同じキー `{key}` が2回書かれています"),
            format!("duplicate key `{key}`"),
        )
        .help("どちらか一方を残してください。[表] も1回しか書けません / keep one of the two; a [table] may be written only once")
    } else if msg.contains(" / expected ") {
        // Our own bilingual messages from SheetValue and Code.
        let (ja, en) = msg.split_once(" / ").unwrap_or((&msg, &msg));
        let d = Diagnostic::error("E007", ja.to_string(), en.to_string());
        if en.contains("amount") || en.contains("number") {
            d.help(
                "数字だけを引用符・「,」・単位なしで書いてください（単位は site.toml の money_unit）。\
                 該当なしは \"—\"、未記入は \"\" です / write the number alone, without quotes, commas or unit \
                 (the unit is money_unit in site.toml); \"—\" for not applicable, \"\" for not filled in yet",
            )
        } else {
            d
        }
    } else if msg.starts_with("invalid type") || msg.starts_with("invalid value") {
        wrong_type(&first_line, file.text.get(span.clone()).unwrap_or(""))
    } else {
        Diagnostic::error(
            "E001",
            "TOML の書き方に誤りがあります",
            msg.replace('\n', " "),
        )
        .help("この行の引用符（\"）、`=`、[表] の見出しを確かめてください / check quotes, `=` and [table] headers on this line")
    };
    if matches!(d.code, "E001" | "E007") && e.span().is_some() {
        if let Some((better, at)) = explain::explain(d.code, &file.text, &span) {
            return better.at(file.locate(at));
        }
    }
    d.at(loc)
}

/// A value of the wrong kind, in plain words: what was written (文字列,
/// 数値, 表 …) and what the key takes. A 和暦 year gets its Western year.
fn wrong_type(serde_message: &str, written: &str) -> Diagnostic {
    let rest = serde_message
        .trim_start_matches("invalid type: ")
        .trim_start_matches("invalid value: ");
    let (found, wanted) = rest.split_once(", expected ").unwrap_or((rest, ""));
    let kind = |s: &str| -> (&'static str, &'static str) {
        let s = s.trim();
        if s.starts_with("string")
            || s.starts_with("a string")
            || s.contains("str") && !s.contains("struct")
        {
            ("文字列", "text")
        } else if s.starts_with("integer")
            || s.starts_with("i64")
            || s.starts_with("u64")
            || s.starts_with("i32")
            || s.contains("integer")
        {
            ("整数", "a whole number")
        } else if s.starts_with("float") || s.starts_with("f64") || s.contains("floating") {
            ("数値", "a number")
        } else if s.starts_with("bool") || s.contains("boolean") {
            ("true か false", "true or false")
        } else if s.contains("sequence")
            || s.contains("array")
            || s.starts_with("a list")
            || s.starts_with("Vec")
        {
            ("リスト [ … ]", "a list [ … ]")
        } else if s.contains("map") || s.contains("struct") || s.contains("table") {
            ("表（[…] または { … }）", "a table ([…] or { … })")
        } else if s.contains("date") || s.contains("datetime") {
            ("日付", "a date")
        } else {
            ("別の種類の値", "another kind of value")
        }
    };
    let (found_ja, found_en) = kind(found);
    let (wanted_ja, wanted_en) = kind(wanted);
    let shown = written.trim();
    let d = Diagnostic::error(
        "E007",
        format!("ここには{wanted_ja}を書きます（書かれているのは{found_ja} `{shown}`）"),
        format!("expected {wanted_en}, found {found_en} `{shown}`"),
    );
    let inner = shown.trim_matches(|c| c == '"' || c == '\'');
    if wanted_ja == "整数" || wanted_ja == "数値" {
        if let Some(y) = explain::era_to_western(inner).filter(|_| wanted_ja == "整数") {
            return d.help(format!(
                "年度は西暦で `{y}` と書いてください（{inner} → {y}、引用符なし） / write the Western year `{y}` without quotes"
            ));
        }
        let digits = explain::half_width_digits(inner);
        if !digits.is_empty() {
            return d.help(format!(
                "引用符を外し、半角数字で `{digits}` と書いてください / write `{digits}` without quotes"
            ));
        }
    }
    d.help("文字は引用符で囲み（\"…\"）、数値は引用符なしで書きます。リストは [ … ] です / text goes in quotes (\"…\"), numbers without; a list is written [ … ]")
}

/// A key that belongs at the top of the file, written under a [table]
/// header: it fell into that table. Says which and where to move it.
fn fell_into_table(file: &SourceFile, key: &str, at: usize) -> Option<Diagnostic> {
    let name = file.path.file_name()?.to_str()?;
    let in_policies = file.path.parent().and_then(|p| p.file_name()) == Some("policies".as_ref());
    let top: &[&str] = if name == "site.toml" {
        &[
            "city",
            "city_code",
            "title",
            "evaluation_year",
            "money_unit",
            "base_url",
            "theme",
            "language",
            "source",
            "change_threshold",
        ]
    } else if name == "program.toml" {
        &[
            "name",
            "department",
            "related_departments",
            "purpose",
            "policy",
            "direction",
            "code",
            "start_year",
            "end_year",
        ]
    } else if in_policies {
        &["name", "outline", "objective", "code", "order"]
    } else {
        &["fiscal_year", "target", "result", "activities"]
    };
    if !top.contains(&key) {
        return None;
    }
    let text = file.text.get(..at.min(file.text.len()))?;
    let header = text.lines().map(str::trim).rfind(|l| l.starts_with('['))?;
    let header = strip_header_comment(header);
    Some(
        Diagnostic::error(
            "E004",
            format!("キー `{key}` が {header} の表の中に入っています"),
            format!("the key `{key}` fell into the table {header}"),
        )
        .help(format!(
            "`{key}` はファイルの上の方、最初の [...] の行より上に書くキーです。この行を最初の [...] より上に移してください / `{key}` belongs at the top of the file: move this line above the first [...] header"
        )),
    )
}

fn strip_header_comment(h: &str) -> &str {
    match h.find(']') {
        Some(i) if h[i + 1..].starts_with(']') => &h[..i + 2],
        Some(i) => &h[..i + 1],
        None => h,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raw::{RawPolicy, RawYear};

    #[test]
    fn a_released_file_is_read_again_to_locate_and_a_changed_one_as_a_whole() {
        let dir = tempfile::tempdir().unwrap();
        let full = dir.path().join("f.toml");
        let text = "\u{feff}a = 1\nname = \"事業\"\n";
        std::fs::write(&full, text).unwrap();
        let text = text.trim_start_matches('\u{feff}');
        let mut f = SourceFile::new(PathBuf::from("f.toml"), text.to_string());
        let span = text.find("name").unwrap()..text.find(" =").unwrap() + 5;
        let before = f.locate(span.clone());
        f.release(full.clone());
        assert!(f.text.is_empty());
        let after = f.locate(span.clone());
        assert_eq!((after.line, after.col), (2, 1));
        assert_eq!((after.line, after.col), (before.line, before.col));
        assert_eq!(after.source_line, before.source_line);
        std::fs::write(&full, "a = 1\n\nname = \"事業が変わった\"\n").unwrap();
        assert_eq!(f.locate(span).line, 0, "a changed file is not pointed into");
    }

    fn problems<T: DeserializeOwned>(text: &str) -> Vec<(String, usize, usize, String)> {
        let file = Arc::new(SourceFile::new(PathBuf::from("f.toml"), text.to_string()));
        let mut d = Diagnostics::new();
        let parsed = parse::<T>(file, &mut d);
        assert_eq!(parsed.is_some(), d.is_empty(), "{d:?}");
        d.sorted()
            .iter()
            .map(|d| {
                let l = d.location.as_deref().unwrap();
                (
                    d.code.to_string(),
                    l.line,
                    l.col,
                    format!("{} {}", d.message_en, d.help.clone().unwrap_or_default()),
                )
            })
            .collect()
    }

    #[test]
    fn every_unknown_key_and_wrong_value_of_a_file_is_reported() {
        let p = problems::<RawYear>(
            "fiscal_year = 2021\nsetlement = 1\nbudgte = 2\n[check]\nevalution = \"x\"\nrating = 3\n[budget]\namount = \"abc\"\n[[indicators]]\ntarget = 1\n",
        );
        let at: Vec<_> = p
            .iter()
            .map(|(c, l, col, _)| (c.as_str(), *l, *col))
            .collect();
        assert_eq!(
            at,
            [
                ("E004", 2, 1),
                ("E004", 3, 1),
                ("E004", 5, 1),
                ("E007", 6, 10),
                ("E007", 8, 10),
                ("E005", 9, 1),
            ]
        );
        assert!(p[0].3.contains("did you mean `settlement`"), "{p:?}");
        assert!(p[1].3.contains("did you mean `budget`"), "{p:?}");
        assert!(p[2].3.contains("did you mean `evaluation`"), "{p:?}");
    }

    #[test]
    fn every_missing_key_is_reported_even_inside_missing_tables() {
        let p = problems::<RawPolicy>(
            "outline = 1\n[[directions]]\nid = \"a\"\n[[indicators]]\nname = \"n\"\nbaseline = { value = 1 }\n",
        );
        let at: Vec<_> = p
            .iter()
            .map(|(c, l, _, m)| {
                (
                    c.as_str(),
                    *l,
                    m.split('`').nth(1).unwrap_or("").to_string(),
                )
            })
            .collect();
        assert_eq!(
            at,
            [
                ("E005", 1, "name".to_string()),
                ("E007", 1, "1".to_string()),
                ("E005", 2, "name".to_string()),
                // A missing target is the form's business: see validate.
                ("E005", 6, "year".to_string()),
            ]
        );
    }

    #[test]
    fn every_syntax_error_is_reported() {
        let p = problems::<RawPolicy>("a = 1\na = 2\nb = \nc = [\n");
        let at: Vec<_> = p.iter().map(|(c, l, ..)| (c.as_str(), *l)).collect();
        assert_eq!(at, [("E006", 2), ("E001", 3), ("E001", 4)]);
    }

    #[test]
    fn good_files_parse_with_crlf_bom_free_text_and_full_width_spaces() {
        let text = "fiscal_year = 2021\r\nactivities = \"\u{3000}説明\u{3000}\"\r\n[budget]\r\namount = 5\r\n";
        assert!(problems::<RawYear>(text).is_empty());
    }
}
