"""Command-line interface: ``resilience-analytics`` (also ``python -m resilience_analytics``).

Commands
--------
``summary``
    A city's gazetteer entry and the data catalog.
``report``
    Run the notebook suite for a city (``--city``), several (``--cities``) or a whole network
    (``--network 100rc``) into ``--out``; ``--engine dask`` runs many reports in parallel on a
    Dask cluster (local, or ``--scheduler tcp://host:8786``). ``--list-parameters`` prints
    every notebook parameter with its type, default and help.
``verify``
    Re-run what a report folder's ``manifest.json`` describes, in a temporary folder, and
    report every difference in the result tables.

Examples
--------
.. code-block:: bash

    resilience-analytics report --city "Kyiv" --out build/ -p tsunami_radius_km 30
    resilience-analytics report --network 100rc --engine dask --out build/
    resilience-analytics verify build/kyiv
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["build_parser", "main"]


def _summary(args: argparse.Namespace) -> int:
    from . import cities, datasets

    city = cities.as_city(args.city)  # a name or a GeoNames id, text or digits
    print(f"{city.name}, {city.country_name} (GeoNames {city.city_id}): "
          f"{city.latitude:.4f}, {city.longitude:.4f}; population {city.population:,}")
    cat = datasets.catalog(verify=True)
    print(cat[["available", "verified", "licence"]].to_string())
    return 0


def _parameters(pairs: list[list[str]] | None) -> dict[str, str]:
    from .errors import ParameterError

    out: dict[str, str] = {}
    for name, value in pairs or []:
        if name in out:
            raise ParameterError(f"parameter {name!r} given twice (-p {name} ...)")
        out[name] = value
    return out


def _report(args: argparse.Namespace) -> int:
    from . import report, settings
    from .errors import ParameterError

    if args.quiet:
        settings.progress = False
    notebooks = args.notebooks or None
    if args.list_parameters:
        import pandas as pd

        suite = args.suite or report.default_suite()
        table = report.notebook_parameters(suite)
        if notebooks:
            stems = [p.stem[:2] for p in suite.select(notebooks)]
            table = table[table["notebooks"].apply(
                lambda s: any(n in s.split(", ") for n in stems))]
        with pd.option_context("display.max_colwidth", 90, "display.width", 250):
            print(table.to_string(index=False))
        return 0
    parameters = _parameters(args.parameter)
    if "city" in parameters:
        raise ParameterError("give the city with --city (or --cities), not -p city")
    batch = args.cities is not None or args.network is not None
    if batch and args.city is not None:
        raise ParameterError("give one of --city, --cities or --network")
    if not batch:
        if args.engine != "serial" or args.scheduler:
            raise ParameterError(
                "--engine dask / --scheduler run many reports in parallel: use them with "
                "--cities or --network"
            )
        r = report.run_report(args.city, out=args.out, parameters=parameters,
                              notebooks=notebooks, html=not args.no_html, jobs=args.jobs,
                              country=args.country, force=args.force, suite=args.suite)
        total = sum(r.seconds.values())
        where = f"{r.path}/index.html" if r.html else f"{r.path}/ (no HTML: see manifest.json)"
        print(f"report for {r.city}: {where} "
              f"({len(r.notebooks)} notebooks, {total:.1f} s of notebook time)")
        return 0
    table = report.run_reports(args.cities, network=args.network, out=args.out,
                               parameters=parameters, notebooks=notebooks,
                               engine=args.engine, scheduler=args.scheduler,
                               n_workers=args.workers, html=not args.no_html,
                               country=args.country, force=args.force, suite=args.suite)
    print(table.to_string(index=False))
    failed = int((table["status"] != "ok").sum())
    print(f"{len(table) - failed} report(s) written to {args.out}, {failed} failed")
    return 1 if failed else 0


def _verify(args: argparse.Namespace) -> int:
    from . import report, settings

    if args.quiet:
        settings.progress = False
    result = report.verify(args.folder, rtol=args.rtol, atol=args.atol, jobs=args.jobs,
                           allow_changed_notebooks=args.allow_changed_notebooks,
                           suite=args.suite)
    print(result)
    return 0 if result.ok else 1


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``resilience-analytics``.

    Returns
    -------
    argparse.ArgumentParser

    Examples
    --------
    >>> from resilience_analytics.cli import build_parser
    >>> args = build_parser().parse_args(
    ...     ["report", "--city", "Kyiv", "-p", "tsunami_radius_km", "30"])
    >>> args.command, args.city, args.parameter, args.engine
    ('report', 'Kyiv', [['tsunami_radius_km', '30']], 'serial')
    """
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="resilience-analytics",
        description="City disaster-resilience analytics on real public data.",
    )
    parser.add_argument("--version", action="version",
                        version=f"resilience_analytics {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("summary", help="print a city's gazetteer entry and the data catalog")
    p.add_argument("--city", default="The Hague")
    p.set_defaults(func=_summary)

    p = sub.add_parser(
        "report",
        help="run the notebook suite for a city (or many) into a report folder",
        description="Run the notebook suite for a city into <out>/<city slug>/ with HTML, an "
        "index page and a manifest.json. Parameters are checked before anything runs.",
    )
    who = p.add_mutually_exclusive_group()
    who.add_argument("--city", help="city name (any spelling) or GeoNames id, e.g. 5746545 "
                     "(default: The Hague)")
    who.add_argument("--cities", nargs="+", metavar="CITY", help="several cities: one report each")
    who.add_argument("--network", help="every member city of a network: 100rc, c40 or gcom")
    p.add_argument("--country", help="country that disambiguates the city name (ISO2, ISO3 or "
                   "English name), e.g. --city Portland --country US")
    p.add_argument("--force", action="store_true", help="replace <out>/<city>/ even when it "
                   "holds files the report runner did not write")
    p.add_argument("--out", default="build", help="parent folder of the report folders "
                   "(default: build)")
    p.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"),
                   help="a suite parameter, e.g. -p tsunami_radius_km 30; every notebook that "
                   "uses it receives it (see --list-parameters)")
    p.add_argument("--notebooks", nargs="+", metavar="NB",
                   help="run only these notebooks of the suite (02 or 02-hazard-profile)")
    p.add_argument("--engine", choices=("serial", "dask"), default="serial",
                   help="how to run many reports: one after another, or on a Dask cluster")
    p.add_argument("--scheduler", help="address of a running Dask scheduler (tcp://host:8786); "
                   "default: a LocalCluster on this machine")
    p.add_argument("--workers", type=int, help="worker processes of the local Dask cluster")
    p.add_argument("--jobs", type=int, help="notebooks run at once within one report "
                   "(default: 2 on machines with 2 cores or more)")
    p.add_argument("--no-html", action="store_true", help="skip the HTML export and index page")
    p.add_argument("--list-parameters", action="store_true",
                   help="print every suite parameter (type, default, accepted values, "
                   "notebooks, help) and exit")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_report)

    p = sub.add_parser(
        "verify",
        help="re-run a report from its manifest and compare the result tables",
        description="Re-run what <folder>/manifest.json describes in a temporary folder (the "
        "verified folder is never written to) and report every differing value, and the data "
        "files, packages and code that changed. Exit status 0 when all tables reproduce.",
    )
    p.add_argument("folder", help="a report folder, e.g. build/kyiv")
    p.add_argument("--rtol", type=float, default=0.0, help="relative tolerance (default exact)")
    p.add_argument("--atol", type=float, default=0.0, help="absolute tolerance (default exact)")
    p.add_argument("--jobs", type=int, help="notebooks run at once")
    p.add_argument("--allow-changed-notebooks", action="store_true",
                   help="run the suite's current notebook when its source differs from the one "
                   "recorded (reported as changed code)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_verify)
    return parser


def main(argv: list[str] | None = None, *, suite=None) -> int:
    """Run the command line; return the exit status.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default: ``sys.argv[1:]``).
    suite : resilience_analytics.report.Suite, optional
        Notebooks and parameter spec (default: the repository's); for embedding and tests.

    Returns
    -------
    int
        0 on success, 1 when a notebook or report failed or a verification found differences,
        2 for an invalid request (bad parameter, unknown city, unreadable manifest).

    Examples
    --------
    An invalid request is refused before anything runs (the message goes to stderr):

    >>> from resilience_analytics.cli import main
    >>> main(["report", "-p", "city", "The Hague"])  # the city belongs in --city
    2
    >>> main(["report", "--city", "The Hague", "--engine", "dask"])  # dask is for many cities
    2
    """
    from .errors import AmbiguousCityError, ResilienceError
    from .report import NotebookError

    parser = build_parser()
    args = parser.parse_args(argv)
    args.suite = suite
    try:
        return int(args.func(args) or 0)
    except NotebookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except AmbiguousCityError as exc:
        # the library's message speaks Python (country=); say it in the CLI's own words
        print(f"error: {exc}\nOn the command line: add --country (ISO2, ISO3 or English name), "
              "e.g. --city Portland --country US, or pass the city_id as --city.",
              file=sys.stderr)
        return 2
    except ResilienceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
