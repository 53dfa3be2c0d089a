"""A quick try of a lesson on the `smoke` profile: the sample bundled with the course, where each step must take
seconds. ``shrink`` gives a lesson its sizes: unchanged on any other profile, so the lesson's code has no branch."""
from __future__ import annotations

from .profiles import Profile, apply_settings

DIVISOR = 5  # the sample holds a few thousand reviews: every count a fifth, still enough for each step to run
TINY_MODEL = ["model.embed_dim=32", "model.embed_projection=16", "model.hidden_dim=16", "pretrain_epochs=2"]


def shrink(active: Profile, model_profile: Profile, *counts: int) -> tuple:
    """``(model_profile, *counts)`` as a lesson uses them under the ``active`` profile: on `smoke`, a tiny model and
    every count divided by DIVISOR; on any other profile, unchanged."""
    if active.name != "smoke":
        return (model_profile, *counts)
    return (apply_settings(model_profile, TINY_MODEL), *(max(1, n // DIVISOR) for n in counts))
