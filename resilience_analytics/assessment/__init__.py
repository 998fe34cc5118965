"""City self-assessment: resilience frameworks as data, fill-in templates, profiles, gaps as needs.

City-to-city learning starts with a self-assessment ("knowing what needs to be discovered") and
ends with an evaluation of what the exchange changed. This module carries the two tools cities
use for that, as data:

* UNDRR's **Disaster Resilience Scorecard for Cities** (Ten Essentials), preliminary level
  (47 questions scored 0–3) and detailed level (117 criteria scored 0–5; only its ten essentials
  are stored here, see ``frameworks/ASSESSMENT.md``);
* the **City Resilience Index** (Arup / Rockefeller Foundation: 4 dimensions, 12 goals,
  52 indicators).

Only structure, item codes and short labels in our own words are stored; the official wording
stays with its publishers (sources in ``resilience_analytics/frameworks/ASSESSMENT.md``).

A city fills a template (CSV or Excel, :func:`write_template`), :func:`load_assessment` validates
it and reports every gap; :func:`profile` scores each essential; :func:`needs_from_gaps` turns
the weakest essentials into rows of the needs-and-offers table; :func:`who_can_teach` asks the
peer and matching helpers who could help; :func:`beside_external` shows the self-assessment
beside INFORM's coping-capacity components through a documented crosswalk; :func:`compare` and
:func:`relate_to_exchanges` evaluate the change between two assessments.

All example scores belong to "Example City (fictional)": no scores are invented for real cities.

Examples
--------
>>> import resilience_analytics as ra
>>> a = ra.assessment.example_assessment("before")
>>> a.city
'Example City (fictional)'
>>> int(a.missing_by_essential.loc["E3"])
1
>>> ra.assessment.weakest(a, n=2).index.tolist()
['E8', 'E5']
"""

from __future__ import annotations

from .evaluation import compare, plot_compare, relate_to_exchanges
from .examples import EXAMPLE_CITY, example_assessment, example_path
from .external import beside_external
from .frameworks import LEVELS, crosswalk, framework, items, validate_framework
from .loading import MAX_XLSX_BYTES, Assessment, load_assessment  # noqa: F401 (used by tests)
from .needs import capacities_for_essential, needs_from_gaps, themes_for_essential, who_can_teach
from .profiles import plot_profile, profile, weakest
from .templates import TEMPLATE_COLUMNS, template, write_template

__all__ = [
    "EXAMPLE_CITY",
    "LEVELS",
    "TEMPLATE_COLUMNS",
    "Assessment",
    "beside_external",
    "capacities_for_essential",
    "compare",
    "crosswalk",
    "example_assessment",
    "example_path",
    "framework",
    "items",
    "load_assessment",
    "needs_from_gaps",
    "plot_compare",
    "plot_profile",
    "profile",
    "relate_to_exchanges",
    "template",
    "themes_for_essential",
    "validate_framework",
    "weakest",
    "who_can_teach",
    "write_template",
]
