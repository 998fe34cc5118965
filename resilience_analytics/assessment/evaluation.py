"""Evaluation over time: the change between two assessments, and its relation to exchanges.

Examples
--------
>>> from resilience_analytics.assessment import evaluation, examples
>>> change = evaluation.compare(examples.example_assessment("before"),
...                             examples.example_assessment("after"))
>>> len(change)
10
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import ParameterError
from ._common import _isna
from .loading import Assessment, _check_assessment
from .needs import _themes
from .profiles import profile

if TYPE_CHECKING:
    import pandas as pd


# --------------------------------------------------------------------------------------------
# evaluation over time
# --------------------------------------------------------------------------------------------
def compare(before: Assessment, after: Assessment) -> pd.DataFrame:
    """Change per essential (or CRI goal) between two assessments of the same city.

    Only items answered in both assessments enter the paired change, so a newly answered item
    does not look like progress.

    Returns
    -------
    pandas.DataFrame
        Indexed by group with ``label``, ``before_pct``, ``after_pct`` (each over its own
        answered items), ``n_paired`` (items answered both times), ``change_pct`` (paired:
        mean after minus mean before, in % of the scale), ``items_up``, ``items_down``.

    Raises
    ------
    ParameterError
        If the levels differ, the cities differ or ``after`` is not later than ``before``.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> c = ra.assessment.compare(ra.assessment.example_assessment("before"),
    ...                           ra.assessment.example_assessment("after"))
    >>> c.loc["E8", ["n_paired", "items_up", "items_down"]].tolist()
    [9, 5, 0]
    """
    import pandas as pd

    _check_assessment(before, "compare: before")
    _check_assessment(after, "compare: after")
    if before.level != after.level:
        raise ParameterError(f"cannot compare level {before.level!r} with {after.level!r}")
    if before.city.strip().lower() != after.city.strip().lower():
        raise ParameterError(f"cannot compare different cities: {before.city!r} and "
                             f"{after.city!r}")
    if before.date is not None and after.date is not None and not after.date > before.date:
        raise ParameterError(f"'after' ({after.date.date()}) must be later than 'before' "
                             f"({before.date.date()})")
    it = before.items
    lo, hi = float(it["scale_min"].iloc[0]), float(it["scale_max"].iloc[0])
    pb, pa = profile(before), profile(after)
    both = before.scores.notna() & after.scores.notna()
    diff = (after.scores - before.scores).where(both)
    g = diff.groupby(it["group"], sort=False)
    out = pd.DataFrame({
        "label": pb["label"],
        "before_pct": pb["score_pct"],
        "after_pct": pa["score_pct"],
        "n_paired": both.groupby(it["group"], sort=False).sum().astype("int64"),
        "change_pct": g.mean() / (hi - lo) * 100.0,
        "items_up": (diff > 0).groupby(it["group"], sort=False).sum().astype("int64"),
        "items_down": (diff < 0).groupby(it["group"], sort=False).sum().astype("int64"),
    })
    out.index.name = "group"
    out.attrs.update(city=before.city, before=before.date, after=after.date)
    return out


def plot_compare(change: pd.DataFrame, *, ax: Any = None, save: str | None = None):
    """Figure of a before/after evaluation: score per group at both dates.

    Parameters
    ----------
    change : pandas.DataFrame
        Output of :func:`compare` or :func:`relate_to_exchanges`; with the latter, groups that
        exchanges touched are marked with a star and their themes.
    ax : matplotlib Axes, optional
    save : str, optional
        File stem for :func:`resilience_analytics.figures.save_figure`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> c = ra.assessment.compare(ra.assessment.example_assessment("before"),
    ...                           ra.assessment.example_assessment("after"))
    >>> fig = ra.assessment.plot_compare(c)
    >>> len(fig.axes[0].patches)
    20
    """
    import matplotlib.pyplot as plt
    import numpy as np

    for col in ("label", "before_pct", "after_pct"):
        if col not in change.columns:
            raise ParameterError(f"change lacks column {col!r}; pass the output of compare() "
                                 "or relate_to_exchanges()")
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(change) + 1.4))
    else:
        fig = ax.figure
    y = np.arange(len(change))[::-1]
    h = 0.38
    ax.barh(y + h / 2, change["before_pct"].fillna(0), height=h, color="#bdbdbd",
            label=_date_label(change.attrs.get("before"), "before"))
    ax.barh(y - h / 2, change["after_pct"].fillna(0), height=h, color="#2c7fb8",
            label=_date_label(change.attrs.get("after"), "after"))
    names = []
    for code, rec in change.iterrows():
        star = " *" if bool(rec.get("exchanged", False)) else ""
        names.append(f"{code} {rec['label']}{star}")
    ax.set_yticks(y, names, fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel("score, % of scale")
    title = f"{change.attrs.get('city', '')}: change between assessments"
    if "exchanged" in change.columns:
        title += " (* = theme of an exchange in between)"
    ax.set_title(title, fontsize=9)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    if save:
        from .. import figures

        figures.save_figure(fig, save)
    return fig


def _date_label(d: Any, default: str) -> str:
    return default if d is None or _isna(d) else f"{default} ({d.date().isoformat()})"


def _participants(ex: pd.DataFrame) -> pd.Series:
    def norm(v: Any) -> list[str]:
        if isinstance(v, (list, tuple)):
            return [str(x).strip().lower() for x in v]
        if _isna(v):
            return []
        return [x.strip().lower() for x in str(v).split(";") if x.strip()]

    host = ex["host_city"].map(norm) if "host_city" in ex.columns else None
    parts = ex["participants"].map(norm)
    return parts if host is None else parts + host


def relate_to_exchanges(before: Assessment, after: Assessment, city: str | int | None = None, *,
                        exchanges: pd.DataFrame | None = None) -> pd.DataFrame:
    """Relate the change per essential to the themes of the city's exchanges between the dates.

    Exchanges (from :func:`resilience_analytics.exchanges.load_exchanges` unless given) count
    when the city is host or participant and the exchange date lies in ``(before.date,
    after.date]``. Themes map to essentials through the ``scorecard_essentials`` column of
    ``data/themes.csv``. The table shows co-occurrence, not cause: a city's scores move for
    many reasons.

    Parameters
    ----------
    before, after : Assessment
    city : str or int, optional
        Name to look for in the log's host and participants (default: the assessments' city),
        or a gazetteer ``city_id`` matched against ``host_city_id`` / ``participant_city_ids``.
    exchanges : pandas.DataFrame, optional
        Exchange log with ``exchange_id``, a date (``date`` or ``date_start``), ``host_city``,
        ``participants`` and ``themes`` (lists or ";"-separated strings).

    Returns
    -------
    pandas.DataFrame
        :func:`compare` plus ``n_exchanges`` (exchanges touching the essential),
        ``exchange_ids`` and ``themes`` (";"-joined), and ``exchanged`` (bool).

    Examples
    --------
    >>> import pandas as pd, resilience_analytics as ra
    >>> log = pd.DataFrame({"exchange_id": ["fictional-1"], "date": ["2024-05-01"],
    ...     "host_city": ["Elsewhere (fictional)"], "participants": ["Example City (fictional)"],
    ...     "themes": ["critical_infrastructure"]})
    >>> r = ra.assessment.relate_to_exchanges(ra.assessment.example_assessment("before"),
    ...     ra.assessment.example_assessment("after"), exchanges=log)
    >>> int(r.at["E8", "n_exchanges"]), r.at["E8", "themes"]
    (1, 'critical_infrastructure')
    """
    import pandas as pd

    cmp = compare(before, after)
    if before.level != "preliminary":
        raise ParameterError("relate_to_exchanges maps themes to the Ten Essentials; it needs "
                             f"Scorecard assessments, got level={before.level!r}")
    if before.date is None or after.date is None:
        raise ParameterError("both assessments need a date to select exchanges between them")
    if exchanges is None:
        from .. import exchanges as exmod

        exchanges = exmod.load_exchanges()
    ex = exchanges.copy()
    if "exchange_id" not in ex.columns:
        ex = ex.reset_index()
    dcol = "date" if "date" in ex.columns else "date_start"
    ex["_date"] = pd.to_datetime(ex[dcol], errors="coerce")
    if isinstance(city, int) and "participant_city_ids" in ex.columns:
        ids = ex["participant_city_ids"].map(lambda v: list(v) if isinstance(v, list | tuple)
                                             else [])
        host = ex["host_city_id"] if "host_city_id" in ex.columns else None
        took_part = ids.map(lambda v: city in v) | (host == city if host is not None else False)
    else:
        who = str(city or before.city).strip().lower()
        took_part = _participants(ex).map(lambda ps: who in ps)
    ex = ex[took_part & (ex["_date"] > before.date) & (ex["_date"] <= after.date)]
    th = _themes().set_index("theme")["_ess"]
    per: dict[int, dict[str, set]] = {e: {"ids": set(), "themes": set()} for e in range(1, 11)}
    for rec in ex.itertuples(index=False):
        ts = rec.themes if isinstance(rec.themes, (list, tuple)) else str(rec.themes).split(";")
        for t in (x.strip() for x in ts if str(x).strip()):
            for e in th.get(t, []):
                per[e]["ids"].add(rec.exchange_id)
                per[e]["themes"].add(t)
    cmp["n_exchanges"] = [len(per[int(g[1:])]["ids"]) for g in cmp.index]
    cmp["exchange_ids"] = [";".join(sorted(per[int(g[1:])]["ids"])) for g in cmp.index]
    cmp["themes"] = [";".join(sorted(per[int(g[1:])]["themes"])) for g in cmp.index]
    cmp["exchanged"] = cmp["n_exchanges"] > 0
    cmp.attrs["n_exchanges_total"] = len(ex)
    return cmp
