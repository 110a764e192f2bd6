//! Maps byte offsets in the source to 1-based lines and 0-based byte columns.

use ruff_text_size::TextSize;

use crate::code::Position;

/// The start offset of every line of a source text.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(source: &str) -> LineIndex {
        let mut starts = vec![0];
        for (i, b) in source.bytes().enumerate() {
            if b == b'\n' {
                starts.push(i as u32 + 1);
            }
        }
        LineIndex { starts }
    }

    /// 1-based line containing `offset`.
    pub fn line_of(&self, offset: TextSize) -> u32 {
        let o = u32::from(offset);
        match self.starts.binary_search(&o) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }

    /// 0-based byte column of `offset` within its line.
    pub fn col_of(&self, offset: TextSize) -> u32 {
        let line = self.line_of(offset);
        u32::from(offset) - self.starts[line as usize - 1]
    }

    /// The position of a byte range.
    pub fn position(&self, start: TextSize, end: TextSize) -> Position {
        Position {
            line: self.line_of(start),
            end_line: self.line_of(end),
            col: self.col_of(start),
            end_col: self.col_of(end),
        }
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: u32) -> u32 {
        self.starts
            .get(line.saturating_sub(1) as usize)
            .copied()
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let idx = LineIndex::new("ab\ncd\n\nx");
        assert_eq!(idx.line_of(TextSize::from(0)), 1);
        assert_eq!(idx.line_of(TextSize::from(3)), 2);
        assert_eq!(idx.col_of(TextSize::from(4)), 1);
        assert_eq!(idx.line_of(TextSize::from(7)), 4);
    }
}
