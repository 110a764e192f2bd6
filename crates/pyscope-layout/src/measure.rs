//! Text measurement and the inline text of small values.

use pyscope_trace::{HeapObject, ObjectValue};

/// The advance of one character of the graph's monospace font, in layout units.
pub const CHAR_WIDTH: f64 = 7.8;

/// The drawn width of `text` in the graph's monospace font.
pub fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * CHAR_WIDTH
}

/// Python's `repr()` of a string: single quotes unless the text holds one and no double
/// quote, with backslash escapes for quotes, backslashes and control characters.
pub fn py_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Cuts `text` to at most `max` characters, ending with an ellipsis when cut.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The text of a value that is drawn inline rather than as a heap box, if it is one.
pub(crate) fn inline_text(obj: &HeapObject) -> Option<String> {
    Some(match &obj.value {
        ObjectValue::None => "None".to_string(),
        ObjectValue::Bool { value } => if *value { "True" } else { "False" }.to_string(),
        ObjectValue::Int { repr } | ObjectValue::Float { repr } | ObjectValue::Complex { repr } => {
            repr.clone()
        }
        ObjectValue::Bytes { repr } => repr.clone(),
        ObjectValue::Str { value } => py_str_repr(value),
        _ => return None,
    })
}

/// A one-line description of any object, used for titles and as a fallback text.
pub(crate) fn title(obj: &HeapObject) -> String {
    match &obj.value {
        ObjectValue::Function {
            name, signature, ..
        } => format!("function {name}{signature}"),
        ObjectValue::BuiltinFunction { name } => format!("builtin function {name}"),
        ObjectValue::Class { name, .. } => format!("class {name}"),
        ObjectValue::Instance { .. } => format!("{} instance", obj.type_name),
        ObjectValue::Module { name, .. } => format!("module {name}"),
        ObjectValue::Generator { name, status, .. } => {
            format!("{} {name} ({status})", obj.type_name)
        }
        ObjectValue::Leaf { name } => name.clone(),
        ObjectValue::Set { frozen: true, .. } => "frozenset".to_string(),
        _ => obj.type_name.clone(),
    }
}

/// The body text of objects that have no slots.
pub(crate) fn body_text(obj: &HeapObject) -> Option<String> {
    match &obj.value {
        ObjectValue::Range { start, stop, step } if step == "1" => {
            Some(format!("range({start}, {stop})"))
        }
        ObjectValue::Range { start, stop, step } => Some(format!("range({start}, {stop}, {step})")),
        ObjectValue::Exception { message, .. } => Some(message.clone()),
        ObjectValue::Class { mro, .. } if mro.len() > 1 => {
            Some(format!("mro: {}", mro.join(" → ")))
        }
        ObjectValue::Generator { frame: Some(f), .. } => {
            Some(format!("suspended at line {}", f.line))
        }
        ObjectValue::Other { repr } => Some(repr.clone()),
        _ => inline_text(obj),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn str_repr_matches_python() {
        assert_eq!(py_str_repr("abc"), "'abc'");
        assert_eq!(py_str_repr("it's"), "\"it's\"");
        assert_eq!(py_str_repr("a'b\"c"), "'a\\'b\"c'");
        assert_eq!(py_str_repr("x\ny\t\\"), "'x\\ny\\t\\\\'");
        assert_eq!(py_str_repr("\u{1}"), "'\\x01'");
        assert_eq!(py_str_repr("é"), "'é'");
    }

    #[test]
    fn shorten_cuts_with_ellipsis() {
        assert_eq!(shorten("abcdef", 10), "abcdef");
        assert_eq!(shorten("abcdef", 4), "abc…");
    }

    #[test]
    fn width_counts_chars_not_bytes() {
        assert_eq!(text_width("éé"), 2.0 * CHAR_WIDTH);
    }
}
