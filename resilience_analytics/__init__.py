"""resilience_analytics: city disaster-resilience analytics on real public data.

Submodules are imported lazily so that ``import resilience_analytics as ra`` stays fast;
``ra.datasets``, ``ra.cities`` and the others load on first use.

Examples
--------
>>> import resilience_analytics as ra
>>> ra.settings.default_city
'The Hague'
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("resilience_analytics")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

_SUBMODULES = (
    "assessment",
    "catalogs",
    "cities",
    "cli",
    "coast",
    "composite",
    "coverage",
    "connections",
    "countries",
    "datasets",
    "earthquake",
    "errors",
    "exchanges",
    "explain",
    "figures",
    "gmpe",
    "hazards",
    "heat",
    "manifest",
    "maps",
    "matching",
    "networks",
    "obtain",
    "peers",
    "report",
    "sealevel",
    "settings",
    "tsunami",
    "typology",
    "validation",
)

__all__ = ["__version__", *_SUBMODULES]

# Light (os and pathlib only), and imported eagerly on purpose: it makes relative folder
# variables absolute in the environment before any notebook kernel is started from here.
from . import settings  # noqa: E402, F401


def __getattr__(name: str):
    if name in _SUBMODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
