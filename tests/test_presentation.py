"""Reader-facing figures (issue 17): human labels, 200 dpi PNG + SVG, legends, focal city
always shown, percentile wording, readable log ticks, the hazard card."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import resilience_analytics as ra
from resilience_analytics.errors import ParameterError

CODE = re.compile(r"\b(eq|tc|fl|ts|vo|slr|heat|inform|wri|ndgain)_[a-z0-9_]+\b")


def fictional_ranks(n: int = 100, focal_rank: int = 91) -> pd.DataFrame:
    t = pd.DataFrame({"name": [f"Example City {i}" for i in range(1, n + 1)],
                      "nominal": np.arange(1, n + 1, dtype=float)})
    t["median"] = t["nominal"]
    t["q05"] = np.maximum(1, t["nominal"] - 5)
    t["q95"] = np.minimum(n, t["nominal"] + 5)
    t.loc[focal_rank - 1, "name"] = "The Hague"
    return t


def tick_texts(ax, axis="y"):
    ticks = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in ticks]


def test_every_exposure_column_has_a_human_label_with_its_unit():
    cols = ra.hazards.exposure_columns()
    for col, unit in zip(cols["column"], cols["unit"], strict=True):
        text = ra.figures.label(col)
        assert text != col and not CODE.search(text), (col, text)
        if unit not in ("very low < low < medium < high", "boolean", "Köppen–Geiger code",
                        "A/B/C/D/E"):
            assert text.endswith(f"({unit})"), (col, text)
    assert ra.figures.label("fl_rate") == "Large floods in DFO affected regions (events per year)"
    assert ra.figures.label("fl_rate", unit=False) == "Large floods in DFO affected regions"
    assert "\n" in ra.figures.label("fl_displaced", width=20)
    with pytest.raises(ParameterError, match="must be a str"):
        ra.figures.label(3)


def test_profile_axis_labels_carry_no_raw_column_code():
    rng = np.random.default_rng(0)
    cols = ["eq_rate_pga_0p1g", "tc_rate_34kt", "fl_rate", "coast_distance_km"]
    t = pd.DataFrame(rng.gamma(1.0, 1.0, size=(20, 4)), columns=cols)
    t["name"] = [f"Example City {i}" for i in range(20)]
    fig = ra.figures.hazard_profile(t, "Example City 0", peers=["Example City 1"],
                                    peers_label="other cities of its country")
    ax = fig.axes[0]
    labels = tick_texts(ax)
    assert not any(CODE.search(x) for x in labels), labels
    assert "Distance to the coast (km)" in labels
    # the wording says what is computed: mid-rank percentiles (ties count half)
    assert "mid-rank percentile" in ax.get_xlabel() and "ties count half" in ax.get_xlabel()
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "other cities of its country" in legend and "Example City 0" in legend
    assert "peers" not in legend


def test_tied_values_sit_at_the_mid_rank_percentile():
    # 3 of 4 cities have 0 events: a city with 0 is at (0 + 0.5 * 3) / 4 = 37.5
    t = pd.DataFrame({"name": ["A", "B", "C", "D"], "fl_rate": [0.0, 0.0, 0.0, 1.0]})
    fig = ra.figures.hazard_profile(t, "A", peers=[])
    x = fig.axes[0].collections[-1].get_offsets()[0, 0]
    assert x == pytest.approx(37.5)


def test_focal_city_outside_the_top_is_shown_with_its_rank():
    fig = ra.figures.rank_intervals(fictional_ranks(), highlight=["The Hague"], top=40,
                                    title="Risk rank among 100 fictional cities")
    ax = fig.axes[0]
    labels = tick_texts(ax)
    assert len(labels) == 41
    assert labels[-1] == "The Hague (rank 91)"
    assert labels[:40] == [f"Example City {i}" for i in range(1, 41)]
    assert "top 40 of 100" in ax.get_title()
    assert any("50 not shown" in t.get_text() for t in ax.texts)  # the break marker
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "5–95 % interval of simulated ranks" in legend
    assert "nominal rank" in legend and "median simulated rank" in legend
    assert any("The Hague" in x for x in legend)


def test_focal_city_inside_the_top_is_labelled_once_and_unknown_highlight_fails():
    fig = ra.figures.rank_intervals(fictional_ranks(focal_rank=3), highlight=["The Hague"],
                                    top=40)
    labels = tick_texts(fig.axes[0])
    assert len(labels) == 40 and labels[2] == "The Hague (rank 3)"
    assert not fig.axes[0].texts
    with pytest.raises(ParameterError, match="Atlantis"):
        ra.figures.rank_intervals(fictional_ranks(), highlight=["Atlantis"])


def test_odds_ratio_axis_has_plain_decimal_ticks():
    coefs = pd.DataFrame({"term": ["flood", "cyclone"], "coef": [0.5, -0.3],
                          "ci_low": [0.1, -0.9], "ci_high": [0.9, 0.3]})
    fig = ra.figures.coefficient_plot(coefs, exponentiate=True)
    fig.draw_without_rendering()
    ax = fig.axes[0]
    lo, hi = ax.get_xlim()
    texts = [t.get_text() for t in ax.get_xticklabels()
             if lo <= t.get_position()[0] <= hi and t.get_text()]
    assert texts, "no tick labels"
    assert all(re.fullmatch(r"[0-9.,]+", x) for x in texts), texts
    assert "1" in texts
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["interval excludes 1", "interval includes 1", "no effect (1)"]


def test_png_is_200_dpi_and_svg_is_written(tmp_path):
    from PIL import Image

    fig = ra.figures.rank_intervals(fictional_ranks(12, 10), highlight=["The Hague"], top=5)
    paths = ra.figures.save_figure(fig, "ranks", folder=tmp_path)
    assert [p.suffix for p in paths] == [".png", ".svg"]
    with Image.open(paths[0]) as im:
        assert tuple(round(v) for v in im.info["dpi"]) == (200, 200)
        assert im.size[0] >= 1200  # 6.4 in at 200 dpi, less the tight bounding box
    assert paths[1].read_text().lstrip().startswith("<?xml")


def test_notebook_run_saves_200_dpi_png_and_svg(tmp_path):
    from PIL import Image

    run = ra.manifest.start_notebook("99-example", tmp_path, parameters={})
    fig = ra.figures.rank_intervals(fictional_ranks(12, 10), top=5)
    run.figure(fig, "ranks")
    folder = tmp_path / "99-example" / "figures"
    with Image.open(folder / "ranks.png") as im:
        assert tuple(round(v) for v in im.info["dpi"]) == (200, 200)
    assert (folder / "ranks.svg").exists()


def card_row(**kw):
    row = {"name": "Example City", "eq_level": "medium", "eq_pga_475yr_g": 0.12,
           "eq_pga_2475yr_g": 0.3, "tc_level": "low", "tc_wind_100yr_kt": float("nan"),
           "tc_wind_max_kt": 40.0, "tc_storms_34kt": 2, "fl_level": "high", "fl_rate": 0.2}
    row.update(kw)
    return pd.Series(row)


def test_hazard_card_shows_one_coloured_level_per_hazard_and_its_value():
    fig = ra.figures.hazard_card(card_row())
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert texts[:2] == ["Earthquake", "medium"]
    assert "Cyclone" in texts and "Flood" in texts and "Tsunami" not in texts
    assert any("0.20 large floods per year" in t and "every 5 years" in t for t in texts)
    assert any("2 storm(s)" in t for t in texts)
    fills = [ra.figures.LEVEL_COLORS[k] for k in ("medium", "low", "high")]
    from matplotlib.colors import to_hex

    assert [to_hex(p.get_facecolor()) for p in ax.patches] == fills
    # the DFO flood numbers carry their licence restriction
    assert any("no-redistribution" in t for t in texts)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["high", "medium", "low", "very low", "not assessed"]


def test_hazard_card_adds_tsunami_and_handles_missing_levels():
    fig = ra.figures.hazard_card(card_row(ts_level=None, ts_max_height_m=float("nan")))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "Tsunami" in texts and "not assessed" in texts


def test_hazard_card_bad_input():
    with pytest.raises(ParameterError, match="Series"):
        ra.figures.hazard_card({"name": "x"})
    with pytest.raises(ParameterError, match="fl_level"):
        ra.figures.hazard_card(card_row().drop("fl_level"))
    with pytest.raises(ParameterError, match="extreme"):
        ra.figures.hazard_card(card_row(eq_level="extreme"))


def test_heatmap_and_world_map_use_human_labels():
    t = pd.DataFrame({"fl_rate": [0.1, 0.2, 0.4], "tc_rate_34kt": [1.0, 0.5, 0.2],
                      "my_own": [1, 2, 3]})
    ax = ra.figures.correlation_heatmap(t).axes[0]
    assert tick_texts(ax, "x") == ["Large floods in DFO affected regions",
                                   "Cyclones with gale-force wind (≥ 34 kt)", "my_own"]


@pytest.mark.data
def test_world_map_colour_bar_is_labelled_with_unit():
    fig = ra.figures.world_map(pd.Series({"NLD": 1.5, "UKR": 4.0}, name="inform_risk"))
    assert fig.axes[1].get_xlabel() == "INFORM risk (country) (0-10)"


def test_hazard_card_says_coastal_flooding_is_not_modelled():
    row = pd.Series({"name": "Example City", "eq_level": "low", "eq_pga_475yr_g": 0.05,
                     "eq_pga_2475yr_g": 0.12, "tc_level": "very low", "tc_wind_100yr_kt": None,
                     "tc_wind_max_kt": 0.0, "tc_storms_34kt": 0, "fl_level": "low",
                     "fl_rate": 0.03, "coastal": True, "slr_trend_mm_yr": 2.41,
                     "slr_trend_se_mm_yr": 0.08, "slr_station_km": 16.5,
                     "coast_distance_km": 3.0})
    texts = [t.get_text() for t in ra.figures.hazard_card(row).axes[0].texts]
    i = texts.index("Coastal flood")
    assert texts[i + 1] == "not assessed"
    assert "storm surge not modelled" in texts[i + 2] and "+2.4 ± 0.1 mm/yr" in texts[i + 2]
    inland = ra.figures.hazard_card(pd.concat([row.drop(["coastal", "coast_distance_km"]),
                                               pd.Series({"coastal": False,
                                                          "coast_distance_km": 250.0})]))
    assert any("inland (250 km" in t.get_text() for t in inland.axes[0].texts)
