//! What content/ may hold besides plain files: symbolic links leading out
//! of the site root are not followed, special files (FIFOs) are never
//! opened, links to folders and a content/programs that is a file are
//! reported, and the accessibility report named in site.toml stays inside
//! the root and is a regular file of bounded size. Each is an error with
//! its path (or the key in site.toml), never a hang or a silent skip.

mod common;

use common::{copy_tree, repo_root};
use mieru::diag::{Diagnostics, MessageFormat};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn site() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for dir in ["content", "themes"] {
        copy_tree(&repo_root().join(dir), &tmp.path().join(dir));
    }
    tmp
}

fn errors(root: &Path) -> Diagnostics {
    match mieru::check(root) {
        Ok(r) => panic!(
            "expected errors, got only:\n{}",
            r.warnings.render(MessageFormat::Human)
        ),
        Err(d) => d,
    }
}

/// The diagnostic with `code` at `file` (and `line`, 0 for the whole file).
fn has(d: &Diagnostics, code: &str, file: &str, line: usize) -> bool {
    d.iter().any(|x| {
        x.code == code
            && x.location
                .as_deref()
                .is_some_and(|l| l.path == Path::new(file) && l.line == line)
    })
}

fn mkfifo(p: &Path) {
    let ok = Command::new("mkfifo").arg(p).status().unwrap().success();
    assert!(ok, "mkfifo {}", p.display());
}

/// Runs `mieru check` with a deadline: a FIFO opened for reading would
/// block forever.
fn cli_check(root: &Path) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mieru"))
        .args(["check", "--root"])
        .arg(root)
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
            assert!(!err.contains("panicked"), "{err}");
            return (status.code().unwrap_or(-1), err);
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("mieru check hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn links_out_of_the_root_and_special_files_are_errors_not_read() {
    let site = site();
    let root = site.path();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.toml");
    std::fs::write(&secret, "city = \"秘密\"\nevaluation_year = 2021\n").unwrap();
    let programs = root.join("content/programs");
    let policies = root.join("content/policies");
    // A link to a file outside the root, as a policy.
    std::os::unix::fs::symlink(&secret, policies.join("leak.toml")).unwrap();
    // A link that leads nowhere.
    std::os::unix::fs::symlink(outside.path().join("gone"), policies.join("gone.toml")).unwrap();
    // A FIFO as a year file (reading it would hang the build).
    mkfifo(&programs.join("teiju-jiritsuken/2023.toml"));
    // A program folder that is a link to a folder inside the root.
    std::os::unix::fs::symlink(programs.join("teiju-jiritsuken"), programs.join("copy")).unwrap();
    // A link to a folder outside.
    std::os::unix::fs::symlink(outside.path(), programs.join("away")).unwrap();
    // The command first: before the fix it hung on the FIFO.
    let (code, err) = cli_check(root);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("[E072]") && err.contains("2023.toml"), "{err}");
    let d = errors(root);
    assert!(has(&d, "E071", "content/policies/leak.toml", 0), "{d:?}");
    assert!(has(&d, "E071", "content/policies/gone.toml", 0), "{d:?}");
    assert!(
        has(&d, "E072", "content/programs/teiju-jiritsuken/2023.toml", 0),
        "{d:?}"
    );
    assert!(has(&d, "E073", "content/programs/copy", 0), "{d:?}");
    assert!(has(&d, "E071", "content/programs/away", 0), "{d:?}");
    let human = d.render(MessageFormat::Human);
    assert!(
        !human.contains("秘密"),
        "nothing of the outside file is read"
    );
    assert!(human.contains("FIFO"), "{human}");
}

#[test]
fn a_link_to_a_file_inside_the_root_is_read_as_that_file() {
    let site = site();
    let root = site.path();
    let policy = root.join("content/policies/renkei-jigyo.toml");
    let kept = root.join("policy-source.toml");
    std::fs::rename(&policy, &kept).unwrap();
    std::os::unix::fs::symlink(&kept, &policy).unwrap();
    mieru::check(root).unwrap_or_else(|d| panic!("{}", d.render(MessageFormat::Human)));
}

#[test]
fn content_programs_that_is_a_file_is_an_error() {
    let site = site();
    let root = site.path();
    std::fs::remove_dir_all(root.join("content/programs")).unwrap();
    std::fs::write(root.join("content/programs"), "").unwrap();
    let d = mieru::check(root).err();
    let d = d.unwrap_or_default();
    assert!(has(&d, "E074", "content/programs", 0), "{d:?}");
}

fn set_report(root: &Path, report: &str) {
    let site = root.join("content/site.toml");
    let text = std::fs::read_to_string(&site).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("report = "))
        .expect("the example site names a report");
    let text = text.replace(line, &format!("report = \"{report}\""));
    std::fs::write(site, text).unwrap();
}

/// The line of `report = …` in site.toml.
fn report_line(root: &Path) -> usize {
    let text = std::fs::read_to_string(root.join("content/site.toml")).unwrap();
    text.lines()
        .position(|l| l.starts_with("report = "))
        .unwrap()
        + 1
}

#[test]
fn the_accessibility_report_stays_inside_the_root_and_is_a_bounded_regular_file() {
    let site = site();
    let root = site.path();
    let line = report_line(root);
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("r.json"), "{}").unwrap();
    let abs = outside.path().join("r.json");
    std::fs::write(root.join("big.json"), vec![b' '; (8 << 20) + 1]).unwrap();
    mkfifo(&root.join("fifo.json"));
    std::os::unix::fs::symlink("/dev/zero", root.join("zero.json")).unwrap();
    std::os::unix::fs::symlink(outside.path(), root.join("out-link")).unwrap();
    // The command first: before the fix it hung on the FIFO.
    set_report(root, "fifo.json");
    let (code, err) = cli_check(root);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("[E076]"), "{err}");
    for (report, code) in [
        ("../../../../../../etc/passwd", "E075"),
        (abs.to_str().unwrap(), "E075"),
        ("out-link/r.json", "E075"),
        ("/dev/zero", "E075"),
        ("zero.json", "E075"),
        ("fifo.json", "E076"),
        ("content", "E076"),
        ("big.json", "E076"),
    ] {
        set_report(root, report);
        let start = Instant::now();
        let d = errors(root);
        assert!(
            has(&d, code, "content/site.toml", line),
            "{report}: {}",
            d.render(MessageFormat::Human)
        );
        assert!(start.elapsed() < Duration::from_secs(30), "{report}");
    }
    // A missing report stays a warning, now at the key.
    set_report(root, "missing.json");
    let r = mieru::check(root).unwrap_or_else(|d| panic!("{d:?}"));
    assert!(has(&r.warnings, "W030", "content/site.toml", line));
}
