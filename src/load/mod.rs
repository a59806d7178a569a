//! Loading: finds the content files under `content/`, reads them (UTF-8,
//! with or without BOM, LF or CRLF) and parses each into its raw struct,
//! keeping the source text so that every later diagnostic can point at a
//! line and column. All files are read, in parallel; every file that fails
//! contributes a diagnostic and the others load regardless.

pub mod raw;

use crate::diag::{suggest, Diagnostic, Diagnostics, Location};
use raw::{RawPolicy, RawProgram, RawSite, RawYear};
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A content file: its path relative to the site root and its text.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

impl SourceFile {
    pub fn locate(&self, span: std::ops::Range<usize>) -> Location {
        Location::at(&self.path, &self.text, span)
    }
    pub fn whole(&self) -> Location {
        Location::file(&self.path)
    }
}

/// A parsed file and where it came from.
#[derive(Debug)]
pub struct Loaded<T> {
    pub file: Arc<SourceFile>,
    pub data: T,
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
    pub site: Option<Loaded<RawSite>>,
    pub policies: Vec<LoadedPolicy>,
    pub programs: Vec<LoadedProgram>,
}

/// What a file under content/ is, judged by its place.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Role {
    Site,
    Policy(String),
    Program(String),
    Year(String, i64),
}

enum Parsed {
    Site(Box<Loaded<RawSite>>),
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
                .help(format!("expected the site's data in {}", content.display())),
        );
        return RawContent::default();
    }
    let (files, mut program_dirs) = discover(root, &content, diags);
    let results: Vec<(Option<Parsed>, Diagnostics)> = files
        .par_iter()
        .map(|(rel, role)| {
            let mut d = Diagnostics::new();
            let parsed = read_and_parse(root, rel, role, &mut d);
            (parsed, d)
        })
        .collect();

    let mut out = RawContent::default();
    for (parsed, d) in results {
        diags.extend(d);
        match parsed {
            Some(Parsed::Site(s)) => out.site = Some(*s),
            Some(Parsed::Policy(slug, source)) => out.policies.push(LoadedPolicy {
                slug,
                source: *source,
            }),
            Some(Parsed::Program(slug, p)) => {
                if let Some(entry) = program_dirs.iter_mut().find(|e| e.slug == slug) {
                    entry.program = Some(*p);
                }
            }
            Some(Parsed::Year(slug, year, y)) => {
                if let Some(entry) = program_dirs.iter_mut().find(|e| e.slug == slug) {
                    entry.years.push((year, *y));
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
            .help("create content/site.toml with at least `city` and `evaluation_year`"),
        );
    }
    for p in &mut program_dirs {
        p.years.sort_by_key(|(y, _)| *y);
    }
    out.policies.sort_by(|a, b| a.slug.cmp(&b.slug));
    out.programs = program_dirs;
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
        let is_dir = entry.file_type().is_dir();
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
            ["policies", _] => Some(Role::Policy(stem)),
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
            None => diags.push(
                Diagnostic::error(
                    "E010",
                    "このファイルの置き場所が想定外です",
                    "unexpected file in content/",
                )
                .at(Location::file(&relpath))
                .help(
                    "content/ holds site.toml, policies/<slug>.toml, programs/<slug>/program.toml \
                     and programs/<slug>/<year>.toml (e.g. 2021.toml)",
                ),
            ),
        }
    }
    (files, programs)
}

fn rel(root: &Path, p: &Path) -> PathBuf {
    p.strip_prefix(root).unwrap_or(p).to_path_buf()
}

fn read_and_parse(root: &Path, rel: &Path, role: &Role, diags: &mut Diagnostics) -> Option<Parsed> {
    let file = Arc::new(read_source(root, rel, diags)?);
    Some(match role {
        Role::Site => Parsed::Site(Box::new(parse(file, diags)?)),
        Role::Policy(slug) => Parsed::Policy(slug.clone(), Box::new(parse(file, diags)?)),
        Role::Program(slug) => Parsed::Program(slug.clone(), Box::new(parse(file, diags)?)),
        Role::Year(slug, year) => Parsed::Year(slug.clone(), *year, Box::new(parse(file, diags)?)),
    })
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
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
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
                .help("save the file as UTF-8 (Shift_JIS is not supported); 「UTF-8」で保存し直してください"),
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
                .help("fill it in, or delete it if it is not needed"),
        );
        return None;
    }
    Some(SourceFile {
        path: rel.to_path_buf(),
        text,
    })
}

/// Parses a file into `T`, turning TOML and schema errors into diagnostics.
pub fn parse<T: DeserializeOwned>(
    file: Arc<SourceFile>,
    diags: &mut Diagnostics,
) -> Option<Loaded<T>> {
    match toml::from_str::<T>(&file.text) {
        Ok(data) => Some(Loaded { file, data }),
        Err(e) => {
            diags.push(toml_error(&file, &e));
            None
        }
    }
}

/// Classifies a toml/serde error into a coded, bilingual diagnostic.
pub fn toml_error(file: &SourceFile, e: &toml::de::Error) -> Diagnostic {
    let msg = e.message().trim().to_string();
    let span = e.span().unwrap_or(0..0);
    let loc = if e.span().is_some() {
        file.locate(span.clone())
    } else {
        file.whole()
    };
    let first_line = msg.lines().next().unwrap_or("").to_string();
    let d = if let Some(rest) = msg.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
        let d = Diagnostic::error(
            "E004",
            format!("不明なキー `{key}` です"),
            format!("unknown key `{key}`"),
        );
        match suggest(key, expected.iter().copied()) {
            Some(s) => d.help(format!(
                "did you mean `{s}`? / `{s}` の誤りではありませんか"
            )),
            None if !expected.is_empty() => {
                d.help(format!("allowed keys here: {}", expected.join(", ")))
            }
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
            "add `{key} = …` to this table (see README, field reference)"
        ))
    } else if msg.contains("duplicate key") || msg.contains("duplicate field") {
        Diagnostic::error("E006", "同じキーが2回書かれています", first_line)
            .help("keep one of the two lines")
    } else if msg.contains(" / expected ") {
        // Our own bilingual messages from SheetValue and Code.
        let (ja, en) = msg.split_once(" / ").unwrap_or((&msg, &msg));
        Diagnostic::error("E007", ja.to_string(), en.to_string())
    } else if msg.starts_with("invalid type") || msg.starts_with("invalid value") {
        Diagnostic::error("E007", "値の型が違います", first_line)
            .help("text goes in quotes (\"…\"), numbers without; a list is written [ … ]")
    } else {
        Diagnostic::error(
            "E001",
            "TOML の書き方に誤りがあります",
            msg.replace('\n', " "),
        )
        .help("check quotes, `=` and [table] headers on this line")
    };
    d.at(loc)
}
