//! One expert, several spellings: across articles the same person is written "Velizade" and
//! "Valizade", "Pashinian" and "Pashinyan". Before aggregation, names with the same first names and
//! a surname within a small edit distance are merged under the most frequent spelling. An alias
//! file (`variant<TAB>canonical` lines) overrides the guess: its names are never merged
//! automatically, and a line mapping a name to itself keeps that name apart.

use crate::error::{Error, Result};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// Largest surname edit distance, relative to the longer surname, that still merges two names.
const MAX_SURNAME_DISTANCE: f64 = 0.25;
/// Surnames shorter than this must match exactly ("Said" and "Saad" are different people).
const MIN_FUZZY_SURNAME: usize = 5;

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

    fn mentions(&self, name: &str) -> bool {
        self.map.contains_key(name) || self.map.values().any(|v| v == name)
    }
}

/// The canonical name of every speaker seen, and the spellings merged into each.
#[derive(Debug, Clone, Default)]
pub struct SpeakerIndex {
    canonical: HashMap<String, String>,
    variants: BTreeMap<String, BTreeSet<String>>,
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
    /// spelling names each person, the earliest on ties.
    pub fn from_counts<'a>(
        counts: impl IntoIterator<Item = (&'a str, usize, usize)>,
        aliases: &Aliases,
    ) -> Self {
        let mut counts: Vec<(&str, usize, usize)> = counts.into_iter().collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
        let mut index = SpeakerIndex::default();
        let mut clusters: HashMap<(usize, String), Vec<String>> = HashMap::new();
        for (name, _, _) in counts {
            let canonical = match aliases.map.get(name) {
                Some(target) => target.clone(),
                None if aliases.mentions(name) => name.to_string(),
                None => {
                    let key = bucket(name);
                    let members = clusters.entry(key).or_default();
                    match members.iter().find(|c| same_person(c, name)) {
                        Some(c) => c.clone(),
                        None => {
                            members.push(name.to_string());
                            name.to_string()
                        }
                    }
                }
            };
            index.add(name, canonical);
        }
        index
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

/// Names can only match inside a bucket: same number of words, same first word.
fn bucket(name: &str) -> (usize, String) {
    let words: Vec<&str> = name.split_whitespace().collect();
    (
        words.len(),
        words.first().map(|w| w.to_lowercase()).unwrap_or_default(),
    )
}

/// Same first names (case-insensitive) and close surnames; one-word names never match.
fn same_person(a: &str, b: &str) -> bool {
    let (wa, wb): (Vec<&str>, Vec<&str>) = (
        a.split_whitespace().collect(),
        b.split_whitespace().collect(),
    );
    if wa.len() < 2 || wa.len() != wb.len() {
        return false;
    }
    let n = wa.len();
    let firsts_match = wa[..n - 1]
        .iter()
        .zip(&wb[..n - 1])
        .all(|(x, y)| x.to_lowercase() == y.to_lowercase());
    let (sa, sb) = (wa[n - 1].to_lowercase(), wb[n - 1].to_lowercase());
    let (la, lb) = (sa.chars().count(), sb.chars().count());
    let close = sa == sb
        || (la.min(lb) >= MIN_FUZZY_SURNAME
            && levenshtein(&sa, &sb) as f64 / la.max(lb) as f64 <= MAX_SURNAME_DISTANCE);
    firsts_match && close
}

/// Edit distance in characters.
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
