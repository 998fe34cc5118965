"""The log of city-to-city learning exchanges and the vocabulary of learning themes.

``data/exchanges.csv`` records exchanges compiled from public documents (first version: the
project's seed documents, The Hague's trip reports). Format, one row per exchange:

``exchange_id``
    Short unique id.
``date_start``, ``date_end``
    ISO dates; ``date_end`` may be empty (one-day event or unknown).
``date_precision``
    ``day``, ``month``, ``year``, or ``after`` (the source only says the exchange took place
    after ``date_start``).
``type``
    ``city-to-city exchange``, ``conference``, ``study visit``, ...
``host_city``, ``host_country``
    Where it took place (gazetteer name, ISO2).
``participants``
    ";"-separated city names (any spelling :func:`resilience_analytics.cities.resolve` knows).
``network``
    Network code (see :data:`resilience_analytics.networks.NETWORKS`) or empty.
``themes``
    ";"-separated theme codes from ``data/themes.csv``.
``description``, ``source``
    Our own summary and the document the facts come from.

Users extend the log with their own CSV in the same format: :func:`load_exchanges` accepts a
path and validates it the same way.

Examples
--------
>>> import resilience_analytics as ra
>>> log = ra.exchanges.load_exchanges()
>>> "Kyiv" in log.loc["kyiv-paris-rcn", "participants"]
True
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ._io import read_csv_strings
from ._tables import read_project_table
from ._validate import require_columns
from .errors import DataFileError, ParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["exchanges_of", "load_exchanges", "load_themes"]

_EXCHANGE_COLUMNS = ["exchange_id", "date_start", "date_end", "date_precision", "type",
                     "host_city", "host_country", "participants", "network", "themes",
                     "description", "source"]
_PRECISIONS = ("day", "month", "year", "after")


@lru_cache(maxsize=1)
def _themes() -> pd.DataFrame:
    df = read_project_table("themes.csv")
    require_columns(df, ["theme", "label", "description", "hazards", "scorecard_essentials"],
                    "data/themes.csv")
    if df["theme"].duplicated().any():
        dup = df.loc[df["theme"].duplicated(), "theme"].tolist()
        raise DataFileError(f"data/themes.csv: duplicated theme code(s) {dup}")
    return df.set_index("theme")


def load_themes() -> pd.DataFrame:
    """Return the vocabulary of learning themes (``data/themes.csv``).

    Returns
    -------
    pandas.DataFrame
        Index ``theme``; columns ``label``, ``description``, ``hazards`` and
        ``scorecard_essentials`` (";"-separated strings, see the module docstring of
        :mod:`resilience_analytics.exchanges`), plus ``hazard_list`` and ``essential_list``
        parsed as lists.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.exchanges.load_themes().loc["coastal_defence", "essential_list"]
    [5, 8]
    """
    df = _themes().copy()
    df["hazard_list"] = [[h for h in s.split(";") if h] for s in df["hazards"]]
    df["essential_list"] = [[int(e) for e in s.split(";") if e] for s in df["scorecard_essentials"]]
    return df


def load_exchanges(path: str | Path | None = None) -> pd.DataFrame:
    """Return the exchange log, validated, with participants linked to the gazetteer.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        A CSV in the same format (default: the project's ``data/exchanges.csv``).

    Returns
    -------
    pandas.DataFrame
        Index ``exchange_id``; the CSV columns with ``date_start``/``date_end`` as timestamps,
        ``participants`` and ``themes`` as lists, and ``host_city_id`` /
        ``participant_city_ids`` (gazetteer ids).

    Raises
    ------
    DataFileError
        Missing columns, duplicate ids, unparseable dates, unknown theme codes, unknown
        precision, or a participant name the gazetteer cannot resolve; the message names the
        row and the value.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> log = ra.exchanges.load_exchanges()
    >>> log.loc["wuf10-2020", "themes"]
    ['governance', 'climate_adaptation', 'heat', 'cyber_security']
    """
    import pandas as pd

    from . import cities
    from .errors import AmbiguousCityError, UnknownCityError

    if path is None:
        raw = read_project_table("exchanges.csv")
        source = "data/exchanges.csv"
    else:
        source = str(path)
        raw = read_csv_strings(path)
    require_columns(raw, _EXCHANGE_COLUMNS, source)
    if raw["exchange_id"].duplicated().any():
        dup = raw.loc[raw["exchange_id"].duplicated(), "exchange_id"].tolist()
        raise DataFileError(f"{source}: duplicated exchange_id {dup}")
    known = set(_themes().index)
    rows = []
    for i, r in raw.iterrows():
        where = f"{source}, row {i + 2} ({r['exchange_id']!r})"
        if r["date_precision"] not in _PRECISIONS:
            raise DataFileError(f"{where}: date_precision {r['date_precision']!r} is not one of "
                                f"{_PRECISIONS}")
        try:
            start = pd.Timestamp(date.fromisoformat(r["date_start"]))
            end = pd.Timestamp(date.fromisoformat(r["date_end"])) if r["date_end"] else pd.NaT
        except ValueError:
            raise DataFileError(f"{where}: dates {r['date_start']!r}/{r['date_end']!r} are not "
                                "ISO dates (YYYY-MM-DD)") from None
        themes = [t for t in r["themes"].split(";") if t]
        bad = [t for t in themes if t not in known]
        if bad:
            raise DataFileError(f"{where}: unknown theme(s) {bad}; accepted: {sorted(known)}")
        names = [p.strip() for p in r["participants"].split(";") if p.strip()]
        ids = []
        for name in [r["host_city"], *names]:
            try:
                ids.append(cities.as_city(name, country=r["host_country"] or None).city_id
                           if name == r["host_city"] else cities.as_city(name).city_id)
            except (UnknownCityError, AmbiguousCityError, ParameterError) as exc:
                raise DataFileError(f"{where}: city {name!r} cannot be resolved: {exc}") from None
        rows.append({**r.to_dict(), "date_start": start, "date_end": end, "participants": names,
                     "themes": themes, "host_city_id": ids[0], "participant_city_ids": ids[1:]})
    out = pd.DataFrame(rows, columns=[*_EXCHANGE_COLUMNS, "host_city_id", "participant_city_ids"])
    return out.set_index("exchange_id")


def exchanges_of(city: str | int, *, start=None, end=None, log: pd.DataFrame | None = None
                 ) -> pd.DataFrame:
    """Return the exchanges a city hosted or took part in, optionally between two dates.

    Parameters
    ----------
    city : str or int
        City name or ``city_id``.
    start, end : date-like, optional
        Keep exchanges whose ``date_start`` lies in ``[start, end]``.
    log : pandas.DataFrame, optional
        An exchange log from :func:`load_exchanges` (default: the project's).

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> list(ra.exchanges.exchanges_of("Den Haag").index)
    ['wuf10-2020', 'kyiv-paris-rcn']
    """
    import pandas as pd

    from . import cities

    cid = cities.as_city(city).city_id
    log = load_exchanges() if log is None else log
    mask = [cid == h or cid in p for h, p in zip(log["host_city_id"], log["participant_city_ids"],
                                                 strict=True)]
    out = log[mask]
    if start is not None or end is not None:
        try:
            lo = pd.Timestamp(start) if start is not None else pd.Timestamp.min
            hi = pd.Timestamp(end) if end is not None else pd.Timestamp.max
        except (ValueError, TypeError, OverflowError):
            raise ParameterError(f"start/end must be dates (e.g. '2020-01-31'), got "
                                 f"{start!r:.60}/{end!r:.60}") from None
        out = out[(out["date_start"] >= lo) & (out["date_start"] <= hi)]
    return out.sort_values("date_start")
