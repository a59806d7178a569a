//! Writing the imported programs as mieru TOML: deterministic text (the same
//! workbook gives byte-identical files), Japanese comments like content/
//! has, atomic writes, never outside the content folder, and a manifest
//! (`content/.mieru-import.toml`) of each written file's hash so that a
//! later import updates the files it owns and refuses files edited by hand.

use super::extract::{BudgetLine, Got, Placed, Program};
use super::mapping::Mapping;
use crate::form::{Form, Sheet, SheetKind};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Component, Path, PathBuf};

/// The manifest's name inside content/.
pub const MANIFEST: &str = ".mieru-import.toml";

/// A file to write: path relative to content/ and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub path: String,
    pub text: String,
}

/// Text for a `#` comment: line breaks and other control characters
/// become spaces, so the comment stays one line.
pub fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A TOML string (basic, escaped); multi-line text as `"""…"""`.
pub fn quote(s: &str) -> String {
    toml_edit::Value::from(s).to_string().trim().to_string()
}

fn value(got: &Got) -> Option<String> {
    Some(match got {
        Got::Blank | Got::Problem(_) => return None,
        Got::NotApplicable => quote("—"),
        Got::Text(s) => quote(s),
        Got::Lines(l) => format!(
            "[{}]",
            l.iter().map(|s| quote(s)).collect::<Vec<_>>().join(", ")
        ),
        Got::Money(i) => i.to_string(),
        Got::Number(n) => n.text.clone(),
        Got::Year(y) => y.year.to_string(),
        Got::Flag(b) => b.to_string(),
        Got::Date(d) => d.clone(),
        Got::Choice {
            selected,
            other,
            multiple,
        } => {
            let list = || {
                format!(
                    "[{}]",
                    selected
                        .iter()
                        .map(|s| quote(s))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let chosen = match (multiple, selected.as_slice()) {
                (false, [one]) => quote(one),
                _ => list(),
            };
            match other {
                Some(o) => format!("{{ selected = {chosen}, other = {} }}", quote(o)),
                None => chosen,
            }
        }
        Got::Budget(_) => return None,
    })
}

/// The original text when the written value lost something of it.
fn original(got: &Got) -> Option<String> {
    match got {
        Got::Year(y) if y.written != y.year.to_string() => Some(y.written.clone()),
        Got::Number(n) => n.note.as_ref().map(|note| format!("{}{note}", n.text)),
        _ => None,
    }
}

fn line(out: &mut String, key: &str, p: &Placed, label: &str) {
    let Some(v) = value(&p.got) else { return };
    let mut comment = format!("{label}（{}）", p.cell);
    if let Some(o) = original(&p.got) {
        let _ = write!(comment, "　元の記載：{o}");
    }
    let _ = writeln!(out, "{key} = {v}  # {}", one_line(&comment));
}

fn code(s: &str) -> String {
    if !s.is_empty() && s.len() < 10 && !s.starts_with('0') && s.chars().all(|c| c.is_ascii_digit())
    {
        s.to_string()
    } else {
        quote(s)
    }
}

fn budget(out: &mut String, lines: &[BudgetLine], cell: &str) {
    for b in lines {
        let _ = writeln!(out, "\n[[budget_lines]]  # 予算科目（{cell}）");
        let _ = writeln!(out, "account = {}", quote(&b.account));
        for (k, v) in ["section", "subsection", "item", "program_no", "sub_item"]
            .iter()
            .zip(&b.numbers)
        {
            let label = match *k {
                "section" => "款",
                "subsection" => "項",
                "item" => "目",
                "program_no" => "事業",
                _ => "細目",
            };
            let _ = writeln!(out, "{k} = {}  # {label}", code(v));
        }
        if let Some(n) = &b.name {
            let _ = writeln!(out, "name = {}", quote(n));
        }
    }
}

/// Cells as `FILE!SHEET!P3、R3`: the workbook and sheet once when shared.
fn same_sheet(cells: &[&str]) -> String {
    let prefix = |c: &str| c.rfind('!').map_or(String::new(), |i| c[..=i].to_string());
    match cells.first() {
        Some(first) if cells.iter().all(|c| prefix(c) == prefix(first)) => {
            let p = prefix(first);
            let rest: Vec<&str> = cells.iter().map(|c| &c[p.len()..]).collect();
            format!("{p}{}", rest.join("、"))
        }
        _ => cells.join("、"),
    }
}

/// program.toml of `p`.
pub fn program_toml(m: &Mapping, form: &Form, p: &Program) -> String {
    let name = one_line(p.text("name").unwrap_or(""));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# 事業「{name}」：年度によって変わらない事業の説明と成果指標。"
    );
    let _ = writeln!(
        out,
        "# mieru import が {} から作りました。",
        one_line(&p.place)
    );
    let _ = writeln!(out);
    for key in [
        "name",
        "department",
        "related_departments",
        "code",
        "purpose",
        "policy",
        "direction",
        "start_year",
        "end_year",
    ] {
        if let Some(f) = p.fields.get(key) {
            line(&mut out, key, f, m.label(key));
        }
    }
    if let Some(place) = super::plan::place_line(form, p) {
        let cells: Vec<&str> = form
            .levels
            .iter()
            .filter_map(|l| Some(p.fields.get(&format!("place.{}", l.key))?.cell.as_str()))
            .collect();
        let _ = writeln!(out, "{place}  # 計画上の位置付け（{}）", same_sheet(&cells));
    }
    extra(&mut out, m, form.sheet(SheetKind::Program), &p.fields);
    if let Some(Placed {
        got: Got::Budget(b),
        cell,
    }) = p.fields.get("budget_lines")
    {
        budget(&mut out, b, cell);
    }
    // The main indicator (`indicator.`), then the second to the ninth
    // (`indicator2.`…) with the ids their year values name.
    for n in 1..=9 {
        let prefix = if n == 1 {
            "indicator.".to_string()
        } else {
            format!("indicator{n}.")
        };
        let ind: Vec<(&str, Placed)> = ["name", "kind", "unit", "formula", "notes"]
            .iter()
            .filter_map(|k| {
                let f = p.fields.get(&format!("{prefix}{k}"))?;
                value(&f.got)?;
                // Notes (※…) are a list, one a line of the cell.
                let f = match (&f.got, *k) {
                    (Got::Text(t), "notes") => Placed {
                        got: Got::Lines(super::normalise::lines(t)),
                        cell: f.cell.clone(),
                    },
                    _ => f.clone(),
                };
                Some((*k, f))
            })
            .collect();
        if ind.is_empty() {
            continue;
        }
        if n == 1 {
            let _ = writeln!(out, "\n[[indicators]]  # 成果指標");
        } else {
            let _ = writeln!(out, "\n[[indicators]]  # 指標{n}");
            let _ = writeln!(out, "id = {}", quote(&indicator_id(n)));
        }
        for (k, f) in &ind {
            line(&mut out, k, f, m.label(&format!("{prefix}{k}")));
        }
    }
    out
}

/// The id of the n-th indicator of an import: the first is `main` (the
/// default of the first), the others `i2`…`i9`.
fn indicator_id(n: usize) -> String {
    if n == 1 {
        "main".into()
    } else {
        format!("i{n}")
    }
}

/// `[[indicators]]` of a year: the main indicator's 見込 and the others'
/// 目標・実績・見込 (the main one's 目標 and 実績 are `target` and `result`).
fn year_indicators(out: &mut String, m: &Mapping, fields: &BTreeMap<String, Placed>) {
    for n in 1..=9 {
        let keys: Vec<(&str, String)> = if n == 1 {
            vec![("forecast", "indicator.forecast".into())]
        } else {
            ["target", "result", "forecast"]
                .iter()
                .map(|k| (*k, format!("indicator{n}.{k}")))
                .collect()
        };
        let given: Vec<(&str, &Placed)> = keys
            .iter()
            .filter_map(|(k, key)| {
                let f = fields.get(key)?;
                value(&f.got).map(|_| (*k, f))
            })
            .collect();
        if given.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n[[indicators]]  # 指標の値");
        let _ = writeln!(out, "indicator = {}", quote(&indicator_id(n)));
        for (k, f) in given {
            let key = keys
                .iter()
                .find(|(x, _)| *x == k)
                .map(|(_, key)| key.as_str());
            line(out, k, f, m.label(key.unwrap_or(k)));
        }
    }
}

/// The site form's own fields (`extra.<key>`), in the form's order.
fn extra(out: &mut String, m: &Mapping, sheet: &Sheet, fields: &BTreeMap<String, Placed>) {
    for field in sheet.own_fields() {
        let key = format!("extra.{}", field.key);
        let k = field.key.as_str();
        if let Some(f) = fields.get(&key) {
            let key = key.as_str();
            // A blank cell is written as "" (未記入): a required field of
            // the form is then there, not yet filled in.
            if matches!(f.got, Got::Blank) {
                let _ = writeln!(out, "{k} = \"\"  # {}（{}）未記入", m.label(key), f.cell);
            } else {
                line(out, k, f, m.label(key));
            }
        }
    }
}

/// <year>.toml of `p`.
pub fn year_toml(
    m: &Mapping,
    form: &Form,
    p: &Program,
    year: i32,
    fields: &BTreeMap<String, Placed>,
) -> String {
    let name = one_line(p.text("name").unwrap_or(""));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {name} {year}年度の予算と取組み（mieru import が作成）。"
    );
    let _ = writeln!(out, "fiscal_year = {year}");
    for key in ["target", "result", "activities"] {
        if let Some(f) = fields.get(key) {
            line(&mut out, key, f, m.label(key));
        }
    }
    extra(&mut out, m, form.sheet(SheetKind::Year), fields);
    let tables = [
        ("budget", "予算"),
        ("budget.funding", "財源内訳（予算）"),
        ("settlement", "決算"),
        ("settlement.funding", "財源内訳（決算）"),
        ("forecast", "見込"),
        ("staff", "人件費・従事人数"),
        ("check", "【Check】評価"),
        ("action", "【Action】今後の方向性"),
    ];
    for (table, label) in tables {
        let rows: Vec<(&str, &Placed)> = fields
            .iter()
            .filter_map(|(k, f)| {
                let rest = k.strip_prefix(table)?.strip_prefix('.')?;
                // 決算 (not an estimate) is what a settlement is unless said;
                // only 決算見込 is written (a dash or 決算 is left out).
                let said = if rest == "estimate" {
                    f.got == Got::Flag(true)
                } else {
                    value(&f.got).is_some()
                };
                (!rest.contains('.') && said).then_some((rest, f))
            })
            .collect();
        // A year the program does not run in has no breakdown or staff at
        // all: a sheet (or mieru's own CSV) writes each of them "—".
        let nothing = rows.iter().all(|(_, f)| f.got == Got::NotApplicable);
        let optional = matches!(table, "budget.funding" | "settlement.funding" | "staff");
        if rows.is_empty() || (optional && nothing && !runs_in(p, year)) {
            continue;
        }
        let _ = writeln!(out, "\n[{table}]  # {label}");
        for (k, f) in rows {
            line(&mut out, k, f, m.label(&format!("{table}.{k}")));
        }
    }
    year_indicators(&mut out, m, fields);
    evaluation(&mut out, m, form, fields);
    out
}

/// Whether `year` lies between the program's 開始年度 and 終了年度 (either
/// may be unknown).
fn runs_in(p: &Program, year: i32) -> bool {
    let bound = |k: &str| match p.fields.get(k).map(|f| &f.got) {
        Some(Got::Year(y)) => Some(y.year),
        _ => None,
    };
    bound("start_year").is_none_or(|s| s <= year) && bound("end_year").is_none_or(|e| year <= e)
}

/// `[[evaluations]]` by stage and `[[criteria]]` by criterion, in the
/// form's order, for those the sheet gives a value.
fn evaluation(out: &mut String, m: &Mapping, form: &Form, fields: &BTreeMap<String, Placed>) {
    let Some((stages, criteria)) = form.evaluation() else {
        return;
    };
    let keys = stages
        .iter()
        .map(|s| ("evaluations", "stage", "choice", "evaluation", &s.key))
        .chain(
            criteria
                .iter()
                .map(|c| ("criteria", "key", "answer", "criterion", &c.key)),
        );
    for (table, id, answer, prefix, key) in keys {
        let base = format!("{prefix}.{key}");
        let reason = format!("{base}.reason");
        let given = |k: &str| fields.get(k).filter(|f| value(&f.got).is_some());
        if given(&base).is_none() && given(&reason).is_none() {
            continue;
        }
        let _ = writeln!(out, "\n[[{table}]]  # {}", one_line(m.label(&base)));
        let _ = writeln!(out, "{id} = {}", quote(key));
        if let Some(f) = fields.get(&base) {
            line(out, answer, f, m.label(&base));
        }
        if let Some(f) = fields.get(&reason) {
            line(out, "reason", f, m.label(&reason));
        }
    }
}

/// Every program file of the import, in path order.
pub fn plan(m: &Mapping, form: &Form, programs: &[Program]) -> Vec<Planned> {
    let mut out = Vec::new();
    for p in programs {
        out.push(Planned {
            path: format!("programs/{}/program.toml", p.slug),
            text: program_toml(m, form, p),
        });
        for (y, f) in &p.years {
            out.push(Planned {
                path: format!("programs/{}/{y}.toml", p.slug),
                text: year_toml(m, form, p, *y, f),
            });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// FNV-1a (64 bit) of `bytes`, as hex: stable across versions and machines.
pub fn hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("fnv1a64:{h:016x}")
}

/// The manifest: path → hash of the text last written.
pub fn read_manifest(content: &Path) -> BTreeMap<String, String> {
    #[derive(serde::Deserialize)]
    struct M {
        #[serde(default)]
        files: BTreeMap<String, String>,
    }
    fs::read_to_string(content.join(MANIFEST))
        .ok()
        .and_then(|t| toml::from_str::<M>(&t).ok())
        .map(|m| m.files)
        .unwrap_or_default()
}

fn manifest_text(files: &BTreeMap<String, String>) -> String {
    let mut out = String::from(
        "# mieru import が書いたファイルと、その内容のハッシュ。\n# 手で直したファイルを次の取り込みで上書きしないために使います。消さないでください。\n\n[files]\n",
    );
    for (p, h) in files {
        let _ = writeln!(out, "{} = {}", quote(p), quote(h));
    }
    out
}

/// What the files on disk say about the plan.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Check {
    /// Files that exist and were not written by an import.
    pub not_ours: Vec<String>,
    /// Files written by an import and changed since.
    pub edited: Vec<String>,
    /// Files that will be new or changed.
    pub changed: Vec<String>,
    /// Files that are already as planned.
    pub same: Vec<String>,
}

/// Compares the plan with content/ and the manifest.
pub fn check(content: &Path, plan: &[Planned]) -> Check {
    let manifest = read_manifest(content);
    let mut c = Check::default();
    for f in plan {
        let path = content.join(&f.path);
        match fs::read(&path) {
            Ok(bytes) => {
                if bytes == f.text.as_bytes() {
                    c.same.push(f.path.clone());
                    continue;
                }
                match manifest.get(&f.path) {
                    None => c.not_ours.push(f.path.clone()),
                    Some(h) if *h != hash(&bytes) => c.edited.push(f.path.clone()),
                    Some(_) => c.changed.push(f.path.clone()),
                }
            }
            Err(_) => c.changed.push(f.path.clone()),
        }
    }
    c
}

/// Why writing failed.
#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub ja: String,
    pub en: String,
}

/// `rel` under `content`, refused when it leaves the folder or passes a link.
fn safe_target(content: &Path, rel: &str) -> Result<PathBuf, WriteError> {
    let fail = |ja: &str, en: &str| WriteError {
        path: content.join(rel),
        ja: ja.to_string(),
        en: en.to_string(),
    };
    let rel_path = Path::new(rel);
    if rel_path
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return Err(fail(
            "content/ の外には書けません",
            "refusing to write outside content/",
        ));
    }
    let mut at = content.to_path_buf();
    for c in rel_path.components() {
        at.push(c);
        if let Ok(m) = fs::symlink_metadata(&at) {
            if m.file_type().is_symlink() {
                return Err(fail(
                    "シンボリックリンクを通しては書きません",
                    "refusing to write through a symbolic link",
                ));
            }
        }
    }
    Ok(at)
}

fn atomic_write(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut tmp, text.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes every planned file that changed, then the manifest.
pub fn write(content: &Path, plan: &[Planned]) -> Result<usize, WriteError> {
    if let Ok(m) = fs::symlink_metadata(content) {
        if m.file_type().is_symlink() {
            return Err(WriteError {
                path: content.to_path_buf(),
                ja: "content/ がシンボリックリンクです".into(),
                en: "content/ is a symbolic link".into(),
            });
        }
    }
    let mut manifest = read_manifest(content);
    let mut written = 0;
    for f in plan {
        let target = safe_target(content, &f.path)?;
        if fs::read(&target).ok().as_deref() != Some(f.text.as_bytes()) {
            atomic_write(&target, &f.text).map_err(|e| WriteError {
                path: target.clone(),
                ja: format!("書き込めません（{e}）"),
                en: format!("cannot write: {e}"),
            })?;
            written += 1;
        }
        manifest.insert(f.path.clone(), hash(f.text.as_bytes()));
    }
    let target = safe_target(content, MANIFEST)?;
    let text = manifest_text(&manifest);
    if fs::read(&target).ok().as_deref() != Some(text.as_bytes()) {
        atomic_write(&target, &text).map_err(|e| WriteError {
            path: target,
            ja: format!("書き込めません（{e}）"),
            en: format!("cannot write: {e}"),
        })?;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_estimate_is_said_of_a_settlement() {
        let m = crate::import::mapping::parse(
            Path::new("m.toml"),
            "layout = \"table\"\n[columns]\nname = \"A\"\n[year_rows]\nyear = \"B\"\n[year_rows.fields]\n\"settlement.amount\" = \"C\"\n\"settlement.estimate\" = \"D\"\n",
            &Form::default_form(),
        )
        .unwrap();
        let p = Program::default();
        let at = |got| Placed {
            got,
            cell: "x!y!D2".into(),
        };
        for (got, written) in [
            (Got::NotApplicable, false),
            (Got::Blank, false),
            (Got::Flag(false), false),
            (Got::Flag(true), true),
        ] {
            let fields = BTreeMap::from([
                ("settlement.amount".to_string(), at(Got::Money(5))),
                ("settlement.estimate".to_string(), at(got.clone())),
            ]);
            let text = year_toml(&m, &Form::default_form(), &p, 2024, &fields);
            assert_eq!(text.contains("estimate = true"), written, "{got:?}\n{text}");
            assert_eq!(text.contains("estimate"), written, "{got:?}\n{text}");
        }
    }

    #[test]
    fn comments_stay_on_one_line() {
        assert_eq!(one_line("子育て\n支援\r\t"), "子育て 支援  ");
    }

    #[test]
    fn hash_is_stable() {
        assert_eq!(hash(b""), "fnv1a64:cbf29ce484222325");
        assert_ne!(hash(b"a"), hash(b"b"));
    }

    #[test]
    fn refuses_escape() {
        let d = tempfile::tempdir().unwrap();
        assert!(safe_target(d.path(), "../x.toml").is_err());
        assert!(safe_target(d.path(), "/etc/x").is_err());
        assert!(safe_target(d.path(), "programs/a/program.toml").is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn refuses_links() {
        let d = tempfile::tempdir().unwrap();
        let out = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(out.path(), d.path().join("programs")).unwrap();
        let plan = vec![Planned {
            path: "programs/a/program.toml".into(),
            text: "x".into(),
        }];
        assert!(write(d.path(), &plan).is_err());
        assert!(fs::read_dir(out.path()).unwrap().next().is_none());
    }
}
