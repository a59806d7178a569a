//! The 施策 (content/policies/) and their 施策の方向 that a sheet names by
//! text: those the site has, or, when the mapping says where each 施策's
//! 施策の大綱 is, those the sheet itself lists (the import then writes their
//! files). A sheet (and mieru's own CSV) writes them by name; the program
//! files want the file name and the direction's id.

use super::extract::{Got, Program};
use super::write::quote;
use crate::diag::{suggest, Diagnostic, Diagnostics, Location};
use std::fmt::Write as _;
use std::path::Path;

/// One 施策 of the site.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub slug: String,
    pub name: String,
    /// 施策の大綱 (written into the file when the sheet lists the 施策).
    pub outline: String,
    /// 施策コード, when the sheet gives one.
    pub code: Option<String>,
    /// (id, name) of each direction.
    pub directions: Vec<(String, String)>,
}

/// The policies under `content/policies/`, in file-name order. A file that
/// cannot be read is left out here: `mieru check` reports it at its place.
pub fn policies(content: &Path) -> Vec<Policy> {
    #[derive(serde::Deserialize)]
    struct Raw {
        name: String,
        #[serde(default)]
        directions: Vec<Dir>,
    }
    #[derive(serde::Deserialize)]
    struct Dir {
        id: String,
        name: String,
    }
    let Ok(entries) = std::fs::read_dir(content.join("policies")) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
        .collect();
    files.sort();
    files
        .iter()
        .filter_map(|p| {
            let raw: Raw = toml::from_str(&std::fs::read_to_string(p).ok()?).ok()?;
            Some(Policy {
                slug: p.file_stem()?.to_string_lossy().into_owned(),
                name: raw.name,
                outline: String::new(),
                code: None,
                directions: raw.directions.into_iter().map(|d| (d.id, d.name)).collect(),
            })
        })
        .collect()
}

/// The 施策 the sheet lists (by name, in the order met): each with the
/// 施策の大綱 and code of its first row and its directions in the order met
/// (ids d1, d2…). A 施策 whose 大綱 differs on a later row keeps the first
/// (W155); one no row gives a 大綱 is an error (E174).
pub fn from_sheet(programs: &[Program], diags: &mut Diagnostics) -> Vec<Policy> {
    let text = |p: &Program, k: &str| p.text(k).map(str::to_string);
    let mut out: Vec<(Policy, String)> = Vec::new();
    let mut others: Vec<(usize, String, String)> = Vec::new();
    for p in programs {
        let Some(name) = text(p, "policy") else {
            continue;
        };
        let cell = p.fields["policy"].cell.clone();
        let outline = text(p, "policy_outline").unwrap_or_default();
        let i = match out.iter().position(|(x, _)| x.name == name) {
            Some(i) => {
                let first = &mut out[i].0;
                if first.outline.is_empty() {
                    first.outline = outline;
                } else if !outline.is_empty() && outline != first.outline {
                    let c = p.fields["policy_outline"].cell.clone();
                    others.push((i, outline, c));
                }
                if first.code.is_none() {
                    first.code = text(p, "policy_code");
                }
                i
            }
            None => {
                out.push((
                    Policy {
                        slug: String::new(),
                        name,
                        outline,
                        code: text(p, "policy_code"),
                        directions: Vec::new(),
                    },
                    cell,
                ));
                out.len() - 1
            }
        };
        if let Some(d) = text(p, "direction") {
            let dirs = &mut out[i].0.directions;
            if !dirs.iter().any(|(_, n)| *n == d) {
                dirs.push((format!("d{}", dirs.len() + 1), d));
            }
        }
    }
    for (i, outline, cell) in others {
        let (p, first) = &out[i];
        diags.push(
            Diagnostic::warning(
                "W155",
                format!(
                    "施策「{}」の施策の大綱が行によって違います。最初の「{}」を使いました",
                    p.name, p.outline
                ),
                format!(
                    "the outline of the policy {} differs between rows; the first was kept",
                    p.name
                ),
            )
            .at(Location::file(Path::new(first)))
            .help(format!(
                "ほかの書き方 / other value: 「{outline}」（{cell}）"
            )),
        );
    }
    // Two directions of one 施策 a letter or two apart: most likely a typo
    // on one row (which would make a direction of its own).
    for (p, cell) in &out {
        for (k, (_, a)) in p.directions.iter().enumerate() {
            let earlier = p.directions[..k].iter().map(|(_, n)| n.as_str());
            if let Some(b) = suggest(a, earlier).filter(|b| b != a) {
                diags.push(
                    Diagnostic::warning(
                        "W156",
                        format!("施策「{}」の施策の方向「{a}」と「{b}」は、同じものではありませんか", p.name),
                        format!("the directions {a} and {b} of the policy {} look alike", p.name),
                    )
                    .at(Location::file(Path::new(cell)))
                    .help("別々の施策の方向として書きます。打ち間違いなら、シートの方を直してください / written as two directions; correct the sheet if one is a typo"),
                );
            }
        }
    }
    for (i, (p, cell)) in out.iter_mut().enumerate() {
        if p.outline.is_empty() {
            diags.push(
                Diagnostic::error(
                    "E174",
                    format!("施策「{}」の施策の大綱がどの行にもありません", p.name),
                    format!("no row gives the outline of the policy {}", p.name),
                )
                .at(Location::file(Path::new(cell)))
                .help("施策の大綱の列に書くか、対応表の outline を直してください / fill in its outline, or correct `outline` in the mapping"),
            );
        }
        p.slug = super::extract::slugify("s-", p.code.as_deref().unwrap_or_default(), i);
    }
    // File names stay distinct: a code's may equal another's number.
    super::extract::distinct(out.iter_mut().map(|(p, _)| &mut p.slug));
    out.into_iter().map(|(p, _)| p).collect()
}

/// content/policies/<slug>.toml of a 施策 the sheet lists.
pub fn policy_toml(p: &Policy, from: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# 施策「{}」：mieru import が {} から作りました。",
        super::write::one_line(&p.name),
        super::write::one_line(from)
    );
    let _ = writeln!(
        out,
        "# 施策の目的・目標（指標）・意見は、施策のシートから手で書き足してください。\n"
    );
    let _ = writeln!(out, "name = {}", quote(&p.name));
    let _ = writeln!(out, "outline = {}  # 施策の大綱", quote(&p.outline));
    if let Some(c) = &p.code {
        let _ = writeln!(out, "code = {}  # 施策コード", quote(c));
    }
    for (id, name) in &p.directions {
        let _ = writeln!(out, "\n[[directions]]  # 施策の方向");
        let _ = writeln!(out, "id = {}", quote(id));
        let _ = writeln!(out, "name = {}", quote(name));
    }
    out
}

/// Turns a 施策 or 施策の方向 given by name into its file name or id; one
/// that is neither is an error at its cell (E157). Without policies (a site
/// whose programs are placed in a declared plan) nothing is changed.
pub fn resolve(policies: &[Policy], programs: &mut [Program], diags: &mut Diagnostics) {
    if policies.is_empty() {
        return;
    }
    for p in programs {
        let policy = match p.fields.get_mut("policy") {
            Some(f) => match &f.got {
                Got::Text(t) => {
                    let named: Vec<&Policy> = policies.iter().filter(|x| &x.name == t).collect();
                    match policies
                        .iter()
                        .find(|x| &x.slug == t)
                        .or(named.first().copied())
                    {
                        // One name, two files: which is meant cannot be told.
                        Some(_) if named.len() > 1 && !policies.iter().any(|x| &x.slug == t) => {
                            let files: Vec<String> =
                                named.iter().map(|x| format!("{}.toml", x.slug)).collect();
                            diags.push(
                                Diagnostic::error(
                                    "E175",
                                    format!("施策「{t}」が content/policies/ に {} つあります：{}", named.len(), files.join("、")),
                                    format!("{} policies are named {t}: {}", named.len(), files.join(", ")),
                                )
                                .at(Location::file(Path::new(&f.cell)))
                                .help("要らない方のファイル（mieru init のひな形など）を消すか、セルにファイル名を書いてください / delete the one not wanted (such as init's sample), or write the file name in the cell"),
                            );
                            None
                        }
                        Some(found) => {
                            f.got = Got::Text(found.slug.clone());
                            Some(found)
                        }
                        None => {
                            let names = policies.iter().map(|x| x.name.as_str());
                            diags.push(unknown("施策", t, &f.cell, suggest(t, names)));
                            None
                        }
                    }
                }
                _ => None,
            },
            None => None,
        };
        let (Some(policy), Some(f)) = (policy, p.fields.get_mut("direction")) else {
            continue;
        };
        if let Got::Text(t) = &f.got {
            let found = policy
                .directions
                .iter()
                .find(|(id, _)| id == t)
                .or_else(|| policy.directions.iter().find(|(_, name)| name == t));
            match found {
                Some((id, _)) => f.got = Got::Text(id.clone()),
                None => {
                    let names = policy.directions.iter().map(|(_, n)| n.as_str());
                    let mut d = unknown("施策の方向", t, &f.cell, suggest(t, names));
                    if suggest(t, policy.directions.iter().map(|(_, n)| n.as_str())).is_none() {
                        let list: Vec<&str> =
                            policy.directions.iter().map(|(_, n)| n.as_str()).collect();
                        d = d.help(format!(
                            "施策「{}」（policies/{}.toml）の施策の方向：{} / its directions: {}",
                            policy.name,
                            policy.slug,
                            list.join("、"),
                            list.join(", ")
                        ));
                    }
                    diags.push(d);
                }
            }
        }
    }
}

fn unknown(what: &str, text: &str, cell: &str, near: Option<&str>) -> Diagnostic {
    let help = match near {
        Some(n) => format!("「{n}」のことですか / did you mean {n}?"),
        None => "content/policies/ のファイル名か、その name を書いてください / write a file name under content/policies/ or its name".to_string(),
    };
    Diagnostic::error(
        "E157",
        format!("{what}「{text}」がサイトにありません"),
        format!(
            "the site has no {} named {text}",
            if what == "施策" {
                "policy"
            } else {
                "direction"
            }
        ),
    )
    .at(Location::file(Path::new(cell)))
    .help(help)
}
