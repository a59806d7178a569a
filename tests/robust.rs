//! Property tests: whatever bytes end up in a content file — random text,
//! or the example site's own files with flipped bytes, cut short, lines
//! doubled or dropped, keys and values made up — the loader and `check`
//! report problems and never panic. Every diagnostic points inside the file.
//!
//! Case counts: `PROPTEST_CASES` (default 512 for the loader, a quarter of
//! that for whole-site checks, which render every page).

mod common;

use common::repo_root;
use mieru::diag::Diagnostics;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The example site's content files: (path relative to the root, bytes).
fn originals() -> &'static Vec<(PathBuf, Vec<u8>)> {
    static FILES: OnceLock<Vec<(PathBuf, Vec<u8>)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let root = repo_root();
        let mut v: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(root.join("content"))
            .sort_by_file_name()
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path().strip_prefix(&root).unwrap().to_path_buf(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    FlipByte(usize, u8),
    Truncate(usize),
    DuplicateLine(usize),
    DropLine(usize),
    InsertLine(usize, String),
    ReplaceValue(usize, String),
}

fn toml_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|i| i.to_string()),
        Just("-0".to_string()),
        Just("9223372036854775808".to_string()),
        Just("nan".to_string()),
        Just("-inf".to_string()),
        Just("1e308".to_string()),
        Just("\"—\"".to_string()),
        Just("\"\"".to_string()),
        Just("\"　全角　\"".to_string()),
        Just("\"<script>alert(1)</script>\"".to_string()),
        Just("\"../../etc/passwd\"".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just("[1, \"a\", {}]".to_string()),
        Just("{ year = 99999, value = -1e9 }".to_string()),
        Just("1979-05-27T07:32:00Z".to_string()),
        Just("true".to_string()),
        "[a-z0-9\"\\[\\]{}=., -]{0,20}",
        "\"\\PC{0,30}\"",
    ]
}

fn toml_key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("fiscal_year".to_string()),
        Just("amount".to_string()),
        Just("special_funding".to_string()),
        Just("policy".to_string()),
        Just("direction".to_string()),
        Just("id".to_string()),
        Just("year".to_string()),
        Just("value".to_string()),
        Just("evaluation_year".to_string()),
        Just("theme".to_string()),
        Just("[budget]".to_string()),
        Just("[[indicators]]".to_string()),
        Just("[settlement.funding]".to_string()),
        "[a-z_]{1,12}",
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::FlipByte(i, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        any::<usize>().prop_map(Mutation::DropLine),
        (any::<usize>(), toml_key(), toml_value())
            .prop_map(|(i, k, v)| Mutation::InsertLine(i, format!("{k} = {v}"))),
        (any::<usize>(), toml_key()).prop_map(|(i, k)| Mutation::InsertLine(i, k)),
        (any::<usize>(), toml_value()).prop_map(|(i, v)| Mutation::ReplaceValue(i, v)),
    ]
}

fn apply(bytes: &[u8], m: &Mutation) -> Vec<u8> {
    let mut b = bytes.to_vec();
    let lines =
        |b: &[u8]| -> Vec<Vec<u8>> { b.split(|&c| c == b'\n').map(<[u8]>::to_vec).collect() };
    match m {
        Mutation::FlipByte(i, x) if !b.is_empty() => {
            let i = i % b.len();
            b[i] ^= x | 1;
        }
        Mutation::Truncate(i) => b.truncate(i % (b.len() + 1)),
        Mutation::DuplicateLine(i) => {
            let mut l = lines(&b);
            let i = i % l.len();
            l.insert(i, l[i].clone());
            b = l.join(&b'\n');
        }
        Mutation::DropLine(i) => {
            let mut l = lines(&b);
            l.remove(i % l.len());
            b = l.join(&b'\n');
        }
        Mutation::InsertLine(i, text) => {
            let mut l = lines(&b);
            let i = i % (l.len() + 1);
            l.insert(i, text.as_bytes().to_vec());
            b = l.join(&b'\n');
        }
        Mutation::ReplaceValue(i, v) => {
            let mut l = lines(&b);
            let with_value: Vec<usize> = (0..l.len())
                .filter(|&k| l[k].contains(&b'=') && !l[k].starts_with(b"#"))
                .collect();
            if !with_value.is_empty() {
                let k = with_value[i % with_value.len()];
                let eq = l[k].iter().position(|&c| c == b'=').unwrap();
                let mut line = l[k][..=eq].to_vec();
                line.extend_from_slice(b" ");
                line.extend_from_slice(v.as_bytes());
                l[k] = line;
                b = l.join(&b'\n');
            }
        }
        Mutation::FlipByte(..) => {}
    }
    b
}

/// Every diagnostic has a code, both messages and a place that exists.
fn assert_well_formed(diags: &Diagnostics, bytes_len: usize) {
    for d in diags.iter() {
        assert!(d.code.len() == 4, "{d}");
        assert!(!d.message_ja.is_empty() && !d.message_en.is_empty(), "{d}");
        if let Some(loc) = d.location.as_deref() {
            assert!(loc.span.start <= loc.span.end, "{d}");
            assert!(loc.span.end <= bytes_len, "{d}");
        }
    }
    // Rendering never panics either.
    for f in [
        mieru::diag::MessageFormat::Human,
        mieru::diag::MessageFormat::Json,
        mieru::diag::MessageFormat::Github,
    ] {
        let _ = diags.render(f);
    }
}

#[test]
fn the_loader_never_panics_on_random_bytes() {
    let mut runner = TestRunner::new(Config::with_cases(cases(512)));
    runner
        .run(&proptest::collection::vec(any::<u8>(), 0..400), |bytes| {
            let d = mieru::load::parse_every_kind(&bytes);
            assert_well_formed(&d, bytes.len());
            Ok(())
        })
        .unwrap();
}

#[test]
fn the_loader_never_panics_on_random_toml_like_text() {
    let line = (toml_key(), toml_value()).prop_map(|(k, v)| format!("{k} = {v}"));
    let text = proptest::collection::vec(prop_oneof![line, toml_key()], 0..30)
        .prop_map(|lines| lines.join("\n"));
    let mut runner = TestRunner::new(Config::with_cases(cases(512)));
    runner
        .run(&text, |text| {
            let d = mieru::load::parse_every_kind(text.as_bytes());
            assert_well_formed(&d, text.len());
            Ok(())
        })
        .unwrap();
}

#[test]
fn the_loader_never_panics_on_mutated_content_files() {
    let files = originals();
    let strategy = (0..files.len(), proptest::collection::vec(mutation(), 1..6));
    let mut runner = TestRunner::new(Config::with_cases(cases(512)));
    runner
        .run(&strategy, |(i, muts)| {
            let mut bytes = files[i].1.clone();
            for m in &muts {
                bytes = apply(&bytes, m);
            }
            let d = mieru::load::parse_every_kind(&bytes);
            assert_well_formed(&d, bytes.len());
            Ok(())
        })
        .unwrap();
}

/// A copy of the example site whose content/ can be changed; it uses the
/// built-in theme since no case changes it.
fn scratch_site() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for (rel, bytes) in originals() {
        let p = tmp.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    tmp
}

fn restore(root: &Path, rel: &Path, bytes: &[u8]) {
    std::fs::write(root.join(rel), bytes).unwrap();
}

#[test]
fn check_never_panics_on_mutated_sites() {
    let site = scratch_site();
    let root = site.path().to_path_buf();
    assert!(mieru::check(&root).is_ok(), "the unchanged copy must pass");
    let files = originals();
    let strategy = (proptest::collection::vec(
        (0..files.len(), proptest::collection::vec(mutation(), 1..4)),
        1..3,
    ),);
    let mut runner = TestRunner::new(Config::with_cases(cases(512) / 4));
    runner
        .run(&strategy, |(changes,)| {
            for (i, muts) in &changes {
                let mut bytes = files[*i].1.clone();
                for m in muts {
                    bytes = apply(&bytes, m);
                }
                restore(&root, &files[*i].0, &bytes);
            }
            let result = std::panic::catch_unwind(|| mieru::check(&root));
            for (i, _) in &changes {
                restore(&root, &files[*i].0, &files[*i].1);
            }
            match result {
                Ok(Ok(r)) => assert_well_formed(&r.warnings, usize::MAX / 8),
                Ok(Err(d)) => {
                    assert!(d.has_errors());
                    assert_well_formed(&d, usize::MAX / 8);
                }
                Err(_) => return Err(TestCaseError::fail("check panicked")),
            }
            Ok(())
        })
        .unwrap();
}

/// What real files contain — a BOM, CRLF line ends, full-width spaces — is
/// read as it is: the site built from such files is the same site, and the
/// full-width spaces are kept in the text.
#[test]
fn bom_crlf_and_full_width_spaces_are_accepted_as_they_are() {
    let plain = scratch_site();
    let windows = scratch_site();
    for (rel, bytes) in originals() {
        let mut converted = b"\xEF\xBB\xBF".to_vec();
        converted.extend(
            String::from_utf8(bytes.clone())
                .unwrap()
                .replace('\n', "\r\n")
                .into_bytes(),
        );
        std::fs::write(windows.path().join(rel), converted).unwrap();
    }
    let build = |root: &Path| {
        let out = tempfile::tempdir().unwrap();
        let mut opts = mieru::BuildOptions::new(root);
        opts.output = Some(out.path().join("site"));
        if let Err(mieru::BuildError::Content(d)) = mieru::build(&opts) {
            panic!("{}", d.render(mieru::diag::MessageFormat::Human));
        }
        let files = common::snapshot(&out.path().join("site"));
        (out, files)
    };
    let (_a, a) = build(plain.path());
    let (_b, b) = build(windows.path());
    assert_eq!(a.len(), b.len());
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{name} differs when the files have a BOM and CRLF");
    }

    let rel = "content/programs/teiju-jiritsuken/2021.toml";
    let p = plain.path().join(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    let text = text.replacen(
        "activities = \"",
        "activities = \"　全角の空白　を含む　",
        1,
    );
    std::fs::write(&p, text).unwrap();
    let (_c, c) = build(plain.path());
    let page = c
        .iter()
        .find(|(n, _)| n == "programs/teiju-jiritsuken/index.html")
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .unwrap();
    assert!(
        page.contains("　全角の空白　を含む　"),
        "full-width spaces kept"
    );
}

/// Stray carriage returns at the end of a file (the three bytes `b\r\r`,
/// or a line `\r\r` after a good one) once made the renderer of the
/// diagnostics panic and print nothing.
#[test]
fn stray_carriage_returns_are_reported_not_a_panic() {
    for bytes in [
        &b"b\r\r"[..],
        b"fiscal_year = 2020\n\r\r",
        b"\r",
        b"a = 1\r\rb = 2\r",
        b"\ra = \"\r\"",
    ] {
        let d = mieru::load::parse_every_kind(bytes);
        assert!(d.has_errors(), "{bytes:?}");
        assert_well_formed(&d, bytes.len());
        let human = d.render(mieru::diag::MessageFormat::Human);
        assert!(human.contains("error[E00"), "{bytes:?}: {human}");
        assert!(
            !human.contains('\r'),
            "a lone CR is not printed raw: {human:?}"
        );
    }
}

/// Any span over any text — past the end, inside a character, reversed, on
/// lone CRs and control characters — renders in every format.
#[test]
fn diagnostics_render_for_any_span_over_any_text() {
    use mieru::diag::{Diagnostic, Location, MessageFormat};
    let text = proptest::collection::vec(
        prop_oneof![
            Just("\r".to_string()),
            Just("\n".to_string()),
            Just("\r\n".to_string()),
            Just("\u{1b}[31m".to_string()),
            Just("\t".to_string()),
            Just("名前".to_string()),
            Just("👨‍👩‍👧".to_string()),
            "\\PC{0,5}",
            any::<char>().prop_map(String::from),
        ],
        0..20,
    )
    .prop_map(|v| v.concat());
    let strategy = (
        text,
        0..64usize,
        0..64usize,
        any::<usize>(),
        0..4usize,
        "\\PC{0,8}",
    );
    let mut runner = TestRunner::new(Config::with_cases(cases(512)));
    runner
        .run(&strategy, |(text, a, b, wild, line, msg)| {
            let path = Path::new("content/x.toml");
            let mut locs = vec![
                Location::at(path, &text, a..b),
                Location::at(path, &text, b..a),
                Location::at(path, &text, wild..wild),
                Location::at_line(path, line, a, &text),
                Location::file(path),
            ];
            // The fields are public: a location put together by hand.
            let mut odd = Location::at(path, &text, a..b);
            odd.line_start = wild % 70;
            odd.span = b..a.max(wild % 70);
            odd.line = line;
            locs.push(odd);
            for loc in locs {
                let d: mieru::diag::Diagnostics = [Diagnostic::error("E001", msg.clone(), &text)
                    .at(loc)
                    .help(format!("{msg}\r{text}"))]
                .into_iter()
                .collect();
                for f in [
                    MessageFormat::Human,
                    MessageFormat::Json,
                    MessageFormat::Github,
                ] {
                    let _ = d.render(f);
                }
            }
            Ok(())
        })
        .unwrap();
}

/// 50,000 broken lines once printed every one of their 150,000 errors
/// (39 MB). Past 20 of one code in one file, one line sums up the rest, and
/// the totals still count every problem.
#[test]
fn a_file_of_50000_broken_lines_prints_a_short_summary() {
    let site = scratch_site();
    let rel = Path::new("content/programs/teiju-jiritsuken/2020.toml");
    let text = format!("fiscal_year = 2020\n{}", "= = =\n".repeat(50_000));
    std::fs::write(site.path().join(rel), &text).unwrap();
    let run = |format: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_mieru"))
            .args(["check", "--message-format", format, "--root"])
            .arg(site.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stderr).unwrap()
    };
    let human = run("human");
    assert!(human.len() < 64 * 1024, "{} bytes", human.len());
    let json = run("json");
    let items: Vec<serde_json::Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|v: &serde_json::Value| v["location"]["path"] == rel.to_str().unwrap())
        .collect();
    let mut by_code: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    for v in &items {
        let e = by_code
            .entry(v["code"].as_str().unwrap().to_string())
            .or_default();
        match v["more"].as_u64() {
            Some(more) => e.1 += more as usize,
            None => e.0 += 1,
        }
    }
    assert!(by_code.contains_key("E001"), "{by_code:?}");
    for (code, (listed, more)) in &by_code {
        assert!(*listed <= mieru::diag::MAX_SAME, "{code}: {listed}");
        if *more > 0 {
            assert_eq!(*listed, mieru::diag::MAX_SAME, "{code}");
            assert!(human.contains(&format!("ほかに {more} 件")), "{code}");
            assert!(human.contains(&format!("{more} more of the same kind")));
        }
    }
    let counted: usize = by_code.values().map(|(l, m)| l + m).sum();
    let every = mieru::load::parse_every_kind(text.as_bytes());
    // The loader parses the file as each of the kinds.
    let per_kind = every.error_count() / mieru::load::EVERY_KIND;
    assert_eq!(counted, per_kind, "every error is counted");
    assert!(per_kind > 100_000, "{per_kind}");
    let total: usize = json
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["severity"] == "error")
        .map(|v| v["more"].as_u64().unwrap_or(1) as usize)
        .sum();
    assert!(human.contains(&format!("エラー {total} 件")), "{human}");
}
