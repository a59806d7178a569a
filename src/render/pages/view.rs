//! View structs: what each template receives, with every value ready to
//! print (money formatted, 和暦 labels, value states). Templates only choose
//! how to show a value, never compute one.

use crate::model::format::{money, number, wareki_fiscal_year};
use crate::model::value::{Measure, SheetValue, State};
use crate::model::{Model, Policy, Program, ProgramYear, Total};
use serde::Serialize;

/// A value as a template sees it: its state and its text. Only `value`
/// carries text; templates write "—" (該当なし) and 未記入 themselves.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Shown {
    pub state: State,
    pub text: String,
    /// The text split at line breaks, for multi-line fields.
    pub lines: Vec<String>,
}

impl Shown {
    pub fn of<T>(v: &SheetValue<T>, f: impl FnOnce(&T) -> String) -> Shown {
        let text = v.value().map(f).unwrap_or_default();
        Shown {
            state: v.state(),
            lines: text.lines().map(str::to_string).collect(),
            text,
        }
    }
    pub fn text(v: &SheetValue<String>) -> Shown {
        Shown::of(v, |s| s.trim_end().to_string())
    }
}

/// Formats amounts in the site's money unit.
#[derive(Clone)]
pub struct Fmt<'a> {
    pub unit: &'a str,
}

impl Fmt<'_> {
    pub fn money(&self, v: &SheetValue<i64>) -> Shown {
        Shown::of(v, |n| money(*n, self.unit))
    }
    pub fn measure(&self, v: &SheetValue<Measure>, unit: Option<&str>) -> Shown {
        Shown::of(v, |m| match m {
            Measure::Number(n) => format!("{}{}", number(*n), unit.unwrap_or("")),
            Measure::Text(t) => t.clone(),
        })
    }
    pub fn total(&self, t: &Total) -> ShownTotal {
        ShownTotal {
            value: self.money(&t.value),
            partial: (t.counted > 0 && t.counted < t.of)
                .then(|| format!("{}事業中{}事業の合計", t.of, t.counted)),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ShownTotal {
    pub value: Shown,
    /// Set when only some programs had an amount.
    pub partial: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub name: String,
    pub url: Option<String>,
}

/// What every page shares: the site, the way back to the root, breadcrumbs.
#[derive(Debug, Clone, Serialize)]
pub struct Common {
    pub site: SiteView,
    /// Relative path from the page to the site root ("", "../../", …).
    pub root: String,
    pub page_title: String,
    pub description: String,
    pub canonical: Option<String>,
    pub breadcrumbs: Vec<Link>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub city: String,
    pub city_code: Option<String>,
    pub language: String,
    pub evaluation_year: i32,
    pub evaluation_year_label: String,
    pub money_unit: String,
    pub source: Option<String>,
    pub licence_name: String,
    pub licence_url: Option<String>,
    /// The latest changes page (of the evaluation year, or the last year
    /// before it with data), relative to the root; none for a site with a
    /// single year.
    pub changes_url: Option<String>,
    /// アクセシビリティ方針, relative to the root, when site.toml has one.
    pub accessibility_url: Option<String>,
}

impl SiteView {
    pub fn of(m: &Model) -> SiteView {
        let s = &m.site;
        SiteView {
            title: s.title.clone(),
            city: s.city.clone(),
            city_code: s.city_code.clone(),
            language: s.language.clone(),
            evaluation_year: s.evaluation_year,
            evaluation_year_label: wareki_fiscal_year(s.evaluation_year),
            money_unit: s.money_unit.clone(),
            source: s.source.clone(),
            licence_name: s.licence_name.clone(),
            licence_url: s.licence_url.clone(),
            changes_url: crate::render::diff::change_years(m)
                .last()
                .map(|y| format!("changes/{y}/")),
            accessibility_url: s
                .accessibility
                .as_ref()
                .map(|_| crate::render::accessibility::POLICY_PATH.to_string()),
        }
    }
}

pub fn policy_url(p: &Policy) -> String {
    format!("policies/{}/", p.slug)
}

pub fn program_url(p: &Program) -> String {
    format!("programs/{}/", p.slug)
}

pub fn program_year_url(p: &Program, year: i32) -> String {
    format!("programs/{}/{year}/", p.slug)
}

/// A program as listed under a policy or on the front page.
#[derive(Debug, Clone, Serialize)]
pub struct ProgramSummary {
    pub name: String,
    pub url: String,
    pub department: String,
    pub budget: Shown,
}

pub fn program_summary(m: &Model, p: &Program, fmt: &Fmt) -> ProgramSummary {
    ProgramSummary {
        name: p.name.clone(),
        url: program_url(p),
        department: p.department.clone(),
        budget: fmt.money(&p.year(m.site.evaluation_year).budget.amount),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DirectionView {
    pub name: String,
    pub programs: Vec<ProgramSummary>,
}

pub fn directions(m: &Model, p: &Policy, fmt: &Fmt) -> Vec<DirectionView> {
    p.directions
        .iter()
        .map(|d| DirectionView {
            name: d.name.clone(),
            programs: d
                .programs
                .iter()
                .map(|&i| program_summary(m, &m.programs[i], fmt))
                .collect(),
        })
        .collect()
}

// ---- front page -------------------------------------------------------

#[derive(Debug, Serialize)]
pub struct IndexPage {
    #[serde(flatten)]
    pub common: Common,
    pub budget_label: String,
    pub outlines: Vec<OutlineView>,
    pub policy_count: usize,
    pub program_count: usize,
    /// "施策の大綱 → 施策 → 施策の方向 → 事業", in the form's own words.
    pub path: String,
    pub outline_label: String,
    pub policy_label: String,
    pub direction_label: String,
    /// The table's caption word: 方向 (of 施策の方向), or the level's name.
    pub direction_caption: String,
}

#[derive(Debug, Serialize)]
pub struct OutlineView {
    pub name: String,
    pub policies: Vec<PolicySummary>,
}

#[derive(Debug, Serialize)]
pub struct PolicySummary {
    pub slug: String,
    pub name: String,
    pub url: String,
    /// None when the form's 施策 sheet has no 施策の目的.
    pub objective: Option<Shown>,
    pub directions: Vec<DirectionView>,
}

// ---- policy page ------------------------------------------------------

#[derive(Debug, Serialize)]
pub struct PolicyPage {
    #[serde(flatten)]
    pub common: Common,
    pub name: String,
    pub outline: String,
    pub objective: Shown,
    pub code: Option<String>,
    pub budget_label: String,
    pub directions: Vec<DirectionView>,
    pub indicators: Vec<IndicatorView>,
    pub reviews: Vec<ReviewView>,
    pub totals: Vec<TotalRow>,
    /// This policy's rows of the open data, relative to the site root.
    pub data_csv: String,
    pub data_json: String,
    pub budget_chart: Option<ChartRef>,
}

#[derive(Debug, Serialize)]
pub struct IndicatorView {
    pub name: String,
    pub kind: Option<String>,
    pub concept: Shown,
    pub direction: Shown,
    pub unit: Option<String>,
    pub baseline: PointView,
    pub target: PointView,
    pub actuals: Vec<PointView>,
    pub chart: Option<ChartRef>,
    /// Why there is no chart, when there is none.
    pub chart_note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct PointView {
    /// Survey year as on the sheet: 2017年.
    pub year_label: String,
    pub value: Shown,
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ReviewView {
    pub year_label: String,
    /// 令和2年度の実施状況への意見
    pub opinion_heading: String,
    pub council_opinion: Shown,
    pub achievement: Shown,
}

#[derive(Debug, Serialize)]
pub struct TotalRow {
    pub year_label: String,
    pub budget: ShownTotal,
    pub settlement: ShownTotal,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChartRef {
    /// Relative to the page.
    pub src: String,
    pub title: String,
    pub alt: String,
}

// ---- program page -----------------------------------------------------

#[derive(Debug, Serialize)]
pub struct ProgramPage {
    #[serde(flatten)]
    pub common: Common,
    pub name: String,
    pub sheet_year_label: String,
    pub is_latest: bool,
    pub latest_url: String,
    pub department: String,
    pub related_departments: Vec<String>,
    pub code: Option<String>,
    pub purpose: Shown,
    pub period: Option<String>,
    pub budget_lines: Vec<BudgetLineView>,
    pub position: PositionView,
    pub current: DoCurrent,
    pub past: Vec<DoPast>,
    pub check: CheckView,
    pub action: ActionView,
    pub plan: PlanView,
    pub history: Vec<HistoryRow>,
    pub funding: Vec<FundingRow>,
    pub staff: Vec<StaffRow>,
    pub other_indicators: Vec<OtherIndicatorView>,
    pub chart: Option<ChartRef>,
    /// Texts that changed from one year to the next.
    pub text_changes: Vec<crate::render::diff::FieldChange>,
    /// This program's rows of the open data, relative to the site root.
    pub data_csv: String,
    pub data_json: String,
    pub year_pages: Vec<YearLink>,
}

#[derive(Debug, Serialize)]
pub struct BudgetLineView {
    pub account: String,
    /// 「2款」「1項」「6目」「4事業」
    pub parts: Vec<String>,
    pub name: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct PositionView {
    pub outline: String,
    pub objective: Shown,
    pub policy: Link,
    pub direction: String,
}

#[derive(Debug, Serialize)]
pub struct DoCurrent {
    pub year_label: String,
    pub budget: Shown,
    pub special_funding: Shown,
    pub target: Shown,
    pub activities: Shown,
}

#[derive(Debug, Serialize)]
pub struct DoPast {
    pub year_label: String,
    pub settlement: Shown,
    pub special_funding: Shown,
    pub result: Shown,
    pub original_target: Shown,
    pub activities: Shown,
    /// The sheet prints 実施内容と改善点 for the previous year only.
    pub show_activities: bool,
}

#[derive(Debug, Serialize)]
pub struct CheckView {
    pub heading: String,
    pub evaluation: Shown,
    pub analysis: Shown,
    pub rating: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ActionView {
    pub policy: Shown,
    pub decision: Option<String>,
    pub indicators: Vec<ProgramIndicatorView>,
}

#[derive(Debug, Serialize)]
pub struct ProgramIndicatorView {
    pub kind: Option<String>,
    pub name: Shown,
    pub notes: Vec<String>,
    pub unit: Shown,
}

#[derive(Debug, Serialize)]
pub struct PlanView {
    pub year_label: String,
    pub budget: Shown,
    pub special_funding: Shown,
    pub target: Shown,
    pub activities: Shown,
    pub future: Vec<FutureTarget>,
}

#[derive(Debug, Serialize)]
pub struct FutureTarget {
    pub year_label: String,
    pub target: Shown,
}

#[derive(Debug, Serialize)]
pub struct HistoryRow {
    pub year_label: String,
    pub url: Option<String>,
    pub budget: Shown,
    pub budget_special_funding: Shown,
    pub settlement: Shown,
    pub settlement_special_funding: Shown,
    pub execution_rate: Option<String>,
    pub target: Shown,
    pub result: Shown,
    /// 評価区分 of that year's results.
    pub rating: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct FundingRow {
    pub year_label: String,
    /// 予算 or 決算
    pub basis: String,
    pub national: Shown,
    pub prefectural: Shown,
    pub bonds: Shown,
    pub other: Shown,
    pub general: Shown,
}

#[derive(Debug, Serialize)]
pub struct StaffRow {
    pub year_label: String,
    pub headcount: Shown,
    pub cost: Shown,
}

#[derive(Debug, Serialize)]
pub struct OtherIndicatorView {
    pub kind: Option<String>,
    pub name: Shown,
    pub unit: Shown,
    pub rows: Vec<FutureTargetResult>,
}

#[derive(Debug, Serialize)]
pub struct FutureTargetResult {
    pub year_label: String,
    pub target: Shown,
    pub result: Shown,
}

#[derive(Debug, Serialize)]
pub struct YearLink {
    pub year_label: String,
    pub url: String,
    pub current: bool,
}

/// The unit of a program's main indicator, when it has a real one.
pub fn main_unit(p: &Program) -> Option<&str> {
    p.indicators
        .first()
        .and_then(|i| i.unit.value())
        .map(String::as_str)
}

pub fn do_past(y: &ProgramYear, fmt: &Fmt, unit: Option<&str>, show_activities: bool) -> DoPast {
    DoPast {
        year_label: wareki_fiscal_year(y.year),
        settlement: fmt.money(&y.settlement.amount),
        special_funding: fmt.money(&y.settlement.special_funding),
        result: fmt.measure(&y.result, unit),
        original_target: fmt.measure(&y.target, unit),
        activities: Shown::text(&y.activities),
        show_activities,
    }
}
