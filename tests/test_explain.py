"""Tests of ra.explain: every model matches a direct statsmodels formula fit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

import resilience_analytics as ra
from resilience_analytics.errors import ParameterError


def fictional_exposure(n: int = 400, seed: int = 3) -> pd.DataFrame:
    """Fictional cities (ids 1..n) in four fictional countries with invented hazards."""
    rng = np.random.default_rng(seed)
    t = pd.DataFrame(index=pd.Index(np.arange(1, n + 1), name="city_id"))
    t["name"] = [f"Example City {i}" for i in t.index]
    t["country_iso3"] = rng.choice(["XAA", "XBB", "XCC", "XDD"], n)
    t.loc[1, "country_iso3"] = "XSG"  # a country with a single city
    t["population"] = rng.integers(20_000, 3_000_000, n)
    t["fl_count"] = rng.poisson(5, n)
    t["tc_storms_any_per_year"] = rng.gamma(1.0, 0.2, n)
    t["eq_count_m6"] = rng.poisson(1, n)
    t["ts_count"] = rng.poisson(0.5, n)
    t["country_level"] = t["country_iso3"].map({"XAA": 1.0, "XBB": 2.0, "XCC": 3.0,
                                                "XDD": 4.0, "XSG": 5.0})
    t["timezone"] = np.where(t["country_iso3"].isin(["XAA", "XBB"]), "Europe/Example",
                             "Asia/Example")
    return t


def fictional_signatories(exposure: pd.DataFrame, seed: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ids = exposure.index[exposure["country_iso3"] != "XSG"]
    x = np.log1p(exposure.loc[ids, "fl_count"].to_numpy())
    p = 1 / (1 + np.exp(-(-1.0 + 0.8 * (x - x.mean()))))
    commits = rng.random(len(ids)) < p
    s = pd.DataFrame({"city_id": pd.array(ids, dtype="Int64"), "commits_adaptation": commits,
                      "adaptation_commitment": commits})
    # a country where nobody commits (perfect separation under country fixed effects)
    s.loc[exposure.loc[ids, "country_iso3"].to_numpy() == "XDD",
          ["commits_adaptation", "adaptation_commitment"]] = False
    # one unlinked signatory
    return pd.concat([s, pd.DataFrame({"city_id": pd.array([pd.NA], dtype="Int64"),
                                       "commits_adaptation": [True],
                                       "adaptation_commitment": [True]})],
                     ignore_index=True)


def test_adaptation_commitment_matches_direct_logit_and_hc3():
    ex = fictional_exposure()
    res = ra.explain.adaptation_commitment(fictional_signatories(ex), ex)
    assert set(res.data["country"]) == {"XAA", "XBB", "XCC"}  # XDD: no variation
    assert any("no or every signatory" in n for n in res.notes)
    direct = smf.logit("y ~ z_flood + z_cyclone + z_earthquake + log_pop + C(country)",
                       data=res.data).fit(disp=0)
    c = res.coefficients.set_index("term")
    for term in ("z_flood", "z_cyclone", "z_earthquake", "log_pop"):
        assert c.loc[term, "coef"] == pytest.approx(direct.params[term], rel=1e-6)
    # HC3 from statsmodels' own GLM hat values (independent of ra.explain's algebra)
    glm = smf.glm(res.formulas["y"], data=res.data, family=sm.families.Binomial()).fit()
    h = glm.get_influence().hat_matrix_diag
    X = np.asarray(glm.model.exog)
    e = (np.asarray(glm.model.endog) - np.asarray(glm.fittedvalues)) / (1 - h)
    bread = glm.cov_params().to_numpy()  # (X'WX)^-1 for the canonical link
    cov = bread @ (X * e[:, None] ** 2).T @ X @ bread
    se = pd.Series(np.sqrt(np.diag(cov)), index=glm.params.index)
    for term in ("z_flood", "log_pop"):
        assert c.loc[term, "std_err"] == pytest.approx(se[term], rel=1e-4)
    assert c.loc["z_flood", "odds_ratio"] == pytest.approx(np.exp(c.loc["z_flood", "coef"]))
    assert c.loc["z_flood", "coef"] > 0  # the fictional data were drawn with a flood effect
    assert "odds" in res.summary and "HC3" in res.summary
    fig = res.residual_plot()
    assert fig.axes[0].get_ylabel() == "Pearson residual"


def test_adaptation_commitment_without_country_effects():
    ex = fictional_exposure()
    res = ra.explain.adaptation_commitment(fictional_signatories(ex), ex,
                                           country_effects=False)
    assert "XDD" in set(res.data["country"])
    direct = smf.logit(res.formulas["y"], data=res.data).fit(disp=0)
    assert "C(country)" not in res.formulas["y"]
    np.testing.assert_allclose(res.coefficients["coef"],
                               direct.params[res.coefficients["term"]], rtol=1e-6)


def test_adaptation_commitment_errors():
    ex = fictional_exposure()
    s = fictional_signatories(ex)
    with pytest.raises(ParameterError, match="commits_adaptation"):
        ra.explain.adaptation_commitment(s, ex, outcome="commits_2030")
    with pytest.raises(ParameterError, match="fl_count"):
        ra.explain.adaptation_commitment(s, ex.drop(columns="fl_count"))
    with pytest.raises(ParameterError, match="empty"):
        ra.explain.adaptation_commitment(s, ex, min_per_country=10_000)


def test_network_exposure_matches_direct_ols_and_statsmodels_hc3():
    ex = fictional_exposure()
    mem = pd.DataFrame({"city_id": [5, 6, 7, 8, 9, 10, 11, 12],
                        "network": ["100rc"] * 4 + ["c40"] * 4})
    res = ra.explain.network_exposure(ex, mem, outcomes=["fl_count", "eq_count_m6",
                                                         "country_level"])
    assert list(res.models) == ["fl_count", "eq_count_m6"]
    assert any("country_level" in n and "absorb" in n for n in res.notes)
    assert any("alone in their country" in n for n in res.notes)
    for out, model in res.models.items():
        sub = res.data.loc[model.model.data.row_labels]
        assert "XSG" not in set(sub["country"])
        direct = smf.ols(res.formulas[out], data=sub).fit(cov_type="HC3")
        c = res.coefficients[res.coefficients["outcome"] == out].set_index("term")
        for term in ("member_100rc", "member_c40", "log_pop"):
            assert c.loc[term, "coef"] == pytest.approx(direct.params[term], rel=1e-8)
            assert c.loc[term, "std_err"] == pytest.approx(direct.bse[term], rel=1e-8)
        assert sub[f"y_{out}"].std(ddof=0) == pytest.approx(1.0)
    assert res.data["population"].min() >= ex.loc[5:12, "population"].min()


def test_network_exposure_region_effects_and_errors():
    ex = fictional_exposure()
    mem = pd.DataFrame({"city_id": [5, 6, 7, 8], "network": ["c40"] * 4})
    res = ra.explain.network_exposure(ex, mem, networks=("c40",), outcomes=["fl_count"],
                                      effects="region")
    assert set(res.data["region"]) == {"Europe", "Asia"}
    assert "C(region)" in res.formulas["fl_count"]
    with pytest.raises(ParameterError, match="country"):
        ra.explain.network_exposure(ex, mem, effects="continent")
    with pytest.raises(ParameterError, match="'100rc' is not in the memberships"):
        ra.explain.network_exposure(ex, mem, outcomes=["fl_count"])
    with pytest.raises(ParameterError, match="empty"):
        ra.explain.network_exposure(ex, mem, networks=("c40",), outcomes=[])


def test_index_drivers_matches_direct_standardised_ols():
    from resilience_analytics.composite.city import example_exposure

    idx = ra.composite.build_city_index(example_exposure(80))
    res = ra.explain.index_drivers(idx)
    direct = smf.ols(res.formulas["score"], data=res.data).fit()
    for _, r in res.coefficients.iterrows():
        col = "x_" + r["term"]
        assert r["coef"] == pytest.approx(direct.params[col], rel=1e-8)
    # standardised: an indicator's beta equals its correlation when it is alone
    one = ra.explain.index_drivers(res.data.rename(columns={"y": "score"}),
                                   indicators=[res.data.columns[1]])
    r = np.corrcoef(res.data["y"], res.data.iloc[:, 1])[0, 1]
    assert one.coefficients["coef"].iat[0] == pytest.approx(r)
    assert one.coefficients["corr2"].iat[0] == pytest.approx(r ** 2)
    assert res.coefficients["coef"].abs().is_monotonic_decreasing
    assert "variance" in res.summary


def test_index_drivers_errors():
    t = pd.DataFrame({"score": [1.0, 2.0], "a": [1.0, 2.0]})
    with pytest.raises(ParameterError, match="too small"):
        ra.explain.index_drivers(t, indicators=["a"])
    with pytest.raises(ParameterError, match="'b'"):
        ra.explain.index_drivers(t, indicators=["b"])
    with pytest.raises(ParameterError, match="score"):
        ra.explain.index_drivers(t.drop(columns="score"))


def test_hc3_ols_equals_statsmodels():
    ex = fictional_exposure(120)
    ex = ex[ex["country_iso3"] != "XSG"]  # a singleton has leverage 1: HC3 undefined
    r = smf.ols("fl_count ~ np.log(population) + C(country_iso3)", data=ex).fit()
    ours = ra.explain.hc3_ols(r)
    theirs = smf.ols("fl_count ~ np.log(population) + C(country_iso3)",
                     data=ex).fit(cov_type="HC3").cov_params()
    np.testing.assert_allclose(ours.to_numpy(), theirs.to_numpy(), rtol=1e-8, atol=1e-14)


@pytest.fixture(scope="module")
def real_exposure():
    return ra.hazards.exposure()


@pytest.mark.data
def test_adaptation_commitment_real_signatories(real_exposure):
    res = ra.explain.adaptation_commitment(exposure=real_exposure)
    assert res.n > 1000  # about 2,000 GCoM signatory cities are linked to the gazetteer
    # the outcome is the broad commitment (Mayors Adapt or CoM 2030), committed by about half
    signatories = ra.networks.gcom_signatories(linked_only=True)
    share = signatories.groupby("city_id")["adaptation_commitment"].any().mean()
    assert 0.3 < res.data["y"].mean() < 0.7
    assert abs(res.data["y"].mean() - share) < 0.1
    narrow = ra.explain.adaptation_commitment(exposure=real_exposure, outcome="commits_adaptation")
    assert narrow.data["y"].mean() < res.data["y"].mean()
    direct = smf.logit(res.formulas["y"], data=res.data).fit(disp=0, maxiter=200)
    np.testing.assert_allclose(res.coefficients["coef"],
                               direct.params[res.coefficients["term"]], rtol=1e-5)
    assert "ITA" in set(res.data["country"]) and "ESP" in set(res.data["country"])


@pytest.mark.data
def test_network_exposure_real_members(real_exposure):
    # region effects keep this test fast; country effects are tested on fictional data
    res = ra.explain.network_exposure(real_exposure, outcomes=["fl_count", "eq_count_m6"],
                                      effects="region")
    assert list(res.models) == ["fl_count", "eq_count_m6"]
    assert {"Europe", "Asia", "America"} <= set(res.data["region"])
    members = res.data[["member_100rc", "member_c40"]].sum()
    assert members["member_100rc"] > 80 and members["member_c40"] > 80
    sub = res.data.loc[res.models["fl_count"].model.data.row_labels]
    direct = smf.ols(res.formulas["fl_count"], data=sub).fit()
    c = res.coefficients[res.coefficients["outcome"] == "fl_count"].set_index("term")
    assert c.loc["member_c40", "coef"] == pytest.approx(direct.params["member_c40"], rel=1e-8)


@pytest.mark.data
def test_index_drivers_real_index(real_exposure):
    big = real_exposure[real_exposure["population"] >= 1_000_000]
    idx = ra.composite.build_city_index(big)
    res = ra.explain.index_drivers(idx)
    assert res.n > 300
    assert res.models["score"].rsquared > 0.5
    direct = smf.ols(res.formulas["score"], data=res.data).fit()
    top = res.coefficients.iloc[0]
    assert top["coef"] == pytest.approx(direct.params["x_" + top["term"]], rel=1e-8)


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
