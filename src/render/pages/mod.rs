//! Pages: the view of every page kind, built from the model and the form
//! and handed to the theme's templates, and what all pages share (the
//! common header values, breadcrumbs, rendering a template and placing its
//! errors).

pub mod accessibility;
pub mod diff;
mod index;
mod policy;
pub mod portal;
mod program;
pub mod sheet;
pub mod view;

pub(crate) use index::{index_page, not_found_page};
pub use policy::indicator_series;
pub(crate) use policy::{
    indicator_chart_title, policy_budget_years, policy_chart_title, policy_page,
};
pub(crate) use program::{program_budget_years, program_chart_title, program_page};

use super::theme::{Theme, THEMES_DIR};
use crate::diag::{Diagnostic, Location};
use crate::model::Model;
use std::path::{Path, PathBuf};
use view::*;

/// A Tera error with its whole cause chain (Tera puts the template line
/// and column in the inner message).
pub(crate) fn template_error(theme_dir: &Path, e: &tera::Error) -> Diagnostic {
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

pub(crate) fn page<T: serde::Serialize>(
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
pub(crate) fn render_error_place(theme: &Theme, msg: &str) -> Option<Location> {
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

pub(crate) fn theme_rel(theme: &Theme) -> PathBuf {
    let name = theme.dir.file_name().map(PathBuf::from).unwrap_or_default();
    Path::new(THEMES_DIR).join(name)
}

/// The way back to the site root from a page `depth` folders down; "./" at
/// the top, so that no link is an empty `href`.
pub(crate) fn depth_root(depth: usize) -> String {
    if depth == 0 {
        "./".to_string()
    } else {
        "../".repeat(depth)
    }
}

pub(crate) fn common(
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

/// The path part of a base URL, with leading and trailing slashes:
/// "https://example.org/joso" → "/joso/", "https://example.org" → "/".
pub(crate) fn site_path(base_url: &str) -> String {
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
