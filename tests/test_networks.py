import pytest

import resilience_analytics as ra
from resilience_analytics.errors import ParameterError

pytestmark = pytest.mark.data


def _id(name, country=None):
    return ra.cities.resolve(name, country=country).city_id


def test_memberships_long_table():
    m = ra.networks.memberships()
    assert list(m.columns) == ["city_id", "network", "status", "year", "date", "name_in_source",
                               "country_in_source", "source"]
    assert set(m["network"]) == set(ra.networks.NETWORKS)
    assert m["city_id"].notna().all()
    assert not m.duplicated(["city_id", "network"]).any()
    assert m["source"].notna().all()


@pytest.mark.parametrize(
    "city, network, member",
    [
        ("Rotterdam", "100rc", True), ("Paris", "100rc", True), ("Kyiv", "100rc", False),
        ("The Hague", "100rc", True),  # from the seed document, missing in city_networks
        ("The Hague", "c40", False), ("Rotterdam", "c40", True), ("Manchester", "c40", False),
        ("Jakarta", "c40", True), ("Kyiv", "gcom", True), ("Milan", "gcom", True),
        ("Jakarta", "gcom", False),  # MyCovenant covers Europe and neighbours only
    ],
)
def test_focus_city_memberships(city, network, member):
    assert (_id(city) in set(ra.networks.memberships(network)["city_id"])) is member


def test_100rc_round_and_deselected():
    m = ra.networks.memberships("100rc")
    la = m[m["city_id"] == _id("Los Angeles")].iloc[0]
    assert la["year"] == 2013
    alameda = m[m["name_in_source"] == "Alameda"]
    if len(alameda):
        assert alameda["status"].iloc[0] == "deselected"
        assert int(alameda["city_id"].iloc[0]) not in ra.networks.members("100rc")


def test_homonyms_linked_by_region():
    m = ra.networks.memberships()
    portland = m[(m["network"] == "c40") & (m["name_in_source"] == "Portland")]
    assert ra.cities.resolve(int(portland["city_id"].iloc[0])).population > 600_000


def test_unmatched_are_reported_not_dropped():
    u = ra.networks.unmatched()
    assert {"network", "name_in_source", "reason"} <= set(u.columns)
    rc = ra.datasets.read("city_networks", "100rc_member_cities.csv")
    linked = ra.networks.memberships("100rc")
    from_source = linked[~linked["source"].str.contains("seeds", regex=False)]
    assert len(from_source) + (u["network"] == "100rc").sum() == len(rc)
    gc = ra.networks.gcom_signatories()
    assert len(gc) == 11973
    assert gc["city_id"].notna().sum() + (u["network"] == "gcom").sum() == len(gc)


def test_gcom_quirks_and_flags():
    gc = ra.networks.gcom_signatories()
    assert gc["latitude"].dtype == "float64"
    assert gc["latitude"].dropna().between(-90, 90).all()
    # decimal-comma coordinates are parsed, not lost
    raw = ra.datasets.read("gcom_mycovenant_signatories")
    comma = raw["organisation_latitude"].astype("string").str.contains(",", regex=False).fillna(False)
    assert comma.any()
    assert gc.loc[comma.to_numpy(), "latitude"].notna().all()
    hague = gc[gc["city_id"] == _id("The Hague")]
    assert str(hague["adhesion_date"].min().date()) == "2008-11-25"
    for col in ("commits_2020", "commits_2030", "commits_2050", "commits_adaptation"):
        assert gc[col].dtype == bool


def test_shared_networks_and_errors():
    assert "c40" in ra.networks.shared_networks(_id("Rotterdam"), _id("Paris"))
    assert ra.networks.shared_networks(_id("Kyiv"), _id("Jakarta")) == []
    with pytest.raises(ParameterError, match="100rc"):
        ra.networks.memberships("100RC-typo")
