"""Tiny fictional notebooks for the runner, manifest and CLI tests (fast: no real analysis)."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

PARAMETERS = (
    'city: str = "Example City"  # city to analyse (fictional default)\n'
    'output_dir: str = "."  # folder for tables, figures and the manifest\n'
    "scale: float = 2.0  # multiplier; > 0\n"
    'method: str = "mean"  # aggregation; one of: mean, median\n'
    "n: int = 3  # number of rows\n"
)


def make_notebook(path: Path, body: str, *, title: str | None = None) -> Path:
    """Write a notebook with the suite's shape: title, parameters, imports, body, manifest."""
    params = new_code_cell(PARAMETERS)
    params.metadata["tags"] = ["parameters"]
    cells = [
        new_markdown_cell(f"# {title or path.stem}\n\nA tiny fictional notebook for tests."),
        params,
        new_code_cell(
            "import pandas as pd\nimport resilience_analytics as ra\n"
            f'run = ra.manifest.start_notebook("{path.stem}", output_dir,\n'
            '    parameters={"city": city, "scale": scale, "method": method, "n": n})'
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
    "run.table(pd.DataFrame({'city': [city], 'y': [scale / 3]}), 'ratio')"
)


def make_suite(folder: Path, *, title_alpha: str | None = None) -> list[Path]:
    """Two tiny notebooks: 01-alpha (pure numbers), 02-beta (reads one registered data file)."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        make_notebook(folder / "01-alpha.ipynb", ALPHA, title=title_alpha),
        make_notebook(folder / "02-beta.ipynb", BETA),
    ]
