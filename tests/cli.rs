//! The `mieru` command itself: Japanese-first help on every command and
//! option, `--base-url`, and the scaffolding commands run as city staff run
//! them.

mod common;

use common::{copy_tree, read, repo_root};
use std::path::Path;
use std::process::Command;

fn mieru(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mieru"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every help line of a command or option reads `日本語 / English`, and the
/// headings are Japanese first too.
fn assert_japanese_help(args: &[&str]) {
    let (code, out, _) = mieru(args, &repo_root());
    assert_eq!(code, 0, "{args:?}");
    assert!(out.contains("使い方 / Usage:"), "{args:?}: {out}");
    assert!(!out.contains("\nOptions:"), "{args:?}: {out}");
    assert!(!out.contains("Print help"), "{args:?}: {out}");
    let first = out.lines().next().unwrap();
    assert!(
        !first.is_ascii() && first.contains(" / "),
        "{args:?}: {first}"
    );
    let mut described = 0;
    let mut help_below = false;
    for line in out.lines().filter(|l| l.starts_with("  ")) {
        let text = line.trim();
        // A line that is only the option's name (the help follows below).
        if text.starts_with('-') && !text.contains("  ") {
            help_below = true;
            continue;
        }
        // The rest of a help text too long for one line.
        let deep = line.starts_with("        ");
        if deep && !std::mem::take(&mut help_below) {
            continue;
        }
        let (ja, en) = text
            .split_once(" / ")
            .unwrap_or_else(|| panic!("{args:?}: no `日本語 / English` in {line:?}"));
        assert!(!ja.is_ascii(), "{args:?}: {line:?}");
        assert!(!en.is_empty());
        described += 1;
    }
    assert!(described >= 2, "{args:?}: {out}");
}

#[test]
fn help_is_japanese_first_on_every_command() {
    for args in [
        &["--help"][..],
        &["build", "--help"],
        &["check", "--help"],
        &["init", "--help"],
        &["new", "--help"],
        &["new", "year", "--help"],
        &["new", "program", "--help"],
        &["theme", "--help"],
        &["theme", "eject", "--help"],
        &["schema", "--help"],
    ] {
        assert_japanese_help(args);
    }
}

#[test]
fn a_wrong_command_line_says_so_in_japanese_first() {
    let (code, _, err) = mieru(&["biuld"], &repo_root());
    assert_eq!(code, 2);
    assert!(err.starts_with("コマンドの指定に誤りがあります"), "{err}");
}

fn example() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&repo_root().join("content"), &tmp.path().join("content"));
    tmp
}

#[test]
fn base_url_overrides_site_toml_for_canonical_links() {
    let site = example();
    let (code, _, err) = mieru(
        &[
            "build",
            "--quiet",
            "--base-url",
            "https://preview.example.net/pr-7/",
        ],
        site.path(),
    );
    assert_eq!(code, 0, "{err}");
    let out = site.path().join("output");
    let html = read(&out, "programs/teiju-jiritsuken/index.html");
    assert!(
        html.contains("https://preview.example.net/pr-7/programs/teiju-jiritsuken/"),
        "canonical link"
    );
    assert!(!html.contains("example.org/joso-gyosei-hyoka"));
    let sitemap = read(&out, "sitemap.xml");
    assert!(sitemap.contains("https://preview.example.net/pr-7/"));
    // site.toml itself is not changed.
    assert_eq!(
        std::fs::read(site.path().join("content/site.toml")).unwrap(),
        std::fs::read(repo_root().join("content/site.toml")).unwrap()
    );
}

#[test]
fn a_bad_base_url_is_refused_like_the_key() {
    let site = example();
    for args in [
        &["check", "--base-url", "javascript:alert(1)"][..],
        &["build", "--base-url", "preview.example.net"],
    ] {
        let (code, _, err) = mieru(args, site.path());
        assert_eq!(code, 1, "{args:?}");
        assert!(err.contains("error[E018]"), "{err}");
        assert!(err.contains("--base-url"), "{err}");
    }
    assert!(!site.path().join("output").exists());
}

#[test]
fn init_new_and_eject_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, out, err) = mieru(
        &["init", "site", "--city", "見える市", "--year", "2025"],
        tmp.path(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("作成しました / wrote: content/site.toml"),
        "{out}"
    );
    let root = tmp.path().join("site");
    let (code, out, err) = mieru(
        &[
            "new",
            "program",
            "bosai-bihin",
            "--policy",
            "anshin",
            "--direction",
            "bosai",
            "--name",
            "防災備品事業",
            "--department",
            "防災危機管理課",
        ],
        &root,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("content/programs/bosai-bihin/program.toml"));
    let (code, out, err) = mieru(&["new", "year"], &root);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("評価年度を 2025（令和7年度）から 2026（令和8年度）"),
        "{out}"
    );
    let (code, _, err) = mieru(&["theme", "eject"], &root);
    assert_eq!(code, 0, "{err}");
    assert!(root.join("themes/default/fonts/ipaexg.ttf").is_file());
    let (code, _, err) = mieru(&["theme", "eject"], &root);
    assert_eq!(code, 1);
    assert!(err.contains("error[E123]"), "{err}");
    let (code, _, err) = mieru(&["schema"], &root);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = mieru(&["build", "--quiet"], &root);
    assert_eq!(code, 0, "{err}");
    assert!(root
        .join("output/programs/bosai-bihin/index.html")
        .is_file());
    // Refused: the folder is not empty any more.
    let (code, _, err) = mieru(&["init", "site"], tmp.path());
    assert_eq!(code, 1);
    assert!(
        err.contains("error[E123]") && err.contains("空ではありません"),
        "{err}"
    );
}

/// The commands the new site's README tells staff to run work as written.
#[test]
fn the_commands_in_a_new_sites_readme_run() {
    let d = tempfile::tempdir().unwrap();
    let (code, _, err) = mieru(&["init"], d.path());
    assert_eq!(code, 0, "{err}");
    let readme = std::fs::read_to_string(d.path().join("README.md")).unwrap();
    let lines: Vec<&str> = readme.lines().filter(|l| l.starts_with("mieru ")).collect();
    assert!(lines.len() >= 3, "{readme}");
    for line in lines {
        let command = line.split('#').next().unwrap().trim();
        let args: Vec<&str> = command.split_whitespace().skip(1).collect();
        let (code, out, err) = mieru(&args, d.path());
        assert_eq!(code, 0, "{command}\n{out}\n{err}");
    }
}
