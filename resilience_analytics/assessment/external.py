"""The self-assessment beside external data (INFORM's coping-capacity components).

Examples
--------
>>> import pandas as pd
>>> from resilience_analytics.assessment import examples, external
>>> inform = pd.DataFrame({"drr": [4.0]}, index=["XXX"])  # fictional country, one component
>>> t = external.beside_external(examples.example_assessment("before"), country="XXX",
...                              inform=inform)
>>> t.loc[t["inform_component"] == "drr", "inform_capacity_pct"].unique().tolist()  # (10 - 4) * 10
[60.0]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ParameterError
from ._common import _isna
from .examples import EXAMPLE_CITY
from .frameworks import crosswalk
from .loading import Assessment
from .profiles import profile

if TYPE_CHECKING:
    import pandas as pd


# --------------------------------------------------------------------------------------------
# beside external data
# --------------------------------------------------------------------------------------------
def beside_external(assessment: Assessment, city: str | int | None = None, *,
                    country: str | None = None, inform: pd.DataFrame | None = None
                    ) -> pd.DataFrame:
    """Show the self-assessment per essential beside INFORM's coping-capacity components.

    Each essential is joined, through :func:`crosswalk`, to the INFORM lack-of-coping-capacity
    components that bear on it. INFORM scores lack of capacity 0–10 (higher = worse); the table
    also gives ``inform_capacity_pct = (10 - value) * 10`` so both read "higher = better". The
    two are different things (a city's own view of its practice vs. national statistics): the
    table is for discussion, not for validating either.

    Parameters
    ----------
    assessment : Assessment
    city : str or int, optional
        Real gazetteer city whose country's INFORM values are shown (default: the assessment's
        city, which must then be real).
    country : str, optional
        ISO3 code to use instead of a city (e.g. for "Example City (fictional)").
    inform : pandas.DataFrame, optional
        INFORM table indexed by ISO3 (default :func:`resilience_analytics.countries.inform`).

    Returns
    -------
    pandas.DataFrame
        One row per (essential, INFORM component): ``essential, label, self_score_pct,
        n_missing, inform_component, inform_value, inform_capacity_pct, relation, rationale``;
        essentials without an INFORM counterpart appear once with NA component.

    Examples
    --------
    The fictional example city placed in a fictional country ``XXX`` whose INFORM lack of
    coping capacity (0-10, higher = worse) is given as a one-row table:

    >>> import pandas as pd
    >>> import resilience_analytics as ra
    >>> a = ra.assessment.example_assessment("before")
    >>> inform = pd.DataFrame({"drr": [4.0], "governance": [6.0], "communication": [3.0],
    ...                        "physical_infrastructure": [2.5],
    ...                        "access_to_health_care": [5.0]}, index=["XXX"])
    >>> t = ra.assessment.beside_external(a, country="XXX", inform=inform)
    >>> t.loc[t["essential"] == 1, ["inform_component", "inform_capacity_pct"]].values.tolist()
    [['drr', 60.0], ['governance', 40.0]]
    >>> bool(t.loc[t["essential"] == 5, "inform_component"].isna().all())  # no counterpart
    True
    """
    import pandas as pd

    if assessment.level != "preliminary":
        raise ParameterError("beside_external needs a Scorecard (preliminary) assessment, got "
                             f"level={assessment.level!r}")
    if country is None:
        from .. import cities

        target = city if city is not None else assessment.city
        if target == EXAMPLE_CITY:
            raise ParameterError(f"{EXAMPLE_CITY!r} is fictional; pass country='NLD' (ISO3) or "
                                 "city= a real city to place it beside external data")
        country = cities.as_city(target).country_iso3
    country = str(country).upper()
    if inform is None:
        from .. import countries

        inform = countries.inform()
    tab = inform.set_index("iso3") if "iso3" in inform.columns else inform
    if country not in tab.index:
        raise ParameterError(f"country={country!r} is not in the INFORM table; accepted: ISO3 "
                             f"codes such as {', '.join(map(str, tab.index[:5]))}")
    p = profile(assessment)
    cw = crosswalk()
    cw = cw[cw["target_framework"] == "inform"]
    rows = []
    for code, rec in p.iterrows():
        e = int(code[1:])
        links = cw[cw["essential"] == e]
        base = {"essential": e, "label": rec["label"], "self_score_pct": rec["score_pct"],
                "n_missing": rec["n_missing"]}
        if links.empty:
            rows.append({**base, "inform_component": pd.NA, "inform_value": float("nan"),
                         "relation": pd.NA, "rationale": "no INFORM counterpart"})
        for lk in links.itertuples(index=False):
            val = tab.at[country, lk.target_code] if lk.target_code in tab.columns else None
            rows.append({**base, "inform_component": lk.target_code,
                         "inform_value": float("nan") if _isna(val) else float(val),
                         "relation": lk.relation, "rationale": lk.rationale})
    out = pd.DataFrame(rows)
    out.insert(out.columns.get_loc("inform_value") + 1, "inform_capacity_pct",
               (10.0 - out["inform_value"]) * 10.0)
    out.attrs["country"] = country
    return out
