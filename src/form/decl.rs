//! `content/form.toml` as written: serde structs that mirror its keys, with
//! spans where a check points back at a value. Turned into a [`super::Form`]
//! by `super::resolve`.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawForm {
    /// 様式の名前
    pub name: String,
    pub name_en: Option<String>,
    /// 計画の体系, top level first.
    #[serde(default)]
    pub levels: Vec<RawLevel>,
    /// Named option lists for choice fields.
    #[serde(default)]
    pub options: BTreeMap<String, Vec<String>>,
    /// 施策シート
    #[serde(default)]
    pub policy: RawSheet,
    /// 事務事業シート (program.toml)
    #[serde(default)]
    pub program: RawSheet,
    /// 年度のシート (<year>.toml)
    #[serde(default)]
    pub year: RawSheet,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLevel {
    pub key: Spanned<String>,
    pub name: String,
    pub name_en: Option<String>,
    pub code_example: Option<String>,
    #[serde(default)]
    pub policy: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSheet {
    #[serde(default)]
    pub sections: Vec<RawSection>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    pub key: Option<Spanned<String>>,
    pub heading: String,
    pub heading_en: Option<String>,
    /// A typed block instead of fields.
    pub block: Option<Spanned<String>>,
    #[serde(default)]
    pub fields: Vec<RawField>,
    /// `money`: the columns shown.
    pub columns: Option<Vec<Spanned<String>>>,
    /// `money`: the funding sources shown.
    pub funding: Option<Vec<Spanned<String>>>,
    /// `money`: show 執行率.
    #[serde(default)]
    pub execution_rate: bool,
    /// `staff`: the parts shown.
    pub show: Option<Vec<Spanned<String>>>,
    /// `evaluation`: the stages.
    #[serde(default)]
    pub stages: Vec<RawStage>,
    /// `evaluation`: the criteria grid.
    #[serde(default)]
    pub criteria: Vec<RawCriterion>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawField {
    pub key: Spanned<String>,
    pub label: String,
    pub label_en: Option<String>,
    pub kind: Option<Spanned<String>>,
    #[serde(default)]
    pub required: bool,
    pub help: Option<String>,
    pub unit: Option<String>,
    pub decimals: Option<Spanned<i64>>,
    /// A name in `[options]` or a list.
    pub options: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub multiple: bool,
    /// The option that carries a text (その他).
    pub other: Option<Spanned<String>>,
    /// `year`, `year_month`: "永年" is allowed.
    #[serde(default)]
    pub open_end: bool,
    /// `table`: its columns.
    #[serde(default)]
    pub columns: Vec<RawField>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStage {
    pub key: Spanned<String>,
    pub name: String,
    pub name_en: Option<String>,
    pub options: Spanned<toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCriterion {
    pub key: Spanned<String>,
    /// 観点 (必要性, 有効性…)
    pub group: String,
    /// 問い
    pub question: String,
    pub options: Spanned<toml::Value>,
}
