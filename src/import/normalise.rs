//! Reading one cell's text as a sheet value without losing anything:
//! full-width digits and signs, thousands separators, △/▲ negatives, the
//! five dashes (not applicable), empty (blank, never 0), "29（4）" (value
//! and note), decimals as written, and years in any era with the text kept.

use crate::model::era;

/// The dashes that mean 「該当なし」 (not applicable).
pub const DASHES: [char; 5] = ['—', '―', '-', '‐', '－'];

/// What one cell says, before it is put in a field.
#[derive(Debug, Clone, PartialEq)]
pub enum Norm<T> {
    /// Empty: 未記入 (never 0).
    Blank,
    /// A dash: 該当なし.
    NotApplicable,
    Value(T),
}

impl<T> Norm<T> {
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Norm<U> {
        match self {
            Norm::Blank => Norm::Blank,
            Norm::NotApplicable => Norm::NotApplicable,
            Norm::Value(v) => Norm::Value(f(v)),
        }
    }
}

/// A number as written: the value, the text it was read from (half-width,
/// separators removed, decimals as written) and a bracketed note.
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    pub value: f64,
    /// The digits as written, e.g. "12.50" or "-100".
    pub text: String,
    /// "（4）" of "29（4）".
    pub note: Option<String>,
}

impl Number {
    /// The value as an integer, when it is one.
    pub fn integer(&self) -> Option<i64> {
        (!self.text.contains('.') && self.value.abs() < 9.0e15).then_some(self.value as i64)
    }
}

/// A year read from any era: the Gregorian year (and month) and the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Year {
    pub year: i32,
    pub month: Option<u32>,
    pub written: String,
}

/// The text with trailing tabs and spaces (also full-width) and leading
/// spaces trimmed; line breaks inside are kept (CRLF → LF).
pub fn clean(s: &str) -> String {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    s.trim_matches(|c: char| c == ' ' || c == '\t' || c == '\u{3000}')
        .trim_end_matches(|c: char| c.is_whitespace())
        .to_string()
}

/// Blank or a dash, when the text is one of those.
pub fn state(s: &str) -> Option<Norm<()>> {
    let s = clean(s);
    if s.is_empty() {
        return Some(Norm::Blank);
    }
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if DASHES.contains(&c) => Some(Norm::NotApplicable),
        _ => None,
    }
}

/// A state column's word: `value`/記入済 (`Value`), `not_applicable`/該当なし,
/// `blank`/未記入; `None` for anything else.
pub fn state_word(s: &str) -> Option<Norm<()>> {
    match clean(s).as_str() {
        "value" | "記入済" => Some(Norm::Value(())),
        "not_applicable" | "該当なし" => Some(Norm::NotApplicable),
        "blank" | "未記入" | "" => Some(Norm::Blank),
        _ => None,
    }
}

/// Full-width digits, signs, separators and brackets as ASCII.
fn half(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '，' | '、' => ',',
            '．' => '.',
            '＋' => '+',
            '−' | '－' | '‐' | '―' | '—' => '-',
            '（' => '(',
            '）' => ')',
            '\u{3000}' => ' ',
            c => c,
        })
        .collect()
}

/// Reads a number: `Ok(Blank)`, `Ok(NotApplicable)`, a value, or `Err` with
/// the text when it is not a number.
pub fn number(raw: &str) -> Result<Norm<Number>, String> {
    if let Some(s) = state(raw) {
        return Ok(match s {
            Norm::Blank => Norm::Blank,
            _ => Norm::NotApplicable,
        });
    }
    let cleaned = clean(raw);
    let s = half(&cleaned);
    let s = s.trim();
    // A bracketed note after the number: "29(4)".
    let (body, note) = match s.find('(') {
        Some(i) if i > 0 && s.ends_with(')') => {
            let open = cleaned
                .char_indices()
                .filter(|(_, c)| *c == '(' || *c == '（')
                .map(|(i, _)| i)
                .next()
                .unwrap_or(0);
            (s[..i].trim(), Some(cleaned[open..].to_string()))
        }
        _ => (s, None),
    };
    let (negative, body) = match body.strip_prefix(['△', '▲', '-']) {
        Some(rest) => (true, rest.trim()),
        None => (false, body.strip_prefix('+').unwrap_or(body).trim()),
    };
    if body.is_empty() || !body.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(cleaned);
    }
    // Thousands separators: only between groups of three digits.
    let (int_part, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    if int_part.contains(',') {
        let groups: Vec<&str> = int_part.split(',').collect();
        let ok = !groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3);
        if !ok {
            return Err(cleaned);
        }
    }
    let digits: String = int_part.chars().filter(|c| *c != ',').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(cleaned);
    }
    let mut text = digits.clone();
    if let Some(f) = frac {
        if f.is_empty() || !f.chars().all(|c| c.is_ascii_digit()) {
            return Err(cleaned);
        }
        text.push('.');
        text.push_str(f);
    }
    let value: f64 = text.parse().map_err(|_| cleaned.clone())?;
    if negative && value != 0.0 {
        text.insert(0, '-');
    }
    Ok(Norm::Value(Number {
        value: if negative { -value } else { value },
        text,
        note,
    }))
}

/// Reads an amount of money: an integer (negative allowed).
pub fn money(raw: &str) -> Result<Norm<i64>, String> {
    match number(raw)? {
        Norm::Value(n) => match (n.integer(), n.note) {
            (Some(i), None) => Ok(Norm::Value(i)),
            _ => Err(clean(raw)),
        },
        Norm::Blank => Ok(Norm::Blank),
        Norm::NotApplicable => Ok(Norm::NotApplicable),
    }
}

/// Reads a year in any era ("昭和45年4月", "H26", "令和元年度",
/// "平成22年(2010)", "2020"); the text as written is kept.
pub fn year(raw: &str) -> Result<Norm<Year>, String> {
    if let Some(s) = state(raw) {
        return Ok(match s {
            Norm::Blank => Norm::Blank,
            _ => Norm::NotApplicable,
        });
    }
    let written = clean(raw);
    // A spreadsheet number such as 2019 or 2019.0.
    let plain = written.strip_suffix(".0").unwrap_or(&written);
    match era::parse(plain) {
        Some(d) if (1868..=2200).contains(&d.year) => Ok(Norm::Value(Year {
            year: d.year,
            month: d.month,
            written,
        })),
        _ => Err(written),
    }
}

/// Text as written (cleaned); a lone dash is not applicable.
pub fn text(raw: &str) -> Norm<String> {
    match state(raw) {
        Some(Norm::Blank) => Norm::Blank,
        Some(_) => Norm::NotApplicable,
        None => Norm::Value(clean(raw)),
    }
}

/// A code kept as text (leading zeros kept; "86.0" from a number cell → "86").
pub fn code(raw: &str) -> Norm<String> {
    match text(raw) {
        Norm::Value(s) => {
            let s = half(&s);
            let s = s.strip_suffix(".0").map(str::to_string).unwrap_or(s);
            Norm::Value(s)
        }
        other => other,
    }
}

/// A choice mark that selects: ●, ■, ◎, ✓, ✔, レ, 〇 (U+3007) or 1. The hollow
/// ○ (U+25CB) and □ are the unselected options of a ●/○ or ■/□ form.
pub fn is_mark(raw: &str) -> bool {
    matches!(
        clean(raw).as_str(),
        "●" | "■" | "◎" | "✓" | "✔" | "〇" | "1" | "レ"
    )
}

/// An option number or text: "2 改革改善", "2", "改革改善", "②" → the index.
pub fn option_index(raw: &str, options: &[String]) -> Option<usize> {
    let s = half(&clean(raw));
    let s = s.trim();
    if let Some(i) = options.iter().position(|o| o == s) {
        return Some(i);
    }
    let circled = "①②③④⑤⑥⑦⑧⑨⑩";
    let (n, rest) = match s.chars().next() {
        Some(c) if circled.contains(c) => (
            circled.chars().position(|x| x == c).map(|p| p + 1),
            &s[c.len_utf8()..],
        ),
        _ => {
            let d: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
            (d.parse::<usize>().ok(), &s[d.len()..])
        }
    };
    let rest = rest.trim_start_matches(['.', ':', ' ', '．', '：']).trim();
    if let Some(n) = n.filter(|n| *n >= 1 && *n <= options.len()) {
        if rest.is_empty() || options[n - 1] == rest {
            return Some(n - 1);
        }
    }
    // Text with spaces or a different width: compare without spaces.
    let squeeze = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let rest = squeeze(rest);
    options
        .iter()
        .position(|o| squeeze(o) == rest || squeeze(o) == squeeze(s))
}

/// A cell with several lines: one entry per non-empty line.
pub fn lines(raw: &str) -> Vec<String> {
    clean(raw)
        .lines()
        .map(clean)
        .filter(|l| !l.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn n(s: &str) -> (f64, String, Option<String>) {
        match number(s) {
            Ok(Norm::Value(n)) => (n.value, n.text, n.note),
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn full_width_and_separators() {
        assert_eq!(n("１２，３４５").0, 12345.0);
        assert_eq!(n("12,345").1, "12345");
        assert_eq!(n("1,234.50").1, "1234.50");
        assert!(number("12,34").is_err());
        assert!(number("1,2345").is_err());
    }

    #[test]
    fn negatives() {
        assert_eq!(n("△1,200").0, -1200.0);
        assert_eq!(n("▲５").0, -5.0);
        assert_eq!(n("-3").1, "-3");
        assert_eq!(money("△100"), Ok(Norm::Value(-100)));
    }

    #[test]
    fn dashes_blank_and_zero() {
        for d in ["—", "―", "-", "‐", "－", " － "] {
            assert_eq!(number(d), Ok(Norm::NotApplicable), "{d}");
        }
        assert_eq!(number(""), Ok(Norm::Blank));
        assert_eq!(number(" \t"), Ok(Norm::Blank));
        assert_eq!(money("0"), Ok(Norm::Value(0)));
    }

    #[test]
    fn notes_and_decimals() {
        assert_eq!(n("29（4）"), (29.0, "29".into(), Some("（4）".into())));
        assert_eq!(n("0.50").1, "0.50");
        assert!(money("1.5").is_err());
        assert!(money("29（4）").is_err());
        assert!(number("約100").is_err());
        assert!(number("100円").is_err());
    }

    #[test]
    fn trailing_tab_trimmed() {
        assert_eq!(n("165000\t").0, 165000.0);
        assert_eq!(text("事業名\t "), Norm::Value("事業名".into()));
        assert_eq!(
            lines("一般会計 2-1-6\n\n特別会計 1-1\t"),
            ["一般会計 2-1-6", "特別会計 1-1"]
        );
    }

    #[test]
    fn eras() {
        let y = |s: &str| match year(s) {
            Ok(Norm::Value(y)) => (y.year, y.month, y.written),
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(y("昭和45年4月"), (1970, Some(4), "昭和45年4月".into()));
        assert_eq!(y("H26").0, 2014);
        assert_eq!(y("令和元年度").0, 2019);
        assert_eq!(y("平成22年(2010)").0, 2010);
        assert_eq!(y("2019").0, 2019);
        assert_eq!(y("2019.0").0, 2019);
        assert!(year("いつか").is_err());
        assert_eq!(year("―"), Ok(Norm::NotApplicable));
    }

    #[test]
    fn codes_and_options() {
        assert_eq!(code("0086"), Norm::Value("0086".into()));
        assert_eq!(code("86.0"), Norm::Value("86".into()));
        let opts: Vec<String> = ["拡充", "改革改善", "現状維持"].map(String::from).into();
        assert_eq!(option_index("2 改革改善", &opts), Some(1));
        assert_eq!(option_index("２", &opts), Some(1));
        assert_eq!(option_index("現状 維持", &opts), Some(2));
        assert_eq!(option_index("③", &opts), Some(2));
        assert_eq!(option_index("4", &opts), None);
        assert!(is_mark("●") && is_mark("■ ") && !is_mark("○") && !is_mark("□") && !is_mark(""));
    }

    proptest! {
        #[test]
        fn integers_survive_any_writing(v in -10_000_000i64..10_000_000, full in any::<bool>(), commas in any::<bool>(), tri in any::<bool>()) {
            let mut s = v.unsigned_abs().to_string();
            if commas {
                let b = s.as_bytes();
                let mut out = String::new();
                for (i, c) in b.iter().enumerate() {
                    if i > 0 && (b.len() - i) % 3 == 0 { out.push(','); }
                    out.push(*c as char);
                }
                s = out;
            }
            if full {
                s = s.chars().map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap() } else { '，' }).collect();
            }
            if v < 0 { s.insert(0, if tri { '△' } else { '▲' }); }
            prop_assert_eq!(money(&s), Ok(Norm::Value(v)));
        }

        #[test]
        fn never_panics(s in "\\PC{0,12}") {
            let _ = number(&s);
            let _ = year(&s);
            let _ = option_index(&s, &["a".to_string()]);
        }
    }
}
