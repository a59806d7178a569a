//! The JSON Schemas of `mieru schema`: they accept every content file of
//! the example site, of tests/sites/full/ and of a new `init` site, reject
//! bad-input cases (unknown key, wrong type, bad choice), and README's field
//! reference names exactly the keys they describe.

mod common;

use common::{files_under, repo_root};
use mieru::schema::{self, File};
use serde_json::Value;
use std::path::Path;

fn kind_of(rel: &str) -> Option<File> {
    let parts: Vec<&str> = rel.split('/').collect();
    match parts.as_slice() {
        ["content", "site.toml"] => Some(File::Site),
        ["content", "policies", _] => Some(File::Policy),
        ["content", "programs", _, "program.toml"] => Some(File::Program),
        ["content", "programs", _, y] if y.len() == 9 && y.ends_with(".toml") => Some(File::Year),
        _ => None,
    }
}

fn as_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    let t: toml::Table = text.trim_start_matches('\u{feff}').parse().unwrap();
    serde_json::to_value(t).unwrap()
}

/// The schemas written by `mieru schema` for the site at `root` (into a copy).
fn validators(root: &Path) -> Vec<(File, jsonschema::Validator)> {
    let tmp = tempfile::tempdir().unwrap();
    common::copy_tree(&root.join("content"), &tmp.path().join("content"));
    let written = schema::write(tmp.path()).unwrap();
    assert!(written.iter().any(|p| p == Path::new(".taplo.toml")));
    File::ALL
        .iter()
        .map(|&k| {
            let text =
                std::fs::read_to_string(tmp.path().join("schema").join(k.schema_name())).unwrap();
            let s: Value = serde_json::from_str(&text).unwrap();
            (k, jsonschema::draft202012::new(&s).unwrap())
        })
        .collect()
}

fn errors(vs: &[(File, jsonschema::Validator)], kind: File, file: &Path) -> Vec<String> {
    let v = &vs.iter().find(|(k, _)| *k == kind).unwrap().1;
    v.iter_errors(&as_json(file))
        .map(|e| e.to_string())
        .collect()
}

fn accepts_every_file(root: &Path) -> usize {
    let vs = validators(root);
    let mut n = 0;
    for p in files_under(&root.join("content")) {
        let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
        let Some(kind) = kind_of(&rel) else { continue };
        let e = errors(&vs, kind, &p);
        assert!(e.is_empty(), "{rel}: {e:?}");
        n += 1;
    }
    n
}

#[test]
fn the_schemas_accept_the_example_site() {
    assert_eq!(accepts_every_file(&repo_root()), 12);
}

#[test]
fn the_schemas_accept_the_full_site() {
    assert!(accepts_every_file(&repo_root().join("tests/sites/full")) > 30);
}

#[test]
fn the_schemas_accept_a_new_site() {
    let tmp = tempfile::tempdir().unwrap();
    mieru::scaffold::init(tmp.path(), "default", None, Some(2025)).unwrap();
    assert_eq!(accepts_every_file(tmp.path()), 5);
}

#[test]
fn the_schemas_reject_bad_inputs() {
    let vs = validators(&repo_root());
    let bad = repo_root().join("tests/bad");
    for (case, kind, file) in [
        ("unknown-key-site", File::Site, "content/site.toml"),
        (
            "unknown-key-nested",
            File::Year,
            "content/programs/teiju-jiritsuken/2020.toml",
        ),
        (
            "wrong-type-amount-text",
            File::Year,
            "content/programs/teiju-jiritsuken/2021.toml",
        ),
        (
            "wrong-type-name-number",
            File::Program,
            "content/programs/tokyo-nodai-renkei/program.toml",
        ),
        (
            "rating-not-a-choice",
            File::Year,
            "content/programs/teiju-jiritsuken/2020.toml",
        ),
        (
            "decision-not-a-choice",
            File::Year,
            "content/programs/teiju-jiritsuken/2020.toml",
        ),
        ("bad-city-code", File::Site, "content/site.toml"),
        (
            "bad-slug-indicator-id",
            File::Program,
            "content/programs/teiju-jiritsuken/program.toml",
        ),
    ] {
        let e = errors(&vs, kind, &bad.join(case).join(file));
        assert!(!e.is_empty(), "{case} accepted");
    }
}

#[test]
fn the_schemas_describe_keys_in_japanese_and_the_three_states() {
    let s = schema::schema(File::Year, &Default::default());
    let amount = &s["properties"]["budget"]["properties"]["amount"];
    assert!(amount["description"]
        .as_str()
        .unwrap()
        .starts_with("予算額"));
    assert_eq!(amount["oneOf"].as_array().unwrap().len(), 3);
    let site = schema::schema(File::Site, &Default::default());
    assert_eq!(
        site["properties"]["money_unit"]["enum"],
        serde_json::json!(["千円", "円"])
    );
    assert!(site["properties"]["evaluation_year"]["description"]
        .as_str()
        .unwrap()
        .contains("評価年度"));
}

/// The keys named in README's field reference: the first column of each
/// table row, and the backquoted keys of the lines below a table that begin
/// with a `[[table]]` (as `[[indicators]]`: `name` …), by file.
fn readme_keys() -> Vec<(File, String)> {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let section = readme
        .split("## Field reference")
        .nth(1)
        .unwrap()
        .split("\n## ")
        .next()
        .unwrap();
    let mut out = Vec::new();
    let mut file = None;
    for line in section.lines() {
        if let Some(h) = line.strip_prefix("### ") {
            file = kind_of(
                &h.split('`')
                    .nth(1)
                    .unwrap()
                    .replace("<policy>.toml", "p.toml")
                    .replace("<program>", "p")
                    .replace("<year>", "2021"),
            );
            continue;
        }
        let Some(file) = file else { continue };
        let cell = if line.starts_with("| `") {
            line.split('|').nth(1).unwrap().to_string()
        } else if line.starts_with("`[[") {
            line.to_string()
        } else {
            continue;
        };
        let mut table = String::new();
        for (i, tok) in cell.split('`').enumerate() {
            if i % 2 == 0 {
                continue;
            }
            let tok = tok.split([' ', '=']).next().unwrap();
            if let Some(t) = tok.strip_prefix("[[").or(tok.strip_prefix('[')) {
                table = t.trim_end_matches(']').to_string();
                out.push((file, table.clone()));
            } else if tok.contains('.') || tok.chars().any(|c| c.is_uppercase() || !c.is_ascii()) {
                // A reference such as `choices.rating` in the prose, not a key.
                continue;
            } else if table.is_empty() {
                out.push((file, tok.to_string()));
            } else {
                out.push((file, format!("{table}.{tok}")));
            }
        }
        // A row that names only a table (`[[budget_lines]]`) lists its keys
        // in the meaning column: `account` (会計), `section` (款), …
        let cells: Vec<&str> = line.split('|').collect();
        if line.starts_with("| `[") && !cell.trim().trim_matches('`').contains('`') {
            let meaning = cells.get(3).copied().unwrap_or("");
            let parts: Vec<&str> = meaning.split('`').collect();
            for (i, tok) in parts.iter().enumerate().skip(1).step_by(2) {
                let after = parts.get(i + 1).copied().unwrap_or("");
                let follows = after.is_empty() || after.starts_with(" (") || after.starts_with(',');
                if follows
                    && !tok.is_empty()
                    && tok.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                {
                    let t = cell
                        .trim()
                        .trim_matches('`')
                        .trim_matches(['[', ']'])
                        .to_string();
                    out.push((file, format!("{t}.{tok}")));
                }
            }
        }
        if line.starts_with("`[[") {
            // `baseline = { year, value, note }`: the keys in braces.
            for part in line.split('`').skip(1).step_by(2) {
                if let Some((key, rest)) = part.split_once(" = {") {
                    for k in rest.trim_end_matches('}').split(',') {
                        out.push((file, format!("{table}.{key}.{}", k.trim())));
                    }
                }
            }
        }
    }
    out
}

#[test]
fn readme_field_reference_and_the_schema_name_the_same_keys() {
    let readme = readme_keys();
    assert!(readme.len() > 60, "{readme:?}");
    let known = |file: File, key: &str| {
        schema::FIELDS
            .iter()
            .any(|f| f.file == file && f.key == key)
            || key.contains(".funding")
            || key.starts_with("choices.")
    };
    for (file, key) in &readme {
        assert!(
            known(*file, key),
            "README names {key} ({file:?}), the schema does not"
        );
    }
    for f in schema::FIELDS {
        // Keys of the year-value tables are listed once in README.
        let listed = readme
            .iter()
            .any(|(file, key)| *file == f.file && key == f.key)
            || (f.key.contains(".actuals.")
                && readme.iter().any(|(file, key)| {
                    *file == f.file && *key == f.key.replace(".actuals.", ".baseline.")
                }));
        assert!(
            listed,
            "the schema has {} ({:?}), README does not",
            f.key, f.file
        );
    }
}

/// The built-in default form (forms/default.toml) and README's field
/// reference name the same keys of each sheet, so the two cannot drift: a
/// key README documents is one the default form places (as a field, or by
/// a block: `budget_lines`, `indicators`), and the reverse.
#[test]
fn the_field_reference_follows_the_default_form() {
    use mieru::form::{Block, Form, SectionContent, SheetKind};
    let form = Form::default_form();
    for (file, kind) in [
        (File::Policy, SheetKind::Policy),
        (File::Program, SheetKind::Program),
        (File::Year, SheetKind::Year),
    ] {
        let mut in_readme: Vec<String> = readme_keys()
            .into_iter()
            .filter(|(f, _)| *f == file)
            .map(|(_, k)| k.split('.').next().unwrap().to_string())
            .collect();
        in_readme.sort();
        in_readme.dedup();
        let mut in_form: Vec<String> = Vec::new();
        for s in &form.sheet(kind).sections {
            match &s.content {
                SectionContent::Fields(fields) => {
                    in_form.extend(fields.iter().map(|f| f.key.clone()))
                }
                SectionContent::Block(Block::BudgetLines) => in_form.push("budget_lines".into()),
                SectionContent::Block(Block::Indicators) => in_form.push("indicators".into()),
                SectionContent::Block(_) => {}
            }
        }
        in_form.sort();
        in_form.dedup();
        assert_eq!(
            in_readme, in_form,
            "{kind:?}: README's field reference and forms/default.toml"
        );
        // Where README has a row of its own for a key, its 日本語 column is
        // the default form's label.
        let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
        let heading = match kind {
            SheetKind::Policy => "### `content/policies/",
            SheetKind::Program => "### `content/programs/<program>/program.toml`",
            SheetKind::Year => "### `content/programs/<program>/<year>.toml`",
        };
        let section = readme
            .split(heading)
            .nth(1)
            .unwrap()
            .split("\n### ")
            .next()
            .unwrap();
        for f in form.sheet(kind).fields() {
            let head = format!("| `{}` | ", f.key);
            if let Some(row) = section.lines().find(|l| l.starts_with(&head)) {
                let label = row[head.len()..].split(" |").next().unwrap();
                assert_eq!(label, f.label, "{kind:?} `{}`", f.key);
            }
        }
    }
}
