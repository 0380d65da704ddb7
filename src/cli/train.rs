//! `stance train`: fit tokenizer, features, stance classifier and topic tagger on labelled files
//! and write one versioned model file (atomically).

use super::{display_paths, FieldArgs, Outcome};
use anyhow::{Context, Result};
use clap::Args;
use stance::data::RecordReader;
use stance::error::Error;
use stance::features::encoder::Encoder;
use stance::features::Selection;
use stance::lexicon::Lexicon;
use stance::linear::Algo;
use stance::model::polarity::Polarity;
use stance::model::EncoderParams;
use stance::model::{InputFields, StanceModel};
use stance::train::{fit_held_out, Encoded, Example, TrainParams};
use stance::tune::tune;
use std::sync::Arc;

/// Folds of the cross-validation that `--tune` runs.
const TUNE_FOLDS: usize = 5;
use std::path::{Path, PathBuf};

/// Train a model from labelled JSON Lines or CSV files.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Labelled files (JSON Lines, or CSV or TSV by extension); - reads JSON Lines from standard
    /// input.
    #[arg(long, required = true, num_args = 1..)]
    data: Vec<PathBuf>,
    /// Where to write the model.
    #[arg(long)]
    out: PathBuf,
    /// Held-out labelled files in the register the model will score, not trained on: the
    /// calibration temperature is fitted on the model's predictions for them (instead of on the
    /// cross-validation folds).
    #[arg(long, num_args = 1.., value_name = "FILE")]
    dev: Vec<PathBuf>,
    /// Also choose each topic's two probability cuts on the --dev files, by the topic's F1 there
    /// (otherwise every topic keeps --topic-threshold and the keyword cut 0.1). On our corpus,
    /// cuts chosen this way did not carry over to other held-out text; see README.
    #[arg(long, requires = "dev")]
    topic_cuts: bool,
    /// Choose the L2 penalty, class balancing, cue features and character n-grams by 5-fold
    /// cross-validation on the training data first (10 settings; the choice is printed).
    #[arg(long)]
    tune: bool,
    /// Folds of the cross-validation stored in the model; 0 skips it.
    #[arg(long, default_value_t = 5)]
    cv: usize,
    /// How the labels make the signed score of sentences and experts, as label=weight pairs
    /// with weights in [-1, 1] (e.g. dovish=1,hawkish=-1), or none [default: optimistic=1,
    /// cautionary=-1, or positive=1,negative=-1, when the labels include them; else none]. The
    /// stance itself is always the most probable label.
    #[arg(long, value_name = "LABEL=W,...|none")]
    polarity: Option<String>,
    #[command(flatten)]
    fields: FieldArgs,
    #[command(flatten)]
    settings: TrainFlags,
}

/// Training settings shared by `train` and `eval --cv`.
#[derive(Debug, Args)]
pub struct TrainFlags {
    /// Topic keyword lexicon (topic<TAB>keyword lines) [default: the shipped data/lexicon/topics.tsv].
    #[arg(long)]
    lexicon: Option<PathBuf>,
    /// Longest word n-gram.
    #[arg(long, default_value_t = 2)]
    ngram_max: usize,
    /// Minimum number of training sentences an n-gram must occur in.
    #[arg(long, default_value_t = 2)]
    min_df: usize,
    /// Keep at most this many n-grams [default: 3000 beside an encoder, 5000 without].
    #[arg(long)]
    max_features: Option<usize>,
    /// L2 penalty of the logistic regression.
    #[arg(long, default_value_t = 0.3)]
    alpha: f64,
    /// Add cue-lexicon features (hedges, necessity, risk, opportunity, rebuttal, each plain and
    /// negated; data/lexicon/cues.tsv).
    #[arg(long)]
    cues: bool,
    /// Add character n-grams of these lengths inside words, as MIN-MAX (e.g. 2-5).
    #[arg(long, value_name = "MIN-MAX", value_parser = parse_range)]
    char_ngrams: Option<(usize, usize)>,
    /// How to choose the kept n-grams: frequency (most common) or chi2 (most tied to the labels).
    #[arg(long, default_value = "frequency")]
    selection: Selection,
    /// Stance classifier: logistic (multinomial logistic regression), ovr (one-vs-rest logistic
    /// regression) or nb (multinomial naive Bayes, with --alpha as its smoothing, trained in
    /// mini-batches in bounded memory; topic classifiers are then naive Bayes too, otherwise
    /// they are logistic).
    #[arg(long, default_value = "logistic")]
    algo: Algo,
    /// Most L-BFGS iterations of each logistic regression.
    #[arg(long, default_value_t = 200)]
    max_iterations: u64,
    /// Weigh the stance labels by the inverse of their frequency.
    #[arg(long)]
    balanced: bool,
    /// Topic model probability at or above which a topic is given.
    #[arg(long, default_value_t = 0.35)]
    topic_threshold: f64,
    /// Seed of the cross-validation folds.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Sentence encoder folder (config.json, tokenizer.json, model.safetensors) whose
    /// embeddings join the n-gram features, or `none` for an n-gram-only model
    /// [default: the shipped models/all-MiniLM-L6-v2; none with --algo nb].
    #[arg(long, value_name = "PATH|none")]
    encoder: Option<String>,
    /// Length of each sentence's embedding beside its unit-length n-gram vector.
    #[arg(long, default_value_t = EncoderParams::default().weight)]
    encoder_weight: f64,
    /// Threads that train cross-validation folds side by side [default: one per core]. The
    /// model and the figures do not depend on it.
    #[arg(long, default_value_t = 0)]
    threads: usize,
}

impl TrainFlags {
    /// Training settings with `cv_folds` folds of stored cross-validation.
    pub fn params(&self, cv_folds: usize) -> TrainParams {
        let mut p = match self.encoder_dir() {
            Some(_) => TrainParams::with_encoder(),
            None => TrainParams::default(),
        };
        p.cv_folds = cv_folds;
        p.seed = self.seed;
        p.min_token_frequency = self.min_df as u64;
        p.features.ngram_max = self.ngram_max;
        p.features.min_df = self.min_df;
        if let Some(n) = self.max_features {
            p.features.max_features = n;
        }
        p.features.cues = self.cues;
        p.features.char_ngrams = self.char_ngrams;
        p.features.selection = self.selection;
        p.logistic.alpha = self.alpha;
        p.logistic.balanced = self.balanced;
        p.logistic.max_iterations = self.max_iterations;
        p.logistic.algo = self.algo;
        p.topics.threshold = self.topic_threshold;
        if let Some(e) = &mut p.encoder {
            e.weight = self.encoder_weight;
        }
        p
    }

    /// The encoder folder asked for, or none. Naive Bayes has none unless one is asked for
    /// (and then training refuses it: naive Bayes counts non-negative features).
    fn encoder_dir(&self) -> Option<PathBuf> {
        match self.encoder.as_deref() {
            Some("none") => None,
            Some(path) => Some(PathBuf::from(path)),
            None if self.algo == Algo::Nb => None,
            None => Some(PathBuf::from(super::DEFAULT_ENCODER)),
        }
    }

    /// Loads the encoder asked for and embeds `examples` with it. The model at `out` records
    /// the encoder's folder relative to its own, when it is below it.
    pub fn encode(&self, examples: &[Example], out: Option<&Path>) -> Result<Option<Encoded>> {
        let Some(dir) = self.encoder_dir() else {
            return Ok(None);
        };
        let recorded = recorded_path(&dir, out)?;
        let encoder = Encoder::load(&dir, &recorded)
            .with_context(|| format!("cannot load sentence encoder {}", dir.display()))?;
        eprintln!(
            "encoding {} sentences with {}",
            examples.len(),
            dir.display()
        );
        Ok(Some(Encoded::new(Arc::new(encoder), examples)?))
    }

    /// Sets the number of worker threads for this process.
    pub fn start_threads(&self) -> Result<()> {
        rayon::ThreadPoolBuilder::new()
            .num_threads(self.threads)
            .build_global()
            .context("cannot start the worker threads")
    }

    /// The lexicon file given, or the shipped one.
    pub fn lexicon(&self) -> Result<Lexicon> {
        Ok(match &self.lexicon {
            Some(path) => Lexicon::read(path)?,
            None => Lexicon::builtin(),
        })
    }
}

/// The encoder folder as a model file at `out` records it: relative to the model's folder when
/// the encoder is inside it (so the two move together), absolute otherwise.
fn recorded_path(dir: &Path, out: Option<&Path>) -> Result<String> {
    let dir = dir
        .canonicalize()
        .with_context(|| format!("cannot find sentence encoder {}", dir.display()))?;
    let base = out
        .and_then(Path::parent)
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .and_then(|p| p.canonicalize().ok());
    let relative = base.and_then(|b| dir.strip_prefix(b).ok().map(Path::to_path_buf));
    let path = relative.unwrap_or(dir);
    path.to_str()
        .map(String::from)
        .with_context(|| format!("encoder path {} is not UTF-8", path.display()))
}

/// Parses `MIN-MAX` (or a single length) into a range.
fn parse_range(s: &str) -> std::result::Result<(usize, usize), String> {
    let (min, max) = s.split_once('-').unwrap_or((s, s));
    let parse = |v: &str| {
        v.trim()
            .parse::<usize>()
            .map_err(|_| format!("{s:?} is not MIN-MAX, e.g. 2-5"))
    };
    Ok((parse(min)?, parse(max)?))
}

/// Reads labelled examples from every file.
/// Labelled examples read from files, with where each came from.
pub struct Examples {
    pub examples: Vec<Example>,
    /// `(file index, line)` of each example.
    pub origins: Vec<(usize, usize)>,
    /// Bad records passed over with `--skip-invalid`.
    pub skipped: usize,
}

/// Reads labelled examples from every file. A bad record stops the reading, or with
/// `--skip-invalid` is reported on standard error and counted.
/// Fields not given in `fields` are `defaults`'.
pub fn read_examples(
    paths: &[PathBuf],
    fields: &FieldArgs,
    defaults: &InputFields,
) -> Result<Examples> {
    let opts = fields.read_options(defaults);
    let (mut examples, mut origins, mut skipped) = (Vec::new(), Vec::new(), 0);
    for (file, path) in paths.iter().enumerate() {
        let mut reader = RecordReader::open(path)?;
        while let Some(raw) = reader.next_raw()? {
            let line = raw.line();
            let example = raw
                .parse(path, &opts)
                .and_then(|r| Example::from_records(r.into_iter().collect(), path));
            match example {
                Ok(found) => {
                    origins.extend(found.iter().map(|_| (file, line)));
                    examples.extend(found);
                }
                Err(e) if fields.skip_invalid => {
                    eprintln!("stance: skipped {e}");
                    skipped += 1;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(Examples {
        examples,
        origins,
        skipped,
    })
}

/// With `skipped` records passed over, says so and turns `outcome` into exit 1.
pub fn after_skipping(skipped: usize, outcome: Outcome) -> Outcome {
    if skipped == 0 {
        return outcome;
    }
    eprintln!("stance: skipped {skipped} invalid record(s); the rest was used");
    Outcome::FellShort
}

pub fn run(args: TrainArgs) -> Result<Outcome> {
    args.settings.start_threads()?;
    let params = args.settings.params(args.cv).validate()?;
    let lexicon = args.settings.lexicon()?;
    let fields = args.fields.input_fields(&InputFields::default());
    let Examples {
        examples, skipped, ..
    } = read_examples(&args.data, &args.fields, &fields)?;
    let files = display_paths(&args.data);
    if examples.is_empty() {
        anyhow::bail!("{files}: no labelled sentences; each line needs a text and a label");
    }
    let polarity = polarity_of(args.polarity.as_deref(), &examples)?;
    check_out_dir(&args.out, "model", "model.json")?;
    let encoded = args.settings.encode(&examples, Some(&args.out))?;
    let (params, grid) = if args.tune {
        let (chosen, grid) = tune(&params, &examples, &lexicon, TUNE_FOLDS, encoded.as_ref())
            .with_context(|| format!("tuning on {files} failed"))?;
        for p in &grid {
            eprintln!(
                "tune: alpha {:<5} balanced {:<5} cues {:<5} chars {:<5} CV macro-F1 {:.4}",
                p.alpha, p.balanced, p.cues, p.chars, p.cv_macro_f1
            );
        }
        eprintln!(
            "tune: chose alpha {} balanced {} cues {} character n-grams {}",
            chosen.logistic.alpha,
            chosen.logistic.balanced,
            chosen.features.cues,
            chosen
                .features
                .char_ngrams
                .map_or("none".to_string(), |(a, b)| format!("{a}-{b}, chi2"))
        );
        (chosen, Some(grid))
    } else {
        (params, None)
    };
    let mut model = params
        .fit_encoded(&examples, &lexicon, encoded.as_ref())
        .with_context(|| format!("training on {files} failed"))?;
    if let Some(grid) = grid {
        model.set_tuning(grid);
    }
    model.set_polarity(polarity);
    model.set_fields(fields);
    let mut skipped = skipped;
    if !args.dev.is_empty() {
        let dev = HeldOutFiles {
            paths: &args.dev,
            fields: &args.fields,
            choose_cuts: args.topic_cuts,
        };
        skipped += calibrate_on_dev(&mut model, dev, &examples)?;
    }
    model.save(&args.out)?;
    eprintln!("signed score: {}", model.polarity().describe());
    let cv = model
        .cv()
        .map(|cv| format!(", {}-fold CV macro-F1 {:.3}", cv.folds, cv.stance.macro_f1))
        .unwrap_or_default();
    eprintln!(
        "trained on {} sentences ({} labels, {} topics){cv}; wrote {}",
        examples.len(),
        model.labels().len(),
        model.topics().len(),
        args.out.display()
    );
    for warning in small_data_warnings(&model) {
        eprintln!("stance: warning: {warning}");
    }
    Ok(after_skipping(skipped, Outcome::Done))
}

/// The polarity `--polarity` gives, checked against the training labels before training, or
/// the default for those labels.
fn polarity_of(spec: Option<&str>, examples: &[Example]) -> Result<Polarity> {
    let mut labels: Vec<String> = examples.iter().map(|e| e.label.clone()).collect();
    labels.sort();
    labels.dedup();
    Ok(match spec {
        Some(spec) => Polarity::parse(spec, &labels)?,
        None => Polarity::default_for(&labels),
    })
}

/// The held-out files of `--dev` and what to fit on them.
struct HeldOutFiles<'a> {
    paths: &'a [PathBuf],
    fields: &'a FieldArgs,
    /// Choose each topic's cuts there too (`--topic-cuts`).
    choose_cuts: bool,
}

/// Fits the model's temperature (and topic cuts, when asked) on the held-out files and says
/// what it chose. A sentence also in the training data, or a label or topic the model does not
/// know, is an error naming file and line. Returns the number of records skipped with
/// `--skip-invalid`.
fn calibrate_on_dev(
    model: &mut StanceModel,
    dev: HeldOutFiles<'_>,
    trained_on: &[Example],
) -> Result<usize> {
    let paths = dev.paths;
    let read = read_examples(paths, dev.fields, model.fields())?;
    let files = display_paths(paths);
    if read.examples.is_empty() {
        anyhow::bail!("{files}: no labelled sentences to calibrate on (--dev)");
    }
    let trained: std::collections::HashSet<&str> =
        trained_on.iter().map(|e| e.text.as_str()).collect();
    for (ex, &(file, line)) in read.examples.iter().zip(&read.origins) {
        let path = &paths[file];
        anyhow::ensure!(
            !trained.contains(ex.text.as_str()),
            "{}:{line}: this held-out sentence is also in the training data (--data); \
             --dev must hold sentences the model was not trained on",
            path.display()
        );
        check_known(model, ex, path, line)?;
    }
    fit_held_out(model, &read.examples, dev.choose_cuts)
        .with_context(|| format!("calibrating on {files} failed"))?;
    if let Some(c) = model.calibration() {
        eprintln!(
            "calibrated on {} held-out sentences of {files}: temperature {:.3} (their ECE {:.4} -> {:.4})",
            read.examples.len(),
            c.temperature,
            c.ece_before,
            c.ece_after
        );
    }
    let tagger = model.topic_tagger();
    let cuts: Vec<String> = tagger
        .chosen_cuts()
        .iter()
        .map(|(topic, c)| format!("{topic} {:.2}/{:.2}", c.threshold, c.lexicon_threshold))
        .collect();
    if !cuts.is_empty() {
        eprintln!(
            "topic cuts chosen there (model probability / with a keyword): {}",
            cuts.join(", ")
        );
    }
    Ok(read.skipped)
}

/// The index of `ex`'s label in `model`; a label or topic the model does not know is an error
/// naming the file and line the example came from.
pub fn check_known(
    model: &StanceModel,
    ex: &Example,
    path: &Path,
    line: usize,
) -> std::result::Result<usize, Error> {
    let Some(label) = model.labels().iter().position(|l| *l == ex.label) else {
        return Err(Error::UnknownLabel {
            path: path.to_path_buf(),
            line,
            label: ex.label.clone(),
            known: model.labels().join(", "),
        });
    };
    if let Some(bad) = ex
        .topics
        .iter()
        .flatten()
        .find(|t| !model.topics().contains(t))
    {
        return Err(Error::UnknownTopic {
            path: path.to_path_buf(),
            line,
            topic: bad.clone(),
            known: model.topics().join(", "),
        });
    }
    Ok(label)
}

/// Fewer training sentences of a label per fold than this make the cross-validation (and the
/// calibration fitted on it) noisy.
const MIN_PER_FOLD: usize = 10;
/// A cross-validated macro-F1 less than this above chance (1 / labels) is "near chance".
const NEAR_CHANCE: f64 = 0.1;
/// A calibration temperature above this divides the scores so much that probabilities say
/// little (a model whose held-out scores are this unreliable is close to uninformative).
const FLAT_TEMPERATURE: f64 = 3.0;

/// What a careful user should know about a model trained on little or unhelpful data: too few
/// sentences of a label for the folds, a cross-validated macro-F1 near chance, a temperature
/// that flattens every probability.
fn small_data_warnings(model: &StanceModel) -> Vec<String> {
    let mut warnings = Vec::new();
    let data = model.data();
    if let Some(cv) = model.cv() {
        if let Some((label, n)) = data.label_counts.iter().min_by_key(|(_, n)| **n) {
            if n / cv.folds.max(1) < MIN_PER_FOLD {
                warnings.push(format!(
                    "label {label:?} has {n} training sentences, fewer than {MIN_PER_FOLD} a fold \
                     for {} folds: the cross-validation figures and the calibration are noisy; \
                     add data or lower --cv",
                    cv.folds
                ));
            }
        }
        let chance = 1.0 / model.labels().len().max(1) as f64;
        if cv.stance.macro_f1 < chance + NEAR_CHANCE {
            warnings.push(format!(
                "cross-validated macro-F1 {:.3} is near chance ({chance:.3} for {} labels): the \
                 model has learned little from these data",
                cv.stance.macro_f1,
                model.labels().len()
            ));
        }
    }
    if let Some(c) = model.calibration() {
        if c.temperature > FLAT_TEMPERATURE {
            warnings.push(format!(
                "the calibration temperature {:.1} divides every score by that much: \
                 probabilities come out nearly flat, because the model's scores on held-out \
                 sentences are unreliable; add data",
                c.temperature
            ));
        }
    }
    warnings
}

/// Fails early, before any work, when `--out` could not be written: `what` names the output
/// ("model") and `example` a file name to suggest when `out` is a folder.
pub fn check_out_dir(out: &Path, what: &str, example: &str) -> Result<()> {
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    anyhow::ensure!(
        dir.is_dir(),
        "cannot write {what} {}: folder {} does not exist; create it or choose another --out",
        out.display(),
        dir.display()
    );
    anyhow::ensure!(
        !out.is_dir(),
        "cannot write {what} {}: it is a folder; give a file name such as {}",
        out.display(),
        out.join(example).display()
    );
    Ok(())
}
