"""The report runner: validation before work, safe folders, atomic reports, batch, verify.

Runs two tiny fictional notebooks (tests/notebook_factory.py), not the real suite.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as settings_h
from hypothesis import strategies as st
from notebook_factory import make_notebook, make_suite, suite_of

import resilience_analytics as ra
from resilience_analytics import report, settings
from resilience_analytics.errors import ParameterError, UnknownCityError
from resilience_analytics.manifest import ManifestError


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))}


@pytest.fixture(scope="module")
def suite(tmp_path_factory) -> list[Path]:
    return make_suite(tmp_path_factory.mktemp("nb"), title_alpha="Alpha <b>&amp; \"bold\"</b>")


@pytest.fixture(scope="module")
def built(tmp_path_factory, suite):
    """One report for Kyiv, shared by the read-only tests below."""
    out = tmp_path_factory.mktemp("out")
    saved = settings.cache_dir, settings.progress
    settings.cache_dir, settings.progress = tmp_path_factory.mktemp("cache"), False
    try:
        rep = report.run_report("Kiev", out=out, suite=suite_of(suite), parameters={"scale": "3"})
    finally:
        settings.cache_dir, settings.progress = saved
    return out, rep


# ------------------------------------------------------------------ slugs and safe folders


@pytest.mark.parametrize(
    "name, slug",
    [("../../etc", "etc"), ("<script>alert(1)</script>", "script-alert-1-script"),
     ("..", "report"), ("/", "report"), ("/etc/passwd", "etc-passwd"),
     ("C:\\Windows\\..", "c-windows"), ("São Paulo", "sao-paulo"), ("Den Haag", "den-haag"),
     ("a" * 300, "a" * 80)],
)
def test_slugify_keeps_only_safe_characters(name, slug):
    assert report.slugify(name) == slug


@given(st.text(max_size=60))
@settings_h(max_examples=200, deadline=None)
def test_any_text_gives_a_plain_folder_name(text):
    slug = report.slugify(text)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*|report", slug)


@pytest.mark.parametrize("name", ["../../etc", "<script>", "..", "/tmp/x", "a/../../b", "~"])
def test_report_dir_never_leaves_out(tmp_path, name):
    target = report.report_dir(tmp_path / "out", name)
    assert target.parent == tmp_path / "out"
    assert target.resolve().is_relative_to((tmp_path / "out").resolve())


@pytest.mark.parametrize("city", ["../../etc", "<script>"])
def test_hostile_city_stops_before_writing_anything(tmp_path, suite, city):
    out = tmp_path / "out"
    with pytest.raises(UnknownCityError, match="Closest names"):
        report.run_report(city, out=out, suite=suite_of(suite))
    assert not out.exists()
    assert not (tmp_path / "etc").exists()


# ------------------------------------------------------------------ parameters


def test_parameter_cells_are_written_from_the_spec(suite):
    table = report.notebook_parameters(suite_of(suite)).set_index("name")
    assert list(table.index) == ["city", "scale", "method", "n", "other_city"]
    assert table.loc["scale", "type"] == "float"
    assert table.loc["method", "accepted"] == "one of: mean, median"
    assert suite_of(suite).stale_parameter_cells() == {}


@pytest.mark.parametrize(
    "params, message",
    [({"method": "max"}, r"method='max' is not accepted; give one of: mean, median"),
     ({"scale": -1}, r"scale=-1 is not accepted; give a number in \[0.001, 1000.0\]"),
     ({"scale": "1e308"}, r"scale='1e308' is not accepted; give a number in \[0.001, 1000.0\]"),
     ({"scale": "nan"}, r"scale='nan' is not accepted"),
     ({"scale": "abc"}, r"scale='abc' is not accepted; give a number"),
     ({"n": "2.5"}, r"n='2.5' is not accepted; give a whole number in \[1, 1000\]"),
     ({"n": 1000000}, r"n=1000000 is not accepted; give a whole number in \[1, 1000\]"),
     ({"colour": "red"}, r"unknown parameter 'colour'; the suite accepts: city, method, n, "
                         r"other_city, scale"),
     ({"__import__('os').system('true')": 1}, r"unknown parameter"),
     ({"other_city": "Lviv"}, r"'other_city' is used by notebook\(s\) 04 only, none of which "
                              r"is run"),
     ({"output_dir": "/tmp"}, r"'output_dir' is set by the report runner")],
)
def test_bad_parameters_stop_before_any_work(tmp_path, suite, params, message):
    out = tmp_path / "out"
    with pytest.raises(ParameterError, match=message):
        report.run_report("Kyiv", out=out, suite=suite_of(suite), parameters=params)
    assert not out.exists()


def test_command_line_strings_are_converted_and_the_city_travels_as_an_id(suite):
    city, per_nb = report.validate_parameters(
        {"city": "Kiev", "scale": "0.5", "n": "4", "method": "median"}, suite=suite_of(suite))
    assert city.name == "Kyiv" and city.country_iso3 == "UKR"
    assert per_nb[suite[0].resolve()] == {"city": 703448, "scale": 0.5, "method": "median",
                                          "n": 4}
    # a GeoNames id (as the command line gives it: text) picks one of several Portlands
    city, _ = report.validate_parameters({"city": "5746545"}, suite=suite_of(suite))
    assert (city.name, city.city_id) == ("Portland", 5746545)


def test_unknown_or_foreign_notebooks_are_refused(tmp_path, suite):
    with pytest.raises(ParameterError, match="not found; the suite's notebooks are: 01-alpha"):
        report.run_report("Kyiv", out=tmp_path, suite=suite_of(suite), notebooks=["99"])
    other = make_notebook(tmp_path / "01-alpha.ipynb", "x = 1")
    with pytest.raises(ParameterError, match="only the suite's own notebooks run"):
        report.run_report("Kyiv", out=tmp_path, suite=suite_of(suite), notebooks=[other])


# ------------------------------------------------------------------ a report


def test_report_folder_holds_notebooks_html_index_tables_manifest(built, suite):
    out, rep = built
    assert rep.path == out / "kyiv" and rep.city == "Kyiv"
    for stem in ("01-alpha", "02-beta"):
        assert (rep.path / f"{stem}.ipynb").is_file()
        assert "<html" in (rep.path / f"{stem}.html").read_text("utf-8")
        assert (rep.path / stem / "manifest.json").is_file()
    # the parameters reached the kernel: scale 3 (a string on the command line) times 0, 1, 2
    values = (rep.path / "01-alpha/tables/values.csv").read_text().splitlines()
    assert values == [",x,agg", "0,0.0,3.0", "1,3.0,3.0", "2,6.0,3.0"]
    assert "Kyiv" in (rep.path / "02-beta/tables/ratio.csv").read_text()
    # nothing else: no temporary folders left in out
    assert sorted(p.name for p in out.iterdir()) == ["kyiv"]


def test_index_page_links_everything_and_escapes_titles(built):
    _, rep = built
    index = (rep.path / "index.html").read_text("utf-8")
    assert 'href="01-alpha.html"' in index and 'href="02-beta.ipynb"' in index
    assert 'href="01-alpha/tables/values.csv"' in index
    assert "Alpha &lt;b&gt;&amp;amp; &quot;bold&quot;&lt;/b&gt;" in index
    assert "<b>" not in index
    assert "Resilience report: Kyiv (Ukraine)" in index


def test_report_manifest_records_inputs_parameters_and_tables(built):
    _, rep = built
    m = json.loads((rep.path / "manifest.json").read_text())
    assert m["kind"] == "report" and m["manifest_version"] == ra.manifest.MANIFEST_VERSION
    assert m["parameters"] == {"scale": 3.0, "city": 703448}
    assert m["notebooks"][0]["parameters"] == {"city": 703448, "scale": 3.0, "method": "mean",
                                               "n": 3}
    assert "source" not in m["notebooks"][0]
    # every file the runner wrote, with its sha256 (what a re-run may replace)
    assert m["files"]["01-alpha/tables/values.csv"] == ra.manifest.sha256_file(
        rep.path / "01-alpha/tables/values.csv")
    assert set(m["files"]) == {str(p.relative_to(rep.path)) for p in rep.path.rglob("*")
                               if p.is_file()} - {"manifest.json"}
    assert m["city"] == {"city_id": 703448, "name": "Kyiv", "country_iso3": "UKR"}
    assert m["seeds"] == {"settings.seed": settings.seed}
    assert m["packages"]["pandas"] == __import__("pandas").__version__
    assert [e["dataset"] for e in m["data_files"]] == ["gvp_holocene_volcanoes"]
    gvp = ra.datasets.get("gvp_holocene_volcanoes").file()
    assert m["data_files"][0]["sha256"] == gvp.sha256
    assert set(m["tables"]) == {"01-alpha/tables/values.csv", "02-beta/tables/ratio.csv"}
    assert m["tables"]["01-alpha/tables/values.csv"]["sha256"] == ra.manifest.sha256_file(
        rep.path / "01-alpha/tables/values.csv")
    assert [nb["name"] for nb in m["notebooks"]] == ["01-alpha", "02-beta"]


def test_rerun_replaces_the_folder_cleanly(tmp_path, suite):
    out = tmp_path / "out"
    S = suite_of(suite)
    report.run_report("Kyiv", out=out, suite=S, notebooks=["01"], html=False, jobs=1)
    again = report.run_report("Kyiv", out=out, suite=S, notebooks=["01"], html=False, jobs=1,
                              parameters={"n": 2})
    assert len((again.path / "01-alpha/tables/values.csv").read_text().splitlines()) == 3
    assert sorted(p.name for p in out.iterdir()) == ["kyiv"]


def test_failed_notebook_names_notebook_and_cell_and_leaves_nothing(tmp_path, suite):
    nbdir = tmp_path / "nb"
    shutil.copytree(suite[0].parent, nbdir)
    make_notebook(nbdir / "03-broken.ipynb", "x = 1\nraise ValueError('boom in the data')")
    S = suite_of(nbdir)
    out = tmp_path / "out"
    first = report.run_report("Kyiv", out=out, suite=S, notebooks=["01"], html=False, jobs=1)
    before = _snapshot(first.path)
    with pytest.raises(report.NotebookError) as info:
        report.run_report("Kyiv", out=out, suite=S, notebooks=["01", "03"], html=False, jobs=2)
    message = str(info.value)
    # cell 3 of the notebook as written (papermill's injected-parameters cell not counted)
    assert "03-broken.ipynb failed in cell 3 (In [" in message
    assert "it starts 'x = 1'" in message
    assert "ValueError: boom in the data" in message
    assert (info.value.notebook, info.value.cell) == ("03-broken.ipynb", 3)
    # the earlier report is untouched and no half-written folder remains
    assert _snapshot(first.path) == before
    assert sorted(p.name for p in out.iterdir()) == ["kyiv"]


# ------------------------------------------------------------------ batch


def test_batch_on_a_local_dask_cluster_of_two_processes(tmp_path, suite):
    pytest.importorskip("dask.distributed")
    out = tmp_path / "out"
    table = report.run_reports(["Kyiv", "Rotterdam"], out=out, notebooks=["01"],
                               suite=suite_of(suite),
                               engine="dask", n_workers=2, html=False, progress=False)
    assert list(table["city"]) == ["Kyiv", "Rotterdam"]
    assert list(table["status"]) == ["ok", "ok"], table["error"].tolist()
    assert sorted(p.name for p in out.iterdir()) == ["kyiv", "rotterdam"]
    m = json.loads((out / "rotterdam" / "manifest.json").read_text())
    assert m["city"]["country_iso3"] == "NLD"


def test_batch_validates_every_city_first(tmp_path, suite):
    out = tmp_path / "out"
    with pytest.raises(UnknownCityError, match="Xqzzyville"):
        report.run_reports(["Kyiv", "Xqzzyville"], out=out, suite=suite_of(suite))
    assert not out.exists()
    with pytest.raises(ParameterError, match="engine='spark' is not accepted"):
        report.run_reports(["Kyiv"], out=out, suite=suite_of(suite), engine="spark")
    with pytest.raises(ParameterError, match="either cities"):
        report.run_reports(out=out, suite=suite_of(suite))


def test_batch_network_code_is_checked(tmp_path, suite):
    pytest.importorskip("resilience_analytics.networks")
    with pytest.raises(ParameterError, match="network='100RC' is not accepted.*'100rc'"):
        report.run_reports(network="100RC", out=tmp_path, suite=suite_of(suite))


# ------------------------------------------------------------------ verify


@pytest.mark.data
def test_verify_reproduces_an_unchanged_report_without_writing(built, suite):
    _, rep = built
    before = _snapshot(rep.path)
    result = report.verify(rep.path, progress=False, suite=suite_of(suite))
    assert result.ok, str(result)
    assert result.tables_compared == 2
    assert result.changed_data_files == [] and result.changed_packages == []
    assert "OK: every result table reproduced exactly" in str(result)
    assert _snapshot(rep.path) == before


@pytest.mark.data
def test_verify_names_changed_inputs_and_every_differing_value(tmp_path, built, suite):
    _, rep = built
    # a copy of the report whose notebook source, recorded inputs and one table were altered
    copy = tmp_path / "kyiv"
    shutil.copytree(rep.path, copy)
    src = tmp_path / "nb"
    make_suite(src)
    make_notebook(src / "01-alpha.ipynb", "df = pd.DataFrame({'x': [float(i) for i in range(n)]}"
                  ") * scale + 1\ndf['agg'] = df['x'].mean()\nrun.table(df, 'values')")
    m = json.loads((copy / "manifest.json").read_text())
    m["data_files"][0]["sha256"] = "0" * 64
    m["packages"]["pandas"] = "0.0.1"
    (copy / "manifest.json").write_text(json.dumps(m))
    ratio = copy / "02-beta/tables/ratio.csv"
    ratio.write_text(ratio.read_text().replace("1.0", "1.5"))
    before = _snapshot(copy)

    # the suite's 01-alpha is not the notebook that was run: refused unless asked for
    with pytest.raises(ManifestError, match="01-alpha.ipynb differs from the one run"):
        report.verify(copy, progress=False, suite=suite_of(src))
    result = report.verify(copy, progress=False, suite=suite_of(src),
                           allow_changed_notebooks=True)
    assert not result.ok
    assert any(c.startswith("gvp_holocene_volcanoes/GVP_Volcano_List_Holocene") and "0000" in c
               for c in result.changed_data_files)
    assert result.changed_packages == [f"pandas: 0.0.1 -> {__import__('pandas').__version__}"]
    assert any("01-alpha.ipynb differs" in c for c in result.changed_code)
    assert result.modified_tables == ["02-beta/tables/ratio.csv"]
    diffs = result.differences
    alpha = diffs[diffs["table"] == "01-alpha/tables/values.csv"]
    # x = 0, 3, 6 became 1, 4, 7 and their mean 3 became 4: four numbers, each named
    assert sorted(zip(alpha["column"], alpha["recorded"], alpha["rerun"], strict=True)) == [
        ("agg", "3.0", "4.0"), ("agg", "3.0", "4.0"), ("agg", "3.0", "4.0"),
        ("x", "0.0", "1.0"), ("x", "3.0", "4.0"), ("x", "6.0", "7.0")]
    beta = diffs[diffs["table"] == "02-beta/tables/ratio.csv"]
    assert list(zip(beta["column"], beta["recorded"], beta["rerun"], strict=True)) == [
        ("y", "1.5", "1.0")]
    text = str(result)
    assert "pandas: 0.0.1 ->" in text and "DIFFERENT" in text
    assert "01-alpha/tables/values.csv row 0 (0) column x: recorded 0.0 rerun 1.0" in text
    assert _snapshot(copy) == before


def test_verify_refuses_missing_truncated_and_foreign_manifests(tmp_path, built):
    _, rep = built
    with pytest.raises(ManifestError, match="no manifest.json in"):
        report.verify(tmp_path)
    copy = tmp_path / "copy"
    copy.mkdir()
    text = (rep.path / "manifest.json").read_text()
    (copy / "manifest.json").write_text(text[: len(text) // 2])
    with pytest.raises(ManifestError, match="not valid JSON.*truncated or corrupt"):
        report.verify(copy)
    m = json.loads(text)
    m["manifest_version"] = 99
    (copy / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(ManifestError, match="manifest_version 99; this resilience_analytics "
                                            "reads manifest_version 1 only"):
        report.verify(copy)
    del m["packages"]
    m["manifest_version"] = 1
    (copy / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(ManifestError, match=r"lacks required key\(s\) \['packages'\]"):
        report.verify(copy)


def test_other_city_parameters_are_resolved_before_work(tmp_path, suite):
    folder = tmp_path / "nb"
    shutil.copytree(suite[0].parent, folder)
    make_notebook(folder / "04-two-cities.ipynb", "x = 1")
    assert "other_city" in (folder / "04-two-cities.ipynb").read_text()
    with pytest.raises(UnknownCityError, match="Xqzzyville"):
        report.run_report("Kyiv", out=tmp_path / "out", suite=suite_of(folder), notebooks=["04"],
                          parameters={"other_city": "Xqzzyville"})
    assert not (tmp_path / "out").exists()


@pytest.mark.data
def test_verify_a_single_notebook_folder_finds_it_in_the_suite(built, suite, monkeypatch):
    _, rep = built
    before = _snapshot(rep.path)
    result = report.verify(rep.path / "02-beta", progress=False, jobs=1, suite=suite_of(suite))
    assert result.ok, str(result)
    assert result.tables_compared == 1
    assert _snapshot(rep.path) == before


def test_refresh_notebooks_executes_in_place_without_timing_metadata(tmp_path):
    import nbformat

    nb = make_notebook(tmp_path / "01-refresh.ipynb", "print(scale * n)")
    nb.chmod(0o644)
    seconds = report.refresh_notebooks(["01"], progress=False, suite=suite_of(tmp_path))
    assert list(seconds) == ["01-refresh"]
    cells = nbformat.read(nb, as_version=4).cells
    assert [c.execution_count for c in cells if c.cell_type == "code"] == [1, 2, 3, 4]
    assert cells[3].outputs[0]["text"] == "6.0\n"
    assert all("execution" not in c.metadata for c in cells)
    assert nb.stat().st_mode & 0o777 == 0o644
    # the kernel ran in the notebook's folder: output_dir "." holds its receipt; no temp files
    assert sorted(p.name for p in tmp_path.iterdir()) == ["01-refresh", "01-refresh.ipynb"]
    assert (tmp_path / "01-refresh" / "manifest.json").is_file()


# ------------------------------------------------------------------ verify: a manifest is untrusted


def _tampered(tmp_path, built, change) -> Path:
    _, rep = built
    copy = tmp_path / "kyiv"
    shutil.copytree(rep.path, copy)
    m = json.loads((copy / "manifest.json").read_text())
    change(m)
    (copy / "manifest.json").write_text(json.dumps(m))
    return copy


def test_verify_never_runs_code_from_a_parameter_name(tmp_path, built, suite):
    marker = tmp_path / "pwned"
    evil = f"__import__('pathlib').Path({str(marker)!r}).touch()"

    def change(m):
        m["notebooks"][0]["parameters"][evil] = 1

    copy = _tampered(tmp_path, built, change)
    with pytest.raises(ManifestError, match="is not accepted"):
        report.verify(copy, progress=False, suite=suite_of(suite))
    assert not marker.exists()

    def change2(m):  # a name the schema allows but notebook 01-alpha does not take
        m["notebooks"][0]["parameters"]["other_city"] = "Kyiv"

    shutil.rmtree(copy)
    copy = _tampered(tmp_path, built, change2)
    with pytest.raises(ManifestError, match="'other_city' is not one notebook 01-alpha takes"):
        report.verify(copy, progress=False, suite=suite_of(suite))


@pytest.mark.parametrize(
    "change, message",
    [(lambda m: m["notebooks"][0].__setitem__("parameters", {"scale": 1e308}),
      r"scale=1e\+308 is not accepted; give a number in \[0.001, 1000.0\]"),
     (lambda m: m["notebooks"][0].__setitem__("parameters", {"n": 10**9}),
      r"n=1000000000 is not accepted"),
     (lambda m: m["notebooks"][0].__setitem__("parameters", {"city": 999999999}),
      r"city=999999999: no gazetteer city has city_id 999999999"),
     (lambda m: m["notebooks"][0].__setitem__("source", "/tmp/evil/03-evil.ipynb"),
      r"has source '/tmp/evil/03-evil.ipynb', another notebook; .* refuses"),
     (lambda m: m["notebooks"][0].__setitem__("name", "03-evil"),
      r"notebook '03-evil' is not one of the suite's"),
     (lambda m: m["notebooks"][1].__setitem__("name", "01-alpha"), r"listed twice"),
     (lambda m: m["notebooks"][0].__setitem__("source_sha256", "0" * 64),
      r"01-alpha.ipynb differs from the one run"),
     (lambda m: m["tables"].__setitem__("../../../../etc/hostname", {"sha256": "0" * 64}),
      r"tables: '../../../../etc/hostname' is not accepted"),
     (lambda m: m.__setitem__("data_files", [{}]), r"data_files/0: 'dataset' is a required"),
     (lambda m: m.__setitem__("parameters", []), r"parameters: \[\] is not accepted")],
)
def test_verify_refuses_tampered_manifests_with_a_typed_error(tmp_path, built, suite, change,
                                                              message):
    copy = _tampered(tmp_path, built, change)
    with pytest.raises(ManifestError, match=message):
        report.verify(copy, progress=False, suite=suite_of(suite))


def test_verify_refuses_a_table_that_leads_outside_the_folder(tmp_path, built, suite):
    copy = _tampered(tmp_path, built, lambda m: None)
    table = copy / "01-alpha/tables/values.csv"
    table.unlink()
    table.symlink_to("/etc/hostname")
    with pytest.raises(ManifestError, match="leads outside the report folder"):
        report.verify(copy, progress=False, suite=suite_of(suite))


def test_verify_refuses_non_utf8_manifest(tmp_path):
    (tmp_path / "manifest.json").write_bytes(b'{"kind": "\xff"}')
    with pytest.raises(ManifestError, match="is not UTF-8 text"):
        report.verify(tmp_path)


# ------------------------------------------------------------------ output folders


def test_files_the_runner_did_not_write_are_never_deleted(tmp_path, suite):
    S = suite_of(suite)
    out = tmp_path / "out"
    first = report.run_report("Kyiv", out=out, suite=S, notebooks=["01"], html=False, jobs=1)
    mine = first.path / "my-notes.txt"
    mine.write_text("a user's file")
    with pytest.raises(ParameterError, match=r"holds 1 file\(s\) the report runner did not "
                                             r"write: my-notes.txt. Nothing was deleted"):
        report.run_report("Kyiv", out=out, suite=S, notebooks=["01"], html=False, jobs=1)
    assert mine.read_text() == "a user's file"
    mine.unlink()
    # an edited output counts as the user's too
    table = first.path / "01-alpha/tables/values.csv"
    table.write_text("edited by hand\n")
    with pytest.raises(ParameterError, match=r"01-alpha/tables/values.csv \(edited after the "
                                             r"run\)"):
        report.run_report("Kyiv", out=out, suite=S, notebooks=["01"], html=False, jobs=1)
    assert table.read_text() == "edited by hand\n"
    # a folder that is not a report at all
    (out / "rotterdam").mkdir()
    (out / "rotterdam" / "thesis.docx").write_text("years of work")
    with pytest.raises(ParameterError, match="thesis.docx"):
        report.run_report("Rotterdam", out=out, suite=S, notebooks=["01"], html=False, jobs=1)
    assert (out / "rotterdam" / "thesis.docx").exists()
    # force replaces
    again = report.run_report("Kyiv", out=out, suite=S, notebooks=["01"], html=False, jobs=1,
                              force=True)
    assert "edited" not in (again.path / "01-alpha/tables/values.csv").read_text()
    # and a clean re-run replaces without force
    report.run_report("Kyiv", out=out, suite=S, notebooks=["01"], html=False, jobs=1)


def test_stale_building_folders_of_dead_runs_are_cleaned(tmp_path, suite):
    from resilience_analytics.report import run as run_mod

    out = tmp_path / "out"
    out.mkdir()
    host = run_mod._host()
    dead = out / f".kyiv.building-{host}-99999999-abcd"
    dead.mkdir()
    (dead / "01-alpha.ipynb").write_text("half")
    alive = out / f".kyiv.building-{host}-{__import__('os').getpid()}-efgh"
    alive.mkdir()
    other_host = out / ".kyiv.building-elsewhere-12-ijkl"
    other_host.mkdir()
    old = out / ".kyiv.old-1234abcd"
    old.mkdir()
    user = out / ".kyiv-notes"
    user.mkdir()
    report.run_report("Kyiv", out=out, suite=suite_of(suite), notebooks=["01"], html=False,
                      jobs=1)
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(["kyiv", alive.name, other_host.name, user.name])


def test_read_only_out_is_a_typed_error(tmp_path, suite):
    import os

    if os.geteuid() == 0:
        # root may write to a chmod 0500 folder; /proc/self refuses new files to everyone
        out = Path("/proc/self")
    else:
        out = tmp_path / "ro"
        out.mkdir()
        out.chmod(0o500)
    try:
        with pytest.raises(ParameterError, match="is not writable"):
            report.run_report("Kyiv", out=out, suite=suite_of(suite), notebooks=["01"])
    finally:
        if out != Path("/proc/self"):
            out.chmod(0o700)


def test_progress_bar_names_the_running_notebook():
    from resilience_analytics.report.execution import _Running

    class Bar:
        def __init__(self):
            self.postfix, self.n = [], 0

        def set_postfix_str(self, s):
            self.postfix.append(s)

        def update(self, n):
            self.n += n

    bar = Bar()
    r = _Running(bar)
    r.start("01-alpha")
    assert bar.postfix[-1] == "running 01-alpha" and bar.n == 0
    r.start("02-beta")
    assert bar.postfix[-1] == "running 01-alpha, 02-beta"
    r.stop("01-alpha")
    assert bar.postfix[-1] == "running 02-beta" and bar.n == 1


# ------------------------------------------------------------------ the real suite's spec


def test_real_notebooks_parameter_cells_are_the_spec():
    assert report.default_suite().stale_parameter_cells() == {}


def test_every_notebook_computes_with_every_parameter_it_receives():
    import nbformat

    suite = report.default_suite()
    for path in suite.notebooks():
        nb = nbformat.read(path, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code"
                         and "parameters" not in c.metadata.get("tags", []))
        for p in report.parameters.for_notebook(path.stem):
            assert re.search(rf"\b{p.name}\b", code), (path.stem, p.name)
        # no notebook computes exposure or peers with the default radius behind the spec's back
        assert "ra.hazards.exposure()" not in code, path.stem
        for call in re.findall(r"ra\.(?:peers\.(?:similar|complementary)|typology\.city_types)"
                               r"\([^)]*\)", code):
            assert "table=" in call, (path.stem, call)
        for call in re.findall(r"ra\.assessment\.who_can_teach\([^)]*\)", code):
            assert '"table": exposure' in call, (path.stem, call)


def test_radius_reaches_every_notebook_that_uses_it():
    city, per_nb = report.validate_parameters({"tsunami_radius_km": "30"})
    got = {p.stem[:2]: v.get("tsunami_radius_km") for p, v in per_nb.items()}
    assert got == {"01": 30.0, "02": 30.0, "03": 30.0, "04": 30.0, "05": 30.0, "06": 30.0,
                   "07": 30.0, "08": 30.0}
    assert all(v["city"] == city.city_id == 2747373 for v in per_nb.values())
    # every city parameter travels as a GeoNames id, the default other_city (Kyiv) too
    assert [v["other_city"] for p, v in per_nb.items() if "other_city" in v] == [703448]
    _, only_08 = report.validate_parameters({"tsunami_radius_km": 30}, ["08"])
    assert list(only_08.values()) == [{"city": 2747373, "tsunami_radius_km": 30.0, "k": 5,
                                       "metric": "seuclidean"}]
