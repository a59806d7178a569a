//! The site's own form in an import: `content/form.toml` read from the
//! site, and a cell read as the kind the form declares for an `extra.<key>`
//! field (flag, date, list, choice with その他, number, money, era year), so
//! that what is written checks against the form.

use super::extract::Got;
use super::normalise::{self as n, Norm};
use crate::diag::Diagnostics;
use crate::form::field::OPEN_END;
use crate::form::{Field, Form, Kind};
use crate::model::era;
use std::path::Path;

/// The form of the site at `root`: its content/form.toml, or the built-in
/// form when it has none. `None` when the file has errors (in `diags`).
pub fn site_form(root: &Path, diags: &mut Diagnostics) -> Option<Form> {
    let rel = Path::new(crate::load::CONTENT_DIR).join("form.toml");
    if !root.join(&rel).is_file() {
        return Some(Form::default_form());
    }
    let file = crate::load::read_source(root, &rel, diags)?;
    crate::form::read_declared(std::sync::Arc::new(file), diags)
}

/// Words a flag cell says yes with, and no with.
const YES: [&str; 12] = [
    "true", "TRUE", "○", "〇", "●", "◎", "✓", "レ", "該当", "あり", "有", "はい",
];
const NO: [&str; 9] = [
    "false",
    "FALSE",
    "×",
    "✕",
    "非該当",
    "なし",
    "無",
    "いいえ",
    "0",
];

/// One cell as `field`'s kind; `Err` names what was expected and the text.
pub fn convert(field: &Field, raw: &str) -> Result<Got, (&'static str, String)> {
    match n::state(raw) {
        Some(Norm::Blank) => return Ok(Got::Blank),
        Some(Norm::NotApplicable) => return Ok(Got::NotApplicable),
        _ => {}
    }
    let text = n::clean(raw);
    Ok(match &field.kind {
        Kind::Text | Kind::Multiline | Kind::Core => Got::Text(text),
        Kind::Code => match n::code(raw) {
            Norm::Value(c) => Got::Text(c),
            _ => Got::Blank,
        },
        Kind::List => Got::Lines(n::lines(raw)),
        Kind::Date => Got::Date(date(&text).ok_or(("日付", text))?),
        Kind::Year { open_end } | Kind::YearMonth { open_end } => {
            if (*open_end && OPEN_END.contains(&text.as_str())) || year(&text).is_some() {
                Got::Text(year(&text).unwrap_or(text))
            } else {
                return Err(("年度", text));
            }
        }
        Kind::Number { .. } => match n::number(raw).map_err(|t| ("数値", t))? {
            Norm::Value(v) => Got::Number(v),
            _ => Got::Blank,
        },
        Kind::Money => match n::money(raw).map_err(|t| ("金額", t))? {
            Norm::Value(v) => Got::Money(v),
            _ => Got::Blank,
        },
        Kind::Flag => {
            let t = text.as_str();
            if YES.contains(&t) || t == "1" {
                Got::Flag(true)
            } else if NO.contains(&t) {
                Got::Flag(false)
            } else {
                return Err(("該当・非該当", text));
            }
        }
        Kind::Choice {
            options,
            multiple,
            other,
        } => choice(&text, options, *multiple, *other).ok_or(("選択肢", text))?,
        Kind::Table { .. } => return Err(("表", text)),
    })
}

/// Whether `field` is a choice of several options.
pub fn multiple(field: &Field) -> bool {
    matches!(field.kind, Kind::Choice { multiple: true, .. })
}

/// A year as the form reads it, as written: a spreadsheet number such as
/// 2019.0 loses its ".0".
fn year(text: &str) -> Option<String> {
    let plain = text.strip_suffix(".0").unwrap_or(text);
    era::parse(plain).map(|_| plain.to_string())
}

/// "2024-06-28", "2024/6/28", "2024年6月28日", "令和6年6月28日", "R6.6.28"
/// as `YYYY-MM-DD`.
pub fn date(text: &str) -> Option<String> {
    let s = era::half_width(text.trim());
    let ymd = crate::form::field::date(&s).or_else(|| {
        // An era or Gregorian year, then month and day.
        let (head, rest) = match s.split_once('年') {
            Some((h, r)) => (format!("{h}年"), r.to_string()),
            None => {
                let mut parts = s.splitn(2, '.');
                let h = parts.next()?;
                (h.to_string(), parts.next()?.to_string())
            }
        };
        let y = era::parse(&head)?.year;
        let rest = rest.trim_end_matches('日');
        let (m, d) = rest.split_once(['月', '.', '/'])?;
        let ymd = crate::form::field::date(&format!("{y}-{}-{}", m.trim(), d.trim()))?;
        era::within(&head, ymd).then_some(ymd)
    })?;
    Some(format!("{:04}-{:02}-{:02}", ymd.0, ymd.1, ymd.2))
}

/// Options chosen by a cell: one option (by text or number), several for
/// a multiple choice (one a line, or separated by 、), and for a field with
/// その他 the text after it ("その他（指定管理）").
fn choice(text: &str, options: &[String], multiple: bool, other: Option<usize>) -> Option<Got> {
    let parts: Vec<String> = if multiple {
        n::lines(text)
            .iter()
            .flat_map(|l| outside_brackets(l))
            .filter(|s| !s.is_empty())
            .collect()
    } else {
        vec![text.to_string()]
    };
    let mut selected = Vec::new();
    let mut other_text = None;
    for p in &parts {
        if let Some(i) = n::option_index(p, options) {
            selected.push(options[i].clone());
            continue;
        }
        let o = &options[other?];
        let rest = p.strip_prefix(o.as_str())?;
        let rest = rest.trim_start_matches(['：', ':', ' ', '\u{3000}']);
        let inner = rest
            .strip_prefix(['（', '('])
            .and_then(|r| r.strip_suffix(['）', ')']))
            .unwrap_or(rest)
            .trim();
        if inner.is_empty() || other_text.is_some() {
            return None;
        }
        selected.push(o.clone());
        other_text = Some(inner.to_string());
    }
    selected.dedup();
    Some(Got::Choice {
        selected,
        other: other_text,
        multiple,
    })
}

/// `line` split at 、 and commas outside brackets: 「一部委託、その他（指定管理、清掃）」
/// is two options, the second with its text.
fn outside_brackets(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut part = String::new();
    let mut depth = 0usize;
    for c in line.chars() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 && matches!(c, '、' | ',' | '，') {
            out.push(n::clean(&std::mem::take(&mut part)));
        } else {
            part.push(c);
        }
    }
    out.push(n::clean(&part));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(kind: Kind) -> Field {
        Field {
            key: "k".into(),
            label: "項目".into(),
            label_en: None,
            kind,
            required: false,
            help: None,
        }
    }

    #[test]
    fn dates_in_every_writing() {
        for s in [
            "2024-06-28",
            "2024/6/28",
            "２０２４年６月２８日",
            "令和6年6月28日",
            "R6.6.28",
        ] {
            assert_eq!(date(s).as_deref(), Some("2024-06-28"), "{s}");
        }
        assert_eq!(date("令和6年2月30日"), None);
        // Each era from its first day to the day before the next.
        assert_eq!(date("R1.4.30"), None);
        assert_eq!(date("令和元年5月1日").as_deref(), Some("2019-05-01"));
        assert_eq!(date("平成31年4月30日").as_deref(), Some("2019-04-30"));
        assert_eq!(date("平成31年5月1日"), None);
        assert_eq!(date("近日"), None);
    }

    #[test]
    fn flags_and_choices() {
        let flag = field(Kind::Flag);
        assert_eq!(convert(&flag, "○"), Ok(Got::Flag(true)));
        assert_eq!(convert(&flag, "非該当"), Ok(Got::Flag(false)));
        assert_eq!(convert(&flag, "—"), Ok(Got::NotApplicable));
        assert_eq!(convert(&flag, ""), Ok(Got::Blank));
        assert!(convert(&flag, "たぶん").is_err());
        let opts: Vec<String> = ["全部直営", "一部委託", "その他"]
            .map(String::from)
            .to_vec();
        let one = field(Kind::Choice {
            options: opts.clone(),
            multiple: false,
            other: Some(2),
        });
        assert_eq!(
            convert(&one, "2"),
            Ok(Got::Choice {
                selected: vec!["一部委託".into()],
                other: None,
                multiple: false
            })
        );
        assert_eq!(
            convert(&one, "その他（指定管理）"),
            Ok(Got::Choice {
                selected: vec!["その他".into()],
                other: Some("指定管理".into()),
                multiple: false
            })
        );
        assert!(convert(&one, "全部直当").is_err());
        let many = field(Kind::Choice {
            options: opts,
            multiple: true,
            other: None,
        });
        let many_other = field(Kind::Choice {
            options: ["全部直営", "一部委託", "その他"]
                .map(String::from)
                .to_vec(),
            multiple: true,
            other: Some(2),
        });
        assert_eq!(
            convert(&many_other, "一部委託、その他（指定管理、清掃）"),
            Ok(Got::Choice {
                selected: vec!["一部委託".into(), "その他".into()],
                other: Some("指定管理、清掃".into()),
                multiple: true
            })
        );
        assert_eq!(
            convert(&many, "全部直営、一部委託"),
            Ok(Got::Choice {
                selected: vec!["全部直営".into(), "一部委託".into()],
                other: None,
                multiple: true
            })
        );
    }

    #[test]
    fn years_as_written_and_open_ends() {
        let y = field(Kind::Year { open_end: true });
        assert_eq!(convert(&y, "永年"), Ok(Got::Text("永年".into())));
        assert_eq!(convert(&y, "2019.0"), Ok(Got::Text("2019".into())));
        assert_eq!(
            convert(&y, "昭和45年4月"),
            Ok(Got::Text("昭和45年4月".into()))
        );
        assert!(convert(&y, "いつか").is_err());
    }
}
