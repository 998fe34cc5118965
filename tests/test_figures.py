"""Tests of ra.figures: byte-identical output, content of each figure, errors."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import resilience_analytics as ra
from resilience_analytics.errors import ParameterError

REPO = Path(__file__).resolve().parents[1]


def fictional_indicators(n: int = 12) -> pd.DataFrame:
    """Fictional cities with invented, seeded indicator values."""
    rng = np.random.default_rng(ra.settings.seed)
    t = pd.DataFrame(rng.gamma(2.0, 1.0, size=(n, 4)),
                     columns=["flood", "cyclone", "quake", "coast"],
                     index=pd.Index(range(1, n + 1), name="city_id"))
    t["name"] = [f"Example City {i}" for i in range(1, n + 1)]
    t["population"] = rng.integers(10_000, 1_000_000, size=n)
    return t


def all_figures():
    t = fictional_indicators()
    ranks = pd.DataFrame({"name": t["name"], "nominal": range(1, 13),
                          "median": [min(12, r + 1) for r in range(1, 13)],
                          "q05": [max(1, r - 2) for r in range(1, 13)],
                          "q95": [min(12, r + 3) for r in range(1, 13)]})
    si = pd.DataFrame({"S1": [0.4, 0.1, 0.05], "S1_conf": [0.05, 0.03, 0.02],
                       "ST": [0.55, 0.2, 0.1], "ST_conf": [0.06, 0.04, 0.03]},
                      index=["weights", "normalisation", "aggregation"])
    coefs = pd.DataFrame({"term": ["Intercept", "flood", "cyclone"], "coef": [0.2, 0.5, -0.3],
                          "ci_low": [-0.1, 0.1, -0.9], "ci_high": [0.5, 0.9, 0.3]})
    return {
        "profile": ra.figures.hazard_profile(t, "Example City 1", [2, 3, 4]),
        "ranks": ra.figures.rank_intervals(ranks, highlight=["Example City 3"]),
        "corr": ra.figures.correlation_heatmap(t.drop(columns="name")),
        "sobol": ra.figures.sobol_indices(si),
        "coefs": ra.figures.coefficient_plot(coefs),
        "world": ra.figures.world_map(pd.Series({"NLD": 2.0, "UKR": 4.0, "IDN": 6.0},
                                                name="fictional score")),
    }


def _save_all(folder: Path, only: tuple[str, ...] | None = None) -> dict[str, bytes]:
    out = {}
    for name, fig in all_figures().items():
        if only is not None and name not in only:
            continue
        formats = ("png", "svg", "pdf") if name == "corr" else ("png", "svg")
        for p in ra.figures.save_figure(fig, name, formats=formats, folder=folder, dpi=80):
            out[p.name] = p.read_bytes()
    return out


def test_rerun_gives_byte_identical_files(tmp_path):
    first = _save_all(tmp_path / "a")
    second = _save_all(tmp_path / "b")
    assert sorted(first) == sorted(second) and len(first) == 13
    for name in first:
        assert first[name] == second[name], name
    svg = first["corr.svg"].decode()
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    assert b"Matplotlib" not in first["corr.png"]
    assert b"CreationDate" not in first["corr.pdf"]


def test_identical_bytes_in_a_fresh_process(tmp_path):
    code = (
        "import sys; sys.path.insert(0, 'tests'); import test_figures as t, pathlib;"
        f"t._save_all(pathlib.Path({str(tmp_path / 'sub')!r}), ('world', 'profile'))"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)
    here = _save_all(tmp_path / "main", ("world", "profile"))
    assert len(here) == 4
    for name, data in here.items():
        assert (tmp_path / "sub" / name).read_bytes() == data, name


def test_save_figure_defaults_to_figures_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(ra.settings, "figures_dir", tmp_path / "figs")
    paths = ra.figures.save_figure(all_figures()["sobol"], "sobol")
    assert [p.name for p in paths] == ["sobol.png", "sobol.svg"]
    assert all(p.parent == tmp_path / "figs" for p in paths)
    assert not list((tmp_path / "figs").glob(".*tmp"))  # no temp file left behind
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(paths[1].stat().st_mode) == 0o666 & ~umask  # not mkstemp's 0600


def test_save_figure_errors():
    fig = all_figures()["sobol"]
    with pytest.raises(ParameterError, match="png"):
        ra.figures.save_figure(fig, "x", formats=("jpg",))
    with pytest.raises(ParameterError, match="letters, digits"):
        ra.figures.save_figure(fig, "../escape")


def test_hazard_profile_percentiles():
    t = fictional_indicators()
    fig = ra.figures.hazard_profile(t, "Example City 1", [2, 3], columns=["flood", "quake"])
    ax = fig.axes[0]
    focal = ax.collections[-1].get_offsets()
    # percentile of the focal city's flood value among the 12 cities
    x = t["flood"].to_numpy()
    v = t.loc[1, "flood"]
    expected = 100 * ((x < v).sum() + 0.5 * (x == v).sum()) / len(x)
    assert focal[1, 0] == pytest.approx(expected)  # 'flood' is the top row (y = 1)
    assert [tl.get_text() for tl in ax.get_yticklabels()] == ["quake", "flood"]
    with pytest.raises(ParameterError, match="Nowhere"):
        ra.figures.hazard_profile(t, "Nowhere")
    with pytest.raises(ParameterError, match="missing column"):
        ra.figures.hazard_profile(t, 1, columns=["tsunami"])


def test_rank_intervals_checks_bounds():
    bad = pd.DataFrame({"name": ["Example City"], "nominal": [5], "q05": [9], "q95": [6]})
    with pytest.raises(ParameterError, match="q05 > q95"):
        ra.figures.rank_intervals(bad)
    with pytest.raises(ParameterError, match="rank_q95"):
        ra.figures.rank_intervals(bad, upper="rank_q95")
    with pytest.raises(ParameterError, match="empty"):
        ra.figures.rank_intervals(bad.iloc[:0])


@pytest.mark.data
def test_rank_intervals_from_composite_uncertainty():
    from resilience_analytics.composite import build_example_coin, uncertainty

    ua = uncertainty(build_example_coin(), n=30, weight_noise={2: 0.25})
    stats = ua.rank_stats
    fig = ra.figures.rank_intervals(stats, top=10)
    ax = fig.axes[0]
    assert len(ax.get_yticklabels()) == 10
    best = stats.sort_values("nominal", kind="mergesort").index[0]
    top_label = ax.get_yticklabels()[int(np.argmax(ax.get_yticks()))].get_text()
    assert top_label == str(best)  # rank 1 on top


def test_correlation_values_and_errors():
    t = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 4, 6, 8], "c": [4.0, 3, 2, 1]})
    fig = ra.figures.correlation_heatmap(t, method="pearson")
    arr = fig.axes[0].images[0].get_array()
    assert arr[0, 1] == pytest.approx(1.0) and arr[0, 2] == pytest.approx(-1.0)
    with pytest.raises(ParameterError, match="spearman"):
        ra.figures.correlation_heatmap(t, method="distance")
    with pytest.raises(ParameterError, match="at least 2"):
        ra.figures.correlation_heatmap(t, columns=["a"])


def test_coefficient_plot_odds_ratios():
    c = pd.DataFrame({"coef": [0.0, np.log(2)], "ci_low": [-1.0, 0.1], "ci_high": [1.0, 1.2]},
                     index=pd.Index(["Intercept", "flood"], name="term"))
    fig = ra.figures.coefficient_plot(c, exponentiate=True)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert ax.collections[-1].get_offsets()[0, 0] == pytest.approx(2.0)
    with pytest.raises(ParameterError, match="no term left"):
        ra.figures.coefficient_plot(c, drop=("Intercept", "flood"))


def test_world_map_errors():
    with pytest.raises(ParameterError, match="ISO3"):
        ra.figures.world_map(pd.Series({"Netherlands": 1.0}))
    with pytest.raises(ParameterError, match="empty"):
        ra.figures.world_map(pd.Series({"NLD": np.nan}))


@pytest.mark.data
def test_world_map_of_real_inform(tmp_path):
    inform = ra.countries.inform()
    col = "inform_risk" if "inform_risk" in inform.columns else next(
        c for c in inform.columns if "risk" in c.lower())
    values = inform[col] if inform.index.name == "iso3" else inform.set_index("iso3")[col]
    fig = ra.figures.world_map(values, title="INFORM Risk 2023")
    coloured = fig.axes[0].collections[-1]
    assert len(coloured.get_array()) > 150
    paths = ra.figures.save_figure(fig, "inform_world", folder=tmp_path)
    assert paths[0].stat().st_size > 20_000


@pytest.mark.data
def test_hazard_profile_of_the_hague_against_real_peers():
    exposure = ra.hazards.exposure()
    peers = ra.peers.similar("The Hague", k=5)
    hague = ra.cities.resolve("The Hague").city_id
    cols = ["fl_rate", "eq_rate_pga_0p1g", "tc_rate_34kt", "coast_distance_km"]
    fig = ra.figures.hazard_profile(exposure, hague, list(peers.index), columns=cols)
    ax = fig.axes[0]
    focal = ax.collections[-1].get_offsets()
    # The Hague has no shaking above 0.1 g: at or below the median of all cities
    eq_row = [t.get_text() for t in ax.get_yticklabels()].index(
        ra.figures.label("eq_rate_pga_0p1g", width=48))
    assert focal[eq_row, 0] <= 50
    assert len(ax.collections) == 6  # five peers and the focal city


def test_coefficient_plot_labels_several_outcomes():
    c = pd.DataFrame({"outcome": ["fl_count", "eq_count_m6"], "term": ["member_c40"] * 2,
                      "coef": [0.1, -0.2], "ci_low": [-0.1, -0.4], "ci_high": [0.3, 0.0]})
    labels = [t.get_text() for t in ra.figures.coefficient_plot(c).axes[0].get_yticklabels()]
    assert labels == ["fl_count: member_c40", "eq_count_m6: member_c40"]
