"""Pretraining: word2vec from train + unlabeled reviews only, cached with what it was built from."""
import json

import pandas as pd
import pytest
import torch

from sentiment_helpers import data, held_out, paths, pipeline, prepare, pretrain, pretrain_run, profiles
from sentiment_helpers.errors import DataError
from sentiment_helpers.vocab import PAD_ID, Vocab

TINY = pretrain.Word2VecSettings(dim=8, epochs=2, min_count=1)
TEXTS = ["a great film, truly great", "a terrible film, truly awful", "great acting and a great story",
         "awful acting and a terrible story"] * 5


def test_pretraining_reads_train_and_unlabeled_never_validation_or_test():
    dataset = {"train": {"text": ["train review"]}, "validation": {"text": ["validation review"]},
               "test": {"text": ["test review"]}, "unsupervised": {"text": ["unlabeled review"]}}
    assert pretrain.pretraining_texts(dataset) == ["train review", "unlabeled review"]
    with pytest.raises(DataError, match="unlabeled reviews"):
        pretrain.pretraining_texts({k: v for k, v in dataset.items() if k != "unsupervised"})


def test_fingerprint_changes_with_any_text_and_with_order():
    from sentiment_helpers.cache import fingerprint

    base = fingerprint(["one", "two"])
    assert base == fingerprint(["one", "two"])
    assert len({base, fingerprint(["one", "two!"]), fingerprint(["two", "one"]), fingerprint(["onetwo"])}) == 4


def test_cache_is_reused_only_for_the_same_texts_and_settings(tmp_path, capsys):
    cache = tmp_path / "pretrained" / "vectors.pt"
    first, from_cache = pretrain.cached_word2vec(TEXTS, cache, TINY, progress=False)
    assert not from_cache and cache.is_file() and "great" in first and first.vectors.shape[1] == 8
    again, from_cache = pretrain.cached_word2vec(TEXTS, cache, TINY, progress=False)
    assert from_cache and torch.equal(again.vectors, first.vectors)
    assert "from the cache" in capsys.readouterr().err

    _, from_cache = pretrain.cached_word2vec(TEXTS + ["one more review"], cache, TINY, progress=False)
    assert not from_cache and "built from other reviews (20 texts, not these 21)" in capsys.readouterr().err
    _, from_cache = pretrain.cached_word2vec(TEXTS + ["one more review"], cache,
                                             TINY.__class__(dim=8, epochs=3, min_count=1), progress=False)
    assert not from_cache and "epochs=2 (now 3)" in capsys.readouterr().err
    cache.write_bytes(b"half a file")
    _, from_cache = pretrain.cached_word2vec(TEXTS, cache, TINY, progress=False)
    assert not from_cache and "unreadable" in capsys.readouterr().err
    assert pretrain.load_word_vectors(cache).built_for["n_texts"] == len(TEXTS)


def test_skip_gram_is_a_setting_of_its_own_with_a_cache_of_its_own(monkeypatch, tmp_path):
    monkeypatch.setenv("SENTIMENT_ARTIFACTS", str(tmp_path))
    cbow = profiles.get_profile("cpu-pretrained")
    skip_gram = cbow.with_changes(pretrain_skip_gram=True)
    assert paths.pretrained_cache_path(cbow) != paths.pretrained_cache_path(skip_gram)
    assert "-sg-" in paths.pretrained_cache_path(skip_gram).name
    # and the setting reaches gensim: the tiny cache records it, so CBOW vectors are never reused for it
    prepared = prepare.prepare_data(profiles.get_profile("smoke").with_changes(pretrain="word2vec", n_unlabeled=50))
    tiny = lambda sg: profiles.get_profile("smoke").with_changes(pretrain="word2vec", pretrain_epochs=1,
                                                                 pretrain_skip_gram=sg)
    vectors, _ = pretrain_run.word_vectors_for(tiny(True), prepared, progress=False, cache=tmp_path / "v.pt")
    assert vectors.built_for["settings"]["skip_gram"] is True


def test_similar_words_and_embedding_matrix():
    vectors = pretrain.train_word2vec(TEXTS, TINY, progress=False)
    assert vectors.similarity("great", "great") == pytest.approx(1.0)
    neighbours = vectors.most_similar("great", n=3)
    assert len(neighbours) == 3 and "great" not in [w for w, _ in neighbours]
    with pytest.raises(KeyError, match="no vector"):
        vectors.most_similar("unseenword")
    vocab = Vocab(["<pad>", "<unk>", "great", "awful", "neverseen"])
    matrix, coverage = pretrain.embedding_matrix(vectors, vocab)
    assert matrix.shape == (5, 8) and coverage == pytest.approx(2 / 3)
    assert torch.equal(matrix[2], vectors["great"]) and torch.equal(matrix[3], vectors["awful"])
    assert torch.all(matrix[PAD_ID] == 0) and matrix[4].abs().sum() > 0  # a word without a vector: random, not zero


@pytest.fixture
def marked_data(tmp_path):
    """The bundled sample with a word that occurs only in the test reviews."""
    folder = tmp_path / "imdb"
    folder.mkdir()
    for split in ("train", "test", "unsupervised"):
        frame = pd.read_parquet(data.SAMPLE_DIR / f"{split}.parquet")
        if split == "test":
            frame = frame.assign(text=frame.text + " zzonlyintest zzonlyintest zzonlyintest")
            test = frame
        if split == "unsupervised":  # IMDB has word-for-word copies of test reviews among the unlabeled ones
            frame = pd.concat([frame, test.head(3).assign(label=-1, rating=0)], ignore_index=True)
        frame.to_parquet(folder / f"{split}.parquet", index=False)
    return folder


def test_tiny_pretrained_run_end_to_end_never_reads_test_text(marked_data, tmp_path, capsys):
    profile = profiles.get_profile("smoke").with_changes(pretrain="word2vec", pretrain_epochs=2, n_unlabeled=300,
                                                         epochs=1, n_train=300, n_test=100)
    run = pipeline.run_training(profile, marked_data, tmp_path / "run", progress=False)
    pre = run.metrics["pretraining"]
    assert pre["method"] == "word2vec" and not pre["from_cache"]
    assert pre["train_reviews"] == run.metrics["n_train"]  # the training split only: validation is not read
    assert pre["unlabeled_reviews"] == 300 and pre["test_reviews"] == 0
    assert pre["unlabeled_test_copies_left_out"] == 3
    vectors = pretrain.load_word_vectors(pre["cache"])
    assert "zzonlyintest" not in vectors and "great" in vectors  # the test reviews never entered pretraining
    saved = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert saved["pretraining"]["cache"] == pre["cache"]

    again = pipeline.run_training(profile, marked_data, tmp_path / "run2", progress=False, seed=7, split_seed=42)
    assert again.metrics["pretraining"]["from_cache"]  # another classifier seed on the same split: same vectors
    assert again.metrics["split_seed"] == 42 and again.metrics["seed"] == 7


def test_a_vocabulary_from_train_and_unlabeled_reviews_never_takes_test_words(tmp_path):
    folder = tmp_path / "imdb"
    folder.mkdir()
    for split in ("train", "test", "unsupervised"):
        frame = pd.read_parquet(data.SAMPLE_DIR / f"{split}.parquet")
        marker = {"test": " zzonlyintest", "unsupervised": " zzonlyunlabeled"}.get(split, "")
        frame.assign(text=frame.text + marker * 3).to_parquet(folder / f"{split}.parquet", index=False)
    profile = profiles.get_profile("smoke").with_changes(pretrain="word2vec", max_vocab=None, min_freq=2)
    from_train = prepare.prepare_data(profile, folder).vocab
    assert "zzonlyunlabeled" not in from_train.stoi and "zzonlyintest" not in from_train.stoi
    both = prepare.prepare_data(profile.with_changes(vocab_source="train+unlabeled"), folder).vocab
    assert "zzonlyunlabeled" in both.stoi and "zzonlyintest" not in both.stoi
    assert set(from_train.itos) < set(both.itos)
    with pytest.raises(ValueError, match="needs a pretraining profile"):
        profile.with_changes(pretrain="none", vocab_source="train+unlabeled")
    with pytest.raises(ValueError, match="vocab_source must be one of 'train', 'train[+]unlabeled'"):
        profile.with_changes(vocab_source="test")


def test_pretrained_embedding_starts_from_the_vectors_and_can_stay_frozen(tmp_path):
    profile = profiles.get_profile("smoke").with_changes(pretrain="word2vec", pretrain_epochs=1, n_unlabeled=200,
                                                         freeze_embedding=True, n_train=300, n_val=100, n_test=100)
    prepared = prepare.prepare_data(profile, data.SAMPLE_DIR)
    model = prepare.build_model(profile, prepared.vocab)
    info = pretrain_run.pretrain_embedding(model, profile, prepared, progress=False, cache=tmp_path / "v.pt")
    vectors = pretrain.load_word_vectors(tmp_path / "v.pt")
    word = next(w for w in prepared.vocab.itos[2:] if w in vectors)
    assert torch.equal(model.embedding.weight[prepared.vocab.stoi[word]].detach(), vectors[word])
    assert not model.embedding.weight.requires_grad and info["frozen"] and info["vocab_coverage"] > 0.5
    with pytest.raises(ValueError, match="pretrain must be one of 'none', 'word2vec', 'lm', not 'glove'"):
        profile.with_changes(pretrain="glove")


def test_pretraining_can_be_switched_off_from_the_command_line():
    from sentiment_helpers.profiles import apply_settings

    profile = apply_settings(profiles.get_profile("cpu-pretrained"), ["pretrain=none", "max_train_seconds=none"])
    assert profile.pretrain == "none" and profile.max_train_seconds is None


@pytest.mark.parametrize("name", ["cpu-pretrained", "full-pretrained", "cpu"])
def test_the_random_init_twin_from_the_command_line_equals_the_profile_without_pretraining(name):
    from sentiment_helpers.profiles import (
        apply_settings,
        get_profile,
        without_pretraining,
        without_pretraining_settings,
    )

    profile = get_profile(name)
    twin = without_pretraining(profile)
    assert (twin.pretrain, twin.freeze_embedding, twin.vocab_source) == ("none", False, "train")
    assert twin.with_changes(pretrain=profile.pretrain, freeze_embedding=profile.freeze_embedding,
                             vocab_source=profile.vocab_source) == profile  # nothing else changed
    assert apply_settings(profile, without_pretraining_settings(profile)) == twin
    assert without_pretraining_settings(profile.with_changes(freeze_embedding=True, vocab_source="train+unlabeled",
                                                             pretrain="word2vec")) == [
        "pretrain=none", "freeze_embedding=false", "vocab_source=train"]


def test_the_bundled_sample_has_unlabeled_reviews_for_lesson_07():
    dataset = data.load_imdb(data.SAMPLE_DIR, unsupervised=True)
    assert len(dataset["unsupervised"]) == 1000 and set(dataset["unsupervised"]["label"]) == {-1}
    assert not set(dataset["unsupervised"]["text"]) & set(dataset["test"]["text"])


def test_language_model_learns_samples_and_fills_the_classifiers_first_layer():
    from sentiment_helpers import lm
    from sentiment_helpers.model import SentimentLSTM

    vocab = Vocab.build([t.split() for t in TEXTS], min_freq=1)
    torch.manual_seed(0)
    model = lm.LSTMLanguageModel(len(vocab), 8, 16)
    stream = lm.token_stream(TEXTS * 4, vocab)
    assert stream.numel() == sum(len(t.replace(",", "").split()) + 1 for t in TEXTS * 4)
    assert lm.token_stream(["a b c"], Vocab(["<pad>", "<unk>", "a", "b", "c"]), backward=True).tolist() == [4, 3, 2, 1]
    before = lm.perplexity(model, lm.batchify(stream, 4), bptt=8)
    history = lm.train_language_model(model, stream, stream, epochs=8, batch_size=4, bptt=8, lr=1e-2, progress=False)
    assert history.epochs[-1]["val_perplexity"] < before / 2  # it learned which word follows which
    words = lm.sample(model, vocab, "a great", n_words=5).split()
    assert len(words) == 5 and all(w in vocab and w not in ("<pad>", "<unk>") for w in words)

    classifier = SentimentLSTM(vocab_size=len(vocab), embed_dim=8, hidden_dim=16, num_layers=1)
    backward = lm.LSTMLanguageModel(len(vocab), 8, 16)
    lm.init_classifier(classifier, model, backward)
    first = classifier.lstm[0]
    assert torch.equal(classifier.embedding.weight, model.embedding.weight)
    for name, value in model.lstm.state_dict().items():
        assert torch.equal(first.forward_lstm.state_dict()[name], value)
        assert torch.equal(first.backward_lstm.state_dict()[name], backward.lstm.state_dict()[name])
    with pytest.raises(ValueError, match="embed_projection"):  # the LM's LSTM reads the embedding, not a projection
        lm.init_classifier(SentimentLSTM(vocab_size=len(vocab), embed_dim=8, hidden_dim=16, num_layers=1,
                                         embed_projection=4), model, backward)


def test_language_model_cache_is_rebuilt_for_another_vocabulary(tmp_path, capsys):
    from sentiment_helpers import lm_cache

    settings = lm_cache.LMSettings(embed_dim=8, hidden_dim=8, epochs=1, batch_size=2, bptt=8)
    vocab = Vocab.build([t.split() for t in TEXTS], min_freq=1)
    cache = tmp_path / "lm.pt"
    first, from_cache = lm_cache.cached_language_models(TEXTS, TEXTS[:4], vocab, cache, settings, progress=False)
    assert not from_cache and set(first.info) >= {"forward", "backward", "seconds"}
    again, from_cache = lm_cache.cached_language_models(TEXTS, TEXTS[:4], vocab, cache, settings, progress=False)
    assert from_cache and torch.equal(again.backward.lstm.weight_hh_l0, first.backward.lstm.weight_hh_l0)
    smaller = Vocab(vocab.itos[:-1])
    _, from_cache = lm_cache.cached_language_models(TEXTS, TEXTS[:4], smaller, cache, settings, progress=False)
    assert not from_cache and "another vocabulary" in capsys.readouterr().err


def test_gradual_unfreezing_and_discriminative_rates():
    from sentiment_helpers import finetune
    from sentiment_helpers.model import SentimentLSTM

    model = SentimentLSTM(vocab_size=50, embed_dim=8, hidden_dim=8, num_layers=2)
    groups = finetune.discriminative_groups(model, lr=1.0, lr_decay=2.0)
    assert [g["lr"] for g in groups] == [1.0, 0.5, 0.25, 0.125]
    assert sum(len(g["params"]) for g in groups) == len(list(model.parameters()))  # every parameter, once
    unfreeze = finetune.gradual_unfreezing(model, keep_frozen=(model.embedding,))
    trainable = lambda module: all(p.requires_grad for p in module.parameters())
    unfreeze(1)
    assert trainable(model.fc) and not trainable(model.lstm[1]) and not trainable(model.lstm[0])
    unfreeze(3)
    assert trainable(model.lstm[1]) and trainable(model.lstm[0]) and not trainable(model.embedding)
    unfreeze(9)
    assert not trainable(model.embedding)  # kept frozen, as asked


def test_tiny_language_model_run_end_to_end(tmp_path):
    profile = profiles.get_profile("smoke").with_changes(
        pretrain="lm", pretrain_epochs=1, n_unlabeled=50, n_train=100, n_val=50, n_test=50, epochs=2,
        lr_decay=2.6, gradual_unfreezing=True)
    run = pipeline.run_training(profile, data.SAMPLE_DIR, tmp_path / "run", progress=False)
    pre = run.metrics["pretraining"]
    assert pre["method"] == "lm" and pre["unlabeled_reviews"] == 50 and pre["test_reviews"] == 0
    assert set(pre["validation_perplexity"]) == {"forward", "backward"}
    assert run.metrics["epochs_run"] == 2 and 0.0 <= run.metrics["test_accuracy"] <= 1.0


def test_the_ablation_ends_a_pretraining_profile_with_its_pretraining_step():
    from benchmarks import ablation

    shipped = profiles.get_profile("cpu-pretrained").with_changes(max_train_seconds=None)
    assert shipped.freeze_embedding and shipped.vocab_source == "train"  # what the ladder below is written for
    ladder = ablation.variants("cpu-pretrained")
    assert all(profile.pretrain == "none" for _, profile in ladder[:-2])  # the recipe steps: from scratch
    fine_tuned = shipped.with_changes(freeze_embedding=False)
    assert ladder[-3][1] == fine_tuned.with_changes(pretrain="none")  # same model and recipe, random init ...
    assert ladder[-2][1] == fine_tuned  # ... then word2vec vectors, fine-tuned ...
    assert ladder[-1][1] == shipped and "as shipped" in ladder[-1][0]  # ... then frozen: the profile as shipped
    fine_tuning_base = ablation.variants("full-pretrained")  # a profile that fine-tunes: frozen as a variant
    assert fine_tuning_base[-1][0].strip().startswith("variant") and fine_tuning_base[-1][1].freeze_embedding


def test_lesson_05_asks_the_same_negation_probes_as_the_package():
    """Lesson 05 still lists its probes in a cell (its stored outputs predate probes.py); lesson 07 and the benchmark
    use the package's list. Until 05 imports it, the two must not drift apart."""
    import ast
    from pathlib import Path

    notebook = json.loads((Path(__file__).parent.parent / "notebooks" / "05_evaluation.ipynb").read_text())
    cell = next("".join(c["source"]) for c in notebook["cells"] if "probes = pd.DataFrame([" in "".join(c["source"]))
    listed = cell[cell.index("[", cell.index("pd.DataFrame(")):cell.index("], columns=") + 1]
    from sentiment_helpers import probes

    assert ast.literal_eval(listed) == probes.NEGATION_PROBES


def test_a_checkpoint_trained_with_another_seed_is_scored_on_its_own_split(tmp_path):
    from sentiment_helpers.checkpoint import load_checkpoint

    profile = profiles.get_profile("smoke").with_changes(epochs=1, n_train=300, n_val=100, n_test=100)
    run = pipeline.run_training(profile, data.SAMPLE_DIR, tmp_path, seed=7, split_seed=42, progress=False)
    validation = held_out.held_out_split(load_checkpoint(run.checkpoint_path), "validation", data.SAMPLE_DIR)
    expected = prepare.profile_splits(data.load_imdb(data.SAMPLE_DIR, seed=42), profile, 42)["validation"]
    assert validation["text"] == expected["text"]  # the split of seed 42, not of the model's seed 7


def test_a_checkpoint_trained_on_a_by_movie_split_is_scored_on_that_split(tmp_path):
    from test_data import _with_review_ids

    from sentiment_helpers.checkpoint import load_checkpoint

    folder = _with_review_ids(tmp_path / "imdb")
    profile = profiles.get_profile("smoke").with_changes(epochs=1, n_train=300, n_test=100)
    run = pipeline.run_training(profile, folder, tmp_path / "run", validation="by-movie", progress=False)
    assert run.metrics["validation_split"] == "by-movie"
    validation = held_out.held_out_split(load_checkpoint(run.checkpoint_path), "validation", folder)
    expected = prepare.profile_splits(data.load_imdb(folder, validation="by-movie"), profile, 42)["validation"]
    assert validation["text"] == expected["text"]
    test = held_out.held_out_split(load_checkpoint(run.checkpoint_path), "test", data.SAMPLE_DIR)  # no review ids
    assert len(test) == run.metrics["n_test"]


def test_a_labelled_subset_keeps_the_vocabulary_and_pretraining_text_and_trains_on_the_profiles_reviews():
    profile = profiles.get_profile("smoke").with_changes(pretrain="word2vec", n_unlabeled=50)
    prepared = prepare.prepare_data(profile, data.SAMPLE_DIR)
    fewer = prepare.labelled_subset(prepared, 100)
    # the same 100 reviews as a profile with n_train=100 trains on, balanced
    own = prepare.prepare_data(profile.with_changes(n_train=100), data.SAMPLE_DIR)
    assert fewer.dataset["train"]["text"] == own.dataset["train"]["text"] and sum(fewer.train.labels) == 50
    assert fewer.train.ids == [prepared.train.ids[prepared.dataset["train"]["text"].index(t)]
                               for t in fewer.dataset["train"]["text"]]
    # vocabulary, validation and test unchanged; pretraining still reads every training review's text
    assert fewer.vocab is prepared.vocab and fewer.test is prepared.test and fewer.validation is prepared.validation
    assert fewer.pretraining_texts() == prepared.pretraining_texts() != own.pretraining_texts()
