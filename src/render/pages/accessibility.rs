//! The accessibility statement (アクセシビリティ方針) and the test results
//! page (試験結果), made when site.toml has an `[accessibility]` table. The
//! results come from the latest report of the browser checks; with none, the
//! page says so instead of claiming a result.

use crate::model::accessibility::{Accessibility, Report};
use crate::model::Model;
use crate::render::pages::common;
use crate::render::view::*;
use serde::Serialize;

pub const POLICY_PATH: &str = "accessibility/";
pub const RESULTS_PATH: &str = "accessibility/results/";

#[derive(Debug, Serialize)]
pub struct PolicyPage {
    #[serde(flatten)]
    pub common: Common,
    pub target: String,
    pub scope: String,
    pub policy: Vec<String>,
    pub contact: Option<String>,
    pub results_url: String,
}

#[derive(Debug, Serialize)]
pub struct ResultsPage {
    #[serde(flatten)]
    pub common: Common,
    pub target: String,
    pub policy_url: String,
    pub report: Option<ReportView>,
}

#[derive(Debug, Serialize)]
pub struct ReportView {
    /// 試験日 (the date of the report, YYYY年M月D日)
    pub date: String,
    pub tools: Vec<Link>,
    pub criteria: String,
    pub reflow_width: u32,
    pub passed: bool,
    pub sites: Vec<SiteResults>,
}

#[derive(Debug, Serialize)]
pub struct SiteResults {
    pub name: String,
    pub page_count: usize,
    pub passed_count: usize,
    pub pages: Vec<PageResult>,
}

#[derive(Debug, Serialize)]
pub struct PageResult {
    pub page: String,
    pub nu_errors: u32,
    pub nu_warnings: u32,
    pub axe_violations: u32,
    /// 適合 or 不適合
    pub verdict: String,
    pub notes: String,
}

fn crumbs(results: bool) -> Vec<Link> {
    let mut c = vec![Link {
        name: "アクセシビリティ方針".into(),
        url: Some(POLICY_PATH.into()),
    }];
    if results {
        c.push(Link {
            name: "試験結果".into(),
            url: None,
        });
    }
    c
}

pub fn policy_page(m: &Model, a: &Accessibility) -> PolicyPage {
    PolicyPage {
        common: common(
            m,
            1,
            "アクセシビリティ方針",
            format!("{}のアクセシビリティ方針", m.site.title),
            POLICY_PATH,
            crumbs(false),
        ),
        target: a.target.clone(),
        scope: a.scope.clone(),
        policy: a.policy.clone(),
        contact: a.contact.clone(),
        results_url: "results/".into(),
    }
}

pub fn results_page(m: &Model, a: &Accessibility) -> ResultsPage {
    ResultsPage {
        common: common(
            m,
            2,
            "アクセシビリティ試験結果",
            format!("{}のアクセシビリティ試験結果", m.site.title),
            RESULTS_PATH,
            crumbs(true),
        ),
        target: a.target.clone(),
        policy_url: "../".into(),
        report: a.report.as_ref().map(report_view),
    }
}

/// "2026-11-25T14:39:13Z" → 2026年11月25日; anything else is shown as written.
fn date_label(rfc3339: &str) -> String {
    let parts: Vec<&str> = rfc3339.get(..10).unwrap_or("").split('-').collect();
    match parts.as_slice() {
        [y, mo, d] => match (y.parse::<u32>(), mo.parse::<u32>(), d.parse::<u32>()) {
            (Ok(y), Ok(mo), Ok(d)) => format!("{y}年{mo}月{d}日"),
            _ => rfc3339.to_string(),
        },
        _ => rfc3339.to_string(),
    }
}

fn report_view(r: &Report) -> ReportView {
    ReportView {
        date: date_label(&r.generated),
        tools: vec![
            Link {
                name: format!("Nu HTML Checker {}", r.tools.vnu),
                url: Some("https://validator.github.io/validator/".into()),
            },
            Link {
                name: format!("axe-core {}", r.tools.axe_core),
                url: Some("https://github.com/dequelabs/axe-core".into()),
            },
            Link {
                name: format!("Chromium {}（ヘッドレス）", r.tools.chromium),
                url: None,
            },
        ],
        criteria: r.axe_tags.join("、"),
        reflow_width: r.reflow_width,
        passed: r.ok,
        sites: r
            .sites
            .iter()
            .map(|s| {
                let pages: Vec<PageResult> = s
                    .pages
                    .iter()
                    .map(|p| {
                        let ok = p.nu_errors == 0 && p.axe_violations == 0 && p.problems.is_empty();
                        PageResult {
                            page: p.page.clone(),
                            nu_errors: p.nu_errors,
                            nu_warnings: p.nu_warnings,
                            axe_violations: p.axe_violations,
                            verdict: if ok { "適合" } else { "不適合" }.into(),
                            notes: p.problems.join("／"),
                        }
                    })
                    .collect();
                SiteResults {
                    name: s.name.clone(),
                    page_count: pages.len(),
                    passed_count: pages.iter().filter(|p| p.verdict == "適合").count(),
                    pages,
                }
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_dates_read_in_japanese() {
        assert_eq!(date_label("2026-11-25T14:39:13.624Z"), "2026年11月25日");
        assert_eq!(date_label("yesterday"), "yesterday");
    }
}
