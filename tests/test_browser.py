"""Open generated maps and report pages in headless Chromium (Debian's ``chromium``, Playwright).

Checks that Leaflet loaded, the expected markers and peer lines are on the map, a popup
opens on a real mouse click, data strings with markup stay text, and the console shows no
error. Maps are offline (inlined Leaflet, no tiles), so no request leaves the machine.
A report's index and notebook page are opened too: no console error, no request outside
``file://`` / ``data:``; their screenshots are saved under ``build/screenshots/`` (CI
artefacts). Outside CI the test is skipped when chromium or Playwright is missing; in CI
it fails.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

import resilience_analytics as ra

pytestmark = pytest.mark.browser

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
CITIES = ["The Hague", "Kyiv", "Rotterdam", "Jakarta", "Los Angeles"]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "build" / "screenshots"


def _unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"browser check cannot run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        _unavailable("Debian's chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install playwright)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


COUNT_JS = """() => {
  const maps = Object.keys(window)
    .filter(k => k.startsWith('map_') && window[k] instanceof L.Map).map(k => window[k]);
  if (maps.length !== 1) return {maps: maps.length};
  const map = maps[0];
  let circles = 0, lines = 0, shapes = 0, projected = 0;
  map.eachLayer(l => {
    if (l.options && l.options.interactive === false) return;  // the basemap
    if (l instanceof L.CircleMarker) { circles++; if (l._point) projected++; }
    else if (l instanceof L.Polygon) shapes++;
    else if (l instanceof L.Polyline) lines++;
  });
  const overlays = document.querySelectorAll('.leaflet-control-layers-overlays label').length;
  return {maps: 1, circles, lines, shapes, projected, overlays};
}"""

CLICK_POINT_JS = """([lat, lon]) => {
  const map = Object.keys(window).filter(k => k.startsWith('map_') && window[k] instanceof L.Map)
    .map(k => window[k])[0];
  map.closePopup();
  map.setView([lat, lon], map.getZoom(), {animate: false});  // away from the controls
  const p = map.latLngToContainerPoint([lat, lon]);
  const r = map.getContainer().getBoundingClientRect();
  return [r.left + p.x, r.top + p.y];
}"""


def open_map(browser, path):
    """Load a saved map; return (page, console errors)."""
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
    page.goto(path.as_uri())
    page.wait_for_function("typeof window.L !== 'undefined'", timeout=15_000)
    page.wait_for_load_state("load")
    return page, errors


def click_popup(page, lat, lon) -> str:
    x, y = page.evaluate(CLICK_POINT_JS, [lat, lon])
    page.wait_for_selector(".leaflet-popup", state="detached", timeout=5_000)  # old one gone
    page.wait_for_timeout(100)  # let the canvas follow the pan before clicking
    page.mouse.click(x, y)
    try:
        page.wait_for_selector(".leaflet-popup-content", state="visible", timeout=10_000)
    except Exception:
        page.screenshot(path=f"/tmp/ra-browser-fail-{lat:.2f}-{lon:.2f}.png")
        raise
    return page.inner_text(".leaflet-popup-content")


def test_markup_in_names_renders_as_text(browser, tmp_path):
    cities = pd.DataFrame({
        "name": ['<img src=x onerror="window.__xss=1">Example City',
                 "<script>window.__xss=2</script>Fictional Town", "Example Port"],
        "latitude": [10.0, -10.0, 30.0], "longitude": [20.0, -20.0, 40.0],
        "population": [100_000, 200_000, 300_000], "risk": [1.0, 2.0, 3.0],
        "network": ['<b onmouseover="window.__xss=3">net</b>', "c40", "c40"],
    })
    m = ra.maps.city_map(cities, color="risk", layers="network", k=2)
    peers = cities.iloc[[1]].assign(reason="<i>fictional</i> match")
    ra.maps.peer_map(cities.iloc[0], peers, m=m)
    page, errors = open_map(browser, ra.maps.save_map(m, tmp_path / "evil.html"))
    counts = page.evaluate(COUNT_JS)
    assert counts["circles"] == 5 and counts["lines"] == 1
    assert counts["overlays"] == 3
    # a marker of a lower layer still gets the click (all layers share one canvas)
    assert "Example Port" in click_popup(page, 30.0, 40.0)
    text = click_popup(page, 10.0, 20.0)
    assert '<img src=x onerror="window.__xss=1">Example City' in text
    assert page.evaluate("document.querySelectorAll('.leaflet-popup-content img').length") == 0
    assert page.evaluate("document.querySelectorAll('.leaflet-popup-content script').length") == 0
    layer_text = page.inner_text(".leaflet-control-layers-overlays")
    assert '<b onmouseover="window.__xss=3">net</b>' in layer_text
    assert page.evaluate("window.__xss") is None
    legend = " ".join(page.eval_on_selector_all(".ra-legend", "els => els.map(e => e.innerText)"))
    assert "risk" in legend and "focal city" in legend
    assert errors == []
    page.close()


def test_country_choropleth_renders(browser, tmp_path):
    values = pd.Series({"NLD": 1.0, "UKR": 2.0, "IDN": 3.0, "USA": 4.0},
                       name="fictional <score>")
    m = ra.maps.country_choropleth(values, k=2)
    page, errors = open_map(browser, ra.maps.save_map(m, tmp_path / "countries.html"))
    counts = page.evaluate(COUNT_JS)
    assert counts["shapes"] >= 170
    assert "fictional <score>" in page.inner_text(".ra-legend")
    text = click_popup(page, 39.0, -100.0)
    assert "(USA)" in text and "fictional <score>: 4" in text
    assert errors == []
    page.close()


@pytest.fixture(scope="module")
def peer_tables():
    return {c: ra.peers.similar(c, k=5) for c in CITIES}


@pytest.mark.data
@pytest.mark.parametrize("city", CITIES)
def test_city_peer_map_in_browser(browser, peer_tables, city, tmp_path):
    focal = ra.cities.resolve(city)
    peers = peer_tables[city]
    exposure = ra.hazards.exposure()
    table = exposure.loc[[focal.city_id, *peers.index]]
    m = ra.maps.city_map(table, color="fl_rate", k=3, layer_name=f"{city} and peers")
    ra.maps.peer_map(focal, peers, m=m)
    path = ra.maps.save_map(m, tmp_path / f"{city}.html")
    page, errors = open_map(browser, path)
    counts = page.evaluate(COUNT_JS)
    k = len(peers)
    assert counts["maps"] == 1
    assert counts["circles"] == 2 * (k + 1)  # city layer + peer layer (peers and focal)
    assert counts["projected"] == counts["circles"]
    assert counts["lines"] == k
    assert counts["overlays"] == 2
    # click the peer farthest from every other marker (nearby markers overlap at this zoom)
    pts = [(focal.latitude, focal.longitude), *zip(peers["latitude"], peers["longitude"],
                                                   strict=True)]
    def isolation(i):
        return min((pts[i][0] - q[0]) ** 2 + (pts[i][1] - q[1]) ** 2
                   for j, q in enumerate(pts) if j != i)
    best = max(range(1, len(pts)), key=isolation)
    target = peers.iloc[best - 1]
    text = click_popup(page, target["latitude"], target["longitude"])
    assert str(target["name"]) in text
    assert errors == []
    page.close()


def open_page(browser, path, *, width=1200, height=900):
    """Load a local page; return (page, console errors, URLs requested outside file/data)."""
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith(("file://", "data:", "about:", "blob:")) else None)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    return page, errors, outside


@pytest.fixture(scope="module")
def report_pages(tmp_path_factory):
    """A report folder built by ra.report.html from a fictional executed notebook."""
    sys.path.insert(0, str(Path(__file__).parent))
    import test_report_html

    folder = tmp_path_factory.mktemp("report")
    test_report_html.build(folder)
    return folder


@pytest.mark.parametrize("page_name", ["index.html", "99-example.html"])
def test_report_pages_offline_without_errors(browser, report_pages, page_name):
    page, errors, outside = open_page(browser, report_pages / page_name)
    assert errors == []
    assert outside == []
    if page_name == "99-example.html":
        # the map inside the notebook page drew (inlined Leaflet, no tiles)
        assert "secret_code_line" not in page.inner_text("body")
        assert "Fictional Town" in page.inner_text("body")
    assert "Data licences" in page.inner_text("body")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"report-{Path(page_name).stem}.png"), full_page=True)
    page.close()


@pytest.mark.data
def test_peer_map_labels_and_admin1_on_zoom(browser, tmp_path):
    focal = ra.cities.resolve("The Hague")
    peers = pd.DataFrame({"name": ["Rotterdam", "Kyiv"], "latitude": [51.92, 50.45],
                          "longitude": [4.48, 30.52], "country_iso3": ["NLD", "UKR"],
                          "rank": [1, 2]})
    path = ra.maps.save_map(ra.maps.peer_map(focal, peers), tmp_path / "peers.html")
    page, errors, outside = open_page(browser, path, height=700)
    page.wait_for_function("typeof window.L !== 'undefined'", timeout=15_000)
    labels = page.eval_on_selector_all(".ra-label", "els => els.map(e => e.innerText)")
    assert labels == ["1. Rotterdam", "2. Kyiv", "The Hague"]
    assert "focal city" in page.inner_text(".ra-legend")
    zoom_to = """(z) => { const m = Object.keys(window).filter(k => k.startsWith('map_'))
        .map(k => window[k]).filter(x => x instanceof L.Map)[0];
        m.setView([52.07, 4.3], z, {animate: false});
        let n = 0; m.eachLayer(l => { if (l instanceof L.Polygon) n++; }); return n; }"""
    shapes_far = page.evaluate(zoom_to, 3)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "peer-map.png"))
    shapes_near = page.evaluate(zoom_to, ra.maps.ADMIN1_MIN_ZOOM)
    assert shapes_near >= shapes_far + 12 + 24  # Dutch provinces and Ukrainian oblasts
    page.wait_for_timeout(200)
    page.screenshot(path=str(SCREENSHOTS / "peer-map-zoom.png"))
    assert errors == [] and outside == []
    page.close()
