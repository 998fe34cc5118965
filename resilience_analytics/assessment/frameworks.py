"""Assessment frameworks as data: the UNDRR Scorecard and the City Resilience Index.

:data:`LEVELS` names each framework level and its file in ``resilience_analytics/frameworks/``;
:func:`framework` and :func:`items` read it (checked by :func:`validate_framework`);
:func:`crosswalk` links Scorecard essentials to INFORM coping-capacity components and CRI goals.

Examples
--------
>>> from resilience_analytics.assessment import frameworks
>>> len(frameworks.items("preliminary")), len(frameworks.items("cri"))
(47, 52)
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from .._validate import check_choice
from ..errors import FrameworkError
from ._common import _package_file

if TYPE_CHECKING:
    import pandas as pd


#: level name → (framework file, group level, item level, expected counts per level, title)
LEVELS: dict[str, dict[str, Any]] = {
    "preliminary": {
        "file": "scorecard_preliminary.csv",
        "group": "essential",
        "item": "item",
        "expected": {"essential": 10, "item": 47},
        "title": "UNDRR Disaster Resilience Scorecard for Cities, preliminary level",
    },
    "detailed": {
        "file": "scorecard_detailed.csv",
        "group": "essential",
        "item": "item",
        "expected": {"essential": 10, "item": 117},
        "title": "UNDRR Disaster Resilience Scorecard for Cities, detailed level",
    },
    "cri": {
        "file": "city_resilience_index.csv",
        "group": "goal",
        "item": "indicator",
        "expected": {"dimension": 4, "goal": 12, "indicator": 52},
        "title": "City Resilience Index (Arup / Rockefeller Foundation)",
    },
}

_FRAMEWORK_COLUMNS = ("level", "code", "parent", "label", "scale_min", "scale_max", "verified",
                      "source")
# --------------------------------------------------------------------------------------------
# frameworks as data
# --------------------------------------------------------------------------------------------
def validate_framework(df: pd.DataFrame, *, level: str, complete: bool = True) -> pd.DataFrame:
    """Check a framework table: unique codes, known parents, one scale, expected counts.

    Parameters
    ----------
    df : pandas.DataFrame
        Table with columns ``level, code, parent, label, scale_min, scale_max, verified, source``.
    level : {"preliminary", "detailed", "cri"}
        Which framework the table describes (sets the expected hierarchy and counts).
    complete : bool, default True
        Require the published number of rows per hierarchy level (47 items, 52 indicators...).
        A level whose items are not stored (the detailed Scorecard) is checked with
        ``complete=False``.

    Returns
    -------
    pandas.DataFrame
        ``df`` unchanged.

    Raises
    ------
    FrameworkError
        Naming the offending codes and what was expected.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> fw = ra.assessment.framework("cri")
    >>> ra.assessment.validate_framework(fw, level="cri").shape[0]
    68
    """
    check_choice("level", level, list(LEVELS))
    spec = LEVELS[level]
    missing = [c for c in _FRAMEWORK_COLUMNS if c not in df.columns]
    if missing:
        raise FrameworkError(f"{level} framework: missing column(s) {missing}; "
                             f"expected {list(_FRAMEWORK_COLUMNS)}")
    problems = []
    dup = df.loc[df["code"].duplicated(keep=False), "code"].unique().tolist()
    if dup:
        problems.append(f"duplicated code(s) {dup}")
    levels_known = list(spec["expected"])
    bad_level = sorted(set(df["level"]) - set(levels_known))
    if bad_level:
        problems.append(f"unknown hierarchy level(s) {bad_level}; accepted {levels_known}")
    codes = set(df["code"])
    parents = df["parent"].fillna("")
    top = levels_known[0]
    orphan = df.loc[(parents != "") & ~parents.isin(codes), ["code", "parent"]]
    if len(orphan):
        problems.append("unknown parent(s): " + ", ".join(
            f"{c}→{p}" for c, p in orphan.itertuples(index=False)))
    rootless = df.loc[(parents == "") & (df["level"] != top), "code"].tolist()
    if rootless:
        problems.append(f"code(s) {rootless} have no parent but are not at the top level {top!r}")
    # each level's parent must sit one level up
    rank = {name: i for i, name in enumerate(levels_known)}
    by_code = dict(zip(df["code"], df["level"], strict=True))
    wrong = [c for c, lv, p in zip(df["code"], df["level"], parents, strict=True)
             if p and p in by_code and lv in rank and rank.get(by_code[p], -1) != rank[lv] - 1]
    if wrong:
        problems.append(f"code(s) {wrong} have a parent that is not one level above")
    smin, smax = df["scale_min"], df["scale_max"]
    if (smin >= smax).any():
        problems.append("scale_min must be below scale_max for "
                        f"{df.loc[smin >= smax, 'code'].tolist()}")
    if smin.nunique() != 1 or smax.nunique() != 1:
        found = sorted(set(zip(smin, smax, strict=True)))
        problems.append(f"one scale per framework expected, found {found}")
    if complete:
        counts = df["level"].value_counts()
        for name, n in spec["expected"].items():
            if int(counts.get(name, 0)) != n:
                problems.append(f"{int(counts.get(name, 0))} rows at level {name!r}, "
                                f"the published structure has {n}")
    if problems:
        raise FrameworkError(f"{level} framework is inconsistent: " + "; ".join(problems))
    return df


@cache
def _framework(level: str) -> pd.DataFrame:
    import pandas as pd

    spec = LEVELS[level]
    path = _package_file("frameworks", spec["file"])
    df = pd.read_csv(path, dtype={"code": "string", "parent": "string", "label": "string",
                                  "source": "string"}, keep_default_na=False)
    df["parent"] = df["parent"].fillna("")
    df["verified"] = df["verified"].astype(str).str.lower().map({"true": True, "false": False})
    complete = bool((df["level"] == spec["item"]).any())
    validate_framework(df, level=level, complete=complete)
    if level in ("preliminary", "detailed"):
        df["essential"] = df["essential"].astype("int64")
    return df


def framework(level: str = "preliminary") -> pd.DataFrame:
    """Structure of an assessment framework: one row per dimension, goal, essential or item.

    Parameters
    ----------
    level : {"preliminary", "detailed", "cri"}
        ``"preliminary"``: Scorecard preliminary level (10 essentials ``E1``–``E10``, 47 items
        ``P1.1``–``P10.2``, scale 0–3). ``"detailed"``: Scorecard detailed level (the 10
        essentials, scale 0–5; its 117 criteria are not stored, see ``ASSESSMENT.md``).
        ``"cri"``: City Resilience Index (4 dimensions, 12 goals ``G1``–``G12``, 52 indicators
        ``1.1``–``12.4``; this package's self-assessment scale 1–5).

    Returns
    -------
    pandas.DataFrame
        Columns ``level, code, parent, label, scale_min, scale_max, verified, source`` (plus
        ``essential`` for the Scorecard). ``verified`` is False where a code could not be checked
        against a copy of the published tool. Labels are short, in our own words.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> fw = ra.assessment.framework("preliminary")
    >>> fw["level"].value_counts().to_dict()
    {'item': 47, 'essential': 10}
    >>> fw.set_index("code").loc["P8.2", "label"]
    'Quality of protective infrastructure'
    """
    check_choice("level", level, list(LEVELS))
    return _framework(level).copy()


def items(level: str = "preliminary") -> pd.DataFrame:
    """Scored items of a framework (Scorecard questions or CRI indicators) with their group.

    Returns
    -------
    pandas.DataFrame
        Indexed by item ``code`` with ``group`` (essential ``E1``… or CRI goal ``G1``…),
        ``group_label``, ``label``, ``scale_min``, ``scale_max``, ``verified``.

    Raises
    ------
    FrameworkError
        For the detailed Scorecard, whose 117 criteria are not stored.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> it = ra.assessment.items("preliminary")
    >>> it.groupby("group", sort=False).size().to_dict()
    {'E1': 3, 'E2': 5, 'E3': 4, 'E4': 4, 'E5': 3, 'E6': 6, 'E7': 4, 'E8': 9, 'E9': 7, 'E10': 2}
    """
    check_choice("level", level, list(LEVELS))
    spec = LEVELS[level]
    fw = _framework(level)
    it = fw[fw["level"] == spec["item"]]
    if it.empty:
        raise FrameworkError(
            f"level {level!r}: the {spec['expected'][spec['item']]} item codes of the "
            f"{spec['title']} could not be verified from public copies and are not stored "
            f"(only its {len(fw)} essentials are); see "
            "resilience_analytics/frameworks/ASSESSMENT.md. Use level='preliminary' or 'cri'.")
    groups = fw.set_index("code")["label"]
    out = it.rename(columns={"parent": "group"}).set_index("code")
    out.insert(1, "group_label", out["group"].map(groups))
    return out[["group", "group_label", "label", "scale_min", "scale_max", "verified"]]


def _groups(level: str) -> pd.DataFrame:
    fw = _framework(level)
    return fw[fw["level"] == LEVELS[level]["group"]].set_index("code")


def crosswalk() -> pd.DataFrame:
    """Reviewable mapping of the Ten Essentials to INFORM and City Resilience Index items.

    Returns
    -------
    pandas.DataFrame
        ``essential`` (1–10), ``target_framework`` (``"inform"``: a component of INFORM's lack
        of coping capacity, named as in :func:`resilience_analytics.countries.inform`;
        ``"cri"``: a City Resilience Index indicator; ``"city_framework"``: an ``iCode`` of
        ``frameworks/city_framework.csv``, the composite city framework), ``target_code``,
        ``relation`` (``direct``, ``partial``, ``weak``) and a ``rationale``. Every code is
        checked against its framework.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> cw = ra.assessment.crosswalk()
    >>> sorted(cw.loc[cw.target_framework == "inform", "target_code"].unique())
    ['access_to_health_care', 'communication', 'drr', 'governance', 'physical_infrastructure']
    """
    import pandas as pd

    cw = pd.read_csv(_package_file("frameworks", "crosswalk.csv"),
                     dtype={"target_code": "string", "rationale": "string"})
    bad = cw.loc[~cw["essential"].between(1, 10), "essential"].tolist()
    if bad:
        raise FrameworkError(f"crosswalk: essential(s) {bad} outside 1–10")
    check = cw[cw["target_framework"] == "cri"]
    unknown = sorted(set(check["target_code"]) - set(items("cri").index))
    if unknown:
        raise FrameworkError(f"crosswalk: unknown City Resilience Index code(s) {unknown}")
    cf = pd.read_csv(_package_file("frameworks", "city_framework.csv"), usecols=["iCode"])
    unknown = sorted(set(cw.loc[cw["target_framework"] == "city_framework", "target_code"])
                     - set(cf["iCode"].dropna()))
    if unknown:
        raise FrameworkError(f"crosswalk: unknown city framework code(s) {unknown}; see "
                             "resilience_analytics/frameworks/city_framework.csv")
    bad_fw = sorted(set(cw["target_framework"]) - {"inform", "cri", "city_framework"})
    if bad_fw:
        raise FrameworkError(f"crosswalk: unknown target_framework {bad_fw}; accepted "
                             "'inform', 'cri', 'city_framework'")
    inform_ok = {"drr", "governance", "communication", "physical_infrastructure",
                 "access_to_health_care"}
    bad_inform = sorted(set(cw.loc[cw["target_framework"] == "inform", "target_code"])
                        - inform_ok)
    if bad_inform:
        raise FrameworkError(f"crosswalk: unknown INFORM component(s) {bad_inform}; "
                             f"accepted {sorted(inform_ok)}")
    return cw
