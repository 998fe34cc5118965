"""Run the notebook suite for a city into a self-contained report folder, and verify one.

The package is the runner layer of the pipeline (data -> analysis -> presentation -> runner)
and is split by idea:

:mod:`~resilience_analytics.report.parameters`
    :data:`PARAMETERS`, the one typed table of the suite's parameters (name, type, bounds,
    default, help, notebooks that use it): the single source for the command line,
    ``--list-parameters``, validation, the notebooks' parameter cells and the manifest.
:mod:`~resilience_analytics.report.suite`
    The notebooks (only the suite's own run) and their parameter cells written from the spec.
:mod:`~resilience_analytics.report.execution`
    Kernels, the progress bar (naming the notebook running), typed notebook failures.
:mod:`~resilience_analytics.report.html`
    HTML exports and the index page.
:mod:`~resilience_analytics.report.run`
    One report: validation, a safe output folder, the atomic move into place.
:mod:`~resilience_analytics.report.batch`
    Many reports, serially or on a Dask cluster.
:mod:`~resilience_analytics.report.verify`
    Re-running a report from its (untrusted) manifest and comparing every table.

A report folder holds::

    index.html                      links to every notebook, figure and table
    manifest.json                   the receipt: parameters, versions, data files, tables, files
    01-data-sources.ipynb/.html     each executed notebook and its HTML export
    01-data-sources/                its artefacts: manifest.json, tables/*.csv, figures/*.png

Examples
--------
>>> import resilience_analytics as ra
>>> ra.report.slugify("../../etc/passwd"), ra.report.slugify("Den Haag"), ra.report.slugify("Kyiv")
('etc-passwd', 'den-haag', 'kyiv')
>>> ra.report.validate_parameters({"tsunami_radius_km": "1e308"})  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
resilience_analytics.errors.ParameterError: tsunami_radius_km='1e308' is not accepted; ... (km)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._io import slugify
from .batch import run_reports
from .execution import NotebookError, refresh_notebooks
from .parameters import PARAMETERS, RUNNER_PARAMETERS, Parameter
from .run import Report, report_dir, run_report, validate_parameters
from .suite import NOTEBOOKS_ENV, Suite, default_suite, suite_dir
from .verify import Verification, verify

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "NOTEBOOKS_ENV",
    "PARAMETERS",
    "RUNNER_PARAMETERS",
    "NotebookError",
    "Parameter",
    "Report",
    "Suite",
    "Verification",
    "default_suite",
    "main",
    "notebook_parameters",
    "refresh_notebooks",
    "report_dir",
    "run_report",
    "run_reports",
    "slugify",
    "suite_dir",
    "suite_notebooks",
    "validate_parameters",
    "verify",
]


def suite_notebooks(notebook_dir: Any = None) -> list:
    """Return the suite's notebooks (``NN-topic.ipynb``), sorted by number.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.report.suite_notebooks()[0].name  # doctest: +SKIP
    '01-data-sources.ipynb'
    """
    return (Suite(folder=notebook_dir) if notebook_dir is not None
            else default_suite()).notebooks()


def notebook_parameters(suite: Suite | None = None) -> pd.DataFrame:
    """Return the suite's parameter spec as a table: name, type, default, accepted, notebooks, help.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> t = ra.report.notebook_parameters()
    >>> t.set_index("name").loc["k", "accepted"]
    'a whole number in [1, 200]'
    """
    from .parameters import table

    return table(suite.parameters if suite is not None else PARAMETERS)


def main(argv: list[str] | None = None) -> int:
    """``python -m resilience_analytics.report --refresh-notebooks [NN ...]``.

    ``--write-parameter-cells`` rewrites the notebooks' parameter cells from :data:`PARAMETERS`
    (sources only); ``--check-parameter-cells`` exits 1 when one differs.

    Examples
    --------
    In a source checkout, the committed notebooks' parameter cells match the spec:

    >>> from resilience_analytics.report import main
    >>> main(["--check-parameter-cells"])
    0

    A call that asks for nothing is refused (the message goes to stderr):

    >>> try:
    ...     main([])
    ... except SystemExit as exit_:
    ...     print("exit status", exit_.code)
    exit status 2
    """
    import argparse

    parser = argparse.ArgumentParser(prog="python -m resilience_analytics.report")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--refresh-notebooks", action="store_true",
                      help="re-execute the committed notebooks in place")
    what.add_argument("--write-parameter-cells", action="store_true",
                      help="rewrite every notebook's parameters cell from the parameter spec")
    what.add_argument("--check-parameter-cells", action="store_true",
                      help="exit 1 if a notebook's parameters cell differs from the spec")
    parser.add_argument("notebooks", nargs="*", help="notebook names (default: all)")
    args = parser.parse_args(argv)
    if args.write_parameter_cells:
        changed = default_suite().write_parameter_cells()
        print("rewrote the parameters cell of: " + (", ".join(changed) or "none"))
        return 0
    if args.check_parameter_cells:
        stale = default_suite().stale_parameter_cells()
        for stem in stale:
            print(f"{stem}: parameters cell differs from the spec")
        return 1 if stale else 0
    if not args.refresh_notebooks:
        parser.error("nothing to do: use 'resilience-analytics report' for reports")
    seconds = refresh_notebooks(args.notebooks or None)
    for nb, s in seconds.items():
        print(f"{nb}: {s:.1f} s")
    print(f"total: {sum(seconds.values()):.1f} s")
    return 0
