"""Command-line interface: ``resilience-analytics`` (also ``python -m resilience_analytics``)."""

from __future__ import annotations

import argparse
import sys

__all__ = ["main"]


def _summary(args: argparse.Namespace) -> int:
    from . import cities, datasets

    city = cities.resolve(args.city)
    print(f"{city.name}, {city.country_name} (GeoNames {city.city_id}): "
          f"{city.latitude:.4f}, {city.longitude:.4f}; population {city.population:,}")
    cat = datasets.catalog(verify=True)
    print(cat[["available", "verified", "licence"]].to_string())
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``resilience-analytics``."""
    parser = argparse.ArgumentParser(
        prog="resilience-analytics",
        description="City disaster-resilience analytics on real public data.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("summary", help="print a city's gazetteer entry and the data catalog")
    p.add_argument("--city", default="The Hague")
    p.set_defaults(func=_summary)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    from .errors import ResilienceError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ResilienceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
