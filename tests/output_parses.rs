//! Every file a build writes parses with a parser that is not ours: each
//! .svg and .xml as XML (roxmltree), each .json as JSON (serde_json), each
//! .html as HTML (html5ever through scraper) without the parse errors that
//! change the document (a stray end tag, an unclosed element, a bad
//! character reference…), and no file of text holds a NUL byte. For the
//! example site and for tests/sites/full (every value state).

mod common;

use common::{build_site, copy_tree, files_under, repo_root};
use std::path::Path;

/// html5ever's errors a minified page legitimately produces: none.
/// Everything it reports is a problem.
fn html_problems(text: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(text);
    doc.errors.iter().map(|e| e.to_string()).collect()
}

fn check_output(out: &Path) -> usize {
    let mut problems = Vec::new();
    let files = files_under(out);
    let mut counted = [0usize; 4];
    for path in &files {
        let rel = path.strip_prefix(out).unwrap().display().to_string();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let bytes = std::fs::read(path).unwrap();
        let textual = matches!(
            ext,
            "html" | "svg" | "xml" | "json" | "csv" | "css" | "txt" | "js"
        );
        if textual && bytes.contains(&0) {
            problems.push(format!("{rel}: NUL byte"));
        }
        let text =
            || String::from_utf8(bytes.clone()).map_err(|e| format!("{rel}: not UTF-8: {e}"));
        match ext {
            "svg" | "xml" => {
                counted[0] += 1;
                match text() {
                    Ok(t) => {
                        if let Err(e) = roxmltree::Document::parse(&t) {
                            problems.push(format!("{rel}: XML: {e}"));
                        }
                    }
                    Err(e) => problems.push(e),
                }
            }
            "json" => {
                counted[1] += 1;
                if let Err(e) = serde_json::from_slice::<serde_json::Value>(&bytes) {
                    problems.push(format!("{rel}: JSON: {e}"));
                }
            }
            "html" => {
                counted[2] += 1;
                match text() {
                    Ok(t) => {
                        for e in html_problems(&t) {
                            problems.push(format!("{rel}: HTML: {e}"));
                        }
                    }
                    Err(e) => problems.push(e),
                }
            }
            _ => counted[3] += 1,
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(
        counted[0] > 0 && counted[1] > 0 && counted[2] > 0,
        "{counted:?}"
    );
    files.len()
}

#[test]
fn every_file_of_the_example_site_parses() {
    let (_guard, out) = build_site(&repo_root());
    assert!(check_output(&out) > 20);
}

#[test]
fn every_file_of_the_full_test_site_parses() {
    let root = tempfile::tempdir().unwrap();
    copy_tree(
        &repo_root().join("tests/sites/full/content"),
        &root.path().join("content"),
    );
    copy_tree(
        &repo_root().join("themes/default"),
        &root.path().join("themes/default"),
    );
    let (_guard, out) = build_site(root.path());
    assert!(check_output(&out) > 20);
}

/// The checks above would catch each kind of broken file.
#[test]
fn broken_files_are_caught() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.svg"), "<svg><title>x</svg>").unwrap();
    std::fs::write(d.join("a.json"), "{\"a\": 1,}").unwrap();
    std::fs::write(
        d.join("a.html"),
        "<!DOCTYPE html><html><head><title>t</title></head><body><p>x</div></body></html>",
    )
    .unwrap();
    std::fs::write(d.join("b.html"), "<!DOCTYPE html><title>t</title><p>\0</p>").unwrap();
    let r = std::panic::catch_unwind(|| check_output(d));
    let msg = match r {
        Ok(_) => panic!("broken files pass"),
        Err(e) => e.downcast_ref::<String>().cloned().unwrap_or_default(),
    };
    for want in ["a.svg: XML", "a.json: JSON", "a.html: HTML", "b.html: NUL"] {
        assert!(msg.contains(want), "{want} not caught: {msg}");
    }
}
