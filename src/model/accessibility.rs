//! The accessibility statement (アクセシビリティ方針) and the test results
//! (試験結果) a Japanese public site publishes: the settings of site.toml's
//! `[accessibility]` table, and the latest report written by the browser
//! checks (tests/browser/run.sh), read once while loading.

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::load::raw::RawAccessibility;
use serde::Deserialize;
use std::path::Path;

/// What the pages show; absent when site.toml has no `[accessibility]`.
#[derive(Debug, Clone)]
pub struct Accessibility {
    /// 目標とする適合レベル
    pub target: String,
    /// 対象範囲
    pub scope: String,
    /// 方針の本文, one paragraph per line.
    pub policy: Vec<String>,
    /// 問い合わせ先
    pub contact: Option<String>,
    /// The latest report, when one is configured and readable.
    pub report: Option<Report>,
}

impl Accessibility {
    pub fn of(raw: &RawAccessibility, report: Option<Report>) -> Self {
        Accessibility {
            target: raw.target.clone(),
            scope: raw.scope.clone(),
            policy: raw
                .policy
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect(),
            contact: raw.contact.clone(),
            report,
        }
    }
}

/// The part of tests/browser/report.json the results page shows.
#[derive(Debug, Clone, Deserialize)]
pub struct Report {
    /// When the checks ran (RFC 3339).
    pub generated: String,
    pub tools: ReportTools,
    pub axe_tags: Vec<String>,
    pub reflow_width: u32,
    pub sites: Vec<ReportSite>,
    pub ok: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReportTools {
    pub vnu: String,
    pub axe_core: String,
    pub chromium: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReportSite {
    pub name: String,
    pub pages: Vec<ReportPage>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReportPage {
    pub page: String,
    pub nu_errors: u32,
    pub nu_warnings: u32,
    pub axe_violations: u32,
    #[serde(default)]
    pub problems: Vec<String>,
}

/// The largest report read: the real one is a few kilobytes.
pub const MAX_REPORT_BYTES: u64 = 8 << 20;

/// Reads the report named in site.toml (relative to the site root; `at` is
/// where `accessibility.report` is written). A missing or malformed report
/// is a warning: the statement is still published, saying that no results
/// are available yet. A report outside the site root (E075), or one that
/// is not a regular file or is too large (E076) — a FIFO would hang the
/// build, `/dev/zero` never end — is an error and is never opened.
pub fn read_report(
    root: &Path,
    rel: &str,
    at: Location,
    diags: &mut Diagnostics,
) -> Option<Report> {
    let path = root.join(rel);
    let root_real = crate::output::resolve(root);
    let real = crate::output::resolve(&path);
    if !real.starts_with(&root_real) {
        diags.push(
            Diagnostic::error(
                "E075",
                "アクセシビリティ試験の結果ファイルがサイトのフォルダの外にあります",
                format!(
                    "the accessibility report `{rel}` lies outside the site root ({})",
                    real.display()
                ),
            )
            .at(at)
            .help("サイトのフォルダからの相対パスで書いてください（例：tests/browser/report.json）/ write a path inside the site root, relative to it"),
        );
        return None;
    }
    let too_big = |size: u64| {
        Diagnostic::error(
            "E076",
            format!(
                "アクセシビリティ試験の結果ファイルが大きすぎます（{size} バイト、上限 {MAX_REPORT_BYTES} バイト）"
            ),
            format!("the accessibility report `{rel}` is too large ({size} bytes, at most {MAX_REPORT_BYTES})"),
        )
    };
    match std::fs::metadata(&real) {
        Ok(m) if !m.is_file() => {
            diags.push(
                Diagnostic::error(
                    "E076",
                    "アクセシビリティ試験の結果ファイルが通常のファイルではありません",
                    format!("the accessibility report `{rel}` is not a regular file (a folder, FIFO or device)"),
                )
                .at(at)
                .help("tests/browser/run.sh が書いた JSON ファイルを指定してください / name the JSON file tests/browser/run.sh writes"),
            );
            return None;
        }
        Ok(m) if m.len() > MAX_REPORT_BYTES => {
            diags.push(too_big(m.len()).at(at));
            return None;
        }
        _ => {}
    }
    let mut text = String::new();
    let read = std::fs::File::open(&real).and_then(|f| {
        use std::io::Read;
        f.take(MAX_REPORT_BYTES + 1).read_to_string(&mut text)
    });
    match read {
        Ok(n) if n as u64 > MAX_REPORT_BYTES => {
            diags.push(too_big(n as u64).at(at));
            return None;
        }
        Ok(_) => {}
        Err(e) => {
            diags.push(
                Diagnostic::warning(
                    "W030",
                    "アクセシビリティ試験の結果ファイルを読めません",
                    format!("cannot read the accessibility report: {e}"),
                )
                .at(at)
                .help("tests/browser/run.sh を実行して結果ファイルを作るか、site.toml の `accessibility.report` を直してください / run tests/browser/run.sh, or correct `accessibility.report` in site.toml"),
            );
            return None;
        }
    }
    match serde_json::from_str::<Report>(&text) {
        Ok(r) => Some(r),
        Err(e) => {
            diags.push(
                Diagnostic::warning(
                    "W031",
                    "アクセシビリティ試験の結果ファイルの形式が違います",
                    format!(
                        "the accessibility report is not a report of tests/browser/run.sh: {e}"
                    ),
                )
                .at(Location::file(Path::new(rel))),
            );
            None
        }
    }
}
