//! The content files as written by city staff: serde structs that mirror the
//! TOML keys one to one, with spans kept where later checks need to point at
//! a value. Nothing here is checked beyond its type; see `validate`.
//!
//! Every key is English snake_case; the Japanese label of the sheet is in the
//! doc comment and in README's field reference.

use crate::model::value::{Measure, SheetValue};
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use toml::Spanned;

/// A code written as a string or an integer. Strings keep leading zeros
/// ("0086", "04-01-01"); integers are written as they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code(pub String);

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Int(i64),
            Text(String),
        }
        match Either::deserialize(d) {
            Ok(Either::Int(i)) => Ok(Code(i.to_string())),
            Ok(Either::Text(s)) => Ok(Code(s)),
            Err(_) => Err(serde::de::Error::custom(
                "コードは文字列か整数で入力してください / expected a code: text or an integer",
            )),
        }
    }
}

pub type Money = Spanned<SheetValue<i64>>;

pub fn blank_money() -> Money {
    Spanned::new(0..0, SheetValue::Blank)
}

/// `content/site.toml`: the city and how its site is built.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSite {
    /// 地方公共団体名
    pub city: String,
    /// 全国地方公共団体コード (6 digits, with check digit)
    pub city_code: Option<Code>,
    /// Site title; default「{city} 行政評価」.
    pub title: Option<String>,
    /// 評価年度: the fiscal year of the sheets (Gregorian).
    pub evaluation_year: Spanned<i64>,
    /// 金額の単位: 千円 or 円.
    #[serde(default = "default_money_unit")]
    pub money_unit: Spanned<String>,
    /// Public address of the site, for canonical links.
    pub base_url: Option<String>,
    /// Theme folder under `themes/`.
    #[serde(default = "default_theme")]
    pub theme: Spanned<String>,
    /// Language of the pages.
    #[serde(default = "default_language")]
    pub language: String,
    /// 出典: where the data comes from.
    pub source: Option<String>,
    /// データのライセンス
    #[serde(default)]
    pub licence: RawLicence,
    /// The fixed-choice lists of this city: `rating` (評価), `decision`
    /// (今後の方向性), `indicator_kind` (指標の種類).
    #[serde(default)]
    pub choices: BTreeMap<String, Vec<String>>,
    /// 変更点ページに載せる予算額の増減率（%）: a program whose budget moved
    /// by more than this share from one year to the next is listed. Default 20.
    pub change_threshold: Option<Spanned<f64>>,
    /// アクセシビリティ方針と試験結果: both pages are made when this table is present.
    pub accessibility: Option<RawAccessibility>,
}

/// `[accessibility]` in site.toml.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAccessibility {
    /// 目標とする適合レベル（例：JIS X 8341-3:2016 の適合レベルAAに準拠）
    pub target: String,
    /// 対象範囲
    pub scope: String,
    /// 方針の本文 (one paragraph per line)
    #[serde(default)]
    pub policy: String,
    /// 問い合わせ先
    pub contact: Option<String>,
    /// 試験結果: the JSON report of tests/browser/run.sh, relative to the site root.
    pub report: Option<String>,
}

fn default_money_unit() -> Spanned<String> {
    Spanned::new(0..0, "千円".to_string())
}
fn default_theme() -> Spanned<String> {
    Spanned::new(0..0, "default".to_string())
}
fn default_language() -> String {
    "ja".to_string()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLicence {
    pub name: String,
    pub url: Option<String>,
}

impl Default for RawLicence {
    fn default() -> Self {
        RawLicence {
            name: "CC BY 4.0".to_string(),
            url: Some("https://creativecommons.org/licenses/by/4.0/deed.ja".to_string()),
        }
    }
}

/// `content/policies/<slug>.toml`: one 施策.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    /// 施策
    pub name: String,
    /// 施策の大綱 (required by the default form; a declared form takes it
    /// from the plan)
    pub outline: Option<Spanned<String>>,
    /// 施策の目的（施策の目標）
    #[serde(default)]
    pub objective: SheetValue<String>,
    /// 施策コード
    pub code: Option<Code>,
    /// Position among the policies of the same outline (smaller first).
    pub order: Option<i64>,
    /// 施策の方向
    #[serde(default)]
    pub directions: Vec<RawDirection>,
    /// 目標（指標）
    #[serde(default)]
    pub indicators: Vec<RawPolicyIndicator>,
    /// 評価年度ごとの意見と達成状況
    #[serde(default)]
    pub reviews: Vec<RawReview>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDirection {
    /// Identifier used by programs (`[a-z0-9-]+`).
    pub id: Spanned<String>,
    /// 施策の方向
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicyIndicator {
    /// Identifier of the indicator (`[a-z0-9-]+`), optional.
    pub id: Option<Spanned<String>>,
    /// 指標名
    pub name: String,
    /// 指標の種類 (one of `choices.indicator_kind`)
    pub kind: Option<Spanned<String>>,
    /// 指標の考え方
    #[serde(default)]
    pub concept: SheetValue<String>,
    /// 方向性
    #[serde(default)]
    pub direction: SheetValue<String>,
    /// 単位
    pub unit: Option<String>,
    /// 基準値 (year and value); required by the default form
    pub baseline: Option<RawPoint>,
    /// 目標値 (year and value); required by the default form
    pub target: Option<RawPoint>,
    /// 実績値
    #[serde(default)]
    pub actuals: Vec<RawPoint>,
    /// 年度ごとの目標値
    #[serde(default)]
    pub targets: Vec<RawPoint>,
    /// 見込値
    #[serde(default)]
    pub forecasts: Vec<RawPoint>,
    /// 最終目標 (year and value)
    pub final_target: Option<RawPoint>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPoint {
    /// Calendar year of the measurement (a survey year, shown as 2017年).
    pub year: Spanned<i64>,
    #[serde(default = "blank_measure")]
    pub value: Spanned<SheetValue<Measure>>,
    /// ※ note on this value
    pub note: Option<String>,
}

fn blank_measure() -> Spanned<SheetValue<Measure>> {
    Spanned::new(0..0, SheetValue::Blank)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReview {
    /// 評価年度: the year of the sheet on which this appears.
    pub fiscal_year: Spanned<i64>,
    /// 行政改革懇談会（市民）からの意見（前年度の実施状況への意見）
    #[serde(default)]
    pub council_opinion: SheetValue<String>,
    /// 目標の達成状況
    #[serde(default)]
    pub achievement: SheetValue<String>,
}

/// `content/programs/<slug>/program.toml`: what stays the same across years.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProgram {
    /// 事業名
    pub name: String,
    /// 担当（担当課）
    pub department: String,
    /// 関連部署
    #[serde(default)]
    pub related_departments: Vec<String>,
    /// 事業の目的
    #[serde(default)]
    pub purpose: SheetValue<String>,
    /// 施策 (slug of a file in content/policies/); default form
    pub policy: Option<Spanned<String>>,
    /// 施策の方向 (an `id` of that policy's directions); default form
    pub direction: Option<Spanned<String>>,
    /// 計画の体系上の位置：階層のキー → 節点のコード、または "―"（declared forms)
    pub place: Option<Spanned<BTreeMap<String, Spanned<String>>>>,
    /// 事業コード・事業ID
    pub code: Option<Code>,
    /// 開始年度
    pub start_year: Option<Spanned<i64>>,
    /// 終了年度
    pub end_year: Option<Spanned<i64>>,
    /// 予算科目
    #[serde(default)]
    pub budget_lines: Vec<RawBudgetLine>,
    /// 成果指標・活動指標
    #[serde(default)]
    pub indicators: Vec<RawProgramIndicator>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBudgetLine {
    /// 会計 (一般会計, 特別会計…)
    pub account: String,
    /// 款
    pub section: Option<Code>,
    /// 項
    pub subsection: Option<Code>,
    /// 目
    pub item: Option<Code>,
    /// 事業 (number in the budget)
    pub program_no: Option<Code>,
    /// 予算書上の事業名, when it differs from the program name
    pub name: Option<String>,
    /// 款の名前
    pub section_name: Option<String>,
    /// 項の名前
    pub subsection_name: Option<String>,
    /// 目の名前
    pub item_name: Option<String>,
    /// 細目
    pub sub_item: Option<Code>,
    /// 細目の名前
    pub sub_item_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProgramIndicator {
    /// Identifier used by `[[indicators]]` in year files; default `main` for the first.
    pub id: Option<Spanned<String>>,
    /// 指標の種類 (one of `choices.indicator_kind`)
    pub kind: Option<Spanned<String>>,
    /// 成果指標（指標名）
    #[serde(default)]
    pub name: SheetValue<String>,
    /// ※ notes on the indicator
    #[serde(default)]
    pub notes: Vec<String>,
    /// 単位
    #[serde(default)]
    pub unit: SheetValue<String>,
    /// 指標の考え方・算式
    #[serde(default)]
    pub formula: SheetValue<String>,
    /// 最終目標 (year and value)
    pub final_target: Option<RawPoint>,
}

/// `content/programs/<slug>/<year>.toml`: one fiscal year of a program.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawYear {
    /// 年度 (Gregorian; must match the file name)
    pub fiscal_year: Spanned<i64>,
    /// 予算
    #[serde(default)]
    pub budget: RawMoney,
    /// 決算（決算見込）
    #[serde(default)]
    pub settlement: RawMoney,
    /// 見込 (a projection for a year to come)
    pub forecast: Option<RawMoney>,
    /// 成果目標（当初の成果目標）of the main indicator
    #[serde(default)]
    pub target: SheetValue<Measure>,
    /// 成果実績 of the main indicator
    #[serde(default)]
    pub result: SheetValue<Measure>,
    /// 実施内容と改善点（計画年度は実施内容）
    #[serde(default)]
    pub activities: SheetValue<String>,
    /// Targets and results of further indicators, by indicator id.
    #[serde(default)]
    pub indicators: Vec<RawIndicatorValue>,
    /// 人件費・従事人数
    pub staff: Option<RawStaff>,
    /// 【Check】この年度の実績の評価と分析
    #[serde(default)]
    pub check: RawCheck,
    /// 【Action】この年度の評価を受けた今後に向けた改善点
    #[serde(default)]
    pub action: RawAction,
    /// 段階ごとの評価（一次評価・二次評価…）
    #[serde(default)]
    pub evaluations: Vec<RawEvaluation>,
    /// 評価項目ごとの回答
    #[serde(default)]
    pub criteria: Vec<RawCriterionAnswer>,
}

/// `[[evaluations]]` in a year file: one stage of the evaluation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvaluation {
    /// The key of a stage of the form's evaluation block.
    pub stage: Spanned<String>,
    /// One of the stage's options.
    pub choice: Option<Spanned<String>>,
    /// 理由・所見
    #[serde(default)]
    pub reason: SheetValue<String>,
    /// 評価者
    pub evaluator: Option<String>,
}

/// `[[criteria]]` in a year file: the answer to one criterion.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCriterionAnswer {
    /// The key of a criterion of the form's evaluation block.
    pub key: Spanned<String>,
    /// One of the criterion's options.
    pub answer: Option<Spanned<String>>,
    #[serde(default)]
    pub reason: SheetValue<String>,
}

/// `content/plan.toml`: the nodes of the plan (forms with levels).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlan {
    #[serde(default)]
    pub nodes: Vec<RawNode>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNode {
    /// The key of a level of the form.
    pub level: Spanned<String>,
    pub code: Spanned<Code>,
    pub name: String,
    /// The code of a node of a higher level.
    pub parent: Option<Spanned<Code>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMoney {
    /// 予算額（予算現額） or 決算額
    #[serde(default = "blank_money")]
    pub amount: Money,
    /// 当初予算
    #[serde(default = "blank_money")]
    pub initial: Money,
    /// 補正予算 (negative for a reduction)
    #[serde(default = "blank_money")]
    pub supplementary: Money,
    /// 繰越
    #[serde(default = "blank_money")]
    pub carried_over: Money,
    /// 流用
    #[serde(default = "blank_money")]
    pub transfer: Money,
    /// 決算見込: the settlement is an estimate.
    #[serde(default)]
    pub estimate: bool,
    /// うち特定財源
    #[serde(default = "blank_money")]
    pub special_funding: Money,
    /// 財源内訳
    pub funding: Option<RawFunding>,
}

impl Default for RawMoney {
    fn default() -> Self {
        RawMoney {
            amount: blank_money(),
            initial: blank_money(),
            supplementary: blank_money(),
            carried_over: blank_money(),
            transfer: blank_money(),
            estimate: false,
            special_funding: blank_money(),
            funding: None,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFunding {
    /// 国庫支出金
    #[serde(default = "blank_money")]
    pub national: Money,
    /// 県（府・都・道）支出金
    #[serde(default = "blank_money")]
    pub prefectural: Money,
    /// 地方債
    #[serde(default = "blank_money")]
    pub bonds: Money,
    /// その他（特定財源）
    #[serde(default = "blank_money")]
    pub other: Money,
    /// 一般財源
    #[serde(default = "blank_money")]
    pub general: Money,
    /// 国県支出金 (national and prefectural together)
    #[serde(default = "blank_money")]
    pub national_prefectural: Money,
    /// 受益者負担
    #[serde(default = "blank_money")]
    pub beneficiary: Money,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStaff {
    /// 従事人数（人）
    #[serde(default)]
    pub headcount: SheetValue<f64>,
    /// 人件費
    #[serde(default = "blank_money")]
    pub cost: Money,
    /// 延べ業務時間（時間）
    #[serde(default)]
    pub hours: SheetValue<f64>,
    /// 時間単価 (money unit per hour, decimals allowed)
    #[serde(default)]
    pub rate: SheetValue<f64>,
    /// トータルコスト as printed (事業費 + 人件費)
    #[serde(default = "blank_money")]
    pub total_cost: Money,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCheck {
    /// 評価（文章）
    #[serde(default)]
    pub evaluation: SheetValue<String>,
    /// 分析
    #[serde(default)]
    pub analysis: SheetValue<String>,
    /// 評価区分 (one of `choices.rating`)
    pub rating: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAction {
    /// 方針
    #[serde(default)]
    pub policy: SheetValue<String>,
    /// 今後の方向性 (one of `choices.decision`)
    pub decision: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIndicatorValue {
    /// id of one of the program's indicators
    pub indicator: Spanned<String>,
    #[serde(default)]
    pub target: SheetValue<Measure>,
    #[serde(default)]
    pub result: SheetValue<Measure>,
    /// 見込
    #[serde(default)]
    pub forecast: SheetValue<Measure>,
}
