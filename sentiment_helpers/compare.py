"""Two classifiers on the same test reviews: which reviews each gets right, and McNemar's test.

Two accuracies alone hide how the models differ. McNemar's test looks only at the discordant reviews: b, those
model A gets right and B wrong, and c, the reverse. If the models were equally good, a discordant review would be
equally likely to fall either way (b ~ Binomial(b + c, 1/2)). With fewer than 25 discordant reviews the exact
binomial test is used; otherwise the chi-squared statistic with continuity correction, (|b - c| - 1)^2 / (b + c).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats


@dataclass
class McNemarResult:
    both_right: int
    only_a: int  # b: A right, B wrong
    only_b: int  # c: A wrong, B right
    both_wrong: int
    statistic: float  # chi-squared, or b for the exact test
    p_value: float
    method: str  # "exact binomial" or "chi-squared with continuity correction"

    def table(self, name_a: str = "A", name_b: str = "B") -> pd.DataFrame:
        """The 2x2 table of reviews: rows A right/wrong, columns B right/wrong."""
        return pd.DataFrame([[self.both_right, self.only_a], [self.only_b, self.both_wrong]],
                            index=[f"{name_a} right", f"{name_a} wrong"],
                            columns=[f"{name_b} right", f"{name_b} wrong"])

    def summary(self, name_a: str = "A", name_b: str = "B") -> str:
        return (f"{self.only_a:,} reviews only {name_a} gets right, {self.only_b:,} only {name_b} gets right; "
                f"McNemar ({self.method}): p = {self.p_value:.3g}")


def mcnemar(y_true, y_pred_a, y_pred_b, exact: bool | None = None) -> McNemarResult:
    """McNemar's test for two sets of predictions of the same reviews. ``exact=None``: exact when b + c < 25."""
    y_true, a, b_pred = (np.asarray(v).astype(int) for v in (y_true, y_pred_a, y_pred_b))
    if not (len(y_true) == len(a) == len(b_pred)):
        raise ValueError("both models must predict the same reviews (the lengths differ)")
    right_a, right_b = a == y_true, b_pred == y_true
    b, c = int((right_a & ~right_b).sum()), int((~right_a & right_b).sum())
    exact = (b + c) < 25 if exact is None else exact
    if b + c == 0:
        statistic, p_value, method = 0.0, 1.0, "exact binomial"
    elif exact:
        statistic, method = float(b), "exact binomial"
        p_value = float(stats.binomtest(b, b + c, 0.5).pvalue)
    else:
        statistic = (abs(b - c) - 1) ** 2 / (b + c)
        p_value, method = float(stats.chi2.sf(statistic, df=1)), "chi-squared with continuity correction"
    return McNemarResult(int((right_a & right_b).sum()), b, c, int((~right_a & ~right_b).sum()),
                         float(statistic), p_value, method)
