"""Tests of ra.earthquake and the merged earthquake catalogue (hazard v2).

Synthetic catalogues check the PSHA arithmetic against independent formulas; tests marked
``data`` check known facts on the real catalogues (and cities the method was not tuned on).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

import resilience_analytics as ra
from resilience_analytics import catalogs, earthquake
from resilience_analytics.errors import DataFileError, ParameterError

R_EARTH = 6371.0088


def _hav(lat1, lon1, lat2, lon2):
    """Independent haversine (km) for the hand computations."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * R_EARTH * math.asin(math.sqrt(a))


def _aga16_interface_ln(m, r_rup):
    """AGA16 (BC Hydro) interface PGA on V_S30 760 m/s, Table 3 coefficients typed here."""
    t1, t2, t3, t4, t5, t6, t9, t12, t13 = 4.2203, -1.35, 0.1, 0.9, 0.0, -0.0012, 0.4, 0.98, \
        -0.0135
    c4, vlin, b, n, c = 10.0, 865.1, -1.186, 1.18, 1.88
    dc1 = 0.2
    c1 = 7.8 + dc1
    fmag = (t4 if m <= c1 else t5) * (m - c1) + t13 * (10 - m) ** 2
    base = (t1 + t4 * dc1 + (t2 + t3 * (m - 7.8)) * math.log(r_rup + c4 * math.exp(t9 * (m - 6)))
            + t6 * r_rup + fmag)
    pga1000 = math.exp(base + (t12 + b * n) * math.log(1000 / vlin))
    ratio = 760 / vlin
    site = t12 * math.log(ratio) - b * math.log(pga1000 + c) + b * math.log(pga1000 + c * ratio**n)
    return base + site


def _one(**kw):
    row = {"source": "ISC-GEM", "year": 1990, "latitude": 0.0, "longitude": 0.0,
           "depth_km": 10.0, "magnitude": 6.0, "t_seconds": 0.0, "gmm": "crustal"}
    row.update(kw)
    return row


# ------------------------------------------------------------------ synthetic arithmetic
def test_rate_is_poe_over_completeness_window():
    # one crustal Mw 6.5 event in 1990 (class 6.25-7.5: complete 1918-2016, 99 years),
    # "Example City" 0.3 degrees north
    cat = pd.DataFrame([_one(magnitude=6.5)])
    out = earthquake.city_hazard([0.3], [0.0], catalog=cat, source_model="historical")
    d = _hav(0.3, 0.0, 0.0, 0.0)
    half = 10 ** (-2.44 + 0.59 * 6.5) / 2
    r_h = math.hypot(max(d / math.sqrt(2) - half, 0), d / math.sqrt(2))
    ln, sd = ra.gmpe.bssa14_pga([6.5], [r_h])
    assert math.isclose(out["eq_pga_max_g"][0], math.exp(ln[0]), rel_tol=1e-9)
    for x, col in ((0.1, "eq_rate_pga_0p1g"), (0.2, "eq_rate_pga_0p2g")):
        z = (math.log(x) - ln[0]) / sd[0]
        p = (norm.cdf(3) - norm.cdf(z)) / (norm.cdf(3) - norm.cdf(-3))
        assert math.isclose(out[col][0], max(p, 0) / 99.0, rel_tol=1e-9)


def test_tapered_gr_is_gutenberg_richter_below_the_corner_and_kagan_at_it():
    # far below the corner the tapered law is G-R with b = 1.5 beta (Kagan 2002)
    s = earthquake.tapered_gr_survival([5.5, 6.5, 7.5], 12.0, beta=0.635)
    assert s[1] / s[0] == pytest.approx(10 ** (-1.5 * 0.635), rel=1e-6)
    assert s[2] / s[1] == pytest.approx(10 ** (-1.5 * 0.635), rel=1e-6)
    # at the corner: (M_t/M_c)^beta * exp((M_t - M_c)/M_c), moments 10^(1.5 m + 9.05)
    m0t, m0c = 10 ** (1.5 * 5.5 + 9.05), 10 ** (1.5 * 8.46 + 9.05)
    hand = (m0t / m0c) ** 0.635 * math.exp((m0t - m0c) / m0c)
    assert earthquake.tapered_gr_survival([8.46], 8.46)[0] == pytest.approx(hand, rel=1e-9)
    m, p = earthquake.magnitude_bins("crustal")
    assert p.sum() == pytest.approx(1.0, abs=1e-5) and (np.diff(p) < 0).all()
    with pytest.raises(ParameterError, match="accepted: crustal"):
        earthquake.magnitude_bins("volcanic")
    with pytest.raises(ParameterError, match="m_min"):
        earthquake.tapered_gr_survival([5.0], 8.0)


def test_smoothing_matrix_moments():
    # Frankel's kernel exp(-r^2/c^2) has E|x|^2 = c^2 and E|x|^4 = 2 c^4, so averaging
    # R^2 around a point at distance D gives D^2 + c^2, and R^4 gives D^4 + 4 D^2 c^2 + 2 c^4
    r = np.geomspace(1.0, 1000.0, 400)
    a = earthquake.smoothing_matrix(r, 40.0)
    for d in (150.0, 400.0):
        i = int(np.argmin(np.abs(r - d)))
        di = r[i]
        assert a[i].sum() == pytest.approx(1.0, abs=1e-9)
        assert a[i] @ r**2 == pytest.approx(di**2 + 40.0**2, rel=2e-3)
        assert a[i] @ r**4 == pytest.approx(di**4 + 4 * di**2 * 1600 + 2 * 40.0**4, rel=2e-3)
    # at the edge the kernel reaches beyond the grid: that mass is dropped, not piled up
    assert a[-1].sum() < 0.6
    with pytest.raises(ParameterError, match="c_km"):
        earthquake.smoothing_matrix(r, 0.0)
    with pytest.raises(ParameterError, match="increasing"):
        earthquake.smoothing_matrix(r[::-1], 40.0)


def test_smoothed_branch_matches_brute_force_kernel_integral():
    # one crustal Mw 6.5 mainshock (rate 1/99 per year of Mw >= 5.5 events at its place),
    # "Example City" 60 km away: integrate the kernel on a 2.5-km grid, the G-R magnitudes
    # and BSSA14 directly, without the library's table or quadrature
    cat = pd.DataFrame([_one(magnitude=6.5)])
    lat_c = 60.0 / 111.195
    got = earthquake.hazard_curves([lat_c], [0.0], catalog=cat)
    k = list(earthquake.pga_levels()).index(0.1)
    c = earthquake.KERNEL_KM
    xs = np.arange(-3 * c, 3 * c + 1e-9, 2.5)
    gx, gy = np.meshgrid(xs, xs)
    wk = np.exp(-(gx**2 + gy**2) / c**2)
    wk /= wk.sum()
    d_epi = np.hypot(gx, gy - 60.0).ravel()  # source displaced by the kernel, city 60 km north
    m, p = earthquake.magnitude_bins("crustal")
    total = 0.0
    for mi, pi in zip(m, p, strict=True):
        half = 10 ** (-2.44 + 0.59 * mi) / 2
        r_h = np.hypot(np.maximum(d_epi / math.sqrt(2) - half, 0), d_epi / math.sqrt(2))
        ln, sd = ra.gmpe.bssa14_pga(np.full(len(r_h), mi), r_h)
        z = (math.log(0.1) - ln) / sd
        pe = np.clip((norm.cdf(3) - norm.cdf(z)) / (norm.cdf(3) - norm.cdf(-3)), 0, 1)
        cut = 500.0 if mi >= 7.5 else 300.0
        total += pi * float((wk.ravel() * pe * (r_h <= cut)).sum())
    assert got["smoothed"][0, k] == pytest.approx(total / 99.0, rel=0.02)
    # the historical branch is the event itself; the logic tree their mean
    hist = earthquake.city_hazard([lat_c], [0.0], catalog=cat, source_model="historical")
    assert got["historical"][0, k] == pytest.approx(hist["eq_rate_pga_0p1g"][0], rel=1e-9)
    assert got["logic tree"][0, k] == pytest.approx(
        0.5 * (got["historical"][0, k] + got["smoothed"][0, k]), rel=1e-12)
    with pytest.raises(ParameterError, match="source_model"):
        earthquake.city_hazard([0.0], [0.0], catalog=cat, source_model="zones")
    with pytest.raises(ParameterError, match="end_year"):
        earthquake.hazard_curves([0.0], [0.0], catalog=cat, end_year=2050)


def test_expected_exceedances_and_prospective_test_need_valid_input():
    with pytest.raises(ParameterError, match="level_g"):
        earthquake.expected_exceedances([0.0], [0.0], pd.DataFrame([_one()]), 0.0)
    with pytest.raises(ParameterError, match="split_year"):
        ra.validation.earthquake_prospective_test([0.0], [0.0], split_year=1800,
                                                  catalog=pd.DataFrame([_one()]))


def test_events_outside_completeness_or_historical_do_not_count_in_rates():
    cat = pd.DataFrame([_one(magnitude=6.0, year=1950),            # 6.0 complete from 1960
                        _one(magnitude=7.8, year=1850, source="NCEI"),  # no rate from NCEI
                        _one(magnitude=5.2, year=2000)])                # below Mw 5.5
    out = earthquake.city_hazard([0.05], [0.0], catalog=cat)
    assert out["eq_pga_max_g"][0] > 0.1
    assert out["eq_rate_pga_0p1g"][0] == 0.0 and out["eq_pga_475yr_g"][0] == 0.0
    assert out["eq_events_felt"][0] == 3


def test_aftershocks_do_not_add_to_rates():
    day = 86400.0
    main = _one(magnitude=7.0, t_seconds=0.0)
    after = _one(magnitude=6.0, t_seconds=5 * day, latitude=0.1)
    alone = earthquake.city_hazard([0.2], [0.0], catalog=pd.DataFrame([main]))
    both = earthquake.city_hazard([0.2], [0.0], catalog=pd.DataFrame([main, after]))
    assert both["eq_rate_pga_0p1g"][0] == pytest.approx(alone["eq_rate_pga_0p1g"][0])
    assert both["eq_events_felt"][0] == 2


def test_deep_event_shakes_less_than_shallow():
    shallow = earthquake.city_hazard([0.0], [0.0], catalog=pd.DataFrame(
        [_one(magnitude=7.0, depth_km=30.0, gmm="interface")]))
    deep = earthquake.city_hazard([0.0], [0.0], catalog=pd.DataFrame(
        [_one(magnitude=7.0, depth_km=550.0, gmm="inslab")]))
    assert deep["eq_pga_max_g"][0] < 0.3 * shallow["eq_pga_max_g"][0]


def test_cutoff_and_far_city():
    cat = pd.DataFrame([_one(magnitude=6.0)])
    out = earthquake.city_hazard([0.0, 5.0], [0.0, 0.0], catalog=cat)  # 556 km: beyond 300 km
    assert out["eq_pga_max_g"][1] == 0.0 and out["eq_level"][1] == "very low"
    with pytest.raises(ParameterError, match="cutoff_km"):
        earthquake.city_hazard([0.0], [0.0], catalog=cat, cutoff_km=0)


def test_return_period_interpolation_and_levels():
    levels = np.array([0.05, 0.1, 0.2, 0.4])
    rates = np.array([[0.1, 0.01, 0.001, 0.0001], [1e-5, 1e-6, 0, 0], [1, 1, 1, 1]])
    got = earthquake.pga_at_return_period(levels, rates, 475)
    # log-log between (0.1, 0.01) and (0.2, 0.001)
    frac = (math.log(0.01) - math.log(1 / 475)) / (math.log(0.01) - math.log(0.001))
    assert got[0] == pytest.approx(math.exp(math.log(0.1) + frac * math.log(2)))
    assert got[1] == 0.0 and got[2] == 0.4
    lv = earthquake.hazard_level([0.21, 0.19, 0.0, 0.0], [0.3, 0.1, 0.09, 0.0],
                                 [0.5, 0.2, 0.1, 0.099])
    assert list(lv) == ["high", "medium", "low", "very low"]
    assert lv.ordered and list(lv.categories) == ["very low", "low", "medium", "high"]
    with pytest.raises(ParameterError, match="return_period"):
        earthquake.pga_at_return_period(levels, rates, 0)


def test_completeness_windows():
    start, years = earthquake.completeness_window(np.array([9.0, 7.49, 6.25, 5.5, 5.49]))
    assert start[:4].tolist() == [1904, 1918, 1918, 1960] and np.isnan(start[4])
    assert years[:4].tolist() == [113, 99, 99, 57]


def test_antimeridian_and_pole_defined():
    cat = pd.DataFrame([_one(magnitude=7.0, longitude=179.9)])
    out = earthquake.city_hazard([0.0, 90.0], [-179.9, 0.0], catalog=cat)
    assert out["eq_pga_max_g"][0] > 0.1  # 22 km across the antimeridian
    assert out["eq_pga_max_g"][1] == 0.0


# ------------------------------------------------------------------ catalogue quirks
def test_impossible_rows_are_named(monkeypatch):
    raw = pd.DataFrame({"id": [1, 2, 3], "year": [1990] * 3, "month": [1] * 3, "day": [1] * 3,
                        "hour": [0] * 3, "min": [0] * 3, "sec": [0] * 3,
                        "lat": [0.0] * 3, "lon": [0.0] * 3, "depth": [10.0, -30.0, 10.0],
                        "mag": [6.0, 6.0, 10.4]})
    monkeypatch.setattr(catalogs, "_CACHE", {})
    monkeypatch.setattr(catalogs, "_read", lambda name, fn=None: (raw.copy(), "x.csv"))
    with pytest.raises(DataFileError, match=r"iscgem:2: depth -30.0.*iscgem:3:.*M 10.4"):
        catalogs.iscgem_earthquakes()
    with pytest.warns(UserWarning, match="iscgem:2"):
        ok = catalogs.iscgem_earthquakes(invalid="drop")
    assert ok["event_id"].tolist() == ["iscgem:1"]


def test_dedup_keeps_higher_priority_source():
    df = pd.DataFrame({"event_id": ["a", "b", "c", "d"],
                       "source": ["NCEI", "ISC-GEM", "USGS", "USGS"],
                       "t_seconds": [0.0, 20.0, 1000.0, 30.0],
                       "latitude": [0.0, 0.3, 0.0, 5.0], "longitude": [0.0] * 4})
    kept, dropped = catalogs._dedup(df, 60.0, 100.0)
    assert dropped == ["a"] and kept["event_id"].tolist() == ["b", "c", "d"]


# ------------------------------------------------------------------ real data
CITIES = ["Anchorage", "Mexico City", "Lima", "Tokyo", "The Hague", "Añatuya",
          # not looked at while choosing the method:
          "Kathmandu", "Port-au-Prince", "Padang", "Kyiv", "L'Aquila", "Banda Aceh", "Bam"]


@pytest.fixture(scope="module")
def real():
    ids = [ra.cities.resolve(n).city_id for n in CITIES]
    c = ra.cities.load_cities().loc[ids]
    out = earthquake.city_hazard(c["latitude"].to_numpy(), c["longitude"].to_numpy())
    df = pd.DataFrame(out, index=CITIES)
    df["eq_deaths_ncei_100km"] = earthquake.deaths_near(c["latitude"], c["longitude"])
    return df


@pytest.mark.data
def test_merged_catalogue_sources_types_and_extremes():
    cat = catalogs.earthquake_catalog()
    counts = cat["source"].value_counts()
    assert counts["ISC-GEM"] == 28112 and counts["USGS"] > 800 and counts["NCEI"] > 300
    assert set(cat.loc[cat["source"] == "ISC-GEM", "magnitude_type"]) == {"Mw"}
    assert cat["event_id"].is_unique and cat["t_seconds"].is_monotonic_increasing
    assert cat["magnitude"].max() == pytest.approx(9.6)  # 1960 Chile
    assert (cat["depth_km"] >= catalogs.DEPTH_TOLERANCE_KM).all()
    assert cat.attrs["licence_note"].startswith("ISC-GEM rows: CC BY-SA")


@pytest.mark.data
def test_anchorage_1964_hand_computed():
    cat = catalogs.earthquake_catalog()
    ev = cat[(cat["year"] == 1964) & (cat["magnitude"] >= 9)].iloc[0]
    assert earthquake.event_setting(cat)[cat.index.get_loc(ev.name)] == "interface"
    city = ra.cities.resolve("Anchorage")
    lat, lon = city.latitude, city.longitude
    d = _hav(lat, lon, ev.latitude, ev.longitude)
    assert 110 < d < 160  # ISC-GEM relocated epicentre: 142 km (the issue quotes ~123 km)
    half = 10 ** (-2.477 + 0.585 * ev.magnitude) / 2  # Strasser et al. (2010)
    r_h = math.hypot(max(d / math.sqrt(2) - half, 0.0), d / math.sqrt(2))
    hand = math.exp(_aga16_interface_ln(ev.magnitude, math.hypot(r_h, ev.depth_km)))
    one = pd.DataFrame([ev]).assign(gmm="interface")
    got = earthquake.city_hazard([lat], [lon], catalog=one)["eq_pga_max_g"][0]
    assert got == pytest.approx(hand, rel=1e-9)
    assert 0.1 < hand < 0.4


@pytest.mark.data
def test_known_cities(real):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = real
    assert r.loc["Anchorage", "eq_pga_max_g"] > 0.1          # 1964 Mw 9.3, ~123 km
    assert r.loc["Mexico City", "eq_pga_max_g"] > 0.05       # e.g. 1985 Michoacán (rock)
    for city in ("Anchorage", "Lima", "Tokyo"):
        assert r.loc[city, "eq_level"] == "high", city
        assert r.loc[city, "eq_rate_pga_0p1g"] > r.loc[city, "eq_rate_pga_0p2g"] > 0, city
        assert r.loc[city, "eq_pga_475yr_g"] > 0.2, city
    # Añatuya: many events, all deeper than 300 km -> little shaking
    assert r.loc["Añatuya", "eq_pga_max_g"] < 0.02
    # below ThinkHazard's "low" (0.1 g at 2475 years); the smoothed branch's G-R tail of
    # intermediate-depth in-slab events gives a small rate
    assert r.loc["Añatuya", "eq_rate_pga_0p1g"] < 1 / 2475
    assert r.loc["Añatuya", "eq_level"] == "very low"
    assert r.loc["The Hague", "eq_pga_max_g"] < 0.01 and r.loc["The Hague", "eq_level"] == "very low"
    assert r.loc["Tokyo", "eq_deaths_ncei_100km"] > 100000  # 1923 Kanto


@pytest.mark.data
def test_cities_not_tuned_on(real):
    # damaging earthquakes in the catalogue window: Gorkha 2015 (USGS part), Haiti 2010,
    # Padang 2009, L'Aquila 2009, Sumatra 2004, Bam 2003
    for city in ("Kathmandu", "Port-au-Prince", "Padang", "L'Aquila", "Banda Aceh", "Bam"):
        assert real.loc[city, "eq_pga_max_g"] > 0.1, city
        assert real.loc[city, "eq_events_felt"] >= 1, city
        assert real.loc[city, "eq_level"] in ("medium", "high"), city
    assert real.loc["Kyiv", "eq_pga_max_g"] < 0.02 and real.loc["Kyiv", "eq_level"] == "very low"
    assert (real["eq_pga_2475yr_g"] >= real["eq_pga_475yr_g"]).all()
    assert (real["eq_pga_475yr_g"] >= real["eq_pga_250yr_g"]).all()


@pytest.mark.data
def test_prospective_test_ranks_source_models():
    # trained on 1904-1990, scored on the exceedances implied by the 1991-2016 mainshocks
    r = ra.validation.earthquake_prospective_test()
    assert r.loc["smoothed", "deviance"] < r.loc["historical", "deviance"]
    assert r.loc["logic tree", "deviance"] < r.loc["historical", "deviance"]
    # the historical model gave zero rate where some realised exceedances happened
    assert r.loc["historical", "share_realised_at_zero"] > 0.01
    assert r.loc["smoothed", "share_realised_at_zero"] < 0.001
    # calibrated within a factor 1.5 in total
    for m in r.index:
        assert 1 / 1.5 < r.loc[m, "forecast_total"] / r.loc[m, "realised_total"] < 1.5, m


def test_prospective_test_refuses_a_level_off_the_hazard_curve_grid():
    # the forecast is read from the curve at a grid level; an off-grid level would compare
    # the forecast at one level with the observation at another
    with pytest.raises(ParameterError, match="level_g=0.15 is not a level"):
        ra.validation.earthquake_prospective_test([0.0], [0.0], level_g=0.15,
                                                  catalog=pd.DataFrame([_one()]))
