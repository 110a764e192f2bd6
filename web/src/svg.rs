//! A tiny SVG writer: elements as text, with attribute and text escaping. The memory graph is
//! drawn as one string set as the container's HTML, which keeps the page's wasm small and a
//! redraw fast (one parse instead of thousands of reactive nodes).

use pyscope_layout::Rect;

/// Writes SVG into a string.
#[derive(Default)]
pub struct Svg {
    pub out: String,
}

/// Escapes text for an attribute value or element content.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with one decimal.
pub fn n(x: f64) -> String {
    pyscope_layout::fixed1(x)
}

impl Svg {
    /// Opens `<tag a="v" ...>` (attributes with an empty value are left out).
    pub fn open(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.out.push('<');
        self.out.push_str(tag);
        for (k, v) in attrs {
            if !v.is_empty() {
                self.out.push_str(&format!(" {k}=\"{}\"", escape(v)));
            }
        }
        self.out.push('>');
    }

    pub fn close(&mut self, tag: &str) {
        self.out.push_str(&format!("</{tag}>"));
    }

    /// A whole element holding escaped `text`.
    pub fn text_el(&mut self, tag: &str, attrs: &[(&str, &str)], text: &str) {
        self.open(tag, attrs);
        self.out.push_str(&escape(text));
        self.close(tag);
    }

    /// A rectangle with rounded corners.
    pub fn rect(&mut self, r: Rect, class: &str) {
        self.text_el(
            "rect",
            &[
                ("class", class),
                ("x", &n(r.x)),
                ("y", &n(r.y)),
                ("width", &n(r.w)),
                ("height", &n(r.h)),
                ("rx", "3"),
            ],
            "",
        );
    }

    /// Text at (x, y), anchored `anchor` and centred vertically.
    pub fn label(&mut self, class: &str, x: f64, y: f64, anchor: &str, text: &str) {
        self.text_el(
            "text",
            &[
                ("class", class),
                ("x", &n(x)),
                ("y", &n(y)),
                ("text-anchor", anchor),
                ("dominant-baseline", "central"),
            ],
            text,
        );
    }

    /// A reference dot at (x, y).
    pub fn dot(&mut self, x: f64, y: f64) {
        self.text_el(
            "circle",
            &[("class", "dot"), ("cx", &n(x)), ("cy", &n(y)), ("r", "3.5")],
            "",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_skips_empty_attributes() {
        let mut s = Svg::default();
        s.text_el("text", &[("class", "a"), ("data-x", "")], "<'a' & \"b\">");
        assert_eq!(
            s.out,
            "<text class=\"a\">&lt;'a' &amp; &quot;b&quot;&gt;</text>"
        );
    }
}
