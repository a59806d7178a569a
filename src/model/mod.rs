//! The model: validated content, converted once into typed, immutable data
//! with everything computed that pages need more than once (resolved links
//! between programs and policies, totals by year). Rendering reads it and
//! never changes it.

pub mod accessibility;
pub mod format;
pub mod value;

use crate::load::raw;
use crate::load::RawContent;
use std::collections::{BTreeMap, BTreeSet};
use value::{Measure, SheetValue};

#[derive(Debug, Clone)]
pub struct Model {
    pub site: SiteInfo,
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
    pub name: String,
    pub kind: Option<String>,
    pub concept: SheetValue<String>,
    pub direction: SheetValue<String>,
    pub unit: Option<String>,
    pub baseline: Point,
    pub target: Point,
    pub actuals: Vec<Point>,
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
}

#[derive(Debug, Clone)]
pub struct BudgetLine {
    pub account: String,
    pub section: Option<String>,
    pub subsection: Option<String>,
    pub item: Option<String>,
    pub program_no: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ProgramIndicator {
    pub id: String,
    pub kind: Option<String>,
    pub name: SheetValue<String>,
    pub notes: Vec<String>,
    pub unit: SheetValue<String>,
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
}

#[derive(Debug, Clone, Default)]
pub struct Money {
    pub amount: SheetValue<i64>,
    pub special_funding: SheetValue<i64>,
    pub funding: Option<Funding>,
}

#[derive(Debug, Clone, Default)]
pub struct Funding {
    pub national: SheetValue<i64>,
    pub prefectural: SheetValue<i64>,
    pub bonds: SheetValue<i64>,
    pub other: SheetValue<i64>,
    pub general: SheetValue<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct Staff {
    pub headcount: SheetValue<f64>,
    pub cost: SheetValue<i64>,
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
        na_if_blank(&mut self.amount);
        na_if_blank(&mut self.special_funding);
        if let Some(f) = &mut self.funding {
            for v in [
                &mut f.national,
                &mut f.prefectural,
                &mut f.bonds,
                &mut f.other,
                &mut f.general,
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
        if let Some(s) = &mut self.staff {
            na_if_blank(&mut s.headcount);
            na_if_blank(&mut s.cost);
        }
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
        }),
    }
}

fn point(p: &raw::RawPoint) -> Point {
    Point {
        year: year(*p.year.get_ref()),
        value: p.value.get_ref().clone(),
        note: p.note.clone(),
    }
}

impl Model {
    /// Builds the model from content that passed validation. Anything that
    /// validation would have rejected (a program pointing nowhere) is left out
    /// rather than trusted.
    pub fn build(raw: &RawContent) -> Option<Model> {
        let site_src = &raw.site.as_ref()?.data;
        let site = SiteInfo {
            city: site_src.city.clone(),
            city_code: code(&site_src.city_code),
            title: site_src
                .title
                .clone()
                .unwrap_or_else(|| format!("{} 行政評価", site_src.city)),
            evaluation_year: year(*site_src.evaluation_year.get_ref()),
            money_unit: site_src.money_unit.get_ref().clone(),
            base_url: site_src.base_url.clone(),
            language: site_src.language.clone(),
            source: site_src.source.clone(),
            licence_name: site_src.licence.name.clone(),
            licence_url: site_src.licence.url.clone(),
            theme: site_src.theme.get_ref().clone(),
            choices: site_src.choices.clone(),
            change_threshold: site_src
                .change_threshold
                .as_ref()
                .map_or(DEFAULT_CHANGE_THRESHOLD, |t| *t.get_ref()),
            accessibility: site_src
                .accessibility
                .as_ref()
                .map(|a| accessibility::Accessibility::of(a, raw.accessibility_report.clone())),
        };

        // Policies: outline order follows the first policy of each outline.
        let mut policy_src: Vec<_> = raw.policies.iter().collect();
        policy_src.sort_by(|a, b| {
            (a.source.data.order.unwrap_or(i64::MAX), &a.slug)
                .cmp(&(b.source.data.order.unwrap_or(i64::MAX), &b.slug))
        });
        let mut outline_names: Vec<String> = Vec::new();
        for p in &policy_src {
            if !outline_names.contains(&p.source.data.outline) {
                outline_names.push(p.source.data.outline.clone());
            }
        }
        policy_src.sort_by_key(|p| {
            outline_names
                .iter()
                .position(|o| *o == p.source.data.outline)
        });

        let mut policies: Vec<Policy> = policy_src
            .iter()
            .map(|p| {
                let d = &p.source.data;
                let mut reviews: Vec<Review> = d
                    .reviews
                    .iter()
                    .map(|r| Review {
                        fiscal_year: year(*r.fiscal_year.get_ref()),
                        council_opinion: r.council_opinion.clone(),
                        achievement: r.achievement.clone(),
                    })
                    .collect();
                reviews.sort_by_key(|r| r.fiscal_year);
                Policy {
                    slug: p.slug.clone(),
                    name: d.name.clone(),
                    outline: d.outline.clone(),
                    objective: d.objective.clone(),
                    code: code(&d.code),
                    directions: d
                        .directions
                        .iter()
                        .map(|dir| Direction {
                            id: dir.id.get_ref().clone(),
                            name: dir.name.clone(),
                            programs: Vec::new(),
                        })
                        .collect(),
                    indicators: d
                        .indicators
                        .iter()
                        .map(|i| PolicyIndicator {
                            name: i.name.clone(),
                            kind: i.kind.as_ref().map(|k| k.get_ref().clone()),
                            concept: i.concept.clone(),
                            direction: i.direction.clone(),
                            unit: i.unit.clone(),
                            baseline: point(&i.baseline),
                            target: point(&i.target),
                            actuals: {
                                let mut a: Vec<Point> = i.actuals.iter().map(point).collect();
                                a.sort_by_key(|p| p.year);
                                a
                            },
                        })
                        .collect(),
                    reviews,
                    programs: Vec::new(),
                    totals: Vec::new(),
                }
            })
            .collect();

        // Programs, resolved to their policy and direction.
        let policy_index: std::collections::HashMap<&str, usize> = policies
            .iter()
            .enumerate()
            .map(|(i, p)| (p.slug.as_str(), i))
            .collect();
        let mut programs: Vec<Program> =
            raw.programs
                .iter()
                .filter_map(|lp| {
                    let src = lp.program.as_ref()?;
                    let d = &src.data;
                    let policy = *policy_index.get(d.policy.get_ref().as_str())?;
                    let direction = policies[policy]
                        .directions
                        .iter()
                        .position(|dir| dir.id == *d.direction.get_ref())?;
                    // The main indicator's values may also be written under
                    // its id in [[indicators]]: they are its target and result.
                    let main_id = d.indicators.first().map(|i| {
                        i.id.as_ref()
                            .map_or("main", |s| s.get_ref().as_str())
                            .to_string()
                    });
                    let years = lp
                        .years
                        .iter()
                        .map(|(y, ly)| {
                            let r = &ly.data;
                            let y = year(*y);
                            let (mut target, mut result) = (r.target.clone(), r.result.clone());
                            let mut indicator_values = Vec::new();
                            for v in &r.indicators {
                                let id = v.indicator.get_ref();
                                if Some(id) == main_id.as_ref() {
                                    if target.is_blank() {
                                        target = v.target.clone();
                                    }
                                    if result.is_blank() {
                                        result = v.result.clone();
                                    }
                                } else {
                                    indicator_values.push((
                                        id.clone(),
                                        v.target.clone(),
                                        v.result.clone(),
                                    ));
                                }
                            }
                            let py = ProgramYear {
                                year: y,
                                budget: money(&r.budget),
                                settlement: money(&r.settlement),
                                target,
                                result,
                                activities: r.activities.clone(),
                                indicator_values,
                                staff: r.staff.as_ref().map(|s| Staff {
                                    headcount: s.headcount.clone(),
                                    cost: s.cost.get_ref().clone(),
                                }),
                                evaluation: r.check.evaluation.clone(),
                                analysis: r.check.analysis.clone(),
                                rating: r.check.rating.as_ref().map(|s| s.get_ref().clone()),
                                action_policy: r.action.policy.clone(),
                                decision: r.action.decision.as_ref().map(|s| s.get_ref().clone()),
                            };
                            (y, py)
                        })
                        .collect();
                    let mut program = Program {
                        slug: lp.slug.clone(),
                        name: d.name.clone(),
                        department: d.department.clone(),
                        related_departments: d.related_departments.clone(),
                        purpose: d.purpose.clone(),
                        policy,
                        direction,
                        code: code(&d.code),
                        start_year: d.start_year.as_ref().map(|y| year(*y.get_ref())),
                        end_year: d.end_year.as_ref().map(|y| year(*y.get_ref())),
                        budget_lines: d
                            .budget_lines
                            .iter()
                            .map(|b| BudgetLine {
                                account: b.account.clone(),
                                section: code(&b.section),
                                subsection: code(&b.subsection),
                                item: code(&b.item),
                                program_no: code(&b.program_no),
                                name: b.name.clone(),
                            })
                            .collect(),
                        indicators: d
                            .indicators
                            .iter()
                            .enumerate()
                            .map(|(i, ind)| ProgramIndicator {
                                id: ind.id.as_ref().map(|s| s.get_ref().clone()).unwrap_or_else(
                                    || {
                                        if i == 0 {
                                            "main".into()
                                        } else {
                                            format!("indicator-{}", i + 1)
                                        }
                                    },
                                ),
                                kind: ind.kind.as_ref().map(|k| k.get_ref().clone()),
                                name: ind.name.clone(),
                                notes: ind.notes.clone(),
                                unit: ind.unit.clone(),
                            })
                            .collect(),
                        years,
                    };
                    let (start, end) = (program.start_year, program.end_year);
                    for y in program.years.values_mut() {
                        if !runs_in(start, end, y.year) {
                            y.not_applicable_where_blank();
                        }
                    }
                    Some(program)
                })
                .collect();
        programs.sort_by(|a, b| {
            (a.policy, a.direction, &a.code, &a.slug).cmp(&(
                b.policy,
                b.direction,
                &b.code,
                &b.slug,
            ))
        });

        for (i, prog) in programs.iter().enumerate() {
            let policy = &mut policies[prog.policy];
            policy.programs.push(i);
            policy.directions[prog.direction].programs.push(i);
        }
        for policy in &mut policies {
            let years: BTreeSet<i32> = policy
                .programs
                .iter()
                .flat_map(|&i| programs[i].years.keys().copied())
                .collect();
            policy.totals = years
                .into_iter()
                .map(|y| {
                    let ys: Vec<ProgramYear> = policy
                        .programs
                        .iter()
                        .map(|&i| programs[i].year(y))
                        .collect();
                    YearTotal {
                        year: y,
                        budget: total(ys.iter().map(|py| &py.budget.amount)),
                        settlement: total(ys.iter().map(|py| &py.settlement.amount)),
                    }
                })
                .collect();
        }
        let outlines = outline_names
            .into_iter()
            .map(|name| Outline {
                policies: policies
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.outline == name)
                    .map(|(i, _)| i)
                    .collect(),
                name,
            })
            .collect();
        let fiscal_years = programs
            .iter()
            .flat_map(|p| p.years.keys().copied())
            .collect::<BTreeSet<i32>>()
            .into_iter()
            .collect();
        Some(Model {
            site,
            policies,
            programs,
            outlines,
            fiscal_years,
        })
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
