//! Self-contained HTML pages: one file with its CSS, script and data inline, no network, opens
//! from disk. The report (`score`) puts its data in `<script type="application/json">` blocks
//! that its script renders (so large reports page and render lazily); the evaluation page
//! (`eval`), small and bounded, is finished HTML. Every piece of text from an article or a
//! record reaches a page either escaped here or as JSON that the script inserts as text, never
//! as markup.

pub mod data;
pub mod eval;
pub mod score;

use std::io::{self, Write};

/// Stance colours, a colour-blind-safe diverging scale (ColorBrewer PuOr): cautionary orange,
/// neutral light grey, optimistic purple; the page's CSS variables.
pub const STANCE_CSS: &str = ":root{--cautionary:#b35806;--cautionary-soft:#fdb863;\
--neutral:#d8d8d8;--optimistic:#542788;--optimistic-soft:#b2abd2;--ink:#1b1b1b;--muted:#666;\
--line:#ddd;--paper:#fff}";

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Writes `value` as JSON that is safe inside a `<script>` element: `<`, `>` and `&` as
/// `\u003c`, `\u003e`, `\u0026` (no `</script>` or `<!--` can close or confuse the block), and
/// the line separators U+2028 and U+2029 escaped too.
pub fn write_script_json<T: serde::Serialize + ?Sized>(
    w: &mut dyn Write,
    value: &T,
) -> io::Result<()> {
    let json = serde_json::to_string(value)?;
    w.write_all(script_safe(&json).as_bytes())
}

/// JSON text made safe inside a `<script>` element (see [`write_script_json`]).
pub fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            _ => out.push(c),
        }
    }
    out
}

/// The start of a page: doctype, title, a content security policy that allows no network
/// (inline style and script only; images only as data URLs), and the page's CSS.
pub fn write_head(w: &mut dyn Write, title: &str, css: &str) -> io::Result<()> {
    write!(
        w,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STANCE_CSS}{css}</style>\n</head>\n",
        escape(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_text_stays_text() {
        assert_eq!(
            escape(r#""><img src=x onerror=alert(1)>&'"#),
            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;&#39;"
        );
    }

    #[test]
    fn json_cannot_close_its_script_block() {
        let mut out = Vec::new();
        let text = "</script><script>alert(1)</script><!-- \u{2028}";
        write_script_json(&mut out, &serde_json::json!({ "text": text })).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(!out.contains('<') && !out.contains('\u{2028}'), "{out}");
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back["text"], text);
    }
}
