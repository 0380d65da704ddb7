//! The article's date, when its first lines state one in full: news pages put it in the
//! dateline or beside the byline ("14 November, 2025 10:42", "Air date: February 19, 2024",
//! "Business Caucasus | 12.06.2024", "Baku/03.10.25/Turan", "2024-03-11"). A date without a
//! year ("BAKU, Azerbaijan, May 16.") is not a date we can know, so it gives none: nothing is
//! guessed. Numeric dates are read day first (12.06.2024 is 12 June), as the outlets whose pages
//! we read write them, except year-first ISO dates. Only a date on a short line or at the start
//! of its line counts: a date inside a sentence ("since 7 October 2023, shipping ...") is what
//! the article is about, not when it was written.

/// How far into the article the date is looked for, in bytes: the title, the dateline and the
/// byline, not the body, where dates are what the article is about.
const HEAD: usize = 600;

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The first full date in the article's first lines, as `YYYY-MM-DD`.
pub fn article_date(text: &str) -> Option<String> {
    let mut end = text.len().min(HEAD);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    let found = tokens(head);
    let words: Vec<Token> = found.iter().map(|(_, t)| *t).collect();
    (0..words.len())
        .filter(|&i| stands_alone(head, found[i].0))
        .find_map(|i| date_at(&words[i..]))
}

/// Longest line a date may sit anywhere on: a byline or dateline, not a sentence.
const SHORT_LINE: usize = 60;

/// How far into a longer line a date may start: a dateline glued to the first sentence.
const LINE_START: usize = 30;

/// Whether a date starting at byte `at` sits where article dates sit: on a short line, or near
/// the start of its line.
fn stands_alone(text: &str, at: usize) -> bool {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    end - start <= SHORT_LINE || at - start <= LINE_START
}

/// A word, a number, or a joint between numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Token<'a> {
    Word(&'a str),
    Number(&'a str),
    /// One of `.`, `/`, `-` directly between two numbers.
    Joint(char),
}

/// The tokens of `text` with the byte offset each starts at.
fn tokens(text: &str) -> Vec<(usize, Token<'_>)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        if c.is_ascii_digit() {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            out.push((start, Token::Number(&text[start..i])));
        } else if c.is_ascii_alphabetic() {
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            out.push((start, Token::Word(&text[start..i])));
        } else {
            let joins = matches!(c, b'.' | b'/' | b'-')
                && matches!(out.last(), Some((_, Token::Number(_))))
                && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
            if joins {
                out.push((start, Token::Joint(c as char)));
            }
            i += 1;
        }
    }
    out
}

/// A date starting at the first token: `D Month[,] YYYY`, `Month D[,] YYYY`, `D.M.YYYY` (also with
/// `/` or `-`, and two-digit years read as 20YY), or `YYYY-MM-DD`.
fn date_at(t: &[Token]) -> Option<String> {
    use Token::{Joint, Number, Word};
    match t {
        [Number(y), Joint('-'), Number(m), Joint('-'), Number(d), ..] if y.len() == 4 => {
            ymd(y, m, d)
        }
        [Number(d), Joint(a), Number(m), Joint(b), Number(y), ..] if a == b => {
            let year = match y.len() {
                4 => y.to_string(),
                2 => format!("20{y}"),
                _ => return None,
            };
            ymd(&year, m, d)
        }
        [Number(d), Word(month), Number(y), ..] if y.len() == 4 => {
            ymd(y, &month_number(month)?.to_string(), d)
        }
        [Word(month), Number(d), Number(y), ..] if y.len() == 4 && d.len() <= 2 => {
            ymd(y, &month_number(month)?.to_string(), d)
        }
        _ => None,
    }
}

/// The month a word names in English, in full or by its first three letters ("Sept" too);
/// not "Marsh" or "Mayor".
pub(crate) fn month_number(word: &str) -> Option<u32> {
    let lower = word.to_ascii_lowercase();
    let at = MONTHS.iter().position(|m| {
        lower.len() >= 3 && m.starts_with(&lower) && (lower.len() == 3 || *m == lower)
    });
    let at = at.or_else(|| (lower == "sept").then_some(8))?;
    Some(at as u32 + 1)
}

/// `YYYY-MM-DD` when the parts make a calendar date.
fn ymd(year: &str, month: &str, day: &str) -> Option<String> {
    let (y, m, d): (u32, u32, u32) = (year.parse().ok()?, month.parse().ok()?, day.parse().ok()?);
    if !(1900..=2200).contains(&y) || !(1..=12).contains(&m) || d == 0 {
        return None;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (d <= days).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_dates_in_the_usual_shapes() {
        let cases = [
            (
                "Title\n14 November, 2025 10:42\nReport's correspondent",
                "2025-11-14",
            ),
            (
                "Transcript\nAir date: February 19, 2024\n\nHOST: Good",
                "2024-02-19",
            ),
            ("Dry port\n\nBusiness Caucasus | 12.06.2024\n", "2024-06-12"),
            ("Levy\nBaku/03.10.25/Turan: The draft", "2025-10-03"),
            (
                " date 2024-03-11 (WIRE- Delta) TBILISI, March",
                "2024-03-11",
            ),
            ("Railway\nEconomy | 18/09/2024\n", "2024-09-18"),
            ("Published Sept 3, 2023 by", "2023-09-03"),
        ];
        for (text, date) in cases {
            assert_eq!(article_date(text).as_deref(), Some(date), "{text}");
        }
    }

    #[test]
    fn no_year_or_no_calendar_date_gives_none() {
        for text in [
            "BAKU, Azerbaijan, May 16. Trend presents",
            "YEREVAN, MARCH 3, ARMENPRESS. The commissions",
            "Figures for 31.02.2024 were revised",
            "The mayor 12 2024 plan",
            "Growth of 2.5-3.0 percent",
            "",
        ] {
            assert_eq!(article_date(text), None, "{text}");
        }
    }

    #[test]
    fn a_date_inside_a_sentence_is_not_the_articles() {
        let text = "Shipping costs\n\nTraffic through the strait has fallen by half since \
                    October 7, 2023, insurers said on Monday.";
        assert_eq!(article_date(text), None);
        let glued = "PORTO, 9 Oct 2024 - Officials, investors and researchers met this week in \
                     the city to discuss a supply chain for green ammonia.";
        assert_eq!(article_date(glued).as_deref(), Some("2024-10-09"));
    }

    #[test]
    fn dates_deep_in_the_body_are_not_the_articles() {
        let text = format!(
            "Title\n\n{}In 12 May 2019 the line opened.",
            "word ".repeat(200)
        );
        assert_eq!(article_date(&text), None);
    }
}
