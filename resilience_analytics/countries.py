"""Country risk indices by ISO3: INFORM Risk 2023, WorldRiskIndex 2000–2022 and ND-GAIN 1995–2020.

Each loader returns one tidy, typed table with snake_case columns, validated with pandera;
:func:`country_context` joins the headline dimensions of all three into one row per country,
the table that city-level analyses attach by ISO3.

Scales: INFORM 0–10 (higher = more risk); WorldRiskIndex 0–100 (higher = more risk); ND-GAIN
vulnerability and readiness 0–1 (vulnerability higher = worse, readiness higher = better) and the
ND-GAIN index 0–100 (higher = better prepared).

Examples
--------
>>> import resilience_analytics as ra
>>> ctx = ra.countries.country_context()
>>> float(ctx.loc["NLD", "inform_risk"])
1.5
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from ._validate import check_names, check_number, require_columns, validate_frame
from .errors import ParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ND_GAIN_VARIABLES",
    "country_context",
    "country_context_columns",
    "inform",
    "inform_indicators",
    "nd_gain",
    "world_risk_index",
]

ND_GAIN_VARIABLES = (
    "gain",
    "gain_delta",
    "readiness",
    "readiness_economic",
    "readiness_governance",
    "readiness_social",
    "vulnerability",
    "vulnerability_capacity",
    "vulnerability_ecosystems",
    "vulnerability_exposure",
    "vulnerability_food",
    "vulnerability_habitat",
    "vulnerability_health",
    "vulnerability_infrastructure",
    "vulnerability_sensitivity",
    "vulnerability_water",
)

# INFORM column renames that a plain snake_case conversion would make unreadable
_INFORM_RENAMES = {
    "COUNTRY": "country_name",
    "ISO3": "iso3",
    "INFORM RISK": "risk",
    "RISK CLASS": "risk_class",
    "Rank": "rank",
    "Lack of Reliability (*)": "lack_of_reliability",
    "HAZARD & EXPOSURE": "hazard_exposure",
    "LACK OF COPING CAPACITY": "lack_of_coping_capacity",
    "Number of Missing Indicators": "n_missing_indicators",
    "% of Missing Indicators": "share_missing_indicators",
    "Countries in HVC": "in_highly_violent_conflict",
    "Recentness data (average years)": "recentness_years",
}


def _snake(name: str) -> str:
    s = re.sub(r"[^0-9a-zA-Z]+", "_", name.replace("&", "and")).strip("_").lower()
    return s


def _schema_scores(columns: list[str], low: float, high: float):
    import pandera.pandas as pa

    cols = {c: pa.Column(float, pa.Check.in_range(low, high), nullable=True) for c in columns}
    return pa.DataFrameSchema(
        cols, index=pa.Index(str, name="iso3", unique=True, checks=pa.Check.str_length(3, 3))
    )


def _read_checked(name: str, filename: str, columns: list[str]) -> pd.DataFrame:
    """Read a registered file; a missing column is a DataFileError naming ``name/filename``."""
    from . import datasets

    df = datasets.read(name, filename)
    require_columns(df, columns, f"{name}/{filename}")
    return df


@lru_cache(maxsize=1)
def _inform() -> pd.DataFrame:
    import pandas as pd

    source = "inform_risk_index_2023/inform_risk_2023_index.csv"
    raw = _read_checked("inform_risk_index_2023", "inform_risk_2023_index.csv",
                        ["COUNTRY", "ISO3", "INFORM RISK", "HAZARD & EXPOSURE",
                         "VULNERABILITY", "LACK OF COPING CAPACITY"])
    df = raw.rename(columns={c: _INFORM_RENAMES.get(c, _snake(c)) for c in raw.columns})
    df["in_highly_violent_conflict"] = df["in_highly_violent_conflict"].eq("YES")
    df["share_missing_indicators"] = df["share_missing_indicators"] * 100.0
    text = {"country_name", "iso3", "risk_class", "in_highly_violent_conflict"}
    for col in df.columns:
        if col not in text:
            df[col] = pd.to_numeric(df[col], errors="raise").astype("float64")
    df["country_name"] = df["country_name"].astype("string")
    df["risk_class"] = df["risk_class"].astype("string")
    df = df.set_index(df["iso3"].astype(str)).drop(columns="iso3")
    df.index.name = "iso3"
    scores = [c for c in df.columns if c not in text | {
        "rank", "n_missing_indicators", "share_missing_indicators", "recentness_years"}]
    return validate_frame(_schema_scores(scores, 0.0, 10.0), df, source)


def inform() -> pd.DataFrame:
    """Return INFORM Risk 2023 with all its dimensions and components (0–10), by ISO3.

    Returns
    -------
    pandas.DataFrame
        Index ``iso3``; columns ``country_name``, ``risk``, ``risk_class``, ``rank``,
        ``hazard_exposure``, ``natural``, ``earthquake``, ``flood``, ``tsunami``,
        ``tropical_cyclone``, ``drought``, ..., ``vulnerability``, ...,
        ``lack_of_coping_capacity``, ``institutional``, ``drr``, ``governance``,
        ``infrastructure``, ``communication``, ``physical_infrastructure``,
        ``access_to_health_care``, ``n_missing_indicators``, ``share_missing_indicators`` (%),
        ``in_highly_violent_conflict`` (bool), ``recentness_years``. Missing values ('x' in
        the source) are NA.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.countries.inform().loc["AFG", "risk"]
    np.float64(8.1)
    """
    return _inform().copy()


def inform_indicators() -> pd.DataFrame:
    """Return INFORM 2023's 78 raw indicators by ISO3 (column names are INFORM indicator ids).

    Returns
    -------
    pandas.DataFrame
        ``df.attrs["codebook"]`` holds each indicator's name, survey year and unit.

    Examples
    --------
    Needs the real data (``RESILIENCE_DATA_DIR``, as in CI):

    >>> import resilience_analytics as ra
    >>> ind = ra.countries.inform_indicators()
    >>> ind.shape, ind.index.is_unique
    ((191, 78), True)
    >>> cb = ind.attrs["codebook"].set_index("IndicatorId")
    >>> set(ind.columns) <= set(cb.index)  # every indicator is in the codebook
    True
    >>> cb.loc["EX_FL", "name"]
    'Annual Expected Exposed People to Floods'
    """
    from . import datasets

    df = datasets.read("inform_risk_index_2023", "inform_risk_2023_indicators.csv")
    df = df.set_index("ISO3").drop(columns="COUNTRY")
    df.index.name = "iso3"
    df.attrs["codebook"] = datasets.read(
        "inform_risk_index_2023", "inform_risk_2023_indicators_codebook.csv"
    )
    return df


@lru_cache(maxsize=1)
def _wri_long() -> pd.DataFrame:
    return _read_checked("world_risk_index", "world_risk_index_2000_2022_long.csv",
                         ["Country", "Code", "Year", "W", "E", "V", "S", "C", "A"])


def world_risk_index(year: int | None = 2022, *, indicators: bool = False) -> pd.DataFrame:
    """Return the WorldRiskIndex (2022 method, consistent series 2000–2022).

    Parameters
    ----------
    year : int or None, default 2022
        One year (2000–2022), or ``None`` for the long table of all years.
    indicators : bool, default False
        Also return the ~140 indicator columns (codes as in the WorldRiskReport codebook).

    Returns
    -------
    pandas.DataFrame
        Index ``iso3`` (or ``iso3, year`` when ``year=None``); columns ``country_name``,
        ``index`` (W), ``exposure`` (E), ``vulnerability`` (V), ``susceptibility`` (S),
        ``lack_of_coping`` (C), ``lack_of_adaptive`` (A), all 0–100.

    Raises
    ------
    ParameterError
        If ``year`` is outside 2000–2022.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> wri = ra.countries.world_risk_index(2022)
    >>> bool(wri.loc["PHL", "index"] > wri.loc["NLD", "index"])
    True
    """
    if year is not None:
        check_number("year", year, integer=True)
    if not isinstance(indicators, bool):
        raise ParameterError(f"indicators must be True or False, got {indicators!r:.80}")
    df = _wri_long().copy()
    years = sorted(df["Year"].unique())
    if year is not None and year not in years:
        raise ParameterError(
            f"year={year!r} is not in the WorldRiskIndex series; accepted: {years[0]}–{years[-1]}"
        )
    names = {"Country": "country_name", "Code": "iso3", "Year": "year", "W": "index",
             "E": "exposure", "V": "vulnerability", "S": "susceptibility",
             "C": "lack_of_coping", "A": "lack_of_adaptive"}
    keep = list(names) + ([c for c in df.columns if c not in names] if indicators else [])
    df = df[keep].rename(columns=names)
    df["country_name"] = df["country_name"].astype("string")
    if year is None:
        return df.set_index(["iso3", "year"]).sort_index()
    df = df[df["year"] == year].drop(columns="year").set_index("iso3").sort_index()
    main = ["index", "exposure", "vulnerability", "susceptibility", "lack_of_coping",
            "lack_of_adaptive"]
    return validate_frame(
        _schema_scores(main, 0.0, 100.0), df, "world_risk_index/world_risk_index_2000_2022_long.csv"
    )


@cache
def _gain_file(variable: str) -> pd.DataFrame:
    return _read_checked("nd_gain_country_index", f"{variable}.csv", ["ISO3", "Name", "2020"])


def nd_gain(year: int | None = 2020, *, variables: list[str] | tuple[str, ...] | None = None
            ) -> pd.DataFrame:
    """Return ND-GAIN scores by ISO3 for one year (or all years, long).

    Parameters
    ----------
    year : int or None, default 2020
        One year 1995–2020, or ``None`` for a long table with a ``year`` index level.
    variables : list of str, optional
        ND-GAIN files to read (default ``gain``, ``vulnerability``, ``readiness``); any of
        :data:`ND_GAIN_VARIABLES`.

    Returns
    -------
    pandas.DataFrame
        Index ``iso3``; ``country_name`` and one column per variable.

    Raises
    ------
    ParameterError
        Unknown variable or year.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> g = ra.countries.nd_gain(2020)
    >>> bool((g["gain"] - (g["readiness"] - g["vulnerability"] + 1) * 50).abs().max() < 1e-9)
    True
    """
    import pandas as pd

    if year is not None:
        check_number("year", year, integer=True)
    if variables is not None:
        variables = check_names("variables", variables)
    variables = tuple(variables or ("gain", "vulnerability", "readiness"))
    for v in variables:
        if v not in ND_GAIN_VARIABLES:
            raise ParameterError(
                f"unknown ND-GAIN variable {v!r}; accepted: {', '.join(ND_GAIN_VARIABLES)}"
            )
    first = _gain_file(variables[0])
    years = [int(c) for c in first.columns if c.isdigit()]
    if year is not None and year not in years:
        raise ParameterError(f"year={year!r} is not in ND-GAIN; accepted: {years[0]}–{years[-1]}")
    frames = []
    for v in variables:
        df = _gain_file(v).set_index("ISO3")
        cols = [str(y) for y in years]
        long = df[cols].astype("float64").stack(future_stack=True).rename(v)
        long.index = long.index.set_names(["iso3", "year"])
        frames.append(long)
    out = pd.concat(frames, axis=1)
    out.index = out.index.set_levels(out.index.levels[1].astype(int), level="year")
    names = first.set_index("ISO3")["Name"].astype("string")
    if year is None:
        out.insert(0, "country_name", names.reindex(out.index.get_level_values(0)).to_numpy())
        return out.sort_index()
    out = out.xs(year, level="year")
    out.insert(0, "country_name", names.reindex(out.index))
    out.index.name = "iso3"
    bounds = {v: (0.0, 100.0) if v.startswith("gain") else (0.0, 1.0) for v in variables}
    import pandera.pandas as pa

    schema = pa.DataFrameSchema(
        {v: pa.Column(float, pa.Check.in_range(*bounds[v]), nullable=True) for v in variables},
        index=pa.Index(str, name="iso3", unique=True),
    )
    return validate_frame(schema, out.sort_index(), "nd_gain_country_index")


_CONTEXT_COLUMNS = {
    "inform_risk": ("INFORM Risk 2023", "0–10, higher = more risk"),
    "inform_hazard_exposure": ("INFORM hazard & exposure", "0–10"),
    "inform_vulnerability": ("INFORM vulnerability", "0–10"),
    "inform_lack_of_coping_capacity": ("INFORM lack of coping capacity", "0–10"),
    "inform_natural": ("INFORM natural hazard", "0–10"),
    "inform_earthquake": ("INFORM earthquake hazard", "0–10"),
    "inform_flood": ("INFORM flood hazard", "0–10"),
    "inform_tsunami": ("INFORM tsunami hazard", "0–10"),
    "inform_tropical_cyclone": ("INFORM tropical-cyclone hazard", "0–10"),
    "inform_drought": ("INFORM drought hazard", "0–10"),
    "inform_institutional": ("INFORM institutional lack of coping capacity (DRR, governance)",
                             "0–10"),
    "inform_infrastructure": ("INFORM infrastructural lack of coping capacity", "0–10"),
    "wri_index": ("WorldRiskIndex 2022", "0–100, higher = more risk"),
    "wri_exposure": ("WorldRiskIndex exposure", "0–100"),
    "wri_vulnerability": ("WorldRiskIndex vulnerability", "0–100"),
    "wri_susceptibility": ("WorldRiskIndex susceptibility", "0–100"),
    "wri_lack_of_coping": ("WorldRiskIndex lack of coping capacities", "0–100"),
    "wri_lack_of_adaptive": ("WorldRiskIndex lack of adaptive capacities", "0–100"),
    "ndgain_index": ("ND-GAIN index 2020", "0–100, higher = better prepared"),
    "ndgain_vulnerability": ("ND-GAIN vulnerability 2020", "0–1, higher = more vulnerable"),
    "ndgain_readiness": ("ND-GAIN readiness 2020", "0–1, higher = more ready"),
}


def country_context_columns() -> pd.DataFrame:
    """Return the definition and unit of every :func:`country_context` column.

    Returns
    -------
    pandas.DataFrame
        Columns ``column``, ``definition``, ``unit``, ``source`` (registered data set).

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> cols = ra.countries.country_context_columns()
    >>> cols["source"].value_counts().to_dict()
    {'inform_risk_index_2023': 12, 'world_risk_index': 6, 'nd_gain_country_index': 3}
    >>> cols.set_index("column").loc["inform_risk", ["definition", "unit"]].tolist()
    ['INFORM Risk 2023', '0–10, higher = more risk']
    """
    import pandas as pd

    src = {"inform": "inform_risk_index_2023", "wri": "world_risk_index",
           "ndgain": "nd_gain_country_index"}
    return pd.DataFrame(
        [{"column": c, "definition": d, "unit": u, "source": src[c.split("_")[0]]}
         for c, (d, u) in _CONTEXT_COLUMNS.items()]
    )


@lru_cache(maxsize=1)
def _context() -> pd.DataFrame:
    import pandas as pd

    inf = _inform()
    a = pd.DataFrame(index=inf.index)
    a["country_name"] = inf["country_name"]
    for col in ("risk", "hazard_exposure", "vulnerability", "lack_of_coping_capacity", "natural",
                "earthquake", "flood", "tsunami", "tropical_cyclone", "drought",
                "institutional", "infrastructure"):
        a[f"inform_{col}"] = inf[col]
    w = world_risk_index(2022)
    b = w[["index", "exposure", "vulnerability", "susceptibility", "lack_of_coping",
           "lack_of_adaptive"]].add_prefix("wri_")
    g = nd_gain(2020)
    c = g.rename(columns={"gain": "ndgain_index", "vulnerability": "ndgain_vulnerability",
                          "readiness": "ndgain_readiness"})
    out = a.join(b, how="outer").join(c.drop(columns="country_name"), how="outer")
    names = w["country_name"].combine_first(g["country_name"])
    out["country_name"] = out["country_name"].combine_first(names.reindex(out.index))
    out.index.name = "iso3"
    return out[["country_name", *_CONTEXT_COLUMNS]].sort_index()


def country_context() -> pd.DataFrame:
    """Return one row per country (ISO3): headline INFORM, WorldRiskIndex and ND-GAIN scores.

    An outer join: a country missing from one source has NA in that source's columns.
    Definitions and units: :func:`country_context_columns`.

    Returns
    -------
    pandas.DataFrame
        Index ``iso3``; columns ``country_name`` and those listed by
        :func:`country_context_columns`.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ctx = ra.countries.country_context()
    >>> bool(ctx.loc["UKR", "inform_risk"] > ctx.loc["NLD", "inform_risk"])
    True
    """
    return _context().copy()
