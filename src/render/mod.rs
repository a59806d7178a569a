//! Rendering: turns the model into a flat list of independent jobs (one per
//! page, one per chart, the theme's static files) and runs them in parallel.
//! Each job is a pure function of the model and returns the bytes of one
//! file; writing them is the output stage's business.

pub mod exports;
pub mod pages;
pub mod theme;

pub use exports::{data, feeds, form_data, search};
pub use pages::{accessibility, diff, indicator_series, portal, sheet, view};

use crate::chart;
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::model::format::money;
use crate::model::Model;
use pages::{
    index_page, indicator_chart_title, not_found_page, page, policy_budget_years,
    policy_chart_title, policy_page, program_budget_years, program_chart_title, program_page,
    theme_rel,
};
use rayon::prelude::*;
use sheet::{plan_node_page, sheet_policy_page, sheet_program_page};
pub use theme::{Theme, THEMES_DIR};
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
    /// A declared form's chart of a policy indicator's series.
    PolicySeriesChart(usize, usize),
    /// A declared form's page of a plan node above or below the 施策.
    PlanNode(usize),
    Program(usize),
    /// A declared form's chart of total cost (事業費 and 人件費).
    CostChart(usize),
    /// A declared form's chart of a program indicator's series.
    SeriesChart(usize, usize),
    ProgramYear(usize, i32),
    ProgramChart(usize),
    Data(data::DataJob),
    SearchIndex,
    SearchPage,
    DataPage,
    Programs(portal::Order),
    Departments,
    Department(usize),
    Overview,
    Changes(i32),
    Robots,
    Feed,
    AccessibilityPolicy,
    AccessibilityResults,
}

/// Every job of the site. The few jobs that read the whole site (search
/// index, site-wide data tables, lists) come first, so that they run while
/// the many small per-program jobs are spread over the other threads,
/// rather than trailing alone at the end of the build.
fn jobs(m: &Model) -> Vec<Job> {
    let mut jobs = vec![Job::SearchIndex];
    let (site_data, own_data): (Vec<_>, Vec<_>) = data::all_jobs(m)
        .into_iter()
        .partition(|&d| data::is_streamed(d));
    jobs.extend(site_data.into_iter().map(Job::Data));
    jobs.extend(portal::ORDERS.into_iter().map(Job::Programs));
    jobs.extend(diff::change_years(m).into_iter().map(Job::Changes));
    jobs.extend([Job::Overview, Job::Departments, Job::Index]);
    jobs.extend((0..portal::departments(m).len()).map(Job::Department));
    jobs.push(Job::NotFound);
    let declared = !m.form.is_default;
    for (i, p) in m.policies.iter().enumerate() {
        jobs.push(Job::Policy(i));
        jobs.push(Job::PolicyBudgetChart(i));
        for (k, ind) in p.indicators.iter().enumerate() {
            if declared {
                let title = format!("{}の目標と実績", ind.name);
                if sheet::series_chart_parts(
                    &title,
                    ind.unit.as_deref(),
                    &sheet::policy_series(ind),
                )
                .is_ok()
                {
                    jobs.push(Job::PolicySeriesChart(i, k));
                }
            } else if indicator_series(ind).is_ok() {
                jobs.push(Job::IndicatorChart(i, k));
            }
        }
    }
    if declared {
        for (n, node) in m.plan.iter().enumerate() {
            if node.policy.is_none() && !node.programs.is_empty() {
                jobs.push(Job::PlanNode(n));
            }
        }
    }
    let money_block =
        crate::model::build::has_block(&m.form, |b| matches!(b, crate::form::Block::Money { .. }));
    let staff_block =
        crate::model::build::has_block(&m.form, |b| matches!(b, crate::form::Block::Staff { .. }));
    for (i, p) in m.programs.iter().enumerate() {
        jobs.push(Job::Program(i));
        if !declared || (money_block && !p.years.is_empty()) {
            jobs.push(Job::ProgramChart(i));
        }
        if declared {
            if staff_block && !sheet::chart_cost_years(p).is_empty() {
                jobs.push(Job::CostChart(i));
            }
            for (k, ind) in p.indicators.iter().enumerate() {
                let title = format!(
                    "{}の目標と実績",
                    ind.name.value().cloned().unwrap_or_default()
                );
                let unit = ind.unit.value().map(String::as_str);
                if sheet::series_chart_parts(
                    &title,
                    unit,
                    &sheet::program_series(p, &ind.id, k == 0),
                )
                .is_ok()
                {
                    jobs.push(Job::SeriesChart(i, k));
                }
            }
        }
        // A declared form's sheets of the years to come are pages too, so
        // that nothing written for them is left unshown.
        for &y in p
            .years
            .keys()
            .filter(|&&y| declared || y <= m.site.evaluation_year)
        {
            jobs.push(Job::ProgramYear(i, y));
        }
    }
    jobs.extend(own_data.into_iter().map(Job::Data));
    jobs.extend([Job::SearchPage, Job::DataPage, Job::Robots, Job::Feed]);
    if m.site.accessibility.is_some() {
        jobs.extend([Job::AccessibilityPolicy, Job::AccessibilityResults]);
    }
    jobs
}

/// Time spent on one kind of job (its variant name: `Program`, `ProgramChart`…),
/// summed over the threads that ran them: where a build's time goes.
#[derive(Debug, Clone, Default)]
pub struct JobTime {
    pub kind: String,
    pub jobs: usize,
    pub total: std::time::Duration,
    pub slowest: std::time::Duration,
}

fn job_kind(job: &Job) -> String {
    let name = format!("{job:?}");
    name.split('(').next().unwrap_or_default().to_string()
}

fn job_times(timed: impl Iterator<Item = (String, std::time::Duration)>) -> Vec<JobTime> {
    let mut by_kind: std::collections::BTreeMap<String, JobTime> = Default::default();
    for (kind, d) in timed {
        let t = by_kind.entry(kind.clone()).or_insert_with(|| JobTime {
            kind,
            ..JobTime::default()
        });
        t.jobs += 1;
        t.total += d;
        t.slowest = t.slowest.max(d);
    }
    let mut v: Vec<JobTime> = by_kind.into_values().collect();
    v.sort_by_key(|t| std::cmp::Reverse(t.total));
    v
}

/// The bytes of one program's page (its latest sheet), as `render_site`
/// renders it: for measuring one job alone.
pub fn render_program_page(m: &Model, theme: &Theme, i: usize) -> Result<Vec<u8>, Diagnostic> {
    run(m, theme, &Cache::new(m, &[]), Job::Program(i)).map(|f| f.bytes)
}

/// The bytes of one program's budget chart, as `render_site` renders it.
pub fn render_program_chart(m: &Model, theme: &Theme, i: usize) -> Result<Vec<u8>, Diagnostic> {
    run(m, theme, &Cache::new(m, &[]), Job::ProgramChart(i)).map(|f| f.bytes)
}

/// Renders every page and chart of the site, and lists the theme's assets.
pub fn render_site(m: &Model, theme: &Theme) -> Result<Vec<OutputFile>, Diagnostics> {
    render_site_timed(m, theme).map(|(files, _)| files)
}

/// [`render_site`], also telling the time spent per kind of job.
pub fn render_site_timed(
    m: &Model,
    theme: &Theme,
) -> Result<(Vec<OutputFile>, Vec<JobTime>), Diagnostics> {
    render_site_into(m, theme, &Keep)
}

/// Writes the bytes of a streamed file into the writer it is given.
pub type Fill<'a> = dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()> + 'a;

/// Where each rendered file goes as soon as it is rendered: the sink gets
/// the file and returns what the caller wants kept of it (the file itself,
/// or only its path and kind once the output stage has written it). Handing
/// files on one by one keeps a large site's memory bounded by the files in
/// flight rather than the whole site. A sink error fails the render.
pub trait Sink: Sync {
    /// Takes one rendered file.
    fn put(&self, f: OutputFile) -> Result<OutputFile, Diagnostic>;

    /// Takes a file too large to hold in memory: `fill` writes its bytes
    /// piece by piece. Returns what is kept of the file and its size in
    /// bytes. By default the bytes are gathered and passed to [`Sink::put`].
    fn put_streamed(
        &self,
        path: String,
        kind: FileKind,
        fill: &Fill,
    ) -> Result<(OutputFile, usize), Diagnostic> {
        let mut bytes = Vec::new();
        // Writing into a Vec cannot fail.
        let _ = fill(&mut bytes);
        let size = bytes.len();
        self.put(OutputFile { path, kind, bytes })
            .map(|f| (f, size))
    }
}

/// The sink that keeps every file in memory.
pub struct Keep;

impl Sink for Keep {
    fn put(&self, f: OutputFile) -> Result<OutputFile, Diagnostic> {
        Ok(f)
    }
}

/// The sink that keeps only each file's path, kind and size: for checking
/// a site of any size without holding its bytes.
pub struct Discard;

impl Sink for Discard {
    fn put(&self, mut f: OutputFile) -> Result<OutputFile, Diagnostic> {
        f.bytes = Vec::new();
        Ok(f)
    }

    fn put_streamed(
        &self,
        path: String,
        kind: FileKind,
        fill: &Fill,
    ) -> Result<(OutputFile, usize), Diagnostic> {
        let mut counter = ByteCount(0);
        // Counting bytes cannot fail.
        let _ = fill(&mut counter);
        let f = OutputFile {
            path,
            kind,
            bytes: Vec::new(),
        };
        Ok((f, counter.0))
    }
}

/// Counts what is written to it.
struct ByteCount(usize);

impl std::io::Write for ByteCount {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// [`render_site_timed`], passing every file through `sink`.
pub fn render_site_into(
    m: &Model,
    theme: &Theme,
    sink: &dyn Sink,
) -> Result<(Vec<OutputFile>, Vec<JobTime>), Diagnostics> {
    // The data page shows the size of every data file: it runs after them,
    // reading their sizes, instead of rendering them a second time.
    let all_jobs: Vec<Job> = jobs(m)
        .into_iter()
        .filter(|j| !matches!(j, Job::DataPage))
        .collect();
    let cache = Cache::new(m, &all_jobs);
    let run_timed = |job: &Job, sizes: Option<&Sizes>| {
        let start = std::time::Instant::now();
        // Files that grow with the whole site are written as they are made.
        let streamed = match *job {
            Job::Data(d) if data::is_streamed(d) => Some(data::path(m, d)),
            Job::SearchIndex => Some(search::INDEX_PATH.to_string()),
            _ => None,
        };
        if let Some(path) = streamed {
            let r = sink.put_streamed(path.clone(), FileKind::Asset, &|w| match *job {
                Job::Data(d) => data::write_to(m, d, w),
                _ => search::write_to(m, w),
            });
            let size = r.as_ref().ok().map(|(_, n)| (path, *n));
            return (r.map(|(f, _)| f), start.elapsed(), size);
        }
        let r = match (job, sizes) {
            (Job::DataPage, Some(sizes)) => data_page_file(m, theme, sizes),
            _ => run(m, theme, &cache, *job),
        };
        let elapsed = start.elapsed();
        let size = r
            .as_ref()
            .ok()
            .filter(|f| f.path.starts_with(data::DATA_DIR))
            .map(|f| (f.path.clone(), f.bytes.len()));
        (r.and_then(|f| sink.put(f)), elapsed, size)
    };
    let mut timed: Vec<JobOutcome> = all_jobs
        .par_iter()
        .map(|job| run_timed(job, None))
        .collect();
    let sizes: Sizes = timed.iter_mut().filter_map(|(_, _, s)| s.take()).collect();
    let mut all_jobs = all_jobs;
    all_jobs.push(Job::DataPage);
    timed.push(run_timed(&Job::DataPage, Some(&sizes)));
    let timed: Vec<(Result<OutputFile, Diagnostic>, std::time::Duration)> =
        timed.into_iter().map(|(r, d, _)| (r, d)).collect();
    let times = job_times(
        all_jobs
            .iter()
            .zip(&timed)
            .map(|(job, (_, d))| (job_kind(job), *d)),
    );
    let results = timed.into_iter().map(|(r, _)| r);
    let mut files = Vec::with_capacity(results.len() + theme.assets.len());
    let mut diags = Diagnostics::new();
    for r in results {
        match r {
            Ok(f) => files.push(f),
            Err(d) => diags.push(d),
        }
    }
    for (rel, file) in &theme.assets {
        match file.read() {
            Ok(bytes) => match sink.put(OutputFile {
                path: rel.clone(),
                kind: FileKind::Asset,
                bytes: bytes.into_owned(),
            }) {
                Ok(f) => files.push(f),
                Err(d) => diags.push(d),
            },
            Err(e) => diags.push(
                Diagnostic::error(
                    "E061",
                    "テーマのファイルを読めません",
                    format!("cannot read asset: {e}"),
                )
                .at(Location::file(&theme_rel(theme).join("static").join(rel))),
            ),
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    // The sitemap lists the pages just rendered, so it cannot miss one.
    let pages: Vec<String> = files
        .iter()
        .filter(|f| f.kind == FileKind::Html)
        .map(|f| f.path.clone())
        .collect();
    let sitemap = sink
        .put(OutputFile {
            path: "sitemap.xml".into(),
            kind: FileKind::Asset,
            bytes: feeds::sitemap(m, &pages),
        })
        .map_err(|d| Diagnostics::from_iter([d]))?;
    files.push(sitemap);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((files, times))
}

/// Sizes in bytes of rendered files, by output path.
type Sizes = std::collections::BTreeMap<String, usize>;

/// A job's file (or error), its time, and its size when it is a data file.
type JobOutcome = (
    Result<OutputFile, Diagnostic>,
    std::time::Duration,
    Option<(String, usize)>,
);

fn data_page_file(m: &Model, theme: &Theme, sizes: &Sizes) -> Result<OutputFile, Diagnostic> {
    let view = portal::data_page(m, &|path| sizes.get(path).copied());
    Ok(OutputFile {
        path: format!("{}index.html", data::DATA_DIR),
        kind: FileKind::Html,
        bytes: page(theme, "data.html", &view)?.into_bytes(),
    })
}

/// What several jobs of one build need and is worth computing once: the
/// text diffs of a program serve its latest page and every year page. A
/// program's diffs are dropped when the last job that needs them is done
/// (the jobs of a program sit side by side in the job list), so a national
/// site never holds every program's diffs at once.
struct Cache {
    changes: Vec<std::sync::Mutex<Option<std::sync::Arc<Vec<diff::FieldChange>>>>>,
    /// Per program, how many jobs still need its diffs; 0 means "unknown,
    /// keep them".
    users: Vec<std::sync::atomic::AtomicUsize>,
}

impl Cache {
    fn new(m: &Model, jobs: &[Job]) -> Cache {
        let mut users = vec![0usize; m.programs.len()];
        for job in jobs {
            if let Job::Program(i) | Job::ProgramYear(i, _) = *job {
                users[i] += 1;
            }
        }
        Cache {
            changes: m.programs.iter().map(|_| Default::default()).collect(),
            users: users.into_iter().map(Into::into).collect(),
        }
    }

    /// The diffs of program `i`, for one job that needs them.
    fn changes(&self, m: &Model, i: usize) -> std::sync::Arc<Vec<diff::FieldChange>> {
        use std::sync::atomic::Ordering::AcqRel;
        // A poisoned lock only means another job panicked; the slot is fine.
        let mut slot = self.changes[i].lock().unwrap_or_else(|e| e.into_inner());
        let changes = slot
            .get_or_insert_with(|| std::sync::Arc::new(diff::program_changes(&m.programs[i])))
            .clone();
        let last = self.users[i].fetch_update(AcqRel, std::sync::atomic::Ordering::Acquire, |n| {
            n.checked_sub(1)
        }) == Ok(1);
        if last {
            *slot = None;
        }
        changes
    }
}

fn run(m: &Model, theme: &Theme, cache: &Cache, job: Job) -> Result<OutputFile, Diagnostic> {
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
        Job::Policy(i) if !m.form.is_default => {
            let p = &m.policies[i];
            (
                format!("{}index.html", policy_url(p)),
                page(theme, "sheet.html", &sheet_policy_page(m, p, &fmt))?,
            )
        }
        Job::Policy(i) => {
            let p = &m.policies[i];
            (
                format!("{}index.html", policy_url(p)),
                page(theme, "policy.html", &policy_page(m, p, &fmt))?,
            )
        }
        Job::Program(i) | Job::ProgramYear(i, _) if !m.form.is_default => {
            let p = &m.programs[i];
            let (y, latest) = match job {
                Job::ProgramYear(_, y) => (y, false),
                _ => (m.site.evaluation_year, true),
            };
            let path = if latest {
                program_url(p)
            } else {
                program_year_url(p, y)
            };
            (
                format!("{path}index.html"),
                page(
                    theme,
                    "sheet.html",
                    &sheet_program_page(m, p, y, latest, &fmt),
                )?,
            )
        }
        Job::PlanNode(n) => (
            format!("{}index.html", sheet::node_url(m, n)),
            page(theme, "plan.html", &plan_node_page(m, n, &fmt))?,
        ),
        Job::ProgramChart(i) if !m.form.is_default => {
            let p = &m.programs[i];
            let columns = m
                .form
                .year
                .blocks()
                .find_map(|b| match b {
                    crate::form::Block::Money { columns, .. } => Some(columns.clone()),
                    _ => None,
                })
                .unwrap_or_default();
            let years = sheet::chart_money_years(p, &columns);
            let c = chart::money_chart(
                &format!("{}の事業費の推移", p.name),
                fmt.unit,
                &years,
                |n| crate::form::show::money_text(n, fmt.unit),
            )
            .map_err(chart_error)?;
            return Ok(svg(format!("{}{}", program_url(p), sheet::MONEY_CHART), c));
        }
        Job::CostChart(i) => {
            let p = &m.programs[i];
            let c = chart::cost_chart(
                &format!("{}のトータルコスト（事業費と人件費）", p.name),
                &sheet::chart_cost_years(p),
                |n| crate::form::show::money_text(n, fmt.unit),
            )
            .map_err(chart_error)?;
            return Ok(svg(format!("{}{}", program_url(p), sheet::COST_CHART), c));
        }
        Job::SeriesChart(i, k) => {
            let p = &m.programs[i];
            let ind = &p.indicators[k];
            let title = format!(
                "{}の目標と実績",
                ind.name.value().cloned().unwrap_or_default()
            );
            let unit = ind.unit.value().map(String::as_str);
            let points =
                sheet::series_chart_parts(&title, unit, &sheet::program_series(p, &ind.id, k == 0))
                    .map_err(chart_error)?;
            let c =
                chart::series_chart(&title, unit.unwrap_or(""), &points).map_err(chart_error)?;
            return Ok(svg(
                format!("{}{}", program_url(p), sheet::indicator_chart_src(k + 1)),
                c,
            ));
        }
        Job::PolicySeriesChart(i, k) => {
            let p = &m.policies[i];
            let ind = &p.indicators[k];
            let title = format!("{}の目標と実績", ind.name);
            let points =
                sheet::series_chart_parts(&title, ind.unit.as_deref(), &sheet::policy_series(ind))
                    .map_err(chart_error)?;
            let c = chart::series_chart(&title, ind.unit.as_deref().unwrap_or(""), &points)
                .map_err(chart_error)?;
            return Ok(svg(
                format!("{}{}", policy_url(p), sheet::indicator_chart_src(k + 1)),
                c,
            ));
        }
        Job::Program(i) => {
            let p = &m.programs[i];
            let v = program_page(
                m,
                p,
                m.site.evaluation_year,
                true,
                &fmt,
                &cache.changes(m, i),
            );
            (
                format!("{}index.html", program_url(p)),
                page(theme, "program.html", &v)?,
            )
        }
        Job::ProgramYear(i, y) => {
            let p = &m.programs[i];
            let v = program_page(m, p, y, false, &fmt, &cache.changes(m, i));
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
        Job::Data(d) => return Ok(asset(data::path(m, d), data::render(m, d))),
        Job::SearchIndex => return Ok(asset(search::INDEX_PATH.into(), search::render(m))),
        Job::Robots => return Ok(asset("robots.txt".into(), feeds::robots(m))),
        Job::Feed => {
            let epoch = std::env::var("SOURCE_DATE_EPOCH")
                .ok()
                .and_then(|s| s.trim().parse::<i64>().ok());
            return Ok(asset("feed.xml".into(), feeds::atom(m, epoch)));
        }
        Job::SearchPage => (
            "search/index.html".into(),
            page(theme, "search.html", &portal::search_page(m))?,
        ),
        Job::DataPage => (
            format!("{}index.html", data::DATA_DIR),
            page(theme, "data.html", &portal::data_page(m, &|_| None))?,
        ),
        Job::Programs(order) => (
            order.path().into(),
            page(
                theme,
                "programs.html",
                &portal::programs_page(m, order, &fmt),
            )?,
        ),
        Job::Departments => (
            "departments/index.html".into(),
            page(
                theme,
                "departments.html",
                &portal::departments_page(m, &fmt),
            )?,
        ),
        Job::Department(k) => (
            format!(
                "{}index.html",
                portal::department_url(&portal::departments(m)[k])
            ),
            page(
                theme,
                "department.html",
                &portal::department_page(m, k, &fmt),
            )?,
        ),
        Job::Overview => (
            "overview/index.html".into(),
            page(theme, "overview.html", &portal::overview_page(m, &fmt))?,
        ),
        Job::Changes(y) => (
            format!("changes/{y}/index.html"),
            page(
                theme,
                "changes.html",
                &portal::changes_page(m, y, &diff::change_years(m), &fmt),
            )?,
        ),
        Job::AccessibilityPolicy | Job::AccessibilityResults => {
            let Some(a) = m.site.accessibility.as_ref() else {
                unreachable!("accessibility pages are only listed when configured")
            };
            if matches!(job, Job::AccessibilityPolicy) {
                (
                    format!("{}index.html", accessibility::POLICY_PATH),
                    page(
                        theme,
                        "accessibility.html",
                        &accessibility::policy_page(m, a),
                    )?,
                )
            } else {
                (
                    format!("{}index.html", accessibility::RESULTS_PATH),
                    page(
                        theme,
                        "accessibility_results.html",
                        &accessibility::results_page(m, a),
                    )?,
                )
            }
        }
    };
    Ok(OutputFile {
        path,
        kind: FileKind::Html,
        bytes: html.into_bytes(),
    })
}

/// A file written as is: data, feeds, the search index.
fn asset(path: String, bytes: Vec<u8>) -> OutputFile {
    OutputFile {
        path,
        kind: FileKind::Asset,
        bytes,
    }
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
