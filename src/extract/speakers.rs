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
        let alone = words
            .get(1)
            .is_none_or(|w| has(lexicon::NAME_FOLLOWERS, w) || *w == "on");
        if alone && (lexicon::is_role(glued) || lexicon::is_misspelled_role(glued)) {
            return Mention::Role;
        }
    }
    classify_named(&words)
}

/// The person a transcript label names: "AMB. JO LEE" is Jo Lee, "ABDUL BIN SAUD AL ROE" is
/// Abdul bin Saud Al Roe. Titles are dropped; an all-capitals name is written as a name.
pub fn label_mention(label: &str) -> Mention {
    let shouted = !label.chars().any(char::is_lowercase);
    let words: Vec<String> = label
        .split_whitespace()
        .map(|w| if shouted { name_case(w) } else { w.to_string() })
        .collect();
    let start = words
        .iter()
        .position(|w| {
            let low = lower(w.trim_end_matches('.'));
            !(has(lexicon::TITLES, &low) || lexicon::is_role(&low) || is_modifier_title(&low))
        })
        .unwrap_or(words.len());
    if start == words.len() {
        return Mention::NotSubject;
    }
    Mention::Name {
        name: words[start..].join(" "),
        titled: true,
    }
}

/// Abbreviated titles seen in transcript labels ("AMB.", "SEN.", "GEN.").
fn is_modifier_title(word: &str) -> bool {
    matches!(
        word,
        "amb" | "sen" | "gen" | "rep" | "gov" | "h.e" | "hon" | "col" | "capt"
    )
}

/// "LEE" -> "Lee", "AL-HARBI" -> "Al-Harbi", "BIN" -> "bin".
fn name_case(word: &str) -> String {
    let low = lower(word);
    if is_particle(&low) && low != "al" && low != "el" {
        return low;
    }
    let mut out = String::with_capacity(word.len());
    let mut start = true;
    for c in low.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = matches!(c, '-' | ' ' | '\'' | '’' | '.');
    }
    out
}

/// "the analyst", "the 71-year-old ex-president", "the U.S. Embassy", "the analyst John Doe".
fn classify_definite(words: &[&str]) -> Mention {
    for (i, w) in words.iter().enumerate() {
        let low = lower(w);
        let role_follows = || words[i + 1..].iter().any(|w| lexicon::is_role(&lower(w)));
        if has(lexicon::NOBODY_NOUNS, &low) && !role_follows() {
            // "the Kremlin spokesperson" is a person; "the U.S. Embassy" is not.
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
    let misspelled = words
        .iter()
        .take(4)
        .any(|w| lexicon::is_misspelled_role(&lower(w)));
    if misspelled {
        Mention::Role
    } else {
        Mention::NotSubject
    }
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
    if rest.is_empty() && words.last().is_some_and(is_title) {
        // "His Highness the Emir", "Defence Minister": a role without a name refers back.
        return Mention::Role;
    }
    let nobody = rest.iter().any(|w| has(lexicon::NOBODY_NOUNS, &lower(w)));
    if nobody && (run == rest.len() || !titled) {
        return Mention::Nobody;
    }
    let places = lexicon::is_place_name(&rest[..run]);
    if run > 0 && places {
        return Mention::Nobody;
    }
    let particles = rest[..run].iter().filter(|w| is_particle(w)).count();
    if run > 0 && run - particles <= 4 && tail_ok && is_name_word(rest[0]) {
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
    let lowercase = |w: &&&str| w.chars().next().is_some_and(char::is_lowercase);
    if rest[1..]
        .iter()
        .filter(lowercase)
        .any(|w| !matches!(*w, "of" | "and" | "for"))
    {
        return Mention::NotSubject;
    }
    let run = rest.iter().rev().take_while(|w| is_name_word(w)).count();
    let initial = run >= 3 && rest[rest.len() - 2].ends_with('.');
    // Known portfolio words ("for Transport", "of Economic Affairs") end the role; what follows
    // is the whole name ("Chee Hong Tat"). Otherwise the last two words are taken.
    let after_portfolio = rest[rest.len() - run..]
        .iter()
        .rposition(|w| {
            let low = lower(w);
            has(lexicon::PORTFOLIO_WORDS, &low) || lexicon::is_place_name(&[w])
        })
        .map(|i| run - i - 1)
        .filter(|n| (2..=4).contains(n));
    let take = after_portfolio.unwrap_or(if initial { 3 } else { 2 });
    let name = &rest[rest.len() - take.min(run)..];
    let nobody = name.iter().any(|w| has(lexicon::NOBODY_NOUNS, &lower(w)));
    if run < take || nobody || lexicon::is_place_name(name) {
        return Mention::NotSubject;
    }
    Mention::Name {
        name: name.join(" "),
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

    /// Registers people named outside the text (photo captions) without making any of them the
    /// most recent person: a caption is not an attribution.
    pub fn register_quietly(&mut self, names: &[&str]) {
        for name in names {
            let mention = classify(name);
            if let Mention::Name { name, .. } = mention {
                self.resolve_name(&name, true);
            }
        }
        self.last = None;
    }

    /// The most recent person mentioned.
    pub fn last(&self) -> Option<usize> {
        self.last
    }

    /// The last known person named in `text` ("Caliber.Az asked Calloway to comment."), by full
    /// name or surname, without registering anyone.
    pub fn mentioned(&self, text: &str) -> Option<usize> {
        tokens(text)
            .filter_map(|(_, t)| self.by_key.get(&surname_key(clean(t))).copied())
            .last()
    }

    /// Canonical (fullest) name of a person.
    pub fn name(&self, id: usize) -> &str {
        self.names.get(id).map_or("", String::as_str)
    }

    fn resolve_name(&mut self, name: &str, titled: bool) -> Option<usize> {
        let mut words: Vec<&str> = name.split(' ').collect();
        // "In Washington", "So Jo Lee", "The Egyptian": a capitalised sentence opener is no name.
        while words
            .first()
            .is_some_and(|w| has(lexicon::OPENERS, &lower(w)))
        {
            words.remove(0);
        }
        if words.is_empty() || lexicon::is_place_name(&words) {
            return None;
        }
        let joined = words.join(" ");
        let name = joined.as_str();
        let full = lower(name);
        let surname = surname_key(words.last().copied().unwrap_or(""));
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
        // "Carvajal de la Fuente" (a transcript label) of "Inés Carvajal de la Fuente".
        if words.len() >= 2 {
            let suffix = format!(" {full}");
            if let Some(id) = self.names.iter().position(|n| lower(n).ends_with(&suffix)) {
                self.by_key.insert(full, id);
                return Some(id);
            }
        }
        if let Some(id) = self.variant_of(&surname, &words) {
            self.by_key.insert(full, id);
            self.by_key.insert(surname, id);
            return Some(id);
        }
        if words.len() < 2 && !titled {
            return None;
        }
        let id = self.names.len();
        self.names.push(name.to_string());
        self.by_key.insert(full, id);
        self.by_key.insert(surname, id);
        if words.len() >= 2 {
            // "Mr Chee" of "Chee Hong Tat", "Yang" of "Yang Lixian": names written family name
            // first are also known by their other words.
            for w in &words[..words.len() - 1] {
                if !is_particle(&lower(w)) && w.chars().count() >= 2 {
                    self.by_key.entry(surname_key(w)).or_insert(id);
                }
            }
        }
        Some(id)
    }

    /// A known person whose surname is a spelling variant of `surname` (Cafarli / Jafarli,
    /// Gasimli / Qasimli): close by edit distance and with compatible first names. Only the
    /// most recent people are compared, which keeps the look-up bounded.
    fn variant_of(&self, surname: &str, words: &[&str]) -> Option<usize> {
        const RECENT: usize = 64;
        const MIN_LEN: usize = 5;
        let from = self.names.len().saturating_sub(RECENT);
        if surname.chars().count() >= MIN_LEN {
            let found = (from..self.names.len()).rev().find(|&id| {
                let known = self.names[id].rsplit(' ').next().unwrap_or("");
                let budget = if surname.chars().count() > 6 { 2 } else { 1 };
                self.compatible(id, words) && edit_distance(&lower(known), surname, budget)
            });
            if found.is_some() {
                return found;
            }
        }
        // A two-word surname with a short last part ("Abdel Ati" / "Badr Abdel Aty"): the
        // words must match the known name's last words but for one letter.
        if words.len() != 2 {
            return None;
        }
        let tail = lower(&words.join(" "));
        (from..self.names.len()).rev().find(|&id| {
            let known: Vec<&str> = self.names[id].split(' ').collect();
            known.len() > 2
                && lower(known[known.len() - 2]) == lower(words[0])
                && edit_distance(&lower(&known[known.len() - 2..].join(" ")), &tail, 1)
        })
    }

    /// A new form may belong to a known person if the first names agree or one side lacks one.
    fn compatible(&self, id: usize, words: &[&str]) -> bool {
        let given = |w: &&str| !is_particle(&lower(w));
        let known: Vec<&str> = self.names[id].split(' ').filter(given).collect();
        let words: Vec<&str> = words.iter().copied().filter(given).collect();
        if known.len() < 2 || words.len() < 2 {
            return true;
        }
        let (a, b) = (lower(known[0]), lower(words[0]));
        a == b || a.chars().next() == b.chars().next() && (a.ends_with('.') || b.ends_with('.'))
    }
}

/// The look-up key of a surname: lowercase, without a glued particle ("al-Mazrouei" and "Al
/// Mazrouei" are one surname).
fn surname_key(word: &str) -> String {
    let low = lower(word);
    for particle in ["al-", "el-", "ad-", "ar-", "as-", "at-", "ibn-", "bin-"] {
        if let Some(rest) = low.strip_prefix(particle) {
            if rest.chars().count() > 2 {
                return rest.to_string();
            }
        }
    }
    low
}

/// True if `a` and `b` are at most `budget` single-character edits apart (banded Levenshtein;
/// names are short, so the cost is tiny).
fn edit_distance(a: &str, b: &str, budget: usize) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > budget || a.len() > 40 || b.len() > 40 {
        return false;
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = diag + usize::from(ca != cb);
            diag = row[j + 1];
            row[j + 1] = sub.min(row[j] + 1).min(diag + 1);
        }
    }
    row[b.len()] <= budget
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
        assert_eq!(classify("theauthor of the study"), Mention::Role);
        assert_eq!(classify("the anlayst"), Mention::Role);
        assert_eq!(classify("the expret"), Mention::Role);
        assert_eq!(classify("the Senate"), Mention::Nobody);
        assert_eq!(classify("the first session"), Mention::NotSubject);
        assert_eq!(classify("the U.S. Embassy"), Mention::Nobody);
        assert_eq!(classify("the Kremlin spokesperson"), Mention::Role);
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
            classify("chief economist of the bank Nord Capital"),
            Mention::NotSubject
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
    fn spelling_variants_are_one_person() {
        let mut s = Speakers::default();
        let id = s.resolve(&name("Orhan Cafarov"));
        assert_eq!(s.resolve(&name("Jafarov")), id);
        assert_eq!(s.resolve(&name("Orhan Jafarov")), id);
        assert_eq!(s.name(0), "Orhan Cafarov");
        assert_eq!(s.resolve(&name("Ivan Petrov")), Some(1));
        assert_eq!(s.resolve(&name("Lee")), None);
        assert!(!edit_distance("abcde", "vwxyz", 2));
        let omar = s.resolve(&name("Omar Abdel Aty"));
        assert_eq!(s.resolve(&name("Abdel Ati")), omar);
        assert_ne!(s.resolve(&name("Abdel Rahim")), omar);
    }

    #[test]
    fn long_names_are_known_by_every_part() {
        let mut s = Speakers::default();
        let id = s.resolve(&name("Tay Boon Hock"));
        let mr = Mention::Name {
            name: "Tay".into(),
            titled: true,
        };
        assert_eq!(s.resolve(&mr), id);
        assert_eq!(
            s.resolve(&label_mention("AL ROE")),
            s.resolve(&name("Ali bin Saud Al Roe"))
        );
        assert_eq!(s.resolve(&name("Asia Pacific")), None);
        assert_eq!(s.resolve(&name("In Washington")), None);
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
}
