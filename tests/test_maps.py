"""Tests of ra.maps: escaping, determinism, classes, errors, real data."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import resilience_analytics as ra
from resilience_analytics.errors import ParameterError

EVIL = 'Example City <script>alert("x")</script> & \'quoted\''


def fictional_cities() -> pd.DataFrame:
    """Three fictional cities (invented coordinates and values)."""
    return pd.DataFrame(
        {
            "name": [EVIL, "Fictional Town", "Example Harbour"],
            "country_iso3": ["NLD", "UKR", "IDN"],
            "latitude": [52.0, 50.4, -6.2],
            "longitude": [4.3, 30.5, 106.8],
            "population": [100_000, 400_000, 1_600_000],
            "risk": [0.1, 0.5, np.nan],
            "network": ["c40", "100rc", "c40"],
        }
    )


def _items(html: str) -> list[list[dict]]:
    """Decode the JSON item arrays of every data layer except the country outlines."""
    layers = [json.loads(s) for s in re.findall(r"var items = (\[.*?\]);\n", html)]
    return [x for x in layers if any("h" in it for it in x)]


@pytest.mark.data
def test_base_map_draws_natural_earth_underneath():
    html = ra.maps.map_html(ra.maps.city_map(fictional_cities()))
    layers = [json.loads(s) for s in re.findall(r"var items = (\[.*?\]);\n", html)]
    assert len(layers) == 4  # countries, coastline, admin-1 (on zoom), cities
    countries, coast = layers[0], layers[1]
    assert all(it["t"] == "c" for it in layers[3])
    assert len(countries) == 241 and all(it["t"] == "q" and "h" not in it for it in countries)
    assert {it["k"] for it in countries} <= {"P", "M"}
    assert {it["k"] for it in coast} <= {"L", "N"} and len(coast) > 200
    assert '"Countries"' not in html and '"Coastline"' not in html  # not in the layer control
    assert "pyogrio" not in html


@pytest.mark.data
def test_basemap_is_small_and_admin1_appears_on_zoom():
    html = ra.maps.map_html(ra.maps.base_map())
    assert len(html.encode()) < 650_000  # Leaflet 166 kB + simplified basemap
    focal = {"name": "Example City", "latitude": 52.0, "longitude": 4.3, "country_iso3": "NLD"}
    peers = pd.DataFrame({"name": ["Fictional Town"], "latitude": [50.4], "longitude": [30.5],
                          "country_iso3": ["UKR"]})
    html = ra.maps.map_html(ra.maps.peer_map(focal, peers))
    z = ra.maps.ADMIN1_MIN_ZOOM
    assert f"{z}, null);" in html and f"null, {z});" in html and 'map.on("zoomend"' in html
    layers = [json.loads(s) for s in re.findall(r"var items = (\[.*?\]);\n", html)]
    admin1 = layers[2]
    assert 12 + 24 <= len(admin1) <= 12 + 27 + 5  # Dutch provinces + Ukrainian oblasts


def test_quantized_geometry_round_trips():
    from shapely.geometry import MultiLineString, Polygon

    from resilience_analytics.maps import _quantize

    poly = Polygon([(4.3, 52.07), (4.5, 52.07), (4.5, 52.2), (4.3, 52.07)])
    q = _quantize(poly, 2)
    assert q["k"] == "P" and q["m"] == 100
    ring = q["q"][0]
    xs, ys = np.cumsum(ring[0::2]) / 100, np.cumsum(ring[1::2]) / 100
    assert list(zip(xs, ys, strict=True)) == [(4.3, 52.07), (4.5, 52.07), (4.5, 52.2),
                                              (4.3, 52.07)]
    assert _quantize(MultiLineString([[(0, 0), (0.001, 0), (1, 1)]]), 2)["q"] == [[0, 0, 100, 100]]
    with pytest.raises(ParameterError, match="Point"):
        from shapely.geometry import Point

        _quantize(Point(0, 0), 2)


def test_city_map_escapes_every_data_string():
    html = ra.maps.map_html(ra.maps.city_map(fictional_cities(), color="risk",
                                             layers="network", k=2))
    assert "<script>alert" not in html
    assert 'alert("x")' not in html
    items = [it for layer in _items(html) for it in layer]
    evil = [it for it in items if "alert" in it["tt"]]
    assert len(evil) == 1
    assert evil[0]["tt"] == (
        "Example City &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27;"
    )
    assert "<script>" not in evil[0]["h"] and "&lt;script&gt;" in evil[0]["h"]


def test_layer_and_legend_names_are_escaped():
    t = fictional_cities()
    t["network"] = ["<b>net</b>", "c40", "c40"]
    t = t.rename(columns={"risk": "<i>risk</i>"})
    html = ra.maps.map_html(ra.maps.city_map(t, color="<i>risk</i>", layers="network"))
    assert '"\\u0026lt;b\\u0026gt;net\\u0026lt;/b\\u0026gt;"' in html  # layer-control key
    assert "<i>risk" not in html and "\\u0026lt;i\\u0026gt;risk" in html


def test_one_layer_per_network_and_marker_count():
    html = ra.maps.map_html(ra.maps.city_map(fictional_cities(), layers="network",
                                             layer_names={"c40": "C40 Cities"}))
    layers = _items(html)
    assert sorted(len(x) for x in layers) == [1, 2]
    assert '"C40 Cities" : data_layer_' in html and '"100rc" : data_layer_' in html
    assert html.count("L.control.layers(") == 1


def test_marker_size_grows_with_population_and_missing_colour_is_grey():
    html = ra.maps.map_html(ra.maps.city_map(fictional_cities(), color="risk", k=2))
    (items,) = _items(html)
    radii = [it["r"] for it in items]
    assert radii == sorted(radii) and radii[0] < radii[-1]
    assert items[2]["c"] == ra.maps.NO_DATA_COLOR
    assert items[0]["c"] != items[1]["c"]


def test_same_inputs_give_identical_html_in_another_process():
    code = (
        "import sys, pandas as pd, numpy as np; sys.path.insert(0, 'tests');"
        "import test_maps as t, resilience_analytics as ra;"
        "m = ra.maps.city_map(t.fictional_cities(), color='risk', layers='network');"
        "ra.maps.peer_map(t.FOCAL, t.fictional_peers(), m=m);"
        "sys.stdout.write(ra.maps.map_html(m))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ra.settings.Path(__file__).parents[1]).stdout
    m = ra.maps.city_map(fictional_cities(), color="risk", layers="network")
    ra.maps.peer_map(FOCAL, fictional_peers(), m=m)
    first = ra.maps.map_html(m)
    assert first == out
    assert ra.maps.map_html(m) == first  # rendering twice changes nothing
    assert m._repr_html_() == ra.maps.stabilize_ids(m)._repr_html_()


def test_stabilize_ids_keeps_ids_unique_and_references_valid():
    import folium

    m = folium.Map(tiles=None)
    folium.FeatureGroup(name="a").add_to(m)
    folium.FeatureGroup(name="b").add_to(m)
    folium.LayerControl().add_to(m)
    m.get_root().render()  # leaves render-time artefacts with random names
    html = ra.maps.map_html(m)
    declared = re.findall(r"var (feature_group_[0-9a-f]{32}) =", html)
    assert len(set(declared)) == 2
    used = set(re.findall(r"feature_group_[0-9a-f]{32}", html))
    assert used == set(declared)


def test_existing_map_is_extended():
    m = ra.maps.base_map()
    out = ra.maps.city_map(fictional_cities(), m=m)
    assert out is m
    ra.maps.country_choropleth(pd.Series({"NLD": 1.0, "UKR": 2.0}, name="x"), m=m)
    html = ra.maps.map_html(m)
    assert len(_items(html)) == 2
    assert html.count("L.control.layers(") == 1
    # the layer control comes after every layer it names
    assert html.rindex("var data_layer_") < html.index("L.control.layers(")


def test_offline_assets_no_external_links():
    html = ra.maps.map_html(ra.maps.city_map(fictional_cities()))
    assert "Leaflet 1.9.4" in html
    assert not re.search(r"""<(script|link)[^>]*(src|href)=["']https?://""", html)
    assert "url(images/" not in html


FOCAL = {"name": "Example City", "latitude": 52.0, "longitude": 4.3, "country_iso3": "NLD"}


def fictional_peers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": ["Fictional Town", '"Quoted" <Harbour>'],
            "latitude": [50.4, -6.2],
            "longitude": [30.5, 106.8],
            "rank": [1, 2],
            "reason": ["both sit on a river delta", "<img src=x onerror=alert(1)>"],
        }
    )


def test_peer_map_lines_and_explanations():
    html = ra.maps.map_html(ra.maps.peer_map(FOCAL, fictional_peers()))
    (items,) = _items(html)
    lines = [it for it in items if it["t"] == "l"]
    circles = [it for it in items if it["t"] == "c"]
    assert len(lines) == 2 and len(circles) == 3
    assert all(line["p"][0] == [52.0, 4.3] for line in lines)
    assert "both sit on a river delta" in lines[0]["h"]
    assert "<img" not in lines[1]["h"] and "&lt;img src=x" in lines[1]["h"]
    assert "Peers of Example City" in html


def test_peer_map_labels_and_legend_are_escaped():
    focal = {"name": "Example <City>", "latitude": 52.0, "longitude": 4.3}
    peers = pd.DataFrame({"name": ['<img src=x onerror="alert(1)">Town', "Example Port"],
                          "latitude": [51.9, 50.0], "longitude": [4.5, 3.0], "rank": [1, 2]})
    html = ra.maps.map_html(ra.maps.peer_map(focal, peers))
    items = [it for layer in _items(html) for it in layer]
    labels = [it["lb"] for it in items if "lb" in it]
    assert labels == ["1. &lt;img src=x onerror=&quot;alert(1)&quot;&gt;Town", "2. Example Port",
                      "<b>Example &lt;City&gt;</b>"]
    assert "<img src=x" not in html and "permanent: true" in html
    legend = re.search(r'div.innerHTML = (".*?");\n', html).group(1)
    assert "Peers of Example &lt;City&gt;" in json.loads(legend)
    assert "focal city" in legend and "peer city" in legend and "Natural Earth" in legend
    html = ra.maps.map_html(ra.maps.peer_map(focal, peers, labels=False, legend=False))
    assert '"lb"' not in html and "ra-legend" not in html


def test_bad_input_errors_name_accepted_values():
    t = fictional_cities()
    with pytest.raises(ParameterError, match="quantiles"):
        ra.maps.city_map(t, color="risk", scheme="jenks-ish")
    with pytest.raises(ParameterError, match=r"'risk'.*numeric columns.*population"):
        ra.maps.city_map(t.drop(columns="risk"), color="risk")
    with pytest.raises(ParameterError, match="empty"):
        ra.maps.city_map(t.iloc[:0])
    with pytest.raises(ParameterError, match="latitude"):
        ra.maps.city_map(t.drop(columns="latitude"))
    with pytest.raises(ParameterError, match="colormap"):
        ra.maps.city_map(t, color="risk", cmap="no-such-map")
    with pytest.raises(ParameterError, match="empty"):
        ra.maps.peer_map(FOCAL, fictional_peers().iloc[:0])
    with pytest.raises(ParameterError, match="ISO3"):
        ra.maps.country_choropleth(pd.Series({"Netherlands": 1.0}))
    with pytest.raises(ParameterError, match="empty"):
        ra.maps.country_choropleth(pd.Series({"NLD": np.nan}))
    with pytest.raises(ParameterError, match="inline"):
        ra.maps.base_map(assets="offline")


def test_classify_schemes():
    x = np.arange(100, dtype=float)
    bins, classes = ra.maps.classify(x, scheme="quantiles", k=4)
    assert np.bincount(classes).tolist() == [25, 25, 25, 25]
    bins, classes = ra.maps.classify(x, scheme="equal_interval", k=5)
    assert bins[-1] == 99.0 and len(bins) == 5
    bins, classes = ra.maps.classify([1.0, np.nan, 1.0], k=5)
    assert classes.tolist() == [0, -1, 0]
    with pytest.raises(ParameterError, match="k must be"):
        ra.maps.classify(x, k=0)


@pytest.mark.data
def test_natural_earth_countries():
    world = ra.maps.natural_earth_countries()
    assert len(world) == 241
    assert {"NLD", "UKR", "IDN", "USA", "FRA", "NOR"} <= set(world["iso3"].dropna())
    assert world.crs.to_epsg() == 4326
    assert "public domain" in world.attrs["source"]


@pytest.mark.data
def test_country_choropleth_names_escaped_and_classes():
    values = pd.DataFrame(
        {"country_name": ["<b>Netherlands</b>", "Ukraine", "Indonesia"],
         "score": [2.0, 4.0, 6.0]},
        index=["NLD", "UKR", "IDN"],
    )
    html = ra.maps.map_html(ra.maps.country_choropleth(values, column="score", k=3))
    (items,) = _items(html)
    assert len(items) >= 170  # every Natural Earth country with an ISO3 code
    nld = [it for it in items if "(NLD)" in it["h"]]
    assert len(nld) == 1 and "&lt;b&gt;Netherlands" in nld[0]["h"]
    grey = [it for it in items if it["c"] == ra.maps.NO_DATA_COLOR]
    assert len(grey) == len(items) - 3


@pytest.mark.data
def test_country_choropleth_real_inform():
    context = ra.countries.country_context()
    html = ra.maps.map_html(ra.maps.country_choropleth(context, column="inform_risk",
                                                       title="INFORM Risk 2023"))
    (items,) = _items(html)
    coloured = [it for it in items if it["c"] != ra.maps.NO_DATA_COLOR]
    assert len(coloured) > 150  # INFORM covers 191 countries; NE 1:50m has 241 shapes
    nld = next(it for it in items if "(NLD)" in it["h"])
    assert "Netherlands" in nld["h"]


@pytest.mark.data
def test_peer_map_from_ra_peers():
    peers = ra.peers.similar("Kyiv", k=4)
    html = ra.maps.map_html(ra.maps.peer_map("Kyiv", peers))
    (items,) = _items(html)
    lines = [it for it in items if it["t"] == "l"]
    assert len(lines) == 4
    kyiv = ra.cities.resolve("Kyiv")
    assert lines[0]["p"][0] == [round(kyiv.latitude, 5), round(kyiv.longitude, 5)]
    assert all("alike on" in line["h"] or "contact" in line["h"] for line in lines)


@pytest.mark.data
def test_city_map_whole_gazetteer():
    cities = ra.cities.load_cities()
    m = ra.maps.city_map(pd.DataFrame(cities.drop(columns="geometry")))
    html = ra.maps.map_html(m)
    (items,) = _items(html)
    assert len(items) == len(cities) == 34006
    assert len(html) < 20_000_000


def test_template_syntax_in_data_is_not_evaluated():
    t = fictional_cities()
    t.loc[0, "name"] = "{{ 7*191 }} City {% if 1 %}x{% endif %}"
    html = ra.maps.map_html(ra.maps.city_map(t, layer_name="{{ 6*7 }} layer"))
    assert "1337 City" not in html and "42 layer" not in html
    assert "7*191" in html and "6*7" in html


@pytest.mark.data
def test_one_layer_per_real_network():
    exposure = ra.hazards.exposure()
    members = ra.networks.memberships()
    members = members[members["network"].isin(["100rc", "c40"])]
    table = members.join(exposure, on="city_id")
    m = ra.maps.city_map(table, color="fl_rate", layers="network",
                         layer_names=ra.networks.NETWORKS)
    html = ra.maps.map_html(m)
    layers = _items(html)
    assert sorted(len(x) for x in layers) == sorted(
        members["network"].value_counts().tolist())
    assert "C40 Cities Climate Leadership Group" in html


def test_save_map_atomic_and_readable(tmp_path):
    import os
    import stat

    path = ra.maps.save_map(ra.maps.city_map(fictional_cities()), tmp_path / "sub" / "m.html")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in path.parent.iterdir()] == ["m.html"]  # no temp file left
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_data_json_cannot_close_the_script_element():
    t = pd.DataFrame({"name": ["</script><script>window.x='1'&&1</script>"], "latitude": [1.0],
                      "longitude": [2.0], "population": [10]})
    html = ra.maps.map_html(ra.maps.city_map(t, m=ra.maps.base_map(countries=False)))
    assert "</script><script>window.x" not in html
    (items,) = _items(html)
    assert items[0]["tt"] == ("&lt;/script&gt;&lt;script&gt;window.x=&#x27;1&#x27;&amp;&amp;1"
                              "&lt;/script&gt;")
    assert "\\u003c" in html or "&lt;" in html
