//! The one type for a value on an evaluation sheet, with its three states:
//! a value, "—" (not applicable: the program did not exist or did not act
//! that year) and blank (not yet filled in). The states never collapse into
//! each other, and nothing here turns them into zero.

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A sheet value. In TOML: a value as such, `"—"` (or another dash: `―`,
/// `-`, `‐`, `－`) for not applicable, and `""` or a missing key for blank.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum SheetValue<T> {
    Value(T),
    /// 「—」該当なし: not applicable that year.
    NotApplicable,
    /// 空欄・未記入: not yet filled in.
    #[default]
    Blank,
}

impl<T> SheetValue<T> {
    pub fn value(&self) -> Option<&T> {
        match self {
            SheetValue::Value(v) => Some(v),
            _ => None,
        }
    }

    pub fn map<U>(&self, f: impl FnOnce(&T) -> U) -> SheetValue<U> {
        match self {
            SheetValue::Value(v) => SheetValue::Value(f(v)),
            SheetValue::NotApplicable => SheetValue::NotApplicable,
            SheetValue::Blank => SheetValue::Blank,
        }
    }

    pub fn is_blank(&self) -> bool {
        matches!(self, SheetValue::Blank)
    }

    pub fn state(&self) -> State {
        match self {
            SheetValue::Value(_) => State::Value,
            SheetValue::NotApplicable => State::NotApplicable,
            SheetValue::Blank => State::Blank,
        }
    }
}

/// The state of a value, as templates and data files see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Value,
    NotApplicable,
    Blank,
}

/// The dashes that city staff and spreadsheets write for "not applicable".
pub const DASHES: [&str; 6] = ["—", "―", "-", "‐", "－", "–"];

/// Trims ASCII and full-width spaces, the way a cell's content is read.
pub fn trim_cell(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
}

/// What a sheet value can hold, and how it is read from a TOML scalar.
pub trait CellData: Sized {
    /// What the value should be, for error messages: (Japanese, English).
    const EXPECTED: (&'static str, &'static str);
    fn from_int(_v: i64) -> Option<Self> {
        None
    }
    fn from_float(_v: f64) -> Option<Self> {
        None
    }
    fn from_text(_v: &str) -> Option<Self> {
        None
    }
}

/// Money: an integer amount in the site's unit (千円 or 円).
impl CellData for i64 {
    const EXPECTED: (&'static str, &'static str) = (
        "整数の金額、\"—\"（該当なし）または \"\"（未記入）",
        "an integer amount, \"—\" (not applicable) or \"\" (blank)",
    );
    fn from_int(v: i64) -> Option<Self> {
        Some(v)
    }
}

/// A plain number (people, rates).
impl CellData for f64 {
    const EXPECTED: (&'static str, &'static str) = (
        "数値、\"—\"（該当なし）または \"\"（未記入）",
        "a number, \"—\" (not applicable) or \"\" (blank)",
    );
    fn from_int(v: i64) -> Option<Self> {
        Some(v as f64)
    }
    fn from_float(v: f64) -> Option<Self> {
        v.is_finite().then_some(v)
    }
}

/// Free text.
impl CellData for String {
    const EXPECTED: (&'static str, &'static str) = (
        "文字列（\"—\" は該当なし、\"\" は未記入）",
        "text (\"—\" for not applicable, \"\" for blank)",
    );
    fn from_text(v: &str) -> Option<Self> {
        Some(v.to_string())
    }
}

/// A target or a result: a number (with the indicator's unit) or text such
/// as 「協定締結」.
#[derive(Debug, Clone, PartialEq)]
pub enum Measure {
    Number(f64),
    Text(String),
}

impl CellData for Measure {
    const EXPECTED: (&'static str, &'static str) = (
        "数値または文字列（\"—\" は該当なし、\"\" は未記入）",
        "a number or text (\"—\" for not applicable, \"\" for blank)",
    );
    fn from_int(v: i64) -> Option<Self> {
        Some(Measure::Number(v as f64))
    }
    fn from_float(v: f64) -> Option<Self> {
        v.is_finite().then_some(Measure::Number(v))
    }
    fn from_text(v: &str) -> Option<Self> {
        Some(Measure::Text(v.to_string()))
    }
}

impl<'de, T: CellData> Deserialize<'de> for SheetValue<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<T: CellData> V<T> {
            fn wrong<E: de::Error>(what: &str) -> E {
                E::custom(format!(
                    "{}を入力してください（{what}） / expected {}",
                    T::EXPECTED.0,
                    T::EXPECTED.1
                ))
            }
        }
        impl<'de, T: CellData> Visitor<'de> for V<T> {
            type Value = SheetValue<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(T::EXPECTED.1)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                T::from_int(v)
                    .map(SheetValue::Value)
                    .ok_or_else(|| Self::wrong(&format!("{v}")))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                let v = i64::try_from(v).map_err(|_| Self::wrong::<E>(&format!("{v}")))?;
                self.visit_i64(v)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                T::from_float(v)
                    .map(SheetValue::Value)
                    .ok_or_else(|| Self::wrong(&format!("{v}")))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Err(Self::wrong(&format!("{v}")))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                let t = trim_cell(v);
                if t.is_empty() {
                    Ok(SheetValue::Blank)
                } else if DASHES.contains(&t) {
                    Ok(SheetValue::NotApplicable)
                } else {
                    T::from_text(v)
                        .map(SheetValue::Value)
                        .ok_or_else(|| Self::wrong(&format!("\"{v}\"")))
                }
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Row {
        #[serde(default)]
        money: SheetValue<i64>,
        #[serde(default)]
        target: SheetValue<Measure>,
        #[serde(default)]
        text: SheetValue<String>,
    }

    fn row(s: &str) -> Result<Row, toml::de::Error> {
        toml::from_str(s)
    }

    #[test]
    fn three_states_are_read_distinctly() {
        assert_eq!(row("money = 0").unwrap().money, SheetValue::Value(0));
        assert_eq!(
            row("money = \"—\"").unwrap().money,
            SheetValue::NotApplicable
        );
        assert_eq!(row("money = \"\"").unwrap().money, SheetValue::Blank);
        assert_eq!(row("").unwrap().money, SheetValue::Blank);
    }

    #[test]
    fn every_dash_that_sheets_use_means_not_applicable() {
        for dash in DASHES {
            let r = row(&format!("money = \"{dash}\"\ntext = \" {dash}\u{3000}\"")).unwrap();
            assert_eq!(r.money, SheetValue::NotApplicable, "{dash}");
            assert_eq!(r.text, SheetValue::NotApplicable, "{dash}");
        }
    }

    #[test]
    fn full_width_space_alone_is_blank_but_kept_inside_text() {
        assert_eq!(row("text = \"\u{3000}\"").unwrap().text, SheetValue::Blank);
        assert_eq!(
            row("text = \"協定\u{3000}締結\"").unwrap().text,
            SheetValue::Value("協定\u{3000}締結".into())
        );
    }

    #[test]
    fn targets_take_text_or_numbers() {
        assert_eq!(
            row("target = \"協定締結\"").unwrap().target,
            SheetValue::Value(Measure::Text("協定締結".into()))
        );
        assert_eq!(
            row("target = 30").unwrap().target,
            SheetValue::Value(Measure::Number(30.0))
        );
        assert_eq!(
            row("target = 17.3").unwrap().target,
            SheetValue::Value(Measure::Number(17.3))
        );
    }

    #[test]
    fn money_rejects_text_and_fractions_with_a_bilingual_message() {
        let e = row("money = \"百\"").unwrap_err().to_string();
        assert!(
            e.contains("整数の金額") && e.contains("integer amount"),
            "{e}"
        );
        assert!(row("money = 1.5").is_err());
        assert!(row("money = true").is_err());
    }
}
