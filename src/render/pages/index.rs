//! The front page and the page for an address that does not exist.

use super::view::*;
use super::{common, site_path};
use crate::model::format::wareki_fiscal_year;
use crate::model::Model;

/// What the front page calls the plan's levels: the form's level above
/// the 施策, the 施策 level and the one below it, or the built-in form's
/// 施策の大綱, 施策 and 施策の方向.
fn level_names(m: &Model) -> [String; 3] {
    let levels = &m.form.levels;
    let name = |i: Option<usize>, default: &str| {
        i.and_then(|i| levels.get(i))
            .map_or(default.to_string(), |l| l.name.clone())
    };
    match m.form.policy_level() {
        Some(pl) => [
            name(pl.checked_sub(1), "施策の大綱"),
            name(Some(pl), "施策"),
            name(Some(pl + 1), "施策の方向"),
        ],
        None => ["施策の大綱".into(), "施策".into(), "施策の方向".into()],
    }
}

pub(crate) fn index_page(m: &Model, fmt: &Fmt) -> IndexPage {
    let year = wareki_fiscal_year(m.site.evaluation_year);
    let [outline_label, policy_label, direction_label] = level_names(m);
    // A declared form shows the 施策の目的 only when its 施策 sheet has it.
    let shows_objective = m.form.is_default || m.form.policy.field("objective").is_some();
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
                            objective: shows_objective.then(|| Shown::text(&p.objective)),
                            directions: directions(m, p, fmt),
                        }
                    })
                    .collect(),
            })
            .collect(),
        policy_count: m.policies.len(),
        program_count: m.programs.len(),
        // A declared form whose 施策 is its last level has nothing between.
        path: if m
            .form
            .policy_level()
            .is_some_and(|pl| pl + 1 == m.form.levels.len())
        {
            format!("{outline_label} → {policy_label} → 事業")
        } else {
            format!("{outline_label} → {policy_label} → {direction_label} → 事業")
        },
        direction_caption: direction_label
            .strip_prefix(&format!("{policy_label}の"))
            .unwrap_or(&direction_label)
            .to_string(),
        outline_label,
        policy_label,
        direction_label,
    }
}

pub(crate) fn not_found_page(m: &Model) -> Common {
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
