//! Helpers shared by the integration tests: build a site into a temp dir and
//! read its files.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the site at `root` into a fresh temp dir; returns (guard, output dir).
pub fn build_site(root: &Path) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut opts = mieru::BuildOptions::new(root);
    opts.output = Some(out.clone());
    if let Err(e) = mieru::build(&opts) {
        match e {
            mieru::BuildError::Content(d) => panic!(
                "build failed:\n{}",
                d.render(mieru::diag::MessageFormat::Human)
            ),
            mieru::BuildError::Output(e) => panic!("build failed: {e}"),
        }
    }
    (tmp, out)
}

/// Copies the tree `from` to `to`. Fonts are hard-linked when the file
/// system allows, not copied: they are large and no test changes them (a
/// symbolic link would point outside the site, which a theme may not).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else if entry.path().extension().is_some_and(|e| e == "ttf") {
            if std::fs::hard_link(entry.path(), &dest).is_err() {
                std::fs::copy(entry.path(), &dest).unwrap();
            }
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

pub fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Text of an HTML page with tags removed and entities for <>&" decoded,
/// so that assertions read like the sheet.
pub fn text_of(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Every file under `dir`, relative path → bytes, sorted.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = files_under(dir)
        .into_iter()
        .map(|p| {
            (
                p.strip_prefix(dir).unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// Every file below `dir`, in no particular order.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[macro_export]
macro_rules! file_exists {
    ($out:expr, $rel:expr) => {
        assert!($out.join($rel).is_file(), "expected {} to exist", $rel)
    };
}

#[macro_export]
macro_rules! file_contains {
    ($out:expr, $rel:expr, $needle:expr) => {{
        let text = common::text_of(&common::read(&$out, $rel));
        assert!(
            text.contains($needle),
            "expected {} to contain {:?}",
            $rel,
            $needle
        );
    }};
}
