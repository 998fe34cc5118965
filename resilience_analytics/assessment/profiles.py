"""Profiles of a self-assessment: scores per essential or goal, the weakest ones, a plot.

Examples
--------
>>> from resilience_analytics.assessment import examples, profiles
>>> p = profiles.profile(examples.example_assessment("before"))
>>> len(p)
10
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._validate import check_choice, check_positive
from .frameworks import _groups
from .loading import Assessment, _check_assessment

if TYPE_CHECKING:
    import pandas as pd


# --------------------------------------------------------------------------------------------
# profile
# --------------------------------------------------------------------------------------------
def profile(assessment: Assessment) -> pd.DataFrame:
    """Scores per essential (Scorecard) or per goal (City Resilience Index).

    Missing answers are left out of the mean, never counted as zero; ``n_missing`` says how
    many there were.

    Returns
    -------
    pandas.DataFrame
        Indexed by group code (``E1``… or ``G1``…) with ``label``, ``n_items``, ``n_answered``,
        ``n_missing``, ``mean`` (on the framework's scale), ``score_pct`` (0–100: mean rescaled
        from the scale's minimum to its maximum), ``rank_weakest`` (1 = weakest; NA where
        nothing was answered). A CRI profile also has ``dimension``.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> p = ra.assessment.profile(ra.assessment.example_assessment("before"))
    >>> p.loc["E8", ["n_items", "n_answered"]].astype(int).tolist(), float(p.at["E8", "mean"])
    ([9, 9], 1.0)
    """
    import pandas as pd

    _check_assessment(assessment, "profile")
    it = assessment.items
    g = assessment.scores.groupby(it["group"], sort=False)
    groups = _groups(assessment.level)
    lo = float(it["scale_min"].iloc[0])
    hi = float(it["scale_max"].iloc[0])
    out = pd.DataFrame({
        "label": groups["label"].reindex(g.size().index),
        "n_items": g.size().astype("int64"),
        "n_answered": g.count().astype("int64"),
    })
    out["n_missing"] = out["n_items"] - out["n_answered"]
    out["mean"] = g.mean()
    out["score_pct"] = (out["mean"] - lo) / (hi - lo) * 100.0
    out["rank_weakest"] = out["score_pct"].rank(method="min").astype("Int64")
    if assessment.level == "cri":
        out.insert(0, "dimension", groups["parent"].reindex(out.index))
    out.index.name = "group"
    out.attrs["scale"] = (lo, hi)
    out.attrs["city"] = assessment.city
    return out


def weakest(assessment: Assessment, *, n: int = 3) -> pd.DataFrame:
    """Return the ``n`` groups (essentials or CRI goals) with the lowest score, weakest first.

    Ties are broken by the number of answered items (more evidence first), then framework order.
    Groups with no answer at all are not ranked (they appear in ``missing_by_essential``).

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.assessment.weakest(ra.assessment.example_assessment("before"), n=3)["label"].tolist()
    ['Infrastructure resilience', 'Protect natural buffers', 'Finance for resilience']
    """
    n = int(check_positive("n", n))
    p = profile(assessment).dropna(subset=["score_pct"])
    p = p.assign(_order=range(len(p)))
    p = p.sort_values(["score_pct", "n_answered", "_order"], ascending=[True, False, True])
    return p.drop(columns="_order").head(n)


def plot_profile(assessment: Assessment, *, kind: str = "radar", ax: Any = None,
                 highlight: int = 3, save: str | None = None):
    """Figure of the profile: a radar (default) or horizontal bars, weakest groups highlighted.

    Parameters
    ----------
    kind : {"radar", "bar"}
    ax : matplotlib Axes, optional
        For ``kind="bar"``; a radar needs a polar axes (created when ``ax`` is None).
    highlight : int
        Number of weakest groups drawn in a contrasting colour.
    save : str, optional
        File stem; saved with :func:`resilience_analytics.figures.save_figure` (PNG and SVG in
        ``ra.settings.get_figures_dir()``).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> fig = ra.assessment.plot_profile(ra.assessment.example_assessment("before"), kind="bar")
    >>> len(fig.axes[0].patches)
    10
    """
    import matplotlib.pyplot as plt
    import numpy as np

    check_choice("kind", kind, ["radar", "bar"])
    p = profile(assessment)
    weak = set(weakest(assessment, n=highlight).index) if highlight else set()
    names = [f"{c} {lab}" for c, lab in zip(p.index, p["label"], strict=True)]
    vals = p["score_pct"].to_numpy(dtype=float)
    colors = ["#c0392b" if c in weak else "#2c7fb8" for c in p.index]
    title = f"{assessment.city}: self-assessment"
    if assessment.date is not None:
        title += f" {assessment.date.date().isoformat()}"
    if kind == "bar":
        if ax is None:
            fig, ax = plt.subplots(figsize=(7, 0.4 * len(p) + 1.2))
        else:
            fig = ax.figure
        y = np.arange(len(p))[::-1]
        ax.barh(y, np.nan_to_num(vals), color=colors)
        for yi, v, miss in zip(y, vals, p["n_missing"], strict=True):
            txt = "no answer" if np.isnan(v) else f"{v:.0f}%"
            if miss:
                txt += f" ({miss} missing)"
            ax.text((0 if np.isnan(v) else v) + 1, yi, txt, va="center", fontsize=8)
        ax.set_yticks(y, names, fontsize=8)
        ax.set_xlim(0, 115)
        ax.set_xlabel("score, % of scale (missing answers left out)")
    else:
        if ax is None:
            fig, ax = plt.subplots(figsize=(6.5, 6.5), subplot_kw={"polar": True})
        else:
            fig = ax.figure
        ang = np.linspace(0, 2 * np.pi, len(p), endpoint=False)
        v = np.nan_to_num(vals)
        ax.plot(np.r_[ang, ang[:1]], np.r_[v, v[:1]], color="#2c7fb8")
        ax.fill(np.r_[ang, ang[:1]], np.r_[v, v[:1]], color="#2c7fb8", alpha=0.2)
        ax.scatter(ang, v, color=colors, zorder=3)
        ax.set_xticks(ang, [n if len(n) < 36 else n[:34] + "…" for n in names], fontsize=7)
        ax.set_ylim(0, 100)
        ax.set_yticks([25, 50, 75, 100], ["25", "50", "75", "100%"], fontsize=7)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    if save:
        from .. import figures

        figures.save_figure(fig, save)
    return fig
