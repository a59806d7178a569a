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

    /// A location for `span` (byte offsets) inside `text`, the file's content.
    pub fn at(path: &Path, text: &str, span: Range<usize>) -> Location {
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let end = floor_char_boundary(text, span.end.min(text.len())).max(start);
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = text[..start].matches('\n').count() + 1;
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

    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn warning_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorted by file, position and code; identical diagnostics appear once.
    pub fn sorted(mut self) -> Self {
        self.items.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.items.dedup();
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
