//! What the site being imported into already has that a sheet names by
//! text: its 施策 (content/policies/) and their 施策の方向. A sheet (and
//! mieru's own CSV) writes them by name; the program files want the file
//! name and the direction's id.

use super::extract::{Got, Program};
use crate::diag::{suggest, Diagnostic, Diagnostics, Location};
use std::path::Path;

/// One 施策 of the site.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub slug: String,
    pub name: String,
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
                directions: raw.directions.into_iter().map(|d| (d.id, d.name)).collect(),
            })
        })
        .collect()
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
                    match policies
                        .iter()
                        .find(|x| &x.slug == t)
                        .or_else(|| policies.iter().find(|x| &x.name == t))
                    {
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
                    diags.push(unknown("施策の方向", t, &f.cell, suggest(t, names)));
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
