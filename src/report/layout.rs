//! Fitting the table into a width. Every column but the last is as wide as its widest cell; the
//! last (the text) takes what is left, at least [`MIN_LAST`] characters. When that does not fit,
//! the clippable columns (names, topics, ids) give way first, widest first, down to
//! [`MIN_CLIPPED`] characters; stances, scores and counts never do; then the last column, down
//! to [`MIN_SQUEEZED`] characters. Narrower than that, lines run over. Clipped text ends in `…`
//! (ids and paths start with it instead, keeping the end that tells them apart). A cell may hold
//! several lines (continuation lines under its row); widths count characters.

use std::io::{self, Write};

/// Narrowest the last column is made when the width is short.
pub const MIN_LAST: usize = 30;

/// Narrowest the last column is made when the other columns cannot give way any more.
pub const MIN_SQUEEZED: usize = 16;

/// Narrowest a clippable column other than the last is made.
pub const MIN_CLIPPED: usize = 8;

/// Spaces between columns.
const GAP: usize = 2;

/// How a column gives way when the table is too wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Keeps its width (short values: stances, scores, counts).
    Keep,
    /// Clipped at the end (names, topics, text).
    End,
    /// Clipped at the start, keeping the end (ids and paths).
    Start,
}

/// A column: its title and how it gives way.
pub struct Column {
    pub title: &'static str,
    pub fit: Fit,
}

impl Column {
    pub const fn new(title: &'static str, fit: Fit) -> Column {
        Column { title, fit }
    }
}

/// One row: a cell per column, each one or more lines.
pub type Row = Vec<Vec<String>>;

/// Prints the header and `rows`, fitted into `width` characters (`None`: no clipping). The last
/// column is not padded and trailing spaces are trimmed.
pub fn print(
    w: &mut dyn Write,
    columns: &[Column],
    rows: &[Row],
    width: Option<usize>,
) -> io::Result<()> {
    let natural: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(c, col)| {
            let cells = rows.iter().flat_map(|r| r.get(c)).flatten();
            cells
                .map(|l| l.chars().count())
                .chain([col.title.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let widths = match width {
        Some(width) => fit(columns, &natural, width),
        None => natural,
    };
    let header: Row = columns.iter().map(|c| vec![c.title.to_string()]).collect();
    for row in std::iter::once(&header).chain(rows) {
        let height = row.iter().map(Vec::len).max().unwrap_or(0).max(1);
        for i in 0..height {
            let mut line = String::new();
            for (c, col) in columns.iter().enumerate() {
                let text = row.get(c).and_then(|cell| cell.get(i)).map_or("", |s| s);
                let last = c + 1 == columns.len();
                let fit = if last { Fit::End } else { col.fit };
                let cell = clip(text, widths[c], fit);
                line.push_str(&cell);
                if !last {
                    let pad = widths[c].saturating_sub(cell.chars().count()) + GAP;
                    line.extend(std::iter::repeat_n(' ', pad));
                }
            }
            writeln!(w, "{}", line.trim_end())?;
        }
    }
    Ok(())
}

/// Column widths that fit `width`: clippable columns shrink (widest first) until the last column
/// has [`MIN_LAST`] characters (or all it needs); the last takes what is left, at least
/// [`MIN_SQUEEZED`].
fn fit(columns: &[Column], natural: &[usize], width: usize) -> Vec<usize> {
    let mut widths = natural.to_vec();
    let Some(last) = widths.len().checked_sub(1) else {
        return widths;
    };
    let floor = |c: usize| natural[c].min(MIN_CLIPPED);
    let used = |widths: &[usize]| widths[..last].iter().sum::<usize>() + GAP * last;
    let wanted = natural[last].min(MIN_LAST);
    while used(&widths) + wanted > width {
        let widest = (0..last)
            .filter(|&c| columns[c].fit != Fit::Keep && widths[c] > floor(c))
            .max_by_key(|&c| (widths[c], std::cmp::Reverse(c)));
        match widest {
            Some(c) => widths[c] -= 1,
            None => break,
        }
    }
    widths[last] = width
        .saturating_sub(used(&widths))
        .max(natural[last].min(MIN_SQUEEZED));
    widths
}

/// `text` in at most `width` characters, marking a cut with `…`. A quoted text keeps its closing
/// quote mark.
pub fn clip(text: &str, width: usize, fit: Fit) -> String {
    let n = text.chars().count();
    if n <= width || fit == Fit::Keep {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    match fit {
        Fit::Start => {
            let tail: String = text.chars().skip(n - (width - 1)).collect();
            format!("…{tail}")
        }
        _ => {
            let quoted =
                width >= 3 && text.len() > 1 && text.starts_with('"') && text.ends_with('"');
            let keep = if quoted { width - 2 } else { width - 1 };
            let head: String = text.chars().take(keep).collect();
            if quoted {
                format!("{head}…\"")
            } else {
                format!("{head}…")
            }
        }
    }
}

/// Text on one line: runs of whitespace, newlines included, become one space.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(columns: &[Column], rows: &[Row], width: Option<usize>) -> String {
        let mut out = Vec::new();
        print(&mut out, columns, rows, width).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn clip_cuts_on_a_char_boundary_and_keeps_the_closing_quote() {
        let long = "é".repeat(200);
        let c = clip(&long, 40, Fit::End);
        assert_eq!(c.chars().count(), 40);
        assert!(c.ends_with('…'));
        assert_eq!(clip("\"abcdef\"", 6, Fit::End), "\"abc…\"");
        assert_eq!(clip("data/articles/x.txt#3", 10, Fit::Start), "…s/x.txt#3");
        assert_eq!(clip("+0.25", 2, Fit::Keep), "+0.25");
        assert_eq!(one_line("a  b\nc"), "a b c");
    }

    #[test]
    fn columns_are_aligned_and_continuation_lines_sit_under_their_column() {
        let columns = [Column::new("A", Fit::End), Column::new("B", Fit::End)];
        let rows = vec![vec![vec!["long".into()], vec!["x".into(), "y".into()]]];
        assert_eq!(render(&columns, &rows, None), "A     B\nlong  x\n      y\n");
    }

    #[test]
    fn the_last_column_takes_what_is_left_and_names_give_way_before_numbers() {
        let columns = [
            Column::new("NAME", Fit::End),
            Column::new("N", Fit::Keep),
            Column::new("TEXT", Fit::End),
        ];
        let rows = vec![vec![
            vec!["A rather long expert name (also another)".into()],
            vec!["12345".into()],
            vec!["word ".repeat(40)],
        ]];
        for width in [60, 80, 100] {
            let out = render(&columns, &rows, Some(width));
            assert!(out.lines().all(|l| l.chars().count() <= width), "{out}");
            assert!(out.contains("12345"), "{out}");
        }
        let out = render(&columns, &rows, Some(50));
        let text_width = out.lines().nth(1).unwrap().split("12345  ").nth(1).unwrap();
        assert_eq!(text_width.chars().count(), MIN_LAST);
        assert!(render(&columns, &rows, None).contains(&"word ".repeat(40).trim_end().to_string()));
    }
}
