//! Years as cities write them: Gregorian (2020), 和暦 with or without 年度
//! ("令和元年度", "平成32年", "H26", "昭和45年4月"), and both at once
//! ("平成32年(2020)"). Reading one gives the Gregorian year (and month) for
//! sorting and data; the text as written is kept for display.

/// A year (and month) read from how a sheet writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EraDate {
    pub year: i32,
    pub month: Option<u32>,
}

/// A date as (year, month, day).
pub type Ymd = (i32, u32, u32);

/// Each era: its name, its letter, the Gregorian year before its first
/// year, and its first day.
const ERAS: [(&str, &str, i32, Ymd); 5] = [
    ("令和", "R", 2018, (2019, 5, 1)),
    ("平成", "H", 1988, (1989, 1, 8)),
    ("昭和", "S", 1925, (1926, 12, 25)),
    ("大正", "T", 1911, (1912, 7, 30)),
    ("明治", "M", 1867, (1868, 1, 25)),
];

/// Whether a date whose year is written as `head` ("令和元年", "R1", or a
/// Gregorian year) lies within that era: 令和元年4月30日 was still 平成.
pub fn within(head: &str, ymd: Ymd) -> bool {
    let head = half_width(head.trim());
    let Some(i) = ERAS
        .iter()
        .position(|(name, letter, _, _)| head.starts_with(name) || head.starts_with(letter))
    else {
        return true;
    };
    ymd >= ERAS[i].3 && (i == 0 || ymd < ERAS[i - 1].3)
}

/// Full-width digits and signs as ASCII; other characters as they are.
pub fn half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '（' => '(',
            '）' => ')',
            '－' => '-',
            '／' => '/',
            '．' => '.',
            'Ｈ' => 'H',
            'Ｒ' => 'R',
            'Ｓ' => 'S',
            'Ｔ' => 'T',
            'Ｍ' => 'M',
            '\u{3000}' => ' ',
            c => c,
        })
        .collect()
}

/// Reads a year written as a sheet writes it. `None` when it is not one.
/// When the Gregorian year is also given in brackets it wins (the era year
/// "平成32年" is kept as written, but means 2020).
pub fn parse(text: &str) -> Option<EraDate> {
    let s = half_width(text.trim());
    let s = s.trim();
    // "平成22年(2010)": the bracketed Gregorian year.
    if let Some((head, tail)) = s.split_once('(') {
        let inner = tail.trim_end_matches(')').trim().trim_end_matches('年');
        if let Ok(y) = inner.parse::<i32>() {
            if (1000..=9999).contains(&y) {
                let month = parse(head).and_then(|d| d.month);
                return Some(EraDate { year: y, month });
            }
        }
    }
    // "1970-04", "1970/4", "1970年4月", "2020", "2020年度".
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.len() == 4 {
        let year: i32 = digits.parse().ok()?;
        let rest = &s[4..];
        let rest = rest.trim_start_matches(['-', '/', '.', '年']);
        let rest = rest.trim_end_matches("年度");
        return Some(EraDate {
            year,
            month: month_of(rest)?,
        });
    }
    for (name, letter, base, _) in ERAS {
        let rest = s
            .strip_prefix(name)
            .or_else(|| s.strip_prefix(letter))
            .or_else(|| s.strip_prefix(&letter.to_lowercase()));
        let Some(rest) = rest else { continue };
        let rest = rest.trim_start();
        let (n, rest) = if let Some(r) = rest.strip_prefix('元') {
            (1, r)
        } else {
            let d: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
            if d.is_empty() || d.len() > 2 {
                return None;
            }
            (d.parse::<i32>().ok()?, &rest[d.len()..])
        };
        if n < 1 {
            return None;
        }
        let rest = rest.trim_start_matches(['年', '.', '-', '/']);
        let rest = rest.trim_start_matches('度').trim_end_matches("年度");
        return Some(EraDate {
            year: base + n,
            month: month_of(rest)?,
        });
    }
    None
}

/// The month in what follows a year ("4月", "04", ""), or `None` when it is
/// something else.
fn month_of(rest: &str) -> Option<Option<u32>> {
    let rest = rest.trim();
    let rest = rest.trim_end_matches('月').trim_end_matches("年度").trim();
    if rest.is_empty() || rest == "度" {
        return Some(None);
    }
    let m: u32 = rest.parse().ok()?;
    (1..=12).contains(&m).then_some(Some(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn y(s: &str) -> Option<(i32, Option<u32>)> {
        parse(s).map(|d| (d.year, d.month))
    }

    #[test]
    fn eras_and_gregorian_years_are_read() {
        assert_eq!(y("2020"), Some((2020, None)));
        assert_eq!(y("2020年度"), Some((2020, None)));
        assert_eq!(y("1970-04"), Some((1970, Some(4))));
        assert_eq!(y("令和元年度"), Some((2019, None)));
        assert_eq!(y("令和3年度"), Some((2021, None)));
        assert_eq!(y("平成32年(2020)"), Some((2020, None)));
        assert_eq!(y("平成22年(2010)"), Some((2010, None)));
        assert_eq!(y("H26"), Some((2014, None)));
        assert_eq!(y("Ｈ２６"), Some((2014, None)));
        assert_eq!(y("昭和45年4月"), Some((1970, Some(4))));
        assert_eq!(y("S45.4"), Some((1970, Some(4))));
    }

    #[test]
    fn what_is_not_a_year_is_refused() {
        for s in [
            "",
            "永年",
            "令和",
            "平成元年13月",
            "2020年13月",
            "abc",
            "令和0年",
        ] {
            assert_eq!(y(s), None, "{s}");
        }
    }
}
