//! Which gold goes with which article: by name, never by position, so that gold files can be
//! given in any order, as a folder, or as one file whose records name their articles. A gold
//! name matches an article whose file stem, file name or path (as given) it equals.

use super::GoldArticle;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// Articles and gold, paired.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pairing {
    /// Each article that has gold (its index among the articles) with its gold, in article order.
    pub pairs: Vec<(usize, GoldArticle)>,
    /// The indices of the articles that no gold names.
    pub without_gold: Vec<usize>,
    /// Gold for articles that are not among the articles.
    pub without_article: Vec<GoldArticle>,
}

/// Pairs gold with articles by name. Errors: one article's gold in two files, or two articles
/// that one gold name could mean (same file stem in two folders).
pub fn pair_by_name(articles: &[PathBuf], gold: Vec<GoldArticle>) -> Result<Pairing> {
    let mut merged: Vec<GoldArticle> = Vec::new();
    for g in gold {
        if let Some(seen) = merged.iter().find(|m| m.name == g.name) {
            return Err(Error::BadRecord {
                path: g.file,
                line: g.line,
                reason: format!(
                    "gold for article {:?} is also in {}; give each article's gold once",
                    g.name,
                    seen.file.display()
                ),
            });
        }
        merged.push(g);
    }
    let mut out = Pairing::default();
    let mut gold_of: Vec<Option<GoldArticle>> = vec![None; articles.len()];
    for g in merged {
        let mut hits = (0..articles.len()).filter(|&i| names(&articles[i], &g.name));
        match (hits.next(), hits.next()) {
            (Some(i), None) => gold_of[i] = Some(g),
            (Some(i), Some(j)) => {
                return Err(Error::BadArticle {
                    path: articles[j].clone(),
                    reason: format!(
                        "has the same name as {}, so the gold for {:?} ({}) could be for either; \
                         gold pairs with articles by file name",
                        articles[i].display(),
                        g.name,
                        g.file.display()
                    ),
                })
            }
            (None, _) => out.without_article.push(g),
        }
    }
    for (i, g) in gold_of.into_iter().enumerate() {
        match g {
            Some(g) => out.pairs.push((i, g)),
            None => out.without_gold.push(i),
        }
    }
    Ok(out)
}

/// Whether `name` names the article at `path`.
fn names(path: &Path, name: &str) -> bool {
    let is = |part: Option<&std::ffi::OsStr>| part.is_some_and(|p| p == name);
    is(path.file_stem()) || is(path.file_name()) || path == Path::new(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold(name: &str, file: &str) -> GoldArticle {
        GoldArticle {
            name: name.into(),
            file: file.into(),
            line: 1,
            sentences: Vec::new(),
        }
    }

    #[test]
    fn pairs_by_stem_file_name_or_path_in_article_order() {
        let articles: Vec<PathBuf> = ["in/b.txt", "in/a.txt", "in/c.txt", "in/d.txt"]
            .iter()
            .map(PathBuf::from)
            .collect();
        let p = pair_by_name(
            &articles,
            vec![
                gold("a", "g/a.jsonl"),
                gold("x", "g/x.jsonl"),
                gold("b.txt", "g/all.jsonl"),
                gold("in/d.txt", "g/all.jsonl"),
            ],
        )
        .unwrap();
        let pairs: Vec<(usize, &str)> = p.pairs.iter().map(|(i, g)| (*i, &*g.name)).collect();
        assert_eq!(pairs, [(0, "b.txt"), (1, "a"), (3, "in/d.txt")]);
        assert_eq!(p.without_gold, [2]);
        assert_eq!(p.without_article, [gold("x", "g/x.jsonl")]);
    }

    #[test]
    fn one_article_in_two_gold_files_or_two_articles_of_one_name_are_errors() {
        let articles = [PathBuf::from("one/a.txt"), PathBuf::from("two/a.txt")];
        let err = pair_by_name(
            &articles[..1],
            vec![gold("a", "x.jsonl"), gold("a", "y.jsonl")],
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("y.jsonl:1") && err.contains("also in x.jsonl"),
            "{err}"
        );
        let err = pair_by_name(&articles, vec![gold("a", "x.jsonl")])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("two/a.txt") && err.contains("one/a.txt"),
            "{err}"
        );
    }
}
