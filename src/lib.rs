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
pub mod load;
pub mod model;
pub mod output;
pub mod render;
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
    let mut diags = Diagnostics::new();
    let raw = load::load(root, &mut diags);
    validate::validate(&raw, &mut diags);
    let model = if diags.has_errors() {
        None
    } else {
        Model::build(&raw)
    };
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
            if !root.join(render::THEMES_DIR).join(name).is_dir() {
                diags.push(
                    Diagnostic::error(
                        "E021",
                        format!("テーマ `{name}` がありません"),
                        format!("theme `{name}` not found"),
                    )
                    .at(site.file.locate(site.data.theme.span()))
                    .help(format!("expected the folder themes/{name}/")),
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
    match render::render_site(&model, &theme) {
        Ok(files) => Ok(Rendered {
            model,
            files,
            warnings: diags.sorted(),
        }),
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
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            output: None,
            force: false,
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
}

#[derive(Debug)]
pub enum BuildError {
    /// Problems in content/ or the theme (exit code 1).
    Content(Diagnostics),
    /// The output could not be written (exit code 2).
    Output(output::OutputError),
}

/// Builds the site at `opts.root` into its output folder. On any error the
/// previous output is left exactly as it was.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    let start = Instant::now();
    let out = opts.output_dir();
    output::check_output_dir(&opts.root, &out, opts.force).map_err(BuildError::Output)?;
    let mut rendered = check(&opts.root).map_err(BuildError::Content)?;
    let (pages, charts) = (rendered.pages(), rendered.charts());
    output::minify(&mut rendered.files);
    let written = output::write_site(&opts.root, &out, &rendered.files, opts.force)
        .map_err(BuildError::Output)?;
    Ok(BuildReport {
        pages,
        charts,
        files: written.files,
        bytes: written.bytes,
        elapsed: start.elapsed(),
        output: out,
        warnings: rendered.warnings,
    })
}
