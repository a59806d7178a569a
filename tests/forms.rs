//! The sites written in the bundled declared forms (tests/sites/form-*)
//! check without a problem, and every field each form declares is where a
//! reader looks for it: on the program's (or policy's) page, in the site's
//! CSV (the column headed by the field's label) and in the program's (or
//! policy's) data.json (under the field's key). The sheets' own blocks
//! (money across years, staff and total cost, the two-stage evaluation, the
//! plan, the policy indicators) show the sheet's values.
//!
//! How a value is shown: a choice lists every option, the selected ones as
//! `●一部委託（選択）` and the others as `○全部直営`; a flag is 該当 / 非該当;
//! "—" is 該当なし and a blank is 未記入; money is 1,234千円 (△1,234千円
//! when negative); eras are kept as written; a date is 2024年6月28日.

mod common;

use common::{build_site, read, repo_root, text_of};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use toml::{Table, Value};

const SITES: [&str; 2] = ["form-jimu-jigyo", "form-shisaku"];

fn site_root(name: &str) -> PathBuf {
    repo_root().join("tests/sites").join(name)
}

/// The built output of a test site, built once per test binary.
fn out(name: &str) -> &'static Path {
    static OUT: OnceLock<BTreeMap<&'static str, (tempfile::TempDir, PathBuf)>> = OnceLock::new();
    let all = OUT.get_or_init(|| {
        SITES
            .iter()
            .map(|s| (*s, build_site(&site_root(s))))
            .collect()
    });
    &all[name].1
}

fn toml_file(path: &Path) -> Table {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Removes white space, so that a value split over lines or by tags on the
/// page is still found.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// One declared field of a sheet, as the form writes it.
struct Field {
    key: String,
    label: String,
    kind: String,
    options: Vec<String>,
    unit: String,
    columns: Vec<Field>,
}

/// The keys the sheets know without a form: their kind is the core's.
const CORE: [&str; 6] = [
    "name",
    "department",
    "code",
    "purpose",
    "activities",
    "outline",
];

fn field_of(f: &Table, options: &Table) -> Field {
    let s = |k: &str| f.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let key = s("key");
    let kind = match s("kind").as_str() {
        "" if CORE.contains(&key.as_str()) => "text".to_string(),
        "" => panic!("field {key} has no kind"),
        k => k.to_string(),
    };
    let list = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|o| o.as_str().unwrap().to_string())
            .collect()
    };
    let options = match f.get("options") {
        Some(Value::String(name)) => list(&options[name]),
        Some(v) => list(v),
        None => Vec::new(),
    };
    let columns = f
        .get("columns")
        .and_then(Value::as_array)
        .map(|c| {
            c.iter()
                .map(|c| field_of(c.as_table().unwrap(), options_table_empty()))
                .collect()
        })
        .unwrap_or_default();
    Field {
        key,
        label: s("label"),
        kind,
        options,
        unit: s("unit"),
        columns,
    }
}

fn options_table_empty() -> &'static Table {
    static EMPTY: OnceLock<Table> = OnceLock::new();
    EMPTY.get_or_init(Table::new)
}

/// The declared (non-block) fields of `sheet` ("program", "year", "policy")
/// in the site's content/form.toml.
fn fields(site: &str, sheet: &str) -> Vec<Field> {
    let form = toml_file(&site_root(site).join("content/form.toml"));
    let empty = Table::new();
    let options = form
        .get("options")
        .and_then(Value::as_table)
        .unwrap_or(&empty);
    let mut out = Vec::new();
    let Some(sections) = form
        .get(sheet)
        .and_then(|s| s.get("sections"))
        .and_then(Value::as_array)
    else {
        return out;
    };
    for section in sections {
        for f in section
            .get("fields")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.push(field_of(f.as_table().unwrap(), options));
        }
    }
    out
}

const DASHES: [&str; 5] = ["—", "―", "-", "‐", "－"];

/// The three states of a written value.
enum State<'a> {
    Value(&'a Value),
    NotApplicable,
    Blank,
}

fn state(v: &Value) -> State<'_> {
    match v.as_str() {
        Some(s) if s.trim().is_empty() => State::Blank,
        Some(s) if DASHES.contains(&s.trim()) => State::NotApplicable,
        _ => State::Value(v),
    }
}

/// Money as the site shows it: 1,234千円, △1,234千円.
fn yen(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut s = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            s.push(',');
        }
        s.push(c);
    }
    format!("{}{s}千円", if n < 0 { "△" } else { "" })
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Integer(n) => n.to_string(),
        Value::Float(x) => x.to_string(),
        Value::Boolean(b) => b.to_string(),
        Value::Datetime(d) => d.to_string(),
        other => panic!("not a scalar: {other:?}"),
    }
}

/// The lines of a multi-line text, without the bullet marks a list item
/// may drop.
fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(|l| l.trim().trim_start_matches(['・', '●']).trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// The selected options of a choice value and its その他 text.
fn selected(v: &Value) -> (Vec<String>, Option<String>) {
    match v {
        Value::String(s) => (vec![s.clone()], None),
        Value::Array(a) => (a.iter().map(scalar).collect(), None),
        Value::Table(t) => {
            let (sel, _) = selected(&t["selected"]);
            (sel, t.get("other").map(scalar))
        }
        other => panic!("not a choice: {other:?}"),
    }
}

/// What the page shows for a value of `f`.
fn shown(f: &Field, v: &Value) -> Vec<String> {
    let v = match state(v) {
        State::NotApplicable => return vec!["該当なし".into()],
        State::Blank => return vec!["未記入".into()],
        State::Value(v) => v,
    };
    match f.kind.as_str() {
        "multiline" => lines(v.as_str().unwrap()),
        "list" => v.as_array().unwrap().iter().map(scalar).collect(),
        "date" => {
            let d = scalar(v);
            let p: Vec<u32> = d.split('-').map(|x| x.parse().unwrap()).collect();
            vec![format!("{}年{}月{}日", p[0], p[1], p[2])]
        }
        "money" => vec![yen(v.as_integer().unwrap())],
        "number" => vec![format!("{}{}", scalar(v), f.unit)],
        "flag" => vec![if v.as_bool().unwrap() {
            "該当"
        } else {
            "非該当"
        }
        .into()],
        "choice" => {
            let (sel, other) = selected(v);
            let mut out: Vec<String> = f
                .options
                .iter()
                .map(|o| {
                    if sel.contains(o) {
                        format!("●{o}（選択）")
                    } else {
                        format!("○{o}")
                    }
                })
                .collect();
            out.extend(other);
            out
        }
        "table" => {
            let mut out = Vec::new();
            for row in v.as_array().unwrap() {
                let row = row.as_table().unwrap();
                for c in &f.columns {
                    if let Some(cell) = row.get(&c.key) {
                        out.extend(shown(c, cell));
                    }
                }
            }
            out
        }
        // A text of several lines (a core text such as 実施内容) keeps them.
        "text" if v.as_str().is_some_and(|t| t.contains('\n')) => lines(v.as_str().unwrap()),
        // text, code, year, year_month: as written.
        _ => vec![scalar(v)],
    }
}

/// What the open data holds for a value of `f` (each string must be in the
/// field's cell or JSON value).
fn in_data(f: &Field, v: &Value) -> Vec<String> {
    let v = match state(v) {
        State::NotApplicable => return vec!["not_applicable".into()],
        State::Blank => return vec!["blank".into()],
        State::Value(v) => v,
    };
    match f.kind.as_str() {
        "multiline" => lines(v.as_str().unwrap()),
        "text" if v.as_str().is_some_and(|t| t.contains('\n')) => lines(v.as_str().unwrap()),
        "list" => v.as_array().unwrap().iter().map(scalar).collect(),
        "choice" => {
            let (mut sel, other) = selected(v);
            sel.extend(other);
            sel
        }
        "flag" => Vec::new(), // checked apart: true / false
        "table" => {
            let mut out = Vec::new();
            for row in v.as_array().unwrap() {
                for cell in row.as_table().unwrap().values() {
                    if let State::Value(c) = state(cell) {
                        out.extend(lines(&scalar(c)));
                    }
                }
            }
            out
        }
        _ => vec![scalar(v)],
    }
}

/// A CSV file as its header and rows.
fn csv_of(out: &Path, rel: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let text = read(out, rel);
    let text = text.trim_start_matches('\u{feff}');
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// Every JSON object under `v` that has `key`, with the value there.
fn json_values<'a>(
    v: &'a serde_json::Value,
    key: &str,
    found: &mut Vec<(
        &'a serde_json::Map<String, serde_json::Value>,
        &'a serde_json::Value,
    )>,
) {
    match v {
        serde_json::Value::Object(m) => {
            if let Some(x) = m.get(key) {
                found.push((m, x));
            }
            for x in m.values() {
                json_values(x, key, found);
            }
        }
        serde_json::Value::Array(a) => {
            for x in a {
                json_values(x, key, found);
            }
        }
        _ => {}
    }
}

/// One sheet file's declared fields checked against the page, the CSV rows
/// it belongs to and its data.json; `year` narrows the rows to one fiscal
/// year. Problems are pushed to `bad`.
#[allow(clippy::too_many_arguments)]
fn check_sheet(
    file: &str,
    data: &Table,
    fields: &[Field],
    page: &str,
    csv: &(Vec<String>, Vec<Vec<String>>),
    row_name: &str,
    year: Option<i64>,
    json: &serde_json::Value,
    bad: &mut Vec<String>,
) {
    let page = squash(page);
    let (header, rows) = csv;
    let year_col = header.iter().position(|h| h == "年度");
    let rows: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| r.iter().any(|c| c == row_name))
        .filter(|r| match (year, year_col) {
            (Some(y), Some(i)) => r[i] == y.to_string(),
            _ => true,
        })
        .collect();
    if rows.is_empty() {
        bad.push(format!("{file}: no CSV row of {row_name} {year:?}"));
    }
    for f in fields {
        let Some(v) = data.get(&f.key) else { continue };
        let at = format!("{file}: {} ({})", f.label, f.key);
        for s in shown(f, v) {
            if !page.contains(&squash(&s)) {
                bad.push(format!("{at}: the page lacks {s:?}"));
            }
        }
        // CSV: the column headed by the label (with its unit, if any) and
        // the state column after it.
        let core = CORE.contains(&f.key.as_str());
        let cols: Vec<usize> = header
            .iter()
            .enumerate()
            .filter(|(_, h)| {
                *h == &f.label
                    || h.starts_with(&format!("{}（", f.label))
                    || h.starts_with(&format!("{}_", f.label))
            })
            .map(|(i, _)| i)
            .collect();
        if cols.is_empty() && !core {
            bad.push(format!("{at}: no CSV column headed {:?}", f.label));
        }
        let cells = |want: &str| {
            rows.iter().any(|r| {
                if core {
                    r.iter().any(|c| c.contains(want))
                } else {
                    cols.iter()
                        .any(|&i| r.get(i).is_some_and(|c| c.contains(want)))
                }
            })
        };
        let mut want = in_data(f, v);
        if f.kind == "flag" {
            if let State::Value(b) = state(v) {
                let b = b.as_bool().unwrap();
                let ok = [b.to_string(), if b { "該当" } else { "非該当" }.to_string()]
                    .iter()
                    .any(|w| cells(w));
                if !ok {
                    bad.push(format!("{at}: the CSV cell is not {b}"));
                }
            }
        }
        for w in &want {
            if !cells(w) {
                bad.push(format!("{at}: the CSV cell lacks {w:?}"));
            }
        }
        // JSON: under the field's key (a core key may keep its own column).
        let mut found = Vec::new();
        json_values(json, &f.key, &mut found);
        let found: Vec<String> = found
            .into_iter()
            .filter(|(obj, _)| match year {
                Some(y) => obj
                    .get("fiscal_year")
                    .is_none_or(|fy| fy.as_i64() == Some(y)),
                None => true,
            })
            .map(|(_, x)| x.to_string())
            .collect();
        if found.is_empty() && !core {
            bad.push(format!("{at}: no JSON key {:?}", f.key));
            continue;
        }
        if f.kind == "flag" {
            if let State::Value(b) = state(v) {
                want.push(b.as_bool().unwrap().to_string());
            }
        }
        let json_text = json.to_string();
        for w in &want {
            let w_json = serde_json::Value::String(w.clone()).to_string();
            let w_json = w_json.trim_matches('"');
            let ok = if core {
                json_text.contains(w_json)
            } else {
                found.iter().any(|x| x.contains(w_json))
            };
            if !ok {
                bad.push(format!("{at}: the JSON value lacks {w:?}"));
            }
        }
    }
}

fn slugs(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn the_test_sites_carry_the_bundled_forms_as_written() {
    for (site, form) in [
        ("form-jimu-jigyo", "jimu-jigyo"),
        ("form-shisaku", "shisaku"),
    ] {
        let bundled =
            std::fs::read_to_string(repo_root().join(format!("forms/{form}.toml"))).unwrap();
        let copy = std::fs::read_to_string(site_root(site).join("content/form.toml")).unwrap();
        assert_eq!(
            copy, bundled,
            "{site}/content/form.toml is forms/{form}.toml"
        );
    }
}

#[test]
fn the_form_sites_check_without_errors_or_warnings() {
    for site in SITES {
        let checked = mieru::check(&site_root(site))
            .unwrap_or_else(|d| panic!("{site}:\n{}", d.render(mieru::diag::MessageFormat::Human)));
        assert!(
            checked.warnings.is_empty(),
            "{site}: {:?}",
            checked.warnings
        );
    }
}

#[test]
fn every_declared_program_and_year_field_is_on_the_page_and_in_the_data() {
    let mut bad = Vec::new();
    let mut checked = 0;
    for site in SITES {
        let out = out(site);
        let csv = csv_of(out, "data/programs.csv");
        let program_fields = fields(site, "program");
        let year_fields = fields(site, "year");
        let dir = site_root(site).join("content/programs");
        for slug in slugs(&dir) {
            let program = toml_file(&dir.join(&slug).join("program.toml"));
            let name = program["name"].as_str().unwrap().to_string();
            let page_rel = format!("programs/{slug}/index.html");
            let page = text_of(&read(out, &page_rel));
            let json: serde_json::Value =
                serde_json::from_str(&read(out, &format!("programs/{slug}/data.json"))).unwrap();
            let file = format!("{site}/programs/{slug}/program.toml");
            check_sheet(
                &file,
                &program,
                &program_fields,
                &page,
                &csv,
                &name,
                None,
                &json,
                &mut bad,
            );
            checked += program_fields
                .iter()
                .filter(|f| program.contains_key(&f.key))
                .count();
            for year_file in slugs(&dir.join(&slug)) {
                let Some(fy) = year_file
                    .strip_suffix(".toml")
                    .and_then(|y| y.parse::<i64>().ok())
                else {
                    continue;
                };
                let data = toml_file(&dir.join(&slug).join(&year_file));
                // A year's fields are on its own page when it has one, else
                // on the program's page.
                let year_page = out.join(format!("programs/{slug}/{fy}/index.html"));
                let page = if year_page.is_file() {
                    format!(
                        "{page}{}",
                        text_of(&std::fs::read_to_string(year_page).unwrap())
                    )
                } else {
                    page.clone()
                };
                let file = format!("{site}/programs/{slug}/{year_file}");
                check_sheet(
                    &file,
                    &data,
                    &year_fields,
                    &page,
                    &csv,
                    &name,
                    Some(fy),
                    &json,
                    &mut bad,
                );
                checked += year_fields
                    .iter()
                    .filter(|f| data.contains_key(&f.key))
                    .count();
            }
        }
    }
    assert!(checked > 150, "only {checked} values checked");
    assert!(
        bad.is_empty(),
        "{} problems:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn every_declared_policy_field_is_on_the_page_and_in_the_data() {
    let site = "form-shisaku";
    let out = out(site);
    let csv = csv_of(out, "data/policies.csv");
    let policy_fields = fields(site, "policy");
    let dir = site_root(site).join("content/policies");
    let mut bad = Vec::new();
    let mut checked = 0;
    for file in slugs(&dir) {
        let slug = file.strip_suffix(".toml").unwrap();
        let policy = toml_file(&dir.join(&file));
        let name = policy["name"].as_str().unwrap();
        let page = text_of(&read(out, &format!("policies/{slug}/index.html")));
        let json: serde_json::Value =
            serde_json::from_str(&read(out, &format!("policies/{slug}/data.json"))).unwrap();
        let at = format!("{site}/policies/{file}");
        check_sheet(
            &at,
            &policy,
            &policy_fields,
            &page,
            &csv,
            name,
            None,
            &json,
            &mut bad,
        );
        checked += policy_fields
            .iter()
            .filter(|f| policy.contains_key(&f.key))
            .count();
    }
    assert!(checked >= 20, "only {checked} values checked");
    assert!(
        bad.is_empty(),
        "{} problems:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

/// The part of a page's text (white space removed) from `start` on.
fn from(page: &str, start: &str) -> String {
    let page = squash(page);
    let i = page
        .find(&squash(start))
        .unwrap_or_else(|| panic!("{start:?} not on the page"));
    page[i..].to_string()
}

fn assert_all(page: &str, what: &str, needles: &[&str]) {
    let page = squash(page);
    let missing: Vec<&&str> = needles
        .iter()
        .filter(|n| !page.contains(&squash(n)))
        .collect();
    assert!(missing.is_empty(), "{what} lacks {missing:?}");
}

#[test]
fn the_money_and_staff_blocks_show_every_column_of_the_sheet() {
    let out = out("form-jimu-jigyo");
    let page = text_of(&read(out, "programs/hoikusho-unei/index.html"));
    assert_all(
        &page,
        "公立保育所運営事業",
        &[
            "当初",
            "補正",
            "繰越",
            "流用",
            "予算現額",
            "決算",
            "決算見込",
            "見込",
            "国県支出金",
            "地方債",
            "受益者負担",
            "一般財源",
            "執行率",
            "410,000千円",
            "△3,200千円",
            "△1,800千円",
            "414,800千円",
            "433,100千円",
            "440,000千円",
            "人工",
            "延べ業務時間",
            "時間単価",
            "人件費",
            "トータルコスト",
            "303,072千円",
            // Written as printed (2022), computed elsewhere: 2020 = 402,315 + 291,840.
            "718,094千円",
            "694,155千円",
            "令和2年度",
            "令和7年度",
        ],
    );
    assert!(
        page.contains("72,960") || page.contains("72960"),
        "延べ業務時間"
    );
    let csv = read(out, "data/programs.csv");
    assert!(
        csv.contains("-3200"),
        "a negative 補正 stays negative in the CSV"
    );
    let json = read(out, "programs/hoikusho-unei/data.json");
    assert!(json.contains("-3200") && json.contains("718094"));
}

/// A program's page with the pages of its years after it.
fn program_text(out: &Path, slug: &str) -> String {
    let mut text = text_of(&read(out, &format!("programs/{slug}/index.html")));
    let dir = out.join(format!("programs/{slug}"));
    for year in slugs(&dir) {
        let page = dir.join(&year).join("index.html");
        if year.parse::<i64>().is_ok() && page.is_file() {
            text.push_str(&text_of(&std::fs::read_to_string(page).unwrap()));
        }
    }
    text
}

#[test]
fn the_two_stage_evaluation_and_its_criteria_grid_are_shown() {
    let out = out("form-jimu-jigyo");
    let page = program_text(out, "hoikusho-unei");
    let eval = from(&page, "一次評価（担当課）");
    assert_all(
        &eval,
        "評価",
        &[
            "●改善（選択）",
            "○拡充",
            "○維持",
            "○縮小",
            "○統合",
            "○廃止",
            "○休止",
            "○完了",
            "待機児童は解消したが、保育士の確保が課題であり、民間移管を含めて運営方法を見直す。",
            "二次評価（行政評価委員会）",
            "●改革改善（選択）",
            "○現状維持",
            "○終了・廃止・休止",
            "必要性",
            "有効性",
            "効率性",
            "妥当性",
            "市民や社会のニーズは高いか",
            "市が関与する必要があるか",
            "成果指標は目標どおりに推移しているか",
            "事業の成果が施策の目的に役立っているか",
            "コストを削減する余地はあるか",
            "実施の方法は効率的か",
            "受益者の負担は適正か",
            "市が実施主体であることは妥当か",
            "民間で実施できる園は、順に民間へ移管するのが妥当である。",
        ],
    );
    // The second stage's reason left blank is shown as such.
    let kyufu = program_text(out, "kosodate-kyufu");
    assert_all(
        &from(&kyufu, "二次評価"),
        "子育て世帯応援給付金事業",
        &["●終了・廃止・休止（選択）", "未記入"],
    );
}

#[test]
fn the_plan_is_shown_through_every_level_with_the_unlinked_ones() {
    let out = out("form-jimu-jigyo");
    let page = text_of(&read(out, "programs/hoikusho-unei/index.html"));
    assert_all(
        &page,
        "公立保育所運営事業",
        &[
            "政策",
            "Ⅰ 子どもが健やかに育つまち",
            "施策",
            "①子育て支援の充実",
            "基本事業",
            "保育サービスの充実",
            "施策内容",
            "待機児童の解消",
            "1-01-01-1",
        ],
    );
    let page = text_of(&read(out, "programs/gakko-toshokan/index.html"));
    assert_all(
        &page,
        "学校図書館支援事業",
        &["②学校教育の充実", "学校図書館の充実", "基本事業"],
    );
    assert!(!page.contains("保育サービスの充実"));
    // A 施策 with a sheet has its page.
    file_exists!(out, "policies/kosodate/index.html");
    let index = text_of(&read(out, "index.html"));
    assert_all(
        &index,
        "index",
        &["①子育て支援の充実", "②学校教育の充実", "①防災・減災の推進"],
    );
    // The front page speaks of the form's own levels, and shows no 施策の目的
    // for a form whose 施策 sheet has none.
    assert!(
        index.contains("政策 → 施策 → 基本事業 → 事業の順に"),
        "{index}"
    );
    assert!(
        index.contains("施策「①子育て支援の充実」の基本事業と事業"),
        "{index}"
    );
    for absent in ["施策の大綱", "施策の方向", "施策の目的"] {
        assert!(!index.contains(absent), "{absent} in\n{index}");
    }
    // A 施策 page sums its programs' money, in a chart and a table.
    let html = read(out, "policies/1-02/index.html");
    assert!(html.contains("src=budget.svg"), "{html}");
    let page = text_of(&html);
    assert_all(
        &page,
        "policies/1-02",
        &[
            "予算額と決算額（事業の合計）",
            "令和2年度",
            "16,800千円",
            "15,920千円",
        ],
    );
    // In the data, a program under no 基本事業 has an empty 施策の方向
    // (the page's words 「（基本事業の指定なし）」 are not data).
    let (header, rows) = csv_of(out, "data/programs.csv");
    let col = |h: &str| header.iter().position(|x| x == h).unwrap();
    let (id, dir) = (col("事業ID"), col("施策の方向"));
    let gakko: Vec<&Vec<String>> = rows.iter().filter(|r| r[id] == "gakko-toshokan").collect();
    assert!(!gakko.is_empty());
    assert!(gakko.iter().all(|r| r[dir].is_empty()), "{gakko:?}");
    assert!(rows
        .iter()
        .any(|r| r[id] == "hoikusho-unei" && r[dir] == "保育サービスの充実"));
    let shisaku = text_of(&read(self::out("form-shisaku"), "index.html"));
    assert!(
        shisaku.contains("基本施策 → 施策 → 事業の順に"),
        "{shisaku}"
    );
}

#[test]
fn the_policy_indicators_show_seven_years_a_forecast_and_a_final_target() {
    let out = out("form-shisaku");
    let page = text_of(&read(out, "policies/seikatsu-shukan/index.html"));
    assert_all(
        &page,
        "施策1 生活習慣病の予防",
        &[
            "成果指標",
            "活動指標",
            "対象指標",
            "特定健診の受診率",
            "健康教室の開催回数",
            "40〜74歳の国保被保険者数",
            "41.3",
            "38.6",
            "48.2",
            "49.5",
            "55",
            "2027",
        ],
    );
    for n in [["4,820", "4820"], ["4,180", "4180"]] {
        assert!(
            n.iter().any(|n| page.contains(n)),
            "the page lacks {}",
            n[0]
        );
    }
    // No baseline: nothing is made up for it.
    assert!(!squash(&page).contains("基準値0"));
    let page = text_of(&read(out, "policies/chiiki-iryo/index.html"));
    assert_all(
        &page,
        "施策2 地域医療体制の確保",
        &[
            "KPI",
            "休日診療所の受診者数",
            "地域医療に満足している町民の割合",
        ],
    );
    for n in [["2,512", "2512"], ["2,350", "2350"]] {
        assert!(
            n.iter().any(|n| page.contains(n)),
            "the page lacks {}",
            n[0]
        );
    }
}

/// The `<desc>` of a chart: the sentence a screen reader hears, with the numbers.
fn chart_desc(out: &Path, rel: &str) -> String {
    let svg = read(out, rel);
    let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let root = doc.root_element();
    assert_eq!(root.attribute("role"), Some("img"), "{rel}");
    assert!(
        root.children().any(|n| n.has_tag_name("title")),
        "{rel} has no title"
    );
    root.descendants()
        .find(|n| n.has_tag_name("desc"))
        .and_then(|n| n.text())
        .unwrap_or_else(|| panic!("{rel} has no desc"))
        .to_string()
}

#[test]
fn the_charts_carry_each_kind_of_money_the_total_cost_and_the_indicator_series() {
    let jimu = out("form-jimu-jigyo");
    let money = chart_desc(jimu, "programs/hoikusho-unei/money.svg");
    assert_all(
        &money,
        "the money chart",
        &[
            "当初予算410,000千円",
            "補正△3,200千円",
            "繰越該当なし",
            "予算現額414,800千円",
            "決算見込433,100千円",
            "見込440,000千円",
        ],
    );
    let cost = chart_desc(jimu, "programs/hoikusho-unei/cost.svg");
    assert_all(
        &cost,
        "the total-cost chart",
        &[
            // 2020: computed, 402,315 + 291,840.
            "令和2年度は事業費402,315千円、人件費291,840千円、トータルコスト694,155千円",
            // 2022: as written on the sheet.
            "トータルコスト718,094千円",
        ],
    );
    let series = chart_desc(jimu, "programs/hoikusho-unei/series-3.svg");
    assert_all(
        &series,
        "the indicator chart",
        &["実績値12人", "目標値0人", "見込値0人"],
    );
    // The page points at each chart and repeats its numbers in a table.
    let page = read(jimu, "programs/hoikusho-unei/index.html");
    for src in ["money.svg", "cost.svg", "series-1.svg", "series-3.svg"] {
        assert!(
            page.contains(&format!("src={src}")) || page.contains(&format!("src=\"{src}\"")),
            "{src}"
        );
    }
    // A policy indicator of the 施策 form: its series chart with targets,
    // actuals and the forecast, though it has no baseline year.
    let shisaku = out("form-shisaku");
    let dir = shisaku.join("policies");
    let charts: Vec<String> = slugs(&dir)
        .into_iter()
        .flat_map(|p| {
            let d = dir.join(&p);
            slugs(&d)
                .into_iter()
                .filter(|f| f.starts_with("series-"))
                .map(move |f| format!("policies/{p}/{f}"))
        })
        .collect();
    assert!(charts.len() >= 3, "{charts:?}");
    let all: String = charts.iter().map(|c| chart_desc(shisaku, c)).collect();
    assert!(all.contains("見込値"), "{all}");
}

#[test]
fn the_search_index_finds_the_text_of_a_city_s_own_fields() {
    let out = out("form-jimu-jigyo");
    let index: serde_json::Value = serde_json::from_str(&read(out, "search-index.json")).unwrap();
    // 「老朽化した園舎」 is in the 課題と解決策 field (solutions) of 公立保育所運営事業
    // and, among the texts the index reads, nowhere else.
    let docs = index["docs"].as_array().unwrap();
    let at = docs
        .iter()
        .position(|d| d["t"] == "公立保育所運営事業")
        .unwrap();
    for gram in ["園舎", "老朽"] {
        let hits = index["grams"][gram]
            .as_array()
            .unwrap_or_else(|| panic!("{gram} is not indexed"));
        assert!(hits.iter().any(|h| h.as_u64() == Some(at as u64)), "{gram}");
    }
}

/// README's example of a complete form reads without a problem, so the
/// example a city copies is one mieru takes.
#[test]
fn the_readme_form_example_is_a_valid_form() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let section = readme
        .split("## 様式（シートの形）を宣言する")
        .nth(1)
        .unwrap()
        .split("\n## ")
        .next()
        .unwrap();
    let example = section
        .split("```toml\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("README shows a form");
    let file = mieru::load::SourceFile::new("README.md".into(), example.to_string());
    let mut diags = mieru::diag::Diagnostics::new();
    let form = mieru::form::read_declared(std::sync::Arc::new(file), &mut diags)
        .unwrap_or_else(|| panic!("{}", diags.clone().render(Default::default())));
    assert_eq!(form.levels.len(), 2);
    assert!(form.evaluation().is_some());
}
