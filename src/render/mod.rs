//! Rendering: turns the model into a flat list of independent jobs (one per
//! page, one per chart, the theme's static files) and runs them in parallel.
//! Each job is a pure function of the model and returns the bytes of one
//! file; writing them is the output stage's business.

pub mod view;

use crate::chart::{self, BudgetYear, IndicatorPoint, IndicatorSeries};
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::model::format::{money, percent, wareki_fiscal_year};
use crate::model::value::{Measure, SheetValue};
use crate::model::{Model, Policy, PolicyIndicator, Program};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use view::*;

/// What a produced file is, which decides how the output stage treats it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Minified before writing.
    Html,
    /// Written as is (never minified: it would lowercase `viewBox`).
    Svg,
    /// Copied from the theme.
    Asset,
}

/// One file of the site: a path relative to the output root ('/'-separated,
/// built only from validated slugs and years) and its bytes.
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub path: String,
    pub kind: FileKind,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, Copy)]
enum Job {
    Index,
    NotFound,
    Policy(usize),
    PolicyBudgetChart(usize),
    IndicatorChart(usize, usize),
    Program(usize),
    ProgramYear(usize, i32),
    ProgramChart(usize),
}

/// A theme: its templates (parsed once) and its static files.
pub struct Theme {
    pub dir: PathBuf,
    tera: tera::Tera,
    assets: Vec<(String, PathBuf)>,
    pub font: Vec<u8>,
}

pub const THEMES_DIR: &str = "themes";
const TEMPLATES: [&str; 4] = ["index.html", "policy.html", "program.html", "404.html"];

impl Theme {
    /// Loads `root/themes/<name>`: every template under `templates/`, the
    /// list of files under `static/`, and `fonts/chart.ttf` or the first
    /// `.ttf`/`.otf` in `fonts/` for measuring chart text.
    pub fn load(root: &Path, name: &str) -> Result<Theme, Diagnostics> {
        let rel_dir = Path::new(THEMES_DIR).join(name);
        let dir = root.join(&rel_dir);
        let mut diags = Diagnostics::new();
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html"]);
        let tdir = dir.join("templates");
        let mut sources = Vec::new();
        for entry in walkdir::WalkDir::new(&tdir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(&tdir).unwrap_or(entry.path());
            let name = rel.to_string_lossy().replace('\\', "/");
            match std::fs::read_to_string(entry.path()) {
                Ok(text) => sources.push((name, text)),
                Err(e) => diags.push(
                    Diagnostic::error(
                        "E061",
                        "テンプレートを読めません",
                        format!("cannot read template: {e}"),
                    )
                    .at(Location::file(&rel_dir.join("templates").join(rel))),
                ),
            }
        }
        for t in TEMPLATES {
            if !sources.iter().any(|(n, _)| n == t) {
                diags.push(
                    Diagnostic::error(
                        "E060",
                        format!("テンプレート {t} がありません"),
                        format!("template {t} is missing"),
                    )
                    .at(Location::file(&rel_dir.join("templates").join(t)))
                    .help(format!("the theme `{name}` needs templates/{t}")),
                );
            }
        }
        if let Err(e) = tera.add_raw_templates(sources) {
            diags.push(template_error(&rel_dir, &e));
        }
        let font = find_font(&dir).and_then(|p| std::fs::read(p).ok());
        let font = match font {
            Some(f) => match chart::register_font(&f) {
                Ok(()) => f,
                Err(e) => {
                    diags.push(
                        Diagnostic::error(
                            "E062",
                            "グラフ用フォントを読めません",
                            format!("chart font: {e}"),
                        )
                        .at(Location::file(&rel_dir.join("fonts"))),
                    );
                    Vec::new()
                }
            },
            None => {
                diags.push(
                    Diagnostic::error(
                        "E062",
                        "グラフ用フォントがありません",
                        "no chart font in the theme",
                    )
                    .at(Location::file(&rel_dir.join("fonts")))
                    .help("put a Japanese TrueType font (.ttf/.otf) in the theme's fonts/ folder"),
                );
                Vec::new()
            }
        };
        let sdir = dir.join("static");
        let assets = walkdir::WalkDir::new(&sdir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .filter_map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(&sdir)
                    .ok()?
                    .to_string_lossy()
                    .replace('\\', "/");
                Some((rel, e.path().to_path_buf()))
            })
            .collect();
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(Theme {
            dir,
            tera,
            assets,
            font,
        })
    }
}

fn find_font(dir: &Path) -> Option<PathBuf> {
    let mut fonts: Vec<PathBuf> = std::fs::read_dir(dir.join("fonts"))
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "ttf" || e == "otf"))
        .collect();
    fonts.sort();
    fonts.into_iter().next()
}

/// A Tera error with its whole cause chain (Tera puts the template line
/// and column in the inner message).
fn template_error(theme_dir: &Path, e: &tera::Error) -> Diagnostic {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    let template = msg
        .split('\'')
        .nth(1)
        .filter(|t| t.ends_with(".html"))
        .map(|t| theme_dir.join("templates").join(t))
        .unwrap_or_else(|| theme_dir.join("templates"));
    Diagnostic::error(
        "E063",
        "テンプレートの処理に失敗しました",
        msg.replace('\n', " "),
    )
    .at(Location::file(&template))
    .help("the error is in the theme's template, not in content/")
}

fn jobs(m: &Model) -> Vec<Job> {
    let mut jobs = vec![Job::Index, Job::NotFound];
    for (i, p) in m.policies.iter().enumerate() {
        jobs.push(Job::Policy(i));
        jobs.push(Job::PolicyBudgetChart(i));
        for (k, ind) in p.indicators.iter().enumerate() {
            if indicator_series(ind).is_ok() {
                jobs.push(Job::IndicatorChart(i, k));
            }
        }
    }
    for (i, p) in m.programs.iter().enumerate() {
        jobs.push(Job::Program(i));
        jobs.push(Job::ProgramChart(i));
        for &y in p.years.keys().filter(|&&y| y <= m.site.evaluation_year) {
            jobs.push(Job::ProgramYear(i, y));
        }
    }
    jobs
}

/// Renders every page and chart of the site, and lists the theme's assets.
pub fn render_site(m: &Model, theme: &Theme) -> Result<Vec<OutputFile>, Diagnostics> {
    let results: Vec<Result<OutputFile, Diagnostic>> =
        jobs(m).par_iter().map(|job| run(m, theme, *job)).collect();
    let mut files = Vec::with_capacity(results.len() + theme.assets.len());
    let mut diags = Diagnostics::new();
    for r in results {
        match r {
            Ok(f) => files.push(f),
            Err(d) => diags.push(d),
        }
    }
    for (rel, path) in &theme.assets {
        match std::fs::read(path) {
            Ok(bytes) => files.push(OutputFile {
                path: rel.clone(),
                kind: FileKind::Asset,
                bytes,
            }),
            Err(e) => diags.push(
                Diagnostic::error(
                    "E061",
                    "テーマのファイルを読めません",
                    format!("cannot read asset: {e}"),
                )
                .at(Location::file(path)),
            ),
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

fn run(m: &Model, theme: &Theme, job: Job) -> Result<OutputFile, Diagnostic> {
    let fmt = Fmt {
        unit: &m.site.money_unit,
    };
    let (path, html) = match job {
        Job::Index => (
            "index.html".to_string(),
            page(theme, "index.html", &index_page(m, &fmt))?,
        ),
        Job::NotFound => (
            "404.html".to_string(),
            page(theme, "404.html", &not_found_page(m))?,
        ),
        Job::Policy(i) => {
            let p = &m.policies[i];
            (
                format!("{}index.html", policy_url(p)),
                page(theme, "policy.html", &policy_page(m, p, &fmt))?,
            )
        }
        Job::Program(i) => {
            let p = &m.programs[i];
            let v = program_page(m, p, m.site.evaluation_year, true, &fmt);
            (
                format!("{}index.html", program_url(p)),
                page(theme, "program.html", &v)?,
            )
        }
        Job::ProgramYear(i, y) => {
            let p = &m.programs[i];
            let v = program_page(m, p, y, false, &fmt);
            (
                format!("{}index.html", program_year_url(p, y)),
                page(theme, "program.html", &v)?,
            )
        }
        Job::ProgramChart(i) => {
            let p = &m.programs[i];
            let c = chart::budget_chart(
                &program_chart_title(p),
                &program_budget_years(p),
                fmt.unit,
                |n| money(n, fmt.unit),
            )
            .map_err(chart_error)?;
            return Ok(svg(format!("{}budget.svg", program_url(p)), c));
        }
        Job::PolicyBudgetChart(i) => {
            let p = &m.policies[i];
            let c = chart::budget_chart(
                &policy_chart_title(p),
                &policy_budget_years(p),
                fmt.unit,
                |n| money(n, fmt.unit),
            )
            .map_err(chart_error)?;
            return Ok(svg(format!("{}budget.svg", policy_url(p)), c));
        }
        Job::IndicatorChart(i, k) => {
            let p = &m.policies[i];
            let ind = &p.indicators[k];
            let series = indicator_series(ind).map_err(|e| chart_error(e.to_string()))?;
            let c = chart::indicator_chart(&indicator_chart_title(ind), &series)
                .map_err(chart_error)?;
            return Ok(svg(format!("{}indicator-{}.svg", policy_url(p), k + 1), c));
        }
    };
    Ok(OutputFile {
        path,
        kind: FileKind::Html,
        bytes: html.into_bytes(),
    })
}

fn svg(path: String, c: chart::Chart) -> OutputFile {
    OutputFile {
        path,
        kind: FileKind::Svg,
        bytes: c.svg.into_bytes(),
    }
}

fn chart_error(e: String) -> Diagnostic {
    Diagnostic::error(
        "E064",
        "グラフを描けませんでした",
        format!("chart failed: {e}"),
    )
}

fn page<T: serde::Serialize>(
    theme: &Theme,
    template: &str,
    view: &T,
) -> Result<String, Diagnostic> {
    let ctx =
        tera::Context::from_serialize(view).map_err(|e| template_error(&theme_rel(theme), &e))?;
    theme.tera.render(template, &ctx).map_err(|e| {
        let mut d = template_error(&theme_rel(theme), &e);
        if d.location
            .as_ref()
            .is_some_and(|l| l.path.extension().is_none())
        {
            d.location = Some(Box::new(Location::file(
                &theme_rel(theme).join("templates").join(template),
            )));
        }
        d
    })
}

fn theme_rel(theme: &Theme) -> PathBuf {
    let name = theme.dir.file_name().map(PathBuf::from).unwrap_or_default();
    Path::new(THEMES_DIR).join(name)
}

fn depth_root(depth: usize) -> String {
    "../".repeat(depth)
}

fn common(
    m: &Model,
    depth: usize,
    page_title: &str,
    description: String,
    path: &str,
    crumbs: Vec<Link>,
) -> Common {
    let mut breadcrumbs = vec![Link {
        name: "トップ".into(),
        url: Some(String::new()),
    }];
    breadcrumbs.extend(crumbs);
    if let Some(last) = breadcrumbs.last_mut() {
        last.url = None;
    }
    Common {
        site: SiteView::of(m),
        root: depth_root(depth),
        page_title: page_title.to_string(),
        description,
        canonical: m
            .site
            .base_url
            .as_ref()
            .map(|b| format!("{}/{}", b.trim_end_matches('/'), path)),
        breadcrumbs,
    }
}

fn index_page(m: &Model, fmt: &Fmt) -> IndexPage {
    let year = wareki_fiscal_year(m.site.evaluation_year);
    IndexPage {
        common: common(
            m,
            0,
            &m.site.title,
            format!(
                "{}の{}行政評価：施策と事業の予算・決算・成果",
                m.site.city, year
            ),
            "",
            vec![],
        ),
        budget_label: format!("{year}予算額"),
        outlines: m
            .outlines
            .iter()
            .map(|o| OutlineView {
                name: o.name.clone(),
                policies: o
                    .policies
                    .iter()
                    .map(|&i| {
                        let p = &m.policies[i];
                        PolicySummary {
                            slug: p.slug.clone(),
                            name: p.name.clone(),
                            url: policy_url(p),
                            objective: Shown::text(&p.objective),
                            directions: directions(m, p, fmt),
                        }
                    })
                    .collect(),
            })
            .collect(),
        policy_count: m.policies.len(),
        program_count: m.programs.len(),
    }
}

fn not_found_page(m: &Model) -> Common {
    // The 404 page is served at any depth: links are absolute from base_url
    // when known, else relative to the site root.
    let mut c = common(
        m,
        0,
        "ページが見つかりません",
        "お探しのページは見つかりませんでした。".into(),
        "404.html",
        vec![],
    );
    if let Some(base) = &m.site.base_url {
        c.root = format!("{}/", base.trim_end_matches('/'));
    }
    c.breadcrumbs.push(Link {
        name: "ページが見つかりません".into(),
        url: None,
    });
    c.breadcrumbs[0].url = Some(String::new());
    c
}

fn policy_budget_years(p: &Policy) -> Vec<BudgetYear> {
    p.totals
        .iter()
        .map(|t| BudgetYear {
            label: wareki_fiscal_year(t.year),
            budget: t.budget.value.clone(),
            settlement: t.settlement.value.clone(),
        })
        .collect()
}

fn program_budget_years(p: &Program) -> Vec<BudgetYear> {
    p.years
        .values()
        .map(|y| BudgetYear {
            label: wareki_fiscal_year(y.year),
            budget: y.budget.amount.clone(),
            settlement: y.settlement.amount.clone(),
        })
        .collect()
}

fn policy_chart_title(p: &Policy) -> String {
    format!("施策「{}」の予算額と決算額（事業の合計）", p.name)
}

fn program_chart_title(p: &Program) -> String {
    format!("{}の予算額と決算額", p.name)
}

fn indicator_chart_title(ind: &PolicyIndicator) -> String {
    format!("{}の推移と目標", ind.name)
}

/// The numbers an indicator chart needs, or why it cannot be drawn.
pub fn indicator_series(ind: &PolicyIndicator) -> Result<IndicatorSeries, &'static str> {
    let num = |v: &SheetValue<Measure>| match v {
        SheetValue::Value(Measure::Number(n)) => Some(*n),
        _ => None,
    };
    let (Some(b), Some(t)) = (num(&ind.baseline.value), num(&ind.target.value)) else {
        return Err("基準値か目標値が数値ではないため、グラフはありません。表をご覧ください。");
    };
    Ok(IndicatorSeries {
        name: ind.name.clone(),
        unit: ind.unit.clone().unwrap_or_default(),
        baseline: IndicatorPoint {
            year: ind.baseline.year,
            value: b,
        },
        target: IndicatorPoint {
            year: ind.target.year,
            value: t,
        },
        actuals: ind
            .actuals
            .iter()
            .filter_map(|p| {
                num(&p.value).map(|v| IndicatorPoint {
                    year: p.year,
                    value: v,
                })
            })
            .collect(),
    })
}

fn policy_page(m: &Model, p: &Policy, fmt: &Fmt) -> PolicyPage {
    let year = wareki_fiscal_year(m.site.evaluation_year);
    let budget_years = policy_budget_years(p);
    let unit = m.site.money_unit.clone();
    let chart_title = policy_chart_title(p);
    PolicyPage {
        common: common(
            m,
            2,
            &format!("施策「{}」", p.name),
            format!(
                "{}の施策「{}」（{}）の目標・指標と主要事業",
                m.site.city, p.name, p.outline
            ),
            &policy_url(p),
            vec![Link {
                name: format!("施策「{}」", p.name),
                url: None,
            }],
        ),
        name: p.name.clone(),
        outline: p.outline.clone(),
        objective: Shown::text(&p.objective),
        code: p.code.clone(),
        budget_label: format!("{year}予算額"),
        directions: directions(m, p, fmt),
        indicators: p
            .indicators
            .iter()
            .enumerate()
            .map(|(k, ind)| {
                let unit = ind.unit.as_deref();
                let point = |pt: &crate::model::Point| PointView {
                    year_label: format!("{}年", pt.year),
                    value: fmt.measure(&pt.value, unit),
                    note: pt.note.clone(),
                };
                let (chart, chart_note) = match indicator_series(ind) {
                    Ok(series) => (
                        Some(ChartRef {
                            src: format!("indicator-{}.svg", k + 1),
                            title: indicator_chart_title(ind),
                            alt: chart::indicator_desc(&indicator_chart_title(ind), &series),
                        }),
                        None,
                    ),
                    Err(why) => (None, Some(why.to_string())),
                };
                IndicatorView {
                    name: ind.name.clone(),
                    kind: ind.kind.clone(),
                    concept: Shown::text(&ind.concept),
                    direction: Shown::text(&ind.direction),
                    unit: ind.unit.clone(),
                    baseline: point(&ind.baseline),
                    target: point(&ind.target),
                    actuals: ind.actuals.iter().map(point).collect(),
                    chart,
                    chart_note,
                }
            })
            .collect(),
        reviews: p
            .reviews
            .iter()
            .rev()
            .map(|r| ReviewView {
                year_label: wareki_fiscal_year(r.fiscal_year),
                opinion_heading: format!(
                    "{}の実施状況への意見",
                    wareki_fiscal_year(r.fiscal_year - 1)
                ),
                council_opinion: Shown::text(&r.council_opinion),
                achievement: Shown::text(&r.achievement),
            })
            .collect(),
        totals: p
            .totals
            .iter()
            .map(|t| TotalRow {
                year_label: wareki_fiscal_year(t.year),
                budget: fmt.total(&t.budget),
                settlement: fmt.total(&t.settlement),
            })
            .collect(),
        budget_chart: (!budget_years.is_empty()).then(|| ChartRef {
            src: "budget.svg".into(),
            alt: chart::budget_desc(&chart_title, &budget_years, &|n| money(n, &unit)),
            title: chart_title,
        }),
    }
}

fn program_page(m: &Model, p: &Program, y: i32, is_latest: bool, fmt: &Fmt) -> ProgramPage {
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
    let budget_years = program_budget_years(p);
    let chart_title = program_chart_title(p);
    let money_unit = m.site.money_unit.clone();
    let history_years: Vec<i32> = p.years.keys().copied().collect();
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
        history: history_years
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
                }
            })
            .collect(),
        funding: history_years
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
        staff: history_years
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
        chart: (!budget_years.is_empty()).then(|| ChartRef {
            src: if is_latest {
                "budget.svg".into()
            } else {
                "../budget.svg".into()
            },
            alt: chart::budget_desc(&chart_title, &budget_years, &|n| money(n, &money_unit)),
            title: chart_title,
        }),
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
