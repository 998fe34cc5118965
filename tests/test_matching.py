"""Tests of ra.matching: the needs/offers table compiled from the seeds, user additions, ranking."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from peer_examples import example_table

import resilience_analytics as ra
from resilience_analytics.errors import DataFileError, ParameterError

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


@pytest.fixture(scope="module")
def shipped():
    return ra.matching.load_needs_offers()


def _row(**kw):
    base = dict(entry_id="example-1", city="Example City 1", role="need", theme="flood_risk",
                description="fictional need", provider_type="city", date="2026",
                source="fictional example")
    base.update(kw)
    return base


def test_format_and_vocabulary(shipped):
    assert list(shipped.columns[:8]) == list(ra.matching.COLUMNS)
    assert shipped["entry_id"].is_unique
    assert set(shipped["role"]) == {"need", "offer"}
    assert set(shipped["theme"]) <= set(ra.exchanges.load_themes().index)
    assert set(shipped["provider_type"]) <= set(ra.matching.PROVIDER_TYPES)


def test_seed_facts(shipped):
    def rows(city, role):
        return set(shipped.loc[(shipped["city"] == city) & (shipped["role"] == role), "theme"])

    assert {"cyber_security", "coastal_defence"} <= rows("The Hague", "offer")
    assert "heat" in rows("The Hague", "need")
    assert {"governance", "critical_infrastructure", "recovery_planning"} <= rows("Kyiv", "need")
    jbp = shipped[shipped["description"].str.startswith("Japan Bosai Platform")]
    assert jbp[["role", "theme", "provider_type", "date"]].values.tolist() == [
        ["offer", "drr_solutions", "company", "2015-03-17"]]
    ihe = shipped[shipped["description"].str.startswith("UNESCO-IHE")]
    assert set(ihe["city"]) == {"Delft"} and "capacity_building" in set(ihe["theme"])
    assert (shipped["provider_type"] == "city").sum() >= 10


def test_every_source_names_an_existing_seed(shipped):
    names = {p.name for p in SEEDS.glob("*.txt")} if SEEDS.is_dir() else None
    for src in shipped["source"]:
        seed = src.rsplit("../shared/seeds/", 1)[-1].rstrip(")")
        assert seed.endswith(".txt"), src
        if names is not None:
            assert seed in names, src


def test_every_city_resolves(shipped):
    for city in set(shipped["city"]) - {""}:
        ra.cities.resolve(city)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"role": "wish"}, "role 'wish' is not one of"),
        ({"theme": "weather"}, "theme 'weather' is not a code"),
        ({"date": "23/11/2026"}, "date '23/11/2026' is not YYYY"),
        ({"source": " "}, "source is empty"),
        ({"provider_type": "ngo"}, "provider_type 'ngo' is not one of"),
        ({"city": "", "role": "offer"}, "an offer with provider_type .city. needs a city"),
    ],
)
def test_validation_errors(change, message):
    with pytest.raises(DataFileError, match=message):
        ra.matching.validate_needs_offers(pd.DataFrame([_row(**change)]))


def test_missing_column_and_duplicates():
    with pytest.raises(DataFileError, match="missing column"):
        ra.matching.validate_needs_offers(pd.DataFrame([_row()]).drop(columns="theme"))
    with pytest.raises(DataFileError, match="duplicated entry_id"):
        ra.matching.validate_needs_offers(pd.DataFrame([_row(), _row()]))


def test_add_entries_never_overwrites_the_shipped_table(shipped, tmp_path):
    path = Path(ra._tables.project_table_path("needs_offers.csv"))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    new = pd.DataFrame([_row(entry_id="example-offer", role="offer", city="",
                             provider_type="company",
                             description="Example Company: fictional flood sensors")])
    out = ra.matching.add_entries(new, save_to=tmp_path / "mine.csv")
    assert len(out) == len(shipped) + 1
    again = ra.matching.load_needs_offers(tmp_path / "mine.csv")
    assert again["entry_id"].tolist() == out["entry_id"].tolist()
    with pytest.raises(ParameterError, match="is the shipped table"):
        ra.matching.add_entries(new, save_to=path)
    with pytest.raises(DataFileError, match="reuse entry_id"):
        ra.matching.add_entries(pd.DataFrame([_row(entry_id=shipped["entry_id"].iloc[0])]))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_rank_offers_for_kyiv_by_theme(shipped):
    out = ra.matching.rank_offers("Kiev", hazard_weight=0)
    top = out[out["theme_fit"] == 1.0]
    assert {"governance", "recovery_planning"} <= set(top["need_theme"])
    gov = set(top.loc[top["need_theme"] == "governance", "provider"])
    assert {"The Hague", "Paris", "Rotterdam", "London", "Manchester"} <= gov
    assert out["score"].is_monotonic_decreasing
    assert (out["theme_fit"] >= 0.2).all()
    assert out.iloc[0]["reason"].startswith("same theme")


def test_own_offers_are_left_out():
    out = ra.matching.rank_offers("The Hague", hazard_weight=0, min_fit=0.1)
    assert "The Hague" not in set(out["provider"])
    assert out.iloc[0]["provider"] == "Red Cross Climate Centre"  # heat, same theme


def test_hazard_similarity_breaks_ties():
    t = example_table()
    t.loc[2, "tc_max_wind_kt"] = t.loc[1, "tc_max_wind_kt"]  # city 2: a hazard twin of city 1
    needs = pd.DataFrame([_row(entry_id="n1", city="Example City 1")])
    offers = pd.DataFrame([
        _row(entry_id="far", role="offer", city="Example City 3"),
        _row(entry_id="near", role="offer", city="Example City 2"),
        _row(entry_id="nobody", role="offer", city="", provider_type="network",
             description="Example Network: fictional training"),
    ])
    out = ra.matching.rank_offers("Example City 1", needs=needs, offers=offers, table=t,
                                  features=["fl_count", "eq_count_m6", "tc_max_wind_kt"])
    assert out["offer_id"].tolist()[0] == "near"
    assert out.set_index("offer_id").loc["near", "hazard_similarity"] == 1.0
    assert out.set_index("offer_id").loc["nobody", "hazard_similarity"] == 0.5
    assert "closer to Example City 1's than 100% of cities" in out.iloc[0]["reason"]
    assert "hazard similarity unknown" in out.set_index("offer_id").loc["nobody", "reason"]
    np.testing.assert_allclose(out["score"], out["theme_fit"] * (0.5 + 0.5 *
                                                                 out["hazard_similarity"]))


def test_self_assessment_style_needs():
    # extra columns (as ra.assessment adds) are kept; an empty city means the focal city
    needs = pd.DataFrame([_row(entry_id="gap-e8", city="", theme="critical_infrastructure",
                               essential=8, score_pct=25.0)])
    out = ra.matching.rank_offers("The Hague", needs=needs, hazard_weight=0, min_fit=0.1)
    assert set(out["need_id"]) == {"gap-e8"}
    assert len(out) >= 1


def test_rank_offers_errors():
    with pytest.raises(ParameterError, match="no need recorded for Tokyo"):
        ra.matching.rank_offers("Tokyo", hazard_weight=0)
    with pytest.raises(ParameterError, match="hazard_weight must be a number in"):
        ra.matching.rank_offers("Kyiv", hazard_weight=2)
    with pytest.raises(ParameterError, match="no offer fits"):
        ra.matching.rank_offers("Kyiv", hazard_weight=0, min_fit=1.0, offers=pd.DataFrame(
            [_row(entry_id="o", role="offer", theme="heat")]))


@pytest.mark.data
def test_rank_offers_on_real_hazards():
    pytest.importorskip("resilience_analytics.hazards")
    out = ra.matching.rank_offers("Kyiv")
    assert out["hazard_similarity"].between(0, 1).all()
    gov = out[(out["need_theme"] == "governance") & (out["provider_type"] == "city")]
    assert gov["hazard_similarity"].nunique() > 1  # the CRO cities differ in hazard likeness


@pytest.mark.data
def test_missing_empty_returns_an_explained_empty_table():
    r = ra.matching.rank_offers("Sapporo", hazard_weight=0, missing="empty")
    assert r.empty and "rank" in r.columns and "Sapporo" in r.attrs["note"]
    with pytest.raises(ParameterError, match="missing='maybe'"):
        ra.matching.rank_offers("Kyiv", hazard_weight=0, missing="maybe")
