"""Tests of ra.explain: models match direct statsmodels fits, covariances match R's sandwich,
the bootstrap and multiplicity tables behave, summaries use careful wording."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

import resilience_analytics as ra
from resilience_analytics.errors import ParameterError

FIXTURES = Path(__file__).parent / "fixtures"
B_FAST = 199  # bootstrap draws in tests (the library default is 9999)


def fictional_exposure(n: int = 400, seed: int = 3) -> pd.DataFrame:
    """Fictional cities (ids 1..n) in fictional countries with invented hazards."""
    rng = np.random.default_rng(seed)
    t = pd.DataFrame(index=pd.Index(np.arange(1, n + 1), name="city_id"))
    t["name"] = [f"Example City {i}" for i in t.index]
    countries = [f"X{a}{a}" for a in "ABCDEFGHIJKL"]
    t["country_iso3"] = rng.choice(countries, n)
    t.loc[1, "country_iso3"] = "XSG"  # a country with a single city
    centre = {c: (40 + 2 * i, 2 * i) for i, c in enumerate([*countries, "XSG"])}
    t["latitude"] = [centre[c][0] + rng.normal() for c in t["country_iso3"]]
    t["longitude"] = [centre[c][1] + rng.normal() for c in t["country_iso3"]]
    t["population"] = rng.integers(20_000, 3_000_000, n)
    t["fl_count"] = rng.poisson(5, n)
    t["tc_storms_any_per_year"] = rng.gamma(1.0, 0.2, n)
    t["eq_count_m6"] = rng.poisson(1, n)
    t["ts_count"] = rng.poisson(0.5, n)
    t["country_level"] = t["country_iso3"].map({c: float(i) for i, c in
                                                enumerate([*countries, "XSG"])})
    t["timezone"] = np.where(t["country_iso3"].isin(countries[:6]), "Europe/Example",
                             "Asia/Example")
    return t


def fictional_signatories(exposure: pd.DataFrame, seed: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ids = exposure.index[exposure["country_iso3"] != "XSG"]
    x = np.log1p(exposure.loc[ids, "fl_count"].to_numpy())
    year = rng.choice(np.arange(2008, 2021), len(ids))
    p = 1 / (1 + np.exp(-(-1.0 + 0.8 * (x - x.mean()) + 1.5 * (year >= 2016))))
    commits = rng.random(len(ids)) < p
    s = pd.DataFrame({"city_id": pd.array(ids, dtype="Int64"), "commits_adaptation": commits,
                      "adaptation_commitment": commits,
                      "adhesion_date": pd.to_datetime([f"{y}-06-01" for y in year])})
    # a country where nobody commits (perfect separation under country fixed effects)
    s.loc[exposure.loc[ids, "country_iso3"].to_numpy() == "XLL",
          ["commits_adaptation", "adaptation_commitment"]] = False
    # one unlinked signatory
    return pd.concat([s, pd.DataFrame({"city_id": pd.array([pd.NA], dtype="Int64"),
                                       "commits_adaptation": [True],
                                       "adaptation_commitment": [True],
                                       "adhesion_date": [pd.Timestamp("2015-01-01")]})],
                     ignore_index=True)


@pytest.fixture(scope="module")
def commitment():
    ex = fictional_exposure()
    return ra.explain.adaptation_commitment(fictional_signatories(ex), ex, B=B_FAST)


# ------------------------------------------------------------------ conformance with R


def _r_expected() -> pd.DataFrame:
    e = pd.read_csv(FIXTURES / "sandwich_expected.csv", skipinitialspace=True)
    e["row"] = e["row"].str.strip().replace({"(Intercept)": "Intercept"})
    e["col"] = e["col"].str.strip().replace({"(Intercept)": "Intercept"})
    return e


@pytest.mark.parametrize("model", ["ols", "logit"])
def test_hc3_and_clustered_covariances_match_r_sandwich(model):
    """Fixtures from tests/fixtures/sandwich_expected.R (R 4.2.2, sandwich 3.0.2)."""
    d = pd.read_csv(FIXTURES / "sandwich_data.csv")
    if model == "ols":
        res = smf.ols("y ~ x1 + x2", d).fit()
        hc3 = ra.explain.hc3_ols(res)
    else:
        res = smf.logit("yb ~ x1 + x2", d).fit(disp=0, method="newton", tol=1e-14,
                                                maxiter=100)
        hc3 = ra.explain.hc3_logit(res)
    cl = ra.explain.vcov_cluster(res, d["cluster"])
    e = _r_expected()
    e = e[e["model"] == model]
    assert len(e) == 18
    for _, r in e.iterrows():
        ours = (hc3 if r["cov"] == "hc3" else cl).loc[r["row"], r["col"]]
        assert ours == pytest.approx(r["value"], rel=1e-8, abs=1e-12), (r["cov"], r["row"])
        assert res.params[r["row"]] == pytest.approx(r["coef_row"], rel=1e-8)
    # the clustered covariance differs from HC3 here: the fixture can tell them apart
    assert not np.allclose(hc3, cl, rtol=1e-3)


def test_unsupported_models_are_refused():
    d = pd.read_csv(FIXTURES / "sandwich_data.csv")
    probit = smf.glm("yb ~ x1", d, family=sm.families.Binomial(
        link=sm.families.links.Probit())).fit()
    with pytest.raises(ParameterError, match="not supported"):
        ra.explain.vcov_cluster(probit, d["cluster"])
    wls = smf.wls("y ~ x1", d, weights=np.arange(1, 81)).fit()
    with pytest.raises(ParameterError, match="not supported"):
        ra.explain.vcov_cluster(wls, d["cluster"])
    glm = smf.glm("yb ~ x1 + x2", d, family=sm.families.Binomial()).fit()
    logit = smf.logit("yb ~ x1 + x2", d).fit(disp=0)
    np.testing.assert_allclose(ra.explain.vcov_cluster(glm, d["cluster"]),
                               ra.explain.vcov_cluster(logit, d["cluster"]), rtol=1e-6)


def test_sandwich_fixture_data_is_reproducible():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_sandwich_data",
                                                  FIXTURES / "make_sandwich_data.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    pd.testing.assert_frame_equal(mod.make(), pd.read_csv(FIXTURES / "sandwich_data.csv"))


def test_vcov_cluster_errors():
    d = pd.read_csv(FIXTURES / "sandwich_data.csv")
    res = smf.ols("y ~ x1 + x2", d).fit()
    with pytest.raises(ParameterError, match="at least 2 clusters"):
        ra.explain.vcov_cluster(res, np.repeat("XA", len(d)))
    with pytest.raises(ParameterError, match="has 3 values"):
        ra.explain.vcov_cluster(res, ["a", "b", "c"])
    g = d["cluster"].astype(object)
    g.iloc[0] = None
    with pytest.raises(ParameterError, match="missing"):
        ra.explain.vcov_cluster(res, g)


# ------------------------------------------------------------------ bootstrap


def _clustered_ols(beta: float, G: int = 20, m: int = 15, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = np.repeat(np.arange(G), m)
    d = pd.DataFrame({"g": g, "x": rng.normal(size=G)[g] + rng.normal(size=G * m)})
    d["y"] = beta * d["x"] + rng.normal(size=G)[g] * 2 + rng.normal(size=G * m)
    return d


def test_wild_cluster_bootstrap_interval_inverts_its_test():
    d = _clustered_ols(0.4)
    res = smf.ols("y ~ x", d).fit()
    out = ra.explain.wild_cluster_bootstrap(res, d["g"], "x", B=999, seed=1)
    assert out["weights"] == "rademacher" and out["clusters"] == 20
    lo, hi = out["ci_low"], out["ci_high"]
    assert lo < res.params["x"] < hi
    # at the bounds, the test of beta = bound on y - bound * x has p close to 0.05
    for b0 in (lo, hi):
        shifted = d.assign(y=d["y"] - b0 * d["x"])
        p = ra.explain.wild_cluster_bootstrap(smf.ols("y ~ x", shifted).fit(), d["g"], "x",
                                              B=999, seed=1, level=None)["p_value"]
        assert 0.03 < p < 0.08


def test_wild_bootstrap_size_under_the_null():
    """With beta = 0 the bootstrap rejects at 5 % in about 5 % of data sets."""
    rejections = 0
    for s in range(40):
        d = _clustered_ols(0.0, G=12, m=10, seed=100 + s)
        p = ra.explain.wild_cluster_bootstrap(smf.ols("y ~ x", d).fit(), d["g"], "x",
                                              B=199, seed=s, level=None)["p_value"]
        rejections += p < 0.05
    assert rejections <= 6  # binomial(40, 0.05): P(X > 6) < 0.01


def test_score_bootstrap_logit_detects_effect_and_not_null():
    rng = np.random.default_rng(5)
    G, m = 25, 30
    g = np.repeat(np.arange(G), m)
    d = pd.DataFrame({"g": g, "x": rng.normal(size=G * m), "z": rng.normal(size=G * m)})
    eta = 0.6 * d["x"] + rng.normal(size=G)[g] * 0.5
    d["y"] = (rng.random(G * m) < 1 / (1 + np.exp(-eta))).astype(int)
    res = smf.logit("y ~ x + z", d).fit(disp=0)
    fx = ra.explain.score_bootstrap_logit(res, d["g"], "x", B=999)
    fz = ra.explain.score_bootstrap_logit(res, d["g"], "z", B=999, level=None)
    assert fx["p_value"] < 0.01 and fz["p_value"] > 0.05
    assert fx["ci_low"] < res.params["x"] < fx["ci_high"]
    with pytest.raises(ParameterError, match="logit"):
        ra.explain.score_bootstrap_logit(smf.ols("y ~ x", d).fit(), d["g"], "x")
    with pytest.raises(ParameterError, match="linear"):
        ra.explain.wild_cluster_bootstrap(res, d["g"], "x")


def test_score_bootstrap_strong_effect_of_a_large_scale_regressor():
    """A log-population-like regressor (mean 11) with a strong effect: the restricted fit
    moves far from the unrestricted one (a warm start from it once diverged, p = 0.92)."""
    rng = np.random.default_rng(11)
    sizes = [300, 250, *([40] * 18)]  # two dominant clusters, as Italy and Spain in GCoM
    g = np.repeat(np.arange(len(sizes)), sizes)
    d = pd.DataFrame({"g": g, "lp": rng.normal(11, 1, len(g))})
    eta = -6.6 + 0.6 * d["lp"] + rng.normal(size=len(sizes))[g] * 0.3
    d["y"] = (rng.random(len(g)) < 1 / (1 + np.exp(-eta))).astype(int)
    res = smf.logit("y ~ lp + C(g)", d).fit(disp=0)
    out = ra.explain.score_bootstrap_logit(res, d["g"], "lp", B=999)
    assert out["p_value"] < 0.01
    assert out["ci_low"] < res.params["lp"] < out["ci_high"]


def test_score_bootstrap_size_under_the_null():
    rejections = 0
    for s in range(40):
        rng = np.random.default_rng(300 + s)
        g = np.repeat(np.arange(12), 25)
        d = pd.DataFrame({"g": g, "x": rng.normal(size=12)[g] + rng.normal(size=300)})
        eta = rng.normal(size=12)[g] * 0.5
        d["y"] = (rng.random(300) < 1 / (1 + np.exp(-eta))).astype(int)
        res = smf.logit("y ~ x", d).fit(disp=0)
        p = ra.explain.score_bootstrap_logit(res, d["g"], "x", B=199, seed=s,
                                             level=None)["p_value"]
        rejections += p < 0.05
    assert rejections <= 6  # binomial(40, 0.05): P(X > 6) < 0.01


def test_inference_table_few_clusters_and_separation_are_named():
    d = _clustered_ols(0.5, G=6, m=20)
    t = ra.explain.inference_table(smf.ols("y ~ x", d).fit(), ["x"], d["g"], B=299,
                                   bootstrap_interval=False)
    assert "only 6 clusters" in t.loc[0, "warning"]
    assert t.loc[0, "p_wild"] == t.loc[0, "p_wild"]  # run (Webb weights), not NaN
    assert "webb" in t.loc[0, "bootstrap"]
    # quasi-complete separation: x > 0.5 always commits
    rng = np.random.default_rng(4)
    g = np.repeat(np.arange(15), 20)
    e = pd.DataFrame({"g": g, "x": rng.normal(size=300), "z": rng.normal(size=300)})
    e["d"] = (e["x"] > 0.5).astype(int)
    e["y"] = np.where(e["d"] == 1, 1, (rng.random(300) < 0.3).astype(int))
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = smf.logit("y ~ d + z", e).fit(disp=0, maxiter=100)
    t = ra.explain.inference_table(res, ["d", "z"], e["g"], B=99)
    assert t["warning"].str.contains("quasi-separation").all()
    assert t["bootstrap"].str.startswith("not run: quasi-separation").all()
    assert t[["coef", "se_cluster"]].notna().all().all()


def test_webb_weights_below_twelve_clusters():
    d = _clustered_ols(0.5, G=8, m=20)
    out = ra.explain.wild_cluster_bootstrap(smf.ols("y ~ x", d).fit(), d["g"], "x", B=299,
                                            level=None)
    assert out["weights"] == "webb"


# ------------------------------------------------------------------ multiplicity


def test_adjust_pvalues_matches_holm_and_bh_by_hand():
    p = np.array([0.045, 0.2, 0.01, 0.5])
    t = ra.explain.adjust_pvalues(p)
    # Holm: sorted 0.01, 0.045, 0.2, 0.5 times 4, 3, 2, 1 with running max
    assert t["p_holm"].tolist() == pytest.approx([0.135, 0.4, 0.04, 0.5])
    # BH: p * m / rank with running min from the top
    assert t["p_bh"].tolist() == pytest.approx([0.09, 0.26666667, 0.04, 0.5])
    with pytest.raises(ParameterError, match=r"\[0, 1\]"):
        ra.explain.adjust_pvalues([0.1, np.nan])


# ------------------------------------------------------------------ diagnostics


def test_predictor_diagnostics_rules():
    rng = np.random.default_rng(0)
    n = 300
    d = pd.DataFrame({"country": rng.choice(list("ABCDEFG"), n), "y": rng.integers(0, 2, n)})
    d["dense"] = rng.normal(size=n)
    d["sparse"] = np.where(rng.random(n) < 0.1, rng.gamma(1, 1, n), 0.0)
    d["flat"] = 3.0
    d["sep"] = d["y"] * 2.0 + rng.random(n) * 0.5  # threshold at 1 splits y
    d["one_country"] = np.where(d["country"] == "A", rng.normal(size=n), 0.0) + 0
    t = ra.explain.predictor_diagnostics(
        d, ["dense", "sparse", "flat", "sep"], outcome="y").set_index("column")
    assert t.loc["dense", "action"] == "keep"
    assert t.loc["sparse", "action"] == "indicator"
    assert t.loc["sparse", "share_zero"] == pytest.approx((d["sparse"] == 0).mean())
    assert "indicator" in t.loc["sparse", "message"]
    assert t.loc["flat", "action"] == "drop" and "constant" in t.loc["flat", "message"]
    assert t.loc["sep", "action"] == "drop" and "separation" in t.loc["sep", "message"]
    assert t.loc["dense", "clusters_varying"] == 7


# ------------------------------------------------------------------ commitment model


def test_adaptation_commitment_matches_direct_logit_and_r_style_errors(commitment):
    res = commitment
    assert "XLL" not in set(res.data["country"])  # no variation: separation, left out
    assert any("perfect separation" in n for n in res.notes)
    direct = smf.logit(res.formulas["y"], data=res.data).fit(disp=0, maxiter=200)
    assert "C(cohort)" in res.formulas["y"] and "C(country)" in res.formulas["y"]
    c = res.coefficients.set_index("term")
    for term in c.index:
        assert c.loc[term, "coef"] == pytest.approx(direct.params[term], rel=1e-6)
    # HC3 from statsmodels' own GLM hat values (independent of ra.explain's algebra)
    glm = smf.glm(res.formulas["y"], data=res.data, family=sm.families.Binomial()).fit()
    h = glm.get_influence().hat_matrix_diag
    X = np.asarray(glm.model.exog)
    e = (np.asarray(glm.model.endog) - np.asarray(glm.fittedvalues)) / (1 - h)
    bread = glm.cov_params().to_numpy()
    cov = bread @ (X * e[:, None] ** 2).T @ X @ bread
    se = pd.Series(np.sqrt(np.diag(cov)), index=glm.params.index)
    assert c.loc["z_flood", "se_hc3"] == pytest.approx(se["z_flood"], rel=1e-4)
    # clustered = statsmodels' cluster covariance of the GLM (CR1, same correction)
    cl = smf.glm(res.formulas["y"], data=res.data, family=sm.families.Binomial()).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(res.data["country"])[0]})
    # R's vcovCL default for a GLM is type "HC0": G/(G-1) only, no (n-1)/(n-k) factor
    n, k = res.models["y"].model.exog.shape
    assert c.loc["z_flood", "se_cluster"] == pytest.approx(
        cl.bse["z_flood"] * np.sqrt((n - k) / (n - 1)), rel=1e-4)
    assert c.loc["z_flood", "std_err"] == c.loc["z_flood", "se_cluster"]
    assert c.loc["z_flood", "clusters"] == res.clusters == res.data["country"].nunique()
    assert c.loc["z_flood", "coef"] > 0  # the fictional data were drawn with a flood effect
    # fewer than 50 clusters: score bootstrap p-values and intervals on every row
    assert c["p_wild"].notna().all() and c["wild_ci_low"].notna().all()
    assert c.loc["z_flood", "bootstrap"].startswith("score bootstrap")
    # the hazard terms form the family; log population is not in it
    fam = res.coefficients[res.coefficients["family"]]
    assert set(fam["term"]) <= {"z_flood", "z_cyclone", "z_earthquake", "any_flood",
                                "any_cyclone", "any_earthquake"}
    adj = ra.explain.adjust_pvalues(fam["p_used"])
    np.testing.assert_allclose(fam["p_holm"], adj["p_holm"])
    assert res.coefficients.loc[res.coefficients["term"] == "log_pop", "p_holm"].isna().all()
    assert (res.coefficients["warning"].fillna("") == "").all()
    fig = res.residual_plot()
    assert fig.axes[0].get_ylabel() == "Pearson residual"


def test_adaptation_commitment_sparse_predictor_becomes_indicator(commitment):
    # tc_storms_any_per_year is gamma (no zeros): kept; make it sparse and see it change
    ex = fictional_exposure()
    ex["tc_storms_any_per_year"] = np.where(np.arange(len(ex)) % 10 == 0,
                                            0.1 + np.arange(len(ex)) / 1000, 0.0)
    res = ra.explain.adaptation_commitment(fictional_signatories(ex), ex, bootstrap=False,
                                           spatial=False)
    assert "any_cyclone" in res.coefficients["term"].tolist()
    row = res.diagnostics.set_index("label").loc["cyclone"]
    assert row["action"] == "indicator" and row["share_zero"] == pytest.approx(0.9, abs=0.02)
    assert any("indicator 'any cyclone exposure'" in n for n in res.notes)
    assert "any cyclone exposure (tc_storms_any_per_year > 0)" in res.summary
    assert "z_cyclone" in commitment.coefficients["term"].tolist()


def test_models_use_hazard_v2_contract_columns_when_present():
    ex = fictional_exposure().rename(columns={
        "fl_count": "fl_rate", "tc_storms_any_per_year": "tc_rate_34kt",
        "eq_count_m6": "eq_rate_pga_0p1g", "ts_count": "ts_events_observed"})
    ex["fl_rate"] = ex["fl_rate"] / 35
    s = fictional_signatories(fictional_exposure())
    res = ra.explain.adaptation_commitment(s, ex, bootstrap=False, spatial=False)
    assert set(res.coefficients.loc[res.coefficients["family"], "column"]) == {
        "fl_rate", "tc_rate_34kt", "eq_rate_pga_0p1g"}
    assert "(fl_rate)" in res.summary
    # a contract predictor that is all but zero is dropped, and the summary says so
    ex["tc_rate_34kt"] = 0.0
    ex.loc[ex.index[:2], "tc_rate_34kt"] = 0.3
    res = ra.explain.adaptation_commitment(s, ex, bootstrap=False, spatial=False)
    assert "cyclone" not in set(res.coefficients["label"])
    assert "- not estimated: cyclone (tc_rate_34kt)" in res.summary
    mem = pd.DataFrame({"city_id": [5, 6, 7, 8], "network": ["c40"] * 4})
    net = ra.explain.network_exposure(ex, mem, networks=("c40",), bootstrap=False,
                                      spatial=False, outcomes=ra.explain.EXPOSURE_OUTCOMES[:4])
    assert {"fl_rate", "eq_rate_pga_0p1g", "ts_events_observed"} <= set(net.models)


def test_adaptation_commitment_summary_wording(commitment):
    text = commitment.summary
    assert ra.explain.causal_words(text) == []
    assert f"n = {commitment.n:,} cities in {commitment.clusters} countries" in text
    assert "Holm" in text and "clustered by country" in text
    m = commitment.spatial.iloc[0]
    assert f"Moran's I {m['moran_i']:.3f}" in text
    assert ("Conley" in text) == (m["p_value"] < 0.05)
    fam = commitment.coefficients[commitment.coefficients["family"]]
    for _, r in fam.iterrows():
        if r["p_holm"] >= 0.05 and r["p_bh"] >= 0.05:
            assert "not distinguishable from zero after adjustment for" in text
    # a family with nothing significant says so for every term
    ex = fictional_exposure()
    s = fictional_signatories(ex)
    ex["fl_count"] = np.random.default_rng(9).poisson(5, len(ex))  # no association now
    res = ra.explain.adaptation_commitment(s, ex, bootstrap=False, spatial=False)
    lines = [ln for ln in res.summary.splitlines() if ln.startswith("- ")]
    holm = res.coefficients.set_index("term")["p_holm"]
    assert len(lines) == 3
    for ln, (_, r) in zip(lines, res.coefficients[res.coefficients["family"]].iterrows(),
                          strict=True):
        assert ("not distinguishable from zero" in ln) == (r["p_bh"] >= 0.05)
    assert holm.dropna().size == 3


def test_summary_helpers_flag_causal_wording():
    assert ra.explain.causal_words("Flood exposure drives commitment") == ["drives"]
    assert ra.explain.causal_words("cities commit because they flood") == ["because"]
    assert ra.explain.causal_words("holding country fixed effects constant") == []
    v = ra.explain.verdict({"p_used": 0.001, "p_holm": 0.003, "p_bh": 0.003}, 3)
    assert v.startswith("distinguishable from zero after adjustment for 3 tests")
    v = ra.explain.verdict({"p_used": 0.02, "p_holm": 0.06, "p_bh": 0.03}, 3)
    assert "false discovery rate but not after Holm" in v


def test_adaptation_commitment_cohort_and_lpm_variants():
    ex = fictional_exposure()
    s = fictional_signatories(ex)
    no_cohort = ra.explain.adaptation_commitment(s, ex, cohort_effects=False, bootstrap=False,
                                                 spatial=False)
    assert "C(cohort)" not in no_cohort.formulas["y"]
    lpm = ra.explain.adaptation_commitment(s, ex, model="lpm", B=B_FAST, spatial=False,
                                           bootstrap_interval=False)
    direct = smf.ols(lpm.formulas["y"], data=lpm.data).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(lpm.data["country"])[0]})
    c = lpm.coefficients.set_index("term")
    assert c.loc["z_flood", "coef"] == pytest.approx(direct.params["z_flood"], rel=1e-8)
    assert c.loc["z_flood", "se_cluster"] == pytest.approx(direct.bse["z_flood"], rel=1e-8)
    assert c.loc["z_flood", "bootstrap"].startswith("wild cluster bootstrap")
    assert "linear probability model" in lpm.summary
    assert c["wild_ci_low"].isna().all() and c["p_wild"].notna().all()


def test_commitment_robustness_table():
    ex = fictional_exposure()
    ex["fl_severity_weighted"] = ex["fl_count"] * 1.5 + 1
    ex["tc_hurricanes_per_year"] = ex["tc_storms_any_per_year"] / 2
    ex["eq_shaking_proxy"] = ex["eq_count_m6"] + 0.5
    t = ra.explain.commitment_robustness(fictional_signatories(ex), ex, B=B_FAST)
    assert list(dict.fromkeys(t["spec"])) == [
        "baseline (country + cohort FE)", "no cohort FE", "no country FE (cohort FE)",
        "alternative hazard measures", "linear probability model"]
    assert set(t.loc[t["spec"] == "alternative hazard measures", "column"]) == {
        "fl_severity_weighted", "tc_hurricanes_per_year", "eq_shaking_proxy"}
    assert t["p_used"].notna().all() and t["p_holm"].notna().all()
    assert (t["warning"].fillna("") == "").all()
    # a hazard dropped by the diagnostics gets a row that says so, not a silent NaN row
    ex["eq_count_m6"] = 1
    t = ra.explain.commitment_robustness(fictional_signatories(ex), ex, B=B_FAST)
    gone = t[(t["label"] == "earthquake") & (t["spec"] != "alternative hazard measures")]
    assert len(gone) == 4 and gone["coef"].isna().all()  # the alternative measure varies
    assert gone["warning"].str.startswith("not estimated: earthquake (eq_count_m6) is "
                                          "constant").all()
    assert (t.loc[t["spec"] == "no country FE (cohort FE)", "n"] >
            t.loc[t["spec"] == "baseline (country + cohort FE)", "n"].iloc[0]).all()


def test_adaptation_commitment_bad_input():
    ex = fictional_exposure()
    s = fictional_signatories(ex)
    with pytest.raises(ParameterError, match="commits_adaptation"):
        ra.explain.adaptation_commitment(s, ex, outcome="commits_2030")
    with pytest.raises(ParameterError, match="fl_count"):
        ra.explain.adaptation_commitment(s, ex.drop(columns="fl_count"))
    with pytest.raises(ParameterError, match="empty"):
        ra.explain.adaptation_commitment(s, ex, min_per_country=10_000)
    one = s.assign(adaptation_commitment=True)
    with pytest.raises(ParameterError, match="one class"):
        ra.explain.adaptation_commitment(one, ex)
    with pytest.raises(ParameterError, match="adhesion_date"):
        ra.explain.adaptation_commitment(s.drop(columns="adhesion_date"), ex)
    # a single country: no clusters to compare
    single = ex.assign(country_iso3="XAA")
    with pytest.raises(ParameterError, match="at least 2 clusters"):
        ra.explain.adaptation_commitment(s, single, country_effects=False, bootstrap=False)
    # constant hazards: dropped with a message; all constant -> error naming them
    flat = ex.assign(fl_count=3, tc_storms_any_per_year=0.0, eq_count_m6=1)
    with pytest.raises(ParameterError, match="no hazard predictor is usable"):
        ra.explain.adaptation_commitment(s, flat, bootstrap=False, spatial=False)
    part = ex.assign(eq_count_m6=1)
    res = ra.explain.adaptation_commitment(s, part, bootstrap=False, spatial=False)
    assert "z_earthquake" not in res.coefficients["term"].tolist()
    assert any("constant" in n and "eq_count_m6" in n for n in res.notes)
    # a hazard that separates the outcome is dropped, not fitted to infinity
    sep = ex.copy()
    ycity = s.dropna(subset=["city_id"]).set_index("city_id")["adaptation_commitment"]
    sep["eq_count_m6"] = ycity.reindex(sep.index).fillna(False).astype(float) * 5
    res = ra.explain.adaptation_commitment(s, sep, bootstrap=False, spatial=False,
                                           cohort_effects=False, country_effects=False)
    assert "z_earthquake" not in res.coefficients["term"].tolist()
    assert any("separation" in n for n in res.notes)
    # no silent NaN rows
    assert res.coefficients[["coef", "se_cluster", "p_cluster"]].notna().all().all()


# ------------------------------------------------------------------ network model


def test_network_exposure_matches_direct_ols_and_clustered_errors():
    ex = fictional_exposure()
    mem = pd.DataFrame({"city_id": [5, 6, 7, 8, 9, 10, 11, 12],
                        "network": ["100rc"] * 4 + ["c40"] * 4})
    res = ra.explain.network_exposure(ex, mem, outcomes=["fl_count", "eq_count_m6",
                                                         "country_level"], B=B_FAST,
                                      bootstrap_interval=False)
    assert list(res.models) == ["fl_count", "eq_count_m6"]
    assert any("country_level" in n and "absorb" in n for n in res.notes)
    assert any("alone in their country" in n for n in res.notes)
    for out, model in res.models.items():
        sub = res.data.loc[model.model.data.row_labels]
        assert "XSG" not in set(sub["country"])
        hc3 = smf.ols(res.formulas[out], data=sub).fit(cov_type="HC3")
        cl = smf.ols(res.formulas[out], data=sub).fit(
            cov_type="cluster", cov_kwds={"groups": pd.factorize(sub["country"])[0]})
        c = res.coefficients[res.coefficients["outcome"] == out].set_index("term")
        for term in ("member_100rc", "member_c40", "log_pop"):
            assert c.loc[term, "coef"] == pytest.approx(hc3.params[term], rel=1e-8)
            assert c.loc[term, "se_hc3"] == pytest.approx(hc3.bse[term], rel=1e-8)
            assert c.loc[term, "se_cluster"] == pytest.approx(cl.bse[term], rel=1e-8)
        assert sub[f"y_{out}"].std(ddof=0) == pytest.approx(1.0)
    fam = res.coefficients[res.coefficients["family"]]
    assert len(fam) == 4  # 2 networks x 2 outcomes
    # membership terms are bootstrapped (few treated clusters), log population is not
    assert fam["p_wild"].notna().all() and (fam["p_used"] == fam["p_wild"]).all()
    assert fam["clusters_with_term"].tolist() == [
        res.data.loc[res.data[t] == 1, "country"].nunique() for t in fam["term"]]
    pop = res.coefficients[res.coefficients["term"] == "log_pop"]
    assert pop["p_wild"].isna().all()
    assert (pop["bootstrap"] == "not run (not a tested term)").all()
    np.testing.assert_allclose(fam["p_bh"], ra.explain.adjust_pvalues(fam["p_used"])["p_bh"])
    assert "4 membership tests form one family" in res.summary
    assert ra.explain.causal_words(res.summary) == []
    assert set(res.spatial["outcome"]) == {"fl_count", "eq_count_m6"}


def test_network_exposure_region_effects_and_errors():
    ex = fictional_exposure()
    mem = pd.DataFrame({"city_id": [5, 6, 7, 8], "network": ["c40"] * 4})
    res = ra.explain.network_exposure(ex, mem, networks=("c40",), outcomes=["fl_count"],
                                      effects="region", bootstrap=False, spatial=False)
    assert set(res.data["region"]) == {"Europe", "Asia"}
    assert "C(region)" in res.formulas["fl_count"]
    assert res.coefficients["clusters"].iloc[0] > 2  # still clustered by country
    with pytest.raises(ParameterError, match="country"):
        ra.explain.network_exposure(ex, mem, effects="continent")
    with pytest.raises(ParameterError, match="'100rc' is not in the memberships"):
        ra.explain.network_exposure(ex, mem, outcomes=["fl_count"])
    with pytest.raises(ParameterError, match="empty"):
        ra.explain.network_exposure(ex, mem, networks=("c40",), outcomes=[])


# ------------------------------------------------------------------ spatial


def test_residual_moran_detects_pattern_and_conley_reduces_to_hc0():
    rng = np.random.default_rng(2)
    lat, lon = rng.uniform(40, 50, 400), rng.uniform(0, 10, 400)
    pattern = np.sin(lat / 2) + np.cos(lon / 2)
    m = ra.explain.residual_moran(pattern, lat, lon, permutations=199)
    assert m["moran_i"] > 0.5 and m["p_value"] <= 0.01 and m["expected"] == pytest.approx(-1 / 399)
    m0 = ra.explain.residual_moran(rng.normal(size=400), lat, lon, permutations=199)
    assert abs(m0["moran_i"]) < 0.1
    d = pd.DataFrame({"x": pattern + rng.normal(size=400), "lat": lat, "lon": lon})
    d["y"] = d["x"] + pattern + rng.normal(size=400)
    res = smf.ols("y ~ x", d).fit()
    hc0 = smf.ols("y ~ x", d).fit(cov_type="HC0").cov_params()
    np.testing.assert_allclose(ra.explain.vcov_conley(res, lat, lon, cutoff_km=0.001), hc0,
                               rtol=1e-10)
    wide = ra.explain.vcov_conley(res, lat, lon, cutoff_km=300)
    assert wide.loc["x", "x"] > hc0.loc["x", "x"]  # spatially correlated scores
    # by hand for a tiny case: pairs within the cutoff add their score cross products
    la, lo = np.array([0.0, 0.0, 10.0]), np.array([0.0, 1.0, 0.0])
    t = pd.DataFrame({"x": [1.0, 2.0, 4.0], "y": [1.0, 3.0, 2.0]})
    r = smf.ols("y ~ x", t).fit()
    X = r.model.exog
    s = X * r.resid.to_numpy()[:, None]
    Bm = np.linalg.inv(X.T @ X)
    K = np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1.0]])  # 0-1 is 111 km, 0-2 is 1112 km
    np.testing.assert_allclose(ra.explain.vcov_conley(r, la, lo, cutoff_km=500),
                               Bm @ s.T @ K @ s @ Bm, rtol=1e-10)
    with pytest.raises(ParameterError, match="missing"):
        ra.explain.residual_moran(np.ones(20), np.r_[np.nan, np.ones(19)], np.ones(20))


# ------------------------------------------------------------------ other helpers


def test_hc3_ols_equals_statsmodels():
    ex = fictional_exposure(120)
    ex = ex[ex["country_iso3"] != "XSG"]  # a singleton has leverage 1: HC3 undefined
    r = smf.ols("fl_count ~ np.log(population) + C(country_iso3)", data=ex).fit()
    ours = ra.explain.hc3_ols(r)
    theirs = smf.ols("fl_count ~ np.log(population) + C(country_iso3)",
                     data=ex).fit(cov_type="HC3").cov_params()
    np.testing.assert_allclose(ours.to_numpy(), theirs.to_numpy(), rtol=1e-8, atol=1e-14)


def test_vif_equals_statsmodels():
    from patsy import dmatrix
    from statsmodels.stats.outliers_influence import variance_inflation_factor

    ex = fictional_exposure(150)
    ex["fl2"] = ex["fl_count"] + np.random.default_rng(0).normal(size=len(ex))
    rhs = "fl_count + fl2 + eq_count_m6 + C(country_iso3)"
    ours = ra.explain.vif(ex, rhs, ["fl_count", "fl2", "eq_count_m6"])
    X = dmatrix(rhs, ex, return_type="dataframe")
    for _, r in ours.iterrows():
        j = list(X.columns).index(r["term"])
        assert r["vif"] == pytest.approx(variance_inflation_factor(X.to_numpy(), j), rel=1e-6)
    assert ours.set_index("term").loc["fl2", "vif"] > 2


def test_index_drivers_is_removed():
    assert not hasattr(ra.explain, "index_drivers")


# ------------------------------------------------------------------ real data


@pytest.fixture(scope="module")
def real_exposure():
    return ra.hazards.exposure()


@pytest.mark.data
def test_adaptation_commitment_real_signatories(real_exposure):
    res = ra.explain.adaptation_commitment(exposure=real_exposure, B=999,
                                           bootstrap_interval=False)
    assert res.n > 1000 and 20 <= res.clusters < 50
    c = res.coefficients
    assert c["p_wild"].notna().all()  # fewer than 50 countries: bootstrap on every row
    assert ra.explain.causal_words(res.summary) == []
    direct = smf.logit(res.formulas["y"], data=res.data).fit(disp=0, maxiter=200)
    np.testing.assert_allclose(c["coef"], direct.params[c["term"]], rtol=1e-5)
    assert "ITA" in set(res.data["country"]) and "ESP" in set(res.data["country"])
    assert len(res.spatial) == 1


@pytest.mark.data
def test_network_exposure_real_members(real_exposure):
    res = ra.explain.network_exposure(real_exposure, outcomes=[
        ra.explain.EXPOSURE_OUTCOMES[0], ra.explain.EXPOSURE_OUTCOMES[2]], effects="region",
        spatial=False)
    assert {"Europe", "Asia", "America"} <= set(res.data["region"])
    members = res.data[["member_100rc", "member_c40"]].sum()
    assert members["member_100rc"] > 80 and members["member_c40"] > 80
    assert res.clusters > 50
    fam = res.coefficients[res.coefficients["family"]]
    assert fam["p_wild"].notna().all() and (fam["clusters_with_term"] < res.clusters).all()
