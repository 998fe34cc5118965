"""Benchmark ra.maps.city_map on the gazetteer: build, render, HTML size, browser load/zoom.

Compares the library's single-JSON-array canvas layer with one folium ``CircleMarker``
(+ popup) per city, the naive way. Browser numbers need Debian's chromium.

    RESILIENCE_DATA_DIR=../shared/data .venv/bin/python benchmarks/bench_maps.py
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd

import resilience_analytics as ra

SIZES = (1_000, 10_000, 34_006)
NAIVE_MAX = 5_000  # the per-object folium map gets too slow beyond this


def naive_map(table: pd.DataFrame):
    import folium

    m = folium.Map(tiles=None, prefer_canvas=True)
    for row in table.itertuples():
        folium.CircleMarker([row.latitude, row.longitude], radius=4,
                            popup=folium.Popup(str(row.name)),
                            tooltip=str(row.name)).add_to(m)
    return m


def browser_times(path: Path) -> tuple[float, float] | None:
    chromium = shutil.which("chromium")
    if chromium is None:
        return None
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox",
                                                                "--disable-gpu"])
        page = b.new_page(viewport={"width": 1200, "height": 800})
        t0 = time.perf_counter()
        page.goto(path.as_uri(), timeout=300_000)
        page.wait_for_function("typeof window.L !== 'undefined'")
        page.wait_for_load_state("load")
        load = time.perf_counter() - t0
        zoom = page.evaluate("""() => new Promise(done => {
            const map = Object.keys(window).filter(k => k.startsWith('map_')
                && window[k] instanceof L.Map).map(k => window[k])[0];
            const t = performance.now();
            map.setZoom(map.getZoom() + 1, {animate: false});
            requestAnimationFrame(() => requestAnimationFrame(
                () => done((performance.now() - t) / 1000)));
        })""")
        b.close()
    return load, zoom


def main() -> None:
    cities = pd.DataFrame(ra.cities.load_cities().drop(columns="geometry"))
    cities = cities.sort_values("population", ascending=False, kind="mergesort")
    out = Path(tempfile.mkdtemp(prefix="bench_maps_"))
    print(f"machine: {os.cpu_count()} cores; output in {out}")
    print(f"{'cities':>7} {'method':>8} {'build s':>8} {'render s':>9} {'HTML MB':>8} "
          f"{'load s':>7} {'zoom s':>7}")
    for n in SIZES:
        t = cities.head(n)
        for method in ("ra", "naive"):
            if method == "naive" and n > NAIVE_MAX:
                continue
            t0 = time.perf_counter()
            m = ra.maps.city_map(t) if method == "ra" else naive_map(t)
            build = time.perf_counter() - t0
            t0 = time.perf_counter()
            path = ra.maps.save_map(m, out / f"{method}_{n}.html") if method == "ra" else None
            if method == "naive":
                html = m.get_root().render()
                path = out / f"{method}_{n}.html"
                path.write_text(html, encoding="utf-8")
            render = time.perf_counter() - t0
            size = path.stat().st_size / 1e6
            bt = browser_times(path) if method == "ra" else None
            load, zoom = (f"{bt[0]:7.2f}", f"{bt[1]:7.3f}") if bt else ("    n/a", "    n/a")
            print(f"{n:>7} {method:>8} {build:8.2f} {render:9.2f} {size:8.2f} {load} {zoom}")
    n = min(NAIVE_MAX, 5_000)
    t = cities.head(n)
    t0 = time.perf_counter()
    ra.maps.map_html(ra.maps.city_map(t))
    fast = time.perf_counter() - t0
    t0 = time.perf_counter()
    naive_map(t).get_root().render()
    slow = time.perf_counter() - t0
    print(f"build+render of {n} cities: ra {fast:.2f} s, one folium object per city "
          f"{slow:.2f} s, ratio {slow / fast:.1f}x")


if __name__ == "__main__":
    main()
