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

/// Reads the report named in site.toml (relative to the site root). A missing
/// or unreadable report is a warning: the statement is still published,
/// saying that no results are available yet.
pub fn read_report(root: &Path, rel: &str, diags: &mut Diagnostics) -> Option<Report> {
    let path = root.join(rel);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            diags.push(
                Diagnostic::warning(
                    "W030",
                    "アクセシビリティ試験の結果ファイルを読めません",
                    format!("cannot read the accessibility report: {e}"),
                )
                .at(Location::file(Path::new(rel)))
                .help("tests/browser/run.sh を実行して結果ファイルを作るか、site.toml の `accessibility.report` を直してください / run tests/browser/run.sh, or correct `accessibility.report` in site.toml"),
            );
            return None;
        }
    };
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
