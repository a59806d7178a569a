//! Building the model from checked content: the plan (outlines, policies and
//! directions of the default form, or the nodes of a declared form's levels),
//! the programs resolved to their place in it, and the totals.

use super::*;
use crate::form::{Block, Form};
use crate::load::{LoadedPolicy, LoadedProgram};
use std::collections::HashMap;

/// What the plan gives a program: its policy, its direction and, for a
/// declared form, its node per level.
type Placed = (usize, usize, Vec<Option<usize>>);

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
        let form = raw.form.clone();
        let (mut policies, outline_names, mut plan) = if form.levels.is_empty() {
            let (p, o) = outline_policies(raw);
            (p, o, Vec::new())
        } else {
            plan_policies(raw, &form)
        };

        let mut programs: Vec<Program> = raw
            .programs
            .iter()
            .filter_map(|lp| {
                let placed = if form.levels.is_empty() {
                    place_by_policy(lp, &policies)?
                } else {
                    place_in_plan(lp, &form, &plan, &mut policies)?
                };
                Some(program(lp, &form, placed))
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
            let mut under: BTreeSet<usize> = BTreeSet::new();
            for node in prog.place.iter().flatten() {
                let mut n = Some(*node);
                while let Some(k) = n {
                    under.insert(k);
                    n = plan[k].parent;
                }
            }
            for k in under {
                plan[k].programs.push(i);
            }
        }
        for policy in &mut policies {
            policy.totals = totals(&policy.programs, &programs);
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
            form,
            plan,
            policies,
            programs,
            outlines,
            fiscal_years,
        })
    }
}

fn totals(of: &[usize], programs: &[Program]) -> Vec<YearTotal> {
    let years: BTreeSet<i32> = of
        .iter()
        .flat_map(|&i| programs[i].years.keys().copied())
        .collect();
    years
        .into_iter()
        .map(|y| {
            let ys: Vec<ProgramYear> = of.iter().map(|&i| programs[i].year(y)).collect();
            YearTotal {
                year: y,
                budget: total(ys.iter().map(|py| &py.budget.amount)),
                settlement: total(ys.iter().map(|py| &py.settlement.amount)),
            }
        })
        .collect()
}

fn policy_indicator(i: &raw::RawPolicyIndicator) -> PolicyIndicator {
    PolicyIndicator {
        id: i.id.as_ref().map(|s| s.get_ref().clone()),
        name: i.name.clone(),
        kind: i.kind.as_ref().map(|k| k.get_ref().clone()),
        concept: i.concept.clone(),
        direction: i.direction.clone(),
        unit: i.unit.clone(),
        baseline: i.baseline.as_ref().map(point),
        target: i.target.as_ref().map(point),
        actuals: points(&i.actuals),
        targets: points(&i.targets),
        forecasts: points(&i.forecasts),
        final_target: i.final_target.as_ref().map(point),
    }
}

/// A policy from its sheet (or, for a plan node without one, from the node).
fn policy(
    slug: String,
    name: String,
    outline: String,
    sheet: Option<&LoadedPolicy>,
    directions: Vec<Direction>,
) -> Policy {
    let d = sheet.map(|s| &s.source.data);
    let mut reviews: Vec<Review> = d
        .map(|d| {
            d.reviews
                .iter()
                .map(|r| Review {
                    fiscal_year: year(*r.fiscal_year.get_ref()),
                    council_opinion: r.council_opinion.clone(),
                    achievement: r.achievement.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    reviews.sort_by_key(|r| r.fiscal_year);
    Policy {
        slug,
        name,
        outline,
        objective: d.map(|d| d.objective.clone()).unwrap_or_default(),
        code: d.and_then(|d| code(&d.code)),
        directions,
        indicators: d
            .map(|d| d.indicators.iter().map(policy_indicator).collect())
            .unwrap_or_default(),
        reviews,
        fields: sheet.map(|s| s.source.fields.clone()).unwrap_or_default(),
        node: None,
        has_sheet: sheet.is_some(),
        programs: Vec::new(),
        totals: Vec::new(),
    }
}

/// The default form's plan: policies grouped by their outline, each with the
/// directions its file lists. Outline order follows the first policy of each.
fn outline_policies(raw: &RawContent) -> (Vec<Policy>, Vec<String>) {
    let outline_of = |p: &LoadedPolicy| {
        p.source
            .data
            .outline
            .as_ref()
            .map(|o| o.get_ref().clone())
            .unwrap_or_default()
    };
    let mut policy_src: Vec<_> = raw.policies.iter().collect();
    policy_src.sort_by(|a, b| {
        (a.source.data.order.unwrap_or(i64::MAX), &a.slug)
            .cmp(&(b.source.data.order.unwrap_or(i64::MAX), &b.slug))
    });
    let mut outline_names: Vec<String> = Vec::new();
    for p in &policy_src {
        let o = outline_of(p);
        if !outline_names.contains(&o) {
            outline_names.push(o);
        }
    }
    policy_src.sort_by_key(|p| outline_names.iter().position(|o| *o == outline_of(p)));
    let policies = policy_src
        .iter()
        .map(|p| {
            let directions = p
                .source
                .data
                .directions
                .iter()
                .map(|dir| Direction {
                    id: dir.id.get_ref().clone(),
                    name: dir.name.clone(),
                    programs: Vec::new(),
                })
                .collect();
            policy(
                p.slug.clone(),
                p.source.data.name.clone(),
                outline_of(p),
                Some(p),
                directions,
            )
        })
        .collect();
    (policies, outline_names)
}

/// A slug for a plan code: "1-01" stays, other characters become "-".
pub fn code_slug(code: &str) -> String {
    let s: String = code
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_matches('-').to_string();
    if s.is_empty() {
        "x".to_string()
    } else {
        s
    }
}

/// The nodes of plan.toml, each with its parent resolved: the node of a
/// higher level with the parent's code, the nearest level first.
pub fn plan_nodes(raw: &RawContent, form: &Form) -> Vec<PlanNode> {
    let Some(plan) = &raw.plan else {
        return Vec::new();
    };
    let level_of = |k: &str| form.levels.iter().position(|l| l.key == k);
    let mut nodes: Vec<PlanNode> = Vec::new();
    let mut index: HashMap<(usize, String), usize> = HashMap::new();
    // The node each entry of plan.toml became (a repeated code is the first).
    let mut made: Vec<Option<usize>> = Vec::new();
    for n in &plan.data.nodes {
        let Some(level) = level_of(n.level.get_ref()) else {
            made.push(None);
            continue;
        };
        let code = n.code.get_ref().0.clone();
        if index.contains_key(&(level, code.clone())) {
            made.push(None);
            continue;
        }
        index.insert((level, code.clone()), nodes.len());
        made.push(Some(nodes.len()));
        nodes.push(PlanNode {
            level,
            code,
            name: n.name.clone(),
            parent: None,
            programs: Vec::new(),
            policy: None,
        });
    }
    for (n, me) in plan.data.nodes.iter().zip(made) {
        let (Some(me), Some(p)) = (me, &n.parent) else {
            continue;
        };
        let level = nodes[me].level;
        nodes[me].parent = (0..level)
            .rev()
            .find_map(|l| index.get(&(l, p.get_ref().0.clone())).copied());
    }
    nodes
}

/// The nearest ancestor of `node` at `level`, or the node itself.
pub fn ancestor_at(plan: &[PlanNode], node: usize, level: usize) -> Option<usize> {
    let mut n = Some(node);
    while let Some(k) = n {
        if plan[k].level == level {
            return Some(k);
        }
        if plan[k].level < level {
            return None;
        }
        n = plan[k].parent;
    }
    None
}

/// A declared form's plan: a policy per node of the policy level (with its
/// 施策 sheet where content/policies/ has one), its outline the node above,
/// its directions the nodes of the level below.
fn plan_policies(raw: &RawContent, form: &Form) -> (Vec<Policy>, Vec<String>, Vec<PlanNode>) {
    let mut plan = plan_nodes(raw, form);
    let Some(pl) = form.policy_level() else {
        return (Vec::new(), Vec::new(), plan);
    };
    let sheets: HashMap<String, &LoadedPolicy> = raw
        .policies
        .iter()
        .filter_map(|p| Some((code(&p.source.data.code)?, p)))
        .collect();
    let mut policies = Vec::new();
    let mut outline_names: Vec<String> = Vec::new();
    for k in 0..plan.len() {
        if plan[k].level != pl {
            continue;
        }
        let node = &plan[k];
        let outline = node
            .parent
            .map(|p| plan[p].name.clone())
            .unwrap_or_default();
        if !outline_names.contains(&outline) {
            outline_names.push(outline.clone());
        }
        let sheet = sheets.get(&node.code).copied();
        let directions = (0..plan.len())
            .filter(|&c| plan[c].level == pl + 1 && ancestor_at(&plan, c, pl) == Some(k))
            .map(|c| Direction {
                id: plan[c].code.clone(),
                name: plan[c].name.clone(),
                programs: Vec::new(),
            })
            .collect();
        let slug = sheet.map_or_else(|| code_slug(&node.code), |s| s.slug.clone());
        let name = sheet.map_or_else(|| node.name.clone(), |s| s.source.data.name.clone());
        let mut p = policy(slug, name, outline, sheet, directions);
        if p.code.is_none() {
            p.code = Some(node.code.clone());
        }
        p.node = Some(k);
        plan[k].policy = Some(policies.len());
        policies.push(p);
    }
    policies.sort_by_key(|p| {
        outline_names
            .iter()
            .position(|o| *o == p.outline)
            .unwrap_or(usize::MAX)
    });
    for (i, p) in policies.iter().enumerate() {
        if let Some(k) = p.node {
            plan[k].policy = Some(i);
        }
    }
    (policies, outline_names, plan)
}

fn place_by_policy(lp: &LoadedProgram, policies: &[Policy]) -> Option<Placed> {
    let d = &lp.program.as_ref()?.data;
    let slug = d.policy.as_ref()?.get_ref();
    let policy = policies.iter().position(|p| p.slug == *slug)?;
    let dir = d.direction.as_ref()?.get_ref();
    let direction = policies[policy]
        .directions
        .iter()
        .position(|x| x.id == *dir)?;
    Some((policy, direction, Vec::new()))
}

/// The direction of programs not linked to the level below the policy.
pub const UNLINKED_DIRECTION: &str = "-";

fn place_in_plan(
    lp: &LoadedProgram,
    form: &Form,
    plan: &[PlanNode],
    policies: &mut [Policy],
) -> Option<Placed> {
    let d = &lp.program.as_ref()?.data;
    let place_src = d.place.as_ref()?.get_ref();
    let pl = form.policy_level()?;
    let place: Vec<Option<usize>> = form
        .levels
        .iter()
        .enumerate()
        .map(|(li, l)| {
            let c = place_src.get(&l.key)?.get_ref();
            plan.iter().position(|n| n.level == li && n.code == *c)
        })
        .collect();
    // The policy: the node at the policy level, or the one above the
    // deepest node given.
    let policy_node = place[pl].or_else(|| {
        place
            .iter()
            .rev()
            .flatten()
            .find_map(|&n| ancestor_at(plan, n, pl))
    })?;
    let policy = plan[policy_node].policy?;
    let below = place.get(pl + 1).copied().flatten().or_else(|| {
        place
            .iter()
            .skip(pl + 2)
            .flatten()
            .find_map(|&n| ancestor_at(plan, n, pl + 1))
    });
    let dirs = &mut policies[policy].directions;
    let direction = match below {
        Some(n) => dirs.iter().position(|x| x.id == plan[n].code)?,
        None => match dirs.iter().position(|x| x.id == UNLINKED_DIRECTION) {
            Some(i) => i,
            None => {
                let name = form
                    .levels
                    .get(pl + 1)
                    .map_or_else(String::new, |l| format!("（{}の指定なし）", l.name));
                dirs.push(Direction {
                    id: UNLINKED_DIRECTION.into(),
                    name,
                    programs: Vec::new(),
                });
                dirs.len() - 1
            }
        },
    };
    Some((policy, direction, place))
}

fn option_index(options: &[String], s: &Option<toml::Spanned<String>>) -> Option<usize> {
    let s = s.as_ref()?.get_ref();
    options.iter().position(|o| o == s)
}

fn program(lp: &LoadedProgram, form: &Form, placed: Placed) -> Program {
    let src = lp
        .program
        .as_ref()
        .expect("placed programs have a program.toml");
    let d = &src.data;
    let (policy, direction, place) = placed;
    // The main indicator's values may also be written under its id in
    // [[indicators]]: they are its target and result.
    let main_id = d.indicators.first().map(|i| {
        i.id.as_ref()
            .map_or("main", |s| s.get_ref().as_str())
            .to_string()
    });
    let (stages, criteria) = form.evaluation().unwrap_or((&[], &[]));
    let years = lp
        .years
        .iter()
        .map(|(y, ly)| {
            let r = &ly.data;
            let y = year(*y);
            let (mut target, mut result) = (r.target.clone(), r.result.clone());
            let mut indicator_values = Vec::new();
            let mut indicator_forecasts = Vec::new();
            for v in &r.indicators {
                let id = v.indicator.get_ref();
                if !v.forecast.is_blank() {
                    indicator_forecasts.push((id.clone(), v.forecast.clone()));
                }
                if Some(id) == main_id.as_ref() {
                    if target.is_blank() {
                        target = v.target.clone();
                    }
                    if result.is_blank() {
                        result = v.result.clone();
                    }
                } else {
                    indicator_values.push((id.clone(), v.target.clone(), v.result.clone()));
                }
            }
            let mut evaluations: Vec<Evaluation> = r
                .evaluations
                .iter()
                .map(|e| Evaluation {
                    stage: e.stage.get_ref().clone(),
                    choice: stages
                        .iter()
                        .find(|s| s.key == *e.stage.get_ref())
                        .and_then(|s| option_index(&s.options, &e.choice)),
                    reason: e.reason.clone(),
                    evaluator: e.evaluator.clone(),
                })
                .collect();
            evaluations.sort_by_key(|e| stages.iter().position(|s| s.key == e.stage));
            let mut answers: Vec<CriterionAnswer> = r
                .criteria
                .iter()
                .map(|c| CriterionAnswer {
                    key: c.key.get_ref().clone(),
                    answer: criteria
                        .iter()
                        .find(|k| k.key == *c.key.get_ref())
                        .and_then(|k| option_index(&k.options, &c.answer)),
                    reason: c.reason.clone(),
                })
                .collect();
            answers.sort_by_key(|a| criteria.iter().position(|k| k.key == a.key));
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
                    hours: s.hours.clone(),
                    rate: s.rate.clone(),
                    total_cost: s.total_cost.get_ref().clone(),
                }),
                evaluation: r.check.evaluation.clone(),
                analysis: r.check.analysis.clone(),
                rating: r.check.rating.as_ref().map(|s| s.get_ref().clone()),
                action_policy: r.action.policy.clone(),
                decision: r.action.decision.as_ref().map(|s| s.get_ref().clone()),
                indicator_forecasts,
                forecast: r.forecast.as_ref().map(money),
                evaluations,
                criteria: answers,
                fields: ly.fields.clone(),
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
                section_name: b.section_name.clone(),
                subsection_name: b.subsection_name.clone(),
                item_name: b.item_name.clone(),
                sub_item: code(&b.sub_item),
                sub_item_name: b.sub_item_name.clone(),
            })
            .collect(),
        indicators: d
            .indicators
            .iter()
            .enumerate()
            .map(|(i, ind)| ProgramIndicator {
                id: ind
                    .id
                    .as_ref()
                    .map(|s| s.get_ref().clone())
                    .unwrap_or_else(|| {
                        if i == 0 {
                            "main".into()
                        } else {
                            format!("indicator-{}", i + 1)
                        }
                    }),
                kind: ind.kind.as_ref().map(|k| k.get_ref().clone()),
                name: ind.name.clone(),
                notes: ind.notes.clone(),
                unit: ind.unit.clone(),
                formula: ind.formula.clone(),
                final_target: ind.final_target.as_ref().map(point),
            })
            .collect(),
        years,
        fields: src.fields.clone(),
        place,
    };
    let (start, end) = (program.start_year, program.end_year);
    for y in program.years.values_mut() {
        if !runs_in(start, end, y.year) {
            y.not_applicable_where_blank();
        }
    }
    program
}

/// Whether the form shows a block anywhere.
pub fn has_block(form: &Form, f: impl Fn(&Block) -> bool) -> bool {
    [&form.policy, &form.program, &form.year]
        .iter()
        .any(|s| s.blocks().any(&f))
}
