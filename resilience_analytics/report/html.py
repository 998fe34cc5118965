"""HTML of a report: each executed notebook exported with nbconvert, and an index page.

Every text that comes from a notebook, a parameter or a city name is escaped.
"""

from __future__ import annotations

import html
from pathlib import Path

from .._io import atomic_write_text
from ..manifest import FILENAME as MANIFEST_FILENAME

__all__ = ["export_html", "index_html", "notebook_title"]


def notebook_title(nb) -> str:
    """Return the first level-1 heading (``# Title``) of a notebook's markdown cells, or "".

    Examples
    --------
    >>> from nbformat.v4 import new_markdown_cell, new_notebook
    >>> from resilience_analytics.report.html import notebook_title
    >>> cells = [new_markdown_cell("intro"), new_markdown_cell("# 02 · Hazards")]
    >>> notebook_title(new_notebook(cells=cells))
    '02 · Hazards'
    """
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


def export_html(folder: Path, names: list[str]) -> dict[str, str]:
    """Export each executed notebook ``<folder>/<stem>.ipynb`` to HTML; return ``{stem: title}``.

    Examples
    --------
    >>> from resilience_analytics.report.html import export_html
    >>> export_html(pathlib.Path("build/kyiv"), ["02-hazard-profile"])  # doctest: +SKIP
    {'02-hazard-profile': '02 · Hazard profile'}
    """
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    titles = {}
    for stem in names:
        nb = nbformat.read(folder / f"{stem}.ipynb", as_version=4)
        titles[stem] = notebook_title(nb) or stem
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": titles[stem]}})
        atomic_write_text(folder / f"{stem}.html", body)
    return titles


def index_html(heading: str, entries: list[dict], manifest: dict) -> str:
    """Return the index page linking every notebook, table and figure of a report.

    Examples
    --------
    >>> from resilience_analytics.report.html import index_html
    >>> page = index_html("<b>x</b>", [], {"parameters": {"k": 5}})
    >>> "&lt;b&gt;x&lt;/b&gt;" in page and "<code>k = 5</code>" in page
    True
    """
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(heading)}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;"
        "padding:0 1rem;line-height:1.5}img{max-width:18rem;border:1px solid #ccc;margin:.25rem}"
        "code{background:#f4f4f4;padding:0 .2rem}</style></head><body>",
        f"<h1>{e(heading)}</h1>",
    ]
    params = manifest.get("parameters", {})
    if params:
        parts.append("<p>Parameters: " + ", ".join(
            f"<code>{e(str(k))} = {e(repr(v))}</code>" for k, v in params.items()) + "</p>")
    lib = manifest.get("library", {})
    parts.append(
        f"<p>resilience_analytics {e(str(lib.get('version')))}, commit "
        f"<code>{e(str(lib.get('commit')))}</code>; receipt: "
        f'<a href="{e(MANIFEST_FILENAME)}">{e(MANIFEST_FILENAME)}</a> '
        "(check it with <code>resilience-analytics verify &lt;this folder&gt;</code>).</p>"
    )
    parts.append("<ol>")
    for entry in entries:
        stem = entry["name"]
        parts.append(
            f'<li><a href="{e(stem)}.html">{e(entry["title"])}</a> '
            f'(<a href="{e(stem)}.ipynb">notebook</a>)'
        )
        if entry["tables"]:
            parts.append("<br>Tables: " + ", ".join(
                f'<a href="{e(t)}">{e(Path(t).name)}</a>' for t in entry["tables"]))
        if entry["figures"]:
            parts.append("<br>")
            for fig in entry["figures"]:
                if fig.endswith(".png"):
                    parts.append(f'<a href="{e(fig)}"><img src="{e(fig)}" '
                                 f'alt="{e(Path(fig).stem)}"></a>')
                else:
                    parts.append(f'<a href="{e(fig)}">{e(Path(fig).name)}</a>')
        parts.append("</li>")
    parts.append("</ol></body></html>")
    return "\n".join(parts) + "\n"
