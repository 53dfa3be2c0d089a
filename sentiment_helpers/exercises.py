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
    what = (f"parameter count for a {num_layers}-layer {'Bi' if bidirectional else ''}LSTM "
            f"({input_size} -> {hidden_size})")
    if answer is None:
        return _unanswered(what)
    directions = 2 if bidirectional else 1
    truth = sum(directions * lstm_direction_parameters(input_size if layer == 0 else directions * hidden_size,
                                                       hidden_size)
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
    truth = len(set(zip(words, words[1:], strict=False)))
    return _verdict(answer == truth, f"distinct bigrams in {text!r}", "pairs of neighbouring words, duplicates once")


# Check questions inside the lessons, where the idea is taught: multiple choice (a letter) or a number.
QUESTIONS: dict[str, tuple[object, str]] = {
    # 01: the validation split
    "01-validation": ("c", "validation chooses between models and epochs; the test set is looked at once, at the end"),
    # 02: what <unk> costs
    "02-unk": ("c", "<unk> and <pad> have ids of their own: 10,000 words + 2"),
    # 03: the LSTM cell
    "03-memory": ("a", "c_t = f * c_(t-1) + i * candidate"),
    "03-gate-rows": (4 * 96, "the four gates are stacked: i, f, g, o (4 x the hidden size)"),
    # 04: the training loop
    "04-zero-grad": ("a", "backward() adds to .grad, it does not overwrite it"),
    "04-early-stop": ("c", "the schedule was planned for all epochs; stopping early skips its low-learning-rate tail"),
    # 04b: the baseline
    "04b-bigram": ("b", "a unigram model sees 'bad' in 'not bad'; the pair 'not bad' is a feature of its own"),
    # 05: calibration and comparison
    "05-temperature": ("a", "dividing every logit by the same T > 0 never changes its sign"),
    "05-mcnemar": ("c", "reviews both models get right, or both get wrong, say nothing about which is better"),
    # 06: the demo
    "06-why": ("c", "the explanation must describe the prediction on screen"),
    # 07: pretraining on unlabeled text
    "07-test-text": ("b", "pretraining on test text, even without labels, lets the exam shape the model"),
    "07-unfreezing": ("a", "the new output layer starts random; its early gradients would overwrite the pretraining"),
    # 08: counterfactual reviews
    "08-control": ("b", "as many added reviews in both runs, so that only the edits differ"),
    "08-leak": ("a", "a model that saw the originals in training may remember them: leave them out, then measure"),
}


def check_question(name: str, answer) -> bool:
    """A check question inside a lesson: ``answer`` is a letter ("a", "b", ...) or a number, as the question asks."""
    if name not in QUESTIONS:
        raise KeyError(f"no check question named {name!r}")
    if answer is None:
        return _unanswered(f"question {name}")
    truth, why = QUESTIONS[name]
    ok = str(answer).strip().lower() == truth if isinstance(truth, str) else answer == truth
    if ok:  # the reason, for a right answer too: a lucky guess learns it as well
        print(f"correct: question {name}: {why}")
        return True
    return _verdict(False, f"question {name}", why)


# 04 training, a check question (a number with a tolerance, unlike QUESTIONS)
def check_first_lr_of_onecycle(answer: float, max_lr: float = 3e-3) -> bool:
    """OneCycleLR starts at max_lr / div_factor (25 by default)."""
    if answer is None:
        return _unanswered("the first learning rate of a one-cycle schedule")
    return _verdict(abs(answer - max_lr / 25) < 1e-12, "the first learning rate of a one-cycle schedule",
                    "OneCycleLR's div_factor is 25")


# 07, a check question whose answer depends on the data: the language model's vocabulary size
def check_uniform_perplexity(answer: float, vocab_size: int) -> bool:
    """A model that gives each of V words probability 1/V has mean loss log V, so perplexity exp(log V) = V."""
    if answer is None:
        return _unanswered("the perplexity of a language model that has learned nothing")
    return _verdict(abs(answer - vocab_size) < 0.5, "the perplexity of a language model that has learned nothing",
                    "perplexity is exp(mean loss); a uniform guess among V words has loss log V")


# 05 evaluation, exercise 2
def check_best_threshold(y_true, p_positive, answer: float) -> bool:
    """The threshold on p(positive) that maximises accuracy on these (validation) reviews: any threshold that
    reaches the best accuracy is right."""
    import numpy as np

    if answer is None:
        return _unanswered("the threshold with the best validation accuracy")
    y_true, p_positive = np.asarray(y_true).astype(int), np.asarray(p_positive, dtype=float)
    accuracy = lambda t: float(((p_positive >= t) == y_true).mean())
    best = max(accuracy(t) for t in np.unique(np.concatenate([p_positive, [0.5, 1.1]])))
    return _verdict(accuracy(answer) >= best - 1e-12, "the threshold with the best validation accuracy",
                    "try every distinct p(positive) as a threshold")
