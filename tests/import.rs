//! `mieru import`: workbooks made here with every difficulty a city's sheet
//! has are imported into a fixture site, which then builds and shows the
//! values; the cell report, re-import (byte-identical) and the refusal of
//! hand-edited files are checked.

mod common;

use mieru::import::{run, Options};
use rust_xlsxwriter::{Format, Workbook};
use std::fs;
use std::path::{Path, PathBuf};

const TABLE_MAPPING: &str = r#"
layout = "table"
sheet = "事業一覧"
header_rows = 2
skip = ["調整用", "合計"]

[columns]
code = { digits = ["A", "B", "C"] }
name = "事業名"
department = "E"
budget_lines = "F"
policy = "G"
direction = "H"
start_year = "I"

[year_blocks]
first = "L"
stride = 19
years = [2020, 2021]

[year_blocks.fields]
"budget.amount" = 0
"settlement.amount" = 1
"staff.headcount" = 2
target = 3
result = 4
activities = 5
"check.rating" = { offset = 7, options = ["A", "B", "C", "D"] }
"action.decision" = { marks = { "拡充" = 8, "現状維持" = 9 } }
"#;

/// A site with the example's site.toml and policies, no programs.
fn site() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let content = d.path().join("content");
    fs::create_dir_all(content.join("policies")).unwrap();
    let repo = common::repo_root().join("content");
    fs::copy(repo.join("site.toml"), content.join("site.toml")).unwrap();
    for e in fs::read_dir(repo.join("policies")).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), content.join("policies").join(e.file_name())).unwrap();
    }
    d
}

/// The one-table workbook: two header rows with merged cells, a filler
/// row, year blocks of 19 columns, a code split across digit columns,
/// several budget lines in one cell, numbers typed as text with commas,
/// full-width digits, △, dashes, a trailing TAB, eras, ●/○ marks, one code
/// spelled two ways (its second row filling a blank of the first) and a
/// total row.
fn table_workbook(path: &Path) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("事業一覧").unwrap();
    let f = Format::new();
    ws.merge_range(0, 0, 0, 2, "事業コード", &f).unwrap();
    ws.merge_range(0, 3, 0, 8, "事業の概要", &f).unwrap();
    ws.merge_range(0, 11, 0, 29, "（当該年度）", &f).unwrap();
    ws.merge_range(0, 30, 0, 48, "（翌年度）", &f).unwrap();
    for (c, h) in [
        "款",
        "項",
        "目",
        "事業名",
        "担当課",
        "予算科目",
        "施策",
        "方向",
        "開始年度",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    ws.write_string(2, 0, "（調整用）").unwrap();
    let rows: [[&str; 9]; 4] = [
        [
            "02",
            "01",
            "006",
            "定住促進事業",
            "企画課\t",
            "一般会計 2-1-6-4\n一般会計 2-1-6-5",
            "renkei-jigyo",
            "koiki-gyosei",
            "昭和45年4月",
        ],
        [
            "02",
            "01",
            "006",
            "定住促進 事業",
            "企画課",
            "",
            "renkei-jigyo",
            "koiki-gyosei",
            "",
        ],
        [
            "03",
            "02",
            "001",
            "広域連携事業",
            "企画課",
            "一般会計 3-2-1",
            "renkei-jigyo",
            "renkei-suishin",
            "H26",
        ],
        ["", "", "", "合計", "", "", "", "", ""],
    ];
    for (i, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(3 + i as u32, c as u16, *v).unwrap();
            }
        }
    }
    // Year blocks: 2020 at L (11), 2021 at L + 19 (30).
    let y = |ws: &mut rust_xlsxwriter::Worksheet, r: u32, base: u16, vals: &[&str]| {
        for (o, v) in vals.iter().enumerate() {
            if v.is_empty() {
                continue;
            }
            ws.write_string(r, base + o as u16, *v).unwrap();
        }
    };
    y(
        ws,
        3,
        11,
        &[
            "1,200",
            "１，０００",
            "",
            "29（4）",
            "—",
            "説明会を開いた\t",
            "△50",
            "2 B",
            "●",
            "○",
        ],
    );
    ws.write_number(3, 13, 0.5).unwrap();
    y(
        ws,
        3,
        30,
        &["1500", "―", "", "30", "△5", "継続する", "", "A", "", "●"],
    );
    // The same program again: the same budget, a headcount the first row
    // left blank (it fills it), the rest blank (changes nothing).
    y(ws, 4, 30, &["1,500", "", "2", "", "", "", "", "", "", ""]);
    y(ws, 5, 11, &["‐", "－", "-", "", "", "", "", "", "", ""]);
    ws.write_number(5, 30, 800.0).unwrap();
    ws.write_number(6, 11, 99999.0).unwrap();
    wb.save(path).unwrap();
}

/// `mieru check` passes on the site at `root`.
fn checks_clean(root: &Path) {
    if let Err(diags) = mieru::check(root) {
        panic!("{}", diags.render(Default::default()));
    }
}

/// The text of the built page `rel` holds every one of `wants`.
fn page_has(site: &Path, rel: &str, wants: &[&str]) {
    let page = common::text_of(&common::read(site, rel));
    for want in wants {
        assert!(page.contains(want), "{want} in {rel}:\n{page}");
    }
}

/// The text of the file at `path`, which holds every one of `wants`.
fn has_all(path: impl AsRef<Path>, wants: &[&str]) -> String {
    let text = fs::read_to_string(path.as_ref()).unwrap();
    for want in wants {
        assert!(
            text.contains(want),
            "{want} in {}:\n{text}",
            path.as_ref().display()
        );
    }
    text
}

fn opts(root: &Path, mapping: PathBuf, input: PathBuf) -> Options {
    Options {
        mapping,
        inputs: vec![input],
        root: root.to_path_buf(),
        dry_run: false,
        allow_errors: false,
    }
}

fn setup() -> (tempfile::TempDir, Options) {
    let d = site();
    let book = d.path().join("一覧.xlsx");
    table_workbook(&book);
    let mapping = d.path().join("mapping.toml");
    fs::write(&mapping, TABLE_MAPPING).unwrap();
    let o = opts(d.path(), mapping, book);
    (d, o)
}

#[test]
fn table_import_builds_and_shows_values() {
    let (d, o) = setup();
    let out = run(&o).unwrap_or_else(|(diags, _)| panic!("{}", diags.render(Default::default())));
    assert_eq!(out.summary.programs, 2);
    assert_eq!(out.summary.years, 4);
    assert_eq!(out.summary.problems, 0);
    // The spelling conflict is reported, the first kept, the other listed.
    let w: Vec<_> = out
        .diagnostics
        .iter()
        .filter(|d| d.code == "W150")
        .collect();
    assert_eq!(w.len(), 1);
    assert!(w[0].help.as_ref().unwrap().contains("定住促進 事業"));
    assert!(w[0]
        .help
        .as_ref()
        .unwrap()
        .contains("一覧.xlsx!事業一覧!D5"));

    let p = fs::read_to_string(d.path().join("content/programs/p-0201006/program.toml")).unwrap();
    assert!(p.contains("name = \"定住促進事業\""), "{p}");
    assert!(p.contains("code = \"0201006\""), "{p}");
    assert!(p.contains("department = \"企画課\""), "{p}");
    assert!(p.contains("start_year = 1970"), "{p}");
    assert!(p.contains("元の記載：昭和45年4月"), "{p}");
    assert_eq!(p.matches("[[budget_lines]]").count(), 2, "{p}");
    let y = has_all(
        d.path().join("content/programs/p-0201006/2020.toml"),
        &[
            "amount = 1200",
            "amount = 1000",
            "headcount = 0.5",
            "target = 29",
            "元の記載：29（4）",
            "result = \"—\"",
            "activities = \"説明会を開いた\"",
            "rating = \"B\"",
        ],
    );
    // ●/○: ● selects, ○ is an unselected option.
    assert!(y.contains("decision = \"拡充\""), "{y}");
    let y21 = fs::read_to_string(d.path().join("content/programs/p-0201006/2021.toml")).unwrap();
    assert!(y21.contains("decision = \"現状維持\""), "{y21}");
    assert!(y21.contains("amount = \"—\""), "{y21}");
    assert!(y21.contains("result = -5"), "{y21}");
    assert!(
        y21.contains("headcount = 2"),
        "the later row fills a blank:\n{y21}"
    );
    assert!(y21.contains("amount = 1500"), "{y21}");
    // Five dashes: not applicable, never 0.
    let y2 = fs::read_to_string(d.path().join("content/programs/p-0302001/2020.toml")).unwrap();
    assert_eq!(y2.matches("\"—\"").count(), 3, "{y2}");
    assert!(!y2.contains("= 0"), "{y2}");

    let (_g, site_out) = common::build_site(d.path());
    let page = common::text_of(&common::read(&site_out, "programs/p-0201006/index.html"));
    assert!(page.contains("定住促進事業"), "{page}");
    assert!(page.contains("1,200"), "{page}");
}

#[test]
fn the_cell_report_names_every_cell() {
    let (_d, mut o) = setup();
    o.dry_run = true;
    let out = run(&o).ok().unwrap();
    let cells = out.cells();
    assert!(
        cells.contains("一覧.xlsx!事業一覧!A4:C4 → code（事業コード）= 0201006"),
        "{cells}"
    );
    assert!(
        cells.contains("一覧.xlsx!事業一覧!L4 → 2020.budget.amount（予算額）= 1200"),
        "{cells}"
    );
    assert!(
        cells.contains("一覧.xlsx!事業一覧!AE4 → 2021.budget.amount（予算額）= 1500"),
        "{cells}"
    );
    assert!(
        cells.contains("一覧.xlsx!事業一覧!P4 → 2020.result（成果実績）= —（該当なし）"),
        "{cells}"
    );
    assert_eq!(out.written, 0);
    assert!(!o.root.join("content/programs").exists());
}

#[test]
fn reimport_is_byte_identical_and_hand_edits_are_refused() {
    let (d, o) = setup();
    run(&o).ok().unwrap();
    let before = common::snapshot(&d.path().join("content"));
    let again = run(&o).ok().unwrap();
    assert_eq!(again.written, 0);
    assert_eq!(common::snapshot(&d.path().join("content")), before);

    let edited = d.path().join("content/programs/p-0201006/2020.toml");
    let mut t = fs::read_to_string(&edited).unwrap();
    t.push_str("# 手で直した\n");
    fs::write(&edited, &t).unwrap();
    let (diags, _) = run(&o).err().unwrap();
    let e: Vec<_> = diags.iter().filter(|d| d.code == "E168").collect();
    assert_eq!(e.len(), 1);
    assert!(e[0]
        .location
        .as_ref()
        .unwrap()
        .path
        .ends_with("programs/p-0201006/2020.toml"));
    assert_eq!(fs::read_to_string(&edited).unwrap(), t);
}

#[test]
fn unreadable_cells_stop_the_import_unless_allowed() {
    let (d, mut o) = setup();
    // A money cell that is not a number.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("事業一覧").unwrap();
    ws.write_string(1, 3, "事業名").unwrap();
    ws.write_string(2, 3, "防災事業").unwrap();
    ws.write_string(2, 11, "約100").unwrap();
    let book = d.path().join("bad.xlsx");
    wb.save(&book).unwrap();
    o.inputs = vec![book];
    let (diags, _) = run(&o).err().unwrap();
    let e = diags.iter().find(|d| d.code == "E163").unwrap();
    assert_eq!(
        e.location.as_ref().unwrap().path,
        PathBuf::from("bad.xlsx!事業一覧!L3")
    );
    assert!(e.message_ja.contains("約100"));
    assert!(!d.path().join("content/programs").exists());
    o.allow_errors = true;
    let out = run(&o).ok().unwrap();
    assert_eq!(out.summary.problems, 1);
    let y = d.path().join("content/programs/p-0001/2020.toml");
    assert!(!y.exists() || !fs::read_to_string(&y).unwrap().contains("amount"));
}

#[test]
fn merged_cells_of_an_xls_workbook_are_read_in_every_cell_they_cover() {
    // tests/fixtures/merged.xls is written by make_merged_xls.py beside it.
    let d = site();
    let book = common::repo_root().join("tests/fixtures/merged.xls");
    let mapping = d.path().join("m.toml");
    fs::write(
        &mapping,
        "layout = \"table\"\nheader_rows = 2\n[columns]\nname = \"事業名\"\ndepartment = \"担当課\"\n[year_blocks]\nfirst = \"C\"\nstride = 1\nyears = [2020, 2021]\n[year_blocks.fields]\n\"budget.amount\" = 0\n",
    )
    .unwrap();
    let mut o = opts(d.path(), mapping, book);
    o.dry_run = true;
    let out = run(&o).unwrap_or_else(|(diags, _)| panic!("{}", diags.render(Default::default())));
    assert!(
        out.diagnostics.is_empty(),
        "{}",
        out.diagnostics.render(Default::default())
    );
    let cells = out.cells();
    for want in [
        "merged.xls!事業一覧!A3 → name（事業名）= 防災訓練事業",
        "B3 → department（担当課）= 危機管理課",
        "C3 → 2020.budget.amount（予算額）= 1200",
        "D3 → 2021.budget.amount（予算額）= 1300",
        "merged.xls!事業一覧!A4 → name（事業名）= 避難所整備事業",
        // The department cell is merged over both rows.
        "B4 → department（担当課）= 危機管理課",
        "C4 → 2020.budget.amount（予算額）= —（該当なし）",
    ] {
        assert!(cells.contains(want), "{want} in\n{cells}");
    }
}

#[test]
fn shift_jis_csv() {
    let d = site();
    let text =
        "事業名,担当課,開始年度,予算\r\n防災訓練事業,危機管理課,令和元年度,\"１，２００\"\r\n";
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(text);
    let csv = d.path().join("一覧.csv");
    fs::write(&csv, &bytes).unwrap();
    let mapping = d.path().join("m.toml");
    fs::write(
        &mapping,
        "layout = \"table\"\n[columns]\nname = \"事業名\"\ndepartment = \"担当課\"\nstart_year = \"C\"\npolicy = { column = \"E\" }\n[year_blocks]\nfirst = \"D\"\nstride = 1\nyears = [2021]\n[year_blocks.fields]\n\"budget.amount\" = 0\n",
    )
    .unwrap();
    let mut o = opts(d.path(), mapping, csv);
    o.dry_run = true;
    let out = run(&o).ok().unwrap();
    let cells = out.cells();
    assert!(
        cells.contains("一覧.csv!一覧!A2 → name（事業名）= 防災訓練事業"),
        "{cells}"
    );
    assert!(
        cells.contains("C2 → start_year（開始年度）= 2019（令和元年度）"),
        "{cells}"
    );
    assert!(
        cells.contains("D2 → 2021.budget.amount（予算額）= 1200"),
        "{cells}"
    );
}

/// A bundled form, read as a site's content/form.toml.
fn bundled_form(name: &str) -> mieru::form::Form {
    let text = mieru::form::bundled(name).unwrap().text;
    let file = mieru::load::SourceFile::new(PathBuf::from("content/form.toml"), text.into());
    let mut diags = mieru::diag::Diagnostics::new();
    mieru::form::read_declared(std::sync::Arc::new(file), &mut diags).expect("the form reads")
}

#[test]
fn the_readme_and_guide_mappings_parse() {
    let readme = fs::read_to_string(common::repo_root().join("README.md")).unwrap();
    let section = readme.split("## 取り込み").nth(1).unwrap();
    let section = section.split("\n## ").next().unwrap();
    let guide = "docs/guide/08-torikomi.md";
    let chapter = fs::read_to_string(common::repo_root().join(guide)).unwrap();
    for (file, text) in [("README.md", section), (guide, chapter.as_str())] {
        let blocks: Vec<&str> = text
            .split("```toml\n")
            .skip(1)
            .map(|b| b.split("```").next().unwrap())
            .collect();
        assert!(blocks.len() >= 2, "{file}: one mapping per layout at least");
        for layout in ["layout = \"table\"", "layout = \"form\""] {
            assert!(
                blocks.iter().any(|b| b.contains(layout)),
                "{file}: {layout}"
            );
        }
        for b in blocks {
            // A mapping with plan levels is written for the jimu-jigyo form.
            let form = if b.contains("\"place.") {
                bundled_form("jimu-jigyo")
            } else {
                mieru::form::Form::default_form()
            };
            if let Err(d) = mieru::import::mapping::parse(Path::new(file), b, &form) {
                panic!("{}", d.render(Default::default()));
            }
        }
    }
}

/// Builds `root`, imports its `data/programs.csv` (or one program's
/// data.csv) with the shipped mapping into a site holding only its
/// site.toml, form and policies, and builds that: the CSV comes back
/// byte for byte.
fn round_trip(root: &Path, csv: &str, compare: &[&str]) {
    let mapping = common::repo_root().join("mappings/mieru-programs-csv.toml");
    round_trip_with(root, csv, compare, mapping);
}

fn round_trip_with(root: &Path, csv: &str, compare: &[&str], mapping: PathBuf) {
    let (_g, first) = common::build_site(root);
    let d = without_programs(root);
    let input = d.path().join("programs.csv");
    fs::copy(first.join(csv), &input).unwrap();
    let out = run(&opts(d.path(), mapping, input))
        .unwrap_or_else(|(diags, _)| panic!("{}", diags.render(Default::default())));
    assert_eq!(out.summary.problems, 0);
    assert!(
        out.diagnostics.is_empty(),
        "{}",
        out.diagnostics.render(Default::default())
    );
    let (_g2, second) = common::build_site(d.path());
    for rel in compare {
        let a = fs::read(first.join(rel)).unwrap();
        let b = fs::read(second.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        if let Some(dir) = std::env::var_os("MIERU_ROUND_TRIP_DIFF") {
            let name = rel.replace('/', "_");
            fs::write(Path::new(&dir).join(format!("before_{name}")), &a).unwrap();
            fs::write(Path::new(&dir).join(format!("after_{name}")), &b).unwrap();
        }
        assert!(
            a == b,
            "{rel} differs after the round trip\n--- before\n{}\n--- after\n{}",
            String::from_utf8_lossy(&a),
            String::from_utf8_lossy(&b)
        );
    }
}

/// A copy of the site at `root` (content and themes) without its programs.
fn without_programs(root: &Path) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let content = d.path().join("content");
    fs::create_dir_all(&content).unwrap();
    for e in fs::read_dir(root.join("content")).unwrap() {
        let e = e.unwrap();
        if e.file_name() != "programs" {
            let to = content.join(e.file_name());
            if e.path().is_dir() {
                common::copy_tree(&e.path(), &to);
            } else {
                fs::copy(e.path(), to).unwrap();
            }
        }
    }
    if root.join("themes").is_dir() {
        common::copy_tree(&root.join("themes"), &d.path().join("themes"));
    }
    d
}

#[test]
fn the_example_sites_csv_imports_back_byte_for_byte() {
    let root = common::repo_root();
    round_trip(
        &root,
        "data/programs.csv",
        &[
            "data/programs.csv",
            "data/programs.json",
            "programs/teiju-jiritsuken/data.csv",
            "programs/tokyo-nodai-renkei/data.json",
            // Its years before it began: no breakdown, no staff, as before.
            "programs/tokyo-nodai-renkei/2019/index.html",
            "programs/tokyo-nodai-renkei/index.html",
            "programs/teiju-jiritsuken/index.html",
            "programs/teiju-jiritsuken/2020/index.html",
        ],
    );
    // One program's own data.csv has the same columns.
    round_trip(
        &root,
        "programs/tokyo-nodai-renkei/data.csv",
        &["programs/tokyo-nodai-renkei/data.csv"],
    );
}

#[test]
fn the_full_test_sites_csv_imports_back_byte_for_byte() {
    // Funding breakdowns, staff, budget lines, text targets, "—" and
    // blanks in every kind of column.
    let root = common::repo_root().join("tests/sites/full");
    round_trip(
        &root,
        "data/programs.csv",
        &["data/programs.csv", "data/programs.json"],
    );
}

/// The example site's data/programs.csv as rows of cells (header first),
/// with the site to import into and the cell address of (row, column).
fn example_csv() -> (tempfile::TempDir, Vec<Vec<String>>) {
    let root = common::repo_root();
    let (_g, built) = common::build_site(&root);
    let text = fs::read_to_string(built.join("data/programs.csv")).unwrap();
    let rows = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    (without_programs(&root), rows)
}

/// Writes `rows` as programs.csv into `d` and imports it with the shipped
/// mapping; returns the diagnostics of a refused import.
fn import_rows(d: &Path, rows: &[Vec<String>]) -> mieru::diag::Diagnostics {
    let input = d.join("programs.csv");
    let mut w = csv::Writer::from_path(&input).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
    let mapping = common::repo_root().join("mappings/mieru-programs-csv.toml");
    match run(&opts(d, mapping, input)) {
        Err((diags, _)) => diags,
        Ok(out) => out.diagnostics,
    }
}

fn col(rows: &[Vec<String>], header: &str) -> usize {
    rows[0].iter().position(|h| h == header).unwrap()
}

/// `programs.csv!programs!N2` for (row index, column index).
fn cell(row: usize, column: usize) -> PathBuf {
    PathBuf::from(format!(
        "programs.csv!programs!{}{}",
        char::from(b'A' + column as u8),
        row + 1
    ))
}

fn at(d: &mieru::diag::Diagnostic) -> PathBuf {
    d.location.as_ref().unwrap().path.clone()
}

#[test]
fn a_policy_or_direction_the_site_does_not_have_is_an_error_at_its_cell() {
    let (d, mut rows) = example_csv();
    let (id, policy, direction) = (
        col(&rows, "事業ID"),
        col(&rows, "施策"),
        col(&rows, "施策の方向"),
    );
    // The first program misspells its policy; the second names a direction
    // 連携事業 does not have, on every row.
    let second = rows[1..].iter().position(|r| r[id] != rows[1][id]).unwrap() + 1;
    for r in &mut rows[1..second] {
        assert_eq!(r[policy], "連携事業");
        r[policy] = "連携事葉".into();
    }
    let second_id = rows[second][id].clone();
    for r in rows.iter_mut().filter(|r| r[id] == second_id) {
        r[direction] = "観光の振興".into();
    }
    let diags = import_rows(d.path(), &rows);
    let e157: Vec<_> = diags.iter().filter(|d| d.code == "E157").collect();
    assert_eq!(e157.len(), 2, "{}", diags.render(Default::default()));
    assert_eq!(at(e157[0]), cell(1, policy));
    assert!(e157[0].message_ja.contains("施策「連携事葉」"));
    assert!(e157[0]
        .help
        .as_deref()
        .unwrap_or("")
        .contains("「連携事業」のことですか"));
    assert_eq!(at(e157[1]), cell(second, direction));
    assert!(e157[1].message_ja.contains("施策の方向「観光の振興」"));
    assert!(
        !d.path().join("content/programs").exists(),
        "nothing is written"
    );
}

#[test]
fn rows_of_one_program_that_disagree_are_reported_not_dropped() {
    let (d, mut rows) = example_csv();
    let (id, dept, year, budget) = (
        col(&rows, "事業ID"),
        col(&rows, "担当部署"),
        col(&rows, "年度"),
        col(&rows, "予算額（千円）"),
    );
    let first = rows[1][id].clone();
    let of_first: Vec<usize> = (1..rows.len()).filter(|&r| rows[r][id] == first).collect();
    assert!(of_first.len() >= 3, "the first program has several years");
    // A later row names another department: the first is kept, with a
    // warning at it listing the other.
    let a = *of_first
        .iter()
        .find(|&&r| rows[r][budget].parse::<i64>().is_ok())
        .expect("a year with a budget");
    let b = *of_first
        .iter()
        .find(|&&r| r != a && r != of_first[0])
        .unwrap();
    rows[b][dept] = "総務部 企画課".into();
    // The same year twice with another budget: an error at the later cell.
    let mut again = rows[a].clone();
    again[budget] = "999999".into();
    rows.push(again);
    let last = rows.len() - 1;
    // The same year twice with the same values is no conflict.
    rows.push(rows[a].clone());
    let diags = import_rows(d.path(), &rows);
    let w150: Vec<_> = diags.iter().filter(|d| d.code == "W150").collect();
    assert_eq!(w150.len(), 1, "{}", diags.render(Default::default()));
    assert_eq!(at(w150[0]), cell(of_first[0], dept));
    assert!(w150[0].message_ja.contains("担当課が行によって違います"));
    let help = w150[0].help.as_deref().unwrap();
    assert!(
        help.contains(&format!("「総務部 企画課」（{}）", cell(b, dept).display())),
        "{help}"
    );
    let e158: Vec<_> = diags.iter().filter(|d| d.code == "E158").collect();
    assert_eq!(e158.len(), 1, "{}", diags.render(Default::default()));
    assert_eq!(at(e158[0]), cell(last, budget));
    assert!(e158[0]
        .message_ja
        .contains(&format!("{}年度", rows[a][year])));
    assert!(e158[0].message_ja.contains("999999"));
    assert!(e158[0]
        .help
        .as_deref()
        .unwrap()
        .contains(&cell(a, budget).display().to_string()));
    assert!(
        !d.path().join("content/programs").exists(),
        "nothing is written"
    );
}

/// A city's one-table workbook in the jimu-jigyo form: the form's own
/// fields as marks, option numbers, その他 with its text, several SDGs in
/// one cell, an era start, 永年, an Excel date and ○ for a flag; the place
/// in the four-level plan as code and name columns (a skipped level left
/// empty, a not-linked level as "—"); and a block of money columns a year.
const JIMU_MAPPING: &str = r#"
layout = "table"
sheet = "事務事業"
header_rows = 1

[columns]
code = "事業ID"
name = "事務事業名"
"extra.bu" = "部"
department = "課"
"extra.status" = { marks = { "新規" = "E", "継続" = "F" } }
"extra.category" = "事業区分"
"extra.method" = "実施手法"
"extra.sdgs" = "SDGs"
"extra.period_start" = "事業開始"
"extra.period_end" = "事業終了"
"extra.created" = "作成日"
"extra.sogo_senryaku" = "総合戦略"
"extra.laws" = "根拠法令"
"extra.target_group" = "対象"
"place.seisaku" = { column = "政策コード", name = "政策" }
"place.shisaku" = { column = "施策コード", name = "施策" }
"place.kihon" = { column = "基本事業コード", name = "基本事業" }
"place.naiyo" = { column = "施策内容コード", name = "施策内容" }

[year_blocks]
first = "X"
stride = 5
years = [2023, 2024]

[year_blocks.fields]
"budget.initial" = 0
"budget.supplementary" = 1
"budget.amount" = 2
"settlement.amount" = 3
"extra.expected_outcome" = 4
"#;

const JIMU_HEADERS: [&str; 23] = [
    "事業ID",
    "事務事業名",
    "部",
    "課",
    "新規",
    "継続",
    "事業区分",
    "実施手法",
    "SDGs",
    "事業開始",
    "事業終了",
    "作成日",
    "総合戦略",
    "根拠法令",
    "対象",
    "政策コード",
    "政策",
    "施策コード",
    "施策",
    "基本事業コード",
    "基本事業",
    "施策内容コード",
    "施策内容",
];

/// Writes the jimu-jigyo workbook: `rows` of the 23 program columns and
/// ten year cells (2023, 2024).
fn jimu_workbook(path: &Path, rows: &[([&str; 23], [&str; 10])]) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("事務事業").unwrap();
    for (c, h) in JIMU_HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("yyyy/m/d");
    for (r, (cells, years)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, v) in cells.iter().enumerate() {
            let as_date = (c == 11)
                .then(|| rust_xlsxwriter::ExcelDateTime::parse_from_str(v).ok())
                .flatten();
            if let Some(d) = as_date {
                ws.write_datetime_with_format(r, c as u16, &d, &date)
                    .unwrap();
            } else if !v.is_empty() {
                ws.write_string(r, c as u16, *v).unwrap();
            }
        }
        for (c, v) in years.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r, 23 + c as u16, *v).unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

fn jimu_rows() -> Vec<([&'static str; 23], [&'static str; 10])> {
    vec![
        (
            [
                "0086",
                "公立保育所運営事業",
                "こども未来部",
                "保育課",
                "○",
                "●",
                "①",
                "全部直営",
                "1 貧困、4 教育",
                "昭和45年4月",
                "永年",
                "2024-06-28",
                "○",
                "児童福祉法第24条\n架空市立保育所条例",
                "・保育を必要とする児童\n・その保護者",
                "1",
                "Ⅰ 子どもが健やかに育つまち",
                "1-01",
                "①子育て支援の充実",
                "1-01-01",
                "保育サービスの充実",
                "1-01-01-1",
                "待機児童の解消",
            ],
            [
                "410,000", "5,200", "415,200", "402,315", "", "418,000", "△3,200", "414,800", "",
                "向上",
            ],
        ),
        (
            [
                "0120",
                "学校図書館充実事業",
                "教育部",
                "学校教育課",
                "●",
                "○",
                "④",
                "その他（指定管理）",
                "4 教育",
                "H26",
                "令和8年度",
                "",
                "×",
                "",
                "市立小中学校の児童生徒",
                "1",
                "Ⅰ 子どもが健やかに育つまち",
                "1-02",
                "②学校教育の充実",
                "",
                "",
                "1-02-0-1",
                "学校図書館の充実",
            ],
            ["", "", "", "", "", "3,000", "", "3,000", "—", "維持"],
        ),
        (
            [
                "0201",
                "子育て応援給付事業",
                "こども未来部",
                "子育て支援課",
                "",
                "●",
                "③",
                "一部委託",
                "",
                "令和元年度",
                "令和7年度",
                "",
                "",
                "",
                "",
                "1",
                "Ⅰ 子どもが健やかに育つまち",
                "1-01",
                "①子育て支援の充実",
                "1-01-02",
                "子育て家庭への経済的支援",
                "—",
                "",
            ],
            ["120,000", "", "120,000", "118,500", "", "", "", "", "", ""],
        ),
    ]
}

/// The jimu-jigyo test site's site.toml and form, without programs or plan.
fn jimu_site() -> tempfile::TempDir {
    let d = without_programs(&common::repo_root().join("tests/sites/form-jimu-jigyo"));
    fs::remove_file(d.path().join("content/plan.toml")).unwrap();
    d
}

#[test]
fn a_workbook_imports_into_the_jimu_jigyo_form_with_its_plan_and_own_fields() {
    let d = jimu_site();
    let book = d.path().join("事務事業.xlsx");
    jimu_workbook(&book, &jimu_rows());
    let mapping = d.path().join("mapping.toml");
    fs::write(&mapping, JIMU_MAPPING).unwrap();
    let out = run(&opts(d.path(), mapping.clone(), book.clone()))
        .unwrap_or_else(|(diags, _)| panic!("{}", diags.render(Default::default())));
    assert_eq!(out.summary.programs, 3);
    assert_eq!(out.summary.problems, 0);
    assert!(
        out.diagnostics.is_empty(),
        "{}",
        out.diagnostics.render(Default::default())
    );
    let content = d.path().join("content");
    has_all(content.join("programs/p-0086/program.toml"), &[
        "place = { seisaku = \"1\", shisaku = \"1-01\", kihon = \"1-01-01\", naiyo = \"1-01-01-1\" }",
        "status = \"継続\"",
        "category = \"①施設の管理・運営\"",
        "method = \"全部直営\"",
        "sdgs = [\"1 貧困\", \"4 教育\"]",
        "period_start = \"昭和45年4月\"",
        "period_end = \"永年\"",
        "created = 2024-06-28",
        "sogo_senryaku = true",
        "laws = [\"児童福祉法第24条\", \"架空市立保育所条例\"]",
        "bu = \"こども未来部\"  # 部（事務事業.xlsx!事務事業!C2）",
    ]);
    has_all(
        content.join("programs/p-0120/program.toml"),
        &[
            // The level the row leaves empty is not linked in the plan.
            "place = { seisaku = \"1\", shisaku = \"1-02\", kihon = \"―\", naiyo = \"1-02-0-1\" }",
            "method = { selected = \"その他\", other = \"指定管理\" }",
            "status = \"新規\"",
            "sogo_senryaku = false",
            "period_start = \"H26\"",
        ],
    );
    let p = fs::read_to_string(content.join("programs/p-0201/program.toml")).unwrap();
    assert!(
        p.contains(
            "place = { seisaku = \"1\", shisaku = \"1-01\", kihon = \"1-01-02\", naiyo = \"―\" }"
        ),
        "{p}"
    );
    has_all(
        content.join("programs/p-0086/2024.toml"),
        &[
            "expected_outcome = \"向上\"",
            "supplementary = -3200",
            "amount = 414800",
        ],
    );
    // The plan comes from the sheet: each node once, under its parent.
    let plan = fs::read_to_string(content.join("plan.toml")).unwrap();
    assert_eq!(plan.matches("[[nodes]]").count(), 7, "{plan}");
    assert!(
        plan.contains(
            "level = \"naiyo\"\ncode = \"1-02-0-1\"\nparent = \"1-02\"\nname = \"学校図書館の充実\""
        ),
        "{plan}"
    );
    // The site checks against its form and shows what was imported.
    checks_clean(d.path());
    let (_g, site) = common::build_site(d.path());
    page_has(
        &site,
        "programs/p-0120/index.html",
        &[
            "学校図書館充実事業",
            "指定管理",
            "②学校教育の充実",
            "学校図書館の充実",
            "H26",
        ],
    );
    page_has(
        &site,
        "programs/p-0086/index.html",
        &[
            "昭和45年4月",
            "永年",
            "児童福祉法第24条",
            "414,800",
            "待機児童の解消",
        ],
    );
    // The cell report names the form's labels and the plan's cells.
    let cells = out.cells();
    assert!(
        cells.contains("事務事業.xlsx!事務事業!H3 → extra.method（実施手法）= その他（指定管理）"),
        "{cells}"
    );
    assert!(
        cells.contains("→ place.kihon（基本事業）= —（該当なし）"),
        "{cells}"
    );
    // A second run changes nothing.
    let again = run(&opts(d.path(), mapping, book)).unwrap();
    assert_eq!(again.written, 0);
}

#[test]
fn mistakes_against_the_form_and_the_plan_are_located_and_nothing_is_written() {
    // The mapping: a field the form lacks, a level it lacks, and the
    // default form's policy key, each at its line.
    let d = jimu_site();
    let mapping = d.path().join("mapping.toml");
    let bad = JIMU_MAPPING
        .replace(
            "\"extra.bu\" = \"部\"",
            "\"extra.bu_kode\" = \"部\"\npolicy = \"施策\"",
        )
        .replace("\"place.kihon\"", "\"place.kihonn\"");
    fs::write(&mapping, &bad).unwrap();
    let book = d.path().join("事務事業.xlsx");
    jimu_workbook(&book, &jimu_rows());
    let (diags, _) = run(&opts(d.path(), mapping.clone(), book.clone())).unwrap_err();
    let line_of = |needle: &str| bad.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let found: Vec<(&str, usize, String)> = diags
        .iter()
        .map(|d| {
            (
                d.code,
                d.location.as_ref().unwrap().line,
                d.help.clone().unwrap_or_default(),
            )
        })
        .collect();
    for (code, line, help) in [
        ("E155", line_of("extra.bu_kode"), "extra.bu_code"),
        ("E155", line_of("policy ="), "place.shisaku"),
        ("E155", line_of("place.kihonn"), "place.kihon"),
    ] {
        assert!(
            found
                .iter()
                .any(|(c, l, h)| *c == code && *l == line && h.contains(help)),
            "{code} at line {line} with {help}: {found:?}"
        );
    }
    // No place at all in a form with levels.
    let no_place: String = JIMU_MAPPING
        .lines()
        .filter(|l| !l.starts_with("\"place."))
        .collect::<Vec<_>>()
        .join("\n");
    fs::write(&mapping, no_place).unwrap();
    let (diags, _) = run(&opts(d.path(), mapping.clone(), book.clone())).unwrap_err();
    assert!(diags
        .iter()
        .any(|d| d.code == "E154" && d.help.as_ref().unwrap().contains("place.shisaku")));

    // The cells: a flag, a date and a choice the form cannot read, a code
    // the plan lacks, a node with two names and one with none.
    fs::write(&mapping, JIMU_MAPPING).unwrap();
    let mut rows = jimu_rows();
    rows[0].0[12] = "たぶん";
    rows[0].0[11] = "近日";
    rows[1].0[7] = "全部直当";
    rows[2].0[18] = "①子育て支援";
    rows[2].0[19] = "1-01-09";
    rows[2].0[20] = "";
    jimu_workbook(&book, &rows);
    let (diags, _) = run(&opts(d.path(), mapping.clone(), book.clone())).unwrap_err();
    let at_cell = |code: &str, cell: &str| {
        diags.iter().any(|x| {
            x.code == code && at(x) == Path::new(&format!("事務事業.xlsx!事務事業!{cell}"))
        })
    };
    let all = diags.render(Default::default());
    assert!(at_cell("E163", "M2"), "flag\n{all}");
    assert!(
        all.contains("該当・非該当として読めない値です：「たぶん」"),
        "{all}"
    );
    assert!(at_cell("E163", "L2"), "date\n{all}");
    assert!(at_cell("E163", "H3"), "choice\n{all}");
    assert!(at_cell("W152", "R2"), "two names\n{all}");
    assert!(
        all.contains("「①子育て支援（政策「1」の下）」（事務事業.xlsx!事務事業!R4）"),
        "{all}"
    );
    assert!(all.contains("「全部直営」のことですか"), "{all}");
    assert!(at_cell("E171", "T4"), "no name\n{all}");
    assert!(!d.path().join("content/programs").exists());
    assert!(!d.path().join("content/plan.toml").exists());

    // A 施策 code mistyped on one row: the same name under two codes.
    let mut rows = jimu_rows();
    rows[2].0[17] = "1-1";
    jimu_workbook(&book, &rows);
    let out = run(&opts(d.path(), mapping.clone(), book.clone())).unwrap();
    let w: Vec<_> = out
        .diagnostics
        .iter()
        .filter(|x| x.code == "W153")
        .collect();
    assert_eq!(w.len(), 1, "{}", out.diagnostics.render(Default::default()));
    assert_eq!(at(w[0]), Path::new("事務事業.xlsx!事務事業!R2"));
    assert!(w[0]
        .help
        .as_ref()
        .unwrap()
        .contains("「1-1」（事務事業.xlsx!事務事業!R4）"));
    // A header the sheet does not have: the nearest one is named.
    fs::write(
        &mapping,
        JIMU_MAPPING.replace("= \"事業区分\"", "= \"事業区部\""),
    )
    .unwrap();
    let (diags, _) = run(&opts(d.path(), mapping.clone(), book.clone())).unwrap_err();
    let e = diags.iter().find(|x| x.code == "E161").unwrap();
    assert!(
        e.help
            .as_ref()
            .unwrap()
            .contains("「事業区分」のことですか"),
        "{:?}",
        e.help
    );

    // With the site's own plan.toml and codes only: a code it lacks is an
    // error at its cell with the nearest code.
    let d = without_programs(&common::repo_root().join("tests/sites/form-jimu-jigyo"));
    let mut codes_only = JIMU_MAPPING.to_string();
    for (level, header) in [
        ("seisaku", "政策"),
        ("shisaku", "施策"),
        ("kihon", "基本事業"),
        ("naiyo", "施策内容"),
    ] {
        codes_only = codes_only.replace(
            &format!("\"place.{level}\" = {{ column = \"{header}コード\", name = \"{header}\" }}"),
            &format!("\"place.{level}\" = \"{header}コード\""),
        );
    }
    assert!(!codes_only.contains(", name = "), "{codes_only}");
    let mapping = d.path().join("mapping.toml");
    fs::write(&mapping, &codes_only).unwrap();
    let book = d.path().join("事務事業.xlsx");
    let mut rows = jimu_rows();
    rows[2].0[19] = "1-01-09";
    // Under 政策 2 the nearest 施策 is 2-01, not 1-02.
    rows[1].0[15] = "2";
    rows[1].0[17] = "2-02";
    jimu_workbook(&book, &rows);
    let (diags, _) = run(&opts(d.path(), mapping.clone(), book.clone())).unwrap_err();
    let e: Vec<_> = diags.iter().filter(|x| x.code == "E170").collect();
    assert_eq!(e.len(), 2, "{}", diags.render(Default::default()));
    let under = e
        .iter()
        .find(|x| at(x) == Path::new("事務事業.xlsx!事務事業!R3"))
        .unwrap();
    assert!(
        under
            .help
            .as_ref()
            .unwrap()
            .contains("「2-01」のことですか"),
        "{:?}",
        under.help
    );
    let e: Vec<_> = e
        .into_iter()
        .filter(|x| at(x) != Path::new("事務事業.xlsx!事務事業!R3"))
        .collect();
    assert_eq!(at(e[0]), Path::new("事務事業.xlsx!事務事業!T4"));
    assert!(e[0]
        .message_ja
        .contains("計画の基本事業に「1-01-09」がありません"));
    assert!(
        e[0].help.as_ref().unwrap().contains("1-01-01")
            || e[0].help.as_ref().unwrap().contains("1-01-02")
    );
    // Codes of one row that contradict the plan: at the cell, not later
    // in the written file.
    let mut rows = jimu_rows();
    rows[0].0[17] = "1-02";
    jimu_workbook(&book, &rows);
    let (diags, _) = run(&opts(d.path(), mapping.clone(), book.clone())).unwrap_err();
    let e: Vec<_> = diags.iter().filter(|x| x.code == "E173").collect();
    assert_eq!(e.len(), 1, "{}", diags.render(Default::default()));
    assert_eq!(at(e[0]), Path::new("事務事業.xlsx!事務事業!R2"));
    assert!(e[0]
        .message_ja
        .contains("「1-01-01-1」は施策「1-01」の下にあり、「1-02」の下ではありません"));
    // Fixed, the plan.toml of the site is used and left alone; the
    // levels the sheet does not give come from it.
    let only_deepest: String = codes_only
        .lines()
        .filter(|l| {
            !l.starts_with("\"place.")
                || l.starts_with("\"place.naiyo\"")
                || l.starts_with("\"place.shisaku\"")
        })
        .collect::<Vec<_>>()
        .join("\n");
    fs::write(&mapping, &only_deepest).unwrap();
    jimu_workbook(&book, &jimu_rows());
    let out = run(&opts(d.path(), mapping, book))
        .unwrap_or_else(|(diags, _)| panic!("{}", diags.render(Default::default())));
    assert!(!out.plan.iter().any(|p| p.path == "plan.toml"));
    let p = fs::read_to_string(d.path().join("content/programs/p-0086/program.toml")).unwrap();
    assert!(
        p.contains("place = { seisaku = \"1\", shisaku = \"1-01\", kihon = \"1-01-01\", naiyo = \"1-01-01-1\" }"),
        "{p}"
    );
    checks_clean(d.path());
}

/// One worksheet per program, laid out like a paper form, for the shisaku
/// form: labels with their values to the right (one label merged over two
/// cells) or below, the code at a fixed cell, the 施策 by its name, and a
/// year table whose first column writes the year in three ways.
const SHISAKU_MAPPING: &str = r#"
layout = "form"
exclude = ["記入例"]

[fields]
name = { right_of = "事業名" }
department = { right_of = "担当課" }
code = { cell = "H3" }
purpose = { below = "事業の目的" }
"place.shisaku" = { right_of = "施策" }

[year_table]
range = "B12:E14"

[year_table.fields]
"budget.amount" = 1
"settlement.amount" = 2
activities = 3
"#;

struct FormSheet<'a> {
    sheet: &'a str,
    name: &'a str,
    code: &'a str,
    department: &'a str,
    policy: &'a str,
    purpose: &'a str,
    years: [[&'a str; 4]; 3],
}

fn shisaku_workbook(path: &Path, sheets: &[FormSheet]) {
    let mut wb = Workbook::new();
    let f = Format::new();
    let example = wb.add_worksheet();
    example.set_name("記入例").unwrap();
    example.write_string(2, 1, "事業名").unwrap();
    example.write_string(2, 3, "（ここに事業名）").unwrap();
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(s.sheet).unwrap();
        ws.write_string(0, 0, "事業評価シート").unwrap();
        ws.merge_range(2, 1, 2, 2, "事業名", &f).unwrap();
        ws.write_string(2, 3, s.name).unwrap();
        ws.write_string(2, 6, "事業コード").unwrap();
        ws.write_string(2, 7, s.code).unwrap();
        ws.write_string(3, 1, "担当課").unwrap();
        ws.write_string(3, 2, s.department).unwrap();
        ws.write_string(5, 1, "施策").unwrap();
        ws.write_string(5, 2, s.policy).unwrap();
        ws.write_string(7, 1, "事業の目的").unwrap();
        ws.write_string(8, 1, s.purpose).unwrap();
        for (c, h) in ["年度", "予算現額", "決算", "実施内容"].iter().enumerate() {
            ws.write_string(10, 1 + c as u16, *h).unwrap();
        }
        for (r, row) in s.years.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(11 + r as u32, 1 + c as u16, *v).unwrap();
                }
            }
        }
    }
    wb.save(path).unwrap();
}

fn shisaku_sheets() -> Vec<FormSheet<'static>> {
    vec![
        FormSheet {
            sheet: "がん検診",
            name: "がん検診事業",
            code: "0053",
            department: "健康福祉課\t",
            policy: "施策1 生活習慣病の予防",
            purpose: "がんの早期発見のため、\n胃・肺・大腸がんの検診を行う。",
            years: [
                [
                    "令和4年度",
                    "24,500",
                    "23,880",
                    "胃がん検診に内視鏡検査を加えた。",
                ],
                ["R5", "２５，１００", "24,610", ""],
                ["2024", "25600", "", ""],
            ],
        },
        FormSheet {
            sheet: "休日診療",
            name: "休日当番医事業",
            code: "0061",
            department: "健康福祉課",
            policy: "1-1-2",
            purpose: "休日の急病に備え、当番医を確保する。",
            years: [
                ["令和4年度", "8,200", "8,200", "—"],
                ["令和5年度", "8,400", "—", ""],
                ["", "", "", ""],
            ],
        },
    ]
}

/// The shisaku test site's site.toml, form, plan and policies.
fn shisaku_site() -> tempfile::TempDir {
    without_programs(&common::repo_root().join("tests/sites/form-shisaku"))
}

#[test]
fn a_workbook_of_one_sheet_a_program_imports_into_the_shisaku_form() {
    let d = shisaku_site();
    let book = d.path().join("評価シート.xlsx");
    shisaku_workbook(&book, &shisaku_sheets());
    let mapping = d.path().join("mapping.toml");
    fs::write(&mapping, SHISAKU_MAPPING).unwrap();
    let out = run(&opts(d.path(), mapping.clone(), book.clone()))
        .unwrap_or_else(|(diags, _)| panic!("{}", diags.render(Default::default())));
    assert_eq!(out.summary.programs, 2, "the example sheet is left out");
    assert_eq!(out.summary.years, 5);
    assert_eq!(out.summary.problems, 0);
    let content = d.path().join("content");
    has_all(
        content.join("programs/p-0053/program.toml"),
        &[
            "name = \"がん検診事業\"  # 事業名（評価シート.xlsx!がん検診!D3）",
            "department = \"健康福祉課\"",
            "code = \"0053\"",
            "purpose = \"\"\"\nがんの早期発見のため、\n胃・肺・大腸がんの検診を行う。\"\"\"",
            // The 施策 by its name; the levels above from plan.toml.
            "place = { mokuhyo = \"1\", kihon = \"1-1\", shisaku = \"1-1-1\" }",
        ],
    );
    let y = fs::read_to_string(content.join("programs/p-0053/2023.toml")).unwrap();
    assert!(y.contains("amount = 25100"), "{y}");
    assert!(y.starts_with("# がん検診事業 2023年度"), "R5 is 2023:\n{y}");
    let y = fs::read_to_string(content.join("programs/p-0061/2023.toml")).unwrap();
    assert!(y.contains("[settlement]  # 決算\namount = \"—\""), "{y}");
    checks_clean(d.path());
    let (_g, site) = common::build_site(d.path());
    page_has(
        &site,
        "programs/p-0053/index.html",
        &["がん検診事業", "25,100", "24,610", "施策1 生活習慣病の予防"],
    );
    let page = common::text_of(&common::read(&site, "programs/p-0053/2022/index.html"));
    assert!(page.contains("胃がん検診に内視鏡検査を加えた。"), "{page}");
    let cells = out.cells();
    assert!(
        cells.contains("評価シート.xlsx!休日診療!C6 → place.shisaku（施策）= 1-1-2"),
        "{cells}"
    );

    // A 施策 the plan lacks, and a sheet without one of the labels.
    let mut sheets = shisaku_sheets();
    sheets[0].policy = "施策1 生活習慣病予防";
    shisaku_workbook(&book, &sheets);
    let (diags, _) = run(&opts(d.path(), mapping, book)).unwrap_err();
    let e: Vec<_> = diags.iter().filter(|x| x.code == "E170").collect();
    assert_eq!(e.len(), 1, "{}", diags.render(Default::default()));
    assert_eq!(at(e[0]), Path::new("評価シート.xlsx!がん検診!C6"));
    assert!(
        e[0].help
            .as_ref()
            .unwrap()
            .contains("「施策1 生活習慣病の予防」のことですか"),
        "{:?}",
        e[0].help
    );
}

#[test]
fn the_shipped_csv_mapping_is_the_one_mieru_makes_for_the_built_in_form() {
    let path = common::repo_root().join("mappings/mieru-programs-csv.toml");
    let made = mieru::import::own_csv::mapping(&mieru::form::Form::default_form());
    if std::env::var_os("MIERU_BLESS").is_some() {
        fs::write(&path, &made).unwrap();
    }
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        made,
        "run with MIERU_BLESS=1 to write it"
    );
}

#[test]
fn the_bundled_form_sites_csv_imports_back_byte_for_byte() {
    // `mieru-csv` makes the mapping from the site's form: the plan codes,
    // every money column, 決算見込, the evaluation stages and criteria with
    // their reasons, and the city's own fields under their labels.
    for site in ["form-jimu-jigyo", "form-shisaku"] {
        let root = common::repo_root().join("tests/sites").join(site);
        round_trip_with(
            &root,
            "data/programs.csv",
            &["data/programs.csv", "data/programs.json"],
            PathBuf::from("mieru-csv"),
        );
    }
}

#[test]
fn a_first_import_into_a_new_site_says_what_the_starter_files_are() {
    // As `mieru init --form jimu-jigyo` leaves it: a sample plan.toml and
    // a sample program.
    let d = without_programs(&common::repo_root().join("tests/sites/form-jimu-jigyo"));
    let sample =
        common::repo_root().join("tests/sites/form-jimu-jigyo/content/programs/jishu-bosai");
    common::copy_tree(&sample, &d.path().join("content/programs/jishu-bosai"));
    let book = d.path().join("事務事業.xlsx");
    jimu_workbook(&book, &jimu_rows());
    let mapping = d.path().join("mapping.toml");
    fs::write(&mapping, JIMU_MAPPING).unwrap();
    let (diags, _) = run(&opts(d.path(), mapping.clone(), book.clone())).unwrap_err();
    let e = diags.iter().find(|x| x.code == "E167").unwrap();
    assert_eq!(at(e), Path::new("content/plan.toml"));
    assert!(e
        .help
        .as_ref()
        .unwrap()
        .contains("mieru init のひな形の plan.toml なら消してください"));
    let w = diags.iter().find(|x| x.code == "W154").unwrap();
    assert!(w.message_ja.contains("jishu-bosai"), "{}", w.message_ja);
    // Without them, the import goes through and says nothing more.
    fs::remove_file(d.path().join("content/plan.toml")).unwrap();
    fs::remove_dir_all(d.path().join("content/programs/jishu-bosai")).unwrap();
    let out = run(&opts(d.path(), mapping, book)).unwrap();
    assert!(
        out.diagnostics.is_empty(),
        "{}",
        out.diagnostics.render(Default::default())
    );
}

#[test]
fn the_policies_a_sheet_lists_are_written_when_the_mapping_names_their_outline() {
    // The example site's CSV into a site that has only its site.toml: the
    // 施策, its 大綱 and its directions come from the sheet.
    let (_g, built) = common::build_site(&common::repo_root());
    let d = tempfile::tempdir().unwrap();
    fs::create_dir_all(d.path().join("content")).unwrap();
    fs::copy(
        common::repo_root().join("content/site.toml"),
        d.path().join("content/site.toml"),
    )
    .unwrap();
    let input = d.path().join("programs.csv");
    fs::copy(built.join("data/programs.csv"), &input).unwrap();
    let shipped =
        fs::read_to_string(common::repo_root().join("mappings/mieru-programs-csv.toml")).unwrap();
    let mapping_text = shipped.replace(
        "policy = \"施策\"",
        "policy = { column = \"施策\", outline = \"施策の大綱\" }",
    );
    assert_ne!(mapping_text, shipped);
    let mapping = d.path().join("mapping.toml");
    fs::write(&mapping, &mapping_text).unwrap();
    let out = run(&opts(d.path(), mapping.clone(), input.clone()))
        .unwrap_or_else(|(diags, _)| panic!("{}", diags.render(Default::default())));
    assert!(
        out.diagnostics.is_empty(),
        "{}",
        out.diagnostics.render(Default::default())
    );
    has_all(
        d.path().join("content/policies/s-0001.toml"),
        &[
            "name = \"連携事業\"",
            "outline = \"行財政運営の効率化\"  # 施策の大綱",
            "id = \"d1\"\nname = \"広域行政の展開\"",
            "id = \"d2\"\nname = \"連携事業の推進\"",
        ],
    );
    let p = fs::read_to_string(
        d.path()
            .join("content/programs/teiju-jiritsuken/program.toml"),
    )
    .unwrap();
    assert!(p.contains("policy = \"s-0001\""), "{p}");
    assert!(p.contains("direction = \"d1\""), "{p}");
    checks_clean(d.path());
    let (_g2, site) = common::build_site(d.path());
    page_has(
        &site,
        "policies/s-0001/index.html",
        &[
            "連携事業",
            "行財政運営の効率化",
            "広域行政の展開",
            "定住自立圏構想推進事業",
        ],
    );

    // A 大綱 written otherwise on a later row keeps the first (W155); a
    // 施策 no row gives a 大綱 is an error at its cell (E174).
    let (header, mut rows) = {
        let text = fs::read_to_string(&input).unwrap();
        let mut r = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let h: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
        let rows: Vec<Vec<String>> = r
            .records()
            .map(|x| x.unwrap().iter().map(str::to_string).collect())
            .collect();
        (h, rows)
    };
    let outline = header.iter().position(|h| h == "施策の大綱").unwrap();
    let name = header.iter().position(|h| h == "施策").unwrap();
    // The first row of the other program (the same 施策).
    let id = header.iter().position(|h| h == "事業ID").unwrap();
    let other = rows.iter().position(|r| r[id] != rows[0][id]).unwrap();
    rows[other][outline] = "行財政の効率化".into();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).unwrap();
    for r in &rows {
        w.write_record(r).unwrap();
    }
    let d2 = tempfile::tempdir().unwrap();
    fs::create_dir_all(d2.path().join("content")).unwrap();
    fs::copy(
        common::repo_root().join("content/site.toml"),
        d2.path().join("content/site.toml"),
    )
    .unwrap();
    let bad = d2.path().join("programs.csv");
    fs::write(&bad, w.into_inner().unwrap()).unwrap();
    let out = run(&opts(d2.path(), mapping.clone(), bad.clone())).unwrap();
    let w155: Vec<_> = out
        .diagnostics
        .iter()
        .filter(|x| x.code == "W155")
        .collect();
    assert_eq!(
        w155.len(),
        1,
        "{}",
        out.diagnostics.render(Default::default())
    );
    assert!(w155[0]
        .help
        .as_ref()
        .unwrap()
        .contains("「行財政の効率化」"));
    // A direction typed a letter off on one row: written, and warned.
    let dir = header.iter().position(|h| h == "施策の方向").unwrap();
    let write_csv = |path: &Path, rows: &[Vec<String>]| {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&header).unwrap();
        for r in rows {
            w.write_record(r).unwrap();
        }
        fs::write(path, w.into_inner().unwrap()).unwrap();
    };
    // (One program's 広域行政の展開, beside the other's 連携事業の推進.)
    let mut typo = rows.clone();
    for r in typo.iter_mut().filter(|r| r[dir] == "広域行政の展開") {
        r[dir] = "連携事業の推新".into();
    }
    let d4 = tempfile::tempdir().unwrap();
    fs::create_dir_all(d4.path().join("content")).unwrap();
    let typo_csv = d4.path().join("programs.csv");
    write_csv(&typo_csv, &typo);
    let out = run(&Options {
        dry_run: true,
        ..opts(d4.path(), mapping.clone(), typo_csv)
    })
    .unwrap();
    // (This site has no site.toml yet: import says so.)
    assert!(out.diagnostics.iter().any(|x| x.code == "W157"));
    assert!(
        out.diagnostics
            .iter()
            .any(|x| x.code == "W156" && x.message_ja.contains("「連携事業の推")),
        "{}",
        out.diagnostics.render(Default::default())
    );
    // A negative budget is refused at its cell (mieru check would refuse
    // the file).
    let budget = header.iter().position(|h| h == "予算額（千円）").unwrap();
    let state = header.iter().position(|h| h == "予算額_状態").unwrap();
    let mut negative = rows.clone();
    let with_value = negative.iter().position(|r| r[state] == "value").unwrap();
    negative[with_value][budget] = "△50".into();
    let neg_csv = d4.path().join("negative.csv");
    write_csv(&neg_csv, &negative);
    let (diags, _) = run(&opts(d4.path(), mapping.clone(), neg_csv)).unwrap_err();
    let e = diags.iter().find(|x| x.code == "E163").unwrap();
    assert!(
        e.message_ja
            .contains("0 以上の金額として読めない値です：「△50」"),
        "{}",
        e.message_ja
    );
    assert!(e.help.as_ref().unwrap().contains("補正予算"));
    for r in &mut rows {
        r[outline] = String::new();
        r[name] = "連携事業".into();
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).unwrap();
    for r in &rows {
        w.write_record(r).unwrap();
    }
    let d3 = tempfile::tempdir().unwrap();
    fs::create_dir_all(d3.path().join("content")).unwrap();
    let bad = d3.path().join("programs.csv");
    fs::write(&bad, w.into_inner().unwrap()).unwrap();
    let (diags, _) = run(&opts(d3.path(), mapping, bad)).unwrap_err();
    let e = diags.iter().find(|x| x.code == "E174").unwrap();
    assert!(e
        .message_ja
        .contains("施策「連携事業」の施策の大綱がどの行にもありません"));
    assert!(!d3.path().join("content/policies").exists());

    // Back to policies by name, with a second file of the same name (such
    // as init's sample): which one is meant cannot be told.
    fs::copy(
        common::repo_root().join("content/policies/renkei-jigyo.toml"),
        d.path().join("content/policies/renkei-jigyo.toml"),
    )
    .unwrap();
    let by_name = d.path().join("by-name.toml");
    fs::write(&by_name, &shipped).unwrap();
    let (diags, _) = run(&opts(d.path(), by_name, input)).unwrap_err();
    let e = diags.iter().find(|x| x.code == "E175").unwrap();
    assert!(
        e.message_ja.contains("renkei-jigyo.toml、s-0001.toml"),
        "{}",
        e.message_ja
    );
}

#[test]
fn a_plan_whose_codes_recur_on_two_levels_and_whose_names_recur_is_read_as_the_site_reads_it() {
    // 施策 1 lies under 政策 2 (not 政策 1: the parent is looked for at the
    // nearest level up); a 基本事業 その他 under each 施策.
    let d = jimu_site();
    fs::remove_dir_all(d.path().join("content/policies")).unwrap();
    fs::write(
        d.path().join("content/plan.toml"),
        r#"
[[nodes]]
level = "seisaku"
code = "1"
name = "政策一"
[[nodes]]
level = "seisaku"
code = "2"
name = "政策二"
[[nodes]]
level = "shisaku"
code = "1"
parent = "2"
name = "施策甲"
[[nodes]]
level = "shisaku"
code = "3"
parent = "1"
name = "施策乙"
[[nodes]]
level = "kihon"
code = "11"
parent = "1"
name = "その他"
[[nodes]]
level = "kihon"
code = "31"
parent = "3"
name = "その他"
"#,
    )
    .unwrap();
    let mut mapping = JIMU_MAPPING.to_string();
    for (level, header) in [
        ("seisaku", "政策"),
        ("shisaku", "施策"),
        ("kihon", "基本事業"),
        ("naiyo", "施策内容"),
    ] {
        mapping = mapping.replace(
            &format!("\"place.{level}\" = {{ column = \"{header}コード\", name = \"{header}\" }}"),
            &format!("\"place.{level}\" = \"{header}コード\""),
        );
    }
    let path = d.path().join("mapping.toml");
    fs::write(&path, &mapping).unwrap();
    let mut rows = jimu_rows();
    // Only the 基本事業: the levels above follow from it.
    (rows[0].0[15], rows[0].0[17], rows[0].0[19], rows[0].0[21]) = ("", "", "11", "");
    // A recurring name, told apart by the 施策 the row gives.
    (rows[1].0[15], rows[1].0[17], rows[1].0[19], rows[1].0[21]) = ("1", "3", "その他", "");
    // A 施策 code under the 政策 of the other code.
    (rows[2].0[15], rows[2].0[17], rows[2].0[19], rows[2].0[21]) = ("2", "1", "11", "—");
    let book = d.path().join("事務事業.xlsx");
    jimu_workbook(&book, &rows);
    let out = run(&opts(d.path(), path, book))
        .unwrap_or_else(|(diags, _)| panic!("{}", diags.render(Default::default())));
    let place = |slug: &str| {
        let p = fs::read_to_string(
            d.path()
                .join(format!("content/programs/{slug}/program.toml")),
        )
        .unwrap();
        p.lines()
            .find(|l| l.starts_with("place = "))
            .unwrap()
            .split("  #")
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        place("p-0086"),
        "place = { seisaku = \"2\", shisaku = \"1\", kihon = \"11\", naiyo = \"―\" }"
    );
    assert_eq!(
        place("p-0120"),
        "place = { seisaku = \"1\", shisaku = \"3\", kihon = \"31\", naiyo = \"―\" }"
    );
    assert_eq!(
        place("p-0201"),
        "place = { seisaku = \"2\", shisaku = \"1\", kihon = \"11\", naiyo = \"―\" }"
    );
    assert!(
        out.diagnostics.is_empty(),
        "{}",
        out.diagnostics.render(Default::default())
    );
    checks_clean(d.path());
}

#[test]
fn names_with_line_breaks_and_colliding_policy_codes_still_make_valid_distinct_files() {
    let d = tempfile::tempdir().unwrap();
    fs::create_dir_all(d.path().join("content")).unwrap();
    fs::copy(
        common::repo_root().join("content/site.toml"),
        d.path().join("content/site.toml"),
    )
    .unwrap();
    let csv = d.path().join("一覧.csv");
    fs::write(
        &csv,
        "事業名,担当課,大綱,施策コード,施策,方向\n\
         \"子育て\n応援事業\",子育て支援課,大綱A,0002,\"子育て\n支援\",方向一\n\
         防災事業,危機管理課,大綱A,,防災,方向二\n",
    )
    .unwrap();
    let mapping = d.path().join("mapping.toml");
    fs::write(
        &mapping,
        "layout = \"table\"\n[columns]\nname = \"事業名\"\ndepartment = \"担当課\"\n\
         policy = { column = \"施策\", outline = \"大綱\", code = \"施策コード\" }\ndirection = \"方向\"\n",
    )
    .unwrap();
    let out = run(&opts(d.path(), mapping, csv))
        .unwrap_or_else(|(diags, _)| panic!("{}", diags.render(Default::default())));
    let mut policies: Vec<&str> = out
        .plan
        .iter()
        .filter_map(|p| p.path.strip_prefix("policies/"))
        .collect();
    policies.sort();
    // The second 施策 has no code: its number would be the first's code.
    assert_eq!(policies, ["s-0002-2.toml", "s-0002.toml"]);
    for f in &out.plan {
        let text = fs::read_to_string(d.path().join("content").join(&f.path)).unwrap();
        if let Err(e) = text.parse::<toml::Table>() {
            panic!("{}: {e}\n{text}", f.path);
        }
    }
    checks_clean(d.path());
}

#[test]
fn the_csv_mapping_of_a_form_with_a_table_field_leaves_the_table_out() {
    let text = format!(
        "{}\n[[program.sections]]\nkey = \"kankei\"\nheading = \"関係課\"\n\n[[program.sections.fields]]\nkey = \"related\"\nlabel = \"関係課\"\nkind = \"table\"\ncolumns = [{{ key = \"name\", label = \"課名\", kind = \"text\" }}]\n",
        mieru::form::bundled("jimu-jigyo").unwrap().text
    );
    let file = mieru::load::SourceFile::new(PathBuf::from("content/form.toml"), text);
    let mut diags = mieru::diag::Diagnostics::new();
    let form = mieru::form::read_declared(std::sync::Arc::new(file), &mut diags)
        .unwrap_or_else(|| panic!("{}", diags.render(Default::default())));
    let made = mieru::import::own_csv::mapping(&form);
    assert!(!made.contains("extra.related"), "{made}");
    assert!(made.contains("\"extra.bu\" = "), "{made}");
    if let Err(d) = mieru::import::mapping::parse(Path::new("mieru-csv"), &made, &form) {
        panic!("{}", d.render(Default::default()));
    }
}

#[test]
fn several_indicators_of_a_program_each_with_its_years() {
    let d = site();
    let csv = d.path().join("指標.csv");
    fs::write(
        &csv,
        "事業名,担当課,施策,方向,指標,単位,指標2,単位2,種類2,目標,実績,目標2,実績2,見込2,目標,実績,目標2,実績2,見込2\n\
         定住促進事業,企画課,連携事業,広域行政の展開,協定の締結,—,移住の相談件数,件,活動指標,協定締結,未締結,100,96,—,協定締結,,120,,130\n",
    )
    .unwrap();
    let mapping = d.path().join("mapping.toml");
    fs::write(
        &mapping,
        r#"
layout = "table"
[columns]
name = "事業名"
department = "担当課"
policy = "施策"
direction = "方向"
"indicator.name" = "指標"
"indicator.unit" = "単位"
"indicator2.name" = "指標2"
"indicator2.unit" = "単位2"
"indicator2.kind" = "種類2"

[year_blocks]
first = "J"
stride = 5
years = [2020, 2021]

[year_blocks.fields]
target = 0
result = 1
"indicator2.target" = 2
"indicator2.result" = 3
"indicator2.forecast" = 4
"#,
    )
    .unwrap();
    let out = run(&opts(d.path(), mapping, csv))
        .unwrap_or_else(|(diags, _)| panic!("{}", diags.render(Default::default())));
    assert!(
        out.diagnostics.is_empty(),
        "{}",
        out.diagnostics.render(Default::default())
    );
    let slug = &out.programs[0].slug;
    has_all(
        d.path()
            .join(format!("content/programs/{slug}/program.toml")),
        &[
            "[[indicators]]  # 指標2\nid = \"i2\"\nname = \"移住の相談件数\"",
            "kind = \"活動指標\"",
        ],
    );
    has_all(
        d.path().join(format!("content/programs/{slug}/2020.toml")),
        &[
            "target = \"協定締結\"",
            "[[indicators]]  # 指標の値\nindicator = \"i2\"\ntarget = 100",
            "result = 96",
            "forecast = \"—\"",
        ],
    );
    has_all(
        d.path().join(format!("content/programs/{slug}/2021.toml")),
        &["indicator = \"i2\"\ntarget = 120", "forecast = 130"],
    );
    checks_clean(d.path());
    let (_g, site) = common::build_site(d.path());
    page_has(
        &site,
        &format!("programs/{slug}/index.html"),
        &["移住の相談件数", "96件", "120件"],
    );
}

#[test]
fn a_typed_key_the_form_does_not_show_is_refused_in_the_mapping() {
    // The shisaku form shows no 開始年度: check would refuse it (E078), so
    // the mapping is refused first, at its line, and nothing is written.
    let d = shisaku_site();
    let book = d.path().join("評価シート.xlsx");
    shisaku_workbook(&book, &shisaku_sheets());
    let text = SHISAKU_MAPPING.replace(
        "purpose = { below = \"事業の目的\" }",
        "purpose = { below = \"事業の目的\" }\nstart_year = { right_of = \"開始年度\" }",
    );
    assert_ne!(text, SHISAKU_MAPPING);
    let mapping = d.path().join("mapping.toml");
    fs::write(&mapping, &text).unwrap();
    let (diags, _) = run(&opts(d.path(), mapping, book)).unwrap_err();
    let line = text
        .lines()
        .position(|l| l.starts_with("start_year"))
        .unwrap()
        + 1;
    let e = diags.iter().find(|x| x.code == "E155").unwrap();
    assert_eq!(e.location.as_ref().unwrap().line, line);
    assert!(
        e.message_ja
            .contains("`start_year`（開始年度）を表示しません"),
        "{}",
        e.message_ja
    );
    assert!(!d.path().join("content/programs").exists());
}
