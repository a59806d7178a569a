//! How values are written on the site: 和暦 fiscal-year labels, money with
//! thousands separators and unit, numbers without spurious decimals.

/// The first and last fiscal years mieru accepts.
pub const YEAR_RANGE: std::ops::RangeInclusive<i32> = 1950..=2100;

/// 和暦 label of a Japanese fiscal year (April to March), as sheets write it:
/// 2018 → 平成30年度, 2019 → 令和元年度, 2021 → 令和3年度.
///
/// The era is the one in force for most of the fiscal year: 令和 from
/// FY2019 (began 1 May 2019), 平成 from FY1989, 昭和 before.
pub fn wareki_fiscal_year(year: i32) -> String {
    format!("{}年度", wareki_year(year))
}

/// 和暦 year without 年度: 2019 → 令和元, 2021 → 令和3.
pub fn wareki_year(year: i32) -> String {
    let (era, n) = if year >= 2019 {
        ("令和", year - 2018)
    } else if year >= 1989 {
        ("平成", year - 1988)
    } else {
        ("昭和", year - 1925)
    };
    if n == 1 {
        format!("{era}元")
    } else {
        format!("{era}{n}")
    }
}

/// Integer with thousands separators: 1234567 → "1,234,567", -1234 → "-1,234".
pub fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Money in the site's unit: (1234, "千円") → "1,234千円".
pub fn money(amount: i64, unit: &str) -> String {
    format!("{}{unit}", group_thousands(amount))
}

/// A number as written: 12.3 → "12.3", 30.0 → "30", 1234.5 → "1,234.5".
pub fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        return group_thousands(n as i64);
    }
    let s = format!("{n}");
    match s.split_once('.') {
        Some((int, frac)) => match int.parse::<i64>() {
            Ok(i) if !int.starts_with("-0") => format!("{}.{frac}", group_thousands(i)),
            _ => s,
        },
        None => s,
    }
}

/// A number with its unit, where a unit is meaningful: (30, "%") → "30%".
pub fn number_with_unit(n: f64, unit: Option<&str>) -> String {
    format!("{}{}", number(n), unit.unwrap_or(""))
}

/// Percentage with one decimal, for rates computed by mieru (執行率).
pub fn percent(numerator: i64, denominator: i64) -> Option<String> {
    (denominator > 0).then(|| format!("{:.1}%", numerator as f64 * 100.0 / denominator as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fiscal_years_are_shown_in_wareki_as_on_the_sheet() {
        assert_eq!(wareki_fiscal_year(2017), "平成29年度");
        assert_eq!(wareki_fiscal_year(2018), "平成30年度");
        assert_eq!(wareki_fiscal_year(2019), "令和元年度");
        assert_eq!(wareki_fiscal_year(2020), "令和2年度");
        assert_eq!(wareki_fiscal_year(2021), "令和3年度");
        assert_eq!(wareki_fiscal_year(2024), "令和6年度");
        assert_eq!(wareki_fiscal_year(1989), "平成元年度");
        assert_eq!(wareki_fiscal_year(1988), "昭和63年度");
    }

    #[test]
    fn money_has_thousands_separators_and_unit() {
        assert_eq!(money(100, "千円"), "100千円");
        assert_eq!(money(0, "千円"), "0千円");
        assert_eq!(money(1234, "千円"), "1,234千円");
        assert_eq!(money(1_234_567_890, "円"), "1,234,567,890円");
        assert_eq!(money(-1234, "千円"), "-1,234千円");
        assert_eq!(money(i64::MIN, "円"), "-9,223,372,036,854,775,808円");
    }

    #[test]
    fn numbers_keep_their_decimals_and_lose_none() {
        assert_eq!(number(12.3), "12.3");
        assert_eq!(number(17.3), "17.3");
        assert_eq!(number(30.0), "30");
        assert_eq!(number(0.07), "0.07");
        assert_eq!(number(1234.5), "1,234.5");
        assert_eq!(number(-0.5), "-0.5");
        assert_eq!(number_with_unit(12.3, Some("%")), "12.3%");
    }

    #[test]
    fn percentage_is_absent_without_a_denominator() {
        assert_eq!(percent(20, 100).as_deref(), Some("20.0%"));
        assert_eq!(percent(20, 0), None);
    }
}
