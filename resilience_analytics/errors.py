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
    """Base class of every error this library raises on purpose.

    Catch it to handle any of them at once; library bugs (``TypeError`` from a wrong call,
    ``KeyError`` inside pandas) are not caught by it.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> from resilience_analytics.errors import ResilienceError
    >>> try:
    ...     ra.datasets.get("no_such_set")
    ... except ResilienceError as err:
    ...     print(type(err).__name__, "names the bad value:", "'no_such_set'" in str(err))
    ParameterError names the bad value: True
    """


class ParameterError(ResilienceError, ValueError):
    """A function argument or notebook parameter has a value that is not accepted.

    It is also a ``ValueError``, so code written for the standard exception still catches it.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> from resilience_analytics.errors import ParameterError
    >>> issubclass(ParameterError, ValueError)
    True
    >>> try:
    ...     ra.assessment.framework("full")
    ... except ValueError as err:
    ...     print(type(err).__name__, "-", err)
    ParameterError - level='full' is not accepted; choose one of: 'preliminary', 'detailed', 'cri'
    """


class DataNotFoundError(ResilienceError, FileNotFoundError):
    """A registered data file is neither in the data directory, the cache nor downloadable.

    It is also a ``FileNotFoundError``.

    Examples
    --------
    >>> from resilience_analytics.errors import DataNotFoundError
    >>> issubclass(DataNotFoundError, FileNotFoundError)
    True
    >>> try:
    ...     raise DataNotFoundError("example_set/missing.csv is not in RESILIENCE_DATA_DIR")
    ... except FileNotFoundError as err:
    ...     print(err)
    example_set/missing.csv is not in RESILIENCE_DATA_DIR
    """


class ChecksumError(ResilienceError):
    """A data file's sha256 differs from the registry's: the file is not the published one.

    Not a ``ValueError``: a changed file is a provenance problem, not a bad argument.

    Examples
    --------
    >>> from resilience_analytics.errors import ChecksumError, ResilienceError
    >>> issubclass(ChecksumError, ResilienceError), issubclass(ChecksumError, ValueError)
    (True, False)
    >>> try:
    ...     raise ChecksumError("example_set/file.csv: sha256 0123... expected abcd...")
    ... except ResilienceError as err:
    ...     print(type(err).__name__)
    ChecksumError
    """


class DataFileError(ResilienceError, ValueError):
    """A data file is malformed: truncated, missing columns, wrong types, values out of range.

    It is also a ``ValueError``.

    Examples
    --------
    >>> from resilience_analytics.errors import DataFileError
    >>> issubclass(DataFileError, ValueError)
    True
    >>> try:
    ...     raise DataFileError("example.csv: column 'latitude' is missing")
    ... except ValueError as err:
    ...     print(err)
    example.csv: column 'latitude' is missing
    """


class FrameworkError(ResilienceError, ValueError):
    """A composite-indicator or assessment framework is inconsistent (cycles, orphans, weights).

    It is also a ``ValueError``.

    Examples
    --------
    >>> from resilience_analytics.errors import FrameworkError
    >>> issubclass(FrameworkError, ValueError)
    True
    >>> try:
    ...     raise FrameworkError("indicator 'X1' has no parent")
    ... except ValueError as err:
    ...     print(type(err).__name__, "-", err)
    FrameworkError - indicator 'X1' has no parent
    """


class UnknownCityError(ResilienceError, LookupError):
    """No gazetteer city matches a name; the message lists the closest suggestions.

    It is also a ``LookupError``; ``suggestions`` holds the suggested names as a list.

    Examples
    --------
    >>> from resilience_analytics.errors import UnknownCityError
    >>> err = UnknownCityError("no gazetteer city is called 'Exampel City'",
    ...                        suggestions=["Example City (fictional)"])
    >>> isinstance(err, LookupError), err.suggestions
    (True, ['Example City (fictional)'])
    """

    def __init__(self, message: str, suggestions: list[str] | None = None):
        super().__init__(message)
        self.suggestions = list(suggestions or [])


class AmbiguousCityError(ResilienceError, LookupError):
    """Several gazetteer cities match a name; the message lists them with country and population.

    It is also a ``LookupError``; ``candidates`` holds one dict per matching city.

    Examples
    --------
    :func:`resilience_analytics.cities.resolve` raises it for "Springfield" (eight US cities);
    here with two fictional candidates:

    >>> from resilience_analytics.errors import AmbiguousCityError
    >>> try:
    ...     raise AmbiguousCityError("'Example City' is ambiguous: 2 gazetteer cities carry it",
    ...                              candidates=[{"city_id": 1, "country_iso3": "XAA"},
    ...                                          {"city_id": 2, "country_iso3": "XBB"}])
    ... except LookupError as err:
    ...     print(type(err).__name__, [c["country_iso3"] for c in err.candidates])
    AmbiguousCityError ['XAA', 'XBB']
    """

    def __init__(self, message: str, candidates: list[dict] | None = None):
        super().__init__(message)
        self.candidates = list(candidates or [])


class CacheWarning(UserWarning):
    """A cache file was unreadable (corrupt, truncated): it was discarded and is rebuilt.

    A ``UserWarning``, so it is shown once per place by default and can be filtered.

    Examples
    --------
    >>> import warnings
    >>> from resilience_analytics.errors import CacheWarning
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warnings.warn("cache file example.parquet is truncated; rebuilt", CacheWarning)
    >>> [w.category.__name__ for w in caught], issubclass(CacheWarning, UserWarning)
    (['CacheWarning'], True)
    """
