//! A program's place in the site's plan hierarchy (forms with levels):
//! `place.<level>` cells resolved to node codes of content/plan.toml, by
//! code or by name; the levels a sheet leaves empty filled from the nodes'
//! parents (or "―" where the plan skips a level); and, when the mapping
//! says where the nodes' names are, content/plan.toml written from the
//! sheet itself.

use super::extract::{Got, Placed, Program};
use super::write::{one_line, quote};
use crate::diag::{suggest, Diagnostic, Diagnostics, Location};
use crate::form::Form;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// What a place value means when a level is not linked.
pub const UNLINKED: &str = "―";

/// One node of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Index into the form's levels.
    pub level: usize,
    pub code: String,
    pub name: String,
    /// The code of the node above.
    pub parent: Option<String>,
}

/// The nodes of content/plan.toml, in file order; empty when there is no
/// such file or it cannot be read (`mieru check` reports it at its place).
pub fn read(content: &Path, form: &Form) -> Vec<Node> {
    let Some(raw) = std::fs::read_to_string(content.join("plan.toml"))
        .ok()
        .and_then(|t| toml::from_str::<crate::load::raw::RawPlan>(&t).ok())
    else {
        return Vec::new();
    };
    raw.nodes
        .into_iter()
        .filter_map(|n| {
            Some(Node {
                level: form
                    .levels
                    .iter()
                    .position(|l| l.key == *n.level.get_ref())?,
                code: n.code.into_inner().0,
                name: n.name,
                parent: n.parent.map(|p| p.into_inner().0),
            })
        })
        .collect()
}

fn key(level: &str) -> String {
    format!("place.{level}")
}

/// The plan's nodes as the sheet names them: every (level, code) with its
/// name and the code given at the level above on the same row. A node
/// named or placed differently on another row keeps the first (W152); one
/// no row names is an error (E171).
pub fn from_sheet(form: &Form, programs: &[Program], diags: &mut Diagnostics) -> Vec<Node> {
    let mut nodes: Vec<(Node, String)> = Vec::new();
    let mut others: BTreeMap<usize, Vec<(String, String)>> = BTreeMap::new();
    for p in programs {
        let mut above: Option<String> = None;
        for (li, level) in form.levels.iter().enumerate() {
            let Some(Placed {
                got: Got::Text(code),
                cell,
            }) = p.fields.get(&key(&level.key))
            else {
                continue;
            };
            let name = match p.fields.get(&format!("place_name.{}", level.key)) {
                Some(Placed {
                    got: Got::Text(n), ..
                }) => n.clone(),
                _ => String::new(),
            };
            let node = Node {
                level: li,
                code: code.clone(),
                name,
                parent: above.replace(code.clone()),
            };
            match nodes
                .iter_mut()
                .position(|(n, _)| n.level == li && n.code == node.code)
            {
                None => nodes.push((node, cell.clone())),
                Some(i) => {
                    let first = &mut nodes[i].0;
                    if first.name.is_empty() {
                        first.name = node.name.clone();
                    }
                    if first.parent.is_none() {
                        first.parent = node.parent.clone();
                    }
                    let differs = (!node.name.is_empty() && node.name != first.name)
                        || (node.parent.is_some() && node.parent != first.parent);
                    if differs {
                        others
                            .entry(i)
                            .or_default()
                            .push((describe(form, &node), cell.clone()));
                    }
                }
            }
        }
    }
    for (i, list) in others {
        let (n, cell) = &nodes[i];
        let level = &form.levels[n.level].name;
        let mut shown: Vec<String> = Vec::new();
        for (text, c) in &list {
            if !shown.iter().any(|s| s.starts_with(&format!("「{text}」"))) {
                shown.push(format!("「{text}」（{c}）"));
            }
        }
        diags.push(
            Diagnostic::warning(
                "W152",
                format!(
                    "{level}「{}」の名前か上の階層が行によって違います。最初の「{}」を使いました",
                    n.code,
                    describe(form, n)
                ),
                format!(
                    "the {} node {} has another name or parent on other rows; the first was kept",
                    form.levels[n.level].key, n.code
                ),
            )
            .at(Location::file(Path::new(cell)))
            .help(format!("ほかの書き方 / other values: {}", shown.join("、"))),
        );
    }
    // One name under two codes at a level: most likely a code mistyped on
    // one row (the import would make a second node of it).
    for (i, (n, cell)) in nodes.iter().enumerate() {
        if n.name.is_empty() {
            continue;
        }
        let twins: Vec<&(Node, String)> = nodes[i + 1..]
            .iter()
            .filter(|(m, _)| m.level == n.level && m.name == n.name)
            .collect();
        if twins.is_empty()
            || nodes[..i]
                .iter()
                .any(|(m, _)| m.level == n.level && m.name == n.name)
        {
            continue;
        }
        let level = &form.levels[n.level];
        let others: Vec<String> = twins
            .iter()
            .map(|(m, c)| format!("「{}」（{c}）", m.code))
            .collect();
        diags.push(
            Diagnostic::warning(
                "W153",
                format!(
                    "{}「{}」にコードが {} つあります：「{}」ほか",
                    level.name,
                    n.name,
                    twins.len() + 1,
                    n.code
                ),
                format!(
                    "the {} node named {} has {} codes",
                    level.key,
                    n.name,
                    twins.len() + 1
                ),
            )
            .at(Location::file(Path::new(cell)))
            .help(format!(
                "別々の{}として plan.toml に書きます。コードの打ち間違いなら直してください / written as separate nodes; correct a mistyped code. ほかのコード / other codes: {}",
                level.name,
                others.join("、")
            )),
        );
    }
    for (n, cell) in &nodes {
        if n.name.is_empty() {
            let level = &form.levels[n.level];
            diags.push(
                Diagnostic::error(
                    "E171",
                    format!("{}「{}」の名前がどの行にもありません", level.name, n.code),
                    format!("no row gives the name of the {} node {}", level.key, n.code),
                )
                .at(Location::file(Path::new(cell)))
                .help("名前の列に書くか、対応表の name を直してください / fill in its name, or correct `name` in the mapping"),
            );
        }
    }
    nodes.into_iter().map(|(n, _)| n).collect()
}

fn describe(form: &Form, n: &Node) -> String {
    match &n.parent {
        Some(p) => format!("{}（{}「{p}」の下）", n.name, upper(form, n.level)),
        None => n.name.clone(),
    }
}

fn upper(form: &Form, level: usize) -> &str {
    level
        .checked_sub(1)
        .and_then(|l| form.levels.get(l))
        .map_or("", |l| l.name.as_str())
}

/// The node at `level` above (or at) `i`, when the chain passes that level.
fn ancestor_at(nodes: &[Node], mut i: usize, level: usize) -> Option<usize> {
    for _ in 0..=nodes.len() {
        let n = &nodes[i];
        if n.level == level {
            return Some(i);
        }
        if n.level < level {
            return None;
        }
        // The parent is the node of that code at the nearest level up, as
        // the site's model reads plan.toml (a code may recur on two levels).
        let parent = n.parent.as_ref()?;
        i = (0..n.level)
            .rev()
            .find_map(|l| nodes.iter().position(|m| m.level == l && &m.code == parent))?;
    }
    None
}

/// Resolves every program's `place.<level>` fields to node codes: a cell
/// names a node by its code, its name, or both ("1-01 子育て支援"); a dash
/// is "―"; an empty level is filled from the deepest node's parents. A
/// node the plan lacks is an error at its cell (E170).
pub fn resolve(form: &Form, nodes: &[Node], programs: &mut [Program], diags: &mut Diagnostics) {
    if form.levels.is_empty() {
        return;
    }
    for p in programs.iter_mut() {
        let given: Vec<usize> = (0..form.levels.len())
            .filter(|&l| p.fields.contains_key(&key(&form.levels[l].key)))
            .collect();
        if given.is_empty() {
            continue;
        }
        let mut found: Vec<(usize, usize)> = Vec::new();
        let mut failed = false;
        for &l in &given {
            let level = &form.levels[l];
            let f = p.fields.get_mut(&key(&level.key)).expect("given");
            let Got::Text(t) = &f.got else { continue };
            let at_level = || nodes.iter().enumerate().filter(|(_, n)| n.level == l);
            let hit = at_level()
                .find(|(_, n)| n.code == *t)
                .or_else(|| {
                    // By name: the one of that name, or, when the name recurs
                    // (an その他 under each 施策), the one under what the row
                    // gives above.
                    let named: Vec<(usize, &Node)> =
                        at_level().filter(|(_, n)| n.name == *t).collect();
                    let above = found.last().copied();
                    match named.as_slice() {
                        [one] => Some(*one),
                        [] => None,
                        many => {
                            let under: Vec<&(usize, &Node)> = many
                                .iter()
                                .filter(|(j, _)| {
                                    above.is_some_and(|(al, ai)| {
                                        ancestor_at(nodes, *j, al) == Some(ai)
                                    })
                                })
                                .collect();
                            match under.as_slice() {
                                [one] => Some(**one),
                                _ => None,
                            }
                        }
                    }
                })
                .or_else(|| {
                    at_level().find(|(_, n)| {
                        t.strip_prefix(n.code.as_str()).is_some_and(|rest| {
                            rest.starts_with([' ', '\u{3000}', '：', ':'])
                                && rest.trim_start_matches([' ', '\u{3000}', '：', ':']) == n.name
                        })
                    })
                });
            match hit {
                Some((i, n)) => {
                    f.got = Got::Text(n.code.clone());
                    found.push((l, i));
                }
                None => {
                    failed = true;
                    // Nearest among the nodes under what the row gives above.
                    let above = found.last().copied();
                    let under: Vec<&Node> = at_level()
                        .filter(|(j, _)| {
                            above.is_none_or(|(al, ai)| ancestor_at(nodes, *j, al) == Some(ai))
                        })
                        .map(|(_, n)| n)
                        .collect();
                    let pool: Vec<&Node> = if under.is_empty() {
                        at_level().map(|(_, n)| n).collect()
                    } else {
                        under
                    };
                    let near = suggest(t, pool.iter().map(|n| n.code.as_str()))
                        .or_else(|| suggest(t, pool.iter().map(|n| n.name.as_str())));
                    let help = match near {
                        Some(s) => format!("「{s}」のことですか / did you mean {s}?"),
                        None if nodes.is_empty() => "content/plan.toml に計画の項目を書くか、対応表で名前の列を name に指定してください（取り込みが plan.toml を作ります） / write the nodes in content/plan.toml, or give the names' column as `name` and the import writes it".to_string(),
                        None => format!(
                            "plan.toml の{}のコードか名前を書いてください / write a code or name of a {} node in plan.toml",
                            level.name, level.key
                        ),
                    };
                    diags.push(
                        Diagnostic::error(
                            "E170",
                            format!("計画の{}に「{t}」がありません", level.name),
                            format!("the plan has no {} node {t}", level.key),
                        )
                        .at(Location::file(Path::new(&f.cell)))
                        .help(help),
                    );
                }
            }
        }
        if failed {
            continue;
        }
        let Some(&(deepest_level, deepest)) = found.iter().max_by_key(|(l, _)| *l) else {
            let first = &p.fields[&key(&form.levels[given[0]].key)];
            let pl = form
                .policy_level()
                .map_or(&form.levels[0], |l| &form.levels[l]);
            diags.push(
                Diagnostic::error(
                    "E172",
                    "事業の計画上の位置が空欄です",
                    "the program's place in the plan is blank",
                )
                .at(Location::file(Path::new(&first.cell)))
                .help(format!(
                    "事業はどれかの{}に属します。そのコードか名前を書いてください / every program belongs to a {}: write its code or name",
                    pl.name, pl.key
                )),
            );
            continue;
        };
        let cell = p.fields[&key(&form.levels[deepest_level].key)].cell.clone();
        // The codes given above the deepest must be its ancestors.
        let mut contradicts = false;
        for &(l, i) in &found {
            if l == deepest_level || ancestor_at(nodes, deepest, l) == Some(i) {
                continue;
            }
            contradicts = true;
            let level = &form.levels[l];
            let deep = &nodes[deepest];
            let (ja, en) = match ancestor_at(nodes, deepest, l) {
                Some(a) => (
                    format!(
                        "「{}」は{}「{}」の下にあり、「{}」の下ではありません",
                        deep.code, level.name, nodes[a].code, nodes[i].code
                    ),
                    format!(
                        "{} lies under the {} node {}, not {}",
                        deep.code, level.key, nodes[a].code, nodes[i].code
                    ),
                ),
                None => (
                    format!(
                        "「{}」の上に{}はありません（「{}」の下ではありません）",
                        deep.code, level.name, nodes[i].code
                    ),
                    format!(
                        "{} has no {} node above it, so not {}",
                        deep.code, level.key, nodes[i].code
                    ),
                ),
            };
            diags.push(
                Diagnostic::error("E173", ja, en)
                    .at(Location::file(Path::new(&p.fields[&key(&level.key)].cell)))
                    .help(format!(
                        "このセルか {cell} のコードを直してください。{}の上の階層は plan.toml の parent で決まります / correct this cell or {cell}",
                        form.levels[deepest_level].name
                    )),
            );
        }
        if contradicts {
            continue;
        }
        for (l, level) in form.levels.iter().enumerate() {
            let k = key(&level.key);
            let blank = p.fields.get(&k).is_none_or(|f| matches!(f.got, Got::Blank));
            if !blank {
                continue;
            }
            let got = match (l < deepest_level)
                .then(|| ancestor_at(nodes, deepest, l))
                .flatten()
            {
                Some(a) => Got::Text(nodes[a].code.clone()),
                None => Got::NotApplicable,
            };
            let cell = match p.fields.get(&k) {
                Some(f) => f.cell.clone(),
                None => format!("{cell}（{}から）", form.levels[deepest_level].name),
            };
            p.fields.insert(k, Placed { got, cell });
        }
    }
}

/// `place = { … }` for program.toml: each level in the form's order.
pub fn place_line(form: &Form, p: &Program) -> Option<String> {
    let parts: Vec<String> = form
        .levels
        .iter()
        .filter_map(|l| {
            let code = match &p.fields.get(&key(&l.key))?.got {
                Got::Text(t) => t.clone(),
                Got::NotApplicable => UNLINKED.to_string(),
                _ => return None,
            };
            Some(format!("{} = {}", l.key, quote(&code)))
        })
        .collect();
    (!parts.is_empty()).then(|| format!("place = {{ {} }}", parts.join(", ")))
}

/// Orders codes as people do: "1-2" before "1-10".
fn natural(a: &str, b: &str) -> std::cmp::Ordering {
    let split = |s: &str| -> Vec<(u64, String)> {
        let mut out = Vec::new();
        let mut digits = String::new();
        let mut text = String::new();
        for c in s.chars() {
            if c.is_ascii_digit() {
                if !text.is_empty() {
                    out.push((0, std::mem::take(&mut text)));
                }
                digits.push(c);
            } else {
                if !digits.is_empty() {
                    out.push((
                        digits.parse().unwrap_or(u64::MAX),
                        std::mem::take(&mut digits),
                    ));
                }
                text.push(c);
            }
        }
        if !digits.is_empty() {
            out.push((digits.parse().unwrap_or(u64::MAX), digits));
        }
        if !text.is_empty() {
            out.push((0, text));
        }
        out
    };
    split(a).cmp(&split(b))
}

/// content/plan.toml of `nodes`, by level and then code.
pub fn plan_toml(form: &Form, nodes: &[Node], from: &str) -> String {
    let mut sorted: Vec<&Node> = nodes.iter().collect();
    sorted.sort_by(|a, b| {
        a.level
            .cmp(&b.level)
            .then_with(|| natural(&a.code, &b.code))
    });
    let names: Vec<&str> = form.levels.iter().map(|l| l.name.as_str()).collect();
    let mut out = String::new();
    let _ = writeln!(out, "# 計画の体系：{}。", one_line(&names.join(" → ")));
    let _ = writeln!(out, "# mieru import が {} から作りました。", one_line(from));
    for n in sorted {
        let _ = writeln!(out, "\n[[nodes]]");
        let _ = writeln!(out, "level = {}", quote(&form.levels[n.level].key));
        let _ = writeln!(out, "code = {}", quote(&n.code));
        if let Some(p) = &n.parent {
            let _ = writeln!(out, "parent = {}", quote(p));
        }
        let _ = writeln!(out, "name = {}", quote(&n.name));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_sort_as_numbers() {
        let mut v = vec!["1-10", "1-2", "2", "1-02-0-1", "1"];
        v.sort_by(|a, b| natural(a, b));
        assert_eq!(v, ["1", "1-02-0-1", "1-2", "1-10", "2"]);
    }
}
