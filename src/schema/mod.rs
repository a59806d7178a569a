//! JSON Schemas of the content files, for editors: `mieru schema` writes
//! one per kind of file into `ROOT/schema/` (draft 2020-12), a `.taplo.toml`
//! mapping the content globs to them (read by the Even Better TOML extension
//! and the taplo CLI) and the VS Code settings recommending the extension.
//! Each key carries its Japanese label and help as `description`, fixed
//! choices become `enum`s (from site.toml's `[choices]` when known), and
//! every sheet value is `oneOf` a value, "—" (not applicable) or "" (blank).
//!
//! The schemas come from one table, [`FIELDS`]; README's field reference is
//! checked against it by a test.

use crate::diag::{Diagnostic, Diagnostics, Location};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The kinds of content file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum File {
    Site,
    Policy,
    Program,
    Year,
}

impl File {
    pub const ALL: [File; 4] = [File::Site, File::Policy, File::Program, File::Year];

    /// The schema's file name under `schema/`.
    pub fn schema_name(self) -> &'static str {
        match self {
            File::Site => "site.schema.json",
            File::Policy => "policy.schema.json",
            File::Program => "program.schema.json",
            File::Year => "year.schema.json",
        }
    }

    /// The content files it describes (a glob from the site root).
    pub fn glob(self) -> &'static str {
        match self {
            File::Site => "content/site.toml",
            File::Policy => "content/policies/*.toml",
            File::Program => "content/programs/*/program.toml",
            File::Year => "content/programs/*/[0-9][0-9][0-9][0-9].toml",
        }
    }

    fn title(self) -> &'static str {
        match self {
            File::Site => "サイト設定 / site settings (content/site.toml)",
            File::Policy => "施策 / policy (content/policies/<policy>.toml)",
            File::Program => "事業 / program (content/programs/<program>/program.toml)",
            File::Year => {
                "事業の年度 / a program's fiscal year (content/programs/<program>/<year>.toml)"
            }
        }
    }
}

/// What a key holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Plain text.
    Text,
    /// Text, "—" or "".
    StateText,
    /// An integer.
    Int,
    /// A number.
    Number,
    /// A number, "—" or "".
    StateNumber,
    /// An integer amount of money, "—" or "".
    Money,
    /// A number or text, "—" or "".
    Measure,
    /// A Western fiscal or calendar year.
    Year,
    /// `[a-z0-9-]+`.
    Slug,
    /// Text or an integer (text keeps leading zeros).
    Code,
    /// The 6-digit city code.
    CityCode,
    /// An http(s) address.
    Url,
    /// A list of text.
    TextList,
    /// One of fixed options.
    Enum(&'static [&'static str]),
    /// One of site.toml's `choices.<name>`.
    Choice(&'static str),
    /// A table; its keys are the fields below it.
    Table,
    /// An array of tables (`[[name]]` or `[{…}]`); its keys are below it.
    Tables,
    /// The `[choices]` table: lists of text under any name.
    Choices,
}

/// One key of a content file. `key` is dotted (`budget.amount`); the keys
/// of a [`Kind::Table`] or [`Kind::Tables`] are written below it.
pub struct Field {
    pub file: File,
    pub key: &'static str,
    pub ja: &'static str,
    pub help: &'static str,
    pub kind: Kind,
    pub required: bool,
}

const fn f(
    file: File,
    key: &'static str,
    ja: &'static str,
    help: &'static str,
    kind: Kind,
) -> Field {
    Field {
        file,
        key,
        ja,
        help,
        kind,
        required: false,
    }
}

const fn req(
    file: File,
    key: &'static str,
    ja: &'static str,
    help: &'static str,
    kind: Kind,
) -> Field {
    Field {
        file,
        key,
        ja,
        help,
        kind,
        required: true,
    }
}

use File::{Policy as P, Program as G, Site as S, Year as Y};
use Kind::*;

const MONEY_UNITS: &[&str] = &["千円", "円"];

/// Every key of every content file.
pub const FIELDS: &[Field] = &[
    req(S, "city", "地方公共団体名", "市の名前", Text),
    f(S, "city_code", "全国地方公共団体コード", "6桁（検査数字つき）を文字列で：\"082112\"", CityCode),
    f(S, "title", "サイト名", "省略すると「{city} 行政評価」", Text),
    req(S, "evaluation_year", "評価年度", "シートの年度（西暦）：2021", Year),
    f(S, "money_unit", "金額の単位", "千円（既定）または 円", Enum(MONEY_UNITS)),
    f(S, "base_url", "公開URL", "公開するサイトのアドレス（https://…）", Url),
    f(S, "theme", "テーマ", "themes/ のフォルダ名（既定 default：組み込みのテーマ）", Slug),
    f(S, "language", "言語", "既定 ja", Text),
    f(S, "source", "出典", "データの出典", Text),
    f(S, "licence", "データのライセンス", "既定 CC BY 4.0", Table),
    req(S, "licence.name", "ライセンス名", "例：CC BY 4.0", Text),
    f(S, "licence.url", "ライセンスのURL", "https://…", Url),
    f(S, "choices", "選択肢", "市ごとの選択肢の一覧：rating（評価区分）、decision（今後の方向性）、indicator_kind（指標の種類）", Choices),
    f(S, "change_threshold", "変更点の基準（%）", "これを超えて金額が動いた事業を変更点のページに載せます（既定 20）", Number),
    f(S, "accessibility", "アクセシビリティ方針", "あると方針と試験結果のページを作ります", Table),
    req(S, "accessibility.target", "目標とする適合レベル", "例：JIS X 8341-3:2016 の適合レベルAAに準拠", Text),
    req(S, "accessibility.scope", "対象範囲", "方針の対象となるページ", Text),
    f(S, "accessibility.policy", "方針", "方針の本文（改行で段落）", Text),
    f(S, "accessibility.contact", "問い合わせ先", "", Text),
    f(S, "accessibility.report", "試験結果", "tests/browser/run.sh が作る JSON（サイトのフォルダから）", Text),
    req(P, "name", "施策", "施策の名前", Text),
    req(P, "outline", "施策の大綱", "総合計画の章", Text),
    f(P, "objective", "施策の目的（施策の目標）", "", StateText),
    f(P, "code", "施策コード", "文字列なら先頭の0が残ります", Code),
    f(P, "order", "表示順", "小さいほど先", Int),
    f(P, "directions", "施策の方向", "事業は program.toml の direction に id を書きます", Tables),
    req(P, "directions.id", "施策の方向の id", "英小文字・数字・ハイフン", Slug),
    req(P, "directions.name", "施策の方向", "", Text),
    f(P, "indicators", "目標（指標）", "", Tables),
    req(P, "indicators.name", "指標名", "", Text),
    f(P, "indicators.kind", "指標の種類", "site.toml の choices.indicator_kind から", Choice("indicator_kind")),
    f(P, "indicators.concept", "指標の考え方", "", StateText),
    f(P, "indicators.direction", "方向性", "", StateText),
    f(P, "indicators.unit", "単位", "例：%", Text),
    req(P, "indicators.baseline", "基準値", "{ year = 2017, value = 12.3 }", Table),
    req(P, "indicators.baseline.year", "年", "調査の年（西暦）", Year),
    f(P, "indicators.baseline.value", "値", "", Measure),
    f(P, "indicators.baseline.note", "注記", "", Text),
    req(P, "indicators.target", "目標値", "{ year = 2022, value = 17.3 }", Table),
    req(P, "indicators.target.year", "年", "目標の年（西暦）", Year),
    f(P, "indicators.target.value", "値", "", Measure),
    f(P, "indicators.target.note", "注記", "", Text),
    f(P, "indicators.actuals", "実績値", "[ { year = 2022, value = 15.0 } ]", Tables),
    req(P, "indicators.actuals.year", "年", "調査の年（西暦）", Year),
    f(P, "indicators.actuals.value", "値", "", Measure),
    f(P, "indicators.actuals.note", "注記", "", Text),
    f(P, "reviews", "評価年度ごとの意見", "", Tables),
    req(P, "reviews.fiscal_year", "評価年度", "意見が載るシートの年度", Year),
    f(P, "reviews.council_opinion", "行政改革懇談会（市民）からの意見", "「前年度の実施状況への意見」として表示", StateText),
    f(P, "reviews.achievement", "目標の達成状況", "", StateText),
    req(G, "name", "事業名", "", Text),
    req(G, "department", "担当", "担当の課", Text),
    f(G, "related_departments", "関連部署", "課の名前の一覧", TextList),
    f(G, "purpose", "事業の目的", "", StateText),
    req(G, "policy", "施策", "content/policies/ のファイル名（.toml なし）", Slug),
    req(G, "direction", "施策の方向", "その施策の directions の id", Slug),
    f(G, "code", "事業コード・事業ID", "文字列なら先頭の0が残ります（\"0086\"）", Code),
    f(G, "start_year", "開始年度", "西暦", Year),
    f(G, "end_year", "終了年度", "西暦", Year),
    f(G, "budget_lines", "予算科目", "いくつでも", Tables),
    req(G, "budget_lines.account", "会計", "例：一般会計", Text),
    f(G, "budget_lines.section", "款", "", Code),
    f(G, "budget_lines.subsection", "項", "", Code),
    f(G, "budget_lines.item", "目", "", Code),
    f(G, "budget_lines.program_no", "事業", "", Code),
    f(G, "budget_lines.name", "予算書上の事業名", "事業名と違うとき", Text),
    f(G, "indicators", "成果指標・活動指標", "最初のものが主な指標", Tables),
    f(G, "indicators.id", "指標の id", "年度ファイルの [[indicators]] が指す名前（最初の指標は main）", Slug),
    f(G, "indicators.kind", "指標の種類", "site.toml の choices.indicator_kind から", Choice("indicator_kind")),
    f(G, "indicators.name", "指標名", "", StateText),
    f(G, "indicators.notes", "注記", "※注記の一覧", TextList),
    f(G, "indicators.unit", "単位", "シートで「-」なら \"-\"", StateText),
    req(Y, "fiscal_year", "年度", "ファイル名と同じ西暦", Year),
    f(Y, "budget", "予算", "", Table),
    f(Y, "budget.amount", "予算額", "金額（単位は site.toml の money_unit）", Money),
    f(Y, "budget.special_funding", "うち特定財源", "予算額以下", Money),
    f(Y, "budget.funding", "財源内訳", "", Table),
    f(Y, "settlement", "決算", "", Table),
    f(Y, "settlement.amount", "決算額", "金額（単位は site.toml の money_unit）", Money),
    f(Y, "settlement.special_funding", "うち特定財源", "決算額以下", Money),
    f(Y, "settlement.funding", "財源内訳", "", Table),
    f(Y, "target", "成果目標（当初の成果目標）", "数値（指標の単位で）または文章", Measure),
    f(Y, "result", "成果実績", "数値または文章", Measure),
    f(Y, "activities", "実施内容と改善点（計画年度は実施内容）", "", StateText),
    f(Y, "indicators", "他の指標の目標・実績", "", Tables),
    req(Y, "indicators.indicator", "指標の id", "program.toml の indicators の id", Slug),
    f(Y, "indicators.target", "目標", "", Measure),
    f(Y, "indicators.result", "実績", "", Measure),
    f(Y, "staff", "従事人数・人件費", "", Table),
    f(Y, "staff.headcount", "従事人数", "人", StateNumber),
    f(Y, "staff.cost", "人件費", "金額", Money),
    f(Y, "check", "【Check】評価・分析", "この年度の実績の評価", Table),
    f(Y, "check.evaluation", "評価", "", StateText),
    f(Y, "check.analysis", "分析", "", StateText),
    f(Y, "check.rating", "評価区分", "site.toml の choices.rating から", Choice("rating")),
    f(Y, "action", "【Action】", "この年度の評価を受けた今後に向けた改善点", Table),
    f(Y, "action.policy", "方針", "", StateText),
    f(Y, "action.decision", "今後の方向性", "site.toml の choices.decision から", Choice("decision")),
];

/// The keys of a funding breakdown (`[budget.funding]`, `[settlement.funding]`).
const FUNDING: [(&str, &str); 5] = [
    ("national", "国庫支出金"),
    ("prefectural", "県支出金"),
    ("bonds", "地方債"),
    ("other", "その他"),
    ("general", "一般財源"),
];

const DASHES: [&str; 6] = ["—", "―", "-", "‐", "－", "–"];

fn not_applicable() -> Value {
    json!({"enum": DASHES, "description": "該当なし / not applicable"})
}

fn blank() -> Value {
    json!({"const": "", "description": "未記入 / not filled in yet"})
}

/// Text that is neither "—" nor "".
fn text_value() -> Value {
    let mut not: Vec<&str> = DASHES.to_vec();
    not.push("");
    json!({"type": "string", "not": {"enum": not}})
}

fn three_states(value: Vec<Value>) -> Value {
    let mut one = value;
    one.push(not_applicable());
    one.push(blank());
    json!({ "oneOf": one })
}

fn kind_schema(kind: Kind, choices: &BTreeMap<String, Vec<String>>) -> Value {
    match kind {
        Text => json!({"type": "string"}),
        StateText => three_states(vec![text_value()]),
        Int => json!({"type": "integer"}),
        Number => json!({"type": "number"}),
        StateNumber => three_states(vec![json!({"type": "number"})]),
        Money => three_states(vec![json!({"type": "integer", "minimum": 0})]),
        Measure => three_states(vec![json!({"type": "number"}), text_value()]),
        Year => json!({"type": "integer", "minimum": 1950, "maximum": 2100}),
        Slug => json!({"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}),
        Code => json!({"type": ["string", "integer"]}),
        CityCode => json!({"type": "string", "pattern": "^[0-9]{6}$"}),
        Url => json!({"type": "string", "pattern": "^https?://[^\\s\"'<>]+$"}),
        TextList => json!({"type": "array", "items": {"type": "string"}}),
        Enum(options) => json!({"enum": options}),
        Choice(name) => match choices.get(name) {
            Some(options) if !options.is_empty() => json!({"enum": options}),
            _ => json!({"type": "string"}),
        },
        Table | Tables => json!({"type": "object"}),
        Choices => json!({
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "properties": {
                "rating": {"type": "array", "items": {"type": "string"}, "description": "評価区分 / rating"},
                "decision": {"type": "array", "items": {"type": "string"}, "description": "今後の方向性 / decision"},
                "indicator_kind": {"type": "array", "items": {"type": "string"}, "description": "指標の種類 / indicator kind"},
            }
        }),
    }
}

/// An object schema with `properties` and `required` from the fields
/// directly below `prefix` ("" for the file itself).
fn object(file: File, prefix: &str, choices: &BTreeMap<String, Vec<String>>) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for fl in FIELDS.iter().filter(|x| x.file == file) {
        let Some(rest) = (if prefix.is_empty() {
            Some(fl.key)
        } else {
            fl.key
                .strip_prefix(prefix)
                .and_then(|r| r.strip_prefix('.'))
        }) else {
            continue;
        };
        if rest.contains('.') {
            continue;
        }
        let mut s = match fl.kind {
            Table => object(file, fl.key, choices),
            Tables => json!({"type": "array", "items": object(file, fl.key, choices)}),
            k => kind_schema(k, choices),
        };
        if fl.key.ends_with(".funding") {
            s = funding(choices);
        }
        let desc = if fl.help.is_empty() {
            fl.ja.to_string()
        } else {
            format!("{}：{}", fl.ja, fl.help)
        };
        if let Some(o) = s.as_object_mut() {
            o.insert("description".into(), Value::String(desc));
        }
        props.insert(rest.to_string(), s);
        if fl.required {
            required.push(Value::String(rest.to_string()));
        }
    }
    let mut o = json!({
        "type": "object",
        "properties": props,
        "additionalProperties": false,
    });
    if !required.is_empty() {
        o["required"] = Value::Array(required);
    }
    o
}

fn funding(choices: &BTreeMap<String, Vec<String>>) -> Value {
    let mut props = Map::new();
    for (k, ja) in FUNDING {
        let mut s = kind_schema(Money, choices);
        s["description"] = Value::String(ja.to_string());
        props.insert(k.to_string(), s);
    }
    json!({"type": "object", "properties": props, "additionalProperties": false})
}

/// The schema of one kind of file; `choices` are site.toml's `[choices]`
/// (empty when unknown: any text is accepted there).
pub fn schema(file: File, choices: &BTreeMap<String, Vec<String>>) -> Value {
    let mut s = object(file, "", choices);
    s["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    s["title"] = json!(file.title());
    s
}

/// The site's `[choices]`, read from `root/content/site.toml` when it parses.
fn site_choices(root: &Path) -> BTreeMap<String, Vec<String>> {
    #[derive(serde::Deserialize)]
    struct Choices {
        #[serde(default)]
        choices: BTreeMap<String, Vec<String>>,
    }
    std::fs::read_to_string(root.join("content/site.toml"))
        .ok()
        .and_then(|t| toml::from_str::<Choices>(t.trim_start_matches('\u{feff}')).ok())
        .map(|c| c.choices)
        .unwrap_or_default()
}

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// The schema files, `.taplo.toml` and the VS Code settings, by path under
/// the site root, for the given choices.
pub fn editor_files(choices: &[(&str, &[&str])]) -> Vec<(PathBuf, String)> {
    let choices: BTreeMap<String, Vec<String>> = choices
        .iter()
        .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
        .collect();
    let mut out = schema_files(&choices);
    out.extend(settings_files());
    out
}

fn schema_files(choices: &BTreeMap<String, Vec<String>>) -> Vec<(PathBuf, String)> {
    File::ALL
        .iter()
        .map(|&k| {
            (
                Path::new("schema").join(k.schema_name()),
                pretty(&schema(k, choices)),
            )
        })
        .collect()
}

fn settings_files() -> Vec<(PathBuf, String)> {
    let mut taplo = String::from(
        "# 入力の手助け：content/ の TOML ファイルを schema/ の JSON Schema で検査します\n\
         # （VS Code の拡張機能 Even Better TOML、taplo）。mieru schema で作り直せます。\n\
         # Editor help: checks content/ against the JSON Schemas in schema/.\n",
    );
    for k in File::ALL {
        taplo.push_str(&format!(
            "\n[[rule]]\ninclude = [\"{}\"]\n\n[rule.schema]\npath = \"./schema/{}\"\n",
            k.glob(),
            k.schema_name()
        ));
    }
    // The extension reads .taplo.toml for the schemas of each glob.
    let settings = json!({
        "evenBetterToml.schema.enabled": true,
        "evenBetterToml.taplo.configFile.enabled": true,
        "files.encoding": "utf8",
        "files.insertFinalNewline": true,
    });
    let extensions = json!({"recommendations": ["tamasfe.even-better-toml"]});
    vec![
        (".taplo.toml".into(), taplo),
        (".vscode/settings.json".into(), pretty(&settings)),
        (".vscode/extensions.json".into(), pretty(&extensions)),
    ]
}

/// `mieru schema`: writes (or rewrites) `root/schema/*.schema.json` with
/// the site's choices, and `.taplo.toml` and `.vscode/` settings when they
/// are missing (a city's own settings are kept).
pub fn write(root: &Path) -> Result<Vec<PathBuf>, Diagnostics> {
    let mut written = Vec::new();
    let settings: Vec<(PathBuf, String)> = settings_files()
        .into_iter()
        .filter(|(rel, _)| root.join(rel).symlink_metadata().is_err())
        .collect();
    for (rel, text) in schema_files(&site_choices(root))
        .into_iter()
        .chain(settings)
    {
        let path = root.join(&rel);
        let r = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, text));
        if let Err(e) = r {
            return Err(Diagnostics::from_iter([Diagnostic::error(
                "E124",
                "ファイルを書き込めません",
                format!("cannot write the file: {e}"),
            )
            .at(Location::file(&rel))]));
        }
        written.push(rel);
    }
    Ok(written)
}
