//! What city staff write reaches the public pages, data files and charts as
//! written: no line break lost, no value dropped, no year mislabelled.
//! Each test builds a copy of the example site with a few lines changed.

mod common;

use common::{build_site, copy_tree, read, repo_root, text_of};
use std::path::Path;

/// A copy of the example site with each `(file, from, to)` replacement made
/// (`from` must be in the file; an empty `from` appends `to`).
fn site_with(edits: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for d in ["content", "themes"] {
        copy_tree(&repo_root().join(d), &tmp.path().join(d));
    }
    for (file, from, to) in edits {
        let p = tmp.path().join(file);
        let s = std::fs::read_to_string(&p).unwrap_or_default();
        let s = if from.is_empty() {
            format!("{s}{to}")
        } else {
            assert!(s.contains(from), "{file} lacks {from:?}");
            s.replacen(from, to, 1)
        };
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, s).unwrap();
    }
    tmp
}

fn check_fails(root: &Path) -> String {
    match mieru::check(root) {
        Ok(_) => panic!("check passed"),
        Err(d) => d.render(mieru::diag::MessageFormat::Human),
    }
}

const TEIJU: &str = "content/programs/teiju-jiritsuken/program.toml";
const POLICY: &str = "content/policies/renkei-jigyo.toml";

#[test]
fn line_breaks_in_purpose_objective_and_concept_are_kept_on_the_page() {
    let tmp = site_with(&[
        (
            TEIJU,
            "purpose = \"人口減少、少子高齢化に的確に対応し、誰もが安心して住み続けられる地域を形成する\"",
            "purpose = \"\"\"\n・人口減少に対応する\n・住み続けられる<地域>を形成する\"\"\"",
        ),
        (
            POLICY,
            "objective = \"市民満足度の高い行財政運営を進める\"",
            "objective = \"\"\"●市民満足度を高める\n●行財政運営を進める\"\"\"",
        ),
        (
            POLICY,
            "concept = \"2017年実施の市民意識調査による「満足」、「やや満足」の割合\"",
            "concept = \"\"\"市民意識調査\n「満足」の割合\"\"\"",
        ),
    ]);
    let (_g, out) = build_site(tmp.path());
    let program = read(&out, "programs/teiju-jiritsuken/index.html");
    assert!(
        program.contains("・人口減少に対応する<br>・住み続けられる&lt;地域"),
        "{program}"
    );
    assert!(!program.contains("<地域"), "escaped");
    assert!(program.contains("●市民満足度を高める<br>●行財政運営を進める"));
    let policy = read(&out, "policies/renkei-jigyo/index.html");
    assert!(policy.contains("●市民満足度を高める<br>●行財政運営を進める"));
    assert!(
        policy.contains("市民意識調査<br>「満足」の割合"),
        "{policy}"
    );
    let index = read(&out, "index.html");
    assert!(index.contains("●市民満足度を高める<br>●行財政運営を進める"));
}

#[test]
fn a_value_given_under_the_main_indicators_id_is_its_value_everywhere() {
    let tmp = site_with(&[(
        "content/programs/teiju-jiritsuken/2021.toml",
        "",
        "\n[[indicators]]\nindicator = \"main\"\nresult = 12345\n",
    )]);
    let (_g, out) = build_site(tmp.path());
    let csv = read(&out, "programs/teiju-jiritsuken/data.csv");
    assert!(csv.contains("12345"), "{csv}");
    let json = read(&out, "programs/teiju-jiritsuken/data.json");
    assert!(json.contains("12345"), "{json}");
    let page = text_of(&read(&out, "programs/teiju-jiritsuken/index.html"));
    assert!(page.contains("12,345"), "{page}");
}
