//! Nothing written is silently left out: a typed key whose value the form
//! does not show anywhere (a 補正 column the default form has no place for,
//! a `purpose` a declared form does not place, a money column its block
//! leaves out) is an error at the key, naming the form section that would
//! show it.

use crate::diag::{Diagnostic, Diagnostics};
use crate::form::{Block, Form, FundingSource, MoneyColumn, Sheet, StaffPart};
use crate::load::raw::{RawFunding, RawMoney, RawPolicy, RawProgram, RawYear};
use crate::load::{Loaded, SourceFile};
use crate::model::value::SheetValue;

fn not_shown(file: &SourceFile, keys: &[&str], form: &Form, how: &str) -> Diagnostic {
    let key = keys.join(".");
    Diagnostic::error(
        "E078",
        format!("`{key}` はこのサイトの様式では表示されません（書いた値がどこにも載りません）"),
        format!("`{key}` is not shown by this site's form: the value would appear nowhere"),
    )
    .at(file.locate_key(keys))
    .help(if form.is_default {
        format!("{how}を使うには content/form.toml で様式を宣言してください（docs/forms.md）。不要なら消してください / declare a form in content/form.toml to use it (docs/forms.md), or remove it")
    } else {
        format!("content/form.toml に{how}を加えるか、この値を消してください / give it a place in content/form.toml (docs/forms.md), or remove the value")
    })
}

fn placed(sheet: &Sheet, key: &str) -> bool {
    sheet.field(key).is_some()
}

fn money_block(form: &Form) -> Option<(&[MoneyColumn], &[FundingSource])> {
    form.year.blocks().find_map(|b| match b {
        Block::Money {
            columns, funding, ..
        } => Some((columns.as_slice(), funding.as_slice())),
        _ => None,
    })
}

fn staff_block(form: &Form) -> Option<&[StaffPart]> {
    form.year.blocks().find_map(|b| match b {
        Block::Staff { show } => Some(show.as_slice()),
        _ => None,
    })
}

fn has(sheet: &Sheet, want: &Block) -> bool {
    sheet
        .blocks()
        .any(|b| std::mem::discriminant(b) == std::mem::discriminant(want))
}

fn present<T>(v: &SheetValue<T>) -> bool {
    !v.is_blank()
}

/// The funding keys written in a breakdown.
fn funding_keys(f: &RawFunding) -> Vec<(FundingSource, bool)> {
    use FundingSource as S;
    [
        (S::National, present(f.national.get_ref())),
        (S::Prefectural, present(f.prefectural.get_ref())),
        (
            S::NationalPrefectural,
            present(f.national_prefectural.get_ref()),
        ),
        (S::Bonds, present(f.bonds.get_ref())),
        (S::Other, present(f.other.get_ref())),
        (S::Beneficiary, present(f.beneficiary.get_ref())),
        (S::General, present(f.general.get_ref())),
    ]
    .to_vec()
}

fn check_money(form: &Form, file: &SourceFile, table: &str, m: &RawMoney, diags: &mut Diagnostics) {
    let parts = [
        (
            "initial",
            MoneyColumn::Initial,
            present(m.initial.get_ref()),
        ),
        (
            "supplementary",
            MoneyColumn::Supplementary,
            present(m.supplementary.get_ref()),
        ),
        (
            "carried_over",
            MoneyColumn::CarriedOver,
            present(m.carried_over.get_ref()),
        ),
        (
            "transfer",
            MoneyColumn::Transfer,
            present(m.transfer.get_ref()),
        ),
    ];
    match money_block(form) {
        // The default form shows 予算額・決算額 and their funding (5 sources).
        None if form.is_default || placed(&form.year, table) => {
            for (key, _, is) in parts {
                if is {
                    diags.push(not_shown(
                        file,
                        &[table, key],
                        form,
                        "年度ごとの事業費の節（block = \"money\"）",
                    ));
                }
            }
            if m.estimate {
                diags.push(not_shown(
                    file,
                    &[table, "estimate"],
                    form,
                    "年度ごとの事業費の節（block = \"money\"）",
                ));
            }
            if let Some(f) = &m.funding {
                for (s, is) in funding_keys(f) {
                    if is
                        && matches!(
                            s,
                            FundingSource::NationalPrefectural | FundingSource::Beneficiary
                        )
                    {
                        diags.push(not_shown(
                            file,
                            &[table, "funding", s.key()],
                            form,
                            "財源を示す事業費の節",
                        ));
                    }
                }
            }
        }
        None => {}
        Some((columns, funding)) => {
            if table == "budget" {
                for (key, col, is) in parts {
                    if is && !columns.contains(&col) {
                        diags.push(not_shown(
                            file,
                            &[table, key],
                            form,
                            &format!("事業費の節の columns に \"{key}\""),
                        ));
                    }
                }
            }
            if let Some(f) = &m.funding {
                for (s, is) in funding_keys(f) {
                    if is && !funding.contains(&s) {
                        diags.push(not_shown(
                            file,
                            &[table, "funding", s.key()],
                            form,
                            &format!("事業費の節の funding に \"{}\"", s.key()),
                        ));
                    }
                }
            }
        }
    }
}

/// A year file's typed values against the form.
pub fn check_year(form: &Form, ly: &Loaded<RawYear>, diags: &mut Diagnostics) {
    let file = &ly.file;
    let d = &ly.data;
    let money = money_block(form).is_some();
    let year = &form.year;
    let shows = |key: &str| placed(year, key);
    if !money
        && !shows("budget")
        && (present(d.budget.amount.get_ref()) || present(d.budget.special_funding.get_ref()))
    {
        diags.push(not_shown(
            file,
            &["budget"],
            form,
            "事業費の節（block = \"money\"）",
        ));
    }
    if !money && !shows("settlement") && present(d.settlement.amount.get_ref()) {
        diags.push(not_shown(
            file,
            &["settlement"],
            form,
            "事業費の節（block = \"money\"）",
        ));
    }
    check_money(form, file, "budget", &d.budget, diags);
    check_money(form, file, "settlement", &d.settlement, diags);
    if let Some(f) = &d.forecast {
        let shown = money_block(form).is_some_and(|(c, _)| c.contains(&MoneyColumn::Forecast));
        if !shown && present(f.amount.get_ref()) {
            diags.push(not_shown(
                file,
                &["forecast"],
                form,
                "事業費の節の columns に \"forecast\"（見込）",
            ));
        }
    }
    let indicators = has(&form.program, &Block::Indicators);
    for (key, is) in [
        ("target", present(&d.target)),
        ("result", present(&d.result)),
        ("activities", present(&d.activities)),
    ] {
        let by_block = key != "activities" && indicators;
        if is && !shows(key) && !by_block {
            diags.push(not_shown(file, &[key], form, &format!("`{key}` の項目")));
        }
    }
    if !d.indicators.is_empty() && !shows("indicators") && !indicators {
        diags.push(not_shown(
            file,
            &["indicators"],
            form,
            "指標の節（block = \"indicators\"）",
        ));
    }
    for (i, v) in d.indicators.iter().enumerate() {
        if present(&v.forecast) && !indicators {
            diags.push(not_shown(
                file,
                &["indicators", &i.to_string(), "forecast"],
                form,
                "指標の節（block = \"indicators\"）",
            ));
        }
    }
    if let Some(s) = &d.staff {
        let parts = [
            ("headcount", StaffPart::Headcount, present(&s.headcount)),
            ("hours", StaffPart::Hours, present(&s.hours)),
            ("rate", StaffPart::Rate, present(&s.rate)),
            ("cost", StaffPart::Cost, present(s.cost.get_ref())),
            (
                "total_cost",
                StaffPart::TotalCost,
                present(s.total_cost.get_ref()),
            ),
        ];
        match staff_block(form) {
            Some(show) => {
                for (key, part, is) in parts {
                    if is && !show.contains(&part) {
                        diags.push(not_shown(
                            file,
                            &["staff", key],
                            form,
                            &format!("人件費の節の show に \"{key}\""),
                        ));
                    }
                }
            }
            None if shows("staff") => {
                for (key, _, is) in parts.into_iter().skip(1).filter(|p| p.0 != "cost") {
                    if is {
                        diags.push(not_shown(
                            file,
                            &["staff", key],
                            form,
                            "人件費の節（block = \"staff\"）",
                        ));
                    }
                }
            }
            None => {
                if parts.iter().any(|p| p.2) {
                    diags.push(not_shown(
                        file,
                        &["staff"],
                        form,
                        "人件費の節（block = \"staff\"）",
                    ));
                }
            }
        }
    }
    for key in ["check", "action"] {
        let written = match key {
            "check" => {
                present(&d.check.evaluation)
                    || present(&d.check.analysis)
                    || d.check.rating.is_some()
            }
            _ => present(&d.action.policy) || d.action.decision.is_some(),
        };
        if written && !shows(key) {
            diags.push(not_shown(file, &[key], form, &format!("`{key}` の項目")));
        }
    }
}

/// program.toml's typed values against the form.
pub fn check_program(form: &Form, lp: &Loaded<RawProgram>, diags: &mut Diagnostics) {
    let file = &lp.file;
    let d = &lp.data;
    let sheet = &form.program;
    for (key, is) in [
        ("related_departments", !d.related_departments.is_empty()),
        ("purpose", present(&d.purpose)),
        ("code", d.code.is_some()),
        ("start_year", d.start_year.is_some()),
        ("end_year", d.end_year.is_some()),
    ] {
        if is && !placed(sheet, key) {
            diags.push(not_shown(file, &[key], form, &format!("`{key}` の項目")));
        }
    }
    let lines = has(sheet, &Block::BudgetLines) || placed(sheet, "budget_lines");
    if !d.budget_lines.is_empty() && !lines {
        diags.push(not_shown(
            file,
            &["budget_lines"],
            form,
            "予算科目の節（block = \"budget_lines\"）",
        ));
    }
    if form.is_default {
        for (i, b) in d.budget_lines.iter().enumerate() {
            for (key, is) in [
                ("section_name", b.section_name.is_some()),
                ("subsection_name", b.subsection_name.is_some()),
                ("item_name", b.item_name.is_some()),
                ("sub_item", b.sub_item.is_some()),
                ("sub_item_name", b.sub_item_name.is_some()),
            ] {
                if is {
                    diags.push(not_shown(
                        file,
                        &["budget_lines", &i.to_string(), key],
                        form,
                        "予算科目の名前",
                    ));
                }
            }
        }
    }
    let indicators = has(sheet, &Block::Indicators);
    if !d.indicators.is_empty() && !indicators && !placed(sheet, "indicators") {
        diags.push(not_shown(
            file,
            &["indicators"],
            form,
            "指標の節（block = \"indicators\"）",
        ));
    }
    if form.is_default {
        for (i, ind) in d.indicators.iter().enumerate() {
            for (key, is) in [
                ("formula", present(&ind.formula)),
                ("final_target", ind.final_target.is_some()),
            ] {
                if is {
                    diags.push(not_shown(
                        file,
                        &["indicators", &i.to_string(), key],
                        form,
                        "指標の節（block = \"indicators\"）",
                    ));
                }
            }
        }
    }
}

/// A 施策 sheet's typed values against the form.
pub fn check_policy(form: &Form, lp: &Loaded<RawPolicy>, diags: &mut Diagnostics) {
    let file = &lp.file;
    let d = &lp.data;
    let sheet = &form.policy;
    if form.is_default {
        for (i, ind) in d.indicators.iter().enumerate() {
            for (key, is) in [
                ("targets", !ind.targets.is_empty()),
                ("forecasts", !ind.forecasts.is_empty()),
                ("final_target", ind.final_target.is_some()),
            ] {
                if is {
                    diags.push(not_shown(
                        file,
                        &["indicators", &i.to_string(), key],
                        form,
                        "年度ごとの目標・見込",
                    ));
                }
            }
        }
        return;
    }
    for (key, is) in [
        ("objective", present(&d.objective)),
        // Without levels, the outline and directions make the plan.
        ("outline", d.outline.is_some() && !form.levels.is_empty()),
        ("reviews", !d.reviews.is_empty()),
        (
            "directions",
            !d.directions.is_empty() && !form.levels.is_empty(),
        ),
    ] {
        if is && !placed(sheet, key) {
            diags.push(not_shown(file, &[key], form, &format!("`{key}` の項目")));
        }
    }
    if !d.indicators.is_empty() && !has(sheet, &Block::Indicators) && !placed(sheet, "indicators") {
        diags.push(not_shown(
            file,
            &["indicators"],
            form,
            "指標の節（block = \"indicators\"）",
        ));
    }
}
