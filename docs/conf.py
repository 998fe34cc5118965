"""Sphinx configuration for the resilience_analytics documentation.

Build (CI does the same, with warnings as errors)::

    python -m sphinx -W --keep-going -b html docs build/docs

The notebooks are rendered from their committed outputs (never executed here), the data page is
generated from the registry, and the API reference from the docstrings. Nothing is fetched from
the network: no intersphinx, no CDN assets.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import resilience_analytics as ra  # noqa: E402
from _generate import write_data_page, write_api_pages  # noqa: E402

project = "resilience_analytics"
author = "The resilience_analytics developers"
copyright = "2026, the resilience_analytics developers (BSD-3-Clause; data sets keep their own terms)"
release = ra.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_nb",
]

# ---- generated sources (kept out of git: see .gitignore) -----------------------------------
GENERATED = HERE / "_generated"
if GENERATED.exists():
    shutil.rmtree(GENERATED)
(GENERATED / "notebooks").mkdir(parents=True)
for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
    shutil.copy2(nb, GENERATED / "notebooks" / nb.name)
write_data_page(GENERATED / "data.md")
write_api_pages(GENERATED / "api")

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]
myst_enable_extensions = ["colon_fence", "dollarmath"]
myst_heading_anchors = 3
nb_execution_mode = "off"  # rendered from the committed outputs, exactly what nbval checks
nb_output_stderr = "remove"
suppress_warnings = [
    # notebooks start at h1 and use h3 under h1 in places: cosmetic, not a broken link
    "myst.header",
    # folium/branca maps are stored as text/html outputs with their own inline scripts
    "mystnb.unknown_mime_type",
]

autosummary_generate = True
autodoc_typehints = "none"  # numpydoc renders the types from the docstrings
autodoc_default_options = {"members": True, "undoc-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# MathJax is served from the built site, never from a CDN: the equations are rendered by the
# browser only if mathjax is installed next to the docs; otherwise TeX source shows.
mathjax_path = "mathjax/tex-chtml.js"

html_theme = "pydata_sphinx_theme"
html_title = "resilience_analytics"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_static_path: list[str] = []


def _module_sections_as_rubrics(app, what, name, obj, options, lines):
    """Module docstrings use numpydoc-style section underlines for their own headings.

    Rendered as document sections they would all create the same labels ("examples",
    "notes") on every API page; as rubrics they read the same and stay unique.
    """
    if what != "module":
        return
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if line.strip() and nxt.strip() and set(nxt.strip()) <= set("-=~^") and len(
            nxt.strip()
        ) >= len(line.strip()):
            out += [f".. rubric:: {line.strip()}", ""]
            i += 2
            continue
        out.append(line)
        i += 1
    lines[:] = out


def setup(app):
    app.connect("autodoc-process-docstring", _module_sections_as_rubrics, priority=400)
