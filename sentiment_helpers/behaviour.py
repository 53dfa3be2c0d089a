"""Behavioural tests of a sentiment model, in the spirit of CheckList (Ribeiro, Wu, Guestrin and Singh, *Beyond
Accuracy: Behavioral Testing of NLP Models with CheckList*, ACL 2020): short reviews built from templates and small
lexicons, each test probing one capability (negation, contrast, intensity, invariance, direction) in one of three ways:

- MFT (minimum functionality): every text has an expected label;
- INV (invariance): an edit that should not matter (a name, a title, the final punctuation) must not flip the label;
- DIR (directional): an edit must move p(positive) the expected way, or leave it within ``TOLERANCE``.

A model is any function from texts to p(positive), so every model of the course fits::

    bilstm = predictor.p_positive
    tfidf = lambda texts: pipeline.predict_proba(texts)[:, 1]
    run_suite(bilstm)                                  # one row per test: cases, failures, an example failure
    failure_table({"BiLSTM": bilstm, "TF-IDF": tfidf})  # tests x models: failure rates, for plots.behaviour_heatmap

The suite is built without randomness, so every run scores the same texts.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import product

import numpy as np
import pandas as pd

Model = Callable[[list[str]], Sequence[float]]  # texts -> p(positive) of each
CAPABILITIES = ("negation", "contrast", "intensity", "invariance", "direction")
KINDS = ("MFT", "INV", "DIR")
TOLERANCE = 0.01  # a DIR test forgives a move the wrong way smaller than this

POSITIVE = ("good", "great", "wonderful", "excellent", "brilliant", "amazing", "fantastic", "superb", "enjoyable",
            "beautiful", "delightful", "moving", "charming", "impressive", "outstanding", "terrific", "memorable",
            "touching", "clever", "funny", "gripping", "engaging", "lovely", "entertaining")
NEGATIVE = ("bad", "terrible", "awful", "boring", "dull", "horrible", "poor", "weak", "dreadful", "mediocre",
            "disappointing", "tedious", "pointless", "stupid", "lame", "annoying", "bland", "predictable",
            "forgettable", "clumsy", "painful", "silly", "pathetic", "awkward")
INTENSIFIERS = ("very", "really", "absolutely", "extremely")
NOUNS = ("film", "movie", "story", "acting", "plot", "script", "ending", "cast", "music", "dialogue")
NAMES = ("John", "Maria", "Ahmed", "Mei", "David", "Fatima", "Carlos", "Olga", "James", "Aisha", "Kenji", "Sophie",
         "Peter", "Ana", "Omar", "Emma", "Raj", "Lucia", "Tom", "Ingrid")
TITLES = ("Casablanca", "Vertigo", "Jaws", "Rocky", "Titanic", "Chinatown", "Fargo", "Memento", "Gladiator", "Amadeus",
          "Metropolis", "Rebecca", "Spartacus", "Network", "Platoon", "Gandhi", "Brazil", "Taxi Driver", "Citizen Kane",
          "Rear Window")
NEUTRAL = ("I watched this movie on a Sunday afternoon.", "The film is about two brothers who run a farm.",
           "It runs for about two hours.", "The story takes place in a small town in the fifties.",
           "Most of it was shot in Canada.", "I saw it at the cinema with a friend.",
           "The main character is a teacher who moves to the city.", "It is based on a novel from the eighties.",
           "The film follows a family over one summer.", "I rented it after reading about it online.")
MIXED = ("Some scenes work, others drag.", "The acting is fine and the plot is thin.",
         "Parts of it are funny and parts are slow.", "The music is good, the dialogue less so.",
         "It has a strong start and a weak ending.", "The cast does what it can with the script.",
         "It is neither great nor terrible.", "Some jokes land and some fall flat.",
         "The photography is nice but the pacing is uneven.", "It is an average film with a few good moments.")
POSITIVE_ENDINGS = ("I loved it.", "I really enjoyed it.", "It is a must see.")
NEGATIVE_ENDINGS = ("I hated it.", "It was a waste of time.", "Avoid it.")


@dataclass(frozen=True)
class Case:
    """One text (MFT, with its expected ``label``: 1 positive, 0 negative) or one pair: a text and its edited
    ``variant`` (INV and DIR)."""
    text: str
    label: int | None = None
    variant: str | None = None

    @property
    def texts(self) -> tuple[str, ...]:
        return (self.text,) if self.variant is None else (self.text, self.variant)


@dataclass(frozen=True)
class BehaviourTest:
    """A named test of one capability; ``direction`` (DIR only): +1, p must not go down; -1, p must not go up."""
    name: str
    capability: str
    kind: str
    description: str
    cases: tuple[Case, ...]
    direction: int = 0

    def __post_init__(self):
        if self.capability not in CAPABILITIES or self.kind not in KINDS:
            raise ValueError(f"{self.name}: capability one of {CAPABILITIES}, kind one of {KINDS}")
        if (self.kind == "DIR") != (self.direction in (-1, 1)):
            raise ValueError(f"{self.name}: a DIR test has a direction, +1 or -1, and no other test has one")
        if not all((case.label is None) == (self.kind != "MFT") and (case.variant is None) == (self.kind == "MFT")
                   for case in self.cases):
            raise ValueError(f"{self.name}: an MFT case has a label, an INV or DIR case a variant")


def _spread(items: Sequence, n: int) -> list:
    """n items evenly spaced through ``items`` (deterministic, no sampling)."""
    return [items[i * len(items) // n] for i in range(n)]


def _negation() -> list[BehaviourTest]:
    subjects = ("it", "the film", "the movie", "the story", "the acting", "the plot")
    nouns = NOUNS[:6]
    return [
        BehaviourTest("not + positive adjective", "negation", "MFT",
                      'A negated positive adjective is negative: "The film was not good."',
                      tuple(Case(f"The {noun} was not {adj}.", 0) for noun, adj in product(nouns, POSITIVE))),
        BehaviourTest("not + negative adjective + at all", "negation", "MFT",
                      'A negated negative adjective is positive: "The acting was not bad at all."',
                      tuple(Case(f"The {noun} was not {adj} at all.", 1) for noun, adj in product(nouns, NEGATIVE))),
        BehaviourTest("never + negative adjective", "negation", "MFT",
                      'A negative adjective under "never" is positive: "I never found it boring."',
                      tuple(Case(f"I never found {who} {adj}.", 1) for who, adj in product(subjects, NEGATIVE))),
    ]


def _contrast() -> list[BehaviourTest]:
    aspects = NOUNS[2:]  # parts of a film, so that each clause judges one part
    pairs = [(aspects[i % 8], aspects[(i + 1 + (i // 8) % 7) % 8]) for i in range(120)]  # two different parts
    sentence = "The {} was {}, but the {} was {}."
    return [
        BehaviourTest("negative, but positive", "contrast", "MFT",
                      'The clause after "but" decides: "The plot was dull, but the acting was wonderful." is positive.',
                      tuple(Case(sentence.format(first, neg, second, pos), 1) for (first, second), (neg, pos)
                            in zip(pairs, _spread(list(product(NEGATIVE, POSITIVE)), 120), strict=True))),
        BehaviourTest("positive, but negative", "contrast", "MFT",
                      'The clause after "but" decides: "The acting was wonderful, but the plot was dull." is negative.',
                      tuple(Case(sentence.format(first, pos, second, neg), 0) for (first, second), (pos, neg)
                            in zip(pairs, _spread(list(product(POSITIVE, NEGATIVE)), 120), strict=True))),
    ]


def _intensity() -> list[BehaviourTest]:
    def cases(adjectives: Sequence[str]) -> tuple[Case, ...]:
        return tuple(Case(f"The {NOUNS[a % len(NOUNS)]} was {adjectives[a]}.",
                          variant=f"The {NOUNS[a % len(NOUNS)]} was {word} {adjectives[a]}.")
                     for a, word in product(range(len(adjectives)), INTENSIFIERS))

    return [
        BehaviourTest("intensified positive adjective", "intensity", "DIR",
                      '"very/really/absolutely/extremely good" must not score lower than "good".', cases(POSITIVE), 1),
        BehaviourTest("intensified negative adjective", "intensity", "DIR",
                      '"very/really/absolutely/extremely bad" must not score higher than "bad".', cases(NEGATIVE), -1),
    ]


def _swaps(templates: Sequence[str], slot: str, values: Sequence[str], n: int = 120) -> tuple[Case, ...]:
    """n pairs of one sentence with ``slot`` filled by two different ``values``, adjectives of both signs; the
    second value is 1 + i // len(values) places further on, so each value meets several partners."""
    adjectives = POSITIVE + NEGATIVE
    cases = []
    for i in range(n):
        fill = {"adj": adjectives[i % len(adjectives)], "noun": NOUNS[i % len(NOUNS)]}
        template = templates[i % len(templates)]
        cases.append(Case(template.format(**fill, **{slot: values[i % len(values)]}),
                          variant=template.format(**fill, **{slot: values[(i + 1 + i // len(values)) % len(values)]})))
    return tuple(cases)


def _invariance() -> list[BehaviourTest]:
    names = ("{name} was {adj} in this film.", "{name}'s performance was {adj}.", "The {noun} with {name} was {adj}.",
             "I watched it with {name} and found it {adj}.")
    titles = ("{title} was {adj}.", "I found {title} {adj}.", "The {noun} of {title} was {adj}.",
              "I saw {title} yesterday and it was {adj}.")
    sentences = [f"The {NOUNS[i % len(NOUNS)]} was {(POSITIVE + NEGATIVE)[5 * i % 48]}." for i in range(60)]
    return [
        BehaviourTest("person names", "invariance", "INV",
                      'Another name must not flip the label: "John was good in this film." -> "Maria was good in ..."',
                      _swaps(names, "name", NAMES)),
        BehaviourTest("movie titles", "invariance", "INV",
                      'Another title must not flip the label: "Casablanca was good." -> "Vertigo was good."',
                      _swaps(titles, "title", TITLES)),
        BehaviourTest("final punctuation", "invariance", "INV",
                      'The final "." changed to "!" or removed must not flip the label: "The film was good!"',
                      tuple(Case(text, variant=text[:-1] + end) for text, end in product(sentences, ("!", "")))),
    ]


def _direction() -> list[BehaviourTest]:
    bases = [f"{neutral} {mixed}" for neutral, mixed in product(NEUTRAL, MIXED)]
    return [
        BehaviourTest("appended positive sentence", "direction", "DIR",
                      'A neutral or mixed review with "I loved it." (or alike) added must not score lower.',
                      tuple(Case(b, variant=f"{b} {POSITIVE_ENDINGS[i % 3]}") for i, b in enumerate(bases)), 1),
        BehaviourTest("appended negative sentence", "direction", "DIR",
                      'A neutral or mixed review with "I hated it." (or alike) added must not score higher.',
                      tuple(Case(b, variant=f"{b} {NEGATIVE_ENDINGS[i % 3]}") for i, b in enumerate(bases)), -1),
    ]


def build_suite() -> tuple[BehaviourTest, ...]:
    return tuple(_negation() + _contrast() + _intensity() + _invariance() + _direction())


SUITE = build_suite()


def _fails(test: BehaviourTest, case: Case, p: dict[str, float]) -> bool:
    if test.kind == "MFT":
        return (p[case.text] >= 0.5) != (case.label == 1)
    before, after = p[case.text], p[case.variant]
    if test.kind == "INV":
        return (before >= 0.5) != (after >= 0.5)
    return test.direction * (after - before) < -TOLERANCE


def _describe(case: Case, p: dict[str, float]) -> str:
    if case.variant is None:
        return f'"{case.text}" p={p[case.text]:.2f}, expected {"positive" if case.label == 1 else "negative"}'
    return f'"{case.text}" p={p[case.text]:.2f} -> "{case.variant}" p={p[case.variant]:.2f}'


def score_texts(model: Model, suite: Sequence[BehaviourTest] = SUITE) -> dict[str, float]:
    """p(positive) of every distinct text of the suite, from ONE call of ``model`` (its fixed cost paid once)."""
    texts = list(dict.fromkeys(text for test in suite for case in test.cases for text in case.texts))
    scores = np.asarray(model(texts), dtype=float).ravel()
    if len(scores) != len(texts):
        raise ValueError(f"the model returned {len(scores)} numbers for {len(texts)} texts: one p(positive) each")
    return dict(zip(texts, scores.tolist(), strict=True))


def run_suite(model: Model, suite: Sequence[BehaviourTest] = SUITE) -> pd.DataFrame:
    """One row per test: its capability, name, kind, cases, failures, failure rate and the first failure."""
    p = score_texts(model, suite)
    rows = []
    for test in suite:
        failed = [case for case in test.cases if _fails(test, case, p)]
        rows.append({"capability": test.capability, "test": test.name, "kind": test.kind, "cases": len(test.cases),
                     "failures": len(failed), "failure rate": len(failed) / len(test.cases),
                     "example failure": _describe(failed[0], p) if failed else ""})
    return pd.DataFrame(rows)


def failure_table(models: dict[str, Model], suite: Sequence[BehaviourTest] = SUITE) -> pd.DataFrame:
    """Failure rates: a row per test (capability, test), a column per model; ``plots.behaviour_heatmap`` draws it."""
    return pd.DataFrame({name: run_suite(model, suite).set_index(["capability", "test"])["failure rate"]
                         for name, model in models.items()})
