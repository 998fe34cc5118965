"""Reader-facing report HTML (issue 17): code hidden, parameters shown once, nothing loaded
from another server, a licence footer. Built from a fictional executed notebook (no kernel)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

import resilience_analytics as ra
from resilience_analytics.report.html import export_html, index_html, licence_notes

#: Elements that make a browser fetch their src/href/data on load (text links <a> do not).
FETCHING = {"script", "link", "img", "iframe", "source", "video", "audio", "embed", "object",
            "track", "input"}
REMOTE = re.compile(r"^\s*(https?:|ftp:)?//", re.I)


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.remote: list[tuple[str, str, str]] = []
        self.css_urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self._in_style = tag == "style"
        if tag not in FETCHING:
            return
        for key, value in attrs:
            if key in ("src", "href", "data", "srcset", "poster") and value and REMOTE.match(
                    value):
                self.remote.append((tag, key, value[:120]))

    def handle_data(self, data):
        if self._in_style:
            self.css_urls += [u for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", data)
                              if REMOTE.match(u)]
            self.css_urls += re.findall(r"@import\s+['\"]?((?:https?:)?//[^'\";]+)", data)

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False


def remote_references(page: str) -> list:
    """Remote src/href of fetching elements and remote url()/@import in <style>."""
    p = _Refs()
    p.feed(page)
    return p.remote + [("style", "url", u) for u in p.css_urls]


def test_the_scanner_finds_remote_references():
    page = ('<script src="https://cdn.example/x.js"></script><link href="//cdn.example/y.css">'
            '<img src="http://example.org/a.png"><iframe src="data:text/html;base64,AA"></iframe>'
            '<a href="https://example.org">a text link is fine</a>'
            "<style>@import 'https://fonts.example/f.css'; b{background:url(//x/y.png)}</style>")
    found = remote_references(page)
    assert {(t, k) for t, k, _ in found} == {("script", "src"), ("link", "href"),
                                              ("img", "src"), ("style", "url")}
    assert len(found) == 5


def fictional_report(folder: Path) -> Path:
    """An executed-looking notebook with parameters, code, a figure, a map and a table."""
    import base64
    import io

    row = pd.Series({"name": "Example City", "eq_level": "medium", "eq_pga_475yr_g": 0.12,
                     "eq_pga_2475yr_g": 0.3, "tc_level": "low", "tc_wind_100yr_kt": 60.0,
                     "tc_wind_max_kt": 70.0, "tc_storms_34kt": 12, "fl_level": "high",
                     "fl_rate": 0.2})
    buf = io.BytesIO()
    ra.figures.hazard_card(row).savefig(buf, format="png", dpi=80)
    png = base64.b64encode(buf.getvalue()).decode()
    focal = {"name": "Example City <b>", "latitude": 52.0, "longitude": 4.3}
    peers = pd.DataFrame({"name": ["Fictional Port"], "latitude": [51.0], "longitude": [3.0],
                          "rank": [1]})
    map_page = ra.maps.peer_map(focal, peers)._repr_html_()  # as a notebook stores it
    cells = [
        new_markdown_cell("# 99 · Example report\n\nA fictional page; math $x^2$ stays text."),
        new_code_cell('city = "Example City"\nk = 5', metadata={"tags": ["parameters"]}),
        new_code_cell('city = "Fictional Town"\nk = 7',
                      metadata={"tags": ["injected-parameters"]}),
        new_code_cell("secret_code_line = 1 + 1\nprint(secret_code_line)", outputs=[
            new_output("stream", name="stdout", text="2\n")]),
        new_code_cell("fig", outputs=[new_output("display_data", data={"image/png": png,
                                                                       "text/plain": "<Figure>"})]),
        new_code_cell("m", outputs=[new_output("display_data", data={
            "text/html": map_page, "text/plain": "<folium.Map>"})]),
    ]
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3",
                                                            "display_name": "Python 3",
                                                            "language": "python"}})
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / "99-example.ipynb")
    (folder / "99-example").mkdir(exist_ok=True)
    (folder / "99-example" / "manifest.json").write_text(json.dumps({
        "data_files": [{"dataset": "gvp_holocene_volcanoes", "filename": "x"}],
        "tables": {"99-example/tables/t.csv": {"columns": ["name", "fl_rate"]}}}))
    return folder


def build(folder: Path) -> dict[str, str]:
    fictional_report(folder)
    titles = export_html(folder, ["99-example"])
    manifest = {"parameters": {"city": "Fictional Town"}, "library": {"version": "x"},
                "data_files": [], "tables": {"99-example/tables/t.csv": {"columns": ["fl_rate"]}}}
    entries = [{"name": "99-example", "title": titles["99-example"], "tables": [],
                "figures": []}]
    (folder / "index.html").write_text(index_html("Report <Example>", entries, manifest))
    return {p.name: p.read_text("utf-8") for p in folder.glob("*.html")}


def test_generated_pages_load_nothing_from_other_servers(tmp_path):
    pages = build(tmp_path)
    assert set(pages) == {"99-example.html", "index.html"}
    for name, page in pages.items():
        assert remote_references(page) == [], name
    nb_page = pages["99-example.html"]
    assert "require.min.js" not in nb_page and "mathjax" not in nb_page.lower()
    assert "Example City <b>" not in nb_page  # the map's data string stays escaped


def test_code_is_hidden_and_parameters_are_shown_once(tmp_path):
    page = build(tmp_path)["99-example.html"]
    text = re.sub(r"<[^>]+>", " ", page)
    assert "secret_code_line" not in text  # code hidden ...
    assert re.search(r"\b2\b", text)  # ... its output shown
    assert text.count("Fictional Town") == 1  # injected parameters, once
    assert 'city = "Example City"' not in text and "&quot;Example City&quot;" not in page
    assert not re.search(r"(In|Out)&nbsp;\[", page)  # no execution prompts


def test_footer_names_the_licence_restrictions(tmp_path):
    pages = build(tmp_path)
    for page in pages.values():
        assert "Data licences" in page
        assert "dfo_flood_polygons_1985_2019: no-redistribution" in page
        items = re.findall(r"<li>(.*?)</li>", page.split("Data licences")[1], re.S)
        assert all(re.match(r"[a-z0-9_]+: ", i) for i in items), items  # one per data set
    assert licence_notes({"data_files": [{"dataset": "not-registered"}]}) == []
    berkeley = licence_notes({"data_files": [{"dataset": "berkeley_earth_major_cities"}]})
    assert len(berkeley) == 1 and "non-commercial" in berkeley[0]
