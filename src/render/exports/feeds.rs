//! Files for crawlers and feed readers: `sitemap.xml`, `robots.txt` and an
//! Atom feed of the evaluation years and their changes pages.
//!
//! No date comes from the clock, so two builds of the same content give the
//! same bytes: an entry is dated at the start of its fiscal year (1 April,
//! JST), and the feed's `updated` is the newest entry, or
//! `SOURCE_DATE_EPOCH` when that is set.

use crate::model::format::wareki_fiscal_year;
use crate::model::Model;
use crate::render::diff::change_years;

/// Escapes text for XML content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids are dropped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// The absolute address of a page, or its root-relative path when the site
/// has no `base_url`.
pub fn absolute(m: &Model, path: &str) -> String {
    match &m.site.base_url {
        Some(b) => format!("{}/{}", b.trim_end_matches('/'), path),
        None => format!("/{path}"),
    }
}

/// `sitemap.xml` listing `pages` (paths of HTML files relative to the
/// root; `x/index.html` is listed as `x/`).
pub fn sitemap(m: &Model, pages: &[String]) -> Vec<u8> {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut urls: Vec<String> = pages
        .iter()
        .filter(|p| p.as_str() != "404.html")
        .map(|p| p.strip_suffix("index.html").unwrap_or(p).to_string())
        .collect();
    urls.sort();
    for u in urls {
        s.push_str(&format!(
            "<url><loc>{}</loc></url>\n",
            xml_escape(&absolute(m, &u))
        ));
    }
    s.push_str("</urlset>\n");
    s.into_bytes()
}

pub fn robots(m: &Model) -> Vec<u8> {
    let mut s = String::from("User-agent: *\nAllow: /\n");
    if m.site.base_url.is_some() {
        s.push_str(&format!("Sitemap: {}\n", absolute(m, "sitemap.xml")));
    }
    s.into_bytes()
}

/// 1 April of a fiscal year, in JST, as RFC 3339.
pub fn fiscal_year_start(year: i32) -> String {
    format!("{year:04}-04-01T00:00:00+09:00")
}

/// RFC 3339 (UTC) of a Unix time, without a date library: days since the
/// epoch to a civil date (Howard Hinnant's algorithm).
pub fn rfc3339_utc(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let mo = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(mo <= 2);
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

struct Entry {
    title: String,
    path: String,
    updated: String,
    summary: String,
}

/// The Atom feed. `source_date_epoch` is the value of SOURCE_DATE_EPOCH,
/// read by the caller.
pub fn atom(m: &Model, source_date_epoch: Option<i64>) -> Vec<u8> {
    let ey = m.site.evaluation_year;
    let mut entries = vec![Entry {
        title: format!("{}の行政評価を公開しました", wareki_fiscal_year(ey)),
        path: String::new(),
        updated: fiscal_year_start(ey),
        summary: format!(
            "{}の{}行政評価：{}施策・{}事業",
            m.site.city,
            wareki_fiscal_year(ey),
            m.policies.len(),
            m.programs.len()
        ),
    }];
    for y in change_years(m) {
        entries.push(Entry {
            title: format!("{}の変更点", wareki_fiscal_year(y)),
            path: format!("changes/{y}/"),
            updated: fiscal_year_start(y),
            summary: format!(
                "{}に新しく始まった事業、終わった事業、金額が大きく変わった事業",
                wareki_fiscal_year(y)
            ),
        });
    }
    entries.sort_by(|a, b| b.updated.cmp(&a.updated).then(a.path.cmp(&b.path)));
    let updated = match source_date_epoch {
        Some(s) => rfc3339_utc(s),
        None => entries
            .first()
            .map(|e| e.updated.clone())
            .unwrap_or_else(|| fiscal_year_start(ey)),
    };
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        xml_escape(&m.site.language)
    ));
    s.push_str(&format!("<title>{}</title>\n", xml_escape(&m.site.title)));
    s.push_str(&format!(
        "<id>{}</id>\n",
        xml_escape(&absolute(m, "feed.xml"))
    ));
    s.push_str(&format!(
        "<link rel=\"self\" href=\"{}\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(&absolute(m, "feed.xml")),
        xml_escape(&absolute(m, ""))
    ));
    s.push_str(&format!("<updated>{updated}</updated>\n"));
    s.push_str(&format!(
        "<author><name>{}</name></author>\n",
        xml_escape(&m.site.city)
    ));
    for e in entries {
        let url = absolute(m, &e.path);
        s.push_str(&format!(
            "<entry><title>{}</title><id>{}</id><link rel=\"alternate\" type=\"text/html\" href=\"{}\"/><updated>{}</updated><summary>{}</summary></entry>\n",
            xml_escape(&e.title),
            xml_escape(&url),
            xml_escape(&url),
            e.updated,
            xml_escape(&e.summary)
        ));
    }
    s.push_str("</feed>\n");
    s.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_time_to_utc_date() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(1_617_235_200), "2021-04-01T00:00:00Z");
        assert_eq!(rfc3339_utc(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn xml_text_is_escaped() {
        assert_eq!(xml_escape("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
        assert_eq!(xml_escape("x\u{1}y"), "xy");
    }
}
