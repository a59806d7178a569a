//! Starting files for city staff: `mieru init` (a whole starter site that
//! builds at once), `mieru new program` (a program's folder with every key)
//! and `mieru new year` (the next evaluation year: site.toml's year moved on
//! and the new Plan year's file of every continuing program).
//!
//! Nothing here ever overwrites a file: every file to write is checked
//! first and, if any exists, nothing is written (E123). The clock is read
//! only by [`current_fiscal_year`], for `init`'s default year; a build never
//! reads it.

mod declared;
mod text;

pub use declared::{bundled, Bundled, BUNDLED};

use crate::diag::{suggest, Diagnostic, Diagnostics, Location};
use crate::load::{self, raw::RawYear};
use crate::model::format::wareki_fiscal_year;
use crate::model::value::{Measure, SheetValue};
use std::path::{Path, PathBuf};

/// A sheet form `init` can start a site with: the name given to `--form`
/// and what it is. More forms are added here.
pub struct Form {
    pub name: &'static str,
    pub about: &'static str,
}

pub const FORMS: &[Form] = &[
    Form {
        name: "default",
        about: "事務事業評価シート（施策・事業・年度ごとのファイル） / program evaluation sheet",
    },
    Form {
        name: "jimu-jigyo",
        about: "事務事業評価シート（政策・施策・基本事業・施策内容の4階層、content/form.toml つき） / program sheet of a four-level plan",
    },
    Form {
        name: "shisaku",
        about: "施策評価シート（基本目標・基本施策・施策の3階層と施策シート、content/form.toml つき） / policy sheet",
    },
];

/// The repository whose GitHub Releases the city's CI downloads mieru from:
/// the release workflow sets `MIERU_RELEASES_REPO` to the repository it
/// builds in, so a released binary names its own source.
pub const RELEASES_REPO: &str = match option_env!("MIERU_RELEASES_REPO") {
    Some(repo) => repo,
    None => "mieru-hyoka/mieru",
};

/// The fiscal year (April to March) of today in Japan: 2025 from
/// 2025-04-01 to 2026-03-31.
pub fn current_fiscal_year() -> i64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    fiscal_year_of_unix(secs)
}

/// The Japanese fiscal year of a moment (seconds since 1970, UTC).
pub fn fiscal_year_of_unix(secs: i64) -> i64 {
    let days = (secs + 9 * 3600).div_euclid(86_400);
    let (y, m, _) = civil_from_days(days);
    if m >= 4 {
        y
    } else {
        y - 1
    }
}

/// Year, month, day of a day count since 1970-01-01 (proleptic Gregorian).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn one(d: Diagnostic) -> Diagnostics {
    Diagnostics::from_iter([d])
}

/// Writes `files` (paths relative to `root`) after checking that none of
/// them exists; returns their paths.
pub(crate) fn write_new(
    root: &Path,
    files: Vec<(PathBuf, String)>,
) -> Result<Vec<PathBuf>, Diagnostics> {
    let mut diags = Diagnostics::new();
    for (rel, _) in &files {
        if root.join(rel).symlink_metadata().is_ok() {
            diags.push(
                Diagnostic::error(
                    "E123",
                    format!("{} はすでにあります。上書きしません", rel.display()),
                    format!("{} already exists; not overwriting it", rel.display()),
                )
                .at(Location::file(rel))
                .help("今のファイルを残すなら何もしなくてかまいません。作り直すなら移動してから実行してください / move it away first to write it anew"),
            );
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = root.join(&rel);
        let r = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, text));
        if let Err(e) = r {
            return Err(one(Diagnostic::error(
                "E124",
                "ファイルを書き込めません",
                format!("cannot write the file: {e}"),
            )
            .at(Location::file(&rel))));
        }
        written.push(rel);
    }
    Ok(written)
}

fn check_year(year: i64, option: &str) -> Result<(), Diagnostics> {
    if (1950..=2100).contains(&year) {
        return Ok(());
    }
    Err(one(
        Diagnostic::error(
            "E020",
            format!("年度 {year} は範囲外です（西暦 1950〜2100）"),
            format!("year {year} is outside 1950–2100"),
        )
        .at(Location::file(Path::new(option)))
        .help("西暦4桁で書いてください（令和7年度なら 2025） / write the Western year (2025 for 令和7年度)"),
    ))
}

/// `mieru init`: a starter site in `dir` (which must be empty or absent)
/// that checks and builds at once with the built-in theme.
pub fn init(
    dir: &Path,
    form: &str,
    city: Option<&str>,
    year: Option<i64>,
) -> Result<Vec<PathBuf>, Diagnostics> {
    if !FORMS.iter().any(|f| f.name == form) {
        let list: Vec<String> = FORMS
            .iter()
            .map(|f| format!("{}（{}）", f.name, f.about))
            .collect();
        return Err(one(Diagnostic::error(
            "E125",
            format!("様式 `{form}` はありません"),
            format!("unknown form `{form}`"),
        )
        .at(Location::file(Path::new("--form")))
        .help(format!("使える様式 / available forms: {}", list.join("、")))));
    }
    let year = match year {
        Some(y) => y,
        None => current_fiscal_year(),
    };
    check_year(year, "--year")?;
    if let Ok(mut entries) = std::fs::read_dir(dir) {
        if entries.next().is_some() {
            return Err(one(
                Diagnostic::error(
                    "E123",
                    format!("フォルダ {} は空ではありません。上書きしません", dir.display()),
                    format!("the folder {} is not empty; not writing into it", dir.display()),
                )
                .at(Location::file(dir))
                .help("新しいフォルダの名前を指定してください（mieru init shiyakusho-hyoka） / give the name of a new folder"),
            ));
        }
    } else if dir.exists() {
        return Err(one(Diagnostic::error(
            "E124",
            format!("{} はフォルダではありません", dir.display()),
            format!("{} is not a folder", dir.display()),
        )
        .at(Location::file(dir))));
    }
    let city = city.unwrap_or("〇〇市");
    let files = match declared::bundled(form) {
        // A declared form: its keys are the form's, so the editor schemas
        // of the default form's files are not written.
        Some(b) => declared::starter_site(b, city, year),
        None => {
            let mut files = text::starter_site(city, year);
            files.extend(crate::schema::editor_files(text::CHOICES));
            files
        }
    };
    write_new(dir, files)
}

/// What `mieru new program` is asked to start.
#[derive(Debug, Clone)]
pub struct NewProgram {
    pub slug: String,
    pub policy: String,
    pub direction: String,
    pub name: String,
    pub department: String,
}

/// Loads the site at `root`, failing with its problems when it has errors.
fn load_site(root: &Path) -> Result<load::RawContent, Diagnostics> {
    let mut diags = Diagnostics::new();
    let raw = load::load(root, &mut diags);
    crate::validate::validate(&raw, &mut diags);
    if diags.has_errors() {
        return Err(diags.sorted());
    }
    if raw.site.is_none() {
        return Err(one(Diagnostic::error(
            "E009",
            "site.toml を読めませんでした",
            "content/site.toml could not be read",
        )
        .at(Location::file(Path::new("content/site.toml")))));
    }
    Ok(raw)
}

fn evaluation_year(raw: &load::RawContent) -> i64 {
    raw.site
        .as_ref()
        .map_or(0, |s| *s.data.evaluation_year.get_ref())
}

/// `mieru new program`: `content/programs/SLUG/program.toml` with every key
/// and the evaluation year's file, for a policy and direction that exist.
pub fn new_program(root: &Path, p: &NewProgram) -> Result<Vec<PathBuf>, Diagnostics> {
    let rel_dir = Path::new(load::CONTENT_DIR).join("programs").join(&p.slug);
    if !crate::validate::is_slug(&p.slug) {
        return Err(one(
            Diagnostic::error(
                "E011",
                format!("事業のフォルダ名 `{}` に使えない文字があります", p.slug),
                "a program's folder name must be [a-z0-9-]+",
            )
            .at(Location::file(&rel_dir))
            .help("英小文字・数字・ハイフンだけにしてください（例：bosai-kunren） / use lower-case letters, digits and hyphens"),
        ));
    }
    for (value, option, ja) in [
        (&p.name, "--name", "事業名"),
        (&p.department, "--department", "担当課"),
    ] {
        if value.trim().is_empty() {
            return Err(one(Diagnostic::error(
                "E091",
                format!("{ja}（{option}）が空です"),
                format!("{option} is empty"),
            )
            .at(Location::file(&rel_dir))
            .help(format!(
                "{option} に{ja}を書いてください / give the program's {option}"
            ))));
        }
    }
    let raw = load_site(root)?;
    let program_file = rel_dir.join("program.toml");
    if !raw.form.levels.is_empty() {
        // A declared plan places a program with `place`, not by policy and
        // direction: the starter file of this command would not fit it.
        return Err(one(
            Diagnostic::error(
                "E127",
                "このサイトの様式には計画の階層があるため、mieru new program は使えません",
                "the site's form has plan levels: `mieru new program` writes files for the built-in form only",
            )
            .at(Location::file(Path::new(load::CONTENT_DIR).join(crate::form::FORM_FILE).as_path()))
            .help("既存の事業のフォルダ（content/programs/ の下）を写して名前を変え、place と各欄を書き直してください / copy an existing program folder under content/programs/, rename it and rewrite its place and fields"),
        ));
    }
    let Some(policy) = raw.policies.iter().find(|x| x.slug == p.policy) else {
        let slugs: Vec<&str> = raw.policies.iter().map(|x| x.slug.as_str()).collect();
        return Err(one(unknown(
            "E030",
            format!("施策 `{}` はありません", p.policy),
            format!("no policy `{}` in content/policies/", p.policy),
            &p.policy,
            &slugs,
            &program_file,
        )));
    };
    let directions = &policy.source.data.directions;
    if !directions.iter().any(|d| d.id.get_ref() == &p.direction) {
        let ids: Vec<&str> = directions.iter().map(|d| d.id.get_ref().as_str()).collect();
        return Err(one(unknown(
            "E031",
            format!(
                "施策 `{}` に施策の方向 `{}` はありません",
                p.policy, p.direction
            ),
            format!("policy `{}` has no direction `{}`", p.policy, p.direction),
            &p.direction,
            &ids,
            &program_file,
        )));
    }
    if root.join(&rel_dir).symlink_metadata().is_ok() {
        return Err(one(Diagnostic::error(
            "E123",
            format!("{} はすでにあります。上書きしません", rel_dir.display()),
            format!("{} already exists; not overwriting it", rel_dir.display()),
        )
        .at(Location::file(&rel_dir))
        .help("別のフォルダ名を指定してください / give another folder name")));
    }
    let year = evaluation_year(&raw);
    let files = vec![
        (
            program_file,
            text::program_toml(&p.name, &p.department, &p.policy, &p.direction, year),
        ),
        (
            rel_dir.join(format!("{year}.toml")),
            text::blank_year(year, &Carried::default()),
        ),
    ];
    write_new(root, files)
}

fn unknown(
    code: &'static str,
    ja: String,
    en: String,
    word: &str,
    candidates: &[&str],
    at: &Path,
) -> Diagnostic {
    let list = if candidates.is_empty() {
        "（なし / none）".to_string()
    } else {
        candidates.join(", ")
    };
    let help = match suggest(word, candidates.iter().copied()) {
        Some(s) => format!(
            "`{s}` の誤りではありませんか / did you mean `{s}`? あるもの / available: {list}"
        ),
        None => format!("あるもの / available: {list}"),
    };
    Diagnostic::error(code, ja, en)
        .at(Location::file(at))
        .help(help)
}

/// Planned values carried into a new year file.
#[derive(Debug, Default)]
pub struct Carried {
    /// 成果目標 of the main indicator.
    pub target: SheetValue<Measure>,
    /// Targets of further indicators, by id.
    pub indicators: Vec<(String, SheetValue<Measure>)>,
}

impl Carried {
    fn from_year(y: &RawYear) -> Carried {
        Carried {
            target: y.target.clone(),
            indicators: y
                .indicators
                .iter()
                .map(|i| (i.indicator.get_ref().clone(), i.target.clone()))
                .collect(),
        }
    }
}

/// What `mieru new year` did.
#[derive(Debug)]
pub struct NewYear {
    pub from: i64,
    pub to: i64,
    /// Year files written, site-relative.
    pub written: Vec<PathBuf>,
    /// Programs left alone, and why (Japanese / English).
    pub skipped: Vec<(String, String)>,
}

impl NewYear {
    /// What it did, one line each, Japanese first.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![format!(
            "評価年度を {}（{}）から {}（{}）にしました / evaluation_year {} → {} in content/site.toml",
            self.from,
            wareki_fiscal_year(self.from as i32),
            self.to,
            wareki_fiscal_year(self.to as i32),
            self.from,
            self.to
        )];
        for f in &self.written {
            out.push(format!("作成しました / wrote: {}", f.display()));
        }
        for (slug, why) in &self.skipped {
            out.push(format!("変更しません / left alone: {slug}: {why}"));
        }
        out
    }
}

/// `mieru new year`: moves site.toml's `evaluation_year` on by one
/// (editing the text in place, comments kept) and writes, for every
/// program still running in the new year, the file of the new sheet's Plan
/// year (new year + 1) when it is missing: the targets of the year before
/// carried as the plan, money, results, Check and Action blank. The file of
/// the new year itself, the old sheet's Plan, stays as written (its planned
/// budget is now the budget); it is written the same way only when missing.
pub fn new_year(root: &Path, year: Option<i64>) -> Result<NewYear, Diagnostics> {
    let raw = load_site(root)?;
    let from = evaluation_year(&raw);
    let to = from + 1;
    let site_rel = Path::new(load::CONTENT_DIR).join("site.toml");
    if let Some(y) = year.filter(|y| *y != to) {
        return Err(one(Diagnostic::error(
            "E126",
            format!("新しい評価年度は {to}（今の {from} の次の年度）です。{y} にはできません"),
            format!("the new evaluation year must be {to} (evaluation_year + 1), not {y}"),
        )
        .at(Location::file(&site_rel))
        .help(format!(
            "mieru new year {to}（または年度を省略） / or leave the year out"
        ))));
    }
    check_year(to + 1, "YEAR")?;
    let site_text = std::fs::read_to_string(root.join(&site_rel)).map_err(|e| {
        one(
            Diagnostic::error("E008", "ファイルを読めません", format!("cannot read: {e}"))
                .at(Location::file(&site_rel)),
        )
    })?;
    let new_site = bump_year(&site_text, from, to).map_err(|e| {
        one(Diagnostic::error(
            "E001",
            "site.toml を書き換えられません",
            format!("site.toml cannot be edited: {e}"),
        )
        .at(Location::file(&site_rel)))
    })?;
    let plan = to + 1;
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for p in &raw.programs {
        let Some(prog) = p.program.as_ref() else {
            continue;
        };
        if let Some(end) = prog.data.end_year.as_ref().map(|e| *e.get_ref()) {
            if end < to {
                skipped.push((
                    p.slug.clone(),
                    format!("{end}年度で終了した事業です / ended in {end}"),
                ));
                continue;
            }
            if end < plan {
                skipped.push((
                    p.slug.clone(),
                    format!("{end}年度で終了する事業です / ends in {end}"),
                ));
                continue;
            }
        }
        // The new sheet's budget year (usually there: the old sheet's
        // Plan) and its Plan year.
        for y in [to, plan] {
            let rel = p.dir.join(format!("{y}.toml"));
            if p.years.iter().any(|(fy, _)| *fy == y) || root.join(&rel).exists() {
                if y == plan {
                    skipped.push((
                        p.slug.clone(),
                        format!("{} はすでにあります / already there", rel.display()),
                    ));
                }
                continue;
            }
            let start = prog.data.start_year.as_ref().map(|s| *s.get_ref());
            if let Some(start) = start.filter(|s| *s > y) {
                skipped.push((
                    p.slug.clone(),
                    format!("{start}年度に始まる事業のため {y}年度のファイルは作りません / starts in {start}, no file for {y}"),
                ));
                continue;
            }
            let carried = p
                .years
                .iter()
                .rev()
                .find(|(fy, _)| *fy < y)
                .map(|(_, f)| Carried::from_year(&f.data))
                .unwrap_or_default();
            files.push((rel, text::blank_year(y, &carried)));
        }
    }
    let written = write_new(root, files)?;
    if let Err(e) = std::fs::write(root.join(&site_rel), new_site) {
        return Err(one(Diagnostic::error(
            "E124",
            "ファイルを書き込めません",
            format!("cannot write the file: {e}"),
        )
        .at(Location::file(&site_rel))));
    }
    Ok(NewYear {
        from,
        to,
        written,
        skipped,
    })
}

/// site.toml's text with `evaluation_year` set to `to`, everything else
/// (comments, layout, BOM) as it was; 和暦 in the key's own comment follows.
fn bump_year(text: &str, from: i64, to: i64) -> Result<String, String> {
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    };
    let mut doc: toml_edit::DocumentMut = body
        .parse()
        .map_err(|e: toml_edit::TomlError| e.to_string())?;
    let item = doc
        .get_mut("evaluation_year")
        .and_then(|i| i.as_value_mut())
        .ok_or("no evaluation_year")?;
    let mut decor = item.decor().clone();
    if let Some(suffix) = decor.suffix().and_then(|s| s.as_str()) {
        let old = wareki_fiscal_year(from as i32);
        let new = wareki_fiscal_year(to as i32);
        decor.set_suffix(suffix.replace(&old, &new));
    }
    let mut value = toml_edit::Value::from(to);
    *value.decor_mut() = decor;
    *item = value;
    Ok(format!("{bom}{doc}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fiscal_years_start_in_april_in_japan() {
        // 2025-03-31 23:00 JST = 14:00 UTC
        assert_eq!(fiscal_year_of_unix(1_743_429_600), 2024);
        // 2025-04-01 00:30 JST = 2025-03-31 15:30 UTC
        assert_eq!(fiscal_year_of_unix(1_743_435_000), 2025);
        assert_eq!(fiscal_year_of_unix(1_767_225_600), 2025); // 2026-01-01
    }

    #[test]
    fn bumping_the_year_keeps_comments() {
        let t = "city = \"x\"\nevaluation_year = 2021                  # 評価年度（令和3年度）\n# end\n";
        let out = bump_year(t, 2021, 2022).unwrap();
        assert_eq!(
            out,
            "city = \"x\"\nevaluation_year = 2022                  # 評価年度（令和4年度）\n# end\n"
        );
    }
}
