//! The mapping for mieru's own open data (`data/programs.csv`, and each
//! program's `data.csv`), made from the site's form: mieru's columns, and
//! for a declared form the plan codes, the money columns, the evaluation
//! and the city's own fields under their labels, each value with its
//! `_状態` column. `mieru import mieru-csv` uses it; for the built-in form it
//! is the text of `mappings/mieru-programs-csv.toml`.

use crate::form::{Form, MoneyColumn, SheetKind};
use std::fmt::Write as _;

/// The name that stands for this mapping on the command line.
pub const NAME: &str = "mieru-csv";

/// A value column and its state column.
fn stated(out: &mut String, key: &str, header: &str) {
    let _ = writeln!(
        out,
        "{} = {{ column = {}, state = {} }}",
        quote_key(key),
        q(header),
        q(&format!("{header}_状態"))
    );
}

fn plain(out: &mut String, key: &str, header: &str) {
    let _ = writeln!(out, "{} = {}", quote_key(key), q(header));
}

fn q(s: &str) -> String {
    super::write::quote(s)
}

fn quote_key(k: &str) -> String {
    if k.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        k.to_string()
    } else {
        q(k)
    }
}

/// The mapping's text for a site of `form`.
pub fn mapping(form: &Form) -> String {
    let mut out = String::from(
        "# mieru が書き出す data/programs.csv（各事業の data.csv も同じ列）を取り込む
# 対応表。1 行が 1 事業の 1 年度で、値の列の次の「_状態」の列が
# value（値あり）・not_applicable（該当なし）・blank（未記入）を伝えます。
",
    );
    if form.levels.is_empty() {
        out.push_str(
            "# 施策と施策の方向は名前で書かれているので、取り込み先の content/policies/
# から探します。
",
        );
    } else {
        out.push_str(
            "# 事業の位置は計画の階層のコードで書かれているので、取り込み先の
# content/plan.toml から探します。
",
        );
    }
    let _ = write!(
        out,
        "#
# The mapping for mieru's own data/programs.csv (and each program's
# data.csv): a row per program and year, each value followed by its state.
# `mieru import {NAME}` makes it for the site's own form.
#
#   mieru import {NAME} --input data/programs.csv

layout = \"table\"
header_rows = 1
strip_apostrophe = true            # 「'=…」の ' を外す（数式よけ）

[columns]
"
    );
    for (k, h) in [
        ("slug", "事業ID"),
        ("code", "事業コード"),
        ("name", "事業名"),
        ("department", "担当部署"),
        ("budget_lines", "予算科目"),
        ("start_year", "開始年度"),
        ("end_year", "終了年度"),
    ] {
        // Only what the form shows (its CSV column is empty otherwise).
        if super::mapping::shown_by(form, k) {
            plain(&mut out, k, h);
        }
    }
    if form.levels.is_empty() {
        plain(&mut out, "policy", "施策");
        plain(&mut out, "direction", "施策の方向");
    }
    for l in &form.levels {
        plain(
            &mut out,
            &format!("place.{}", l.key),
            &format!("{}コード", l.name),
        );
    }
    stated(&mut out, "indicator.name", "成果指標");
    stated(&mut out, "indicator.unit", "成果指標の単位");
    plain(&mut out, "indicator.notes", "成果指標の注記");
    let program = form.sheet(SheetKind::Program);
    if form.is_default {
        stated(&mut out, "purpose", "事業の目的");
        stated(&mut out, "related_departments", "関連部署");
    } else {
        for k in ["purpose", "related_departments"] {
            if let Some(f) = program.field(k).filter(|f| f.is_core()) {
                stated(&mut out, k, &f.label);
            }
        }
    }
    // Table fields (kind = "table") are not importable yet.
    let importable = |f: &&crate::form::Field| !matches!(f.kind, crate::form::Kind::Table { .. });
    for f in program.own_fields().filter(importable) {
        stated(&mut out, &format!("extra.{}", f.key), &f.label);
    }
    out.push_str(
        "
[year_rows]                        # 1 行が 1 年度
year = \"年度\"

[year_rows.fields]                 # 金額の見出しの（千円）（円）は省けます
",
    );
    for (k, h) in [
        ("budget.amount", "予算額"),
        ("budget.special_funding", "予算額のうち特定財源"),
        ("settlement.amount", "決算額"),
        ("settlement.special_funding", "決算額のうち特定財源"),
    ] {
        stated(&mut out, k, h);
    }
    for (basis_key, basis) in [("budget", "予算"), ("settlement", "決算")] {
        for (k, label) in [
            ("national", "国庫支出金"),
            ("prefectural", "県支出金"),
            ("bonds", "地方債"),
            ("other", "その他"),
            ("general", "一般財源"),
        ] {
            stated(
                &mut out,
                &format!("{basis_key}.funding.{k}"),
                &format!("{basis}の財源内訳：{label}"),
            );
        }
    }
    for (k, h) in [
        ("target", "成果目標"),
        ("result", "成果実績"),
        ("activities", "実施内容と改善点"),
        ("check.evaluation", "評価"),
        ("check.analysis", "分析"),
    ] {
        stated(&mut out, k, h);
    }
    plain(&mut out, "check.rating", "評価区分");
    stated(&mut out, "action.policy", "今後の方針");
    plain(&mut out, "action.decision", "今後の方向性");
    stated(&mut out, "staff.headcount", "従事人数");
    stated(&mut out, "staff.cost", "人件費");
    if form.is_default {
        return out;
    }
    // The columns a declared form adds.
    for mc in [
        MoneyColumn::Initial,
        MoneyColumn::Supplementary,
        MoneyColumn::CarriedOver,
        MoneyColumn::Transfer,
    ] {
        stated(&mut out, &format!("budget.{}", mc.key()), mc.label());
    }
    stated(&mut out, "forecast.amount", MoneyColumn::Forecast.label());
    plain(&mut out, "settlement.estimate", "決算見込");
    for (basis_key, basis) in [("budget", "予算"), ("settlement", "決算")] {
        for (k, label) in [
            ("national_prefectural", "国県支出金"),
            ("beneficiary", "受益者負担"),
        ] {
            stated(
                &mut out,
                &format!("{basis_key}.funding.{k}"),
                &format!("{basis}の財源内訳：{label}"),
            );
        }
    }
    stated(&mut out, "staff.hours", "延べ業務時間");
    stated(&mut out, "staff.rate", "時間単価");
    if let Some((stages, criteria)) = form.evaluation() {
        for s in stages {
            stated(&mut out, &format!("evaluation.{}", s.key), &s.name);
            stated(
                &mut out,
                &format!("evaluation.{}.reason", s.key),
                &format!("{}の理由", s.name),
            );
        }
        for c in criteria {
            let label = format!("{}：{}", c.group, c.question);
            stated(&mut out, &format!("criterion.{}", c.key), &label);
            stated(
                &mut out,
                &format!("criterion.{}.reason", c.key),
                &format!("{label}の理由"),
            );
        }
    }
    for f in form.sheet(SheetKind::Year).own_fields().filter(importable) {
        stated(&mut out, &format!("extra.{}", f.key), &f.label);
    }
    out
}
