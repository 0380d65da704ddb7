//! `train --tune`: choose the stance classifier's settings by stratified cross-validation on the
//! training data only. Every point of a small grid (L2 penalty, class balancing) is
//! cross-validated, then the best point once more with the cue features switched over, then the
//! best so far with character n-grams and chi-squared selection switched over; each is
//! cross-validated with the stance classifier alone (topic models do not depend on these choices
//! for the decision and would only cost time), and the best macro-F1 wins; ties go to the earlier,
//! more strongly regularised point. Deterministic: same data, same folds, same choice.

use crate::error::Result;
use crate::features::lexicon::Lexicon;
use crate::features::Selection;
pub use crate::model::TunePoint;
use crate::train::cv::cross_validate;
use crate::train::{Encoded, Example, TrainParams, ValidTrainParams};

/// L2 penalties tried, strongest first.
pub const ALPHAS: [f64; 4] = [1.0, 0.3, 0.1, 0.03];

/// The character n-gram lengths `--tune` tries.
pub const CHAR_NGRAMS: (usize, usize) = (2, 5);

/// Cross-validates every grid point with `folds` folds and returns the settings of the best one
/// (the rest of `params` unchanged) with the whole grid.
pub fn tune(
    params: &TrainParams,
    examples: &[Example],
    lexicon: &Lexicon,
    folds: usize,
    encoded: Option<&Encoded>,
) -> Result<(ValidTrainParams, Vec<TunePoint>)> {
    let with_chars = |p: &mut TrainParams, chars: bool| {
        if chars {
            p.features.char_ngrams = Some(CHAR_NGRAMS);
            p.features.selection = Selection::Chi2;
        } else if has_chars(params) {
            p.features.char_ngrams = None;
            p.features.selection = Selection::Frequency;
        } else {
            p.features.char_ngrams = params.features.char_ngrams;
            p.features.selection = params.features.selection;
        }
    };
    let score = |alpha: f64, balanced: bool, cues: bool, chars: bool| -> Result<TunePoint> {
        let mut p = params.clone();
        p.logistic.alpha = alpha;
        p.logistic.balanced = balanced;
        p.features.cues = cues;
        with_chars(&mut p, chars);
        p.topics.min_examples = usize::MAX; // stance only: no topic models in the folds
        let report = cross_validate(&p.validate()?, examples, lexicon, folds, encoded)?;
        Ok(TunePoint {
            alpha,
            balanced,
            cues,
            chars,
            cv_macro_f1: report.stance.macro_f1,
        })
    };
    let chars = has_chars(params);
    let mut grid = Vec::new();
    for balanced in [false, true] {
        for alpha in ALPHAS {
            grid.push(score(alpha, balanced, params.features.cues, chars)?);
        }
    }
    let top = best_of(&grid, params);
    grid.push(score(top.alpha, top.balanced, !top.cues, top.chars)?);
    let top = best_of(&grid, params);
    grid.push(score(top.alpha, top.balanced, top.cues, !top.chars)?);
    let best = best_of(&grid, params);
    let mut chosen = params.clone();
    chosen.logistic.alpha = best.alpha;
    chosen.logistic.balanced = best.balanced;
    chosen.features.cues = best.cues;
    with_chars(&mut chosen, best.chars);
    Ok((chosen.validate()?, grid))
}

/// Whether `params` already asks for character n-grams with chi-squared selection.
fn has_chars(params: &TrainParams) -> bool {
    params.features.char_ngrams.is_some() && params.features.selection == Selection::Chi2
}

/// The point with the highest score; the earliest on ties.
fn best_of(grid: &[TunePoint], params: &TrainParams) -> TunePoint {
    grid.iter()
        .enumerate()
        .max_by(|(i, a), (j, b)| a.cv_macro_f1.total_cmp(&b.cv_macro_f1).then(j.cmp(i)))
        .map(|(_, p)| p.clone())
        .unwrap_or(TunePoint {
            alpha: params.logistic.alpha,
            balanced: params.logistic.balanced,
            cues: params.features.cues,
            chars: has_chars(params),
            cv_macro_f1: 0.0,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn examples() -> Vec<Example> {
        let base = [
            ("growth will bring great benefits", "optimistic"),
            ("investors see great potential", "optimistic"),
            ("serious risks and obstacles remain", "cautionary"),
            ("the ministers met on tuesday", "neutral"),
        ];
        (0..6)
            .flat_map(|i| {
                base.map(|(t, l)| Example {
                    text: format!("{t} {i}"),
                    label: l.into(),
                    topics: None,
                })
            })
            .collect()
    }

    #[test]
    fn picks_the_best_cross_validated_point_deterministically() {
        let params = TrainParams {
            cv_folds: 0,
            ..TrainParams::default()
        };
        let (chosen, grid) = tune(&params, &examples(), &Lexicon::default(), 3, None).unwrap();
        assert_eq!(grid.len(), 2 * ALPHAS.len() + 2);
        let best = grid.iter().map(|p| p.cv_macro_f1).fold(f64::MIN, f64::max);
        let first_best = grid.iter().find(|p| p.cv_macro_f1 == best).unwrap();
        assert_eq!(
            (
                chosen.logistic.alpha,
                chosen.logistic.balanced,
                chosen.features.cues,
                chosen.features.char_ngrams.is_some()
            ),
            (
                first_best.alpha,
                first_best.balanced,
                first_best.cues,
                first_best.chars
            )
        );
        assert!(grid.iter().any(|p| p.chars), "character n-grams were tried");
        assert_eq!(chosen.topics, params.topics, "topic settings are not tuned");
        let (again, grid_again) = tune(&params, &examples(), &Lexicon::default(), 3, None).unwrap();
        assert_eq!((again, grid_again), (chosen, grid));
    }
}
