"""Tests of ra.validation: INFORM comparison, impact checks and known facts.

Synthetic frames check the arithmetic against hand-computed values; real-data tests check the
table built by this project's coast/tsunami/sea-level/heat modules.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

import resilience_analytics as ra
from resilience_analytics import validation
from resilience_analytics.errors import DataFileError, ParameterError

LEVELS = ["very low", "low", "medium", "high"]


def _inform():
    return pd.DataFrame(
        {"country_name": ["Aland", "Bland", "Cland", "Dland", "Eland"],
         "tsunami": [0.0, 2.0, 9.0, 5.0, 7.0], "earthquake": [1.0, 2.0, 3.0, 4.0, 5.0]},
        index=["AAA", "BBB", "CCC", "DDD", "EEE"])


def _table():
    return pd.DataFrame({
        "country_iso3": ["AAA", "BBB", "BBB", "CCC", "DDD", "EEE"],
        "population": [10, 100, 300, 50, 20, 0],
        "ts_rate_per_century": [0.0, 4.0, 0.0, 9.0, 1.0, 3.0],
    })


def test_aggregations_by_hand():
    t = _table()
    pw = validation.aggregate(t, "ts_rate_per_century")
    assert pw["BBB"] == pytest.approx((4 * 100 + 0 * 300) / 400)
    assert pw["EEE"] == 3.0  # population 0 counts as weight 1
    assert validation.aggregate(t, "ts_rate_per_century", "max")["BBB"] == 4.0
    assert validation.aggregate(t, "ts_rate_per_century", "mean")["BBB"] == 2.0
    assert validation.aggregate(t, "ts_rate_per_century", "exposed_share")["BBB"] == 0.25


def test_compare_inform_matches_scipy_and_names_outliers():
    t = _table()
    r = validation.compare_inform(t, ["tsunami", "earthquake"], inform=_inform(), n_outliers=2)
    ours = validation.aggregate(t, "ts_rate_per_century").sort_index()
    rho = spearmanr(ours.to_numpy(), _inform()["tsunami"].sort_index().to_numpy())[0]
    assert r.loc["tsunami", "spearman_rho"] == pytest.approx(rho)
    assert r.loc["tsunami", "n_countries"] == 5
    assert r.loc["tsunami", "outliers"].count("(ours rank") == 2
    # no earthquake column in the table: reported, not invented
    assert pd.isna(r.loc["earthquake", "city_column"]) and np.isnan(
        r.loc["earthquake", "spearman_rho"])


def test_compare_inform_bad_input():
    with pytest.raises(ParameterError, match="'volcano'"):
        validation.compare_inform(_table(), ["volcano"], inform=_inform())
    with pytest.raises(ParameterError, match="how"):
        validation.compare_inform(_table(), ["tsunami"], how="median", inform=_inform())
    with pytest.raises(ParameterError, match="country_iso3"):
        validation.compare_inform(pd.DataFrame({"x": [1]}), inform=_inform())
    with pytest.raises(ParameterError, match="not in the table"):
        validation.compare_inform(_table(), ["tsunami"], columns={"tsunami": "nope"},
                                  inform=_inform())


def test_scatter_has_human_labels():
    r = validation.compare_inform(_table(), ["tsunami"], inform=_inform())
    ax = validation.inform_scatter(r, "tsunami")
    assert "INFORM 2023 tsunami" in ax.get_xlabel()
    assert "tsunamis observed per century" in ax.get_ylabel()
    assert "ρ =" in ax.get_title()
    with pytest.raises(ParameterError, match="earthquake"):
        validation.inform_scatter(r, "earthquake")


def test_impact_by_level_by_hand():
    lv = pd.Categorical(["high", "high", "low", "very low", "very low"], categories=LEVELS,
                        ordered=True)
    t = pd.DataFrame({"lvl": lv, "dead": [100, 0, 1, 0, np.nan]})
    out = validation.impact_by_level(t, "lvl", "dead")
    assert out.loc["high", "cities"] == 2 and out.loc["high", "deaths_per_city"] == 50
    assert out.loc["very low", "share_with_deaths"] == 0
    assert out.loc["medium", "cities"] == 0 and np.isnan(out.loc["medium", "deaths_per_city"])
    assert out.attrs["spearman_rho"] > 0
    with pytest.raises(ParameterError, match="dead2"):
        validation.impact_by_level(t, "lvl", "dead2")


def test_known_facts_file_is_well_formed():
    f = validation.known_facts()
    assert f["fact_id"].is_unique and len(f) >= 10
    assert f["source"].str.len().gt(20).all()
    assert not f["source"].str.contains(r"\|").any()  # one source per row


def test_known_facts_bad_file(tmp_path):
    p = tmp_path / "facts.csv"
    p.write_text("fact_id,city\nx,Paris\n")
    with pytest.raises(DataFileError, match="missing column"):
        validation.known_facts(p)
    f = validation.known_facts()
    f.loc[0, "op"] = "~"
    f.to_csv(p, index=False)
    with pytest.raises(DataFileError, match="unknown op"):
        validation.known_facts(p)


def test_check_known_facts_synthetic_pass_fail_missing():
    ids = {n: ra.cities.resolve(n).city_id for n in ("Baku", "Chicago", "Dhaka", "Hong Kong")}
    t = pd.DataFrame({"coastal": [True, True, False, True], "fl_rate": [2.0, 0.0, 0.1, 0.5]},
                     index=pd.Index(list(ids.values()), name="city_id"))
    r = validation.check_known_facts(t).set_index("fact_id")
    assert r.loc["baku_coastal_caspian", "status"] == "pass"
    assert r.loc["chicago_not_sea_coast", "status"] == "fail"
    assert r.loc["dhaka_floods_more_than_hong_kong", "status"] == "fail"  # 0.1 < 0.5
    assert r.loc["chennai_2004_tsunami", "status"] == "column missing"
    assert r.loc["the_hague_coastal", "status"] == "city missing"


@pytest.mark.data
def test_real_table_facts_and_inform_tsunami():
    ex = ra.hazards.exposure(None, hazards=["tsunami", "coast", "sealevel", "heat"])
    facts = validation.check_known_facts(ex)
    mine = facts[facts["column"].str.match(r"^(ts_|coast|slr_|heat_)")]
    assert (mine["status"] == "pass").all(), mine[mine["status"] != "pass"]
    r = validation.compare_inform(ex, ["tsunami"])
    assert r.loc["tsunami", "n_countries"] >= 170
    # measured 0.715 (target of issue 13: 0.80, not reached with the observed record)
    assert r.loc["tsunami", "spearman_rho"] > 0.65
    imp = validation.impact_by_level(ex, "ts_level", "ts_deaths_near")
    assert imp.loc["high", "deaths_per_city"] > imp.loc["low", "deaths_per_city"]
    assert imp.loc["very low", "deaths_total"] == 0


def test_impact_checks_only_for_present_pairs():
    lv = pd.Categorical(["high", "low", "very low"], categories=LEVELS, ordered=True)
    t = pd.DataFrame({"ts_level": lv, "ts_deaths_near": [30.0, 3.0, 0.0], "fl_level": lv})
    out = validation.impact_checks(t)
    assert list(out.index) == ["tsunami"]  # fl_dead absent: no flood row
    assert out.loc["tsunami", "deaths_per_city_high"] == 30.0
    assert out.loc["tsunami", "cities"] == 3
