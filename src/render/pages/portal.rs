//! The pages that help a reader find their way across the sheets: all
//! programs in three pre-rendered orders, one page per department (担当課),
//! an overview of totals and ratings, a changes page per fiscal year, the
//! search page and the open-data page.

use crate::model::format::wareki_fiscal_year;
use crate::model::value::SheetValue;
use crate::model::{total, Model, Program};
use crate::render::data::{self, DataJob, DATASETS};
use crate::render::diff::{budget_changes, ChangeKind};
use crate::render::pages::common;
use crate::render::view::Fmt;
use crate::render::view::*;
use serde::Serialize;
use std::collections::BTreeMap;

// ---- departments ------------------------------------------------------

/// A department: its name, a stable ASCII slug and its programs.
#[derive(Debug, Clone)]
pub struct Department {
    pub name: String,
    pub slug: String,
    pub programs: Vec<usize>,
}

/// FNV-1a, 32 bits: a short hash that stays the same from build to build
/// and does not move when another department is added.
fn fnv1a(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Departments ordered by name. The slug is `d` and the FNV-1a hash of the
/// name in hex; a (rare) clash gets `-2`, `-3` in name order.
pub fn departments(m: &Model) -> Vec<Department> {
    let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, p) in m.programs.iter().enumerate() {
        by_name.entry(p.department.as_str()).or_default().push(i);
    }
    let mut seen: Vec<String> = Vec::new();
    by_name
        .into_iter()
        .map(|(name, programs)| {
            let base = format!("d{:08x}", fnv1a(name));
            let mut slug = base.clone();
            let mut n = 2;
            while seen.contains(&slug) {
                slug = format!("{base}-{n}");
                n += 1;
            }
            seen.push(slug.clone());
            Department {
                name: name.to_string(),
                slug,
                programs,
            }
        })
        .collect()
}

pub fn department_url(d: &Department) -> String {
    format!("departments/{}/", d.slug)
}

// ---- views ------------------------------------------------------------

/// A row of a program list.
#[derive(Debug, Serialize)]
pub struct ProgramRow {
    pub name: String,
    pub url: String,
    pub department: String,
    pub department_url: String,
    pub policy: String,
    pub policy_url: String,
    pub budget: Shown,
    pub settlement: Shown,
    pub rating: Option<String>,
    /// Lower-cased text the filter script matches against.
    pub filter_text: String,
}

#[derive(Debug, Serialize)]
pub struct OrderLink {
    pub name: String,
    pub url: String,
    pub current: bool,
}

#[derive(Debug, Serialize)]
pub struct ProgramsPage {
    #[serde(flatten)]
    pub common: Common,
    pub order_label: String,
    pub orders: Vec<OrderLink>,
    pub budget_label: String,
    pub settlement_label: String,
    pub rating_label: String,
    pub programs: Vec<ProgramRow>,
}

#[derive(Debug, Serialize)]
pub struct DepartmentSummary {
    pub name: String,
    pub url: String,
    pub count: usize,
    pub budget: ShownTotal,
}

#[derive(Debug, Serialize)]
pub struct DepartmentsPage {
    #[serde(flatten)]
    pub common: Common,
    pub budget_label: String,
    pub departments: Vec<DepartmentSummary>,
}

#[derive(Debug, Serialize)]
pub struct YearTotalRow {
    pub year_label: String,
    pub budget: ShownTotal,
    pub settlement: ShownTotal,
}

#[derive(Debug, Serialize)]
pub struct DepartmentPage {
    #[serde(flatten)]
    pub common: Common,
    pub name: String,
    pub budget_label: String,
    pub settlement_label: String,
    pub rating_label: String,
    pub programs: Vec<ProgramRow>,
    pub totals: Vec<YearTotalRow>,
}

#[derive(Debug, Serialize)]
pub struct OverviewPolicy {
    pub name: String,
    pub url: String,
    pub count: usize,
    pub budget: ShownTotal,
    pub settlement: ShownTotal,
}

#[derive(Debug, Serialize)]
pub struct OverviewOutline {
    pub name: String,
    pub count: usize,
    pub budget: ShownTotal,
    pub settlement: ShownTotal,
    pub policies: Vec<OverviewPolicy>,
}

#[derive(Debug, Serialize)]
pub struct RatingCount {
    pub rating: String,
    pub count: usize,
}

#[derive(Debug, Serialize)]
pub struct MissingRow {
    pub name: String,
    pub url: String,
    pub department: String,
    /// 令和2年度の成果実績、決算額
    pub missing: String,
}

#[derive(Debug, Serialize)]
pub struct OverviewPage {
    #[serde(flatten)]
    pub common: Common,
    pub budget_label: String,
    pub settlement_label: String,
    pub rating_label: String,
    pub total: ShownTotal,
    pub outlines: Vec<OverviewOutline>,
    pub ratings: Vec<RatingCount>,
    pub missing: Vec<MissingRow>,
    pub missing_label: String,
}

#[derive(Debug, Serialize)]
pub struct ChangeRow {
    pub name: String,
    pub url: String,
    pub department: String,
    /// 新規・再開・休止・終了・増額・減額
    pub kind: String,
    pub before: Shown,
    /// 予算 or 決算: which amount `before` is.
    pub before_basis: String,
    pub after: Shown,
    pub after_basis: String,
    pub percent: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ChangesPage {
    #[serde(flatten)]
    pub common: Common,
    pub year_label: String,
    pub before_label: String,
    pub after_label: String,
    pub threshold: String,
    pub years: Vec<OrderLink>,
    pub groups: Vec<ChangeGroup>,
}

#[derive(Debug, Serialize)]
pub struct ChangeGroup {
    pub key: String,
    pub title: String,
    pub rows: Vec<ChangeRow>,
    /// Shown only when it has a program (再開・休止 are rare).
    pub optional: bool,
}

#[derive(Debug, Serialize)]
pub struct SearchPage {
    #[serde(flatten)]
    pub common: Common,
    pub index_url: String,
}

#[derive(Debug, Serialize)]
pub struct DataFileView {
    pub name: String,
    pub url: String,
    pub format: String,
    pub size: String,
    pub bytes: usize,
    pub description: String,
}

#[derive(Debug, Serialize)]
pub struct ColumnView {
    pub label: String,
    pub key: String,
    pub kind: String,
    pub unit: Option<String>,
    pub about: String,
    pub state_label: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct DatasetView {
    pub key: String,
    pub title: String,
    pub columns: Vec<ColumnView>,
}

#[derive(Debug, Serialize)]
pub struct DataPage {
    #[serde(flatten)]
    pub common: Common,
    pub files: Vec<DataFileView>,
    pub rules: Vec<String>,
    pub datasets: Vec<DatasetView>,
}

// ---- builders ---------------------------------------------------------

fn labels(m: &Model) -> (String, String, String) {
    let ey = m.site.evaluation_year;
    (
        format!("{}予算額", wareki_fiscal_year(ey)),
        format!("{}決算額", wareki_fiscal_year(ey - 1)),
        format!("{}評価区分", wareki_fiscal_year(ey - 1)),
    )
}

fn program_row(m: &Model, depts: &[Department], i: usize, fmt: &Fmt) -> ProgramRow {
    let p = &m.programs[i];
    let policy = &m.policies[p.policy];
    let ey = m.site.evaluation_year;
    // Departments are ordered by name, so the program's is found by name.
    let dept = depts
        .binary_search_by(|d| d.name.as_str().cmp(&p.department))
        .ok()
        .map(|k| &depts[k]);
    ProgramRow {
        name: p.name.clone(),
        url: program_url(p),
        department: p.department.clone(),
        department_url: dept.map(department_url).unwrap_or_default(),
        policy: policy.name.clone(),
        policy_url: policy_url(policy),
        budget: fmt.money(&p.year(ey).budget.amount),
        settlement: fmt.money(&p.year(ey - 1).settlement.amount),
        rating: p.year(ey - 1).rating.clone(),
        filter_text: format!("{} {} {}", p.name, p.department, policy.name).to_lowercase(),
    }
}

/// The pre-rendered orders of the program list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Name,
    Department,
    Budget,
}

pub const ORDERS: [Order; 3] = [Order::Name, Order::Department, Order::Budget];

impl Order {
    pub fn path(self) -> &'static str {
        match self {
            Order::Name => "programs/index.html",
            Order::Department => "programs/by-department.html",
            Order::Budget => "programs/by-budget.html",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Order::Name => "事業名順",
            Order::Department => "担当課順",
            Order::Budget => "予算額の多い順",
        }
    }
}

fn budget_key(p: &Program, year: i32) -> (u8, i64) {
    // Amounts first (largest first), then "—", then blank.
    match p.year(year).budget.amount {
        SheetValue::Value(n) => (0, -n),
        SheetValue::NotApplicable => (1, 0),
        SheetValue::Blank => (2, 0),
    }
}

pub fn programs_page(m: &Model, order: Order, fmt: &Fmt) -> ProgramsPage {
    let depts = departments(m);
    let ey = m.site.evaluation_year;
    let mut idx: Vec<usize> = (0..m.programs.len()).collect();
    let name = |i: &usize| (m.programs[*i].name.clone(), m.programs[*i].slug.clone());
    match order {
        Order::Name => idx.sort_by_key(name),
        Order::Department => idx.sort_by_key(|i| (m.programs[*i].department.clone(), name(i))),
        Order::Budget => idx.sort_by_key(|i| (budget_key(&m.programs[*i], ey), name(i))),
    }
    let (budget_label, settlement_label, rating_label) = labels(m);
    ProgramsPage {
        common: common(
            m,
            1,
            &format!("事業の一覧（{}）", order.label()),
            format!(
                "{}の行政評価の対象となっている全{}事業の一覧（{}）",
                m.site.city,
                m.programs.len(),
                order.label()
            ),
            order.path().trim_end_matches("index.html"),
            vec![Link {
                name: "事業の一覧".into(),
                url: None,
            }],
        ),
        order_label: order.label().into(),
        orders: ORDERS
            .iter()
            .map(|o| OrderLink {
                name: o.label().into(),
                url: o.path().trim_end_matches("index.html").into(),
                current: *o == order,
            })
            .collect(),
        budget_label,
        settlement_label,
        rating_label,
        programs: idx
            .into_iter()
            .map(|i| program_row(m, &depts, i, fmt))
            .collect(),
    }
}

pub fn departments_page(m: &Model, fmt: &Fmt) -> DepartmentsPage {
    let ey = m.site.evaluation_year;
    let (budget_label, _, _) = labels(m);
    DepartmentsPage {
        common: common(
            m,
            1,
            "担当課の一覧",
            format!("{}の行政評価：担当課ごとの事業と予算額", m.site.city),
            "departments/",
            vec![Link {
                name: "担当課の一覧".into(),
                url: None,
            }],
        ),
        budget_label,
        departments: departments(m)
            .iter()
            .map(|d| {
                let ys: Vec<_> = d.programs.iter().map(|&i| m.programs[i].year(ey)).collect();
                DepartmentSummary {
                    name: d.name.clone(),
                    url: department_url(d),
                    count: d.programs.len(),
                    budget: fmt.total(&total(ys.iter().map(|y| &y.budget.amount))),
                }
            })
            .collect(),
    }
}

pub fn department_page(m: &Model, k: usize, fmt: &Fmt) -> DepartmentPage {
    let depts = departments(m);
    let d = &depts[k];
    let years: std::collections::BTreeSet<i32> = d
        .programs
        .iter()
        .flat_map(|&i| m.programs[i].years.keys().copied())
        .collect();
    let (budget_label, settlement_label, rating_label) = labels(m);
    DepartmentPage {
        common: common(
            m,
            2,
            &d.name,
            format!(
                "{}{}が担当する{}事業の予算・決算・評価",
                m.site.city,
                d.name,
                d.programs.len()
            ),
            &department_url(d),
            vec![
                Link {
                    name: "担当課の一覧".into(),
                    url: Some("departments/".into()),
                },
                Link {
                    name: d.name.clone(),
                    url: None,
                },
            ],
        ),
        name: d.name.clone(),
        budget_label,
        settlement_label,
        rating_label,
        programs: d
            .programs
            .iter()
            .map(|&i| program_row(m, &depts, i, fmt))
            .collect(),
        totals: years
            .into_iter()
            .map(|y| {
                let ys: Vec<_> = d.programs.iter().map(|&i| m.programs[i].year(y)).collect();
                YearTotalRow {
                    year_label: wareki_fiscal_year(y),
                    budget: fmt.total(&total(ys.iter().map(|y| &y.budget.amount))),
                    settlement: fmt.total(&total(ys.iter().map(|y| &y.settlement.amount))),
                }
            })
            .collect(),
    }
}

pub fn overview_page(m: &Model, fmt: &Fmt) -> OverviewPage {
    let ey = m.site.evaluation_year;
    let (budget_label, settlement_label, rating_label) = labels(m);
    let sum = |progs: &[usize], f: &dyn Fn(&Program) -> SheetValue<i64>| {
        let v: Vec<SheetValue<i64>> = progs.iter().map(|&i| f(&m.programs[i])).collect();
        fmt.total(&total(v.iter()))
    };
    let budget = |p: &Program| p.year(ey).budget.amount;
    let settlement = |p: &Program| p.year(ey - 1).settlement.amount;
    let all: Vec<usize> = (0..m.programs.len()).collect();
    let mut ratings: Vec<RatingCount> = m
        .site
        .choices
        .get("rating")
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|r| RatingCount {
            count: m
                .programs
                .iter()
                .filter(|p| p.year(ey - 1).rating.as_deref() == Some(r.as_str()))
                .count(),
            rating: r,
        })
        .collect();
    // Ratings a sheet uses outside the site's list still count.
    for p in &m.programs {
        if let Some(r) = p.year(ey - 1).rating {
            if !ratings.iter().any(|c| c.rating == r) {
                ratings.push(RatingCount {
                    rating: r.clone(),
                    count: m
                        .programs
                        .iter()
                        .filter(|q| q.year(ey - 1).rating.as_deref() == Some(r.as_str()))
                        .count(),
                });
            }
        }
    }
    ratings.push(RatingCount {
        rating: "評価区分なし".into(),
        count: m
            .programs
            .iter()
            .filter(|p| p.year(ey - 1).rating.is_none())
            .count(),
    });
    let missing = m
        .programs
        .iter()
        .filter_map(|p| {
            let y = p.year(ey - 1);
            let mut what = Vec::new();
            if y.result.is_blank() {
                what.push("成果実績");
            }
            if y.settlement.amount.is_blank() {
                what.push("決算額");
            }
            if y.evaluation.is_blank() {
                what.push("評価");
            }
            (!what.is_empty()).then(|| MissingRow {
                name: p.name.clone(),
                url: program_url(p),
                department: p.department.clone(),
                missing: what.join("・"),
            })
        })
        .collect();
    OverviewPage {
        common: common(
            m,
            1,
            "概要",
            format!(
                "{}の{}行政評価の概要：施策の大綱・施策ごとの予算額と決算額、評価区分の内訳",
                m.site.city,
                wareki_fiscal_year(ey)
            ),
            "overview/",
            vec![Link {
                name: "概要".into(),
                url: None,
            }],
        ),
        total: sum(&all, &budget),
        outlines: m
            .outlines
            .iter()
            .map(|o| {
                let progs: Vec<usize> = o
                    .policies
                    .iter()
                    .flat_map(|&k| m.policies[k].programs.clone())
                    .collect();
                OverviewOutline {
                    name: o.name.clone(),
                    count: progs.len(),
                    budget: sum(&progs, &budget),
                    settlement: sum(&progs, &settlement),
                    policies: o
                        .policies
                        .iter()
                        .map(|&k| {
                            let p = &m.policies[k];
                            OverviewPolicy {
                                name: p.name.clone(),
                                url: policy_url(p),
                                count: p.programs.len(),
                                budget: sum(&p.programs, &budget),
                                settlement: sum(&p.programs, &settlement),
                            }
                        })
                        .collect(),
                }
            })
            .collect(),
        ratings,
        missing,
        missing_label: format!(
            "{}の成果実績・決算額・評価が未記入の事業",
            wareki_fiscal_year(ey - 1)
        ),
        budget_label,
        settlement_label,
        rating_label,
    }
}

pub fn changes_page(m: &Model, year: i32, years: &[i32], fmt: &Fmt) -> ChangesPage {
    let threshold = m.site.change_threshold;
    let rows = |kind: ChangeKind| -> Vec<ChangeRow> {
        budget_changes(m, year, threshold)
            .into_iter()
            .filter(|c| c.kind == kind)
            .map(|c| {
                let p = &m.programs[c.program];
                ChangeRow {
                    name: p.name.clone(),
                    url: program_url(p),
                    department: p.department.clone(),
                    kind: match (c.kind, c.percent) {
                        (ChangeKind::New, _) => "新規".into(),
                        (ChangeKind::Resumed, _) => "再開".into(),
                        (ChangeKind::Paused, _) => "休止".into(),
                        (ChangeKind::Ended, _) => "終了".into(),
                        (ChangeKind::Moved, Some(x)) if x < 0.0 => "減額".into(),
                        (ChangeKind::Moved, _) => "増額".into(),
                    },
                    before: fmt.money(&c.before.amount),
                    before_basis: c.before.basis.into(),
                    after: fmt.money(&c.after.amount),
                    after_basis: c.after.basis.into(),
                    percent: c.percent.map(|x| format!("{x:+.1}%")),
                }
            })
            .collect()
    };
    let label = wareki_fiscal_year(year);
    ChangesPage {
        common: common(
            m,
            2,
            &format!("{label}の変更点"),
            format!(
                "{}の{label}に新しく始まった事業、終わった事業、金額が前年度から{}を超えて増減した事業",
                m.site.city,
                percent_label(threshold)
            ),
            &format!("changes/{year}/"),
            vec![Link {
                name: format!("{label}の変更点"),
                url: None,
            }],
        ),
        year_label: label,
        before_label: wareki_fiscal_year(year - 1),
        after_label: wareki_fiscal_year(year),
        threshold: percent_label(threshold),
        years: years
            .iter()
            .map(|&y| OrderLink {
                name: wareki_fiscal_year(y),
                url: format!("changes/{y}/"),
                current: y == year,
            })
            .collect(),
        groups: [
            (ChangeKind::New, "new", "新しく始まった事業", false),
            (ChangeKind::Resumed, "resumed", "再開した事業", true),
            (ChangeKind::Paused, "paused", "休止した事業", true),
            (ChangeKind::Ended, "ended", "終わった事業", false),
            (ChangeKind::Moved, "moved", "金額が大きく増減した事業", false),
        ]
        .into_iter()
        .map(|(kind, key, title, optional)| ChangeGroup {
            key: key.into(),
            title: title.into(),
            rows: rows(kind),
            optional,
        })
        .collect(),
    }
}

fn percent_label(x: f64) -> String {
    format!("{}%", crate::model::format::number(x))
}

pub fn search_page(m: &Model) -> SearchPage {
    SearchPage {
        common: common(
            m,
            1,
            "検索",
            format!("{}の行政評価の事業・施策を検索", m.site.city),
            "search/",
            vec![Link {
                name: "検索".into(),
                url: None,
            }],
        ),
        index_url: format!("../{}", crate::render::search::INDEX_PATH),
    }
}

fn job_description(job: DataJob) -> String {
    match job {
        DataJob::Table(d, _) => d.title().to_string(),
        DataJob::Schema(d) => format!("{}.json の JSON Schema（draft 2020-12）", d.key()),
        DataJob::Readme => "列の説明（このページと同じ内容のMarkdown）".into(),
        DataJob::Program(..) | DataJob::Policy(..) => String::new(),
    }
}

/// The data page. `size_of` gives the size in bytes of a data file already
/// rendered (by output path), so that no file is rendered twice.
pub fn data_page(m: &Model, size_of: &dyn Fn(&str) -> Option<usize>) -> DataPage {
    DataPage {
        common: common(
            m,
            1,
            "データ一覧",
            format!(
                "{}の行政評価のオープンデータ（CSV・JSON）と列の説明",
                m.site.city
            ),
            "data/",
            vec![Link {
                name: "データ一覧".into(),
                url: None,
            }],
        ),
        files: data::site_jobs()
            .into_iter()
            .map(|job| {
                let path = data::path(m, job);
                let bytes = size_of(&path).unwrap_or_else(|| data::render(m, job).len());
                let name = path.trim_start_matches(data::DATA_DIR).to_string();
                DataFileView {
                    format: match name.rsplit('.').next() {
                        Some("csv") => "CSV",
                        Some("md") => "Markdown",
                        _ => "JSON",
                    }
                    .into(),
                    url: name.clone(),
                    name,
                    size: data::size_label(bytes),
                    bytes,
                    description: job_description(job),
                }
            })
            .collect(),
        rules: data::RULES.iter().map(|s| s.to_string()).collect(),
        datasets: DATASETS
            .iter()
            .map(|&d| DatasetView {
                key: d.key().into(),
                title: d.title().into(),
                columns: data::columns(m, d)
                    .into_iter()
                    .map(|c| ColumnView {
                        state_label: c.kind_has_state().then(|| c.state_label()),
                        kind: c.kind_label().into(),
                        label: c.label,
                        key: c.key,
                        unit: c.unit,
                        about: c.about.clone(),
                    })
                    .collect(),
            })
            .collect(),
    }
}
