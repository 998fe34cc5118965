"""Needs and offers: what cities ask for and what cities, companies and institutes offer.

The table ``data/needs_offers.csv`` (first version compiled from the project's seed documents)
has one row per need or offer:

``entry_id``
    Short unique id.
``city``
    The city that states the need or makes the offer (any spelling
    :func:`resilience_analytics.cities.resolve` knows), or the city where a company or institute
    is based when the source says so; empty when the provider is tied to no city. For providers
    that are not a city, ``description`` begins with the provider's name and a colon.
``role``
    ``need`` or ``offer``.
``theme``
    A theme code of ``data/themes.csv`` (:func:`resilience_analytics.exchanges.load_themes`).
``description``
    In our own words.
``provider_type``
    ``city``, ``company``, ``knowledge_institute`` or ``network``.
``date``
    When the need or offer was stated: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; may be empty.
``source``
    The document the fact comes from (seed file and, where known, the original publication).

Users add their own rows (e.g. providers' solutions, or needs from a self-assessment) with
:func:`add_entries`, which validates them and returns the combined table; it can save the
combination to a file of the user's choosing but never writes over the shipped table.

:func:`rank_offers` ranks offers for a city's needs by theme fit and by how alike the offering
city's hazard profile is to the focal city's (:mod:`resilience_analytics.peers`), with reasons.

Examples
--------
>>> import resilience_analytics as ra
>>> table = ra.matching.load_needs_offers()
>>> sorted(table.loc[table["city"] == "Kyiv", "theme"])[:2]
['critical_infrastructure', 'governance']
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from ._io import atomic_write, read_csv_strings
from .errors import DataFileError, ParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "COLUMNS",
    "PROVIDER_TYPES",
    "ROLES",
    "add_entries",
    "load_needs_offers",
    "rank_offers",
    "validate_needs_offers",
]

COLUMNS = ("entry_id", "city", "role", "theme", "description", "provider_type", "date", "source")
ROLES = ("need", "offer")
PROVIDER_TYPES = ("city", "company", "knowledge_institute", "network")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_FILE = "needs_offers.csv"


def _theme_table() -> pd.DataFrame:
    from . import exchanges

    return exchanges.load_themes()


def validate_needs_offers(table: pd.DataFrame, *, source: str = "needs/offers table"
                          ) -> pd.DataFrame:
    """Check a needs/offers table against the format; return a clean copy.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns :data:`COLUMNS` (extra columns are kept).
    source : str
        Named in error messages.

    Returns
    -------
    pandas.DataFrame
        String columns with surrounding blanks stripped; empty cells as ``""``.

    Raises
    ------
    DataFileError
        Missing column, empty or duplicated ``entry_id``, unknown ``role``, ``theme`` or
        ``provider_type``, malformed ``date``, empty ``description`` or ``source``; the message
        names the row and the value.

    Examples
    --------
    >>> import pandas as pd
    >>> from resilience_analytics.matching import validate_needs_offers
    >>> row = dict(entry_id="x1", city="Example City", role="wish", theme="heat",
    ...            description="d", provider_type="city", date="", source="s")
    >>> validate_needs_offers(pd.DataFrame([row]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    resilience_analytics.errors.DataFileError: ...row 1 ('x1'): role 'wish' is not one of ...
    """
    import pandas as pd

    from ._validate import require_columns

    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"{source} must be a pandas DataFrame, got {type(table).__name__}")
    if "entry_id" not in table.columns and table.index.name == "entry_id":
        table = table.reset_index()
    require_columns(table, list(COLUMNS), source)
    out = table.copy()
    for c in COLUMNS:
        out[c] = out[c].astype("string").fillna("").str.strip()
    themes = set(_theme_table().index)
    for i, r in enumerate(out.itertuples(index=False), start=1):
        where = f"{source}, row {i} ({r.entry_id!r})"
        checks = [
            (r.entry_id != "", "entry_id is empty"),
            (r.role in ROLES, f"role {r.role!r} is not one of {ROLES}"),
            (r.theme in themes, f"theme {r.theme!r} is not a code of data/themes.csv "
                                f"({', '.join(sorted(themes))})"),
            (r.provider_type in PROVIDER_TYPES,
             f"provider_type {r.provider_type!r} is not one of {PROVIDER_TYPES}"),
            (r.date == "" or bool(_DATE.match(r.date)),
             f"date {r.date!r} is not YYYY, YYYY-MM or YYYY-MM-DD"),
            (r.description != "", "description is empty"),
            (r.source != "", "source is empty: name the document the fact comes from"),
            (not (r.role == "offer" and r.provider_type == "city" and r.city == ""),
             "an offer with provider_type 'city' needs a city"),
        ]
        for ok, msg in checks:
            if not ok:
                raise DataFileError(f"{where}: {msg}")
    dup = out.loc[out["entry_id"].duplicated(), "entry_id"].tolist()
    if dup:
        raise DataFileError(f"{source}: duplicated entry_id {dup}")
    return out


def _shipped_path() -> Path:
    from ._tables import project_table_path

    return project_table_path(_FILE)


def load_needs_offers(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Return the needs-and-offers table, validated.

    Parameters
    ----------
    path : str or path-like, optional
        A CSV in the same format (default: the project's ``data/needs_offers.csv``).

    Returns
    -------
    pandas.DataFrame
        The :data:`COLUMNS` as strings (empty cells ``""``).

    Raises
    ------
    DataFileError
        The file cannot be read or breaks the format.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> t = ra.matching.load_needs_offers()
    >>> t.set_index("entry_id").loc["denhaag-2016-offer-coast", "theme"]
    'coastal_defence'
    """
    p = _shipped_path() if path is None else Path(path)
    raw = read_csv_strings(p)
    return validate_needs_offers(raw, source=str(p if path is not None else f"data/{_FILE}"))


def add_entries(
    entries: pd.DataFrame,
    *,
    base: pd.DataFrame | None = None,
    save_to: str | os.PathLike | None = None,
) -> pd.DataFrame:
    """Validate user rows (needs, or providers' solutions) and append them to a table.

    Parameters
    ----------
    entries : pandas.DataFrame
        New rows in the :data:`COLUMNS` format.
    base : pandas.DataFrame, optional
        The table to extend (default: :func:`load_needs_offers`).
    save_to : str or path-like, optional
        Write the combined table there as CSV (atomically). Refused if it is the shipped
        ``data/needs_offers.csv``.

    Returns
    -------
    pandas.DataFrame
        ``base`` followed by ``entries``.

    Raises
    ------
    DataFileError
        A new row breaks the format or reuses an ``entry_id``.
    ParameterError
        ``save_to`` is the shipped table.

    Examples
    --------
    >>> import pandas as pd
    >>> import resilience_analytics as ra
    >>> new = pd.DataFrame([dict(entry_id="example-offer-1", city="", role="offer",
    ...     theme="flood_risk", description="Example Company: fictional flood sensors",
    ...     provider_type="company", date="2026", source="fictional example")])
    >>> len(ra.matching.add_entries(new)) == len(ra.matching.load_needs_offers()) + 1
    True
    """
    import pandas as pd

    base = load_needs_offers() if base is None else validate_needs_offers(base, source="base")
    new = validate_needs_offers(entries, source="entries")
    clash = sorted(set(new["entry_id"]) & set(base["entry_id"]))
    if clash:
        raise DataFileError(f"entries reuse entry_id(s) already in the table: {clash}")
    out = pd.concat([base, new], ignore_index=True)
    if save_to is not None:
        target = Path(save_to).resolve()
        try:
            shipped = _shipped_path().resolve()
        except DataFileError:
            shipped = None
        if shipped is not None and target == shipped:
            raise ParameterError(
                f"save_to={str(save_to)!r} is the shipped table; save your additions to another "
                "file and load it with load_needs_offers(path)"
            )
        atomic_write(target, lambda tmp: out[list(COLUMNS)].to_csv(tmp, index=False),
                     suffix=".csv.tmp")
    return out


def _tags(theme: str, themes: pd.DataFrame) -> set[str]:
    if theme not in themes.index:
        return set()
    row = themes.loc[theme]
    return ({f"hazard:{h}" for h in row["hazard_list"]}
            | {f"essential:{e}" for e in row["essential_list"]})


def _theme_fit(need: str, offer: str, themes: pd.DataFrame) -> tuple[float, str]:
    if need == offer:
        return 1.0, f"same theme ({themes.loc[need, 'label'] if need in themes.index else need})"
    a, b = _tags(need, themes), _tags(offer, themes)
    if not a or not b:
        return 0.0, ""
    shared = a & b
    fit = 0.5 * len(shared) / len(a | b)
    if not shared:
        return 0.0, ""
    words = sorted(s.split(":", 1)[1] for s in shared if s.startswith("hazard:"))
    ess = sorted(int(s.split(":", 1)[1]) for s in shared if s.startswith("essential:"))
    parts = []
    if words:
        parts.append("hazards " + ", ".join(words))
    if ess:
        parts.append("Ten Essentials " + ", ".join(map(str, ess)))
    la = themes.loc[need, "label"]
    lb = themes.loc[offer, "label"]
    return fit, f"related theme: {lb} for {la} (shared {'; '.join(parts)})"


def _city_ids(names: pd.Series, table: pd.DataFrame | None) -> list[int | None]:
    from . import cities, peers
    from .errors import AmbiguousCityError, UnknownCityError

    out: list[int | None] = []
    cache: dict[str, int | None] = {}
    for name in names:
        if not name:
            out.append(None)
            continue
        if name not in cache:
            try:
                cache[name] = (peers.locate(name, table) if table is not None
                               else cities.as_city(name).city_id)
            except (UnknownCityError, AmbiguousCityError):
                cache[name] = None
        out.append(cache[name])
    return out


def _provider(city: str, provider_type: str, description: str) -> str:
    """Return the provider: the city, or the name opening the description ("Name (...): ...")."""
    if provider_type == "city" and city:
        return city
    head, sep, _ = description.partition(":")
    name = head.split(" (")[0].split(",")[0].strip() if sep else ""
    if not name or len(name) > 80:
        return city or description[:60]
    return f"{name} ({city})" if city else name


_RANKED_COLUMNS = ["rank", "need_id", "need_theme", "need", "offer_id", "provider",
                   "provider_type", "offer_city", "offer_theme", "offer", "theme_fit",
                   "hazard_similarity", "score", "reason", "source"]


def rank_offers(
    city: str | int,
    needs: pd.DataFrame | None = None,
    offers: pd.DataFrame | None = None,
    *,
    k: int | None = None,
    hazard_weight: float = 0.5,
    min_fit: float = 0.2,
    features=None,
    metric: str = "seuclidean",
    table: pd.DataFrame | None = None,
    missing: str = "raise",
) -> pd.DataFrame:
    """Rank offers for a city's needs by theme fit and hazard similarity, with reasons.

    Method (stated): for every (need, offer) pair, ``theme_fit`` is 1 for the same theme, else
    0.5 × the Jaccard overlap of the two themes' hazards and Ten Essentials in
    ``data/themes.csv`` (pairs below ``min_fit`` are dropped). ``hazard_similarity`` of an offer
    from a city is the share of all cities that are farther from the focal city than the
    offering city in the hazard feature space of :func:`resilience_analytics.peers.similar`
    (1 = the closest city); offers not tied to a city in the table get 0.5 (unknown). The
    ``score`` is ``theme_fit × ((1 - hazard_weight) + hazard_weight × hazard_similarity)``.
    The focal city's own offers are left out.

    Parameters
    ----------
    city : str or int
        The city whose needs are matched.
    needs : pandas.DataFrame, optional
        Rows in the :data:`COLUMNS` format (e.g. from a self-assessment); rows with role
        ``offer`` and rows of other cities are ignored (rows with an empty ``city`` count as the
        focal city's). Default: the focal city's needs in :func:`load_needs_offers`.
    offers : pandas.DataFrame, optional
        Rows in the same format (role ``offer``). Default: every offer in
        :func:`load_needs_offers`.
    k : int, optional
        Keep the best ``k`` pairs (default all).
    hazard_weight : float, default 0.5
        Weight of hazard similarity in [0, 1]; 0 ranks by theme only (no feature table needed).
    min_fit : float, default 0.2
        Drop pairs with a lower theme fit.
    features, metric, table
        Feature space for hazard similarity, as in :func:`resilience_analytics.peers.similar`.
    missing : {"raise", "empty"}, default "raise"
        What to do when the city has no recorded need or no offer fits: raise
        :class:`ParameterError`, or return an empty table (same columns) whose
        ``attrs["note"]`` says why, as a report that runs for any city needs.

    Returns
    -------
    pandas.DataFrame
        One row per (need, offer), best first: ``rank, need_id, need_theme, need, offer_id,
        provider, provider_type, offer_city, offer_theme, offer, theme_fit, hazard_similarity,
        score, reason, source``.

    Raises
    ------
    ParameterError
        No need for the city, no offer, no pair reaching ``min_fit`` (with ``missing="raise"``),
        or bad parameters.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> r = ra.matching.rank_offers("Kyiv", hazard_weight=0)
    >>> r.iloc[0]["need_theme"] == r.iloc[0]["offer_theme"]
    True
    >>> none = ra.matching.rank_offers("Sapporo", hazard_weight=0, missing="empty")
    >>> len(none), none.attrs["note"][:31]
    (0, 'no need recorded for Sapporo; a')
    """
    import numpy as np

    from ._validate import MISSING, check_choice, nothing_found

    check_choice("missing", missing, MISSING)

    def nothing(note: str) -> pd.DataFrame:
        return nothing_found(missing, note, _RANKED_COLUMNS)
    import pandas as pd

    from . import cities, peers

    if not (isinstance(hazard_weight, int | float) and 0 <= hazard_weight <= 1):
        raise ParameterError(f"hazard_weight must be a number in [0, 1], got {hazard_weight!r}")
    if not (isinstance(min_fit, int | float) and 0 <= min_fit <= 1):
        raise ParameterError(f"min_fit must be a number in [0, 1], got {min_fit!r}")
    if k is not None:
        k = peers.check_k(k)
    if hazard_weight > 0:
        table = peers.feature_table(table)
        focal = peers.locate(city, table)
        focal_name = str(table["name"].loc[focal]) if "name" in table.columns else str(city)
    else:
        if table is not None:
            focal = peers.locate(city, table)
            focal_name = str(table["name"].loc[focal]) if "name" in table.columns else str(city)
        else:
            c = cities.as_city(city)
            focal, focal_name = c.city_id, c.name
    shipped = None
    if needs is None or offers is None:
        shipped = load_needs_offers()
    needs = shipped if needs is None else validate_needs_offers(needs, source="needs")
    offers = shipped if offers is None else validate_needs_offers(offers, source="offers")
    needs = needs[needs["role"] == "need"]
    nid = _city_ids(needs["city"], table)
    needs = needs[[c is None and n == "" or c == focal
                   for c, n in zip(nid, needs["city"], strict=True)]]
    if needs.empty:
        return nothing(
            f"no need recorded for {focal_name}; add needs with ra.matching.add_entries or pass "
            "needs= (rows in the needs/offers format, role 'need')"
        )
    offers = offers[offers["role"] == "offer"].copy()
    offers["offer_city_id"] = pd.Series(_city_ids(offers["city"], table), index=offers.index,
                                        dtype=object)
    offers = offers[offers["offer_city_id"].map(lambda c: c != focal)]
    if offers.empty:
        raise ParameterError("no offer to rank: pass offers= (role 'offer')")

    sim_of: dict[int, float] = {}
    if hazard_weight > 0:
        space = peers.feature_space(table, features, None, metric)
        i = table.index.get_loc(focal)
        d = space.distances(i)
        others = np.delete(d, i)
        others = others[~np.isnan(others)]
        for cid in {c for c in offers["offer_city_id"] if c is not None}:
            dc = d[table.index.get_loc(cid)]
            # share of the other cities (neither focal nor offering) farther than the offerer
            sim_of[cid] = (float((others > dc).sum() / max(len(others) - 1, 1)) if dc == dc
                           else 0.5)

    themes = _theme_table()
    rows = []
    for n in needs.itertuples(index=False):
        for o in offers.itertuples(index=False):
            fit, why = _theme_fit(n.theme, o.theme, themes)
            if fit < min_fit or fit == 0:
                continue
            cid = o.offer_city_id
            provider = _provider(o.city, o.provider_type, o.description)
            if hazard_weight == 0:
                hs, hz = np.nan, ""
            elif cid is not None and cid in sim_of:
                hs = sim_of[cid]
                hz = (f"{provider}'s hazard profile is closer to {focal_name}'s than "
                      f"{hs:.0%} of cities")
            else:
                hs = 0.5
                hz = f"{provider} is not tied to a city in the table: hazard similarity unknown"
            score = fit * ((1 - hazard_weight) + hazard_weight * (0.5 if hs != hs else hs))
            rows.append({
                "need_id": n.entry_id, "need_theme": n.theme, "need": n.description,
                "offer_id": o.entry_id, "provider": provider, "provider_type": o.provider_type,
                "offer_city": o.city, "offer_theme": o.theme, "offer": o.description,
                "theme_fit": fit, "hazard_similarity": hs, "score": score,
                "reason": "; ".join(p for p in (why, hz) if p), "source": o.source,
            })
    if not rows:
        return nothing(
            f"no offer fits {focal_name}'s needs ({sorted(set(needs['theme']))}) with theme fit "
            f">= {min_fit}; lower min_fit or add offers"
        )
    out = pd.DataFrame(rows).sort_values(
        ["score", "theme_fit", "need_id", "offer_id"], ascending=[False, False, True, True],
        kind="stable",
    )
    if k is not None:
        out = out.head(k)
    out.insert(0, "rank", range(1, len(out) + 1))
    out = out.reset_index(drop=True)
    out.attrs.update(focal_city_id=int(focal), focal_name=focal_name,
                     hazard_weight=hazard_weight, min_fit=min_fit)
    return out
