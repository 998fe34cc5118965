"""Gaps become needs: exchange themes per essential, needs rows, capacities and teachers.

Examples
--------
>>> from resilience_analytics.assessment import examples, needs
>>> rows = needs.needs_from_gaps(examples.example_assessment("before"), n=2)
>>> sorted(set(rows["essential"]))  # the two weakest essentials of the fictional city
[5, 8]
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._validate import check_bool, check_choice, check_positive
from ..errors import DataFileError, ParameterError
from .examples import EXAMPLE_CITY
from .frameworks import LEVELS, crosswalk
from .loading import Assessment, _check_assessment
from .profiles import profile, weakest

if TYPE_CHECKING:
    import pandas as pd


# --------------------------------------------------------------------------------------------
# gaps become needs
# --------------------------------------------------------------------------------------------
def _themes() -> pd.DataFrame:
    try:
        from .. import exchanges

        th = exchanges.load_themes()
        if "theme" not in th.columns:
            th = th.reset_index()
    except (ImportError, AttributeError):
        import pandas as pd

        path = Path(__file__).resolve().parents[1] / "data" / "themes.csv"
        if not path.exists():
            raise DataFileError(f"themes table not found at {path} and ra.exchanges."
                                "load_themes() is not available") from None
        th = pd.read_csv(path, dtype=str, keep_default_na=False)
    th = th.copy()
    if "essential_list" in th.columns:
        th["_ess"] = th["essential_list"].map(lambda es: [int(x) for x in es])
    else:
        th["_ess"] = th["scorecard_essentials"].fillna("").astype(str).map(
            lambda s: [int(x) for x in re.split(r"[;,]", s) if x.strip()])
    return th


def themes_for_essential(essential: int | str, *, specific: bool = True) -> list[str]:
    """Theme codes of ``data/themes.csv`` linked to one of the Ten Essentials.

    Parameters
    ----------
    essential : int or str
        1–10, or ``"E8"``.
    specific : bool, default True
        Keep only the most specific themes (those linked to the fewest essentials); False
        returns every theme linked to the essential.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.assessment.themes_for_essential(8)
    ['critical_infrastructure', 'energy']
    """
    e = _essential_number(essential)
    check_bool("specific", specific)
    th = _themes()
    hit = th[th["_ess"].map(lambda es: e in es)]
    if hit.empty:
        return []
    if specific:
        n = hit["_ess"].map(len)
        hit = hit[n == n.min()]
    return hit["theme"].tolist()


def _essential_number(essential: int | str) -> int:
    s = str(essential).strip().upper().lstrip("E")
    try:
        e = int(s)
    except ValueError:
        e = -1
    if not 1 <= e <= 10:
        raise ParameterError(f"essential={essential!r} is not accepted; choose 1–10 "
                             "(or 'E1'–'E10')")
    return e


def _slug(s: str) -> str:
    from .._io import slugify  # the package's one slug function

    return slugify(s, max_length=200, empty="")


def needs_from_gaps(assessment: Assessment, *, n: int = 3, specific: bool = True,
                    essentials: list[int] | None = None) -> pd.DataFrame:
    """Turn the weakest essentials into rows of the needs table (``data/needs_offers.csv`` format).

    Parameters
    ----------
    assessment : Assessment
        A Scorecard assessment (preliminary level).
    n : int
        Number of weakest essentials to turn into needs.
    specific : bool
        Passed to :func:`themes_for_essential`.
    essentials : list of int, optional
        Use these essentials instead of the ``n`` weakest.

    Returns
    -------
    pandas.DataFrame
        Columns ``entry_id, city, role`` (``"need"``), ``theme, description, provider_type``
        (``"city"``), ``date, source`` plus ``essential`` and ``score_pct`` for traceability.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> needs = ra.assessment.needs_from_gaps(ra.assessment.example_assessment("before"), n=1)
    >>> needs[["role", "theme", "essential"]].values.tolist()
    [['need', 'critical_infrastructure', 8], ['need', 'energy', 8]]
    """
    import pandas as pd

    _check_assessment(assessment, "needs_from_gaps")
    check_bool("specific", specific)
    if assessment.level not in ("preliminary", "detailed"):
        raise ParameterError(f"needs_from_gaps needs a Scorecard assessment (level "
                             f"'preliminary'), got level={assessment.level!r}")
    p = profile(assessment)
    if essentials is None:
        chosen = weakest(assessment, n=n)
    else:
        chosen = p.loc[[f"E{_essential_number(e)}" for e in essentials]]
    date = "" if assessment.date is None else assessment.date.date().isoformat()
    lo, hi = p.attrs["scale"]
    rows = []
    for code, rec in chosen.iterrows():
        e = int(code[1:])
        scored = assessment.scores[assessment.items["group"] == code].dropna()
        low_items = scored[scored == scored.min()].index.tolist() if len(scored) else []
        for theme in themes_for_essential(e, specific=specific):
            desc = (f"Self-assessment ({LEVELS[assessment.level]['title']}, {date or 'undated'}):"
                    f" Essential {e} '{rec['label']}' scored {rec['score_pct']:.0f}% of the scale"
                    f" (mean {rec['mean']:.1f} on {lo:.0f}–{hi:.0f}, {rec['n_answered']} of "
                    f"{rec['n_items']} items answered); lowest items {', '.join(low_items)}")
            rows.append({
                "entry_id": f"sa-{_slug(assessment.city)}-{date or 'undated'}-e{e}-{theme}",
                "city": assessment.city,
                "role": "need",
                "theme": theme,
                "description": desc,
                "provider_type": "city",
                "date": date,
                "source": f"self-assessment {Path(assessment.source).name}",
                "essential": e,
                "score_pct": float(rec["score_pct"]),
            })
    cols = ["entry_id", "city", "role", "theme", "description", "provider_type", "date",
            "source", "essential", "score_pct"]
    return pd.DataFrame(rows, columns=cols)


def capacities_for_essential(essential: int | str, *, inform: pd.DataFrame | None = None,
                             include_weak: bool = False) -> pd.DataFrame:
    """External capacity measures of one essential, by country, oriented higher = better.

    The INFORM lack-of-coping-capacity components linked to the essential in :func:`crosswalk`
    (``direct`` and ``partial`` links; ``weak`` ones too with ``include_weak=True``), turned
    around as ``10 - value`` so that higher means more capacity. This is the ``capacities``
    table :func:`resilience_analytics.peers.complementary` accepts (country-level values
    attached to each city by ISO3).

    Parameters
    ----------
    essential : int or str
        1–10 or ``"E8"``.
    inform : pandas.DataFrame, optional
        INFORM table (default :func:`resilience_analytics.countries.inform`).
    include_weak : bool, default False

    Returns
    -------
    pandas.DataFrame
        Indexed by ``iso3``, one column ``inform_<component>_capacity`` per linked component.

    Raises
    ------
    ParameterError
        If the essential has no linked INFORM component (Essential 5, natural buffers).

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> caps = ra.assessment.capacities_for_essential(8)
    >>> caps.columns.tolist()
    ['inform_physical_infrastructure_capacity', 'inform_communication_capacity', \
'inform_access_to_health_care_capacity']
    """
    e = _essential_number(essential)
    cw = crosswalk()
    links = cw[(cw["essential"] == e) & (cw["target_framework"] == "inform")]
    if not include_weak:
        links = links[links["relation"] != "weak"]
    if links.empty:
        raise ParameterError(
            f"Essential {e} has no {'' if include_weak else 'direct or partial '}INFORM "
            "counterpart in the crosswalk, so no external capacity can rank peers on it; "
            + ("use include_weak=True or " if not include_weak else "")
            + "look for offers with ra.matching instead")
    if inform is None:
        from .. import countries

        inform = countries.inform()
    tab = inform.set_index("iso3") if "iso3" in inform.columns else inform
    comps = list(dict.fromkeys(links["target_code"]))
    out = (10.0 - tab[comps].astype("float64"))
    out.columns = [f"inform_{c}_capacity" for c in comps]
    out.index.name = "iso3"
    return out


def who_can_teach(assessment_or_city: Assessment | str | int, essential: int | str = 8, *,
                  k: int = 10, city: str | int | None = None, kind: str = "both",
                  inform: pd.DataFrame | None = None,
                  peers_options: dict[str, Any] | None = None,
                  offers_options: dict[str, Any] | None = None) -> dict[str, pd.DataFrame]:
    """Who can teach us on one essential? Complementary peers and ranked offers, in one call.

    * ``peers``: :func:`resilience_analytics.peers.complementary` with the essential's external
      capacities (:func:`capacities_for_essential`): hazard-similar cities that are stronger
      where the city is weak on this essential.
    * ``offers``: :func:`resilience_analytics.matching.rank_offers` with the essential's needs
      (:func:`needs_from_gaps`, or the essential's themes when a city name is given).

    Parameters
    ----------
    assessment_or_city : Assessment, str or int
        An assessment (its essential becomes the need) or a real gazetteer city.
    essential : int or str
        1–10 or ``"E8"``.
    k : int
        Number of peers / offers to return.
    city : str or int, optional
        Real city to match from when the assessment belongs to a fictional city.
    kind : {"both", "peers", "offers"}
    inform : pandas.DataFrame, optional
        INFORM table for the capacities (default: the real one).
    peers_options, offers_options : dict, optional
        Extra keyword arguments for ``complementary`` and ``rank_offers``.

    Returns
    -------
    dict
        ``{"needs": ..., "peers": ..., "offers": ...}`` (only the parts asked for).

    Examples
    --------
    >>> import pandas as pd, resilience_analytics as ra
    >>> inform = pd.DataFrame({"physical_infrastructure": [6.0, 2.0, 5.0],
    ...     "communication": [5.0, 1.0, 6.0], "access_to_health_care": [4.0, 2.0, 4.0]},
    ...     index=pd.Index(["AAA", "BBB", "CCC"], name="iso3"))
    >>> t = pd.DataFrame({"name": ["Example City A", "Example City B", "Example City C"],
    ...     "country_iso3": ["AAA", "BBB", "CCC"], "fl_events": [5, 5, 6]},
    ...     index=pd.Index([1, 2, 3], name="city_id"))
    >>> out = ra.assessment.who_can_teach("Example City A", 8, kind="peers", inform=inform,
    ...     peers_options={"table": t, "features": ["fl_events"],
    ...                    "memberships": pd.DataFrame(columns=["city_id", "network"])})
    >>> out["peers"]["name"].iloc[0]
    'Example City B'
    """
    import pandas as pd

    check_choice("kind", kind, ["both", "offers", "peers"])
    k = int(check_positive("k", k))
    e = _essential_number(essential)
    themes = themes_for_essential(e)
    if isinstance(assessment_or_city, Assessment):
        needs = needs_from_gaps(assessment_or_city, essentials=[e])
        who = city if city is not None else assessment_or_city.city
    else:
        who = city if city is not None else assessment_or_city
        needs = pd.DataFrame({"entry_id": [f"ask-{_slug(str(who))}-e{e}-{t}" for t in themes],
                              "city": str(who), "role": "need", "theme": themes,
                              "description": f"Wants to learn on Essential {e}",
                              "provider_type": "city", "date": "", "source": "who_can_teach"})
    if who == EXAMPLE_CITY:
        raise ParameterError(f"{EXAMPLE_CITY!r} is fictional and has no peers or offers; pass "
                             "city= a real gazetteer city to match from")
    out: dict[str, pd.DataFrame] = {"needs": needs}
    if kind in ("both", "peers"):
        from .. import peers

        caps = capacities_for_essential(e, inform=inform)
        out["peers"] = peers.complementary(who, capacities=caps, n_weakest=caps.shape[1], k=k,
                                           **(peers_options or {}))
    if kind in ("both", "offers"):
        from .. import cities, matching

        # the needs are asked on behalf of the real city matched from (``city=``)
        name = cities.as_city(who).name
        out["offers"] = matching.rank_offers(who, needs=needs.assign(city=name), k=k,
                                             **(offers_options or {}))
    return out
