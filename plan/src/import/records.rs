//! Splitting CSV input into records, each with the line on which it starts.
//!
//! The `csv` crate parses the cells, but this module finds where each
//! record starts and ends, for two reasons:
//!
//! - Line numbers. A record's line is the line a text editor shows for its
//!   first character, counting every line break (`\n`, `\r\n` or a lone
//!   `\r`), blank lines and the line breaks inside quoted cells. The record
//!   positions of the `csv` crate 1.4 count neither the blank lines before
//!   a record nor the `\n` of a `\r\n` that ends the previous one.
//! - Open quotes. A quote that is never closed would make the rest of the
//!   file one cell. So a quoted cell that is still open at the end of the
//!   input, or that runs over more than [`MAX_CELL_LINES`] lines, is taken
//!   to start at a stray quote. Its record is skipped with a reason that
//!   names the quote, and reading starts again on the line after the quote.

use crate::import::report::SkippedRow;
use crate::import::Row;

/// The largest number of lines a quoted cell may span. A longer cell is
/// taken to start at a stray quote.
///
/// NOTE: a guess, well above the numbered step lists and notes that
/// planning sheets keep in one cell. A stray quote that another stray quote
/// closes within this many lines is not detected. Its row is then usually
/// skipped for having too few or too many cells.
pub(crate) const MAX_CELL_LINES: usize = 100;

/// How much of the text after an open quote the skip reason quotes.
const QUOTE_EXCERPT_CHARS: usize = 40;

/// Splits `input` (without a byte order mark) into records. A record that
/// cannot be read becomes a skipped row. Empty lines make no record.
pub(crate) fn read_records(input: &[u8], delimiter: u8) -> Vec<Result<Row, SkippedRow>> {
    let mut scanner = Scanner {
        input,
        delimiter,
        position: 0,
        line: 1,
    };

    let mut records = Vec::new();
    while let Some(span) = scanner.next_record() {
        match span {
            RecordSpan::Complete { start, end, line } => {
                if start < end {
                    records.push(parse_record(&input[start..end], delimiter, line));
                }
            }
            RecordSpan::OpenQuote { line, quote } => {
                records.push(Err(SkippedRow {
                    line,
                    reason: open_quote_reason(input, &quote),
                }));
            }
        }
    }
    records
}

/// The extent of one record in the input.
enum RecordSpan {
    /// A record from `start` to `end` (a byte range without the line
    /// break), starting on `line`.
    Complete {
        start: usize,
        end: usize,
        line: usize,
    },
    /// A record starting on `line` whose quoted cell never closes.
    OpenQuote { line: usize, quote: OpenQuote },
}

/// A quote that opened a cell and was never closed.
struct OpenQuote {
    /// The byte offset of the quote character.
    offset: usize,
    /// The line of the quote character.
    line: usize,
    /// The 1-based column of the cell it opens.
    column: usize,
    /// Whether the input ended inside the cell, rather than the cell
    /// running over [`MAX_CELL_LINES`] lines.
    at_end_of_input: bool,
}

/// A cursor that walks the input one record at a time, with the quoting
/// rules of the `csv` crate's default reader. A quote opens a quoted cell
/// only as the first character of a cell, and `""` inside it is one quote.
/// Any other character after the closing quote continues the cell unquoted.
struct Scanner<'a> {
    input: &'a [u8],
    delimiter: u8,
    position: usize,
    /// The 1-based line of `position`.
    line: usize,
}

impl Scanner<'_> {
    fn next_record(&mut self) -> Option<RecordSpan> {
        if self.position >= self.input.len() {
            return None;
        }

        let start = self.position;
        let line = self.line;
        let mut column = 1;
        let mut at_cell_start = true;

        while self.position < self.input.len() {
            let byte = self.input[self.position];

            if byte == b'\r' || byte == b'\n' {
                let end = self.position;
                self.skip_line_break();
                return Some(RecordSpan::Complete { start, end, line });
            }

            if byte == self.delimiter {
                column += 1;
                at_cell_start = true;
                self.position += 1;
                continue;
            }

            if at_cell_start && byte == b'"' {
                if let Some(quote) = self.skip_quoted_cell(column) {
                    self.restart_after(&quote);
                    return Some(RecordSpan::OpenQuote { line, quote });
                }
            } else {
                self.position += 1;
            }
            at_cell_start = false;
        }

        Some(RecordSpan::Complete {
            start,
            end: self.input.len(),
            line,
        })
    }

    /// Moves past a quoted cell that starts at the current position, up to
    /// its closing quote. Returns the quote when the cell never closes.
    fn skip_quoted_cell(&mut self, column: usize) -> Option<OpenQuote> {
        let quote_offset = self.position;
        let quote_line = self.line;
        self.position += 1;

        while self.position < self.input.len() {
            match self.input[self.position] {
                b'"' if self.input.get(self.position + 1) == Some(&b'"') => self.position += 2,
                b'"' => {
                    self.position += 1;
                    return None;
                }
                b'\r' | b'\n' => {
                    self.skip_line_break();
                    if self.line - quote_line >= MAX_CELL_LINES {
                        return Some(OpenQuote {
                            offset: quote_offset,
                            line: quote_line,
                            column,
                            at_end_of_input: false,
                        });
                    }
                }
                _ => self.position += 1,
            }
        }

        Some(OpenQuote {
            offset: quote_offset,
            line: quote_line,
            column,
            at_end_of_input: true,
        })
    }

    /// Moves to the start of the line after the open quote, so the lines
    /// that the quote would have swallowed are read as rows again.
    fn restart_after(&mut self, quote: &OpenQuote) {
        self.position = quote.offset;
        self.line = quote.line;
        while self.position < self.input.len() {
            let byte = self.input[self.position];
            if byte == b'\r' || byte == b'\n' {
                self.skip_line_break();
                return;
            }
            self.position += 1;
        }
    }

    /// Moves past one line break (`\r\n`, `\n` or `\r`) at the current
    /// position and counts it.
    fn skip_line_break(&mut self) {
        if self.input[self.position] == b'\r' && self.input.get(self.position + 1) == Some(&b'\n') {
            self.position += 1;
        }
        self.position += 1;
        self.line += 1;
    }
}

/// Reads the cells of one record with the `csv` crate.
fn parse_record(bytes: &[u8], delimiter: u8, line: usize) -> Result<Row, SkippedRow> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);

    let mut record = csv::ByteRecord::new();
    if let Err(error) = reader.read_byte_record(&mut record) {
        return Err(SkippedRow {
            line,
            reason: format!("the row is not valid CSV: {error}"),
        });
    }

    let cells: Result<Vec<String>, _> = record
        .iter()
        .map(|cell| std::str::from_utf8(cell).map(str::to_owned))
        .collect();
    match cells {
        Ok(cells) => Ok(Row { line, cells }),
        Err(_) => Err(SkippedRow {
            line,
            reason: "the row is not valid UTF-8 text; save the file as CSV UTF-8".to_owned(),
        }),
    }
}

/// Explains a skipped row whose quote never closes, quoting the start of
/// the cell so the user can find it.
fn open_quote_reason(input: &[u8], quote: &OpenQuote) -> String {
    let rest = &input[quote.offset..];
    let line_end = rest
        .iter()
        .position(|&byte| byte == b'\r' || byte == b'\n')
        .unwrap_or(rest.len());
    let excerpt: String = String::from_utf8_lossy(&rest[..line_end])
        .chars()
        .take(QUOTE_EXCERPT_CHARS)
        .collect();

    let problem = if quote.at_end_of_input {
        "is never closed".to_owned()
    } else {
        format!("would make one cell of more than {MAX_CELL_LINES} lines")
    };
    format!(
        "the quote that starts cell {} on line {} (`{excerpt}`) {problem}, so the row was \
         skipped and the next line was read as a new row; close the quote with a second `\"` \
         or remove it",
        quote.column, quote.line
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(text: &str) -> Vec<usize> {
        read_records(text.as_bytes(), b',')
            .into_iter()
            .map(|record| match record {
                Ok(row) => row.line,
                Err(skipped) => skipped.line,
            })
            .collect()
    }

    #[test]
    fn crlf_lines_count_like_lf() {
        assert_eq!(lines_of("a,b\r\nc,d\r\n\r\ne,f\r\n"), [1, 2, 4]);
    }

    #[test]
    fn blank_lines_before_first_record_count() {
        assert_eq!(lines_of("\n\n\na,b\n"), [4]);
    }

    #[test]
    fn lone_carriage_return_ends_a_line() {
        assert_eq!(lines_of("a,b\rc,d\r"), [1, 2]);
    }

    #[test]
    fn quoted_line_breaks_count_toward_later_lines() {
        assert_eq!(lines_of("a,\"one\r\ntwo\"\r\nc,d\r\n"), [1, 3]);
    }

    #[test]
    fn doubled_quote_stays_inside_cell() {
        let records = read_records(b"\"say \"\"hi\"\"\",b\nc,d\n", b',');

        let Ok(row) = &records[0] else {
            panic!("the first record was skipped");
        };
        assert_eq!(row.cells, ["say \"hi\"", "b"]);
    }

    #[test]
    fn open_quote_at_end_skips_only_its_line() {
        let records = read_records(b"a,b\nc,\"d,e\nf,g\n", b',');

        assert_eq!(records.len(), 3);
        assert!(records[1].is_err());
        assert_eq!(
            records[2].as_ref().map(|row| row.line).ok(),
            Some(3),
            "the line after the open quote is read as a row"
        );
    }

    #[test]
    fn quote_spanning_too_many_lines_is_open() {
        let mut text = String::from("a,\"b\n");
        for _ in 0..MAX_CELL_LINES {
            text.push_str("c,d\n");
        }
        text.push_str("e\"\n");

        let records = read_records(text.as_bytes(), b',');

        assert!(records[0].is_err());
        assert_eq!(records[1].as_ref().map(|row| row.line).ok(), Some(2));
    }
}
