"""Tiny fictional notebooks for the runner, manifest and CLI tests (fast: no real analysis).

Their parameters come from :data:`SPEC`, a parameter table of the same kind as the real
suite's (``ra.report.PARAMETERS``); :func:`suite_of` gives the :class:`Suite` to pass to the
runner.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from resilience_analytics.report import Parameter, Suite

_NBS = ("01", "02", "03")

SPEC = (
    Parameter("city", "city", "Example City", "city to analyse (fictional default)",
              _NBS + ("04",)),
    Parameter("scale", "float", 2.0, "multiplier", _NBS, minimum=0.001, maximum=1000.0),
    Parameter("method", "str", "mean", "aggregation", _NBS, choices=("mean", "median")),
    Parameter("n", "int", 3, "number of rows", _NBS, minimum=1, maximum=1000),
    Parameter("other_city", "city", "Kyiv", "a second city", ("04",)),
    Parameter("output_dir", "path", ".", "folder for tables, figures and the manifest",
              _NBS + ("04",)),
)


def suite_of(paths_or_folder) -> Suite:
    """The Suite of the folder holding these fictional notebooks, with :data:`SPEC`."""
    folder = paths_or_folder if isinstance(paths_or_folder, Path) else paths_or_folder[0].parent
    return Suite(folder=folder, parameters=SPEC)


def make_notebook(path: Path, body: str, *, title: str | None = None) -> Path:
    """Write a notebook with the suite's shape: title, parameters, imports, body, manifest."""
    params = new_code_cell(suite_of(path.parent).parameter_cell(path.stem))
    params.metadata["tags"] = ["parameters"]
    record = "{" + ", ".join(f'"{p.name}": {p.name}' for p in SPEC
                             if path.stem[:2] in p.notebooks and p.type != "path") + "}"
    cells = [
        new_markdown_cell(f"# {title or path.stem}\n\nA tiny fictional notebook for tests."),
        params,
        new_code_cell(
            "import pandas as pd\nimport resilience_analytics as ra\n"
            f'run = ra.manifest.start_notebook("{path.stem}", output_dir,\n'
            f'    parameters={record})'
        ),
        new_code_cell(body),
        new_code_cell("run.finish();"),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, path)
    return path


ALPHA = (
    "df = pd.DataFrame({'x': [float(i) for i in range(n)]}) * scale\n"
    "df['agg'] = df['x'].mean() if method == 'mean' else df['x'].median()\n"
    "run.table(df, 'values')"
)
BETA = (
    "ra.datasets.get_path('gvp_holocene_volcanoes')\n"
    "run.table(pd.DataFrame({'city': [ra.cities.resolve(city).name], 'y': [scale / 3]}), "
    "'ratio')"
)


def make_suite(folder: Path, *, title_alpha: str | None = None) -> list[Path]:
    """Two tiny notebooks: 01-alpha (pure numbers), 02-beta (reads one registered data file)."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        make_notebook(folder / "01-alpha.ipynb", ALPHA, title=title_alpha),
        make_notebook(folder / "02-beta.ipynb", BETA),
    ]
