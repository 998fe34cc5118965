"""Explanatory statistics: adaptation commitments, network members' exposure, index drivers.

Each question is a function that takes DataFrames (defaults: the real data through
``ra.networks``, ``ra.hazards`` and ``ra.composite``) and returns an :class:`Explanation`:
a tidy ``coefficients`` table (estimate, robust HC3 standard error, z, p-value, 95 %
interval), the variance inflation factors, the statsmodels results, the exact model frame
and formula (so that anyone can refit it with ``statsmodels.formula.api``), notes on what
was left out and why, and a plain-language ``summary``.

Robust standard errors are HC3 (MacKinnon & White 1985). For OLS they are computed from
the leverages (:func:`hc3_ols`, equal to statsmodels' ``cov_type="HC3"``, which would build
an n × n matrix for 26,000 cities). For the logit, statsmodels silently returns HC0 when
asked for HC1–HC3, so HC3 is computed here as in R's ``sandwich::vcovHC(type = "HC3")`` for
GLMs: the score of each observation is inflated by ``1 / (1 - h_ii)`` with ``h_ii`` the GLM
hat values (:func:`hc3_logit`).

Examples
--------
>>> import numpy as np, pandas as pd, resilience_analytics as ra
>>> rng = np.random.default_rng(1)
>>> t = pd.DataFrame({"a": rng.normal(size=50), "b": rng.normal(size=50)})
>>> t["score"] = 2 * t["a"] + t["b"] + rng.normal(scale=0.1, size=50)
>>> res = ra.explain.index_drivers(t, indicators=["a", "b"])
>>> res.coefficients.set_index("term").loc["a", "coef"] > res.coefficients.set_index(
...     "term").loc["b", "coef"]
np.True_
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._validate import check_frame, check_names, check_table
from .errors import ParameterError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "ADAPTATION_HAZARDS",
    "EXPOSURE_OUTCOMES",
    "Explanation",
    "adaptation_commitment",
    "hc3_logit",
    "hc3_ols",
    "index_drivers",
    "network_exposure",
    "vif",
]

#: Exposure columns of ``ra.hazards.exposure()`` used for flood, cyclone and earthquake.
ADAPTATION_HAZARDS: dict[str, str] = {
    "flood": "fl_count",
    "cyclone": "tc_storms_any_per_year",
    "earthquake": "eq_count_m6",
}

#: Outcomes compared between network members and other cities.
EXPOSURE_OUTCOMES: tuple[str, ...] = (
    "fl_count", "tc_storms_any_per_year", "eq_count_m6", "ts_count", "vo_count_100km",
)


@dataclass
class Explanation:
    """Result of an explanatory model.

    Attributes
    ----------
    question : str
        The question answered.
    coefficients : pandas.DataFrame
        One row per (outcome, term): ``outcome, term, coef, std_err, z, p_value, ci_low,
        ci_high`` (+ ``odds_ratio, or_low, or_high`` for a logit). Fixed-effect dummies are
        left out (they are in ``models``).
    vif : pandas.DataFrame
        ``outcome, term, vif`` for the reported terms (fixed effects in the design).
    models : dict
        Outcome → fitted statsmodels results (point estimates; the HC3 standard errors,
        computed by :func:`hc3_ols` / :func:`hc3_logit`, are in ``coefficients``).
    data : pandas.DataFrame
        The model frame: exactly the rows and derived columns used in every fit.
    formulas : dict
        Outcome → formula (``statsmodels.formula.api``) that reproduces the fit on ``data``.
    n : int
        Rows in ``data``.
    notes : list of str
        Choices and rows left out, in words.
    summary : str
        Plain-language answer.
    """

    question: str
    coefficients: pd.DataFrame
    vif: pd.DataFrame
    models: dict
    data: pd.DataFrame
    formulas: dict
    n: int
    notes: list[str] = field(default_factory=list)
    summary: str = ""

    def __str__(self) -> str:
        return self.summary

    def residual_plot(self, outcome: str | None = None) -> Figure:
        """Residuals against fitted values (binned means for a logit), in the project style.

        Parameters
        ----------
        outcome : str, optional
            Which model (default the first).

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib as mpl
        import numpy as np

        from .figures import PALETTE, _new_figure, _style

        key = outcome if outcome is not None else next(iter(self.models))
        if key not in self.models:
            raise ParameterError(f"outcome={outcome!r} is not a model; choose from "
                                 f"{list(self.models)}")
        res = self.models[key]
        fitted = np.asarray(res.fittedvalues if not hasattr(res, "predict") or
                            not _is_binary(res) else res.predict())
        if _is_binary(res):
            y = np.asarray(res.model.endog, dtype=float)
            resid = (y - fitted) / np.sqrt(np.clip(fitted * (1 - fitted), 1e-12, None))
            label = "Pearson residual"
        else:
            resid = np.asarray(res.resid)
            label = "residual"
        with mpl.rc_context(_style()):
            fig = _new_figure((5.6, 3.6))
            ax = fig.add_subplot()
            ax.scatter(fitted, resid, s=6, alpha=0.35, color=PALETTE[0], linewidths=0)
            order = np.argsort(fitted, kind="mergesort")
            bins = np.array_split(order, min(20, max(1, len(order) // 20)))
            ax.plot([fitted[b].mean() for b in bins], [resid[b].mean() for b in bins],
                    color=PALETTE[1], marker="o", ms=3, lw=1.2, label="binned mean")
            ax.axhline(0, color="black", lw=0.8)
            ax.set_xlabel("fitted value" + (" (probability)" if _is_binary(res) else ""))
            ax.set_ylabel(label)
            ax.legend(loc="upper right")
            ax.set_title(f"Residuals: {key}")
        return fig


def _is_binary(res: Any) -> bool:
    return res.model.__class__.__name__ in ("Logit", "GLM")


# --------------------------------------------------------------------------- helpers


def hc3_logit(res: Any) -> Any:
    """HC3 covariance of a fitted logit (statsmodels ``Logit`` or binomial ``GLM``).

    ``(X'WX)^-1 [Σ e_i² / (1 - h_ii)² x_i x_i'] (X'WX)^-1`` with ``e_i = y_i - p_i``,
    ``W = diag(p_i (1 - p_i))`` and ``h_ii`` the diagonal of ``W^½ X (X'WX)^-1 X' W^½``:
    R's ``sandwich::vcovHC(type = "HC3")`` for a GLM.

    Parameters
    ----------
    res : statsmodels results

    Returns
    -------
    pandas.DataFrame
        Covariance matrix indexed by parameter name.

    Examples
    --------
    >>> import numpy as np, pandas as pd, statsmodels.formula.api as smf
    >>> import resilience_analytics as ra
    >>> rng = np.random.default_rng(0)
    >>> d = pd.DataFrame({"x": rng.normal(size=200)})
    >>> d["y"] = (rng.random(200) < 1 / (1 + np.exp(-d["x"]))).astype(int)
    >>> r = smf.logit("y ~ x", d).fit(disp=0, cov_type="HC0")
    >>> bool((np.diag(ra.explain.hc3_logit(r)) > np.diag(r.cov_params())).all())
    True
    """
    import numpy as np
    import pandas as pd

    X = np.asarray(res.model.exog, dtype=float)
    y = np.asarray(res.model.endog, dtype=float)
    p = np.asarray(res.predict(), dtype=float) if res.model.__class__.__name__ == "Logit" \
        else np.asarray(res.fittedvalues, dtype=float)
    w = p * (1 - p)
    bread = np.linalg.pinv(X.T @ (X * w[:, None]))
    h = np.einsum("ij,jk,ik->i", X, bread, X) * w
    e = (y - p) / np.clip(1 - h, 1e-12, None)
    meat = (X * (e ** 2)[:, None]).T @ X
    cov = bread @ meat @ bread
    names = list(res.params.index)
    return pd.DataFrame(cov, index=names, columns=names)


def hc3_ols(res: Any) -> Any:
    """HC3 covariance of a fitted OLS model without forming the n × n hat matrix.

    Same value as statsmodels' ``cov_type="HC3"`` (which builds the full hat matrix: 5 GB
    for 26,000 cities), computed from the leverages ``h_ii = x_i' (X'X)^-1 x_i``.

    Parameters
    ----------
    res : statsmodels OLS results

    Returns
    -------
    pandas.DataFrame
        Covariance matrix indexed by parameter name.

    Examples
    --------
    >>> import numpy as np, pandas as pd, statsmodels.formula.api as smf
    >>> import resilience_analytics as ra
    >>> rng = np.random.default_rng(0)
    >>> d = pd.DataFrame({"x": rng.normal(size=100)})
    >>> d["y"] = d["x"] + rng.normal(size=100)
    >>> a = ra.explain.hc3_ols(smf.ols("y ~ x", d).fit())
    >>> b = smf.ols("y ~ x", d).fit(cov_type="HC3").cov_params()
    >>> bool(np.allclose(a, b))
    True
    """
    import numpy as np
    import pandas as pd

    X = np.asarray(res.model.exog, dtype=float)
    e = np.asarray(res.resid, dtype=float)
    bread = np.linalg.pinv(X.T @ X)
    h = np.sum((X @ bread) * X, axis=1)
    u = e / np.clip(1 - h, 1e-12, None)
    meat = (X * (u ** 2)[:, None]).T @ X
    cov = bread @ meat @ bread
    names = list(res.params.index)
    return pd.DataFrame(cov, index=names, columns=names)


def _drop_singletons(d: pd.DataFrame, group: str, notes: list[str], what: str) -> pd.DataFrame:
    """Drop groups with one row: their fixed effect fits them exactly (leverage 1)."""
    sizes = d[group].map(d[group].value_counts())
    single = sizes == 1
    if single.any():
        notes.append(f"{what}: {int(single.sum())} cities alone in their {group} left out "
                     "(a fixed effect fits them exactly)")
    return d[~single]


def vif(data: pd.DataFrame, formula_rhs: str, terms: list[str]) -> pd.DataFrame:
    """Variance inflation factors of ``terms`` in the design of ``formula_rhs``.

    ``VIF_j = 1 / (1 - R²_j)`` with ``R²_j`` from regressing column ``j`` on the other
    columns (as ``statsmodels.stats.outliers_influence.variance_inflation_factor``),
    computed at once from ``(X'X)^-1``: ``VIF_j = [(X'X)^-1]_jj · Σ_i (x_ij - x̄_j)²``
    (the design has an intercept).

    Parameters
    ----------
    data : pandas.DataFrame
    formula_rhs : str
        Right-hand side of a formula, e.g. ``"a + b + C(country)"``.
    terms : list of str
        Design columns to report.

    Returns
    -------
    pandas.DataFrame
        ``term, vif``.

    Examples
    --------
    >>> import numpy as np, pandas as pd, resilience_analytics as ra
    >>> rng = np.random.default_rng(0)
    >>> d = pd.DataFrame({"a": rng.normal(size=100), "b": rng.normal(size=100)})
    >>> bool((ra.explain.vif(d, "a + b", ["a", "b"])["vif"] < 1.2).all())
    True
    """
    import numpy as np
    import pandas as pd
    from patsy import dmatrix

    check_frame(data, "vif: data")
    if not isinstance(formula_rhs, str) or not formula_rhs.strip():
        raise ParameterError(f"vif: formula_rhs must be a formula right-hand side such as "
                             f"'a + b', got {formula_rhs!r:.80}")
    terms = check_names("vif: terms", terms)
    try:
        X = dmatrix(formula_rhs, data, return_type="dataframe")
    except Exception as exc:  # noqa: BLE001 - patsy raises many kinds for a bad formula
        raise ParameterError(
            f"vif: the formula {formula_rhs!r:.80} cannot be built from the data's columns "
            f"{list(data.columns)[:20]}: {type(exc).__name__}: {str(exc)[:200]}"
        ) from None
    cols = list(X.columns)
    missing = [t for t in terms if t not in cols]
    if missing:
        raise ParameterError(f"vif: term(s) {missing} not in the design columns {cols[:20]}")
    try:
        arr = X.to_numpy(dtype=float)
        inv = np.linalg.pinv(arr.T @ arr)
    except (TypeError, ValueError, np.linalg.LinAlgError) as exc:
        raise ParameterError(f"vif: the design matrix is not numeric or finite ({exc})") from None
    rows = []
    for t in terms:
        j = cols.index(t)
        x = arr[:, j]
        sst = float(((x - x.mean()) ** 2).sum())
        rows.append({"term": t, "vif": float(inv[j, j] * sst) if sst > 0 else float("inf")})
    return pd.DataFrame(rows)


def _tidy(res: Any, cov: Any, terms: list[str], outcome: str, logit: bool) -> pd.DataFrame:
    import numpy as np
    import pandas as pd
    from scipy import stats

    params = res.params
    se = np.sqrt(np.diag(np.asarray(cov)))
    se = pd.Series(se, index=params.index)
    z = params / se
    p = 2 * stats.norm.sf(np.abs(z))
    q = stats.norm.ppf(0.975)
    out = pd.DataFrame({
        "outcome": outcome,
        "term": params.index,
        "coef": params.to_numpy(),
        "std_err": se.to_numpy(),
        "z": z.to_numpy(),
        "p_value": p,
        "ci_low": (params - q * se).to_numpy(),
        "ci_high": (params + q * se).to_numpy(),
    })
    if logit:
        out["odds_ratio"] = np.exp(out["coef"])
        out["or_low"] = np.exp(out["ci_low"])
        out["or_high"] = np.exp(out["ci_high"])
    return out[out["term"].isin(terms)].reset_index(drop=True)


def _zscore(s: pd.Series) -> pd.Series:
    sd = s.std(ddof=0)
    return (s - s.mean()) / sd if sd > 0 else s * 0.0


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _check_columns(table: pd.DataFrame, columns: list[str], what: str) -> None:
    check_table(table, columns, what)


def _safe_name(col: str) -> str:
    import re

    return re.sub(r"\W", "_", str(col))


# --------------------------------------------------------------------------- (a)


def adaptation_commitment(
    signatories: pd.DataFrame | None = None,
    exposure: pd.DataFrame | None = None,
    *,
    outcome: str = "adaptation_commitment",
    hazards: dict[str, str] | None = None,
    country_effects: bool = True,
    min_per_country: int = 10,
) -> Explanation:
    """Test whether more exposed GCoM signatories commit to adaptation more often.

    The question: do Global Covenant of Mayors signatories that face more flood, cyclone
    or earthquake exposure commit to adaptation more often, controlling for population and
    country?

    Model: a logit of the commitment on the standardised exposure to each hazard (z-scores
    over the sample, so a coefficient is the change in log-odds per standard deviation),
    ``log(population)`` and country fixed effects. One row per gazetteer city: a city
    counts as committing when any of its signatory entries commits.

    Country fixed effects compare signatories within a country. A country where every or
    no signatory commits has an infinite fixed effect (perfect separation) and adds nothing
    to the within-country comparison, so its signatories are left out, as are countries
    with fewer than ``min_per_country`` signatories; ``notes`` counts both. With
    ``country_effects=False`` every country is kept and no fixed effect is used.

    Parameters
    ----------
    signatories : pandas.DataFrame, optional
        ``ra.networks.gcom_signatories()`` (default) or any frame with ``city_id`` and the
        boolean ``outcome``.
    exposure : pandas.DataFrame, optional
        ``ra.hazards.exposure()`` (default), indexed by ``city_id``, with ``population``,
        ``country_iso3`` and the hazard columns.
    outcome : {"adaptation_commitment", "commits_adaptation"}
        Default: the commitment to adaptation as it stands since 2015, i.e. Mayors Adapt or
        the Covenant of Mayors 2030 (which, per the data set's codebook, merged CoM 2020 with
        Mayors Adapt, so its signatories commit to adaptation). ``"commits_adaptation"`` is the
        stand-alone Mayors Adapt flag of 2014–2015 only (about 6 % of signatories, mostly the
        earliest), see ``ra.networks.gcom_signatories``.
    hazards : dict, optional
        Label → exposure column (default :data:`ADAPTATION_HAZARDS`).
    country_effects : bool
        Use country fixed effects.
    min_per_country : int
        Smallest country sample kept with fixed effects.

    Returns
    -------
    Explanation
        Coefficients with odds ratios; ``data`` has ``y``, ``z_<hazard>``, ``log_pop``,
        ``country``.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> res = ra.explain.adaptation_commitment()  # doctest: +SKIP
    >>> print(res.summary)  # doctest: +SKIP
    """
    import numpy as np
    import pandas as pd
    import statsmodels.formula.api as smf

    from ._validate import check_choice

    check_choice("outcome", outcome, ("commits_adaptation", "adaptation_commitment"))
    hazards = dict(ADAPTATION_HAZARDS if hazards is None else hazards)
    if not hazards:
        raise ParameterError("hazards is empty; give label → exposure column, e.g. "
                             f"{ADAPTATION_HAZARDS}")
    if signatories is None:
        from . import networks

        signatories = networks.gcom_signatories(linked_only=True)
    if exposure is None:
        from . import hazards as hz

        exposure = hz.exposure()
    _check_columns(signatories, ["city_id", outcome], "adaptation_commitment signatories")
    _check_columns(exposure, ["population", "country_iso3", *hazards.values()],
                   "adaptation_commitment exposure")
    notes: list[str] = []
    s = signatories[signatories["city_id"].notna()]
    n_rows = len(s)
    per_city = s.groupby(s["city_id"].astype("int64"))[outcome].agg(
        lambda v: bool(pd.Series(v).fillna(False).astype(bool).any()))
    notes.append(f"{n_rows} signatory entries linked to {len(per_city)} gazetteer cities; a "
                 "city commits when any of its entries does")
    d = pd.DataFrame({"y": per_city.astype(int)})
    ex = exposure.reindex(d.index)
    d["country"] = ex["country_iso3"].astype("string")
    d["population"] = pd.to_numeric(ex["population"], errors="coerce")
    for label, col in hazards.items():
        d[f"raw_{_safe_name(label)}"] = pd.to_numeric(ex[col], errors="coerce")
    before = len(d)
    d = d.dropna()
    d = d[d["population"] > 0]
    if len(d) < before:
        notes.append(f"{before - len(d)} cities without exposure, population or country left out")
    if country_effects:
        g = d.groupby("country")["y"].agg(["mean", "size"])
        small = g.index[g["size"] < min_per_country]
        novar = g.index[(g["size"] >= min_per_country) & g["mean"].isin([0.0, 1.0])]
        dropped_small = int(d["country"].isin(small).sum())
        dropped_novar = int(d["country"].isin(novar).sum())
        d = d[~d["country"].isin(small) & ~d["country"].isin(novar)]
        notes.append(
            f"country fixed effects: {len(novar)} countries where no or every signatory "
            f"commits ({dropped_novar} cities) and {len(small)} countries with fewer than "
            f"{min_per_country} signatories ({dropped_small} cities) left out"
        )
    if len(d) == 0 or d["y"].nunique() < 2:
        raise ParameterError(
            "adaptation_commitment: the selection is empty or the outcome does not vary "
            f"({len(d)} cities left); try country_effects=False or a lower min_per_country"
        )
    d["log_pop"] = np.log(d["population"])
    zcols = []
    for label in hazards:
        name = f"z_{_safe_name(label)}"
        d[name] = _zscore(d[f"raw_{_safe_name(label)}"])
        if d[name].abs().sum() == 0:
            notes.append(f"{label}: no variation in the sample; left out of the model")
            continue
        zcols.append(name)
    rhs = " + ".join([*zcols, "log_pop"] + (["C(country)"] if country_effects else []))
    formula = f"y ~ {rhs}"
    res = smf.logit(formula, data=d).fit(disp=0, maxiter=200)
    cov = hc3_logit(res)
    terms = [*zcols, "log_pop"]
    coefs = _tidy(res, cov, terms, "y", logit=True)
    v = vif(d, rhs, terms)
    v.insert(0, "outcome", "y")
    n_countries = d["country"].nunique()
    lines = [
        f"Among {len(d):,} GCoM signatory cities in {n_countries} countries "
        f"({100 * d['y'].mean():.1f} % commit: {outcome}), holding log population"
        + (" and the country fixed" if country_effects else " fixed") + ":"
    ]
    for label in hazards:
        name = f"z_{_safe_name(label)}"
        if name not in zcols:
            continue
        r = coefs.set_index("term").loc[name]
        direction = "higher" if r["odds_ratio"] > 1 else "lower"
        sig = "a clear" if r["p_value"] < 0.05 else "no clear"
        lines.append(
            f"- one standard deviation more {label} exposure ({hazards[label]}) goes with "
            f"{r['odds_ratio']:.2f} times the odds of committing (95 % CI "
            f"{r['or_low']:.2f}–{r['or_high']:.2f}, {_p_text(r['p_value'])}): {sig} "
            f"association ({direction} odds)."
        )
    lines.append("Robust HC3 standard errors; an association, not a cause.")
    return Explanation(
        question=("Do GCoM signatories facing more flood, cyclone or earthquake exposure "
                  "commit to adaptation more often?"),
        coefficients=coefs, vif=v, models={"y": res}, data=d, formulas={"y": formula},
        n=len(d), notes=notes, summary="\n".join(lines),
    )


# --------------------------------------------------------------------------- (b)


def _region(timezone: pd.Series) -> pd.Series:
    return timezone.astype("string").str.split("/").str[0]


def network_exposure(
    exposure: pd.DataFrame | None = None,
    memberships: pd.DataFrame | None = None,
    *,
    networks: tuple[str, ...] = ("100rc", "c40"),
    outcomes: tuple[str, ...] | list[str] = EXPOSURE_OUTCOMES,
    effects: str = "country",
    min_population: float | None = None,
    transform: str = "log1p",
) -> Explanation:
    """Compare the exposure of 100 Resilient Cities and C40 members with similar cities.

    For each outcome, an OLS regression of the standardised (z-score) exposure on one
    membership dummy per network, ``log(population)`` and country (or region) fixed
    effects, over members and non-members of similar size: cities at least as large as
    the smallest member (or ``min_population``). A coefficient is how many standard
    deviations more exposed members are than non-members of the same size in the same
    country (region), with HC3 standard errors.

    Parameters
    ----------
    exposure : pandas.DataFrame, optional
        ``ra.hazards.exposure()`` (default), indexed by ``city_id``.
    memberships : pandas.DataFrame, optional
        ``ra.networks.memberships()`` (default): ``city_id, network``.
    networks : tuple of str
        Network codes compared.
    outcomes : sequence of str
        Exposure columns (default :data:`EXPOSURE_OUTCOMES`).
    effects : {"country", "region", "none"}
        Fixed effects; a region is the first part of the city's time zone ("Europe",
        "Asia", "America", ...), from the gazetteer.
    min_population : float, optional
        Smallest city kept (default: the smallest member's population).
    transform : {"log1p", "none"}
        Applied to the outcome before standardising (counts are skewed).

    Returns
    -------
    Explanation
        ``coefficients`` has one row per (outcome, ``member_<network>``).

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> res = ra.explain.network_exposure()  # doctest: +SKIP
    >>> res.coefficients[["outcome", "term", "coef", "p_value"]]  # doctest: +SKIP
    """
    import numpy as np
    import pandas as pd
    import statsmodels.formula.api as smf

    from ._validate import check_choice

    check_choice("effects", effects, ("country", "region", "none"))
    check_choice("transform", transform, ("log1p", "none"))
    if not networks:
        raise ParameterError("networks is empty; choose from '100rc', 'c40', 'gcom', 'rcn'")
    outcomes = list(outcomes)
    if not outcomes:
        raise ParameterError(f"outcomes is empty; e.g. {list(EXPOSURE_OUTCOMES)}")
    if exposure is None:
        from . import hazards as hz

        exposure = hz.exposure()
    if memberships is None:
        from . import networks as nw

        memberships = nw.memberships()
    _check_columns(exposure, ["population", "country_iso3", *outcomes], "network_exposure")
    _check_columns(memberships, ["city_id", "network"], "network_exposure memberships")
    known = set(memberships["network"].astype(str))
    for net in networks:
        if net not in known:
            raise ParameterError(f"network {net!r} is not in the memberships; choose from "
                                 f"{sorted(known)}")
    notes: list[str] = []
    d = pd.DataFrame(index=exposure.index)
    d["population"] = pd.to_numeric(exposure["population"], errors="coerce")
    d["country"] = exposure["country_iso3"].astype("string")
    if effects == "region":
        if "timezone" in exposure.columns:
            tz = exposure["timezone"]
        else:
            from . import cities

            tz = cities.load_cities()["timezone"].reindex(exposure.index)
        d["region"] = _region(tz)
    member_cols = []
    for net in networks:
        ids = set(memberships.loc[memberships["network"].astype(str) == net, "city_id"]
                  .dropna().astype("int64"))
        col = f"member_{_safe_name(net)}"
        d[col] = d.index.isin(ids).astype(int)
        member_cols.append(col)
    is_member = d[member_cols].sum(axis=1) > 0
    if not is_member.any():
        raise ParameterError("network_exposure: no member of the networks is in the exposure "
                             "table; the selection is empty")
    floor = float(d.loc[is_member, "population"].min()) if min_population is None \
        else float(min_population)
    before = len(d)
    d = d[d["population"] >= floor]
    notes.append(f"comparison pool: {len(d):,} of {before:,} cities with population >= "
                 f"{floor:,.0f} (the smallest member)" if min_population is None else
                 f"comparison pool: {len(d):,} of {before:,} cities with population >= "
                 f"{floor:,.0f}")
    for net, col in zip(networks, member_cols, strict=True):
        notes.append(f"{net}: {int(d[col].sum())} members in the pool")
    d["log_pop"] = np.log(d["population"])
    fe = {"country": " + C(country)", "region": " + C(region)", "none": ""}[effects]
    models, formulas, tables, vifs = {}, {}, [], []
    for out in outcomes:
        y = pd.to_numeric(exposure[out].reindex(d.index), errors="coerce")
        if transform == "log1p":
            y = np.log1p(y.clip(lower=0))
        yname = f"y_{_safe_name(out)}"
        d[yname] = y
        group = {"country": "country", "region": "region", "none": None}[effects]
        sub = d.dropna(subset=[yname, "log_pop"] + ([group] if group else []))
        if sub[yname].std(ddof=0) == 0:
            notes.append(f"{out}: no variation in the pool; skipped")
            continue
        if group:
            within = sub[yname] - sub.groupby(group)[yname].transform("mean")
            if float((within ** 2).sum()) < 1e-12 * len(sub):
                notes.append(f"{out}: constant within each {group} (a {group}-level "
                             f"indicator), so {group} fixed effects absorb it; skipped")
                continue
            sub = _drop_singletons(sub, group, notes, out)
        d[yname] = np.nan
        d.loc[sub.index, yname] = _zscore(sub[yname])
        sub = d.loc[sub.index]
        rhs = " + ".join([*member_cols, "log_pop"]) + fe
        formula = f"{yname} ~ {rhs}"
        res = smf.ols(formula, data=sub).fit(method="qr")
        models[out] = res
        formulas[out] = formula
        tables.append(_tidy(res, hc3_ols(res), member_cols + ["log_pop"], out, False))
        v = vif(sub, rhs, member_cols + ["log_pop"])
        v.insert(0, "outcome", out)
        vifs.append(v)
    if not models:
        raise ParameterError("network_exposure: no outcome varies in the comparison pool")
    coefs = pd.concat(tables, ignore_index=True)
    lines = [
        f"Members compared with {len(d):,} cities of at least {floor:,.0f} inhabitants, "
        f"holding log population" + {"country": " and country fixed",
                                     "region": " and world region fixed",
                                     "none": " fixed"}[effects]
        + f" (outcomes {'log(1 + x), ' if transform == 'log1p' else ''}in standard deviations):"
    ]
    for net, col in zip(networks, member_cols, strict=True):
        rows = coefs[coefs["term"] == col]
        parts = []
        for _, r in rows.iterrows():
            tag = "more" if r["coef"] > 0 else "less"
            star = "" if r["p_value"] < 0.05 else ", not distinguishable from 0"
            parts.append(f"{r['outcome']} {abs(r['coef']):.2f} SD {tag} "
                         f"({_p_text(r['p_value'])}{star})")
        lines.append(f"- {net} members: " + "; ".join(parts) + ".")
    lines.append("Robust HC3 standard errors; members chose to join, so this describes, "
                 "not causes.")
    return Explanation(
        question=("Are 100 Resilient Cities and C40 members more exposed than comparable "
                  "cities of similar size?"),
        coefficients=coefs, vif=pd.concat(vifs, ignore_index=True), models=models, data=d,
        formulas=formulas, n=len(d), notes=notes, summary="\n".join(lines),
    )


# --------------------------------------------------------------------------- (c)


def index_drivers(
    index: pd.DataFrame | None = None,
    *,
    indicators: list[str] | None = None,
    score: str = "score",
) -> Explanation:
    """Measure how strongly each indicator drives the city composite index.

    A standardised OLS regression of the index score on its indicators (both as z-scores,
    so coefficients are standardised betas, comparable across indicators), with HC3
    standard errors, VIFs, and each indicator's squared correlation with the score (its
    main effect on the score: the share of the score's variance it alone explains, the
    measure COINr and the JRC use to compare effective with nominal weights).

    Parameters
    ----------
    index : pandas.DataFrame, optional
        A frame with ``score`` and the indicator columns. Default:
        ``ra.composite.build_city_index()`` with the normalised indicators of its coin.
        A frame from ``build_city_index`` (``attrs["coin"]``) is joined with its coin's
        normalised indicators when ``indicators`` are not among its columns.
    indicators : list of str, optional
        Indicator columns (default: every indicator of the coin, or every numeric column
        other than ``score``/ranks).
    score : str
        Score column.

    Returns
    -------
    Explanation
        ``coefficients`` (term = indicator) with an extra ``corr2`` column, sorted by
        absolute beta.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> from resilience_analytics.composite.city import example_exposure
    >>> idx = ra.composite.build_city_index(example_exposure(60))
    >>> res = ra.explain.index_drivers(idx)
    >>> len(res.coefficients) > 5
    True
    """
    import numpy as np
    import pandas as pd
    import statsmodels.formula.api as smf

    if not isinstance(score, str):
        raise ParameterError(f"index_drivers: score must be a column name (str), got {score!r:.80}")
    check_names("index_drivers: indicators", indicators, allow_none=True)
    if index is None:
        from . import composite

        index = composite.build_city_index()
    _check_columns(index, [score], "index_drivers")
    table = index
    coin = index.attrs.get("coin") if hasattr(index, "attrs") else None
    if coin is not None and (indicators is None or not set(indicators) <= set(index.columns)):
        norm = coin.data["Normalised"]
        ind_codes = coin.codes_at(1) if hasattr(coin, "codes_at") else list(norm.columns)
        ind_codes = [c for c in ind_codes if c in norm.columns]
        table = index[[score]].join(norm[ind_codes].reindex(index.index))
        if indicators is None:
            indicators = ind_codes
    if indicators is None:
        skip = {score, "rank", "population", "latitude", "longitude", "availability"}
        indicators = [c for c in table.columns if c not in skip and not c.endswith("_rank")
                      and pd.api.types.is_numeric_dtype(table[c])
                      and not pd.api.types.is_bool_dtype(table[c])]
    indicators = list(indicators)
    if not indicators:
        raise ParameterError("index_drivers: no indicator column; pass indicators=[...]")
    _check_columns(table, indicators, "index_drivers")
    notes: list[str] = []
    d = table[[score, *indicators]].apply(pd.to_numeric, errors="coerce")
    before = len(d)
    d = d.dropna()
    if len(d) < before:
        notes.append(f"{before - len(d)} cities with a missing score or indicator left out")
    const = [c for c in indicators if d[c].std(ddof=0) == 0]
    if const:
        notes.append(f"indicators without variation left out: {const}")
    used = [c for c in indicators if c not in const]
    if len(d) <= len(used) + 1:
        raise ParameterError(
            f"index_drivers: {len(d)} complete rows for {len(used)} indicators; the "
            "selection is too small (or empty)"
        )
    names = {c: f"x_{_safe_name(c)}" for c in used}
    m = pd.DataFrame({"y": _zscore(d[score])}, index=d.index)
    for c in used:
        m[names[c]] = _zscore(d[c])
    rhs = " + ".join(names[c] for c in used)
    formula = f"y ~ {rhs}"
    res = smf.ols(formula, data=m).fit()
    coefs = _tidy(res, hc3_ols(res), list(names.values()), score, False)
    back = {v: k for k, v in names.items()}
    coefs["term"] = coefs["term"].map(back)
    coefs["corr2"] = [float(np.corrcoef(d[c], d[score])[0, 1] ** 2) for c in coefs["term"]]
    coefs = coefs.reindex(coefs["coef"].abs().sort_values(ascending=False,
                                                          kind="mergesort").index)
    coefs = coefs.reset_index(drop=True)
    v = vif(m, rhs, list(names.values()))
    v["term"] = v["term"].map(back)
    v.insert(0, "outcome", score)
    top = coefs.head(3)
    lines = [
        f"Across {len(d):,} cities the indicators explain {100 * res.rsquared:.1f} % of the "
        f"variance of the index score in a linear, standardised regression "
        f"({len(used)} indicators).",
        "Strongest drivers (standardised beta; share of score variance explained alone):",
    ]
    for _, r in top.iterrows():
        lines.append(f"- {r['term']}: beta {r['coef']:.2f} (95 % CI {r['ci_low']:.2f}–"
                     f"{r['ci_high']:.2f}), r² {r['corr2']:.2f}")
    high_vif = v.loc[v["vif"] > 10, "term"].tolist()
    if high_vif:
        lines.append(f"Collinear (VIF > 10), read their betas together: {high_vif}.")
    lines.append("Robust HC3 standard errors.")
    return Explanation(
        question="Which indicators drive the city composite index, and how strongly?",
        coefficients=coefs, vif=v, models={score: res}, data=m, formulas={score: formula},
        n=len(d), notes=notes, summary="\n".join(lines),
    )
