"""Composite-indicator engine: conformance with COINr on the ASEM example, rules and errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import resilience_analytics as ra
from resilience_analytics.composite import (
    Coin,
    aggregate_values,
    build_example_coin,
    check_framework,
    city_framework,
    normalise,
    rank_desc,
    weights_frame,
)
from resilience_analytics.composite.treat import kurt, skew, treat_vector, winsorise
from resilience_analytics.errors import DataFileError, FrameworkError, ParameterError

STAGES = {
    "Raw": "raw",
    "Denominated": "denominated",
    "Imputed": "imputed",
    "Screened": "screened",
    "Treated": "treated",
    "Normalised": "normalised",
    "Aggregated": "aggregated",
}


@pytest.fixture(scope="module")
def asem_coin():
    return build_example_coin()


def _expected(stage):
    return ra.datasets.read("coinr_asem", f"expected_{stage}.csv").set_index("uCode")


# ----------------------------------------------------------------------------- conformance
@pytest.mark.data
@pytest.mark.parametrize("dset", list(STAGES))
def test_asem_stage_matches_coinr(asem_coin, dset):
    exp = _expected(STAGES[dset])
    got = asem_coin.data[dset]
    assert sorted(got.index) == sorted(exp.index), "same units after every stage"
    assert set(got.columns) == set(exp.columns)
    got = got.loc[exp.index, exp.columns]
    assert (got.isna() == exp.isna()).all().all(), "NaN in the same cells"
    diff = np.nanmax(np.abs(got.to_numpy() - exp.to_numpy()))
    # the input is the lossless 17-digit file; the expected CSVs hold 15 significant digits,
    # so 1e-12 (values up to ~1e3) is the resolution of the comparison
    assert diff <= 1e-12, f"{dset}: max abs difference {diff}"


@pytest.mark.data
def test_asem_lossless_input_reproduces_coinr_rank_tie():
    # COINr holds TolMin as GRC 5.1000000000000005, BGR and CZE 5.0999999999999996
    # (PROVENANCE.md): rank normalisation separates GRC from the BGR/CZE tie
    raw = build_example_coin("new_coin").data["Raw"]
    assert raw.at["GRC", "TolMin"] != raw.at["BGR", "TolMin"] == raw.at["CZE", "TolMin"]
    r = build_example_coin().regen({"normalise": {"method": "rank"}}).data["Normalised"]
    assert r.loc[["GRC", "BGR", "CZE"], "TolMin"].tolist() == [26.0, 27.0, 27.0]


@pytest.mark.data
def test_asem_screening_and_treatment_facts(asem_coin):
    # screening runs on the imputed data set, so no ASEM unit falls below 90 % availability
    assert asem_coin.analysis["Screened"]["removed"] == []
    assert len(_expected("screened")) == 51
    # screening the denominated (not yet imputed) data at 90 % does remove units
    c2 = build_example_coin(up_to="impute").screen("Denominated", dat_thresh=0.9)
    assert len(c2.analysis["Screened"]["removed"]) > 0
    details = asem_coin.analysis["Treated"]["details"]
    assert (details["treatment"] == "winsorised").sum() > 0
    assert (details.loc[details["treatment"] == "winsorised", "n_winsorised"] <= 5).all()


@pytest.mark.data
def test_asem_results_ranks_match_coinr(asem_coin):
    exp = _expected("results_full")
    res = asem_coin.results()
    assert res.index.tolist() == exp.index.tolist()
    assert (res["Rank"].astype(int) == exp["Rank"]).all()
    cols = [c for c in exp.columns if c != "Rank"]
    assert np.abs(res.loc[exp.index, cols].round(2) - exp[cols]).max().max() < 1e-9


@pytest.mark.data
def test_regen_replays_log_with_changes(asem_coin):
    same = asem_coin.regen()
    pd.testing.assert_frame_equal(same.data["Aggregated"], asem_coin.data["Aggregated"])
    geo = asem_coin.regen({"normalise": {"l_u": (1, 100)}, "aggregate": {"method": "geometric"}})
    assert not np.allclose(geo.data["Aggregated"]["Index"], asem_coin.data["Aggregated"]["Index"])
    assert list(geo.log) == list(asem_coin.log)
    z = asem_coin.regen({"normalise": {"method": "zscore", "m_sd": (10, 2)}})
    assert z.data["Normalised"]["LPI"].mean() == pytest.approx(10)
    assert z.data["Normalised"]["LPI"].std() == pytest.approx(2)
    with pytest.raises(ParameterError, match="were not run"):
        asem_coin.regen({"bogus": {}})


# ----------------------------------------------------------------------------- building blocks
def test_skew_kurt_match_known_values():
    x = np.array([1.0, 2.0, 3.0, 4.0, 100.0])
    # e1071 type 2 == pandas' unbiased estimators
    assert skew(x) == pytest.approx(pd.Series(x).skew())
    assert kurt(x) == pytest.approx(pd.Series(x).kurt())


def test_winsorise_counts_and_log_fallback():
    x = np.r_[np.arange(1.0, 11.0), 30.0, 100.0]
    xw, n = winsorise(x, winmax=5)
    assert n <= 5 and xw.max() < 100
    assert np.array_equal(np.sort(xw)[:10], np.arange(1.0, 11.0))
    # a single huge outlier among constant values cannot be fixed by winsorising 1 point
    y = np.r_[np.zeros(30), np.arange(5.0), 1e6]
    t, how, _ = treat_vector(y, winmax=1)
    assert how == "log"
    assert t.min() == pytest.approx(np.log(0.01 * 1e6))


def test_normalise_methods_and_directions():
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [4.0, 3.0, 2.0, 1.0]})
    meta = pd.DataFrame({"iCode": ["a", "b"], "Direction": [1, -1], "Target": [3.0, 2.0]})
    mm = normalise(df, meta, method="minmax", l_u=(1, 100))
    assert mm["a"].tolist() == mm["b"].tolist() == [1.0, 34.0, 67.0, 100.0]
    z = normalise(df, meta, method="zscore", m_sd=(10, 2))
    assert z["a"].mean() == pytest.approx(10) and z["a"].std() == pytest.approx(2)
    pr = normalise(df, meta, method="prank")
    assert pr["b"].tolist() == [0.0, 1 / 3, 2 / 3, 1.0]
    t = normalise(df, meta, method="dist2targ", cap_max=True)
    assert t["a"].tolist() == [0.0, 0.5, 1.0, 1.0]
    g = normalise(df[["a"]], method="goalposts", gposts=(2, 4, 100))
    assert g["a"].tolist() == [0.0, 0.0, 50.0, 100.0]
    r = normalise(pd.DataFrame({"a": [5.0, 1.0, 5.0]}), method="rank")
    assert r["a"].tolist() == [2.0, 1.0, 2.0]


def test_aggregation_means():
    X = np.array([[1.0, 4.0], [2.0, 8.0], [3.0, np.nan]])
    w = np.array([1.0, 3.0])
    assert aggregate_values(X, w).tolist() == [3.25, 6.5, 3.0]
    geo = aggregate_values(X, w, method="geometric")
    assert geo[0] == pytest.approx(np.exp((np.log(1) + 3 * np.log(4)) / 4))
    harm = aggregate_values(X, w, method="harmonic")
    assert harm[1] == pytest.approx(4 / (1 / 2 + 3 / 8))
    th = aggregate_values(X, w, dat_thresh=0.9)
    assert np.isnan(th[2]) and not np.isnan(th[0])
    inf = aggregate_values(np.array([[0.0, 5.0]]), np.array([1.0, 1.0]), method="inform")
    assert inf.tolist() == [0.0]
    comp = aggregate_values(np.array([[10.0, 1.0]]), np.array([1.0, 1.0]),
                            method="inform_complement")
    assert comp.tolist() == [10.0]
    # stacked replications: one call, many weight sets
    W = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert aggregate_values(X[:2], W).tolist() == [[1.0, 4.0], [2.0, 8.0]]


def test_rank_desc_ties_min():
    assert rank_desc(np.array([10.0, 20.0, 20.0, 5.0])).tolist() == [3.0, 1.0, 1.0, 4.0]


# ----------------------------------------------------------------------------- bad input
def _meta(**over):
    m = pd.DataFrame({
        "Level": [1, 1, 1, 2, 2, 3],
        "iCode": ["x1", "x2", "x3", "P1", "P2", "Index"],
        "Parent": ["P1", "P1", "P2", "Index", "Index", None],
        "Direction": [1, 1, -1, 1, 1, 1],
        "Weight": [1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
        "Type": ["Indicator"] * 3 + ["Aggregate"] * 3,
    })
    for k, v in over.items():
        col, i = k.rsplit("_", 1)
        m.loc[int(i), col] = v
    return m


def _units():
    return pd.DataFrame({
        "uCode": ["Example City A", "Example City B", "Example City C", "Example City D"],
        "x1": [1.0, 2.0, 3.0, 4.0], "x2": [2.0, 2.5, 1.0, 0.5], "x3": [10.0, 20.0, 5.0, 1.0]})


@pytest.mark.parametrize(
    ("over", "match"),
    [
        ({"Parent_0": "Nope"}, "'x1' has Parent 'Nope', which is not a code"),
        ({"Parent_1": None}, "'x2' .* orphan"),
        ({"Weight_2": np.nan}, "'x3' has no valid Weight"),
        ({"iCode_1": "x1"}, r"duplicate iCode\(s\) \['x1'\]"),
        ({"Direction_0": 2}, "'x1' has Direction 2"),
        ({"Parent_3": "P2", "Level_3": 2}, "cycle|Parent 'P2'"),
        ({"Parent_4": "x3"}, "cycle|Type 'Indicator'"),
        ({"Parent_2": "P1"}, "aggregate 'P2' has no children"),
    ],
)
def test_framework_errors_name_the_code(over, match):
    with pytest.raises(FrameworkError, match=match):
        check_framework(_meta(**over))


def test_framework_cycle_detected():
    m = _meta()
    m.loc[3, "Parent"] = "P2"
    m.loc[4, "Parent"] = "P1"
    with pytest.raises(FrameworkError, match="cycle"):
        check_framework(m)


def test_bad_data_errors():
    u = _units()
    u["x2"] = np.nan
    with pytest.raises(DataFileError, match="'x2' is missing for every unit"):
        Coin(u, _meta())
    u = _units()
    u["x1"] = 3.0
    with pytest.raises(DataFileError, match="'x1' has zero variance"):
        Coin(u, _meta()).normalise("Raw")
    c = Coin(_units(), _meta()).normalise("Raw")  # min-max 0-100 has zeros
    with pytest.raises(DataFileError, match=r"geometric mean: 'x1' has 1 value\(s\) <= 0"):
        c.aggregate("Normalised", method="geometric")
    with pytest.raises(FrameworkError, match="no weight for indicator 'x3'"):
        c.aggregate("Normalised", weights={"x1": 1, "x2": 1, "P1": 1, "P2": 1})
    with pytest.raises(FrameworkError, match=r"weight\(s\) for \['zz'\]"):
        weights_frame(c.meta, {"zz": 1})
    with pytest.raises(FrameworkError, match="indicator 'x9'"):
        Coin(_units(), pd.concat([_meta(), pd.DataFrame({
            "Level": [1], "iCode": ["x9"], "Parent": ["P2"], "Direction": [1], "Weight": [1.0],
            "Type": ["Indicator"]})]))


def test_small_coin_end_to_end_invariants():
    c = Coin(_units(), _meta()).treat("Raw").normalise("Treated", l_u=(0, 10))
    c.aggregate("Normalised", method=["arithmetic", "inform"])
    agg = c.data["Aggregated"]
    assert list(c.data) == ["Raw", "Treated", "Normalised", "Aggregated"]
    assert agg.notna().all().all()
    assert ((agg >= 0) & (agg <= 10)).all().all()
    # x3 has Direction -1: the unit with the lowest x3 gets 10 on it
    assert agg.loc["Example City D", "x3"] == 10.0
    res = c.results()
    assert res["Rank"].tolist() == sorted(res["Rank"].tolist())


def test_city_framework_is_valid_and_documented():
    meta = city_framework()
    ind = meta[meta["Type"] == "Indicator"]
    assert set(meta.loc[meta["Level"] == 2, "iCode"]) == {"HE", "VU", "CC"}
    readme = (ra.composite.framework._FRAMEWORKS_DIR / "README.md").read_text()
    for code in ind["iCode"]:
        assert f"`{code}`" in readme, f"{code} not documented in frameworks/README.md"
