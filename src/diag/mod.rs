//! Diagnostics: every problem found in a build, with a stable code, a message
//! in Japanese and English, the exact place in the content file and, where a
//! fix can be guessed, a help line. Owns their ordering and their rendering
//! (human, JSON, GitHub annotations); knows nothing of how they were found.

mod render;

pub use render::MessageFormat;

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Where a problem is: a file (relative to the site root) and, when known, a
/// byte range in it with the line and column (both 1-based, column counted in
/// characters) and the text of that line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    pub path: PathBuf,
    pub line: usize,
    pub col: usize,
    #[serde(skip)]
    pub span: Range<usize>,
    #[serde(skip)]
    pub source_line: String,
    /// Byte offset of `source_line` in the file.
    #[serde(skip)]
    pub line_start: usize,
}

impl Location {
    /// A location for a whole file (no position inside it).
    pub fn file(path: &Path) -> Location {
        Location {
            path: path.to_path_buf(),
            line: 0,
            col: 0,
            span: 0..0,
            source_line: String::new(),
            line_start: 0,
        }
    }

    /// A cell of a workbook, shown as `FILE!SHEET!B12` (`address` may also
    /// be a range such as `B12:D12`).
    pub fn cell(file: &str, sheet: &str, address: &str) -> Location {
        Location::file(Path::new(&format!("{file}!{sheet}!{address}")))
    }

    /// A location for `span` (byte offsets) inside `text`, the file's content.
    pub fn at(path: &Path, text: &str, span: Range<usize>) -> Location {
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line = text[..start].matches('\n').count() + 1;
        Self::at_line_start(path, text, span, line, line_start)
    }

    /// [`Location::at`] with the byte offsets of the starts of the lines of
    /// `text` known (`line_starts[0] == 0`).
    pub fn at_line_index(
        path: &Path,
        text: &str,
        line_starts: &[usize],
        span: Range<usize>,
    ) -> Location {
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let line = line_starts.partition_point(|&s| s <= start).max(1);
        let line_start = line_starts.get(line - 1).copied().unwrap_or(0).min(start);
        Self::at_line_start(path, text, span, line, line_start)
    }

    fn at_line_start(
        path: &Path,
        text: &str,
        span: Range<usize>,
        line: usize,
        line_start: usize,
    ) -> Location {
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let end = floor_char_boundary(text, span.end.min(text.len())).max(start);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let col = text[line_start..start].chars().count() + 1;
        // One CR of a CRLF line end; a stray CR before it stays (and is shown).
        let line_text = &text[line_start..line_end];
        let source_line = line_text
            .strip_suffix('\r')
            .unwrap_or(line_text)
            .to_string();
        Location {
            path: path.to_path_buf(),
            line,
            col,
            span: start..end,
            source_line,
            line_start,
        }
    }

    /// A location known only by line and column (1-based, column in
    /// characters) and the text of that line, as template engines report it.
    pub fn at_line(path: &Path, line: usize, col: usize, source_line: &str) -> Location {
        let source_line = source_line.trim_end_matches(['\r', '\n']).to_string();
        let start = source_line
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(source_line.len(), |(i, _)| i);
        let end = source_line[start..]
            .chars()
            .next()
            .map_or(start, |c| start + c.len_utf8());
        Location {
            path: path.to_path_buf(),
            line: line.max(1),
            col: col.max(1),
            span: start..end,
            source_line,
            line_start: 0,
        }
    }

    fn has_position(&self) -> bool {
        self.line > 0
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    /// 日本語のメッセージ
    pub message_ja: String,
    /// The same message in English.
    pub message_en: String,
    pub location: Option<Box<Location>>,
    pub help: Option<String>,
    /// Set on the one line that sums up problems of this code in this
    /// file left out past [`MAX_SAME`]: how many it stands for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub more: Option<usize>,
}

impl Diagnostic {
    pub fn error(code: &'static str, ja: impl Into<String>, en: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message_ja: ja.into(),
            message_en: en.into(),
            location: None,
            help: None,
            more: None,
        }
    }

    pub fn warning(code: &'static str, ja: impl Into<String>, en: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, ja, en)
        }
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(Box::new(location));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    fn sort_key(&self) -> (Option<&Path>, usize, usize, &'static str, &str) {
        let loc = self.location.as_ref();
        (
            loc.map(|l| l.path.as_path()),
            loc.map_or(0, |l| l.line),
            loc.map_or(0, |l| l.col),
            self.code,
            &self.message_en,
        )
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{sev}[{}]: {} / {}",
            self.code, self.message_ja, self.message_en
        )?;
        if let Some(loc) = &self.location {
            write!(f, " ({})", loc.path.display())?;
            if loc.has_position() {
                write!(f, ":{}:{}", loc.line, loc.col)?;
            }
        }
        Ok(())
    }
}

/// All diagnostics of one run, in a stable order (file, line, column, code).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

/// At most this many problems of one code are listed per file; the rest
/// are summed up in one line (50,000 broken lines must not print 40 MB).
pub const MAX_SAME: usize = 20;

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Every error found, including those summed up and not listed.
    pub fn error_count(&self) -> usize {
        self.count(Severity::Error)
    }

    /// Every warning found, including those summed up and not listed.
    pub fn warning_count(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == severity)
            .map(|d| d.more.unwrap_or(1))
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorted by file, position and code; identical diagnostics appear
    /// once. Past [`MAX_SAME`] problems of one code in one file, the rest
    /// are replaced by one summary at the place of the first left out
    /// (counted still by [`Diagnostics::error_count`]).
    pub fn sorted(mut self) -> Self {
        self.items.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.items.dedup();
        type Key = (Option<PathBuf>, &'static str);
        let mut seen: std::collections::HashMap<Key, usize> = std::collections::HashMap::new();
        for d in self.items.iter().filter(|d| d.more.is_none()) {
            let key = (d.location.as_ref().map(|l| l.path.clone()), d.code);
            *seen.entry(key).or_default() += 1;
        }
        if seen.values().all(|n| *n <= MAX_SAME) {
            return self;
        }
        let mut shown: std::collections::HashMap<Key, usize> = std::collections::HashMap::new();
        let mut kept = Vec::with_capacity(self.items.len());
        for d in std::mem::take(&mut self.items) {
            if d.more.is_some() {
                kept.push(d);
                continue;
            }
            let key = (d.location.as_ref().map(|l| l.path.clone()), d.code);
            let n = shown.entry(key.clone()).or_default();
            *n += 1;
            if *n <= MAX_SAME {
                kept.push(d);
                continue;
            }
            if *n == MAX_SAME + 1 {
                let more = seen[&key] - MAX_SAME;
                kept.push(Diagnostic {
                    message_ja: format!(
                        "同じ種類の問題がこのファイルにほかに {more} 件あります（最初の {MAX_SAME} 件のみ表示）"
                    ),
                    message_en: format!(
                        "{more} more of the same kind in this file (only the first {MAX_SAME} are listed)"
                    ),
                    help: Some(
                        "上の問題を直してから、もう一度確認してください / fix the ones above, then check again"
                            .into(),
                    ),
                    more: Some(more),
                    ..d
                });
            }
        }
        self.items = kept;
        self
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics {
            items: iter.into_iter().collect(),
        }
    }
}

/// Edit distance counting a swap of two neighbouring letters as one edit
/// (optimal string alignment), for "did you mean" suggestions: `nmae` is
/// one slip away from `name`.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for (i, row) in d.chunks_mut(w).enumerate() {
        row[0] = i;
    }
    for (j, cell) in d.iter_mut().take(w).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

/// The closest candidate to `word`, if it is close enough to be a typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(1))
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_counts_lines_and_characters() {
        let text = "a = 1\n名前 = \"x\"\r\nb = 2\n";
        let start = text.find('"').unwrap();
        let loc = Location::at(Path::new("f.toml"), text, start..start + 3);
        assert_eq!((loc.line, loc.col), (2, 6));
        assert_eq!(loc.source_line, "名前 = \"x\"");
    }

    #[test]
    fn a_line_index_locates_as_a_scan_does() {
        let text = "a = 1\n名前 = \"x\"\r\n\nb\r\r = 2\n末";
        let starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        for a in 0..text.len() + 3 {
            for b in [a, a + 1, a + 4, 0] {
                let p = Path::new("f");
                assert_eq!(
                    Location::at_line_index(p, text, &starts, a..b),
                    Location::at(p, text, a..b),
                    "{a}..{b}"
                );
            }
        }
    }

    #[test]
    fn past_twenty_of_one_code_in_one_file_one_line_sums_up_the_rest() {
        let text = "x\n".repeat(100);
        let mut d: Diagnostics = (0..100)
            .map(|i| {
                Diagnostic::error("E001", "誤り", "bad").at(Location::at(
                    Path::new("a.toml"),
                    &text,
                    i * 2..i * 2 + 1,
                ))
            })
            .collect();
        d.push(Diagnostic::error("E004", "別", "other").at(Location::at(
            Path::new("a.toml"),
            &text,
            190..191,
        )));
        d.push(
            Diagnostic::error("E001", "別のファイル", "other file")
                .at(Location::file(Path::new("b.toml"))),
        );
        let d = d.sorted();
        assert_eq!(d.error_count(), 102);
        let a: Vec<_> = d
            .iter()
            .filter(|x| {
                x.code == "E001" && x.location.as_ref().unwrap().path == Path::new("a.toml")
            })
            .collect();
        assert_eq!(a.len(), MAX_SAME + 1);
        let summary = a[MAX_SAME];
        assert_eq!(summary.more, Some(80));
        assert!(
            summary.message_ja.contains("ほかに 80 件"),
            "{}",
            summary.message_ja
        );
        assert!(summary.message_en.contains("80 more of the same kind"));
        assert_eq!(
            summary.location.as_ref().unwrap().line,
            21,
            "at the first one left out"
        );
        assert_eq!(d.iter().filter(|x| x.code == "E004").count(), 1);
        // Sorting again changes nothing.
        let again = d.clone().sorted();
        assert_eq!(again, d);
    }

    #[test]
    fn location_survives_spans_past_the_end_or_inside_a_character() {
        let text = "名前";
        let loc = Location::at(Path::new("f.toml"), text, 1..100);
        assert_eq!((loc.line, loc.col), (1, 1));
    }

    #[test]
    fn suggests_close_keys_only() {
        let keys = ["settlement", "budget", "target"];
        assert_eq!(suggest("setlement", keys), Some("settlement"));
        assert_eq!(suggest("budgte", keys), Some("budget"));
        assert_eq!(suggest("zzz", keys), None);
        assert_eq!(suggest("nmae", ["id", "name"]), Some("name"));
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn diagnostics_sort_by_file_then_position() {
        let a =
            Diagnostic::error("E1", "a", "a").at(Location::at(Path::new("b.toml"), "x\ny", 2..3));
        let b = Diagnostic::error("E2", "b", "b").at(Location::at(Path::new("a.toml"), "x", 0..1));
        let c =
            Diagnostic::error("E3", "c", "c").at(Location::at(Path::new("b.toml"), "x\ny", 0..1));
        let d: Diagnostics = vec![a, b, c].into_iter().collect();
        let codes: Vec<_> = d.sorted().iter().map(|d| d.code).collect();
        assert_eq!(codes, ["E2", "E3", "E1"]);
    }
}
