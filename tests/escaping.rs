//! Hostile text in every text position of the data — names, departments,
//! purposes, activities, evaluations, notes, indicator names and units,
//! council opinions, budget lines, choices — comes out as text in every
//! page, chart and data file, never as markup; hostile slugs and URLs are
//! refused; and no piece of data can put a file outside the output folder.

mod common;

use common::snapshot;
use std::path::Path;

const SCRIPT: &str = "<script>alert(1)</script>";
const ATTR: &str = "\"><img src=x onerror=alert(1)>";
const SVG_BREAK: &str = "</svg><script>";
const TERA: &str = "{{ }}";
/// Ends the two places where the minifier may leave `<` as it is.
const RCDATA_BREAK: &str = "</title><script>alert(2)</script>' onmouseover='alert(3)";
/// Looks like the key that the data files are written around.
const JSON_KEY: &str = "\"records\":[]}";

fn payload() -> String {
    format!("{SCRIPT}{ATTR}{SVG_BREAK}{TERA}{RCDATA_BREAK}{JSON_KEY}&amp;")
}

/// A TOML string literal for `s`.
fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A site whose every text is `text` (each time with a short distinct tag
/// so that choices stay unique), with the built-in theme.
fn hostile_site(text: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let t = q(text);
    let tag = |s: &str| q(&format!("{text}{s}"));
    let files = [
        (
            "content/site.toml",
            format!(
                "city = {t}\ntitle = {t}\nevaluation_year = 2021\nsource = {t}\n\
                 base_url = \"https://example.org/a\"\n\
                 [licence]\nname = {t}\nurl = \"https://example.org/licence\"\n\
                 [choices]\nrating = [{}, {}]\ndecision = [{}, {}]\nindicator_kind = [{}, {}]\n",
                tag("A"),
                tag("B"),
                tag("D1"),
                tag("D2"),
                tag("K1"),
                tag("K2")
            ),
        ),
        (
            "content/policies/evil.toml",
            format!(
                "name = {t}\noutline = {t}\nobjective = {t}\ncode = {t}\n\
                 [[directions]]\nid = \"d1\"\nname = {t}\n\
                 [[indicators]]\nname = {t}\nkind = {k1}\nconcept = {t}\ndirection = {t}\nunit = {t}\n\
                 baseline = {{ year = 2017, value = {t}, note = {t} }}\n\
                 target = {{ year = 2022, value = 10 }}\n\
                 actuals = [ {{ year = 2020, value = 5, note = {t} }} ]\n\
                 [[indicators]]\nname = {t}\nunit = \"%\"\n\
                 baseline = {{ year = 2017, value = 12.5 }}\ntarget = {{ year = 2022, value = 20 }}\n\
                 actuals = [ {{ year = 2020, value = 15, note = {t} }} ]\n\
                 [[reviews]]\nfiscal_year = 2021\ncouncil_opinion = {t}\nachievement = {t}\n",
                k1 = tag("K1")
            ),
        ),
        (
            "content/programs/evil/program.toml",
            format!(
                "name = {t}\ndepartment = {t}\nrelated_departments = [{t}]\npurpose = {t}\n\
                 policy = \"evil\"\ndirection = \"d1\"\ncode = {t}\nstart_year = 2019\n\
                 [[budget_lines]]\naccount = {t}\nsection = \"02\"\nsubsection = 1\nitem = \"006\"\nprogram_no = 4\nname = {t}\n\
                 [[indicators]]\nid = \"main\"\nkind = {k2}\nname = {t}\nnotes = [{t}]\nunit = {t}\n\
                 [[indicators]]\nid = \"second\"\nname = {t}\nunit = \"%\"\n",
                k2 = tag("K2")
            ),
        ),
        (
            "content/programs/evil/2020.toml",
            year_file(2020, &t, &tag("A"), &tag("D1")),
        ),
        (
            "content/programs/evil/2021.toml",
            year_file(2021, &t, &tag("B"), &tag("D2")),
        ),
    ];
    for (rel, text) in files {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    tmp
}

fn year_file(year: i32, t: &str, rating: &str, decision: &str) -> String {
    format!(
        "fiscal_year = {year}\ntarget = {t}\nresult = {t}\nactivities = {t}\n\
         [budget]\namount = 100\nspecial_funding = 10\n\
         [budget.funding]\nnational = 5\nprefectural = 5\ngeneral = 90\n\
         [settlement]\namount = 90\nspecial_funding = 0\n\
         [staff]\nheadcount = 1.5\ncost = 10\n\
         [[indicators]]\nindicator = \"second\"\ntarget = 50\nresult = {t}\n\
         [check]\nevaluation = {t}\nanalysis = {t}\nrating = {rating}\n\
         [action]\npolicy = {t}\ndecision = {decision}\n"
    )
}

/// Builds `root` into a fresh folder; returns (guard, output, every file).
fn build(
    root: &Path,
) -> (
    tempfile::TempDir,
    std::path::PathBuf,
    Vec<(String, Vec<u8>)>,
) {
    // A hostile site must build: build_site panics with the diagnostics if not.
    let (tmp, out) = common::build_site(root);
    let files = snapshot(&out);
    (tmp, out, files)
}

fn short(s: &str) -> String {
    s.chars().take(120).collect()
}

/// One element of a page is the theme's, not the data's: scripts load a
/// theme file and are empty, images show a chart, nothing else embeds,
/// no attribute is an event handler or a `javascript:` link.
fn check_element<'a>(
    page: &str,
    tag: &str,
    attrs: impl Iterator<Item = (&'a str, &'a str)>,
    empty: impl Fn() -> bool,
) {
    let attrs: Vec<(&str, &str)> = attrs.collect();
    let attr = |n: &str| attrs.iter().find(|(a, _)| *a == n).map(|(_, v)| *v);
    match tag {
        "script" => assert!(
            attr("src").is_some_and(|s| s.ends_with(".js")) && empty(),
            "{page}: a <script> the theme did not write"
        ),
        "img" => assert!(
            attr("src").is_some_and(|s| s.ends_with(".svg") && !s.contains(':')),
            "{page}: an image that is not a chart: {:?}",
            attr("src").map(short)
        ),
        "b" | "iframe" | "object" | "embed" | "svg" | "foreignobject" | "math" => {
            panic!("{page}: injected <{tag}>")
        }
        _ => {}
    }
    for (a, v) in &attrs {
        assert!(
            !a.starts_with("on"),
            "{page}: event attribute {a}={}",
            short(v)
        );
        if ["href", "src", "action", "formaction"].contains(a) {
            assert!(
                !v.trim_start()
                    .to_ascii_lowercase()
                    .starts_with("javascript:"),
                "{page}: {a}={}",
                short(v)
            );
        }
    }
}

/// A start tag: its name, its attributes and whether its content is empty.
type Tag = (String, Vec<(String, String)>, bool);

/// A quick tokenizer for the minified pages, fast enough for megabyte
/// pages in a debug build: (tag name, attributes, content empty) of every
/// start tag, skipping quoted attribute values, comments and the text of
/// title, textarea, script and style as a browser does.
fn scan_tags(html: &str) -> Vec<Tag> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        if html[i..].starts_with("<!--") {
            i = html[i..].find("-->").map_or(b.len(), |k| i + k + 3);
            continue;
        }
        let start = i + 1;
        let mut j = start;
        while j < b.len() && b[j].is_ascii_alphanumeric() {
            j += 1;
        }
        if j == start {
            i += 1;
            continue;
        }
        let name = html[start..j].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'/') {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' {
                j += 1;
                break;
            }
            let a0 = j;
            while j < b.len() && !b" \t\n\r/>=".contains(&b[j]) {
                j += 1;
            }
            let key = html[a0..j].to_ascii_lowercase();
            let mut value = String::new();
            if j < b.len() && b[j] == b'=' {
                j += 1;
                if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                    let q = b[j];
                    let v0 = j + 1;
                    j = v0 + b[v0..].iter().position(|&c| c == q).unwrap_or(b.len() - v0);
                    value = html[v0..j].to_string();
                    j += 1;
                } else {
                    let v0 = j;
                    while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                        j += 1;
                    }
                    value = html[v0..j].to_string();
                }
            }
            attrs.push((key, value));
        }
        let mut empty = true;
        if ["title", "textarea", "script", "style"].contains(&name.as_str()) {
            let end = format!("</{name}");
            let k = html[j.min(b.len())..]
                .to_ascii_lowercase()
                .find(&end)
                .map_or(b.len(), |k| j + k);
            empty = html[j.min(b.len())..k].trim().is_empty();
            j = k;
        }
        out.push((name, attrs, empty));
        i = j;
    }
    out
}

/// Parses an HTML page as a browser would and checks that the data made
/// no element and no attribute: the only scripts are the theme's own
/// (`<script src=….js>`, empty), no attribute is an event handler, no image
/// was injected. Returns the page's text and its attribute values.
fn parse_page(name: &str, html: &str) -> (String, Vec<String>) {
    let doc = scraper::Html::parse_document(html);
    let mut attrs = Vec::new();
    for el in doc
        .root_element()
        .descendants()
        .filter_map(scraper::ElementRef::wrap)
    {
        let tag = el.value().name();
        check_element(name, tag, el.value().attrs(), || {
            el.inner_html().trim().is_empty()
        });
        attrs.extend(el.value().attrs().map(|(_, v)| v.to_string()));
    }
    let text = doc.root_element().text().collect::<String>();
    (text, attrs)
}

fn check_every_file(files: &[(String, Vec<u8>)], text: &str) {
    let mut html_pages = 0;
    let mut svgs = 0;
    let mut seen_in_html = false;
    let mut seen_in_title_and_attribute = false;
    for (name, bytes) in files {
        let ext = name.rsplit('.').next().unwrap_or("");
        if ext == "js" || ext == "ttf" || ext == "woff2" || ext == "png" {
            continue; // theme assets, copied as they are
        }
        let s = String::from_utf8(bytes.clone()).unwrap_or_else(|_| panic!("{name} is not UTF-8"));
        match ext {
            "html" => {
                html_pages += 1;
                for (tag, attrs, empty) in scan_tags(&s) {
                    let attrs = attrs.iter().map(|(a, v)| (a.as_str(), v.as_str()));
                    check_element(name, &tag, attrs, || empty);
                }
                let (text_nodes, attrs) = parse_page(name, &s);
                let title = scraper::Html::parse_document(&s)
                    .select(&scraper::Selector::parse("title").unwrap())
                    .next()
                    .map(|t| t.text().collect::<String>())
                    .unwrap_or_default();
                if text_nodes.contains(text) {
                    seen_in_html = true;
                }
                if title.contains(text) && attrs.iter().any(|a| a.contains(text)) {
                    seen_in_title_and_attribute = true;
                }
            }
            "svg" => {
                svgs += 1;
                let doc = roxmltree::Document::parse(&s)
                    .unwrap_or_else(|e| panic!("{name} is not well-formed XML: {e}"));
                assert!(
                    doc.descendants()
                        .all(|n| !n.tag_name().name().eq_ignore_ascii_case("script")
                            && !n.tag_name().name().eq_ignore_ascii_case("foreignObject")
                            && n.attributes().all(|a| !a.name().starts_with("on"))),
                    "{name}: script or event attribute in a chart"
                );
                assert!(!s.to_ascii_lowercase().contains("<script"), "{name}");
            }
            "xml" | "atom" | "rss" => {
                roxmltree::Document::parse(&s)
                    .unwrap_or_else(|e| panic!("{name} is not well-formed XML: {e}"));
                assert!(!s.to_ascii_lowercase().contains("<script"), "{name}");
            }
            "json" => {
                let v: serde_json::Value =
                    serde_json::from_str(&s).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"));
                // JSON keeps the text exactly: it is data, escaped as JSON.
                if v.get("records").is_some() {
                    assert_eq!(v["city"].as_str(), Some(text), "{name}");
                    assert!(
                        v["records"].as_array().is_some_and(|r| !r.is_empty()),
                        "{name}"
                    );
                }
            }
            "csv" => {
                for cell in csv_cells(&s) {
                    assert!(
                        !cell.starts_with(['=', '+', '@']),
                        "{name}: a cell a spreadsheet would run: {cell:?}"
                    );
                }
            }
            _ => {
                assert!(!s.to_ascii_lowercase().contains("<script"), "{name}");
            }
        }
    }
    assert!(html_pages >= 5, "{html_pages} pages");
    assert!(svgs >= 2, "{svgs} charts");
    assert!(seen_in_html, "the hostile text is shown as text somewhere");
    assert!(
        seen_in_title_and_attribute,
        "the hostile text survives whole in a <title> and an attribute"
    );
}

/// Every cell of a CSV file.
fn csv_cells(text: &str) -> Vec<String> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    r.records()
        .flat_map(|rec| {
            rec.expect("well-formed CSV")
                .iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn hostile_text_is_escaped_in_every_page_chart_and_data_file() {
    let text = payload();
    let site = hostile_site(&text);
    let (_guard, out, files) = build(site.path());
    check_every_file(&files, &text);
    // The Tera braces are shown, not run; the text is whole.
    let page = common::read(&out, "programs/evil/index.html");
    let (text_nodes, _) = parse_page("programs/evil/index.html", &page);
    for part in [TERA, SCRIPT, ATTR, SVG_BREAK, RCDATA_BREAK] {
        assert!(text_nodes.contains(part), "{part}");
    }
    // Every chart names the program or indicator with the text intact.
    let svg = common::read(&out, "programs/evil/budget.svg");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let all_text: String = doc
        .descendants()
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("");
    assert!(
        all_text.contains(SCRIPT) || all_text.contains("<script>"),
        "the chart title keeps the text: {all_text}"
    );
}

#[test]
fn formula_text_is_neutralised_in_csv() {
    let site = hostile_site("=HYPERLINK(\"http://x\")");
    let (_guard, _out, files) = build(site.path());
    let csvs: Vec<_> = files.iter().filter(|(n, _)| n.ends_with(".csv")).collect();
    if csvs.is_empty() {
        return; // this theme publishes no CSV
    }
    let mut found = false;
    for (name, bytes) in csvs {
        let s = String::from_utf8_lossy(bytes);
        for cell in csv_cells(&s) {
            assert!(!cell.starts_with('='), "{name}: {cell}");
            found |= cell.starts_with("'=HYPERLINK");
        }
    }
    assert!(found, "the formula text is in the CSV, neutralised");
}

#[test]
fn a_megabyte_in_every_text_field_is_escaped_and_built() {
    let mut text = String::with_capacity(1 << 20);
    while text.len() < (1 << 20) {
        text.push_str("行政評価　<b>&\"'");
    }
    text.push_str(SCRIPT);
    let site = hostile_site(&text);
    let result = mieru::check(site.path());
    match result {
        Ok(r) => {
            for f in &r.files {
                let s = String::from_utf8_lossy(&f.bytes);
                if f.path.ends_with(".html") {
                    for (tag, attrs, empty) in scan_tags(&s) {
                        let attrs = attrs.iter().map(|(a, v)| (a.as_str(), v.as_str()));
                        check_element(&f.path, &tag, attrs, || empty);
                    }
                }
                if f.path.ends_with(".svg") {
                    roxmltree::Document::parse(&s).unwrap_or_else(|e| panic!("{}: {e}", f.path));
                }
            }
        }
        Err(d) => {
            // Refusing a megabyte is fine, as long as it is said clearly.
            assert!(d.has_errors());
        }
    }
}

fn check_errors(root: &Path) -> Vec<(String, String)> {
    match mieru::check(root) {
        Ok(_) => Vec::new(),
        Err(d) => d
            .iter()
            .map(|d| {
                (
                    d.code.to_string(),
                    d.location
                        .as_ref()
                        .map(|l| l.path.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                )
            })
            .collect(),
    }
}

#[test]
fn path_like_slugs_are_refused() {
    let evil = "../../etc/passwd";
    // As a direction id and an indicator id.
    for (rel, from, to) in [
        (
            "content/policies/evil.toml",
            "id = \"d1\"",
            format!("id = {}", q(evil)),
        ),
        (
            "content/programs/evil/program.toml",
            "id = \"second\"",
            format!("id = {}", q(evil)),
        ),
        (
            "content/programs/evil/program.toml",
            "policy = \"evil\"",
            format!("policy = {}", q(evil)),
        ),
        (
            "content/programs/evil/program.toml",
            "direction = \"d1\"",
            format!("direction = {}", q(evil)),
        ),
        (
            "content/site.toml",
            "evaluation_year = 2021",
            format!("evaluation_year = 2021\ntheme = {}", q("../../etc")),
        ),
    ] {
        let site = hostile_site("x");
        let p = site.path().join(rel);
        let s = std::fs::read_to_string(&p).unwrap().replacen(from, &to, 1);
        std::fs::write(&p, s).unwrap();
        let errors = check_errors(site.path());
        assert!(
            errors
                .iter()
                .any(|(c, f)| ["E011", "E030", "E031"].contains(&c.as_str()) && f == rel),
            "{rel}: {to} must be refused, got {errors:?}"
        );
    }
    // As a policy file name and a program folder name (a file name cannot
    // hold `/`, so the dots and capitals stand for it).
    for (from, to) in [
        (
            "content/policies/evil.toml",
            "content/policies/Etc..passwd.toml",
        ),
        ("content/programs/evil", "content/programs/Etc..passwd"),
    ] {
        let site = hostile_site("x");
        std::fs::rename(site.path().join(from), site.path().join(to)).unwrap();
        let errors = check_errors(site.path());
        assert!(
            errors.iter().any(|(c, f)| c == "E011" && f == to),
            "{to} must be refused, got {errors:?}"
        );
    }
}

#[test]
fn urls_in_site_toml_must_be_web_addresses() {
    for (key, value) in [
        ("base_url", "javascript:alert(1)"),
        ("url", "javascript:alert(1)"),
        ("base_url", "https://example.org/\"><script>"),
    ] {
        let site = hostile_site("x");
        let p = site.path().join("content/site.toml");
        let s = std::fs::read_to_string(&p).unwrap();
        let line = s
            .lines()
            .find(|l| l.starts_with(&format!("{key} =")))
            .unwrap();
        let s = s.replacen(line, &format!("{key} = {}", q(value)), 1);
        std::fs::write(&p, s).unwrap();
        let errors = check_errors(site.path());
        assert!(
            errors
                .iter()
                .any(|(c, f)| c == "E018" && f == "content/site.toml"),
            "{key} = {value} must be refused, got {errors:?}"
        );
    }
}

#[test]
fn no_data_can_choose_a_path_outside_the_output_folder() {
    let site = hostile_site(&payload());
    let rendered = mieru::check(site.path())
        .unwrap_or_else(|d| panic!("{}", d.render(mieru::diag::MessageFormat::Human)));
    for f in &rendered.files {
        let p = Path::new(&f.path);
        assert!(!p.is_absolute(), "{}", f.path);
        assert!(
            p.components()
                .all(|c| matches!(c, std::path::Component::Normal(_))),
            "{}",
            f.path
        );
        assert!(
            f.path
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b)),
            "an output path made of data: {}",
            f.path
        );
    }
    // The build writes only inside its output folder.
    let parent = tempfile::tempdir().unwrap();
    let out = parent.path().join("site");
    let mut opts = mieru::BuildOptions::new(site.path());
    opts.output = Some(out.clone());
    mieru::build(&opts).unwrap_or_else(|_| panic!("builds"));
    let names: Vec<_> = std::fs::read_dir(parent.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["site"], "nothing beside the output folder");
    for (rel, _) in snapshot(&out) {
        assert!(!rel.contains(".."), "{rel}");
    }
}
