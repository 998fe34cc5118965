"""City hazard index (fixed goalposts) and city risk index (INFORM combination)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resilience_analytics.composite.products import (
    CONTEXT_SOURCES,
    city_hazard_index,
    city_risk_index,
    example_hazard_table,
    goalpost_scores,
    hazard_goalposts,
    national_context,
    screen_indicators,
    un_subregions,
)
from resilience_analytics.errors import DataFileError, ParameterError


def _ctx():
    return pd.DataFrame({"VU": [5.0, 2.0], "CC": [4.0, 3.0], "source": ["INFORM"] * 2,
                         "imputed": [False, False], "un_subregion": ["Fictional"] * 2},
                        index=pd.Index(["XAA", "XBB"], name="iso3"))


def test_scores_do_not_change_when_cities_are_added_or_removed():
    full = example_hazard_table(60, seed=1)
    a = city_hazard_index(full)
    sub = city_hazard_index(full.iloc[::3])
    extra = example_hazard_table(40, seed=9)
    extra.index = pd.Index(np.arange(1, 41) * 7 + 10**6, name="city_id")
    more = city_hazard_index(pd.concat([full, extra]))
    cols = ["hazard_index", "EQ", "TC", "FL", "TS", "VO"]
    pd.testing.assert_frame_equal(sub[cols], a.loc[sub.index, cols])
    pd.testing.assert_frame_equal(more.loc[full.index, cols], a[cols])
    # ranks do depend on the sample; scores do not
    assert not (sub["rank"].to_numpy() == a.loc[sub.index, "rank"].to_numpy()).all()
    r = city_risk_index(full, context=_ctx())
    r2 = city_risk_index(full.iloc[:7], context=_ctx())
    assert np.allclose(r2["risk"], r.loc[r2.index, "risk"])


def test_goalposts_are_fixed_and_anchored():
    gp = hazard_goalposts()
    assert set(gp["hazard"]) == {"EQ", "TC", "FL", "TS", "VO"}
    # every year -> 10; rarer than ThinkHazard's longest 'low' return period (2500 yr) -> 0;
    # ThinkHazard's 'high' 0.2 g at 100 yr sits on the log scale between
    s = goalpost_scores(pd.DataFrame({"eq_rate_pga_0p2g": [1.0, 1 / 2500, 0.0, np.nan, 1 / 100],
                                      "vo_years_since_eruption_100km": [0.5, 11700, 1e6, 1,
                                                                        np.nan]}))
    assert s["eq_rate_pga_0p2g"].tolist()[:3] == [10.0, 0.0, 0.0]
    assert np.isnan(s["eq_rate_pga_0p2g"].iloc[3])
    assert s["eq_rate_pga_0p2g"].iloc[4] == pytest.approx(10 * np.log10(25) / np.log10(2500))
    # log scale between goalposts: the geometric midpoint scores 5
    mid = np.sqrt(gp.at["tc_rate_64kt", "lower"] * gp.at["tc_rate_64kt", "upper"])
    assert goalpost_scores(pd.DataFrame({"tc_rate_64kt": [mid]}))["tc_rate_64kt"][0] == \
        pytest.approx(5.0)
    assert s["vo_years_since_eruption_100km"].tolist()[:4] == [10.0, 0.0, 0.0, 10.0]
    with pytest.raises(DataFileError, match="'tc_rate_64kt' has value -1.0"):
        goalpost_scores(pd.DataFrame({"tc_rate_64kt": [-1.0]}))
    for c in gp.index:
        assert len(str(gp.at[c, "anchor"])) > 30, f"{c}: goalposts need a stated anchor"


def test_hazard_combination_is_informs_complement_geometric_mean():
    t = example_hazard_table(30, seed=2)
    hi = city_hazard_index(t)
    H = hi[["EQ", "TC", "FL", "TS", "VO"]].to_numpy()
    expected = []
    for row in H:
        r = row[~np.isnan(row)]
        expected.append(10 - np.exp(np.mean(np.log(10 - r))))
    assert np.allclose(hi["hazard_index"], expected)
    # one hazard at its top goalpost saturates the index (INFORM: 10 - gmean(10 - x))
    t2 = t.iloc[:1].copy()
    t2["eq_rate_pga_0p1g"] = t2["eq_rate_pga_0p2g"] = 1.0
    assert city_hazard_index(t2)["hazard_index"].iloc[0] == pytest.approx(10.0)


def test_no_event_scores_zero_and_missing_is_kept_and_explained():
    t = example_hazard_table(5, seed=3)
    t["ts_max_height_m"] = np.nan
    t.loc[t.index[0], ["eq_rate_pga_0p1g", "eq_rate_pga_0p2g"]] = np.nan
    for c in hazard_goalposts().index:
        t.loc[t.index[1], c] = np.nan
    hi = city_hazard_index(t)
    assert len(hi) == 5
    assert (hi["s_ts_max_height_m"] == 0).all()
    assert "eq_rate_pga_0p1g" in hi.loc[t.index[0], "missing"]
    assert hi.loc[t.index[0], "coverage"] < 1 and hi.loc[t.index[0], "hazard_index"] >= 0
    assert np.isnan(hi.loc[t.index[0], "EQ"])
    # the city without any value is kept: only the no-event indicators score (0), coverage low
    row = hi.loc[t.index[1]]
    assert row["coverage"] < 0.5 and "fl_rate" in row["missing"]
    assert row["hazard_index"] == 0.0 and np.isnan(row["EQ"])


def test_ranks_global_country_subregion():
    t = example_hazard_table(12, seed=4)
    hi = city_hazard_index(t)
    for iso, g in hi.groupby("country_iso3"):
        assert sorted(g["rank_in_country"].tolist()) == list(range(1, len(g) + 1)), iso
        top = g["hazard_index"].idxmax()
        assert g.at[top, "rank_in_country"] == 1
    assert hi["rank"].min() == 1 and hi["rank"].max() == 12
    assert hi["rank_in_subregion"].isna().all()  # fictional countries have no UN subregion


def test_risk_is_informs_geometric_mean_with_argued_weights():
    t = example_hazard_table(10, seed=5)
    r = city_risk_index(t, context=_ctx())
    ctx = _ctx().reindex(t["country_iso3"])
    X = np.column_stack([r["HE"], ctx["VU"], ctx["CC"]])
    assert np.allclose(r["risk"], np.exp(np.log(X).mean(axis=1)))
    zero = t.iloc[:1].copy()
    for c in hazard_goalposts().index:
        zero[c] = 0.0
    zero["vo_years_since_eruption_100km"] = np.nan
    assert city_risk_index(zero, context=_ctx())["risk"].iloc[0] == 0.0
    w = city_risk_index(t, context=_ctx(), weights=(2, 1, 1))
    assert np.allclose(w["risk"], np.exp((2 * np.log(X[:, 0]) + np.log(X[:, 1]) +
                                          np.log(X[:, 2])) / 4))
    with pytest.raises(ParameterError, match="weights"):
        city_risk_index(t, context=_ctx(), weights=(0, 0, 0))
    assert set(r["reliability"]) <= {0.5 * (c + 1) for c in r["coverage"]}


def test_screening_records_decisions():
    rng = np.random.default_rng(0)
    a = rng.random(200)
    s = pd.DataFrame({"fl_rate": a, "fl_severity_rate": a * 2 + rng.normal(0, 0.01, 200),
                      "eq_rate_pga_0p1g": a + rng.normal(0, 0.01, 200),
                      "tc_rate_64kt": rng.random(200)})
    g = {"fl_rate": "FL", "fl_severity_rate": "FL", "eq_rate_pga_0p1g": "EQ",
         "tc_rate_64kt": "TC"}
    f = screen_indicators(s, g)
    pair = f[(f["kind"] == "corr") & (f["ind1"] == "fl_rate") & (f["ind2"] == "fl_severity_rate")]
    assert pair["decision"].iloc[0] == "merge: averaged within FL"
    cross = f[(f["kind"] == "corr") & (f["group1"] != f["group2"])]
    assert (cross["decision"] == "keep: different hazards").all() and len(cross) >= 1
    assert (f.loc[f["kind"] == "vif", "value"] > 10).all()
    assert "tc_rate_64kt" not in set(f["ind1"]) | set(f["ind2"])


def test_bad_inputs():
    t = example_hazard_table(4)
    with pytest.raises(DataFileError, match=r"lacks hazard column\(s\) \['fl_rate'\]"):
        city_hazard_index(t.drop(columns="fl_rate"))
    with pytest.raises(ParameterError, match="'nope'"):
        city_hazard_index(t, drop=["nope"])
    with pytest.raises(ParameterError, match="not hazard components"):
        city_hazard_index(t, weights={"XX": 1})
    t2 = t.copy()
    t2.loc[t2.index[0], "fl_rate"] = np.inf
    with pytest.raises(DataFileError, match="'fl_rate' has value inf"):
        city_hazard_index(t2)
    loo = city_hazard_index(t, drop=["fl_severity_rate"])
    assert "s_fl_severity_rate" not in loo.columns


def test_un_subregions_from_m49_table():
    r = un_subregions()
    assert r.loc["NLD", "un_subregion"] == "Western Europe"
    assert r.loc["JPN", "un_subregion"] == "Eastern Asia"
    assert r.loc["BRA", "un_subregion"] == "South America"
    assert r.loc["NLD", "m49"] == "528"
    assert r["un_subregion"].nunique() >= 20


@pytest.mark.data
def test_national_context_never_drops_a_country_and_flags_imputation():
    ctx, maps = national_context(["NLD", "TWN", "HKG", "MCO", "XKX", "PRI"])
    assert ctx.loc["NLD", "source"] == CONTEXT_SOURCES[0] and not ctx.loc["NLD", "imputed"]
    assert ctx.loc["MCO", "source"] in CONTEXT_SOURCES[1:3]
    for iso in ("TWN", "HKG", "XKX", "PRI"):
        assert ctx.loc[iso, "imputed"] and ctx.loc[iso, "source"] == CONTEXT_SOURCES[3]
    assert ctx[["VU", "CC"]].notna().all().all()
    full, _ = national_context()
    east = full[(full["un_subregion"] == "Eastern Asia") & ~full["imputed"]]
    assert ctx.loc["TWN", "VU"] == pytest.approx(east["VU"].median())
    assert (maps["n"] >= 150).all() and maps["r2"].between(0, 1).all()


def test_input_uncertainty_over_hazard_parameters_and_pipeline_choices():
    from resilience_analytics.composite.gsa import input_uncertainty
    from resilience_analytics.composite.products import city_model

    base = example_hazard_table(40, seed=6)
    calls = []

    def exposure_fn(radius_km):  # a hazard computation parameter: wider radius, more events
        calls.append(radius_km)
        t = base.copy()
        for c in ("eq_rate_pga_0p1g", "fl_rate", "tc_rate_64kt"):
            t[c] = t[c] * (radius_km / 100.0) ** (2 if c == "fl_rate" else 1)
        return t

    model = city_model(base, exposure_fn=exposure_fn, context=_ctx())
    factors = {"radius_km": [50.0, 100.0, 150.0], "drop": [None, "fl_rate", "tc_rate_96kt"],
               "risk_weights": [(1, 1, 1), (2, 1, 1)]}
    res = input_uncertainty(model, factors, n=16, seed=2, n_boot=200,
                            nominal={"radius_km": 100.0, "drop": None,
                                     "risk_weights": (1, 1, 1)})
    assert len(calls) == 3  # one hazard table per distinct radius (cached)
    assert res.ranks.shape == (40, 16 * 5)
    # rank statistics on the 2N independent runs only
    a_b = res.ranks.iloc[:, :32].to_numpy()
    assert np.allclose(res.rank_stats["median"], np.median(a_b, axis=1))
    assert list(res.runs["block"][:32].unique()) == ["A", "B"]
    ind = res.indices
    assert list(ind.index) == list(factors)
    assert (ind["ST_high"] >= ind["ST_low"]).all()
    assert res.indices.attrs["interval"].startswith("percentile bootstrap")


@pytest.mark.data
def test_products_carry_the_licence_flags_of_their_inputs():
    hi = city_hazard_index(example_hazard_table(5))
    assert "share-alike" in hi.attrs["licence"] and "no-redistribution" in hi.attrs["licence"]
    r = city_risk_index(hazard=hi, context=_ctx())
    assert r.attrs["licence"] == hi.attrs["licence"]
