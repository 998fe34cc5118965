"""Tests of ra.flood: DFO country names, repair of polygons, country filter, levels."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon

import resilience_analytics as ra
from resilience_analytics import flood
from resilience_analytics.errors import DataFileError, ParameterError


def test_dfo_country_names_map_to_iso3():
    assert flood.dfo_countries("Phillipines") == (["PHL"], [])
    assert flood.dfo_countries("USSR")[0][:3] == ["ARM", "AZE", "BLR"]
    assert flood.dfo_countries("Bosnia and Herzegovina") == (["BIH"], [])
    assert flood.dfo_countries("Britain, Ireland") == (["GBR", "IRL"], [])
    assert flood.dfo_countries("China")[0] == ["CHN", "HKG", "MAC"]
    assert flood.dfo_countries("Atlantis, Chad") == (["TCD"], ["Atlantis"])
    assert flood.dfo_countries(None) == ([], []) and flood.dfo_countries("0") == ([], [])


def test_every_gazetteer_code_used_by_the_mapping_exists():
    codes = {c for v in flood.DFO_COUNTRY_ISO3.values() for c in v}
    assert len(codes) > 150 and all(len(c) == 3 and c.isupper() for c in codes)


def test_flood_level_classes_and_bad_input():
    lv = flood.flood_level([0.0, 0.5 / 35, 1 / 35, 2 / 35, 3 / 35, 4 / 35, 1.0])
    assert list(lv) == ["very low", "low", "low", "medium", "medium", "high", "high"]
    assert lv.ordered and lv.min() == "very low"
    with pytest.raises(ParameterError, match="non-negative"):
        flood.flood_level([-0.1])
    with pytest.raises(ParameterError, match="non-negative"):
        flood.flood_level([np.nan])


def _fake_events(monkeypatch):
    """Three fictional events: a bow-tie (invalid) polygon over two countries' cities."""
    bowtie = Polygon([(0, 0), (2, 2), (2, 0), (0, 2), (0, 0)])  # self-intersecting
    square = Polygon([(10, 10), (12, 10), (12, 12), (10, 12)])
    g = gpd.GeoDataFrame({
        "ID": [1, 2, 2], "Country": ["Mauritania", "Chad", "Chad"], "OtherCount": ["0", None, 0],
        "Began": ["1990-01-01", "2005-06-01", "2005-06-01"], "Severity": [1.0, 2.0, 2.0],
        "Dead": [10, 5, 5], "Displaced": [100, 0, 0],
    }, geometry=[bowtie, square, square], crs="EPSG:4326")
    gfd = pd.DataFrame({"ID": [2]})

    def read(name, filename=None, **kw):
        return g.copy() if filename == flood.POLYGONS else gfd.copy()

    monkeypatch.setattr(ra.datasets, "read", read)
    return g


def test_events_repair_invalid_polygons_without_dropping(monkeypatch):
    g = _fake_events(monkeypatch)
    assert not shapely.is_valid(g.geometry.iat[0])
    ev, rep = flood.events()
    assert rep["invalid_repaired"] == 1 and rep["empty_after_repair"] == 0
    assert len(ev) == 3 and shapely.is_valid(ev.geometry.to_numpy()).all()
    assert ev.geometry.iat[0].area == pytest.approx(2.0)  # both triangles kept
    assert rep["duplicate_ids"] == [2]
    assert ev["satellite"].tolist() == [False, True, True]


def test_city_counts_only_listed_countries_and_duplicate_ids_once(monkeypatch):
    _fake_events(monkeypatch)
    lat = [1.0, 1.0, 11.0, 11.0, 30.0]  # (0.5, 1.0) lies in the bow-tie's left triangle
    lon = [0.5, 0.5, 11.0, 11.0, 30.0]
    iso = ["MRT", "NGA", "TCD", None, "TCD"]  # 2nd: in the polygon but another country
    cols, info = flood.city_hazard(lat, lon, iso)
    assert cols["fl_events"].tolist() == [1, 0, 1, 0, 0]
    assert info["fl_pairs_dropped_other_country"] >= 1
    assert cols["fl_rate"][2] == pytest.approx(1 / 35)
    assert cols["fl_severity_rate"][2] == pytest.approx(2 / 35)
    assert cols["fl_dead"].tolist() == [10, 0, 5, 0, 0]  # event 2 counted once
    assert cols["fl_events_satellite"].tolist() == [0, 0, 1, 0, 0]
    assert list(cols["fl_level"]) == ["low", "very low", "low", "very low", "very low"]
    with pytest.raises(ParameterError, match="one value per city"):
        flood.city_hazard([0.0], [0.0, 1.0], ["MRT"])


def test_impossible_severity_is_reported_with_its_id(monkeypatch):
    g = _fake_events(monkeypatch)
    g.loc[0, "Severity"] = 7.0
    monkeypatch.setattr(ra.datasets, "read", lambda name, filename=None, **kw: g.copy()
                        if filename == flood.POLYGONS else pd.DataFrame({"ID": [2]}))
    with pytest.raises(DataFileError, match=r"IDs \[1\]"):
        flood.events()


# ------------------------------------------------------------------ real data
@pytest.fixture(scope="module")
def real():
    from tests.conftest import _data_dir

    data = _data_dir()
    if data is None or not data.is_dir():
        pytest.skip("real data sets not found")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ra.settings, "data_dir", data)
        c = ra.cities.load_cities()
        cols, info = flood.city_hazard(c["latitude"], c["longitude"], c["country_iso3"])
        ev, rep = flood.events()
    out = pd.DataFrame(cols, index=c.index)
    out["iso3"] = c["country_iso3"].to_numpy()
    return out, info, ev, c


@pytest.mark.data
def test_real_repair_and_matching_report(real):
    _, info, ev, _ = real
    assert info["fl_invalid_repaired"] == 156 and info["fl_polygons"] == 4825
    assert info["fl_empty_after_repair"] == 0
    assert set(info["fl_unmatched_country_names"]) <= {"Africa", "Europe", "Caribbean"}
    assert info["fl_duplicate_ids"] == [278]
    assert int(ev["satellite"].sum()) == 913


@pytest.mark.data
def test_event_3534_mauritania_puts_no_nigerian_city_in_it(real):
    out, _, ev, c = real
    poly = ev.loc[ev["event_id"] == 3534, "geometry"].iat[0]
    inside = shapely.intersects(poly, shapely.points(c["longitude"], c["latitude"]))
    nga = inside & (c["country_iso3"] == "NGA").to_numpy()
    assert nga.sum() > 10  # the polygon does cover Nigerian cities...
    assert ev.loc[ev["event_id"] == 3534, "iso3"].iat[0] == ["MRT"]
    # ...but none gets it: Nigerian cities' counts equal their counts without event 3534
    nga_events = ev[ev["iso3"].map(lambda x: "NGA" in x)]
    assert 3534 not in set(nga_events["event_id"])


@pytest.mark.data
def test_dhaka_more_floods_than_hong_kong(real):
    out, *_ = real
    dhaka = out.loc[ra.cities.resolve("Dhaka", "BGD").city_id]
    hk = out.loc[ra.cities.resolve("Hong Kong", "HKG").city_id]
    assert dhaka["fl_rate"] > hk["fl_rate"]
    assert dhaka["fl_level"] == "high" and dhaka["fl_events_satellite"] >= 1
    assert out.loc[ra.cities.resolve("The Hague", "NLD").city_id, "fl_events"] == 0
