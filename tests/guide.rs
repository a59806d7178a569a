//! The Japanese guide (`docs/guide/`) stays true to the program. Its links
//! resolve (files and headings), every TOML example parses, and a comment
//! line just before a fenced block says what else holds for that block:
//!
//! - `<!-- check: PATH -->`: the block, written to PATH of a copy of the
//!   example site, passes `mieru::check`;
//! - `<!-- same-as: PATH -->`: the block is the file PATH of the example site;
//! - `<!-- part-of: PATH -->`: every line of the block is a line of PATH, in
//!   the same order;
//! - `<!-- output: tests/bad/CASE -->`: the errors and warnings shown are
//!   those mieru reports for that case of the bad-input corpus, with the same
//!   codes and places, in the same order (`output-part:` for some of them).
//!   Only what a reader acts on is compared (code, file, line, column), not
//!   the wording of the messages.

mod common;

use common::{copy_tree, repo_root};
use mieru::diag::MessageFormat;
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

/// A fenced block of a Markdown file, with the marker comment before it.
struct Block {
    /// `file:line` of the opening fence, for failure messages.
    at: String,
    lang: String,
    marker: Option<(String, String)>,
    text: String,
}

fn guide_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(repo_root().join("docs/guide"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    v.sort();
    assert!(
        v.len() >= 10,
        "the guide has a contents page and 9 chapters"
    );
    v
}

fn rel(path: &Path) -> String {
    path.strip_prefix(repo_root())
        .unwrap_or(path)
        .display()
        .to_string()
}

fn marker_of(line: &str) -> Option<(String, String)> {
    let inner = line
        .trim()
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim();
    let (kind, arg) = inner.split_once(':')?;
    Some((kind.trim().to_string(), arg.trim().to_string()))
}

fn blocks(path: &Path) -> Vec<Block> {
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(lang) = lines[i].trim_start().strip_prefix("```") else {
            i += 1;
            continue;
        };
        let marker = lines[..i]
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .and_then(|l| marker_of(l));
        let start = i;
        let mut body = String::new();
        i += 1;
        while i < lines.len() && lines[i].trim() != "```" {
            body.push_str(lines[i]);
            body.push('\n');
            i += 1;
        }
        assert!(
            i < lines.len(),
            "{}:{}: unclosed block",
            rel(path),
            start + 1
        );
        out.push(Block {
            at: format!("{}:{}", rel(path), start + 1),
            lang: lang.trim().to_string(),
            marker,
            text: body,
        });
        i += 1;
    }
    out
}

fn all_blocks() -> Vec<Block> {
    guide_files().iter().flat_map(|p| blocks(p)).collect()
}

/// The part of a heading's anchor that GitHub derives from its text.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of a Markdown file's headings (outside code blocks).
fn anchors(path: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut seen = BTreeSet::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        } else if !in_code && line.starts_with('#') {
            let base = slug(line.trim_start_matches('#'));
            let mut anchor = base.clone();
            let mut n = 0;
            while seen.contains(&anchor) {
                n += 1;
                anchor = format!("{base}-{n}");
            }
            seen.insert(anchor);
        }
    }
    seen
}

/// The targets of `[text](target)` and `![alt](target)` outside code blocks.
fn links(path: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    let mut in_code = false;
    for (n, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let Some(end) = after.find(')') else { break };
            out.push((n + 1, after[..end].to_string()));
            rest = &after[end..];
        }
    }
    out
}

/// `path` with `.` and `..` resolved without asking the file system.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

#[test]
fn every_link_of_the_guide_and_the_readme_resolves() {
    let root = repo_root();
    let mut files = guide_files();
    files.push(root.join("README.md"));
    let mut bad = Vec::new();
    let mut checked = 0;
    for file in &files {
        for (line, target) in links(file) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (path, anchor) = match target.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (target.as_str(), None),
            };
            let dest = if path.is_empty() {
                file.clone()
            } else {
                file.parent().unwrap().join(path)
            };
            // Links that leave the repository point at GitHub's own pages
            // (../../releases from the README).
            let dest = lexical(&dest);
            if !dest.starts_with(&root) {
                continue;
            }
            if !dest.exists() {
                bad.push(format!("{}:{line}: {target}: no such file", rel(file)));
                continue;
            }
            checked += 1;
            if let Some(anchor) = anchor {
                if !anchors(&dest).contains(anchor) {
                    bad.push(format!("{}:{line}: {target}: no such heading", rel(file)));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
    assert!(checked >= 40, "only {checked} links checked");
}

#[test]
fn every_toml_example_of_the_guide_parses() {
    let blocks: Vec<Block> = all_blocks()
        .into_iter()
        .filter(|b| b.lang == "toml")
        .collect();
    assert!(blocks.len() >= 15, "{} TOML examples", blocks.len());
    for b in blocks {
        if let Err(e) = b.text.parse::<toml::Table>() {
            panic!("{}: the example is not valid TOML: {e}", b.at);
        }
    }
}

#[test]
fn every_marker_is_known_and_every_kind_is_used() {
    let mut used = BTreeSet::new();
    for b in all_blocks() {
        if let Some((kind, _)) = &b.marker {
            assert!(
                ["check", "same-as", "part-of", "output", "output-part"].contains(&kind.as_str()),
                "{}: unknown marker {kind}",
                b.at
            );
            used.insert(kind.clone());
        }
    }
    assert_eq!(used.len(), 5, "{used:?}");
}

/// A copy of the example site, with the files of `tests/bad/CASE` over it.
fn example_site(case: Option<&str>) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for dir in ["content", "themes"] {
        copy_tree(&repo_root().join(dir), &tmp.path().join(dir));
    }
    // The accessibility report site.toml names, so that its absence is not
    // one more warning than the guide shows.
    let report = "tests/browser/report.json";
    std::fs::create_dir_all(tmp.path().join("tests/browser")).unwrap();
    std::fs::copy(repo_root().join(report), tmp.path().join(report)).unwrap();
    if let Some(case) = case {
        let case = repo_root().join(case);
        assert!(
            !case.join("DELETE").exists(),
            "{}: a case that deletes files",
            rel(&case)
        );
        copy_tree(&case.join("content"), &tmp.path().join("content"));
    }
    tmp
}

#[test]
fn examples_said_to_pass_check_pass() {
    let mut n = 0;
    for b in all_blocks() {
        let Some((kind, path)) = &b.marker else {
            continue;
        };
        if kind != "check" {
            continue;
        }
        let site = example_site(None);
        let dest = site.path().join(path);
        assert!(
            dest.is_file(),
            "{}: {path} is not a file of the example site",
            b.at
        );
        std::fs::write(&dest, &b.text).unwrap();
        if let Err(d) = mieru::check(site.path()) {
            panic!(
                "{}: the example fails mieru check:\n{}",
                b.at,
                d.render(MessageFormat::Human)
            );
        }
        n += 1;
    }
    assert!(n >= 2, "{n} examples checked");
}

#[test]
fn files_said_to_be_copied_from_the_example_site_are() {
    let mut n = 0;
    for b in all_blocks() {
        let Some((kind, path)) = &b.marker else {
            continue;
        };
        if kind != "same-as" && kind != "part-of" {
            continue;
        }
        let file = std::fs::read_to_string(repo_root().join(path))
            .unwrap_or_else(|e| panic!("{}: {path}: {e}", b.at));
        if kind == "same-as" {
            assert_eq!(
                b.text.trim_end(),
                file.trim_end(),
                "{}: differs from {path}",
                b.at
            );
        } else {
            let mut lines = file.lines();
            for want in b.text.lines() {
                assert!(
                    lines.any(|l| l == want),
                    "{}: line {want:?} is not in {path} (or not in this order)",
                    b.at
                );
            }
        }
        n += 1;
    }
    assert!(n >= 5, "{n} copies checked");
}

/// `E004 content/…/2020.toml:4:1` for each problem of a human or GitHub
/// rendering.
fn problems(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut code = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("::") {
            // ::error file=F,line=L,col=C,title=CODE::message
            let (props, _) = rest.split_once("::").unwrap_or((rest, ""));
            let (kind, props) = props.split_once(' ').unwrap_or((props, ""));
            let get = |key: &str| {
                props
                    .split(',')
                    .find_map(|p| p.strip_prefix(key)?.strip_prefix('='))
                    .unwrap_or_default()
            };
            out.push(format!(
                "{kind} {} {}:{}:{}",
                get("title"),
                get("file"),
                get("line"),
                get("col")
            ));
        } else if line.starts_with("error[") || line.starts_with("warning[") {
            code = line
                .split_once('[')
                .and_then(|(_, r)| r.split_once(']'))
                .map(|(c, _)| c.to_string());
        } else if let Some(place) = line.trim_start().strip_prefix("--> ") {
            out.push(format!(
                "{} {}",
                code.take().unwrap_or_default(),
                place.trim()
            ));
        }
    }
    out
}

#[test]
fn error_output_shown_in_the_guide_is_what_mieru_reports() {
    let mut n = 0;
    for b in all_blocks() {
        let Some((kind, case)) = &b.marker else {
            continue;
        };
        if kind != "output" && kind != "output-part" {
            continue;
        }
        let site = example_site(Some(case));
        let diags = match mieru::check(site.path()) {
            Ok(r) => r.warnings,
            Err(d) => d,
        };
        let format = if b.text.starts_with("::") {
            MessageFormat::Github
        } else {
            MessageFormat::Human
        };
        let shown = problems(&b.text);
        let reported = problems(&diags.render(format));
        assert!(!shown.is_empty(), "{}: no problem found in the block", b.at);
        if kind == "output" {
            assert_eq!(shown, reported, "{}: {case}", b.at);
        } else {
            let mut it = reported.iter();
            for s in &shown {
                assert!(
                    it.any(|r| r == s),
                    "{}: {s} is not reported for {case}:\n{reported:#?}",
                    b.at
                );
            }
        }
        n += 1;
    }
    assert!(n >= 5, "{n} outputs compared");
}

/// The codes of `docs/errors.md`'s tables, each row's first cell split at
/// commas ("W030, W031"), in the order written.
fn documented_codes() -> Vec<String> {
    let text = std::fs::read_to_string(repo_root().join("docs/errors.md")).unwrap();
    text.lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(" |").next())
        .flat_map(|cell| cell.split(", "))
        .filter(|c| is_code(c))
        .map(str::to_string)
        .collect()
}

fn is_code(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 4 && (b[0] == b'E' || b[0] == b'W') && b[1..].iter().all(u8::is_ascii_digit)
}

/// Every code the source can report (a string literal "E123" or "W123")
/// has one row in docs/errors.md, and the page lists no code twice and none
/// the source never reports.
#[test]
fn every_code_mieru_reports_has_one_row_in_the_error_list() {
    let mut in_source = BTreeSet::new();
    for file in common::files_under(&repo_root().join("src")) {
        if file.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&file).unwrap();
            // A code is a string literal of its own: "E123".
            for (i, _) in text.match_indices('"') {
                if let Some(code) = text.get(i + 1..i + 5) {
                    if is_code(code) && text[i + 5..].starts_with('"') {
                        in_source.insert(code.to_string());
                    }
                }
            }
        }
    }
    assert!(
        in_source.len() > 100,
        "only {} codes found in src/",
        in_source.len()
    );
    let documented = documented_codes();
    let mut seen = BTreeSet::new();
    let twice: Vec<_> = documented
        .iter()
        .filter(|c| !seen.insert(c.as_str()))
        .collect();
    assert!(
        twice.is_empty(),
        "listed more than once in docs/errors.md: {twice:?}"
    );
    let missing: Vec<_> = in_source
        .iter()
        .filter(|c| !seen.contains(c.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "reported but not in docs/errors.md: {missing:?}"
    );
    let unknown: Vec<_> = seen.iter().filter(|c| !in_source.contains(**c)).collect();
    assert!(
        unknown.is_empty(),
        "in docs/errors.md but never reported: {unknown:?}"
    );
}
