//! A light pre-scan of the source for the errors CPython's tokenizer reports and ruff words
//! differently: bracket nesting (too deep, mismatched, never closed), too many indentation
//! levels, and tabs mixed inconsistently with spaces.

use ruff_text_size::{TextRange, TextSize};

use crate::error::{CompileError, ErrorKind};

/// CPython's tokenizer limit on nested brackets (`MAXLEVEL`).
const MAX_BRACKET_DEPTH: usize = 200;
/// CPython's tokenizer limit on indentation levels (`MAXINDENT`).
const MAX_INDENT_LEVELS: usize = 100;

#[derive(Clone, Copy)]
struct Open {
    ch: char,
    offset: usize,
    line: u32,
}

/// Walks the source once, calling `on_bracket` for every bracket outside strings and comments
/// and `on_indent` with the indentation text of every logical line.
struct Scanner<'a> {
    src: &'a str,
    stack: Vec<Open>,
}

enum Event<'a> {
    Bracket { ch: char, offset: usize, line: u32 },
    LineIndent { indent: &'a str, offset: usize },
}

impl<'a> Scanner<'a> {
    fn run(
        &mut self,
        limit: usize,
        on: &mut dyn FnMut(Event<'a>, &[Open]) -> Option<CompileError>,
    ) -> Option<CompileError> {
        let bytes = self.src.as_bytes();
        let mut i = 0;
        let mut line = 1u32;
        let mut line_start = true;
        let mut continuation = false;
        while i < limit.min(bytes.len()) {
            let c = bytes[i];
            if line_start {
                line_start = false;
                let rest = &self.src[i..];
                let indent_len = rest.len() - rest.trim_start_matches([' ', '\t', '\x0c']).len();
                let after = &rest[indent_len..];
                let blank = after.is_empty() || after.starts_with(['\n', '\r', '#']);
                if self.stack.is_empty() && !continuation && !blank {
                    let ev = Event::LineIndent {
                        indent: &rest[..indent_len],
                        offset: i,
                    };
                    if let Some(e) = on(ev, &self.stack) {
                        return Some(e);
                    }
                }
                continuation = false;
                i += indent_len;
                continue;
            }
            match c {
                b'\n' => {
                    line += 1;
                    line_start = true;
                    i += 1;
                }
                b'\\' => {
                    continuation = bytes.get(i + 1) == Some(&b'\n');
                    i += 2;
                    if continuation {
                        line += 1;
                        line_start = true;
                    }
                }
                b'#' => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                }
                b'\'' | b'"' => {
                    let (end, lines) = skip_string(bytes, i);
                    i = end;
                    line += lines;
                }
                b'(' | b'[' | b'{' | b')' | b']' | b'}' => {
                    let ev = Event::Bracket {
                        ch: c as char,
                        offset: i,
                        line,
                    };
                    if let Some(e) = on(ev, &self.stack) {
                        return Some(e);
                    }
                    match c {
                        b'(' | b'[' | b'{' => self.stack.push(Open {
                            ch: c as char,
                            offset: i,
                            line,
                        }),
                        _ => {
                            self.stack.pop();
                        }
                    }
                    i += 1;
                }
                _ => i += 1,
            }
        }
        None
    }
}

/// Skips a string literal starting at the quote at `i`; returns the end and the newlines seen.
fn skip_string(bytes: &[u8], i: usize) -> (usize, u32) {
    let q = bytes[i];
    let triple = bytes.get(i + 1) == Some(&q) && bytes.get(i + 2) == Some(&q);
    let mut j = if triple { i + 3 } else { i + 1 };
    let mut lines = 0;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => {
                if bytes.get(j + 1) == Some(&b'\n') {
                    lines += 1;
                }
                j += 2;
                continue;
            }
            b'\n' if !triple => return (j, lines),
            b'\n' => lines += 1,
            c if c == q => {
                if !triple {
                    return (j + 1, lines);
                }
                if bytes.get(j + 1) == Some(&q) && bytes.get(j + 2) == Some(&q) {
                    return (j + 3, lines);
                }
            }
            _ => {}
        }
        j += 1;
    }
    (j, lines)
}

fn closing_for(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

/// Errors the tokenizer would raise before any parsing: nesting, mismatched brackets, indents.
pub fn check_before_parse(src: &str) -> Result<(), CompileError> {
    let mut indents: Vec<(usize, usize)> = vec![(0, 0)];
    let mut scanner = Scanner {
        src,
        stack: Vec::new(),
    };
    let err = scanner.run(src.len(), &mut |ev, stack| match ev {
        Event::Bracket { ch, offset, line } => match ch {
            '(' | '[' | '{' if stack.len() >= MAX_BRACKET_DEPTH => Some(CompileError::at(
                "too many nested parentheses".into(),
                TextSize::from(offset as u32),
            )),
            ')' | ']' | '}' => mismatch(stack, ch, offset, line),
            _ => None,
        },
        Event::LineIndent { indent, offset } => check_indent(&mut indents, indent, offset),
    });
    match err {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn mismatch(stack: &[Open], ch: char, offset: usize, line: u32) -> Option<CompileError> {
    let at = TextSize::from(offset as u32);
    match stack.last() {
        None => Some(CompileError::at(format!("unmatched '{ch}'"), at)),
        Some(open) if closing_for(open.ch) != ch => {
            let msg = if open.line != line {
                format!(
                    "closing parenthesis '{ch}' does not match opening parenthesis '{}' on line {}",
                    open.ch, open.line
                )
            } else {
                format!(
                    "closing parenthesis '{ch}' does not match opening parenthesis '{}'",
                    open.ch
                )
            };
            Some(CompileError::at(msg, at))
        }
        _ => None,
    }
}

/// Tracks indentation as CPython does, with tabs to multiples of 8 and, separately, tabs as one
/// column; if the two disagree about the nesting, the indentation is inconsistent.
fn check_indent(
    stack: &mut Vec<(usize, usize)>,
    indent: &str,
    offset: usize,
) -> Option<CompileError> {
    let mut col = 0;
    let mut alt = 0;
    for ch in indent.chars() {
        match ch {
            '\t' => {
                col = (col / 8 + 1) * 8;
                alt += 1;
            }
            '\x0c' => {
                col = 0;
                alt = 0;
            }
            _ => {
                col += 1;
                alt += 1;
            }
        }
    }
    let tab_error = || {
        Some(
            CompileError::at(
                "inconsistent use of tabs and spaces in indentation".into(),
                TextSize::from(offset as u32),
            )
            .with_kind(ErrorKind::TabError)
            .without_carets(),
        )
    };
    let &(top, alt_top) = stack.last()?;
    if col == top {
        if alt != alt_top {
            return tab_error();
        }
    } else if col > top {
        if alt <= alt_top {
            return tab_error();
        }
        if stack.len() >= MAX_INDENT_LEVELS {
            return Some(
                CompileError::at(
                    "too many levels of indentation".into(),
                    TextSize::from(offset as u32),
                )
                .with_kind(ErrorKind::IndentationError),
            );
        }
        stack.push((col, alt));
    } else {
        while stack.len() > 1 && col < stack[stack.len() - 1].0 {
            stack.pop();
        }
        let &(top, alt_top) = stack.last()?;
        if col == top && alt != alt_top {
            return tab_error();
        }
    }
    None
}

/// If a bracket opened on an earlier line than `error_at` is still open there, CPython reports
/// it as never closed instead of the parser's error.
pub fn unclosed_bracket_before(src: &str, error_at: TextSize) -> Option<CompileError> {
    let limit = usize::from(error_at);
    let mut scanner = Scanner {
        src,
        stack: Vec::new(),
    };
    scanner.run(limit, &mut |_, _| None);
    let open = *scanner.stack.last()?;
    let error_line = src[..limit.min(src.len())].matches('\n').count() as u32 + 1;
    let at_eof = src[limit.min(src.len())..].trim().is_empty();
    if error_line > open.line || at_eof {
        let at = TextSize::from(open.offset as u32);
        return Some(CompileError::new(
            format!("'{}' was never closed", open.ch),
            TextRange::at(at, TextSize::from(1)),
        ));
    }
    None
}
