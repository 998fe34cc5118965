"""The command line: report, verify, summary, and their error messages and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from notebook_factory import make_suite

from resilience_analytics.cli import main


@pytest.fixture(scope="module")
def suite(tmp_path_factory) -> list[Path]:
    return make_suite(tmp_path_factory.mktemp("nb"))


def test_report_unknown_city_suggests_and_exits_2(tmp_path, capsys, suite):
    code = main(["report", "--city", "../../etc", "--out", str(tmp_path / "out"),
                 "--notebooks", str(suite[0])])
    err = capsys.readouterr().err
    assert code == 2
    assert "no gazetteer city is called '../../etc'" in err and "Closest names" in err
    assert not (tmp_path / "out").exists()


def test_report_bad_value_lists_accepted_values(tmp_path, capsys, suite):
    code = main(["report", "--city", "Kyiv", "--out", str(tmp_path), "-p", "method", "max",
                 "--notebooks", str(suite[0])])
    assert code == 2
    assert "method='max' is not accepted; choose one of: 'mean', 'median'" in (
        capsys.readouterr().err)


def test_report_rejects_dask_for_a_single_city(tmp_path, capsys, suite):
    code = main(["report", "--city", "Kyiv", "--engine", "dask", "--out", str(tmp_path),
                 "--notebooks", str(suite[0])])
    assert code == 2 and "use them with --cities or --network" in capsys.readouterr().err


def test_list_parameters_prints_types_and_help(capsys, suite):
    assert main(["report", "--list-parameters", "--notebooks", *map(str, suite)]) == 0
    out = capsys.readouterr().out
    assert "aggregation; one of: mean, median" in out and "float" in out


def test_report_then_verify_round_trip(tmp_path, capsys, suite):
    out = tmp_path / "out"
    code = main(["report", "--city", "Den Haag", "--out", str(out), "-q", "-p", "n", "2",
                 "--notebooks", str(suite[0]), "--no-html"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert f"report for The Hague: {out / 'the-hague'}/index.html" in printed
    m = json.loads((out / "the-hague" / "manifest.json").read_text())
    assert m["parameters"] == {"n": 2, "city": "The Hague"}
    assert main(["verify", str(out / "the-hague"), "-q"]) == 0
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
