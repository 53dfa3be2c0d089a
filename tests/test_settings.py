"""Settings are checked when they are made: a profile, a ``--set``, a model or a training recipe with a bad value
fails at once with a ``SettingsError`` that names the allowed values, before any data is read."""
import re

import pytest

from sentiment_helpers.errors import SettingsError
from sentiment_helpers.profiles import PROFILES, apply_settings, get_profile
from sentiment_helpers.settings import ModelConfig, TrainConfig


@pytest.mark.parametrize("change, message", [
    ({"truncation": "tail"}, "truncation must be one of 'head', 'head+tail', not 'tail'"),
    ({"schedule": "cosine"}, "schedule must be one of 'constant', 'onecycle'"),
    ({"pretrain": "glove"}, "pretrain must be one of 'none', 'word2vec', 'lm'"),
    ({"vocab_source": "test"}, "vocab_source must be one of"),
    ({"epochs": 0}, "epochs must be a whole number at least 1"),
    ({"batch_size": 2.5}, "batch_size must be a whole number"),
    ({"lr": -1e-3}, "lr must be a number at least 0"),
    ({"n_train": 1}, "n_train must be a whole number at least 2"),
    ({"patience": 0}, "patience must be a whole number at least 1 (or none)"),
    ({"freeze_embedding": "yes"}, "freeze_embedding must be true or false"),
    ({"lr_decay": 0.0}, "lr_decay must be a number above 0"),
])
def test_a_profile_with_a_bad_setting_is_refused_when_made(change, message):
    with pytest.raises(SettingsError, match=re.escape(message)):
        get_profile("cpu").with_changes(**change)


@pytest.mark.parametrize("change, message", [({"pooling": "mean"}, "model.pooling must be one of 'last', 'maxmean'"),
                                             ({"hidden_dim": 0}, "model.hidden_dim must be a whole number"),
                                             ({"dropout": 1.0}, "model.dropout must be a number at least 0 and at"),
                                             ({"embed_projection": 0}, "model.embed_projection must be")])
def test_a_model_with_a_bad_setting_is_refused_when_made(change, message):
    with pytest.raises(SettingsError, match=message):
        ModelConfig(**change)


def test_every_shipped_profile_passes_its_own_checks():
    for profile in PROFILES.values():
        assert profile.with_changes() == profile  # made again: the same checks
        assert isinstance(profile.train_config(), TrainConfig)


def test_a_profile_becomes_training_settings_in_one_place():
    """``Profile.train_config`` carries every training setting of the profile, the fine-tuning ones included."""
    profile = get_profile("cpu").with_changes(lr_decay=2.6, gradual_unfreezing=True, patience=2, weight_decay=0.01)
    config = profile.train_config()
    assert (config.epochs, config.lr, config.schedule, config.clip) == (3, 3e-3, "onecycle", 1.0)
    assert (config.max_seconds, config.patience, config.weight_decay) == (300.0, 2, 0.01)
    assert (config.lr_decay, config.gradual_unfreezing) == (2.6, True)


def test_set_errors_name_the_allowed_values():
    with pytest.raises(SettingsError, match="truncation must be one of 'head', 'head\\+tail'"):
        apply_settings(get_profile("smoke"), ["truncation=middle"])
    with pytest.raises(SettingsError, match="unknown profile 'laptop': choose one of smoke, cpu"):
        get_profile("laptop")


def test_truncation_is_checked_on_short_reviews_too():
    from sentiment_helpers.batching import truncate

    assert truncate([1, 2, 3], 10, "head+tail") == [1, 2, 3]
    with pytest.raises(SettingsError, match="truncation"):
        truncate([1, 2, 3], 10, "head+tial")  # shorter than max_len: nothing to cut, and still refused
