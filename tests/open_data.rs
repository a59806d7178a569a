//! The open data: CSV and JSON read back give the same numbers and the same
//! three states as the TOML sheets, the JSON follows its JSON Schema, and
//! nothing in a CSV cell can run as a spreadsheet formula.

mod common;

use common::{build_site, read, repo_root, text_of};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn site() -> &'static PathBuf {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &OUT.get_or_init(|| build_site(&repo_root())).1
}

/// A CSV file as header + rows, checking the byte-level format on the way:
/// BOM, CRLF line ends.
fn read_csv(out: &Path, rel: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let bytes = std::fs::read(out.join(rel)).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "{rel}: UTF-8 BOM");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(text.ends_with("\r\n"), "{rel}: CRLF at the end");
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// The cell of `column` in the row where 事業名 and 年度 match.
fn cell(header: &[String], rows: &[Vec<String>], program: &str, year: i32, column: &str) -> String {
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name:?} in {header:?}"))
    };
    let (n, y, c) = (col("事業名"), col("年度"), col(column));
    let row = rows
        .iter()
        .find(|r| r[n] == program && r[y] == year.to_string())
        .unwrap_or_else(|| panic!("no row for {program} {year}"));
    row[c].clone()
}

const TEIJU: &str = "定住自立圏構想推進事業";
const NODAI: &str = "東京農業大学との包括連携事業";

#[test]
fn programs_csv_starts_with_the_city_code_name_and_year() {
    let (header, rows) = read_csv(site(), "data/programs.csv");
    assert_eq!(
        &header[..4],
        ["全国地方公共団体コード", "地方公共団体名", "年度", "和暦"]
    );
    assert!(!rows.is_empty());
    for r in &rows {
        assert_eq!(r[0], "082112");
        assert_eq!(r[1], "常総市");
    }
    assert_eq!(cell(&header, &rows, TEIJU, 2020, "和暦"), "令和2年度");
    assert_eq!(cell(&header, &rows, TEIJU, 2019, "和暦"), "令和元年度");
}

#[test]
fn seed_amounts_and_states_read_back_from_csv() {
    let (h, rows) = read_csv(site(), "data/programs.csv");
    // 令和2年度の決算額は20千円。
    assert_eq!(cell(&h, &rows, TEIJU, 2020, "決算額（千円）"), "20");
    assert_eq!(cell(&h, &rows, TEIJU, 2020, "決算額_状態"), "value");
    // 東京農業大学：令和2年度の決算額は「—」（該当なし）、0 ではない。
    assert_eq!(cell(&h, &rows, NODAI, 2020, "決算額（千円）"), "");
    assert_eq!(
        cell(&h, &rows, NODAI, 2020, "決算額_状態"),
        "not_applicable"
    );
    // 令和4年度の予算額は未記入。
    assert_eq!(cell(&h, &rows, NODAI, 2022, "予算額（千円）"), "");
    assert_eq!(cell(&h, &rows, NODAI, 2022, "予算額_状態"), "blank");
    assert_eq!(cell(&h, &rows, NODAI, 2021, "予算額（千円）"), "500");
    assert_eq!(cell(&h, &rows, TEIJU, 2020, "成果目標"), "協定締結");
    assert_eq!(cell(&h, &rows, TEIJU, 2020, "成果実績"), "未締結");
}

/// A sheet amount as the TOML says it, read without mieru: (text, state).
fn toml_amount(v: Option<&toml::Value>) -> (String, &'static str) {
    match v {
        Some(toml::Value::Integer(n)) => (n.to_string(), "value"),
        Some(toml::Value::String(s)) if s.trim().is_empty() => (String::new(), "blank"),
        Some(toml::Value::String(_)) => (String::new(), "not_applicable"),
        None => (String::new(), "blank"),
        Some(other) => panic!("unexpected amount {other:?}"),
    }
}

#[test]
fn every_amount_of_every_sheet_matches_the_toml() {
    let (h, rows) = read_csv(site(), "data/programs.csv");
    let mut checked = 0;
    for dir in std::fs::read_dir(repo_root().join("content/programs")).unwrap() {
        let dir = dir.unwrap().path();
        let program: toml::Table =
            toml::from_str(&std::fs::read_to_string(dir.join("program.toml")).unwrap()).unwrap();
        let name = program["name"].as_str().unwrap();
        let start = program.get("start_year").and_then(|v| v.as_integer());
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            let Some(year) = f
                .file_stem()
                .and_then(|s| s.to_str())
                .and_then(|s| s.parse::<i32>().ok())
            else {
                continue;
            };
            let sheet: toml::Table = toml::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
            for (table, label) in [("budget", "予算額"), ("settlement", "決算額")] {
                for (key, col) in [
                    ("amount", label.to_string()),
                    ("special_funding", format!("{label}のうち特定財源")),
                ] {
                    let v = sheet
                        .get(table)
                        .and_then(|t| t.as_table())
                        .and_then(|t| t.get(key));
                    let (value, mut state) = toml_amount(v);
                    // Before the program's start nothing is "not yet filled in".
                    if state == "blank" && start.is_some_and(|s| i64::from(year) < s) {
                        state = "not_applicable";
                    }
                    assert_eq!(
                        cell(&h, &rows, name, year, &format!("{col}（千円）")),
                        value,
                        "{name} {year} {col}"
                    );
                    assert_eq!(
                        cell(&h, &rows, name, year, &format!("{col}_状態")),
                        state,
                        "{name} {year} {col}"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 32, "checked {checked} amounts");
}

fn json(out: &Path, rel: &str) -> serde_json::Value {
    serde_json::from_str(&read(out, rel)).unwrap()
}

fn record<'a>(j: &'a serde_json::Value, program: &str, year: i64) -> &'a serde_json::Value {
    j["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["program_name"] == program && r["fiscal_year"] == year)
        .unwrap_or_else(|| panic!("no record {program} {year}"))
}

#[test]
fn seed_amounts_and_states_read_back_from_json() {
    let j = json(site(), "data/programs.json");
    assert_eq!(j["city_code"], "082112");
    assert_eq!(j["money_unit"], "千円");
    assert_eq!(j["licence"]["name"], "CC BY 4.0");
    let t = record(&j, TEIJU, 2020);
    assert_eq!(
        t["settlement"],
        serde_json::json!({"state": "value", "value": 20})
    );
    assert_eq!(t["wareki"], "令和2年度");
    let n = record(&j, NODAI, 2020);
    assert_eq!(
        n["settlement"],
        serde_json::json!({"state": "not_applicable"})
    );
    let n = record(&j, NODAI, 2022);
    assert_eq!(n["budget"], serde_json::json!({"state": "blank"}));
    assert_eq!(
        record(&j, TEIJU, 2020)["target"],
        serde_json::json!({"state": "value", "value": "協定締結"})
    );
}

fn validator(out: &Path, dataset: &str) -> jsonschema::Validator {
    let schema = json(out, &format!("data/{dataset}.schema.json"));
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    jsonschema::draft202012::new(&schema).unwrap()
}

#[test]
fn every_json_file_follows_its_schema() {
    let out = site();
    for d in ["programs", "indicators", "policies"] {
        let v = validator(out, d);
        let data = json(out, &format!("data/{d}.json"));
        let errors: Vec<String> = v.iter_errors(&data).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{d}: {errors:?}");
        assert!(!data["records"].as_array().unwrap().is_empty(), "{d}");
    }
    let programs = validator(out, "programs");
    for p in ["teiju-jiritsuken", "tokyo-nodai-renkei"] {
        let data = json(out, &format!("programs/{p}/data.json"));
        assert!(programs.is_valid(&data), "{p}");
    }
    let policies = validator(out, "policies");
    assert!(policies.is_valid(&json(out, "policies/renkei-jigyo/data.json")));
}

#[test]
fn the_schema_rejects_a_dash_turned_into_zero_or_a_value_without_state() {
    let out = site();
    let v = validator(out, "programs");
    let good = json(out, "data/programs.json");
    let mut zero = good.clone();
    zero["records"][0]["settlement"] = serde_json::json!(0);
    assert!(!v.is_valid(&zero));
    let mut no_value = good.clone();
    no_value["records"][0]["budget"] = serde_json::json!({"state": "value"});
    assert!(!v.is_valid(&no_value));
    let mut extra = good;
    extra["records"][0]["budget"] = serde_json::json!({"state": "blank", "value": 0});
    assert!(!v.is_valid(&extra));
}

#[test]
fn indicators_and_policies_carry_their_states() {
    let out = site();
    let (h, rows) = read_csv(out, "data/indicators.csv");
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let baseline = rows
        .iter()
        .find(|r| r[col("区分")] == "基準値")
        .expect("a baseline row");
    assert_eq!(baseline[col("年・年度")], "2017");
    assert_eq!(baseline[col("値")], "12.3");
    assert_eq!(baseline[col("値_状態")], "value");
    let (h, rows) = read_csv(out, "data/policies.csv");
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let y2021 = rows.iter().find(|r| r[col("年度")] == "2021").unwrap();
    assert_eq!(y2021[col("予算額の合計（千円）")], "600");
    assert_eq!(y2021[col("目標の達成状況_状態")], "blank");
    assert_eq!(y2021[col("行政改革懇談会の意見_状態")], "value");
}

#[test]
fn each_program_and_policy_page_links_its_own_data() {
    let out = site();
    for (page, csv) in [
        (
            "programs/teiju-jiritsuken/index.html",
            "programs/teiju-jiritsuken/data.csv",
        ),
        (
            "programs/tokyo-nodai-renkei/index.html",
            "programs/tokyo-nodai-renkei/data.csv",
        ),
        (
            "policies/renkei-jigyo/index.html",
            "policies/renkei-jigyo/data.csv",
        ),
    ] {
        let html = read(out, page);
        assert!(html.contains("data.csv"), "{page} links its CSV");
        assert!(html.contains("data.json"), "{page} links its JSON");
        assert!(out.join(csv).is_file());
    }
    let (h, rows) = read_csv(out, "programs/teiju-jiritsuken/data.csv");
    let name = h.iter().position(|x| x == "事業名").unwrap();
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|r| r[name] == TEIJU));
}

#[test]
fn data_page_lists_every_file_with_its_size_and_licence() {
    let out = site();
    let text = text_of(&read(out, "data/index.html"));
    assert!(text.contains("CC BY 4.0"));
    for f in [
        "programs.csv",
        "programs.json",
        "programs.schema.json",
        "indicators.csv",
        "indicators.json",
        "policies.csv",
        "policies.json",
        "README.md",
    ] {
        assert!(text.contains(f), "data page lists {f}");
        let size = std::fs::metadata(out.join("data").join(f)).unwrap().len() as usize;
        assert!(
            text.contains(&mieru::render::data::size_label(size)),
            "size of {f}: {size}"
        );
    }
    // Every column is described, with what "—" and blank become.
    for s in [
        "決算額_状態",
        "not_applicable",
        "全国地方公共団体コード",
        "千円",
    ] {
        assert!(text.contains(s), "{s}");
    }
    let readme = read(out, "data/README.md");
    assert!(readme.contains("| 決算額 | settlement |"));
}

/// A copy of the example site with one sheet changed.
fn fixture(edit: impl FnOnce(&Path)) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for d in ["content", "themes"] {
        copy_dir(&repo_root().join(d), &tmp.path().join(d));
    }
    edit(tmp.path());
    tmp
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

fn replace_in(path: &Path, from: &str, to: &str) {
    let s = std::fs::read_to_string(path).unwrap();
    assert!(s.contains(from), "{from:?} in {}", path.display());
    std::fs::write(path, s.replacen(from, to, 1)).unwrap();
}

#[test]
fn spreadsheet_formulas_in_text_are_neutralised_but_kept_in_json() {
    let site = fixture(|root| {
        replace_in(
            &root.join("content/programs/teiju-jiritsuken/2020.toml"),
            "target = \"協定締結\"",
            "target = \"=HYPERLINK(\\\"http://evil\\\",\\\"x\\\")\"",
        );
        replace_in(
            &root.join("content/programs/teiju-jiritsuken/2020.toml"),
            "result = \"未締結\"",
            "result = \"@SUM(1+1)\"",
        );
        replace_in(
            &root.join("content/programs/teiju-jiritsuken/program.toml"),
            "department = \"常創戦略課\"",
            "department = \"+常創戦略課\"",
        );
    });
    let (_g, out) = build_site(site.path());
    let (h, rows) = read_csv(&out, "data/programs.csv");
    assert_eq!(
        cell(&h, &rows, TEIJU, 2020, "成果目標"),
        "'=HYPERLINK(\"http://evil\",\"x\")"
    );
    assert_eq!(cell(&h, &rows, TEIJU, 2020, "成果実績"), "'@SUM(1+1)");
    assert_eq!(cell(&h, &rows, TEIJU, 2020, "担当部署"), "'+常創戦略課");
    // No cell of any CSV begins with a formula character.
    for f in [
        "data/programs.csv",
        "data/indicators.csv",
        "data/policies.csv",
    ] {
        let (_, rows) = read_csv(&out, f);
        for r in rows {
            for c in r {
                let formula = c.starts_with(['=', '+', '@', '\t', '\r'])
                    || (c.starts_with('-') && c.parse::<f64>().is_err());
                assert!(!formula, "{f}: {c:?}");
            }
        }
    }
    // Numbers stay numbers; the JSON keeps the text as written.
    assert_eq!(cell(&h, &rows, TEIJU, 2020, "決算額（千円）"), "20");
    let j = json(&out, "data/programs.json");
    assert_eq!(
        record(&j, TEIJU, 2020)["target"]["value"],
        "=HYPERLINK(\"http://evil\",\"x\")"
    );
}

#[test]
fn csv_quotes_commas_quotes_and_line_breaks() {
    let site = fixture(|root| {
        replace_in(
            &root.join("content/programs/teiju-jiritsuken/2020.toml"),
            "result = \"未締結\"",
            "result = \"未締結, \\\"協議中\\\"\\n次年度へ\"",
        );
    });
    let (_g, out) = build_site(site.path());
    let raw = read(&out, "data/programs.csv");
    assert!(
        raw.contains("\"未締結, \"\"協議中\"\"\n次年度へ\""),
        "RFC 4180 quoting"
    );
    let (h, rows) = read_csv(&out, "data/programs.csv");
    assert_eq!(
        cell(&h, &rows, TEIJU, 2020, "成果実績"),
        "未締結, \"協議中\"\n次年度へ"
    );
}
