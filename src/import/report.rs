//! The report of an import: for each program which cell went to which
//! field, and a summary table (programs, years, fields filled, blank, not
//! applicable, problems). Problems themselves are diagnostics (`diag`).

use super::extract::{Got, Placed, Program};
use super::mapping::Mapping;
use std::fmt::Write as _;

/// Counts over every field of every program and year.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub programs: usize,
    pub years: usize,
    pub filled: usize,
    pub blank: usize,
    pub not_applicable: usize,
    pub problems: usize,
}

fn count(s: &mut Summary, p: &Placed) {
    match p.got {
        Got::Blank => s.blank += 1,
        Got::NotApplicable => s.not_applicable += 1,
        Got::Problem(_) => s.problems += 1,
        _ => s.filled += 1,
    }
}

pub fn summary(programs: &[Program]) -> Summary {
    let mut s = Summary {
        programs: programs.len(),
        ..Summary::default()
    };
    for p in programs {
        p.fields.values().for_each(|f| count(&mut s, f));
        s.years += p.years.len();
        for y in p.years.values() {
            y.values().for_each(|f| count(&mut s, f));
        }
    }
    s
}

impl Summary {
    /// The table shown after an import.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let rows = [
            ("事業 / programs", self.programs),
            ("年度 / years", self.years),
            ("記入 / filled", self.filled),
            ("未記入 / blank", self.blank),
            ("該当なし / not applicable", self.not_applicable),
            ("読めない値 / problems", self.problems),
        ];
        for (k, v) in rows {
            // Pad by the columns a terminal gives the label: two a kanji.
            let pad = 28usize.saturating_sub(columns(k));
            let _ = writeln!(out, "{k}{:pad$}{v:>8}", "");
        }
        out
    }
}

/// The columns a terminal gives `s`: two for a full-width character
/// (kana, kanji, full-width forms), one for the rest.
fn columns(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

/// A value as the reports show it: blank and \u{2014} spelled out.
pub(crate) fn shown(g: &Got) -> String {
    match g {
        Got::Blank => "（未記入）".into(),
        Got::NotApplicable => "—（該当なし）".into(),
        Got::Problem(t) => format!("（読めない：{t}）"),
        Got::Text(t) => t.replace('\n', "⏎"),
        Got::Lines(l) => l.join(" | "),
        Got::Money(i) => i.to_string(),
        Got::Number(n) => match &n.note {
            Some(note) => format!("{} 注{note}", n.text),
            None => n.text.clone(),
        },
        Got::Year(y) => format!("{}（{}）", y.year, y.written),
        Got::Flag(true) => "該当（true）".into(),
        Got::Flag(false) => "非該当（false）".into(),
        Got::Date(d) => d.clone(),
        Got::Choice {
            selected, other, ..
        } => match other {
            Some(o) => format!("{}（{o}）", selected.join("、")),
            None => selected.join("、"),
        },
        Got::Budget(b) => b
            .iter()
            .map(|b| format!("{} {}", b.account, b.numbers.join("-")))
            .collect::<Vec<_>>()
            .join(" | "),
    }
}

/// Cell → field for each program, one line a cell.
pub fn cells(mapping: &Mapping, programs: &[Program]) -> String {
    let mut out = String::new();
    for p in programs {
        let _ = writeln!(
            out,
            "■ {}（programs/{}）{}",
            p.text("name").unwrap_or(""),
            p.slug,
            p.place
        );
        for (k, f) in &p.fields {
            let _ = writeln!(
                out,
                "  {} → {k}（{}）= {}",
                f.cell,
                mapping.label(k),
                shown(&f.got)
            );
        }
        for (y, fields) in &p.years {
            for (k, f) in fields {
                let _ = writeln!(
                    out,
                    "  {} → {y}.{k}（{}）= {}",
                    f.cell,
                    mapping.label(k),
                    shown(&f.got)
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_numbers_line_up_under_japanese_labels() {
        let table = Summary {
            programs: 2,
            years: 8,
            filled: 37,
            blank: 135,
            not_applicable: 42,
            problems: 0,
        }
        .table();
        let ends: Vec<usize> = table.lines().map(columns).collect();
        assert_eq!(ends.len(), 6);
        assert!(ends.iter().all(|&e| e == 36), "{ends:?}\n{table}");
        assert_eq!(columns("該当なし / n"), 12);
    }
}
