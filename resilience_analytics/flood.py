"""River-flood exposure of cities from the Dartmouth Flood Observatory affected-area polygons.

Each DFO event (Brakenridge, Global Active Archive of Large Flood Events, Dartmouth Flood
Observatory; polygon snapshot 2019-12-03 as used by Tellman et al. 2021, Nature 596:80) comes
with an analyst-drawn outline of the **region affected**, drawn from news and government
reports — often a whole province or river basin. It is **not** a mapped inundation extent: a
city inside a polygon was in a region where a large flood happened, not necessarily flooded.

Method:

1. Polygons are repaired with :func:`shapely.make_valid` (156 are invalid in the 2019 snapshot:
   self-intersections); the number repaired is reported and no polygon is dropped; if a repair
   left no area the event is counted in ``info["fl_events_empty_after_repair"]``.
2. A city is in an event when its point lies in (or on) the polygon **and** its ISO3 is one of
   the countries the event lists (``Country`` and ``OtherCount``, DFO spellings mapped to ISO3
   by :data:`DFO_COUNTRY_ISO3`; unmatched names are reported). This stops polygons drawn across
   borders (event 3534, "Mauritania") from putting cities of other countries in the event.
   Rows sharing an ``ID`` (ID 278 appears twice) count once per city.
3. Per city over the archive window (events beginning 1985-01-01 … 2019-11-15, 35 seasons):
   annual rate of events, severity-weighted rate (DFO class 1 large, 1.5 very large, 2 extreme),
   the event totals of deaths and displaced people summed over the city's events, events that
   the Global Flood Database mapped from MODIS (GFD QC table, 913 events 2000–2018), and a
   frequency class (:func:`flood_level`).

Licence: DFO data are not openly licensed (free use, but the database may not be redistributed
without a cooperative agreement); GFD rasters are CC BY-NC 4.0. Numbers derived here are for
internal research; do not republish the polygons or per-event extracts.

Examples
--------
>>> from resilience_analytics import flood
>>> flood.dfo_countries("Bosnia and Herzegovina, Serbia-Montenegro")[0]
['BIH', 'MNE', 'SRB']
>>> flood.dfo_countries("Caribbean")
([], ['Caribbean'])
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from . import datasets
from .errors import DataFileError, ParameterError

__all__ = [
    "DFO_COUNTRY_ISO3",
    "FIRST_YEAR",
    "LAST_YEAR",
    "LEVEL_RATES",
    "LEVELS",
    "city_hazard",
    "dfo_countries",
    "events",
    "flood_level",
]

DATASET = "dfo_flood_polygons_1985_2019"
POLYGONS = "dfo_flood_polygons_1985_2019.gpkg"
GFD_TABLE = "gfd_qcdatabase_2019_08_01.csv"
#: Window of the polygon archive (events beginning 1985-01-01 … 2019-11-15).
FIRST_YEAR, LAST_YEAR = 1985, 2019
LEVELS = ("very low", "low", "medium", "high")
#: Lower bounds of the annual event rate for "medium" and "high" (see :func:`flood_level`).
LEVEL_RATES = {"medium": 1 / 25, "high": 1 / 10}

_SOVIET = ["RUS", "UKR", "BLR", "MDA", "EST", "LVA", "LTU", "GEO", "ARM", "AZE", "KAZ", "KGZ",
           "TJK", "TKM", "UZB"]
_YUGOSLAVIA = ["SRB", "MNE", "XKX", "BIH", "HRV", "SVN", "MKD"]

#: DFO country spellings (trimmed, case-insensitive) → ISO3 codes of the gazetteer. Former
#: states map to all their successors; sub-national names to their country; "China" includes
#: Hong Kong and Macao (special administrative regions that the gazetteer codes apart); the
#: ambiguous "Congo" maps to both Congos. Regions ("Africa", "Europe", "Caribbean") are
#: unmatched and reported.
DFO_COUNTRY_ISO3: dict[str, list[str]] = {
    "afghanistan": ["AFG"], "alaska": ["USA"], "albania": ["ALB"], "algeria": ["DZA"],
    "american samoa": ["ASM"], "angola": ["AGO"], "antigua": ["ATG"], "argentina": ["ARG"],
    "armenia": ["ARM"], "australia": ["AUS"], "austria": ["AUT"], "azerbaijan": ["AZE"],
    "azores islands": ["PRT"], "bahamas": ["BHS"], "bangladesh": ["BGD"],
    "bangaldesh": ["BGD"], "bangledesh": ["BGD"], "belarus": ["BLR"], "belgium": ["BEL"],
    "belize": ["BLZ"], "benin": ["BEN"], "bermuda": ["BMU"], "bhutan": ["BTN"],
    "bolivia": ["BOL"], "boliva": ["BOL"], "bosnia": ["BIH"], "bosnia-herzegovina": ["BIH"],
    "bosnia-herzegovenia": ["BIH"], "herzegovina": ["BIH"], "herzogovina": ["BIH"],
    "botswana": ["BWA"], "brazil": ["BRA"], "britain": ["GBR"], "brunei": ["BRN"],
    "bulgaria": ["BGR"], "burkina faso": ["BFA"], "burkino faso": ["BFA"], "burma": ["MMR"],
    "burundi": ["BDI"], "cameroon": ["CMR"], "camaroon": ["CMR"], "camaroun": ["CMR"],
    "cambodia": ["KHM"], "canada": ["CAN"], "canary islands": ["ESP"],
    "central african republic": ["CAF"], "chad": ["TCD"], "chile": ["CHL"],
    "china": ["CHN", "HKG", "MAC"], "colombia": ["COL"], "columbia": ["COL"],
    "comoros islands": ["COM"], "congo": ["COG", "COD"], "congo republic": ["COG"],
    "costa rica": ["CRI"], "cote d'ivoire": ["CIV"], "ivory coast": ["CIV"],
    "croatia": ["HRV"], "cuba": ["CUB"], "cyprus": ["CYP"], "czech republic": ["CZE"],
    "czechoslovakia": ["CZE", "SVK"], "dr congo": ["COD"],
    "democratic republic of the congo": ["COD"], "democratic republic congo": ["COD"],
    "democratic republic of congo": ["COD"], "zaire": ["COD"], "djibouti": ["DJI"],
    "dominican republic": ["DOM"], "east timor": ["TLS"], "timor": ["TLS"],
    "ecuador": ["ECU"], "egypt": ["EGY"], "el salvador": ["SLV"], "el savador": ["SLV"],
    "england": ["GBR"], "scotland": ["GBR"], "northern ireland": ["GBR"], "uk": ["GBR"],
    "united kingdom": ["GBR"], "unitd kingdom": ["GBR"], "eritrea": ["ERI"],
    "estonia": ["EST"], "ethiopia": ["ETH"], "fiji": ["FJI"], "finland": ["FIN"],
    "france": ["FRA"], "french polynesia": ["PYF"], "gabon": ["GAB"], "gaza": ["PSE"],
    "palestine": ["PSE"], "georgia": ["GEO"], "germany": ["DEU"], "west germany": ["DEU"],
    "ghana": ["GHA"], "greece": ["GRC"], "guam": ["GUM"], "guatemala": ["GTM"],
    "guatamala": ["GTM"], "gutamala": ["GTM"], "guinea": ["GIN"], "guyana": ["GUY"],
    "haiti": ["HTI"], "honduras": ["HND"], "hungary": ["HUN"], "iceland": ["ISL"],
    "india": ["IND"], "inda": ["IND"], "indonesia": ["IDN"], "inonesia": ["IDN"],
    "iran": ["IRN"], "iraq": ["IRQ"], "ireland": ["IRL"], "israel": ["ISR"], "italy": ["ITA"],
    "jamaica": ["JAM"], "japan": ["JPN"], "jordan": ["JOR"], "kazakhstan": ["KAZ"],
    "kazahkistan": ["KAZ"], "kazahkstan": ["KAZ"], "kenya": ["KEN"], "kyrgyzstan": ["KGZ"],
    "laos": ["LAO"], "latvia": ["LVA"], "lebanon": ["LBN"], "lesotho": ["LSO"],
    "liberia": ["LBR"], "libya": ["LBY"], "lithuania": ["LTU"], "macedonia": ["MKD"],
    "madagascar": ["MDG"], "malawi": ["MWI"], "malaysia": ["MYS"], "malayasia": ["MYS"],
    "maldives": ["MDV"], "mali": ["MLI"], "malta": ["MLT"], "martinique": ["MTQ"],
    "mauritania": ["MRT"], "mauritius": ["MUS"], "mexico": ["MEX"], "moldova": ["MDA"],
    "moldava": ["MDA"], "moldovo": ["MDA"], "mongolia": ["MNG"], "montenegro": ["MNE"],
    "morocco": ["MAR"], "mozambique": ["MOZ"], "myanmar": ["MMR"], "myanamar": ["MMR"],
    "namibia": ["NAM"], "nepal": ["NPL"], "netherlands": ["NLD"], "new caledonia": ["NCL"],
    "new zealand": ["NZL"], "nicaragua": ["NIC"], "niger": ["NER"], "nigeria": ["NGA"],
    "north korea": ["PRK"], "norway": ["NOR"], "oman": ["OMN"], "pakistan": ["PAK"],
    "panama": ["PAN"], "papua new guinea": ["PNG"], "papua new gunea": ["PNG"],
    "paraguay": ["PRY"], "peru": ["PER"], "philippines": ["PHL"], "philipines": ["PHL"],
    "philippine": ["PHL"], "phillipines": ["PHL"], "phillippines": ["PHL"],
    "poland": ["POL"], "portugal": ["PRT"], "puerto rico": ["PRI"], "qatar": ["QAT"],
    "reunion": ["REU"], "romania": ["ROU"], "russia": ["RUS"], "siberia": ["RUS"],
    "rwanda": ["RWA"], "saint vincent": ["VCT"], "saudi arabia": ["SAU"], "senegal": ["SEN"],
    "serbia": ["SRB"], "serbia-montenegro": ["SRB", "MNE"], "seychelles": ["SYC"],
    "sierra leone": ["SLE"], "singapore": ["SGP"], "slovakia": ["SVK"], "slovenia": ["SVN"],
    "solomon islands": ["SLB"], "somalia": ["SOM"], "south africa": ["ZAF"],
    "south korea": ["KOR"], "south sudan": ["SSD"], "soviet union": _SOVIET, "ussr": _SOVIET,
    "spain": ["ESP"], "sri lanka": ["LKA"], "st. lucia": ["LCA"], "sudan": ["SDN"],
    "suriname": ["SUR"], "sweden": ["SWE"], "switzerland": ["CHE"], "syria": ["SYR"],
    "taiwan": ["TWN"], "tajikistan": ["TJK"], "tajikstan": ["TJK"], "tanzania": ["TZA"],
    "tasmania": ["AUS"], "texas": ["USA"], "thailand": ["THA"], "thiland": ["THA"],
    "the gambia": ["GMB"], "tibet": ["CHN"], "togo": ["TGO"], "trinidad": ["TTO"],
    "tobago": ["TTO"], "tunisia": ["TUN"], "turkey": ["TUR"], "usa": ["USA"],
    "usa.": ["USA"], "uganda": ["UGA"], "ukraine": ["UKR"],
    "united arab emirates": ["ARE"], "united arab emerates": ["ARE"], "uruguay": ["URY"],
    "uzbekistan": ["UZB"], "vanuatu": ["VUT"], "venezuela": ["VEN"], "venezulea": ["VEN"],
    "vietnam": ["VNM"], "viet nam": ["VNM"], "virgin islands": ["VIR", "VGB"],
    "western sahara": ["ESH"], "yemen": ["YEM"], "yugoslavia": _YUGOSLAVIA,
    "zambia": ["ZMB"], "zimbabwe": ["ZWE"], "zimbawe": ["ZWE"],
}


def dfo_countries(text: Any) -> tuple[list[str], list[str]]:
    """Return (ISO3 codes, unmatched names) for a DFO ``Country``/``OtherCount`` text.

    Names are split on ``,``, ``;``, ``/`` and the word "and", trimmed, lower-cased and looked
    up in :data:`DFO_COUNTRY_ISO3`; ``"0"``, blanks and NA mean none.

    Parameters
    ----------
    text : str or None

    Returns
    -------
    (list of str, list of str)
        Sorted unique ISO3 codes; names not found.

    Examples
    --------
    >>> from resilience_analytics.flood import dfo_countries
    >>> dfo_countries(" Phillipines ")
    (['PHL'], [])
    >>> dfo_countries(0)
    ([], [])
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return [], []
    codes: set[str] = set()
    missing: list[str] = []
    for part in re.split(r"[,;/]|\band\b", str(text)):
        name = " ".join(part.split()).lower()
        if not name or name == "0":
            continue
        found = DFO_COUNTRY_ISO3.get(name)
        if found is None:
            missing.append(" ".join(part.split()))
        else:
            codes.update(found)
    return sorted(codes), missing


def events() -> tuple[pd.DataFrame, dict]:
    """Return the DFO events with repaired polygons, ISO3 lists and the GFD satellite flag.

    Returns
    -------
    (geopandas.GeoDataFrame, dict)
        One row per polygon: ``event_id, began, year, severity, dead, displaced, iso3``
        (list), ``satellite`` (bool: in the GFD QC table), ``geometry`` (valid, EPSG:4326);
        and a report: ``polygons``, ``invalid_repaired``, ``empty_after_repair``,
        ``duplicate_ids``, ``unmatched_country_names`` (name → number of events),
        ``events_without_country``.

    Raises
    ------
    DataFileError
        If the polygon file lacks a needed column or has an impossible value.

    Examples
    --------
    >>> from resilience_analytics import flood
    >>> ev, report = flood.events()  # doctest: +SKIP
    >>> report["invalid_repaired"]  # doctest: +SKIP
    156
    """
    import shapely

    g = datasets.read(DATASET, POLYGONS)
    need = ["ID", "Country", "OtherCount", "Began", "Severity", "Dead", "Displaced", "geometry"]
    missing = [c for c in need if c not in g.columns]
    if missing:
        raise DataFileError(f"{POLYGONS} lacks column(s) {missing}; found {list(g.columns)}")
    geom = g.geometry.to_numpy()
    invalid = ~shapely.is_valid(geom)
    fixed = geom.copy()
    fixed[invalid] = shapely.make_valid(geom[invalid])
    # make_valid may return a collection with lines/points: keep the polygonal parts
    fixed = np.array([_polygonal(x) for x in fixed], dtype=object)
    empty = shapely.is_empty(fixed) | shapely.is_missing(fixed)
    sev = pd.to_numeric(g["Severity"], errors="coerce")
    bad = ~sev.isin([1.0, 1.5, 2.0]) | (g["Dead"] < 0) | (g["Displaced"] < 0)
    if bad.any():
        ids = g.loc[bad, "ID"].head(5).tolist()
        raise DataFileError(f"{int(bad.sum())} DFO event(s) have a severity outside "
                            f"{{1, 1.5, 2}} or negative deaths/displaced: IDs {ids}")
    iso, unmatched = [], {}
    for c, o in zip(g["Country"], g["OtherCount"], strict=True):
        a, ma = dfo_countries(c)
        b, mb = dfo_countries(o)
        iso.append(sorted(set(a) | set(b)))
        for m in ma + mb:
            unmatched[m] = unmatched.get(m, 0) + 1
    gfd = datasets.read(DATASET, GFD_TABLE)
    began = pd.to_datetime(g["Began"], errors="raise")
    out = pd.DataFrame({
        "event_id": g["ID"].astype(np.int64).to_numpy(),
        "began": began.to_numpy(),
        "year": began.dt.year.to_numpy(),
        "severity": sev.to_numpy(float),
        "dead": g["Dead"].to_numpy(float),
        "displaced": g["Displaced"].to_numpy(float),
        "iso3": iso,
        "satellite": g["ID"].isin(set(gfd["ID"].astype(int))).to_numpy(),
    })
    import geopandas as gpd

    out = gpd.GeoDataFrame(out, geometry=list(fixed), crs="EPSG:4326")
    report = {
        "polygons": int(len(g)),
        "invalid_repaired": int(invalid.sum()),
        "empty_after_repair": int(empty.sum()),
        "duplicate_ids": sorted(int(i) for i in g.loc[g["ID"].duplicated(), "ID"]),
        "unmatched_country_names": unmatched,
        "events_without_country": int(sum(len(i) == 0 for i in iso)),
        "gfd_events": int(len(gfd)),
        "gfd_ids_not_in_polygons": int((~gfd["ID"].isin(g["ID"])).sum()),
    }
    return out, report


def _polygonal(geom: Any) -> Any:
    import shapely
    from shapely.geometry import GeometryCollection, MultiPolygon, Polygon

    if geom is None or isinstance(geom, (Polygon, MultiPolygon)):
        return geom
    if isinstance(geom, GeometryCollection):
        parts = [p for p in geom.geoms if isinstance(p, (Polygon, MultiPolygon))]
        return shapely.union_all(parts) if parts else Polygon()
    return Polygon()


def flood_level(rate: Any) -> pd.Categorical:
    """Return ordered frequency classes of affected-region flood events.

    ThinkHazard's river-flood classes come from modelled flood depth at return periods
    (``thinkhazard_processing.yaml``: high 10–25 yr, medium 50 yr, low 100–1000 yr), which
    DFO does not give. These are **frequency classes of large-flood events affecting the
    city's region**, using ThinkHazard's return-period breakpoints 10 and 25 years on the
    event rate: high ≥ 1/10 per year (a large flood in the region at least once a decade on
    average), medium ≥ 1/25, low > 0 (one event in 35 years: rarer than the window resolves),
    very low = no event in 1985–2019.

    Parameters
    ----------
    rate : array-like
        Annual event rates (≥ 0).

    Returns
    -------
    pandas.Categorical
        Ordered "very low" < "low" < "medium" < "high".

    Raises
    ------
    ParameterError
        For a negative or NA rate.

    Examples
    --------
    >>> from resilience_analytics.flood import flood_level
    >>> list(flood_level([0.0, 1 / 35, 2 / 35, 4 / 35]))
    ['very low', 'low', 'medium', 'high']
    """
    from ._validate import check_array

    r = check_array(rate, "rate", ndim=(1,))
    if np.any(np.isnan(r)) or np.any(r < 0):
        raise ParameterError("rate must hold non-negative annual rates without NA")
    codes = np.zeros(r.shape, np.int8)
    codes[r > 0] = 1
    codes[r >= LEVEL_RATES["medium"] - 1e-12] = 2
    codes[r >= LEVEL_RATES["high"] - 1e-12] = 3
    return pd.Categorical.from_codes(codes, categories=list(LEVELS), ordered=True)


def city_hazard(lat: Any, lon: Any, iso3: Any) -> tuple[dict, dict]:
    """Return the flood columns of :func:`ra.hazards.exposure` for cities.

    Parameters
    ----------
    lat, lon : array-like
        City coordinates, degrees.
    iso3 : array-like of str
        City country codes (NA: the city is never counted, reported in ``info``).

    Returns
    -------
    (columns, info) : tuple of dict
        ``fl_rate, fl_severity_rate, fl_dead, fl_displaced, fl_events_satellite, fl_level,
        fl_events`` aligned with ``lat``; ``info`` the window and the repair/matching report.

    Raises
    ------
    ParameterError
        If the arrays differ in length.

    Examples
    --------
    >>> from resilience_analytics import flood
    >>> cols, info = flood.city_hazard([23.81], [90.41], ["BGD"])  # doctest: +SKIP
    >>> cols["fl_events"][0] > 10  # doctest: +SKIP
    True
    """
    import shapely

    lat = np.asarray(lat, float)
    lon = np.asarray(lon, float)
    iso3 = np.asarray(pd.Series(iso3, dtype="object").fillna("").to_numpy(), dtype=object)
    if not (len(lat) == len(lon) == len(iso3)):
        raise ParameterError(f"lat, lon and iso3 must have one value per city; got "
                             f"{len(lat)}, {len(lon)}, {len(iso3)}")
    ev, report = events()
    n = len(lat)
    n_years = LAST_YEAR - FIRST_YEAR + 1
    pts = shapely.points(lon, lat)
    tree = shapely.STRtree(ev.geometry.to_numpy())
    # (city, polygon) pairs with the city inside or on the boundary of the polygon
    ci, pi = tree.query(pts, predicate="intersects")
    # country filter, vectorised: (polygon, country code) keys of the events' lists
    ev_rows = np.repeat(np.arange(len(ev)), ev["iso3"].map(len).to_numpy())
    ev_codes = np.concatenate([np.asarray(x, dtype=object) for x in ev["iso3"]] or [[]])
    codes, uniq = pd.factorize(pd.Series(np.r_[ev_codes, iso3], dtype=object))
    n_codes = len(uniq) + 1
    listed = ev_rows.astype(np.int64) * n_codes + codes[:len(ev_codes)]
    city_code = codes[len(ev_codes):]
    ok = np.isin(pi.astype(np.int64) * n_codes + city_code[ci], listed) & (iso3[ci] != "")
    n_pairs_in_polygon = len(ci)
    ci, pi = ci[ok], pi[ok]
    # one count per (city, event ID): ID 278 has two polygons
    eid = ev["event_id"].to_numpy()[pi]
    pair = pd.DataFrame({"c": ci, "e": eid, "p": pi}).drop_duplicates(["c", "e"])
    ci, pi = pair["c"].to_numpy(), pair["p"].to_numpy()

    def total(col: str) -> np.ndarray:
        return np.bincount(ci, weights=ev[col].to_numpy(float)[pi], minlength=n)

    count = np.bincount(ci, minlength=n).astype(np.int64)
    cols = {
        "fl_rate": count / n_years,
        "fl_severity_rate": total("severity") / n_years,
        "fl_dead": total("dead"),
        "fl_displaced": total("displaced"),
        "fl_events_satellite": np.bincount(
            ci, weights=ev["satellite"].to_numpy(float)[pi], minlength=n).astype(np.int64),
        "fl_events": count,
    }
    cols["fl_level"] = flood_level(cols["fl_rate"])
    info = {
        "fl_window": f"{FIRST_YEAR}-{LAST_YEAR}", "fl_years": n_years,
        "fl_pairs_in_polygon": int(n_pairs_in_polygon),
        "fl_pairs_dropped_other_country": int(n_pairs_in_polygon - ok.sum()),
        "fl_cities_without_iso3": int((iso3 == "").sum()),
        **{f"fl_{k}": v for k, v in report.items()},
    }
    return cols, info
