//! Rendering diagnostics for people (source line and caret), for tools
//! (JSON lines) and for GitHub pull requests (workflow annotations).

use super::{Diagnostic, Diagnostics, Severity};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum MessageFormat {
    #[default]
    Human,
    Json,
    Github,
}

impl Diagnostics {
    /// Every diagnostic rendered in `format`, followed (for humans) by a summary line.
    pub fn render(&self, format: MessageFormat) -> String {
        let mut out = String::new();
        for d in self.iter() {
            match format {
                MessageFormat::Human => out.push_str(&human(d)),
                MessageFormat::Json => {
                    out.push_str(&json_line(d));
                }
                MessageFormat::Github => out.push_str(&github(d)),
            }
            out.push('\n');
        }
        if format == MessageFormat::Human && !self.is_empty() {
            out.push_str(&format!(
                "エラー {} 件、警告 {} 件 / {} error(s), {} warning(s)\n",
                self.error_count(),
                self.warning_count(),
                self.error_count(),
                self.warning_count()
            ));
        }
        out
    }
}

fn human(d: &Diagnostic) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let title = printable(&format!("{} / {}", d.message_ja, d.message_en));
    let path;
    let line;
    let mut group = Group::with_title(level.primary_title(&title).id(d.code));
    if let Some(loc) = &d.location {
        path = printable(&loc.path.display().to_string());
        if loc.line > 0 {
            let (text, span) = snippet(loc);
            line = text;
            group = group.element(
                Snippet::source(&line)
                    .line_start(loc.line)
                    .path(&path)
                    .annotation(AnnotationKind::Primary.span(span)),
            );
        } else {
            group = group.element(annotate_snippets::Origin::path(&path));
        }
    }
    let help = d.help.as_deref().map(printable);
    let mut report = vec![group];
    if let Some(help) = &help {
        report.push(Group::with_title(Level::HELP.secondary_title(help)));
    }
    Renderer::plain().render(&report).to_string()
}

/// The source line of `loc` made safe to print, and the marked range in
/// it. The span is clamped to the line and to character boundaries
/// whatever the location says (its fields are public), and control
/// characters — a lone CR, ESC, BEL — are shown as visible symbols so
/// that they neither break the snippet nor reach the terminal.
fn snippet(loc: &super::Location) -> (String, std::ops::Range<usize>) {
    let line = loc.source_line.as_str();
    let clamp = |at: usize| {
        let mut i = at.saturating_sub(loc.line_start).min(line.len());
        while !line.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (start, end) = (clamp(loc.span.start), clamp(loc.span.end));
    let end = end.max(start);
    let mut out = String::with_capacity(line.len());
    let (mut new_start, mut new_end) = (None, None);
    for (i, c) in line.char_indices() {
        if i == start {
            new_start = Some(out.len());
        }
        if i == end {
            new_end = Some(out.len());
        }
        push_printable(&mut out, c);
    }
    let new_start = new_start.unwrap_or(out.len());
    let new_end = new_end.unwrap_or(out.len()).max(new_start);
    (out, new_start..new_end)
}

/// One diagnostic as a JSON line. serde_json escapes C0 control
/// characters; DEL, C1 codes and bidirectional overrides are escaped too
/// (`\u202e`), so that the line prints safely and parses to the same text.
fn json_line(d: &Diagnostic) -> String {
    let raw = serde_json::to_string(d).unwrap_or_default();
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// A character that must not reach a terminal as it is: a control
/// character, or one that reorders the text after it.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every control character shown as a visible symbol.
pub(crate) fn printable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_printable(&mut out, c);
    }
    out
}

/// Pushes `c`, or for a control character (a tab excepted) its visible
/// stand-in: C0 codes and DEL as their Control Pictures (␍ ␛ ␇), others —
/// C1 codes and the bidirectional overrides that reorder a terminal's text
/// — as `<U+202E>`.
fn push_printable(out: &mut String, c: char) {
    match c {
        '\t' => out.push(c),
        '\u{0}'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('?')),
        '\u{7f}' => out.push('\u{2421}'),
        c if is_unsafe(c) => {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        }
        c => out.push(c),
    }
}

/// `::error file=…,line=…,col=…,title=…::message` — values escaped as the
/// workflow-command syntax requires.
fn github(d: &Diagnostic) -> String {
    let kind = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut props = Vec::new();
    if let Some(loc) = &d.location {
        props.push(format!(
            "file={}",
            escape_property(&loc.path.to_string_lossy())
        ));
        if loc.line > 0 {
            props.push(format!("line={}", loc.line));
            props.push(format!("col={}", loc.col));
        }
    }
    props.push(format!("title={}", escape_property(d.code)));
    let mut message = format!("{} / {}", d.message_ja, d.message_en);
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    format!("::{kind} {}::{}", props.join(","), escape_data(&message))
}

/// GitHub's escapes for a workflow command's message (`%25`, `%0D`,
/// `%0A`); every other control character (ESC, BEL…) is shown as a visible
/// symbol, never passed through to the CI log.
fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => push_printable(&mut out, c),
        }
    }
    out
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Location;
    use std::path::Path;

    fn sample() -> Diagnostics {
        let text = "fiscal_year = 2021\nsetlement = 20\n";
        let span = 19..28;
        [Diagnostic::error("E004", "不明なキーです", "unknown key")
            .at(Location::at(
                Path::new("content/programs/a/2021.toml"),
                text,
                span,
            ))
            .help("did you mean `settlement`?")]
        .into_iter()
        .collect()
    }

    #[test]
    fn human_output_points_at_the_key() {
        let out = sample().render(MessageFormat::Human);
        assert!(
            out.contains("error[E004]: 不明なキーです / unknown key"),
            "{out}"
        );
        assert!(out.contains("content/programs/a/2021.toml:2:1"), "{out}");
        assert!(out.contains("setlement = 20"), "{out}");
        assert!(out.contains("^^^^^^^^^"), "{out}");
        assert!(out.contains("help: did you mean `settlement`?"), "{out}");
    }

    #[test]
    fn github_output_is_one_escaped_line() {
        let out = sample().render(MessageFormat::Github);
        assert!(
            out.starts_with("::error file=content/programs/a/2021.toml,line=2,col=1,title=E004::"),
            "{out}"
        );
        assert!(out.contains("%0Ahelp: did you mean"), "{out}");
        assert_eq!(out.lines().count(), 1);
    }

    #[test]
    fn control_characters_never_reach_the_terminal_or_the_ci_log() {
        let text = "key\u{1b}[2J\u{7}\u{202e} = 1\n";
        let d: Diagnostics = [Diagnostic::error(
            "E004",
            "不明なキー `key\u{1b}[2J\u{7}` です",
            "unknown key `key\u{1b}[2J\u{7}\u{202e}`",
        )
        .at(Location::at(Path::new("content/a\u{1b}.toml"), text, 0..9))
        .help("100% sure\r\u{1b}]0;title\u{7}")]
        .into_iter()
        .collect();
        for f in [
            MessageFormat::Human,
            MessageFormat::Github,
            MessageFormat::Json,
        ] {
            let out = d.render(f);
            let bad: Vec<char> = out
                .chars()
                .filter(|c| (c.is_control() && *c != '\n') || *c == '\u{202e}')
                .collect();
            assert!(bad.is_empty(), "{f:?}: {bad:?} in {out:?}");
        }
        let gh = d.render(MessageFormat::Github);
        assert!(gh.contains("100%25 sure%0D␛]0;title␇"), "{gh}");
        assert!(gh.contains("file=content/a␛.toml,"), "{gh}");
        assert_eq!(gh.lines().count(), 1);
        let human = d.render(MessageFormat::Human);
        assert!(human.contains("key␛[2J␇<U+202E>"), "{human}");
        let json = d.render(MessageFormat::Json);
        assert!(
            json.contains("\\u001b") && json.contains("\\u202e"),
            "{json}"
        );
        let v: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
        assert!(v["message_en"].as_str().unwrap().ends_with("\u{202e}`"));
    }

    #[test]
    fn json_output_parses() {
        let out = sample().render(MessageFormat::Json);
        let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
        assert_eq!(v["code"], "E004");
        assert_eq!(v["location"]["line"], 2);
    }
}
