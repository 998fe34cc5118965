"""How firm is a peer list? Jaccard overlap of a city's top-k under alternative choices.

For a focal city the baseline is :func:`similar` with the caller's options. Each alternative
changes one choice and recomputes the top-``k``; the overlap with the baseline is the Jaccard
index ``|A ∩ B| / |A ∪ B|`` (Jaccard, 1912, *New Phytologist* 11: 37-50): 1 = the same peers,
0 = none in common. The default alternatives (:func:`default_alternatives`) are:

* metric: ``cosine``, ``mahalanobis``, ``gower`` instead of the baseline metric;
* scaling: ``standard`` (z-score) instead of ``robust`` (median/IQR);
* feature weights: each hazard's features weighted ×2, and ×0.5;
* hazard parameters: volcano and coastal zones of 50 and 200 km instead of 100 km; rates
  counted per 10 and per 1,000 years instead of per century (how fast frequency saturates);
  the 0.2 g instead of the 0.1 g shaking rate and the 64 kt instead of the 34 kt wind rate,
  when those columns are in the table.

Examples
--------
>>> import numpy as np, pandas as pd
>>> import resilience_analytics as ra
>>> rng = np.random.default_rng(2)
>>> t = pd.DataFrame({"fl_rate": rng.exponential(0.3, 60),
...                   "vo_nearest_km": rng.uniform(0, 400, 60)},
...                  index=pd.Index(range(1, 61), name="city_id"))
>>> none = pd.DataFrame(columns=["city_id", "network"])
>>> s = ra.peers.stability(1, k=5, table=t, memberships=none)
>>> bool(s["jaccard"].between(0, 1).all()), "metric" in set(s["group"])
(True, True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._validate import check_table
from ..errors import ParameterError
from .features import FEATURES
from .tables import _table, feature_space

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["default_alternatives", "jaccard", "plot_stability", "stability"]


def jaccard(a, b) -> float:
    """Jaccard index of two collections (1.0 for two empty ones).

    Examples
    --------
    >>> jaccard([1, 2, 3], [2, 3, 4])
    0.5
    """
    a, b = set(a), set(b)
    return 1.0 if not (a or b) else len(a & b) / len(a | b)


def default_alternatives(fs, metric: str = "seuclidean", scaling: str = "robust",
                         table_columns=()) -> list[tuple[str, str, dict]]:
    """Return ``(group, name, options)`` for each default alternative (see module docstring).

    Examples
    --------
    >>> import pandas as pd
    >>> from resilience_analytics.peers.features import FeatureSpace
    >>> t = pd.DataFrame({"fl_rate": [0.0, 0.1, 1.0]}, index=pd.Index([1, 2, 3], name="city_id"))
    >>> [name for _, name, _ in default_alternatives(FeatureSpace.build(t))][:3]
    ['metric cosine', 'metric mahalanobis', 'metric gower']
    """
    alts: list[tuple[str, str, dict]] = []
    for m in ("seuclidean", "cosine", "mahalanobis", "gower"):
        if m != metric:
            alts.append(("metric", f"metric {m}", {"metric": m}))
    other = "standard" if scaling == "robust" else "robust"
    alts.append(("scaling", f"scaling {other}", {"scaling": other}))
    feats = list(fs.features)
    hazards: dict[str, list[str]] = {}
    for f in feats:
        h = FEATURES[f].hazard if f in FEATURES else ""
        if h:
            hazards.setdefault(h, []).append(f)
    if len(hazards) > 1:
        for h, fl in hazards.items():
            for factor in (2.0, 0.5):
                alts.append(("weights", f"{h} ×{factor:g}",
                             {"weights": {f: factor for f in fl}}))
    params = {f: FEATURES[f] for f in feats if f in FEATURES and FEATURES[f].param is not None}
    for f, spec in params.items():
        if spec.kind == "proximity":
            for v in (50.0, 200.0):
                alts.append(("hazard parameters", f"{spec.hazard} zone {v:g} km",
                             {"params": {f: v}}))
    rates = [f for f, s in params.items() if s.kind == "rate"]
    if rates:
        for years in (10.0, 1000.0):
            alts.append(("hazard parameters", f"rates per {years:g} years",
                         {"params": {f: years / 100.0 * params[f].param for f in rates}}))
    for old, new, what in (("eq_rate_pga_0p1g", "eq_rate_pga_0p2g", "shaking rate at 0.2 g"),
                           ("tc_rate_34kt", "tc_rate_64kt", "wind rate at 64 kt")):
        if old in feats and new in table_columns and new not in feats:
            alts.append(("hazard parameters", what,
                         {"features": [new if f == old else f for f in feats]}))
    return alts


def stability(
    city: str | int,
    *,
    k: int = 10,
    alternatives: list[tuple[str, str, dict]] | None = None,
    table: pd.DataFrame | None = None,
    **similar_options: Any,
) -> pd.DataFrame:
    """Return the Jaccard overlap of ``city``'s top-``k`` under each alternative choice.

    Parameters
    ----------
    city : str or int
    k : int, default 10
    alternatives : list of (group, name, options), optional
        Each ``options`` dict overrides :func:`similar` keywords (default:
        :func:`default_alternatives`). A ``weights`` dict is applied on top of the baseline
        weights (factors).
    table : pandas.DataFrame, optional
    **similar_options
        Baseline options for :func:`similar`.

    Returns
    -------
    pandas.DataFrame
        One row per alternative: ``group``, ``alternative``, ``jaccard``, ``shared`` (peers in
        both lists), ``added``, ``dropped`` (names, ";"-separated). ``attrs["baseline"]``: the
        baseline peers' names; ``attrs["mean_jaccard"]``.

    Raises
    ------
    ParameterError
        A malformed alternative, and as :func:`similar`.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import resilience_analytics as ra
    >>> t = pd.DataFrame({"a": np.arange(20.0), "b": np.arange(20.0) % 3},
    ...                  index=pd.Index(range(1, 21), name="city_id"))
    >>> alt = [("weights", "b ×0", {"weights": {"b": 0.0}})]
    >>> s = ra.peers.stability(1, k=3, table=t, alternatives=alt, features=["a", "b"],
    ...                        memberships=pd.DataFrame(columns=["city_id", "network"]))
    >>> s[["alternative", "jaccard"]].values.tolist()
    [['b ×0', 0.5]]
    """
    import pandas as pd

    from .similarity import similar

    table = _table(table)
    base = similar(city, k=k, table=table, **similar_options)
    if alternatives is None:
        fs = feature_space(table, similar_options.get("features"), similar_options.get("weights"),
                           similar_options.get("metric", "seuclidean"),
                           similar_options.get("scaling", "robust"),
                           similar_options.get("params"))
        alternatives = default_alternatives(fs, similar_options.get("metric", "seuclidean"),
                                            similar_options.get("scaling", "robust"),
                                            table.columns)
    names = table["name"] if "name" in table.columns else None

    def nm(ids):
        return ";".join(str(names.loc[i]) if names is not None else str(i) for i in ids)

    rows = []
    for alt in alternatives:
        try:
            group, name, opts = alt
            opts = dict(opts)
        except (TypeError, ValueError):
            raise ParameterError(
                f"alternative {alt!r} is not accepted; give (group, name, options dict)"
            ) from None
        o = {**similar_options, **opts}
        if "weights" in opts and o.get("metric", "seuclidean") == "mahalanobis":
            continue
        if "weights" in opts and isinstance(similar_options.get("weights"), dict):
            w = dict(similar_options["weights"])
            for f, v in opts["weights"].items():
                w[f] = w.get(f, 1.0) * v
            o["weights"] = w
        if o.get("metric") == "mahalanobis":
            o.pop("weights", None)
        if "params" in opts and similar_options.get("params"):
            o["params"] = {**similar_options["params"], **opts["params"]}
        other = similar(city, k=k, table=table, **o)
        a, b = list(base.index), list(other.index)
        rows.append({"group": group, "alternative": name, "jaccard": jaccard(a, b),
                     "shared": len(set(a) & set(b)),
                     "added": nm([i for i in b if i not in set(a)]),
                     "dropped": nm([i for i in a if i not in set(b)])})
    out = pd.DataFrame(rows, columns=["group", "alternative", "jaccard", "shared", "added",
                                      "dropped"])
    out.attrs.update(focal_city_id=base.attrs["focal_city_id"],
                     focal_name=base.attrs["focal_name"], k=k,
                     baseline=nm(base.index).split(";"),
                     mean_jaccard=float(out["jaccard"].mean()) if len(out) else float("nan"))
    return out


def plot_stability(result: pd.DataFrame, *, ax: Any = None, save: str | None = None):
    """Bar chart of :func:`stability`: one bar per alternative, coloured by group.

    Parameters
    ----------
    result : pandas.DataFrame
        Output of :func:`stability`.
    ax : matplotlib Axes, optional
    save : str, optional
        Write the figure to this path.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ParameterError
        ``result`` is not a stability table.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"group": ["metric", "weights"], "jaccard": [0.5, 1.0],
    ...                   "alternative": ["metric cosine", "flood ×2"]})
    >>> fig = plot_stability(r)
    >>> len(fig.axes[0].patches)
    2
    """
    import matplotlib.pyplot as plt

    check_table(result, ["group", "alternative", "jaccard"],
                "result (the table returned by ra.peers.stability)")
    if ax is None:
        fig, ax = plt.subplots(figsize=(8.5, 0.28 * max(len(result), 4) + 1.2))
    else:
        fig = ax.figure
    groups = list(dict.fromkeys(result["group"]))
    colours = {g: plt.get_cmap("tab10")(i) for i, g in enumerate(groups)}
    y = range(len(result))
    ax.barh(list(y), result["jaccard"], color=[colours[g] for g in result["group"]])
    ax.set_yticks(list(y), result["alternative"])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"Jaccard overlap with the baseline top-{result.attrs.get('k', 10)}")
    if len(result):
        ax.axvline(float(result["jaccard"].mean()), color="0.3", ls="--", lw=1)
    from matplotlib.patches import Patch

    ax.legend([Patch(color=colours[g]) for g in groups], groups, loc="upper left",
              bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    who = result.attrs.get("focal_name")
    ax.set_title(f"How firm are {who}'s peers?" if who else "How firm is the peer list?")
    fig.tight_layout()
    if save:
        fig.savefig(save, dpi=150)
    return fig

