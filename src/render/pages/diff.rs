//! What changed from one year to the next: character-level diffs of a
//! program's texts (Japanese has no spaces, so words are no unit), and the
//! programs that are new, ended or whose budget moved, per fiscal year.

use crate::model::value::SheetValue;
use crate::model::{Model, Program};
use serde::Serialize;
use similar::{Algorithm, DiffTag};

/// One run of a diff: text kept, added or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// "equal", "insert" or "delete".
    pub op: &'static str,
    pub text: String,
}

/// Character-level diff of two texts, as runs. Runs of at most two
/// unchanged characters between changes are folded into the change, so
/// that a rewritten sentence reads as one deletion and one insertion rather
/// than as confetti of single characters.
pub fn char_diff(old: &str, new: &str) -> Vec<Segment> {
    // Diffing the chars themselves (not one-char string slices) compares
    // and hashes plain integers; the result is the same.
    let (a, b): (Vec<char>, Vec<char>) = (old.chars().collect(), new.chars().collect());
    let text = |s: &[char]| s.iter().collect::<String>();
    let mut raw: Vec<Segment> = Vec::new();
    for d in similar::capture_diff_slices(Algorithm::Myers, &a, &b) {
        let (tag, old_range, new_range) = d.as_tag_tuple();
        let (old_part, new_part) = (&a[old_range], &b[new_range]);
        match tag {
            DiffTag::Equal => push(&mut raw, "equal", &text(old_part)),
            DiffTag::Delete => push(&mut raw, "delete", &text(old_part)),
            DiffTag::Insert => push(&mut raw, "insert", &text(new_part)),
            DiffTag::Replace => {
                push(&mut raw, "delete", &text(old_part));
                push(&mut raw, "insert", &text(new_part));
            }
        }
    }
    // Fold short equal runs lying between two changes.
    let mut out: Vec<Segment> = Vec::new();
    let n = raw.len();
    for (i, s) in raw.iter().enumerate() {
        let short_gap = s.op == "equal"
            && s.text.chars().count() <= 2
            && i > 0
            && i + 1 < n
            && raw[i - 1].op != "equal"
            && raw[i + 1].op != "equal";
        if short_gap {
            push(&mut out, "delete", &s.text);
            push(&mut out, "insert", &s.text);
        } else {
            push(&mut out, s.op, &s.text);
        }
    }
    regroup(out)
}

/// Appends text to the last run when it has the same op.
fn push(v: &mut Vec<Segment>, op: &'static str, text: &str) {
    match v.last_mut() {
        Some(last) if last.op == op => last.text.push_str(text),
        _ => v.push(Segment {
            op,
            text: text.to_string(),
        }),
    }
}

/// Within each stretch between equal runs, all deletions first, then all
/// insertions: "old words" then "new words".
fn regroup(v: Vec<Segment>) -> Vec<Segment> {
    let mut out = Vec::new();
    let (mut del, mut ins) = (String::new(), String::new());
    let flush = |out: &mut Vec<Segment>, del: &mut String, ins: &mut String| {
        if !del.is_empty() {
            out.push(Segment {
                op: "delete",
                text: std::mem::take(del),
            });
        }
        if !ins.is_empty() {
            out.push(Segment {
                op: "insert",
                text: std::mem::take(ins),
            });
        }
    };
    for s in v {
        match s.op {
            "delete" => del.push_str(&s.text),
            "insert" => ins.push_str(&s.text),
            _ => {
                flush(&mut out, &mut del, &mut ins);
                out.push(s);
            }
        }
    }
    flush(&mut out, &mut del, &mut ins);
    out
}

/// A text field of a program that changed between two consecutive years.
#[derive(Debug, Clone, Serialize)]
pub struct FieldChange {
    /// 実施内容と改善点, 評価, 分析
    pub field: String,
    pub from_label: String,
    pub to_label: String,
    /// The later of the two fiscal years: the sheet that shows the change.
    #[serde(skip)]
    pub to_year: i32,
    pub segments: Vec<Segment>,
    pub added: usize,
    pub removed: usize,
}

/// The changed texts of a program, year after year. Only pairs where both
/// years have a text are compared: a text appearing or going is shown by
/// the sheet itself.
pub fn program_changes(p: &Program) -> Vec<FieldChange> {
    use crate::model::format::wareki_fiscal_year;
    let years: Vec<_> = p.years.values().collect();
    let mut out = Vec::new();
    for w in years.windows(2) {
        let (a, b) = (w[0], w[1]);
        let fields: [(&str, &SheetValue<String>, &SheetValue<String>); 3] = [
            ("実施内容と改善点", &a.activities, &b.activities),
            ("評価", &a.evaluation, &b.evaluation),
            ("分析", &a.analysis, &b.analysis),
        ];
        for (field, old, new) in fields {
            let (Some(old), Some(new)) = (old.value(), new.value()) else {
                continue;
            };
            let (old, new) = (old.trim_end(), new.trim_end());
            if old == new {
                continue;
            }
            let segments = char_diff(old, new);
            let count = |o: &str| {
                segments
                    .iter()
                    .filter(|s| s.op == o)
                    .map(|s| s.text.chars().count())
                    .sum()
            };
            out.push(FieldChange {
                field: field.to_string(),
                from_label: wareki_fiscal_year(a.year),
                to_label: wareki_fiscal_year(b.year),
                to_year: b.year,
                added: count("insert"),
                removed: count("delete"),
                segments,
            });
        }
    }
    out
}

/// Why a program is listed on the changes page of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Begins this year: `start_year` is this year, or (without one) money
    /// this year and in no year before.
    New,
    /// Money again this year after a year without ("—" or 0).
    Resumed,
    /// No money this year ("—" or 0) after money the year before, but the
    /// program goes on: `end_year` is later, or a later year has money.
    Paused,
    /// Ended last year: `end_year` is the year before, or (without one)
    /// money the year before and in no year since.
    Ended,
    /// The budget moved by more than the site's threshold.
    Moved,
}

#[derive(Debug, Clone)]
pub struct BudgetChange {
    pub program: usize,
    pub kind: ChangeKind,
    pub before: Spending,
    pub after: Spending,
    /// Change in percent of the earlier amount, when both are amounts.
    pub percent: Option<f64>,
}

/// The money of a program in a year: the budget, or the settlement where a
/// sheet gives only that (past years show 決算額, the current year 予算額).
#[derive(Debug, Clone, PartialEq)]
pub struct Spending {
    pub amount: SheetValue<i64>,
    /// 予算 or 決算
    pub basis: &'static str,
}

pub fn spending(p: &Program, year: i32) -> Spending {
    let y = p.year(year);
    match (&y.budget.amount, &y.settlement.amount) {
        (SheetValue::Value(_), _) => Spending {
            amount: y.budget.amount,
            basis: "予算",
        },
        (_, SheetValue::Value(_)) => Spending {
            amount: y.settlement.amount,
            basis: "決算",
        },
        // "—" in either means the program did not run; blank otherwise.
        (SheetValue::NotApplicable, _) | (_, SheetValue::NotApplicable) => Spending {
            amount: SheetValue::NotApplicable,
            basis: "予算",
        },
        _ => Spending {
            amount: SheetValue::Blank,
            basis: "予算",
        },
    }
}

/// The years that have a changes page: every fiscal year in the data up to
/// the evaluation year that has a year before it. Plan years come later,
/// when their sheets are evaluated.
pub fn change_years(m: &Model) -> Vec<i32> {
    m.fiscal_years
        .iter()
        .copied()
        .filter(|&y| y <= m.site.evaluation_year)
        .skip(1)
        .collect()
}

/// Programs new, resumed, paused, ended or whose money moved by more than
/// `threshold` percent between `year - 1` and `year`, in program order.
/// `start_year` and `end_year` decide when given; otherwise the year files
/// do. A blank amount (not yet filled in) is neither a start nor an end.
pub fn budget_changes(m: &Model, year: i32, threshold: f64) -> Vec<BudgetChange> {
    let running = |s: &Spending| s.amount.value().is_some_and(|n| *n != 0);
    let stopped = |s: &Spending| !running(s) && !s.amount.is_blank();
    let mut out = Vec::new();
    for (i, p) in m.programs.iter().enumerate() {
        let before = spending(p, year - 1);
        let after = spending(p, year);
        let percent = match (before.amount.value(), after.amount.value()) {
            (Some(&b), Some(&a)) if b != 0 => Some((a - b) as f64 * 100.0 / b as f64),
            _ => None,
        };
        let ran_before = p
            .years
            .keys()
            .filter(|&&y| y < year)
            .any(|&y| running(&spending(p, y)));
        let runs_later = p
            .years
            .keys()
            .filter(|&&y| y > year)
            .any(|&y| running(&spending(p, y)));
        let new = match p.start_year {
            Some(s) => s == year,
            None => {
                running(&after)
                    && !ran_before
                    && (stopped(&before) || !p.years.contains_key(&(year - 1)))
            }
        };
        let ended = match p.end_year {
            Some(e) => e == year - 1,
            None => running(&before) && stopped(&after) && !runs_later,
        };
        let kind = if new {
            Some(ChangeKind::New)
        } else if ended {
            Some(ChangeKind::Ended)
        } else if running(&after) && stopped(&before) && ran_before {
            Some(ChangeKind::Resumed)
        } else if running(&before) && stopped(&after) {
            Some(ChangeKind::Paused)
        } else {
            percent
                .filter(|pct| pct.abs() > threshold)
                .map(|_| ChangeKind::Moved)
        };
        if let Some(kind) = kind {
            out.push(BudgetChange {
                program: i,
                kind,
                before,
                after,
                percent,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(segs: &[Segment]) -> String {
        segs.iter()
            .map(|s| match s.op {
                "insert" => format!("[+{}]", s.text),
                "delete" => format!("[-{}]", s.text),
                _ => s.text.clone(),
            })
            .collect()
    }

    #[test]
    fn japanese_diff_marks_changed_characters_only() {
        let d = char_diff("協定を締結する", "協定を締結しない");
        assert_eq!(render(&d), "協定を締結[-する][+しない]");
    }

    #[test]
    fn diff_keeps_every_character_of_both_texts() {
        let (a, b) = (
            "前年度よりも連携事業案を増やす",
            "前年度に引き続き連携事業を精査する",
        );
        let d = char_diff(a, b);
        let old: String = d
            .iter()
            .filter(|s| s.op != "insert")
            .map(|s| s.text.as_str())
            .collect();
        let new: String = d
            .iter()
            .filter(|s| s.op != "delete")
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!((old.as_str(), new.as_str()), (a, b));
    }

    #[test]
    fn identical_texts_have_no_change() {
        let d = char_diff("同じ", "同じ");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].op, "equal");
    }
}
