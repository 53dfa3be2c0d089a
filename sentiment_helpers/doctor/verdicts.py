"""The room check's verdicts: one ``Check`` per line of the report, and the report itself, as text (one verdict per
line) or as one JSON-ready object (``--json``)."""
from __future__ import annotations

import datetime as dt
import platform
from dataclasses import asdict, dataclass, field

from .. import __version__, device

OK, WARNING, PROBLEM = "ok", "warning", "problem"


@dataclass
class Check:
    name: str
    verdict: str  # OK, WARNING or PROBLEM
    message: str
    advice: str = ""  # what to do, when the verdict is not ok
    values: dict = field(default_factory=dict)  # what was found or measured, for --json


def line(check: Check) -> str:
    text = f"{check.verdict:<8} {check.name:<23} {check.message}"
    return text + (f"\n{'':<8} {'':<23} what to do: {check.advice}" if check.verdict != OK and check.advice else "")


def summary(checks: list[Check], seconds: float) -> str:
    count = lambda verdict: sum(check.verdict == verdict for check in checks)
    problems, warnings = count(PROBLEM), count(WARNING)
    verdict = ("problem: the lessons cannot run here" if problems
               else "ready, with warnings" if warnings else "ready")
    return (f"{verdict} ({problems} problem{'s' * (problems != 1)}, {warnings} warning{'s' * (warnings != 1)}; "
            f"checked in {seconds:.0f} s)")


def report(checks: list[Check], seconds: float) -> dict:
    """The checks as one JSON-ready object, for collecting a room's reports."""
    worst = PROBLEM if any(c.verdict == PROBLEM for c in checks) else (
        WARNING if any(c.verdict == WARNING for c in checks) else OK)
    return {"sentiment_helpers": __version__, "machine": device.describe_machine(), "platform": platform.platform(),
            "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "verdict": worst,
            "seconds": round(seconds, 1), "checks": [asdict(check) for check in checks]}
