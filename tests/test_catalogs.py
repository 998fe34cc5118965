"""Tests of the hazard event catalog loaders: every quirk on the real files, and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import resilience_analytics as ra
from resilience_analytics import catalogs
from resilience_analytics.errors import ChecksumError, DataFileError, ParameterError

LOADERS = {
    "earthquakes": lambda: catalogs.earthquakes(),
    "ncei_earthquakes": lambda: catalogs.ncei_earthquakes(),
    "jtwc": lambda: catalogs.cyclone_tracks("jtwc"),
    "wmo": lambda: catalogs.cyclone_tracks("wmo"),
    "hurdat2": lambda: catalogs.hurdat2(),
    "floods": lambda: catalogs.floods(),
    "volcanoes": lambda: catalogs.volcanoes(),
    "tsunamis": lambda: catalogs.tsunamis(),
}


# ------------------------------------------------------------------ every loader, invariants
@pytest.mark.data
@pytest.mark.parametrize("which", list(LOADERS))
def test_every_loader_has_float_coordinates_in_range(which):
    df = LOADERS[which]()
    assert len(df) > 0
    assert df["latitude"].dtype == np.float64
    assert df["longitude"].dtype == np.float64
    assert df["latitude"].between(-90, 90).all()
    assert (df["longitude"] >= -180).all() and (df["longitude"] < 180).all()
    assert df.attrs["units"] and "cleaning" in df.attrs
    time_cols = ("time", "year", "season", "began", "last_eruption_year")
    assert any(c in df.columns for c in time_cols)


@pytest.mark.data
def test_loaders_return_copies():
    a = catalogs.volcanoes()
    a.loc[:, "name"] = "changed"
    assert (catalogs.volcanoes()["name"] != "changed").all()


# ------------------------------------------------------------------ USGS
@pytest.mark.data
def test_usgs_no_nuclear_explosions_remain():
    eq = catalogs.earthquakes()
    assert set(eq["type"]) == {"Earthquake"}
    assert len(eq) == 23232  # PROVENANCE: 23,232 earthquakes of 23,412 rows
    assert eq.attrs["cleaning"]["types_in_file"]["Nuclear Explosion"] == 175
    assert eq.attrs["cleaning"]["dropped_not_earthquake"] == 180


@pytest.mark.data
def test_usgs_time_is_parsed_utc():
    eq = catalogs.earthquakes()
    assert str(eq["time"].dt.tz) == "UTC"
    assert eq["time"].min() == pd.Timestamp("1965-01-02 13:44:18", tz="UTC")
    assert eq["time"].notna().all()
    # Tohoku 2011-03-11 M 9.1 is in the catalog
    tohoku = eq[(eq["time"].dt.date == pd.Timestamp("2011-03-11").date())]
    assert tohoku["magnitude"].max() == pytest.approx(9.1)


# ------------------------------------------------------------------ NCEI earthquakes
@pytest.mark.data
def test_ncei_negative_years_are_bc_and_missing_coords_dropped():
    nc = catalogs.ncei_earthquakes()
    assert nc["year"].min() == -2150
    assert nc.attrs["cleaning"]["dropped_missing_coordinates"] == 2
    assert len(nc) == 4648 - 2
    kahramanmaras = nc[(nc["year"] == 2023) & (nc["month"] == 2) & (nc["day"] == 6)]
    assert kahramanmaras["deaths"].max() == 56697


# ------------------------------------------------------------------ IBTrACS / HURDAT2
@pytest.mark.data
def test_ibtracs_basin_na_kept_and_lon_wrapped():
    wmo = catalogs.cyclone_tracks("wmo")
    assert (wmo["basin"] == "NA").sum() == 20428
    assert wmo["basin"].notna().all()
    assert wmo["longitude"].max() < 180
    assert wmo.attrs["cleaning"]["longitudes_wrapped"] > 3000  # 0-360 tracks at the dateline
    jtwc = catalogs.cyclone_tracks("jtwc")
    assert (jtwc["basin"] == "NA").sum() == 20428
    assert jtwc["longitude"].max() < 180


@pytest.mark.data
def test_katrina_max_wind_150kt_in_every_source():
    for src in ("jtwc", "wmo"):
        tc = catalogs.cyclone_tracks(src)
        assert tc.loc[tc["track_id"] == "2005236N23285", "wind_kt"].max() == 150
    h = catalogs.hurdat2()
    kat = h[(h["name"] == "KATRINA") & (h["season"] == 2005)]
    assert kat["wind_kt"].max() == 150
    assert kat["pressure_mb"].min() == 902
    assert (kat["record_id"] == "L").sum() == 3


@pytest.mark.data
def test_wind_rule_documented_and_missing_wind_is_na():
    wmo = catalogs.cyclone_tracks("wmo")
    assert wmo["wind_kt"].isna().sum() == 42166
    assert (wmo["wind_kt"].dropna() >= 0).all()
    assert wmo.loc[wmo["basin"] == "WP", "wind_averaging_min"].eq(10).all()
    assert wmo.loc[wmo["basin"] == "NA", "wind_averaging_min"].eq(1).all()
    assert wmo.loc[wmo["basin"] == "SA", "wind_averaging_min"].isna().all()
    assert "1-minute" in catalogs.cyclone_tracks("jtwc").attrs["cleaning"]["wind_rule"]


@pytest.mark.data
def test_hurdat2_minus99_is_na_and_lon_wrapped():
    h = catalogs.hurdat2()
    assert h["wind_kt"].isna().sum() == 338
    assert (h["wind_kt"].dropna() >= 0).all()
    al05 = h[h["storm_id"] == "AL051952"]
    assert al05["longitude"].between(-180, 180).all()
    assert h.attrs["cleaning"]["longitudes_wrapped"] == 2
    assert h.groupby("storm_id")["season"].nunique().eq(1).all()  # one season per storm
    assert h["storm_id"].nunique() == 1814


def test_cyclone_source_is_checked():
    with pytest.raises(ParameterError, match="'jtwc', 'wmo'"):
        catalogs.cyclone_tracks("noaa")


# ------------------------------------------------------------------ DFO floods
@pytest.mark.data
def test_dfo_ids_unique_and_england_row_dropped():
    fl = catalogs.floods()
    assert fl["event_id"].is_unique
    assert len(fl) == 5130 - 1
    ev278 = fl[fl["dfo_id"] == 278]
    assert len(ev278) == 1 and ev278["latitude"].iloc[0] < 0  # the Indonesian centroid
    # the two distinct events with ID 4842 are kept
    assert sorted(fl.loc[fl["dfo_id"] == 4842, "country"]) == ["Mozambique", "Zambia"]
    assert fl.attrs["cleaning"]["duplicate_ids_renamed"] == {"4842": "4842-2"}
    # no flood centroid in Great Britain names Indonesia any more
    assert not ((fl["country"] == "Indonesia") & (fl["latitude"] > 30)).any()


@pytest.mark.data
def test_dfo_cause_case_and_zero_codes():
    fl = catalogs.floods()
    causes = set(fl["main_cause"].dropna())
    assert "heavy rain" in causes and "Heavy Rain" not in causes and "Heavy rain" not in causes
    assert not fl["glide_number"].isin(["0", 0]).any()
    assert not fl["other_country"].isin(["0", 0]).any()
    assert fl["other_country"].notna().sum() > 0
    assert np.allclose(fl["radius_km"] ** 2 * np.pi, fl["area_km2"])


# ------------------------------------------------------------------ GVP volcanoes
@pytest.mark.data
def test_gvp_years_signed_and_unknown_na():
    v = catalogs.volcanoes().set_index("name")
    assert v.loc["Vesuvius", "last_eruption_year"] == 1944
    assert v.loc["Campi Flegrei", "last_eruption_year"] == 1538
    assert v.loc["West Eifel Volcanic Field", "last_eruption_year"] == -8300
    assert v["last_eruption_year"].isna().sum() == 552
    assert v["volcano_number"].is_unique
    assert "Volcano Number" not in v.columns  # title row skipped, header parsed


def test_parse_eruption_year_forms():
    s = pd.Series(["8300 BCE", "1944 CE", "Unknown", "2020 CE"])
    assert catalogs.parse_eruption_year(s).tolist()[:2] == [-8300, 1944]
    assert pd.isna(catalogs.parse_eruption_year("Unknown"))


# ------------------------------------------------------------------ NCEI tsunamis
@pytest.mark.data
def test_tsunami_validity_filter_and_duplicate():
    ts = catalogs.tsunamis()
    assert (ts["validity"] >= 3).all()
    assert ts["event_id"].is_unique
    c = ts.attrs["cleaning"]
    assert c["exact_duplicate_rows_dropped"] == 1
    everything = catalogs.tsunamis(min_validity=-1)
    assert len(everything) == 2391 - everything.attrs["cleaning"]["dropped_missing_coordinates"]
    assert (everything["event_id"] == 1926).sum() == 1
    tohoku = ts[(ts["year"] == 2011) & (ts["month"] == 3) & (ts["day"] == 11)]
    assert tohoku["max_water_height_m"].max() == pytest.approx(39.26)
    with pytest.raises(ParameterError, match="min_validity"):
        catalogs.tsunamis(min_validity=7)


# ------------------------------------------------------------------ bad input
def _usgs_frame(n: int = 3) -> pd.DataFrame:
    """A small fictional raw USGS-format frame (not real events)."""
    return pd.DataFrame(
        {
            "Date": ["01/02/1999"] * n, "Time": ["10:00:00"] * n,
            "Latitude": [10.0] * n, "Longitude": [20.0] * n, "Type": ["Earthquake"] * n,
            "Depth": [10.0] * n, "Magnitude": [6.0] * n, "Magnitude Type": ["MW"] * n,
            "ID": [f"X{i}" for i in range(n)], "Source": ["US"] * n, "Status": ["Reviewed"] * n,
        }
    )


def test_bad_coordinates_name_file_column_and_row():
    raw = _usgs_frame()
    raw.loc[1, "Latitude"] = 123.0
    with pytest.raises(DataFileError, match=r"fake\.csv.*'latitude'.*row 1"):
        catalogs._clean_usgs(raw, "fake.csv")


def test_missing_column_is_named():
    raw = _usgs_frame().drop(columns=["Magnitude"])
    with pytest.raises(DataFileError, match="Magnitude"):
        catalogs._clean_usgs(raw, "fake.csv")


def test_duplicate_ids_and_bad_time_rejected():
    raw = _usgs_frame()
    raw.loc[2, "ID"] = "X0"
    with pytest.raises(DataFileError, match="event_id"):
        catalogs._clean_usgs(raw, "fake.csv")
    raw = _usgs_frame()
    raw.loc[0, "Date"] = "not a date"
    with pytest.raises(DataFileError, match="row 0"):
        catalogs._clean_usgs(raw, "fake.csv")


def test_validate_frame_on_bad_volcano_frame():
    bad = pd.DataFrame(
        {
            "Volcano Number": [1, 2], "Volcano Name": ["Example Volcano A", "Example B"],
            "Country": ["Fictionland"] * 2, "Primary Volcano Type": ["Shield"] * 2,
            "Activity Evidence": ["Eruption Observed"] * 2,
            "Last Known Eruption": ["1944 CE", "sometime"], "Region": ["R"] * 2,
            "Subregion": ["S"] * 2, "Latitude": [10.0, 11.0], "Longitude": [10.0, 200.0],
            "Elevation (m)": [100, 200], "Dominant Rock Type": ["Basalt"] * 2,
            "Tectonic Setting": ["Rift"] * 2,
        }
    )
    with pytest.raises(DataFileError) as info:
        catalogs._clean_volcanoes(bad, "gvp.csv")
    msg = str(info.value)
    assert "last_known_eruption" in msg  # 'sometime' is no eruption date
    # longitude 200 is wrapped (-160), not an error: the wrap is the documented fix
    fixed = bad.assign(**{"Last Known Eruption": ["1944 CE", "Unknown"]})
    out = catalogs._clean_volcanoes(fixed, "gvp.csv")
    assert out["longitude"].tolist() == [10.0, -160.0]


def test_ibtracs_without_keep_default_na_restores_basin():
    raw = pd.DataFrame(
        {
            "track_id": ["2000001N10100"] * 2, "season": [2000, 2000], "basin": [np.nan, "EP"],
            "time": ["2000-01-01 00:00:00", "2000-01-01 06:00:00"], "lat": [10.0, 10.5],
            "lon": [260.0, -100.5], "wind": [-99.0, 40.0], "slp": [np.nan, 1000.0],
        }
    )
    out = catalogs._clean_ibtracs(raw, "fake", source_kind="wmo")
    assert out["basin"].tolist() == ["NA", "EP"]
    assert out["longitude"].tolist() == [-100.0, -100.5]
    assert pd.isna(out["wind_kt"].iloc[0])


@pytest.mark.data
def test_truncated_file_gives_data_file_error(tmp_path, monkeypatch, data_dir):
    name = "usgs_significant_earthquakes_1965_2016"
    fname = "usgs_earthquakes_1965_2016_m5p5.csv"
    src = data_dir / name / fname
    text = src.read_bytes()
    cut = text[: len(text) // 2]
    cut = cut[: cut.rfind(b"\n") + 40]  # stop in the middle of a row
    (tmp_path / name).mkdir()
    (tmp_path / name / fname).write_bytes(cut)
    monkeypatch.setattr(ra.settings, "data_dir", tmp_path)
    # the registry refuses the file: its checksum is not the published one
    with pytest.raises(ChecksumError, match="sha256"):
        catalogs.earthquakes()
    # with verification skipped, the truncated last row is caught by the schema
    monkeypatch.setattr(ra.datasets, "_verify", lambda path, name, entry: path)
    monkeypatch.setattr(ra.datasets, "_unchanged", lambda path: True)
    catalogs._CACHE.clear()
    with pytest.raises(DataFileError, match=fname):
        catalogs.earthquakes()
    catalogs._CACHE.clear()


@pytest.mark.data
def test_missing_column_in_file_copy(tmp_path, monkeypatch, data_dir):
    name = "gvp_holocene_volcanoes"
    fname = ra.datasets.get(name).file().filename
    raw = (data_dir / name / fname).read_text(encoding="utf-8-sig").splitlines()
    head = raw[1].split(",")
    drop = head.index("Latitude")
    lines = [raw[0]] + [",".join(p for i, p in enumerate(line.split(",")) if i != drop)
                        for line in raw[1:6]]
    (tmp_path / name).mkdir()
    (tmp_path / name / fname).write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(ra.settings, "data_dir", tmp_path)
    monkeypatch.setattr(ra.datasets, "_verify", lambda path, name, entry: path)
    monkeypatch.setattr(ra.datasets, "_unchanged", lambda path: True)
    catalogs._CACHE.clear()
    with pytest.raises(DataFileError, match="Latitude"):
        catalogs.volcanoes()
    catalogs._CACHE.clear()
