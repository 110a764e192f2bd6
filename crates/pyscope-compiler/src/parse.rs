//! Parsing with `ruff_python_parser` (Python 3.11 grammar), with parse errors reworded and
//! re-positioned the way CPython 3.11 reports them.

use ruff_python_ast::token::TokenKind;
use ruff_python_ast::{ModModule, PythonVersion};
use ruff_python_parser::{
    InterpolatedStringErrorType, LexicalErrorType, Mode, ParseError, ParseErrorType, ParseOptions,
};
use ruff_text_size::{TextRange, TextSize};

use crate::error::{CompileError, ErrorKind};
use crate::scan;

/// Parses a module, or returns the first error as CPython would word it.
pub fn parse_module(source: &str) -> Result<ModModule, CompileError> {
    scan::check_before_parse(source)?;
    let options = ParseOptions::from(Mode::Module).with_target_version(PythonVersion::PY311);
    let parsed = ruff_python_parser::parse_unchecked(source, options);
    if let Some(err) = parsed.errors().first() {
        return Err(translate(source, err));
    }
    if let Some(err) = parsed.unsupported_syntax_errors().first() {
        return Err(CompileError::new("invalid syntax".into(), err.range));
    }
    match parsed.try_into_module() {
        Some(m) => Ok(m.into_syntax()),
        None => Err(CompileError::new(
            "invalid syntax".into(),
            TextRange::default(),
        )),
    }
}

/// Maps one ruff parse error to CPython's message and caret range.
fn translate(source: &str, err: &ParseError) -> CompileError {
    let range = err.location;
    if let Some(unclosed) = scan::unclosed_bracket_before(source, range.start()) {
        return unclosed;
    }
    let generic = || CompileError::new("invalid syntax".into(), token_range(source, range));
    match &err.error {
        ParseErrorType::ExpectedToken { expected, found } => {
            expected_token(source, range, *expected, *found).unwrap_or_else(generic)
        }
        ParseErrorType::SimpleStatementsOnSameLine => simple_statements(source, range),
        ParseErrorType::InvalidAssignmentTarget => assignment_target(source, range, "assign to"),
        ParseErrorType::InvalidDeleteTarget => CompileError::new(
            format!("cannot delete {}", describe_target(slice(source, range))),
            range,
        ),
        ParseErrorType::InvalidAugmentedAssignmentTarget => CompileError::new(
            format!(
                "'{}' is an illegal expression for augmented assignment",
                describe_target(slice(source, range))
            ),
            range,
        ),
        ParseErrorType::NonDefaultParamAfterDefaultParam => CompileError::new(
            "non-default argument follows default argument".into(),
            range,
        ),
        ParseErrorType::PositionalAfterKeywordArgument => {
            let end = range.end();
            CompileError::at("positional argument follows keyword argument".into(), end)
        }
        ParseErrorType::PositionalAfterKeywordUnpacking => CompileError::at(
            "positional argument follows keyword argument unpacking".into(),
            range.end(),
        ),
        ParseErrorType::InvalidArgumentUnpackingOrder => CompileError::at(
            "iterable argument unpacking follows keyword argument unpacking".into(),
            range.start(),
        ),
        ParseErrorType::UnparenthesizedGeneratorExpression => {
            CompileError::new("Generator expression must be parenthesized".into(), range)
        }
        ParseErrorType::UnexpectedIndentation => {
            CompileError::new("unexpected indent".into(), range)
                .with_kind(ErrorKind::IndentationError)
                .without_carets()
        }
        ParseErrorType::OtherError(msg) => other_error(source, range, msg).unwrap_or_else(generic),
        ParseErrorType::Lexical(lex) => lexical(source, range, lex),
        ParseErrorType::FStringError(e) => fstring_error(range, e),
        ParseErrorType::ExpectedExpression | ParseErrorType::EmptyImportNames => {
            CompileError::at("invalid syntax".into(), range.start())
        }
        _ => generic(),
    }
}

fn slice(source: &str, range: TextRange) -> &str {
    source
        .get(usize::from(range.start())..usize::from(range.end()))
        .unwrap_or("")
}

/// The range of the token starting at `range.start()`, at least one character long.
fn token_range(source: &str, range: TextRange) -> TextRange {
    if range.is_empty() {
        let next = source[usize::from(range.start())..]
            .chars()
            .next()
            .map_or(1, char::len_utf8);
        return TextRange::at(range.start(), TextSize::from(next as u32));
    }
    range
}

/// The end of the last token before `offset` (skipping whitespace and comments).
fn previous_token_end(source: &str, offset: TextSize) -> TextSize {
    let before = &source[..usize::from(offset)];
    let trimmed = before.trim_end();
    TextSize::from(trimmed.len() as u32)
}

fn expected_token(
    source: &str,
    range: TextRange,
    expected: TokenKind,
    found: TokenKind,
) -> Option<CompileError> {
    let at_line_end = matches!(found, TokenKind::Newline | TokenKind::EndOfFile);
    match expected {
        TokenKind::Colon if at_line_end => Some(CompileError::at(
            "expected ':'".into(),
            previous_token_end(source, range.start()),
        )),
        TokenKind::Colon if found == TokenKind::Equal => {
            let line_start = source[..usize::from(range.start())]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let header = &source[line_start..usize::from(range.start())];
            let keyword_len = header.len() - header.trim_start().len()
                + header.trim_start().find(' ').map_or(0, |i| i + 1);
            let start = TextSize::from((line_start + keyword_len) as u32);
            let value_end = source[usize::from(range.end())..]
                .find(':')
                .map_or(range.end(), |i| range.end() + TextSize::from(i as u32));
            let end = previous_token_end(source, value_end);
            Some(CompileError::new(
                "invalid syntax. Maybe you meant '==' or ':=' instead of '='?".into(),
                TextRange::new(start, end.max(start)),
            ))
        }
        TokenKind::Colon if found == TokenKind::Rbrace => Some(CompileError::at(
            "':' expected after dictionary key".into(),
            previous_token_end(source, range.start())
                .checked_sub(TextSize::from(1))
                .unwrap_or_default(),
        )),
        TokenKind::Lpar if found == TokenKind::Colon => {
            Some(CompileError::at("expected '('".into(), range.start()))
        }
        TokenKind::Indent => None,
        _ => None,
    }
}

/// `print "x"` gets CPython's special message; other juxtaposed statements are plain errors.
fn simple_statements(source: &str, range: TextRange) -> CompileError {
    let line_start = source[..usize::from(range.start())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let before = source[line_start..usize::from(range.start())].trim();
    if before == "print" || before == "exec" {
        let line_end = source[line_start..]
            .find('\n')
            .map_or(source.len(), |i| line_start + i);
        let indent = source[line_start..].len() - source[line_start..].trim_start().len();
        let start = TextSize::from((line_start + indent) as u32);
        let end = previous_token_end(source, TextSize::from(line_end as u32));
        return CompileError::new(
            format!("Missing parentheses in call to '{before}'. Did you mean {before}(...)?"),
            TextRange::new(start, end),
        );
    }
    CompileError::at("invalid syntax".into(), range.start())
}

fn assignment_target(source: &str, range: TextRange, verb: &str) -> CompileError {
    let text = slice(source, range);
    let what = describe_target(text);
    let after = source[usize::from(range.end())..].trim_start();
    let is_assign = after.starts_with('=') && !after.starts_with("==");
    let msg = match text {
        "True" | "False" | "None" | "__debug__" => format!("cannot {verb} {text}"),
        _ if is_assign => {
            format!("cannot {verb} {what} here. Maybe you meant '==' instead of '='?")
        }
        _ => format!("cannot {verb} {what}"),
    };
    CompileError::new(msg, range)
}

/// CPython's description of an expression that cannot be a target.
fn describe_target(text: &str) -> &'static str {
    let t = text.trim();
    if t.ends_with(')') && !t.starts_with('(') {
        "function call"
    } else if t.starts_with('"')
        || t.starts_with('\'')
        || t.starts_with(|c: char| c.is_ascii_digit())
    {
        "literal"
    } else if t.starts_with('f') && (t[1..].starts_with('"') || t[1..].starts_with('\'')) {
        "f-string expression"
    } else if t.starts_with("lambda") {
        "lambda"
    } else if t.contains(" if ") {
        "conditional expression"
    } else if t.contains(" and ") || t.contains(" or ") {
        "expression"
    } else if t.contains(['<', '>']) || t.contains("==") || t.contains("!=") {
        "comparison"
    } else {
        "expression"
    }
}

fn other_error(source: &str, range: TextRange, msg: &str) -> Option<CompileError> {
    if let Some(rest) = msg.strip_prefix("Expected an indented block after ") {
        let what = rest.trim_matches('`').replace('`', "");
        let header_line = header_line_before(source, range.start());
        let (what, kw_line) = describe_block(&what, header_line);
        let mut e = CompileError::at(
            format!("expected an indented block after {what} on line {kw_line}"),
            range.start(),
        )
        .with_kind(ErrorKind::IndentationError);
        if source[usize::from(range.start())..].starts_with(['\n', '\r']) || range.is_empty() {
            e = e.without_carets();
            e.range = TextRange::empty(previous_token_end(source, range.start()));
        }
        return Some(e);
    }
    if msg.starts_with("Expected `except` or `finally`") {
        let e = CompileError::at("expected 'except' or 'finally' block".into(), range.start());
        return Some(e.without_carets());
    }
    if msg == "Expected a statement" {
        return Some(CompileError::new(
            "invalid syntax".into(),
            token_range(source, range),
        ));
    }
    None
}

/// The 1-based line of the block header that precedes `offset`.
fn header_line_before(source: &str, offset: TextSize) -> u32 {
    let end = usize::from(previous_token_end(source, offset));
    source[..end].matches('\n').count() as u32 + 1
}

/// Turns ruff's "`if` statement" into CPython's "'if' statement", "function definition" etc.
fn describe_block(what: &str, line: u32) -> (String, u32) {
    let words: Vec<&str> = what.split_whitespace().collect();
    let kw = words.first().copied().unwrap_or("");
    let noun = match kw {
        "function" | "def" => "function definition".to_string(),
        "class" => "class definition".to_string(),
        _ => format!("'{}' statement", kw),
    };
    (noun, line)
}

fn lexical(source: &str, range: TextRange, lex: &LexicalErrorType) -> CompileError {
    match lex {
        LexicalErrorType::UnclosedStringError => {
            let text = slice(source, range);
            let triple = text.contains("'''") || text.contains("\"\"\"");
            let detected = if triple {
                source.matches('\n').count() as u32 + u32::from(!source.ends_with('\n'))
            } else {
                source[..usize::from(range.start())].matches('\n').count() as u32 + 1
            };
            let kind = if triple {
                "triple-quoted string literal"
            } else {
                "string literal"
            };
            let start = range.start() + TextSize::from(prefix_len(text) as u32);
            CompileError::at(
                format!("unterminated {kind} (detected at line {detected})"),
                start,
            )
        }
        LexicalErrorType::IndentationError => {
            let line_end = source[usize::from(range.start())..]
                .find('\n')
                .map_or(source.len(), |i| usize::from(range.start()) + i);
            CompileError::at(
                "unindent does not match any outer indentation level".into(),
                TextSize::from(line_end as u32),
            )
            .with_kind(ErrorKind::IndentationError)
        }
        LexicalErrorType::UnrecognizedToken { tok } => {
            let msg = if tok.is_ascii() && !tok.is_ascii_control() {
                "invalid syntax".to_string()
            } else {
                format!("invalid character '{tok}' (U+{:04X})", *tok as u32)
            };
            CompileError::at(msg, range.start())
        }
        LexicalErrorType::OtherError(msg) if msg.contains("Invalid decimal integer") => {
            CompileError::at(
                "leading zeros in decimal integer literals are not permitted; use an 0o prefix \
                 for octal integers"
                    .into(),
                range.start(),
            )
        }
        LexicalErrorType::FStringError(e) => fstring_error(range, e),
        LexicalErrorType::Eof => {
            CompileError::at("unexpected EOF while parsing".into(), range.start())
        }
        LexicalErrorType::LineContinuationError => CompileError::at(
            "unexpected character after line continuation character".into(),
            range.start(),
        ),
        _ => CompileError::at("invalid syntax".into(), range.start()),
    }
}

/// Length of a string literal's prefix letters (`rb`, `f`, ...).
fn prefix_len(text: &str) -> usize {
    text.find(['\'', '"']).unwrap_or(0)
}

fn fstring_error(range: TextRange, e: &InterpolatedStringErrorType) -> CompileError {
    let msg = match e {
        InterpolatedStringErrorType::UnclosedLbrace => "f-string: expecting '}'".to_string(),
        InterpolatedStringErrorType::SingleRbrace => "f-string: single '}' is not allowed".into(),
        InterpolatedStringErrorType::InvalidConversionFlag => {
            "f-string: invalid conversion character: expected 's', 'r', or 'a'".into()
        }
        InterpolatedStringErrorType::UnterminatedString => "f-string: expecting '}'".into(),
        other => format!("f-string: {other}"),
    };
    CompileError::at(msg, range.start())
}

/// Parses a single expression (the body of `eval`).
pub fn parse_expression(source: &str) -> Result<ruff_python_ast::Expr, CompileError> {
    let trimmed = source.trim_start_matches([' ', '\t']);
    let offset = source.len() - trimmed.len();
    scan::check_before_parse(trimmed)?;
    let options = ParseOptions::from(Mode::Expression).with_target_version(PythonVersion::PY311);
    let parsed = ruff_python_parser::parse_unchecked(trimmed, options);
    if let Some(err) = parsed.errors().first() {
        let mut e = translate(trimmed, err);
        e.range += TextSize::from(offset as u32);
        return Err(e);
    }
    match parsed.into_syntax() {
        ruff_python_ast::Mod::Expression(e) => Ok(*e.body),
        ruff_python_ast::Mod::Module(_) => Err(CompileError::new(
            "invalid syntax".into(),
            TextRange::default(),
        )),
    }
}
