//! Pages laid out from a declared form: one builder walks the form's
//! sections in paper order and makes a ready view of each — its fields
//! (text, lists, every option of a choice with the selection marked, tables)
//! or its typed block (money by year, staff and total cost, indicators with
//! their series, staged evaluations, the plan position, budget lines). The
//! generic templates (`sheet.html`, `plan.html`) only print these.

use crate::chart;
use crate::form::show::{self, OptionShown};
use crate::form::{Block, Field, FieldValue, Kind, MoneyColumn, SectionContent, Sheet, StaffPart};
use crate::model::format::{percent, wareki_fiscal_year};
use crate::model::value::{Measure, SheetValue};
use crate::model::{Model, PlanNode, Point, Policy, PolicyIndicator, Program, ProgramYear};
use crate::render::view::{ChartRef, Common, Fmt, Link, Shown};
use serde::Serialize;

/// A page of a declared form: a program's sheet of one year, or a 施策 sheet.
#[derive(Debug, Serialize)]
pub struct SheetPage {
    #[serde(flatten)]
    pub common: Common,
    /// 事業名 or 施策名.
    pub name: String,
    /// What the page is: 「事務事業評価シート（令和6年度）」.
    pub kind_label: String,
    pub form_name: String,
    pub sheet_year_label: Option<String>,
    pub is_latest: bool,
    pub latest_url: Option<String>,
    /// The plan above this sheet, top first, with links.
    pub place: Vec<PlaceLevel>,
    pub sections: Vec<SectionView>,
    /// Programs under a policy, by direction.
    pub program_groups: Vec<ProgramGroup>,
    pub data_csv: String,
    pub data_json: String,
    pub year_pages: Vec<crate::render::view::YearLink>,
    /// A policy's budget and settlement totals (empty on a program's sheet).
    pub totals: Vec<crate::render::view::TotalRow>,
    pub budget_chart: Option<crate::render::view::ChartRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlaceLevel {
    /// The level's name: 政策, 施策…
    pub level: String,
    pub code: Option<String>,
    /// The node's name, or the words for a level not linked.
    pub name: String,
    pub linked: bool,
    pub url: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SectionView {
    pub key: String,
    pub heading: String,
    pub fields: Vec<FieldView>,
    pub block: Option<BlockView>,
}

/// One field as shown: its label, its state and text, and by kind the
/// lines of a list, every option of a choice, the rows of a table.
#[derive(Debug, Clone, Serialize)]
pub struct FieldView {
    pub key: String,
    pub label: String,
    pub kind: &'static str,
    pub value: Shown,
    /// Lines that start with a bullet (・, ●, ○, ■) or items of a list.
    pub bullets: bool,
    pub options: Vec<OptionShown>,
    pub table: Option<TableView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TableView {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<FieldView>>,
}

/// A table of values by year: a row per measure, a column per year.
#[derive(Debug, Clone, Serialize)]
pub struct YearTable {
    /// The caption, read before the table.
    pub caption: String,
    pub years: Vec<String>,
    pub rows: Vec<YearRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct YearRow {
    pub label: String,
    pub cells: Vec<Shown>,
}

#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BlockView {
    Money {
        table: YearTable,
        chart: Option<ChartRef>,
    },
    Staff {
        table: YearTable,
        chart: Option<ChartRef>,
    },
    Indicators {
        indicators: Vec<IndicatorBlock>,
    },
    Evaluation {
        year_label: String,
        stages: Vec<StageView>,
        criteria: Vec<CriterionGroup>,
    },
    Place {
        levels: Vec<PlaceLevel>,
    },
    BudgetLines {
        lines: Vec<BudgetLineRow>,
    },
}

#[derive(Debug, Serialize)]
pub struct IndicatorBlock {
    pub name: String,
    pub kind: Option<String>,
    pub unit: Option<String>,
    pub formula: Shown,
    pub final_target: Option<String>,
    pub baseline: Option<String>,
    pub notes: Vec<String>,
    pub table: YearTable,
    pub chart: Option<ChartRef>,
    /// Why there is no chart (values written as text, or none yet).
    pub chart_note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct StageView {
    pub name: String,
    pub options: Vec<OptionShown>,
    pub choice: Shown,
    pub reason: Shown,
    pub evaluator: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct CriterionGroup {
    pub group: String,
    pub rows: Vec<CriterionRow>,
}

#[derive(Debug, Serialize)]
pub struct CriterionRow {
    pub question: String,
    pub options: Vec<OptionShown>,
    pub answer: Shown,
    pub reason: Shown,
}

#[derive(Debug, Serialize)]
pub struct BudgetLineRow {
    pub account: String,
    /// 「2款 総務費」「1項 総務管理費」…
    pub parts: Vec<String>,
    pub name: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ProgramGroup {
    pub name: String,
    pub programs: Vec<crate::render::view::ProgramSummary>,
}

/// Whether a multi-line text reads as bullets.
fn has_bullets(text: &str) -> bool {
    text.lines()
        .any(|l| l.trim_start().starts_with(['・', '●', '○', '■', '□', '-']))
}

fn state_only(v: &SheetValue<String>) -> Shown {
    Shown::text(v)
}

/// The view of a declared field's value.
pub fn field_view(field: &Field, v: Option<&SheetValue<FieldValue>>, unit: &str) -> FieldView {
    let blank = SheetValue::Blank;
    let v = v.unwrap_or(&blank);
    let text = show::sheet_text(field, Some(v), unit);
    let mut view = FieldView {
        key: field.key.clone(),
        label: field.label.clone(),
        kind: field.kind.name(),
        bullets: matches!(field.kind, Kind::List) || text.value().is_some_and(|t| has_bullets(t)),
        value: state_only(&text),
        options: show::options(field, v),
        table: None,
    };
    if let (Kind::Table { columns }, SheetValue::Value(FieldValue::Table(rows))) = (&field.kind, v)
    {
        view.table = Some(TableView {
            columns: columns.iter().map(|c| c.label.clone()).collect(),
            rows: rows
                .iter()
                .map(|row| {
                    columns
                        .iter()
                        .map(|c| field_view(c, row.get(&c.key), unit))
                        .collect()
                })
                .collect(),
        });
    }
    view
}

/// A typed key placed as a field: its value from the model.
fn core_view(field: &Field, value: SheetValue<String>) -> FieldView {
    FieldView {
        key: field.key.clone(),
        label: field.label.clone(),
        kind: "text",
        bullets: value.value().is_some_and(|t| has_bullets(t)),
        value: Shown::text(&value),
        options: Vec::new(),
        table: None,
    }
}

fn opt_text(s: &Option<String>) -> SheetValue<String> {
    s.clone().map_or(SheetValue::Blank, SheetValue::Value)
}

fn era_label(y: Option<i32>) -> SheetValue<String> {
    y.map_or(SheetValue::Blank, |y| {
        SheetValue::Value(wareki_fiscal_year(y))
    })
}

fn measure_text(v: &SheetValue<Measure>, unit: Option<&str>) -> SheetValue<String> {
    v.map(|m| match m {
        Measure::Number(n) => crate::model::format::number_with_unit(*n, unit),
        Measure::Text(t) => t.clone(),
    })
}

/// The value of a typed key of program.toml or the year file.
fn program_core(p: &Program, y: &ProgramYear, key: &str) -> SheetValue<String> {
    let unit = p
        .indicators
        .first()
        .and_then(|i| i.unit.value().map(String::as_str));
    match key {
        "name" => SheetValue::Value(p.name.clone()),
        "department" => SheetValue::Value(p.department.clone()),
        "related_departments" if p.related_departments.is_empty() => SheetValue::Blank,
        "related_departments" => SheetValue::Value(p.related_departments.join("、")),
        "purpose" => p.purpose.clone(),
        "code" => opt_text(&p.code),
        "start_year" => era_label(p.start_year),
        "end_year" => era_label(p.end_year),
        "fiscal_year" => SheetValue::Value(wareki_fiscal_year(y.year)),
        "activities" => y.activities.clone(),
        "target" => measure_text(&y.target, unit),
        "result" => measure_text(&y.result, unit),
        "check" => labelled(&[
            ("評価", &y.evaluation),
            ("分析", &y.analysis),
            ("評価区分", &opt_text(&y.rating)),
        ]),
        "action" => labelled(&[
            ("方針", &y.action_policy),
            ("今後の方向性", &opt_text(&y.decision)),
        ]),
        _ => SheetValue::Blank,
    }
}

/// Several typed texts as one value, each line led by its label; "—" when
/// all are "—", blank when none is written.
fn labelled(parts: &[(&str, &SheetValue<String>)]) -> SheetValue<String> {
    let lines: Vec<String> = parts
        .iter()
        .filter_map(|(label, v)| v.value().map(|t| format!("{label}：{}", t.trim_end())))
        .collect();
    if !lines.is_empty() {
        SheetValue::Value(lines.join("\n"))
    } else if parts
        .iter()
        .all(|(_, v)| matches!(v, SheetValue::NotApplicable))
    {
        SheetValue::NotApplicable
    } else {
        SheetValue::Blank
    }
}

fn policy_core(p: &Policy, key: &str) -> SheetValue<String> {
    match key {
        "name" => SheetValue::Value(p.name.clone()),
        "outline" if p.outline.is_empty() => SheetValue::Blank,
        "outline" => SheetValue::Value(p.outline.clone()),
        "objective" => p.objective.clone(),
        "code" => opt_text(&p.code),
        _ => SheetValue::Blank,
    }
}

/// The plan above (and at) a program or policy, top first.
pub fn place_levels(m: &Model, place: &[Option<usize>]) -> Vec<PlaceLevel> {
    m.form
        .levels
        .iter()
        .enumerate()
        .map(|(li, l)| match place.get(li).copied().flatten() {
            Some(n) => {
                let node = &m.plan[n];
                PlaceLevel {
                    level: l.name.clone(),
                    code: Some(node.code.clone()),
                    name: node.name.clone(),
                    linked: true,
                    url: Some(node_url(m, n)),
                }
            }
            None => PlaceLevel {
                level: l.name.clone(),
                code: None,
                name: "―（位置付けなし）".into(),
                linked: false,
                url: None,
            },
        })
        .collect()
}

/// The path of a plan node's page: the policy page at the policy level.
pub fn node_url(m: &Model, n: usize) -> String {
    let node = &m.plan[n];
    match node.policy {
        Some(p) => crate::render::view::policy_url(&m.policies[p]),
        None => format!(
            "plan/{}-{}/",
            m.form.levels[node.level].key,
            crate::model::build::code_slug(&node.code)
        ),
    }
}

/// The chain of nodes from the top to `n`.
pub fn ancestry(plan: &[PlanNode], n: usize) -> Vec<usize> {
    let mut chain = vec![n];
    let mut at = plan[n].parent;
    while let Some(k) = at {
        chain.push(k);
        at = plan[k].parent;
    }
    chain.reverse();
    chain
}

/// The place of a policy (its node and the nodes above it), per level.
pub fn policy_place(m: &Model, p: &Policy) -> Vec<Option<usize>> {
    let mut place = vec![None; m.form.levels.len()];
    if let Some(n) = p.node {
        for k in ancestry(&m.plan, n) {
            place[m.plan[k].level] = Some(k);
        }
    }
    place
}

fn year_labels(years: &[i32]) -> Vec<String> {
    years.iter().map(|&y| wareki_fiscal_year(y)).collect()
}

fn money_row(
    label: &str,
    years: &[ProgramYear],
    fmt: &Fmt,
    f: impl Fn(&ProgramYear) -> SheetValue<i64>,
) -> YearRow {
    YearRow {
        label: label.to_string(),
        cells: years
            .iter()
            .map(|y| Shown::of(&f(y), |n| show::money_text(*n, fmt.unit)))
            .collect(),
    }
}

/// The chart's file name for a block, relative to the page.
pub const MONEY_CHART: &str = "money.svg";
pub const COST_CHART: &str = "cost.svg";

/// The money columns of a year, as the chart and table read them.
pub fn money_columns(
    y: &ProgramYear,
    columns: &[MoneyColumn],
) -> Vec<(MoneyColumn, bool, SheetValue<i64>)> {
    columns
        .iter()
        .map(|&c| {
            let v = match c {
                MoneyColumn::Initial => y.budget.initial.clone(),
                MoneyColumn::Supplementary => y.budget.supplementary.clone(),
                MoneyColumn::CarriedOver => y.budget.carried_over.clone(),
                MoneyColumn::Transfer => y.budget.transfer.clone(),
                MoneyColumn::Current => y.current_budget(),
                MoneyColumn::Settlement => y.settlement.amount.clone(),
                MoneyColumn::Forecast => y
                    .forecast
                    .as_ref()
                    .map_or(SheetValue::Blank, |f| f.amount.clone()),
            };
            (c, c == MoneyColumn::Settlement && y.settlement.estimate, v)
        })
        .collect()
}

/// The label of a money column in a year (決算見込 for an estimate).
pub fn money_label(c: MoneyColumn, estimate: bool) -> &'static str {
    if estimate {
        "決算見込"
    } else {
        c.label()
    }
}

fn money_block(m: &Model, p: &Program, block: &Block, fmt: &Fmt, chart: bool) -> BlockView {
    let Block::Money {
        columns,
        funding,
        execution_rate,
    } = block
    else {
        unreachable!("called for the money block")
    };
    let years: Vec<i32> = p.years.keys().copied().collect();
    let ys: Vec<ProgramYear> = years.iter().map(|&y| p.year(y)).collect();
    let mut rows = Vec::new();
    for &c in columns {
        let label = if c == MoneyColumn::Settlement && ys.iter().any(|y| y.settlement.estimate) {
            "決算（決算見込）"
        } else {
            c.label()
        };
        rows.push(money_row(label, &ys, fmt, |y| {
            money_columns(y, &[c])[0].2.clone()
        }));
    }
    for &f in funding {
        for (basis, pick) in [("予算", 0u8), ("決算", 1)] {
            let any = ys.iter().any(|y| {
                let m = if pick == 0 { &y.budget } else { &y.settlement };
                m.funding.is_some()
            });
            if !any {
                continue;
            }
            rows.push(money_row(
                &format!("{}（{basis}）", f.label()),
                &ys,
                fmt,
                |y| {
                    let money = if pick == 0 { &y.budget } else { &y.settlement };
                    money
                        .funding
                        .as_ref()
                        .map_or(SheetValue::Blank, |fu| funding_value(fu, f))
                },
            ));
        }
    }
    if *execution_rate {
        rows.push(YearRow {
            label: "執行率".into(),
            cells: ys
                .iter()
                .map(|y| match (y.current_budget(), &y.settlement.amount) {
                    (SheetValue::Value(b), SheetValue::Value(s)) => match percent(*s, b) {
                        Some(t) => Shown::of(&SheetValue::Value(t), |t| t.clone()),
                        None => Shown::of(&SheetValue::<String>::NotApplicable, |t| t.clone()),
                    },
                    (SheetValue::NotApplicable, _) | (_, SheetValue::NotApplicable) => {
                        Shown::of(&SheetValue::<String>::NotApplicable, |t| t.clone())
                    }
                    _ => Shown::of(&SheetValue::<String>::Blank, |t| t.clone()),
                })
                .collect(),
        });
    }
    let title = format!("{}の事業費の推移", p.name);
    let chart_ref = (chart && !years.is_empty()).then(|| {
        let cy = chart_money_years(p, columns);
        ChartRef {
            src: MONEY_CHART.into(),
            alt: chart::money_desc(&title, &m.site.money_unit, &cy, &|n| {
                show::money_text(n, &m.site.money_unit)
            }),
            title: title.clone(),
        }
    });
    BlockView::Money {
        table: YearTable {
            caption: format!("{}（単位：{}）", title, m.site.money_unit),
            years: year_labels(&years),
            rows,
        },
        chart: chart_ref,
    }
}

/// One funding source's amount.
pub fn funding_value(f: &crate::model::Funding, s: crate::form::FundingSource) -> SheetValue<i64> {
    use crate::form::FundingSource as S;
    match s {
        S::National => f.national.clone(),
        S::Prefectural => f.prefectural.clone(),
        S::NationalPrefectural => f.national_prefectural.clone(),
        S::Bonds => f.bonds.clone(),
        S::Other => f.other.clone(),
        S::Beneficiary => f.beneficiary.clone(),
        S::General => f.general.clone(),
    }
}

/// The years of a program's money chart.
pub fn chart_money_years(p: &Program, columns: &[MoneyColumn]) -> Vec<chart::MoneyYear> {
    p.years
        .keys()
        .map(|&y| {
            let py = p.year(y);
            chart::MoneyYear {
                label: wareki_fiscal_year(y),
                columns: money_columns(&py, columns)
                    .into_iter()
                    .map(|(c, estimate, value)| chart::MoneyColumn {
                        kind: chart_kind(c, estimate),
                        value,
                    })
                    .collect(),
            }
        })
        .collect()
}

fn chart_kind(c: MoneyColumn, estimate: bool) -> chart::ColumnKind {
    use chart::ColumnKind as K;
    match c {
        MoneyColumn::Initial => K::Initial,
        MoneyColumn::Supplementary => K::Supplementary,
        MoneyColumn::CarriedOver => K::CarriedOver,
        MoneyColumn::Transfer => K::Transfer,
        MoneyColumn::Current => K::Current,
        MoneyColumn::Settlement if estimate => K::SettlementEstimate,
        MoneyColumn::Settlement => K::Settlement,
        MoneyColumn::Forecast => K::Forecast,
    }
}

/// The years of a program's cost chart: 事業費, 人件費 and their total.
pub fn chart_cost_years(p: &Program) -> Vec<chart::CostYear> {
    p.years
        .iter()
        .filter(|(_, y)| y.staff.is_some())
        .map(|(&y, _)| {
            let py = p.year(y);
            chart::CostYear {
                label: wareki_fiscal_year(y),
                program_cost: py.program_cost(),
                staff_cost: py
                    .staff
                    .as_ref()
                    .map_or(SheetValue::Blank, |s| s.cost.clone()),
                total: py.total_cost(),
            }
        })
        .collect()
}

fn staff_block(
    m: &Model,
    p: &Program,
    show_parts: &[StaffPart],
    fmt: &Fmt,
    chart: bool,
) -> BlockView {
    let years: Vec<i32> = p.years.keys().copied().collect();
    let ys: Vec<ProgramYear> = years.iter().map(|&y| p.year(y)).collect();
    let num = |v: &SheetValue<f64>, unit: &str, d: u8| {
        Shown::of(v, |n| show::number_text(*n, Some(unit), Some(d)))
    };
    let blank_f = SheetValue::<f64>::Blank;
    let rows = show_parts
        .iter()
        .map(|&part| YearRow {
            label: part.label().to_string(),
            cells: ys
                .iter()
                .map(|y| {
                    let s = y.staff.as_ref();
                    match part {
                        StaffPart::Headcount => num(s.map_or(&blank_f, |s| &s.headcount), "人", 2),
                        StaffPart::Hours => num(s.map_or(&blank_f, |s| &s.hours), "時間", 0),
                        StaffPart::Rate => num(
                            s.map_or(&blank_f, |s| &s.rate),
                            &format!("{}/時間", fmt.unit),
                            1,
                        ),
                        StaffPart::Cost => {
                            Shown::of(&s.map_or(SheetValue::Blank, |s| s.cost.clone()), |n| {
                                show::money_text(*n, fmt.unit)
                            })
                        }
                        StaffPart::TotalCost => {
                            Shown::of(&y.total_cost(), |n| show::money_text(*n, fmt.unit))
                        }
                    }
                })
                .collect(),
        })
        .collect();
    let title = format!("{}のトータルコスト（事業費と人件費）", p.name);
    let cy = chart_cost_years(p);
    BlockView::Staff {
        table: YearTable {
            caption: format!(
                "{}の人件費とトータルコスト（単位：{}）",
                p.name, m.site.money_unit
            ),
            years: year_labels(&years),
            rows,
        },
        chart: (chart && !cy.is_empty()).then(|| ChartRef {
            src: COST_CHART.into(),
            alt: chart::cost_desc(&title, &cy, &|n| show::money_text(n, &m.site.money_unit)),
            title,
        }),
    }
}

/// A series row over years: each year's value of `f`.
fn series_row(
    label: &str,
    years: &[i32],
    unit: Option<&str>,
    f: impl Fn(i32) -> SheetValue<Measure>,
) -> YearRow {
    YearRow {
        label: label.into(),
        cells: years
            .iter()
            .map(|&y| Shown::text(&measure_text(&f(y), unit)))
            .collect(),
    }
}

fn point_text(p: &Point, unit: Option<&str>) -> String {
    let v = measure_text(&p.value, unit);
    let v = match v {
        SheetValue::Value(t) => t,
        SheetValue::NotApplicable => "—".into(),
        SheetValue::Blank => "未記入".into(),
    };
    format!("{v}（{}・{}年度）", wareki_fiscal_year(p.year), p.year)
}

fn num(v: &SheetValue<Measure>) -> Option<f64> {
    match v {
        SheetValue::Value(Measure::Number(n)) => Some(*n),
        _ => None,
    }
}

fn is_text(v: &SheetValue<Measure>) -> bool {
    matches!(v, SheetValue::Value(Measure::Text(_)))
}

/// One year of an indicator: its year, target, actual and forecast.
pub type SeriesRow = (
    i32,
    SheetValue<Measure>,
    SheetValue<Measure>,
    SheetValue<Measure>,
);

/// The chart file of indicator `k` (1-based) on a page.
pub fn indicator_chart_src(k: usize) -> String {
    format!("series-{k}.svg")
}

/// The series of a program's indicator by year.
pub fn program_series(p: &Program, id: &str, main: bool) -> Vec<SeriesRow> {
    p.years
        .keys()
        .map(|&y| {
            let py = p.year(y);
            let (t, r) = if main {
                (py.target.clone(), py.result.clone())
            } else {
                py.indicator_values
                    .iter()
                    .find(|(i, _, _)| i == id)
                    .map_or((SheetValue::Blank, SheetValue::Blank), |(_, t, r)| {
                        (t.clone(), r.clone())
                    })
            };
            let f = py
                .indicator_forecasts
                .iter()
                .find(|(i, _)| i == id)
                .map_or(SheetValue::Blank, |(_, f)| f.clone());
            (y, t, r, f)
        })
        .collect()
}

/// The series of a policy's indicator by year (targets, actuals, forecasts
/// and the single target point merged by year).
pub fn policy_series(ind: &PolicyIndicator) -> Vec<SeriesRow> {
    let mut years: std::collections::BTreeSet<i32> = std::collections::BTreeSet::new();
    for p in ind
        .targets
        .iter()
        .chain(&ind.actuals)
        .chain(&ind.forecasts)
        .chain(&ind.target)
    {
        years.insert(p.year);
    }
    let find = |list: &[Point], y: i32| {
        list.iter()
            .find(|p| p.year == y)
            .map_or(SheetValue::Blank, |p| p.value.clone())
    };
    years
        .into_iter()
        .map(|y| {
            let mut t = find(&ind.targets, y);
            if t.is_blank() {
                if let Some(tp) = ind.target.as_ref().filter(|tp| tp.year == y) {
                    t = tp.value.clone();
                }
            }
            (y, t, find(&ind.actuals, y), find(&ind.forecasts, y))
        })
        .collect()
}

/// A chart and its description for a series, or why there is none.
pub fn series_chart_parts(
    title: &str,
    unit: Option<&str>,
    series: &[SeriesRow],
) -> Result<Vec<chart::SeriesYear>, String> {
    let points: Vec<chart::SeriesYear> = series
        .iter()
        .map(|(y, t, a, f)| chart::SeriesYear {
            year_label: wareki_fiscal_year(*y),
            target: t.clone(),
            actual: a.clone(),
            forecast: f.clone(),
        })
        .collect();
    let numbers = series
        .iter()
        .filter(|(_, t, a, f)| num(t).is_some() || num(a).is_some() || num(f).is_some())
        .count();
    if numbers == 0 {
        let text = series
            .iter()
            .any(|(_, t, a, f)| is_text(t) || is_text(a) || is_text(f));
        return Err(if text {
            format!("{title}：目標・実績が文字で記入されているため、グラフはありません。表をご覧ください。")
        } else {
            format!("{title}：数値がまだないため、グラフはありません。")
        });
    }
    let _ = unit;
    Ok(points)
}

/// What an indicator block is made of, apart from its series.
struct IndicatorSource<'a> {
    name: &'a str,
    kind: Option<String>,
    unit: Option<&'a str>,
    formula: Shown,
    final_target: Option<&'a Point>,
    baseline: Option<&'a Point>,
    notes: Vec<String>,
}

fn indicator_block(
    src: IndicatorSource<'_>,
    series: Vec<SeriesRow>,
    k: usize,
    chart_on: bool,
) -> IndicatorBlock {
    let IndicatorSource {
        name,
        kind,
        unit,
        formula,
        final_target,
        baseline,
        notes,
    } = src;
    let years: Vec<i32> = series.iter().map(|s| s.0).collect();
    let pick = |i: usize| {
        let series = &series;
        move |y: i32| {
            series
                .iter()
                .find(|s| s.0 == y)
                .map(|s| match i {
                    0 => s.1.clone(),
                    1 => s.2.clone(),
                    _ => s.3.clone(),
                })
                .unwrap_or(SheetValue::Blank)
        }
    };
    let mut rows = vec![
        series_row("目標", &years, unit, pick(0)),
        series_row("実績", &years, unit, pick(1)),
    ];
    if series.iter().any(|s| !s.3.is_blank()) {
        rows.push(series_row("見込", &years, unit, pick(2)));
    }
    let title = format!("{name}の目標と実績");
    let (chart_ref, chart_note) = match series_chart_parts(&title, unit, &series) {
        Ok(points) if chart_on => (
            Some(ChartRef {
                src: indicator_chart_src(k),
                alt: chart::series_desc(&title, unit.unwrap_or(""), &points),
                title: title.clone(),
            }),
            None,
        ),
        Ok(_) => (None, None),
        Err(why) => (None, Some(why)),
    };
    IndicatorBlock {
        name: name.to_string(),
        kind,
        unit: unit.map(str::to_string),
        formula,
        final_target: final_target.map(|p| point_text(p, unit)),
        baseline: baseline.map(|p| point_text(p, unit)),
        notes,
        table: YearTable {
            caption: format!("{title}（年度ごと）"),
            years: year_labels(&years),
            rows,
        },
        chart: chart_ref,
        chart_note,
    }
}

fn program_indicators(p: &Program, chart_on: bool) -> BlockView {
    BlockView::Indicators {
        indicators: p
            .indicators
            .iter()
            .enumerate()
            .map(|(k, ind)| {
                let unit = ind.unit.value().map(String::as_str);
                let name = ind.name.value().cloned().unwrap_or_default();
                indicator_block(
                    IndicatorSource {
                        name: &name,
                        kind: ind.kind.clone(),
                        unit,
                        formula: Shown::text(&ind.formula),
                        final_target: ind.final_target.as_ref(),
                        baseline: None,
                        notes: ind.notes.clone(),
                    },
                    program_series(p, &ind.id, k == 0),
                    k + 1,
                    chart_on,
                )
            })
            .collect(),
    }
}

fn policy_indicators(p: &Policy, chart_on: bool) -> BlockView {
    BlockView::Indicators {
        indicators: p
            .indicators
            .iter()
            .enumerate()
            .map(|(k, ind)| {
                indicator_block(
                    IndicatorSource {
                        name: &ind.name,
                        kind: ind.kind.clone(),
                        unit: ind.unit.as_deref(),
                        formula: Shown::text(&ind.concept),
                        final_target: ind.final_target.as_ref(),
                        baseline: ind.baseline.as_ref(),
                        notes: Vec::new(),
                    },
                    policy_series(ind),
                    k + 1,
                    chart_on,
                )
            })
            .collect(),
    }
}

fn evaluation_block(m: &Model, y: &ProgramYear) -> BlockView {
    let (stages, criteria) = m.form.evaluation().unwrap_or((&[], &[]));
    let text = |s: &Option<String>| Shown::text(&opt_text(s));
    BlockView::Evaluation {
        year_label: format!("{}の実績の評価", wareki_fiscal_year(y.year)),
        stages: stages
            .iter()
            .map(|s| {
                let e = y.evaluations.iter().find(|e| e.stage == s.key);
                let sel = e.and_then(|e| e.choice);
                let v = sel.map_or(SheetValue::Blank, |i| {
                    FieldValue::Choice {
                        selected: vec![i],
                        other: None,
                    }
                    .into_value()
                });
                StageView {
                    name: s.name.clone(),
                    options: show::options_of(&s.options, None, &v),
                    choice: text(&sel.and_then(|i| s.options.get(i).cloned())),
                    reason: e.map_or_else(
                        || Shown::text(&SheetValue::Blank),
                        |e| Shown::text(&e.reason),
                    ),
                    evaluator: e.and_then(|e| e.evaluator.clone()),
                }
            })
            .collect(),
        criteria: {
            let mut groups: Vec<CriterionGroup> = Vec::new();
            for c in criteria {
                let a = y.criteria.iter().find(|a| a.key == c.key);
                let sel = a.and_then(|a| a.answer);
                let v = sel.map_or(SheetValue::Blank, |i| {
                    FieldValue::Choice {
                        selected: vec![i],
                        other: None,
                    }
                    .into_value()
                });
                let row = CriterionRow {
                    question: c.question.clone(),
                    options: show::options_of(&c.options, None, &v),
                    answer: text(&sel.and_then(|i| c.options.get(i).cloned())),
                    reason: a.map_or_else(
                        || Shown::text(&SheetValue::Blank),
                        |a| Shown::text(&a.reason),
                    ),
                };
                match groups.last_mut() {
                    Some(g) if g.group == c.group => g.rows.push(row),
                    _ => groups.push(CriterionGroup {
                        group: c.group.clone(),
                        rows: vec![row],
                    }),
                }
            }
            groups
        },
    }
}

impl FieldValue {
    fn into_value(self) -> SheetValue<FieldValue> {
        SheetValue::Value(self)
    }
}

fn budget_lines(p: &Program) -> BlockView {
    BlockView::BudgetLines {
        lines: p
            .budget_lines
            .iter()
            .map(|b| BudgetLineRow {
                account: b.account.clone(),
                parts: [
                    (&b.section, "款", &b.section_name),
                    (&b.subsection, "項", &b.subsection_name),
                    (&b.item, "目", &b.item_name),
                    (&b.sub_item, "細目", &b.sub_item_name),
                    (&b.program_no, "事業", &None),
                ]
                .into_iter()
                .filter(|(c, _, n)| c.is_some() || n.is_some())
                .map(|(c, suffix, n)| {
                    let head = c
                        .as_ref()
                        .map(|c| format!("{c}{suffix}"))
                        .unwrap_or_default();
                    match n {
                        Some(n) if head.is_empty() => n.clone(),
                        Some(n) => format!("{head} {n}"),
                        None => head,
                    }
                })
                .collect(),
                name: b.name.clone(),
            })
            .collect(),
    }
}

/// The sections of a program's sheet for year `y`: program.toml's sections,
/// then the year file's. Charts are only on the latest page.
pub fn program_sections(
    m: &Model,
    p: &Program,
    y: i32,
    latest: bool,
    fmt: &Fmt,
) -> Vec<SectionView> {
    let py = p.year(y);
    let mut out = Vec::new();
    for (sheet, fields) in [(&m.form.program, &p.fields), (&m.form.year, &py.fields)] {
        out.extend(sections(
            m,
            sheet,
            fields,
            fmt,
            &|key| program_core(p, &py, key),
            &|b| match b {
                Block::Money { .. } => Some(money_block(m, p, b, fmt, latest)),
                Block::Staff { show } => Some(staff_block(m, p, show, fmt, latest)),
                Block::Indicators => Some(program_indicators(p, latest)),
                Block::Evaluation { .. } => {
                    // The sheet shows the evaluation written for its year, or
                    // else the one of the year before (the results it looks back on).
                    let own = !py.evaluations.is_empty() || !py.criteria.is_empty();
                    let prev = p.year(y - 1);
                    let evaluated =
                        if own || (prev.evaluations.is_empty() && prev.criteria.is_empty()) {
                            py.clone()
                        } else {
                            prev
                        };
                    Some(evaluation_block(m, &evaluated))
                }
                Block::Place => Some(BlockView::Place {
                    levels: place_levels(m, &p.place),
                }),
                Block::BudgetLines => Some(budget_lines(p)),
            },
        ));
    }
    out
}

/// The sections of a policy's 施策 sheet.
pub fn policy_sections(m: &Model, p: &Policy, fmt: &Fmt) -> Vec<SectionView> {
    sections(
        m,
        &m.form.policy,
        &p.fields,
        fmt,
        &|key| policy_core(p, key),
        &|b| match b {
            Block::Indicators => Some(policy_indicators(p, true)),
            _ => None,
        },
    )
}

fn sections(
    m: &Model,
    sheet: &Sheet,
    fields: &crate::form::field::Fields,
    _fmt: &Fmt,
    core: &dyn Fn(&str) -> SheetValue<String>,
    block: &dyn Fn(&Block) -> Option<BlockView>,
) -> Vec<SectionView> {
    sheet
        .sections
        .iter()
        .map(|s| match &s.content {
            SectionContent::Fields(fs) => SectionView {
                key: s.key.clone(),
                heading: s.heading.clone(),
                fields: fs
                    .iter()
                    .map(|f| {
                        if f.is_core() {
                            core_view(f, core(&f.key))
                        } else {
                            field_view(f, fields.get(&f.key), &m.site.money_unit)
                        }
                    })
                    .collect(),
                block: None,
            },
            SectionContent::Block(b) => SectionView {
                key: s.key.clone(),
                heading: s.heading.clone(),
                fields: Vec::new(),
                block: block(b),
            },
        })
        .collect()
}

/// Breadcrumbs through the plan to node `n` (its own name last).
pub fn plan_crumbs(m: &Model, n: usize) -> Vec<Link> {
    ancestry(&m.plan, n)
        .into_iter()
        .map(|k| Link {
            name: format!(
                "{}「{}」",
                m.form.levels[m.plan[k].level].name, m.plan[k].name
            ),
            url: Some(node_url(m, k)),
        })
        .collect()
}

/// A program's sheet of year `y` (the latest sheet when `latest`).
pub fn sheet_program_page(m: &Model, p: &Program, y: i32, latest: bool, fmt: &Fmt) -> SheetPage {
    use crate::render::view::{program_url, program_year_url, YearLink};
    let policy = &m.policies[p.policy];
    let label = wareki_fiscal_year(y);
    let mut crumbs: Vec<Link> = match policy.node {
        Some(n) => plan_crumbs(m, n),
        None => Vec::new(),
    };
    crumbs.push(Link {
        name: p.name.clone(),
        url: Some(program_url(p)),
    });
    if !latest {
        crumbs.push(Link {
            name: label.clone(),
            url: None,
        });
    }
    let path = if latest {
        program_url(p)
    } else {
        program_year_url(p, y)
    };
    SheetPage {
        common: crate::render::pages::common(
            m,
            if latest { 2 } else { 3 },
            &if latest {
                p.name.clone()
            } else {
                format!("{}（{label}）", p.name)
            },
            format!(
                "{}「{}」（{}）の{label}{}",
                m.site.city, p.name, p.department, m.form.name
            ),
            &path,
            crumbs,
        ),
        name: p.name.clone(),
        kind_label: format!("{}（{label}）", m.form.name),
        form_name: m.form.name.clone(),
        sheet_year_label: Some(label),
        is_latest: latest,
        latest_url: Some(program_url(p)),
        // The plan position is shown once: in its section when the form
        // places one, above the sheet otherwise.
        place: if m.form.program.blocks().any(|b| *b == Block::Place) {
            Vec::new()
        } else {
            place_levels(m, &p.place)
        },
        sections: program_sections(m, p, y, latest, fmt),
        program_groups: Vec::new(),
        data_csv: format!("{}data.csv", program_url(p)),
        data_json: format!("{}data.json", program_url(p)),
        year_pages: p
            .years
            .keys()
            .map(|&hy| YearLink {
                year_label: wareki_fiscal_year(hy),
                url: program_year_url(p, hy),
                current: !latest && hy == y,
            })
            .collect(),
        totals: Vec::new(),
        budget_chart: None,
    }
}

/// A policy's page: its 施策 sheet (when there is one) and its programs.
pub fn sheet_policy_page(m: &Model, p: &Policy, fmt: &Fmt) -> SheetPage {
    use crate::render::view::{policy_url, program_summary};
    let level = m
        .form
        .policy_level()
        .map_or("施策".to_string(), |l| m.form.levels[l].name.clone());
    let mut crumbs = match p.node {
        Some(n) => plan_crumbs(m, n),
        None => Vec::new(),
    };
    if crumbs.is_empty() {
        crumbs.push(Link {
            name: format!("{level}「{}」", p.name),
            url: None,
        });
    }
    SheetPage {
        common: crate::render::pages::common(
            m,
            2,
            &format!("{level}「{}」", p.name),
            format!("{}の{level}「{}」の目標・指標と事業", m.site.city, p.name),
            &policy_url(p),
            crumbs,
        ),
        name: p.name.clone(),
        kind_label: level,
        form_name: m.form.name.clone(),
        sheet_year_label: None,
        is_latest: true,
        latest_url: None,
        place: {
            let pl = m.form.policy_level().unwrap_or(0);
            place_levels(m, &policy_place(m, p))
                .into_iter()
                .take(pl)
                .filter(|l| l.linked)
                .collect()
        },
        sections: if p.has_sheet {
            policy_sections(m, p, fmt)
        } else {
            Vec::new()
        },
        program_groups: p
            .directions
            .iter()
            .map(|d| ProgramGroup {
                name: d.name.clone(),
                programs: d
                    .programs
                    .iter()
                    .map(|&i| program_summary(m, &m.programs[i], fmt))
                    .collect(),
            })
            .collect(),
        data_csv: format!("{}data.csv", policy_url(p)),
        data_json: format!("{}data.json", policy_url(p)),
        year_pages: Vec::new(),
        totals: crate::render::pages::policy::policy_totals(p, fmt),
        budget_chart: crate::render::pages::policy::policy_budget_chart(m, p),
    }
}

/// A node of the plan that is not a 施策: what lies under it.
#[derive(Debug, Serialize)]
pub struct PlanPage {
    #[serde(flatten)]
    pub common: Common,
    pub level: String,
    pub code: Option<String>,
    pub name: String,
    pub children_heading: String,
    pub children: Vec<ChildNode>,
    pub budget_label: String,
    pub programs: Vec<crate::render::view::ProgramSummary>,
}

#[derive(Debug, Serialize)]
pub struct ChildNode {
    pub code: Option<String>,
    pub name: String,
    pub url: String,
    pub count: usize,
}

pub fn plan_node_page(m: &Model, n: usize, fmt: &Fmt) -> PlanPage {
    let node = &m.plan[n];
    let level = m.form.levels[node.level].name.clone();
    let children: Vec<ChildNode> = m
        .plan
        .iter()
        .enumerate()
        .filter(|(_, c)| c.parent == Some(n) && !c.programs.is_empty())
        .map(|(k, c)| ChildNode {
            code: Some(c.code.clone()),
            name: c.name.clone(),
            url: node_url(m, k),
            count: c.programs.len(),
        })
        .collect();
    let path = node_url(m, n);
    PlanPage {
        common: crate::render::pages::common(
            m,
            2,
            &format!("{level}「{}」", node.name),
            format!(
                "{}の{level}「{}」に位置付けられた事業",
                m.site.city, node.name
            ),
            &path,
            plan_crumbs(m, n),
        ),
        children_heading: "この下の階層".into(),
        level,
        code: Some(node.code.clone()),
        name: node.name.clone(),
        children,
        budget_label: format!("{}予算額", wareki_fiscal_year(m.site.evaluation_year)),
        programs: node
            .programs
            .iter()
            .map(|&i| crate::render::view::program_summary(m, &m.programs[i], fmt))
            .collect(),
    }
}
