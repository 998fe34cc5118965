"""Composite-indicator frameworks as data: an iMeta-like table, validated before anything is built.

A framework is a table with one row per indicator, aggregate, group or denominator column
(the layout of COINr's ``iMeta``):

============ ==================================================================================
column       meaning
============ ==================================================================================
Level        1 for indicators, 2, 3, ... for aggregates (empty for groups and denominators)
iCode        unique code; for indicators, groups and denominators the column name in the data
iName        human-readable name
Parent       code of the aggregate one level up (empty only at the top level)
Direction    +1 if higher values mean a higher score, -1 if lower values do
Weight       relative weight inside the parent (re-scaled to sum to 1 within each parent)
Type         ``Indicator``, ``Aggregate``, ``Group``, ``Denominator`` or ``Other``
Denominator  optional code of a Denominator column to divide the indicator by
Target       optional target value (for distance-to-target normalisation)
============ ==================================================================================

Examples
--------
>>> from resilience_analytics.composite import framework
>>> meta = framework.example_framework()
>>> framework.check_framework(meta)["iCode"].tolist()[:3]
['LPI', 'Flights', 'Ship']
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import FrameworkError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "REQUIRED_COLUMNS",
    "TYPES",
    "check_framework",
    "city_framework",
    "example_framework",
    "lineage",
    "read_framework",
]

REQUIRED_COLUMNS = ("Level", "iCode", "Parent", "Direction", "Weight", "Type")
OPTIONAL_COLUMNS = ("iName", "Denominator", "Target", "Unit")
TYPES = ("Indicator", "Aggregate", "Group", "Denominator", "Other")

_FRAMEWORKS_DIR = Path(__file__).resolve().parents[1] / "frameworks"


def _blank(v) -> bool:
    import pandas as pd

    return v is None or (isinstance(v, float) and v != v) or (v is pd.NA) or (
        isinstance(v, str) and v.strip() == ""
    )


def _py(v):
    return v.item() if hasattr(v, "item") else v


def check_framework(meta: pd.DataFrame, *, source: str = "framework") -> pd.DataFrame:
    """Validate an iMeta-like framework table and return a clean copy.

    Rules (each violation raises :class:`~resilience_analytics.errors.FrameworkError` naming the
    code and the rule): required columns present; ``iCode`` unique and non-empty; ``Type`` one of
    :data:`TYPES`; indicators at level 1 and aggregates at level >= 2; every non-top indicator or
    aggregate has a ``Parent`` that exists, is an aggregate and sits exactly one level up; no
    cycles; every aggregate has at least one child; ``Direction`` is +1 or -1; ``Weight`` is a
    finite number >= 0 and not all weights of one parent are zero; one top-level code.

    Parameters
    ----------
    meta : pandas.DataFrame
        The framework table.
    source : str
        Name used in error messages (e.g. the file name).

    Returns
    -------
    pandas.DataFrame
        Copy with typed columns (``Level`` Int64, ``Direction`` int, ``Weight`` float) and the
        optional columns added (empty) when absent.

    Examples
    --------
    >>> import pandas as pd
    >>> bad = pd.DataFrame({"Level": [1, 2], "iCode": ["a", "top"], "Parent": ["nope", None],
    ...                     "Direction": [1, 1], "Weight": [1, 1],
    ...                     "Type": ["Indicator", "Aggregate"]})
    >>> check_framework(bad)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    resilience_analytics.errors.FrameworkError: framework: indicator 'a' has Parent 'nope', ...
    """
    import numpy as np
    import pandas as pd

    if not isinstance(meta, pd.DataFrame):
        raise FrameworkError(f"{source}: expected a DataFrame, got {type(meta).__name__}")
    missing = [c for c in REQUIRED_COLUMNS if c not in meta.columns]
    if missing:
        raise FrameworkError(
            f"{source}: missing column(s) {missing}; a framework needs {list(REQUIRED_COLUMNS)}"
        )
    m = meta.copy().reset_index(drop=True)
    for c in OPTIONAL_COLUMNS:
        if c not in m.columns:
            m[c] = np.nan
    m["iCode"] = m["iCode"].astype("string")
    if m["iCode"].isna().any() or (m["iCode"].str.strip() == "").any():
        rows = m.index[m["iCode"].isna() | (m["iCode"].fillna("").str.strip() == "")].tolist()
        raise FrameworkError(
            f"{source}: empty iCode in row(s) {rows} (rule: every row needs a code)"
        )
    m["iCode"] = m["iCode"].astype(str)
    dup = m["iCode"][m["iCode"].duplicated()].unique().tolist()
    if dup:
        raise FrameworkError(f"{source}: duplicate iCode(s) {dup} (rule: codes must be unique)")
    bad_type = m.loc[~m["Type"].isin(TYPES), ["iCode", "Type"]]
    if len(bad_type):
        r = bad_type.iloc[0]
        raise FrameworkError(
            f"{source}: {r['iCode']!r} has Type {r['Type']!r}; accepted: {list(TYPES)}"
        )
    m["Parent"] = [None if _blank(p) else str(p) for p in m["Parent"]]
    m["Denominator"] = [None if _blank(p) else str(p) for p in m["Denominator"]]
    m["Target"] = pd.to_numeric(m["Target"], errors="coerce")
    if m["iName"].isna().all():
        m["iName"] = m["iCode"]
    m["iName"] = m["iName"].fillna(m["iCode"])

    struct = m["Type"].isin(["Indicator", "Aggregate"])
    lev = pd.to_numeric(m["Level"], errors="coerce")
    for i in m.index[struct]:
        code, typ, lv = m.at[i, "iCode"], m.at[i, "Type"], lev.at[i]
        kind = typ.lower()
        if not np.isfinite(lv) or lv != int(lv) or lv < 1:
            raise FrameworkError(
                f"{source}: {kind} {code!r} has Level {_py(m.at[i, 'Level'])!r} "
                "(rule: Level is an integer >= 1)"
            )
        if typ == "Indicator" and lv != 1:
            raise FrameworkError(
                f"{source}: indicator {code!r} has Level {int(lv)} (rule: indicators are Level 1)"
            )
        if typ == "Aggregate" and lv < 2:
            raise FrameworkError(
                f"{source}: aggregate {code!r} has Level {int(lv)} "
                "(rule: aggregates are Level >= 2)"
            )
    m["Level"] = lev.astype("Int64")
    m.loc[~struct, "Level"] = pd.NA

    w = pd.to_numeric(m["Weight"], errors="coerce")
    d = pd.to_numeric(m["Direction"], errors="coerce")
    for i in m.index[struct]:
        code, kind = m.at[i, "iCode"], m.at[i, "Type"].lower()
        if not np.isfinite(w.at[i]):
            raise FrameworkError(
                f"{source}: {kind} {code!r} has no valid Weight ({_py(m.at[i, 'Weight'])!r}) "
                "(rule: every indicator and aggregate needs a finite weight >= 0)"
            )
        if w.at[i] < 0:
            raise FrameworkError(
                f"{source}: {kind} {code!r} has negative Weight {w.at[i]} (rule: weights >= 0)"
            )
        dv = d.at[i]
        if m.at[i, "Type"] == "Aggregate" and not np.isfinite(dv):
            d.at[i] = 1
        elif dv not in (1, -1):
            raise FrameworkError(
                f"{source}: {kind} {code!r} has Direction {_py(m.at[i, 'Direction'])!r} "
                "(rule: Direction is +1 or -1)"
            )
    m["Weight"] = w.astype(float)
    m["Direction"] = d.astype(float)
    m.loc[struct, "Direction"] = m.loc[struct, "Direction"].astype(int)

    codes = dict(zip(m["iCode"], m.index, strict=True))
    top = int(m.loc[struct, "Level"].max()) if struct.any() else 0
    if not (m["Type"] == "Indicator").any():
        raise FrameworkError(f"{source}: no Indicator rows (rule: a framework needs indicators)")
    # parents: unknown, orphans, levels, cycles
    for i in m.index[struct]:
        code, kind, lv, par = m.at[i, "iCode"], m.at[i, "Type"].lower(), m.at[i, "Level"], m.at[
            i, "Parent"
        ]
        par = None if _blank(par) else par
        if par is None:
            if lv != top:
                raise FrameworkError(
                    f"{source}: {kind} {code!r} (Level {lv}) has no Parent: it is an orphan "
                    f"(rule: only the top level {top} may lack a Parent)"
                )
            continue
        if par not in codes:
            raise FrameworkError(
                f"{source}: {kind} {code!r} has Parent {par!r}, which is not a code in the "
                "framework (rule: every Parent must be an aggregate code one level up)"
            )
        # cycle check: walk up
        seen = [code]
        cur = par
        while cur is not None:
            if cur in seen:
                raise FrameworkError(
                    f"{source}: cycle in the hierarchy: {' -> '.join([*seen, cur])} "
                    "(rule: the hierarchy must be a tree)"
                )
            seen.append(cur)
            j = codes.get(cur)
            cur = None if j is None or _blank(m.at[j, "Parent"]) else m.at[j, "Parent"]
        j = codes[par]
        if m.at[j, "Type"] != "Aggregate":
            raise FrameworkError(
                f"{source}: {kind} {code!r} has Parent {par!r} of Type {m.at[j, 'Type']!r} "
                "(rule: a Parent must be an Aggregate)"
            )
        if m.at[j, "Level"] != lv + 1:
            raise FrameworkError(
                f"{source}: {kind} {code!r} (Level {lv}) has Parent {par!r} at Level "
                f"{m.at[j, 'Level']} (rule: a Parent sits exactly one level up)"
            )
    tops = m.loc[struct & (m["Level"] == top), "iCode"].tolist()
    if len(tops) != 1:
        raise FrameworkError(
            f"{source}: {len(tops)} codes at the top level {top}: {tops} "
            "(rule: exactly one top-level index)"
        )
    children = m.loc[struct, "Parent"].value_counts()
    for code in m.loc[m["Type"] == "Aggregate", "iCode"]:
        if children.get(code, 0) == 0:
            raise FrameworkError(
                f"{source}: aggregate {code!r} has no children (rule: every aggregate needs at "
                "least one indicator or aggregate below it)"
            )
        if m.loc[struct & (m["Parent"] == code), "Weight"].sum() <= 0:
            raise FrameworkError(
                f"{source}: all weights of the children of {code!r} are zero "
                "(rule: weights inside a parent must not all be zero)"
            )
    for i in m.index[[not _blank(v) for v in m["Denominator"]]]:
        den = m.at[i, "Denominator"]
        j = codes.get(den)
        if j is None or m.at[j, "Type"] != "Denominator":
            raise FrameworkError(
                f"{source}: indicator {m.at[i, 'iCode']!r} has Denominator {den!r}, which is not "
                "a row of Type 'Denominator' (rule: denominators must be declared)"
            )
    return m


def lineage(meta: pd.DataFrame) -> pd.DataFrame:
    """Return each indicator's chain of parents: one row per indicator, one column per level.

    Examples
    --------
    >>> lin = lineage(check_framework(example_framework()))
    >>> lin.loc["LPI"].tolist()
    ['LPI', 'Physical', 'Conn', 'Index']
    """
    import pandas as pd

    m = meta[meta["Type"].isin(["Indicator", "Aggregate"])]
    parent = {c: (None if _blank(p) else p) for c, p in zip(m["iCode"], m["Parent"], strict=True)}
    level = dict(zip(m["iCode"], m["Level"], strict=True))
    top = int(m["Level"].max())
    rows = {}
    for code in m.loc[m["Type"] == "Indicator", "iCode"]:
        chain = [code]
        cur = parent[code]
        while cur is not None:
            chain.append(cur)
            cur = parent[cur]
        rows[code] = chain
    cols = [f"Level{lv}" for lv in range(1, top + 1)]
    out = pd.DataFrame.from_dict(rows, orient="index", columns=cols)
    del level
    return out


def read_framework(path: str | Path) -> pd.DataFrame:
    """Read a framework CSV file and validate it with :func:`check_framework`.

    Examples
    --------
    >>> meta = read_framework(_FRAMEWORKS_DIR / "city_framework.csv")
    >>> int(meta["Level"].max())
    3
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise FrameworkError(f"framework file not found: {path}")
    raw = pd.read_csv(path, comment=None)
    return check_framework(raw, source=path.name)


def city_framework() -> pd.DataFrame:
    """Read the package's default city risk framework (``frameworks/city_framework.csv``).

    INFORM-spirited: hazard & exposure, vulnerability and lack of coping capacity, each built
    from :func:`resilience_analytics.hazards.exposure` columns and the country context. See
    ``frameworks/README.md`` for each indicator's direction and rationale.

    Examples
    --------
    >>> meta = city_framework()
    >>> sorted(meta.loc[meta["Level"] == 2, "iCode"])
    ['CC', 'HE', 'VU']
    """
    return read_framework(_FRAMEWORKS_DIR / "city_framework.csv")


def example_framework() -> pd.DataFrame:
    """Read the ASEM example framework shipped with COINr (from the ``coinr_asem`` data set).

    Examples
    --------
    >>> example_framework().shape[0]
    68
    """
    from .. import datasets

    return datasets.read("coinr_asem", "asem_iMeta.csv")
