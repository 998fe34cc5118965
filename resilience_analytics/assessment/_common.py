"""Small helpers shared by the modules of :mod:`resilience_analytics.assessment`.

Package-data files (``frameworks/``, ``templates/``) are looked up relative to the package root
``resilience_analytics``, not to this subpackage.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any


def _package_file(folder: str, name: str) -> Path:
    return Path(str(resources.files("resilience_analytics").joinpath(folder, name)))


def _isna(v: Any) -> bool:
    import pandas as pd

    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False
