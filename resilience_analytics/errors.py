"""Typed errors raised by resilience_analytics.

Every error names the bad value and what would be accepted, so that a notebook user can
fix the call without reading the source.
"""

from __future__ import annotations

__all__ = [
    "AmbiguousCityError",
    "CacheWarning",
    "ChecksumError",
    "DataFileError",
    "DataNotFoundError",
    "FrameworkError",
    "ParameterError",
    "ResilienceError",
    "UnknownCityError",
]


class ResilienceError(Exception):
    """Base class of every error this library raises on purpose."""


class ParameterError(ResilienceError, ValueError):
    """A function argument or notebook parameter has a value that is not accepted."""


class DataNotFoundError(ResilienceError, FileNotFoundError):
    """A registered data file is neither in the data directory, the cache nor downloadable."""


class ChecksumError(ResilienceError):
    """A data file's sha256 differs from the registry's: the file is not the published one."""


class DataFileError(ResilienceError, ValueError):
    """A data file is malformed: truncated, missing columns, wrong types, values out of range."""


class FrameworkError(ResilienceError, ValueError):
    """A composite-indicator or assessment framework is inconsistent (cycles, orphans, weights)."""


class UnknownCityError(ResilienceError, LookupError):
    """No gazetteer city matches a name; the message lists the closest suggestions."""

    def __init__(self, message: str, suggestions: list[str] | None = None):
        super().__init__(message)
        self.suggestions = list(suggestions or [])


class AmbiguousCityError(ResilienceError, LookupError):
    """Several gazetteer cities match a name; the message lists them with country and population."""

    def __init__(self, message: str, candidates: list[dict] | None = None):
        super().__init__(message)
        self.candidates = list(candidates or [])


class CacheWarning(UserWarning):
    """A cache file was unreadable (corrupt, truncated): it was discarded and is rebuilt."""
