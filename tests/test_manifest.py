"""Manifests: what a receipt records, how it is written, and how a bad one is refused."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import resilience_analytics as ra
from resilience_analytics import manifest as mf
from resilience_analytics.errors import ParameterError


def test_collect_records_versions_seed_and_parameters():
    m = mf.collect({"city": "The Hague", "tsunami_radius_km": 50.0})
    assert m["manifest_version"] == mf.MANIFEST_VERSION == 1
    assert m["library"]["version"] == ra.__version__
    # the source tree is a git work tree: a 40-hex commit is recorded
    assert m["library"]["commit"] is None or len(m["library"]["commit"]) == 40
    assert m["packages"]["numpy"] == __import__("numpy").__version__
    assert m["packages"]["papermill"] != "not installed"
    assert m["seeds"] == {"settings.seed": 20161}
    assert m["parameters"] == {"city": "The Hague", "tsunami_radius_km": 50.0}
    json.dumps(m)  # JSON-able


@pytest.mark.data
def test_data_files_read_are_recorded_with_their_registry_checksum():
    ra.datasets.read("gvp_holocene_volcanoes")
    entries = {e["dataset"]: e for e in mf.collect()["data_files"]}
    gvp = entries["gvp_holocene_volcanoes"]
    assert gvp["sha256"] == ra.datasets.get("gvp_holocene_volcanoes").file().sha256
    assert gvp["filename"] == ra.datasets.get("gvp_holocene_volcanoes").file().filename


def test_data_file_entries_split_dataset_and_file():
    entries = mf.data_file_entries({"/d/dfo_flood_archive/floods.csv": "ab" * 32,
                                    "/d/city_networks/c40.csv": "cd" * 32})
    assert [(e["dataset"], e["filename"]) for e in entries] == [
        ("city_networks", "c40.csv"), ("dfo_flood_archive", "floods.csv")]


def test_spec_hash_is_stable_and_sensitive():
    a = pd.DataFrame({"code": ["eq", "fl"], "weight": [0.5, 0.5]})
    b = a.copy()
    assert mf.spec_hash(a, {"k": 1}) == mf.spec_hash(b, {"k": 1})
    b.loc[1, "weight"] = 0.25
    assert mf.spec_hash(a) != mf.spec_hash(b)
    assert mf.spec_hash({"x": 1, "y": 2}) == mf.spec_hash({"y": 2, "x": 1})
    assert len(mf.spec_hash("x")) == 64


def test_notebook_run_writes_tables_figures_and_manifest(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    run = mf.start_notebook("03-Composite Index", tmp_path, parameters={"city": "Example City"})
    df = pd.DataFrame({"score": [0.1, 1 / 3]}, index=pd.Index(["a", "b"], name="unit"))
    assert run.table(df, "Scores") is df
    run.table(df, "scores_pq", format="parquet")
    fig, ax = plt.subplots()
    ax.plot([0, 1])
    run.figure(fig, "line")
    plt.close(fig)
    assert run.finish(specifications={"example": "abc"}) is None
    m = run.manifest
    folder = tmp_path / "03-composite-index"
    assert (folder / "tables/scores.csv").read_text() == "unit,score\na,0.1\nb,0.3333333333333333\n"
    assert pd.read_parquet(folder / "tables/scores_pq.parquet").equals(df)
    assert (folder / "figures/line.png").read_bytes()[:4] == b"\x89PNG"
    on_disk = json.loads((folder / "manifest.json").read_text())
    assert on_disk == json.loads(json.dumps(m))
    assert on_disk["notebook"] == {"name": "03-composite-index"}
    assert on_disk["tables"]["tables/scores.csv"]["rows"] == 2
    assert on_disk["tables"]["tables/scores.csv"]["sha256"] == mf.sha256_file(
        folder / "tables/scores.csv")
    assert on_disk["figures"] == ["figures/line.png", "figures/line.svg"]
    assert on_disk["specifications"]["example"] == "abc"
    # no temporary files left
    assert not [p for p in folder.rglob(".*")]


def test_notebook_run_removes_what_the_previous_run_wrote(tmp_path):
    run = mf.start_notebook("01-x", tmp_path)
    run.table(pd.DataFrame({"a": [1]}), "old")
    run.finish()
    (tmp_path / "01-x/tables/user_notes.csv").write_text("mine")
    run = mf.start_notebook("01-x", tmp_path)
    run.table(pd.DataFrame({"a": [2]}), "new")
    run.finish()
    names = sorted(p.name for p in (tmp_path / "01-x/tables").iterdir())
    assert names == ["new.csv", "user_notes.csv"]  # only files it wrote itself are removed


def test_notebook_run_rejects_bad_format_and_figure(tmp_path):
    run = mf.start_notebook("01-x", tmp_path)
    with pytest.raises(ParameterError, match="format='xlsx' is not accepted"):
        run.table(pd.DataFrame({"a": [1]}), "t", format="xlsx")
    with pytest.raises(ParameterError, match="a str cannot be saved"):
        run.figure("not a figure", "f")


def test_write_json_atomic_replaces_and_leaves_no_temp(tmp_path):
    target = tmp_path / "m.json"
    mf.write_json_atomic({"a": 1}, target)
    mf.write_json_atomic({"a": 2}, target)
    assert json.loads(target.read_text()) == {"a": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


def test_read_manifest_errors_name_the_problem(tmp_path):
    with pytest.raises(mf.ManifestError, match="no manifest.json in"):
        mf.read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text('{"manifest_version": 1, "kind": "rep')
    with pytest.raises(mf.ManifestError, match="not valid JSON"):
        mf.read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text("[1, 2]")
    with pytest.raises(mf.ManifestError, match="a manifest is a JSON object, found list"):
        mf.read_manifest(tmp_path)
    good = mf.collect({"city": "Example City"}, kind="report")
    good["kind"] = "party"
    mf.write_json_atomic(good, tmp_path / "manifest.json")
    with pytest.raises(mf.ManifestError, match="kind='party' is not accepted"):
        mf.read_manifest(tmp_path / "manifest.json")
    good["kind"] = "report"
    mf.write_json_atomic(good, tmp_path / "manifest.json")
    assert mf.read_manifest(tmp_path)["parameters"] == {"city": "Example City"}


def _valid(**changes):
    m = mf.collect({"city": 2747373})
    m.update(changes)
    return m


@pytest.mark.parametrize(
    "raw, message",
    [(b"\xff\xfe{not utf-8", r"is not UTF-8 text \(byte 0xff at offset 0\)"),
     (b"[" * 100_000, r"not valid JSON|nests JSON too deeply"),
     (b"42", "a manifest is a JSON object, found int")],
)
def test_unreadable_bytes_are_manifest_errors(tmp_path, raw, message):
    (tmp_path / "manifest.json").write_bytes(raw)
    with pytest.raises(mf.ManifestError, match=message):
        mf.read_manifest(tmp_path)


@pytest.mark.parametrize(
    "changes, message",
    [({"data_files": [{}]}, r"data_files/0: 'dataset' is a required property"),
     ({"data_files": [{"dataset": "../../etc", "filename": "passwd", "sha256": "0" * 64}]},
      r"data_files/0/dataset: '../../etc' is not accepted"),
     ({"data_files": "all"}, r"data_files: 'all' is not accepted \(type 'array'\)"),
     ({"packages": ["numpy"]}, r"packages: \['numpy'\] is not accepted"),
     ({"parameters": {"x; import os": 1}}, r"parameters: 'x; import os' is not accepted"),
     ({"parameters": {"k": {"nested": 1}}}, r"parameters/k: .* is not accepted"),
     ({"tables": {"../../../../etc/hostname": {"sha256": "0" * 64}}},
      r"tables: '../../../../etc/hostname' is not accepted"),
     ({"tables": {"01-a/tables/x.csv": "abc"}}, r"tables/01-a/tables/x.csv: 'abc' is not accepted"),
     ({"notebooks": [{"name": "../../evil", "parameters": {}}]},
      r"notebooks/0/name: '../../evil' is not accepted"),
     ({"library": {"commit": 5}}, r"library/commit: 5 is not accepted"),
     ({"kind": "report", "parameters": {"\udc80": 1}}, r"parameters: '\\udc80' is not accepted")],
)
def test_malformed_manifests_are_manifest_errors_naming_the_key(tmp_path, changes, message):
    (tmp_path / "manifest.json").write_text(
        json.dumps(_valid(**changes), ensure_ascii=True), "utf-8")
    with pytest.raises(mf.ManifestError, match=message):
        mf.read_manifest(tmp_path)


def test_a_written_manifest_passes_the_schema(tmp_path):
    run = mf.start_notebook("01-example", tmp_path, parameters={"city": 2747373, "k": 5})
    run.table(pd.DataFrame({"a": [1]}), "peer table")
    run.finish()
    assert mf.read_manifest(tmp_path / "01-example")["tables"] == run.manifest["tables"]


def test_notebooks_outside_the_runner_write_into_the_repository(tmp_path, monkeypatch):
    # papermill from any working directory: output_dir None (the notebooks' default)
    monkeypatch.chdir(tmp_path)
    root = ra._io.repository_root()
    assert root is not None
    assert mf.default_output_dir() == root / "build" / "notebooks"
    run = mf.start_notebook("01-example", None)
    assert run.folder == root / "build" / "notebooks" / "01-example"
    assert list(tmp_path.iterdir()) == []
