//! The live-reload script and the error overlay: what the preview adds to
//! every HTML response before `</body>`. The built files never contain it.

use crate::chart::escape_xml;

/// The server-sent event stream the script listens to.
pub const EVENTS_PATH: &str = "/__mieru/events";
pub const SCRIPT_PATH: &str = "/__mieru/live.js";
pub const STYLE_PATH: &str = "/__mieru/live.css";
pub const SCRIPT: &str = include_str!("live.js");
pub const STYLE: &str = include_str!("live.css");

/// What is added to a page served from build `generation`: the overlay
/// with `errors` (the text `mieru check` prints) when there are errors,
/// then the script.
pub fn snippet(generation: u64, errors: Option<&str>) -> String {
    let mut s = String::new();
    if let Some(errors) = errors {
        s.push_str(&overlay(errors));
    }
    s.push_str(&format!(
        "<script src=\"{SCRIPT_PATH}\" data-generation=\"{generation}\"></script>"
    ));
    s
}

/// An alert dialog over the last good page: labelled by its heading,
/// described by its lead sentence, the errors in a `<pre>` exactly as
/// `mieru check` prints them, closed by its button or Esc. It is shown
/// without JavaScript too (`open`); the script makes it modal.
fn overlay(errors: &str) -> String {
    format!(
        concat!(
            "<link rel=\"stylesheet\" href=\"{css}\">",
            "<dialog id=\"mieru-overlay\" open role=\"alertdialog\" ",
            "aria-labelledby=\"mieru-overlay-title\" aria-describedby=\"mieru-overlay-lead\">",
            "<h2 id=\"mieru-overlay-title\">内容にエラーがあります / The content has errors</h2>",
            "<p id=\"mieru-overlay-lead\">下の誤りを直して保存すると、このページは自動で更新されます。",
            "後ろに見えているのは、最後に正しく生成できたページです。 / ",
            "Fix the problems below and save: the page reloads by itself. ",
            "Behind this box is the last page that built.</p>",
            "<pre id=\"mieru-overlay-errors\" tabindex=\"0\" ",
            "aria-label=\"エラーの一覧 / the errors\">{errors}</pre>",
            "<form method=\"dialog\"><button type=\"submit\" autofocus>",
            "閉じる（Esc キー） / Close (Esc)</button></form>",
            "</dialog>"
        ),
        css = STYLE_PATH,
        errors = escape_xml(errors)
    )
}

/// `html` with `snippet` inserted before its last `</body>` (any case), or
/// appended when it has none.
pub fn inject(html: &[u8], snippet: &str) -> Vec<u8> {
    let at = rfind_ignore_case(html, b"</body").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// `html` with `<base href="/">` right after its `<head>`, for the 404
/// page, which is served at any depth but links from the top.
pub fn with_base(html: &[u8]) -> Vec<u8> {
    // `<head>` or `<head …>`, not `<header>`.
    let Some(start) = (0..html.len()).find(|&i| {
        html[i..].len() > 5
            && html[i..i + 5].eq_ignore_ascii_case(b"<head")
            && matches!(html[i + 5], b'>' | b' ' | b'\t' | b'\n' | b'\r')
    }) else {
        return html.to_vec();
    };
    let Some(end) = html[start..].iter().position(|&b| b == b'>') else {
        return html.to_vec();
    };
    let at = start + end + 1;
    let mut out = Vec::with_capacity(html.len() + 20);
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(b"<base href=\"/\">");
    out.extend_from_slice(&html[at..]);
    out
}

/// The page served when the site has no page at that address and no
/// 404.html: before the first successful build, or with a theme without one.
pub fn fallback_page(has_built: bool) -> String {
    let (title, text) = if has_built {
        (
            "ページが見つかりません / Page not found",
            "このアドレスのページはありません。 / There is no page at this address.",
        )
    } else {
        (
            "まだページがありません / No page yet",
            "内容にエラーがあるため、サイトをまだ生成できていません。エラーを直して保存すると、このページは自動で更新されます。 / The site has not been built yet because the content has errors: fix them and save, and this page reloads by itself.",
        )
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n</head>\n<body>\n<main>\n<h1>{title}</h1>\n<p>{text}</p>\n<p><a href=\"/\">トップページへ / Top page</a></p>\n</main>\n</body>\n</html>\n"
    )
}

fn rfind_ignore_case(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_last_closing_body_tag() {
        let page = b"<html><body><p>&lt;/body&gt;</p><!-- </body> --></BODY></html>";
        let out = String::from_utf8(inject(page, "<script></script>")).unwrap();
        assert_eq!(
            out,
            "<html><body><p>&lt;/body&gt;</p><!-- </body> --><script></script></BODY></html>"
        );
        let out = String::from_utf8(inject(b"<p>no body", "<s>")).unwrap();
        assert_eq!(out, "<p>no body<s>");
        let out = String::from_utf8(inject(b"", "<s>")).unwrap();
        assert_eq!(out, "<s>");
    }

    #[test]
    fn the_snippet_carries_the_build_and_only_shows_errors_when_there_are_some() {
        let ok = snippet(7, None);
        assert_eq!(
            ok,
            "<script src=\"/__mieru/live.js\" data-generation=\"7\"></script>"
        );
        assert!(!ok.contains("mieru-overlay"));
        let bad = snippet(8, Some("error[E004]: 不明なキー\n --> a.toml:3:1\n"));
        assert!(bad.contains("role=\"alertdialog\""), "{bad}");
        assert!(bad.contains("aria-labelledby=\"mieru-overlay-title\""));
        assert!(bad.contains("id=\"mieru-overlay-title\""));
        assert!(bad.contains("<pre id=\"mieru-overlay-errors\" tabindex=\"0\""));
        assert!(bad.contains("error[E004]: 不明なキー\n --&gt; a.toml:3:1\n</pre>"));
        assert!(bad.contains("<button type=\"submit\" autofocus>閉じる"));
        assert!(bad.ends_with("data-generation=\"8\"></script>"));
    }

    #[test]
    fn errors_are_escaped_in_the_overlay() {
        let bad = snippet(1, Some("name = \"</pre><script>alert(1)</script>&\""));
        assert!(!bad.contains("<script>alert"), "{bad}");
        assert!(bad.contains(
            "name = &quot;&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;</pre>"
        ));
    }

    #[test]
    fn the_not_found_page_links_from_the_top() {
        let out = with_base(b"<!DOCTYPE html><html lang=ja><head><meta charset=utf-8>");
        assert_eq!(
            out,
            b"<!DOCTYPE html><html lang=ja><head><base href=\"/\"><meta charset=utf-8>"
        );
        assert_eq!(with_base(b"<p>x"), b"<p>x");
        assert_eq!(
            with_base(b"<header><head>"),
            b"<header><head><base href=\"/\">"
        );
        assert!(fallback_page(false).contains("<h1>まだページがありません"));
    }
}
