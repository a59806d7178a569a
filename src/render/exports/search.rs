//! Search without a server: a character-bigram index written as one JSON
//! file, read by a small script on the search page.
//!
//! Japanese has no spaces between words, so the index holds every pair of
//! adjacent characters (bigram) of every run of letters and digits, with
//! the documents it occurs in. A query is cut the same way; a document
//! matches when it holds every bigram of the query (a one-character query
//! matches every bigram containing that character). Documents whose title
//! contains the whole query come first. `search.js` implements the same
//! rules; tests run them in Rust over the written JSON.

use crate::model::Model;
use crate::render::view::{policy_url, program_url};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;

pub const INDEX_PATH: &str = "search-index.json";

#[derive(Debug, Serialize)]
pub struct Doc {
    /// Page title.
    pub t: String,
    /// URL relative to the site root.
    pub u: String,
    /// Kind shown with the result: 事業, 施策.
    pub k: String,
    /// A short description shown under the title.
    pub d: String,
}

#[derive(Debug, Serialize)]
pub struct Index {
    /// Format version.
    pub v: u32,
    pub docs: Vec<Doc>,
    /// Bigram (or lone character) → ascending document numbers.
    pub grams: BTreeMap<String, Vec<usize>>,
}

/// Folds full-width ASCII to half-width and upper case to lower case, the
/// way both the index and queries are read.
pub fn normalise_char(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    c.to_lowercase().next().unwrap_or(c)
}

/// The grams of a text: bigrams of each run of letters and digits, or the
/// lone character of a one-character run.
pub fn grams(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut run: Vec<char> = Vec::new();
    let mut flush = |run: &mut Vec<char>| {
        match run.len() {
            0 => {}
            1 => {
                out.insert(run[0].to_string());
            }
            _ => {
                for w in run.windows(2) {
                    out.insert(w.iter().collect());
                }
            }
        }
        run.clear();
    };
    for c in text.chars().map(normalise_char) {
        if c.is_alphanumeric() {
            run.push(c);
        } else {
            flush(&mut run);
        }
    }
    flush(&mut run);
    out
}

fn doc_text(parts: &[Option<&str>]) -> String {
    parts
        .iter()
        .flatten()
        .copied()
        .collect::<Vec<_>>()
        .join("\n")
}

fn summary(s: &str) -> String {
    let s = s.trim();
    let mut out: String = s.chars().take(80).collect();
    if s.chars().count() > 80 {
        out.push('…');
    }
    out
}

/// The texts of the city's own fields of a sheet, as the page writes them.
fn own_texts(
    m: &Model,
    sheet: &crate::form::Sheet,
    fields: &crate::form::field::Fields,
) -> Vec<String> {
    sheet
        .own_fields()
        .filter_map(|f| {
            let v = fields.get(&f.key)?.value()?;
            Some(crate::form::show::text(f, v, &m.site.money_unit))
        })
        .collect()
}

pub fn build(m: &Model) -> Index {
    let mut docs = Vec::new();
    // Each document's grams go into the index as soon as its text is put
    // together: the texts of a large site are never all held at once.
    let mut grams_map: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut add = |n: usize, parts: &[Option<&str>]| {
        for g in grams(&doc_text(parts)) {
            grams_map.entry(g).or_default().push(n);
        }
    };
    for p in &m.programs {
        let policy = &m.policies[p.policy];
        let mut parts: Vec<Option<&str>> = vec![
            Some(&p.name),
            Some(&p.department),
            Some(&policy.name),
            Some(&policy.outline),
            p.purpose.value().map(String::as_str),
            p.code.as_deref(),
        ];
        parts.extend(p.related_departments.iter().map(|d| Some(d.as_str())));
        parts.extend(
            p.indicators
                .iter()
                .map(|i| i.name.value().map(String::as_str)),
        );
        for y in p.years.values() {
            for t in [&y.activities, &y.evaluation, &y.analysis, &y.action_policy] {
                parts.push(t.value().map(String::as_str));
            }
        }
        // The text of a declared form's own fields is found too.
        let own = own_texts(m, &m.form.program, &p.fields);
        let own_years: Vec<String> = p
            .years
            .values()
            .flat_map(|y| own_texts(m, &m.form.year, &y.fields))
            .collect();
        parts.extend(own.iter().chain(&own_years).map(|s| Some(s.as_str())));
        add(docs.len(), &parts);
        docs.push(Doc {
            t: p.name.clone(),
            u: program_url(p),
            k: "事業".into(),
            d: format!(
                "{}／施策「{}」{}",
                p.department,
                policy.name,
                p.purpose
                    .value()
                    .map(|s| format!("：{}", summary(s)))
                    .unwrap_or_default()
            ),
        });
    }
    for p in &m.policies {
        let mut parts: Vec<Option<&str>> = vec![
            Some(&p.name),
            Some(&p.outline),
            p.objective.value().map(String::as_str),
            p.code.as_deref(),
        ];
        parts.extend(p.directions.iter().map(|d| Some(d.name.as_str())));
        parts.extend(p.indicators.iter().map(|i| Some(i.name.as_str())));
        for r in &p.reviews {
            parts.push(r.council_opinion.value().map(String::as_str));
            parts.push(r.achievement.value().map(String::as_str));
        }
        let own = own_texts(m, &m.form.policy, &p.fields);
        parts.extend(own.iter().map(|s| Some(s.as_str())));
        add(docs.len(), &parts);
        docs.push(Doc {
            t: format!("施策「{}」", p.name),
            u: policy_url(p),
            k: "施策".into(),
            d: format!(
                "{}{}",
                p.outline,
                p.objective
                    .value()
                    .map(|s| format!("：{}", summary(s)))
                    .unwrap_or_default()
            ),
        });
    }
    Index {
        v: 1,
        docs,
        grams: grams_map,
    }
}

pub fn render(m: &Model) -> Vec<u8> {
    let mut bytes = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write_to(m, &mut bytes);
    bytes
}

/// Writes the index as JSON into `w`.
pub fn write_to(m: &Model, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::new(w);
    serde_json::to_writer(&mut w, &build(m))?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_text_is_cut_into_bigrams_at_punctuation() {
        let g: Vec<String> = grams("定住自立圏、ＡＢ").into_iter().collect();
        assert_eq!(g, ["ab", "住自", "定住", "立圏", "自立"]);
    }

    #[test]
    fn a_lone_character_is_kept() {
        assert!(grams("市・町").contains("市"));
        assert!(grams("").is_empty());
    }
}
