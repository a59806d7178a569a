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

/// 東京農業大学との包括連携事業 starts in 2021 (start_year); its 2019 and 2020
/// files leave the budget out. Those years are not applicable, never 未記入.
#[test]
fn years_before_the_start_are_not_applicable_on_the_page_chart_and_data() {
    let tmp = site_with(&[]);
    let (_g, out) = build_site(tmp.path());
    let svg = read(&out, "programs/tokyo-nodai-renkei/budget.svg");
    assert!(
        svg.contains("令和元年度は予算額該当なし（—）")
            && svg.contains("令和2年度は予算額該当なし（—）"),
        "{svg}"
    );
    assert!(!svg.contains("令和元年度は予算額未記入"));
    let csv = read(&out, "programs/tokyo-nodai-renkei/data.csv");
    for line in csv
        .lines()
        .filter(|l| l.contains(",2019,") || l.contains(",2020,"))
    {
        // Every year value is "—"; only the program's indicator name and
        // its 関連部署 (not values of the year) are blank on the sheet.
        assert_eq!(line.matches(",blank").count(), 2, "{line}");
    }
    let page = read(&out, "programs/tokyo-nodai-renkei/index.html");
    let row_2019 = history_row(&page, "令和元年度");
    assert!(!row_2019.contains("未記入"), "{row_2019}");
    assert!(row_2019.contains("該当なし"), "{row_2019}");
}

/// The row of the year-by-year table of a program page for `year_label`.
fn history_row<'a>(page: &'a str, year_label: &str) -> &'a str {
    let history = &page[page.find("id=history").unwrap()..];
    let history = &history[history.find("<tbody").unwrap()..];
    let row = &history[history.find(year_label).unwrap()..];
    &row[..row.find("</tr>").unwrap()]
}

/// A year without a file before start_year (or after end_year) is "—" too.
#[test]
fn a_year_without_a_file_outside_the_programs_years_is_not_applicable() {
    let tmp = site_with(&[(
        "content/programs/teiju-jiritsuken/program.toml",
        "policy = \"renkei-jigyo\"",
        "policy = \"renkei-jigyo\"\nstart_year = 2020\nend_year = 2021",
    )]);
    let (_g, out) = build_site(tmp.path());
    // 2019 is before the start: its budget, left out of the file, is "—".
    let page = read(&out, "programs/teiju-jiritsuken/index.html");
    let row_2019 = history_row(&page, "令和元年度");
    assert!(!row_2019.contains("未記入"), "{row_2019}");
    // 2020 is a year of the program: its budget left out is 未記入.
    assert!(history_row(&page, "令和2年度").contains("未記入"));
    let sheet = text_of(&read(&out, "programs/teiju-jiritsuken/index.html"));
    // The Plan of 2022, after the end, is "—".
    let plan = &sheet[sheet.find("【Plan】").unwrap()..];
    let plan = &plan[..plan.find("年度別の推移").unwrap_or(plan.len())];
    assert!(!plan.contains("未記入"), "{plan}");
}

/// The group of the changes page of `year` that lists `name`, with its label.
fn change_of(out: &Path, year: i32, name: &str) -> Option<String> {
    let page = read(out, &format!("changes/{year}/index.html"));
    let mut found = None;
    for section in page.split("<section").skip(1) {
        let title = text_of(&section[..section.find("</h2>").unwrap()]);
        for row in section.split("<tr>").skip(1) {
            let row = text_of(row);
            if row.contains(name) {
                found = Some(format!("{title} {row}"));
            }
        }
    }
    found
}

fn program(slug: &str, extra: &str) -> (String, String) {
    (
        format!("content/programs/{slug}/program.toml"),
        format!(
            "name = \"{slug}事業\"\ndepartment = \"企画課\"\npolicy = \"renkei-jigyo\"\ndirection = \"renkei-suishin\"\n{extra}\n"
        ),
    )
}

fn year_file(slug: &str, year: i32, body: &str) -> (String, String) {
    (
        format!("content/programs/{slug}/{year}.toml"),
        format!("fiscal_year = {year}\n{body}\n"),
    )
}

#[test]
fn changes_page_tells_new_resumed_paused_and_ended_programs_apart() {
    let files = [
        // Starts in the evaluation year, no earlier file.
        program("shinki", "start_year = 2021"),
        year_file("shinki", 2021, "[budget]\namount = 50"),
        // Started in 2019, paused in 2020 (all "—"), resumed in 2021.
        program("saikai", "start_year = 2019"),
        year_file("saikai", 2019, "[settlement]\namount = 30"),
        year_file(
            "saikai",
            2020,
            "[budget]\namount = \"—\"\n[settlement]\namount = \"—\"",
        ),
        year_file("saikai", 2021, "[budget]\namount = 40"),
        // Ended in 2020 by end_year.
        program("shuryo", "start_year = 2019\nend_year = 2020"),
        year_file("shuryo", 2019, "[settlement]\namount = 10"),
        year_file("shuryo", 2020, "[settlement]\namount = 10"),
    ];
    let edits: Vec<(&str, &str, &str)> = files
        .iter()
        .map(|(f, body)| (f.as_str(), "", body.as_str()))
        .collect();
    let tmp = site_with(&edits);
    let (_g, out) = build_site(tmp.path());
    let shinki =
        change_of(&out, 2021, "shinki事業").expect("a program starting this year is listed");
    assert!(
        shinki.contains("新しく始まった事業") && shinki.contains("新規"),
        "{shinki}"
    );
    let saikai = change_of(&out, 2021, "saikai事業").expect("resumed");
    assert!(
        saikai.contains("再開した事業") && saikai.contains("再開"),
        "{saikai}"
    );
    assert!(!saikai.contains("新規"), "{saikai}");
    let paused = change_of(&out, 2020, "saikai事業").expect("paused");
    assert!(
        paused.contains("休止した事業") && paused.contains("休止"),
        "{paused}"
    );
    assert!(!paused.contains("終わった"), "{paused}");
    let shuryo = change_of(&out, 2021, "shuryo事業").expect("ended");
    assert!(
        shuryo.contains("終わった事業") && shuryo.contains("終了"),
        "{shuryo}"
    );
    // Before its start, shinki is in no group of 2020.
    assert!(change_of(&out, 2020, "shinki事業").is_none());
}

#[test]
fn line_breaks_in_notes_are_kept_on_the_page() {
    let tmp = site_with(&[
        (
            TEIJU,
            "\"※まずは定住自立圏を形成すること(協定締結)を目標とする。\",",
            "\"\"\"※一行目\n※二行目<b>\"\"\",",
        ),
        (
            POLICY,
            "target = { year = 2022, value = 17.3 }",
            "target = { year = 2022, value = 17.3, note = \"\"\"注1\n注2\"\"\" }",
        ),
    ]);
    let (_g, out) = build_site(tmp.path());
    let program = read(&out, "programs/teiju-jiritsuken/index.html");
    assert!(program.contains("※一行目<br>※二行目&lt;b"), "{program}");
    let policy = read(&out, "policies/renkei-jigyo/index.html");
    assert!(policy.contains("注1<br>注2"), "{policy}");
}
