"""Tests of the coast, tsunami, sea-level and heat modules (hazard v2, issue 13).

Real-data tests check documented facts of the world; synthetic tests check the rules and the
bad-input errors; the runup distance is recomputed independently with the haversine formula.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import resilience_analytics as ra
from resilience_analytics import coast, heat, sealevel, tsunami
from resilience_analytics.errors import ParameterError


def _haversine_km(lat1, lon1, lat2, lon2, r=6371.0088):
    """Independent haversine (math module, scalar), not the library's."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * r * math.asin(math.sqrt(a))


def _city(name, country=None):
    c = ra.cities.resolve(name, country)
    return c.latitude, c.longitude


# ------------------------------------------------------------------ coast
@pytest.mark.data
def test_baku_is_on_the_caspian_and_inland_capitals_are_not_coastal():
    names = [("Baku", None), ("Madrid", None), ("Kyiv", None), ("Chicago", None)]
    lat, lon = zip(*(_city(n, c) for n, c in names), strict=True)
    t = coast.coastal(lat, lon)
    assert t.loc[0, "coast_distance_km"] < 5 and t.loc[0, "coastal"]  # was 698 km
    assert t.loc[1, "coast_distance_km"] > 250 and not t.loc[1, "coastal"]
    assert t.loc[2, "coast_distance_km"] > 300
    assert t.loc[3, "coast_distance_km"] > 900  # the Great Lakes are lakes, not coast


@pytest.mark.data
def test_port_cities_coastal_through_their_urban_area():
    lat, lon = zip(*(_city(n) for n in ("Los Angeles", "Rotterdam")), strict=True)
    t = coast.coastal(lat, lon)
    assert (t["coast_distance_km"] > 15).all()  # centres lie inland of the waterfront
    assert (t["coast_urban_area_km"] == 0).all() and t["coastal"].all()
    # with the point alone and the same threshold they would not be coastal
    assert not (t["coast_distance_km"] <= 10).any()


@pytest.mark.data
def test_pole_antimeridian_and_ocean_points_have_defined_answers():
    lat = [90.0, -90.0, 0.0, 0.0, -30.0, -16.8, -16.8]
    lon = [0.0, 0.0, 180.0, -180.0, -30.0, 180.0, -180.0]
    d = coast.coast_distance_km(lat, lon)
    assert np.isfinite(d).all() and (d >= 0).all()
    assert d[0] == 0 and d[2] == 0 and d[3] == 0 and d[4] == 0  # at sea
    assert 100 < d[1] < 2000  # the South Pole is on Antarctica
    assert d[5] == pytest.approx(d[6])  # 180 and -180 are one meridian
    t = coast.coastal(lat, lon)
    assert t["coastal"].dtype == bool and len(t) == len(lat)


@pytest.mark.data
def test_coast_distance_bounded_by_independent_haversine_to_vertices():
    # the nearest densified vertex distance equals a brute-force haversine minimum
    v = coast._coast_vertices()
    lat, lon = _city("Madrid")
    near = v[(np.abs(v[:, 0] - lat) < 5) & (np.abs(v[:, 1] - lon) < 6)]
    brute = min(_haversine_km(lat, lon, a, b) for a, b in near)
    assert coast.coast_distance_km([lat], [lon])[0] == pytest.approx(brute, rel=1e-9)


def test_coast_bad_input():
    with pytest.raises(ParameterError, match=r"\(91.0, 0.0\).*latitude in \[-90, 90\]"):
        coast.coast_distance_km([91.0], [0.0])
    with pytest.raises(ParameterError, match="same shape"):
        coast.coast_distance_km([1.0, 2.0], [0.0])
    with pytest.raises(ParameterError, match="coastal_km"):
        coast.coastal([0.0], [0.0], coastal_km=-1)


# ------------------------------------------------------------------ tsunami
def _obs(**kw):
    base = {"event_id": [1], "year": [2004], "latitude": [13.05], "longitude": [80.29],
            "water_height_m": [2.0], "deaths": [5.0]}
    base.update(kw)
    return pd.DataFrame(base)


def test_runup_radius_matches_independent_haversine():
    city = (13.0827, 80.2707)  # Chennai
    obs = pd.DataFrame({
        "event_id": [1, 2, 3], "year": [2004, 2004, 2004],
        "latitude": [13.0827 + 0.40, 13.0827 + 0.50, 13.0827 - 0.20],
        "longitude": [80.2707, 80.2707, 80.50],
        "water_height_m": [1.0, 9.0, 2.5], "deaths": [1.0, 100.0, 2.0]})
    d = [_haversine_km(*city, a, b) for a, b in zip(obs.latitude, obs.longitude, strict=True)]
    assert d[0] < 50 < d[1] and d[2] < 50  # 44.5, 55.6, 33.9 km
    t = tsunami.tsunami_exposure([city[0]], [city[1]], coastal=[True], observations=obs)
    inside = [i for i, di in enumerate(d) if di <= 50]
    assert t.loc[0, "ts_events_observed"] == len(inside)
    assert t.loc[0, "ts_max_height_m"] == max(obs.water_height_m[i] for i in inside)
    assert t.loc[0, "ts_deaths_near"] == sum(obs.deaths[i] for i in inside)


def test_tsunami_counts_events_not_rows_and_respects_window_and_coast():
    obs = pd.DataFrame({
        "event_id": [1, 1, 2, 3], "year": [2004, 2004, 1960, 1850],
        "latitude": [0.0, 0.01, 0.02, 0.0], "longitude": [0.0] * 4,
        "water_height_m": [0.5, np.nan, 0.8, 20.0], "deaths": [np.nan, 3.0, 0.0, 0.0]})
    t = tsunami.tsunami_exposure([0.0, 0.0], [0.0, 0.0], coastal=[True, False],
                                 observations=obs, since_year=1900)
    assert t["ts_events_observed"].tolist() == [2, 0]
    assert t.loc[0, "ts_runups_near"] == 3
    assert t.loc[0, "ts_max_height_m"] == 0.8  # the 1850 20-m observation is outside the window
    assert t.loc[0, "ts_rate_per_century"] == pytest.approx(2 / 117 * 100)
    assert t["ts_level"].tolist() == ["low", "very low"]
    assert np.isnan(t.loc[1, "ts_max_height_m"])


def test_tsunami_levels_are_ordered_with_jma_thresholds():
    lv = tsunami.tsunami_level([0.99, 1.0, 2.99, 3.0, np.nan], [1, 1, 1, 1, 1])
    assert list(lv) == ["low", "medium", "medium", "high", "low"]
    assert lv.ordered and list(lv.categories) == ["very low", "low", "medium", "high"]


def test_tsunami_bad_input():
    with pytest.raises(ParameterError, match="radius_km"):
        tsunami.tsunami_exposure([0.0], [0.0], coastal=[True], observations=_obs(), radius_km=0)
    with pytest.raises(ParameterError, match="since_year"):
        tsunami.tsunami_exposure([0.0], [0.0], coastal=[True], observations=_obs(),
                                 since_year=2020)
    with pytest.raises(ParameterError, match="coastal has 2 values for 1"):
        tsunami.tsunami_exposure([0.0], [0.0], coastal=[True, False], observations=_obs())
    with pytest.raises(ParameterError, match="water_height_m"):
        tsunami.tsunami_exposure([0.0], [0.0], coastal=[True],
                                 observations=_obs().drop(columns="water_height_m"))


@pytest.mark.data
def test_tsunami_real_near_and_far_field():
    names = ["Chennai", "Galle", "Anchorage", "Madrid"]
    lat, lon = zip(*(_city(n) for n in names), strict=True)
    t = tsunami.tsunami_exposure(lat, lon)
    obs = tsunami.runup_observations()
    near_2004 = obs[obs["event_id"] == 2439]  # 2004 Sumatra (NCEI event id)
    for i in (0, 1):  # Chennai, Galle observed 2004 although the source is > 1,000 km away
        d = [_haversine_km(lat[i], lon[i], a, b)
             for a, b in zip(near_2004.latitude, near_2004.longitude, strict=True)]
        assert min(d) <= 50
        assert t.loc[i, "ts_events_observed"] >= 1
    # Anchorage: no runup of 1964 within 50 km; Valdez's heights are not Anchorage's
    assert not t.loc[2, "ts_max_height_m"] >= 30
    assert t.loc[3, "ts_events_observed"] == 0 and t.loc[3, "ts_level"] == "very low"
    f = obs.attrs["filtering"]
    assert f["kept"] + f["outside_window"] + f["doubtful"] + f["deep_ocean_gauge"] + \
        f["event_missing_from_event_table"] + f["event_validity_below_min"] == f["rows"]


# ------------------------------------------------------------------ sea level
def test_trend_recovers_slope_and_hac_exceeds_ols_under_autocorrelation():
    rng = np.random.default_rng(1)
    years = np.arange(1900, 2020)
    e = np.zeros(len(years))
    for i in range(1, len(years)):
        e[i] = 0.7 * e[i - 1] + rng.normal(0, 20)
    fit = sealevel.trend(years, 7000 + 1.8 * (years - 1900) + e)
    assert fit["trend_mm_yr"] == pytest.approx(1.8, abs=0.3)
    assert fit["se_hac_mm_yr"] > fit["se_ols_mm_yr"]
    assert fit["se_ar1_mm_yr"] > fit["se_ols_mm_yr"] and fit["r1"] > 0.4
    assert fit["hac_lags"] == math.floor(4 * (120 / 100) ** (2 / 9))


def test_trend_bad_input():
    with pytest.raises(ParameterError, match="at least 3"):
        sealevel.trend([2000, 2001], [1.0, 2.0])
    with pytest.raises(ParameterError, match="differ in length"):
        sealevel.trend([2000, 2001, 2002], [1.0, 2.0])
    with pytest.raises(ParameterError, match="min_years"):
        sealevel.station_trends(min_years=2)


@pytest.mark.data
def test_station_trends_agree_with_the_stations_file():
    st = sealevel.station_trends()
    assert (st["n_years"] >= 30).all()
    # Brest, New York (Battery), Stockholm, Grand Isle: the file's OLS trends (see PROVENANCE)
    for sid, value in [(1, 1.29108), (12, 2.9369), (78, -3.66798), (526, 9.18959)]:
        assert st.loc[sid, "trend_mm_yr"] == pytest.approx(value, abs=1e-3), sid
    assert (st["trend_mm_yr"] - st["file_trend_mm_yr"]).abs().max() < 1e-3
    # relative trends: land uplift in Stockholm, subsidence at Grand Isle
    assert st.loc[78, "trend_mm_yr"] < 0 < st.loc[526, "trend_mm_yr"]


@pytest.mark.data
def test_sea_level_for_cities():
    names = ["The Hague", "Madrid", "New York City"]
    lat, lon = zip(*(_city(n) for n in names), strict=True)
    t = sealevel.sea_level_trend(lat, lon)
    assert t.loc[0, "slr_station_name"] == "HOEK VAN HOLLAND" and t.loc[0, "slr_station_km"] < 30
    assert pd.isna(t.loc[1, "slr_trend_mm_yr"])  # inland
    assert t.loc[2, "slr_station_id"] == 12
    assert (t["slr_trend_se_mm_yr"].dropna() > 0).all()
    with pytest.raises(ParameterError, match="max_km"):
        sealevel.sea_level_trend([0.0], [0.0], coastal=[True], max_km=0)


# ------------------------------------------------------------------ heat
def test_heat_indicators_synthetic_southern_summer_is_djf():
    months = pd.date_range("1951-01-01", "2013-09-01", freq="MS")
    temp = np.where(months.month.isin([12, 1, 2]) & (months.year >= 2004), 21.0, 20.0)
    # the DJF season labelled 2004 starts in December 2003
    temp = np.where((months.year == 2003) & (months.month == 12), 21.0, temp)
    m = pd.DataFrame({"dt": months, "temperature_c": temp})
    south = heat.city_indicators(m, latitude=-30.0)
    north = heat.city_indicators(m, latitude=30.0)
    assert south["heat_summer_anomaly_c"] == pytest.approx(1.0)
    assert north["heat_summer_anomaly_c"] == pytest.approx(0.0)
    with pytest.raises(ParameterError, match="baseline"):
        heat.city_indicators(m, 0.0, baseline=(1980, 1951))


@pytest.mark.data
def test_berkeley_cities_all_matched_and_licence_flagged():
    b = heat.berkeley_cities()
    assert len(b) == 100 and b["city_id"].notna().all()
    g = ra.cities.load_cities()
    names = dict(zip(b["city"], g.loc[b["city_id"].astype(int), "name"], strict=True))
    assert names["Bombay"] == "Mumbai" and names["Peking"] == "Beijing"
    assert names["Madras"] == "Chennai"
    assert (b["match_km"] < 150).sum() == 98  # Berkeley cells are ~1 degree
    h = heat.heat_indicators()
    assert sorted(h.attrs["too_far"]) == ["Fortaleza", "Tangshan"] and len(h) == 98
    assert "NON-COMMERCIAL" in h.attrs["licence"]
    with pytest.raises(ParameterError, match="max_match_km"):
        heat.heat_indicators(max_match_km=0)
    assert h["heat_warming_c_per_decade"].median() > 0


def test_ar1_standard_error_by_hand():
    """Santer et al. (2000): se_ols * sqrt((n - 2) / (n_eff - 2)), n_eff = n (1 - r1) / (1 + r1)."""
    rng = np.random.default_rng(7)
    years = np.arange(1950, 2010).astype(float)
    e = np.zeros(len(years))
    for i in range(1, len(years)):
        e[i] = 0.5 * e[i - 1] + rng.normal(0, 10)
    y = 3.0 * (years - 1950) + e
    fit = sealevel.trend(years, y)
    n = len(years)
    slope, icpt = np.polyfit(years, y, 1)
    res = y - (slope * years + icpt)
    se_ols = math.sqrt(res @ res / (n - 2) / np.sum((years - years.mean()) ** 2))
    r1 = float(res[1:] @ res[:-1] / (res @ res))
    n_eff = n * (1 - r1) / (1 + r1)
    assert fit["trend_mm_yr"] == pytest.approx(slope, rel=1e-9)
    assert fit["se_ols_mm_yr"] == pytest.approx(se_ols, rel=1e-9)
    assert fit["se_ar1_mm_yr"] == pytest.approx(se_ols * math.sqrt((n - 2) / (n_eff - 2)),
                                                rel=1e-9)
