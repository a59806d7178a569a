//! The model: validated content, converted once into typed, immutable data
//! with everything computed that pages need more than once (resolved links
//! between programs and policies, totals by year). Rendering reads it and
//! never changes it.

pub mod accessibility;
pub mod build;
pub mod era;
pub mod format;
pub mod value;

use crate::form::field::Fields;
use crate::form::Form;
use crate::load::raw;
use crate::load::RawContent;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use value::{Measure, SheetValue};

#[derive(Debug, Clone)]
pub struct Model {
    pub site: SiteInfo,
    /// The city's sheet form (the default one without content/form.toml).
    pub form: Arc<Form>,
    /// The plan's nodes (forms with levels), in plan.toml order; empty for
    /// the default form, whose plan is its outlines, policies and directions.
    pub plan: Vec<PlanNode>,
    /// Sorted by (outline order, order, slug).
    pub policies: Vec<Policy>,
    /// Sorted by (policy, direction, code, slug).
    pub programs: Vec<Program>,
    /// 施策の大綱, in the order of their first policy.
    pub outlines: Vec<Outline>,
    /// Every fiscal year that has a sheet of some program, ascending.
    pub fiscal_years: Vec<i32>,
}

#[derive(Debug, Clone)]
pub struct SiteInfo {
    pub city: String,
    pub city_code: Option<String>,
    pub title: String,
    pub evaluation_year: i32,
    pub money_unit: String,
    pub base_url: Option<String>,
    pub language: String,
    pub source: Option<String>,
    pub licence_name: String,
    pub licence_url: Option<String>,
    pub theme: String,
    pub choices: BTreeMap<String, Vec<String>>,
    /// Budget change (percent) beyond which the changes page lists a program.
    pub change_threshold: f64,
    /// アクセシビリティ方針と試験結果, when site.toml has `[accessibility]`.
    pub accessibility: Option<accessibility::Accessibility>,
}

/// The default of `change_threshold` in site.toml.
pub const DEFAULT_CHANGE_THRESHOLD: f64 = 20.0;

/// A node of the plan: a 政策, 施策, 基本事業… of a declared form.
#[derive(Debug, Clone)]
pub struct PlanNode {
    /// Index into `form.levels`.
    pub level: usize,
    pub code: String,
    pub name: String,
    /// Index of the node above, into `Model::plan`.
    pub parent: Option<usize>,
    /// The programs placed at or under this node, in program order.
    pub programs: Vec<usize>,
    /// The policy made of this node, for a node of the policy level.
    pub policy: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Outline {
    pub name: String,
    pub policies: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Policy {
    pub slug: String,
    pub name: String,
    pub outline: String,
    pub objective: SheetValue<String>,
    pub code: Option<String>,
    pub directions: Vec<Direction>,
    pub indicators: Vec<PolicyIndicator>,
    pub reviews: Vec<Review>,
    /// The city's own fields of the 施策 sheet.
    pub fields: Fields,
    /// The plan node this policy is (declared forms).
    pub node: Option<usize>,
    /// Whether content/policies/ has a sheet for it.
    pub has_sheet: bool,
    /// Indexes into `Model::programs`, in program order.
    pub programs: Vec<usize>,
    /// Budget and settlement summed over the programs, by fiscal year.
    pub totals: Vec<YearTotal>,
}

#[derive(Debug, Clone)]
pub struct Direction {
    pub id: String,
    pub name: String,
    pub programs: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct PolicyIndicator {
    pub id: Option<String>,
    pub name: String,
    pub kind: Option<String>,
    pub concept: SheetValue<String>,
    pub direction: SheetValue<String>,
    pub unit: Option<String>,
    /// 基準値; always there in the default form.
    pub baseline: Option<Point>,
    /// 目標値; always there in the default form.
    pub target: Option<Point>,
    /// 実績値, by year.
    pub actuals: Vec<Point>,
    /// 年度ごとの目標値, by year.
    pub targets: Vec<Point>,
    /// 見込値, by year.
    pub forecasts: Vec<Point>,
    pub final_target: Option<Point>,
}

#[derive(Debug, Clone)]
pub struct Point {
    pub year: i32,
    pub value: SheetValue<Measure>,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Review {
    pub fiscal_year: i32,
    pub council_opinion: SheetValue<String>,
    pub achievement: SheetValue<String>,
}

/// A sum over several programs. `value` is the sum of the amounts present;
/// `counted` of `of` programs had one. With none present the total is blank
/// if any program was blank, and not applicable otherwise.
#[derive(Debug, Clone, PartialEq)]
pub struct Total {
    pub value: SheetValue<i64>,
    pub counted: usize,
    pub of: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct YearTotal {
    pub year: i32,
    pub budget: Total,
    pub settlement: Total,
}

#[derive(Debug, Clone)]
pub struct Program {
    pub slug: String,
    pub name: String,
    pub department: String,
    pub related_departments: Vec<String>,
    pub purpose: SheetValue<String>,
    pub policy: usize,
    pub direction: usize,
    pub code: Option<String>,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    pub budget_lines: Vec<BudgetLine>,
    pub indicators: Vec<ProgramIndicator>,
    pub years: BTreeMap<i32, ProgramYear>,
    /// The city's own fields of program.toml.
    pub fields: Fields,
    /// Per level of the form, the plan node the program is placed at, or
    /// `None` where it is not linked ("―"). Empty for the default form.
    pub place: Vec<Option<usize>>,
}

#[derive(Debug, Clone)]
pub struct BudgetLine {
    pub account: String,
    pub section: Option<String>,
    pub subsection: Option<String>,
    pub item: Option<String>,
    pub program_no: Option<String>,
    pub name: Option<String>,
    pub section_name: Option<String>,
    pub subsection_name: Option<String>,
    pub item_name: Option<String>,
    pub sub_item: Option<String>,
    pub sub_item_name: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ProgramIndicator {
    pub id: String,
    pub kind: Option<String>,
    pub name: SheetValue<String>,
    pub notes: Vec<String>,
    pub unit: SheetValue<String>,
    /// 指標の考え方・算式
    pub formula: SheetValue<String>,
    pub final_target: Option<Point>,
}

#[derive(Debug, Clone, Default)]
pub struct ProgramYear {
    pub year: i32,
    pub budget: Money,
    pub settlement: Money,
    pub target: SheetValue<Measure>,
    pub result: SheetValue<Measure>,
    pub activities: SheetValue<String>,
    /// Targets and results of the further indicators, by indicator id.
    pub indicator_values: Vec<(String, SheetValue<Measure>, SheetValue<Measure>)>,
    pub staff: Option<Staff>,
    pub evaluation: SheetValue<String>,
    pub analysis: SheetValue<String>,
    pub rating: Option<String>,
    pub action_policy: SheetValue<String>,
    pub decision: Option<String>,
    /// 見込 (a projection), by indicator id.
    pub indicator_forecasts: Vec<(String, SheetValue<Measure>)>,
    /// 見込 of the money (a year to come).
    pub forecast: Option<Money>,
    /// The stages of the evaluation, in the form's order.
    pub evaluations: Vec<Evaluation>,
    /// Answers to the criteria, in the form's order.
    pub criteria: Vec<CriterionAnswer>,
    /// The city's own fields of the year file.
    pub fields: Fields,
}

/// One stage of a year's evaluation (一次評価, 二次評価…).
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// The stage's key in the form.
    pub stage: String,
    /// Index into the stage's options.
    pub choice: Option<usize>,
    pub reason: SheetValue<String>,
    pub evaluator: Option<String>,
}

/// The answer to one criterion of the grid.
#[derive(Debug, Clone)]
pub struct CriterionAnswer {
    pub key: String,
    /// Index into the criterion's options.
    pub answer: Option<usize>,
    pub reason: SheetValue<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Money {
    /// 予算額（予算現額）, 決算額 or 見込額.
    pub amount: SheetValue<i64>,
    pub special_funding: SheetValue<i64>,
    pub funding: Option<Funding>,
    /// 当初予算
    pub initial: SheetValue<i64>,
    /// 補正予算 (negative for a reduction)
    pub supplementary: SheetValue<i64>,
    /// 繰越
    pub carried_over: SheetValue<i64>,
    /// 流用
    pub transfer: SheetValue<i64>,
    /// 決算見込: the settlement is an estimate.
    pub estimate: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Funding {
    pub national: SheetValue<i64>,
    pub prefectural: SheetValue<i64>,
    pub bonds: SheetValue<i64>,
    pub other: SheetValue<i64>,
    pub general: SheetValue<i64>,
    /// 国県支出金
    pub national_prefectural: SheetValue<i64>,
    /// 受益者負担
    pub beneficiary: SheetValue<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct Staff {
    pub headcount: SheetValue<f64>,
    pub cost: SheetValue<i64>,
    /// 延べ業務時間
    pub hours: SheetValue<f64>,
    /// 時間単価
    pub rate: SheetValue<f64>,
    /// トータルコスト as written; see [`ProgramYear::total_cost`].
    pub total_cost: SheetValue<i64>,
}

impl Program {
    /// The year, or when there is no file for it an all-blank year (not yet
    /// filled in), or an all-"—" year before `start_year` or after `end_year`.
    pub fn year(&self, year: i32) -> ProgramYear {
        if let Some(y) = self.years.get(&year) {
            return y.clone();
        }
        let mut y = ProgramYear {
            year,
            ..ProgramYear::default()
        };
        if !self.runs_in(year) {
            y.not_applicable_where_blank();
        }
        y
    }

    /// False for a year before `start_year` or after `end_year`: the
    /// program did not exist then, so nothing of it is "not filled in".
    pub fn runs_in(&self, year: i32) -> bool {
        runs_in(self.start_year, self.end_year, year)
    }
}

fn runs_in(start: Option<i32>, end: Option<i32>, year: i32) -> bool {
    start.is_none_or(|s| year >= s) && end.is_none_or(|e| year <= e)
}

fn na_if_blank<T>(v: &mut SheetValue<T>) {
    if v.is_blank() {
        *v = SheetValue::NotApplicable;
    }
}

impl Money {
    fn not_applicable_where_blank(&mut self) {
        for v in [
            &mut self.amount,
            &mut self.special_funding,
            &mut self.initial,
            &mut self.supplementary,
            &mut self.carried_over,
            &mut self.transfer,
        ] {
            na_if_blank(v);
        }
        if let Some(f) = &mut self.funding {
            for v in [
                &mut f.national,
                &mut f.prefectural,
                &mut f.bonds,
                &mut f.other,
                &mut f.general,
                &mut f.national_prefectural,
                &mut f.beneficiary,
            ] {
                na_if_blank(v);
            }
        }
    }
}

impl ProgramYear {
    /// A year outside the program's years: what is blank there is "—".
    fn not_applicable_where_blank(&mut self) {
        self.budget.not_applicable_where_blank();
        self.settlement.not_applicable_where_blank();
        for v in [&mut self.target, &mut self.result] {
            na_if_blank(v);
        }
        for v in [
            &mut self.activities,
            &mut self.evaluation,
            &mut self.analysis,
            &mut self.action_policy,
        ] {
            na_if_blank(v);
        }
        for (_, t, r) in &mut self.indicator_values {
            na_if_blank(t);
            na_if_blank(r);
        }
        for (_, f) in &mut self.indicator_forecasts {
            na_if_blank(f);
        }
        if let Some(m) = &mut self.forecast {
            m.not_applicable_where_blank();
        }
        if let Some(s) = &mut self.staff {
            na_if_blank(&mut s.headcount);
            na_if_blank(&mut s.cost);
            na_if_blank(&mut s.hours);
            na_if_blank(&mut s.rate);
            na_if_blank(&mut s.total_cost);
        }
        for v in self.fields.values_mut() {
            na_if_blank(v);
        }
    }

    /// 事業費 of the year: the settlement where there is one, else the
    /// budget.
    pub fn program_cost(&self) -> SheetValue<i64> {
        match &self.settlement.amount {
            SheetValue::Value(v) => SheetValue::Value(*v),
            _ => self.budget.amount.clone(),
        }
    }

    /// トータルコスト: as written, or 事業費 + 人件費 when both are there.
    /// With either part blank the total is blank; with both "—", "—".
    pub fn total_cost(&self) -> SheetValue<i64> {
        let Some(s) = &self.staff else {
            return SheetValue::Blank;
        };
        if !s.total_cost.is_blank() {
            return s.total_cost.clone();
        }
        match (self.program_cost(), &s.cost) {
            (SheetValue::Value(a), SheetValue::Value(b)) => a
                .checked_add(*b)
                .map_or(SheetValue::Blank, SheetValue::Value),
            (SheetValue::Value(a), SheetValue::NotApplicable) => SheetValue::Value(a),
            (SheetValue::NotApplicable, SheetValue::Value(b)) => SheetValue::Value(*b),
            (SheetValue::NotApplicable, SheetValue::NotApplicable) => SheetValue::NotApplicable,
            _ => SheetValue::Blank,
        }
    }

    /// 予算現額: as written, or 当初 + 補正 + 繰越 + 流用 when 当初 is there.
    pub fn current_budget(&self) -> SheetValue<i64> {
        let b = &self.budget;
        if !b.amount.is_blank() {
            return b.amount.clone();
        }
        let SheetValue::Value(initial) = b.initial else {
            return SheetValue::Blank;
        };
        let mut sum = Some(initial);
        for v in [&b.supplementary, &b.carried_over, &b.transfer] {
            if let SheetValue::Value(n) = v {
                sum = sum.and_then(|s| s.checked_add(*n));
            }
        }
        sum.map_or(SheetValue::Blank, SheetValue::Value)
    }
}

/// Sums amounts over programs, keeping the three states honest. A sum
/// too large to hold is never shown as a wrong number: it is blank (the
/// checks refuse such amounts first, E100, so a built site never has one).
pub fn total<'a>(values: impl IntoIterator<Item = &'a SheetValue<i64>>) -> Total {
    let (mut sum, mut counted, mut of, mut any_blank) = (Some(0i64), 0, 0, false);
    for v in values {
        of += 1;
        match v {
            SheetValue::Value(n) => {
                sum = sum.and_then(|s| s.checked_add(*n));
                counted += 1;
            }
            SheetValue::Blank => any_blank = true,
            SheetValue::NotApplicable => {}
        }
    }
    let value = if counted > 0 {
        sum.map_or(SheetValue::Blank, SheetValue::Value)
    } else if any_blank || of == 0 {
        SheetValue::Blank
    } else {
        SheetValue::NotApplicable
    };
    Total { value, counted, of }
}

fn year(v: i64) -> i32 {
    i32::try_from(v).unwrap_or(0)
}

fn code(c: &Option<raw::Code>) -> Option<String> {
    c.as_ref().map(|c| c.0.clone())
}

fn money(m: &raw::RawMoney) -> Money {
    Money {
        amount: m.amount.get_ref().clone(),
        special_funding: m.special_funding.get_ref().clone(),
        funding: m.funding.as_ref().map(|f| Funding {
            national: f.national.get_ref().clone(),
            prefectural: f.prefectural.get_ref().clone(),
            bonds: f.bonds.get_ref().clone(),
            other: f.other.get_ref().clone(),
            general: f.general.get_ref().clone(),
            national_prefectural: f.national_prefectural.get_ref().clone(),
            beneficiary: f.beneficiary.get_ref().clone(),
        }),
        initial: m.initial.get_ref().clone(),
        supplementary: m.supplementary.get_ref().clone(),
        carried_over: m.carried_over.get_ref().clone(),
        transfer: m.transfer.get_ref().clone(),
        estimate: m.estimate,
    }
}

fn points(ps: &[raw::RawPoint]) -> Vec<Point> {
    let mut a: Vec<Point> = ps.iter().map(point).collect();
    a.sort_by_key(|p| p.year);
    a
}

fn point(p: &raw::RawPoint) -> Point {
    Point {
        year: year(*p.year.get_ref()),
        value: p.value.get_ref().clone(),
        note: p.note.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_sum_present_values_and_never_invent_zero() {
        let v = [SheetValue::Value(6), SheetValue::NotApplicable];
        assert_eq!(
            total(&v),
            Total {
                value: SheetValue::Value(6),
                counted: 1,
                of: 2
            }
        );
        let na = [SheetValue::NotApplicable, SheetValue::NotApplicable];
        assert_eq!(total(&na).value, SheetValue::NotApplicable);
        let blank = [SheetValue::Blank, SheetValue::NotApplicable];
        assert_eq!(total(&blank).value, SheetValue::Blank);
    }

    #[test]
    fn a_total_too_large_to_hold_is_never_a_wrong_number() {
        let v = [SheetValue::Value(i64::MAX), SheetValue::Value(i64::MAX)];
        assert_eq!(total(&v).value, SheetValue::Blank);
    }
}
