//! The value of one of a city's own fields, read from its TOML value
//! according to the field's kind, with the three states of every sheet
//! value (present, "—", blank). Errors point at the value.

use super::{Field, Kind};
use crate::diag::{suggest, Diagnostic};
use crate::load::SourceFile;
use crate::model::era;
use crate::model::value::{trim_cell, SheetValue, DASHES};
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::de::{DeValue, ValueDeserializer};
use toml::Spanned;

/// A value of a declared field.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    /// text, multiline, code
    Text(String),
    /// list
    Lines(Vec<String>),
    Date {
        year: i32,
        month: u32,
        day: u32,
    },
    /// year, year_month: as written, and the Gregorian year (and month).
    Era {
        written: String,
        year: i32,
        month: Option<u32>,
    },
    /// year, year_month with `open_end`: 永年 and the like, as written.
    OpenEnd(String),
    Number(f64),
    Money(i64),
    Flag(bool),
    /// The indexes of the selected options, and the text of その他.
    Choice {
        selected: Vec<usize>,
        other: Option<String>,
    },
    Table(Vec<Fields>),
}

/// The city's own fields of one sheet, by key.
pub type Fields = BTreeMap<String, SheetValue<FieldValue>>;

/// Words that mean an open end (no end year).
pub const OPEN_END: [&str; 4] = ["永年", "終期なし", "なし", "未定"];

fn wrong(
    file: &SourceFile,
    field: &Field,
    span: std::ops::Range<usize>,
    expected: &str,
) -> Diagnostic {
    Diagnostic::error(
        "E104",
        format!(
            "「{}」（{}）には{expected}を書いてください",
            field.label, field.key
        ),
        format!("`{}` expects {}", field.key, field.kind.name()),
    )
    .at(file.locate(span))
    .help(format!(
        "{}該当なしは \"—\"、未記入は \"\" です / \"—\" for not applicable, \"\" for blank",
        field
            .help
            .as_ref()
            .map(|h| format!("{h}。"))
            .unwrap_or_default()
    ))
}

fn scalar(v: &Spanned<DeValue<'_>>) -> Option<toml::Value> {
    toml::Value::deserialize(ValueDeserializer::from(v.clone())).ok()
}

/// The state a text stands for, when it is a dash or empty.
fn state_of(s: &str) -> Option<SheetValue<FieldValue>> {
    let t = trim_cell(s);
    if t.is_empty() {
        Some(SheetValue::Blank)
    } else if DASHES.contains(&t) {
        Some(SheetValue::NotApplicable)
    } else {
        None
    }
}

/// Reads the value of `field` written at `v`.
pub fn read(
    file: &SourceFile,
    field: &Field,
    v: &Spanned<DeValue<'_>>,
) -> Result<SheetValue<FieldValue>, Diagnostic> {
    let span = v.span();
    if let DeValue::String(s) = v.get_ref() {
        if let Some(state) = state_of(s) {
            return Ok(state);
        }
    }
    let err = |expected: &str| wrong(file, field, span.clone(), expected);
    let value = match &field.kind {
        Kind::Text | Kind::Multiline | Kind::Code => match scalar(v) {
            Some(toml::Value::String(s)) => FieldValue::Text(s),
            Some(toml::Value::Integer(i)) if field.kind == Kind::Code => {
                FieldValue::Text(i.to_string())
            }
            _ => {
                return Err(err(if field.kind == Kind::Code {
                    "コード（\"0086\" のような文字か整数）"
                } else {
                    "文字（\"…\"）"
                }))
            }
        },
        Kind::List => match v.get_ref() {
            DeValue::Array(items) => {
                let mut lines = Vec::new();
                for item in items.iter() {
                    match item.get_ref() {
                        DeValue::String(s) => lines.push(s.to_string()),
                        _ => {
                            return Err(wrong(
                                file,
                                field,
                                item.span(),
                                "文字のリスト（[\"…\", \"…\"]）",
                            ))
                        }
                    }
                }
                if lines.is_empty() {
                    return Ok(SheetValue::Blank);
                }
                FieldValue::Lines(lines)
            }
            _ => return Err(err("文字のリスト（[\"…\", \"…\"]）")),
        },
        Kind::Date => {
            let text = match scalar(v) {
                Some(toml::Value::Datetime(d)) => d.to_string(),
                Some(toml::Value::String(s)) => s,
                _ => return Err(err("日付（2024-06-30）")),
            };
            match date(&text) {
                Some((year, month, day)) => FieldValue::Date { year, month, day },
                None => return Err(err("日付（2024-06-30）")),
            }
        }
        Kind::Year { open_end } | Kind::YearMonth { open_end } => {
            let written = match scalar(v) {
                Some(toml::Value::Integer(i)) => i.to_string(),
                Some(toml::Value::String(s)) => trim_cell(&s).to_string(),
                _ => return Err(err("年（2020 や \"令和2年度\"）")),
            };
            if *open_end && OPEN_END.contains(&written.as_str()) {
                FieldValue::OpenEnd(written)
            } else {
                match era::parse(&written) {
                    Some(d)
                        if crate::model::format::YEAR_RANGE.contains(&d.year) || d.year < 1950 =>
                    {
                        FieldValue::Era {
                            written,
                            year: d.year,
                            month: d.month,
                        }
                    }
                    _ => {
                        return Err(err(if *open_end {
                            "年（2020、\"令和2年度\"、\"昭和45年4月\"）または \"永年\""
                        } else {
                            "年（2020、\"令和2年度\"、\"昭和45年4月\"）"
                        }))
                    }
                }
            }
        }
        Kind::Number { .. } => match scalar(v) {
            Some(toml::Value::Integer(i)) => FieldValue::Number(i as f64),
            Some(toml::Value::Float(f)) if f.is_finite() => FieldValue::Number(f),
            _ => return Err(err("数値（引用符なし）")),
        },
        Kind::Money => match scalar(v) {
            Some(toml::Value::Integer(i)) => FieldValue::Money(i),
            _ => return Err(err("金額（引用符・「,」・単位なしの整数）")),
        },
        Kind::Flag => match scalar(v) {
            Some(toml::Value::Boolean(b)) => FieldValue::Flag(b),
            _ => return Err(err("true（該当）か false（非該当）")),
        },
        Kind::Choice {
            options,
            multiple,
            other,
        } => return choice(file, field, v, options, *multiple, *other),
        Kind::Table { columns } => {
            let DeValue::Array(rows) = v.get_ref() else {
                return Err(err("表（[[キー]] の並び）"));
            };
            let mut out = Vec::new();
            for row in rows.iter() {
                let DeValue::Table(t) = row.get_ref() else {
                    return Err(wrong(file, field, row.span(), "表の行（{ 列 = 値, … }）"));
                };
                let mut cells = Fields::new();
                for (k, cell) in t.iter() {
                    let Some(col) = columns.iter().find(|c| c.key == k.get_ref().as_ref()) else {
                        let names: Vec<&str> = columns.iter().map(|c| c.key.as_str()).collect();
                        let mut d = Diagnostic::error(
                            "E106",
                            format!("「{}」の表に列 `{}` はありません", field.label, k.get_ref()),
                            format!("table `{}` has no column `{}`", field.key, k.get_ref()),
                        )
                        .at(file.locate(k.span()));
                        d = match suggest(k.get_ref(), names.iter().copied()) {
                            Some(s) => d.help(format!(
                                "`{s}` の誤りではありませんか / did you mean `{s}`?"
                            )),
                            None => d.help(format!("列 / columns：{}", names.join(", "))),
                        };
                        return Err(d);
                    };
                    cells.insert(col.key.clone(), read(file, col, cell)?);
                }
                out.push(cells);
            }
            if out.is_empty() {
                return Ok(SheetValue::Blank);
            }
            FieldValue::Table(out)
        }
        Kind::Core => unreachable!("typed keys are read by their own structs"),
    };
    Ok(SheetValue::Value(value))
}

fn choice(
    file: &SourceFile,
    field: &Field,
    v: &Spanned<DeValue<'_>>,
    options: &[String],
    multiple: bool,
    other: Option<usize>,
) -> Result<SheetValue<FieldValue>, Diagnostic> {
    let pick = |s: &str, span: std::ops::Range<usize>| -> Result<usize, Diagnostic> {
        let t = trim_cell(s);
        options.iter().position(|o| o == t).ok_or_else(|| {
            let mut d = Diagnostic::error(
                "E105",
                format!("「{}」に選択肢 `{t}` はありません", field.label),
                format!("`{t}` is not an option of `{}`", field.key),
            )
            .at(file.locate(span));
            d = match suggest(t, options.iter().map(String::as_str)) {
                Some(s) => d.help(format!(
                    "「{s}」の誤りではありませんか。選択肢：{} / did you mean `{s}`?",
                    options.join("、")
                )),
                None => d.help(format!("選択肢 / options：{}", options.join("、"))),
            };
            d
        })
    };
    let (items, other_text): (Vec<(String, std::ops::Range<usize>)>, Option<String>) = match v
        .get_ref()
    {
        DeValue::String(s) => (vec![(s.to_string(), v.span())], None),
        DeValue::Array(a) if multiple => {
            let mut items = Vec::new();
            for i in a.iter() {
                match i.get_ref() {
                    DeValue::String(s) => items.push((s.to_string(), i.span())),
                    _ => return Err(wrong(file, field, i.span(), "選択肢の文字")),
                }
            }
            (items, None)
        }
        DeValue::Table(t) => {
            let mut items = Vec::new();
            let mut text = None;
            for (k, val) in t.iter() {
                match (k.get_ref().as_ref(), val.get_ref()) {
                    ("selected", DeValue::String(s)) => items.push((s.to_string(), val.span())),
                    ("selected", DeValue::Array(a)) if multiple => {
                        for i in a.iter() {
                            match i.get_ref() {
                                DeValue::String(s) => items.push((s.to_string(), i.span())),
                                _ => return Err(wrong(file, field, i.span(), "選択肢の文字")),
                            }
                        }
                    }
                    ("other", DeValue::String(s)) if other.is_some() => text = Some(s.to_string()),
                    _ => {
                        return Err(wrong(
                            file,
                            field,
                            k.span(),
                            "{ selected = \"その他\", other = \"…\" }",
                        ))
                    }
                }
            }
            (items, text)
        }
        DeValue::Array(_) => {
            return Err(wrong(
                file,
                field,
                v.span(),
                "選択肢を1つ（この項目は1つだけ選べます）",
            ))
        }
        _ => return Err(wrong(file, field, v.span(), "選択肢の文字")),
    };
    let mut selected = Vec::new();
    for (s, span) in &items {
        let i = pick(s, span.clone())?;
        if !selected.contains(&i) {
            selected.push(i);
        }
    }
    if selected.is_empty() {
        return Ok(SheetValue::Blank);
    }
    selected.sort_unstable();
    Ok(SheetValue::Value(FieldValue::Choice {
        selected,
        other: other_text,
    }))
}

/// "2024-06-30" (or a TOML date) → (2024, 6, 30), checked.
pub(crate) fn date(s: &str) -> Option<(i32, u32, u32)> {
    let s = era::half_width(s.trim());
    let s = s.split(['T', ' ']).next()?;
    let mut it = s.split(['-', '/']);
    let (y, m, d) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() {
        return None;
    }
    let (y, m, d): (i32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    ((1..=12).contains(&m) && d >= 1 && d <= days[(m - 1) as usize]).then_some((y, m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked() {
        assert_eq!(date("2024-06-30"), Some((2024, 6, 30)));
        assert_eq!(date("2024/2/29"), Some((2024, 2, 29)));
        assert_eq!(date("2023-02-29"), None);
        assert_eq!(date("2024-13-01"), None);
    }
}
