"""Tests of ra.connections: the membership/exchange graph and the chain linking two cities."""

from __future__ import annotations

import pandas as pd
import pytest

import resilience_analytics as ra
from resilience_analytics.errors import ParameterError, UnknownCityError


def _id(name):
    return ra.cities.resolve(name).city_id


@pytest.fixture(scope="module")
def small_graph():
    m = pd.DataFrame({
        "city_id": [_id("Rotterdam"), _id("Paris"), _id("Nairobi"), _id("Alameda")],
        "network": ["100rc", "100rc", "100rc", "100rc"],
        "status": ["member", "member", "member", "deselected"],
        "year": [2013, 2014, 2016, 2013],
    })
    ex = pd.DataFrame({
        "exchange_id": ["ex-example"], "participants": ["Kyiv;The Hague;Rotterdam"],
        "host_city": ["Paris"], "network": ["rcn"], "date_start": ["2023-01-01"],
        "type": ["city-to-city exchange"],
    })
    return ra.connections.graph(memberships=m, exchanges=ex)


def test_graph_structure(small_graph):
    G = small_graph
    kinds = pd.Series(dict(G.nodes(data="kind"))).value_counts()
    assert kinds["network"] == 2 and kinds["exchange"] == 1
    assert f"city:{_id('Alameda')}" not in G  # deselected: no membership edge
    assert G.edges[f"city:{_id('Paris')}", "exchange:ex-example"]["relation"] == "hosted"
    assert G.edges[f"city:{_id('Kyiv')}", "exchange:ex-example"]["relation"] == "took part"
    assert G.edges["exchange:ex-example", "network:rcn"]["relation"] == "organised by"
    assert G.nodes["exchange:ex-example"]["label"] == "city-to-city exchange in Paris (2023-01-01)"


def test_path_prefers_a_shared_exchange(small_graph):
    # Rotterdam reaches Paris through 100RC (weight 4) or through the exchange (weight 2)
    p = ra.connections.path("Rotterdam", "Paris", G=small_graph)
    assert p["node"].tolist() == [f"city:{_id('Rotterdam')}", "exchange:ex-example",
                                  f"city:{_id('Paris')}"]
    p = ra.connections.path("Nairobi", "Kiev", G=small_graph)
    assert p["kind"].tolist() == ["city", "network", "city", "exchange", "city"]
    assert p["label"].iloc[0] == "Nairobi" and p["label"].iloc[-1] == "Kyiv"
    assert p["detail"].iloc[1] == "2016"


def test_path_errors(small_graph):
    with pytest.raises(ParameterError, match="Tokyo .* has no recorded network membership"):
        ra.connections.path("Tokyo", "Kyiv", G=small_graph)
    with pytest.raises(UnknownCityError):
        ra.connections.path("Atlantis-on-Sea", "Kyiv", G=small_graph)
    G = small_graph.copy()
    G.add_node(f"city:{_id('Tokyo')}", kind="city", label="Tokyo")
    with pytest.raises(ParameterError, match="no chain of networks or exchanges links"):
        ra.connections.path("Tokyo", "Kyiv", G=G)


def test_exchange_participation():
    ex = pd.DataFrame({"exchange_id": ["a", "b"], "participant_city_ids": [[1, 2], [2]],
                       "host_city_id": [3, pd.NA]})
    assert ra.connections.exchange_participation(ex) == {1: {"a"}, 2: {"a", "b"}, 3: {"a"}}


@pytest.mark.data
def test_the_hague_reaches_kyiv_through_the_paris_exchange():
    G = ra.connections.graph(memberships=pd.DataFrame(), exchanges=ra.exchanges.load_exchanges())
    p = ra.connections.path("The Hague", "Kyiv", G=G)
    assert p["node"].tolist() == [f"city:{_id('The Hague')}", "exchange:kyiv-paris-rcn",
                                  f"city:{_id('Kyiv')}"]
    assert "Paris" in p["label"].iloc[1]
    assert ra.connections.exchange_participation()[_id("The Hague")] == {"kyiv-paris-rcn",
                                                                         "wuf10-2020"}


@pytest.mark.data
@pytest.mark.slow
def test_default_graph_links_100rc_cities_to_kyiv():
    G = ra.connections.graph()
    assert G.number_of_nodes() > 1000  # GCoM signatories, C40, 100RC, RCN
    p = ra.connections.path("Nairobi", "Kyiv", G=G)
    assert "network:100rc" in p["node"].tolist() or "network:rcn" in p["node"].tolist()
    assert p["node"].iloc[-1] == f"city:{_id('Kyiv')}"


@pytest.mark.data
def test_path_missing_empty_for_a_city_outside_the_graph():
    p = ra.connections.path("Sapporo", "Kyiv", missing="empty")
    assert p.empty and list(p.columns)[:3] == ["step", "node", "kind"]
    assert "no recorded network membership" in p.attrs["note"]
