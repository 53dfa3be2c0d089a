"""An LSTM language model: read a review word by word and predict the next word (ULMFiT's pretraining, small).

To predict the next word well, a model has to track what the review is about and how it feels so far: the same
skills the classifier needs, learned from text with no labels. A forward LM reads reviews left to right; a backward
LM reads each review reversed. Their embedding and LSTM have exactly the shapes of the classifier's first layer
(forward and backward direction), so ``init_classifier`` copies them over.

The output layer is an adaptive softmax: frequent words get the full hidden size, rare words share small clusters,
which makes a 25,000-word softmax several times cheaper on a CPU.
"""
from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import torch
from torch import nn
from tqdm.auto import tqdm

from .errors import SettingsError
from .model import SentimentLSTM
from .text import tokenize
from .vocab import Vocab

END_OF_REVIEW = "<unk>"  # reviews are joined into one stream; an <unk> between them marks the seam


class LSTMLanguageModel(nn.Module):
    def __init__(self, vocab_size: int, embed_dim: int = 128, hidden_dim: int = 128, dropout: float = 0.1):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.lstm = nn.LSTM(embed_dim, hidden_dim, batch_first=True)
        self.dropout = nn.Dropout(dropout)
        cutoffs = [c for c in (2_000, 10_000) if c < vocab_size - 1] or [vocab_size // 2]
        self.output = nn.AdaptiveLogSoftmaxWithLoss(hidden_dim, vocab_size, cutoffs=cutoffs, div_value=4.0)

    def hidden(self, ids: torch.Tensor, state=None):
        """ids [B, T] -> LSTM outputs [B, T, H] and the state to carry into the next chunk of the same streams."""
        out, state = self.lstm(self.dropout(self.embedding(ids)), state)
        return self.dropout(out), state

    def loss(self, ids: torch.Tensor, targets: torch.Tensor, state=None):
        """Mean negative log-likelihood of ``targets`` (the next word at every position of ``ids``) and the state."""
        out, state = self.hidden(ids, state)
        return self.output(out.reshape(-1, out.size(-1)), targets.reshape(-1)).loss, state


def token_stream(texts: Sequence[str], vocab: Vocab, backward: bool = False) -> torch.Tensor:
    """All reviews as one long sequence of ids; each review reversed for a backward LM."""
    ids = []
    for text in texts:
        review = vocab.encode(tokenize(text))
        ids.extend(review[::-1] if backward else review)
        ids.append(vocab.stoi[END_OF_REVIEW])
    return torch.tensor(ids, dtype=torch.long)


def batchify(stream: torch.Tensor, batch_size: int) -> torch.Tensor:
    """[N] -> [batch_size, N // batch_size]: row b continues where it stopped in the previous chunk (carried state)."""
    n = stream.numel() // batch_size
    return stream[: n * batch_size].view(batch_size, n)


@dataclass
class LMHistory:
    epochs: list[dict] = field(default_factory=list)  # epoch, train and validation perplexity, tokens, seconds


def perplexity(model: LSTMLanguageModel, rows: torch.Tensor, bptt: int = 64) -> float:
    """exp(mean negative log-likelihood per token): "as unsure as a uniform choice among this many words"."""
    model.eval()
    total, count, state = 0.0, 0, None
    with torch.no_grad():
        for start in range(0, rows.size(1) - 1, bptt):
            ids = rows[:, start:start + bptt]
            targets = rows[:, start + 1:start + 1 + bptt]
            ids = ids[:, : targets.size(1)]
            loss, state = model.loss(ids, targets, state)
            total, count = total + float(loss) * targets.numel(), count + targets.numel()
    return math.exp(total / max(count, 1))


def train_language_model(model: LSTMLanguageModel, train_stream: torch.Tensor, val_stream: torch.Tensor, *,
                         epochs: int = 1, batch_size: int = 64, bptt: int = 64, lr: float = 3e-3, clip: float = 0.5,
                         max_seconds: float | None = None, progress: bool = True, desc: str = "LM") -> LMHistory:
    """Truncated backpropagation through time over the stream, Adam, a one-cycle schedule; validation perplexity
    after every epoch. ``max_seconds`` ends the run early (the epoch in progress is still validated)."""
    rows, val_rows = batchify(train_stream, batch_size), batchify(val_stream, batch_size)
    steps_per_epoch = max((rows.size(1) - 1) // bptt, 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=epochs * steps_per_epoch,
                                                   pct_start=0.1)
    history, start = LMHistory(), time.perf_counter()
    for epoch in range(1, epochs + 1):
        model.train()
        state, total, count, epoch_start = None, 0.0, 0, time.perf_counter()
        bar = tqdm(range(steps_per_epoch), desc=f"{desc} epoch {epoch}", disable=not progress, leave=False)
        for step in bar:
            ids = rows[:, step * bptt:(step + 1) * bptt]
            targets = rows[:, step * bptt + 1:(step + 1) * bptt + 1]
            ids = ids[:, : targets.size(1)]
            if state is not None:
                state = tuple(s.detach() for s in state)  # carry the memory on, not the gradient
            loss, state = model.loss(ids, targets, state)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), clip)
            optimizer.step()
            schedule.step()
            total, count = total + loss.item() * targets.numel(), count + targets.numel()
            bar.set_postfix(ppl=f"{math.exp(total / count):.0f}")
            if max_seconds is not None and time.perf_counter() - start > max_seconds:
                break
        bar.close()
        history.epochs.append({"epoch": epoch, "train_perplexity": math.exp(total / max(count, 1)),
                               "val_perplexity": perplexity(model, val_rows, bptt), "tokens": count,
                               "seconds": time.perf_counter() - epoch_start})
        if max_seconds is not None and time.perf_counter() - start > max_seconds:
            break
    return history


def sample(model: LSTMLanguageModel, vocab: Vocab, prompt: str, n_words: int = 12, temperature: float = 0.8,
           seed: int = 0, backward: bool = False) -> str:
    """Continue ``prompt`` by drawing one word at a time from the model's next-word distribution (never <unk>)."""
    generator = torch.Generator().manual_seed(seed)
    model.eval()
    ids = vocab.encode(tokenize(prompt))
    words = []
    with torch.no_grad():
        out, state = model.hidden(torch.tensor([ids[::-1] if backward else ids]))
        for _ in range(n_words):
            log_probs = model.output.log_prob(out[:, -1]) / temperature  # [1, V]
            log_probs[:, :2] = float("-inf")  # neither <pad> nor <unk>
            next_id = int(torch.multinomial(log_probs.softmax(-1), 1, generator=generator))
            words.append(vocab.itos[next_id])
            out, state = model.hidden(torch.tensor([[next_id]]), state)
    return " ".join(words)


def init_classifier(classifier: SentimentLSTM, forward_lm: LSTMLanguageModel,
                    backward_lm: LSTMLanguageModel | None = None) -> None:
    """Copy the LMs into the classifier: the forward LM's embedding and LSTM into the first layer's forward
    direction, the backward LM's LSTM into its backward direction (the embedding is shared: the forward LM's)."""
    if classifier.config.embed_projection:
        raise SettingsError("a language model's LSTM reads the embedding itself: use no embed_projection with "
                            "pretrain=lm")
    first = classifier.lstm[0]
    with torch.no_grad():
        classifier.embedding.weight.copy_(forward_lm.embedding.weight)
        first.forward_lstm.load_state_dict(forward_lm.lstm.state_dict())
        if backward_lm is not None:
            first.backward_lstm.load_state_dict(backward_lm.lstm.state_dict())
