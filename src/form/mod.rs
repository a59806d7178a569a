//! The sheet form: what a city's evaluation sheets hold and in which order.
//! A city declares it in `content/form.toml` (the plan levels, the sections
//! of the 施策, 事務事業 and year sheets, each field's key, label, kind and
//! help); without that file the built-in default form (the seed city's
//! layout) is used. Content is read and checked against the form, and pages
//! and data files are laid out from it.
//!
//! The typed core (money by year, staff cost, indicators, evaluations, the
//! plan position) keeps its Rust types; the form only places and labels it.

pub mod decl;
pub mod field;
pub mod show;

use crate::diag::{suggest, Diagnostic, Diagnostics};
use crate::load::SourceFile;
use decl::{RawField, RawForm, RawSection};
use std::collections::BTreeSet;
use std::path::Path;
use toml::Spanned;

pub use field::FieldValue;

/// The file a city declares its form in, under content/.
pub const FORM_FILE: &str = "form.toml";
/// The file of the plan's nodes, under content/ (forms with levels).
pub const PLAN_FILE: &str = "plan.toml";

/// A form that ships with mieru: its name (for `mieru init --form`), what it
/// is, and its declaration.
pub struct Bundled {
    pub name: &'static str,
    pub about: &'static str,
    pub text: &'static str,
}

/// The bundled forms. `default` is the one used without a form.toml.
pub const BUNDLED: &[Bundled] = &[
    Bundled {
        name: "default",
        about: "施策と事務事業の評価シート（常総市の様式。form.toml なしで使われます） / the default form",
        text: include_str!("../../forms/default.toml"),
    },
    Bundled {
        name: "jimu-jigyo",
        about: "事務事業評価シート（4階層の計画、財源・人件費・指標・二段階の評価） / program evaluation sheet",
        text: include_str!("../../forms/jimu-jigyo.toml"),
    },
    Bundled {
        name: "shisaku",
        about: "施策評価シート（指標の7年の推移と見込、基本施策、主管課・関係課） / policy evaluation sheet",
        text: include_str!("../../forms/shisaku.toml"),
    },
];

/// A bundled form by name.
pub fn bundled(name: &str) -> Option<&'static Bundled> {
    BUNDLED.iter().find(|b| b.name == name)
}

/// Which sheet a key belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SheetKind {
    Policy,
    Program,
    Year,
}

impl SheetKind {
    pub fn label(self) -> &'static str {
        match self {
            SheetKind::Policy => "施策シート",
            SheetKind::Program => "事業のシート（program.toml）",
            SheetKind::Year => "年度のシート",
        }
    }
    pub fn table(self) -> &'static str {
        match self {
            SheetKind::Policy => "policy",
            SheetKind::Program => "program",
            SheetKind::Year => "year",
        }
    }
    /// The keys mieru reads with their own types on this sheet.
    pub fn core_keys(self) -> &'static [&'static str] {
        match self {
            SheetKind::Policy => POLICY_CORE,
            SheetKind::Program => PROGRAM_CORE,
            SheetKind::Year => YEAR_CORE,
        }
    }
}

/// The typed keys of a 施策 sheet (src/load/raw.rs `RawPolicy`).
pub const POLICY_CORE: &[&str] = &[
    "name",
    "outline",
    "objective",
    "code",
    "order",
    "directions",
    "indicators",
    "reviews",
];
/// The typed keys of program.toml (`RawProgram`).
pub const PROGRAM_CORE: &[&str] = &[
    "name",
    "department",
    "related_departments",
    "purpose",
    "policy",
    "direction",
    "place",
    "code",
    "start_year",
    "end_year",
    "budget_lines",
    "indicators",
];
/// The typed keys of a year file (`RawYear`).
pub const YEAR_CORE: &[&str] = &[
    "fiscal_year",
    "budget",
    "settlement",
    "forecast",
    "target",
    "result",
    "activities",
    "indicators",
    "staff",
    "check",
    "action",
    "evaluations",
    "criteria",
];

/// The typed keys a declared form may place as fields (the others are
/// shown by blocks: `budget` by the money block, `staff` by the staff block…).
pub const PLACEABLE_CORE: &[&str] = &[
    "name",
    "department",
    "related_departments",
    "purpose",
    "code",
    "start_year",
    "end_year",
    "fiscal_year",
    "activities",
    "target",
    "result",
    "outline",
    "objective",
    "check",
    "action",
];

/// A city's sheet form, checked.
#[derive(Debug, Clone)]
pub struct Form {
    pub name: String,
    pub name_en: Option<String>,
    /// 計画の体系, top first. Empty for the default form, whose plan is
    /// 施策の大綱 → 施策 → 施策の方向 as written in policies/.
    pub levels: Vec<Level>,
    pub policy: Sheet,
    pub program: Sheet,
    pub year: Sheet,
    /// True for the built-in default form (no content/form.toml).
    pub is_default: bool,
}

#[derive(Debug, Clone)]
pub struct Level {
    pub key: String,
    pub name: String,
    pub name_en: Option<String>,
    pub code_example: Option<String>,
    /// Its nodes are the 施策.
    pub policy: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone)]
pub struct Section {
    /// Anchor id on the page: [a-z0-9_-]+.
    pub key: String,
    pub heading: String,
    pub heading_en: Option<String>,
    pub content: SectionContent,
}

#[derive(Debug, Clone)]
pub enum SectionContent {
    Fields(Vec<Field>),
    Block(Block),
}

/// A field of a sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub key: String,
    pub label: String,
    pub label_en: Option<String>,
    pub kind: Kind,
    pub required: bool,
    pub help: Option<String>,
}

impl Field {
    /// A field whose key is one of mieru's typed keys: its value comes from
    /// the typed model, the form only places and labels it.
    pub fn is_core(&self) -> bool {
        matches!(self.kind, Kind::Core)
    }
}

/// The kind of a field's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Text,
    Multiline,
    List,
    Code,
    Date,
    Year {
        open_end: bool,
    },
    YearMonth {
        open_end: bool,
    },
    Number {
        unit: Option<String>,
        decimals: Option<u8>,
    },
    Money,
    Flag,
    Choice {
        options: Vec<String>,
        multiple: bool,
        other: Option<usize>,
    },
    Table {
        columns: Vec<Field>,
    },
    /// A typed key of the sheet (name, department…).
    Core,
}

/// The kinds a form may name, with what each is, for help texts.
pub const KINDS: &[(&str, &str)] = &[
    ("text", "1行の文字"),
    ("multiline", "複数行の文字（・や●の行は箇条書き）"),
    ("list", "文字のリスト"),
    ("code", "コード（先頭の0を残す文字）"),
    ("date", "日付"),
    ("year", "年（西暦または和暦。書いたとおりに表示）"),
    ("year_month", "年月（例：昭和45年4月）"),
    ("number", "数値（unit と decimals を指定できます）"),
    ("money", "金額（サイトの単位の整数）"),
    ("flag", "該当・非該当"),
    ("choice", "選択肢（options から選ぶ）"),
    ("table", "表（columns で列を指定）"),
];

impl Kind {
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Multiline => "multiline",
            Kind::List => "list",
            Kind::Code => "code",
            Kind::Date => "date",
            Kind::Year { .. } => "year",
            Kind::YearMonth { .. } => "year_month",
            Kind::Number { .. } => "number",
            Kind::Money => "money",
            Kind::Flag => "flag",
            Kind::Choice { .. } => "choice",
            Kind::Table { .. } => "table",
            Kind::Core => "core",
        }
    }
}

/// A typed block placed by the form.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Money by year: the columns and funding sources shown.
    Money {
        columns: Vec<MoneyColumn>,
        funding: Vec<FundingSource>,
        execution_rate: bool,
    },
    /// Staff and total cost by year.
    Staff { show: Vec<StaffPart> },
    /// The sheet's indicators with their series.
    Indicators,
    /// Staged evaluations and the criteria grid.
    Evaluation {
        stages: Vec<Stage>,
        criteria: Vec<Criterion>,
    },
    /// The plan position through every level.
    Place,
    /// 予算科目
    BudgetLines,
}

/// The block names a form may use, with what each is.
pub const BLOCKS: &[(&str, &str)] = &[
    ("money", "年度ごとの予算・決算・見込"),
    ("staff", "人件費とトータルコスト"),
    ("indicators", "指標と年度ごとの目標・実績"),
    ("evaluation", "段階ごとの評価と評価項目"),
    ("place", "計画の体系上の位置付け"),
    ("budget_lines", "予算科目"),
];

macro_rules! keyed_enum {
    ($(#[$m:meta])* $name:ident { $($var:ident = $key:literal, $label:literal;)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($var),* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),*];
            pub fn key(self) -> &'static str { match self { $($name::$var => $key),* } }
            pub fn label(self) -> &'static str { match self { $($name::$var => $label),* } }
            pub fn from_key(k: &str) -> Option<$name> { match k { $($key => Some($name::$var),)* _ => None } }
        }
    };
}

keyed_enum!(
    /// A column of the money table.
    MoneyColumn {
        Initial = "initial", "当初予算";
        Supplementary = "supplementary", "補正予算";
        CarriedOver = "carried_over", "繰越";
        Transfer = "transfer", "流用";
        Current = "current", "予算現額";
        Settlement = "settlement", "決算";
        Forecast = "forecast", "見込";
    }
);

keyed_enum!(
    /// A funding source of the breakdown.
    FundingSource {
        National = "national", "国庫支出金";
        Prefectural = "prefectural", "県支出金";
        NationalPrefectural = "national_prefectural", "国県支出金";
        Bonds = "bonds", "地方債";
        Other = "other", "その他特定財源";
        Beneficiary = "beneficiary", "受益者負担";
        General = "general", "一般財源";
    }
);

keyed_enum!(
    /// A part of the staff-cost block.
    StaffPart {
        Headcount = "headcount", "従事人数（人工）";
        Hours = "hours", "延べ業務時間";
        Rate = "rate", "時間単価";
        Cost = "cost", "人件費";
        TotalCost = "total_cost", "トータルコスト";
    }
);

#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    pub key: String,
    pub name: String,
    pub name_en: Option<String>,
    pub options: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    pub key: String,
    pub group: String,
    pub question: String,
    pub options: Vec<String>,
}

impl Form {
    /// The built-in default form.
    pub fn default_form() -> Form {
        static DEFAULT: std::sync::OnceLock<Form> = std::sync::OnceLock::new();
        DEFAULT.get_or_init(Form::read_default).clone()
    }

    fn read_default() -> Form {
        let file = SourceFile::new(
            Path::new("forms/default.toml").to_path_buf(),
            BUNDLED[0].text.to_string(),
        );
        let mut diags = Diagnostics::new();
        let mut form =
            read(std::sync::Arc::new(file), &mut diags).expect("the bundled default form is valid");
        form.is_default = true;
        form
    }

    pub fn sheet(&self, kind: SheetKind) -> &Sheet {
        match kind {
            SheetKind::Policy => &self.policy,
            SheetKind::Program => &self.program,
            SheetKind::Year => &self.year,
        }
    }

    /// The level whose nodes are the 施策, when the form has levels.
    pub fn policy_level(&self) -> Option<usize> {
        self.levels.iter().position(|l| l.policy)
    }

    /// The evaluation block of the year sheet, if the form has one.
    pub fn evaluation(&self) -> Option<(&[Stage], &[Criterion])> {
        self.year.blocks().find_map(|b| match b {
            Block::Evaluation { stages, criteria } => {
                Some((stages.as_slice(), criteria.as_slice()))
            }
            _ => None,
        })
    }
}

impl Default for Form {
    fn default() -> Form {
        Form::default_form()
    }
}

impl Sheet {
    /// Every field of the sheet, in form order.
    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.sections.iter().flat_map(|s| match &s.content {
            SectionContent::Fields(f) => f.as_slice(),
            SectionContent::Block(_) => &[],
        })
    }
    /// The fields that are not typed keys: the city's own.
    pub fn own_fields(&self) -> impl Iterator<Item = &Field> {
        self.fields().filter(|f| !f.is_core())
    }
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields().find(|f| f.key == key)
    }
    pub fn blocks(&self) -> impl Iterator<Item = &Block> {
        self.sections.iter().filter_map(|s| match &s.content {
            SectionContent::Block(b) => Some(b),
            SectionContent::Fields(_) => None,
        })
    }
}

/// Reads a city's own form (content/form.toml): [`read`], and its typed
/// keys must be ones a field can show.
pub fn read_declared(file: std::sync::Arc<SourceFile>, diags: &mut Diagnostics) -> Option<Form> {
    let form = read(file.clone(), diags)?;
    let before = diags.error_count();
    for kind in [SheetKind::Policy, SheetKind::Program, SheetKind::Year] {
        let sheet = match kind {
            SheetKind::Policy => &form.policy,
            SheetKind::Program => &form.program,
            SheetKind::Year => &form.year,
        };
        for (si, s) in sheet.sections.iter().enumerate() {
            let SectionContent::Fields(fields) = &s.content else {
                continue;
            };
            for (fi, f) in fields.iter().enumerate() {
                if f.is_core() && !PLACEABLE_CORE.contains(&f.key.as_str()) {
                    let (si, fi) = (si.to_string(), fi.to_string());
                    diags.push(
                        form_error(
                            format!("`{}` は欄としては置けません。決まった形の節（block）で示します", f.key),
                            format!("`{}` cannot be placed as a field; a block shows it", f.key),
                        )
                        .at(file.locate_key(&[kind.table(), "sections", &si, "fields", &fi, "key"]))
                        .help(format!(
                            "欄として置けるのは {} です。事業費は block = \"money\"、人件費は \"staff\"、指標は \"indicators\"、評価は \"evaluation\" の節で示します / use a block for it",
                            PLACEABLE_CORE.join(", ")
                        )),
                    );
                }
            }
        }
    }
    (diags.error_count() == before).then_some(form)
}

/// Reads and checks a form declaration. Every problem is reported.
pub fn read(file: std::sync::Arc<SourceFile>, diags: &mut Diagnostics) -> Option<Form> {
    let loaded = crate::load::parse::<RawForm>(file, diags)?;
    let before = diags.error_count();
    let form = resolve(&loaded.data, &loaded.file, diags);
    (diags.error_count() == before).then_some(form)
}

fn is_key(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn form_error(ja: impl Into<String>, en: impl Into<String>) -> Diagnostic {
    Diagnostic::error("E103", ja, en)
}

fn bad_key(file: &SourceFile, what: &str, key: &Spanned<String>) -> Option<Diagnostic> {
    (!is_key(key.get_ref())).then(|| {
        form_error(
            format!("{what} `{}` に使えない文字があります", key.get_ref()),
            format!("{what} `{}` must be lower-case letters, digits and _", key.get_ref()),
        )
        .at(file.locate(key.span()))
        .help("半角の小文字・数字・_ だけで書いてください（例：target_group） / use a-z, 0-9 and _ only (e.g. target_group)")
    })
}

fn resolve(raw: &RawForm, file: &SourceFile, diags: &mut Diagnostics) -> Form {
    let mut seen = BTreeSet::new();
    let mut levels = Vec::new();
    for l in &raw.levels {
        if let Some(d) = bad_key(file, "階層のキー", &l.key) {
            diags.push(d);
        }
        if !seen.insert(l.key.get_ref().clone()) {
            diags.push(
                form_error(
                    format!("階層のキー `{}` が2回あります", l.key.get_ref()),
                    format!("level key `{}` is declared twice", l.key.get_ref()),
                )
                .at(file.locate(l.key.span())),
            );
        }
        levels.push(Level {
            key: l.key.get_ref().clone(),
            name: l.name.clone(),
            name_en: l.name_en.clone(),
            code_example: l.code_example.clone(),
            policy: l.policy,
        });
    }
    let policy_levels = levels.iter().filter(|l| l.policy).count();
    if !levels.is_empty() && policy_levels != 1 {
        diags.push(
            form_error(
                format!("`policy = true` の階層は1つだけ必要です（いま {policy_levels} 個）"),
                format!("exactly one level needs `policy = true` (found {policy_levels})"),
            )
            .at(file.locate(0..0))
            .help("施策のページと合計を作る階層（例：施策）に `policy = true` を書いてください / mark the level whose nodes are the 施策 with `policy = true`"),
        );
    }
    if levels.len() > 6 {
        diags.push(
            form_error(
                "計画の体系は6階層までです",
                "the plan may have at most six levels",
            )
            .at(file.locate(0..0)),
        );
    }
    let mut sheet = |kind: SheetKind, raw_sheet: &decl::RawSheet| Sheet {
        sections: raw_sheet
            .sections
            .iter()
            .enumerate()
            .filter_map(|(i, s)| section(raw, file, kind, i, s, diags))
            .collect(),
    };
    let policy = sheet(SheetKind::Policy, &raw.policy);
    let program = sheet(SheetKind::Program, &raw.program);
    let year = sheet(SheetKind::Year, &raw.year);
    for (kind, s) in [
        (SheetKind::Policy, &policy),
        (SheetKind::Program, &program),
        (SheetKind::Year, &year),
    ] {
        let mut keys = BTreeSet::new();
        for (f, raw_f) in s.fields().zip(raw_fields(raw, kind)) {
            if !keys.insert(f.key.as_str()) {
                diags.push(
                    form_error(
                        format!("{}の項目 `{}` が2回あります", kind.label(), f.key),
                        format!(
                            "field `{}` is declared twice on the {} sheet",
                            f.key,
                            kind.table()
                        ),
                    )
                    .at(file.locate(raw_f.key.span())),
                );
            }
        }
    }
    Form {
        name: raw.name.clone(),
        name_en: raw.name_en.clone(),
        levels,
        policy,
        program,
        year,
        is_default: false,
    }
}

fn raw_fields(raw: &RawForm, kind: SheetKind) -> impl Iterator<Item = &RawField> {
    let sheet = match kind {
        SheetKind::Policy => &raw.policy,
        SheetKind::Program => &raw.program,
        SheetKind::Year => &raw.year,
    };
    sheet
        .sections
        .iter()
        .filter(|s| s.block.is_none())
        .flat_map(|s| s.fields.iter())
}

fn section(
    raw: &RawForm,
    file: &SourceFile,
    kind: SheetKind,
    index: usize,
    s: &RawSection,
    diags: &mut Diagnostics,
) -> Option<Section> {
    if let Some(k) = &s.key {
        if let Some(d) = bad_key(file, "節のキー", k) {
            diags.push(d);
        }
    }
    let key = s.key.as_ref().map_or_else(
        || format!("{}-{}", kind.table(), index + 1),
        |k| k.get_ref().clone(),
    );
    let content = match &s.block {
        None => SectionContent::Fields(
            s.fields
                .iter()
                .filter_map(|f| field(raw, file, kind, f, true, diags))
                .collect(),
        ),
        Some(b) => SectionContent::Block(block(raw, file, kind, b, s, diags)?),
    };
    Some(Section {
        key,
        heading: s.heading.clone(),
        heading_en: s.heading_en.clone(),
        content,
    })
}

fn keyed<T: Copy>(
    file: &SourceFile,
    what: &str,
    list: Option<&Vec<Spanned<String>>>,
    all: &[T],
    key: impl Fn(T) -> &'static str,
    diags: &mut Diagnostics,
) -> Vec<T> {
    let Some(list) = list else {
        return all.to_vec();
    };
    let mut out = Vec::new();
    for k in list {
        match all.iter().find(|t| key(**t) == k.get_ref()) {
            Some(t) => out.push(*t),
            None => {
                let names: Vec<&str> = all.iter().map(|t| key(*t)).collect();
                let mut d = form_error(
                    format!("{what} `{}` はありません", k.get_ref()),
                    format!("unknown {what} `{}`", k.get_ref()),
                )
                .at(file.locate(k.span()));
                d = match suggest(k.get_ref(), names.iter().copied()) {
                    Some(s) => d.help(format!(
                        "`{s}` の誤りではありませんか / did you mean `{s}`?"
                    )),
                    None => d.help(format!("書けるもの / allowed：{}", names.join(", "))),
                };
                diags.push(d);
            }
        }
    }
    out
}

fn block(
    raw: &RawForm,
    file: &SourceFile,
    kind: SheetKind,
    name: &Spanned<String>,
    s: &RawSection,
    diags: &mut Diagnostics,
) -> Option<Block> {
    let sheets: &[SheetKind] = match name.get_ref().as_str() {
        "money" | "staff" | "evaluation" => &[SheetKind::Year],
        "indicators" => &[SheetKind::Program, SheetKind::Policy],
        "place" | "budget_lines" => &[SheetKind::Program],
        other => {
            let names: Vec<&str> = BLOCKS.iter().map(|(n, _)| *n).collect();
            let mut d = form_error(
                format!("ブロック `{other}` はありません"),
                format!("unknown block `{other}`"),
            )
            .at(file.locate(name.span()));
            d = match suggest(other, names.iter().copied()) {
                Some(s) => d.help(format!(
                    "`{s}` の誤りではありませんか / did you mean `{s}`?"
                )),
                None => d.help(format!(
                    "書けるブロック / blocks：{}",
                    BLOCKS
                        .iter()
                        .map(|(n, a)| format!("{n}（{a}）"))
                        .collect::<Vec<_>>()
                        .join("、")
                )),
            };
            diags.push(d);
            return None;
        }
    };
    if !sheets.contains(&kind) {
        diags.push(
            form_error(
                format!(
                    "ブロック `{}` は{}には置けません",
                    name.get_ref(),
                    kind.label()
                ),
                format!(
                    "block `{}` cannot be placed on the {} sheet",
                    name.get_ref(),
                    kind.table()
                ),
            )
            .at(file.locate(name.span()))
            .help(format!(
                "置けるシート / sheets：{}",
                sheets
                    .iter()
                    .map(|k| k.table())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        );
        return None;
    }
    if !s.fields.is_empty() {
        diags.push(
            form_error(
                "ブロックの節には fields を書けません",
                "a block section has no fields",
            )
            .at(file.locate(name.span()))
            .help("項目は別の節に書いてください / put the fields in a section of their own"),
        );
    }
    Some(match name.get_ref().as_str() {
        "money" => Block::Money {
            columns: keyed(
                file,
                "列",
                s.columns.as_ref(),
                MoneyColumn::ALL,
                MoneyColumn::key,
                diags,
            ),
            funding: match &s.funding {
                None => Vec::new(),
                list => keyed(
                    file,
                    "財源",
                    list.as_ref(),
                    FundingSource::ALL,
                    FundingSource::key,
                    diags,
                ),
            },
            execution_rate: s.execution_rate,
        },
        "staff" => Block::Staff {
            show: keyed(
                file,
                "人件費の項目",
                s.show.as_ref(),
                StaffPart::ALL,
                StaffPart::key,
                diags,
            ),
        },
        "evaluation" => Block::Evaluation {
            stages: s
                .stages
                .iter()
                .map(|st| Stage {
                    key: st.key.get_ref().clone(),
                    name: st.name.clone(),
                    name_en: st.name_en.clone(),
                    options: options(raw, file, &st.options, diags),
                })
                .collect(),
            criteria: s
                .criteria
                .iter()
                .map(|c| Criterion {
                    key: c.key.get_ref().clone(),
                    group: c.group.clone(),
                    question: c.question.clone(),
                    options: options(raw, file, &c.options, diags),
                })
                .collect(),
        },
        "indicators" => Block::Indicators,
        "place" => Block::Place,
        _ => Block::BudgetLines,
    })
}

/// An option list: a name in `[options]` or a list written in place.
fn options(
    raw: &RawForm,
    file: &SourceFile,
    v: &Spanned<toml::Value>,
    diags: &mut Diagnostics,
) -> Vec<String> {
    match v.get_ref() {
        toml::Value::String(name) => match raw.options.get(name) {
            Some(list) => list.clone(),
            None => {
                let names: Vec<&str> = raw.options.keys().map(String::as_str).collect();
                let mut d = form_error(
                    format!("選択肢のリスト `{name}` が [options] にありません"),
                    format!("no option list `{name}` in [options]"),
                )
                .at(file.locate(v.span()));
                d = match suggest(name, names.iter().copied()) {
                    Some(s) => d.help(format!("`{s}` の誤りではありませんか / did you mean `{s}`?")),
                    None => d.help(format!(
                        "[options] に `{name} = [\"…\", \"…\"]` を書くか、ここに選択肢を [\"…\", \"…\"] で書いてください / add the list to [options] or write it here"
                    )),
                };
                diags.push(d);
                Vec::new()
            }
        },
        toml::Value::Array(items) => {
            let list: Vec<String> = items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect();
            if list.len() != items.len() {
                diags.push(
                    form_error("選択肢は文字で書いてください", "options must be text")
                        .at(file.locate(v.span())),
                );
            }
            list
        }
        _ => {
            diags.push(
                form_error(
                    "options には [options] の名前か、選択肢のリストを書いてください",
                    "options must name a list in [options] or be a list",
                )
                .at(file.locate(v.span())),
            );
            Vec::new()
        }
    }
}

fn field(
    raw: &RawForm,
    file: &SourceFile,
    sheet: SheetKind,
    f: &RawField,
    top: bool,
    diags: &mut Diagnostics,
) -> Option<Field> {
    if let Some(d) = bad_key(file, "項目のキー", &f.key) {
        diags.push(d);
        return None;
    }
    let key = f.key.get_ref().clone();
    let core = top && sheet.core_keys().contains(&key.as_str());
    let kind = match (&f.kind, core) {
        (None, true) => Kind::Core,
        (Some(k), true) => {
            diags.push(
                form_error(
                    format!("`{key}` は mieru が決まった形で読むキーなので、kind は書けません"),
                    format!("`{key}` is one of mieru's own keys; its kind cannot be set"),
                )
                .at(file.locate(k.span()))
                .help("kind の行を消してください。ラベルと順番だけがこの様式のものになります / remove `kind`: the form gives its label and place only"),
            );
            Kind::Core
        }
        (None, false) => {
            diags.push(
                form_error(
                    format!("項目 `{key}` に kind がありません"),
                    format!("field `{key}` has no kind"),
                )
                .at(file.locate(f.key.span()))
                .help(kind_help()),
            );
            return None;
        }
        (Some(k), false) => {
            let decimals = f.decimals.as_ref().and_then(|d| {
                let v = *d.get_ref();
                if (0..=6).contains(&v) {
                    Some(v as u8)
                } else {
                    diags.push(
                        form_error(
                            "decimals は 0〜6 で書いてください",
                            "decimals must be 0 to 6",
                        )
                        .at(file.locate(d.span())),
                    );
                    None
                }
            });
            match k.get_ref().as_str() {
                "text" => Kind::Text,
                "multiline" => Kind::Multiline,
                "list" => Kind::List,
                "code" => Kind::Code,
                "date" => Kind::Date,
                "year" => Kind::Year {
                    open_end: f.open_end,
                },
                "year_month" => Kind::YearMonth {
                    open_end: f.open_end,
                },
                "number" => Kind::Number {
                    unit: f.unit.clone(),
                    decimals,
                },
                "money" => Kind::Money,
                "flag" => Kind::Flag,
                "choice" => {
                    let Some(o) = &f.options else {
                        diags.push(
                            form_error(
                                format!("選択肢の項目 `{key}` に options がありません"),
                                format!("choice field `{key}` has no options"),
                            )
                            .at(file.locate(k.span()))
                            .help("options = \"[options] の名前\" か options = [\"…\", \"…\"] を書いてください / add options"),
                        );
                        return None;
                    };
                    let options = options(raw, file, o, diags);
                    let other = f.other.as_ref().and_then(|o| {
                        let i = options.iter().position(|x| x == o.get_ref());
                        if i.is_none() {
                            diags.push(
                                form_error(
                                    format!("other の `{}` が選択肢にありません", o.get_ref()),
                                    format!(
                                        "`other` names `{}`, which is not an option",
                                        o.get_ref()
                                    ),
                                )
                                .at(file.locate(o.span()))
                                .help(format!("選択肢 / options：{}", options.join("、"))),
                            );
                        }
                        i
                    });
                    Kind::Choice {
                        options,
                        multiple: f.multiple,
                        other,
                    }
                }
                "table" => {
                    if f.columns.is_empty() {
                        diags.push(
                            form_error(
                                format!("表の項目 `{key}` に columns がありません"),
                                format!("table field `{key}` has no columns"),
                            )
                            .at(file.locate(k.span())),
                        );
                    }
                    let columns: Vec<Field> = f
                        .columns
                        .iter()
                        .filter_map(|c| field(raw, file, sheet, c, false, diags))
                        .collect();
                    if let Some(c) = columns
                        .iter()
                        .find(|c| matches!(c.kind, Kind::Table { .. }))
                    {
                        diags.push(
                            form_error(
                                format!("表の列 `{}` を表にはできません", c.key),
                                format!("column `{}` of a table cannot be a table", c.key),
                            )
                            .at(file.locate(k.span())),
                        );
                    }
                    Kind::Table { columns }
                }
                other => {
                    let names: Vec<&str> = KINDS.iter().map(|(n, _)| *n).collect();
                    let mut d = form_error(
                        format!("項目の種類 `{other}` はありません"),
                        format!("unknown field kind `{other}`"),
                    )
                    .at(file.locate(k.span()));
                    d = match suggest(other, names.iter().copied()) {
                        Some(s) => d.help(format!(
                            "`{s}` の誤りではありませんか / did you mean `{s}`?"
                        )),
                        None => d.help(kind_help()),
                    };
                    diags.push(d);
                    return None;
                }
            }
        }
    };
    Some(Field {
        key,
        label: f.label.clone(),
        label_en: f.label_en.clone(),
        kind,
        required: f.required,
        help: f.help.clone(),
    })
}

fn kind_help() -> String {
    format!(
        "kind に書けるもの / kinds：{}",
        KINDS
            .iter()
            .map(|(n, a)| format!("{n}（{a}）"))
            .collect::<Vec<_>>()
            .join("、")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_form_reads_without_a_problem() {
        for b in BUNDLED {
            let file = SourceFile::new(Path::new(b.name).to_path_buf(), b.text.to_string());
            let mut diags = Diagnostics::new();
            let form = read(std::sync::Arc::new(file), &mut diags);
            assert!(form.is_some() && diags.is_empty(), "{}: {diags:?}", b.name);
        }
    }

    #[test]
    fn the_default_form_places_every_typed_key_of_its_sheets() {
        let f = Form::default_form();
        assert!(f.levels.is_empty());
        for kind in [SheetKind::Policy, SheetKind::Program, SheetKind::Year] {
            let sheet = f.sheet(kind);
            assert!(sheet.own_fields().next().is_none(), "{kind:?}");
            for key in sheet.fields().map(|f| f.key.as_str()) {
                assert!(kind.core_keys().contains(&key), "{key}");
            }
        }
    }
}
