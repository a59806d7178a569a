//! Plain words for the TOML mistakes that city staff make most: full-width
//! digits, a unit or a comma written with an amount, △ for a reduction,
//! 和暦 years, curly quotes, a full-width space or a tab in a key, a key
//! that fell into the table above it. Each says what was written and what
//! to write instead, Japanese first.

use crate::diag::Diagnostic;
use std::ops::Range;

/// A better diagnostic for a TOML or value error at `span` of `text`,
/// when the written text shows a known mistake. `code` is the code the
/// error has already (E001 syntax, E007 value).
pub fn explain(
    code: &'static str,
    text: &str,
    span: &Range<usize>,
) -> Option<(Diagnostic, Range<usize>)> {
    let start = span.start.min(text.len());
    let start = (0..=start)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = text[line_start..line_end].trim_end_matches('\r');
    let (key, value) = match line.find('=') {
        Some(i) => (&line[..i], Some((line_start + i + 1, &line[i + 1..]))),
        None => (line, None),
    };
    // Curly quotes anywhere outside a comment.
    let body = strip_comment(line);
    if let Some((i, c)) = body.char_indices().find(|(_, c)| "“”‘’„".contains(*c)) {
        let fixed = body.replace(['“', '”', '„'], "\"").replace(['‘', '’'], "'");
        let d = Diagnostic::error(
            code,
            format!(
                "全角の引用符 {c} が使われています（{}文字目）",
                col(line, i)
            ),
            format!("the curly quote {c} is used (column {})", col(line, i)),
        )
        .help(format!(
            "文字は半角の引用符 \" で囲んでください：{} / enclose text in straight quotes \": {}",
            fixed.trim_end(),
            fixed.trim_end()
        ));
        let at = line_start + i;
        return Some((d, at..at + c.len_utf8()));
    }
    // A full-width space or a tab in the key.
    if value.is_some() {
        let k = key.trim_end_matches([' ', '\t', '\u{3000}']);
        let trailing = &key[k.len()..];
        let bad = k
            .trim_start()
            .char_indices()
            .map(|(i, c)| (i + (k.len() - k.trim_start().len()), c))
            .chain(trailing.char_indices().map(|(i, c)| (i + k.len(), c)))
            .find(|(_, c)| {
                *c == '\u{3000}' || (*c == '\t' && !k.trim().is_empty() && k.trim().contains('\t'))
            });
        if let Some((i, c)) = bad {
            let name = if c == '\t' {
                "タブ"
            } else {
                "全角スペース"
            };
            let en = if c == '\t' {
                "a tab"
            } else {
                "a full-width space"
            };
            let clean: String = k.trim().chars().filter(|c| !c.is_whitespace()).collect();
            let rest = value.map_or("", |(_, v)| v).trim();
            let fixed = format!("{clean} = {}", strip_comment(rest).trim_end());
            let d = Diagnostic::error(
                code,
                format!("キーに{name}が入っています（{}文字目）", col(line, i)),
                format!("{en} in the key (column {})", col(line, i)),
            )
            .help(if c == '\t' {
                format!("キーの中のタブを消してください：{fixed} / delete the tab inside the key: {fixed}")
            } else {
                format!("全角スペースを半角スペースに直してください：{fixed} / use plain spaces around the key: {fixed}")
            });
            let at = line_start + i;
            return Some((d, at..at + c.len_utf8()));
        }
    }
    // The value: quoted (a value error) or bare (a syntax error).
    let (_, v) = value?;
    let v = strip_comment(v).trim();
    let inner = v.trim_matches(|c| c == '"' || c == '\'');
    let key = key.trim().rsplit('.').next().unwrap_or("").trim();
    let money = MONEY_KEYS.contains(&key);
    money_hint(code, inner, money).map(|d| (d, span.clone()))
}

/// The keys whose values are money.
const MONEY_KEYS: [&str; 8] = [
    "amount",
    "special_funding",
    "national",
    "prefectural",
    "bonds",
    "other",
    "general",
    "cost",
];

/// A hint for an amount written the way a spreadsheet or a sheet shows it.
fn money_hint(code: &'static str, v: &str, money: bool) -> Option<Diagnostic> {
    let v = v.trim();
    if money && v.starts_with(['△', '▲']) {
        return Some(
            Diagnostic::error(
                code,
                format!("`{v}` は負の金額（減額）の書き方です"),
                format!("`{v}` is written as a negative amount (a reduction)"),
            )
            .help(
                "減額（△）はまだ入力できません。金額は0以上の整数で書いてください（該当しないときは \"—\"） / reductions (△) cannot be entered yet: write an amount of 0 or more, or \"—\" when not applicable",
            ),
        );
    }
    let digits = half_width_digits(v);
    let has_digit = v
        .chars()
        .any(|c| c.is_ascii_digit() || is_full_width_digit(c));
    if !has_digit || digits.is_empty() {
        return None;
    }
    let full_width = v.chars().any(is_full_width_digit);
    let rest: String = v
        .chars()
        .filter(|c| !(c.is_ascii_digit() || is_full_width_digit(*c)))
        .collect();
    if full_width && rest.trim_matches([',', '，']).is_empty() {
        return Some(
            Diagnostic::error(
                code,
                format!("`{v}` は全角の数字です"),
                format!("`{v}` is written in full-width digits"),
            )
            .help(format!(
                "半角数字で `{digits}` と書いてください（引用符は付けません） / write it in ASCII digits: `{digits}` (without quotes)"
            )),
        );
    }
    if !money {
        return None;
    }
    let unit = ["千円", "万円", "円"]
        .into_iter()
        .find(|u| rest.contains(u));
    let comma = rest.contains([',', '，']);
    if unit.is_some() || comma {
        let what = match unit {
            Some(u) => format!("単位「{u}」"),
            None => "桁区切りの「,」".to_string(),
        };
        return Some(
            Diagnostic::error(
                code,
                format!("金額 `{v}` に{what}が付いています"),
                format!("the amount `{v}` is written with a unit or commas"),
            )
            .help(format!(
                "金額の単位は site.toml の money_unit で決まります。数字だけを `{digits}` と書いてください（引用符・「,」・単位なし） / the unit is money_unit in site.toml: write the number alone, `{digits}`"
            )),
        );
    }
    None
}

fn is_full_width_digit(c: char) -> bool {
    ('０'..='９').contains(&c)
}

/// The digits of `v` in ASCII: "１６５,０００円" → "165000".
pub fn half_width_digits(v: &str) -> String {
    v.chars()
        .filter_map(|c| {
            if c.is_ascii_digit() {
                Some(c)
            } else if is_full_width_digit(c) {
                char::from_digit(c as u32 - '０' as u32, 10)
            } else {
                None
            }
        })
        .collect()
}

/// A 和暦 year written for a Western-calendar one: "令和5" → 2023,
/// "平成31年度" → 2019, "令和元年" → 2019.
pub fn era_to_western(v: &str) -> Option<i64> {
    let v = v.trim().trim_end_matches("年度").trim_end_matches('年');
    let (base, rest) = [
        ("令和", 2018),
        ("平成", 1988),
        ("昭和", 1925),
        ("R", 2018),
        ("H", 1988),
        ("S", 1925),
    ]
    .into_iter()
    .find_map(|(era, base)| v.strip_prefix(era).map(|r| (base, r.trim())))?;
    let n: i64 = if rest == "元" {
        1
    } else {
        let d = half_width_digits(rest);
        if d.is_empty() || d.chars().count() != rest.chars().count() {
            return None;
        }
        d.parse().ok()?
    };
    i64::checked_add(base, n).filter(|_| n >= 1)
}

fn strip_comment(s: &str) -> &str {
    let mut in_quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (in_quote, c) {
            (None, '"' | '\'') => in_quote = Some(c),
            (Some(q), c) if c == q => in_quote = None,
            (None, '#') => return &s[..i],
            _ => {}
        }
    }
    s
}

/// The column (1-based, in characters) of byte `i` of `line`.
fn col(line: &str, i: usize) -> usize {
    line[..i].chars().count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn era_years_become_western_years() {
        assert_eq!(era_to_western("令和5"), Some(2023));
        assert_eq!(era_to_western("令和元年度"), Some(2019));
        assert_eq!(era_to_western("平成30年"), Some(2018));
        assert_eq!(era_to_western("昭和６４"), Some(1989));
        assert_eq!(era_to_western("2021"), None);
        assert_eq!(era_to_western("令和"), None);
        assert_eq!(era_to_western("令和9223372036854775807"), None);
    }

    #[test]
    fn no_text_and_no_place_in_it_makes_it_panic() {
        let texts = [
            "amount　= １６５０００ # “x”\n",
            "“",
            "a\t\u{3000}= ▲",
            "= \"165,000円\"",
            "k = '‘’'\r\nx",
            "amo\tunt",
            "",
        ];
        for t in texts {
            for i in 0..=t.len() + 2 {
                for code in ["E001", "E007"] {
                    let _ = explain(code, t, &(i..i + 1));
                }
            }
        }
    }

    #[test]
    fn digits_are_read_from_full_width_and_with_units() {
        assert_eq!(half_width_digits("１６５０００"), "165000");
        assert_eq!(half_width_digits("165,000円"), "165000");
    }
}
