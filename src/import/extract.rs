//! From cells to programs: walks the rows (table) or sheets (form) the
//! mapping names, reads each mapped cell with `normalise`, and keeps for
//! every value the cell it came from. Unreadable cells become located
//! diagnostics; the rows of one program are merged (`settle`).

use super::cells::{address, Book, Sheet};
use super::mapping::{FieldMap, Kind, Layout, Mapping, Source};
use super::normalise::{self as n, Norm};
use super::report;
use crate::diag::{Diagnostic, Diagnostics, Location};
use std::collections::BTreeMap;

/// A value read from a cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Got {
    Blank,
    NotApplicable,
    Text(String),
    Lines(Vec<String>),
    Money(i64),
    Number(n::Number),
    Year(n::Year),
    Budget(Vec<BudgetLine>),
    /// A flag of the site's form: 該当 (true) or 非該当 (false).
    Flag(bool),
    /// A date, `YYYY-MM-DD`.
    Date(String),
    /// Options of a choice of the site's form, with the text of その他.
    Choice {
        selected: Vec<String>,
        other: Option<String>,
        multiple: bool,
    },
    /// Unreadable (reported); written blank with --allow-errors.
    Problem(String),
}

/// One 予算科目 line read from text such as "一般会計 2-1-6-4".
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetLine {
    pub account: String,
    pub numbers: Vec<String>,
    pub name: Option<String>,
}

/// A value and the cell it came from (`FILE!SHEET!B12`).
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub got: Got,
    pub cell: String,
}

/// One program as read.
#[derive(Debug, Clone, Default)]
pub struct Program {
    pub slug: String,
    /// Where the program is: `FILE!SHEET!row 5` or `FILE!SHEET`.
    pub place: String,
    pub fields: BTreeMap<String, Placed>,
    pub years: BTreeMap<i32, BTreeMap<String, Placed>>,
}

impl Program {
    pub fn text(&self, key: &str) -> Option<&str> {
        match self.fields.get(key).map(|p| &p.got) {
            Some(Got::Text(s)) => Some(s),
            _ => None,
        }
    }
}

/// Reads every program of `book` as `mapping` says.
pub fn extract(mapping: &Mapping, book: &Book, diags: &mut Diagnostics) -> Vec<Program> {
    match &mapping.layout {
        Layout::Table {
            sheet,
            header_rows,
            first_row,
            skip,
            fields,
            years,
            year_rows,
        } => {
            let Some(s) = book.sheet(sheet.as_deref()) else {
                diags.push(no_sheet(book, sheet.as_deref().unwrap_or("")));
                return Vec::new();
            };
            let resolved = resolve_headers(book, s, *header_rows, fields, diags);
            let rows = year_rows.as_ref().map(|y| {
                let year =
                    resolve_headers(book, s, *header_rows, std::slice::from_ref(&y.year), diags);
                (
                    year,
                    resolve_headers(book, s, *header_rows, &y.fields, diags),
                )
            });
            let mut out = Vec::new();
            for r in *first_row..s.rows.len() {
                let row = &s.rows[r];
                if row.iter().all(|c| c.trim().is_empty()) || skipped(row, skip) {
                    continue;
                }
                let mut p = Program {
                    place: format!("{}!{}!{}行", book.file, s.name, r + 1),
                    ..Program::default()
                };
                for f in &resolved {
                    let v = read_field(mapping, book, s, r, 0, f, diags);
                    p.fields.insert(f.key.clone(), v);
                }
                if let Some((year, fields)) = &rows {
                    if let Some(y) = year.first() {
                        match read_field(mapping, book, s, r, 0, y, diags).got {
                            Got::Year(y) => {
                                let yf = fields
                                    .iter()
                                    .map(|f| {
                                        (
                                            f.key.clone(),
                                            read_field(mapping, book, s, r, 0, f, diags),
                                        )
                                    })
                                    .collect();
                                p.years.insert(y.year, yf);
                            }
                            Got::Problem(_) => {}
                            _ => {
                                let c = match y.source {
                                    Source::Column(c) => c,
                                    _ => 0,
                                };
                                let text = n::clean(s.get(r, c));
                                let text = if text.is_empty() {
                                    "（空欄）".to_string()
                                } else {
                                    text
                                };
                                diags.push(problem(book, s, r, c, "年度", &text));
                            }
                        }
                    }
                }
                if let Some(b) = years {
                    for (i, y) in b.years.iter().enumerate() {
                        let base = b.first + i * b.stride;
                        let mut yf = BTreeMap::new();
                        for f in &b.fields {
                            let v = read_field(mapping, book, s, r, base, f, diags);
                            yf.insert(f.key.clone(), v);
                        }
                        if yf.values().any(|v| v.got != Got::Blank) {
                            p.years.insert(*y, yf);
                        }
                    }
                }
                out.push(p);
            }
            out
        }
        Layout::Form {
            sheets,
            exclude,
            fields,
            year_table,
        } => {
            let mut out = Vec::new();
            for name in sheets {
                if book.sheet(Some(name)).is_none() {
                    diags.push(no_sheet(book, name));
                }
            }
            for s in &book.sheets {
                let wanted = if sheets.is_empty() {
                    !exclude.contains(&s.name)
                } else {
                    sheets.contains(&s.name)
                };
                if !wanted {
                    continue;
                }
                let mut p = Program {
                    place: format!("{}!{}", book.file, s.name),
                    ..Program::default()
                };
                for f in fields {
                    let Some((r, c)) = locate(book, s, &f.source, diags) else {
                        continue;
                    };
                    let mut g = f.clone();
                    g.source = Source::Column(c);
                    p.fields
                        .insert(f.key.clone(), read_field(mapping, book, s, r, 0, &g, diags));
                }
                if let Some(t) = year_table {
                    for r in t.top.0..=t.bottom.0 {
                        let ycell = s.get(r, t.top.1);
                        let y = match n::year(ycell) {
                            Ok(Norm::Value(y)) => y.year,
                            Ok(_) => continue,
                            Err(text) => {
                                diags.push(problem(book, s, r, t.top.1, "年度", &text));
                                continue;
                            }
                        };
                        let mut yf = BTreeMap::new();
                        for (f, off) in &t.fields {
                            let mut g = f.clone();
                            g.source = Source::Column(*off);
                            yf.insert(
                                f.key.clone(),
                                read_field(mapping, book, s, r, t.top.1, &g, diags),
                            );
                        }
                        p.years.insert(y, yf);
                    }
                }
                out.push(p);
            }
            out
        }
    }
}

fn no_sheet(book: &Book, name: &str) -> Diagnostic {
    let names: Vec<&str> = book.sheets.iter().map(|s| s.name.as_str()).collect();
    Diagnostic::error(
        "E160",
        format!("シート「{name}」がありません"),
        format!("the workbook has no sheet named {name}"),
    )
    .at(Location::file(std::path::Path::new(&book.file)))
    .help(format!("あるシート / sheets: {}", names.join("、")))
}

/// Whether a row is a filler or total row: a cell that is the word alone
/// (spaces and surrounding brackets aside: 「合　計」, 「（調整用）」), or
/// matches a `*` pattern. A program named 合計特殊出生率向上事業 is kept.
fn skipped(row: &[String], skip: &[String]) -> bool {
    let bare = |s: &str| -> String {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let open = ['（', '(', '【', '［', '[', '〔'];
        let close = ['）', ')', '】', '］', ']', '〕'];
        match s.strip_prefix(open).and_then(|r| r.strip_suffix(close)) {
            Some(inner) => inner.to_string(),
            None => s,
        }
    };
    row.iter().any(|c| {
        let c = bare(c);
        skip.iter().any(|pat| {
            let pat = bare(pat);
            match (pat.strip_prefix('*'), pat.strip_suffix('*')) {
                (Some(rest), _) if rest.ends_with('*') => c.contains(rest.trim_end_matches('*')),
                (Some(rest), _) => c.ends_with(rest),
                (None, Some(head)) => c.starts_with(head),
                (None, None) => c == pat,
            }
        })
    })
}

/// Header-text columns resolved against the header rows.
fn resolve_headers(
    book: &Book,
    s: &Sheet,
    header_rows: usize,
    fields: &[FieldMap],
    diags: &mut Diagnostics,
) -> Vec<FieldMap> {
    let mut out = Vec::new();
    'fields: for f in fields {
        let mut f = f.clone();
        let key = f.key.clone();
        let places = [Some(&mut f.source), f.state.as_mut()];
        for place in places.into_iter().flatten() {
            let Source::Header(h) = &*place else {
                continue;
            };
            let want: String = h.chars().filter(|c| !c.is_whitespace()).collect();
            let found = (0..header_rows.max(1)).rev().find_map(|r| {
                s.rows.get(r)?.iter().position(|c| {
                    let c: String = c.chars().filter(|c| !c.is_whitespace()).collect();
                    c == want || without_unit(&c) == want
                })
            });
            match found {
                Some(c) => *place = Source::Column(c),
                None => {
                    let headers: Vec<&str> = s
                        .rows
                        .iter()
                        .take(header_rows.max(1))
                        .flatten()
                        .map(|c| c.trim())
                        .filter(|c| !c.is_empty())
                        .collect();
                    let near = crate::diag::suggest(h, headers.iter().copied())
                        .map(|n| format!("「{n}」のことですか。/ did you mean {n}? "))
                        .unwrap_or_default();
                    diags.push(
                        Diagnostic::error(
                            "E161",
                            format!("見出し「{h}」の列が見つかりません（{key}）"),
                            format!("no column headed {h} for {key}"),
                        )
                        .at(Location::cell(&book.file, &s.name, "1"))
                        .help(format!("{near}見出しは 1〜{header_rows} 行目から探します。対応表の見出しの文字をシートと同じにするか、列の文字（例 \"C\"）で指定してください / headers are looked for in rows 1–{header_rows}; a column letter works too")),
                    );
                    continue 'fields;
                }
            }
        }
        out.push(f);
    }
    out
}

/// A header without its unit: "予算額（千円）" → "予算額".
fn without_unit(header: &str) -> &str {
    match header
        .strip_suffix('）')
        .and_then(|h| h.rfind('（').map(|i| &h[..i]))
    {
        Some(h) if !h.is_empty() => h,
        _ => header,
    }
}

fn locate(book: &Book, s: &Sheet, src: &Source, diags: &mut Diagnostics) -> Option<(usize, usize)> {
    match src {
        Source::Cell(r, c) => Some((*r, *c)),
        Source::RightOf(l) | Source::Below(l) => match s.find(l) {
            Some((r, c)) => {
                // A merged label covers several cells: step past them.
                if matches!(src, Source::RightOf(_)) {
                    let mut c2 = c + 1;
                    while s.get(r, c2).trim() == l.trim() {
                        c2 += 1;
                    }
                    Some((r, c2))
                } else {
                    let mut r2 = r + 1;
                    while s.get(r2, c).trim() == l.trim() {
                        r2 += 1;
                    }
                    Some((r2, c))
                }
            }
            None => {
                diags.push(
                    Diagnostic::error(
                        "E162",
                        format!("ラベル「{l}」がシートにありません"),
                        format!("the label {l} is not on the sheet"),
                    )
                    .at(Location::file(std::path::Path::new(&format!(
                        "{}!{}",
                        book.file, s.name
                    )))),
                );
                None
            }
        },
        _ => None,
    }
}

fn problem(book: &Book, s: &Sheet, r: usize, c: usize, what: &str, text: &str) -> Diagnostic {
    Diagnostic::error(
        "E163",
        format!("{what}として読めない値です：「{text}」"),
        format!("cannot read this as {}: {text}", english(what)),
    )
    .at(Location::cell(&book.file, &s.name, &address(r, c)))
    .help(match what {
        "年度" => "西暦（2024）か和暦（令和6年度、H26、平成22年(2010)）で書いてください。該当なしは「—」、未記入は空欄です / write a year such as 2024 or 令和6年度; a dash for not applicable, empty for blank",
        "日付" => "2024-06-28、2024/6/28、令和6年6月28日 のように書いてください。該当なしは「—」、未記入は空欄です / write a date such as 2024-06-28",
        "該当・非該当" => "該当は ○・●・あり・はい・true、非該当は ×・なし・いいえ・false と書いてください / write ○ (yes) or × (no)",
        "決算見込" => "「決算」（確定）か「決算見込」と書いてください / write 決算 (final) or 決算見込 (estimate)",
        "0 以上の金額" => "この欄の金額に減額（△・▲・−）は書けません。減額は補正予算（budget.supplementary）や流用の欄に書きます。該当なしは「—」です / this amount cannot be negative; a reduction goes in the supplementary or transfer column",
        "状態" => "value・not_applicable・blank（記入済・該当なし・未記入）のどれかです / one of value, not_applicable, blank",
        "選択肢" => "選択肢の言葉か番号（2、②、「2 改革改善」）で書いてください。該当なしは「—」、未記入は空欄です / write an option's text or number",
        _ => "数字は 1,234 や △100、該当なしは「—」、未記入は空欄にしてください / write numbers like 1,234 or △100, a dash for not applicable, or leave the cell empty",
    })
}

/// [`problem`] of a field: a choice lists its options.
fn field_problem(
    book: &Book,
    s: &Sheet,
    (r, c): (usize, usize),
    f: &FieldMap,
    what: &str,
    text: &str,
) -> Diagnostic {
    let d = problem(book, s, r, c, what, text);
    let options: &[String] = match f.declared.as_ref().map(|d| &d.kind) {
        Some(crate::form::Kind::Choice { options, .. }) => options,
        _ => &f.options,
    };
    if what == "選択肢" && !options.is_empty() {
        let near = crate::diag::suggest(text, options.iter().map(String::as_str));
        let list = options.join("、");
        let help = match near {
            Some(n) => format!("「{n}」のことですか。選択肢：{list} / did you mean {n}?"),
            None => format!("選択肢 / options：{list}"),
        };
        return d.help(help);
    }
    d
}

fn english(what: &str) -> &'static str {
    match what {
        "金額" => "an amount of money (an integer)",
        "数値" => "a number",
        "年度" => "a year",
        "選択肢" => "one of the options",
        "日付" => "a date",
        "該当・非該当" => "yes or no",
        "状態" => "a state",
        "決算見込" => "決算 or 決算見込",
        "0 以上の金額" => "an amount of 0 or more",
        _ => "a value",
    }
}

/// Reads one field of row `r`; `base` is added to a column offset.
fn read_field(
    mapping: &Mapping,
    book: &Book,
    s: &Sheet,
    r: usize,
    base: usize,
    f: &FieldMap,
    diags: &mut Diagnostics,
) -> Placed {
    let cell = |c: usize| format!("{}!{}!{}", book.file, s.name, address(r, c));
    match &f.source {
        Source::Digits(cols) => {
            let mut code = String::new();
            for c in cols {
                code.push_str(&n::clean(s.get(r, base + c)));
            }
            let first = cols.first().copied().unwrap_or(0) + base;
            let last = cols.last().copied().unwrap_or(0) + base;
            let place = format!("{}:{}", cell(first), address(r, last));
            let got = match n::code(&code) {
                Norm::Value(v) => Got::Text(v),
                Norm::Blank => Got::Blank,
                Norm::NotApplicable => Got::NotApplicable,
            };
            Placed { got, cell: place }
        }
        Source::Marks(marks) => {
            let selected: Vec<&str> = marks
                .iter()
                .filter(|(_, c)| n::is_mark(s.get(r, base + c)))
                .map(|(o, _)| o.as_str())
                .collect();
            let first = marks.iter().map(|(_, c)| *c).min().unwrap_or(0) + base;
            let lastc = marks.iter().map(|(_, c)| *c).max().unwrap_or(0) + base;
            let place = format!("{}:{}", cell(first), address(r, lastc));
            let declared = f.declared.as_ref().filter(|_| f.kind == Kind::Declared);
            let got = match (selected.as_slice(), declared) {
                ([], _) => Got::Blank,
                (_, Some(d)) if selected.len() == 1 || super::declared::multiple(d) => {
                    super::declared::convert(d, &selected.join("\n")).unwrap_or_else(
                        |(what, text)| {
                            diags.push(field_problem(book, s, (r, first), f, what, &text));
                            Got::Problem(text)
                        },
                    )
                }
                ([one], _) => Got::Text(one.to_string()),
                (many, _) => {
                    diags.push(
                        Diagnostic::error(
                            "E164",
                            format!("選択肢に印が複数あります：{}", many.join("、")),
                            format!("several options are marked: {}", many.join(", ")),
                        )
                        .at(Location::file(std::path::Path::new(&place)))
                        .help("● か ○ をひとつだけ付けてください / mark one option only"),
                    );
                    Got::Problem(many.join("、"))
                }
            };
            Placed { got, cell: place }
        }
        Source::Column(c) => {
            let c = base + c;
            let mut raw = s.get(r, c);
            if mapping.strip_apostrophe {
                if let Some(rest) = raw.strip_prefix('\'') {
                    if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                        raw = rest;
                    }
                }
            }
            let stated = match &f.state {
                Some(Source::Column(sc)) => match n::state_word(s.get(r, base + sc)) {
                    Some(st) => Some(st),
                    None => {
                        let text = n::clean(s.get(r, base + sc));
                        diags.push(problem(book, s, r, base + sc, "状態", &text));
                        return Placed {
                            got: Got::Problem(text),
                            cell: cell(c),
                        };
                    }
                },
                _ => None,
            };
            let got = match stated {
                Some(Norm::Blank) => Ok(Got::Blank),
                Some(Norm::NotApplicable) => Ok(Got::NotApplicable),
                Some(Norm::Value(())) => convert_value(mapping, f, raw),
                None => convert(mapping, f, raw),
            };
            let got = got.and_then(|g| match g {
                Got::Money(v) if v < 0 && !super::mapping::may_be_negative(&f.key) => {
                    Err(("0 以上の金額", n::clean(raw)))
                }
                g => Ok(g),
            });
            let got = got.unwrap_or_else(|(what, text)| {
                diags.push(field_problem(book, s, (r, c), f, what, &text));
                Got::Problem(text)
            });
            Placed { got, cell: cell(c) }
        }
        _ => Placed {
            got: Got::Blank,
            cell: cell(base),
        },
    }
}

fn from_norm<T>(v: Norm<T>, f: impl FnOnce(T) -> Got) -> Got {
    match v {
        Norm::Blank => Got::Blank,
        Norm::NotApplicable => Got::NotApplicable,
        Norm::Value(x) => f(x),
    }
}

/// One cell's text as the field's kind.
pub fn convert(mapping: &Mapping, f: &FieldMap, raw: &str) -> Result<Got, (&'static str, String)> {
    if !f.options.is_empty() {
        return match n::state(raw) {
            Some(s) => Ok(from_norm(s, |_| Got::Blank)),
            None => n::option_index(raw, &f.options)
                .map(|i| Got::Text(f.options[i].clone()))
                .ok_or(("選択肢", n::clean(raw))),
        };
    }
    Ok(match f.kind {
        Kind::Declared => match &f.declared {
            Some(d) => return super::declared::convert(d, raw),
            None => from_norm(n::text(raw), Got::Text),
        },
        Kind::Text if f.lines => Got::Lines(n::lines(raw)),
        Kind::Text => from_norm(n::text(raw), Got::Text),
        Kind::Code => from_norm(n::code(raw), Got::Text),
        Kind::Lines => match n::state(raw) {
            Some(s) => from_norm(s, |_| Got::Blank),
            None => Got::Lines(
                n::lines(raw)
                    .into_iter()
                    .flat_map(|l| l.split(['、', ',']).map(n::clean).collect::<Vec<_>>())
                    .filter(|s| !s.is_empty())
                    .collect(),
            ),
        },
        Kind::Year => from_norm(n::year(raw).map_err(|t| ("年度", t))?, Got::Year),
        Kind::Estimate => match n::state(raw) {
            Some(s) => from_norm(s, |_| Got::Blank),
            None => match n::clean(raw).as_str() {
                "決算見込" | "見込" | "true" | "○" | "●" => Got::Flag(true),
                "決算" | "確定" | "false" => Got::Flag(false),
                other => return Err(("決算見込", other.to_string())),
            },
        },
        Kind::Money => from_norm(n::money(raw).map_err(|t| ("金額", t))?, Got::Money),
        Kind::Number => from_norm(n::number(raw).map_err(|t| ("数値", t))?, Got::Number),
        Kind::Measure => match n::number(raw) {
            Ok(v) => from_norm(v, Got::Number),
            Err(t) => Got::Text(t),
        },
        Kind::BudgetLines => match n::state(raw) {
            Some(s) => from_norm(s, |_| Got::Blank),
            None => Got::Budget(
                n::lines(raw)
                    .iter()
                    .map(|l| budget_line(l, &mapping.account))
                    .collect(),
            ),
        },
    })
}

/// A cell whose state column says `value`: read as written, a dash or an
/// empty text included (mieru's CSV writes a unit "-" as a value).
fn convert_value(
    mapping: &Mapping,
    f: &FieldMap,
    raw: &str,
) -> Result<Got, (&'static str, String)> {
    let value = |norm: Norm<Got>, what: &'static str| match norm {
        Norm::Value(g) => Ok(g),
        _ => Err((what, n::clean(raw))),
    };
    match f.kind {
        // Text exactly as written (a trailing line break included); only
        // Windows line ends become \n.
        Kind::Text | Kind::Code if f.options.is_empty() && !f.lines => {
            Ok(Got::Text(raw.replace("\r\n", "\n")))
        }
        Kind::Declared
            if f.declared.as_ref().is_some_and(|d| {
                matches!(
                    d.kind,
                    crate::form::Kind::Text | crate::form::Kind::Multiline
                )
            }) =>
        {
            Ok(Got::Text(raw.replace("\r\n", "\n")))
        }
        Kind::Measure => match n::number(raw) {
            Ok(Norm::Value(v)) => Ok(Got::Number(v)),
            _ => Ok(Got::Text(n::clean(raw))),
        },
        Kind::Money => value(
            n::money(raw).map_err(|t| ("金額", t))?.map(Got::Money),
            "金額",
        ),
        Kind::Number => value(
            n::number(raw).map_err(|t| ("数値", t))?.map(Got::Number),
            "数値",
        ),
        Kind::Year => value(
            n::year(raw).map_err(|t| ("年度", t))?.map(Got::Year),
            "年度",
        ),
        _ => convert(mapping, f, raw),
    }
}

/// "一般会計 2-1-6-4 定住促進" → account, numbers, name.
pub fn budget_line(line: &str, default_account: &str) -> BudgetLine {
    let line = n::clean(line);
    let half: String = line
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '－' | '‐' | '―' | '—' | '・' => '-',
            '\u{3000}' => ' ',
            c => c,
        })
        .collect();
    let start = half
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(half.len());
    let account = half[..start].trim();
    let rest = &half[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '-' || c == ' ' || c == '.'))
        .unwrap_or(rest.len());
    let numbers: Vec<String> = rest[..end]
        .split(['-', ' ', '.'])
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let name = rest[end..].trim();
    BudgetLine {
        account: if account.is_empty() {
            default_account.to_string()
        } else {
            account.to_string()
        },
        numbers,
        name: (!name.is_empty()).then(|| name.to_string()),
    }
}

/// Gives each program its slug and merges rows of the same program (same
/// slug, code or name). A value only a later row has fills the blank of the
/// first. A program field written differently on a later row (a name
/// spelled otherwise, another department) keeps the first row's value and is
/// reported with the others (W150); a year's value written differently on
/// two rows would be lost, so it is an error at the later cell (E158).
pub fn settle(mapping: &Mapping, programs: Vec<Program>, diags: &mut Diagnostics) -> Vec<Program> {
    let mut out: Vec<Program> = Vec::new();
    let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
    // (program, field) → the other values with their cells, in row order.
    let mut others: BTreeMap<(usize, String), Vec<(String, String)>> = BTreeMap::new();
    for mut p in programs {
        let code = p.text("code").map(str::to_string);
        let name = p.text("name").map(str::to_string);
        let slug = p.text("slug").map(|s| format!("slug:{s}"));
        let Some(key) = slug.or(code).or(name) else {
            diags.push(
                Diagnostic::warning(
                    "W151",
                    "事業名もコードもない行を飛ばしました",
                    "a row with neither a program name nor a code was skipped",
                )
                .at(Location::file(std::path::Path::new(&p.place)))
                .help("集計行などは対応表の skip に書くと警告されません / list such rows under skip in the mapping"),
            );
            continue;
        };
        if let Some(&i) = by_key.get(&key) {
            for (field, later) in merge(&mut out[i].fields, std::mem::take(&mut p.fields)) {
                others
                    .entry((i, field))
                    .or_default()
                    .push((report::shown(&later.got), later.cell));
            }
            for (y, fields) in std::mem::take(&mut p.years) {
                let differ = merge(out[i].years.entry(y).or_default(), fields);
                for (field, later) in differ {
                    let kept = &out[i].years[&y][&field];
                    diags.push(year_conflict(mapping, &out[i], y, &field, kept, &later));
                }
            }
            continue;
        }
        p.slug = match p.text("slug") {
            Some(s) => s.to_string(),
            None => slugify(&mapping.slug_prefix, &key, out.len()),
        };
        by_key.insert(key, out.len());
        out.push(p);
    }
    for ((i, field), list) in others {
        diags.push(field_differs(mapping, &out[i], &field, &list));
    }
    distinct(out.iter_mut().map(|p| &mut p.slug));
    out
}

/// Makes file names distinct, in order: a name met again gets `-2`, `-3`…
/// (skipping any the others already have).
pub(crate) fn distinct<'a>(slugs: impl Iterator<Item = &'a mut String>) {
    let mut used: Vec<String> = Vec::new();
    for slug in slugs {
        let base = slug.clone();
        let mut n = 1;
        while used.contains(slug) {
            n += 1;
            *slug = format!("{base}-{n}");
        }
        used.push(slug.clone());
    }
}

/// Merges a later row's fields into the first row's: a field the first
/// lacks or left blank takes the later value; a later blank changes
/// nothing. Returns the later values that differ from a written first one.
fn merge(
    first: &mut BTreeMap<String, Placed>,
    later: BTreeMap<String, Placed>,
) -> Vec<(String, Placed)> {
    let mut differ = Vec::new();
    for (field, value) in later {
        match first.get(&field) {
            None
            | Some(Placed {
                got: Got::Blank, ..
            }) => {
                first.insert(field, value);
            }
            Some(_) if value.got == Got::Blank => {}
            Some(kept) if kept.got == value.got => {}
            Some(_) => differ.push((field, value)),
        }
    }
    differ
}

fn program_label(p: &Program) -> String {
    match (p.text("name"), p.text("code")) {
        (Some(name), _) => format!("「{name}」"),
        (None, Some(code)) => format!("コード {code}"),
        (None, None) => p.slug.clone(),
    }
}

fn field_differs(
    mapping: &Mapping,
    p: &Program,
    field: &str,
    list: &[(String, String)],
) -> Diagnostic {
    let kept = &p.fields[field];
    let first = report::shown(&kept.got);
    let label = mapping.label(field);
    let (ja, en) = if field == "name" {
        let code = p.text("code").unwrap_or("");
        (
            format!("コード {code} の事業名が行によって違います。最初の「{first}」を使いました"),
            format!("program code {code} has different names on different rows; the first, {first}, was kept"),
        )
    } else {
        (
            format!(
                "事業{}の{label}が行によって違います。最初の「{first}」を使いました",
                program_label(p)
            ),
            format!(
                "{field} differs between the rows of one program; the first, {first}, was kept"
            ),
        )
    };
    // Each other value once, at its first cell.
    let mut listed: Vec<String> = Vec::new();
    for (i, (v, c)) in list.iter().enumerate() {
        if list[..i].iter().all(|(seen, _)| seen != v) {
            let more = list[i + 1..].iter().filter(|(w, _)| w == v).count();
            listed.push(match more {
                0 => format!("「{v}」（{c}）"),
                n => format!("「{v}」（{c} ほか {n} か所）"),
            });
        }
    }
    Diagnostic::warning("W150", ja, en)
        .at(Location::file(std::path::Path::new(&kept.cell)))
        .help(format!(
            "ほかの書き方 / other values: {}",
            listed.join("、")
        ))
}

fn year_conflict(
    mapping: &Mapping,
    p: &Program,
    year: i32,
    field: &str,
    kept: &Placed,
    later: &Placed,
) -> Diagnostic {
    let label = mapping.label(field);
    Diagnostic::error(
        "E158",
        format!(
            "事業{}の{}年度の{label}が 2 か所に違う値で書かれています（「{}」と「{}」）",
            program_label(p),
            year,
            report::shown(&kept.got),
            report::shown(&later.got)
        ),
        format!("the {year} {field} of one program is written twice with different values"),
    )
    .at(Location::file(std::path::Path::new(&later.cell)))
    .help(format!(
        "最初の値は {} にあります。どちらかを消すか、別の事業なら事業コードを分けてください / the first is at {}; remove one, or give the programs different codes",
        kept.cell, kept.cell
    ))
}

pub(crate) fn slugify(prefix: &str, key: &str, index: usize) -> String {
    let s: String = key
        .chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' => c,
            'A'..='Z' => c.to_ascii_lowercase(),
            _ => '-',
        })
        .collect();
    let s = s.trim_matches('-').to_string();
    let ok = !s.is_empty() && s.chars().any(|c| c.is_ascii_alphanumeric()) && s.len() == key.len();
    if ok {
        format!("{prefix}{s}")
    } else {
        format!("{prefix}{:04}", index + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_lines() {
        let b = budget_line("一般会計 2-1-6-4", "一般会計");
        assert_eq!(b.numbers, ["2", "1", "6", "4"]);
        let b = budget_line("国民健康保険特別会計　１－１－２ 事務費", "一般会計");
        assert_eq!(b.account, "国民健康保険特別会計");
        assert_eq!(b.numbers, ["1", "1", "2"]);
        assert_eq!(b.name.as_deref(), Some("事務費"));
        assert_eq!(budget_line("2-1", "一般会計").account, "一般会計");
    }

    #[test]
    fn skip_patterns() {
        let row = vec!["合計".to_string(), "".into()];
        assert!(skipped(&row, &["合計".into()]));
        assert!(skipped(&["（調整用）".to_string()], &["調整用".into()]));
        assert!(skipped(&["小計A".to_string()], &["小計*".into()]));
        assert!(!skipped(&["事業".to_string()], &["合計".into()]));
        assert!(skipped(&["合　計".to_string()], &["合計".into()]));
        // A word inside a program's name does not skip its row.
        assert!(!skipped(
            &["合計特殊出生率向上事業".to_string()],
            &["合計".into()]
        ));
    }
}
