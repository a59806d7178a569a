//! The sheet of a program (default form): its description, place in the
//! plan, Do / Check / Action / Plan of one year, the year-by-year tables,
//! its budget chart and the changes from the year before.

use super::common;
use super::view::*;
use crate::chart::{self, BudgetYear};
use crate::model::format::{money, percent, wareki_fiscal_year};
use crate::model::value::SheetValue;
use crate::model::{Model, Program};
use crate::render::diff;

pub(crate) fn program_budget_years(p: &Program) -> Vec<BudgetYear> {
    p.years
        .values()
        .map(|y| BudgetYear {
            label: wareki_fiscal_year(y.year),
            budget: y.budget.amount.clone(),
            settlement: y.settlement.amount.clone(),
        })
        .collect()
}

pub(crate) fn program_chart_title(p: &Program) -> String {
    format!("{}の予算額と決算額", p.name)
}

pub(crate) fn program_page(
    m: &Model,
    p: &Program,
    y: i32,
    is_latest: bool,
    fmt: &Fmt,
    text_changes: &[diff::FieldChange],
) -> ProgramPage {
    let policy = &m.policies[p.policy];
    let unit = main_unit(p);
    let depth = if is_latest { 2 } else { 3 };
    let cur = p.year(y);
    let plan = p.year(y + 1);
    let label = wareki_fiscal_year(y);
    let mut crumbs = vec![
        Link {
            name: format!("施策「{}」", policy.name),
            url: Some(policy_url(policy)),
        },
        Link {
            name: p.name.clone(),
            url: Some(program_url(p)),
        },
    ];
    if !is_latest {
        crumbs.push(Link {
            name: label.clone(),
            url: None,
        });
    }
    let path = if is_latest {
        program_url(p)
    } else {
        program_year_url(p, y)
    };
    let budget_years = if is_latest {
        program_budget_years(p)
    } else {
        Vec::new()
    };
    let chart_title = program_chart_title(p);
    let money_unit = m.site.money_unit.clone();
    let history_years: Vec<i32> = p.years.keys().copied().collect();
    // The year-by-year tables and chart are on the program's page; a past
    // sheet links there instead of repeating them.
    let table_years: &[i32] = if is_latest { &history_years } else { &[] };
    ProgramPage {
        common: common(
            m,
            depth,
            &if is_latest {
                p.name.clone()
            } else {
                format!("{}（{label}）", p.name)
            },
            format!(
                "{}「{}」（{}）の{label}行政評価シート",
                m.site.city, p.name, p.department
            ),
            &path,
            crumbs,
        ),
        name: p.name.clone(),
        sheet_year_label: label.clone(),
        is_latest,
        latest_url: program_url(p),
        department: p.department.clone(),
        related_departments: p.related_departments.clone(),
        code: p.code.clone(),
        purpose: Shown::text(&p.purpose),
        period: match (p.start_year, p.end_year) {
            (None, None) => None,
            (s, e) => Some(format!(
                "{}〜{}",
                s.map(wareki_fiscal_year).unwrap_or_default(),
                e.map(wareki_fiscal_year).unwrap_or_default()
            )),
        },
        budget_lines: p
            .budget_lines
            .iter()
            .map(|b| BudgetLineView {
                account: b.account.clone(),
                parts: [
                    (&b.section, "款"),
                    (&b.subsection, "項"),
                    (&b.item, "目"),
                    (&b.program_no, "事業"),
                ]
                .into_iter()
                .filter_map(|(c, suffix)| c.as_ref().map(|c| format!("{c}{suffix}")))
                .collect(),
                name: b.name.clone(),
            })
            .collect(),
        position: PositionView {
            outline: policy.outline.clone(),
            objective: Shown::text(&policy.objective),
            policy: Link {
                name: policy.name.clone(),
                url: Some(policy_url(policy)),
            },
            direction: policy.directions[p.direction].name.clone(),
        },
        current: DoCurrent {
            year_label: label.clone(),
            budget: fmt.money(&cur.budget.amount),
            special_funding: fmt.money(&cur.budget.special_funding),
            target: fmt.measure(&cur.target, unit),
            activities: Shown::text(&cur.activities),
        },
        past: [1, 2]
            .iter()
            .map(|&back| do_past(&p.year(y - back), fmt, unit, back == 1))
            .collect(),
        check: {
            let prev = p.year(y - 1);
            CheckView {
                heading: format!("{}実績の評価と分析", wareki_fiscal_year(y - 1)),
                evaluation: Shown::text(&prev.evaluation),
                analysis: Shown::text(&prev.analysis),
                rating: prev.rating.clone(),
            }
        },
        action: {
            let prev = p.year(y - 1);
            ActionView {
                policy: Shown::text(&prev.action_policy),
                decision: prev.decision.clone(),
                indicators: p
                    .indicators
                    .iter()
                    .map(|i| ProgramIndicatorView {
                        kind: i.kind.clone(),
                        name: Shown::text(&i.name),
                        notes: i.notes.clone(),
                        unit: Shown::text(&i.unit),
                    })
                    .collect(),
            }
        },
        plan: PlanView {
            year_label: wareki_fiscal_year(y + 1),
            budget: fmt.money(&plan.budget.amount),
            special_funding: fmt.money(&plan.budget.special_funding),
            target: fmt.measure(&plan.target, unit),
            activities: Shown::text(&plan.activities),
            future: [2, 3]
                .iter()
                .map(|&ahead| FutureTarget {
                    year_label: wareki_fiscal_year(y + ahead),
                    target: fmt.measure(&p.year(y + ahead).target, unit),
                })
                .collect(),
        },
        history: table_years
            .iter()
            .map(|&hy| {
                let h = p.year(hy);
                HistoryRow {
                    year_label: wareki_fiscal_year(hy),
                    url: (hy <= m.site.evaluation_year).then(|| program_year_url(p, hy)),
                    budget: fmt.money(&h.budget.amount),
                    budget_special_funding: fmt.money(&h.budget.special_funding),
                    settlement: fmt.money(&h.settlement.amount),
                    settlement_special_funding: fmt.money(&h.settlement.special_funding),
                    execution_rate: match (h.budget.amount.value(), h.settlement.amount.value()) {
                        (Some(b), Some(s)) => percent(*s, *b),
                        _ => None,
                    },
                    target: fmt.measure(&h.target, unit),
                    result: fmt.measure(&h.result, unit),
                    rating: h.rating.clone(),
                }
            })
            .collect(),
        funding: table_years
            .iter()
            .flat_map(|&hy| {
                let h = p.year(hy);
                [("予算", h.budget), ("決算", h.settlement)]
                    .into_iter()
                    .filter_map(move |(basis, money)| {
                        money.funding.map(|f| FundingRow {
                            year_label: wareki_fiscal_year(hy),
                            basis: basis.to_string(),
                            national: fmt.money(&f.national),
                            prefectural: fmt.money(&f.prefectural),
                            bonds: fmt.money(&f.bonds),
                            other: fmt.money(&f.other),
                            general: fmt.money(&f.general),
                        })
                    })
                    .collect::<Vec<_>>()
            })
            .collect(),
        staff: table_years
            .iter()
            .filter_map(|&hy| {
                p.years[&hy].staff.as_ref().map(|s| StaffRow {
                    year_label: wareki_fiscal_year(hy),
                    headcount: Shown::of(&s.headcount, |n| {
                        format!("{}人", crate::model::format::number(*n))
                    }),
                    cost: fmt.money(&s.cost),
                })
            })
            .collect(),
        other_indicators: p
            .indicators
            .iter()
            .skip(1)
            .filter(|_| is_latest)
            .map(|ind| {
                let u = ind.unit.value().map(String::as_str);
                OtherIndicatorView {
                    kind: ind.kind.clone(),
                    name: Shown::text(&ind.name),
                    unit: Shown::text(&ind.unit),
                    rows: history_years
                        .iter()
                        .map(|&hy| {
                            let v = p.years[&hy]
                                .indicator_values
                                .iter()
                                .find(|(id, _, _)| *id == ind.id);
                            FutureTargetResult {
                                year_label: wareki_fiscal_year(hy),
                                target: v
                                    .map(|(_, t, _)| fmt.measure(t, u))
                                    .unwrap_or_else(|| fmt.measure(&SheetValue::Blank, u)),
                                result: v
                                    .map(|(_, _, r)| fmt.measure(r, u))
                                    .unwrap_or_else(|| fmt.measure(&SheetValue::Blank, u)),
                            }
                        })
                        .collect(),
                }
            })
            .collect(),
        chart: (is_latest && !budget_years.is_empty()).then(|| ChartRef {
            src: "budget.svg".into(),
            alt: chart::budget_desc(&chart_title, &budget_years, &|n| money(n, &money_unit)),
            title: chart_title,
        }),
        // Each sheet shows what changed from the year before it; the
        // changes pages gather them by year.
        text_changes: text_changes
            .iter()
            .filter(|c| c.to_year == y)
            .cloned()
            .collect(),
        data_csv: format!("{}data.csv", program_url(p)),
        data_json: format!("{}data.json", program_url(p)),
        year_pages: history_years
            .iter()
            .filter(|&&hy| hy <= m.site.evaluation_year)
            .map(|&hy| YearLink {
                year_label: wareki_fiscal_year(hy),
                url: program_year_url(p, hy),
                current: !is_latest && hy == y,
            })
            .collect(),
    }
}
