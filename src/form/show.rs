//! How a value of a declared field is written out: as one line of text (for
//! data files, search and short cells) and, for choices, as every option
//! with the selected ones marked in symbol and in words. Pages, data files
//! and the search index all use these, so a field kind is shown in one place.

use super::{Field, FieldValue, Kind};
use crate::model::format::{group_thousands, number};
use crate::model::value::SheetValue;
use serde::Serialize;

/// The words a screen reader hears after a selected option.
pub const SELECTED: &str = "（選択）";
/// The mark of a selected and of an unselected option.
pub const MARK_ON: &str = "●";
pub const MARK_OFF: &str = "○";

/// Money with thousands separators and the unit; a negative amount with △,
/// as sheets print it: -1200 → "△1,200千円".
pub fn money_text(n: i64, unit: &str) -> String {
    if n < 0 {
        format!("△{}{unit}", group_thousands(n.unsigned_abs() as i64))
    } else {
        format!("{}{unit}", group_thousands(n))
    }
}

/// A number with the field's decimals (when given) and unit.
pub fn number_text(n: f64, unit: Option<&str>, decimals: Option<u8>) -> String {
    let s = match decimals {
        Some(d) => {
            let s = format!("{n:.*}", d as usize);
            // Thousands separators on the whole part.
            match s.split_once('.') {
                Some((int, frac)) => match int.parse::<i64>() {
                    Ok(i) if !int.starts_with("-0") => format!("{}.{frac}", group_thousands(i)),
                    _ => s.clone(),
                },
                None => s.parse::<i64>().map(group_thousands).unwrap_or(s.clone()),
            }
        }
        None => number(n),
    };
    format!("{s}{}", unit.unwrap_or(""))
}

/// One option of a choice as shown.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OptionShown {
    pub label: String,
    pub selected: bool,
    /// ● or ○ (decorative; `selected` is said in words).
    pub mark: &'static str,
    /// The text of その他 when this option carries it.
    pub other: Option<String>,
}

/// Every option of a choice field, the selected ones marked.
pub fn options(field: &Field, v: &SheetValue<FieldValue>) -> Vec<OptionShown> {
    let Kind::Choice { options, other, .. } = &field.kind else {
        return Vec::new();
    };
    options_of(options, *other, v)
}

/// [`options`] for an option list and a selection.
pub fn options_of(
    options: &[String],
    other: Option<usize>,
    v: &SheetValue<FieldValue>,
) -> Vec<OptionShown> {
    let (selected, text) = match v {
        SheetValue::Value(FieldValue::Choice { selected, other }) => (selected.as_slice(), other),
        _ => (&[][..], &None),
    };
    options
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let on = selected.contains(&i);
            OptionShown {
                label: label.clone(),
                selected: on,
                mark: if on { MARK_ON } else { MARK_OFF },
                other: (on && Some(i) == other).then(|| text.clone()).flatten(),
            }
        })
        .collect()
}

/// A field's value as one line of text (the state is told apart by the
/// caller): lists and table rows joined, choices by their selected options,
/// eras as written, money with △ for a negative amount.
pub fn text(field: &Field, v: &FieldValue, money_unit: &str) -> String {
    match (v, &field.kind) {
        (FieldValue::Text(s), _) => s.trim_end().to_string(),
        (FieldValue::Lines(l), _) => l.join("\n"),
        (FieldValue::Date { year, month, day }, _) => format!("{year}年{month}月{day}日"),
        (FieldValue::Era { written, .. }, _) => written.clone(),
        (FieldValue::OpenEnd(s), _) => s.clone(),
        (FieldValue::Number(n), Kind::Number { unit, decimals }) => {
            number_text(*n, unit.as_deref(), *decimals)
        }
        (FieldValue::Number(n), _) => number(*n),
        (FieldValue::Money(n), _) => money_text(*n, money_unit),
        (FieldValue::Flag(b), _) => if *b { "該当" } else { "非該当" }.to_string(),
        (
            FieldValue::Choice { selected, other },
            Kind::Choice {
                options, other: o, ..
            },
        ) => selected
            .iter()
            .filter_map(|&i| options.get(i).map(|name| (i, name)))
            .map(|(i, name)| match (Some(i) == *o, other) {
                (true, Some(t)) => format!("{name}（{t}）"),
                _ => name.clone(),
            })
            .collect::<Vec<_>>()
            .join("、"),
        (FieldValue::Choice { .. }, _) => String::new(),
        (FieldValue::Table(rows), Kind::Table { columns }) => {
            table_text(columns, rows, &|c, v| text(c, v, money_unit))
        }
        (FieldValue::Table(_), _) => String::new(),
    }
}

/// A table's rows as lines, the cells of a row written by `cell` and
/// joined by spaces ("—" for a cell not applicable, nothing for a blank).
fn table_text(
    columns: &[Field],
    rows: &[super::field::Fields],
    cell: &dyn Fn(&Field, &FieldValue) -> String,
) -> String {
    rows.iter()
        .map(|row| {
            columns
                .iter()
                .filter_map(|c| match row.get(&c.key) {
                    Some(SheetValue::Value(v)) => Some(cell(c, v)),
                    Some(SheetValue::NotApplicable) => Some("—".into()),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A field's value as the open data writes it: as [`text`], but dates in
/// ISO form (2024-06-28) and flags as true / false, for machines to read.
pub fn data_text(field: &Field, v: &FieldValue, money_unit: &str) -> String {
    match v {
        FieldValue::Date { year, month, day } => format!("{year:04}-{month:02}-{day:02}"),
        FieldValue::Flag(b) => b.to_string(),
        FieldValue::Table(rows) => match &field.kind {
            Kind::Table { columns } => {
                table_text(columns, rows, &|c, v| data_text(c, v, money_unit))
            }
            _ => String::new(),
        },
        _ => text(field, v, money_unit),
    }
}

/// [`text`] over the three states: "" for blank, "—" for not applicable.
pub fn sheet_text(
    field: &Field,
    v: Option<&SheetValue<FieldValue>>,
    money_unit: &str,
) -> SheetValue<String> {
    match v {
        Some(SheetValue::Value(x)) => SheetValue::Value(text(field, x, money_unit)),
        Some(SheetValue::NotApplicable) => SheetValue::NotApplicable,
        _ => SheetValue::Blank,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice_field() -> Field {
        Field {
            key: "method".into(),
            label: "実施手法".into(),
            label_en: None,
            kind: Kind::Choice {
                options: vec!["全部直営".into(), "一部委託".into(), "その他".into()],
                multiple: false,
                other: Some(2),
            },
            required: false,
            help: None,
        }
    }

    #[test]
    fn a_choice_shows_every_option_and_says_which_is_selected() {
        let f = choice_field();
        let v = SheetValue::Value(FieldValue::Choice {
            selected: vec![1],
            other: None,
        });
        let o = options(&f, &v);
        assert_eq!(o.len(), 3);
        assert!(!o[0].selected && o[1].selected && !o[2].selected);
        assert_eq!((o[0].mark, o[1].mark), (MARK_OFF, MARK_ON));
        assert_eq!(text(&f, v.value().unwrap(), "千円"), "一部委託");
    }

    #[test]
    fn the_other_option_carries_its_text() {
        let f = choice_field();
        let v = FieldValue::Choice {
            selected: vec![2],
            other: Some("指定管理".into()),
        };
        assert_eq!(text(&f, &v, "千円"), "その他（指定管理）");
        let o = options(&f, &SheetValue::Value(v));
        assert_eq!(o[2].other.as_deref(), Some("指定管理"));
    }

    #[test]
    fn negative_money_is_written_with_a_triangle() {
        assert_eq!(money_text(-1200, "千円"), "△1,200千円");
        assert_eq!(money_text(1234567, "円"), "1,234,567円");
        assert_eq!(number_text(0.07, Some("千円"), Some(2)), "0.07千円");
        assert_eq!(number_text(1234.5, Some("時間"), Some(1)), "1,234.5時間");
    }
}
