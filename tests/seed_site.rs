//! The bundled example site (the 常総市 sheet of 令和3年度) builds, and every
//! sentence and number of the sheet is where a reader expects it.

mod common;

use common::{build_site, read, repo_root, text_of};
use std::path::PathBuf;
use std::sync::OnceLock;

fn site() -> &'static PathBuf {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &OUT.get_or_init(|| build_site(&repo_root())).1
}

const POLICY: &str = "policies/renkei-jigyo/index.html";
const TEIJU: &str = "programs/teiju-jiritsuken/index.html";
const NODAI: &str = "programs/tokyo-nodai-renkei/index.html";

/// The part of a page's text from `start` up to the next `end`.
fn between(page: &str, start: &str, end: &str) -> String {
    let i = page
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not found"));
    let rest = &page[i + start.len()..];
    rest[..rest.find(end).unwrap_or(rest.len())].to_string()
}

#[test]
fn every_page_and_chart_exists() {
    let out = site();
    for f in [
        "index.html",
        "404.html",
        "style.css",
        POLICY,
        "policies/renkei-jigyo/budget.svg",
        "policies/renkei-jigyo/indicator-1.svg",
        TEIJU,
        "programs/teiju-jiritsuken/budget.svg",
        "programs/teiju-jiritsuken/2019/index.html",
        "programs/teiju-jiritsuken/2020/index.html",
        "programs/teiju-jiritsuken/2021/index.html",
        NODAI,
        "programs/tokyo-nodai-renkei/budget.svg",
        "programs/tokyo-nodai-renkei/2021/index.html",
    ] {
        file_exists!(out, f);
    }
    // Plan years have no sheet of their own yet.
    assert!(!out.join("programs/teiju-jiritsuken/2022").exists());
}

#[test]
fn front_page_shows_the_plan_hierarchy_with_budgets() {
    let out = site();
    let html = read(out, "index.html");
    assert!(html.contains("<html lang=ja>"), "lang attribute");
    let text = text_of(&html);
    for s in [
        "常総市",
        "令和3年度",
        "行財政運営の効率化",
        "連携事業",
        "広域行政の展開",
        "定住自立圏構想推進事業",
        "常創戦略課",
        "連携事業の推進",
        "東京農業大学との包括連携事業",
        "アグリサイエンスバレー整備課",
        "100千円",
        "500千円",
    ] {
        assert!(text.contains(s), "index lacks {s}");
    }
    assert!(html.contains("href=policies/renkei-jigyo/"));
    assert!(html.contains("href=programs/teiju-jiritsuken/"));
    // Outline before policy before direction before program.
    let pos = |s: &str| text.find(s).unwrap();
    assert!(pos("行財政運営の効率化") < pos("広域行政の展開"));
    assert!(pos("広域行政の展開") < pos("定住自立圏構想推進事業"));
    assert!(pos("定住自立圏構想推進事業") < pos("連携事業の推進"));
}

#[test]
fn policy_page_carries_the_whole_policy_sheet() {
    let out = site();
    let text = text_of(&read(out, POLICY));
    for s in [
        "行財政運営の効率化",
        "市民満足度の高い行財政運営を進める",
        "広域行政の展開",
        "連携事業の推進",
        "常創戦略課",
        "アグリサイエンスバレー整備課",
        "近隣市町との連携強化に対する市民満足度",
        "2017年実施の市民意識調査による「満足」、「やや満足」の割合",
        "後期基本計画策定のための市民意識調査による「満足」、「やや満足」の割合の5%上昇を目指す。",
        "2017年",
        "12.3%",
        "2022年",
        "17.3%",
        "令和2年度の実施状況への意見",
        "行政改革懇談会（市民）からの意見",
        "各連携事業の具体的な形がまだ見えていない状況である。今後の取り組みに期待したい。",
        "目標の達成状況",
        "実績値はまだありません",
    ] {
        assert!(text.contains(s), "policy page lacks {s}");
    }
    // 目標の達成状況 is blank on the sheet: shown as 未記入, nothing invented.
    assert_eq!(
        between(&text, "目標の達成状況", "評価シートより").trim_end_matches(|c| c != '入'),
        "未記入"
    );
    // The raw export <div style=...> is not data.
    assert!(!read(out, POLICY).contains("display: flex"));
}

#[test]
fn policy_budget_sums_programs_and_says_when_partial() {
    let text = text_of(&read(site(), POLICY));
    let table = between(
        &text,
        "年度別の予算額と決算額（施策に属する事業の合計",
        "この施策",
    );
    let r3 = between(&table, "令和3年度", "令和4年度");
    assert_eq!(r3, "600千円未記入", "R3 budget total is 100 + 500");
    let r2 = between(&table, "令和2年度", "令和3年度");
    assert_eq!(r2, "未記入20千円（2事業中1事業の合計）");
    let r1 = between(&table, "令和元年度", "令和2年度");
    assert_eq!(r1, "未記入6千円（2事業中1事業の合計）");
}

#[test]
fn teiju_program_page_follows_the_sheet_in_pdca_order() {
    let out = site();
    let text = text_of(&read(out, TEIJU));
    let order = [
        "事業の説明",
        "総合計画上の位置付け",
        "【Do】これまでの実績と現在の取組み",
        "【Check】令和2年度実績の評価と分析",
        "【Action】今後に向けた改善点",
        "【Plan】今後の計画",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|s| text.find(s).unwrap_or_else(|| panic!("missing {s}")))
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "sections out of order: {positions:?}"
    );
    for s in [
        "人口減少、少子高齢化に的確に対応し、誰もが安心して住み続けられる地域を形成する",
        "一般会計 2款 1項 6目 4事業",
        "令和2年度の取組みを踏まえ、効果的な主要連携事業の抽出・調整を行うとともに、連携自治体の枠組み(規模)についても調査・研究を行う。",
        "つくばみらい市と定住自立圏構想における連携事業案を検討。事務局会議、ワーキンググループ会議、両首長への中間報告会を実施した。令和元年度の中間報告会の意見を踏まえ、連携事業案を精査するとともに新たな連携事業案の検討を行った。",
        "前年度よりも連携事業案を増やすなど連携事業案の充実を図り、協議・調整を行ったが、次の段階(協定締結やビジョンの検討)に進めるまでには至らなかった。",
        "締結は議会の議決を得る必要があるほか、連携事業の財源調達を含めたマネジメントが十分でないこと共生ビジョンに繋げることは困難である。連携自治体の規模も含め、定住自立圏を中心に広域連携の調査・研究を継続して行う。",
        "定住自立圏形成協定の締結",
        "※まずは定住自立圏を形成すること(協定締結)を目標とする。",
        "※成果指標は、圏域形成後の定住自立圏共生ビジョンの策定後に変更する。",
    ] {
        assert!(text.contains(s), "program page lacks {s}");
    }
    let do_r3 = between(
        &text,
        "【Do】これまでの実績と現在の取組み令和3年度",
        "令和2年度決算額",
    );
    assert!(do_r3.contains("予算額100千円"), "{do_r3}");
    assert!(do_r3.contains("うち 特定財源0千円"), "{do_r3}");
    assert!(do_r3.contains("成果目標協定締結"), "{do_r3}");
    let do_r2 = between(&text, "令和2年度決算額", "令和元年度");
    assert!(do_r2.starts_with("20千円"), "{do_r2}");
    assert!(do_r2.contains("成果実績未締結"), "{do_r2}");
    assert!(do_r2.contains("当初の成果目標協定締結"), "{do_r2}");
    let do_r1 = between(&text, "令和元年度決算額", "【Check】");
    assert!(do_r1.starts_with("6千円"), "{do_r1}");
    // Plan for 令和4年度 is blank on the sheet, and so are 令和5・6年度.
    let plan = between(&text, "【Plan】今後の計画", "年度別の推移");
    assert!(
        plan.contains("令和4年度予算額未記入うち 特定財源未記入成果目標未記入実施内容未記入"),
        "{plan}"
    );
    assert!(plan.contains("令和5年度未記入令和6年度未記入"), "{plan}");
    // 方針 is blank.
    assert!(text.contains("方針未記入"));
    // The unit of the indicator is "-" on the sheet: not applicable.
    assert!(text.contains("単位—該当なし"));
}

#[test]
fn nodai_program_shows_not_applicable_years_as_dash_never_zero() {
    let out = site();
    let html = read(out, NODAI);
    let text = text_of(&html);
    for s in [
        "道の駅整備事業のソフト事業であるじょうそう観光地域づくり事業(令和3~5年度)への教授・学生等の参画により事業を推進し、市の特産品の開発及びブランディングを行う。",
        "一般会計 8款 4項 2目 1事業",
        "じょうそう観光地域づくり事業の人材育成講座「じょうそう観光地域づくりLabo」への教授・学生等の参画により事業を推進する。第1回講座は令和3年9月16日を予定する。",
        "※令和3年度が実施初年度のため、令和2年度は未実施",
        "予算額500千円",
        "成果目標30%",
    ] {
        assert!(text.contains(s), "program page lacks {s}");
    }
    for year in ["令和2年度決算額", "令和元年度決算額"] {
        let block = between(&text, year, "当初の成果目標");
        assert!(block.starts_with("—該当なし"), "{year}: {block}");
        assert!(block.contains("うち 特定財源—該当なし"), "{year}: {block}");
        assert!(block.contains("成果実績—該当なし"), "{year}: {block}");
        assert!(
            !block.contains("0千円"),
            "{year}: not applicable shown as zero: {block}"
        );
    }
    // In the markup "—" is hidden from screen readers, which read 該当なし.
    assert!(html.contains("<span aria-hidden=true>—</span><span class=vh>該当なし</span>"));
    // Blank and not applicable look different.
    assert!(html.contains("<span class=blank>未記入</span>"));
    let history = between(&text, "年度別の予算額・決算額・成果", "この");
    let r2 = between(&history, "令和2年度", "令和3年度");
    assert!(!r2.contains("0千円"), "{r2}");
    // 令和2年度 is before start_year (2021): nothing in it is 未記入.
    assert!(!r2.contains("未記入") && r2.contains("該当なし"), "{r2}");
    // Check of 令和2年度 carries the note as its text.
    let check = between(&text, "【Check】令和2年度実績の評価と分析", "【Action】");
    assert_eq!(
        check
            .matches("※令和3年度が実施初年度のため、令和2年度は未実施")
            .count(),
        2,
        "{check}"
    );
}

#[test]
fn year_pages_show_the_sheet_as_of_that_year() {
    let out = site();
    let text = text_of(&read(out, "programs/teiju-jiritsuken/2020/index.html"));
    assert!(text.contains("令和2年度の行政評価シート"));
    assert!(text.contains("【Check】令和元年度実績の評価と分析"));
    assert!(text.contains("【Plan】今後の計画令和3年度予算額100千円"));
    let html = read(out, "programs/teiju-jiritsuken/2020/index.html");
    assert!(html.contains("href=../../../style.css"));
    assert!(html.contains("<span aria-current=page>令和2年度</span>"));
}

fn svg(rel: &str) -> (String, Vec<String>) {
    let text = read(site(), rel);
    let doc = roxmltree::Document::parse(&text)
        .unwrap_or_else(|e| panic!("{rel} is not well-formed XML: {e}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("role"), Some("img"), "{rel}");
    assert!(
        root.attribute("viewBox").is_some(),
        "{rel}: viewBox kept in camel case"
    );
    let title = root
        .children()
        .find(|n| n.has_tag_name("title"))
        .expect("title")
        .text()
        .unwrap_or("")
        .to_string();
    let desc = root
        .children()
        .find(|n| n.has_tag_name("desc"))
        .expect("desc")
        .text()
        .unwrap_or("")
        .to_string();
    assert!(!title.is_empty() && !desc.is_empty());
    let texts = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect();
    (desc, texts)
}

#[test]
fn budget_chart_labels_every_year_and_state() {
    let (desc, texts) = svg("programs/teiju-jiritsuken/budget.svg");
    for s in [
        "令和元年度は予算額未記入、決算額6千円",
        "令和2年度は予算額未記入、決算額20千円",
        "令和3年度は予算額100千円、決算額未記入",
    ] {
        assert!(desc.contains(s), "{desc}");
    }
    for s in [
        "6千円",
        "20千円",
        "100千円",
        "令和元年度",
        "令和2年度",
        "令和3年度",
        "予算",
        "決算",
        "未記入",
    ] {
        assert!(
            texts.iter().any(|t| t == s),
            "chart text lacks {s}: {texts:?}"
        );
    }
    let (desc, texts) = svg("programs/tokyo-nodai-renkei/budget.svg");
    assert!(
        desc.contains("令和2年度は予算額該当なし（—）、決算額該当なし（—）"),
        "{desc}"
    );
    assert!(texts.iter().any(|t| t == "該当なし"));
    assert!(
        !texts.iter().any(|t| t == "0千円"),
        "no zero bar label: {texts:?}"
    );
}

#[test]
fn indicator_chart_shows_path_to_the_2022_target() {
    let (desc, texts) = svg("policies/renkei-jigyo/indicator-1.svg");
    assert!(
        desc.contains("基準値は2017年の12.3%、目標値は2022年の17.3%"),
        "{desc}"
    );
    assert!(desc.contains("実績値はまだありません"), "{desc}");
    for s in [
        "基準値 12.3%",
        "目標値 17.3%",
        "2017年",
        "2022年",
        "実績値はまだありません",
    ] {
        assert!(
            texts.iter().any(|t| t == s),
            "chart text lacks {s}: {texts:?}"
        );
    }
}

#[test]
fn charts_have_a_table_and_alt_text_beside_them() {
    let html = read(site(), TEIJU);
    assert!(html.contains("<img alt=定住自立圏構想推進事業の予算額と決算額。令和元年度は予算額未記入、決算額6千円") || html.contains("alt=\"定住自立圏構想推進事業の予算額と決算額。"), "alt text with numbers");
    assert!(html.contains("<caption>年度別の予算額・決算額・成果"));
}

#[test]
fn building_twice_gives_identical_bytes() {
    let (_a, out_a) = build_site(&repo_root());
    let (_b, out_b) = build_site(&repo_root());
    let (a, b) = (common::snapshot(&out_a), common::snapshot(&out_b));
    assert_eq!(a.len(), b.len());
    for ((pa, ba), (pb, bb)) in a.iter().zip(&b) {
        assert_eq!(pa, pb);
        assert!(ba == bb, "{pa} differs between two builds");
    }
}
