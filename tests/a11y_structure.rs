//! The structure screen readers and keyboards rely on, checked on every page
//! of the example site and of the full test site without a browser: the
//! language, one h1 and headings without gaps, landmarks, tables with
//! captions and scoped headers, alternative texts, charts with a title and a
//! description, a working skip link, unique ids, and "—" read as 該当なし.
//! The browser checks (Nu HTML Checker, axe-core) are in tests/browser/.

mod common;

use common::{build_site, copy_tree, repo_root};
use scraper::{ElementRef, Html, Node, Selector};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Built output of a site: (guard, output dir).
type Built = (tempfile::TempDir, PathBuf);

fn example() -> &'static Path {
    static OUT: OnceLock<Built> = OnceLock::new();
    &OUT.get_or_init(|| build_site(&repo_root())).1
}

/// The full test site gets a root of its own with a copy of the default
/// theme, as a city starting from the bundled theme would have.
fn full_site() -> &'static (tempfile::TempDir, Built) {
    static OUT: OnceLock<(tempfile::TempDir, Built)> = OnceLock::new();
    OUT.get_or_init(|| {
        let root = full_site_root();
        // The site publishes the results of the last browser check.
        let report = repo_root().join("tests/browser/report.json");
        if report.is_file() {
            std::fs::copy(&report, root.path().join("report.json")).unwrap();
        } else {
            std::fs::write(root.path().join("report.json"), SAMPLE_REPORT).unwrap();
        }
        let built = build_site(root.path());
        (root, built)
    })
}

fn full() -> &'static Path {
    &full_site().1 .1
}

/// The full test site in a temp root, with a copy of the default theme.
fn full_site_root() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    copy_tree(
        &repo_root().join("tests/sites/full/content"),
        &root.path().join("content"),
    );
    copy_tree(
        &repo_root().join("themes/default"),
        &root.path().join("themes/default"),
    );
    root
}

fn files_with_ext(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = common::files_under(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    out.sort();
    out
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn attr<'a>(e: &ElementRef<'a>, name: &str) -> Option<&'a str> {
    e.value().attr(name)
}

fn text(e: &ElementRef) -> String {
    e.text().collect::<String>().trim().to_string()
}

/// Everything wrong with one page, as readable sentences; empty when fine.
fn page_problems(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut p = Vec::new();

    match doc
        .select(&sel("html"))
        .next()
        .and_then(|h| attr(&h, "lang"))
    {
        Some(l) if !l.trim().is_empty() => {}
        _ => p.push("html has no lang attribute".to_string()),
    }
    if doc
        .select(&sel("title"))
        .next()
        .is_none_or(|t| text(&t).is_empty())
    {
        p.push("page has no title".into());
    }

    // Landmarks: one of each, the content inside main.
    for (s, what) in [("main", "main"), ("header", "header"), ("footer", "footer")] {
        let n = doc.select(&sel(s)).count();
        if n != 1 {
            p.push(format!("{n} <{what}> landmarks, expected 1"));
        }
    }
    for nav in doc.select(&sel("nav")) {
        if attr(&nav, "aria-label").is_none_or(|l| l.trim().is_empty())
            && attr(&nav, "aria-labelledby").is_none()
        {
            p.push("a nav has no accessible name".into());
        }
    }

    // Headings: exactly one h1, first; never a level skipped on the way down.
    let headings: Vec<(usize, String)> = doc
        .select(&sel("h1, h2, h3, h4, h5, h6"))
        .map(|h| (h.value().name()[1..].parse().unwrap(), text(&h)))
        .collect();
    let h1s = headings.iter().filter(|(l, _)| *l == 1).count();
    if h1s != 1 {
        p.push(format!("{h1s} h1 elements, expected exactly one"));
    }
    let mut prev = 0;
    for (level, t) in &headings {
        if *level > prev + 1 {
            p.push(format!("heading h{level} 「{t}」 follows h{prev}"));
        }
        if t.is_empty() {
            p.push(format!("empty h{level}"));
        }
        prev = *level;
    }

    // Tables: a caption first, every th with a scope.
    for table in doc.select(&sel("table")) {
        let first = table.children().filter_map(ElementRef::wrap).next();
        match first {
            Some(c) if c.value().name() == "caption" && !text(&c).is_empty() => {}
            _ => p.push("a table has no caption".into()),
        }
        for th in table.select(&sel("th")) {
            if !matches!(
                attr(&th, "scope"),
                Some("col" | "row" | "colgroup" | "rowgroup")
            ) {
                p.push(format!("th 「{}」 has no scope", text(&th)));
            }
        }
    }
    // A scrolling table region must be reachable and named.
    for region in doc.select(&sel(".table-wrap")) {
        if attr(&region, "tabindex") != Some("0") || attr(&region, "aria-label").is_none() {
            p.push("a scrolling table region is not focusable or not named".into());
        }
    }

    // Images: alt on every img; charts describe their numbers.
    for img in doc.select(&sel("img")) {
        match attr(&img, "alt") {
            None => p.push(format!(
                "img {} has no alt",
                attr(&img, "src").unwrap_or("?")
            )),
            Some(a)
                if a.trim().is_empty()
                    && img.ancestors().any(|n| {
                        ElementRef::wrap(n).is_some_and(|e| e.value().name() == "figure")
                    }) =>
            {
                p.push("a chart image has an empty alt".into())
            }
            _ => {}
        }
    }
    for svg in doc.select(&sel("svg")) {
        if attr(&svg, "aria-hidden") == Some("true") {
            continue;
        }
        p.extend(svg_problems(&svg));
    }

    // ids unique; every reference to an id points at one.
    let mut ids = BTreeMap::<&str, usize>::new();
    for e in doc.select(&sel("[id]")) {
        *ids.entry(attr(&e, "id").unwrap()).or_default() += 1;
    }
    for (id, n) in &ids {
        if *n > 1 {
            p.push(format!("id `{id}` used {n} times"));
        }
    }
    for a in [
        "aria-labelledby",
        "aria-describedby",
        "aria-controls",
        "for",
    ] {
        for e in doc.select(&sel(&format!("[{a}]"))) {
            for id in attr(&e, a).unwrap().split_whitespace() {
                if !ids.contains_key(id) {
                    p.push(format!("{a}=\"{id}\" points at no element"));
                }
            }
        }
    }

    // The skip link comes first and leads into the main content.
    let first_link = doc.select(&sel("body a[href]")).next();
    match first_link.map(|a| (a, attr(&a, "href").unwrap())) {
        Some((a, href)) if a.value().classes().any(|c| c == "skip") => {
            match href.strip_prefix('#') {
                Some(id) if ids.contains_key(id) => {}
                _ => p.push(format!("skip link target `{href}` does not exist")),
            }
        }
        _ => p.push("the first link is not a skip link".into()),
    }

    // The current page is marked in the breadcrumbs and the year list.
    for nav in doc.select(&sel("nav.breadcrumbs")) {
        let current = nav.select(&sel("[aria-current=page]")).count();
        if current != 1 {
            p.push(format!("breadcrumbs mark {current} items as current"));
        }
        if nav
            .select(&sel("li"))
            .last()
            .is_some_and(|li| li.select(&sel("[aria-current=page]")).next().is_none())
        {
            p.push("the last breadcrumb is not the current page".into());
        }
    }

    // A lone "—" is a picture of "not applicable": hidden from screen readers
    // with a word beside it that they read instead.
    for node in doc.root_element().descendants() {
        let Node::Text(t) = node.value() else {
            continue;
        };
        let s = t.trim();
        if !matches!(s, "—" | "―" | "-") {
            continue;
        }
        let hidden = node
            .ancestors()
            .any(|n| ElementRef::wrap(n).is_some_and(|e| attr(&e, "aria-hidden") == Some("true")));
        let spoken = node
            .parent()
            .and_then(|n| n.parent())
            .and_then(ElementRef::wrap)
            .is_some_and(|cell| cell.select(&sel(".vh")).any(|v| !text(&v).is_empty()));
        if !hidden || !spoken {
            p.push(format!(
                "a lone 「{s}」 is read out as a dash, not as a word"
            ));
        }
    }
    p
}

fn svg_problems(svg: &ElementRef) -> Vec<String> {
    let mut p = Vec::new();
    if attr(svg, "role") != Some("img") {
        p.push("svg lacks role=\"img\"".into());
    }
    for child in ["title", "desc"] {
        let found = svg
            .children()
            .filter_map(ElementRef::wrap)
            .find(|c| c.value().name() == child);
        if found.is_none_or(|c| text(&c).is_empty()) {
            p.push(format!("svg lacks a {child}"));
        }
    }
    p
}

/// A standalone chart: well-formed XML, role=img, a title and a description
/// that carries the numbers.
fn chart_problems(svg: &str) -> Vec<String> {
    let doc = match roxmltree::Document::parse(svg) {
        Ok(d) => d,
        Err(e) => return vec![format!("not well-formed: {e}")],
    };
    let root = doc.root_element();
    let mut p = Vec::new();
    if root.tag_name().name() != "svg" {
        p.push("root element is not svg".into());
    }
    if root.attribute("role") != Some("img") {
        p.push("svg lacks role=\"img\"".into());
    }
    let child_text = |name: &str| {
        root.children()
            .find(|c| c.tag_name().name() == name)
            .map(|c| c.text().unwrap_or("").trim().to_string())
    };
    if child_text("title").is_none_or(|t| t.is_empty()) {
        p.push("svg lacks a title".into());
    }
    match child_text("desc") {
        Some(d) if d.chars().any(|c| c.is_ascii_digit()) => {}
        Some(d) if d.contains("ありません") || d.contains("未記入") => {}
        _ => p.push("svg desc does not carry the numbers".into()),
    }
    // Japanese labels need a Japanese font: the stack is on the root and
    // every text inherits it.
    if !root
        .attribute("font-family")
        .is_some_and(|f| f.starts_with("IPAexGothic") && f.ends_with("sans-serif"))
    {
        p.push("svg lacks the Japanese font stack".into());
    }
    if doc.descendants().any(|n| {
        n.tag_name().name() == "text"
            && n.attribute("font-family")
                .is_some_and(|f| !f.contains("IPAex"))
    }) {
        p.push("a text overrides the font stack".into());
    }
    // Nothing drawn invisibly (white on the white background).
    if doc
        .descendants()
        .any(|n| n.tag_name().name() == "line" && n.attribute("stroke") == Some("#FFFFFF"))
    {
        p.push("an invisible white line".into());
    }
    if let Some(labelled) = root.attribute("aria-labelledby") {
        for id in labelled.split_whitespace() {
            if !doc.descendants().any(|n| n.attribute("id") == Some(id)) {
                p.push(format!("aria-labelledby=\"{id}\" points at nothing"));
            }
        }
    }
    p
}

fn assert_site(out: &Path, min_pages: usize) {
    let pages = files_with_ext(out, "html");
    assert!(
        pages.len() >= min_pages,
        "only {} pages in {}",
        pages.len(),
        out.display()
    );
    let mut all = Vec::new();
    for f in &pages {
        let html = std::fs::read_to_string(f).unwrap();
        for problem in page_problems(&html) {
            all.push(format!(
                "{}: {problem}",
                f.strip_prefix(out).unwrap().display()
            ));
        }
    }
    let charts = files_with_ext(out, "svg");
    assert!(!charts.is_empty(), "no charts in {}", out.display());
    for f in &charts {
        let svg = std::fs::read_to_string(f).unwrap();
        for problem in chart_problems(&svg) {
            all.push(format!(
                "{}: {problem}",
                f.strip_prefix(out).unwrap().display()
            ));
        }
    }
    assert!(
        all.is_empty(),
        "{} problems:\n{}",
        all.len(),
        all.join("\n")
    );
}

#[test]
fn every_page_of_the_example_site_is_structured_for_assistive_technology() {
    assert_site(example(), 11);
}

#[test]
fn every_page_of_the_full_test_site_is_structured_for_assistive_technology() {
    assert_site(full(), 39);
}

#[test]
fn the_full_test_site_checks_without_errors_or_warnings() {
    let rendered = match mieru::check(full_site().0.path()) {
        Ok(r) => r,
        Err(d) => panic!("{}", d.render(mieru::diag::MessageFormat::Human)),
    };
    assert!(
        rendered.warnings.is_empty(),
        "{}",
        rendered.warnings.render(mieru::diag::MessageFormat::Human)
    );
    assert_eq!(rendered.model.programs.len(), 9);
    assert_eq!(rendered.model.policies.len(), 3);
}

#[test]
fn the_full_test_site_shows_every_value_state_in_words() {
    let out = full();
    let page = |rel: &str| std::fs::read_to_string(out.join(rel)).unwrap();
    // 令和2年度の花火大会は中止：決算額は「—」、画面読み上げでは「該当なし」。
    let hanabi = Html::parse_document(&page("programs/hanabi-taikai/index.html"));
    let hidden: BTreeSet<String> = hanabi.select(&sel(".na .vh")).map(|e| text(&e)).collect();
    assert_eq!(hidden, BTreeSet::from(["該当なし".to_string()]));
    // 観光情報発信事業は多くが未記入。
    let kanko = page("programs/kanko-joho/index.html");
    assert!(
        kanko.matches("未記入").count() >= 5,
        "未記入 shown as a word"
    );
    // Funding and staff tables exist and are captioned.
    let hoiku = Html::parse_document(&page("programs/hoikusho-seibi/index.html"));
    let captions: Vec<String> = hoiku.select(&sel("caption")).map(|c| text(&c)).collect();
    for want in [
        "財源内訳",
        "従事人数と人件費",
        "保育所の定員",
        "改修した園舎の数",
    ] {
        assert!(
            captions.iter().any(|c| c.contains(want)),
            "no table captioned {want}: {captions:?}"
        );
    }
}

/// The shape of tests/browser/report.json, for a checkout without one.
const SAMPLE_REPORT: &str = r#"{"generated":"2026-11-25T14:39:13Z",
"tools":{"vnu":"26.9.27","axe_core":"4.14.1","chromium":"156"},
"axe_tags":["wcag2a","wcag2aa"],"reflow_width":320,"ok":false,
"sites":[{"name":"full","pages":[
 {"page":"index.html","nu_errors":0,"nu_warnings":0,"axe_violations":0,"problems":[]},
 {"page":"policies/kanko/index.html","nu_errors":1,"nu_warnings":0,"axe_violations":2,"problems":["x"]}]}]}"#;

#[test]
fn the_accessibility_statement_and_results_are_published() {
    let out = full();
    let policy = common::text_of(&common::read(out, "accessibility/index.html"));
    for want in [
        "アクセシビリティ方針",
        "JIS X 8341-3:2016 の適合レベルAAに準拠",
        "みえる市 行政評価サイトのすべてのページ",
        "画面読み上げソフトでも読める",
        "みえる市 企画課",
    ] {
        assert!(policy.contains(want), "policy page lacks {want}");
    }
    // Every page links to the statement from its footer.
    assert!(common::read(out, "index.html").contains("href=./accessibility/"));
    let results = common::read(out, "accessibility/results/index.html");
    let doc = Html::parse_document(&results);
    let rows: Vec<String> = doc
        .select(&sel("tbody th[scope=row]"))
        .map(|e| text(&e))
        .collect();
    // The table lists exactly the pages of the report it was built from.
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(full_site().0.path().join("report.json")).unwrap(),
    )
    .unwrap();
    let reported: Vec<String> = report["sites"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["pages"].as_array().unwrap().iter())
        .map(|p| p["page"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(rows, reported);
    let verdicts = doc
        .select(&sel("tbody td"))
        .filter(|td| text(td) == "不適合")
        .count();
    let failing = report["sites"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["pages"].as_array().unwrap().iter())
        .filter(|p| {
            p["nu_errors"] != 0
                || p["axe_violations"] != 0
                || !p["problems"].as_array().unwrap().is_empty()
        })
        .count();
    assert_eq!(verdicts, failing);
}

#[test]
fn a_broken_report_is_a_warning_and_the_page_says_there_are_no_results() {
    let root = full_site_root();
    std::fs::write(root.path().join("report.json"), "{\"generated\": 1}").unwrap();
    let rendered = mieru::check(root.path())
        .unwrap_or_else(|d| panic!("{}", d.render(mieru::diag::MessageFormat::Human)));
    let warnings = rendered.warnings.render(mieru::diag::MessageFormat::Human);
    assert!(warnings.contains("W031"), "{warnings}");
    let page = rendered
        .files
        .iter()
        .find(|f| f.path == "accessibility/results/index.html")
        .unwrap();
    assert!(String::from_utf8_lossy(&page.bytes).contains("試験結果はまだありません"));
}

/// The checks above would catch each of these mistakes.
#[test]
fn a_page_with_every_mistake_is_caught() {
    let bad = r##"<!DOCTYPE html><html><head><title>x</title></head><body>
<a href="#nowhere" class="skip">本文へ</a><header></header>
<nav><ol><li>トップ</li></ol></nav>
<main><h1>一</h1><h1>二</h1><h4>深すぎる</h4>
<table><tr><th>年度</th><td>—</td></tr></table>
<img src="chart.svg"><svg><title>t</title></svg>
<p id="a"></p><p id="a" aria-labelledby="missing"></p></main></body></html>"##;
    let p = page_problems(bad).join("\n");
    for want in [
        "no lang",
        "2 h1 elements",
        "h4 「深すぎる」 follows h1",
        "0 <footer>",
        "nav has no accessible name",
        "table has no caption",
        "th 「年度」 has no scope",
        "img chart.svg has no alt",
        "svg lacks role",
        "svg lacks a desc",
        "id `a` used 2 times",
        "aria-labelledby=\"missing\"",
        "skip link target `#nowhere`",
        "read out as a dash",
    ] {
        assert!(p.contains(want), "expected {want:?} in:\n{p}");
    }
    let charts = [
        ("<svg", "not well-formed"),
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg"><title>t</title><desc>予算額の推移</desc></svg>"#,
            "svg lacks role",
        ),
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg" role="img"><title>t</title><desc>予算額の推移</desc></svg>"#,
            "desc does not carry the numbers",
        ),
    ];
    for (svg, want) in charts {
        let p = chart_problems(svg).join("\n");
        assert!(p.contains(want), "expected {want:?} in: {p}");
    }
}

#[test]
fn a_well_made_page_passes() {
    let good = r##"<!DOCTYPE html><html lang="ja"><head><title>x</title></head><body>
<a href="#main" class="skip">本文へ</a><header></header>
<nav class="breadcrumbs" aria-label="現在位置"><ol><li><a href="./">トップ</a></li><li><span aria-current="page">事業</span></li></ol></nav>
<main id="main"><h1>一</h1><h2>二</h2><h3>三</h3><h2>四</h2>
<div class="table-wrap" role="region" aria-label="表" tabindex="0"><table><caption>表</caption><tr><th scope="row">年度</th><td><span class="na"><span aria-hidden="true">—</span><span class="vh">該当なし</span></span></td></tr></table></div>
<figure><img src="c.svg" alt="予算額 100千円"></figure></main><footer></footer></body></html>"##;
    assert_eq!(page_problems(good), Vec::<String>::new());
}
