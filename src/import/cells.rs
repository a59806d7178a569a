//! Reading a workbook (.xlsx, .xlsm, .xls, .ods) or a CSV file (UTF-8 with or
//! without BOM, Shift_JIS/CP932) into grids of cells with their addresses:
//! formulas as their cached values, Excel dates as dates, a merged cell's
//! value in every cell it covers. Text is kept as written: `normalise`
//! trims a value's stray tabs and spaces, and mieru's own CSV (a `_状態`
//! column saying `value`) is read exactly.

use std::path::Path;

/// One worksheet (a CSV file is one sheet named after the file).
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    /// rows[r][c], 0-based; every value as text.
    pub rows: Vec<Vec<String>>,
}

impl Sheet {
    pub fn get(&self, row: usize, col: usize) -> &str {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .map_or("", String::as_str)
    }

    /// Where a label is: the first cell whose text (trimmed) equals it.
    pub fn find(&self, label: &str) -> Option<(usize, usize)> {
        for (r, row) in self.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if v.trim() == label {
                    return Some((r, c));
                }
            }
        }
        None
    }
}

/// A workbook: its file name (as given) and sheets.
#[derive(Debug, Clone)]
pub struct Book {
    pub file: String,
    pub sheets: Vec<Sheet>,
}

impl Book {
    pub fn sheet(&self, name: Option<&str>) -> Option<&Sheet> {
        match name {
            None => self.sheets.first(),
            Some(n) => self.sheets.iter().find(|s| s.name == n),
        }
    }
}

/// A column letter ("A", "BB") as a 0-based index.
pub fn column_index(letters: &str) -> Option<usize> {
    if letters.is_empty() || letters.len() > 3 || !letters.chars().all(|c| c.is_ascii_uppercase()) {
        return None;
    }
    let mut n = 0usize;
    for c in letters.chars() {
        n = n * 26 + (c as usize - 'A' as usize + 1);
    }
    Some(n - 1)
}

/// A 0-based column index as letters.
pub fn column_name(mut col: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// "B12" for row 11, column 1 (0-based).
pub fn address(row: usize, col: usize) -> String {
    format!("{}{}", column_name(col), row + 1)
}

/// "B12" → (11, 1).
pub fn parse_address(a: &str) -> Option<(usize, usize)> {
    let split = a.find(|c: char| c.is_ascii_digit())?;
    let col = column_index(&a[..split])?;
    let row: usize = a[split..].parse().ok()?;
    (row >= 1).then_some((row - 1, col))
}

/// Why a file could not be read (Japanese, English).
#[derive(Debug)]
pub struct ReadError {
    pub ja: String,
    pub en: String,
}

/// Reads `path` by its extension; `name` is how reports call the file.
pub fn read(path: &Path, name: &str) -> Result<Book, ReadError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" | "tsv" => {
            let bytes = std::fs::read(path).map_err(|e| ReadError {
                ja: format!("ファイルを読めません（{e}）"),
                en: format!("cannot read the file: {e}"),
            })?;
            let sheet_name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("csv")
                .to_string();
            let sheet = read_csv(&bytes, sheet_name, ext == "tsv")?;
            Ok(Book {
                file: name.to_string(),
                sheets: vec![sheet],
            })
        }
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => read_workbook(path, name),
        _ => Err(ReadError {
            ja: format!(
                "読めない形式です（.{ext}）。.xlsx .xlsm .xls .ods .csv のどれかにしてください"
            ),
            en: format!("unsupported file type .{ext}: use .xlsx, .xlsm, .xls, .ods or .csv"),
        }),
    }
}

/// Decodes CSV bytes: UTF-8 (BOM removed) when valid, else Shift_JIS/CP932.
pub fn decode(bytes: &[u8]) -> Result<String, ReadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_string());
    }
    let (text, _, had_errors) = encoding_rs::SHIFT_JIS.decode(bytes);
    if had_errors {
        return Err(ReadError {
            ja: "文字コードが UTF-8 でも Shift_JIS でもありません".into(),
            en: "the file is neither UTF-8 nor Shift_JIS text".into(),
        });
    }
    Ok(text.into_owned())
}

fn read_csv(bytes: &[u8], name: String, tabs: bool) -> Result<Sheet, ReadError> {
    let text = decode(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(if tabs { b'\t' } else { b',' })
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| ReadError {
            ja: format!("CSV の {} 行目を読めません（{e}）", i + 1),
            en: format!("CSV line {} cannot be read: {e}", i + 1),
        })?;
        rows.push(rec.iter().map(str::to_string).collect());
    }
    Ok(Sheet { name, rows })
}

fn read_workbook(path: &Path, name: &str) -> Result<Book, ReadError> {
    use calamine::{open_workbook_auto, Data, Reader};
    let mut wb = open_workbook_auto(path).map_err(|e| ReadError {
        ja: format!("ブックを開けません（{e}）"),
        en: format!("cannot open the workbook: {e}"),
    })?;
    let names = wb.sheet_names().to_vec();
    let mut sheets = Vec::new();
    for sheet_name in names {
        let range = wb.worksheet_range(&sheet_name).map_err(|e| ReadError {
            ja: format!("シート「{sheet_name}」を読めません（{e}）"),
            en: format!("cannot read sheet {sheet_name}: {e}"),
        })?;
        let (r0, c0) = range
            .start()
            .map_or((0, 0), |(r, c)| (r as usize, c as usize));
        let mut rows: Vec<Vec<String>> = vec![Vec::new(); r0 + range.height()];
        for (r, row) in range.rows().enumerate() {
            let mut out = vec![String::new(); c0];
            for v in row {
                out.push(match v {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(f) => float_text(*f),
                    Data::Int(i) => i.to_string(),
                    Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
                    Data::DateTime(d) if d.is_datetime() => excel_date(d.as_f64()),
                    Data::DateTime(d) => float_text(d.as_f64()),
                    Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                    Data::Error(e) => format!("#{e:?}"),
                });
            }
            rows[r0 + r] = out;
        }
        // A merged cell's value in every cell it covers: a header over
        // several columns, a department written once for several rows.
        // (calamine reads no merges from .ods: there each cell stands alone.)
        let regions = match &mut wb {
            calamine::Sheets::Xlsx(x) => {
                x.merge_cells_by_sheet_name(&sheet_name).unwrap_or_default()
            }
            calamine::Sheets::Xls(x) => {
                x.merge_cells_by_sheet_name(&sheet_name).unwrap_or_default()
            }
            _ => Vec::new(),
        };
        {
            for m in regions {
                let (sr, sc) = (m.start.0 as usize, m.start.1 as usize);
                let (er, ec) = (m.end.0 as usize, m.end.1 as usize);
                let v = rows
                    .get(sr)
                    .and_then(|r| r.get(sc))
                    .cloned()
                    .unwrap_or_default();
                for r in sr..=er.min(rows.len().saturating_sub(1)) {
                    for c in sc..=ec {
                        if r == sr && c == sc {
                            continue;
                        }
                        let row = &mut rows[r];
                        if row.len() <= c {
                            row.resize(c + 1, String::new());
                        }
                        if row[c].is_empty() {
                            row[c] = v.clone();
                        }
                    }
                }
            }
        }
        sheets.push(Sheet {
            name: sheet_name,
            rows,
        });
    }
    Ok(Book {
        file: name.to_string(),
        sheets,
    })
}

/// An Excel date serial (days since 1899-12-30) as `YYYY-MM-DD`.
pub fn excel_date(serial: f64) -> String {
    let days = serial.floor() as i64 - 25569; // days since 1970-01-01
                                              // Civil date from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// A number cell as a sheet writes it: integers without ".0".
fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        format!("{}", f as i64)
    } else {
        let s = format!("{f}");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(column_index("A"), Some(0));
        assert_eq!(column_index("BB"), Some(53));
        assert_eq!(column_name(53), "BB");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
        assert_eq!(address(11, 1), "B12");
        assert_eq!(parse_address("B12"), Some((11, 1)));
        assert_eq!(parse_address("12"), None);
        for c in 0..2000 {
            assert_eq!(column_index(&column_name(c)), Some(c));
        }
    }

    #[test]
    fn dates() {
        assert_eq!(excel_date(45292.0), "2024-01-01");
        assert_eq!(excel_date(25569.5), "1970-01-01");
    }

    #[test]
    fn csv_encodings() {
        let text = "事業名,予算\n定住,\"1,000\"\t\n";
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        for bytes in [
            text.as_bytes().to_vec(),
            [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
            sjis.into_owned(),
        ] {
            let s = read_csv(&bytes, "x".into(), false).unwrap();
            assert_eq!(s.get(0, 0), "事業名");
            // Kept as written; the stray TAB goes when read as a value.
            assert_eq!(s.get(1, 1), "1,000\t");
            assert_eq!(
                super::super::normalise::money(s.get(1, 1)),
                Ok(super::super::normalise::Norm::Value(1000))
            );
        }
    }
}
