import pandas as pd
import pytest

import resilience_analytics as ra
from resilience_analytics.errors import DataFileError


def test_themes_vocabulary():
    th = ra.exchanges.load_themes()
    assert th.index.is_unique
    assert {"cyber_security", "coastal_defence", "heat", "critical_infrastructure",
            "recovery_planning", "governance"} <= set(th.index)
    for ess in th["essential_list"]:
        assert all(1 <= e <= 10 for e in ess)


def test_exchange_log_from_seeds():
    log = ra.exchanges.load_exchanges()
    assert log.index.is_unique
    kyiv = log.loc["kyiv-paris-rcn"]
    assert ra.cities.resolve("Kyiv").city_id in kyiv["participant_city_ids"]
    assert kyiv["host_city_id"] == ra.cities.resolve("Paris").city_id
    assert "recovery_planning" in kyiv["themes"]
    assert log["source"].str.len().gt(10).all()
    hague = ra.exchanges.exchanges_of("The Hague")
    assert len(hague) == 2 and hague["date_start"].is_monotonic_increasing
    assert list(ra.exchanges.exchanges_of("Den Haag", end="2021-01-01").index) == ["wuf10-2020"]


def _write(tmp_path, **change):
    log = pd.read_csv(ra._tables.project_table_path("exchanges.csv"), dtype=str,
                      keep_default_na=False)
    for col, value in change.items():
        log.loc[0, col] = value
    path = tmp_path / "my_exchanges.csv"
    log.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    "change, match",
    [
        ({"themes": "governance;teleportation"}, "teleportation"),
        ({"participants": "The Hague;Atlantis City"}, "Atlantis City"),
        ({"date_start": "08/02/2020"}, "ISO dates"),
        ({"date_precision": "roughly"}, "roughly"),
    ],
)
def test_user_log_errors_name_row_and_value(tmp_path, change, match):
    path = _write(tmp_path, **change)
    before = path.read_bytes()
    with pytest.raises(DataFileError, match=match) as err:
        ra.exchanges.load_exchanges(path)
    assert "row 2" in str(err.value)
    assert path.read_bytes() == before


def test_user_log_missing_column(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("exchange_id,date_start\nx,2020-01-01\n")
    with pytest.raises(DataFileError, match="missing column"):
        ra.exchanges.load_exchanges(path)
