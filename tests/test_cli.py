"""The command line: report, verify, summary, and their error messages and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from notebook_factory import make_suite, suite_of

from resilience_analytics.cli import main


@pytest.fixture(scope="module")
def suite(tmp_path_factory) -> list[Path]:
    return make_suite(tmp_path_factory.mktemp("nb"))


def test_report_unknown_city_suggests_and_exits_2(tmp_path, capsys, suite):
    code = main(["report", "--city", "../../etc", "--out", str(tmp_path / "out"),
                 "--notebooks", "01"], suite=suite_of(suite))
    err = capsys.readouterr().err
    assert code == 2
    assert "no gazetteer city is called '../../etc'" in err and "Closest names" in err
    assert not (tmp_path / "out").exists()


def test_report_bad_value_lists_accepted_values(tmp_path, capsys, suite):
    code = main(["report", "--city", "Kyiv", "--out", str(tmp_path), "-p", "method", "max",
                 "--notebooks", "01"], suite=suite_of(suite))
    assert code == 2
    assert "method='max' is not accepted; give one of: mean, median" in (
        capsys.readouterr().err)


def test_report_rejects_dask_for_a_single_city(tmp_path, capsys, suite):
    code = main(["report", "--city", "Kyiv", "--engine", "dask", "--out", str(tmp_path),
                 "--notebooks", "01"], suite=suite_of(suite))
    assert code == 2 and "use them with --cities or --network" in capsys.readouterr().err


def test_list_parameters_prints_types_and_help(capsys, suite):
    assert main(["report", "--list-parameters", "--notebooks", "01"], suite=suite_of(suite)) == 0
    out = capsys.readouterr().out
    assert "one of: mean, median" in out and "float" in out and "[0.001, 1000.0]" in out
    assert "other_city" not in out  # used by notebook 04 only


def test_report_then_verify_round_trip(tmp_path, capsys, suite):
    out = tmp_path / "out"
    code = main(["report", "--city", "Den Haag", "--out", str(out), "-q", "-p", "n", "2",
                 "--notebooks", "01", "--no-html"], suite=suite_of(suite))
    printed = capsys.readouterr().out
    assert code == 0, printed
    # --no-html: no index.html is written, and none is announced
    assert f"report for The Hague: {out / 'the-hague'}/ (no HTML" in printed
    assert "index.html" not in printed and not (out / "the-hague" / "index.html").exists()
    m = json.loads((out / "the-hague" / "manifest.json").read_text())
    assert m["parameters"] == {"n": 2, "city": 2747373}
    assert main(["verify", str(out / "the-hague"), "-q"], suite=suite_of(suite)) == 0
    assert "OK: every result table reproduced exactly" in capsys.readouterr().out


def test_verify_without_manifest_exits_2(tmp_path, capsys):
    assert main(["verify", str(tmp_path)]) == 2
    assert "no manifest.json in" in capsys.readouterr().err


def test_python_dash_m_runs_the_same_command_line():
    env = {**os.environ}
    proc = subprocess.run([sys.executable, "-m", "resilience_analytics", "report", "--help"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0
    for option in ("--city", "--cities", "--network", "--engine", "--scheduler", "--out"):
        assert option in proc.stdout


def test_city_by_geonames_id_and_country_disambiguate(tmp_path, capsys, suite):
    out = tmp_path / "out"
    # "Portland" alone is ambiguous (Oregon, Maine, Texas): exit 2 and the ids are listed
    code = main(["report", "--city", "Portland", "--out", str(out), "--notebooks", "01",
                 "--no-html", "-q"], suite=suite_of(suite))
    err = capsys.readouterr().err
    assert code == 2 and "5746545" in err and "add --country" in err
    assert main(["report", "--city", "5746545", "--out", str(out), "--notebooks", "01",
                 "--no-html", "-q"], suite=suite_of(suite)) == 0
    m = json.loads((out / "portland" / "manifest.json").read_text())
    assert m["city"] == {"city_id": 5746545, "name": "Portland", "country_iso3": "USA"}
    # a GeoNames id that is not in the given country is refused before anything runs
    code = main(["report", "--city", "5746545", "--country", "NL", "--out", str(tmp_path / "x"),
                 "--notebooks", "01"], suite=suite_of(suite))
    assert code == 2 and "not in country 'NL' (NLD)" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_version_is_printed(capsys):
    from resilience_analytics import __version__

    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"resilience_analytics {__version__}"


def test_real_suite_accepts_radius_for_notebook_08_only_and_refuses_huge_values(capsys,
                                                                                 tmp_path):
    # validation only: the bad values never reach a kernel
    for args, message in (
        (["-p", "tsunami_radius_km", "1e308"], "tsunami_radius_km='1e308' is not accepted; give "
                                               "a number in [5.0, 200.0] (km)"),
        (["-p", "k", "1000000"], "k='1000000' is not accepted; give a whole number in [1, 200]"),
        (["-p", "winmax", "3", "--notebooks", "08"], "'winmax' is used by notebook(s) 03 only"),
    ):
        code = main(["report", "--out", str(tmp_path / "o"), *args])
        assert code == 2 and message in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
    assert main(["report", "--list-parameters", "--notebooks", "08"]) == 0
    out = capsys.readouterr().out
    assert "tsunami_radius_km" in out and "metric" in out and "winmax" not in out


def test_out_that_is_a_file_is_a_typed_error_before_any_notebook(tmp_path, capsys, suite):
    f = tmp_path / "file"
    f.write_text("mine")
    code = main(["report", "--city", "Kyiv", "--out", str(f), "--notebooks", "01", "-q"],
                suite=suite_of(suite))
    assert code == 2 and "is a file, not a folder" in capsys.readouterr().err
    code = main(["report", "--city", "Kyiv", "--out", str(f / "sub"), "--notebooks", "01",
                 "-q"], suite=suite_of(suite))
    assert code == 2 and "cannot be created" in capsys.readouterr().err
    assert f.read_text() == "mine"


def test_verify_of_a_tampered_manifest_exits_2_without_running(tmp_path, capsys, suite):
    out = tmp_path / "out"
    assert main(["report", "--city", "Kyiv", "--out", str(out), "-q", "--notebooks", "01",
                 "--no-html"], suite=suite_of(suite)) == 0
    capsys.readouterr()
    path = out / "kyiv" / "manifest.json"
    m = json.loads(path.read_text())
    m["notebooks"][0]["parameters"]["__import__('os').system('id')"] = 1
    path.write_text(json.dumps(m))
    assert main(["verify", str(out / "kyiv"), "-q"], suite=suite_of(suite)) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "is not accepted" in err and "Traceback" not in err
    path.write_bytes(b"\xff\xfe")
    assert main(["verify", str(out / "kyiv"), "-q"], suite=suite_of(suite)) == 2
    assert "is not UTF-8 text" in capsys.readouterr().err


def test_parameter_cells_check_runs_as_a_module():
    proc = subprocess.run([sys.executable, "-m", "resilience_analytics.report",
                           "--check-parameter-cells"], capture_output=True, text=True,
                          env={**os.environ}, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
