"""pytest set-up shared by the unit tests and nbval."""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("SENTIMENT_PROFILE", "smoke")  # notebooks under nbval: the seconds-sized run


def pytest_collectstart(collector):
    # nbval: progress bars and warnings go to stderr and differ run to run; widgets and HTML too.
    if getattr(collector, "skip_compare", None) is not None:
        collector.skip_compare += ("stderr", "text/html", "application/javascript",
                                   "application/vnd.jupyter.widget-view+json", "image/png")
