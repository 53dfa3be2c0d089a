"""The course's own errors: each says what went wrong and what to do, in one line a learner can act on."""


class CourseError(Exception):
    """Base class: the CLI prints these as one line instead of a traceback."""


class DataError(CourseError, ValueError):
    """The data folder or a data file is missing or malformed."""


class CheckpointError(CourseError, ValueError):
    """A checkpoint is missing, unreadable, unsafe or does not fit the model or vocabulary."""


class TrainingError(CourseError, RuntimeError):
    """Training cannot go on (out of memory, diverged before any checkpoint)."""


class OutputError(CourseError, ValueError):
    """An output path cannot be written as asked (a file where a folder is wanted, or the reverse)."""


class SettingsError(CourseError, ValueError):
    """A setting, or a combination of settings, that the course cannot run (``--set``, a changed profile)."""


class UsageError(CourseError, ValueError):
    """A command got no usable input, or options that exclude each other."""
