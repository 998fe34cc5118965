"""The filled example templates of the fictional "Example City".

No scores are invented for real cities: :data:`EXAMPLE_CITY` is the only city with scores.

Examples
--------
>>> from resilience_analytics.assessment import examples
>>> examples.example_assessment("after").city == examples.EXAMPLE_CITY
True
"""

from __future__ import annotations

from pathlib import Path

from .._validate import check_choice
from ._common import _package_file
from .loading import Assessment, load_assessment

EXAMPLE_CITY = "Example City (fictional)"

# --------------------------------------------------------------------------------------------
# examples
# --------------------------------------------------------------------------------------------
_EXAMPLES = {"before": "example_city_preliminary.csv",
             "after": "example_city_preliminary_after.csv"}


def example_path(which: str = "before") -> Path:
    """Path of a filled example template of "Example City (fictional)".

    Parameters
    ----------
    which : {"before", "after"}
        ``"before"``: 2023-03-15, two answers missing; ``"after"``: 2025-04-10, complete, after
        (fictional) exchanges on critical infrastructure and nature-based solutions.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.assessment.example_path("after").name
    'example_city_preliminary_after.csv'
    """
    check_choice("which", which, list(_EXAMPLES))
    return _package_file("templates", _EXAMPLES[which])


def example_assessment(which: str = "before") -> Assessment:
    """Load an example assessment of "Example City (fictional)" (scores are made up).

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.assessment.example_assessment("after").n_missing
    0
    """
    return load_assessment(example_path(which))
