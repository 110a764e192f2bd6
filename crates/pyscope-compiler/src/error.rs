//! Compile errors: what went wrong, where, and which exception class CPython would raise.

use ruff_text_size::{TextRange, TextSize};

/// The exception class of a compile-time error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    SyntaxError,
    IndentationError,
    TabError,
    /// The AST nests deeper than the compiler allows (CPython raises RecursionError too).
    RecursionError,
}

impl ErrorKind {
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::SyntaxError => "SyntaxError",
            ErrorKind::IndentationError => "IndentationError",
            ErrorKind::TabError => "TabError",
            ErrorKind::RecursionError => "RecursionError",
        }
    }
}

/// A syntax or scoping error found before the program runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    pub kind: ErrorKind,
    pub message: String,
    /// Byte range in the source that the carets underline.
    pub range: TextRange,
    /// Whether CPython prints carets for this error (it omits them for some indentation errors).
    pub carets: bool,
    /// The line CPython reports, when it differs from the line of `range.start()`.
    pub line_override: Option<u32>,
}

impl CompileError {
    pub fn new(message: String, range: TextRange) -> CompileError {
        CompileError {
            kind: ErrorKind::SyntaxError,
            message,
            range,
            carets: true,
            line_override: None,
        }
    }

    pub fn with_kind(mut self, kind: ErrorKind) -> CompileError {
        self.kind = kind;
        self
    }

    pub fn without_carets(mut self) -> CompileError {
        self.carets = false;
        self
    }

    /// A one-character error at `offset`.
    pub fn at(message: String, offset: TextSize) -> CompileError {
        CompileError::new(message, TextRange::new(offset, offset + TextSize::from(1)))
    }

    /// Where the error sits, in the terms of a `SyntaxError` object.
    pub fn location(&self, source: &str) -> ErrorLocation {
        let start = usize::from(self.range.start()).min(source.len());
        let end = usize::from(self.range.end()).min(source.len()).max(start);
        let (line, line_start) = line_at(source, start);
        let (end_line, end_line_start) = line_at(source, end);
        let text = source[line_start..]
            .split('\n')
            .next()
            .unwrap_or("")
            .trim_end_matches('\r');
        let col = char_col(source, line_start, start);
        let end_col = char_col(source, end_line_start, end);
        ErrorLocation {
            line: self.line_override.unwrap_or(line),
            offset: col + 1,
            end_line,
            end_offset: end_col + 1,
            text: text.to_string(),
        }
    }
}

/// The `lineno`, `offset`, `end_lineno`, `end_offset` and `text` of a SyntaxError (1-based
/// character columns, as CPython reports them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorLocation {
    pub line: u32,
    pub offset: u32,
    pub end_line: u32,
    pub end_offset: u32,
    pub text: String,
}

fn line_at(source: &str, offset: usize) -> (u32, usize) {
    let before = &source[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, start)
}

fn char_col(source: &str, line_start: usize, offset: usize) -> u32 {
    source
        .get(line_start..offset)
        .map_or(0, |s| s.chars().count() as u32)
}
