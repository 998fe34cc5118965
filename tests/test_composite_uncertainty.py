"""Composite indicators: published indices recomputed, uncertainty/sensitivity, analysis, city."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

import resilience_analytics as ra
from resilience_analytics.composite import (
    aggregate_values,
    analysis,
    build_city_index,
    build_example_coin,
    city_coin,
    pca_weights,
    sensitivity,
    uncertainty,
)
from resilience_analytics.composite.city import CITY_UNCERTAINTY, example_exposure
from resilience_analytics.errors import DataFileError, ParameterError

U = sys.modules["resilience_analytics.composite.uncertainty"]

VIGNETTE = dict(
    winmax=[1, 2, 3, 4, 5],
    normalisation=[{"method": "minmax", "l_u": (1, 100)}, {"method": "zscore", "m_sd": (10, 2)}],
    aggregation=["arithmetic", "geometric"],
    weight_noise={2: 0.25, 3: 0.25},
)


@pytest.fixture(scope="module")
def coin():
    return build_example_coin()


# ----------------------------------------------------------------------------- published indices
@pytest.mark.data
def test_inform_2023_is_geometric_mean_of_its_three_dimensions():
    inf = ra.countries.inform()
    d = inf[["hazard_exposure", "vulnerability", "lack_of_coping_capacity", "risk"]].dropna()
    assert len(d) >= 190
    r = aggregate_values(d.iloc[:, :3].to_numpy(), np.ones(3), method="geometric")
    # the file rounds every score to 1 decimal: recomputing from rounded dimensions can only
    # differ by the output rounding, i.e. at most 0.05
    assert np.abs(r - d["risk"]).max() <= 0.05 + 1e-9
    assert (np.round(r, 1) == d["risk"]).mean() >= 0.99


@pytest.mark.data
def test_world_risk_index_2022_is_geometric_mean_of_exposure_and_vulnerability():
    w = ra.countries.world_risk_index().dropna(subset=["index", "exposure", "vulnerability"])
    assert len(w) >= 190
    r = aggregate_values(w[["exposure", "vulnerability"]].to_numpy(), np.ones(2),
                         method="geometric")
    assert np.abs(r - w["index"]).max() <= 0.005 + 1e-9  # 2 decimals in the file


@pytest.mark.data
def test_nd_gain_is_readiness_minus_vulnerability_rescaled():
    n = ra.countries.nd_gain().dropna(subset=["gain", "readiness", "vulnerability"])
    assert len(n) >= 180
    gain = (n["readiness"] - n["vulnerability"] + 1) * 50
    assert np.abs(gain - n["gain"]).max() < 1e-9


# ----------------------------------------------------------------------------- uncertainty
@pytest.mark.data
def test_engine_reproduces_the_pipeline(coin):
    eng = U._Engine(coin)
    out, failed = eng.aggregate(eng.normalised(None, None),
                                eng.wf["Weight"].to_numpy()[None, :], "arithmetic")
    assert not failed.any()
    for code in ("Index", "Conn", "Physical"):
        assert np.abs(out[code][:, 0] - coin.data["Aggregated"][code].to_numpy()).max() < 1e-12
    geo = coin.regen({"normalise": {"l_u": (1, 100)}, "treat": {"winmax": 2},
                      "aggregate": {"method": "geometric"}})
    e2 = U._Engine(geo)
    o2, _ = e2.aggregate(e2.normalised(None, None), e2.wf["Weight"].to_numpy()[None, :],
                         "geometric")
    assert np.abs(o2["Index"][:, 0] - geo.data["Aggregated"]["Index"].to_numpy()).max() < 1e-12


@pytest.mark.data
def test_uncertainty_is_seeded_and_summarised(coin):
    a = uncertainty(coin, n=300, seed=7, return_records=True, progress=False, **VIGNETTE)
    b = uncertainty(coin, n=300, seed=7, progress=False, **VIGNETTE)
    c = uncertainty(coin, n=300, seed=8, progress=False, **VIGNETTE)
    pd.testing.assert_frame_equal(a.ranks, b.ranks)
    assert not a.ranks.equals(c.ranks)
    rs = a.rank_stats
    assert (rs["q05"] <= rs["median"]).all() and (rs["median"] <= rs["q95"]).all()
    assert rs["nominal"].tolist() == coin.ranks()["Index"].loc[rs.index].astype(float).tolist()
    # every replication's ranks are a permutation-with-ties of 1..51
    assert (a.ranks.min() == 1).all() and (a.ranks.max() <= 51).all()
    rec = a.records
    assert len(rec) == 300 and set(rec["aggregation"]) == {"arithmetic", "geometric"}
    assert set(rec["winmax"]) <= {"1", "2", "3", "4", "5"}
    assert (rec["mean_abs_rank_change"] >= 0).all()
    # replications at the nominal-like spec move ranks less than geometric ones on average
    g = rec.groupby("aggregation")["mean_abs_rank_change"].mean()
    assert g["arithmetic"] < g["geometric"]


@pytest.mark.data
def test_failed_replications_are_explained(coin):
    ua = uncertainty(coin, n=40, normalisation=[{"method": "minmax", "l_u": (0, 100)}],
                     aggregation=["geometric"], progress=False, return_records=True)
    assert ua.records["failed"].all()
    assert ua.records["reason"].str.contains("domain").all()
    assert ua.scores.isna().all().all()


@pytest.mark.data
def test_sobol_indices_order_like_coinr(coin):
    sa = sensitivity(coin, n=128, num_resamples=200, progress=False, **VIGNETTE)
    st = sa.indices["ST"]
    # COINr N=200: aggregation 0.61 > normalisation 0.28 > weights 0.15 > winsorisation 0.05
    assert st["aggregation"] > st["normalisation"] > st["winmax"]
    assert st["weights"] > st["winmax"]
    assert (sa.indices["ST_conf"] > 0).all()
    assert len(sa.output) == 128 * (4 + 2)


def test_sensitivity_needs_two_factors(coin_small):
    with pytest.raises(ParameterError, match="at least two"):
        sensitivity(coin_small, n=8, aggregation=["arithmetic", "inform"], progress=False)
    with pytest.raises(ParameterError, match="nothing varies"):
        uncertainty(coin_small, n=8, progress=False)


@pytest.fixture
def coin_small():
    return city_coin(example_exposure(30))


# ----------------------------------------------------------------------------- analysis
@pytest.mark.data
def test_analysis_functions(coin):
    ec = analysis.effective_contributions(coin)
    assert np.allclose(ec.sum(axis=1), 1.0)
    ew = analysis.effective_weights(coin)
    assert ew["LPI"] == pytest.approx(1 / 8 * 1 / 5 * 1 / 2)
    corr = analysis.correlations(coin, levels=(1, 2), within_parent=True)
    assert corr.loc["LPI", "Physical"] > 0 and np.isnan(corr.loc["LPI", "Social"])
    ev, load = analysis.pca(coin, code="Physical")
    assert ev.iloc[0] >= ev.iloc[1] and np.isclose(ev.sum(), 1)
    alpha = analysis.cronbach_alpha(coin, "Aggregated", code="Conn")
    assert -1 < alpha < 1
    w = pca_weights(coin, dset="Normalised", levels=[2])
    for p in coin.codes_at(2):
        assert w.loc[w["iCode"].isin(coin.children(p)), "Weight"].sum() == pytest.approx(1)
    b = coin.regen({"aggregate": {"weights": w}})
    cmp = analysis.compare(coin, b)
    assert cmp["abs_rank_change"].iloc[0] == cmp["abs_rank_change"].max()
    assert (cmp["rank_change"] == cmp["rank_b"] - cmp["rank_a"]).all()


# ----------------------------------------------------------------------------- city index
def test_city_index_on_fictional_cities():
    exp = example_exposure(60)
    exp.loc[exp.index[:2], ["wri_susceptibility", "ndgain_vulnerability"]] = np.nan
    exp.loc[exp.index[0], "inform_vulnerability"] = np.nan
    idx = build_city_index(exp)
    assert idx.index.equals(exp.index)
    for city in exp.index[:2]:  # 1 or 0 of the 3 vulnerability indicators: below 50 %
        assert np.isnan(idx.loc[city, "score"])
        assert "VU missing" in idx.loc[city, "note"]
    ok = idx.drop(exp.index[:2])
    assert ok["score"].notna().all() and (ok["note"] == "").all()
    assert ok["score"].between(0, 10).all()
    assert ok["rank"].min() == 1 and ok["rank"].max() <= len(ok)
    top = ok["score"].idxmax()
    assert ok.loc[top, "rank"] == 1
    with pytest.raises(DataFileError, match="lacks indicator column"):
        build_city_index(exp.drop(columns=["population"]))


def test_city_coin_drops_constant_indicators_with_a_warning():
    exp = example_exposure(25)
    exp["vo_count_100km"] = 0.0
    with pytest.warns(UserWarning, match="vo_count_100km"):
        coin = city_coin(exp)
    assert "vo_count_100km" in coin.analysis["dropped"]
    assert "vo_count_100km" not in coin.indicator_codes
    with pytest.raises(DataFileError, match="'vo_count_100km' has zero variance"):
        city_coin(exp, drop_constant=False)


def test_city_uncertainty_batched_on_fictional_cities():
    coin = city_coin(example_exposure(80))
    ua = uncertainty(coin, n=64, progress=False, return_records=True, **CITY_UNCERTAINTY)
    assert ua.scores.shape == (80, 64)
    assert not ua.records["failed"].any()
    assert (ua.rank_stats["q05"] <= ua.rank_stats["q95"]).all()


@pytest.mark.data
def test_batched_replications_equal_pipeline_regenerations(coin):
    """Each batched replication equals re-running the Python pipeline with its assumptions."""
    ua = uncertainty(coin, n=12, seed=3, return_records=True, progress=False, **VIGNETTE)
    Wsets = U.noisy_weights(coin, VIGNETTE["weight_noise"], 100, seed=3)
    wf = U.weights_frame(coin.meta)
    for r in range(12):
        rec = ua.records.iloc[r]
        norm = next(a for a in VIGNETTE["normalisation"] if U._label(a) == rec["normalisation"])
        weights = dict(zip(wf["iCode"], Wsets[int(rec["weights"])], strict=True))
        alt = coin.regen({
            "treat": {"winmax": int(rec["winmax"])},
            "normalise": norm,
            "aggregate": {"method": rec["aggregation"], "weights": weights},
        })
        got = ua.scores[r].to_numpy()
        want = alt.data["Aggregated"]["Index"].loc[ua.scores.index].to_numpy()
        assert np.abs(got - want).max() < 1e-9, f"replication {r}: {rec.to_dict()}"
