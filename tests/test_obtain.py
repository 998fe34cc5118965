"""Rebuilding data sets from the publishers' originals (no network: originals are local)."""

import pytest

from resilience_analytics import obtain, settings
from resilience_analytics.errors import DataFileError, ParameterError


@pytest.mark.data
@pytest.mark.parametrize("name", sorted(obtain.RECIPES))
def test_recipe_reproduces_the_tested_bytes_from_the_original(name, data_dir, tmp_path):
    # the original kept beside the derived files is the publisher's file; converting it with the
    # documented steps must give exactly the bytes the library was tested on
    recipe = obtain.RECIPES[name]
    out = obtain.obtain(name, source=data_dir / name / recipe.original, dest=tmp_path)
    assert set(out.index) == set(recipe.outputs)
    assert out["matches"].all(), out[["sha256", "registered"]]


def test_unknown_dataset_lists_the_accepted_names():
    with pytest.raises(ParameterError, match="accepted: .*world_risk_index"):
        obtain.obtain("nope", source="x")


def test_needs_a_source_or_download_and_refuses_missing_files(tmp_path):
    with pytest.raises(ParameterError, match="source= .*NOAA-20240412.tsv"):
        obtain.obtain("ncei_significant_earthquakes")
    with pytest.raises(ParameterError, match="no stable direct download address"):
        obtain.obtain("ncei_significant_earthquakes", download=True)
    with pytest.raises(ParameterError, match="is not a file"):
        obtain.obtain("ncei_significant_earthquakes", source=tmp_path / "missing.tsv")


def test_never_writes_into_the_data_directory(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setattr(settings, "data_dir", data)
    src = tmp_path / "export.tsv"
    src.write_text('"Search Parameters"\t"Year"\n"[]"\t\n\t2001\n')
    with pytest.raises(ParameterError, match="inside the data directory"):
        obtain.obtain("ncei_significant_earthquakes", source=src, dest=data / "sub")


def test_malformed_originals_are_typed_errors(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("a\tb\n1\t2\n")
    with pytest.raises(DataFileError, match="Search Parameters"):
        obtain.obtain("ncei_significant_earthquakes", source=bad, dest=tmp_path)
    notxlsx = tmp_path / "book.xlsx"
    notxlsx.write_bytes(b"PK\x03\x04 not really a zip")
    for name in ["inform_risk_index_2023", "world_risk_index", "gcom_mycovenant_signatories"]:
        with pytest.raises(DataFileError, match="Excel workbook|no sheet"):
            obtain.obtain(name, source=notxlsx, dest=tmp_path)


def test_workbook_conversion_on_a_small_fictional_fixture(tmp_path):
    import pandas as pd

    book = tmp_path / "wri.xlsx"
    with pd.ExcelWriter(book) as xl:
        pd.DataFrame({"Code": ["W"], "Description": ["WorldRiskIndex"]}).to_excel(
            xl, sheet_name="Codes", index=False)
        for year in (2000, 2001):
            pd.DataFrame({"Country": ["Example Land"], "Code": ["EXL"], "W": [1.5 + year - 2000]}
                         ).to_excel(xl, sheet_name=f"Results {year}", index=False)
    out = obtain.obtain("world_risk_index", source=book, dest=tmp_path / "out")
    long = pd.read_csv(out.loc["world_risk_index_2000_2022_long.csv", "path"])
    assert long.columns.tolist() == ["Country", "Code", "Year", "W"]
    assert long["Year"].tolist() == [2000, 2001] and long["W"].tolist() == [1.5, 2.5]
    assert not out["matches"].any()  # fictional bytes are not the tested ones, and it says so
