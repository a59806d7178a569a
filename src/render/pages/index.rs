//! The front page and the page for an address that does not exist.

use super::view::*;
use super::{common, site_path};
use crate::model::format::wareki_fiscal_year;
use crate::model::Model;

pub(crate) fn index_page(m: &Model, fmt: &Fmt) -> IndexPage {
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
