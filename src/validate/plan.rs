//! Checks of a declared form's plan: the nodes of plan.toml (their levels,
//! codes and parents), each program's place in it, the 施策 sheets' codes,
//! and the staged evaluations and criteria of the year files against the
//! form's evaluation block.

use crate::diag::{suggest, Diagnostic, Diagnostics, Location};
use crate::form::{Form, PLAN_FILE};
use crate::load::raw::{RawProgram, RawYear};
use crate::load::{Loaded, RawContent, SourceFile, CONTENT_DIR};
use crate::model::build::ancestor_at;
use crate::model::value::{trim_cell, DASHES};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use toml::Spanned;

fn did_you_mean<'a>(
    d: Diagnostic,
    word: &str,
    all: impl Iterator<Item = &'a str> + Clone,
) -> Diagnostic {
    match suggest(word, all.clone()) {
        Some(s) => d.help(format!("`{s}` の誤りではありませんか / did you mean `{s}`?")),
        None if all.clone().next().is_none() => d.help("plan.toml にこの階層の節点がまだありません。[[nodes]] を書き足してください / plan.toml has no node of this level yet: add it with [[nodes]]"),
        None => d.help(format!(
            "書けるもの / allowed：{}",
            all.take(30).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// `place` written for the default form, which has no levels.
pub fn place_without_levels(file: &SourceFile, span: std::ops::Range<usize>) -> Diagnostic {
    Diagnostic::error(
        "E119",
        "この様式には計画の階層がないため、place は使えません",
        "`place` needs a form with plan levels (content/form.toml)",
    )
    .at(file.locate(span))
    .help("施策は policy、施策の方向は direction で指定してください / name the policy with `policy` and the direction with `direction`")
}

/// The nodes of plan.toml and the codes of the 施策 sheets.
pub fn check_plan(raw: &RawContent, diags: &mut Diagnostics) {
    let form = &raw.form;
    let Some(plan) = &raw.plan else {
        if !raw.failed.contains(&Path::new(CONTENT_DIR).join(PLAN_FILE)) {
            diags.push(
                Diagnostic::error(
                    "E118",
                    "plan.toml がありません（この様式には計画の階層があります）",
                    "content/plan.toml is missing: the form has plan levels",
                )
                .at(Location::file(&Path::new(CONTENT_DIR).join(PLAN_FILE)))
                .help(format!(
                    "content/plan.toml に [[nodes]] を書いてください（level・code・name、上の階層は parent） / list the plan's nodes in content/plan.toml; levels: {}",
                    form.levels.iter().map(|l| format!("{}（{}）", l.key, l.name)).collect::<Vec<_>>().join(", ")
                )),
            );
        }
        return;
    };
    let file = &plan.file;
    let keys = || form.levels.iter().map(|l| l.key.as_str());
    let mut seen: HashMap<(usize, String), ()> = HashMap::new();
    let level_of = |k: &str| form.levels.iter().position(|l| l.key == k);
    for n in &plan.data.nodes {
        let Some(level) = level_of(n.level.get_ref()) else {
            diags.push(did_you_mean(
                Diagnostic::error(
                    "E108",
                    format!("階層 `{}` は様式にありません", n.level.get_ref()),
                    format!("the form has no level `{}`", n.level.get_ref()),
                )
                .at(file.locate(n.level.span())),
                n.level.get_ref(),
                keys(),
            ));
            continue;
        };
        let code = &n.code.get_ref().0;
        if trim_cell(code).is_empty() {
            diags.push(
                Diagnostic::error("E109", "コードが空です", "the code is empty")
                    .at(file.locate(n.code.span())),
            );
        }
        if seen.insert((level, code.clone()), ()).is_some() {
            diags.push(
                Diagnostic::error(
                    "E109",
                    format!("{}のコード `{code}` が2回あります", form.levels[level].name),
                    format!(
                        "code `{code}` is used twice at level `{}`",
                        n.level.get_ref()
                    ),
                )
                .at(file.locate(n.code.span()))
                .help("同じ階層のコードは1つずつにしてください / codes are unique within a level"),
            );
        }
    }
    for n in &plan.data.nodes {
        let Some(level) = level_of(n.level.get_ref()) else {
            continue;
        };
        let Some(p) = &n.parent else { continue };
        let code = &p.get_ref().0;
        let found = (0..level).any(|l| seen.contains_key(&(l, code.clone())));
        if !found {
            let same_or_lower =
                (level..form.levels.len()).any(|l| seen.contains_key(&(l, code.clone())));
            diags.push(
                Diagnostic::error(
                    "E110",
                    format!("親のコード `{code}` が上の階層にありません"),
                    format!("parent `{code}` is not a node of a higher level"),
                )
                .at(file.locate(p.span()))
                .help(if same_or_lower {
                    "parent には、この節点より上の階層の節点のコードを書きます / parent names a node of a higher level".to_string()
                } else {
                    "plan.toml にその節点を書くか、コードを直してください / add that node to plan.toml or correct the code".to_string()
                }),
            );
        }
    }
    // 施策 sheets name their node by code.
    let pl = form.policy_level();
    for p in &raw.policies {
        let f = &p.source.file;
        let Some(pl) = pl else { continue };
        let level = &form.levels[pl];
        match &p.source.data.code {
            None => diags.push(
                Diagnostic::error(
                    "E115",
                    format!("施策シートに code（{}のコード）がありません", level.name),
                    format!("the policy sheet needs `code`, the code of its {} node", level.key),
                )
                .at(f.locate(0..0))
                .help("plan.toml の節点のコードを code = \"…\" で書いてください / write the code of its node in plan.toml"),
            ),
            Some(c) if !seen.contains_key(&(pl, c.0.clone())) => diags.push(did_you_mean(
                Diagnostic::error(
                    "E115",
                    format!("コード `{}` の{}が plan.toml にありません", c.0, level.name),
                    format!("plan.toml has no {} node with code `{}`", level.key, c.0),
                )
                .at(f.locate_key(&["code"])),
                &c.0,
                plan.data
                    .nodes
                    .iter()
                    .filter(|n| n.level.get_ref() == &level.key)
                    .map(|n| n.code.get_ref().0.as_str()),
            )),
            Some(_) => {}
        }
    }
}

/// Whether a place value means "not linked".
fn unlinked(s: &str) -> bool {
    DASHES.contains(&trim_cell(s))
}

/// A program's `place`: a code (or "―") per level, each a node of that
/// level, consistent with the nodes' parents, reaching a 施策.
pub fn check_program_place(
    raw: &RawContent,
    plan: &[crate::model::PlanNode],
    program: &Loaded<RawProgram>,
    diags: &mut Diagnostics,
) {
    let form = &raw.form;
    let file = &program.file;
    let d = &program.data;
    for (key, v) in [("policy", &d.policy), ("direction", &d.direction)] {
        if let Some(v) = v {
            diags.push(
                Diagnostic::error(
                    "E119",
                    format!("この様式では `{key}` ではなく place で計画上の位置を書きます"),
                    format!("with plan levels, the place is written with `place`, not `{key}`"),
                )
                .at(file.locate(v.span()))
                .help(place_example(form)),
            );
        }
    }
    let Some(place) = &d.place else {
        diags.push(super::missing_key(file, "place", &[]).help(place_example(form)));
        return;
    };
    if raw.plan.is_none() {
        return;
    }
    let mut chosen: Vec<(usize, usize, &Spanned<String>)> = Vec::new();
    for (k, v) in place.get_ref() {
        let Some(level) = form.levels.iter().position(|l| l.key == *k) else {
            diags.push(did_you_mean(
                Diagnostic::error(
                    "E111",
                    format!("place の `{k}` は様式の階層にありません"),
                    format!("`{k}` is not a level of the form"),
                )
                .at(file.locate(v.span())),
                k,
                form.levels.iter().map(|l| l.key.as_str()),
            ));
            continue;
        };
        if unlinked(v.get_ref()) {
            continue;
        }
        match plan
            .iter()
            .position(|n| n.level == level && n.code == *v.get_ref())
        {
            Some(n) => chosen.push((level, n, v)),
            None => diags.push(did_you_mean(
                Diagnostic::error(
                    "E112",
                    format!(
                        "{}のコード `{}` が plan.toml にありません",
                        form.levels[level].name,
                        v.get_ref()
                    ),
                    format!("plan.toml has no {} node `{}`", k, v.get_ref()),
                )
                .at(file.locate(v.span())),
                v.get_ref(),
                plan.iter()
                    .filter(|n| n.level == level)
                    .map(|n| n.code.as_str()),
            )),
        }
    }
    // Every node's ancestors agree with what is written at their levels.
    for &(_, n, v) in &chosen {
        for &(other_level, other, ov) in &chosen {
            if other_level >= plan[n].level {
                continue;
            }
            if let Some(a) = ancestor_at(plan, n, other_level) {
                if a != other {
                    diags.push(
                        Diagnostic::error(
                            "E114",
                            format!(
                                "`{}` は{}「{}」の下にあり、`{}` の下ではありません",
                                v.get_ref(),
                                form.levels[other_level].name,
                                plan[a].code,
                                ov.get_ref()
                            ),
                            format!(
                                "`{}` lies under `{}`, not under `{}`",
                                v.get_ref(),
                                plan[a].code,
                                ov.get_ref()
                            ),
                        )
                        .at(file.locate(v.span()))
                        .help("place のコードか plan.toml の parent を直してください / correct the place or the parent in plan.toml"),
                    );
                }
            }
        }
    }
    let Some(pl) = form.policy_level() else {
        return;
    };
    let reaches = chosen
        .iter()
        .any(|&(_, n, _)| ancestor_at(plan, n, pl).is_some());
    if !reaches {
        diags.push(
            Diagnostic::error(
                "E113",
                format!("place で{}が決まりません", form.levels[pl].name),
                format!("the place reaches no {} node", form.levels[pl].key),
            )
            .at(file.locate(place.span()))
            .help(format!(
                "{}（{}）のコードを書いてください。事業はどれかの{}に属します / every program belongs to a {}",
                form.levels[pl].name,
                form.levels[pl].key,
                form.levels[pl].name,
                form.levels[pl].key
            )),
        );
    }
}

fn place_example(form: &Form) -> String {
    let parts: Vec<String> = form
        .levels
        .iter()
        .map(|l| {
            format!(
                "{} = \"{}\"",
                l.key,
                l.code_example.as_deref().unwrap_or("…")
            )
        })
        .collect();
    format!(
        "例 / e.g. place = {{ {} }}（位置付けのない階層は \"―\"） / \"―\" for a level not linked",
        parts.join(", ")
    )
}

/// The slugs of the 施策 sheets whose node has a program at or under it.
pub fn policies_with_programs(
    raw: &RawContent,
    plan: &[crate::model::PlanNode],
) -> BTreeSet<String> {
    let form = &raw.form;
    let Some(pl) = form.policy_level() else {
        return BTreeSet::new();
    };
    let mut codes = BTreeSet::new();
    for lp in &raw.programs {
        let Some(place) = lp.program.as_ref().and_then(|p| p.data.place.as_ref()) else {
            continue;
        };
        for (k, v) in place.get_ref() {
            let Some(level) = form.levels.iter().position(|l| l.key == *k) else {
                continue;
            };
            if let Some(n) = plan
                .iter()
                .position(|n| n.level == level && n.code == *v.get_ref())
            {
                if let Some(a) = ancestor_at(plan, n, pl) {
                    codes.insert(plan[a].code.clone());
                }
            }
        }
    }
    raw.policies
        .iter()
        .filter(|p| {
            p.source
                .data
                .code
                .as_ref()
                .is_some_and(|c| codes.contains(&c.0))
        })
        .map(|p| p.slug.clone())
        .collect()
}

/// `[[evaluations]]` and `[[criteria]]` of a year file against the form.
pub fn check_evaluations(form: &Form, ly: &Loaded<RawYear>, diags: &mut Diagnostics) {
    let file = &ly.file;
    let d = &ly.data;
    if d.evaluations.is_empty() && d.criteria.is_empty() {
        return;
    }
    let Some((stages, criteria)) = form.evaluation() else {
        let span = d
            .evaluations
            .first()
            .map(|e| e.stage.span())
            .or_else(|| d.criteria.first().map(|c| c.key.span()))
            .unwrap_or(0..0);
        diags.push(
            Diagnostic::error(
                "E116",
                "この様式には段階ごとの評価（evaluation の節）がありません",
                "the form has no evaluation block",
            )
            .at(file.locate(span))
            .help("content/form.toml の年度のシートに block = \"evaluation\" の節を加えるか、[[evaluations]]・[[criteria]] を消してください / add an evaluation block to the form, or remove these tables"),
        );
        return;
    };
    let mut seen = BTreeSet::new();
    for e in &d.evaluations {
        let Some(stage) = stages.iter().find(|s| s.key == *e.stage.get_ref()) else {
            diags.push(did_you_mean(
                Diagnostic::error(
                    "E116",
                    format!("評価の段階 `{}` は様式にありません", e.stage.get_ref()),
                    format!("the form has no evaluation stage `{}`", e.stage.get_ref()),
                )
                .at(file.locate(e.stage.span())),
                e.stage.get_ref(),
                stages.iter().map(|s| s.key.as_str()),
            ));
            continue;
        };
        if !seen.insert(stage.key.as_str()) {
            diags.push(
                Diagnostic::error(
                    "E116",
                    format!("{}が2回書かれています", stage.name),
                    format!("stage `{}` is written twice", stage.key),
                )
                .at(file.locate(e.stage.span())),
            );
        }
        if let Some(c) = &e.choice {
            check_option(file, &stage.name, &stage.options, c, "E116", diags);
        }
    }
    let mut seen = BTreeSet::new();
    for a in &d.criteria {
        let Some(k) = criteria.iter().find(|k| k.key == *a.key.get_ref()) else {
            diags.push(did_you_mean(
                Diagnostic::error(
                    "E117",
                    format!("評価項目 `{}` は様式にありません", a.key.get_ref()),
                    format!("the form has no criterion `{}`", a.key.get_ref()),
                )
                .at(file.locate(a.key.span())),
                a.key.get_ref(),
                criteria.iter().map(|k| k.key.as_str()),
            ));
            continue;
        };
        if !seen.insert(k.key.as_str()) {
            diags.push(
                Diagnostic::error(
                    "E117",
                    format!("評価項目「{}」が2回書かれています", k.question),
                    format!("criterion `{}` is written twice", k.key),
                )
                .at(file.locate(a.key.span())),
            );
        }
        if let Some(ans) = &a.answer {
            check_option(file, &k.question, &k.options, ans, "E117", diags);
        }
    }
}

fn check_option(
    file: &SourceFile,
    what: &str,
    options: &[String],
    v: &Spanned<String>,
    code: &'static str,
    diags: &mut Diagnostics,
) {
    if options.iter().any(|o| o == v.get_ref()) || trim_cell(v.get_ref()).is_empty() {
        return;
    }
    let mut d = Diagnostic::error(
        code,
        format!("「{what}」に選択肢 `{}` はありません", v.get_ref()),
        format!("`{}` is not an option here", v.get_ref()),
    )
    .at(file.locate(v.span()));
    d = match suggest(v.get_ref(), options.iter().map(String::as_str)) {
        Some(s) => d.help(format!(
            "「{s}」の誤りではありませんか。選択肢：{} / did you mean `{s}`?",
            options.join("、")
        )),
        None => d.help(format!("選択肢 / options：{}", options.join("、"))),
    };
    diags.push(d);
}
