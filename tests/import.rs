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
/// spelled two ways and a total row.
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
    y(ws, 4, 30, &["9999", "", "", "", "", "", "", "", "", ""]);
    y(ws, 5, 11, &["‐", "－", "-", "", "", "", "", "", "", ""]);
    ws.write_number(5, 30, 800.0).unwrap();
    ws.write_number(6, 11, 99999.0).unwrap();
    wb.save(path).unwrap();
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
    let y = fs::read_to_string(d.path().join("content/programs/p-0201006/2020.toml")).unwrap();
    for want in [
        "amount = 1200",
        "amount = 1000",
        "headcount = 0.5",
        "target = 29",
        "元の記載：29（4）",
        "result = \"—\"",
        "activities = \"説明会を開いた\"",
        "rating = \"B\"",
    ] {
        assert!(y.contains(want), "{want} in\n{y}");
    }
    // ●/○: ● selects, ○ is an unselected option.
    assert!(y.contains("decision = \"拡充\""), "{y}");
    let y21 = fs::read_to_string(d.path().join("content/programs/p-0201006/2021.toml")).unwrap();
    assert!(y21.contains("decision = \"現状維持\""), "{y21}");
    assert!(y21.contains("amount = \"—\""), "{y21}");
    assert!(y21.contains("result = -5"), "{y21}");
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

#[test]
fn the_readme_mappings_parse() {
    let readme = fs::read_to_string(common::repo_root().join("README.md")).unwrap();
    let section = readme.split("## 取り込み").nth(1).unwrap();
    let section = section.split("\n## ").next().unwrap();
    let blocks: Vec<&str> = section
        .split("```toml\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .collect();
    assert_eq!(blocks.len(), 2);
    for b in blocks {
        if let Err(d) = mieru::import::mapping::parse(Path::new("README.md"), b) {
            panic!("{}", d.render(Default::default()));
        }
    }
}
