//! Open data: the sheets as CSV and JSON tables, a JSON Schema for each JSON
//! table and a README describing every column. One description of the
//! columns drives all four, so the files cannot disagree about a column.
//!
//! The three states of a sheet value survive in both formats: a value, "—"
//! (`not_applicable`) and blank (`blank`). In CSV each sheet column is
//! followed by a `_状態` column; the value cell is empty unless the state
//! is `value`. Nothing is ever written as 0 in place of "—" or blank.
//!
//! CSV cells of text columns that begin with `=`, `+`, `-`, `@`, a tab or a
//! carriage return get a leading apostrophe (`'`), so that spreadsheets show
//! them as text instead of running them as formulas. Number columns are
//! written as plain numbers and never changed (a negative amount stays
//! `-20`); "—" never appears in a value cell, since its state column says
//! `not_applicable`. The JSON keeps every text exactly as in the TOML.

use crate::model::format::{wareki_fiscal_year, wareki_year};
use crate::model::value::{Measure, SheetValue};
use crate::model::{Model, Money, Policy, Program, ProgramYear};
use crate::render::view::{policy_url, program_url};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use std::io::Write;

/// Where the site-wide data files live, relative to the output root.
pub const DATA_DIR: &str = "data/";

/// The three tables of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dataset {
    /// 事業別・年度別: budget, settlement, funding, targets, results, texts.
    Programs,
    /// 指標: policy indicators (baseline, target, survey results) and the
    /// targets and results of every program indicator by fiscal year.
    Indicators,
    /// 施策別・年度別: totals over programs and the council's opinion.
    Policies,
}

pub const DATASETS: [Dataset; 3] = [Dataset::Programs, Dataset::Indicators, Dataset::Policies];

impl Dataset {
    pub fn key(self) -> &'static str {
        match self {
            Dataset::Programs => "programs",
            Dataset::Indicators => "indicators",
            Dataset::Policies => "policies",
        }
    }
    pub fn title(self) -> &'static str {
        match self {
            Dataset::Programs => "事業別・年度別データ（予算・決算・財源・成果・評価）",
            Dataset::Indicators => "指標の推移（施策の目標指標と事業の成果指標）",
            Dataset::Policies => "施策別・年度別データ（事業の合計と行政改革懇談会の意見）",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

/// One data file, as a render job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataJob {
    Table(Dataset, Format),
    Schema(Dataset),
    Readme,
    /// The rows of one program (by index into `Model::programs`).
    Program(usize, Format),
    /// The rows of one policy (by index into `Model::policies`).
    Policy(usize, Format),
}

/// What a column holds, which decides its CSV cells and JSON type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text that is always there (or null when the sheet has none).
    Text,
    /// A whole number that is always there (a year, a count).
    Int,
    /// A year that a sheet may leave out (開始年度, 終了年度): null / empty.
    Year,
    /// A sheet amount with its state.
    Money,
    /// A sheet target or result with its state: a number or text.
    Measure,
    /// A sheet text with its state.
    SheetText,
}

impl Kind {
    fn has_state(self) -> bool {
        matches!(self, Kind::Money | Kind::Measure | Kind::SheetText)
    }
    fn label(self) -> &'static str {
        match self {
            Kind::Text => "文字列",
            Kind::Int => "整数",
            Kind::Year => "整数（西暦年。ない場合は null／空欄）",
            Kind::Money => "整数（金額）＋状態",
            Kind::Measure => "数値または文字列＋状態",
            Kind::SheetText => "文字列＋状態",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Column {
    /// JSON property name.
    pub key: String,
    /// Japanese label, the CSV header.
    pub label: String,
    pub kind: Kind,
    pub unit: Option<String>,
    pub about: String,
}

impl Column {
    /// The CSV header of the state column that follows a sheet column.
    pub fn state_label(&self) -> String {
        format!("{}_状態", self.label)
    }
    pub fn kind_label(&self) -> &'static str {
        self.kind.label()
    }
    pub fn kind_has_state(&self) -> bool {
        self.kind.has_state()
    }
}

/// A cell of a row, in the column's kind.
#[derive(Debug, Clone)]
pub enum Cell {
    Text(Option<String>),
    Int(i64),
    Year(Option<i32>),
    Money(SheetValue<i64>),
    Measure(SheetValue<Measure>),
    SheetText(SheetValue<String>),
}

/// The rows of a table, made one program (or policy) at a time: a
/// site-wide file is written row by row and never held whole in memory.
type Rows<'a> = Box<dyn Iterator<Item = Vec<Cell>> + 'a>;

pub(crate) fn col(key: &str, label: &str, kind: Kind, about: &str) -> Column {
    Column {
        key: key.to_string(),
        label: label.to_string(),
        kind,
        unit: None,
        about: about.to_string(),
    }
}

pub(crate) fn money_col(m: &Model, key: &str, label: &str, about: &str) -> Column {
    Column {
        unit: Some(m.site.money_unit.clone()),
        ..col(key, label, Kind::Money, about)
    }
}

fn leading_columns(year_label: &'static str, year_about: &'static str) -> Vec<Column> {
    vec![
        col(
            "city_code",
            "全国地方公共団体コード",
            Kind::Text,
            "総務省の全国地方公共団体コード（6桁、検査数字つき）。site.toml の city_code",
        ),
        col("city", "地方公共団体名", Kind::Text, "市区町村の名前"),
        col("fiscal_year", year_label, Kind::Int, year_about),
        col("wareki", "和暦", Kind::Text, "年度（年）の和暦表記"),
    ]
}

fn leading_cells(m: &Model, year: i32, wareki: String) -> Vec<Cell> {
    vec![
        Cell::Text(m.site.city_code.clone()),
        Cell::Text(Some(m.site.city.clone())),
        Cell::Int(year.into()),
        Cell::Text(Some(wareki)),
    ]
}

// ---- programs ---------------------------------------------------------

const FUNDING: [(&str, &str); 5] = [
    ("national", "国庫支出金"),
    ("prefectural", "県支出金"),
    ("bonds", "地方債"),
    ("other", "その他"),
    ("general", "一般財源"),
];

fn program_columns(m: &Model) -> Vec<Column> {
    let mut c = leading_columns("年度", "会計年度（西暦。4月から翌年3月）");
    c.extend([
        col(
            "program_id",
            "事業ID",
            Kind::Text,
            "事業のページのアドレスに使う識別子（content/programs/ のフォルダ名）",
        ),
        col(
            "program_code",
            "事業コード",
            Kind::Text,
            "市の事業コード（ない場合は null／空欄）",
        ),
        col("program_name", "事業名", Kind::Text, "事業名"),
        col("department", "担当部署", Kind::Text, "担当課"),
        col(
            "account",
            "会計区分",
            Kind::Text,
            "予算科目の会計（一般会計など。複数のときは「、」区切り）",
        ),
        col(
            "budget_lines",
            "予算科目",
            Kind::Text,
            "予算科目（会計と款-項-目-事業の番号、名前。複数のときは改行区切り）",
        ),
        col(
            "start_year",
            "開始年度",
            Kind::Year,
            "事業を始めた年度（西暦。シートにない場合は null／空欄）",
        ),
        col(
            "end_year",
            "終了年度",
            Kind::Year,
            "事業を終える（終えた）年度（西暦。ない場合は null／空欄）",
        ),
        col(
            "outline",
            "施策の大綱",
            Kind::Text,
            "総合計画上の施策の大綱",
        ),
        col("policy", "施策", Kind::Text, "事業が属する施策"),
        col(
            "direction",
            "施策の方向",
            Kind::Text,
            "事業が属する施策の方向",
        ),
        money_col(m, "budget", "予算額", "当初予算額"),
        money_col(
            m,
            "budget_special_funding",
            "予算額のうち特定財源",
            "予算額のうち国・県の支出金などの特定財源",
        ),
        money_col(m, "settlement", "決算額", "決算額（執行額）"),
        money_col(
            m,
            "settlement_special_funding",
            "決算額のうち特定財源",
            "決算額のうち特定財源",
        ),
    ]);
    for (basis_key, basis) in [("budget", "予算"), ("settlement", "決算")] {
        for (k, label) in FUNDING {
            c.push(money_col(
                m,
                &format!("{basis_key}_funding_{k}"),
                &format!("{basis}の財源内訳：{label}"),
                "財源内訳。シートに財源内訳がない年度は blank",
            ));
        }
    }
    c.extend([
        col(
            "indicator",
            "成果指標",
            Kind::SheetText,
            "事業の主な成果指標の名前",
        ),
        col(
            "indicator_unit",
            "成果指標の単位",
            Kind::SheetText,
            "成果目標・成果実績の単位",
        ),
        col(
            "indicator_notes",
            "成果指標の注記",
            Kind::Text,
            "成果指標に付いた注記（※…。複数のときは改行区切り。ない場合は null／空欄）",
        ),
        col(
            "target",
            "成果目標",
            Kind::Measure,
            "その年度の成果目標（数値または「協定締結」などの文字）",
        ),
        col("result", "成果実績", Kind::Measure, "その年度の成果実績"),
        col(
            "activities",
            "実施内容と改善点",
            Kind::SheetText,
            "その年度の実施内容（計画年度は予定）",
        ),
        col(
            "evaluation",
            "評価",
            Kind::SheetText,
            "その年度の実績に対する評価（翌年度のシートの Check）",
        ),
        col(
            "analysis",
            "分析",
            Kind::SheetText,
            "その年度の実績に対する分析",
        ),
        col(
            "rating",
            "評価区分",
            Kind::Text,
            "評価の区分（市ごとの選択肢。ない場合は null／空欄）",
        ),
        col(
            "action_policy",
            "今後の方針",
            Kind::SheetText,
            "今後に向けた改善点（方針）",
        ),
        col(
            "decision",
            "今後の方向性",
            Kind::Text,
            "拡充・現状維持などの方向性（ない場合は null／空欄）",
        ),
        col(
            "staff_headcount",
            "従事人数",
            Kind::Measure,
            "事業に従事した職員数（人）。シートにない年度は blank",
        ),
        money_col(
            m,
            "staff_cost",
            "人件費",
            "人件費。シートにない年度は blank",
        ),
    ]);
    if m.form.is_default {
        // A declared form gives these its own labels where it places them.
        c.extend([
            col(
                "purpose",
                "事業の目的",
                Kind::SheetText,
                "事業の目的（年度によって変わらない説明）",
            ),
            col(
                "related_departments",
                "関連部署",
                Kind::SheetText,
                "関連部署（「、」区切り）",
            ),
        ]);
    } else {
        c.extend(crate::render::form_data::program_columns(m));
    }
    c
}

/// The funding breakdown; without one it is blank in a year of the
/// program and "—" in a year before its start or after its end (`absent`).
fn funding_cells(money: &Money, absent: &SheetValue<i64>) -> Vec<Cell> {
    match &money.funding {
        Some(f) => [&f.national, &f.prefectural, &f.bonds, &f.other, &f.general]
            .into_iter()
            .map(|v| Cell::Money(v.clone()))
            .collect(),
        None => (0..5).map(|_| Cell::Money(absent.clone())).collect(),
    }
}

fn program_rows(m: &Model, p: &Program) -> Vec<Vec<Cell>> {
    let policy = &m.policies[p.policy];
    let accounts: Vec<&str> = p
        .budget_lines
        .iter()
        .map(|b| b.account.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let main = p.indicators.first();
    p.years
        .values()
        .map(|y: &ProgramYear| {
            let mut r = leading_cells(m, y.year, wareki_fiscal_year(y.year));
            r.extend([
                Cell::Text(Some(p.slug.clone())),
                Cell::Text(p.code.clone()),
                Cell::Text(Some(p.name.clone())),
                Cell::Text(Some(p.department.clone())),
                Cell::Text((!accounts.is_empty()).then(|| accounts.join("、"))),
                Cell::Text((!p.budget_lines.is_empty()).then(|| budget_lines_text(p))),
                Cell::Year(p.start_year),
                Cell::Year(p.end_year),
                Cell::Text(Some(policy.outline.clone())),
                Cell::Text(Some(policy.name.clone())),
                // A program placed under no node below its 施策: empty, not
                // the page's words for it.
                Cell::Text(
                    Some(&policy.directions[p.direction])
                        .filter(|d| d.id != crate::model::build::UNLINKED_DIRECTION)
                        .map(|d| d.name.clone()),
                ),
                Cell::Money(y.budget.amount.clone()),
                Cell::Money(y.budget.special_funding.clone()),
                Cell::Money(y.settlement.amount.clone()),
                Cell::Money(y.settlement.special_funding.clone()),
            ]);
            let absent = if p.runs_in(y.year) {
                SheetValue::Blank
            } else {
                SheetValue::NotApplicable
            };
            r.extend(funding_cells(&y.budget, &absent));
            r.extend(funding_cells(&y.settlement, &absent));
            r.extend([
                Cell::SheetText(main.map(|i| i.name.clone()).unwrap_or_default()),
                Cell::SheetText(main.map(|i| i.unit.clone()).unwrap_or_default()),
                Cell::Text(
                    main.filter(|i| !i.notes.is_empty())
                        .map(|i| i.notes.join("\n")),
                ),
                Cell::Measure(y.target.clone()),
                Cell::Measure(y.result.clone()),
                Cell::SheetText(y.activities.clone()),
                Cell::SheetText(y.evaluation.clone()),
                Cell::SheetText(y.analysis.clone()),
                Cell::Text(y.rating.clone()),
                Cell::SheetText(y.action_policy.clone()),
                Cell::Text(y.decision.clone()),
                Cell::Measure(
                    y.staff
                        .as_ref()
                        .map_or(absent.map(|_| Measure::Number(0.0)), |s| {
                            s.headcount.map(|n| Measure::Number(*n))
                        }),
                ),
                Cell::Money(y.staff.as_ref().map_or(absent.clone(), |s| s.cost.clone())),
            ]);
            if m.form.is_default {
                r.push(Cell::SheetText(p.purpose.clone()));
                r.push(Cell::SheetText(if p.related_departments.is_empty() {
                    SheetValue::Blank
                } else {
                    SheetValue::Value(p.related_departments.join("、"))
                }));
            } else {
                r.extend(crate::render::form_data::program_cells(m, p, y));
            }
            r
        })
        .collect()
}

/// 予算科目 as one line each: "一般会計 2-1-6-4 名前", the numbers in order up
/// to the first one the sheet leaves out.
fn budget_lines_text(p: &Program) -> String {
    p.budget_lines
        .iter()
        .map(|b| {
            let numbers: Vec<&str> = [
                &b.section,
                &b.subsection,
                &b.item,
                &b.program_no,
                &b.sub_item,
            ]
            .into_iter()
            .map_while(|n| n.as_deref())
            .collect();
            let mut line = b.account.clone();
            if !numbers.is_empty() {
                line.push(' ');
                line.push_str(&numbers.join("-"));
            }
            if let Some(n) = &b.name {
                line.push(' ');
                line.push_str(n);
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

// ---- indicators -------------------------------------------------------

fn indicator_columns() -> Vec<Column> {
    let mut c = leading_columns(
        "年・年度",
        "施策の指標は調査の実施年（西暦）、事業の指標は会計年度（西暦）",
    );
    c.extend([
        col("level", "対象", Kind::Text, "「施策」または「事業」"),
        col(
            "owner_id",
            "施策・事業ID",
            Kind::Text,
            "施策または事業の識別子",
        ),
        col(
            "owner_name",
            "施策・事業名",
            Kind::Text,
            "施策名または事業名",
        ),
        col("indicator", "指標名", Kind::SheetText, "指標の名前"),
        col(
            "indicator_kind",
            "指標の種類",
            Kind::Text,
            "活動指標・成果指標など（ない場合は null／空欄）",
        ),
        col("unit", "単位", Kind::SheetText, "値の単位"),
        col(
            "point",
            "区分",
            Kind::Text,
            "施策：基準値・目標値・実績値、事業：目標・実績",
        ),
        col("value", "値", Kind::Measure, "指標の値（数値または文字）"),
        col(
            "note",
            "注記",
            Kind::Text,
            "値についての注記（ない場合は null／空欄）",
        ),
    ]);
    c
}

fn policy_indicator_rows(m: &Model, p: &Policy) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    for ind in &p.indicators {
        let unit = match &ind.unit {
            Some(u) => SheetValue::Value(u.clone()),
            None => SheetValue::Blank,
        };
        let points = ind
            .baseline
            .iter()
            .map(|b| ("基準値", b))
            .chain(ind.target.iter().map(|t| ("目標値", t)))
            .chain(ind.actuals.iter().map(|a| ("実績値", a)))
            .chain(ind.targets.iter().map(|t| ("年度の目標値", t)))
            .chain(ind.forecasts.iter().map(|f| ("見込値", f)))
            .chain(ind.final_target.iter().map(|f| ("最終目標", f)));
        for (label, pt) in points {
            let mut r = leading_cells(m, pt.year, format!("{}年", wareki_year(pt.year)));
            r.extend([
                Cell::Text(Some("施策".into())),
                Cell::Text(Some(p.slug.clone())),
                Cell::Text(Some(p.name.clone())),
                Cell::SheetText(SheetValue::Value(ind.name.clone())),
                Cell::Text(ind.kind.clone()),
                Cell::SheetText(unit.clone()),
                Cell::Text(Some(label.into())),
                Cell::Measure(pt.value.clone()),
                Cell::Text(pt.note.clone()),
            ]);
            rows.push(r);
        }
    }
    rows
}

fn program_indicator_rows(m: &Model, p: &Program) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    for (k, ind) in p.indicators.iter().enumerate() {
        for y in p.years.values() {
            let (target, result) = if k == 0 {
                (y.target.clone(), y.result.clone())
            } else {
                y.indicator_values
                    .iter()
                    .find(|(id, _, _)| *id == ind.id)
                    .map(|(_, t, r)| (t.clone(), r.clone()))
                    .unwrap_or_default()
            };
            let forecast = y
                .indicator_forecasts
                .iter()
                .find(|(id, _)| *id == ind.id)
                .map(|(_, f)| f.clone());
            let points = [
                ("目標", Some(target)),
                ("実績", Some(result)),
                ("見込", forecast),
            ];
            for (label, v) in points.into_iter().filter_map(|(l, v)| v.map(|v| (l, v))) {
                let mut r = leading_cells(m, y.year, wareki_fiscal_year(y.year));
                r.extend([
                    Cell::Text(Some("事業".into())),
                    Cell::Text(Some(p.slug.clone())),
                    Cell::Text(Some(p.name.clone())),
                    Cell::SheetText(ind.name.clone()),
                    Cell::Text(ind.kind.clone()),
                    Cell::SheetText(ind.unit.clone()),
                    Cell::Text(Some(label.into())),
                    Cell::Measure(v),
                    Cell::Text(None),
                ]);
                rows.push(r);
            }
        }
    }
    rows
}

// ---- policies ---------------------------------------------------------

fn policy_columns(m: &Model) -> Vec<Column> {
    let mut c = leading_columns("年度", "会計年度（西暦）");
    c.extend([
        col(
            "policy_id",
            "施策ID",
            Kind::Text,
            "施策のページのアドレスに使う識別子",
        ),
        col(
            "policy_code",
            "施策コード",
            Kind::Text,
            "市の施策コード（ない場合は null／空欄）",
        ),
        col("policy_name", "施策名", Kind::Text, "施策名"),
        col(
            "outline",
            "施策の大綱",
            Kind::Text,
            "総合計画上の施策の大綱",
        ),
        col(
            "objective",
            "施策の目標",
            Kind::SheetText,
            "施策の目的・目標",
        ),
        col("program_count", "事業数", Kind::Int, "施策に属する事業の数"),
        money_col(
            m,
            "budget_total",
            "予算額の合計",
            "その年度に予算額のある事業の合計。どの事業にもなければ状態が not_applicable か blank",
        ),
        col(
            "budget_counted",
            "予算額のある事業数",
            Kind::Int,
            "予算額の合計に含めた事業の数",
        ),
        money_col(
            m,
            "settlement_total",
            "決算額の合計",
            "その年度に決算額のある事業の合計",
        ),
        col(
            "settlement_counted",
            "決算額のある事業数",
            Kind::Int,
            "決算額の合計に含めた事業の数",
        ),
        col(
            "council_opinion",
            "行政改革懇談会の意見",
            Kind::SheetText,
            "その評価年度の意見。意見の記録がない年度は blank",
        ),
        col(
            "achievement",
            "目標の達成状況",
            Kind::SheetText,
            "その評価年度の目標の達成状況",
        ),
    ]);
    if !m.form.is_default {
        c.extend(crate::render::form_data::policy_columns(m));
    }
    c
}

fn policy_rows(m: &Model, p: &Policy) -> Vec<Vec<Cell>> {
    let years: BTreeSet<i32> = p
        .totals
        .iter()
        .map(|t| t.year)
        .chain(p.reviews.iter().map(|r| r.fiscal_year))
        .collect();
    years
        .into_iter()
        .map(|y| {
            let total = p.totals.iter().find(|t| t.year == y);
            let review = p.reviews.iter().find(|r| r.fiscal_year == y);
            let mut r = leading_cells(m, y, wareki_fiscal_year(y));
            r.extend([
                Cell::Text(Some(p.slug.clone())),
                Cell::Text(p.code.clone()),
                Cell::Text(Some(p.name.clone())),
                Cell::Text(Some(p.outline.clone())),
                Cell::SheetText(p.objective.clone()),
                Cell::Int(p.programs.len() as i64),
                Cell::Money(total.map(|t| t.budget.value.clone()).unwrap_or_default()),
                Cell::Int(total.map_or(0, |t| t.budget.counted as i64)),
                Cell::Money(
                    total
                        .map(|t| t.settlement.value.clone())
                        .unwrap_or_default(),
                ),
                Cell::Int(total.map_or(0, |t| t.settlement.counted as i64)),
                Cell::SheetText(
                    review
                        .map(|r| r.council_opinion.clone())
                        .unwrap_or_default(),
                ),
                Cell::SheetText(review.map(|r| r.achievement.clone()).unwrap_or_default()),
            ]);
            if !m.form.is_default {
                r.extend(crate::render::form_data::policy_cells(m, p));
            }
            r
        })
        .collect()
}

// ---- tables -----------------------------------------------------------

pub fn columns(m: &Model, d: Dataset) -> Vec<Column> {
    match d {
        Dataset::Programs => program_columns(m),
        Dataset::Indicators => indicator_columns(),
        Dataset::Policies => policy_columns(m),
    }
}

fn rows(m: &Model, d: Dataset) -> Rows<'_> {
    match d {
        Dataset::Programs => Box::new(m.programs.iter().flat_map(move |p| program_rows(m, p))),
        Dataset::Indicators => Box::new(
            m.policies
                .iter()
                .flat_map(move |p| policy_indicator_rows(m, p))
                .chain(
                    m.programs
                        .iter()
                        .flat_map(move |p| program_indicator_rows(m, p)),
                ),
        ),
        Dataset::Policies => Box::new(m.policies.iter().flat_map(move |p| policy_rows(m, p))),
    }
}

/// The path of a data file relative to the output root.
pub fn path(m: &Model, job: DataJob) -> String {
    let ext = |f: Format| match f {
        Format::Csv => "csv",
        Format::Json => "json",
    };
    match job {
        DataJob::Table(d, f) => format!("{DATA_DIR}{}.{}", d.key(), ext(f)),
        DataJob::Schema(d) => format!("{DATA_DIR}{}.schema.json", d.key()),
        DataJob::Readme => format!("{DATA_DIR}README.md"),
        DataJob::Program(i, f) => format!("{}data.{}", program_url(&m.programs[i]), ext(f)),
        DataJob::Policy(i, f) => format!("{}data.{}", policy_url(&m.policies[i]), ext(f)),
    }
}

/// The site-wide files under `data/`, in the order the data page lists them.
pub fn site_jobs() -> Vec<DataJob> {
    let mut v = Vec::new();
    for d in DATASETS {
        v.push(DataJob::Table(d, Format::Csv));
        v.push(DataJob::Table(d, Format::Json));
        v.push(DataJob::Schema(d));
    }
    v.push(DataJob::Readme);
    v
}

/// Every data file of the site.
pub fn all_jobs(m: &Model) -> Vec<DataJob> {
    let mut v = site_jobs();
    for f in [Format::Csv, Format::Json] {
        v.extend((0..m.programs.len()).map(|i| DataJob::Program(i, f)));
        v.extend((0..m.policies.len()).map(|i| DataJob::Policy(i, f)));
    }
    v
}

/// Whether a data file is large enough to be written straight into its
/// file rather than rendered into memory first: the site-wide tables, which
/// run to hundreds of megabytes on a national site.
pub fn is_streamed(job: DataJob) -> bool {
    matches!(job, DataJob::Table(..))
}

/// The bytes of one data file.
pub fn render(m: &Model, job: DataJob) -> Vec<u8> {
    let mut bytes = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write_to(m, job, &mut bytes);
    bytes
}

/// Writes one data file into `w`, a row at a time.
pub fn write_to(m: &Model, job: DataJob, w: &mut dyn Write) -> std::io::Result<()> {
    match job {
        DataJob::Table(d, f) => write_table(m, d, rows(m, d), f, w),
        DataJob::Schema(d) => w.write_all(schema(m, d).as_bytes()),
        DataJob::Readme => w.write_all(readme(m).as_bytes()),
        DataJob::Program(i, f) => {
            let rows = program_rows(m, &m.programs[i]).into_iter();
            write_table(m, Dataset::Programs, Box::new(rows), f, w)
        }
        DataJob::Policy(i, f) => {
            let rows = policy_rows(m, &m.policies[i]).into_iter();
            write_table(m, Dataset::Policies, Box::new(rows), f, w)
        }
    }
}

fn write_table(
    m: &Model,
    d: Dataset,
    rows: Rows,
    f: Format,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let columns = columns(m, d);
    match f {
        Format::Csv => write_csv(&columns, rows, w),
        Format::Json => write_json(m, d, &columns, rows, w),
    }
}

// ---- CSV --------------------------------------------------------------

/// Makes a text cell safe to open in a spreadsheet: see the module doc.
pub fn neutralise(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

/// RFC 4180: quote a field that holds a comma, a quote or a line break,
/// doubling the quotes inside.
fn quote(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn state_word<T>(v: &SheetValue<T>) -> &'static str {
    match v {
        SheetValue::Value(_) => "value",
        SheetValue::NotApplicable => "not_applicable",
        SheetValue::Blank => "blank",
    }
}

fn number_text(n: f64) -> String {
    format!("{n}")
}

fn csv_cells(c: &Cell) -> Vec<String> {
    match c {
        Cell::Text(t) => vec![t.as_deref().map(neutralise).unwrap_or_default()],
        Cell::Int(n) => vec![n.to_string()],
        Cell::Year(y) => vec![y.map(|y| y.to_string()).unwrap_or_default()],
        Cell::Money(v) => vec![
            v.value().map(|n| n.to_string()).unwrap_or_default(),
            state_word(v).into(),
        ],
        Cell::Measure(v) => vec![
            v.value()
                .map(|x| match x {
                    Measure::Number(n) => number_text(*n),
                    Measure::Text(t) => neutralise(t),
                })
                .unwrap_or_default(),
            state_word(v).into(),
        ],
        Cell::SheetText(v) => vec![
            v.value().map(|t| neutralise(t)).unwrap_or_default(),
            state_word(v).into(),
        ],
    }
}

/// UTF-8 with a byte-order mark (so that Excel reads it as UTF-8), CRLF
/// line ends, RFC 4180 quoting.
fn write_csv(columns: &[Column], rows: Rows, w: &mut dyn Write) -> std::io::Result<()> {
    w.write_all("\u{feff}".as_bytes())?;
    let mut header = Vec::new();
    for c in columns {
        header.push(match &c.unit {
            Some(u) => format!("{}（{u}）", c.label),
            None => c.label.clone(),
        });
        if c.kind.has_state() {
            header.push(c.state_label());
        }
    }
    let mut line = |cells: Vec<String>| {
        let text = cells.iter().map(|s| quote(s)).collect::<Vec<_>>().join(",") + "\r\n";
        w.write_all(text.as_bytes())
    };
    line(header)?;
    for r in rows {
        line(r.iter().flat_map(csv_cells).collect())?;
    }
    Ok(())
}

// ---- JSON -------------------------------------------------------------

/// A cell as JSON: texts and whole numbers as they are, sheet values as
/// `{"state": …, "value": …}` (no `value` unless the state is `value`).
impl Serialize for Cell {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        fn stated<S: Serializer, T: Serialize>(s: S, v: &SheetValue<T>) -> Result<S::Ok, S::Error> {
            let value = v.value();
            let mut map = s.serialize_map(Some(1 + usize::from(value.is_some())))?;
            map.serialize_entry("state", state_word(v))?;
            if let Some(value) = value {
                map.serialize_entry("value", value)?;
            }
            map.end()
        }
        match self {
            Cell::Text(t) => t.serialize(s),
            Cell::Int(n) => n.serialize(s),
            Cell::Year(y) => y.serialize(s),
            Cell::Money(v) => stated(s, v),
            Cell::Measure(v) => stated(s, v),
            Cell::SheetText(v) => stated(s, v),
        }
    }
}

impl Serialize for Measure {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Measure::Number(n) => n.serialize(s),
            Measure::Text(t) => t.serialize(s),
        }
    }
}

/// One row as a JSON object, its properties in the order of their keys.
struct Record<'a> {
    columns: &'a [Column],
    order: &'a [usize],
    cells: &'a [Cell],
}

impl Serialize for Record<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.order.len()))?;
        for &i in self.order {
            if let Some(cell) = self.cells.get(i) {
                map.serialize_entry(&self.columns[i].key, cell)?;
            }
        }
        map.end()
    }
}

/// Data files are compact (a national site's tables run to megabytes);
/// schemas stay indented for people to read. The object's properties are
/// in the order of their keys, as in the schema; `records` is written one
/// record at a time.
fn write_json(
    m: &Model,
    d: Dataset,
    columns: &[Column],
    rows: Rows,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let head = serde_json::to_string(&json!({
        "dataset": d.key(),
        "title": d.title(),
        "city_code": m.site.city_code,
        "city": m.site.city,
        "money_unit": m.site.money_unit,
        "licence": {"name": m.site.licence_name, "url": m.site.licence_url},
        "records": [],
    }))?;
    // Inside a JSON string every quote is escaped, so this is the key.
    const RECORDS: &str = "\"records\":[";
    let at = head.find(RECORDS).map_or(head.len(), |i| i + RECORDS.len());
    let (before, after) = head.split_at(at);
    w.write_all(before.as_bytes())?;
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by(|&a, &b| columns[a].key.cmp(&columns[b].key));
    let mut w = std::io::BufWriter::new(w);
    for (n, cells) in rows.enumerate() {
        if n > 0 {
            w.write_all(b",")?;
        }
        let record = Record {
            columns,
            order: &order,
            cells: &cells,
        };
        serde_json::to_writer(&mut w, &record)?;
    }
    w.write_all(after.as_bytes())?;
    w.write_all(b"\n")?;
    w.flush()
}

// ---- JSON Schema ------------------------------------------------------

fn stated_schema(value: Value) -> Value {
    json!({
        "oneOf": [
            {
                "type": "object",
                "properties": {"state": {"const": "value"}, "value": value},
                "required": ["state", "value"],
                "additionalProperties": false
            },
            {
                "type": "object",
                "properties": {"state": {"enum": ["not_applicable", "blank"]}},
                "required": ["state"],
                "additionalProperties": false
            }
        ]
    })
}

/// JSON Schema (draft 2020-12) of a JSON table.
pub fn schema_value(m: &Model, d: Dataset) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for c in columns(m, d) {
        let mut s = match c.kind {
            Kind::Text => json!({"type": ["string", "null"]}),
            Kind::Int => json!({"type": "integer"}),
            Kind::Year => json!({"type": ["integer", "null"]}),
            Kind::Money => json!({"$ref": "#/$defs/money"}),
            Kind::Measure => json!({"$ref": "#/$defs/measure"}),
            Kind::SheetText => json!({"$ref": "#/$defs/text"}),
        };
        let mut title = c.label.to_string();
        if let Some(u) = &c.unit {
            title.push_str(&format!("（{u}）"));
        }
        if let Value::Object(o) = &mut s {
            o.insert("title".into(), json!(title));
            o.insert("description".into(), json!(c.about.as_str()));
        }
        required.push(c.key.clone());
        props.insert(c.key, s);
    }
    let base = m
        .site
        .base_url
        .as_deref()
        .unwrap_or("")
        .trim_end_matches('/');
    let id = format!("{base}/{DATA_DIR}{}.schema.json", d.key());
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": id,
        "title": d.title(),
        "description": "状態（state）は value（値あり）、not_applicable（シートの「—」：該当なし）、blank（空欄：未記入）のいずれか。値は state が value のときだけあります。",
        "type": "object",
        "properties": {
            "dataset": {"const": d.key()},
            "title": {"type": "string"},
            "city_code": {"type": ["string", "null"]},
            "city": {"type": "string"},
            "money_unit": {"type": "string"},
            "licence": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "url": {"type": ["string", "null"]}
                },
                "required": ["name", "url"],
                "additionalProperties": false
            },
            "records": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": props,
                    "required": required,
                    "additionalProperties": false
                }
            }
        },
        "required": ["dataset", "title", "city_code", "city", "money_unit", "licence", "records"],
        "additionalProperties": false,
        "$defs": {
            "money": stated_schema(json!({"type": "integer"})),
            "measure": stated_schema(json!({"type": ["number", "string"]})),
            "text": stated_schema(json!({"type": "string"}))
        }
    })
}

fn schema(m: &Model, d: Dataset) -> String {
    let mut s = serde_json::to_string_pretty(&schema_value(m, d)).unwrap_or_default();
    s.push('\n');
    s
}

// ---- README -----------------------------------------------------------

/// The rules every file follows, shown on the data page and in README.md.
pub const RULES: [&str; 6] = [
    "CSV は UTF-8（BOM つき）、改行は CRLF、RFC 4180 に従って「,」「\"」「改行」を含む値を「\"」で囲みます。",
    "値のある列のあとに「_状態」の列があります：value（値あり）、not_applicable（シートの「—」：該当なし）、blank（空欄：未記入）。value 以外では値の欄は空です。「—」や空欄を 0 とすることはありません。",
    "JSON では同じ値を {\"state\": \"value\", \"value\": 20}、{\"state\": \"not_applicable\"}、{\"state\": \"blank\"} と書きます。JSON Schema（draft 2020-12）を同じフォルダに置いています。",
    "CSV の文字の欄が =、+、-、@、タブ、復帰で始まるときは、表計算ソフトが数式として実行しないよう先頭に「'」を付けています。数値の欄（金額・年度など）は変えません。JSON は元の文字のままです。",
    "年度は西暦の会計年度（4月〜翌年3月）で、「和暦」の列に令和2年度などの表記があります。",
    "全国地方公共団体コードと地方公共団体名を先頭の列に置いています（自治体標準オープンデータセットの形式）。",
];

/// Data text inside Markdown: viewers render raw HTML in Markdown, so
/// markup characters are written as entities.
fn markdown_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn readme(m: &Model) -> String {
    let mut s = format!(
        "# {} 行政評価 オープンデータ\n\nライセンス：{}{}\n\n金額の単位：{}\n\n## 共通のきまり\n\n",
        markdown_text(&m.site.city),
        markdown_text(&m.site.licence_name),
        m.site
            .licence_url
            .as_deref()
            .map(|u| format!("（{u}）"))
            .unwrap_or_default(),
        m.site.money_unit
    );
    for r in RULES {
        s.push_str(&format!("- {r}\n"));
    }
    s.push_str("\n事業・施策ごとのファイル（programs/<事業ID>/data.csv など）は、下の表と同じ列で、その事業・施策の行だけを含みます。\n");
    for d in DATASETS {
        s.push_str(&format!(
            "\n## {}.csv / {}.json — {}\n\n| 列名（CSV） | JSON のキー | 種類 | 単位 | 説明 |\n|---|---|---|---|---|\n",
            d.key(),
            d.key(),
            d.title()
        ));
        for c in columns(m, d) {
            s.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                c.label,
                c.key,
                c.kind.label(),
                c.unit.as_deref().unwrap_or(""),
                c.about.replace('|', "｜")
            ));
        }
    }
    s
}

/// A human-readable size: 1234 → "1.2 KB", 999 → "999 B".
pub fn size_label(n: usize) -> String {
    if n < 1000 {
        format!("{n} B")
    } else if n < 1_000_000 {
        format!("{:.1} KB", n as f64 / 1000.0)
    } else {
        format!("{:.1} MB", n as f64 / 1_000_000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_but_other_text_is_kept() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+1"), "'+1");
        assert_eq!(neutralise("-1"), "'-1");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("—"), "—");
        assert_eq!(neutralise("協定締結"), "協定締結");
    }

    #[test]
    fn quoting_follows_rfc_4180() {
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(quote("plain"), "plain");
    }
}
