import numpy as np
import pytest

import resilience_analytics as ra
from resilience_analytics.errors import DataFileError, ParameterError

pytestmark = pytest.mark.data


def test_inform_table_typed_and_complete():
    inf = ra.countries.inform()
    assert len(inf) == 191 and inf.index.is_unique and inf.index.name == "iso3"
    for col in ("risk", "hazard_exposure", "vulnerability", "lack_of_coping_capacity", "drr",
                "governance", "physical_infrastructure"):
        assert inf[col].dtype == "float64"
        assert inf[col].dropna().between(0, 10).all()
    # 'x' in the source is missing, not a string
    assert inf["drr"].isna().any()
    assert inf.loc["AFG", "in_highly_violent_conflict"]
    assert not inf.loc["NLD", "in_highly_violent_conflict"]


def test_inform_facts():
    inf = ra.countries.inform()
    assert inf.loc["AFG", "risk"] == 8.1
    assert inf.loc["SOM", "risk"] > inf.loc["NLD", "risk"]
    assert inf.loc["JPN", "earthquake"] > inf.loc["NLD", "earthquake"]


def test_world_risk_index_year_and_long():
    w = ra.countries.world_risk_index(2022)
    assert len(w) == 193
    assert w.loc["PHL", "index"] > w.loc["DEU", "index"]
    long = ra.countries.world_risk_index(None)
    assert long.index.names == ["iso3", "year"] and len(long) == 193 * 23
    with pytest.raises(ParameterError, match="2000–2022"):
        ra.countries.world_risk_index(1999)


def test_nd_gain_identity_and_errors():
    g = ra.countries.nd_gain(2020)
    assert len(g) == 192
    resid = g["gain"] - (g["readiness"] - g["vulnerability"] + 1) * 50
    assert resid.abs().max() < 1e-9
    assert g.loc["AND", ["gain", "vulnerability"]].isna().all()  # Andorra has no data
    with pytest.raises(ParameterError, match="vulnerability_food"):
        ra.countries.nd_gain(2020, variables=["vulnerability_fud"])
    with pytest.raises(ParameterError, match="1995"):
        ra.countries.nd_gain(1990)
    sectors = ra.countries.nd_gain(2020, variables=["vulnerability"] + [
        f"vulnerability_{s}" for s in ("food", "water", "health", "ecosystems", "habitat",
                                       "infrastructure")])
    mean6 = sectors.iloc[:, 2:].mean(axis=1, skipna=False)
    ok = mean6.notna()
    assert np.allclose(mean6[ok], sectors.loc[ok, "vulnerability"], atol=1e-9)


def test_country_context_columns_and_join():
    ctx = ra.countries.country_context()
    cols = ra.countries.country_context_columns()
    assert list(ctx.columns) == ["country_name", *cols["column"]]
    assert ctx.index.is_unique
    assert ctx.loc["NLD", "inform_risk"] == 1.5
    assert ctx.loc["UKR", "ndgain_readiness"] < ctx.loc["NLD", "ndgain_readiness"]
    assert set(cols["source"]) <= set(ra.datasets.names())


def _inform_after(monkeypatch, damage):
    """Call countries.inform() on an INFORM file changed by ``damage(df)``."""
    from resilience_analytics import countries, datasets

    real = datasets.read

    def broken(name, filename=None, **kw):
        df = real(name, filename, **kw)
        return damage(df) if name == "inform_risk_index_2023" else df

    monkeypatch.setattr(datasets, "read", broken)
    countries._inform.cache_clear()
    try:
        return countries.inform()
    finally:
        countries._inform.cache_clear()


def test_inform_missing_column_is_named(monkeypatch):
    with pytest.raises(DataFileError, match="VULNERABILITY"):
        _inform_after(monkeypatch, lambda df: df.drop(columns=["VULNERABILITY"]))


def test_inform_out_of_range_is_named(monkeypatch):
    def risk_12(df):
        df.loc[df["ISO3"] == "NLD", "INFORM RISK"] = 12.0
        return df

    with pytest.raises(DataFileError, match="risk"):
        _inform_after(monkeypatch, risk_12)
