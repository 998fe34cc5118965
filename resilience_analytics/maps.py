"""Interactive maps: cities coloured by an indicator, peer lines, country choropleths.

Every function takes a DataFrame and returns a :class:`folium.Map` (folium is imported
inside the functions). Maps are built so that they

* work offline: Leaflet 1.9.4 (BSD-2, shipped by the ``django-js-lib-leaflet`` wheel) is
  inlined into the page and no tile layer is added unless ``tiles=`` is given;
* stay fluid with all 34,006 gazetteer cities: markers are drawn from one compact JSON
  array on a canvas renderer (``prefer_canvas``), not as one folium object per city;
* escape every data-derived string (names, popups, tooltips, legend, layer names) with
  :func:`html.escape`, so that a city called ``<script>`` shows as text;
* are deterministic: :func:`stabilize_ids` replaces branca's random element ids (drawn
  from ``os.urandom`` in ``Element.__init__``) by ids numbered in tree order, so the same
  inputs give byte-identical HTML in every run and process. Every function here calls it
  before returning, and :func:`save_map` / :func:`map_html` call it before rendering; no
  global state of branca or folium is patched.

The basemap is Natural Earth (public domain, https://www.naturalearthdata.com), read from
the registered ``natural_earth_vectors`` data set: 1:50m countries and the 1:10m coastline,
simplified (Douglas–Peucker, :data:`BASEMAP_TOLERANCE_DEG`) so that a map stays small, and
1:10m admin-1 boundaries of the countries on the map, drawn from zoom level
:data:`ADMIN1_MIN_ZOOM` on. Without that data set, maps are drawn without a basemap (a
warning says so).

Examples
--------
>>> import pandas as pd
>>> import resilience_analytics as ra
>>> cities = pd.DataFrame({"name": ["Example City", "Fictional Town"],
...                        "latitude": [52.1, 50.4], "longitude": [4.3, 30.5],
...                        "population": [500_000, 2_000_000], "risk": [0.2, 0.7]})
>>> m = ra.maps.city_map(cities, color="risk", k=2)
>>> "Example City" in ra.maps.map_html(m)
True
"""

from __future__ import annotations

import functools
import hashlib
import html
import math
import os
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import DataNotFoundError, ParameterError

if TYPE_CHECKING:  # pragma: no cover
    import folium
    import geopandas as gpd
    import pandas as pd

__all__ = [
    "ADMIN1_MIN_ZOOM",
    "BASEMAP_TOLERANCE_DEG",
    "SCHEMES",
    "base_map",
    "city_map",
    "classify",
    "country_choropleth",
    "map_html",
    "natural_earth_countries",
    "peer_map",
    "save_map",
    "stabilize_ids",
]

#: Classification schemes accepted by ``scheme=`` → mapclassify class name.
SCHEMES: dict[str, str] = {
    "quantiles": "Quantiles",
    "equal_interval": "EqualInterval",
    "fisher_jenks": "FisherJenks",
    "maximum_breaks": "MaximumBreaks",
    "std_mean": "StdMean",
}

#: Colour of the focal city's marker on peer maps.
FOCAL_COLOR = "#1b9e77"

#: Colour of cities / countries without a value.
NO_DATA_COLOR = "#bdbdbd"

NATURAL_EARTH_CITATION = (
    "Natural Earth (public domain), https://www.naturalearthdata.com: 1:50m Admin 0 - "
    "Countries, 1:10m Coastline and 1:10m Admin 1 - States, Provinces (registered data set "
    "natural_earth_vectors)."
)

#: Douglas–Peucker tolerance (degrees) of the basemap layers: countries and coastline
#: 0.1° (about 11 km, below a pixel up to zoom 4), admin-1 boundaries 0.02° (about 2 km).
BASEMAP_TOLERANCE_DEG: dict[str, float] = {"countries": 0.1, "coastline": 0.1, "admin1": 0.02}

#: Zoom level from which admin-1 boundaries (states, provinces) are drawn.
ADMIN1_MIN_ZOOM = 5

# Coastline pieces drawn: Natural Earth's min_zoom <= 1.5 (continents and large islands).
_COAST_MAX_MIN_ZOOM = 1.5

# Natural Earth codes a few countries' ISO_A3 as "-99"; give them their ISO3 code.
_NE_ISO3_FIXES = {"France": "FRA", "Norway": "NOR", "Kosovo": "XKX"}
_NE = "natural_earth_vectors"


def _esc(value: Any) -> str:
    """HTML-escape any value (quotes included; braces too, so no template engine sees them)."""
    text = html.escape("" if value is None else str(value), quote=True)
    if "{" in text or "}" in text:
        text = text.replace("{", "&#123;").replace("}", "&#125;")
    return text


def _is_missing(value: Any) -> bool:
    try:
        return bool(value is None or (isinstance(value, float) and math.isnan(value)) or (
            value != value  # noqa: PLR0124 - pandas NA / NaN
        ))
    except (TypeError, ValueError):  # pd.NA in boolean context
        return True


def _fmt(value: Any) -> str:
    """Format a number or text for a popup (then escape it)."""
    if _is_missing(value):
        return "no data"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) or (isinstance(value, float) and float(value).is_integer()):
        v = float(value)
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.0f}"
    if isinstance(value, float):
        return f"{value:.3g}"
    try:
        import numbers

        if isinstance(value, numbers.Number):
            return _fmt(float(value))
    except (TypeError, ValueError):  # pragma: no cover
        pass
    return str(value)


def _require(table: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ParameterError(
            f"{what}: missing column(s) {missing}; the table has columns {list(table.columns)}"
        )


# --------------------------------------------------------------------------- ids


def stabilize_ids(m: Any, *, salt: str = "resilience_analytics") -> Any:
    """Give every element of a folium/branca tree a deterministic id (in place).

    branca draws each element's ``_id`` from ``os.urandom``, so two renders of the same
    map differ. This walks the whole tree from its root (children and element-valued
    attributes, in insertion order) and renames element ``i`` to the first 32 hex digits of
    ``sha256(f"{salt}:{i}")``. Strings that baked an old name (``layer_name``,
    ``ElementAddToElement``) are renamed too, and render-time artefacts keyed by an old
    name are dropped (they are re-created on the next render). Nothing global is patched.

    Parameters
    ----------
    m : branca.element.Element
        Usually a :class:`folium.Map`; its root figure is renumbered.
    salt : str
        Changes every id (use distinct salts for maps shown in the same HTML document).

    Returns
    -------
    branca.element.Element
        ``m`` itself.

    Examples
    --------
    >>> import folium, resilience_analytics as ra
    >>> a = ra.maps.stabilize_ids(folium.Map(tiles=None))
    >>> b = ra.maps.stabilize_ids(folium.Map(tiles=None))
    >>> a.get_root().render() == b.get_root().render()
    True
    """
    from branca.element import Element

    root = m.get_root() if hasattr(m, "get_root") else m
    order: list[Element] = []
    seen: set[int] = set()

    def visit(el: Element) -> None:
        if id(el) in seen:
            return
        seen.add(id(el))
        order.append(el)
        for key, value in list(vars(el).items()):
            if key == "_parent":
                continue
            if isinstance(value, Element):
                visit(value)
            elif isinstance(value, dict):
                for v in list(value.values()):
                    if isinstance(v, Element):
                        visit(v)
            elif isinstance(value, list | tuple):
                for v in value:
                    if isinstance(v, Element):
                        visit(v)

    visit(root)
    old_names = {id(el): el.get_name() for el in order}
    all_old = set(old_names.values())
    for i, el in enumerate(order):
        el._id = hashlib.sha256(f"{salt}:{i}".encode()).hexdigest()[:32]
    rename = {old_names[id(el)]: el.get_name() for el in order}
    for el in order:
        for key, value in list(vars(el).items()):
            if key in ("_parent", "_id", "_name"):
                continue
            if isinstance(value, str) and value in rename:
                setattr(el, key, rename[value])
        children = el._children
        new_children: OrderedDict[str, Element] = OrderedDict()
        for key, child in children.items():
            own = old_names.get(id(child))
            if key == own:
                new_children[child.get_name()] = child
            elif key in all_old or (key.endswith("_add") and key[:-4] in all_old):
                continue  # render-time artefact baked with an old name
            else:
                new_children[key] = child
        el._children = new_children
    return m


def map_html(m: Any) -> str:
    """Render a map to a complete, deterministic HTML document.

    Parameters
    ----------
    m : folium.Map

    Returns
    -------
    str
        The HTML page (ids made deterministic with :func:`stabilize_ids` first).

    Examples
    --------
    >>> import folium, resilience_analytics as ra
    >>> ra.maps.map_html(folium.Map(tiles=None)).startswith("<!DOCTYPE html>")
    True
    """
    stabilize_ids(m)
    out = m.get_root().render()
    # Rendering adds artefacts under the current names; drop them so the object stays clean.
    stabilize_ids(m)
    return out


def save_map(m: Any, path: str | os.PathLike) -> Path:
    """Write a map as a standalone HTML file, atomically and deterministically.

    Parameters
    ----------
    m : folium.Map
    path : str or os.PathLike
        Target file (``.html``); its folder is created if needed.

    Returns
    -------
    pathlib.Path
        The written file.

    Examples
    --------
    >>> import tempfile, pathlib, folium, resilience_analytics as ra
    >>> p = ra.maps.save_map(folium.Map(tiles=None), pathlib.Path(tempfile.mkdtemp()) / "m.html")
    >>> p.read_text().startswith("<!DOCTYPE html>")
    True
    """
    from ._io import atomic_write_bytes

    return atomic_write_bytes(Path(path), map_html(m).encode("utf-8"))


# --------------------------------------------------------------------------- assets


@functools.cache
def _leaflet_assets() -> tuple[str, str]:
    """Return (leaflet.js, leaflet.css with images as data URIs) from the shipped wheel.

    Memoised: every inline map embeds the same ~170 kB, read and base64-encoded once.
    """
    import base64
    from importlib import resources

    try:
        base = resources.files("js_lib_leaflet") / "static" / "js_lib_leaflet"
        js = (base / "leaflet.js").read_text(encoding="utf-8")
        css = (base / "leaflet.css").read_text(encoding="utf-8")
        for img in ("layers.png", "layers-2x.png", "marker-icon.png"):
            data = base64.b64encode((base / "images" / img).read_bytes()).decode()
            css = css.replace(f"url(images/{img})", f"url(data:image/png;base64,{data})")
    except (ModuleNotFoundError, FileNotFoundError) as exc:  # pragma: no cover
        raise DataNotFoundError(
            "Leaflet is not installed: `pip install django-js-lib-leaflet` (it ships "
            f"Leaflet 1.9.4), or pass assets='cdn' ({exc})"
        ) from None
    return js, css


def base_map(
    *,
    location: tuple[float, float] | None = None,
    zoom_start: int = 2,
    tiles: str | None = None,
    assets: str = "inline",
    height: str = "100%",
    countries: bool = True,
    admin1: list[str] | tuple[str, ...] = (),
) -> folium.Map:
    """Create an empty map ready for the layers of this module.

    Parameters
    ----------
    location : (float, float), optional
        Centre (latitude, longitude); default (20, 0).
    zoom_start : int
    tiles : str, optional
        A folium tile name (``"OpenStreetMap"``, ``"CartoDB positron"``...). Default none:
        tiles need the internet, and a failed tile request is a console error.
    assets : {"inline", "cdn"}
        ``"inline"`` embeds Leaflet's JS and CSS (the page works offline and carries no
        links to outside servers); ``"cdn"`` keeps folium's default CDN links.
    height : str
        CSS height of the map.
    countries : bool
        Draw the Natural Earth basemap underneath: countries (light grey) and the coastline
        (geographic context without tiles; not interactive, not in the layer control).
    admin1 : list of str
        ISO3 codes of countries whose admin-1 boundaries (states, provinces) appear from
        zoom :data:`ADMIN1_MIN_ZOOM` on.

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> m = ra.maps.base_map()
    >>> "cdn.jsdelivr" in ra.maps.map_html(m)
    False
    """
    import folium
    from branca.element import Element

    from ._validate import check_choice

    check_choice("assets", assets, ("inline", "cdn"))
    m = folium.Map(
        location=list(location) if location is not None else [20.0, 0.0],
        zoom_start=zoom_start,
        tiles=tiles,
        prefer_canvas=True,
        height=height,
        control_scale=True,
    )
    if assets == "inline":
        js, css = _leaflet_assets()
        m.default_js = []
        m.default_css = []
        header = m.get_root().header
        header.add_child(Element(f"<style>{css}</style>"), name="leaflet_css")
        header.add_child(Element(f"<script>{js}</script>"), name="leaflet")
    if countries:
        # sea colour behind the land polygons; labels readable over lines
        m.get_root().header.add_child(Element(
            "<style>.leaflet-container{background:#dde9f2}"
            ".ra-label{font:12px/1.2 sans-serif;padding:1px 4px;opacity:0.9}</style>"),
            name="ra_basemap_css")
        _add_basemap(m, admin1)
    return stabilize_ids(m)


def _basemap_available() -> bool:
    from . import datasets

    return datasets.available(_NE)


def _add_basemap(m: Any, admin1: list[str] | tuple[str, ...] = ()) -> None:
    """Add countries, coastline and (on zoom) admin-1 layers, if the data set is there."""
    import warnings

    if not _basemap_available():
        warnings.warn(f"data set {_NE!r} is not available: the map has no basemap "
                      "(see ra.datasets.catalog())", stacklevel=3)
        return
    DataLayer = _data_layer_class()
    DataLayer(_outline_items(), name="Countries", control=False).add_to(m)
    codes = tuple(sorted({str(c).upper() for c in admin1 if not _is_missing(c)}))
    items = _admin1_items(codes) if codes else []
    # Zoomed in, the mapped countries are drawn from their finer admin-1 polygons (land
    # fill, 0.02°), and the coarse 0.1° coastline steps aside.
    DataLayer(_coast_items(), name="Coastline", control=False,
              max_zoom=ADMIN1_MIN_ZOOM if items else None).add_to(m)
    if items:
        DataLayer(items, name="States and provinces", control=False,
                  min_zoom=ADMIN1_MIN_ZOOM).add_to(m)


def _geo_items(geoms: Any, ndigits: int, **style: Any) -> list[dict]:
    return [{"t": "q", **_quantize(g, ndigits), **style} for g in geoms
            if g is not None and not g.is_empty]


def _quantize(geom: Any, ndigits: int) -> dict:
    """Encode a shapely geometry compactly as quantized, delta-encoded integers.

    Coordinates become integers of 10**-ndigits degrees, each ring/line
    ``[x0, y0, dx1, dy1, ...]`` (the idea of TopoJSON's quantized delta encoding, Bostock
    2013); about 40 % of the size of rounded GeoJSON. Repeated points (after quantization)
    are dropped.

    Returns ``{"k": kind, "m": 10**ndigits, "q": nested lists}``, kind ``"P"`` polygon
    (rings), ``"M"`` multipolygon, ``"L"`` line, ``"N"`` multiline.
    """
    m = 10 ** ndigits

    def line(coords) -> list[int]:
        out: list[int] = []
        px = py = 0
        for x, y in coords:
            qx, qy = round(x * m), round(y * m)
            if out and qx == px and qy == py:
                continue
            out += [qx - px, qy - py]
            px, py = qx, qy
        return out

    def polygon(p) -> list[list[int]]:
        return [line(p.exterior.coords)] + [line(r.coords) for r in p.interiors]

    kind = geom.geom_type
    if kind == "Polygon":
        return {"k": "P", "m": m, "q": polygon(geom)}
    if kind == "MultiPolygon":
        return {"k": "M", "m": m, "q": [polygon(p) for p in geom.geoms]}
    if kind == "LineString":
        return {"k": "L", "m": m, "q": line(geom.coords)}
    if kind == "MultiLineString":
        return {"k": "N", "m": m, "q": [line(g.coords) for g in geom.geoms]}
    if kind == "GeometryCollection":  # e.g. from make_valid: keep its polygons
        polys = [p for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")
                 for p in getattr(g, "geoms", [g])]
        return {"k": "M", "m": m, "q": [polygon(p) for p in polys]}
    raise ParameterError(
        f"cannot draw a {kind} geometry; accepted: Polygon, MultiPolygon, LineString, "
        "MultiLineString, GeometryCollection (its polygons are drawn)"
    )


@functools.cache
def _outline_items() -> list[dict]:
    world = natural_earth_countries(simplify=BASEMAP_TOLERANCE_DEG["countries"])
    return _geo_items(world.geometry, 2, c="#f4f4f2", s="#c8c8c8", o=1.0)


@functools.cache
def _coast_items() -> list[dict]:
    from . import datasets

    coast = datasets.read(_NE, "ne_10m_coastline.geojson")
    coast = coast[coast["min_zoom"] <= _COAST_MAX_MIN_ZOOM]
    geoms = coast.geometry.simplify(BASEMAP_TOLERANCE_DEG["coastline"])
    geoms = geoms[~geoms.is_empty]
    return _geo_items(geoms, 2, s="#6a8caf", w=0.8)


@functools.cache
def _admin1_items(codes: tuple[str, ...]) -> list[dict]:
    from . import datasets

    if not all(len(c) == 3 and c.isalpha() for c in codes):
        raise ParameterError(f"admin1: expected ISO3 codes such as 'NLD', got {list(codes)}")
    listed = ", ".join(f"'{c}'" for c in codes)
    a1 = datasets.read(_NE, "ne_10m_admin_1_states_provinces.gpkg", layer="a1full",
                       columns=["name", "adm0_a3"], where=f"adm0_a3 IN ({listed})")
    geoms = a1.geometry.make_valid().simplify(BASEMAP_TOLERANCE_DEG["admin1"])
    return _geo_items(geoms[~geoms.is_empty], 3, c="#f4f4f2", s="#a0a0a0", w=0.6, o=1.0)


def _fit(m: Any, points: list[tuple[float, float]]) -> None:
    """Fit a new map's view to the points (a single point keeps the zoom)."""
    if not points:
        return
    ys = [p[0] for p in points]
    xs = [p[1] for p in points]
    if len(points) == 1 or (max(ys) - min(ys) < 1e-6 and max(xs) - min(xs) < 1e-6):
        m.location = [ys[0], xs[0]]
        m.options["zoom"] = 8
        return
    _fit_class()([[min(ys), min(xs)], [max(ys), max(xs)]]).add_to(m)


@functools.cache
def _fit_class():
    from branca.element import MacroElement
    from folium.template import Template

    class FitBounds(MacroElement):
        """``fitBounds`` without animation (folium's animates, racing later view changes)."""

        _template = Template(
            """
            {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.fitBounds({{ this.bounds|tojson }},
                {padding: [20, 20], maxZoom: 10, animate: false});
            {% endmacro %}
            """
        )

        def __init__(self, bounds: list):
            super().__init__()
            self._name = "FitBounds"
            self.bounds = bounds

    return FitBounds


def _ensure_layer_control(m: Any) -> None:
    """Keep exactly one LayerControl, rendered after every layer."""
    import folium

    for key, child in list(m._children.items()):
        if isinstance(child, folium.LayerControl):
            del m._children[key]
    folium.LayerControl(collapsed=False).add_to(m)


@functools.cache
def _data_layer_class():
    """Build the folium Layer subclass that draws items from one JSON array (lazily)."""
    from folium.map import Layer
    from folium.template import Template

    class DataLayer(Layer):
        """Circles, lines and GeoJSON shapes drawn from one compact JSON array.

        Paths use the map's renderer: with ``prefer_canvas`` (every :func:`base_map`) all
        layers share one canvas, so a click reaches a marker of any layer.

        Items: ``{"t": "c"|"l"|"g", ...}``; ``h`` = popup HTML and ``tt`` = tooltip HTML,
        both built from escaped strings in Python; ``tojson`` escapes ``<``, ``>``, ``&``.
        """

        _template = Template(
            """
            {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = (function () {
                var group = L.featureGroup();
                var decode = function (a, m) {  // [x0, y0, dx, dy, ...] -> [[lat, lon], ...]
                    var out = [], x = 0, y = 0;
                    for (var j = 0; j < a.length; j += 2) {
                        x += a[j]; y += a[j + 1]; out.push([y / m, x / m]);
                    }
                    return out;
                };
                var nest = function (a, depth, m) {
                    return depth === 1 ? decode(a, m)
                        : a.map(function (b) { return nest(b, depth - 1, m); });
                };
                var items = {{ this.items_json }};
                for (var i = 0; i < items.length; i++) {
                    var it = items[i], layer;
                    if (it.t === "c") {
                        layer = L.circleMarker([it.y, it.x], {
                            radius: it.r, color: it.s || "#333333", weight: it.w || 0.6,
                            fillColor: it.c, fillOpacity: 0.8, opacity: 0.9,
                            h: it.h, tt: it.tt});
                    } else if (it.t === "l") {
                        layer = L.polyline(it.p, {color: it.c,
                            weight: it.w || 2, opacity: 0.85, dashArray: it.d || null,
                            h: it.h, tt: it.tt});
                    } else if (it.t === "q") {
                        // quantized, delta-encoded shapes (see _quantize in Python)
                        var ll = nest(it.q, it.k === "M" ? 3 : it.k === "L" ? 1 : 2, it.m);
                        var opts = {color: it.s || "#555555", weight: it.w || 0.5,
                            fill: !!it.c && it.k !== "L" && it.k !== "N", fillColor: it.c,
                            fillOpacity: it.o === undefined ? 0.75 : it.o,
                            interactive: !!(it.h || it.tt), h: it.h, tt: it.tt};
                        layer = (it.k === "L" || it.k === "N") ? L.polyline(ll, opts)
                            : L.polygon(ll, opts);
                    } else {
                        layer = L.geoJSON({type: "Feature", geometry: it.g,
                            properties: {h: it.h, tt: it.tt}}, {interactive: !!(it.h || it.tt),
                            style: {color: it.s || "#555555", weight: it.w || 0.5,
                            fill: !!it.c, fillColor: it.c,
                            fillOpacity: it.o === undefined ? 0.75 : it.o}});
                    }
                    if (it.lb) {  // a permanent label (escaped in Python)
                        layer.bindTooltip(it.lb, {permanent: true, direction: "right",
                            offset: [6, 0], className: "ra-label", interactive: false});
                    }
                    group.addLayer(layer);
                }
                // One popup and one tooltip handler for the whole group (fast with 34,006
                // markers); the content was escaped in Python.
                var text = function (key) {
                    return function (l) {
                        return l.options[key] || (l.feature && l.feature.properties[key]) || "";
                    };
                };
                if (items.some(function (it) { return it.h; })) {
                    group.bindPopup(text("h"), {maxWidth: 360});
                }
                if (items.some(function (it) { return it.tt; })) {
                    group.bindTooltip(text("tt"), {sticky: true});
                }
                return group;
            })();
            {% if this.min_zoom is not none or this.max_zoom is not none %}
            (function (map, group, lo, hi) {  // drawn only for zoom levels lo <= z < hi
                var sync = function () {
                    var z = map.getZoom();
                    if ((lo === null || z >= lo) && (hi === null || z < hi)) {
                        map.addLayer(group);
                    } else { map.removeLayer(group); }
                };
                map.on("zoomend", sync);
                sync();
            })({{ this._parent.get_name() }}, {{ this.get_name() }},
               {{ this.min_zoom|tojson }}, {{ this.max_zoom|tojson }});
            {% endif %}
            {% endmacro %}
            """
        )

        def __init__(self, items: list[dict], name: str, show: bool = True,
                     control: bool = True, min_zoom: int | None = None,
                     max_zoom: int | None = None):
            super().__init__(name=name, overlay=True, control=control,
                             show=show and min_zoom is None and max_zoom is None)
            self._name = "DataLayer"
            self.items = items
            self.min_zoom = min_zoom
            self.max_zoom = max_zoom

        @property
        def items_json(self):
            return _compact_json(self.items)

        def render(self, **kwargs):
            from folium.elements import ElementAddToElement

            if self.show:
                self.add_child(
                    ElementAddToElement(element_name=self.get_name(),
                                        element_parent_name=self._parent.get_name()),
                    name=self.get_name() + "_add",
                )
            _render_raw(self, kwargs)

    return DataLayer


@functools.cache
def _raw_class():
    from branca.element import Element

    class RawElement(Element):
        """A branca Element that outputs its text as is (no Jinja compilation of data)."""

        def __init__(self, text: str):
            super().__init__()
            self._name = "RawElement"
            self.text = text

        def render(self, **kwargs):
            return self.text

    return RawElement


def _compact_json(obj: Any) -> Any:
    r"""Return compact JSON for a ``<script>``, HTML-safe as Jinja's ``tojson``.

    ``<``, ``>``, ``&`` and ``'`` become ``\u`` escapes, so no data string can close the
    script element.
    """
    import json

    from markupsafe import Markup

    text = json.dumps(obj, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    for ch, esc in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("'", "\\u0027")):
        text = text.replace(ch, esc)
    return Markup(text)


def _raw_element(text: str):
    return _raw_class()(text)


def _render_raw(el: Any, kwargs: dict) -> None:
    """MacroElement.render without compiling the rendered script as a Jinja template.

    branca wraps each rendered macro in ``Element(template=...)``, which compiles the
    output again: slow for megabytes of JSON, and a data string holding ``{{ ... }}``
    would be evaluated. The output is added verbatim instead.
    """
    figure = el.get_root()
    script = el._template.module.__dict__.get("script")
    if script is not None:
        figure.script.add_child(_raw_element(str(script(el, kwargs))), name=el.get_name())
    for child in el._children.values():
        child.render(**kwargs)


@functools.cache
def _legend_class():
    from branca.element import MacroElement
    from folium.template import Template

    class Legend(MacroElement):
        """A Leaflet control holding escaped legend HTML."""

        _template = Template(
            """
            {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
            {{ this.get_name() }}.onAdd = function () {
                var div = L.DomUtil.create("div", "ra-legend");
                div.style.cssText = "background:rgba(255,255,255,0.9);padding:6px 8px;"
                    + "font:12px/1.4 sans-serif;border-radius:4px;box-shadow:0 0 4px #999;";
                div.innerHTML = {{ this.html|tojson }};
                return div;
            };
            {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
            {% endmacro %}
            """
        )

        def __init__(self, html_text: str, position: str = "bottomright"):
            super().__init__()
            self._name = "Legend"
            self.html = html_text
            self.position = position

        def render(self, **kwargs):
            _render_raw(self, kwargs)

    return Legend


# --------------------------------------------------------------------------- classes


def classify(values: Any, *, scheme: str = "quantiles", k: int = 5) -> tuple[list[float], Any]:
    """Class numeric values with a mapclassify scheme.

    Parameters
    ----------
    values : array-like of float
        Missing values get class -1.
    scheme : str
        One of :data:`SCHEMES` (``"quantiles"``, ``"equal_interval"``, ``"fisher_jenks"``,
        ``"maximum_breaks"``, ``"std_mean"``).
    k : int
        Number of classes (fewer when there are fewer distinct values).

    Returns
    -------
    bins : list of float
        Upper bound of each class.
    classes : numpy.ndarray of int
        Class of each value (0 … len(bins) - 1, or -1 when missing).

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> bins, classes = ra.maps.classify([1, 2, 3, 4], k=2)
    >>> classes.tolist()
    [0, 0, 1, 1]
    """
    import numpy as np

    from ._validate import check_choice

    check_choice("scheme", scheme, tuple(SCHEMES))
    if not isinstance(k, int | np.integer) or isinstance(k, bool) or k < 1:
        raise ParameterError(f"k must be an integer >= 1, got {k!r}")
    arr = np.asarray(values, dtype="float64")
    ok = np.isfinite(arr)
    classes = np.full(arr.shape, -1, dtype="int64")
    if not ok.any():
        return [], classes
    x = arr[ok]
    n_distinct = len(np.unique(x))
    kk = int(min(k, n_distinct))
    if kk <= 1:
        classes[ok] = 0
        return [float(x.max())], classes
    import warnings

    import mapclassify

    cls = getattr(mapclassify, SCHEMES[scheme])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if scheme == "std_mean":
            c = cls(x)
        else:
            c = cls(x, k=kk)
    bins = [float(b) for b in c.bins]
    classes[ok] = np.asarray(c.yb, dtype="int64")
    return bins, classes


def _colors(cmap: str, n: int) -> list[str]:
    import matplotlib as mpl
    from matplotlib.colors import to_hex

    try:
        cm = mpl.colormaps[cmap]
    except KeyError:
        raise ParameterError(
            f"cmap={cmap!r} is not a matplotlib colormap; e.g. 'viridis', 'YlOrRd', "
            "'magma', 'RdYlBu_r' (see matplotlib.colormaps)"
        ) from None
    if n == 1:
        return [to_hex(cm(0.6))]
    return [to_hex(cm(0.1 + 0.85 * i / (n - 1))) for i in range(n)]


def _legend_html(title: str, bins: list[float], colors: list[str], lower: float,
                 has_missing: bool) -> str:
    rows = [f"<b>{_esc(title)}</b>"]
    lo = lower
    for b, c in zip(bins, colors, strict=False):
        rows.append(
            f'<div><span style="display:inline-block;width:12px;height:12px;'
            f'background:{c};margin-right:5px;vertical-align:middle"></span>'
            f"{_esc(_fmt(lo))} – {_esc(_fmt(b))}</div>"
        )
        lo = b
    if has_missing:
        rows.append(
            f'<div><span style="display:inline-block;width:12px;height:12px;'
            f'background:{NO_DATA_COLOR};margin-right:5px;vertical-align:middle"></span>'
            "no data</div>"
        )
    return "".join(rows)


def _color_column(table: pd.DataFrame, color: str | None, scheme: str, k: int, cmap: str
                  ) -> tuple[list[str], str | None]:
    """Return one hex colour per row and the legend HTML (or None)."""
    import numpy as np
    import pandas as pd

    if color is None:
        return [_colors(cmap, 1)[0]] * len(table), None
    if color not in table.columns:
        numeric = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])]
        raise ParameterError(
            f"color={color!r} is not a column of the table; numeric columns: {numeric}"
        )
    values = pd.to_numeric(table[color], errors="coerce").to_numpy(dtype="float64")
    bins, classes = classify(values, scheme=scheme, k=k)
    palette = _colors(cmap, max(len(bins), 1))
    cols = [palette[c] if c >= 0 else NO_DATA_COLOR for c in classes]
    finite = values[np.isfinite(values)]
    legend = None
    if len(bins):
        legend = _legend_html(f"{color} ({scheme.replace('_', ' ')})", bins, palette,
                              float(finite.min()), bool((classes < 0).any()))
    return cols, legend


def _radii(table: pd.DataFrame, size: str | None, rmin: float = 2.0, rmax: float = 14.0
           ) -> list[float]:
    import numpy as np
    import pandas as pd

    if size is None:
        return [5.0] * len(table)
    if size not in table.columns:
        raise ParameterError(
            f"size={size!r} is not a column of the table; pass size=None for equal sizes "
            f"or one of {list(table.columns)}"
        )
    p = pd.to_numeric(table[size], errors="coerce").to_numpy(dtype="float64")
    p = np.where(np.isfinite(p) & (p > 0), p, 0.0)
    top = p.max() if len(p) else 0.0
    if top <= 0:
        return [rmin] * len(table)
    return [round(float(rmin + (rmax - rmin) * math.sqrt(v / top)), 2) for v in p]


def _column_cells(col: pd.Series) -> list[str]:
    """Format (and, for text, escape) every value of a column for popups."""
    import numpy as np
    import pandas as pd

    if pd.api.types.is_bool_dtype(col):
        return [_esc(_fmt(v)) for v in col.tolist()]
    if pd.api.types.is_numeric_dtype(col):
        x = col.to_numpy(dtype="float64", na_value=np.nan)
        out = []
        for v in x.tolist():
            if v != v:
                out.append("no data")
            elif v.is_integer():
                out.append(f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.0f}")
            else:
                out.append(f"{v:.3g}")
        return out
    return [_esc(_fmt(v)) for v in col.tolist()]


def _popup(title: str, rows: list[tuple[str, Any]], note: str | None = None) -> str:
    parts = [f"<b>{_esc(title)}</b>"]
    for label, value in rows:
        parts.append(f"<br>{_esc(label)}: {_esc(_fmt(value))}")
    if note:
        parts.append(f"<br><i>{_esc(note)}</i>")
    return "".join(parts)


# --------------------------------------------------------------------------- cities


def city_map(
    table: pd.DataFrame,
    *,
    color: str | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    cmap: str = "viridis",
    size: str | None = "population",
    name: str = "name",
    popup_columns: list[str] | None = None,
    layers: str | None = None,
    layer_names: dict[str, str] | None = None,
    layer_name: str = "Cities",
    m: folium.Map | None = None,
    tiles: str | None = None,
    legend: bool = True,
) -> folium.Map:
    """Map cities as circle markers sized by population and coloured by an indicator.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per city (or per city and layer) with ``latitude``, ``longitude`` and the
        ``name`` column; e.g. ``ra.hazards.exposure()`` or ``ra.cities.load_cities()``.
    color : str, optional
        Numeric column that colours the markers, classed with ``scheme`` into ``k``
        classes (missing values are grey). Default: one colour.
    scheme : str
        One of :data:`SCHEMES`.
    k : int
        Number of colour classes.
    cmap : str
        A matplotlib colormap name.
    size : str or None
        Column whose square root scales the marker radius (2–14 px); None for equal sizes.
    name : str
        Column with the city name (popup title and tooltip).
    popup_columns : list of str, optional
        Columns listed in each popup (default: country, population and ``color``).
    layers : str, optional
        Column splitting the rows into overlay layers, one per distinct value (e.g.
        ``"network"`` on a city × network table), with a layer control.
    layer_names : dict, optional
        Display name of each ``layers`` value (e.g. ``ra.networks.NETWORKS``).
    layer_name : str
        Name of the single layer when ``layers`` is None.
    m : folium.Map, optional
        Add to this map instead of a new :func:`base_map`.
    tiles : str, optional
        Tile layer of a new map (default none: works offline).
    legend : bool
        Add a legend of the colour classes.

    Returns
    -------
    folium.Map

    Raises
    ------
    ParameterError
        On a missing column, an empty table, an unknown scheme or colormap.

    Examples
    --------
    >>> import pandas as pd, resilience_analytics as ra
    >>> t = pd.DataFrame({"name": ["Example City <b>"], "latitude": [1.0],
    ...                   "longitude": [2.0], "population": [10]})
    >>> html = ra.maps.map_html(ra.maps.city_map(t))
    >>> "Example City <b>" in html  # the name is escaped, never markup
    False
    """
    import pandas as pd

    from ._validate import check_choice

    check_choice("scheme", scheme, tuple(SCHEMES))
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    _require(table, ["latitude", "longitude", name], "city_map")
    if len(table) == 0:
        raise ParameterError("city_map: the table is empty; select at least one city")
    if layers is not None:
        _require(table, [layers], "city_map layers")
    colors, legend_html = _color_column(table, color, scheme, k, cmap)
    radii = _radii(table, size)
    if popup_columns is None:
        popup_columns = [c for c in ("country_name", "country_iso3", "population")
                         if c in table.columns]
        if color is not None and color not in popup_columns:
            popup_columns.append(color)
    else:
        _require(table, list(popup_columns), "city_map popup_columns")

    lat = pd.to_numeric(table["latitude"], errors="coerce").to_numpy()
    lon = pd.to_numeric(table["longitude"], errors="coerce").to_numpy()
    names = table[name].to_numpy()
    groups = table[layers].astype("string").fillna("(none)").to_numpy() if layers else None
    # Format and escape column by column (34,006 rows): numbers need no escaping.
    esc_names = [_esc(v) for v in names]
    cells = [_column_cells(table[c]) for c in popup_columns]
    labels = [f"<br>{_esc(c)}: " for c in popup_columns]

    items_by_layer: dict[str, list[dict]] = {}
    for i in range(len(table)):
        if not (math.isfinite(lat[i]) and math.isfinite(lon[i])):
            continue
        popup = f"<b>{esc_names[i]}</b>" + "".join(
            label + col[i] for label, col in zip(labels, cells, strict=True))
        item = {
            "t": "c",
            "y": round(float(lat[i]), 5),
            "x": round(float(lon[i]), 5),
            "r": radii[i],
            "c": colors[i],
            "h": popup,
            "tt": esc_names[i],
        }
        key = str(groups[i]) if groups is not None else layer_name
        items_by_layer.setdefault(key, []).append(item)
    if not items_by_layer:
        raise ParameterError("city_map: no row has a finite latitude and longitude")

    if m is None:
        isos = (table["country_iso3"].dropna().astype(str).unique().tolist()
                if "country_iso3" in table.columns else [])
        m = base_map(tiles=tiles, admin1=isos if len(isos) <= 5 else ())
        _fit(m, [(it["y"], it["x"]) for its in items_by_layer.values() for it in its])
    DataLayer = _data_layer_class()
    for key, items in items_by_layer.items():
        label = (layer_names or {}).get(key, key)
        DataLayer(items, name=_esc(label)).add_to(m)
    if legend and legend_html:
        _legend_class()(legend_html).add_to(m)
    _ensure_layer_control(m)
    return stabilize_ids(m)


# --------------------------------------------------------------------------- peers


def _focal_point(focal: Any) -> dict:
    """Return name/latitude/longitude (+ extras) of a focal city in any accepted form."""
    import pandas as pd

    if isinstance(focal, pd.DataFrame):
        if len(focal) != 1:
            raise ParameterError(f"focal: expected one row, got {len(focal)}")
        focal = focal.iloc[0]
    if isinstance(focal, pd.Series):
        focal = focal.to_dict()
    if isinstance(focal, dict):
        missing = [c for c in ("name", "latitude", "longitude") if c not in focal]
        if missing:
            raise ParameterError(f"focal: missing {missing}; give name, latitude, longitude")
        return dict(focal)
    if hasattr(focal, "latitude") and hasattr(focal, "name"):  # ra.cities.City
        return {f: getattr(focal, f) for f in ("name", "latitude", "longitude",
                                               "country_iso3", "population")
                if hasattr(focal, f)}
    from . import cities

    return _focal_point(cities.as_city(focal))


def _with_coordinates(peers_table: pd.DataFrame) -> pd.DataFrame:
    """Add latitude/longitude from the gazetteer when the table only has city ids."""
    if {"latitude", "longitude"} <= set(peers_table.columns):
        return peers_table
    from . import cities

    if "city_id" in peers_table.columns:
        ids = peers_table["city_id"]
    elif peers_table.index.name == "city_id":
        ids = peers_table.index.to_series()
    else:
        raise ParameterError(
            "peer_map: the peers table needs latitude and longitude columns or city_id "
            f"(column or index) to look them up; columns: {list(peers_table.columns)}"
        )
    gaz = cities.load_cities()
    out = peers_table.copy()
    out["latitude"] = ids.map(gaz["latitude"]).to_numpy()
    out["longitude"] = ids.map(gaz["longitude"]).to_numpy()
    if "population" not in out.columns:
        out["population"] = ids.map(gaz["population"]).to_numpy()
    return out


def _explain_similar(peers_table: pd.DataFrame) -> list[str]:
    """One sentence per ra.peers.similar row: what the pair shares and how to get in touch."""
    out = []
    for _, row in peers_table.iterrows():
        parts = []
        alike = row.get("alike_on")
        if not _is_missing(alike) and str(alike):
            parts.append(f"alike on {alike}")
        contact = row.get("contact")
        if not _is_missing(contact) and str(contact):
            parts.append(str(contact))
        out.append("; ".join(parts))
    return out


def peer_map(
    focal: Any,
    peers_table: pd.DataFrame,
    *,
    explanation: str | None = None,
    popup_columns: list[str] | None = None,
    name: str = "name",
    m: folium.Map | None = None,
    tiles: str | None = None,
    layer_name: str | None = None,
    color: str = "#d95f02",
    labels: bool = True,
    legend: bool = True,
) -> folium.Map:
    """Map a focal city with a line to each peer and popups explaining each match.

    Each city carries a permanent label (peers: "rank. name"), a legend explains the
    marks, and admin-1 boundaries of the cities' countries appear on zoom.

    Parameters
    ----------
    focal : str, int, City, pandas.Series or dict
        The focal city: a gazetteer name or id (resolved with :func:`ra.cities.resolve`),
        a :class:`~resilience_analytics.cities.City`, or a row with name/latitude/longitude.
    peers_table : pandas.DataFrame
        One row per peer with ``latitude``, ``longitude`` and ``name``, e.g. the result of
        ``ra.peers.similar(city)``.
    explanation : str, optional
        Column with a sentence explaining the match (shown in italics). Default: the first
        present of ``explanation``, ``reason``, ``why``.
    popup_columns : list of str, optional
        Columns listed in each peer's popup (default: the present ones of ``rank``,
        ``country_iso3``, ``population``, ``distance``, ``similarity``, ``score``,
        ``shared_hazards``, ``themes``).
    name : str
        Column with the peer name.
    m : folium.Map, optional
        Add to this map.
    tiles : str, optional
        Tile layer of a new map.
    layer_name : str, optional
        Name of the layer (default "Peers of <focal>").
    color : str
        Colour of lines and peer markers.
    labels : bool
        Label every city on the map (escaped text, permanent tooltips).
    legend : bool
        Add a legend of the marks.

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> import pandas as pd, resilience_analytics as ra
    >>> focal = {"name": "Example City", "latitude": 52.0, "longitude": 4.3}
    >>> peers = pd.DataFrame({"name": ["Fictional Town"], "latitude": [51.9],
    ...                       "longitude": [4.5], "reason": ["both on a delta"]})
    >>> "both on a delta" in ra.maps.map_html(ra.maps.peer_map(focal, peers))
    True
    """
    import pandas as pd

    if not isinstance(peers_table, pd.DataFrame):
        raise ParameterError(
            f"peers_table must be a pandas DataFrame, got {type(peers_table).__name__}"
        )
    if len(peers_table) == 0:
        raise ParameterError("peer_map: the peers table is empty; give at least one peer")
    peers_table = _with_coordinates(peers_table)
    _require(peers_table, ["latitude", "longitude", name], "peer_map")
    f = _focal_point(focal)
    fy, fx = float(f["latitude"]), float(f["longitude"])
    if explanation is None:
        explanation = next((c for c in ("explanation", "reason", "why")
                            if c in peers_table.columns), None)
        if explanation is None and "alike_on" in peers_table.columns:  # ra.peers.similar
            peers_table = peers_table.assign(explanation=_explain_similar(peers_table))
            explanation = "explanation"
    elif explanation not in peers_table.columns:
        raise ParameterError(
            f"explanation={explanation!r} is not a column; columns: {list(peers_table.columns)}"
        )
    if popup_columns is None:
        popup_columns = [c for c in ("rank", "country_iso3", "population", "distance",
                                     "similarity", "score", "contact", "shared_networks",
                                     "shared_exchanges", "shared_hazards", "themes")
                         if c in peers_table.columns]
    else:
        _require(peers_table, list(popup_columns), "peer_map popup_columns")

    items: list[dict] = []
    for _, row in peers_table.iterrows():
        py, px = float(row["latitude"]), float(row["longitude"])
        if not (math.isfinite(py) and math.isfinite(px)):
            continue
        note = None
        if explanation is not None and not _is_missing(row[explanation]):
            note = str(row[explanation])
        title = f"{row[name]} — peer of {f['name']}"
        popup = _popup(title, [(c, row[c]) for c in popup_columns], note)
        items.append({"t": "l", "p": [[round(fy, 5), round(fx, 5)], [round(py, 5), round(px, 5)]],
                      "c": color, "w": 2, "d": "6 4", "h": popup,
                      "tt": _esc(f"{f['name']} → {row[name]}")})
        rank = row.get("rank")
        tag = f"{int(rank)}. {row[name]}" if isinstance(rank, int | float) and not _is_missing(
            rank) and float(rank).is_integer() else str(row[name])
        item = {"t": "c", "y": round(py, 5), "x": round(px, 5), "r": 6, "c": color,
                "h": popup, "tt": _esc(row[name])}
        if labels:
            item["lb"] = _esc(tag)
        items.append(item)
    focal_rows = [(c, f[c]) for c in ("country_iso3", "population") if c in f]
    focal_item = {"t": "c", "y": round(fy, 5), "x": round(fx, 5), "r": 9, "c": FOCAL_COLOR,
                  "s": "#000000", "w": 2,
                  "h": _popup(str(f["name"]), focal_rows, f"focal city, {len(peers_table)} peers"),
                  "tt": _esc(f["name"])}
    if labels:
        focal_item["lb"] = f"<b>{_esc(f['name'])}</b>"
    items.append(focal_item)
    if m is None:
        isos = [f.get("country_iso3")] + (peers_table["country_iso3"].tolist()
                                          if "country_iso3" in peers_table.columns else [])
        isos = [i for i in isos if not _is_missing(i)]
        m = base_map(tiles=tiles, location=(fy, fx), zoom_start=3, admin1=isos)
        _fit(m, [(it["y"], it["x"]) for it in items if it["t"] == "c"])
    DataLayer = _data_layer_class()
    DataLayer(items, name=_esc(layer_name or f"Peers of {f['name']}")).add_to(m)
    if legend:
        _legend_class()(_peer_legend_html(str(f["name"]), color, explanation is not None),
                        position="topright" if _has_legend(m) else "bottomright").add_to(m)
    _ensure_layer_control(m)
    return stabilize_ids(m)


def _has_legend(m: Any) -> bool:
    return any(type(c).__name__ == "Legend" for c in m._children.values())


def _peer_legend_html(focal: str, color: str, explained: bool) -> str:
    def swatch(fill: str, border: str, size: int) -> str:
        return (f'<span style="display:inline-block;width:{size}px;height:{size}px;'
                f"border-radius:50%;background:{fill};border:2px solid {border};"
                'margin-right:6px;vertical-align:middle"></span>')

    line = (f'<span style="display:inline-block;width:22px;border-top:2px dashed {color};'
            'margin-right:6px;vertical-align:middle"></span>')
    rows = [
        f"<b>Peers of {_esc(focal)}</b>",
        f"<div>{swatch(FOCAL_COLOR, '#000000', 12)}{_esc(focal)} (focal city)</div>",
        f"<div>{swatch(color, '#333333', 9)}peer city (label: rank and name)</div>",
        f"<div>{line}match{' (click for why)' if explained else ''}</div>",
        '<div style="color:#666;font-size:11px;margin-top:3px">Basemap: Natural Earth '
        "(public domain)</div>",
    ]
    return "".join(rows)


# --------------------------------------------------------------------------- countries


def natural_earth_countries(*, simplify: float | None = None) -> gpd.GeoDataFrame:
    """Return Natural Earth 1:50m country boundaries (public domain).

    Read from the registered ``natural_earth_vectors`` data set
    (``ne_50m_admin_0_countries.geojson``, Natural Earth 4.0.0).

    Parameters
    ----------
    simplify : float, optional
        Douglas–Peucker tolerance in degrees (topology preserved), e.g. 0.1 for web maps;
        default: the full 1:50m geometry.

    Returns
    -------
    geopandas.GeoDataFrame
        241 countries and territories in EPSG:4326 with ``iso3`` (ISO 3166-1 alpha-3;
        France, Norway and Kosovo fixed from Natural Earth's "-99"; e.g. Northern Cyprus and
        Somaliland stay NA), ``name``, ``continent``, ``geometry``. ``attrs["source"]``
        holds the citation.

    Raises
    ------
    DataNotFoundError
        If the data set is not available.
    ParameterError
        If ``simplify`` is not a number >= 0.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> world = ra.maps.natural_earth_countries(simplify=0.1)  # doctest: +SKIP
    >>> "NLD" in set(world["iso3"])  # doctest: +SKIP
    True
    >>> ra.maps.natural_earth_countries(simplify=-1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    resilience_analytics.errors.ParameterError: simplify=-1 is not accepted: ...
    """
    return _natural_earth_countries(_check_tolerance(simplify)).copy()


def _check_tolerance(simplify: Any) -> float | None:
    if simplify is None:
        return None
    ok = isinstance(simplify, int | float) and not isinstance(simplify, bool)
    if not ok or not math.isfinite(simplify) or simplify < 0:
        raise ParameterError(
            f"simplify={simplify!r} is not accepted: give a tolerance in degrees >= 0 "
            "(e.g. 0.1) or None"
        )
    return float(simplify)


@functools.cache
def _natural_earth_countries(simplify: float | None) -> gpd.GeoDataFrame:
    import geopandas as gpd

    from . import datasets

    world = datasets.read(_NE, "ne_50m_admin_0_countries.geojson")
    iso = world["ISO_A3"].astype("string")
    fixed = world["NAME"].map(_NE_ISO3_FIXES).astype("string")
    iso = iso.where(iso != "-99", fixed)
    geometry = world.geometry
    if simplify:
        geometry = geometry.simplify(simplify, preserve_topology=True)
    out = gpd.GeoDataFrame(
        {"iso3": iso, "name": world["NAME"].astype("string"),
         "continent": world["CONTINENT"].astype("string")},
        geometry=geometry.to_numpy(), crs=world.crs,
    )
    out.attrs["source"] = NATURAL_EARTH_CITATION
    return out


def country_choropleth(
    values_by_iso3: pd.Series | pd.DataFrame,
    *,
    column: str | None = None,
    title: str | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    cmap: str = "YlOrRd",
    names: pd.Series | None = None,
    m: folium.Map | None = None,
    tiles: str | None = None,
    layer_name: str | None = None,
    legend: bool = True,
) -> folium.Map:
    """Map a country indicator (INFORM, WorldRiskIndex, ND-GAIN) on Natural Earth countries.

    Parameters
    ----------
    values_by_iso3 : pandas.Series or pandas.DataFrame
        Indexed by ISO3 code: a Series of values, or a frame (e.g.
        ``ra.countries.country_context()``) with the value in ``column``; a frame's
        ``country_name`` column, when present, names the countries in popups.
    column : str, optional
        Column of a frame (required for a frame).
    title : str, optional
        Legend title (default: the column or Series name).
    scheme, k, cmap
        Classification (see :func:`classify`) and matplotlib colormap.
    names : pandas.Series, optional
        Country names by ISO3 for popups (default: the frame's ``country_name`` or Natural
        Earth's names).
    m : folium.Map, optional
        Add to this map.
    tiles : str, optional
        Tile layer of a new map.
    layer_name : str, optional
        Layer name (default: the title).
    legend : bool
        Add a legend.

    Returns
    -------
    folium.Map

    Examples
    --------
    >>> import pandas as pd, resilience_analytics as ra
    >>> v = pd.Series({"NLD": 2.1, "UKR": 4.5, "IDN": 5.0}, name="example index")
    >>> html = ra.maps.map_html(ra.maps.country_choropleth(v, k=2))
    >>> "example index" in html
    True
    """
    import pandas as pd

    from ._validate import check_choice

    check_choice("scheme", scheme, tuple(SCHEMES))
    if isinstance(values_by_iso3, pd.DataFrame):
        if column is None or column not in values_by_iso3.columns:
            numeric = [c for c in values_by_iso3.columns
                       if pd.api.types.is_numeric_dtype(values_by_iso3[c])]
            raise ParameterError(
                f"column={column!r} is not a column of the table; numeric columns: {numeric}"
            )
        series = values_by_iso3[column]
        if names is None and "country_name" in values_by_iso3.columns:
            names = values_by_iso3["country_name"]
    elif isinstance(values_by_iso3, pd.Series):
        series = values_by_iso3
    else:
        raise ParameterError(
            "values_by_iso3 must be a pandas Series or DataFrame indexed by ISO3, got "
            f"{type(values_by_iso3).__name__}"
        )
    series = pd.to_numeric(series, errors="coerce")
    series.index = series.index.astype(str).str.upper()
    if series.notna().sum() == 0:
        raise ParameterError("country_choropleth: no country has a value; the selection is empty")
    label = title or str(column or series.name or "value")
    world = natural_earth_countries(simplify=BASEMAP_TOLERANCE_DEG["countries"])
    world = world[world["iso3"].notna()].reset_index(drop=True)
    known = set(world["iso3"])
    if not (set(series.dropna().index) & known):
        raise ParameterError(
            "country_choropleth: none of the index values is a Natural Earth ISO3 code "
            f"(first: {list(series.index[:5])}); index the values by ISO3, e.g. 'NLD'"
        )
    vals = world["iso3"].map(series).to_numpy(dtype="float64")
    colors, legend_html = _color_column(pd.DataFrame({label: vals}), label, scheme, k, cmap)
    name_map = {}
    if names is not None:
        name_map = {str(i).upper(): v for i, v in names.items()}
    items = []
    for i, geom in enumerate(world.geometry):
        iso3 = world["iso3"].iat[i]
        cname = name_map.get(iso3, world["name"].iat[i])
        items.append({"t": "q", **_quantize(geom, 2), "c": colors[i],
                      "h": _popup(f"{cname} ({iso3})", [(label, vals[i])]),
                      "tt": _esc(f"{cname}: {_fmt(vals[i])}")})
    DataLayer = _data_layer_class()
    if m is None:
        m = base_map(tiles=tiles, countries=False)  # the choropleth is the country layer
        if _basemap_available():
            DataLayer(_coast_items(), name="Coastline", control=False).add_to(m)
    DataLayer(items, name=_esc(layer_name or label)).add_to(m)
    if legend and legend_html:
        _legend_class()(legend_html, position="bottomleft").add_to(m)
    _ensure_layer_control(m)
    return stabilize_ids(m)

