"""The explanatory models: adaptation commitments (GCoM) and network members' exposure.

Each question is a function that takes DataFrames (defaults: the real data through
``ra.networks`` and ``ra.hazards``) and returns an :class:`Explanation`: predictor
diagnostics run before the fit, a tidy ``coefficients`` table with conventional, HC3 and
country-clustered (CR1) inference plus the wild (score) cluster bootstrap when there are
fewer than 50 countries (:func:`~resilience_analytics.explain.inference_table`), Holm and
Benjamini–Hochberg adjusted p-values over the family of tests, Moran's I of the residuals
(and a Conley spatial HAC standard error when they are spatially dependent), the VIFs, the
exact model frame and formula, notes and a plain-language ``summary``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._validate import check_table
from ..errors import ParameterError
from .diagnostics import predictor_diagnostics, vif
from .inference import adjust_pvalues, inference_table, is_logit, single_threaded_blas
from .spatial import residual_moran, vcov_conley
from .summaries import p_text, sample_text, verdict

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "ADAPTATION_HAZARDS",
    "ALTERNATIVE_HAZARDS",
    "EXPOSURE_OUTCOMES",
    "Explanation",
    "adaptation_commitment",
    "commitment_robustness",
    "network_exposure",
]

#: Hazard label → exposure columns, first present used: hazard-v2 contract names (issue
#: 13) first, then the earlier columns. Annual rates of flood events, of storms with
#: winds >= 34 kt and of ground shaking >= 0.1 g.
ADAPTATION_HAZARDS: dict[str, tuple[str, ...]] = {
    "flood": ("fl_rate", "fl_count"),
    "cyclone": ("tc_rate_34kt", "tc_storms_any_per_year"),
    "earthquake": ("eq_rate_pga_0p1g", "eq_count_m6"),
}

#: Alternative measures of the same hazards for the robustness table: severity-weighted
#: flood rate, hurricane-force (64 kt) storm rate, 475-year PGA.
ALTERNATIVE_HAZARDS: dict[str, tuple[str, ...]] = {
    "flood": ("fl_severity_rate", "fl_severity_weighted"),
    "cyclone": ("tc_rate_64kt", "tc_hurricanes_per_year"),
    "earthquake": ("eq_pga_475yr_g", "eq_shaking_proxy"),
}

#: Outcomes compared between network members and other cities (first present column).
EXPOSURE_OUTCOMES: tuple[tuple[str, ...], ...] = (
    ("fl_rate", "fl_count"),
    ("tc_rate_34kt", "tc_storms_any_per_year"),
    ("eq_rate_pga_0p1g", "eq_count_m6"),
    ("ts_events_observed", "ts_count"),
    ("vo_count_100km",),
)


def resolve_column(table: pd.DataFrame, spec: str | tuple[str, ...] | list[str]) -> str:
    """Return the first of ``spec``'s columns present in ``table`` (a str is itself).

    Examples
    --------
    >>> import pandas as pd
    >>> from resilience_analytics.explain.models import resolve_column
    >>> resolve_column(pd.DataFrame(columns=["fl_count"]), ("fl_rate", "fl_count"))
    'fl_count'
    """
    if isinstance(spec, str):
        return spec
    for c in spec:
        if c in table.columns:
            return c
    raise ParameterError(f"none of the columns {list(spec)} is in the table; found "
                         f"{list(table.columns)[:25]}")


@dataclass
class Explanation:
    """Result of an explanatory model.

    Attributes
    ----------
    question : str
        The question answered.
    coefficients : pandas.DataFrame
        One row per (outcome, term), from :func:`~resilience_analytics.explain.
        inference_table`: conventional, HC3, clustered (headline ``std_err, p_value,
        ci_low, ci_high``) and bootstrap inference, ``p_used`` (bootstrap p where run, else
        clustered), ``p_holm, p_bh`` over the family of tested terms, ``label, column``
        (the hazard and its exposure column) and ``warning``. Fixed-effect dummies are
        left out (they are in ``models``).
    diagnostics : pandas.DataFrame
        :func:`~resilience_analytics.explain.predictor_diagnostics` of each predictor.
    spatial : pandas.DataFrame
        Per model: Moran's I of the residuals (kNN weights), permutation p-value.
    vif : pandas.DataFrame
        ``outcome, term, vif`` for the reported terms (fixed effects in the design).
    models : dict
        Outcome → fitted statsmodels results.
    data : pandas.DataFrame
        The model frame: exactly the rows and derived columns used in every fit.
    formulas : dict
        Outcome → formula (``statsmodels.formula.api``) that reproduces the fit on ``data``.
    n : int
        Rows in ``data``.
    clusters : int
        Countries (clusters) in ``data``.
    notes : list of str
        Choices and rows left out, in words.
    summary : str
        Plain-language answer.

    Examples
    --------
    Returned by :func:`network_exposure` and :func:`adaptation_commitment`. Here 120
    fictional cities in six fictional countries, every sixth a member of a fictional network
    and given a higher flood rate:

    >>> import numpy as np, pandas as pd
    >>> import statsmodels.formula.api as smf
    >>> import resilience_analytics as ra
    >>> rng = np.random.default_rng(0)
    >>> ex = pd.DataFrame({
    ...     "country_iso3": np.repeat(["XAA", "XBB", "XCC", "XDD", "XEE", "XFF"], 20),
    ...     "population": rng.integers(20_000, 2_000_000, 120).astype(float),
    ...     "latitude": rng.uniform(-40, 60, 120), "longitude": rng.uniform(-120, 140, 120)},
    ...     index=pd.Index(range(1, 121), name="city_id"))
    >>> member = np.arange(120) % 6 == 0
    >>> ex["fl_rate"] = rng.gamma(2.0, 0.05, 120) + 0.3 * member
    >>> mem = pd.DataFrame({"city_id": ex.index[member], "network": "example_net"})
    >>> res = ra.explain.network_exposure(ex, mem, networks=("example_net",),
    ...                                   outcomes=("fl_rate",), bootstrap=False, spatial=False)
    >>> type(res).__name__, res.clusters
    ('Explanation', 6)
    >>> row = res.coefficients.set_index("term").loc["member_example_net"]
    >>> bool(row["coef"] > 0 and row["p_value"] < 0.05)
    True

    ``formulas`` and ``data`` reproduce the fit:

    >>> refit = smf.ols(res.formulas["fl_rate"], data=res.data).fit()
    >>> bool(np.isclose(refit.params["member_example_net"], row["coef"]))
    True
    """

    question: str
    coefficients: pd.DataFrame
    diagnostics: pd.DataFrame
    spatial: pd.DataFrame
    vif: pd.DataFrame
    models: dict
    data: pd.DataFrame
    formulas: dict
    n: int
    clusters: int
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

        from ..figures import PALETTE, _new_figure, _style

        key = outcome if outcome is not None else next(iter(self.models))
        if key not in self.models:
            raise ParameterError(f"outcome={outcome!r} is not a model; choose from "
                                 f"{list(self.models)}")
        res = self.models[key]
        binary = is_logit(res)
        fitted = np.asarray(res.predict() if binary else res.fittedvalues, dtype=float)
        if binary:
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
            ax.set_xlabel("fitted value" + (" (probability)" if binary else ""))
            ax.set_ylabel(label)
            ax.legend(loc="upper right")
            ax.set_title(f"Residuals: {key}")
        return fig


# --------------------------------------------------------------------------- helpers


def _zscore(s: pd.Series) -> pd.Series:
    sd = s.std(ddof=0)
    return (s - s.mean()) / sd if sd > 0 else s * 0.0


def _safe_name(col: str) -> str:
    import re

    return re.sub(r"\W", "_", str(col))


def _drop_singletons(d: pd.DataFrame, group: str, notes: list[str], what: str) -> pd.DataFrame:
    """Drop groups with one row: their fixed effect fits them exactly (leverage 1)."""
    sizes = d[group].map(d[group].value_counts())
    single = sizes == 1
    if single.any():
        notes.append(f"{what}: {int(single.sum())} cities alone in their {group} left out "
                     "(a fixed effect fits them exactly)")
    return d[~single]


def _fit(formula: str, data: pd.DataFrame, logit: bool) -> tuple[Any, list[str]]:
    """Fit a logit or OLS; separation and convergence problems become warnings/errors."""
    import statsmodels.formula.api as smf
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationError

    problems: list[str] = []
    if not logit:
        return smf.ols(formula, data=data).fit(method="qr"), problems
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = smf.logit(formula, data=data).fit(disp=0, maxiter=200)
        except PerfectSeparationError as exc:
            raise ParameterError(f"perfect separation in the logit {formula!r}: {exc}; drop "
                                 "the separating predictor or fixed effect") from None
        except Exception as exc:  # singular design (e.g. collinear fixed effects)
            if "Singular" in type(exc).__name__ or "singular" in str(exc).lower():
                raise ParameterError(f"the logit {formula!r} has a singular design "
                                     f"(collinear predictors): {exc}") from None
            raise
    for w in caught:
        if issubclass(w.category, ConvergenceWarning) or "separation" in str(w.message).lower():
            problems.append(str(w.message).split("\n")[0])
    if not res.mle_retvals.get("converged", True):
        problems.append("the logit did not converge")
    return res, problems


def _add_multiplicity(coefs: pd.DataFrame, family: pd.Series) -> pd.DataFrame:
    """``p_used`` (bootstrap p where run, else clustered) and Holm/BH over the family rows."""
    import numpy as np

    coefs = coefs.copy()
    coefs["p_used"] = np.where(coefs["p_wild"].notna(), coefs["p_wild"], coefs["p_cluster"])
    coefs["p_holm"] = np.nan
    coefs["p_bh"] = np.nan
    fam = family.to_numpy() & coefs["p_used"].notna().to_numpy()
    if fam.any():
        adj = adjust_pvalues(coefs.loc[fam, "p_used"].to_numpy())
        coefs.loc[fam, "p_holm"] = adj["p_holm"].to_numpy()
        coefs.loc[fam, "p_bh"] = adj["p_bh"].to_numpy()
    coefs["family"] = fam
    return coefs


def _spatial(res: Any, d: pd.DataFrame, outcome: str, terms: list[str], coefs: pd.DataFrame,
             notes: list[str], k: int, cutoff_km: float, seed: int, conley: bool
             ) -> tuple[dict, pd.DataFrame]:
    """Moran's I of the residuals; a Conley SE for ``terms`` when it is significant."""
    import numpy as np
    from scipy import stats

    rows = d.loc[res.model.data.row_labels]
    if is_logit(res):
        p = np.asarray(res.predict(), dtype=float)
        y = np.asarray(res.model.endog, dtype=float)
        resid = (y - p) / np.sqrt(np.clip(p * (1 - p), 1e-12, None))
    else:
        resid = np.asarray(res.resid, dtype=float)
    m = residual_moran(resid, rows["latitude"], rows["longitude"], k=k, seed=seed)
    m = {"outcome": outcome, **m, "conley_cutoff_km": float("nan")}
    if m["p_value"] < 0.05 and conley:
        cov = vcov_conley(res, rows["latitude"], rows["longitude"], cutoff_km=cutoff_km)
        m["conley_cutoff_km"] = cutoff_km
        sel = coefs["outcome"] == outcome
        for col in ("se_conley", "p_conley"):  # .at cannot add a column in pandas >= 3
            if col not in coefs.columns:
                coefs[col] = np.nan
        dist = stats.norm if is_logit(res) else stats.t(float(res.df_resid))
        for i in coefs.index[sel]:
            t = coefs.at[i, "term"]
            se = float(np.sqrt(cov.at[t, t]))
            coefs.at[i, "se_conley"] = se
            coefs.at[i, "p_conley"] = float(2 * dist.sf(abs(coefs.at[i, "coef"] / se)))
        notes.append(
            f"{outcome}: residuals are spatially dependent (Moran's I {m['moran_i']:.3f} on "
            f"{k} nearest neighbours, permutation {p_text(m['p_value'])}); the Conley (1999) "
            f"spatial HAC standard error (uniform kernel, {cutoff_km:.0f} km) is in "
            "se_conley/p_conley as a spatially robust alternative")
    else:
        notes.append(f"{outcome}: no clear spatial dependence of the residuals (Moran's I "
                     f"{m['moran_i']:.3f}, {k} nearest neighbours, permutation "
                     f"{p_text(m['p_value'])})")
    return m, coefs


def _spatial_lines(sp_rows: list[dict], coefs: pd.DataFrame) -> list[str]:
    """Summary lines on spatial dependence of the residuals (and the Conley alternative)."""
    import numpy as np

    lines = []
    for m in sp_rows:
        head = (f"Residuals{'' if m['outcome'] == 'y' else ' of ' + m['outcome']}: Moran's I "
                f"{m['moran_i']:.3f} on {m['k']} nearest neighbours (permutation "
                f"{p_text(m['p_value'])})")
        if np.isfinite(m["conley_cutoff_km"]) and "p_conley" in coefs.columns:
            fam = coefs[(coefs["outcome"] == m["outcome"]) & coefs["family"]]
            parts = [f"{r['label'] if 'label' in fam.columns else r['term']} "
                     f"{p_text(r['p_conley'])}" for _, r in fam.iterrows()
                     if np.isfinite(r["p_conley"])]
            lines.append(head + ": spatially dependent; with Conley standard errors "
                         f"({m['conley_cutoff_km']:.0f} km, unadjusted): " + ", ".join(parts)
                         + ".")
        else:
            lines.append(head + ": no clear spatial dependence.")
    return lines


# --------------------------------------------------------------------------- (a)


def _commitment_frame(signatories: pd.DataFrame, exposure: pd.DataFrame, outcome: str,
                      hazards: dict[str, str], notes: list[str], need_cohort: bool
                      ) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    cols = ["city_id", outcome] + (["adhesion_date"] if need_cohort else [])
    check_table(signatories, cols, "adaptation_commitment signatories")
    check_table(exposure, ["population", "country_iso3", "latitude", "longitude",
                           *hazards.values()], "adaptation_commitment exposure")
    s = signatories[signatories["city_id"].notna()]
    key = s["city_id"].astype("int64")
    per_city = s.groupby(key)[outcome].agg(
        lambda v: bool(pd.Series(v).fillna(False).astype(bool).any()))
    notes.append(f"{len(s)} signatory entries linked to {len(per_city)} gazetteer cities; a "
                 "city commits when any of its entries does")
    d = pd.DataFrame({"y": per_city.astype(int)})
    if need_cohort:
        d["cohort_year"] = pd.to_datetime(s["adhesion_date"], errors="coerce").groupby(
            key).min().dt.year
    ex = exposure.reindex(d.index)
    d["country"] = ex["country_iso3"].astype("string")
    d["population"] = pd.to_numeric(ex["population"], errors="coerce")
    d["latitude"] = pd.to_numeric(ex["latitude"], errors="coerce")
    d["longitude"] = pd.to_numeric(ex["longitude"], errors="coerce")
    for label, col in hazards.items():
        d[f"raw_{_safe_name(label)}"] = pd.to_numeric(ex[col], errors="coerce")
    before = len(d)
    d = d.dropna()
    d = d[d["population"] > 0]
    if len(d) < before:
        notes.append(f"{before - len(d)} cities without exposure, population, location, "
                     "country" + (" or joining date" if need_cohort else "") + " left out")
    d["log_pop"] = np.log(d["population"])
    return d


@single_threaded_blas
def adaptation_commitment(
    signatories: pd.DataFrame | None = None,
    exposure: pd.DataFrame | None = None,
    *,
    outcome: str = "adaptation_commitment",
    hazards: dict[str, Any] | None = None,
    country_effects: bool = True,
    cohort_effects: bool = True,
    model: str = "logit",
    min_per_country: int = 10,
    min_per_cohort: int = 20,
    bootstrap: bool | None = None,
    bootstrap_interval: bool = True,
    B: int = 9999,
    seed: int = 0,
    spatial: bool = True,
    knn: int = 8,
    conley_km: float = 500.0,
) -> Explanation:
    """Test whether more exposed GCoM signatories commit to adaptation more often.

    The question: do Global Covenant of Mayors signatories that face more flood, cyclone
    or earthquake exposure commit to adaptation more often, holding population, country
    and joining cohort fixed?

    Model: a logit (or linear probability model, ``model="lpm"``) of the commitment on the
    standardised exposure to each hazard (z-scores: a coefficient is per standard
    deviation), ``log(population)``, country fixed effects and cohort (joining-year) fixed
    effects. The cohort matters: signatories who joined the Covenant of Mayors 2030 (from
    2015–2016) commit to adaptation by joining, earlier ones did not. One row per gazetteer
    city: a city commits when any of its signatory entries commits; its cohort is the year
    of its first entry. Joining years with fewer than ``min_per_cohort`` cities are pooled
    with the nearest year that has enough.

    Before fitting, :func:`~resilience_analytics.explain.predictor_diagnostics` checks each
    hazard: one that is mostly zeros becomes the stated indicator "any exposure", one that
    is constant, varies in too few countries or separates the outcome is dropped, with a
    note. A country where every or no signatory commits has an infinite fixed effect
    (perfect separation), so its signatories are left out, as are countries with fewer
    than ``min_per_country`` signatories; a joining year where every or no city commits is
    left out in the same way. The linear probability model uses the same sample, so the
    two models compare like with like.

    Inference is clustered by country (CR1), with the score (logit) or wild (LPM) cluster
    bootstrap below 50 countries; the hazard terms form one family for Holm and
    Benjamini–Hochberg adjustment; the summary uses the adjusted bootstrap p-values.

    Parameters
    ----------
    signatories : pandas.DataFrame, optional
        ``ra.networks.gcom_signatories(linked_only=True)`` (default) or any frame with
        ``city_id``, the boolean ``outcome`` and ``adhesion_date`` (for cohorts).
    exposure : pandas.DataFrame, optional
        ``ra.hazards.exposure()`` (default), indexed by ``city_id``, with ``population``,
        ``country_iso3``, ``latitude``, ``longitude`` and the hazard columns.
    outcome : {"adaptation_commitment", "commits_adaptation"}
        Default: the commitment to adaptation as it stands since 2015 (Mayors Adapt or the
        Covenant of Mayors 2030); ``"commits_adaptation"``: the stand-alone Mayors Adapt flag.
    hazards : dict, optional
        Label → exposure column or tuple of candidate columns, the first present used
        (default :data:`ADAPTATION_HAZARDS`).
    country_effects, cohort_effects : bool
        Country and joining-year fixed effects.
    model : {"logit", "lpm"}
    min_per_country, min_per_cohort : int
    bootstrap : bool, optional
        Force the cluster bootstrap on or off (default: below 50 countries).
    bootstrap_interval : bool
        Also invert the bootstrap test for an interval (slower; p-values either way).
    B, seed : int
        Bootstrap draws and seed.
    spatial : bool
        Moran's I of the residuals (and a Conley standard error when significant).
    knn : int
        Neighbours of the Moran weight.
    conley_km : float
        Cutoff of the Conley kernel.

    Returns
    -------
    Explanation

    Raises
    ------
    ParameterError
        Unknown outcome or model, missing columns, an empty selection, an outcome with one
        class, fewer than two countries, no usable hazard, perfect separation.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> res = ra.explain.adaptation_commitment()  # doctest: +SKIP
    >>> print(res.summary)  # doctest: +SKIP
    """
    import numpy as np
    import pandas as pd

    from .._validate import check_choice

    check_choice("outcome", outcome, ("commits_adaptation", "adaptation_commitment"))
    check_choice("model", model, ("logit", "lpm"))
    spec = dict(ADAPTATION_HAZARDS if hazards is None else hazards)
    if not spec:
        raise ParameterError("hazards is empty; give label → exposure column, e.g. "
                             f"{ADAPTATION_HAZARDS}")
    if signatories is None:
        from .. import networks

        signatories = networks.gcom_signatories(linked_only=True)
    if exposure is None:
        from .. import hazards as hz

        exposure = hz.exposure()
    hz_cols = {label: resolve_column(exposure, c) for label, c in spec.items()}
    notes: list[str] = []
    d = _commitment_frame(signatories, exposure, outcome, hz_cols, notes, cohort_effects)
    if len(d) and d["y"].nunique() < 2:
        raise ParameterError(
            f"adaptation_commitment: the outcome {outcome!r} has one class "
            f"({int(d['y'].iloc[0])}) in all {len(d)} cities; a model needs both")
    if cohort_effects:
        counts = d["cohort_year"].value_counts().sort_index()
        ok = counts.index[counts >= min_per_cohort]
        if len(ok) == 0:
            raise ParameterError(f"no joining year has {min_per_cohort} cities; lower "
                                 "min_per_cohort or set cohort_effects=False")
        yr = d["cohort_year"].astype(int).to_numpy()
        okv = np.asarray(ok, dtype=int)
        pooled = okv[np.abs(yr[:, None] - okv[None, :]).argmin(axis=1)]
        if (pooled != yr).any():
            notes.append(f"cohorts: {int((pooled != yr).sum())} cities from joining years "
                         f"with fewer than {min_per_cohort} cities pooled with the nearest "
                         "year")
        d["cohort"] = pooled.astype(str)
        early = d["y"][d["cohort_year"] < 2016].mean()
        late = d["y"][d["cohort_year"] >= 2016].mean()
        notes.append(f"commitment share {100 * early:.0f} % among cities that joined before "
                     f"2016 vs {100 * late:.0f} % from 2016")
    # A fixed-effect group where every or no city commits has an infinite effect (perfect
    # separation; Albert & Anderson 1984) and adds nothing to the within comparison:
    # left out, repeatedly, since dropping one kind of group can empty another.
    dropped = {"country_small": set(), "country": set(), "cohort": set()}
    n_start = len(d)
    for _ in range(20):
        before = len(d)
        if country_effects:
            g = d.groupby("country")["y"].agg(["mean", "size"])
            small = set(g.index[g["size"] < min_per_country])
            novar = set(g.index[(g["size"] >= min_per_country) & g["mean"].isin([0.0, 1.0])])
            dropped["country_small"] |= small
            dropped["country"] |= novar
            d = d[~d["country"].isin(small | novar)]
        if cohort_effects and len(d):
            g = d.groupby("cohort")["y"].mean()
            novar = set(g.index[g.isin([0.0, 1.0])])
            dropped["cohort"] |= novar
            d = d[~d["cohort"].isin(novar)]
        if len(d) == before:
            break
    if country_effects:
        notes.append(
            f"country fixed effects: {len(dropped['country_small'])} countries with fewer "
            f"than {min_per_country} signatories and {len(dropped['country'])} where no or "
            "every signatory commits (perfect separation) left out")
    if cohort_effects:
        notes.append(
            f"cohort (joining-year) fixed effects: {d['cohort'].nunique()} cohorts kept; "
            f"{len(dropped['cohort'])} joining years where no or every city commits "
            f"(perfect separation: {sorted(dropped['cohort'])}) left out")
    if len(d) < n_start:
        notes.append(f"{n_start - len(d)} cities left out in all by these fixed-effect rules")
    if len(d) == 0:
        raise ParameterError("adaptation_commitment: the selection is empty; try "
                             "country_effects=False or a lower min_per_country")
    if d["y"].nunique() < 2:
        raise ParameterError(
            f"adaptation_commitment: the outcome {outcome!r} has one class "
            f"({int(d['y'].iloc[0])}) in the {len(d)} cities left; a model needs both")
    n_countries = int(d["country"].nunique())
    if n_countries < 2:
        raise ParameterError(
            f"adaptation_commitment: {n_countries} country left; clustered inference needs "
            "at least 2 clusters")
    share = d["country"].value_counts(normalize=True)
    notes.append(f"clusters: {n_countries} countries; the largest ({share.index[0]}) holds "
                 f"{100 * share.iloc[0]:.0f} % of the cities and the two largest "
                 f"{100 * share.iloc[:2].sum():.0f} %"
                 + ("; with such unequal clusters the clustered t-test is unreliable and "
                    "the bootstrap is the safer guide (MacKinnon & Webb 2017)"
                    if share.iloc[0] > 0.2 else ""))
    raw = {label: f"raw_{_safe_name(label)}" for label in hz_cols}
    diag = predictor_diagnostics(d, raw, cluster="country", outcome="y")
    diag["column"] = diag["label"].map(hz_cols)
    diag["message"] = [m.replace(raw[lab], col) for m, lab, col in
                       zip(diag["message"], diag["label"], diag["column"], strict=True)]
    terms, labels = [], {}
    for _, r in diag.iterrows():
        notes.append("diagnostics: " + r["message"])
        src = d[raw[r["label"]]]
        if r["action"] == "keep":
            name = f"z_{_safe_name(r['label'])}"
            d[name] = _zscore(src)
        elif r["action"] == "indicator":
            name = f"any_{_safe_name(r['label'])}"
            d[name] = (src > 0).astype(int)
        else:
            continue
        terms.append(name)
        labels[name] = r["label"]
    if not terms:
        raise ParameterError("adaptation_commitment: no hazard predictor is usable "
                             f"({diag['message'].tolist()})")
    fe = (["C(country)"] if country_effects else []) + (["C(cohort)"] if cohort_effects
                                                        else [])
    rhs = " + ".join([*terms, "log_pop", *fe])
    formula = f"y ~ {rhs}"
    logit = model == "logit"
    res, problems = _fit(formula, d, logit)
    coefs = inference_table(res, [*terms, "log_pop"], d["country"], outcome="y",
                            bootstrap=bootstrap, B=B, seed=seed,
                            bootstrap_interval=bootstrap_interval)
    if problems:
        coefs["warning"] = [("; ".join([w, *problems]) if w else "; ".join(problems))
                            for w in coefs["warning"]]
    coefs.insert(2, "label", coefs["term"].map(labels).fillna("log population"))
    coefs.insert(3, "column", coefs["term"].map(
        {t: hz_cols[lab] for t, lab in labels.items()}).fillna("population"))
    coefs = _add_multiplicity(coefs, coefs["term"].isin(terms))
    sp_rows = []
    if spatial:
        m, coefs = _spatial(res, d, "y", [*terms, "log_pop"], coefs, notes, knn, conley_km,
                            seed, True)
        sp_rows.append(m)
    v = vif(d, rhs, [*terms, "log_pop"])
    v.insert(0, "outcome", "y")
    fam = coefs[coefs["family"]]
    kind = "odds ratio" if logit else "change in the probability of committing"
    lines = [
        f"Among GCoM signatory cities ({sample_text(len(d), n_countries)}; "
        f"{100 * d['y'].mean():.1f} % commit: {outcome}), holding log population"
        + (", country" if country_effects else "")
        + (" and joining cohort" if cohort_effects else "") + " fixed "
        + f"({'logit' if logit else 'linear probability model'}):"]
    for _, r in fam.iterrows():
        if logit:
            est = (f"odds ratio {r['odds_ratio']:.2f} (95 % CI {r['or_low']:.2f}–"
                   f"{r['or_high']:.2f}, clustered by country)")
        else:
            est = (f"{kind} {r['coef']:+.3f} (95 % CI {r['ci_low']:.3f}–{r['ci_high']:.3f}, "
                   "clustered by country)")
        what = (f"any {r['label']} exposure ({r['column']} > 0)" if r["term"].startswith("any_")
                else f"one standard deviation more {r['label']} exposure ({r['column']})")
        src = "bootstrap" if pd.notna(r["p_wild"]) else "clustered"
        lines.append(f"- {what}: {est}, {src} {p_text(r['p_used'])}; "
                     + verdict(r, len(fam)) + ".")
        if r["warning"]:
            lines.append(f"  warning: {r['warning']}")
    for _, r in diag[diag["action"] == "drop"].iterrows():
        lines.append(f"- not estimated: {r['message']}.")
    lines.extend(_spatial_lines(sp_rows, coefs))
    lines.append("Associations in observational data, not causal effects; standard errors "
                 "clustered by country.")
    return Explanation(
        question=("Do GCoM signatories facing more flood, cyclone or earthquake exposure "
                  "commit to adaptation more often?"),
        coefficients=coefs, diagnostics=diag, spatial=pd.DataFrame(sp_rows), vif=v,
        models={"y": res}, data=d, formulas={"y": formula}, n=len(d), clusters=n_countries,
        notes=notes, summary="\n".join(lines),
    )


@single_threaded_blas
def commitment_robustness(
    signatories: pd.DataFrame | None = None,
    exposure: pd.DataFrame | None = None,
    *,
    outcome: str = "adaptation_commitment",
    B: int = 1999,
    seed: int = 0,
) -> pd.DataFrame:
    """Fit the adaptation-commitment model under alternative specifications, side by side.

    Specifications: the baseline (logit, country and cohort fixed effects, main hazard
    measures); without cohort effects; without country effects; with the alternative hazard
    measures (:data:`ALTERNATIVE_HAZARDS`: severity-weighted floods, hurricane-force storms,
    475-year PGA); and the linear probability model (wild cluster bootstrap). Each row
    gives the clustered estimate and the bootstrap p-value (no interval, for speed); a
    hazard that the predictor diagnostics dropped in a specification gets a row whose
    ``warning`` says why, with no estimate.

    Parameters
    ----------
    signatories, exposure, outcome
        As :func:`adaptation_commitment`.
    B, seed : int
        Bootstrap draws and seed.

    Returns
    -------
    pandas.DataFrame
        ``spec, model, label, column, term, coef, se_cluster, p_cluster, p_used, p_holm,
        p_bh, n, clusters, pseudo_r2, warning``.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.explain.commitment_robustness()  # doctest: +SKIP
    """
    import pandas as pd

    if signatories is None:
        from .. import networks

        signatories = networks.gcom_signatories(linked_only=True)
    if exposure is None:
        from .. import hazards as hz

        exposure = hz.exposure()
    specs = [
        ("baseline (country + cohort FE)", {}),
        ("no cohort FE", {"cohort_effects": False}),
        ("no country FE (cohort FE)", {"country_effects": False}),
        ("alternative hazard measures", {"hazards": ALTERNATIVE_HAZARDS}),
        ("linear probability model", {"model": "lpm"}),
    ]
    rows = []
    for name, kw in specs:
        try:
            res = adaptation_commitment(signatories, exposure, outcome=outcome, B=B, seed=seed,
                                        spatial=False, bootstrap_interval=False, **kw)
        except ParameterError as exc:
            rows.append(pd.DataFrame([{"spec": name, "model": kw.get("model", "logit"),
                                       "label": "", "warning": f"not estimated: {exc}"}]))
            continue
        c = res.coefficients[res.coefficients["family"]].copy()
        c.insert(0, "spec", name)
        c.insert(1, "model", kw.get("model", "logit"))
        m = res.models["y"]
        c["pseudo_r2"] = float(m.prsquared) if hasattr(m, "prsquared") else float(m.rsquared)
        rows.append(c)
        dropped = res.diagnostics[res.diagnostics["action"] == "drop"]
        if len(dropped):  # say which hazards this specification could not estimate
            rows.append(pd.DataFrame({
                "spec": name, "model": kw.get("model", "logit"), "label": dropped["label"],
                "column": dropped["column"], "n": res.n, "clusters": res.clusters,
                "warning": "not estimated: " + dropped["message"]}))
    cols = ["spec", "model", "label", "column", "term", "coef", "se_cluster", "p_cluster",
            "p_used", "p_holm", "p_bh", "n", "clusters", "pseudo_r2", "warning"]
    out = pd.concat(rows, ignore_index=True)
    return out.reindex(columns=cols)


# --------------------------------------------------------------------------- (b)


def _region(timezone: pd.Series) -> pd.Series:
    return timezone.astype("string").str.split("/").str[0]


@single_threaded_blas
def network_exposure(
    exposure: pd.DataFrame | None = None,
    memberships: pd.DataFrame | None = None,
    *,
    networks: tuple[str, ...] = ("100rc", "c40"),
    outcomes: tuple | list = EXPOSURE_OUTCOMES,
    effects: str = "country",
    min_population: float | None = None,
    transform: str = "log1p",
    bootstrap: bool | None = None,
    bootstrap_interval: bool = False,
    B: int = 9999,
    seed: int = 0,
    spatial: bool = True,
    knn: int = 8,
    conley_km: float = 200.0,
) -> Explanation:
    """Compare the exposure of 100 Resilient Cities and C40 members with similar cities.

    For each outcome, an OLS regression of the standardised (z-score) exposure on one
    membership dummy per network, ``log(population)`` and country (or region) fixed
    effects, over members and non-members of similar size: cities at least as large as
    the smallest member (or ``min_population``). A coefficient is how many standard
    deviations more exposed members are than non-members of the same size in the same
    country (region). Inference is clustered by country (CR1). Membership is concentrated
    in few countries (about 50 of 186 hold a member of each network), the case where
    clustered t-tests mislead however many clusters there are (MacKinnon & Webb 2017), so
    the membership terms always get the wild cluster bootstrap p-value (``bootstrap=None``;
    ``False`` turns it off; intervals by test inversion only with
    ``bootstrap_interval=True``, which is slow on 26,000 cities). The membership tests of
    all outcomes form one family for Holm and Benjamini–Hochberg adjustment. Residuals of
    exposure are strongly spatially dependent, so a Conley standard error (cutoff
    ``conley_km``) is added when Moran's I says so.

    Parameters
    ----------
    exposure : pandas.DataFrame, optional
        ``ra.hazards.exposure()`` (default), indexed by ``city_id``.
    memberships : pandas.DataFrame, optional
        ``ra.networks.memberships()`` (default): ``city_id, network``.
    networks : tuple of str
        Network codes compared.
    outcomes : sequence
        Exposure columns, each a name or a tuple of candidates (first present used;
        default :data:`EXPOSURE_OUTCOMES`).
    effects : {"country", "region", "none"}
        Fixed effects; a region is the first part of the city's time zone.
    min_population : float, optional
        Smallest city kept (default: the smallest member's population).
    transform : {"log1p", "none"}
        Applied to the outcome before standardising.
    bootstrap, bootstrap_interval, B, seed, spatial, knn, conley_km
        As :func:`adaptation_commitment`.

    Returns
    -------
    Explanation
        ``coefficients`` has one row per (outcome, term).

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> res = ra.explain.network_exposure()  # doctest: +SKIP
    >>> res.coefficients[["outcome", "term", "coef", "p_value", "p_holm"]]  # doctest: +SKIP
    """
    import numpy as np
    import pandas as pd

    from .._validate import check_choice

    check_choice("effects", effects, ("country", "region", "none"))
    check_choice("transform", transform, ("log1p", "none"))
    if not networks:
        raise ParameterError("networks is empty; choose from '100rc', 'c40', 'gcom', 'rcn'")
    outcomes = list(outcomes)
    if not outcomes:
        raise ParameterError(f"outcomes is empty; e.g. {list(EXPOSURE_OUTCOMES)}")
    if exposure is None:
        from .. import hazards as hz

        exposure = hz.exposure()
    if memberships is None:
        from .. import networks as nw

        memberships = nw.memberships()
    outcomes = [resolve_column(exposure, o) for o in outcomes]
    check_table(exposure, ["population", "country_iso3", "latitude", "longitude", *outcomes],
                "network_exposure")
    check_table(memberships, ["city_id", "network"], "network_exposure memberships")
    known = set(memberships["network"].astype(str))
    for net in networks:
        if net not in known:
            raise ParameterError(f"network {net!r} is not in the memberships; choose from "
                                 f"{sorted(known)}")
    notes: list[str] = []
    d = pd.DataFrame(index=exposure.index)
    d["population"] = pd.to_numeric(exposure["population"], errors="coerce")
    d["country"] = exposure["country_iso3"].astype("string")
    d["latitude"] = pd.to_numeric(exposure["latitude"], errors="coerce")
    d["longitude"] = pd.to_numeric(exposure["longitude"], errors="coerce")
    if effects == "region":
        if "timezone" in exposure.columns:
            tz = exposure["timezone"]
        else:
            from .. import cities

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
    d = d[(d["population"] >= floor) & d["country"].notna() & d["latitude"].notna()
          & d["longitude"].notna()]
    notes.append(f"comparison pool: {len(d):,} of {before:,} cities with population >= "
                 f"{floor:,.0f}" + (" (the smallest member)" if min_population is None
                                    else "") + " and a known country and location")
    for net, col in zip(networks, member_cols, strict=True):
        notes.append(f"{net}: {int(d[col].sum())} members in the pool")
    d["log_pop"] = np.log(d["population"])
    fe = {"country": " + C(country)", "region": " + C(region)", "none": ""}[effects]
    group = {"country": "country", "region": "region", "none": None}[effects]
    models, formulas, tables, vifs, sp_rows = {}, {}, [], [], []
    diag_rows = []
    for out in outcomes:
        y = pd.to_numeric(exposure[out].reindex(d.index), errors="coerce")
        if transform == "log1p":
            y = np.log1p(y.clip(lower=0))
        yname = f"y_{_safe_name(out)}"
        d[yname] = y
        sub = d.dropna(subset=[yname, "log_pop"] + ([group] if group else []))
        dg = predictor_diagnostics(sub, {out: yname}, cluster="country")
        dg["column"] = out
        diag_rows.append(dg)
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
        const = [c for c in member_cols if sub[c].nunique() < 2]
        if const:
            raise ParameterError(f"network_exposure: membership {const} is constant in the "
                                 f"pool for {out}; no comparison is possible")
        d[yname] = np.nan
        d.loc[sub.index, yname] = _zscore(sub[yname])
        sub = d.loc[sub.index]
        rhs = " + ".join([*member_cols, "log_pop"]) + fe
        formula = f"{yname} ~ {rhs}"
        res, _ = _fit(formula, sub, logit=False)
        models[out] = res
        formulas[out] = formula
        if sub["country"].nunique() < 2:
            raise ParameterError(f"network_exposure: the pool for {out} has "
                                 f"{sub['country'].nunique()} country; clustered inference "
                                 "needs at least 2")
        tab = inference_table(res, [*member_cols, "log_pop"], sub["country"], outcome=out,
                              bootstrap=True if bootstrap is None else bootstrap, B=B,
                              seed=seed, bootstrap_interval=bootstrap_interval,
                              bootstrap_terms=member_cols)
        tables.append(tab)
        v = vif(sub, rhs, [*member_cols, "log_pop"])
        v.insert(0, "outcome", out)
        vifs.append(v)
    if not models:
        raise ParameterError("network_exposure: no outcome varies in the comparison pool")
    coefs = pd.concat(tables, ignore_index=True)
    coefs = _add_multiplicity(coefs, coefs["term"].isin(member_cols))
    if spatial:
        for out, res in models.items():
            m, coefs = _spatial(res, d, out, [*member_cols, "log_pop"], coefs, notes, knn,
                                conley_km, seed, True)
            sp_rows.append(m)
    G = int(d.loc[models[next(iter(models))].model.data.row_labels, "country"].nunique())
    fam = coefs[coefs["family"]]
    n_fit = max(int(r.nobs) for r in models.values())
    lines = [
        f"Members compared with cities of at least {floor:,.0f} inhabitants "
        f"({sample_text(n_fit, G)}), holding log population"
        + {"country": " and country fixed", "region": " and world region fixed",
           "none": " fixed"}[effects]
        + f" (outcomes {'log(1 + x), ' if transform == 'log1p' else ''}in standard "
        f"deviations; {len(fam)} membership tests form one family):"]
    for net, col in zip(networks, member_cols, strict=True):
        parts = []
        for _, r in fam[fam["term"] == col].iterrows():
            tag = "more" if r["coef"] > 0 else "less"
            src = "bootstrap" if pd.notna(r["p_wild"]) else "clustered"
            parts.append(f"{r['outcome']} {abs(r['coef']):.2f} SD {tag} ({src} "
                         f"{p_text(r['p_used'])}; {verdict(r, len(fam))})")
        lines.append(f"- {net} members: " + "; ".join(parts) + ".")
    if sp_rows:
        dep = [m for m in sp_rows if np.isfinite(m["conley_cutoff_km"])]
        if dep:
            lines.append(
                f"Residuals are spatially dependent for {len(dep)} of {len(sp_rows)} outcomes "
                f"(Moran's I {min(m['moran_i'] for m in dep):.2f}–"
                f"{max(m['moran_i'] for m in dep):.2f}); Conley standard errors "
                f"({conley_km:.0f} km) are in the table (se_conley, p_conley).")
        else:
            lines.append("No clear spatial dependence of the residuals (Moran's I).")
    lines.append("Standard errors clustered by country; members chose to join, so these "
                 "are descriptions, not causal effects.")
    return Explanation(
        question=("Are 100 Resilient Cities and C40 members more exposed than comparable "
                  "cities of similar size?"),
        coefficients=coefs, diagnostics=pd.concat(diag_rows, ignore_index=True),
        spatial=pd.DataFrame(sp_rows), vif=pd.concat(vifs, ignore_index=True), models=models,
        data=d, formulas=formulas, n=n_fit, clusters=G, notes=notes, summary="\n".join(lines),
    )
