//! Stage 5: speaker resolution. A subject phrase ("Kyle Inan", "the analyst", "he", "the U.S.
//! Embassy") is first classified into a [`Mention`] without looking at the article; a per-article
//! [`Speakers`] registry then turns mentions into person ids. Full names create people; surnames,
//! pronouns and role nouns refer back; institutions and anonymous groups resolve to no one, so
//! nothing attributed to them is emitted. Look-ups go through a hash map to stay linear.

use super::lexicon::{self, has};
use super::words::{clean, is_name_word, is_particle, lower, tokens};
use std::collections::HashMap;

/// What a subject phrase says about who speaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mention {
    /// "he", "she", "him": the most recent person.
    Pronoun,
    /// "the analyst", "the head of CAIR": the most recent person.
    Role,
    /// One to four name words; `titled` if a role or title came first ("economist Jafarli").
    Name { name: String, titled: bool },
    /// An institution, a document or an anonymous group.
    Nobody,
    /// Not a subject phrase at all ("The first meeting").
    NotSubject,
}

/// Longest subject phrase considered, in words.
const MAX_SUBJECT_WORDS: usize = 14;

/// Classifies a subject phrase.
pub fn classify(phrase: &str) -> Mention {
    let mut words: Vec<&str> = tokens(phrase)
        .map(|(_, t)| clean(t))
        .filter(|t| !t.is_empty())
        .collect();
    if words.len() > MAX_SUBJECT_WORDS {
        return Mention::NotSubject;
    }
    while words
        .first()
        .is_some_and(|w| has(lexicon::CONNECTIVES, &lower(w)))
    {
        words.remove(0);
    }
    words.retain(|w| !has(lexicon::ADVERBS, &lower(w)));
    let Some(first) = words.first() else {
        return Mention::NotSubject;
    };
    let first = lower(first);
    if words.len() == 1 && has(lexicon::PERSON_PRONOUNS, &first) {
        return Mention::Pronoun;
    }
    if has(lexicon::NOBODY_PRONOUNS, &first) {
        return Mention::Nobody;
    }
    if first == "the" {
        return classify_definite(&words[1..]);
    }
    if let Some(glued) = first.strip_prefix("the") {
        if words.len() == 1 && lexicon::is_role(glued) {
            return Mention::Role;
        }
    }
    classify_named(&words)
}

/// "the analyst", "the 71-year-old ex-president", "the U.S. Embassy", "the analyst John Doe".
fn classify_definite(words: &[&str]) -> Mention {
    for (i, w) in words.iter().enumerate() {
        let low = lower(w);
        if has(lexicon::NOBODY_NOUNS, &low) {
            return Mention::Nobody;
        }
        if lexicon::is_role(&low) {
            let rest = &words[i + 1..];
            if rest.len() >= 2 && rest.iter().all(|w| is_name_word(w)) {
                return Mention::Name {
                    name: rest.join(" "),
                    titled: true,
                };
            }
            return Mention::Role;
        }
    }
    Mention::NotSubject
}

/// "Kyle Inan", "political analyst Hrant Mikaelian", "Deputy Finance Minister Orkhan Roe",
/// "economist Kemal Roe of Anatolia Research", "Foreign Ministry".
fn classify_named(words: &[&str]) -> Mention {
    let is_title = |w: &&str| {
        let low = lower(w.trim_end_matches('.'));
        lexicon::is_role(&low) || has(lexicon::TITLES, &low)
    };
    let titled = words.iter().any(is_title);
    let start = words.iter().rposition(is_title).map_or(0, |i| i + 1);
    let mut rest = &words[start..];
    while rest
        .first()
        .is_some_and(|w| lexicon::is_modifier(&lower(w)))
    {
        rest = &rest[1..];
    }
    let run = rest
        .iter()
        .take_while(|w| is_name_word(w) || is_particle(w))
        .count();
    let tail_ok = match rest.get(run) {
        None => true,
        Some(w) => titled && has(lexicon::NAME_FOLLOWERS, w),
    };
    if titled && rest.first().is_some_and(|w| *w == "of" || *w == "for") {
        return portfolio_name(rest);
    }
    let nobody = rest.iter().any(|w| has(lexicon::NOBODY_NOUNS, &lower(w)));
    if nobody && (run == rest.len() || !titled) {
        return Mention::Nobody;
    }
    if run > 0 && run <= 4 && tail_ok && is_name_word(rest[0]) {
        return Mention::Name {
            name: rest[..run].join(" "),
            titled,
        };
    }
    Mention::NotSubject
}

/// "of Digital Development and Transport Rovshan Alakbarli": the person's name closes a role's
/// portfolio, whose words are capitalised too, so only the last two name words (three with a
/// middle initial) are taken.
fn portfolio_name(rest: &[&str]) -> Mention {
    let run = rest.iter().rev().take_while(|w| is_name_word(w)).count();
    let tail = &rest[rest.len() - run..];
    if tail.iter().any(|w| has(lexicon::NOBODY_NOUNS, &lower(w))) {
        return Mention::NotSubject;
    }
    let initial = run >= 3 && rest[rest.len() - 2].ends_with('.');
    let take = if initial { 3 } else { 2 };
    if run < take {
        return Mention::NotSubject;
    }
    Mention::Name {
        name: rest[rest.len() - take..].join(" "),
        titled: true,
    }
}

/// The people of one article, in order of first mention.
#[derive(Debug, Default)]
pub struct Speakers {
    /// Fullest name seen per person.
    names: Vec<String>,
    /// Lowercase full names and surnames to person ids.
    by_key: HashMap<String, usize>,
    last: Option<usize>,
}

impl Speakers {
    /// The person a mention refers to, registering new full names; updates recency.
    pub fn resolve(&mut self, mention: &Mention) -> Option<usize> {
        let id = match mention {
            Mention::Pronoun | Mention::Role => self.last,
            Mention::Name { name, titled } => self.resolve_name(name, *titled),
            Mention::Nobody | Mention::NotSubject => None,
        };
        if id.is_some() {
            self.last = id;
        }
        id
    }

    /// The most recent person mentioned.
    pub fn last(&self) -> Option<usize> {
        self.last
    }

    /// Canonical (fullest) name of a person.
    pub fn name(&self, id: usize) -> &str {
        self.names.get(id).map_or("", String::as_str)
    }

    fn resolve_name(&mut self, name: &str, titled: bool) -> Option<usize> {
        let words: Vec<&str> = name.split(' ').collect();
        let full = lower(name);
        let surname = lower(words.last().copied().unwrap_or(""));
        if let Some(&id) = self.by_key.get(&full) {
            return Some(id);
        }
        if let Some(&id) = self.by_key.get(&surname) {
            if self.compatible(id, &words) {
                if words.len() > self.names[id].split(' ').count() {
                    self.names[id] = name.to_string();
                }
                self.by_key.insert(full, id);
                return Some(id);
            }
        }
        if words.len() < 2 && !titled {
            return None;
        }
        let id = self.names.len();
        self.names.push(name.to_string());
        self.by_key.insert(full, id);
        self.by_key.insert(surname, id);
        Some(id)
    }

    /// A new form may belong to a known person if the first names agree or one side lacks one.
    fn compatible(&self, id: usize, words: &[&str]) -> bool {
        let known: Vec<&str> = self.names[id].split(' ').collect();
        if known.len() < 2 || words.len() < 2 {
            return true;
        }
        let (a, b) = (lower(known[0]), lower(words[0]));
        a == b || a.chars().next() == b.chars().next() && (a.ends_with('.') || b.ends_with('.'))
    }
}

/// Registers people introduced in narrative by a role noun, a title or an interview verb
/// ("political analyst Hrant Mikaelian", "Caliber.Az interviewed Jane Roe"); returns how many.
pub fn scan_mentions(sentence: &str, speakers: &mut Speakers) -> usize {
    let words: Vec<&str> = tokens(sentence).map(|(_, t)| t).take(400).collect();
    let mut found = 0;
    for (i, raw) in words.iter().enumerate() {
        let w = clean(raw);
        let low = lower(w.trim_end_matches('.'));
        let lowercase_role =
            lexicon::is_role(&low) && (i == 0 || w.chars().next().is_some_and(char::is_lowercase));
        let trigger =
            lowercase_role || has(lexicon::TITLES, &low) || has(lexicon::INTERVIEW_WORDS, &low);
        if !trigger || raw.ends_with(',') {
            continue;
        }
        let name: Vec<&str> = words[i + 1..]
            .iter()
            .take(4)
            .scan(false, |stop, t| {
                (!*stop).then(|| {
                    *stop = t.ends_with([',', '.', ';', ':']) && !clean(t).ends_with('.');
                    clean(t)
                })
            })
            .take_while(|t| is_name_word(t) && !is_role_word(t))
            .collect();
        if (2..=4).contains(&name.len()) {
            speakers.resolve(&Mention::Name {
                name: name.join(" "),
                titled: true,
            });
            found += 1;
        }
    }
    found
}

/// True for a capitalised word that belongs to a role phrase or an institution, not a name.
fn is_role_word(w: &str) -> bool {
    let low = lower(w);
    lexicon::is_role(&low) || lexicon::is_modifier(&low) || has(lexicon::NOBODY_NOUNS, &low)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(n: &str) -> Mention {
        Mention::Name {
            name: n.to_string(),
            titled: false,
        }
    }

    #[test]
    fn classifies_subjects() {
        assert_eq!(classify("Kyle Inan"), name("Kyle Inan"));
        assert_eq!(classify("He also"), Mention::Pronoun);
        assert_eq!(classify("the analyst"), Mention::Role);
        assert_eq!(classify("the 71-year-old ex-president"), Mention::Role);
        assert_eq!(classify("theauthor"), Mention::Role);
        assert_eq!(classify("the U.S. Embassy"), Mention::Nobody);
        assert_eq!(classify("the statement"), Mention::Nobody);
        assert_eq!(classify("analysts"), Mention::Nobody);
        assert_eq!(classify("Foreign Ministry"), Mention::Nobody);
        assert_eq!(classify("The first meeting"), Mention::NotSubject);
        assert_eq!(classify("Caliber.Az"), Mention::NotSubject);
        let titled = |n: &str| Mention::Name {
            name: n.into(),
            titled: true,
        };
        assert_eq!(
            classify("Deputy Finance Minister Omar Lind"),
            titled("Omar Lind")
        );
        assert_eq!(
            classify("Deputy Minister of Rail and Post Ugo Paz"),
            titled("Ugo Paz")
        );
        assert_eq!(
            classify("professor of law at Nord State University"),
            Mention::NotSubject
        );
        assert_eq!(
            classify("economist Ken Doe of Delta Research in Oslo"),
            titled("Ken Doe")
        );
        assert_eq!(
            classify("political analyst Hrant Mikaelian"),
            Mention::Name {
                name: "Hrant Mikaelian".into(),
                titled: true
            }
        );
    }

    #[test]
    fn resolves_references() {
        let mut s = Speakers::default();
        let inan = s.resolve(&name("Kyle Inan"));
        assert_eq!(inan, Some(0));
        assert_eq!(s.resolve(&name("Inan")), inan);
        assert_eq!(s.resolve(&Mention::Nobody), None);
        assert_eq!(s.resolve(&Mention::Role), inan);
        assert_eq!(s.resolve(&name("Velizade")), None);
        let vel = s.resolve(&name("Ilgar Velizade"));
        assert_eq!(vel, Some(1));
        assert_eq!(s.resolve(&Mention::Pronoun), vel);
        assert_eq!(s.name(0), "Kyle Inan");
    }

    #[test]
    fn keeps_the_fullest_name() {
        let mut s = Speakers::default();
        let id = s.resolve(&Mention::Name {
            name: "Jafarli".into(),
            titled: true,
        });
        assert_eq!(s.resolve(&name("Natig Jafarli")), id);
        assert_eq!(s.name(0), "Natig Jafarli");
    }

    #[test]
    fn scans_role_phrases() {
        let mut s = Speakers::default();
        assert_eq!(
            scan_mentions("We spoke to economist Jane Roe, a professor.", &mut s),
            1
        );
        assert_eq!(
            scan_mentions("Chief Global Strategist at KI Co.", &mut s),
            0
        );
        assert_eq!(s.name(0), "Jane Roe");
    }
}
