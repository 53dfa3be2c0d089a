"""The pretraining caches: why a cache is not used (each reason in words), and ``load_or_build``, which rebuilds a
cache it cannot read but lets a bug in its own checks surface instead of hiding it behind a long rebuild."""
from dataclasses import dataclass

import pytest
import torch

from sentiment_helpers import cache
from sentiment_helpers.cache import load_or_build, why_stale

WANTED = {"texts": "f1", "n_texts": 3, "vocab": "v1", "settings": {"dim": 8, "epochs": 2}}


@pytest.mark.parametrize("cached, reason", [
    (WANTED, None),
    ({**WANTED, "n_texts": 4, "texts": "f2"}, "other reviews (4 texts, not these 3)"),
    ({**WANTED, "texts": "f2"}, "other reviews (as many, 3, but not these texts)"),
    ({**WANTED, "vocab": "v2"}, "another vocabulary"),
    ({**WANTED, "settings": {"dim": 16, "epochs": 2}}, "other settings: dim=16 (now 8)"),
    ({**WANTED, "settings": {"dim": 16, "epochs": 3}}, "other settings: dim=16 (now 8), epochs=3 (now 2)"),
    ({**WANTED, "format": 0}, "other settings: unknown"),
])
def test_why_stale_names_each_reason(cached, reason):
    assert why_stale(cached, WANTED) == reason


@dataclass
class Built:
    value: int
    built_for: dict
    info: dict


def save(path, built):
    torch.save({"value": built.value, "built_for": built.built_for, "info": built.info}, path)


def load(path):
    bundle = torch.load(path, weights_only=True)
    if "value" not in bundle:
        raise cache.NotThisCache(f"{path}: not a cache of this test")
    return Built(bundle["value"], bundle["built_for"], bundle["info"])


def build(value=7):
    return lambda: Built(value, WANTED, {"seconds": 1.0, "texts": 3})


def test_load_or_build_builds_once_then_reads(tmp_path, capsys):
    path = tmp_path / "sub" / "cache.pt"
    first, from_cache = load_or_build(path, WANTED, load, build(7), save, "numbers")
    assert (first.value, from_cache) == (7, False) and path.is_file()
    again, from_cache = load_or_build(path, WANTED, load, build(8), save, "numbers")
    assert (again.value, from_cache) == (7, True)
    assert f"Numbers from the cache {path} (built in 1 s from 3 reviews)" in capsys.readouterr().err


@pytest.mark.parametrize("content, named", [(b"half a file", "an unreadable file ("), (None, "NotThisCache")])
def test_an_unreadable_cache_is_rebuilt_and_the_error_named(tmp_path, capsys, content, named):
    path = tmp_path / "cache.pt"
    if content is None:
        torch.save({"something": "else"}, path)  # a readable file of another kind
    else:
        path.write_bytes(content)
    built, from_cache = load_or_build(path, WANTED, load, build(9), save, "numbers")
    assert (built.value, from_cache) == (9, False) and load(path).value == 9
    err = capsys.readouterr().err
    assert named in err and "building them again" in err


def test_a_bug_in_the_staleness_check_is_not_hidden_behind_a_rebuild(tmp_path, monkeypatch):
    path = tmp_path / "cache.pt"
    load_or_build(path, WANTED, load, build(7), save, "numbers")

    def broken(cached, wanted):
        raise TypeError("a bug")

    monkeypatch.setattr(cache, "why_stale", broken)
    rebuilt = []
    with pytest.raises(TypeError, match="a bug"):
        load_or_build(path, WANTED, load, lambda: rebuilt.append(1), save, "numbers")
    assert not rebuilt
