"""A training run's data and model, ready to train: the profile's subsets of IMDB, the vocabulary, every split encoded
once, and the model the profile describes. Training (``pipeline``), pretraining (``pretrain_run``) and the lessons
start from here."""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from . import batching, counterfactual, data
from .model import SentimentLSTM
from .profiles import Profile
from .splits import subsample
from .text import tokenize
from .vocab import Vocab


@dataclass
class PreparedData:
    dataset: object  # datasets.DatasetDict after the profile's subsampling
    source: data.DataSource
    vocab: Vocab
    train: batching.EncodedReviews
    validation: batching.EncodedReviews
    test: batching.EncodedReviews
    split_seed: int = 42  # the seed of the validation split and the profile's subsets
    unlabeled_test_copies: int = 0  # unlabeled reviews left out because a test review has the very same text
    validation_split: str = "random"  # or "by-movie" (splits.by_movie_validation)
    # what pretraining reads when it is not train + unlabeled of ``dataset``: a labelled subset keeps every training
    # review's text (without its label) for pretraining (``labelled_subset``)
    pretraining: list[str] | None = None
    counterfactuals: dict | None = None  # what the counterfactual training options did (``counterfactual.py``)

    def pretraining_texts(self) -> list[str]:
        """The texts pretraining may read: training and unlabeled reviews, never validation or test."""
        if self.pretraining is not None:
            return self.pretraining
        from .pretrain import pretraining_texts

        return pretraining_texts(self.dataset)


def profile_splits(full, profile: Profile, seed: int = 42):
    """The profile's balanced, seeded subsets of train, validation and test (every model and baseline uses these)."""
    import datasets

    sizes = {"train": profile.n_train, "validation": profile.n_val, "test": profile.n_test}
    return datasets.DatasetDict({split: subsample(full[split], n, seed) for split, n in sizes.items()})


def prepare_data(profile: Profile, data_dir: str | Path | None = None, seed: int = 42,
                 validation: str = "random") -> PreparedData:
    """Load IMDB, cut it to the profile's size, build the vocabulary on train (or train + unlabeled, as the profile
    says; never validation or test), encode every split once.

    A profile that pretrains also gets the unlabeled reviews, as ``dataset["unsupervised"]``."""
    with_unlabeled, dropped = profile.pretrain != "none", 0
    full = data.load_imdb(data_dir, seed=seed, unsupervised=with_unlabeled, validation=validation)
    dataset = profile_splits(full, profile, seed)
    if with_unlabeled:
        # IMDB holds word-for-word copies: a few hundred unlabeled reviews are also test reviews. They are left out.
        # (The labeled training split keeps its 123 copies of test reviews, as the standard benchmark does; pretraining
        # reads them as training reviews, which the classifier learns from anyway.)
        test_texts = set(data.column(full["test"], "text"))
        unlabeled = full["unsupervised"]
        unlabeled = unlabeled.select([i for i, text in enumerate(data.column(unlabeled, "text"))
                                      if text not in test_texts])
        dropped = len(full["unsupervised"]) - len(unlabeled)
        if profile.n_unlabeled is not None and profile.n_unlabeled < len(unlabeled):
            unlabeled = unlabeled.shuffle(seed=seed).select(range(profile.n_unlabeled))
        dataset["unsupervised"] = unlabeled
    dataset, counterfactuals, pretraining = _counterfactuals(dataset, profile, seed)
    vocab, train, val, test = _vocabulary_and_encoded(dataset, profile)
    return PreparedData(dataset, full.source, vocab, train, val, test, seed, dropped, validation, pretraining,
                        counterfactuals)


def _vocabulary_and_encoded(dataset, profile: Profile) -> tuple:
    """The vocabulary (from train, or train + unlabeled: never validation or test) and the three splits encoded."""
    train_tokens = [tokenize(text) for text in data.column(dataset["train"], "text")]
    vocab_tokens = train_tokens
    if profile.vocab_source == "train+unlabeled":
        vocab_tokens = train_tokens + [tokenize(text) for text in data.column(dataset["unsupervised"], "text")]
    vocab = Vocab.build(vocab_tokens, profile.max_vocab, profile.min_freq)
    encode = lambda split: batching.encode_texts(data.column(dataset[split], "text"),
                                                 data.column(dataset[split], "label"),
                                                 vocab, profile.max_len, profile.truncation,
                                                 tokens=train_tokens if split == "train" else None)
    return vocab, encode("train"), encode("validation"), encode("test")


def _counterfactuals(dataset, profile: Profile, seed: int) -> tuple[object, dict | None, list[str] | None]:
    """The profile's counterfactual training options applied (``counterfactual.py``): the splits, what was done, and
    the texts pretraining reads when pairs were added (the run's own reviews without them: one word2vec cache serves
    every amount of added pairs)."""
    if profile.cad_originals == "keep" and profile.cad_added == "none":
        return dataset, None, None
    done = {"originals": profile.cad_originals, "added": profile.cad_added, "repeats": profile.cad_repeats}
    if profile.cad_originals == "leave-out":
        dataset, left_out = counterfactual.leave_out_originals(dataset)
        done["left_out"] = left_out
    pretraining = None
    if profile.cad_added != "none":
        if "unsupervised" in dataset:
            from .pretrain import pretraining_texts

            pretraining = pretraining_texts(dataset)
        before = len(dataset["train"])
        dataset["train"] = counterfactual.add_training_pairs(dataset["train"], profile.cad_added, profile.cad_repeats,
                                                             seed)
        done["added_reviews"] = len(dataset["train"]) - before
    return dataset, done, pretraining


def build_model(profile: Profile, vocab: Vocab) -> SentimentLSTM:
    return SentimentLSTM(profile.model, vocab_size=len(vocab))


def describe_run(profile: Profile, prepared: PreparedData) -> str:
    unlabeled = (f" + {len(prepared.dataset['unsupervised']):,} unlabeled for pretraining"
                 if "unsupervised" in prepared.dataset else "")
    return (f"profile '{profile.name}' ({profile.description}) | data: {prepared.source} | "
            f"{len(prepared.train):,} train / {len(prepared.validation):,} validation / {len(prepared.test):,} test "
            f"reviews{unlabeled}")


def labelled_subset(prepared: PreparedData, n_train: int, seed: int = 42) -> PreparedData:
    """The same data with only ``n_train`` of its labelled training reviews: the very reviews a profile with
    ``n_train=n_train`` trains on (``splits.subsample``: balanced, seeded), while the vocabulary, the validation and
    test reviews and the unlabeled ones stay as they are. Pretraining still reads every training review's text: few
    labels, plenty of text."""
    import datasets

    reviews = prepared.dataset["train"]
    rows = data.column(subsample(reviews.add_column("row", list(range(len(reviews)))), n_train, seed), "row")
    encoded = prepared.train
    train = batching.EncodedReviews([encoded.ids[i] for i in rows], [encoded.labels[i] for i in rows],
                                    [encoded.n_tokens[i] for i in rows])
    dataset = datasets.DatasetDict({**prepared.dataset, "train": reviews.select(rows)})
    return replace(prepared, dataset=dataset, train=train, pretraining=prepared.pretraining_texts())


def with_own_vocabulary(prepared: PreparedData, profile: Profile) -> PreparedData:
    """The same reviews with a vocabulary built from their labelled training reviews alone, as ``profile`` says: what
    a random start needs, since words it never trains on would keep random vectors that no label corrects."""
    import datasets

    dataset = datasets.DatasetDict({split: prepared.dataset[split] for split in ("train", "validation", "test")})
    vocab, train, val, test = _vocabulary_and_encoded(dataset, profile.with_changes(vocab_source="train"))
    return replace(prepared, dataset=dataset, vocab=vocab, train=train, validation=val, test=test, pretraining=None)
