"""Sobol design and estimators (COINr's), input uncertainty, remove_elements, drivers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resilience_analytics.composite import (
    build_example_coin,
    drivers,
    remove_elements,
    sensitivity,
    sobol_design,
    sobol_estimates,
)
from resilience_analytics.errors import DataFileError, ParameterError


def test_sobol_estimates_reproduce_ishigami_analytic_indices():
    # Ishigami function, a = 7, b = 0.1 on [-pi, pi]^3 (Ishigami and Homma 1990); analytic
    # indices as tabulated by Saltelli et al. (2008), Global Sensitivity Analysis: The Primer
    n = 8192
    X = sobol_design(3, n, seed=3) * 2 * np.pi - np.pi
    y = np.sin(X[:, 0]) + 7 * np.sin(X[:, 1]) ** 2 + 0.1 * X[:, 2] ** 4 * np.sin(X[:, 0])
    est = sobol_estimates(y, n, 3, n_boot=300, seed=3)
    assert est["S1"].tolist() == pytest.approx([0.3139, 0.4424, 0.0], abs=0.03)
    assert est["ST"].tolist() == pytest.approx([0.5576, 0.4424, 0.2437], abs=0.03)
    for s in ("S1", "ST"):  # the percentile intervals contain the analytic values
        truth = {"S1": [0.3139, 0.4424, 0.0], "ST": [0.5576, 0.4424, 0.2437]}[s]
        assert ((est[f"{s}_low"] - 0.01 <= truth) & (truth <= est[f"{s}_high"] + 0.01)).all()
    with pytest.raises(ParameterError, match="n \\(d \\+ 2\\)"):
        sobol_estimates(y[:-1], n, 3)
    with pytest.raises(DataFileError, match="does not vary"):
        sobol_estimates(np.ones(5 * 4), 4, 3)


def test_design_blocks_follow_coinr_order():
    X = sobol_design(2, 16, seed=0)
    A, B = X[:16], X[16:32]
    assert np.array_equal(X[32:48, 0], B[:, 0]) and np.array_equal(X[32:48, 1], A[:, 1])
    assert np.array_equal(X[48:64, 1], B[:, 1]) and np.array_equal(X[48:64, 0], A[:, 0])
    assert abs(np.corrcoef(A[:, 0], B[:, 0])[0, 1]) < 0.3


@pytest.mark.data
def test_coin_sensitivity_rank_stats_on_independent_runs_only():
    coin = build_example_coin()
    vign = dict(winmax=[1, 2, 3, 4, 5], aggregation=["arithmetic", "geometric"],
                normalisation=[{"method": "minmax", "l_u": (1, 100)}])
    sa = sensitivity(coin, n=32, num_resamples=100, progress=False, **vign)
    assert sa.uncertainty.ranks.shape[1] == 64  # 2N, not N (d + 2) = 128
    assert len(sa.output) == 32 * 5
    assert sa.indices.attrs["interval"].startswith("percentile bootstrap")
    assert (sa.indices["ST_high"] >= sa.indices["ST_low"]).all()


@pytest.mark.data
def test_remove_elements_matches_a_rebuilt_coin():
    coin = build_example_coin()
    re, ranks = remove_elements(coin, level=2, return_ranks=True)
    assert set(re.index) == set(coin.codes_at(2))
    # rebuild without the 'Physical' pillar by hand and compare ranks
    from resilience_analytics.composite import Coin
    from resilience_analytics.composite.pipeline import rank_desc

    data, meta = coin._source
    lin = coin.children("Physical")
    m2 = meta[~meta["iCode"].isin([*lin, "Physical"])]
    c2 = Coin(data, m2, **coin._init_args)
    for step, kw in coin.log.items():
        getattr(c2, step)(**kw)
    r = rank_desc(c2.data["Aggregated"]["Index"].reindex(coin.data["Aggregated"].index)
                  .to_numpy())
    assert np.allclose(ranks["Physical"], r)
    r0 = rank_desc(coin.data["Aggregated"]["Index"].to_numpy())
    assert re.loc["Physical", "mean_abs_rank_change"] == pytest.approx(np.mean(np.abs(r - r0)))


def test_drivers_main_effects_and_shapley_on_known_cases():
    rng = np.random.default_rng(1)
    n = 6000
    df = pd.DataFrame({"a": rng.random(n), "b": rng.random(n)})
    df["y"] = 3 * df["a"] + 1 * df["b"]
    dr = drivers(df, "y")
    assert dr.loc["a", "main_effect"] == pytest.approx(0.9, abs=0.03)
    assert dr.loc["b", "main_effect"] == pytest.approx(0.1, abs=0.03)
    # correlated inputs (rho = 0.6), y = x1 + x2: main effects (1 + rho)/2 = 0.8 each,
    # Shapley effects 0.5 each (symmetry) summing to 1
    z = rng.multivariate_normal([0, 0], [[1, 0.6], [0.6, 1]], size=n)
    g = pd.DataFrame({"x1": z[:, 0], "x2": z[:, 1], "y": z.sum(axis=1)})
    d2 = drivers(g, "y", n_boot=50)
    assert d2["main_effect"].tolist() == pytest.approx([0.8, 0.8], abs=0.04)
    assert d2["shapley"].tolist() == pytest.approx([0.5, 0.5], abs=0.04)
    assert d2["shapley"].sum() == pytest.approx(1.0, abs=0.05)
    assert (d2["main_effect_low"] <= d2["main_effect"]).all()
    # a noise input has no main effect
    g["noise"] = rng.random(n)
    assert drivers(g, "y", ["x1", "noise"], method="main_effect").loc["noise",
                                                                        "main_effect"] < 0.02
    with pytest.raises(ParameterError, match="'zz'"):
        drivers(g, "zz")
    with pytest.raises(DataFileError, match="constant"):
        drivers(g.assign(y=1.0), "y")
