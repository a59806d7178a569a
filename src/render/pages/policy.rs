//! The page of a 施策 (default form): its place in the plan, directions and
//! programs, indicators with their charts, opinions, and budget totals.

use super::common;
use super::view::*;
use crate::chart::{self, BudgetYear, IndicatorPoint, IndicatorSeries};
use crate::model::format::{money, wareki_fiscal_year};
use crate::model::value::{Measure, SheetValue};
use crate::model::{Model, Policy, PolicyIndicator};

pub(crate) fn policy_budget_years(p: &Policy) -> Vec<BudgetYear> {
    p.totals
        .iter()
        .map(|t| BudgetYear {
            label: wareki_fiscal_year(t.year),
            budget: t.budget.value.clone(),
            settlement: t.settlement.value.clone(),
        })
        .collect()
}

/// The budget and settlement totals of a 施策's programs, a row a year.
pub(crate) fn policy_totals(p: &Policy, fmt: &Fmt) -> Vec<TotalRow> {
    p.totals
        .iter()
        .map(|t| TotalRow {
            year_label: wareki_fiscal_year(t.year),
            budget: fmt.total(&t.budget),
            settlement: fmt.total(&t.settlement),
        })
        .collect()
}

/// The chart of those totals (budget.svg beside the page), when there are years.
pub(crate) fn policy_budget_chart(m: &Model, p: &Policy) -> Option<ChartRef> {
    let years = policy_budget_years(p);
    let title = policy_chart_title(p);
    (!years.is_empty()).then(|| ChartRef {
        src: "budget.svg".into(),
        alt: chart::budget_desc(&title, &years, &|n| money(n, &m.site.money_unit)),
        title,
    })
}

pub(crate) fn policy_chart_title(p: &Policy) -> String {
    format!("施策「{}」の予算額と決算額（事業の合計）", p.name)
}

pub(crate) fn indicator_chart_title(ind: &PolicyIndicator) -> String {
    format!("{}の推移と目標", ind.name)
}

/// The numbers an indicator chart needs, or why it cannot be drawn.
pub fn indicator_series(ind: &PolicyIndicator) -> Result<IndicatorSeries, &'static str> {
    let num = |v: &SheetValue<Measure>| match v {
        SheetValue::Value(Measure::Number(n)) => Some(*n),
        _ => None,
    };
    let (Some((by, b)), Some((ty, t))) = (
        ind.baseline
            .as_ref()
            .and_then(|p| Some((p.year, num(&p.value)?))),
        ind.target
            .as_ref()
            .and_then(|p| Some((p.year, num(&p.value)?))),
    ) else {
        return Err("基準値か目標値が数値ではないため、グラフはありません。表をご覧ください。");
    };
    Ok(IndicatorSeries {
        name: ind.name.clone(),
        unit: ind.unit.clone().unwrap_or_default(),
        baseline: IndicatorPoint { year: by, value: b },
        target: IndicatorPoint { year: ty, value: t },
        actuals: ind
            .actuals
            .iter()
            .filter_map(|p| {
                num(&p.value).map(|v| IndicatorPoint {
                    year: p.year,
                    value: v,
                })
            })
            .collect(),
        other_actuals: ind
            .actuals
            .iter()
            .filter(|p| num(&p.value).is_none())
            .map(|p| (p.year, p.value.clone()))
            .collect(),
    })
}

pub(crate) fn policy_page(m: &Model, p: &Policy, fmt: &Fmt) -> PolicyPage {
    let year = wareki_fiscal_year(m.site.evaluation_year);
    // A declared form may leave out the baseline or the target.
    let blank = crate::model::Point {
        year: 0,
        value: SheetValue::Blank,
        note: None,
    };
    PolicyPage {
        common: common(
            m,
            2,
            &format!("施策「{}」", p.name),
            format!(
                "{}の施策「{}」（{}）の目標・指標と主要事業",
                m.site.city, p.name, p.outline
            ),
            &policy_url(p),
            vec![Link {
                name: format!("施策「{}」", p.name),
                url: None,
            }],
        ),
        name: p.name.clone(),
        outline: p.outline.clone(),
        objective: Shown::text(&p.objective),
        code: p.code.clone(),
        budget_label: format!("{year}予算額"),
        directions: directions(m, p, fmt),
        indicators: p
            .indicators
            .iter()
            .enumerate()
            .map(|(k, ind)| {
                let unit = ind.unit.as_deref();
                let point = |pt: &crate::model::Point| PointView {
                    year_label: format!("{}年", pt.year),
                    value: fmt.measure(&pt.value, unit),
                    note: pt.note.clone(),
                };
                let (chart, chart_note) = match indicator_series(ind) {
                    Ok(series) => (
                        Some(ChartRef {
                            src: format!("indicator-{}.svg", k + 1),
                            title: indicator_chart_title(ind),
                            alt: chart::indicator_desc(&indicator_chart_title(ind), &series),
                        }),
                        None,
                    ),
                    Err(why) => (None, Some(why.to_string())),
                };
                IndicatorView {
                    name: ind.name.clone(),
                    kind: ind.kind.clone(),
                    concept: Shown::text(&ind.concept),
                    direction: Shown::text(&ind.direction),
                    unit: ind.unit.clone(),
                    baseline: point(ind.baseline.as_ref().unwrap_or(&blank)),
                    target: point(ind.target.as_ref().unwrap_or(&blank)),
                    actuals: ind.actuals.iter().map(point).collect(),
                    chart,
                    chart_note,
                }
            })
            .collect(),
        reviews: p
            .reviews
            .iter()
            .rev()
            .map(|r| ReviewView {
                year_label: wareki_fiscal_year(r.fiscal_year),
                opinion_heading: format!(
                    "{}の実施状況への意見",
                    wareki_fiscal_year(r.fiscal_year - 1)
                ),
                council_opinion: Shown::text(&r.council_opinion),
                achievement: Shown::text(&r.achievement),
            })
            .collect(),
        totals: policy_totals(p, fmt),
        data_csv: format!("{}data.csv", policy_url(p)),
        data_json: format!("{}data.json", policy_url(p)),
        budget_chart: policy_budget_chart(m, p),
    }
}
