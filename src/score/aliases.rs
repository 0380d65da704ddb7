//! One expert, several spellings: across articles the same person is written "Velizade" and
//! "Valizade", "Pashinian" and "Pashinyan". Before aggregation, names with the same first names and
//! a surname within a small edit distance are merged under the most frequent spelling (the
//! earliest on ties). An alias file (`variant<TAB>canonical` lines) overrides the guess: its names
//! are never merged automatically, and a line mapping a name to itself keeps that name apart.
//!
//! # The rule
//!
//! - Two spellings are *close* when they have the same first names (every word but the last,
//!   ignoring case) and their surnames are equal ignoring case, or both have 5 to 32 letters and
//!   differ by at most one edit (a letter inserted, deleted or replaced) per four letters of the
//!   longer one. Shorter surnames must match exactly ("Said" and "Saad" are different people);
//!   longer ones are not names. One-word names never merge by guess.
//! - The *nearest* spellings of a spelling are the close ones at its smallest distance.
//! - Two spellings are *linked* when each is among the other's nearest and neither has more than
//!   two nearest.
//! - Linked spellings form a group. A group is merged only when it has at most three spellings,
//!   every two of them are close, and none of them has a nearest spelling outside the group.
//!   Otherwise all of its spellings stay apart.
//! - A *crowd* stays apart: when more than 32 spellings with the same first names still share a
//!   common form after each has lost up to its budget of letters (so that every two of them are
//!   within twice the budget), none of them is merged by guess. Real names do not have that many
//!   near spellings; lists such as "Surname00001" ... "Surname20000" do. (For surnames of 16
//!   letters or more the shared form is one piece of the surname, at about the same place, among
//!   surnames of one length.)
//!
//! Merging by closeness alone chains: "Surname00001" is close to "Surname00002", which is close
//! to "Surname00003", and 20,000 names become one expert. Merging every name into the most
//! frequent spelling within reach (what this module did before) builds stars just as big. Here a
//! merged group has at most three spellings, all close to one another, and a spelling that is as
//! near to an outsider as to its partners stays apart, so no group grows by transitivity. When in
//! doubt names stay apart: a false merge puts one person's words under another's name, while a
//! missed merge splits one expert into two lines, and `--aliases` joins them.
//!
//! # Cost
//!
//! Pairs are not all compared. Within each set of spellings with the same first names, every
//! surname of up to 15 letters is indexed by its *deletion neighbourhood*: the strings left after
//! deleting up to its budget of letters (one letter per four). Two surnames within the budget of
//! the longer share one of these strings, so only spellings that share one are compared. Surnames
//! of 16 to 32 letters, whose neighbourhoods would be too large, are cut into budget + 1 pieces:
//! edits within the budget leave one piece whole, shifted by no more than the budget, so other
//! surnames of 12 letters or more look up their substrings of each piece's length around each
//! piece's place. A spelling adds at most 664 index keys (56 for a 10-letter surname), and a key
//! shared by more than 32 spellings is a crowd and yields no pairs, so the index work and the
//! comparisons grow linearly with the number of spellings. The tests count them: for 100,000
//! distinct random names (48 first names, 6-10-letter surnames), 2.9 million index keys and 34
//! edit distances, where comparing every pair with the same first names takes 104 million.

use crate::error::{Error, Result};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

/// Surnames shorter than this must match exactly ("Said" and "Saad" are different people).
const MIN_FUZZY_SURNAME: usize = 5;
/// Surnames longer than this must match exactly too: they are not names, and their edit budget
/// would make the index large.
const MAX_FUZZY_SURNAME: usize = 32;
/// One edit is allowed per this many letters of the longer surname (a distance of at most 0.25).
const LETTERS_PER_EDIT: usize = 4;
/// Surnames up to this length are indexed by deletion neighbourhoods (at most 576 strings for
/// 15 letters), longer ones by pieces.
const MAX_DELETION_INDEXED: usize = 15;
/// The largest merged group of spellings.
const MAX_GROUP: usize = 3;
/// An index key shared by more spellings than this is a crowd: none of them is merged.
const MAX_SHARED: usize = 32;

/// Alias file contents: variant -> canonical name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Aliases {
    map: BTreeMap<String, String>,
}

impl Aliases {
    /// Reads an alias file; blank lines and `#` comments are skipped.
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse(&text, path)
    }

    /// Parses alias text; `source` names it in errors.
    pub fn parse(text: &str, source: &Path) -> Result<Self> {
        let mut map = BTreeMap::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let parts: Option<(&str, &str)> = line.split_once('\t');
            match parts.map(|(a, b)| (a.trim(), b.trim())) {
                Some((a, b)) if !a.is_empty() && !b.is_empty() => {
                    map.insert(a.to_string(), b.to_string());
                }
                _ => {
                    return Err(Error::BadRecord {
                        path: source.to_path_buf(),
                        line: i + 1,
                        reason: "expected \"variant<TAB>canonical name\"".into(),
                    })
                }
            }
        }
        Ok(Aliases { map })
    }

    /// Every name the file mentions, as a variant or as a canonical name.
    fn mentioned(&self) -> HashSet<&str> {
        self.map
            .iter()
            .flat_map(|(k, v)| [k.as_str(), v.as_str()])
            .collect()
    }
}

/// The canonical name of every speaker seen, and the spellings merged into each.
#[derive(Debug, Clone, Default)]
pub struct SpeakerIndex {
    canonical: HashMap<String, String>,
    variants: BTreeMap<String, BTreeSet<String>>,
}

/// What the guess did, counted for the scaling tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct MergeStats {
    /// Spellings the guess considered (two words or more, not in the alias file).
    spellings: usize,
    /// Index keys written and looked up: deletion-neighbourhood strings, pieces and probes.
    keys: usize,
    /// Distinct pairs of spellings that share a key outside a crowd.
    candidates: usize,
    /// Edit distances computed.
    comparisons: usize,
    /// Spellings left apart as part of a crowd.
    crowded: usize,
}

impl SpeakerIndex {
    /// Groups `names` (one entry per sentence, so frequency counts) into people.
    pub fn build<'a>(names: impl IntoIterator<Item = &'a str>, aliases: &Aliases) -> Self {
        let mut seen: HashMap<&str, (usize, usize)> = HashMap::new(); // name -> (count, first position)
        for (pos, name) in names.into_iter().enumerate() {
            seen.entry(name).or_insert((0, pos)).0 += 1;
        }
        Self::from_counts(seen.into_iter().map(|(n, (c, p))| (n, c, p)), aliases)
    }

    /// Groups names given as `(name, sentences, first position)` into people: the most frequent
    /// spelling names each person, the earliest on ties. See the module documentation for when
    /// two spellings are one person.
    pub fn from_counts<'a>(
        counts: impl IntoIterator<Item = (&'a str, usize, usize)>,
        aliases: &Aliases,
    ) -> Self {
        Self::from_counts_with_stats(counts, aliases).0
    }

    fn from_counts_with_stats<'a>(
        counts: impl IntoIterator<Item = (&'a str, usize, usize)>,
        aliases: &Aliases,
    ) -> (Self, MergeStats) {
        let mut counts: Vec<(&str, usize, usize)> = counts.into_iter().collect();
        // A name's rank is its place in this order; the best-ranked spelling names its group.
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)).then(a.0.cmp(b.0)));
        let mentioned = aliases.mentioned();
        let mut by_first_names: HashMap<String, Vec<(usize, Vec<char>)>> = HashMap::new();
        for (rank, &(name, _, _)) in counts.iter().enumerate() {
            if mentioned.contains(name) {
                continue;
            }
            if let Some((first_names, surname)) = split_name(name) {
                by_first_names
                    .entry(first_names)
                    .or_default()
                    .push((rank, surname));
            }
        }
        let mut stats = MergeStats::default();
        let mut head: Vec<usize> = (0..counts.len()).collect();
        for spellings in by_first_names.values() {
            let surnames: Vec<&[char]> = spellings.iter().map(|(_, s)| s.as_slice()).collect();
            for group in merged_groups(&surnames, &mut stats) {
                let best = group.iter().map(|&i| spellings[i].0).min().unwrap_or(0);
                for &i in &group {
                    head[spellings[i].0] = best;
                }
            }
        }
        let mut index = SpeakerIndex::default();
        for (rank, &(name, _, _)) in counts.iter().enumerate() {
            let canonical = match aliases.map.get(name) {
                Some(target) => target.clone(),
                None => counts[head[rank]].0.to_string(),
            };
            index.add(name, canonical);
        }
        (index, stats)
    }

    fn add(&mut self, name: &str, canonical: String) {
        if name != canonical {
            self.variants
                .entry(canonical.clone())
                .or_default()
                .insert(name.to_string());
        }
        self.canonical.insert(name.to_string(), canonical);
    }

    /// The canonical name of `name` (itself when unknown).
    pub fn canonical<'a>(&'a self, name: &'a str) -> &'a str {
        self.canonical.get(name).map_or(name, String::as_str)
    }

    /// Other spellings merged into `canonical`, sorted.
    pub fn variants(&self, canonical: &str) -> Vec<String> {
        self.variants
            .get(canonical)
            .map(|v| v.iter().cloned().collect())
            .unwrap_or_default()
    }
}

/// The first names (every word but the last, lowercased, one space apart) and the lowercased
/// surname of a name of two words or more.
fn split_name(name: &str) -> Option<(String, Vec<char>)> {
    let words: Vec<&str> = name.split_whitespace().collect();
    let (surname, first) = words.split_last()?;
    if first.is_empty() {
        return None;
    }
    let first = first
        .iter()
        .map(|w| w.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    Some((first, surname.to_lowercase().chars().collect()))
}

/// The edits allowed between two surnames: one per four letters of the longer one, none when
/// either is outside the fuzzy lengths.
fn budget(a: usize, b: usize) -> usize {
    if a.min(b) < MIN_FUZZY_SURNAME || a.max(b) > MAX_FUZZY_SURNAME {
        0
    } else {
        a.max(b) / LETTERS_PER_EDIT
    }
}

/// The edit distance of two surnames when they are close, else `None`.
fn surname_distance(a: &[char], b: &[char]) -> Option<usize> {
    if a == b {
        return Some(0);
    }
    let k = budget(a.len(), b.len());
    if k == 0 || a.len().abs_diff(b.len()) > k {
        return None;
    }
    bounded_edit_distance(a, b, k)
}

/// Edit distance in characters when it is at most `k`, else `None`.
fn bounded_edit_distance(a: &[char], b: &[char], k: usize) -> Option<usize> {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        let mut smallest = row[0];
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
            smallest = smallest.min(row[j + 1]);
        }
        if smallest > k {
            return None;
        }
    }
    Some(row[b.len()]).filter(|&d| d <= k)
}

/// The groups of two or three spellings to merge among `surnames` (the surnames of spellings
/// with the same first names), as indices into `surnames`; see the module documentation.
fn merged_groups(surnames: &[&[char]], stats: &mut MergeStats) -> Vec<Vec<usize>> {
    let n = surnames.len();
    stats.spellings += n;
    if n < 2 {
        return Vec::new();
    }
    let (pairs, crowded) = candidate_pairs(surnames, stats);
    groups_from_pairs(surnames, &pairs, &crowded, stats)
}

/// The pairs of spellings (`i < j`, sorted) that share an index key outside a crowd, and which
/// spellings are crowded. Every close pair with a spelling that is not crowded is among them.
fn candidate_pairs(surnames: &[&[char]], stats: &mut MergeStats) -> (Vec<(u32, u32)>, Vec<bool>) {
    let mut crowded = vec![false; surnames.len()];
    let mut pairs = deletion_pairs(surnames, &mut crowded, stats);
    pairs.extend(piece_pairs(surnames, &mut crowded, stats));
    pairs.sort_unstable();
    pairs.dedup();
    stats.candidates += pairs.len();
    stats.crowded += crowded.iter().filter(|&&c| c).count();
    (pairs, crowded)
}

/// The groups to merge, given every pair of spellings that may be close (`i < j`) except those
/// between two crowded spellings.
fn groups_from_pairs(
    surnames: &[&[char]],
    pairs: &[(u32, u32)],
    crowded: &[bool],
    stats: &mut MergeStats,
) -> Vec<Vec<usize>> {
    let n = surnames.len();
    // The nearest close spellings of each spelling: (distance, spellings).
    let mut nearest: Vec<(usize, Vec<usize>)> = vec![(usize::MAX, Vec::new()); n];
    for &(i, j) in pairs {
        let (i, j) = (i as usize, j as usize);
        if crowded[i] && crowded[j] {
            continue;
        }
        stats.comparisons += 1;
        let Some(d) = surname_distance(surnames[i], surnames[j]) else {
            continue;
        };
        for (x, y) in [(i, j), (j, i)] {
            let (best, near) = &mut nearest[x];
            if d < *best {
                *best = d;
                near.clear();
            }
            if d == *best {
                near.push(y);
            }
        }
    }

    // Links between mutual nearest spellings, joined into groups.
    let linkable = |x: usize| !crowded[x] && (1..MAX_GROUP).contains(&nearest[x].1.len());
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for x in (0..n).filter(|&x| linkable(x)) {
        for &y in &nearest[x].1 {
            if y > x && linkable(y) && nearest[y].1.contains(&x) {
                let (rx, ry) = (root(&mut parent, x), root(&mut parent, y));
                parent[rx.max(ry)] = rx.min(ry);
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for x in (0..n).filter(|&x| linkable(x)) {
        let r = root(&mut parent, x);
        groups.entry(r).or_default().push(x);
    }
    groups
        .into_values()
        .filter(|g| {
            (2..=MAX_GROUP).contains(&g.len())
                && g.iter()
                    .all(|x| nearest[*x].1.iter().all(|y| g.contains(y)))
                && g.iter().enumerate().all(|(a, &x)| {
                    g[a + 1..].iter().all(|&y| {
                        stats.comparisons += 1;
                        surname_distance(surnames[x], surnames[y]).is_some()
                    })
                })
        })
        .collect()
}

/// Candidate pairs from deletion neighbourhoods: every surname (up to [`MAX_DELETION_INDEXED`]
/// letters; longer ones only as they are) with up to its budget of letters deleted. Two surnames
/// within the budget of the longer share one of these strings. Marks the spellings of crowded
/// keys.
fn deletion_pairs(
    surnames: &[&[char]],
    crowded: &mut [bool],
    stats: &mut MergeStats,
) -> Vec<(u32, u32)> {
    let mut keys: Vec<(u64, u32)> = Vec::new();
    let mut own = Vec::new();
    let mut buffer = Vec::new();
    for (i, s) in surnames.iter().enumerate() {
        let deletions = if s.len() <= MAX_DELETION_INDEXED {
            budget(s.len(), s.len())
        } else {
            0
        };
        own.clear();
        buffer.clear();
        buffer.extend_from_slice(s);
        deletion_neighbourhood(&mut buffer, 0, deletions, &mut own);
        own.sort_unstable();
        own.dedup();
        keys.extend(own.iter().map(|&h| (h, i as u32)));
    }
    stats.keys += keys.len();
    keys.sort_unstable();
    let mut pairs = Vec::new();
    for run in keys.chunk_by(|a, b| a.0 == b.0) {
        if run.len() > MAX_SHARED {
            run.iter().for_each(|&(_, i)| crowded[i as usize] = true);
            continue;
        }
        for (at, &(_, i)) in run.iter().enumerate() {
            pairs.extend(run[at + 1..].iter().map(|&(_, j)| (i.min(j), i.max(j))));
        }
    }
    pairs
}

/// Hashes of `word` and of every string left after deleting up to `deletions` of its letters at
/// positions `from` or later.
fn deletion_neighbourhood(word: &mut Vec<char>, from: usize, deletions: usize, out: &mut Vec<u64>) {
    out.push(hash_chars(0, word));
    if deletions == 0 {
        return;
    }
    for at in from..word.len() {
        let c = word.remove(at);
        // Later deletions only after this one: each set of positions is deleted once.
        deletion_neighbourhood(word, at, deletions - 1, out);
        word.insert(at, c);
    }
}

/// Candidate pairs from pieces, for surnames of 16 to [`MAX_FUZZY_SURNAME`] letters. Such a
/// surname with budget k is cut into k + 1 pieces; k edits touch at most k of them, so one piece
/// is left whole, moved by at most k letters. Every surname that can be close to it (as long or
/// shorter, 12 letters or more) looks up its substrings of each piece's length around the
/// piece's place. Marks the spellings of crowded keys.
fn piece_pairs(
    surnames: &[&[char]],
    crowded: &mut [bool],
    stats: &mut MergeStats,
) -> Vec<(u32, u32)> {
    const LONG: usize = MAX_DELETION_INDEXED + 1;
    // (key, spelling, whether it is a piece rather than a probe)
    let mut keys: Vec<(u64, u32, bool)> = Vec::new();
    let mut own = Vec::new();
    for (i, s) in surnames.iter().enumerate() {
        let len = s.len();
        if (LONG..=MAX_FUZZY_SURNAME).contains(&len) {
            for (p, (start, piece)) in pieces(len).enumerate() {
                let key = hash_chars(piece_tag(len, p), &s[start..start + piece]);
                keys.push((key, i as u32, true));
            }
        }
        own.clear();
        // Every length of surname, as long as this one or longer, within whose budget it is.
        for long in len.max(LONG)..=MAX_FUZZY_SURNAME {
            let k = long / LETTERS_PER_EDIT;
            if long - k > len || len < MIN_FUZZY_SURNAME {
                break;
            }
            // Going from the longer surname to this one takes `longer` more deletions than
            // insertions and at most k edits, so a whole piece moves left by at most
            // (k + longer) / 2 letters and right by at most (k - longer) / 2.
            let longer = long - len;
            let (left, right) = ((k + longer) / 2, (k - longer) / 2);
            for (p, (start, piece)) in pieces(long).enumerate() {
                for at in start.saturating_sub(left)..=start + right {
                    if at + piece <= len {
                        own.push(hash_chars(piece_tag(long, p), &s[at..at + piece]));
                    }
                }
            }
        }
        own.sort_unstable();
        own.dedup();
        keys.extend(own.iter().map(|&h| (h, i as u32, false)));
    }
    stats.keys += keys.len();
    keys.sort_unstable();
    let mut pairs = Vec::new();
    for run in keys.chunk_by(|a, b| a.0 == b.0) {
        let indexed: Vec<u32> = run.iter().filter(|e| e.2).map(|e| e.1).collect();
        if indexed.len() > MAX_SHARED {
            run.iter().for_each(|e| crowded[e.1 as usize] = true);
            continue;
        }
        for probe in run.iter().filter(|e| !e.2).map(|e| e.1) {
            pairs.extend(
                indexed
                    .iter()
                    .filter(|&&b| b != probe)
                    .map(|&b| (probe.min(b), probe.max(b))),
            );
        }
    }
    pairs
}

/// The budget + 1 pieces of a surname of `len` letters, as (start, length), the longer ones last.
fn pieces(len: usize) -> impl Iterator<Item = (usize, usize)> {
    let count = len / LETTERS_PER_EDIT + 1;
    let (short, longer_from) = (len / count, count - len % count);
    (0..count).scan(0, move |start, p| {
        let piece = short + usize::from(p >= longer_from);
        let at = *start;
        *start += piece;
        Some((at, piece))
    })
}

/// Distinguishes the pieces by surname length and place (deletion strings use 0).
fn piece_tag(len: usize, piece: usize) -> u64 {
    ((len as u64) << 16 | piece as u64) + 1
}

/// A 64-bit hash of `tag` and `chars`. A collision only costs one more comparison (it would
/// take tens of them in one key to make a false crowd).
fn hash_chars(tag: u64, chars: &[char]) -> u64 {
    let mut h = tag.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ chars.len() as u64;
    for &c in chars {
        h = (h ^ u64::from(c)).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        h ^= h >> 32;
    }
    h = (h ^ (h >> 33)).wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Edit distance in characters, unbounded.
    fn levenshtein(a: &str, b: &str) -> usize {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        bounded_edit_distance(&a, &b, a.len().max(b.len())).unwrap_or(usize::MAX)
    }

    #[test]
    fn merges_spelling_variants_under_the_most_frequent() {
        let names = [
            "Ilgar Valizade",
            "Ilgar Velizade",
            "Ilgar Velizade",
            "Nikol Pashinian",
            "Nikol Pashinyan",
            "Anna Lee",
        ];
        let index = SpeakerIndex::build(names, &Aliases::default());
        assert_eq!(index.canonical("Ilgar Valizade"), "Ilgar Velizade");
        assert_eq!(index.variants("Ilgar Velizade"), ["Ilgar Valizade"]);
        // A tie goes to the spelling seen first.
        assert_eq!(index.canonical("Nikol Pashinyan"), "Nikol Pashinian");
        assert_eq!(index.canonical("Anna Lee"), "Anna Lee");
    }

    #[test]
    fn different_people_stay_apart() {
        let names = [
            "Anna Lee",
            "Anna Levi",
            "Omar Said",
            "Omar Saad",
            "Inan",
            "Onan",
        ];
        let index = SpeakerIndex::build(names, &Aliases::default());
        for n in names {
            assert_eq!(index.canonical(n), n, "{n} was merged");
        }
    }

    #[test]
    fn alias_file_overrides_the_guess() {
        let aliases = Aliases::parse(
            "# pins and merges\nIlgar Valizade\tIlgar Valizade\nI. Velizade\tIlgar Velizade\n",
            Path::new("aliases.tsv"),
        )
        .unwrap();
        let index = SpeakerIndex::build(
            ["Ilgar Velizade", "Ilgar Valizade", "I. Velizade"],
            &aliases,
        );
        assert_eq!(index.canonical("Ilgar Valizade"), "Ilgar Valizade");
        assert_eq!(index.canonical("I. Velizade"), "Ilgar Velizade");
        assert_eq!(index.variants("Ilgar Velizade"), ["I. Velizade"]);
    }

    #[test]
    fn bad_alias_line_names_file_and_line() {
        let err = Aliases::parse("a\tb\nno tab here\n", Path::new("al.tsv")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "al.tsv:2: expected \"variant<TAB>canonical name\""
        );
    }

    #[test]
    fn edit_distance() {
        assert_eq!(levenshtein("pashinian", "pashinyan"), 1);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("mammadli", "mamedli"), 2);
    }

    #[test]
    fn three_spellings_of_one_name_merge_and_case_does_not_count() {
        let names = [
            "Anahit Petrosyan",
            "Anahit Petrosyan",
            "Anahit Petrosian",
            "Anahit Petrossian",
            "Omar SAID",
            "omar said",
        ];
        let index = SpeakerIndex::build(names, &Aliases::default());
        assert_eq!(
            index.variants("Anahit Petrosyan"),
            ["Anahit Petrosian", "Anahit Petrossian"]
        );
        assert_eq!(index.canonical("omar said"), "Omar SAID");
    }

    #[test]
    fn a_chain_of_spellings_stays_apart() {
        // Ivanov is one edit from both, Ivanova and Ivanof are two apart: no group.
        let names = ["Olga Ivanova", "Olga Ivanov", "Olga Ivanof"];
        let index = SpeakerIndex::build(names, &Aliases::default());
        for n in names {
            assert_eq!(index.canonical(n), n, "{n} was merged");
        }
        // Rahimov is as near to Rakimov as to Rahimow, and Rakimov is nearer still to RAKIMOV:
        // the pair Rakimov / RAKIMOV merges, Rahimov and Rahimow stay apart.
        let names = [
            "Emil Rahimov",
            "Emil Rahimow",
            "Emil Rakimov",
            "Emil RAKIMOV",
        ];
        let index = SpeakerIndex::build(names, &Aliases::default());
        assert_eq!(index.canonical("Emil RAKIMOV"), "Emil Rakimov");
        for n in &names[..3] {
            assert_eq!(index.canonical(n), *n, "{n} was merged");
        }
    }

    #[test]
    fn long_surnames_merge_through_pieces() {
        let names = [
            // 20 and 18 letters, budget 5: three edits apart.
            "Anna Hajiyeva-Abdullayeva",
            "Anna Gajiyeva-Abdulaeva",
            // Six edits apart.
            "Sara Hajiyeva-Abdullayeva",
            "Sara Gadzhieva-Abdullaeva",
            // 15 and 17 letters: the longer one's budget is 4, two edits apart.
            "Omar Mammadguluzadeh",
            "Omar Mammadgulouzzadeh",
            // 33 letters: only exact.
            "Ali Abcdefghijklmnopqrstuvwxyzabcdefg",
            "Ali Abcdefghijklmnopqrstuvwxyzabcdefh",
        ];
        let index = SpeakerIndex::build(names, &Aliases::default());
        assert_eq!(
            index.canonical("Anna Gajiyeva-Abdulaeva"),
            "Anna Hajiyeva-Abdullayeva"
        );
        assert_eq!(
            index.canonical("Omar Mammadgulouzzadeh"),
            "Omar Mammadguluzadeh"
        );
        for n in [names[2], names[3], names[6], names[7]] {
            assert_eq!(index.canonical(n), n, "{n} was merged");
        }
    }

    /// xorshift64*: deterministic and dependency-free.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    const FIRST_NAMES: [&str; 48] = [
        "Anna", "Ilgar", "Nikol", "Samir", "Anahit", "Omar", "Maria", "John", "Elena", "David",
        "Leyla", "Arman", "Fatima", "Ivan", "Olga", "Ali", "Sara", "Tigran", "Nino", "Giorgi",
        "Rashad", "Aysel", "Peter", "Laura", "Mehmet", "Zeynep", "Hassan", "Mariam", "Karen",
        "Lilit", "Farid", "Gunel", "Thomas", "Julia", "Andrei", "Natalia", "Emil", "Sevda",
        "Levan", "Tamar", "Oleg", "Irina", "Kamal", "Nargiz", "Robert", "Susan", "Ahmed", "Layla",
    ];

    /// A surname of 6 to 10 random letters, capitalised.
    fn random_surname(rng: &mut Rng) -> String {
        let len = 6 + rng.below(5);
        (0..len)
            .map(|i| {
                let c = (b'a' + rng.below(26) as u8) as char;
                if i == 0 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect()
    }

    /// A surname of 6 to 10 letters built from common syllables and endings, capitalised: much
    /// closer to one another than random letters, as real surnames are.
    fn syllable_surname(rng: &mut Rng) -> String {
        const SYLLABLES: [&str; 24] = [
            "ma", "li", "ze", "ko", "va", "ra", "de", "si", "na", "gu", "ba", "ti", "ha", "sa",
            "mo", "re", "lu", "ka", "po", "ne", "di", "ta", "be", "ro",
        ];
        const ENDINGS: [&str; 10] = [
            "ov", "ova", "yan", "zade", "li", "ev", "eva", "ian", "enko", "er",
        ];
        loop {
            let mut s = String::new();
            for _ in 0..1 + rng.below(3) {
                s.push_str(SYLLABLES[rng.below(SYLLABLES.len())]);
            }
            s.push_str(ENDINGS[rng.below(ENDINGS.len())]);
            if (6..=10).contains(&s.len()) {
                let mut c = s.chars();
                let first = c.next().unwrap().to_ascii_uppercase();
                return std::iter::once(first).chain(c).collect();
            }
        }
    }

    /// `n` distinct names (ignoring case): random first names and surnames from `surname`.
    fn distinct_names(n: usize, seed: u64, surname: fn(&mut Rng) -> String) -> Vec<String> {
        let mut rng = Rng(seed);
        let mut seen = HashSet::new();
        let mut names = Vec::with_capacity(n);
        while names.len() < n {
            let name = format!(
                "{} {}",
                FIRST_NAMES[rng.below(FIRST_NAMES.len())],
                surname(&mut rng)
            );
            if seen.insert(name.to_lowercase()) {
                names.push(name);
            }
        }
        names
    }

    /// Each name once, in order.
    fn counts(names: &[String]) -> Vec<(&str, usize, usize)> {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), 1, i))
            .collect()
    }

    /// Names merged into another spelling, and the largest group.
    fn merges(index: &SpeakerIndex, names: &[String]) -> (usize, usize) {
        let merged = names
            .iter()
            .filter(|n| index.canonical(n) != n.as_str())
            .count();
        let largest = names
            .iter()
            .map(|n| index.variants(n).len() + 1)
            .max()
            .unwrap_or(0);
        (merged, largest)
    }

    /// Comparisons the pairwise search (each name against every earlier one with the same first
    /// names) makes when nothing merges.
    fn pairwise_comparisons(names: &[String]) -> usize {
        let mut sizes: HashMap<String, usize> = HashMap::new();
        for n in names {
            *sizes.entry(split_name(n).unwrap().0).or_default() += 1;
        }
        sizes.values().map(|&s| s * (s - 1) / 2).sum()
    }

    #[test]
    fn work_grows_linearly_with_distinct_speakers() {
        let mut stats = Vec::new();
        for (n, seed) in [(1_000, 1), (10_000, 2), (100_000, 3)] {
            let names = distinct_names(n, seed, random_surname);
            let (index, s) =
                SpeakerIndex::from_counts_with_stats(counts(&names), &Aliases::default());
            eprintln!(
                "{n} speakers: {} index keys, {} candidate pairs, {} edit distances, {} crowded \
                 (pairwise search: {} edit distances)",
                s.keys,
                s.candidates,
                s.comparisons,
                s.crowded,
                pairwise_comparisons(&names)
            );
            assert_eq!(s.spellings, n);
            // Among 100,000 random names a few pairs with the same first name are within the
            // budget by chance (Levan Oduffw / Levan Odufrw); the rule merges those, as it must,
            // and nothing else.
            let (merged, largest) = merges(&index, &names);
            for name in names.iter().filter(|n| index.canonical(n) != n.as_str()) {
                let canonical = index.canonical(name);
                eprintln!("  chance pair: {name} -> {canonical}");
                let (a, b) = (split_name(name).unwrap(), split_name(canonical).unwrap());
                assert!(a.0 == b.0 && surname_distance(&a.1, &b.1).is_some());
            }
            assert!(
                largest <= 2 && merged <= n / 10_000,
                "{merged} merged, largest {largest}"
            );
            stats.push(s);
        }
        for w in stats.windows(2) {
            let work = |s: &MergeStats| s.keys + s.comparisons;
            assert!(
                work(&w[1]) <= 15 * work(&w[0]),
                "index keys and edit distances grew more than 15 times for 10 times the names: \
                 {:?} -> {:?}",
                w[0],
                w[1]
            );
            assert!(w[1].comparisons <= 15 * w[0].comparisons.max(10), "{w:?}");
        }
        // Far fewer edit distances than names.
        assert!(stats[2].comparisons <= 1_000, "{:?}", stats[2]);
    }

    #[test]
    fn numbered_surnames_do_not_chain() {
        let names: Vec<String> = (1..=20_000)
            .map(|i| format!("Anna Surname{i:05}"))
            .collect();
        let (index, s) = SpeakerIndex::from_counts_with_stats(counts(&names), &Aliases::default());
        let (merged, largest) = merges(&index, &names);
        eprintln!(
            "Anna Surname00001..20000: {merged} merged, largest group {largest}; {} index keys, \
             {} edit distances, {} crowded",
            s.keys, s.comparisons, s.crowded
        );
        assert!(largest <= MAX_GROUP, "a group of {largest} names");
    }

    #[test]
    fn false_merges_among_distinct_names_are_rare() {
        // Every name is a different person, so every merge is a false one.
        let names = distinct_names(20_000, 7, random_surname);
        let index = SpeakerIndex::from_counts(counts(&names), &Aliases::default());
        let (merged, largest) = merges(&index, &names);
        let rate = merged as f64 / names.len() as f64;
        eprintln!(
            "false merges, 20,000 distinct names (random 6-10-letter surnames): {merged} ({:.3}%), \
             largest group {largest}",
            100.0 * rate
        );
        assert!(rate <= 0.001, "false-merge rate {rate}");

        // Surnames from 24 syllables and 10 endings are often one edit apart (Mazeov, Mazeev),
        // which the rule cannot tell from a misspelling; refusing ambiguous groups still halves
        // the false merges of the previous rule and keeps groups small.
        let names = distinct_names(20_000, 7, syllable_surname);
        let index = SpeakerIndex::from_counts(counts(&names), &Aliases::default());
        let (merged, largest) = merges(&index, &names);
        let (old_merged, old_largest) = merges(&pairwise_star(&names), &names);
        eprintln!(
            "false merges, 20,000 distinct names (syllable surnames): {merged} ({:.2}%), largest \
             group {largest}; the previous rule: {old_merged} ({:.2}%), largest group \
             {old_largest}",
            100.0 * merged as f64 / names.len() as f64,
            100.0 * old_merged as f64 / names.len() as f64
        );
        assert!(merged * 2 <= old_merged && largest <= MAX_GROUP);
    }

    /// The rule this module used before, for names given once each, in order: each name joins the
    /// first earlier group head it is close to. Quadratic, and builds stars.
    fn pairwise_star(names: &[String]) -> SpeakerIndex {
        let mut index = SpeakerIndex::default();
        let mut heads: HashMap<String, Vec<(&str, Vec<char>)>> = HashMap::new();
        for name in names {
            let Some((first, surname)) = split_name(name) else {
                index.add(name, name.clone());
                continue;
            };
            let heads = heads.entry(first).or_default();
            let close = |h: &&(&str, Vec<char>)| {
                h.1 == surname
                    || (h.1.len().min(surname.len()) >= MIN_FUZZY_SURNAME
                        && levenshtein(
                            &h.1.iter().collect::<String>(),
                            &surname.iter().collect::<String>(),
                        ) * LETTERS_PER_EDIT
                            <= h.1.len().max(surname.len()))
            };
            match heads.iter().find(close) {
                Some(h) => index.add(name, h.0.to_string()),
                None => {
                    heads.push((name, surname));
                    index.add(name, name.clone());
                }
            }
        }
        index
    }

    #[test]
    fn ordinary_spelling_variants_merge_as_before() {
        // Distinct names, and for one in fifty a second spelling one edit away.
        let mut rng = Rng(11);
        let mut names = distinct_names(20_000, 5, random_surname);
        let mut seen: HashSet<String> = names.iter().map(|n| n.to_lowercase()).collect();
        for i in (0..names.len()).step_by(50) {
            let (first, surname) = names[i].rsplit_once(' ').unwrap();
            let mut letters: Vec<char> = surname.chars().collect();
            let at = 1 + rng.below(letters.len() - 1);
            match rng.below(3) {
                0 => letters[at] = (b'a' + rng.below(26) as u8) as char,
                1 => letters.insert(at, (b'a' + rng.below(26) as u8) as char),
                _ => {
                    letters.remove(at);
                }
            }
            let variant = format!("{first} {}", letters.iter().collect::<String>());
            if seen.insert(variant.to_lowercase()) {
                names.push(variant);
            }
        }
        let index = SpeakerIndex::from_counts(counts(&names), &Aliases::default());
        let before = pairwise_star(&names);
        let mut merged = 0;
        for n in &names {
            assert_eq!(index.canonical(n), before.canonical(n), "{n}");
            merged += usize::from(index.canonical(n) != n);
        }
        eprintln!(
            "{merged} of {} injected spellings merged, as before",
            names.len() - 20_000
        );
        assert!(merged * 10 >= (names.len() - 20_000) * 9);
    }

    #[test]
    fn the_index_finds_every_close_pair() {
        // Surnames of 3 to 40 letters from a small alphabet, with near copies, so that close
        // pairs of every length are common; the index must give the groups that comparing every
        // pair gives.
        let mut rng = Rng(23);
        let (mut checked, mut close_pairs, mut groups, mut long_groups) = (0, 0, 0, 0);
        for round in 0..200 {
            let mut surnames: Vec<Vec<char>> = Vec::new();
            for _ in 0..20 + rng.below(40) {
                if !surnames.is_empty() && rng.below(2) == 0 {
                    let mut s = surnames[rng.below(surnames.len())].clone();
                    for _ in 0..1 + rng.below(1 + s.len() / 4) {
                        let at = rng.below(s.len() + 1);
                        let c = (b'a' + rng.below(3) as u8) as char;
                        match rng.below(3) {
                            0 if at < s.len() => s[at] = c,
                            1 if at < s.len() && s.len() > 1 => {
                                s.remove(at);
                            }
                            _ => s.insert(at, c),
                        }
                    }
                    surnames.push(s);
                } else {
                    let len = 3 + rng.below(38);
                    surnames.push(
                        (0..len)
                            .map(|_| (b'a' + rng.below(3) as u8) as char)
                            .collect(),
                    );
                }
            }
            surnames.sort();
            surnames.dedup();
            let slices: Vec<&[char]> = surnames.iter().map(Vec::as_slice).collect();
            let mut stats = MergeStats::default();
            let (candidates, crowded) = candidate_pairs(&slices, &mut stats);
            let indexed = merged_groups(&slices, &mut stats);
            if stats.crowded > 0 {
                continue;
            }
            let n = slices.len() as u32;
            let all: Vec<(u32, u32)> = (0..n)
                .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
                .collect();
            for &(i, j) in &all {
                let (a, b) = (slices[i as usize], slices[j as usize]);
                if surname_distance(a, b).is_some() {
                    close_pairs += 1;
                    assert!(
                        candidates.binary_search(&(i, j)).is_ok(),
                        "round {round}: {a:?} and {b:?} are close but not candidates"
                    );
                }
            }
            checked += 1;
            groups += indexed.len();
            long_groups += indexed
                .iter()
                .filter(|g| g.iter().any(|&i| slices[i].len() > MAX_DELETION_INDEXED))
                .count();
            let mut brute = MergeStats::default();
            let expected = groups_from_pairs(&slices, &all, &crowded, &mut brute);
            assert_eq!(indexed, expected, "round {round}: {surnames:?}");
        }
        eprintln!(
            "{checked} rounds without crowds: {close_pairs} close pairs, {groups} groups, \
             {long_groups} with a surname of over {MAX_DELETION_INDEXED} letters"
        );
        assert!(checked >= 150 && long_groups >= 20);
    }
}
