//! The portal around the sheets: search from static files, what changed from
//! year to year, department and overview pages, the program list, and the
//! files for crawlers and feed readers.

mod common;

use common::{build_site, read, repo_root, text_of};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn site() -> &'static PathBuf {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &OUT.get_or_init(|| build_site(&repo_root())).1
}

const TEIJU: &str = "programs/teiju-jiritsuken/";
const NODAI: &str = "programs/tokyo-nodai-renkei/";

// ---- search -----------------------------------------------------------

/// The matching rules of search.js, written again over the index JSON:
/// fold full-width ASCII and case, cut runs of letters and digits into
/// bigrams, keep the documents holding every bigram, titles holding the
/// whole query first.
struct Search {
    docs: Vec<serde_json::Value>,
    grams: serde_json::Map<String, serde_json::Value>,
}

fn fold(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap(),
        '\u{3000}' => ' ',
        c => c,
    };
    c.to_lowercase().next().unwrap()
}

fn runs(text: &str) -> Vec<Vec<char>> {
    text.chars()
        .map(fold)
        .collect::<String>()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|r| !r.is_empty())
        .map(|r| r.chars().collect())
        .collect()
}

fn query_grams(q: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for r in runs(q) {
        if r.len() == 1 {
            out.insert(r[0].to_string());
        }
        for w in r.windows(2) {
            out.insert(w.iter().collect());
        }
    }
    out
}

fn compact(s: &str) -> String {
    runs(s).into_iter().flatten().collect()
}

impl Search {
    fn load(out: &Path) -> Search {
        let j: serde_json::Value = serde_json::from_str(&read(out, "search-index.json")).unwrap();
        Search {
            docs: j["docs"].as_array().unwrap().clone(),
            grams: j["grams"].as_object().unwrap().clone(),
        }
    }

    fn postings(&self, g: &str) -> BTreeSet<u64> {
        let ids = |v: &serde_json::Value| -> Vec<u64> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap())
                .collect()
        };
        if g.chars().count() > 1 {
            return self
                .grams
                .get(g)
                .map(ids)
                .unwrap_or_default()
                .into_iter()
                .collect();
        }
        self.grams
            .iter()
            .filter(|(k, _)| k.contains(g))
            .flat_map(|(_, v)| ids(v))
            .collect()
    }

    /// URLs of the results, best first.
    fn urls(&self, q: &str) -> Vec<String> {
        let mut hits: Option<BTreeSet<u64>> = None;
        for g in query_grams(q) {
            let p = self.postings(&g);
            hits = Some(match hits {
                None => p,
                Some(h) => h.intersection(&p).copied().collect(),
            });
        }
        let whole = compact(q);
        let mut hits: Vec<u64> = hits.unwrap_or_default().into_iter().collect();
        hits.sort_by_key(|&d| {
            let title = self.docs[d as usize]["t"].as_str().unwrap();
            (!compact(title).contains(&whole), d)
        });
        hits.iter()
            .map(|&d| self.docs[d as usize]["u"].as_str().unwrap().to_string())
            .collect()
    }
}

#[test]
fn searching_japanese_words_finds_the_right_program() {
    let s = Search::load(site());
    for (q, url) in [
        ("定住自立圏", TEIJU),
        ("自立圏", TEIJU),
        ("東京農業大学", NODAI),
        ("農業大学", NODAI),
        ("ＡＢＣ東京農業大学", ""),
        ("アグリサイエンスバレー", NODAI),
        ("つくばみらい市", TEIJU),
    ] {
        let found = s.urls(q);
        if url.is_empty() {
            assert!(found.is_empty(), "{q}: {found:?}");
        } else {
            assert_eq!(
                found.first().map(String::as_str),
                Some(url),
                "{q}: {found:?}"
            );
        }
    }
    // Only the program that is about the university.
    assert!(!s.urls("東京農業大学").contains(&TEIJU.to_string()));
    assert!(s.urls("存在しない言葉").is_empty());
    // One character still finds something; folding makes ｐｄｃａ = pdca.
    assert!(!s.urls("圏").is_empty());
}

#[test]
fn search_page_works_without_a_server_and_explains_itself_without_javascript() {
    let out = site();
    let html = read(out, "search/index.html");
    assert!(html.contains("<noscript>"));
    let noscript = &html[html.find("<noscript>").unwrap()..html.find("</noscript>").unwrap()];
    assert!(noscript.contains("JavaScript"));
    assert!(noscript.contains("../programs/"), "links the program index");
    assert!(html.contains("role=status") || html.contains("role=\"status\""));
    assert!(html.contains("aria-live=polite") || html.contains("aria-live=\"polite\""));
    assert!(
        html.contains("<label for=search-input") || html.contains("<label for=\"search-input\"")
    );
    assert!(out.join("search.js").is_file());
}

// ---- history and changes ----------------------------------------------

#[test]
fn program_page_shows_every_year_side_by_side_with_rating() {
    let text = text_of(&read(site(), &format!("{TEIJU}index.html")));
    let table = &text[text.find("年度別の予算額・決算額・成果").unwrap()..];
    for y in ["令和元年度", "令和2年度", "令和3年度", "令和4年度"] {
        assert!(table.contains(y), "{y}");
    }
    assert!(table.contains("評価区分"));
}

#[test]
fn changed_texts_are_shown_as_an_accessible_character_diff() {
    let html = read(site(), &format!("{TEIJU}index.html"));
    assert!(html.contains("<ins>") && html.contains("<del>"));
    let text = text_of(&html);
    assert!(text.contains("実施内容と改善点：令和2年度から令和3年度へ"));
    // Not by colour alone: screen readers hear 追加 and 削除.
    assert!(text.contains("［追加：令和2］"), "{text}");
    assert!(text.contains("［削除：中間報告会の意見］"));
    // The seed's 2020 and 2021 texts share 「年度の」 and 「を踏まえ、」.
    let diff_part = &text[text.find("実施内容と改善点：令和2年度から").unwrap()..];
    assert!(diff_part.contains("年度の［削除："));
}

/// The second test site (more years of text), built once.
fn full_site() -> &'static PathBuf {
    static OUT: OnceLock<(tempfile::TempDir, tempfile::TempDir, PathBuf)> = OnceLock::new();
    &OUT.get_or_init(|| {
        let root = tempfile::tempdir().unwrap();
        let full = repo_root().join("tests/sites/full/content");
        common::copy_tree(&full, &root.path().join("content"));
        common::copy_tree(
            &repo_root().join("themes/default"),
            &root.path().join("themes/default"),
        );
        let (tmp, out) = build_site(root.path());
        (root, tmp, out)
    })
    .2
}

#[test]
fn each_sheet_shows_the_changes_from_the_year_before_it_only() {
    let hanabi = "programs/hanabi-taikai/";
    let latest = text_of(&read(full_site(), &format!("{hanabi}index.html")));
    let sheet_2020 = text_of(&read(full_site(), &format!("{hanabi}2020/index.html")));
    let sheet_2019 = text_of(&read(full_site(), &format!("{hanabi}2019/index.html")));
    let into_2020 = "実施内容と改善点：令和元年度から令和2年度へ";
    let into_2021 = "実施内容と改善点：令和2年度から令和3年度へ";
    assert!(sheet_2020.contains(into_2020), "{sheet_2020}");
    assert!(!sheet_2020.contains(into_2021));
    assert!(latest.contains(into_2021), "{latest}");
    assert!(!latest.contains(into_2020));
    // The first sheet with a text has nothing to compare with.
    assert!(!sheet_2019.contains("前の年度からの文章の変更"));
    // The seed: the 2019 sheet has no text, so its 2020 sheet shows none.
    let seed_2020 = text_of(&read(site(), &format!("{TEIJU}2020/index.html")));
    assert!(!seed_2020.contains("前の年度からの文章の変更"));
    assert!(!seed_2020.contains("令和2年度から令和3年度へ"));
}

#[test]
fn past_sheets_link_to_the_year_by_year_tables_instead_of_repeating_them() {
    let latest = read(site(), &format!("{TEIJU}index.html"));
    let past = read(site(), &format!("{TEIJU}2020/index.html"));
    assert!(latest.contains("budget.svg") && latest.contains("年度別の予算額・決算額・成果"));
    assert!(!past.contains("budget.svg"), "no chart on a past sheet");
    assert!(
        !past.contains("<table"),
        "no year-by-year table on a past sheet"
    );
    let text = text_of(&past);
    assert!(
        text.contains("表とグラフ、財源内訳はこの事業のページにあります"),
        "{text}"
    );
    assert!(past.contains("#history"));
    // The sheet itself is all there: the 2020 sheet's own Do, Check and Plan.
    for h in ["【Do】", "【Check】", "【Action】", "【Plan】", "令和2年度"] {
        assert!(text.contains(h), "{h}");
    }
}

#[test]
fn diff_of_the_seed_texts_rebuilds_both_years() {
    let read_toml = |y: i32| -> String {
        let t: toml::Table = toml::from_str(
            &std::fs::read_to_string(
                repo_root().join(format!("content/programs/teiju-jiritsuken/{y}.toml")),
            )
            .unwrap(),
        )
        .unwrap();
        t["activities"].as_str().unwrap().to_string()
    };
    let (a, b) = (read_toml(2020), read_toml(2021));
    let segs = mieru::render::diff::char_diff(&a, &b);
    let side = |skip: &str| -> String {
        segs.iter()
            .filter(|s| s.op != skip)
            .map(|s| s.text.as_str())
            .collect()
    };
    assert_eq!(side("insert"), a);
    assert_eq!(side("delete"), b);
    assert!(segs
        .iter()
        .any(|s| s.op == "equal" && s.text.contains("連携事業")));
}

#[test]
fn changes_page_lists_new_and_moved_programs() {
    let out = site();
    let text = text_of(&read(out, "changes/2021/index.html"));
    let new =
        &text[text.find("新しく始まった事業（").unwrap()..text.find("終わった事業（").unwrap()];
    assert!(new.contains("東京農業大学との包括連携事業"), "{new}");
    let moved = &text[text.find("金額が大きく増減した事業（").unwrap()..];
    assert!(moved.contains("定住自立圏構想推進事業"));
    assert!(moved.contains("+400.0%"));
    // 6 → 20 (+233%) in 2020.
    let t2020 = text_of(&read(out, "changes/2020/index.html"));
    assert!(t2020.contains("+233.3%"));
    // No page for a plan year after the evaluation year.
    assert!(!out.join("changes/2022").exists());
}

/// A copy of the example site with site.toml edited.
fn site_with(edit: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for d in ["content", "themes"] {
        copy_dir(&repo_root().join(d), &tmp.path().join(d));
    }
    let p = tmp.path().join("content/site.toml");
    let s = std::fs::read_to_string(&p).unwrap();
    let s = s.replacen("[licence]", &format!("{edit}\n\n[licence]"), 1);
    std::fs::write(&p, s).unwrap();
    tmp
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.path().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn the_change_threshold_comes_from_site_toml() {
    let tmp = site_with("change_threshold = 500");
    let (_g, out) = build_site(tmp.path());
    let text = text_of(&read(&out, "changes/2021/index.html"));
    let moved = &text[text.find("金額が大きく増減した事業（").unwrap()..];
    assert!(
        !moved.contains("定住自立圏構想推進事業"),
        "+400% is under 500%"
    );
    assert!(text.contains("500%"));
}

#[test]
fn a_change_threshold_that_is_not_a_share_is_an_error() {
    let tmp = site_with("change_threshold = -5");
    let err = mieru::check(tmp.path()).unwrap_err();
    let msg = err.render(mieru::diag::MessageFormat::Human);
    assert!(msg.contains("E017"), "{msg}");
}

// ---- navigation -------------------------------------------------------

#[test]
fn each_department_has_a_page_with_its_programs_and_totals() {
    let out = site();
    let index = read(out, "departments/index.html");
    let text = text_of(&index);
    assert!(text.contains("常創戦略課") && text.contains("アグリサイエンスバレー整備課"));
    let slugs: Vec<String> = std::fs::read_dir(out.join("departments"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(slugs.len(), 2);
    for s in &slugs {
        assert!(
            s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'),
            "{s}"
        );
        assert!(index.contains(&format!("departments/{s}/")));
    }
    let page = slugs
        .iter()
        .map(|s| text_of(&read(out, &format!("departments/{s}/index.html"))))
        .find(|t| t.contains("常創戦略課が担当する"))
        .expect("a page for 常創戦略課");
    assert!(page.contains("定住自立圏構想推進事業"));
    assert!(!page.contains("東京農業大学との包括連携事業"));
    assert!(page.contains("100千円"), "令和3年度の予算額の合計");
    // The slug does not depend on the build.
    let (_g, again) = build_site(&repo_root());
    for s in &slugs {
        assert!(again.join("departments").join(s).is_dir());
    }
}

#[test]
fn overview_has_totals_ratings_and_missing_results() {
    let text = text_of(&read(site(), "overview/index.html"));
    assert!(text.contains("行財政運営の効率化（施策の大綱）"));
    assert!(text.contains("連携事業"));
    assert!(text.contains("600千円"), "令和3年度予算額の合計");
    assert!(text.contains("評価区分なし"));
    // Every result of 令和2年度 is filled in (or "—") in the example.
    let missing = &text[text.find("未記入の事業").unwrap()..];
    assert!(
        missing.contains("すべての事業で記入されています"),
        "{missing}"
    );
}

#[test]
fn overview_lists_a_program_whose_result_is_still_blank() {
    let tmp = site_with("");
    let sheet = tmp
        .path()
        .join("content/programs/teiju-jiritsuken/2020.toml");
    let s = std::fs::read_to_string(&sheet).unwrap();
    assert!(s.contains("result = \"未締結\""));
    std::fs::write(
        &sheet,
        s.replacen("result = \"未締結\"", "result = \"\"", 1),
    )
    .unwrap();
    let (_g, out) = build_site(tmp.path());
    let text = text_of(&read(&out, "overview/index.html"));
    let missing = &text[text.find("未記入の事業").unwrap()..];
    assert!(
        missing.contains("定住自立圏構想推進事業（常創戦略課）：成果実績"),
        "{missing}"
    );
    assert!(!missing.contains("東京農業大学"), "\"—\" is not missing");
}

#[test]
fn program_list_is_sorted_without_javascript_and_filterable_with_it() {
    let out = site();
    let by_budget = text_of(&read(out, "programs/by-budget.html"));
    let (nodai, teiju) = (
        by_budget.find("東京農業大学との包括連携事業").unwrap(),
        by_budget.find("定住自立圏構想推進事業").unwrap(),
    );
    assert!(nodai < teiju, "500千円 before 100千円");
    let by_dept = text_of(&read(out, "programs/by-department.html"));
    assert!(
        by_dept.find("アグリサイエンスバレー整備課").unwrap() < by_dept.find("常創戦略課").unwrap()
    );
    let html = read(out, "programs/index.html");
    assert!(html.contains("filter.js"));
    assert!(
        html.contains("hidden"),
        "the filter shows only with JavaScript"
    );
    for p in ["programs/by-budget.html", "programs/by-department.html"] {
        assert!(html.contains(p.trim_start_matches("programs/")) || html.contains(p));
    }
}

// ---- sitemap, robots, feed, meta ---------------------------------------

fn html_pages(out: &Path) -> Vec<String> {
    common::snapshot(out)
        .into_iter()
        .map(|(p, _)| p.replace('\\', "/"))
        .filter(|p| p.ends_with(".html") && p != "404.html")
        .collect()
}

#[test]
fn sitemap_is_xml_and_lists_every_page() {
    let out = site();
    let xml = read(out, "sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
    assert_eq!(doc.root_element().tag_name().namespace(), Some(ns));
    let locs: BTreeSet<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name((ns, "loc")))
        .map(|n| n.text().unwrap().to_string())
        .collect();
    let base = "https://example.org/joso-gyosei-hyoka/";
    for p in html_pages(out) {
        let url = format!("{base}{}", p.strip_suffix("index.html").unwrap_or(&p));
        assert!(locs.contains(&url), "{url} in sitemap");
    }
    assert_eq!(locs.len(), html_pages(out).len());
    assert!(read(out, "robots.txt").contains(&format!("Sitemap: {base}sitemap.xml")));
}

#[test]
fn atom_feed_is_xml_with_dates_from_the_data() {
    let out = site();
    let xml = read(out, "feed.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let atom = "http://www.w3.org/2005/Atom";
    let root = doc.root_element();
    assert!(root.has_tag_name((atom, "feed")));
    let entries: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name((atom, "entry")))
        .collect();
    assert!(entries.len() >= 2);
    for e in &entries {
        for tag in ["title", "id", "updated"] {
            assert!(
                e.children().any(|c| c.has_tag_name((atom, tag))),
                "entry has {tag}"
            );
        }
    }
    let updated: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name((atom, "updated")))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        updated.iter().all(|u| u.ends_with("-04-01T00:00:00+09:00")),
        "{updated:?}"
    );
    assert!(xml.contains("changes/2021/"));
    // SOURCE_DATE_EPOCH sets the feed's own date.
    let m = mieru::check(&repo_root()).unwrap().model;
    let fixed = String::from_utf8(mieru::render::feeds::atom(&m, Some(1_700_000_000))).unwrap();
    assert!(fixed.contains("<updated>2023-11-14T22:13:20Z</updated>"));
    roxmltree::Document::parse(&fixed).unwrap();
}

#[test]
fn pages_have_canonical_and_open_graph_meta() {
    let html = read(site(), &format!("{TEIJU}index.html"));
    let url = "https://example.org/joso-gyosei-hyoka/programs/teiju-jiritsuken/";
    let tag = |name: &str| -> String {
        html.split('<')
            .find(|t| t.contains(name))
            .unwrap_or_else(|| panic!("no tag with {name}"))
            .to_string()
    };
    assert!(tag("rel=canonical").contains(url));
    assert!(tag("property=og:url").contains(url));
    assert!(html.contains("og:title"));
    assert!(html.contains("og:description"));
    assert!(html.contains("feed.xml"));
}
