//! The synthetic benchmark sites: what the generator writes is valid
//! content for mieru, holds every state a sheet value can be in, is the same
//! for the same seed, and has a Hugo twin with the same pages.

mod common;

use common::*;
use mieru::synth::{write_both, SynthOptions, EVALUATION_YEAR};
use std::path::Path;

fn theme() -> std::path::PathBuf {
    repo_root().join("themes").join("default")
}

fn generate(programs: usize, seed: u64) -> (tempfile::TempDir, mieru::synth::SynthSummary) {
    let tmp = tempfile::tempdir().unwrap();
    let opts = SynthOptions {
        programs,
        years: 5,
        seed,
    };
    let summary = write_both(&opts, tmp.path(), &theme()).unwrap();
    (tmp, summary)
}

fn all_text(dir: &Path) -> String {
    snapshot(dir)
        .into_iter()
        .map(|(_, b)| String::from_utf8(b).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_synthetic_site_of_50_programs_is_valid_content_without_warnings() {
    let (tmp, summary) = generate(50, 1);
    let rendered = match mieru::check(tmp.path()) {
        Ok(r) => r,
        Err(d) => panic!(
            "synthetic site rejected:\n{}",
            d.render(mieru::diag::MessageFormat::Human)
        ),
    };
    assert!(
        rendered.warnings.is_empty(),
        "{}",
        rendered.warnings.render(mieru::diag::MessageFormat::Human)
    );
    assert_eq!(rendered.model.programs.len(), 50);
    assert_eq!(rendered.model.policies.len(), summary.policies);
    // One page per program and one per sheet year, as the Hugo twin has.
    let program_pages = rendered
        .files
        .iter()
        .filter(|f| f.path.starts_with("programs/p") && f.path.ends_with("index.html"))
        .count();
    assert_eq!(program_pages, 50 * (1 + 5));
    assert!(rendered.charts() >= 50 + summary.policies);
    // What `mieru check` runs sees the same files and keeps none of their bytes.
    let verified = mieru::verify(tmp.path()).unwrap_or_else(|_| panic!("valid site"));
    let paths = |r: &mieru::Rendered| r.files.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
    assert_eq!(paths(&verified), paths(&rendered));
    assert!(verified.files.iter().all(|f| f.bytes.is_empty()));
    assert!(rendered.files.iter().all(|f| !f.bytes.is_empty()));
}

#[test]
fn the_synthetic_sheets_hold_values_dashes_blanks_funding_and_several_indicators() {
    let (tmp, _) = generate(50, 1);
    let content = all_text(&tmp.path().join("content"));
    assert!(content.contains("amount = \"—\""), "no 「—」 amount");
    assert!(content.contains("= \"\""), "no blank value");
    assert!(content.contains("[budget.funding]"), "no funding breakdown");
    assert!(
        content.contains("[[indicators]]\nindicator = "),
        "no second indicator"
    );
    assert!(content.contains("[staff]"));
    assert!(content.contains(&format!("fiscal_year = {EVALUATION_YEAR}")));
    assert!(content.contains("outline = \"行財政運営の効率化\""));
    // Texts of a real sheet's length: the activities run to 60 characters and more.
    let longest = content
        .lines()
        .filter_map(|l| l.strip_prefix("activities = \""))
        .map(|t| t.chars().count())
        .max()
        .unwrap();
    assert!(
        longest >= 60,
        "longest activities text has {longest} characters"
    );
}

#[test]
fn the_same_seed_writes_the_same_site_and_another_seed_another() {
    let (a, _) = generate(20, 7);
    let (b, _) = generate(20, 7);
    let (c, _) = generate(20, 8);
    assert_eq!(snapshot(a.path()), snapshot(b.path()));
    assert_ne!(
        snapshot(&a.path().join("content")),
        snapshot(&c.path().join("content"))
    );
}

#[test]
fn building_a_synthetic_site_twice_gives_byte_identical_output() {
    let (tmp, _) = generate(30, 3);
    let (_g1, out1) = build_site(tmp.path());
    let (_g2, out2) = build_site(tmp.path());
    let (s1, s2) = (snapshot(&out1), snapshot(&out2));
    assert!(s1.len() > 30 * 6);
    assert_eq!(s1, s2);
}

#[test]
fn the_hugo_twin_has_the_same_pages() {
    let (tmp, summary) = generate(20, 1);
    let hugo = tmp.path().join("hugo");
    assert!(hugo.join("hugo.toml").is_file());
    assert!(hugo.join("layouts/partials/sheet.html").is_file());
    let pages: Vec<String> = snapshot(&hugo.join("content"))
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| p != "policies/_index.md")
        .collect();
    // Front page, policies, programs and program years: the pages mieru
    // writes for the same data.
    assert_eq!(pages.len(), summary.pages);
    assert_eq!(summary.pages, 1 + summary.policies + 20 * (1 + 5));
    let program = read(&hugo, "content/policies/s00001/p000001/_index.md");
    assert!(program.contains("url = \"/programs/p000001/\""));
    assert!(program.contains("[[years]]"));
}

#[test]
fn a_broken_synthetic_site_is_rejected() {
    // The check above can fail: point one program at a policy that does not exist.
    let (tmp, _) = generate(10, 1);
    let path = tmp.path().join("content/programs/p000003/program.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("policy = \"s00001\"", "policy = \"nowhere\""),
    )
    .unwrap();
    let Err(err) = mieru::check(tmp.path()) else {
        panic!("a program pointing at a missing policy must be rejected")
    };
    assert!(err.iter().any(|d| d.code == "E030"));
}

#[test]
fn the_streamed_build_writes_the_same_bytes_as_rendering_in_memory() {
    // `build` minifies and writes each file as it is rendered; the result
    // must be what rendering the whole site in memory and minifying gives.
    let (tmp, _) = generate(20, 5);
    let (_g, out) = build_site(tmp.path());
    let mut rendered = mieru::check(tmp.path()).unwrap_or_else(|_| panic!("valid site"));
    mieru::output::minify(&mut rendered.files);
    let on_disk: Vec<(String, Vec<u8>)> = snapshot(&out)
        .into_iter()
        .filter(|(p, _)| p != mieru::output::MARKER)
        .collect();
    let mut in_memory: Vec<(String, Vec<u8>)> = rendered
        .files
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect();
    in_memory.sort();
    assert_eq!(on_disk.len(), in_memory.len());
    assert!(
        on_disk == in_memory,
        "streamed output differs from in-memory render"
    );
}
