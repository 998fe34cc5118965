"""HTML of a report: each executed notebook exported with nbconvert, and an index page.

Every text that comes from a notebook, a parameter or a city name is escaped. The pages
are for readers: code is hidden (nbconvert's ``exclude_input``, as ``--no-input``), the
parameters cell is shown once (the notebook's own, with the values papermill injected), and
no script, style or image is loaded from another server (nbconvert's lab template links
require.js, MathJax and mermaid from CDNs: those blocks are emptied, so the pages work
offline; LaTeX in markdown shows as source). A footer lists the licence restrictions of
the data sets whose numbers appear (:func:`licence_notes`).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from .._io import atomic_write_text
from ..manifest import FILENAME as MANIFEST_FILENAME

__all__ = ["export_html", "index_html", "licence_notes", "notebook_title", "reader_notebook"]

#: nbconvert template: JupyterLab's, without the blocks that load scripts from CDNs.
_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block body_footer %}
{{ resources.get("ra_footer", "") }}
</main>
</body>
{% endblock body_footer %}
"""

_SHOW = "ra-show-input"


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


def _merge_parameters(defaults: str, injected: str) -> str:
    """Write the injected values into the parameters cell's own lines (comments kept)."""
    values = {}
    for line in injected.splitlines():
        m = re.match(r"^([A-Za-z_]\w*)\s*=\s*(.*)$", line)
        if m:
            values[m.group(1)] = m.group(2).strip()
    out, used = [], set()
    for line in defaults.splitlines():
        m = re.match(r"^([A-Za-z_]\w*)(\s*:\s*[^=]+?)?\s*=\s*(.*)$", line)
        if m and m.group(1) in values:
            name = m.group(1)
            comment = ""
            if "  # " in m.group(3):
                comment = "  # " + m.group(3).split("  # ", 1)[1]
            out.append(f"{name}{m.group(2) or ''} = {values[name]}{comment}")
            used.add(name)
        else:
            out.append(line)
    extra = [f"{k} = {v}" for k, v in values.items() if k not in used]
    return "\n".join(out + extra)


def reader_notebook(nb):
    r"""Return a copy of a notebook prepared for readers: parameters shown once, code hidden.

    The values papermill injected (cell tagged ``injected-parameters``) are written into
    the notebook's own ``parameters`` cell, which stays visible (tagged ``ra-show-input``)
    while the injected cell goes; every other code cell shows only its outputs, and a
    heading whose section then shows nothing (e.g. "Imports") is dropped.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
    >>> from resilience_analytics.report.html import reader_notebook
    >>> nb = new_notebook(cells=[
    ...     new_code_cell("k = 5  # peers listed\nn = 1", metadata={"tags": ["parameters"]}),
    ...     new_code_cell("k = 7", metadata={"tags": ["injected-parameters"]}),
    ...     new_markdown_cell("## Imports"), new_code_cell("import math"),
    ...     new_markdown_cell("A finding.")])
    >>> [(c.source, c.metadata.get("tags")) for c in reader_notebook(nb).cells]
    [('k = 7  # peers listed\nn = 1', ['parameters', 'ra-show-input']), ('A finding.', None)]
    """
    import copy

    nb = copy.deepcopy(nb)

    def tags(cell) -> list:
        return list(cell.get("metadata", {}).get("tags", []))

    injected = [c for c in nb.cells if "injected-parameters" in tags(c)]
    own = [c for c in nb.cells if "parameters" in tags(c) and c.cell_type == "code"]
    shown = own[0] if own else (injected[0] if injected else None)
    if own and injected:
        shown.source = _merge_parameters(own[0].source, injected[-1].source)
    if shown is not None:
        shown.metadata["tags"] = [*tags(shown), _SHOW]
    cells = [c for c in nb.cells if c is shown or not (
        "injected-parameters" in tags(c) or "parameters" in tags(c))]

    def visible(cell) -> bool:
        return cell.cell_type != "code" or bool(cell.get("outputs")) or cell is shown

    out = []
    for i, cell in enumerate(cells):
        if cell.cell_type == "code" and not visible(cell):
            continue  # no source shown, no output: nothing to show
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("#") and \
                "\n" not in cell.source.strip():
            rest = cells[i + 1:]
            nxt = next((j for j, c in enumerate(rest) if c.cell_type == "markdown"), len(rest))
            section = rest[:nxt]
            if section and not any(visible(c) for c in section):
                continue  # a heading over nothing visible
        out.append(cell)
    nb.cells = out
    return nb


def _exporter():
    """Return the lab HTML exporter with the offline template; code hidden unless tagged."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import Preprocessor

    class HideInput(Preprocessor):
        """Drop the source of every code cell not tagged ``ra-show-input``."""

        def preprocess_cell(self, cell, resources, index):
            if cell.cell_type == "code" and _SHOW not in cell.metadata.get("tags", []):
                cell.metadata.setdefault("transient", {})["remove_source"] = True
            return cell, resources

    exporter = HTMLExporter(template_name="lab", extra_loaders=[DictLoader(
        {"ra_reader.html.j2": _TEMPLATE})], template_file="ra_reader.html.j2",
        exclude_input_prompt=True, exclude_output_prompt=True)
    exporter.register_preprocessor(HideInput(), enabled=True)
    return exporter


def licence_notes(manifest: dict) -> list[str]:
    """Return the licence warnings of the data sets whose numbers a notebook or report shows.

    Data sets come from the manifest's ``data_files`` (files read) and from the columns of
    its tables that ``ra.hazards.exposure_columns()`` traces to a restricted data set
    (numbers read from the exposure cache still carry their source's licence).

    Parameters
    ----------
    manifest : dict
        A notebook's or a report's ``manifest.json``.

    Returns
    -------
    list of str
        One line per restricted data set (:func:`ra.datasets.licence_note`), sorted.

    Examples
    --------
    >>> from resilience_analytics.report.html import licence_notes
    >>> m = {"data_files": [], "tables": {"t.csv": {"columns": ["name", "fl_rate"]}}}
    >>> [n.split(":")[0] for n in licence_notes(m)]
    ['dfo_flood_polygons_1985_2019']
    >>> licence_notes({"data_files": [{"dataset": "coinr_asem"}]})
    []
    """
    from .. import datasets, hazards

    notes: set[str] = set()
    known = set(datasets.names())
    for entry in manifest.get("data_files") or []:
        name = entry.get("dataset") if isinstance(entry, dict) else None
        if name in known:  # cache folders are not registered data sets
            notes.update(datasets.licence_note(name))
    columns = {str(c) for t in (manifest.get("tables") or {}).values()
               for c in (t.get("columns", []) if isinstance(t, dict) else [])}
    if columns:
        cols = hazards.exposure_columns()
        for text in cols.loc[cols["column"].isin(columns), "licence"]:
            # exposure_columns() joins one note per data set with "; "; a note starts
            # with its data set's name
            notes.update(n for n in re.split(r"; (?=[a-z0-9_]+: )", str(text)) if n)
    return sorted(notes)


def _footer(notes: list[str]) -> str:
    e = html.escape
    if not notes:
        return ('<footer class="ra-licences"><p>Data licences: no restriction flagged for '
                "the data sets used here.</p></footer>")
    items = "".join(f"<li>{e(n)}</li>" for n in notes)
    return ('<footer class="ra-licences" style="margin:2rem 0;padding:1rem;border-top:1px '
            'solid #ccc;font:0.85em/1.4 system-ui,sans-serif"><p><b>Data licences.</b> '
            "Numbers on this page come from data sets whose licence restricts their use:"
            "</p><ul>" + items
            + "</ul></footer>")


def export_html(folder: Path, names: list[str]) -> dict[str, str]:
    """Export each executed notebook ``<folder>/<stem>.ipynb`` to HTML; return ``{stem: title}``.

    Code is hidden and the parameters shown once (:func:`reader_notebook`); the page loads
    nothing from another server; its footer lists the licence notes of the data sets in
    ``<folder>/<stem>/manifest.json`` (:func:`licence_notes`).

    Examples
    --------
    >>> from resilience_analytics.report.html import export_html
    >>> export_html(pathlib.Path("build/kyiv"), ["02-hazard-profile"])  # doctest: +SKIP
    {'02-hazard-profile': '02 · Hazard profile'}
    """
    import json

    import nbformat

    exporter = _exporter()
    titles = {}
    for stem in names:
        nb = nbformat.read(folder / f"{stem}.ipynb", as_version=4)
        titles[stem] = notebook_title(nb) or stem
        mpath = folder / stem / MANIFEST_FILENAME
        manifest = json.loads(mpath.read_text("utf-8")) if mpath.exists() else {}
        body, _ = exporter.from_notebook_node(
            reader_notebook(nb), resources={"metadata": {"name": titles[stem]},
                                            "ra_footer": _footer(licence_notes(manifest))})
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
    parts.append("</ol>")
    parts.append(_footer(licence_notes(manifest)))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
