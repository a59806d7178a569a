//! The mapping file (TOML): which sheet, rows and cells hold which field.
//! Two layouts: `table` (a row per program, a block of columns per year) and
//! `form` (one worksheet per program, laid out like the paper form). Every
//! mistake in it is reported at its place in the file, all at once.

use super::cells::{column_index, parse_address};
use crate::diag::{suggest, Diagnostic, Diagnostics, Location};
use crate::form::{Form, SheetKind};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The fields a mapping may fill, with how their cells are read.
pub const PROGRAM_FIELDS: &[(&str, Kind, &str)] = &[
    ("slug", Kind::Code, "ファイル名（英小文字・数字・-）"),
    ("code", Kind::Code, "事業コード"),
    ("name", Kind::Text, "事業名"),
    ("department", Kind::Text, "担当課"),
    ("related_departments", Kind::Lines, "関連部署"),
    ("purpose", Kind::Text, "事業の目的"),
    ("policy", Kind::Text, "施策"),
    ("direction", Kind::Text, "施策の方向"),
    ("start_year", Kind::Year, "開始年度"),
    ("end_year", Kind::Year, "終了年度"),
    ("budget_lines", Kind::BudgetLines, "予算科目"),
    ("indicator.name", Kind::Text, "成果指標"),
    ("indicator.unit", Kind::Text, "単位"),
    ("indicator.kind", Kind::Text, "指標の種類"),
    ("indicator.notes", Kind::Text, "成果指標の注記"),
    ("indicator.formula", Kind::Text, "成果指標の考え方・算式"),
];

/// The fields of one fiscal year.
pub const YEAR_FIELDS: &[(&str, Kind, &str)] = &[
    ("budget.amount", Kind::Money, "予算額"),
    ("budget.initial", Kind::Money, "当初予算"),
    ("budget.supplementary", Kind::Money, "補正予算"),
    ("budget.carried_over", Kind::Money, "繰越"),
    ("budget.transfer", Kind::Money, "流用"),
    (
        "budget.special_funding",
        Kind::Money,
        "うち特定財源（予算）",
    ),
    ("budget.funding.national", Kind::Money, "国庫支出金（予算）"),
    (
        "budget.funding.prefectural",
        Kind::Money,
        "県支出金（予算）",
    ),
    (
        "budget.funding.national_prefectural",
        Kind::Money,
        "国県支出金（予算）",
    ),
    ("budget.funding.bonds", Kind::Money, "地方債（予算）"),
    ("budget.funding.other", Kind::Money, "その他（予算）"),
    (
        "budget.funding.beneficiary",
        Kind::Money,
        "受益者負担（予算）",
    ),
    ("budget.funding.general", Kind::Money, "一般財源（予算）"),
    ("settlement.amount", Kind::Money, "決算額"),
    (
        "settlement.special_funding",
        Kind::Money,
        "うち特定財源（決算）",
    ),
    (
        "settlement.funding.national",
        Kind::Money,
        "国庫支出金（決算）",
    ),
    (
        "settlement.funding.prefectural",
        Kind::Money,
        "県支出金（決算）",
    ),
    (
        "settlement.funding.national_prefectural",
        Kind::Money,
        "国県支出金（決算）",
    ),
    ("settlement.funding.bonds", Kind::Money, "地方債（決算）"),
    ("settlement.funding.other", Kind::Money, "その他（決算）"),
    (
        "settlement.funding.beneficiary",
        Kind::Money,
        "受益者負担（決算）",
    ),
    (
        "settlement.funding.general",
        Kind::Money,
        "一般財源（決算）",
    ),
    ("forecast.amount", Kind::Money, "見込額"),
    ("settlement.estimate", Kind::Estimate, "決算見込"),
    ("target", Kind::Measure, "成果目標"),
    ("result", Kind::Measure, "成果実績"),
    ("activities", Kind::Text, "実施内容"),
    ("staff.headcount", Kind::Number, "従事人数"),
    ("staff.hours", Kind::Number, "延べ業務時間"),
    ("staff.rate", Kind::Number, "時間単価"),
    ("staff.cost", Kind::Money, "人件費"),
    ("staff.total_cost", Kind::Money, "トータルコスト"),
    ("check.evaluation", Kind::Text, "評価"),
    ("check.analysis", Kind::Text, "分析"),
    ("check.rating", Kind::Text, "評価区分"),
    ("action.policy", Kind::Text, "改善の方針"),
    ("action.decision", Kind::Text, "今後の方向性"),
    ("indicator.forecast", Kind::Measure, "成果指標の見込"),
];

/// The parts of a program's second to ninth indicator (`indicator2.name`…),
/// on the program sheet and by year.
const MORE_INDICATOR: &[(&str, Kind, &str)] = &[
    ("name", Kind::Text, "名前"),
    ("unit", Kind::Text, "単位"),
    ("kind", Kind::Text, "種類"),
    ("formula", Kind::Text, "考え方・算式"),
    ("notes", Kind::Text, "注記"),
];
const MORE_INDICATOR_YEAR: &[(&str, Kind, &str)] = &[
    ("target", Kind::Measure, "目標"),
    ("result", Kind::Measure, "実績"),
    ("forecast", Kind::Measure, "見込"),
];

/// `indicator2.name` → (2, "name"): the number (2 to 9) and the part.
pub fn more_indicator(key: &str) -> Option<(usize, &str)> {
    let rest = key.strip_prefix("indicator")?;
    let (n, part) = rest.split_once('.')?;
    let n: usize = n.parse().ok()?;
    ((2..=9).contains(&n)).then_some((n, part))
}

/// How a field's cell is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// A field of the site's own form (`extra.<key>`): read as its kind.
    Declared,
    Code,
    Lines,
    Year,
    Money,
    Number,
    /// A number, or text when it is not one.
    Measure,
    /// 決算見込 (the settlement is an estimate) or 決算.
    Estimate,
    BudgetLines,
}

/// The kind of `key`, when a mapping may fill it. `extra.<key>` (a field
/// the site's form adds) and `place.<level>` (the program's node at a level
/// of the plan) are checked against the form by [`parse`].
pub fn kind_of(key: &str, year: bool) -> Option<Kind> {
    if key.strip_prefix("extra.").is_some_and(is_key) {
        return Some(Kind::Declared);
    }
    if !year && key.strip_prefix("place.").is_some_and(is_key) {
        return Some(Kind::Code);
    }
    if year {
        for prefix in ["evaluation.", "criterion."] {
            if let Some(rest) = key.strip_prefix(prefix) {
                let k = rest.strip_suffix(".reason").unwrap_or(rest);
                if is_key(k) {
                    return Some(Kind::Declared);
                }
            }
        }
    }
    if let Some((_, part)) = more_indicator(key) {
        let parts = if year {
            MORE_INDICATOR_YEAR
        } else {
            MORE_INDICATOR
        };
        return parts
            .iter()
            .find(|(k, _, _)| *k == part)
            .map(|(_, kind, _)| *kind);
    }
    let list = if year { YEAR_FIELDS } else { PROGRAM_FIELDS };
    list.iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, kind, _)| *kind)
}

/// Whether an amount of `key` may be negative (a 補正 or 流用 may; a
/// budget, settlement, funding source or staff cost may not, as
/// `mieru check` holds them).
pub fn may_be_negative(key: &str) -> bool {
    let fixed = key.ends_with(".amount")
        || key.ends_with(".special_funding")
        || key == "staff.cost"
        || ["national", "prefectural", "bonds", "other", "general"]
            .iter()
            .any(|f| key.ends_with(&format!(".funding.{f}")));
    !fixed
}

/// The Japanese label of a field (the key itself for the form's own fields
/// and plan levels, which [`FieldMap::label`] names).
pub fn label_of(key: &str) -> &str {
    PROGRAM_FIELDS
        .iter()
        .chain(YEAR_FIELDS)
        .find(|(k, _, _)| *k == key)
        .map_or(key, |(_, _, l)| l)
}

fn is_key(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Where a field's value is on the sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A column (0-based index), in the row of the program.
    Column(usize),
    /// A column found by its header text (resolved against the sheet).
    Header(String),
    /// A code assembled from several digit columns, in order.
    Digits(Vec<usize>),
    /// Choice marks (●/○…) across columns: option → column.
    Marks(Vec<(String, usize)>),
    /// A cell (form layout).
    Cell(usize, usize),
    /// The cell right of a label (form layout).
    RightOf(String),
    /// The cell below a label (form layout).
    Below(String),
}

/// One field's place and how its text is turned into a value.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldMap {
    pub key: String,
    pub kind: Kind,
    pub source: Source,
    /// Option list: the cell holds an option number or text ("2 改革改善").
    pub options: Vec<String>,
    /// Multi-line cell with several values (one per line).
    pub lines: bool,
    /// A column whose cell gives the value's state (`value`,
    /// `not_applicable`, `blank`, or 記入済・該当なし・未記入), as in mieru's
    /// own CSV: the value cell is then read as written.
    pub state: Option<Source>,
    /// The form's field, for `extra.<key>`.
    pub declared: Option<Box<crate::form::Field>>,
    /// The label shown in reports and comments.
    pub label: String,
}

impl FieldMap {
    fn new(key: &str, kind: Kind, source: Source) -> FieldMap {
        FieldMap {
            key: key.to_string(),
            kind,
            source,
            options: Vec::new(),
            lines: false,
            state: None,
            declared: None,
            label: label_of(key).to_string(),
        }
    }
}

/// `[year_blocks]`: a block of columns per year, `stride` columns apart.
#[derive(Debug, Clone, PartialEq)]
pub struct YearBlocks {
    pub first: usize,
    pub stride: usize,
    pub years: Vec<i32>,
    /// Fields with their sources relative to the block's first column.
    pub fields: Vec<FieldMap>,
}

/// `[year_rows]`: a row per program and year (a long table such as mieru's
/// own `data/programs.csv`); rows of the same program are put together.
#[derive(Debug, Clone, PartialEq)]
pub struct YearRows {
    /// The column holding the fiscal year.
    pub year: FieldMap,
    pub fields: Vec<FieldMap>,
}

/// `[year_table]` of a form: a range whose first column holds the year.
#[derive(Debug, Clone, PartialEq)]
pub struct YearTable {
    pub top: (usize, usize),
    pub bottom: (usize, usize),
    /// Fields at a column offset from the first column.
    pub fields: Vec<(FieldMap, usize)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Layout {
    Table {
        sheet: Option<String>,
        header_rows: usize,
        /// 0-based first data row.
        first_row: usize,
        /// Rows holding any of these texts (or matching `*`-patterns) are skipped.
        skip: Vec<String>,
        fields: Vec<FieldMap>,
        years: Option<YearBlocks>,
        year_rows: Option<YearRows>,
    },
    Form {
        /// Sheet names; empty: every sheet except `exclude`.
        sheets: Vec<String>,
        exclude: Vec<String>,
        fields: Vec<FieldMap>,
        year_table: Option<YearTable>,
    },
}

/// A mapping file, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    pub path: PathBuf,
    /// Inputs named in the mapping (relative to the mapping's folder).
    pub inputs: Vec<PathBuf>,
    pub layout: Layout,
    /// Slug made from the code: `prefix` + code (default "p-").
    pub slug_prefix: String,
    /// Default 会計 for budget lines that do not name one.
    pub account: String,
    /// A leading `'` before `=`, `+`, `-`, `@`, a tab or a CR is taken off
    /// (mieru's CSV, and spreadsheets, guard formulas with it).
    pub strip_apostrophe: bool,
    /// Labels of the fields the form names (its own fields, plan levels).
    pub labels: BTreeMap<String, String>,
}

impl Mapping {
    /// The label of a field: the form's, or mieru's own.
    pub fn label<'a>(&'a self, key: &'a str) -> &'a str {
        self.labels
            .get(key)
            .map_or_else(|| label_of(key), String::as_str)
    }

    /// Every field the mapping reads, program and year.
    pub fn all_fields(&self) -> Vec<&FieldMap> {
        match &self.layout {
            Layout::Table {
                fields,
                years,
                year_rows,
                ..
            } => fields
                .iter()
                .chain(years.iter().flat_map(|y| &y.fields))
                .chain(year_rows.iter().flat_map(|y| &y.fields))
                .collect(),
            Layout::Form {
                fields, year_table, ..
            } => fields
                .iter()
                .chain(
                    year_table
                        .iter()
                        .flat_map(|t| t.fields.iter().map(|(f, _)| f)),
                )
                .collect(),
        }
    }

    /// Whether the mapping says where the 施策の大綱 of each 施策 is (the
    /// import then writes content/policies/).
    pub fn names_policies(&self) -> bool {
        self.all_fields().iter().any(|f| f.key == "policy_outline")
    }

    /// Whether the mapping says where the plan's node names are.
    pub fn names_nodes(&self) -> bool {
        self.all_fields()
            .iter()
            .any(|f| f.key.starts_with("place_name."))
    }
}

/// Field → place, with the key's place in the file for messages.
type Fields = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    layout: Spanned<String>,
    #[serde(default)]
    input: Vec<String>,
    sheet: Option<String>,
    #[serde(default)]
    sheets: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    header_rows: Option<usize>,
    first_row: Option<Spanned<usize>>,
    #[serde(default)]
    skip: Vec<String>,
    slug_prefix: Option<String>,
    account: Option<String>,
    #[serde(default)]
    columns: Fields,
    #[serde(default)]
    fields: Fields,
    year_blocks: Option<RawBlocks>,
    year_rows: Option<RawYearRows>,
    year_table: Option<RawYearTable>,
    #[serde(default)]
    strip_apostrophe: bool,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYearRows {
    year: Spanned<toml::Value>,
    fields: Fields,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBlocks {
    first: Spanned<String>,
    stride: usize,
    years: Vec<i32>,
    fields: Fields,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYearTable {
    range: Spanned<String>,
    fields: Fields,
}

struct Ctx<'a> {
    path: &'a Path,
    text: &'a str,
    form: &'a Form,
    diags: Diagnostics,
}

impl Ctx<'_> {
    fn err(&mut self, code: &'static str, span: Range<usize>, ja: String, en: String, help: &str) {
        let loc = Location::at(self.path, self.text, span);
        let mut d = Diagnostic::error(code, ja, en).at(loc);
        if !help.is_empty() {
            d = d.help(help.to_string());
        }
        self.diags.push(d);
    }
}

/// Reads the mapping at `path`, for a site of `form`.
pub fn read(path: &Path, form: &Form) -> Result<Mapping, Diagnostics> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        let mut d = Diagnostics::new();
        d.push(
            Diagnostic::error(
                "E150",
                format!("対応表を読めません（{e}）"),
                format!("cannot read the mapping file: {e}"),
            )
            .at(Location::file(path)),
        );
        d
    })?;
    parse(path, &text, form)
}

/// Reads a mapping from its text; `extra.<key>` and `place.<level>` must be
/// a field and a level of `form`.
pub fn parse(path: &Path, text: &str, form: &Form) -> Result<Mapping, Diagnostics> {
    let mut cx = Ctx {
        path,
        text,
        form,
        diags: Diagnostics::new(),
    };
    let raw: Raw = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            cx.err(
                "E151",
                span,
                format!("対応表の書き方に誤りがあります：{}", e.message()),
                format!("the mapping file is not valid: {}", e.message()),
                "README の「取り込み」の例と見比べてください / compare with the examples in README, 取り込み",
            );
            return Err(cx.diags);
        }
    };
    let layout = match raw.layout.get_ref().as_str() {
        "table" => {
            let header_rows = raw.header_rows.unwrap_or(1);
            let first_row = match &raw.first_row {
                Some(r) if *r.get_ref() == 0 => {
                    cx.err(
                        "E152",
                        r.span(),
                        "first_row は 1 以上です".into(),
                        "first_row counts from 1".into(),
                        "",
                    );
                    header_rows
                }
                Some(r) => r.get_ref() - 1,
                None => header_rows,
            };
            let columns = fields(&mut cx, &raw.columns, false, true);
            let years = raw.year_blocks.as_ref().map(|b| {
                let first = column_index(b.first.get_ref()).unwrap_or_else(|| {
                    cx.err(
                        "E153",
                        b.first.span(),
                        format!(
                            "`{}` は列の文字（A、K、BB など）ではありません",
                            b.first.get_ref()
                        ),
                        format!("`{}` is not a column letter (A, K, BB…)", b.first.get_ref()),
                        "",
                    );
                    0
                });
                YearBlocks {
                    first,
                    stride: b.stride.max(1),
                    years: b.years.clone(),
                    fields: fields_offsets(&mut cx, &b.fields),
                }
            });
            let year_rows = raw.year_rows.as_ref().and_then(|y| {
                let year = field(&mut cx, "year", Kind::Year, &y.year, true)?;
                Some(YearRows {
                    year,
                    fields: fields(&mut cx, &y.fields, true, true),
                })
            });
            if let (Some(_), Some(r)) = (&years, &raw.year_rows) {
                cx.err(
                    "E152",
                    r.year.span(),
                    "[year_blocks] と [year_rows] は一緒に使えません".into(),
                    "[year_blocks] and [year_rows] cannot both be given".into(),
                    "年度が列のまとまりなら year_blocks、行ごとなら year_rows です / year_blocks for a block of columns per year, year_rows for a row per year",
                );
            }
            Layout::Table {
                sheet: raw.sheet.clone(),
                header_rows,
                first_row,
                skip: raw.skip.clone(),
                fields: columns,
                years,
                year_rows,
            }
        }
        "form" => {
            let fields = fields(&mut cx, &raw.fields, false, false);
            let year_table = raw.year_table.as_ref().map(|t| {
                let (a, b) = t.range.get_ref().split_once(':').unwrap_or(("", ""));
                let (top, bottom) = match (parse_address(a), parse_address(b)) {
                    (Some(x), Some(y)) if x.0 <= y.0 && x.1 <= y.1 => (x, y),
                    _ => {
                        cx.err(
                            "E153",
                            t.range.span(),
                            format!(
                                "`{}` はセル範囲（B20:H23 など）ではありません",
                                t.range.get_ref()
                            ),
                            format!(
                                "`{}` is not a cell range such as B20:H23",
                                t.range.get_ref()
                            ),
                            "",
                        );
                        ((0, 0), (0, 0))
                    }
                };
                let fields = fields_offsets(&mut cx, &t.fields)
                    .into_iter()
                    .map(|f| {
                        let off = match f.source {
                            Source::Column(c) => c,
                            _ => 0,
                        };
                        (f, off)
                    })
                    .collect();
                YearTable {
                    top,
                    bottom,
                    fields,
                }
            });
            let sheets = if raw.sheets.is_empty() {
                raw.sheet.iter().cloned().collect()
            } else {
                raw.sheets.clone()
            };
            Layout::Form {
                sheets,
                exclude: raw.exclude.clone(),
                fields,
                year_table,
            }
        }
        other => {
            cx.err(
                "E152",
                raw.layout.span(),
                format!("layout `{other}` はありません。\"table\" か \"form\" です"),
                format!("unknown layout `{other}`: expected \"table\" or \"form\""),
                "",
            );
            return Err(cx.diags);
        }
    };
    let has = |k: &str| match &layout {
        Layout::Table { fields, .. } | Layout::Form { fields, .. } => {
            fields.iter().any(|f| f.key == k)
        }
    };
    if !has("name") {
        cx.err(
            "E154",
            0..0,
            "事業名（name）の場所がありません".into(),
            "the mapping does not say where the program name (name) is".into(),
            "例 / e.g. name = \"事業名\" または name = \"C\"",
        );
    }
    let placed = match &layout {
        Layout::Table { fields, .. } | Layout::Form { fields, .. } => {
            fields.iter().any(|f| f.key.starts_with("place."))
        }
    };
    if !form.levels.is_empty() && !placed {
        let example = form
            .levels
            .iter()
            .find(|l| l.policy)
            .or(form.levels.first())
            .map_or(String::new(), |l| {
                format!("\"place.{}\" = \"{}コード\"", l.key, l.name)
            });
        cx.err(
            "E154",
            0..0,
            "事業の計画上の位置（place.<階層>）の場所がありません".into(),
            "the mapping does not say where the program's place in the plan is (place.<level>)".into(),
            &format!("この様式には計画の階層があります。例 / e.g. {example}（下の階層のコードだけでも、上の階層は plan.toml から決まります / the levels above follow from plan.toml）"),
        );
    }
    if cx.diags.has_errors() {
        return Err(cx.diags);
    }
    let base = path.parent().unwrap_or(Path::new("."));
    let mut mapping = Mapping {
        path: path.to_path_buf(),
        inputs: raw.input.iter().map(|i| base.join(i)).collect(),
        layout,
        slug_prefix: raw.slug_prefix.clone().unwrap_or_else(|| "p-".to_string()),
        account: raw
            .account
            .clone()
            .unwrap_or_else(|| "一般会計".to_string()),
        strip_apostrophe: raw.strip_apostrophe,
        labels: BTreeMap::new(),
    };
    mapping.labels = mapping
        .all_fields()
        .iter()
        .filter(|f| f.label != label_of(&f.key))
        .map(|f| (f.key.clone(), f.label.clone()))
        .collect();
    Ok(mapping)
}

fn unknown_key(cx: &mut Ctx, key: &str, span: Range<usize>, year: bool) {
    let list = if year { YEAR_FIELDS } else { PROGRAM_FIELDS };
    let other = if year { PROGRAM_FIELDS } else { YEAR_FIELDS };
    let help = if other.iter().any(|(k, _, _)| *k == key) {
        if year {
            format!("`{key}` は年度によらない項目です。[columns] / [fields] に書いてください / `{key}` is a program field: put it under [columns] or [fields]")
        } else {
            format!("`{key}` は年度ごとの項目です。[year_blocks.fields] / [year_table.fields] に書いてください / `{key}` is a year field")
        }
    } else {
        match suggest(key, list.iter().map(|(k, _, _)| *k)) {
            Some(s) => format!("`{s}` のことですか / did you mean `{s}`?"),
            None => format!(
                "使える項目 / fields: {}",
                list.iter()
                    .map(|(k, _, _)| *k)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    };
    cx.err(
        "E155",
        span,
        format!("`{key}` という項目はありません"),
        format!("unknown field `{key}`"),
        &help,
    );
}

/// `[columns]` (table) or `[fields]` (form): field → place.
fn fields(cx: &mut Ctx, map: &Fields, year: bool, table: bool) -> Vec<FieldMap> {
    let mut out = Vec::new();
    for (k, v) in map {
        let key = k.get_ref().as_str();
        let Some(kind) = kind_of(key, year) else {
            unknown_key(cx, key, k.span(), year);
            continue;
        };
        let Some(declared) = declare(cx, key, year, k.span()) else {
            continue;
        };
        if let Some(mut f) = field(cx, key, kind, v, table) {
            (f.declared, f.label) = declared;
            for sub in ["name", "outline", "code"] {
                if let Some(value) = v.get_ref().get(sub) {
                    if let Some(n) = companion(cx, key, sub, value, v.span(), table) {
                        out.push(n);
                    }
                }
            }
            out.push(f);
        }
    }
    out
}

/// The form's field of `extra.<key>`, or the level of `place.<level>`, with
/// the label; `None` (reported) when the form has no such field or level.
fn declare(
    cx: &mut Ctx,
    key: &str,
    year: bool,
    span: Range<usize>,
) -> Option<(Option<Box<crate::form::Field>>, String)> {
    if let Some(k) = key.strip_prefix("extra.") {
        let sheet = if year {
            SheetKind::Year
        } else {
            SheetKind::Program
        };
        let own = |kind: SheetKind| {
            cx.form
                .sheet(kind)
                .own_fields()
                .find(|f| f.key == k)
                .cloned()
        };
        if let Some(f) = own(sheet) {
            if matches!(f.kind, crate::form::Kind::Table { .. }) {
                cx.err(
                    "E159",
                    span,
                    format!("表の項目「{}」（{k}）はまだ取り込めません", f.label),
                    format!("`{k}` is a table field, which import cannot fill yet"),
                    "表の行は program.toml に手で書いてください。この行を対応表から消すと、ほかの項目は取り込めます / write its rows in the TOML by hand; remove this line to import the rest",
                );
                return None;
            }
            let label = f.label.clone();
            return Some((Some(Box::new(f)), label));
        }
        let other = if year {
            SheetKind::Program
        } else {
            SheetKind::Year
        };
        let help = if own(other).is_some() {
            if year {
                format!("`{k}` は年度によらない項目です。[columns] / [fields] に書いてください / `{k}` is on the program sheet")
            } else {
                format!("`{k}` は年度ごとの項目です。[year_blocks.fields] / [year_table.fields] / [year_rows.fields] に書いてください / `{k}` is on the year sheet")
            }
        } else {
            let keys: Vec<&str> = cx
                .form
                .sheet(sheet)
                .own_fields()
                .map(|f| f.key.as_str())
                .collect();
            nearest(
                "extra.",
                k,
                &keys,
                "この様式には市が足した項目がありません（content/form.toml） / the site's form adds no fields",
                "様式の項目 / the form's fields",
            )
        };
        cx.err(
            "E155",
            span,
            format!("様式（content/form.toml）に項目 `{k}` がありません"),
            format!("the site's form has no field `{k}`"),
            &help,
        );
        return None;
    }
    if let Some(level) = key.strip_prefix("place.") {
        if let Some(l) = cx.form.levels.iter().find(|l| l.key == level) {
            return Some((None, l.name.clone()));
        }
        let keys: Vec<&str> = cx.form.levels.iter().map(|l| l.key.as_str()).collect();
        let help = nearest(
            "place.",
            level,
            &keys,
            "計画の階層は content/form.toml の [[levels]] で決めます。この様式では policy と direction を使います / levels come from [[levels]] in content/form.toml; this form uses policy and direction",
            "様式の階層 / the form's levels",
        );
        cx.err(
            "E155",
            span,
            format!("様式に計画の階層 `{level}` がありません"),
            format!("the site's form has no plan level `{level}`"),
            &help,
        );
        return None;
    }
    for prefix in ["evaluation.", "criterion."] {
        let Some(rest) = key.strip_prefix(prefix) else {
            continue;
        };
        let (k, reason) = match rest.strip_suffix(".reason") {
            Some(k) => (k, true),
            None => (rest, false),
        };
        let (stages, criteria) = cx.form.evaluation().unwrap_or((&[], &[]));
        let found: Option<(String, Vec<String>)> = if prefix == "evaluation." {
            stages
                .iter()
                .find(|s| s.key == k)
                .map(|s| (s.name.clone(), s.options.clone()))
        } else {
            criteria
                .iter()
                .find(|c| c.key == k)
                .map(|c| (format!("{}：{}", c.group, c.question), c.options.clone()))
        };
        let Some((name, options)) = found else {
            let keys: Vec<&str> = if prefix == "evaluation." {
                stages.iter().map(|s| s.key.as_str()).collect()
            } else {
                criteria.iter().map(|c| c.key.as_str()).collect()
            };
            let what = if prefix == "evaluation." {
                "評価の段階"
            } else {
                "評価の観点"
            };
            let help = nearest(
                prefix,
                k,
                &keys,
                "この様式には評価の節（block = \"evaluation\"）がありません / the form has no evaluation block",
                &format!("様式の{what} / the form's keys"),
            );
            cx.err(
                "E155",
                span,
                format!("様式に{what} `{k}` がありません"),
                format!("the site's form has no evaluation key `{k}`"),
                &help,
            );
            return None;
        };
        let (label, kind) = if reason {
            (format!("{name}の理由"), crate::form::Kind::Multiline)
        } else {
            (
                name,
                crate::form::Kind::Choice {
                    options,
                    multiple: false,
                    other: None,
                },
            )
        };
        let field = crate::form::Field {
            key: key.to_string(),
            label: label.clone(),
            label_en: None,
            kind,
            required: false,
            help: None,
        };
        return Some((Some(Box::new(field)), label));
    }
    // A typed key the site's form does not show: `mieru check` would refuse
    // the file (E078), so the mapping is refused here, at its line.
    if !year && !shown_by(cx.form, key) {
        cx.err(
            "E155",
            span,
            format!("この様式（content/form.toml）は `{key}`（{}）を表示しません", label_of(key)),
            format!("the site's form does not show `{key}`"),
            "この行を対応表から消すか、content/form.toml にこの項目を加えてください（docs/forms.md） / remove this line, or give the field a place in content/form.toml",
        );
        return None;
    }
    if !cx.form.levels.is_empty() && (key == "policy" || key == "direction") {
        let level = cx
            .form
            .levels
            .iter()
            .find(|l| l.policy)
            .or(cx.form.levels.first());
        let k = level.map_or("", |l| l.key.as_str());
        cx.err(
            "E155",
            span,
            format!("この様式では `{key}` ではなく place.<階層> で計画上の位置を指定します"),
            format!("with plan levels, the place is given as place.<level>, not `{key}`"),
            &format!(
                "例 / e.g. \"place.{k}\" = \"{}\"",
                level.map_or("", |l| l.name.as_str())
            ),
        );
        return None;
    }
    if let Some((n, part)) = more_indicator(key) {
        let label = MORE_INDICATOR
            .iter()
            .chain(MORE_INDICATOR_YEAR)
            .find(|(k, _, _)| *k == part)
            .map_or(part, |(_, _, l)| l);
        return Some((None, format!("指標{n}の{label}")));
    }
    Some((None, label_of(key).to_string()))
}

/// Whether the form shows a typed program key that `mieru check` holds to
/// the form (the others are always shown or checked elsewhere).
pub fn shown_by(form: &Form, key: &str) -> bool {
    let program = form.sheet(SheetKind::Program);
    match key {
        "related_departments" | "purpose" | "code" | "start_year" | "end_year" => {
            program.field(key).is_some()
        }
        "budget_lines" => {
            program.field(key).is_some()
                || program
                    .blocks()
                    .any(|b| matches!(b, crate::form::Block::BudgetLines))
        }
        _ => true,
    }
}

/// Help for a key the form lacks: the nearest of `keys`, or all of them,
/// or `none` when there are none.
fn nearest(prefix: &str, word: &str, keys: &[&str], none: &str, listed: &str) -> String {
    match suggest(word, keys.iter().copied()) {
        Some(s) => format!("`{prefix}{s}` のことですか / did you mean `{prefix}{s}`?"),
        None if keys.is_empty() => none.to_string(),
        None => format!("{listed}: {}", keys.join(", ")),
    }
}

/// A second place beside a field's: the name of a `place.<level>` node
/// (`place_name.<level>`: the import writes content/plan.toml), or the
/// 施策の大綱 and code of a `policy` (`policy_outline`, `policy_code`: the
/// import writes content/policies/).
fn companion(
    cx: &mut Ctx,
    key: &str,
    sub: &str,
    value: &toml::Value,
    span: Range<usize>,
    table: bool,
) -> Option<FieldMap> {
    let (new_key, label) = match (key.strip_prefix("place."), sub) {
        (Some(level), "name") => (
            format!("place_name.{level}"),
            cx.form
                .levels
                .iter()
                .find(|l| l.key == level)
                .map_or(level.to_string(), |l| format!("{}の名前", l.name)),
        ),
        (None, "outline") if key == "policy" => ("policy_outline".into(), "施策の大綱".into()),
        (None, "code") if key == "policy" => ("policy_code".into(), "施策コード".into()),
        _ => return None,
    };
    let source = match value.as_str() {
        Some(s) if table => column_or_header(s),
        Some(s) => match parse_address(s) {
            Some((r, c)) => Source::Cell(r, c),
            None => Source::RightOf(s.to_string()),
        },
        None => {
            cx.err(
                "E156",
                span,
                format!("`{key}` の {sub} は列（列の文字か見出し）です"),
                format!("`{key}`: {sub} is a column (letter or header)"),
                "例 / e.g. \"place.shisaku\" = { column = \"施策コード\", name = \"施策名\" }, policy = { column = \"施策\", outline = \"施策の大綱\" }",
            );
            return None;
        }
    };
    let mut f = FieldMap::new(&new_key, Kind::Text, source);
    f.label = label;
    Some(f)
}

/// `[year_blocks.fields]`: field → column offset (0 = the block's first column).
fn fields_offsets(cx: &mut Ctx, map: &Fields) -> Vec<FieldMap> {
    let mut out = Vec::new();
    for (k, v) in map {
        let key = k.get_ref().as_str();
        let Some(kind) = kind_of(key, true) else {
            unknown_key(cx, key, k.span(), true);
            continue;
        };
        let Some(declared) = declare(cx, key, true, k.span()) else {
            continue;
        };
        let span = v.span();
        let offset = |cx: &mut Ctx, x: &toml::Value| match x.as_integer() {
            Some(i) if i >= 0 => Some(i as usize),
            _ => {
                cx.err(
                    "E156",
                    span.clone(),
                    format!("`{key}` の位置は 0 以上の整数（ブロックの先頭列からの列数）です"),
                    format!("`{key}`: expected a column offset (0 or more) inside the block"),
                    "例 / e.g. \"budget.amount\" = 0",
                );
                None
            }
        };
        let mut f = FieldMap::new(key, kind, Source::Column(0));
        (f.declared, f.label) = declared;
        match v.get_ref() {
            toml::Value::Table(t) => {
                if let Some(o) = t.get("offset") {
                    match offset(cx, o) {
                        Some(o) => f.source = Source::Column(o),
                        None => continue,
                    }
                } else if let Some(toml::Value::Table(m)) = t.get("marks") {
                    let mut marks = Vec::new();
                    for (opt, c) in m {
                        if let Some(o) = offset(cx, c) {
                            marks.push((opt.clone(), o));
                        }
                    }
                    f.source = Source::Marks(marks);
                }
                f.options = string_list(t.get("options"));
            }
            other => match offset(cx, other) {
                Some(o) => f.source = Source::Column(o),
                None => continue,
            },
        }
        out.push(f);
    }
    out
}

fn string_list(v: Option<&toml::Value>) -> Vec<String> {
    v.and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn column_or_header(s: &str) -> Source {
    match column_index(s) {
        Some(c) => Source::Column(c),
        None => Source::Header(s.to_string()),
    }
}

fn field(
    cx: &mut Ctx,
    key: &str,
    kind: Kind,
    v: &Spanned<toml::Value>,
    table: bool,
) -> Option<FieldMap> {
    let span = v.span();
    let mut f = FieldMap::new(key, kind, Source::Column(0));
    let bad = |cx: &mut Ctx, what: &str| {
        cx.err(
            "E156",
            span.clone(),
            format!("`{key}` の場所の書き方が違います（{what}）"),
            format!("`{key}`: the place is not written as expected ({what})"),
            if table {
                "例 / e.g. name = \"C\", name = \"事業名\", code = { digits = [\"A\", \"B\", \"C\"] }, direction = { marks = { \"koiki-gyosei\" = \"M\", \"renkei-suishin\" = \"N\" } }"
            } else {
                "例 / e.g. name = { right_of = \"事業名\" }, purpose = { below = \"事業の目的\" }, department = { cell = \"C4\" }"
            },
        );
    };
    match v.get_ref() {
        toml::Value::String(s) if table => f.source = column_or_header(s),
        toml::Value::String(s) => match parse_address(s) {
            Some((r, c)) => f.source = Source::Cell(r, c),
            None => f.source = Source::RightOf(s.clone()),
        },
        toml::Value::Table(t) => {
            let col = |name: &str| t.get(name).and_then(|x| x.as_str());
            if let Some(c) = col("column") {
                f.source = column_or_header(c);
            } else if let Some(c) = col("cell") {
                match parse_address(c) {
                    Some((r, c)) => f.source = Source::Cell(r, c),
                    None => {
                        bad(cx, "cell はセル番地（C4 など）");
                        return None;
                    }
                }
            } else if let Some(l) = col("right_of") {
                f.source = Source::RightOf(l.to_string());
            } else if let Some(l) = col("below") {
                f.source = Source::Below(l.to_string());
            } else if let Some(d) = t.get("digits") {
                let letters = string_list(Some(d));
                let cols: Vec<usize> = letters.iter().filter_map(|l| column_index(l)).collect();
                if cols.is_empty() || cols.len() != letters.len() {
                    bad(cx, "digits は列の文字の並び");
                    return None;
                }
                f.source = Source::Digits(cols);
            } else if let Some(toml::Value::Table(m)) = t.get("marks") {
                let mut marks = Vec::new();
                for (opt, c) in m {
                    match c.as_str().and_then(column_index) {
                        Some(c) => marks.push((opt.clone(), c)),
                        None => {
                            bad(cx, "marks の値は列の文字");
                            return None;
                        }
                    }
                }
                f.source = Source::Marks(marks);
            } else {
                bad(cx, "column・cell・right_of・below・digits・marks のどれか");
                return None;
            }
            f.options = string_list(t.get("options"));
            f.lines = t.get("lines").and_then(|x| x.as_bool()).unwrap_or(false);
            match t.get("state") {
                None => {}
                Some(toml::Value::String(c)) if table => f.state = Some(column_or_header(c)),
                Some(_) => {
                    bad(cx, "state は状態の列（列の文字か見出し）");
                    return None;
                }
            }
        }
        _ => {
            bad(cx, "文字列か表");
            return None;
        }
    }
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_mapping_parses() {
        let m = parse(
            Path::new("m.toml"),
            r#"
layout = "table"
sheet = "一覧"
header_rows = 2
skip = ["調整用", "合計"]
[columns]
code = { digits = ["A", "B", "C"] }
name = "事業名"
department = "E"
direction = { marks = { "koiki" = "M", "renkei" = "N" } }
[year_blocks]
first = "K"
stride = 19
years = [2019, 2020]
[year_blocks.fields]
"budget.amount" = 0
"check.rating" = { offset = 3, options = ["A", "B"] }
"#,
            &Form::default_form(),
        )
        .unwrap();
        let Layout::Table {
            fields,
            years,
            first_row,
            ..
        } = m.layout
        else {
            panic!()
        };
        assert_eq!(first_row, 2);
        assert!(fields
            .iter()
            .any(|f| f.source == Source::Digits(vec![0, 1, 2])));
        assert!(fields
            .iter()
            .any(|f| f.source == Source::Header("事業名".into())));
        let y = years.unwrap();
        assert_eq!((y.first, y.stride), (10, 19));
    }

    #[test]
    fn mistakes_are_located() {
        let text = "layout = \"table\"\n[columns]\nnmae = \"B\"\nname = \"C\"\n[year_blocks]\nfirst = \"K\"\nstride = 19\nyears = [2019]\n[year_blocks.fields]\n\"budget.amout\" = -1\n";
        let d = parse(Path::new("m.toml"), text, &Form::default_form()).unwrap_err();
        let all: Vec<_> = d
            .iter()
            .map(|d| (d.code, d.location.as_ref().map(|l| l.line)))
            .collect();
        assert!(all.contains(&("E155", Some(3))), "{all:?}");
        assert!(all.contains(&("E155", Some(10))), "{all:?}");
        let help = d
            .iter()
            .find(|d| d.location.as_ref().unwrap().line == 3)
            .unwrap()
            .help
            .clone()
            .unwrap();
        assert!(help.contains("`name`"), "{help}");
    }
}
