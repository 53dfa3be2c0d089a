"""Self-checks for the exercises at the end of each notebook: immediate feedback, no spoilers.

Each ``check_...`` prints a verdict and returns True or False. Solutions are in notebooks/solutions/.
"""
from __future__ import annotations

from collections.abc import Callable

from .model import lstm_direction_parameters


def _unanswered(what: str) -> bool:
    print(f"not answered yet: {what} (replace None with your answer)")
    return False


def _verdict(ok: bool, what: str, hint: str = "") -> bool:
    print(f"{'correct' if ok else 'not yet'}: {what}" + ("" if ok or not hint else f" (hint: {hint})"))
    return ok


# 01 data exploration
def check_positive_share(dataset, answer: float) -> bool:
    """The share of positive reviews in ``dataset["train"]``, as a fraction between 0 and 1."""
    if answer is None:
        return _unanswered("share of positive training reviews")
    labels = dataset["train"]["label"]
    truth = sum(labels) / len(labels)
    return _verdict(abs(answer - truth) < 1e-3, "share of positive training reviews",
                    "labels are 0/1, so their mean is the share of 1s")


def check_longest_review(dataset, answer: int) -> bool:
    """The number of tokens (text.tokenize) in the longest review of ``dataset["test"]``."""
    from .text import tokenize

    if answer is None:
        return _unanswered("tokens in the longest test review")
    truth = max(len(tokenize(t)) for t in dataset["test"]["text"])
    return _verdict(answer == truth, "tokens in the longest test review", "use text.tokenize on every review")


# 02 preprocessing and vocabulary
def check_unknown_rate(function: Callable[[list[list[str]], object], float]) -> bool:
    """``function(token_lists, vocab)`` must return the share of tokens that map to <unk>."""
    from .vocab import Vocab

    if function is None:
        return _unanswered("unknown-word rate")
    vocab = Vocab(["<pad>", "<unk>", "good", "film"])
    cases = [([["good", "film"]], 0.0), ([["bad", "film"], ["good"]], 1 / 3), ([["x", "y"]], 1.0)]
    ok = all(abs(function(tokens, vocab) - truth) < 1e-9 for tokens, truth in cases)
    return _verdict(ok, "unknown-word rate", "count tokens not in vocab.stoi, divide by all tokens")


def check_head_tail(function: Callable[[list[int], int], list[int]]) -> bool:
    """``function(ids, max_len)`` keeps the first half and the last half of a too-long review."""
    from .batching import truncate

    if function is None:
        return _unanswered("head+tail truncation")
    cases = [(list(range(10)), 4), (list(range(10)), 5), (list(range(3)), 5), (list(range(300)), 256)]
    ok = all(function(list(ids), n) == truncate(list(ids), n, "head+tail") for ids, n in cases)
    return _verdict(ok, "head+tail truncation", "with max_len 5 and ids 0..9 expect [0, 1, 7, 8, 9]")


# 03 the BiLSTM and its parameter counts
def check_lstm_parameters(answer: int, input_size: int = 128, hidden_size: int = 256, num_layers: int = 3,
                          bidirectional: bool = True) -> bool:
    """Parameters of an nn.LSTM with these settings (both bias vectors included)."""
    what = f"parameter count for a {num_layers}-layer {'Bi' if bidirectional else ''}LSTM ({input_size} -> {hidden_size})"
    if answer is None:
        return _unanswered(what)
    directions = 2 if bidirectional else 1
    truth = sum(directions * lstm_direction_parameters(input_size if layer == 0 else directions * hidden_size, hidden_size)
                for layer in range(num_layers))
    return _verdict(answer == truth, what, "layers above the first read 2*hidden inputs when bidirectional")


# 04 training
def check_steps_per_epoch(answer: int, n_reviews: int = 22_500, batch_size: int = 64) -> bool:
    what = f"optimizer steps per epoch for {n_reviews:,} reviews in batches of {batch_size}"
    if answer is None:
        return _unanswered(what)
    return _verdict(answer == -(-n_reviews // batch_size), what, "the last, smaller batch counts too")


# 05 evaluation
def check_precision_recall(confusion, precision: float, recall: float) -> bool:
    """Precision and recall of the positive class from a 2x2 confusion matrix [[TN, FP], [FN, TP]]."""
    if precision is None or recall is None:
        return _unanswered("precision and recall of the positive class")
    (tn, fp), (fn, tp) = confusion
    ok = abs(precision - tp / max(tp + fp, 1)) < 1e-6 and abs(recall - tp / max(tp + fn, 1)) < 1e-6
    return _verdict(ok, "precision and recall of the positive class", "precision = TP / predicted positive")


# 02b classical baseline
def check_bigram_count(answer: int, text: str = "not bad at all not bad") -> bool:
    """Distinct word bigrams in ``text``."""
    if answer is None:
        return _unanswered(f"distinct bigrams in {text!r}")
    words = text.split()
    truth = len(set(zip(words, words[1:])))
    return _verdict(answer == truth, f"distinct bigrams in {text!r}", "pairs of neighbouring words, duplicates once")
