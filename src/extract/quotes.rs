//! Stage 2: quote scanning across paragraphs.
//!
//! Splits every paragraph into narrative pieces and speech quotes ("blocks"). A block opens on a
//! double quote mark (straight, curly, guillemet) or an opening single curly quote at a position
//! where speech can start: paragraph start, after a finished sentence or a colon, or right after a
//! cue verb ("he said, “..."). Marks opening mid-clause (`the “South Caucasus” club`) are inline
//! quotes and stay part of the narrative. A block left open at a paragraph end continues into the
//! next paragraph when the later marks show the quote goes on (`marks::continuations`), and that
//! paragraph's leading reopening mark is skipped; otherwise it ends unclosed. Nested quotes of the
//! same family raise a depth counter, so `“... the “big brother” ...”` stays one block. Linear.

use super::marks::{continuations, mark, speech_position, Dir, Family};
use super::sentences::split_sentences;
use std::ops::Range;

/// One speech quote, possibly running over several paragraphs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Byte offset of the opening mark.
    pub open: usize,
    /// Quoted text per paragraph, without the enclosing marks.
    pub parts: Vec<Range<usize>>,
    /// The closing mark, if the quote was closed.
    pub close: Option<Range<usize>>,
    /// Index into [`Scan::narrative`] of the piece right before the opening mark, same paragraph.
    pub before: Option<usize>,
    /// Index into [`Scan::narrative`] of the piece right after the closing mark, same paragraph.
    pub after: Option<usize>,
}

impl Block {
    /// True if the closing mark is glued to a capital (`counted.”It all comes down ...`): the
    /// page dropped a reopening mark, and the speaker goes on after it.
    pub fn runs_on(&self, text: &str) -> bool {
        self.close
            .as_ref()
            .and_then(|c| text.get(c.end..))
            .is_some_and(|rest| rest.starts_with(char::is_uppercase))
    }
}

/// Result of scanning: blocks and the narrative pieces between them, both in article order.
#[derive(Debug, Default)]
pub struct Scan {
    pub blocks: Vec<Block>,
    pub narrative: Vec<Range<usize>>,
}

enum State {
    Outside,
    Inline { depth: u32 },
    Speech { family: Family, depth: u32 },
}

/// Scans `paragraphs` of `text`; paragraphs with `skip[i]` (interview turns) are left out.
pub fn scan(text: &str, paragraphs: &[Range<usize>], skip: &[bool]) -> Scan {
    let mut scanner = Scanner {
        text,
        out: Scan::default(),
        current: None,
        state: State::Outside,
        para_start: 0,
        seg: 0,
        pending_after: None,
    };
    let goes_on = continuations(text, paragraphs);
    for (i, para) in paragraphs.iter().enumerate() {
        if skip.get(i).copied().unwrap_or(false) {
            scanner.finish_block();
            continue;
        }
        if let State::Speech { family, .. } = scanner.state {
            let f = usize::from(family == Family::Single);
            if !goes_on.get(i).is_some_and(|g| g[f]) {
                scanner.finish_block();
            }
        }
        scanner.paragraph(para.clone());
    }
    scanner.finish_block();
    scanner.out
}

struct Scanner<'a> {
    text: &'a str,
    out: Scan,
    current: Option<Block>,
    state: State,
    /// Start of the current paragraph.
    para_start: usize,
    /// Start of the narrative piece or quote part being read.
    seg: usize,
    /// Block closed in this paragraph whose following narrative piece is not recorded yet.
    pending_after: Option<usize>,
}

/// A quote mark found at byte `at` of the article.
struct Found {
    at: usize,
    len: usize,
    family: Family,
    dir: Dir,
}

impl Scanner<'_> {
    fn paragraph(&mut self, para: Range<usize>) {
        let slice = &self.text[para.clone()];
        self.para_start = para.start;
        self.seg = para.start;
        self.pending_after = None;
        if let State::Speech { family, .. } = self.state {
            let mut it = slice.chars();
            if let Some(c) = it.next() {
                if mark(c, None, it.next()) == Some((family, Dir::Open)) {
                    self.seg += c.len_utf8();
                }
            }
        }
        let mut prev = None;
        let mut chars = slice.char_indices().peekable();
        while let Some((off, c)) = chars.next() {
            let at = para.start + off;
            let next = chars.peek().map(|&(_, d)| d);
            if let (true, Some((family, dir))) = (at >= self.seg, mark(c, prev, next)) {
                self.on_mark(Found {
                    at,
                    len: c.len_utf8(),
                    family,
                    dir,
                });
            }
            prev = Some(c);
        }
        self.end_paragraph(para.end);
    }

    fn end_paragraph(&mut self, end: usize) {
        if let State::Speech { .. } = self.state {
            if let Some(block) = self.current.as_mut() {
                block.parts.push(self.seg..end);
            }
            return;
        }
        self.state = State::Outside;
        let idx = self.push_narrative(self.seg..end);
        if let (Some(b), Some(n)) = (self.pending_after.take(), idx) {
            self.out.blocks[b].after = Some(n);
        }
    }

    fn on_mark(&mut self, m: Found) {
        match &mut self.state {
            State::Speech { family, depth } if *family == m.family => match m.dir {
                Dir::Open if m.family == Family::Double => *depth += 1,
                Dir::Open => {}
                Dir::Close if *depth > 1 => *depth -= 1,
                Dir::Close => self.close_block(&m),
            },
            State::Speech { .. } => {}
            State::Inline { depth } if m.family == Family::Double => match m.dir {
                Dir::Open => *depth += 1,
                Dir::Close if *depth > 1 => *depth -= 1,
                Dir::Close => self.state = State::Outside,
            },
            State::Inline { .. } => {}
            State::Outside if m.dir != Dir::Open => {}
            State::Outside => {
                let slice = &self.text[self.para_start..m.at];
                if speech_position(slice) {
                    self.open_block(&m);
                } else if m.family == Family::Double {
                    self.state = State::Inline { depth: 1 };
                }
            }
        }
    }

    fn open_block(&mut self, m: &Found) {
        let before = self.push_narrative(self.seg..m.at);
        if let (Some(b), Some(n)) = (self.pending_after.take(), before) {
            self.out.blocks[b].after = Some(n);
        }
        self.current = Some(Block {
            open: m.at,
            parts: Vec::new(),
            close: None,
            before,
            after: None,
        });
        self.state = State::Speech {
            family: m.family,
            depth: 1,
        };
        self.seg = m.at + m.len;
    }

    fn close_block(&mut self, m: &Found) {
        if let Some(mut block) = self.current.take() {
            block.parts.push(self.seg..m.at);
            block.close = Some(m.at..m.at + m.len);
            self.pending_after = Some(self.out.blocks.len());
            self.out.blocks.push(block);
        }
        self.state = State::Outside;
        self.seg = m.at + m.len;
    }

    /// Records a narrative piece if it holds any non-space text; returns its index.
    fn push_narrative(&mut self, range: Range<usize>) -> Option<usize> {
        let has_text = self
            .text
            .get(range.clone())
            .is_some_and(|s| !s.trim().is_empty());
        has_text.then(|| {
            self.out.narrative.push(range);
            self.out.narrative.len() - 1
        })
    }

    /// Ends a block that was never closed (end of text or an interview turn follows).
    fn finish_block(&mut self) {
        if let Some(block) = self.current.take() {
            self.out.blocks.push(block);
        }
        self.state = State::Outside;
    }
}

/// A closing mark glued to the next word (`counted.”It all comes down to prices.`) is a page
/// that dropped the reopening mark: the sentence it starts is still the quote's, so the block
/// takes it over from the narrative after it.
pub fn take_glued_sentences(text: &str, scan: &mut Scan) {
    for block in &mut scan.blocks {
        let glued = block.runs_on(text);
        let (Some(idx), Some(last)) = (block.after, block.parts.last_mut()) else {
            continue;
        };
        let Some(piece) = scan.narrative.get_mut(idx).filter(|_| glued) else {
            continue;
        };
        let Some(first) = text
            .get(piece.clone())
            .and_then(|s| split_sentences(s).into_iter().next())
        else {
            continue;
        };
        let end = piece.start + first.end;
        last.end = end;
        piece.start = end;
    }
}

#[cfg(test)]
mod tests {
    use super::super::paragraphs::paragraphs;
    use super::*;

    fn run(text: &str) -> (Vec<Vec<&str>>, Vec<&str>) {
        let paras = paragraphs(text);
        let scan = scan(text, &paras, &[]);
        let blocks = scan
            .blocks
            .iter()
            .map(|b| b.parts.iter().map(|p| &text[p.clone()]).collect())
            .collect();
        let narrative = scan.narrative.iter().map(|r| &text[r.clone()]).collect();
        (blocks, narrative)
    }

    #[test]
    fn quote_runs_across_paragraphs() {
        let text = "“One.\nTwo.\n“Three,” he said. Then.";
        let (blocks, narrative) = run(text);
        assert_eq!(blocks, vec![vec!["One.", "Two.", "Three,"]]);
        assert_eq!(narrative, vec![" he said. Then."]);
    }

    #[test]
    fn inline_quotes_stay_in_narrative() {
        let text = "He heads the “South Caucasus” club, she said.";
        let (blocks, narrative) = run(text);
        assert!(blocks.is_empty());
        assert_eq!(narrative, vec![text]);
    }

    #[test]
    fn nested_and_straight_quotes() {
        let text = "\"The \"post-war\" era is over,\" he said: \"Yes. It ‘games’ is.\"";
        let (blocks, _) = run(text);
        assert_eq!(
            blocks,
            vec![
                vec!["The \"post-war\" era is over,"],
                vec!["Yes. It ‘games’ is."]
            ]
        );
    }

    #[test]
    fn links_neighbouring_narrative() {
        let text = "Kim Lee said: “Go,” she added. “Stop.”";
        let paras = paragraphs(text);
        let scan = scan(text, &paras, &[]);
        assert_eq!(scan.blocks.len(), 2);
        assert_eq!(scan.blocks[0].before, Some(0));
        assert_eq!(scan.blocks[0].after, Some(1));
        assert_eq!(&text[scan.narrative[1].clone()], " she added. ");
        assert_eq!(scan.blocks[1].before, Some(1));
    }

    #[test]
    fn unclosed_quote_and_single_quotes() {
        let (blocks, _) = run("‘We won’, he said.\nX said: “never closed");
        assert_eq!(blocks, vec![vec!["We won"], vec!["never closed"]]);
    }
}
