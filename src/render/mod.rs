//! Rendering: turns the model into a flat list of independent jobs (one per
//! page, one per chart, the theme's static files) and runs them in parallel.
//! Each job is a pure function of the model and returns the bytes of one
//! file; writing them is the output stage's business.

pub mod accessibility;
pub mod data;
pub mod diff;
pub mod feeds;
pub mod portal;
pub mod search;
pub mod theme;
pub mod view;

use crate::chart::{self, BudgetYear, IndicatorPoint, IndicatorSeries};
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::model::format::{money, percent, wareki_fiscal_year};
use crate::model::value::{Measure, SheetValue};
use crate::model::{Model, Policy, PolicyIndicator, Program};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
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
    Program(usize),
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
    // A parse error's own drawing of the line is shown by the diagnostic;
    // keep its first words and its "= expected …" conclusion.
    let en = match (msg.split_once("-->"), msg.rsplit_once("\n  = ")) {
        (Some((head, _)), Some((_, tail))) => format!("{} {}", head.trim_end(), tail),
        _ => msg.clone(),
    };
    Diagnostic::error(
        "E063",
        "テンプレートの処理に失敗しました",
        en.split_whitespace().collect::<Vec<_>>().join(" "),
    )
    .at(template_place(&template, &msg))
    .help("誤りは content/ ではなくテーマのテンプレートにあります / the error is in the theme's template, not in content/")
}

/// The line and column of a template syntax error, from the parser's
/// ` --> line:col` and `line | text` lines; the whole template otherwise.
fn template_place(template: &Path, msg: &str) -> Location {
    let place = msg.split_once("--> ").and_then(|(_, rest)| {
        let lc = rest.split_whitespace().next()?;
        let (l, c) = lc.split_once(':')?;
        Some((l.parse::<usize>().ok()?, c.parse::<usize>().ok()?))
    });
    match place {
        Some((line, col)) => {
            let prefix = format!("{line} | ");
            let source = msg
                .lines()
                .find_map(|l| l.trim_start().strip_prefix(prefix.as_str()))
                .unwrap_or("");
            Location::at_line(template, line, col, source)
        }
        None => Location::file(template),
    }
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
        Job::Policy(i) => {
            let p = &m.policies[i];
            (
                format!("{}index.html", policy_url(p)),
                page(theme, "policy.html", &policy_page(m, p, &fmt))?,
            )
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
        if let Some(at) = render_error_place(theme, &d.message_en) {
            d.location = Some(Box::new(at));
        }
        d
    })
}

/// Where in its template a render error is. Tera tells no line for these,
/// only the name it could not resolve (`Variable `x.y` not found`, a
/// function, filter or test) and the template being rendered: the first
/// place that name is used in that template, inside `{{ }}` or `{% %}`.
fn render_error_place(theme: &Theme, msg: &str) -> Option<Location> {
    let name = ["Variable `", "Function `", "Filter `", "Test `"]
        .iter()
        .filter_map(|k| msg.split_once(k))
        .map(|(_, rest)| rest.split('`').next().unwrap_or(""))
        .find(|n| !n.is_empty())?;
    // The innermost template: the last one named.
    let template = msg
        .split('\'')
        .skip(1)
        .step_by(2)
        .filter(|t| t.ends_with(".html") && !t.split('/').any(|p| p == ".."))
        .last()?;
    let text = std::fs::read_to_string(theme.dir.join("templates").join(template)).ok()?;
    let mut from = 0;
    while let Some(i) = text[from..].find(name) {
        let at = from + i;
        let before = &text[..at];
        let open = before.rfind("{{").max(before.rfind("{%"));
        let close = before.rfind("}}").max(before.rfind("%}"));
        let ident =
            |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.');
        let whole =
            !ident(before.chars().next_back()) && !ident(text[at + name.len()..].chars().next());
        if whole && open.is_some() && open > close {
            let path = theme_rel(theme).join("templates").join(template);
            return Some(Location::at(&path, &text, at..at + name.len()));
        }
        from = at + name.len();
    }
    None
}

fn theme_rel(theme: &Theme) -> PathBuf {
    let name = theme.dir.file_name().map(PathBuf::from).unwrap_or_default();
    Path::new(THEMES_DIR).join(name)
}

/// The way back to the site root from a page `depth` folders down; "./" at
/// the top, so that no link is an empty `href`.
fn depth_root(depth: usize) -> String {
    if depth == 0 {
        "./".to_string()
    } else {
        "../".repeat(depth)
    }
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
    // The 404 page is served at any depth, so its links start from the path
    // of base_url ("/joso/" for https://example.org/joso) when there is one.
    let mut c = common(
        m,
        0,
        "ページが見つかりません",
        "お探しのページは見つかりませんでした。".into(),
        "404.html",
        vec![],
    );
    if let Some(base) = &m.site.base_url {
        c.root = site_path(base);
    }
    c.breadcrumbs.push(Link {
        name: "ページが見つかりません".into(),
        url: None,
    });
    c.breadcrumbs[0].url = Some(String::new());
    c
}

/// The path part of a base URL, with leading and trailing slashes:
/// "https://example.org/joso" → "/joso/", "https://example.org" → "/".
fn site_path(base_url: &str) -> String {
    let after_scheme = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    let path = path
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .trim_matches('/');
    if path.is_empty() {
        "/".to_string()
    } else {
        format!("/{path}/")
    }
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
        other_actuals: ind
            .actuals
            .iter()
            .filter(|p| num(&p.value).is_none())
            .map(|p| (p.year, p.value.clone()))
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
        data_csv: format!("{}data.csv", policy_url(p)),
        data_json: format!("{}data.json", policy_url(p)),
        budget_chart: (!budget_years.is_empty()).then(|| ChartRef {
            src: "budget.svg".into(),
            alt: chart::budget_desc(&chart_title, &budget_years, &|n| money(n, &unit)),
            title: chart_title,
        }),
    }
}

fn program_page(
    m: &Model,
    p: &Program,
    y: i32,
    is_latest: bool,
    fmt: &Fmt,
    text_changes: &[diff::FieldChange],
) -> ProgramPage {
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
    let budget_years = if is_latest {
        program_budget_years(p)
    } else {
        Vec::new()
    };
    let chart_title = program_chart_title(p);
    let money_unit = m.site.money_unit.clone();
    let history_years: Vec<i32> = p.years.keys().copied().collect();
    // The year-by-year tables and chart are on the program's page; a past
    // sheet links there instead of repeating them.
    let table_years: &[i32] = if is_latest { &history_years } else { &[] };
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
        history: table_years
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
                    rating: h.rating.clone(),
                }
            })
            .collect(),
        funding: table_years
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
        staff: table_years
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
            .filter(|_| is_latest)
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
        chart: (is_latest && !budget_years.is_empty()).then(|| ChartRef {
            src: "budget.svg".into(),
            alt: chart::budget_desc(&chart_title, &budget_years, &|n| money(n, &money_unit)),
            title: chart_title,
        }),
        // Each sheet shows what changed from the year before it; the
        // changes pages gather them by year.
        text_changes: text_changes
            .iter()
            .filter(|c| c.to_year == y)
            .cloned()
            .collect(),
        data_csv: format!("{}data.csv", program_url(p)),
        data_json: format!("{}data.json", program_url(p)),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_path_keeps_only_the_path_of_base_url() {
        assert_eq!(
            site_path("https://example.org/joso-gyosei-hyoka"),
            "/joso-gyosei-hyoka/"
        );
        assert_eq!(site_path("https://example.org/a/b/"), "/a/b/");
        assert_eq!(site_path("https://example.org"), "/");
        assert_eq!(site_path("https://example.org/?x=1"), "/");
    }
}
