//! Validation: the checks that go beyond one value's type — slugs, years,
//! money that cannot be, links between programs and policies, fixed choices
//! against the city's lists — and warnings for data that is legal but
//! suspicious. Every problem is collected; nothing stops at the first.

use crate::diag::{suggest, Diagnostic, Diagnostics, Location};
use crate::load::raw::{Money, RawMoney, RawSite};
use crate::load::{Loaded, RawContent, SourceFile};
use crate::model::format::YEAR_RANGE;
use crate::model::value::{Measure, SheetValue};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use toml::Spanned;

mod plan;
mod shown;

/// The default form shows a year's 【Check】 and 【Action】 on the sheet of
/// the year after: written in the evaluation year's own file (or a later
/// one), they appear on no page yet. Said, rather than kept silently.
fn check_unpublished_check(
    raw: &RawContent,
    year: i64,
    ly: &Loaded<crate::load::raw::RawYear>,
    diags: &mut Diagnostics,
) {
    if !raw.form.is_default {
        return;
    }
    let Some(eval) = raw.site.as_ref().map(|s| *s.data.evaluation_year.get_ref()) else {
        return;
    };
    let d = &ly.data;
    let written = [
        (
            "check",
            !d.check.evaluation.is_blank()
                || !d.check.analysis.is_blank()
                || d.check.rating.is_some(),
        ),
        (
            "action",
            !d.action.policy.is_blank() || d.action.decision.is_some(),
        ),
    ];
    for (key, is) in written {
        if is && year >= eval {
            let next =
                crate::model::format::wareki_fiscal_year(i32::try_from(year + 1).unwrap_or(0));
            diags.push(
                Diagnostic::warning(
                    "W012",
                    format!("この [{key}] は{next}のシートに載るため、いまはどのページにも表示されません"),
                    format!("this [{key}] belongs on the sheet of {}, which is not published yet", year + 1),
                )
                .at(ly.file.locate_key(&[key]))
                .help("前年度の実績の評価なら、前年度のファイルに書いてください。この年度の評価なら、評価年度（site.toml の evaluation_year）を進めると載ります / if it evaluates the year before, move it to that year's file; otherwise it appears once evaluation_year moves on"),
            );
        }
    }
}

/// A key mieru needs that the file (or its table under `table`) leaves out:
/// the same message the reader gives for a missing key.
fn missing_key(file: &SourceFile, key: &str, table: &[&str]) -> Diagnostic {
    let at = if table.is_empty() {
        file.locate(0..0)
    } else {
        file.locate_key(table)
    };
    Diagnostic::error(
        "E005",
        format!("必須のキー `{key}` がありません"),
        format!("missing required key `{key}`"),
    )
    .at(at)
    .help(format!(
        "この表に `{key} = …` を書き足してください（README の項目一覧を参照） / add `{key} = …` to this table (see README, field reference)"
    ))
}

/// Settlement above this multiple of the budget is worth a second look.
const SETTLEMENT_WARN_RATIO: i64 = 2;

pub fn validate(raw: &RawContent, diags: &mut Diagnostics) {
    let site = raw.site.as_ref();
    if let Some(site) = site {
        check_site(site, diags);
    }
    let choices = site.map(|s| &s.data.choices);

    let mut policy_dirs: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for p in &raw.policies {
        let file = &p.source.file;
        check_slug(
            &p.slug,
            "施策ファイル名",
            "policy file name",
            &file.whole(),
            diags,
        );
        let d = &p.source.data;
        shown::check_policy(&raw.form, &p.source, diags);
        check_required_text(&d.name, "施策名", file, &["name"], diags);
        match &d.outline {
            Some(o) => check_required_text(o.get_ref(), "施策の大綱", file, &["outline"], diags),
            None if raw.form.levels.is_empty() => {
                diags.push(missing_key(file, "outline", &[]));
            }
            None => {}
        }
        let mut seen = BTreeSet::new();
        for (i, dir) in d.directions.iter().enumerate() {
            check_required_text(
                &dir.name,
                "施策の方向",
                file,
                &["directions", &i.to_string(), "name"],
                diags,
            );
            let id = dir.id.get_ref();
            check_slug(
                id,
                "施策の方向の id",
                "direction id",
                &file.locate(dir.id.span()),
                diags,
            );
            if !seen.insert(id.as_str()) {
                diags.push(
                    Diagnostic::error(
                        "E013",
                        format!("施策の方向の id `{id}` が重複しています"),
                        format!("duplicate direction id `{id}`"),
                    )
                    .at(file.locate(dir.id.span())),
                );
            }
        }
        policy_dirs.insert(
            &p.slug,
            d.directions
                .iter()
                .map(|dir| dir.id.get_ref().as_str())
                .collect(),
        );
        for (i, ind) in d.indicators.iter().enumerate() {
            check_choice(choices, "indicator_kind", ind.kind.as_ref(), file, diags);
            let mut actual_years = BTreeSet::new();
            for a in &ind.actuals {
                if !actual_years.insert(*a.year.get_ref()) {
                    diags.push(
                        Diagnostic::error(
                            "E094",
                            format!("実績値の年 {} が2回書かれています", a.year.get_ref()),
                            format!("the actual value of {} is written twice", a.year.get_ref()),
                        )
                        .at(file.locate(a.year.span()))
                        .help("同じ年の実績値は1つだけにしてください（どちらかを消すか、年を直してください） / keep one value per year: delete one or correct its year"),
                    );
                }
            }
            if raw.form.levels.is_empty() {
                for (key, point) in [("baseline", &ind.baseline), ("target", &ind.target)] {
                    if point.is_none() {
                        diags.push(missing_key(file, key, &["indicators", &i.to_string()]));
                    }
                }
            }
            for point in ind
                .baseline
                .iter()
                .chain(&ind.target)
                .chain(&ind.actuals)
                .chain(&ind.targets)
                .chain(&ind.forecasts)
                .chain(&ind.final_target)
            {
                check_year(&point.year, file, diags);
                check_percentage(
                    point.value.get_ref(),
                    ind.unit.as_deref(),
                    file,
                    point.value.span(),
                    diags,
                );
            }
        }
        let mut review_years = BTreeSet::new();
        for r in &d.reviews {
            check_year(&r.fiscal_year, file, diags);
            if !review_years.insert(*r.fiscal_year.get_ref()) {
                diags.push(
                    Diagnostic::error(
                        "E014",
                        "同じ年度の意見が2回あります",
                        "two reviews for the same fiscal year",
                    )
                    .at(file.locate(r.fiscal_year.span())),
                );
            }
        }
    }

    let mut codes: BTreeMap<String, &Path> = BTreeMap::new();
    // Budgets (0) and settlements (1) of every program, by year: the site
    // adds them up by policy, department, outline and for the whole city.
    type Amounts<'a> = Vec<(i64, &'a std::sync::Arc<SourceFile>, std::ops::Range<usize>)>;
    let mut amounts: BTreeMap<(i64, u8), Amounts> = BTreeMap::new();
    let mut used_policies = BTreeSet::new();
    // The plan's nodes, built once for every program's place.
    let plan_nodes = crate::model::build::plan_nodes(raw, &raw.form);
    for lp in &raw.programs {
        let dir_loc = Location::file(&lp.dir);
        check_slug(
            &lp.slug,
            "事業フォルダ名",
            "program folder name",
            &dir_loc,
            diags,
        );
        let Some(program) = &lp.program else {
            if !raw.failed.contains(&lp.dir.join("program.toml")) {
                diags.push(
                    Diagnostic::error("E012", "program.toml がありません", "program.toml is missing")
                        .at(Location::file(&lp.dir.join("program.toml")))
                        .help("content/programs/ の下のフォルダには、事業名・担当課・施策・施策の方向を書いた program.toml が必要です / every folder under content/programs/ needs a program.toml with the program's name, department, policy and direction"),
                );
            }
            continue;
        };
        let file = &program.file;
        let d = &program.data;
        shown::check_program(&raw.form, program, diags);
        check_required_text(&d.name, "事業名", file, &["name"], diags);
        check_required_text(&d.department, "担当課", file, &["department"], diags);
        for (i, line) in d.budget_lines.iter().enumerate() {
            let i = i.to_string();
            check_required_text(
                &line.account,
                "会計",
                file,
                &["budget_lines", &i, "account"],
                diags,
            );
            for (code, key, level) in [
                (&line.section, "section", "款"),
                (&line.subsection, "subsection", "項"),
                (&line.item, "item", "目"),
                (&line.program_no, "program_no", "事業"),
            ] {
                if let Some(code) = code {
                    check_budget_code(
                        &code.0,
                        key,
                        level,
                        file.locate_key(&["budget_lines", &i, key]),
                        diags,
                    );
                }
            }
        }
        if let (Some(start), Some(end)) = (&d.start_year, &d.end_year) {
            if start.get_ref() > end.get_ref() {
                diags.push(
                    Diagnostic::error(
                        "E095",
                        format!(
                            "終了年度 {} が開始年度 {} より前です",
                            end.get_ref(),
                            start.get_ref()
                        ),
                        format!(
                            "end_year {} is before start_year {}",
                            end.get_ref(),
                            start.get_ref()
                        ),
                    )
                    .at(file.locate(end.span()))
                    .help("開始年度（start_year）と終了年度（end_year）を確かめてください。入れ替わっていませんか / check start_year and end_year: were they swapped?"),
                );
            }
        }
        if let Some(code) = &d.code {
            if let Some(other) = codes.insert(code.0.clone(), &file.path) {
                diags.push(
                    Diagnostic::error(
                        "E013",
                        format!("事業コード `{}` が重複しています", code.0),
                        format!("program code `{}` is used twice", code.0),
                    )
                    .at(file.locate_key(&["code"]))
                    .help(format!(
                        "{} でも使われています。別のコードにしてください / also used in {}",
                        other.display(),
                        other.display()
                    )),
                );
            }
        }
        if raw.form.levels.is_empty() {
            if let Some(place) = &d.place {
                diags.push(plan::place_without_levels(file, place.span()));
            }
            match (&d.policy, &d.direction) {
                (Some(policy), Some(direction)) => {
                    let policy_file = Path::new(crate::load::CONTENT_DIR)
                        .join("policies")
                        .join(format!("{}.toml", policy.get_ref()));
                    if !raw.failed.contains(&policy_file) {
                        check_reference(
                            policy.get_ref(),
                            policy,
                            direction,
                            &policy_dirs,
                            file,
                            diags,
                        );
                    }
                    used_policies.insert(policy.get_ref().clone());
                }
                (policy, direction) => {
                    for (key, v) in [
                        ("policy", policy.is_none()),
                        ("direction", direction.is_none()),
                    ] {
                        if v {
                            diags.push(missing_key(file, key, &[]));
                        }
                    }
                }
            }
        } else {
            plan::check_program_place(raw, &plan_nodes, program, diags);
        }
        for y in [&d.start_year, &d.end_year].into_iter().flatten() {
            check_year(y, file, diags);
        }
        let mut ids = BTreeSet::new();
        for (i, ind) in d.indicators.iter().enumerate() {
            check_choice(choices, "indicator_kind", ind.kind.as_ref(), file, diags);
            let id = ind
                .id
                .as_ref()
                .map(|s| s.get_ref().clone())
                .unwrap_or_else(|| {
                    if i == 0 {
                        "main".into()
                    } else {
                        format!("indicator-{}", i + 1)
                    }
                });
            if let Some(s) = &ind.id {
                check_slug(
                    s.get_ref(),
                    "指標の id",
                    "indicator id",
                    &file.locate(s.span()),
                    diags,
                );
            }
            if !ids.insert(id.clone()) {
                let at = match &ind.id {
                    Some(s) => file.locate(s.span()),
                    None => file.locate_key(&["indicators", &i.to_string()]),
                };
                diags.push(
                    Diagnostic::error(
                        "E093",
                        format!("指標の id `{id}` が2回使われています"),
                        format!("the indicator id `{id}` is used twice"),
                    )
                    .at(at)
                    .help("指標ごとに別の id を付けてください（例：id = \"katsudo\"） / give each indicator its own id (e.g. id = \"katsudo\")"),
                );
            }
        }
        let unit = d
            .indicators
            .first()
            .and_then(|i| i.unit.value())
            .map(String::as_str);
        let failed_years = raw
            .failed
            .iter()
            .any(|f| f.parent() == Some(lp.dir.as_path()));
        if lp.years.is_empty() && !failed_years {
            diags.push(
                Diagnostic::warning(
                    "W003",
                    "年度ファイルがありません",
                    "the program has no year file",
                )
                .at(Location::file(&lp.dir))
                .help("年度ごとの予算・決算・成果を書いた 2021.toml などを追加してください / add e.g. 2021.toml with the year's budget and results"),
            );
        }
        let main_id = d.indicators.first().map(|i| {
            i.id.as_ref()
                .map_or("main", |s| s.get_ref().as_str())
                .to_string()
        });
        let start = d.start_year.as_ref().map(|y| *y.get_ref());
        let end = d.end_year.as_ref().map(|y| *y.get_ref());
        for (name_year, ly) in &lp.years {
            plan::check_evaluations(&raw.form, ly, diags);
            check_unpublished_check(raw, *name_year, ly, diags);
            shown::check_year(&raw.form, ly, diags);
            let outside =
                start.is_some_and(|s| *name_year < s) || end.is_some_and(|e| *name_year > e);
            if outside {
                warn_money_outside_years(*name_year, ly, start, end, diags);
            }
            check_program_year(*name_year, ly, &ids, unit, choices, diags);
            check_indicator_values(ly, main_id.as_deref(), diags);
            for (kind, m) in [(0, &ly.data.budget.amount), (1, &ly.data.settlement.amount)] {
                if let Some(&v) = m.get_ref().value().filter(|v| **v > 0) {
                    amounts
                        .entry((*name_year, kind))
                        .or_default()
                        .push((v, &ly.file, m.span()));
                }
            }
        }
    }
    for ((year, kind), list) in &mut amounts {
        check_sum_fits(*year, *kind, list, diags);
    }
    // A program.toml that failed to load may belong to any policy: no
    // policy is then said to have no program.
    let program_failed = raw
        .failed
        .iter()
        .any(|f| f.file_name().is_some_and(|n| n == "program.toml"));
    if !raw.form.levels.is_empty() {
        plan::check_plan(raw, diags);
        used_policies = plan::policies_with_programs(raw, &plan_nodes);
    }
    for p in &raw.policies {
        if !program_failed && !used_policies.contains(&p.slug) {
            diags.push(
                Diagnostic::warning(
                    "W004",
                    "この施策に属する事業がありません",
                    "no program belongs to this policy",
                )
                .at(p.source.file.whole()),
            );
        }
    }
}

fn check_site(site: &Loaded<RawSite>, diags: &mut Diagnostics) {
    let file = &site.file;
    check_year(&site.data.evaluation_year, file, diags);
    check_required_text(&site.data.city, "地方公共団体名", file, &["city"], diags);
    if let Some(title) = &site.data.title {
        check_required_text(title, "サイト名", file, &["title"], diags);
    }
    let lang = &site.data.language;
    if !is_language_tag(lang) {
        diags.push(
            Diagnostic::error(
                "E092",
                format!("言語 `{lang}` は言語タグではありません"),
                format!("`{lang}` is not a language tag"),
            )
            .at(file.locate_key(&["language"]))
            .help("日本語のサイトは language = \"ja\" と書いてください（英語は \"en\"、地域つきは \"ja-JP\"） / write language = \"ja\" for Japanese (\"en\" for English, \"ja-JP\" with a region)"),
        );
    }
    if let Some(url) = site.data.base_url.as_deref().filter(|u| is_web_address(u)) {
        if let Some(c) = url
            .chars()
            .find(|c| matches!(c, '?' | '#') || is_bidi_control(*c))
        {
            let what = match c {
                '?' | '#' => format!("`{c}`"),
                c => format!("見えない文字 {}", crate::load::char_name(c)),
            };
            diags.push(
                Diagnostic::error(
                    "E098",
                    format!("base_url に {what} は使えません"),
                    format!("base_url must not contain {}", match c {
                        '?' | '#' => format!("`{c}`"),
                        c => format!("the invisible character {}", crate::load::char_name(c)),
                    }),
                )
                .at(file.locate_key(&["base_url"]))
                .help("base_url はサイトの置き場所のアドレスだけを書いてください（? や # 以降は不要です。例：https://www.city.example.lg.jp/hyoka） / write only the address of the site's folder, without ? or # (e.g. https://www.city.example.lg.jp/hyoka)"),
            );
        }
    }
    let unit = site.data.money_unit.get_ref();
    if unit != "千円" && unit != "円" {
        diags.push(
            Diagnostic::error(
                "E015",
                format!("金額の単位 `{unit}` は使えません"),
                format!("unsupported money unit `{unit}`"),
            )
            .at(file.locate(site.data.money_unit.span()))
            .help("money_unit = \"千円\" または money_unit = \"円\" と書いてください / write money_unit = \"千円\" or \"円\""),
        );
    }
    if let Some(code) = &site.data.city_code {
        if !(code.0.len() == 6 && code.0.bytes().all(|b| b.is_ascii_digit())) {
            diags.push(
                Diagnostic::error(
                    "E016",
                    "全国地方公共団体コードは6桁の数字です",
                    "city_code must be 6 digits",
                )
                .at(file.locate_key(&["city_code"]))
                .help("先頭の0が消えないよう引用符で囲んで書いてください：city_code = \"082112\" / write it as text to keep the leading zero"),
            );
        }
    }
    if let Some(t) = &site.data.change_threshold {
        let v = *t.get_ref();
        if !(v.is_finite() && v > 0.0 && v <= 1000.0) {
            diags.push(
                Diagnostic::error(
                    "E017",
                    "change_threshold は 0 より大きく 1000 以下の百分率です",
                    "change_threshold must be a percentage above 0 and at most 1000",
                )
                .at(file.locate(t.span()))
                .help(
                    "例：change_threshold = 20（20%を超えて増減した事業を載せます） / for example change_threshold = 20 (list budgets that moved by more than 20%)",
                ),
            );
        }
    }
    let urls = [
        (site.data.base_url.as_deref(), &["base_url"][..]),
        (site.data.licence.url.as_deref(), &["licence", "url"][..]),
    ];
    for (url, keys) in urls {
        if let Some(url) = url.filter(|u| !is_web_address(u)) {
            diags.push(
                Diagnostic::error(
                    "E018",
                    format!(
                        "`{}` は https:// で始まるアドレスではありません",
                        keys.join(".")
                    ),
                    format!(
                        "{} must be an http(s) address without spaces or quotes: `{url}`",
                        keys.join(".")
                    ),
                )
                .at(file.locate_key(keys))
                .help("https:// で始まるアドレスを書いてください（例：https://www.city.example.lg.jp/hyoka） / e.g. https://www.city.example.lg.jp/hyoka"),
            );
        }
    }
    let theme = site.data.theme.get_ref();
    if !is_slug(theme) {
        diags.push(
            Diagnostic::error(
                "E011",
                format!("テーマ名 `{theme}` に使えない文字があります"),
                "theme name must be [a-z0-9-]+",
            )
            .at(file.locate(site.data.theme.span())),
        );
    }
    for (name, list) in &site.data.choices {
        let mut seen = BTreeSet::new();
        for option in list {
            if !seen.insert(option) {
                diags.push(
                    Diagnostic::error(
                        "E051",
                        format!("選択肢 `{option}` が `{name}` に2回あります"),
                        format!("option `{option}` appears twice in choices.{name}"),
                    )
                    .at(file.locate_key(&["choices", name])),
                );
            }
        }
    }
}

fn check_program_year(
    name_year: i64,
    ly: &Loaded<crate::load::raw::RawYear>,
    indicator_ids: &BTreeSet<String>,
    unit: Option<&str>,
    choices: Option<&BTreeMap<String, Vec<String>>>,
    diags: &mut Diagnostics,
) {
    let file = &ly.file;
    let y = &ly.data;
    if check_year(&y.fiscal_year, file, diags) && *y.fiscal_year.get_ref() != name_year {
        diags.push(
            Diagnostic::error(
                "E021",
                format!(
                    "ファイル名の年度 {name_year} と fiscal_year {} が一致しません",
                    y.fiscal_year.get_ref()
                ),
                format!(
                    "file name says {name_year} but fiscal_year is {}",
                    y.fiscal_year.get_ref()
                ),
            )
            .at(file.locate(y.fiscal_year.span()))
            .help("ファイル名か fiscal_year のどちらかを直してください / rename the file or correct fiscal_year"),
        );
    }
    for (money, label, key) in [
        (&y.budget, "予算額 / budget", "budget"),
        (&y.settlement, "決算額 / settlement", "settlement"),
    ] {
        check_money_block(money, label, file, diags);
        check_funding_sum(money, label, key, file, diags);
    }
    if let Some(staff) = &y.staff {
        check_non_negative(&staff.cost, file, diags);
        if let Some(n) = staff.headcount.value().filter(|n| **n < 0.0) {
            diags.push(
                Diagnostic::error(
                    "E097",
                    format!("従事人数が負の値です（{n}）"),
                    format!("negative headcount {n}"),
                )
                .at(file.locate_key(&["staff", "headcount"]))
                .help("従事人数は0以上の数で書いてください（例：headcount = 1.5） / write the number of staff as 0 or more (e.g. headcount = 1.5)"),
            );
        }
    }
    if let (Some(b), Some(s)) = (
        y.budget.amount.get_ref().value(),
        y.settlement.amount.get_ref().value(),
    ) {
        if *b > 0 && *s > b.saturating_mul(SETTLEMENT_WARN_RATIO) {
            diags.push(
                Diagnostic::warning(
                    "W002",
                    "決算額が予算額を大きく上回っています",
                    format!("settlement {s} is more than {SETTLEMENT_WARN_RATIO}× the budget {b}"),
                )
                .at(file.locate(y.settlement.amount.span()))
                .help("金額の単位（千円・円）と桁を確かめてください / check the unit (千円/円) and the digits"),
            );
        }
    }
    for (v, key) in [(&y.target, "target"), (&y.result, "result")] {
        if let (Some(Measure::Number(n)), Some("%")) = (v.value(), unit) {
            if !(0.0..=100.0).contains(n) {
                diags.push(percentage_warning(*n, file.locate_key(&[key])));
            }
        }
    }
    for v in &y.indicators {
        let id = v.indicator.get_ref();
        if !indicator_ids.contains(id) {
            let mut d = Diagnostic::error(
                "E032",
                format!("指標 `{id}` は program.toml にありません"),
                format!("unknown indicator `{id}`"),
            )
            .at(file.locate(v.indicator.span()));
            if let Some(s) = suggest(id, indicator_ids.iter().map(String::as_str)) {
                d = d.help(format!(
                    "`{s}` の誤りではありませんか / did you mean `{s}`?"
                ));
            }
            diags.push(d);
        }
    }
    check_choice(choices, "rating", y.check.rating.as_ref(), file, diags);
    check_choice(choices, "decision", y.action.decision.as_ref(), file, diags);
}

fn check_money_block(m: &RawMoney, label: &str, file: &SourceFile, diags: &mut Diagnostics) {
    check_non_negative(&m.amount, file, diags);
    check_non_negative(&m.special_funding, file, diags);
    if let (Some(total), Some(special)) = (
        m.amount.get_ref().value(),
        m.special_funding.get_ref().value(),
    ) {
        if special > total {
            diags.push(
                Diagnostic::error(
                    "E041",
                    format!(
                        "うち特定財源 {special} が{} {total} を超えています",
                        label.split(" / ").next().unwrap_or(label)
                    ),
                    format!(
                        "special funding {special} exceeds the {} {total}",
                        label.split(" / ").nth(1).unwrap_or(label)
                    ),
                )
                .at(file.locate(m.special_funding.span())),
            );
        }
    }
    if let Some(f) = &m.funding {
        for v in [&f.national, &f.prefectural, &f.bonds, &f.other, &f.general] {
            check_non_negative(v, file, diags);
        }
    }
}

fn check_non_negative(m: &Money, file: &SourceFile, diags: &mut Diagnostics) {
    if let Some(v) = m.get_ref().value() {
        if *v < 0 {
            diags.push(
                Diagnostic::error(
                    "E040",
                    format!("金額が負の値です（{v}）"),
                    format!("negative amount {v}"),
                )
                .at(file.locate(m.span()))
                .help("減額（△）はまだ入力できません。金額は0以上の整数で書いてください（該当しないときは \"—\"） / amounts cannot be negative yet: write 0 or more, or \"—\" when not applicable"),
            );
        }
    }
}

fn check_percentage(
    v: &SheetValue<Measure>,
    unit: Option<&str>,
    file: &SourceFile,
    span: std::ops::Range<usize>,
    diags: &mut Diagnostics,
) {
    if let (Some(Measure::Number(n)), Some("%")) = (v.value(), unit) {
        if !(0.0..=100.0).contains(n) {
            diags.push(percentage_warning(*n, file.locate(span)));
        }
    }
}

fn percentage_warning(n: f64, at: Location) -> Diagnostic {
    Diagnostic::warning(
        "W001",
        format!("割合 {n}% が 0〜100 の範囲外です"),
        format!("percentage {n}% is outside 0–100"),
    )
    .at(at)
    .help("単位（%・件・人…）と桁を確かめてください / check the unit (% or 件・人…) and the digits")
}

/// Checks a fiscal or survey year; true when it is in range.
fn check_year(y: &Spanned<i64>, file: &SourceFile, diags: &mut Diagnostics) -> bool {
    let v = *y.get_ref();
    if (*YEAR_RANGE.start() as i64..=*YEAR_RANGE.end() as i64).contains(&v) {
        return true;
    }
    diags.push(
        Diagnostic::error(
            "E020",
            format!(
                "年度 {v} が範囲外です（{}〜{}）",
                YEAR_RANGE.start(),
                YEAR_RANGE.end()
            ),
            format!(
                "year {v} is outside {}–{}",
                YEAR_RANGE.start(),
                YEAR_RANGE.end()
            ),
        )
        .at(file.locate(y.span()))
        .help("年度は西暦の4桁で書いてください（令和3年度 → 2021） / years are written in the Western calendar: 令和3年度 → 2021"),
    );
    false
}

fn check_reference(
    policy: &str,
    policy_span: &Spanned<String>,
    direction: &Spanned<String>,
    policy_dirs: &BTreeMap<&str, Vec<&str>>,
    file: &SourceFile,
    diags: &mut Diagnostics,
) {
    match policy_dirs.get(policy) {
        None => {
            let mut d = Diagnostic::error(
                "E030",
                format!("施策 `{policy}` がありません"),
                format!("unknown policy `{policy}`"),
            )
            .at(file.locate(policy_span.span()));
            let list = if policy_dirs.is_empty() {
                "（まだありません / none yet）".to_string()
            } else {
                policy_dirs.keys().copied().collect::<Vec<_>>().join("、")
            };
            d = match suggest(policy, policy_dirs.keys().copied()) {
                Some(s) => d.help(format!("`{s}` の誤りではありませんか（content/policies/{s}.toml）。ある施策：{list} / did you mean `{s}`? policies: {list}")),
                None => {
                    d.help(format!("施策は content/policies/ のファイル名（.toml を除く）で書きます。ある施策：{list} / the policy is the name of a file in content/policies/ without .toml; policies: {list}"))
                }
            };
            diags.push(d);
        }
        Some(dirs) => {
            let dir = direction.get_ref();
            if !dirs.contains(&dir.as_str()) {
                let mut d = Diagnostic::error(
                    "E031",
                    format!("施策 `{policy}` に施策の方向 `{dir}` がありません"),
                    format!("policy `{policy}` has no direction `{dir}`"),
                )
                .at(file.locate(direction.span()));
                d = match suggest(dir, dirs.iter().copied()) {
                    Some(s) => d.help(format!(
                        "`{s}` の誤りではありませんか / did you mean `{s}`?"
                    )),
                    None => d.help(format!(
                        "施策 `{policy}` の施策の方向：{} / directions of `{policy}`",
                        dirs.join(", ")
                    )),
                };
                diags.push(d);
            }
        }
    }
}

fn check_choice(
    choices: Option<&BTreeMap<String, Vec<String>>>,
    list: &str,
    value: Option<&Spanned<String>>,
    file: &SourceFile,
    diags: &mut Diagnostics,
) {
    let Some(value) = value else { return };
    let v = value.get_ref();
    let options = choices.and_then(|c| c.get(list));
    match options {
        Some(opts) if opts.contains(v) => {}
        Some(opts) => {
            let mut d = Diagnostic::error(
                "E050",
                format!("`{v}` は選択肢 {list} にありません"),
                format!("`{v}` is not one of choices.{list}"),
            )
            .at(file.locate(value.span()));
            d = match suggest(v, opts.iter().map(String::as_str)) {
                Some(s) => d.help(format!("`{s}` の誤りではありませんか / did you mean `{s}`?")),
                None => d.help(format!("site.toml の choices.{list} の選択肢：{} / the options of choices.{list} in site.toml", opts.join("・"))),
            };
            diags.push(d);
        }
        None => diags.push(
            Diagnostic::error(
                "E050",
                format!("選択肢 {list} が site.toml に定義されていません"),
                format!("choices.{list} is not defined in site.toml"),
            )
            .at(file.locate(value.span()))
            .help(format!(
                "content/site.toml の [choices] に `{list} = [\"…\", \"…\"]` を書いてください / add `{list} = [\"…\", \"…\"]` under [choices] in content/site.toml"
            )),
        ),
    }
}

/// An absolute http(s) address with nothing that could end an attribute
/// or start markup, so that it is safe in a link as it is.
pub fn is_web_address(s: &str) -> bool {
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"));
    rest.is_some_and(|r| {
        !r.is_empty()
            && !r.starts_with('/')
            && r.chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && !"\"'<>\\`{}|^".contains(c))
    })
}

pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn check_slug(s: &str, ja: &str, en: &str, loc: &Location, diags: &mut Diagnostics) {
    if !is_slug(s) {
        diags.push(
            Diagnostic::error("E011", format!("{ja} `{s}` に使えない文字があります"), format!("{en} `{s}` must be [a-z0-9-]+"))
                .at(loc.clone())
                .help("半角の英小文字・数字・ハイフンだけを使ってください（例：teiju-jiritsuken） / use lower-case ASCII letters, digits and hyphens, e.g. teiju-jiritsuken"),
        );
    }
}

/// The amounts of one kind and year over all programs must add up to a
/// number mieru can hold: every total the site shows is a part of that sum
/// (amounts are never negative), so none of them can then be wrong.
fn check_sum_fits(
    year: i64,
    kind: u8,
    list: &mut [(i64, &std::sync::Arc<SourceFile>, std::ops::Range<usize>)],
    diags: &mut Diagnostics,
) {
    if list
        .iter()
        .try_fold(0i64, |acc, (v, ..)| acc.checked_add(*v))
        .is_some()
    {
        return;
    }
    list.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.path.cmp(&b.1.path)));
    let (ja, en) = if kind == 0 {
        ("予算額", "budgets")
    } else {
        ("決算額", "settlements")
    };
    let fy = crate::model::format::wareki_fiscal_year(year as i32);
    let files: Vec<String> = list
        .iter()
        .take(5)
        .map(|(v, f, _)| {
            format!(
                "{}（{}）",
                f.path.display(),
                crate::model::format::group_thousands(*v)
            )
        })
        .collect();
    let more = if list.len() > 5 {
        format!(" ほか{}件", list.len() - 5)
    } else {
        String::new()
    };
    let (_, file, span) = &list[0];
    diags.push(
        Diagnostic::error(
            "E100",
            format!("{fy}の{ja}の合計が大きすぎて計算できません（{}を超えます）", crate::model::format::group_thousands(i64::MAX)),
            format!("the {en} of {year} add up to more than {} and cannot be totalled", i64::MAX),
        )
        .at(file.locate(span.clone()))
        .help(format!(
            "金額の桁と単位（千円・円）を確かめてください。大きい金額の順に：{}{more} / check the digits and the unit of these amounts, largest first",
            files.join("、")
        )),
    );
}

/// The main indicator's target and result may be written at the top of a
/// year file or as an `[[indicators]]` entry under its id, not both; and
/// each indicator once a year.
fn check_indicator_values(
    ly: &Loaded<crate::load::raw::RawYear>,
    main_id: Option<&str>,
    diags: &mut Diagnostics,
) {
    let file = &ly.file;
    let y = &ly.data;
    let mut seen = BTreeSet::new();
    for v in &y.indicators {
        let id = v.indicator.get_ref();
        if !seen.insert(id.as_str()) {
            diags.push(
                Diagnostic::error(
                    "E102",
                    format!("指標 `{id}` の値がこの年度に2回書かれています"),
                    format!("the values of indicator `{id}` are written twice in this year"),
                )
                .at(file.locate(v.indicator.span()))
                .help("1つの指標の目標・実績は1年度に1つの [[indicators]] にまとめてください / write one [[indicators]] entry per indicator and year"),
            );
        }
        if Some(id.as_str()) != main_id {
            continue;
        }
        let both = [
            ("target", &y.target, &v.target),
            ("result", &y.result, &v.result),
        ];
        for (key, ..) in both
            .into_iter()
            .filter(|(_, top, entry)| !top.is_blank() && !entry.is_blank())
        {
            diags.push(
                Diagnostic::error(
                    "E101",
                    format!("主な指標 `{id}` の値が、上の `{key}` と [[indicators]] の両方に書かれています"),
                    format!("the main indicator `{id}` has values both in the top-level `{key}` and in [[indicators]]"),
                )
                .at(file.locate(v.indicator.span()))
                .help(format!(
                    "どちらか一方にしてください。主な指標は通常ファイルの上の方に `{key} = …` と書きます / keep one of the two: the main indicator is usually written as `{key} = …` at the top of the file"
                )),
            );
        }
    }
}

/// Money in a year before `start_year` or after `end_year` is shown as
/// "—" nowhere it is blank, but an amount there is worth a second look.
fn warn_money_outside_years(
    year: i64,
    ly: &Loaded<crate::load::raw::RawYear>,
    start: Option<i64>,
    end: Option<i64>,
    diags: &mut Diagnostics,
) {
    let y = &ly.data;
    let amount = [&y.budget.amount, &y.settlement.amount]
        .into_iter()
        .find(|m| m.get_ref().value().is_some_and(|v| *v != 0));
    let Some(amount) = amount else { return };
    let span_ja = format!(
        "{}〜{}",
        start.map_or(String::new(), |s| s.to_string()),
        end.map_or(String::new(), |e| e.to_string())
    );
    diags.push(
        Diagnostic::warning(
            "W020",
            format!("{year}年度は事業の期間（{span_ja}年度）の外ですが、金額が書かれています"),
            format!("{year} is outside the program's years ({span_ja}) but has an amount"),
        )
        .at(ly.file.locate(amount.span()))
        .help("program.toml の start_year・end_year か、この年度の金額を確かめてください / check start_year and end_year in program.toml, or this year's amount"),
    );
}

/// Text that a page uses as a heading, title or link must say something.
fn check_required_text(
    text: &str,
    label: &str,
    file: &SourceFile,
    keys: &[&str],
    diags: &mut Diagnostics,
) {
    if !crate::model::value::trim_cell(text).is_empty() {
        return;
    }
    let key = keys.last().copied().unwrap_or_default();
    diags.push(
        Diagnostic::error(
            "E091",
            format!("{label}（`{key}`）が空です"),
            format!("`{key}` is empty"),
        )
        .at(file.locate_key(keys))
        .help(format!(
            "{label}を書いてください。ページの見出しやリンクになります（例：{key} = \"…\"） / write the {key}: it becomes the page's heading and links"
        )),
    );
}

/// A budget code (款・項・目・事業) is a number; leading zeros are kept.
fn check_budget_code(code: &str, key: &str, level: &str, at: Location, diags: &mut Diagnostics) {
    if !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit()) {
        return;
    }
    let digits: String = code
        .chars()
        .filter_map(|c| {
            c.to_digit(10)
                .or_else(|| ('０'..='９').contains(&c).then(|| c as u32 - '０' as u32))
        })
        .map(|d| char::from_digit(d, 10).unwrap_or('0'))
        .collect();
    let fix = if digits.is_empty() {
        format!("{key} = \"01\"")
    } else {
        format!("{key} = \"{digits}\"")
    };
    diags.push(
        Diagnostic::error(
            "E099",
            format!("{level}の番号 `{code}` に数字以外が含まれています"),
            format!("the budget code `{code}` ({key}) is not a number"),
        )
        .at(at)
        .help(format!(
            "{level}は半角数字の番号だけを書いてください（先頭の0は残ります）。款・項・目の名前はまだ入力できません：{fix} / write the number alone ({fix}); names of budget levels are not supported yet"
        )),
    );
}

/// A BCP 47 language tag in its common shape: `ja`, `en`, `ja-JP`, `zh-Hant-TW`.
pub fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The invisible characters that change the direction of text.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The parts of a funding breakdown (財源内訳) cannot add up to more than
/// the amount they break down.
fn check_funding_sum(
    m: &RawMoney,
    label: &str,
    key: &str,
    file: &SourceFile,
    diags: &mut Diagnostics,
) {
    let (Some(f), Some(&amount)) = (&m.funding, m.amount.get_ref().value()) else {
        return;
    };
    let parts = [&f.national, &f.prefectural, &f.bonds, &f.other, &f.general];
    let sum = parts
        .iter()
        .filter_map(|p| p.get_ref().value())
        .try_fold(0i64, |acc, v| acc.checked_add(*v));
    let over = match sum {
        Some(sum) => sum > amount,
        None => true,
    };
    if !over {
        return;
    }
    let (ja, en) = label.split_once(" / ").unwrap_or((label, label));
    let shown = sum.map_or_else(
        || "（大きすぎて計算できません）".to_string(),
        |s| s.to_string(),
    );
    diags.push(
        Diagnostic::error(
            "E096",
            format!("財源内訳の合計 {shown} が{ja} {amount} を超えています"),
            format!("the funding breakdown adds up to more than the {en} {amount}"),
        )
        .at(file.locate_key(&[key, "funding"]))
        .help(format!(
            "国庫支出金・県支出金・地方債・その他・一般財源の合計が{ja}以下になるよう直してください / the parts (national, prefectural, bonds, other, general) must add up to at most the {en}"
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_url_safe_only() {
        assert!(is_slug("teiju-jiritsuken"));
        assert!(!is_slug("../../etc/passwd"));
        assert!(!is_slug("定住"));
        assert!(!is_slug("A"));
        assert!(!is_slug(""));
    }

    #[test]
    fn only_plain_web_addresses_are_links() {
        assert!(is_web_address("https://example.org/joso-gyosei-hyoka"));
        assert!(is_web_address("http://example.org"));
        assert!(!is_web_address("javascript:alert(1)"));
        assert!(!is_web_address("https://"));
        assert!(!is_web_address("https:///etc/passwd"));
        assert!(!is_web_address("https://example.org/\"><script>"));
        assert!(!is_web_address("https://example.org/a b"));
        assert!(!is_web_address("//example.org"));
    }
}
