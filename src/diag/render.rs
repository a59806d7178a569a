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
                    out.push_str(&serde_json::to_string(d).unwrap_or_default());
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
    let title = format!("{} / {}", d.message_ja, d.message_en);
    let path;
    let mut group = Group::with_title(level.primary_title(&title).id(d.code));
    if let Some(loc) = &d.location {
        path = loc.path.display().to_string();
        if loc.line > 0 {
            let start = loc.span.start - loc.line_start;
            let end = (loc.span.end - loc.line_start)
                .min(loc.source_line.len())
                .max(start);
            group = group.element(
                Snippet::source(&loc.source_line)
                    .line_start(loc.line)
                    .path(&path)
                    .annotation(AnnotationKind::Primary.span(start..end)),
            );
        } else {
            group = group.element(annotate_snippets::Origin::path(&path));
        }
    }
    let mut report = vec![group];
    if let Some(help) = &d.help {
        report.push(Group::with_title(Level::HELP.secondary_title(help)));
    }
    Renderer::plain().render(&report).to_string()
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

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
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
    fn json_output_parses() {
        let out = sample().render(MessageFormat::Json);
        let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
        assert_eq!(v["code"], "E004");
        assert_eq!(v["location"]["line"], 2);
    }
}
