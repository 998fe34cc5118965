import hashlib
import http.server
import threading
from functools import partial

import pytest

import resilience_analytics as ra
from resilience_analytics import datasets, settings
from resilience_analytics.errors import (
    ChecksumError,
    DataFileError,
    DataNotFoundError,
    ParameterError,
)


def test_registry_entries_are_complete():
    for name in datasets.names():
        ds = datasets.get(name)
        assert ds.title and ds.publisher and ds.licence and ds.citation
        assert ds.official_url.startswith("http")
        assert ds.files or ds.package
        for f in ds.files:
            assert len(f.sha256) == 64


def test_unknown_dataset_names_accepted_ones():
    with pytest.raises(ParameterError, match="inform_risk_index_2023"):
        datasets.get("inform_risk_2023")


def test_unknown_file_lists_files():
    with pytest.raises(ParameterError, match="inform_risk_2023_index.csv"):
        datasets.get("inform_risk_index_2023").file("nope.csv")


@pytest.mark.data
def test_catalog_lists_every_shared_folder_and_verifies(data_dir):
    cat = datasets.catalog(verify=True)
    data_suffixes = {".csv", ".gz", ".geojson", ".gpkg", ".json", ".zip", ".parquet", ".nc", ".tif", ".xlsx", ".tsv"}
    folders = {
        p.name
        for p in data_dir.iterdir()
        if p.is_dir() and any(f.suffix in data_suffixes for f in p.iterdir())
    }
    assert folders <= set(cat.index), folders - set(cat.index)
    # and every data file in a registered folder is registered (none silently left out)
    for name in folders & set(cat.index):
        registered = {f.filename for f in datasets.get(name).files}
        present = {f.name for f in (data_dir / name).iterdir() if f.suffix in data_suffixes}
        assert present <= registered, (name, present - registered)
    assert cat["available"].all()
    assert cat["verified"].all()
    assert {"licence", "citation", "official_url"} <= set(cat.columns)


@pytest.mark.data
def test_registry_checksums_match_provenance(data_dir):
    # every registered file's checksum is also written in that folder's PROVENANCE.md
    for name in datasets.names():
        ds = datasets.get(name)
        if ds.package:
            continue
        prov = (data_dir / name / "PROVENANCE.md").read_text()
        for f in ds.files:
            assert f.sha256 in prov, (name, f.filename)


def test_missing_file_error_names_everything(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "data_dir", tmp_path)
    with pytest.raises(DataNotFoundError) as err:
        datasets.get_path("gvp_holocene_volcanoes")
    msg = str(err.value)
    assert "gvp_holocene_volcanoes" in msg
    assert str(tmp_path / "gvp_holocene_volcanoes") in msg
    assert "volcano.si.edu" in msg
    assert "RESILIENCE_DATA_DIR" in msg


@pytest.mark.data
def test_checksum_mismatch_is_detected_and_input_untouched(tmp_path, monkeypatch, data_dir):
    src = data_dir / "gvp_holocene_volcanoes"
    dst = tmp_path / "gvp_holocene_volcanoes"
    dst.mkdir()
    fname = "GVP_Volcano_List_Holocene_VOTW4.9.0_2020-06-10.csv"
    text = (src / fname).read_bytes()
    (dst / fname).write_bytes(text[: len(text) // 2])  # truncated
    monkeypatch.setattr(settings, "data_dir", tmp_path)
    with pytest.raises(ChecksumError, match="expected"):
        datasets.get_path("gvp_holocene_volcanoes")
    assert (dst / fname).read_bytes() == text[: len(text) // 2]


def test_unparseable_file_gives_data_file_error(tmp_path, monkeypatch):
    bad = b"\x00\x01\x02garbage\xff\xfe" * 10
    digest = hashlib.sha256(bad).hexdigest()
    ds = datasets.get("gvp_holocene_volcanoes")
    entry = ds.files[0]
    fake = datasets.DataFile(entry.filename, digest, read={"format": "csv", "options": {"skiprows": 1, "encoding": "utf-8-sig"}})
    (tmp_path / "gvp_holocene_volcanoes").mkdir()
    (tmp_path / "gvp_holocene_volcanoes" / entry.filename).write_bytes(bad)
    monkeypatch.setattr(settings, "data_dir", tmp_path)
    reg = dict(datasets._registry())
    reg["gvp_holocene_volcanoes"] = datasets.Dataset(**{**ds.__dict__, "files": (fake,)})
    monkeypatch.setattr(datasets, "_registry", lambda: reg)
    with pytest.raises(DataFileError, match="could not be parsed"):
        datasets.read("gvp_holocene_volcanoes")


def test_download_to_cache_when_url_known(tmp_path, monkeypatch):
    """Resolution order step 3: a file with a download address is fetched into the cache."""
    served = tmp_path / "served"
    served.mkdir()
    payload = b"a,b\n1,2\n"
    (served / "tiny.csv").write_bytes(payload)
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/tiny.csv"
        entry = datasets.DataFile("tiny.csv", hashlib.sha256(payload).hexdigest(), url=url,
                                  read={"format": "csv", "options": {}})
        ds = datasets.Dataset("tiny", "Tiny", "Example publisher (fictional)", "http://example.org",
                              "CC0", "Fictional example.", files=(entry,))
        reg = dict(datasets._registry())
        reg["tiny"] = ds
        monkeypatch.setattr(datasets, "_registry", lambda: reg)
        monkeypatch.setattr(settings, "data_dir", tmp_path / "empty")
        monkeypatch.setattr(settings, "cache_dir", tmp_path / "cache")
        df = datasets.read("tiny")
        assert df.to_dict("list") == {"a": [1], "b": [2]}
        assert (tmp_path / "cache" / "data" / "tiny" / "tiny.csv").is_file()
        assert not (tmp_path / "empty").exists()  # nothing written into the data dir
    finally:
        server.shutdown()


def test_cite_returns_citations_in_order():
    cites = ra.datasets.cite(["coinr_asem", "inform_risk_index_2023"])
    assert cites[0].startswith("Becker") and cites[1].startswith("INFORM")


@pytest.mark.data
def test_files_read_records_verified_files():
    datasets.get_path("dfo_flood_archive")
    rec = datasets.files_read()
    assert any(p.endswith("dfo_flood_archive_1985_2021.csv") for p in rec)


def test_restricted_licences_are_flagged():
    # the data sets whose numbers may not be used freely carry flags that reports show
    flags = {n: set(datasets.get(n).licence_flags) for n in datasets.names()}
    assert "non-commercial" in flags["berkeley_earth_major_cities"]
    assert "share-alike" in flags["isc_gem_catalogue"]
    assert "no-redistribution" in flags["dfo_flood_polygons_1985_2019"]
    assert flags["natural_earth_vectors"] == set()
    notes = datasets.licence_note(["natural_earth_vectors", "isc_gem_catalogue"])
    assert len(notes) == 1 and notes[0].startswith("isc_gem_catalogue: share-alike")


def test_verified_licences_cite_the_publishers_statement():
    # licences checked against the publisher's own terms name the page; the USGS file also
    # holds ISC-GEM-sourced rows, so it carries ISC-GEM's share-alike flag
    usgs = datasets.get("usgs_significant_earthquakes_1965_2016")
    assert "usgs.gov/information-policies-and-instructions/copyrights-and-credits" in usgs.licence
    assert usgs.licence_flags == ("share-alike",)
    hurdat = datasets.get("hurdat2_atlantic_1851_2015")
    assert "weather.gov/disclaimer" in hurdat.licence and hurdat.licence_flags == ()
    # the ones whose publisher terms were not found stay "unknown" (no claim beyond that)
    unverified = ["ncei_significant_earthquakes", "ncei_tsunami_events_1750_2023",
                  "gvp_holocene_volcanoes", "world_risk_index", "nd_gain_country_index"]
    assert all(datasets.get(n).licence.startswith("unknown") for n in unverified)
    assert sorted(n for n in datasets.names()
                  if datasets.get(n).licence.startswith("unknown")) == sorted(unverified)


@pytest.mark.data
def test_vector_files_read_as_geodataframes():
    urban = datasets.read("natural_earth_vectors", "ne_50m_urban_areas.geojson")
    assert len(urban) == 2143
    assert urban.crs.to_epsg() == 4326
    polys = datasets.read("dfo_flood_polygons_1985_2019", "dfo_flood_polygons_1985_2019.gpkg")
    assert len(polys) == 4825
    assert (~polys.geometry.is_valid).sum() == 156  # the PROVENANCE quirk, as published


@pytest.mark.data
def test_new_csv_files_parse_with_their_registered_options():
    sup = datasets.read("isc_gem_catalogue", "iscgem_v3.0_supplement_with_licence_header.csv")
    # PROVENANCE.md says 5,732 events; the file holds 5,733 data lines under its commented header
    assert len(sup) == 5733 and sup[23].is_unique
    msl = datasets.read("psmsl_annual_sea_level", "psmsl_rlr_annual_msl.csv")
    assert msl["attention_flag"].isin(["000", "001", "010", "011"]).all()
    sheet = datasets.read("inform_risk_index_2023", "INFORM_Risk_2023__v065.xlsx")
    csv = datasets.read("inform_risk_index_2023", "inform_risk_2023_index.csv")
    assert set(csv["ISO3"]) <= set(sheet["ISO3"])


def test_package_is_typed_and_licensed():
    from importlib import resources
    from pathlib import Path

    assert resources.files("resilience_analytics").joinpath("py.typed").is_file()
    root = Path(__file__).resolve().parents[1]
    assert "BSD 3-Clause" in (root / "LICENSE").read_text()
    assert "cff-version: 1.2.0" in (root / "CITATION.cff").read_text()
