import collections
import json
import math
import os
from pathlib import Path

import pytest
import torch

from sentiment_helpers import batching, data, held_out, paths, pipeline, prepare, train
from sentiment_helpers.errors import TrainingError
from sentiment_helpers.model import SentimentLSTM
from sentiment_helpers.profiles import get_profile
from sentiment_helpers.settings import TrainConfig
from sentiment_helpers.text import tokenize
from sentiment_helpers.vocab import Vocab


@pytest.fixture(scope="module")
def small_data():
    """A few hundred real reviews from the bundled sample, encoded."""
    dataset = data.load_imdb(data.SAMPLE_DIR)
    texts, labels = dataset["train"]["text"][:400], dataset["train"]["label"][:400]
    vocab = Vocab.build((tokenize(t) for t in texts), max_size=2000, min_freq=2)
    encoded = batching.encode_texts(texts, labels, vocab, max_len=64)
    return vocab, encoded


def _model(vocab):
    torch.manual_seed(0)
    return SentimentLSTM(vocab_size=len(vocab), embed_dim=16, hidden_dim=16, num_layers=1, pooling="maxmean")


def test_short_training_lowers_the_loss(small_data):
    vocab, encoded = small_data
    loader = batching.make_loader(encoded, 32, shuffle=True)
    result = train.fit(_model(vocab), loader, batching.make_loader(encoded, 64), TrainConfig(epochs=6, lr=1e-2),
                       device=torch.device("cpu"), progress=False)
    epochs = result.history.epochs_frame()
    assert result.status == "completed" and len(epochs) == 6
    assert epochs.train_loss.iloc[-1] < epochs.train_loss.iloc[0] - 0.05
    assert len(result.history.steps) == 6 * len(loader)
    assert result.best_val_accuracy == epochs.val_accuracy.max()


def test_fit_is_the_plain_training_loop(small_data):
    """Same seed, same data, same settings: fit's losses equal those of the loop lesson 04 writes out, step by step
    (fit must draw nothing extra from the global RNG, or its dropout masks would differ)."""
    vocab, encoded = small_data
    loader = batching.make_loader(encoded, 32, shuffle=True, seed=1)

    train.set_seed(3)
    model = SentimentLSTM(vocab_size=len(vocab), embed_dim=16, hidden_dim=16, num_layers=1, dropout=0.5,
                          pooling="maxmean")
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.01)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=1e-2, total_steps=len(loader), pct_start=0.2)
    loss_fn, by_hand = torch.nn.BCEWithLogitsLoss(), []
    model.train()
    loader.batch_sampler.set_epoch(0)
    for batch in loader:
        loss = loss_fn(model(batch["ids"], batch["lengths"]), batch["labels"])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        by_hand.append(loss.item())

    train.set_seed(3)
    model = SentimentLSTM(vocab_size=len(vocab), embed_dim=16, hidden_dim=16, num_layers=1, dropout=0.5,
                          pooling="maxmean")
    recipe = TrainConfig(epochs=1, lr=1e-2, weight_decay=0.01, schedule="onecycle", clip=1.0, amp=False)
    result = train.fit(model, loader, batching.make_loader(encoded, 64), recipe, device=torch.device("cpu"),
                       progress=True)
    assert result.history.steps_frame().loss.tolist() == pytest.approx(by_hand, rel=1e-6)


class ExplodingModel(SentimentLSTM):
    """Returns NaN logits from the `after`-th call on."""
    def __init__(self, *args, after=3, error=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls, self.after, self.error = 0, after, error

    def forward(self, ids, lengths):
        self.calls += self.training  # count training steps only
        out = super().forward(ids, lengths)
        if self.training and self.calls > self.after:
            if self.error:
                raise self.error
            return out * float("nan")
        return out


def test_nan_loss_stops_with_hint_and_keeps_best(small_data, capsys):
    vocab, encoded = small_data
    loader = batching.make_loader(encoded, 64, shuffle=True)
    model = ExplodingModel(vocab_size=len(vocab), embed_dim=8, hidden_dim=8, num_layers=1, after=len(loader) + 2)
    best_calls = []
    result = train.fit(model, loader, batching.make_loader(encoded, 64), TrainConfig(epochs=3),
                       device=torch.device("cpu"), on_best=lambda m, r: best_calls.append(r["epoch"]), progress=False)
    assert result.status == "diverged"
    assert "lower learning rate" in result.message and "lower learning rate" in capsys.readouterr().out
    # epoch 1 was validated; the steps of epoch 2 before the NaN were too (the weights are still finite: the NaN
    # loss is caught before its backward pass), and either may be the best
    assert best_calls[0] == 1 and result.best_epoch == best_calls[-1] and len(result.history.epochs) == 2
    for name, value in model.state_dict().items():  # the model holds the best (epoch 1) weights, not NaNs
        assert torch.equal(value, result.best_state[name])


def test_keyboard_interrupt_keeps_history_and_best(small_data):
    vocab, encoded = small_data
    loader = batching.make_loader(encoded, 64, shuffle=True)
    model = ExplodingModel(vocab_size=len(vocab), embed_dim=8, hidden_dim=8, num_layers=1,
                           after=len(loader) + 3, error=KeyboardInterrupt())
    result = train.fit(model, loader, batching.make_loader(encoded, 64), TrainConfig(epochs=5),
                       device=torch.device("cpu"), progress=False)
    assert result.status == "interrupted"
    assert result.best_epoch == 1 and len(result.history.epochs) == 1
    assert len(result.history.steps) == len(loader) + 3


def test_out_of_memory_gives_advice(small_data):
    vocab, encoded = small_data
    model = ExplodingModel(vocab_size=len(vocab), embed_dim=8, hidden_dim=8, num_layers=1, after=0,
                           error=torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2 GiB"))
    with pytest.raises(TrainingError, match="smaller batch size"):
        train.fit(model, batching.make_loader(encoded, 64), batching.make_loader(encoded, 64), TrainConfig(epochs=1),
                  device=torch.device("cpu"), progress=False)


TINY_RUN = {"n_train": 300, "n_test": 100, "progress": False}  # a smoke run on fewer reviews: a second or two


def test_same_seed_same_metrics_on_cpu(tmp_path):
    first = pipeline.run_training("smoke", data.SAMPLE_DIR, tmp_path / "a", seed=3, epochs=1, **TINY_RUN)
    second = pipeline.run_training("smoke", data.SAMPLE_DIR, tmp_path / "b", seed=3, epochs=1, **TINY_RUN)
    assert first.metrics["test_metrics"] == second.metrics["test_metrics"]
    assert first.fit.history.steps == second.fit.history.steps


def test_time_limit_stops_and_validates(small_data):
    vocab, encoded = small_data
    loader = batching.make_loader(encoded, 32, shuffle=True)
    result = train.fit(_model(vocab), loader, batching.make_loader(encoded, 64),
                       TrainConfig(epochs=50, max_seconds=0.0), device=torch.device("cpu"), progress=False)
    assert result.status == "time limit" and len(result.history.steps) == 1 and result.best_epoch == 1


def test_profiles():
    assert get_profile("reference").model.pooling == "last"
    with pytest.raises(ValueError, match="unknown profile"):
        get_profile("huge")


def test_default_profile_follows_environment(monkeypatch):
    monkeypatch.setenv("SENTIMENT_PROFILE", "smoke")
    assert get_profile().name == "smoke"


def test_settings_can_be_overridden_per_run(tmp_path):
    run = pipeline.run_training("smoke", data.SAMPLE_DIR, tmp_path, epochs=1, max_len=32, max_vocab=300, **TINY_RUN)
    assert run.metrics["profile_settings"]["max_len"] == 32
    from sentiment_helpers.checkpoint import load_checkpoint
    bundle = load_checkpoint(run.checkpoint_path)
    assert bundle.max_len == 32 and len(bundle.vocab) == 302


def test_evaluate_checkpoint_scores_the_runs_own_test_reviews(smoke_run):
    from sentiment_helpers.checkpoint import load_checkpoint

    scored = held_out.evaluate_checkpoint(load_checkpoint(smoke_run.checkpoint_path), torch.device("cpu"),
                                          data.SAMPLE_DIR, progress=False)
    assert len(scored.test) == len(scored.encoded) == smoke_run.metrics["n_test"]
    # same reviews, same model: the same accuracy as the run reported (up to a borderline bf16 flip)
    assert abs(scored.evaluation.metrics["accuracy"] - smoke_run.metrics["test_accuracy"]) <= 2 / len(scored.test)


def test_profile_splits_have_the_profiles_sizes():
    full = data.load_imdb(data.SAMPLE_DIR)
    splits = prepare.profile_splits(full, get_profile("smoke").with_changes(n_train=300, n_val=None, n_test=100))
    assert {k: len(v) for k, v in splits.items()} == {"train": 300, "validation": 100, "test": 100}
    assert sum(splits["test"]["label"]) == 50  # balanced


def test_patience_stops_when_validation_stops_improving(small_data, capsys):
    vocab, encoded = small_data
    loader = batching.make_loader(encoded, 64, shuffle=True)
    # lr=0: the weights never change, so validation accuracy never beats epoch 1
    result = train.fit(_model(vocab), loader, batching.make_loader(encoded, 64),
                       TrainConfig(epochs=6, lr=0.0, patience=2), device=torch.device("cpu"), progress=False)
    assert result.status == "early stop" and len(result.history.epochs) == 3 and result.best_epoch == 1
    assert "has not improved for 2 epochs" in capsys.readouterr().out
    unlimited = train.fit(_model(vocab), loader, batching.make_loader(encoded, 64), TrainConfig(epochs=4, lr=0.0),
                          device=torch.device("cpu"), progress=False)
    assert unlimited.status == "completed" and len(unlimited.history.epochs) == 4


def test_full_profile_stops_early_and_the_ablation_starts_without_it():
    from benchmarks import ablation

    assert get_profile("full").patience == 2 and get_profile("reference").patience is None
    ladder = ablation.variants("full")
    assert ladder[0][1].patience is None and ladder[-1][1] == get_profile("full")


def test_evaluate_checkpoint_scores_the_validation_reviews_its_run_chose_the_epoch_on(smoke_run):
    from sentiment_helpers.checkpoint import load_checkpoint

    scored = held_out.evaluate_checkpoint(load_checkpoint(smoke_run.checkpoint_path), torch.device("cpu"),
                                          data.SAMPLE_DIR, progress=False, split="validation")
    assert len(scored.reviews) == smoke_run.metrics["n_val"]
    assert abs(scored.evaluation.metrics["accuracy"] - smoke_run.metrics["val_accuracy"]) <= 2 / len(scored.reviews)
    with pytest.raises(AttributeError, match="validation reviews"):
        _ = scored.test  # the lessons' name for the test split is not quietly given to other reviews
    with pytest.raises(ValueError, match="split must be"):
        held_out.held_out_split(load_checkpoint(smoke_run.checkpoint_path), "dev")


def test_the_test_session_never_writes_into_a_learners_artifacts_folder():
    import os
    from pathlib import Path

    from sentiment_helpers.paths import default_artifacts_dir

    root = Path(__file__).resolve().parent.parent
    assert default_artifacts_dir() == Path(os.environ["SENTIMENT_ARTIFACTS"])
    assert root / "artifacts" not in (default_artifacts_dir(), *default_artifacts_dir().parents)


def _count_renames(monkeypatch) -> collections.Counter:
    """Files written atomically (a temporary file renamed into place), by name, from now on."""
    renamed, rename = collections.Counter(), os.replace

    def counting(source, target, *args, **kwargs):
        renamed[Path(target).name] += 1
        return rename(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", counting)
    return renamed


def test_a_run_writes_its_checkpoint_and_json_files_once_each_atomically(tmp_path, monkeypatch):
    from sentiment_helpers.checkpoint import load_checkpoint

    renamed = _count_renames(monkeypatch)
    run = pipeline.run_training("smoke", data.SAMPLE_DIR, tmp_path, epochs=2, **TINY_RUN)
    assert renamed == {"sentiment_lstm.pt": 1, "metrics.json": 1, "history.json": 1}
    metadata = load_checkpoint(run.checkpoint_path).metadata  # written once, with the final metadata
    assert metadata["metrics"]["test_accuracy"] == run.metrics["test_accuracy"]
    assert metadata["temperature"] == run.metrics["temperature"] and metadata["best_epoch"] == run.metrics["best_epoch"]
    assert json.loads((tmp_path / "metrics.json").read_text()) == run.metrics
    assert len(json.loads((tmp_path / "history.json").read_text())["epochs"]) == 2


def test_a_stop_button_after_training_still_saves_the_trained_model(tmp_path, monkeypatch):
    from sentiment_helpers.checkpoint import load_checkpoint

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "_score", stopped)  # the stop button, pressed while the test reviews are scored
    with pytest.raises(KeyboardInterrupt):
        pipeline.run_training("smoke", data.SAMPLE_DIR, tmp_path, epochs=1, **TINY_RUN)
    metadata = load_checkpoint(tmp_path / paths.CHECKPOINT_NAME).metadata
    assert metadata["best_epoch"] == 1 and "metrics" not in metadata and not (tmp_path / "metrics.json").exists()


def test_a_stop_button_during_training_saves_the_best_epoch_and_its_report(tmp_path, monkeypatch):
    def stops_in_epoch_2(profile, vocab):  # the stop button, pressed during the second epoch
        return ExplodingModel(profile.model, vocab_size=len(vocab), after=300 // 32 + 3, error=KeyboardInterrupt())

    monkeypatch.setattr(pipeline, "build_model", stops_in_epoch_2)
    renamed = _count_renames(monkeypatch)
    run = pipeline.run_training("smoke", data.SAMPLE_DIR, tmp_path, epochs=3, **TINY_RUN)
    assert run.metrics["status"] == "interrupted" and run.metrics["best_epoch"] == 1
    assert renamed == {"sentiment_lstm.pt": 1, "metrics.json": 1, "history.json": 1}


class BagOfWords(torch.nn.Module):
    """A model without an LSTM, whose layers a CPU can run under float16 autocast (its LSTM kernel cannot)."""

    def __init__(self, vocab_size: int):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab_size, 16, padding_idx=0)
        self.fc = torch.nn.Linear(16, 1)

    def forward(self, ids, lengths):
        return self.fc(self.embedding(ids).sum(1) / lengths[:, None]).squeeze(-1)  # [B]


def test_float16_training_scales_its_gradients(small_data, monkeypatch):
    """float16 autocast (CUDA's) needs a GradScaler, or small gradients underflow to zero. A CPU stands in for the GPU:
    with float16 autocast forced on it, ``fit`` takes the scaled path, and training still works."""
    vocab, encoded = small_data
    monkeypatch.setattr(train, "autocast_dtype", lambda device, amp=None: torch.float16)
    scales, real_scale = [], torch.amp.GradScaler.scale

    def spy(self, outputs):
        scales.append(self.get_scale())
        return real_scale(self, outputs)

    monkeypatch.setattr(torch.amp.GradScaler, "scale", spy)
    model = BagOfWords(len(vocab))
    before = [p.detach().clone() for p in model.parameters()]
    result = train.fit(model, batching.make_loader(encoded, 32, shuffle=True), batching.make_loader(encoded, 64),
                       TrainConfig(epochs=1, lr=1e-2), device=torch.device("cpu"), progress=False)
    assert result.status == "completed" and len(scales) == len(result.history.steps) > 0
    assert scales[0] == 65536.0  # GradScaler's first scale: the loss is multiplied before backward
    assert all(math.isfinite(step["loss"]) for step in result.history.steps)
    assert any(not torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))  # unscaled steps taken
    monkeypatch.setattr(train, "autocast_dtype", lambda device, amp=None: None)
    scales.clear()
    train.fit(BagOfWords(len(vocab)), batching.make_loader(encoded, 64), batching.make_loader(encoded, 64),
              TrainConfig(epochs=1), device=torch.device("cpu"), progress=False)
    assert set(scales) <= {1.0}  # float32: no scaling (a disabled scaler leaves the loss as it is)
