//! mieru (見える) builds a public website from a city's administrative
//! evaluation sheets (行政評価シート) kept as TOML files.
//!
//! The pipeline, one module per stage:
//! [`load`] (files → raw structs with spans) → [`validate`] (all problems at
//! once) → [`model`] (typed, computed once) → [`render`] (a flat list of
//! independent page and chart jobs, in parallel, using [`chart`]) →
//! [`output`] (minify, write atomically). [`diag`] carries the problems.

pub mod chart;
pub mod diag;
pub mod form;
pub mod import;
pub mod load;
pub mod model;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod serve;
pub mod synth;
pub mod validate;

use diag::{Diagnostic, Diagnostics, Location};
use model::Model;
use render::{FileKind, OutputFile, Theme};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A site rendered in memory: every file, and the warnings met on the way.
#[derive(Debug)]
pub struct Rendered {
    pub model: Model,
    pub files: Vec<OutputFile>,
    pub warnings: Diagnostics,
}

impl Rendered {
    pub fn pages(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.kind == FileKind::Html)
            .count()
    }
    pub fn charts(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.kind == FileKind::Svg)
            .count()
    }
}

/// Loads, validates, models and renders the site at `root` without writing
/// anything. Whatever `build` would fail on, this fails on.
pub fn check(root: &Path) -> Result<Rendered, Diagnostics> {
    check_timed(root, &mut Timings::default())
}

/// Wall time of each stage of a build, and the time summed over threads of
/// each kind of render job (pages and charts are rendered side by side, so
/// their shares are told apart this way).
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// Each stage's wall time and the process's peak resident memory at
    /// its end (bytes; Linux only).
    pub stages: Vec<(&'static str, Duration, Option<u64>)>,
    pub jobs: Vec<render::JobTime>,
}

impl Timings {
    fn lap(&mut self, stage: &'static str, since: &mut Instant) {
        let now = Instant::now();
        self.stages.push((stage, now - *since, peak_rss()));
        *since = now;
    }

    /// A table for the terminal.
    pub fn table(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let total: Duration = self.stages.iter().map(|(_, d, _)| *d).sum();
        let _ = writeln!(s, "{:<22} {:>9} {:>12}", "stage", "wall ms", "peak RSS MB");
        for (name, d, rss) in &self.stages {
            let rss = rss.map_or("-".to_string(), |b| format!("{:.0}", b as f64 / 1e6));
            let _ = writeln!(s, "{:<22} {:>9.1} {:>12}", name, d.as_secs_f64() * 1e3, rss);
        }
        let _ = writeln!(s, "{:<22} {:>9.1}", "total", total.as_secs_f64() * 1e3);
        if !self.jobs.is_empty() {
            let _ = writeln!(
                s,
                "\n{:<22} {:>7} {:>11} {:>10}",
                "render job", "count", "cpu ms", "slowest ms"
            );
            for j in &self.jobs {
                let _ = writeln!(
                    s,
                    "{:<22} {:>7} {:>11.1} {:>10.2}",
                    j.kind,
                    j.jobs,
                    j.total.as_secs_f64() * 1e3,
                    j.slowest.as_secs_f64() * 1e3
                );
            }
        }
        s
    }
}

/// The peak resident memory of this process so far (`VmHWM`), where the
/// system tells it.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// [`check`], keeping of each file only its path and kind, not its bytes:
/// what `mieru check` runs, in memory bounded on a site of any size.
pub fn verify(root: &Path) -> Result<Rendered, Diagnostics> {
    verify_with_base_url(root, None)
}

/// [`verify`] with `base_url` in place of site.toml's (`--base-url`, for a
/// preview deploy); it is checked like the key.
pub fn verify_with_base_url(root: &Path, base_url: Option<&str>) -> Result<Rendered, Diagnostics> {
    check_into(root, base_url, &mut Timings::default(), &render::Discard)
}

/// Puts `url` in place of site.toml's `base_url`, when it passes the same
/// check as the key (E018, located at the option).
fn override_base_url(raw: &mut load::RawContent, url: &str, diags: &mut Diagnostics) {
    if !validate::is_web_address(url) {
        diags.push(
            Diagnostic::error(
                "E018",
                "`--base-url` は https:// で始まるアドレスではありません",
                format!("--base-url must be an http(s) address without spaces or quotes: `{url}`"),
            )
            .at(Location::file(Path::new("--base-url")))
            .help("例 / e.g. --base-url https://www.city.example.lg.jp/hyoka"),
        );
    } else if let Some(site) = raw.site.as_mut() {
        site.data.base_url = Some(url.to_string());
    }
}

/// [`check`], recording the time of each stage in `timings`.
pub fn check_timed(root: &Path, timings: &mut Timings) -> Result<Rendered, Diagnostics> {
    check_into(root, None, timings, &render::Keep)
}

/// [`check_timed`], handing every rendered file to `sink` (see
/// [`render::render_site_into`]).
fn check_into(
    root: &Path,
    base_url: Option<&str>,
    timings: &mut Timings,
    sink: &dyn render::Sink,
) -> Result<Rendered, Diagnostics> {
    let mut lap = Instant::now();
    let mut diags = Diagnostics::new();
    let mut raw = load::load(root, &mut diags);
    timings.lap("load", &mut lap);
    validate::validate(&raw, &mut diags);
    if let Some(url) = base_url {
        override_base_url(&mut raw, url, &mut diags);
    }
    timings.lap("validate", &mut lap);
    let model = if diags.has_errors() {
        None
    } else {
        Model::build(&raw)
    };
    timings.lap("model", &mut lap);
    let Some(model) = model else {
        if !diags.has_errors() {
            diags.push(Diagnostic::error(
                "E009",
                "site.toml を読めませんでした",
                "content/site.toml could not be read",
            ));
        }
        return Err(diags.sorted());
    };
    let theme = match raw.site.as_ref() {
        Some(site) => {
            let name = site.data.theme.get_ref();
            if !render::theme::exists(root, name) {
                diags.push(
                    Diagnostic::error(
                        "E065",
                        format!("テーマ `{name}` がありません"),
                        format!("theme `{name}` not found"),
                    )
                    .at(site.file.locate(site.data.theme.span()))
                    .help(format!(
                        "themes/{name}/ フォルダを置くか、theme の行を消して組み込みのテーマを使ってください / expected the folder themes/{name}/ (or remove the line to use the built-in theme)"
                    )),
                );
                return Err(diags.sorted());
            }
            Theme::load(root, name)
        }
        None => unreachable_site(),
    };
    let theme = match theme {
        Ok(t) => t,
        Err(d) => {
            diags.extend(d);
            return Err(diags.sorted());
        }
    };
    // The parsed files (with their source text) are not needed past this point.
    drop(raw);
    timings.lap("theme", &mut lap);
    let rendered = render::render_site_into(&model, &theme, sink);
    timings.lap("render", &mut lap);
    match rendered {
        Ok((files, jobs)) => {
            timings.jobs = jobs;
            Ok(Rendered {
                model,
                files,
                warnings: diags.sorted(),
            })
        }
        Err(d) => {
            diags.extend(d);
            Err(diags.sorted())
        }
    }
}

fn unreachable_site() -> Result<Theme, Diagnostics> {
    Err([Diagnostic::error(
        "E009",
        "site.toml を読めませんでした",
        "content/site.toml could not be read",
    )
    .at(Location::file(Path::new("content/site.toml")))]
    .into_iter()
    .collect())
}

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Default: `root/output`.
    pub output: Option<PathBuf>,
    /// Replace a non-empty output folder that mieru did not write.
    pub force: bool,
    /// Fail, leaving the output untouched, when there are warnings.
    pub deny_warnings: bool,
    /// In place of site.toml's `base_url` (`--base-url`).
    pub base_url: Option<String>,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            output: None,
            force: false,
            deny_warnings: false,
            base_url: None,
        }
    }
    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("output"))
    }
}

#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    pub charts: usize,
    pub files: usize,
    pub bytes: u64,
    pub elapsed: Duration,
    pub output: PathBuf,
    pub warnings: Diagnostics,
    pub timings: Timings,
}

#[derive(Debug)]
pub enum BuildError {
    /// Problems in content/ or the theme (exit code 1).
    Content(Diagnostics),
    /// The output could not be written (exit code 2).
    Output(output::OutputError),
}

/// The build's sink: each file is minified and written into the staging
/// folder as soon as it is rendered, so memory holds the files in flight,
/// not the site. Keeps the first output error and the time spent writing.
struct StagingSink<'a> {
    staging: &'a output::Staging,
    failed: std::sync::Mutex<Option<output::OutputError>>,
    output_time: std::sync::atomic::AtomicU64,
}

impl StagingSink<'_> {
    fn fail(&self, e: output::OutputError) -> Diagnostic {
        let d = Diagnostic::error("E070", e.message_ja.clone(), e.message_en.clone());
        if let Ok(mut slot) = self.failed.lock() {
            slot.get_or_insert(e);
        }
        d
    }
}

impl render::Sink for StagingSink<'_> {
    fn put(&self, f: render::OutputFile) -> Result<render::OutputFile, Diagnostic> {
        let start = Instant::now();
        let r = self.staging.write(f);
        self.output_time.fetch_add(
            start.elapsed().as_nanos() as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
        r.map_err(|e| self.fail(e))
    }

    /// Written straight into the staging folder; the time counts as the
    /// job's, since rendering and writing are one pass.
    fn put_streamed(
        &self,
        path: String,
        kind: FileKind,
        fill: &render::Fill,
    ) -> Result<(render::OutputFile, usize), Diagnostic> {
        match self.staging.write_streamed(&path, fill) {
            Ok(size) => Ok((
                render::OutputFile {
                    path,
                    kind,
                    bytes: Vec::new(),
                },
                size,
            )),
            Err(e) => Err(self.fail(e)),
        }
    }
}

/// Builds the site at `opts.root` into its output folder. On any error the
/// previous output is left exactly as it was.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    let start = Instant::now();
    let out = opts.output_dir();
    output::check_output_dir(&opts.root, &out, opts.force).map_err(BuildError::Output)?;
    let mut timings = Timings::default();
    // Each file is minified and written into the staging folder as soon as
    // it is rendered, so memory holds the files in flight, not the site.
    let staging =
        output::Staging::create(&opts.root, &out, opts.force).map_err(BuildError::Output)?;
    let sink = StagingSink {
        staging: &staging,
        failed: std::sync::Mutex::new(None),
        output_time: std::sync::atomic::AtomicU64::new(0),
    };
    let rendered = check_into(&opts.root, opts.base_url.as_deref(), &mut timings, &sink);
    let output_time = sink.output_time.load(std::sync::atomic::Ordering::Relaxed);
    if let Some(e) = sink.failed.into_inner().ok().flatten() {
        staging.abort();
        return Err(BuildError::Output(e));
    }
    let rendered = match rendered {
        Ok(r) => r,
        Err(d) => {
            staging.abort();
            return Err(BuildError::Content(d));
        }
    };
    if opts.deny_warnings && !rendered.warnings.is_empty() {
        staging.abort();
        return Err(BuildError::Content(rendered.warnings));
    }
    timings.jobs.push(render::JobTime {
        kind: "(minify + write)".into(),
        jobs: rendered.files.len(),
        total: Duration::from_nanos(output_time),
        slowest: Duration::ZERO,
    });
    let (pages, charts) = (rendered.pages(), rendered.charts());
    let mut lap = Instant::now();
    let written = staging.commit().map_err(BuildError::Output)?;
    timings.lap("swap", &mut lap);
    let mut warnings = rendered.warnings;
    if let Some(e) = written.leftover {
        // The new site is in place; only the old copy is left over.
        warnings.push(
            Diagnostic::warning("W010", e.message_ja, e.message_en)
                .at(Location::file(&e.path))
                .help("次回の生成時に削除します。消せない理由（権限・属性）を確かめてください / the next build removes it; check why it cannot be removed (permissions, attributes)"),
        );
    }
    Ok(BuildReport {
        pages,
        charts,
        files: written.files,
        bytes: written.bytes,
        elapsed: start.elapsed(),
        output: out,
        warnings,
        timings,
    })
}
