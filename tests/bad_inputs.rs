//! The corpus of bad inputs in `tests/bad/`: each case is a patch on the
//! example site (files laid over a copy of content/ and themes/, and a
//! `DELETE` list of paths to remove) with the problems it must produce in
//! `expected.toml`. For every case: `check` reports each expected problem
//! with its code, file and line; `build` fails the same way and leaves a
//! previously built site byte-identical; the command exits with 1 and says
//! the same in JSON and GitHub formats. Nothing may panic.

mod common;

use common::{copy_tree, repo_root, snapshot};
use mieru::diag::{Diagnostic, Diagnostics, MessageFormat, Severity};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    /// What the case is about, for the failure message.
    about: String,
    /// Only warnings: `check` passes, `--deny-warnings` fails.
    #[serde(default)]
    warnings_only: bool,
    expect: Vec<Expect>,
    /// Codes that must not appear: knock-on errors of the real one.
    #[serde(default)]
    not: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    code: String,
    file: String,
    /// 0 for a problem with the whole file (or folder).
    line: usize,
    col: Option<usize>,
    /// A piece of the message or help that must be there.
    says: Option<String>,
}

fn cases() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(repo_root().join("tests/bad"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    // MIERU_BAD_CASE=name runs the cases whose name contains it.
    if let Ok(only) = std::env::var("MIERU_BAD_CASE") {
        v.retain(|p| p.file_name().unwrap().to_string_lossy().contains(&only));
    }
    v
}

/// The example site with the case laid over it, in a fresh temp folder.
fn site_for(case: &Path) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for dir in ["content", "themes"] {
        copy_tree(&repo_root().join(dir), &tmp.path().join(dir));
    }
    for entry in walkdir::WalkDir::new(case).min_depth(1) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(case).unwrap();
        if rel == Path::new("expected.toml") || rel == Path::new("DELETE") {
            continue;
        }
        let dest = tmp.path().join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            let _ = std::fs::remove_file(&dest);
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
    if let Ok(list) = std::fs::read_to_string(case.join("DELETE")) {
        for line in list.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let p = tmp.path().join(line);
            if p.is_dir() {
                std::fs::remove_dir_all(&p).unwrap();
            } else {
                std::fs::remove_file(&p).unwrap_or_else(|e| panic!("DELETE {line}: {e}"));
            }
        }
    }
    tmp
}

fn matches(d: &Diagnostic, e: &Expect) -> bool {
    let Some(loc) = d.location.as_deref() else {
        return false;
    };
    let text = format!(
        "{} {} {}",
        d.message_ja,
        d.message_en,
        d.help.clone().unwrap_or_default()
    );
    d.code == e.code
        && loc.path == Path::new(&e.file)
        && loc.line == e.line
        && e.col.is_none_or(|c| c == loc.col)
        && e.says.as_ref().is_none_or(|s| text.contains(s.as_str()))
}

fn assert_reported(name: &str, about: &str, diags: &Diagnostics, expect: &[Expect]) {
    for e in expect {
        assert!(
            diags.iter().any(|d| matches(d, e)),
            "case {name} ({about}): expected {} at {}:{}{} not reported; got:\n{}",
            e.code,
            e.file,
            e.line,
            e.col.map(|c| format!(":{c}")).unwrap_or_default(),
            diags.render(MessageFormat::Human)
        );
    }
    for d in diags.iter() {
        // Every diagnostic of a content file points inside it.
        assert!(d.location.is_some(), "case {name}: {d} has no place");
        assert!(!d.message_ja.is_empty() && !d.message_en.is_empty());
    }
}

fn run_cli(root: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mieru"))
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().unwrap_or(-1), stderr)
}

#[test]
fn corpus_has_at_least_forty_cases() {
    if std::env::var_os("MIERU_BAD_CASE").is_some() {
        return;
    }
    assert!(cases().len() >= 40, "{} cases", cases().len());
}

#[test]
fn every_bad_case_is_reported_where_it_is_and_leaves_the_output_alone() {
    // A good site built once; every failed build must leave it as it was.
    let good = tempfile::tempdir().unwrap();
    let out = good.path().join("out");
    let mut opts = mieru::BuildOptions::new(repo_root());
    opts.output = Some(out.clone());
    mieru::build(&opts).unwrap_or_else(|_| panic!("the example site must build"));
    let before = snapshot(&out);
    assert!(before.len() > 10);

    let mut failures = Vec::new();
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run_case(&case, &out, &before)
        }));
        match run {
            Ok(Ok(())) => {}
            Ok(Err(e)) => failures.push(e),
            Err(_) => failures.push(format!("{name}: failed (see the message above)")),
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

fn run_case(case: &Path, out: &Path, before: &[(String, Vec<u8>)]) -> Result<(), String> {
    let out = out.to_path_buf();
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let expected: Expected = toml::from_str(
        &std::fs::read_to_string(case.join("expected.toml"))
            .unwrap_or_else(|e| panic!("{name}/expected.toml: {e}")),
    )
    .unwrap_or_else(|e| panic!("{name}/expected.toml: {e}"));
    let site = site_for(case);
    let root = site.path();

    let result = std::panic::catch_unwind(|| mieru::check(root));
    let Ok(result) = result else {
        return Err(format!("{name}: check panicked"));
    };
    if expected.warnings_only {
        let rendered = match result {
            Ok(r) => r,
            Err(d) => panic!(
                "case {name}: only warnings expected, got errors:\n{}",
                d.render(MessageFormat::Human)
            ),
        };
        assert!(rendered
            .warnings
            .iter()
            .all(|d| d.severity == Severity::Warning));
        assert_reported(&name, &expected.about, &rendered.warnings, &expected.expect);
        let (code, _) = run_cli(root, &["check"]);
        assert_eq!(code, 0, "case {name}: warnings alone pass");
        let (code, stderr) = run_cli(root, &["check", "--deny-warnings"]);
        assert_eq!(code, 1, "case {name}: --deny-warnings fails\n{stderr}");
        // build --deny-warnings fails the same way and leaves the output.
        let mut opts = mieru::BuildOptions::new(root);
        opts.output = Some(out.clone());
        opts.deny_warnings = true;
        match mieru::build(&opts) {
            Err(mieru::BuildError::Content(d)) => assert_eq!(d, rendered.warnings, "case {name}"),
            other => panic!("case {name}: build --deny-warnings should fail, got {other:?}"),
        }
        assert!(
            snapshot(&out) == before,
            "case {name}: the previous output changed"
        );
        let out_arg = out.to_string_lossy().into_owned();
        let (code, stderr) = run_cli(root, &["build", "--deny-warnings", "--output", &out_arg]);
        assert_eq!(
            code, 1,
            "case {name}: build --deny-warnings fails\n{stderr}"
        );
        assert!(stderr.contains("--deny-warnings"), "{stderr}");
        assert!(
            snapshot(&out) == before,
            "case {name}: the CLI changed the output"
        );
        return Ok(());
    }
    let diags = match result {
        Ok(_) => return Err(format!("{name}: check passed, expected an error")),
        Err(d) => d,
    };
    assert!(diags.has_errors(), "case {name}");
    assert_reported(&name, &expected.about, &diags, &expected.expect);
    for code in &expected.not {
        assert!(
            diags.iter().all(|d| d.code != code),
            "case {name}: knock-on {code} reported:\n{}",
            diags.render(MessageFormat::Human)
        );
    }

    // build says the same and writes nothing.
    let mut opts = mieru::BuildOptions::new(root);
    opts.output = Some(out.clone());
    match mieru::build(&opts) {
        Err(mieru::BuildError::Content(d)) => assert_eq!(d, diags, "case {name}"),
        other => panic!("case {name}: build should fail on content, got {other:?}"),
    }
    assert!(
        snapshot(&out) == before,
        "case {name}: the previous output changed"
    );
    let beside: Vec<_> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        beside,
        ["out"],
        "case {name}: a staging folder was left behind"
    );

    // The command line: exit 1, the same problems in every format.
    let (code, human) = run_cli(root, &["check"]);
    assert_eq!(code, 1, "case {name}\n{human}");
    for e in &expected.expect {
        let place = if e.line > 0 {
            format!("{}:{}:", e.file, e.line)
        } else {
            e.file.clone()
        };
        assert!(
            human.contains(&format!("[{}]", e.code)) && human.contains(&place),
            "case {name}: human output lacks {} at {place}:\n{human}",
            e.code
        );
    }
    let (code, json) = run_cli(root, &["check", "--message-format", "json"]);
    assert_eq!(code, 1);
    let lines: Vec<serde_json::Value> = json
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert_eq!(lines.len(), diags.iter().count(), "case {name}: {json}");
    let (code, gh) = run_cli(root, &["check", "--message-format", "github"]);
    assert_eq!(code, 1);
    for e in expected.expect.iter().filter(|e| e.line > 0) {
        let prefix = format!("file={},line={},", e.file, e.line);
        assert!(
            gh.lines()
                .any(|l| l.starts_with("::") && l.contains(&prefix) && l.contains(&e.code)),
            "case {name}: github output lacks {prefix}:\n{gh}"
        );
    }
    let (code, built) = run_cli(
        root,
        &["build", "--output", out.to_str().unwrap(), "--quiet"],
    );
    assert_eq!(code, 1, "case {name}: {built}");
    assert!(
        snapshot(&out) == before,
        "case {name}: the CLI build changed the output"
    );
    Ok(())
}

fn is_japanese(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{ff01}'..='\u{ff5e}' | '\u{3000}'..='\u{303f}')
}

/// Japanese first: a Japanese character comes before any ` / `.
fn japanese_first(s: &str) -> bool {
    let head = s.split(" / ").next().unwrap_or("");
    head.chars().any(is_japanese)
}

/// Words of the program's insides that mean nothing to city staff.
const JARGON: [&str; 7] = [
    "i64",
    "u64",
    "invalid type",
    "sequence",
    "struct",
    "enum",
    "map",
];

#[test]
fn every_message_and_help_of_the_corpus_is_japanese_first_and_free_of_jargon() {
    let mut bad = Vec::new();
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let site = site_for(&case);
        let diags = match mieru::check(site.path()) {
            Ok(r) => r.warnings,
            Err(d) => d,
        };
        for d in diags.iter() {
            let mut texts = vec![("message", format!("{} / {}", d.message_ja, d.message_en))];
            if let Some(h) = &d.help {
                texts.push(("help", h.clone()));
            }
            for (what, text) in texts {
                if !japanese_first(&text) {
                    bad.push(format!(
                        "{name} {}: {what} is not Japanese first: {text}",
                        d.code
                    ));
                }
                for word in JARGON {
                    if text.contains(word) {
                        bad.push(format!("{name} {}: {what} says `{word}`: {text}", d.code));
                    }
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
