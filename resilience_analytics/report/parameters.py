"""The suite's parameters: one typed table, the single source for every place that needs them.

:data:`PARAMETERS` lists every parameter of the notebook suite with its type, bounds, default,
help and the notebooks that compute with it. It is read by the command line (``-p NAME VALUE``
and ``--list-parameters``), by :func:`validate` (before any notebook runs, and for every
manifest :func:`resilience_analytics.report.verify` is given), by
:func:`resilience_analytics.report.suite.parameter_cell` (which writes each notebook's
``parameters`` cell, so a notebook cannot declare anything else) and by the report manifest.

To add or change a parameter (e.g. a hazard model setting), edit one row of
:data:`PARAMETERS`, then run ``python -m resilience_analytics.report --write-parameter-cells``
to rewrite the notebooks' parameter cells.

Bounds keep memory and time sane: a radius beyond 300 km makes the event-to-city pair search
of :func:`resilience_analytics.hazards.exposure` grow with the square of the radius over the
34,006 gazetteer cities (the issue's ``1e308`` grew a notebook to 17 GB), and a peer list
beyond 200 cities is no longer a list a person reads.

Examples
--------
>>> from resilience_analytics.report import parameters as P
>>> P.validate({"tsunami_radius_km": "30", "k": 20})
{'tsunami_radius_km': 30.0, 'k': 20}
>>> P.validate({"tsunami_radius_km": 1e308})  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
resilience_analytics.errors.ParameterError: tsunami_radius_km=1e+308 is not accepted; ...
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..errors import ParameterError

__all__ = ["PARAMETERS", "RUNNER_PARAMETERS", "Parameter", "by_name", "for_notebook", "table",
           "validate"]

#: Parameters the runner sets itself; a user or a manifest cannot set them.
RUNNER_PARAMETERS = ("output_dir",)

_TRUE = {"true", "1", "yes", "y", "on"}
_FALSE = {"false", "0", "no", "n", "off"}
_ALL = ("01", "02", "03", "04", "05", "06", "07", "08")


@dataclass(frozen=True)
class Parameter:
    """One parameter of the suite.

    Attributes
    ----------
    name : str
    type : {"int", "float", "str", "bool", "city", "path"}
        ``"city"``: a gazetteer city given by name (any spelling) or GeoNames id; resolved once
        by the runner and passed to the notebooks as its GeoNames id. ``"path"``: set by the
        runner only.
    default : object
        The value in the notebooks' parameter cells.
    help : str
    notebooks : tuple of str
        Numbers (``"02"``) of the notebooks that compute with it; each of them receives it.
    minimum, maximum : float, optional
        Inclusive bounds of a number.
    choices : tuple, optional
        Accepted values of a text parameter.
    unit : str
        Shown with the bounds.
    notebook_defaults : dict
        ``{notebook number: default}`` where a notebook's cell has another default.

    Examples
    --------
    >>> from resilience_analytics.report.parameters import Parameter
    >>> k = Parameter("k", "int", 10, "peers listed", ("05", "08"), minimum=1, maximum=200,
    ...               notebook_defaults={"08": 5})
    >>> k.check("20"), k.default_for("08-city-report"), k.accepted()
    (20, 5, 'a whole number in [1, 200]')
    >>> k.check(2.5)
    Traceback (most recent call last):
    ...
    resilience_analytics.errors.ParameterError: k=2.5 is not accepted; give ... in [1, 200]
    """

    name: str
    type: str
    default: Any
    help: str
    notebooks: tuple[str, ...]
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Any, ...] | None = None
    unit: str = ""
    notebook_defaults: dict[str, Any] = field(default_factory=dict)

    def accepted(self) -> str:
        """Describe the accepted values (used in every error message and in the help)."""
        if self.choices is not None:
            return "one of: " + ", ".join(map(str, self.choices))
        if self.type in ("int", "float"):
            unit = f" ({self.unit})" if self.unit else ""
            what = "a whole number" if self.type == "int" else "a number"
            return f"{what} in [{self.minimum}, {self.maximum}]{unit}"
        if self.type == "city":
            return "a city name in any spelling the gazetteer knows, or a GeoNames id"
        if self.type == "bool":
            return "true or false"
        return "text"

    def default_for(self, notebook: str) -> Any:
        """Return the default in notebook ``notebook`` (its number or stem)."""
        return self.notebook_defaults.get(notebook[:2], self.default)

    def check(self, value: Any) -> Any:
        """Convert a value (a command-line string, a JSON value) and check it; return it.

        Raises
        ------
        ParameterError
            Naming the value and :meth:`accepted`.
        """
        bad = ParameterError(
            f"{self.name}={_show(value)} is not accepted; give {self.accepted()}")
        t = self.type
        if t == "path":
            raise ParameterError(f"parameter {self.name!r} is set by the report runner; "
                                 "leave it out")
        if t == "bool":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
                return value.strip().lower() in _TRUE
            raise bad
        if t in ("int", "float"):
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise bad
            if isinstance(value, str) and len(value) > 40:
                raise bad
            try:
                number = float(value)
            except (TypeError, ValueError, OverflowError):
                raise bad from None
            if not math.isfinite(number):
                raise bad
            if t == "int":
                if not number.is_integer():
                    raise bad
                number = int(number)
            if (self.minimum is not None and number < self.minimum) or \
                    (self.maximum is not None and number > self.maximum):
                raise bad
            return number
        if t == "str":
            if not isinstance(value, str):
                raise bad
            if self.choices is not None and value not in self.choices:
                raise bad
            return value
        if t == "city":
            if isinstance(value, bool):
                raise bad
            if isinstance(value, int):
                return value
            if isinstance(value, str):
                text = value.strip()
                if not text or len(text) > 200:
                    raise bad
                return int(text) if text.isdigit() else text
            if hasattr(value, "city_id"):
                return value
            raise bad
        raise ParameterError(f"parameter {self.name!r} has an unknown type {t!r}")


def _show(value: Any, limit: int = 80) -> str:
    text = repr(value)
    text = text if len(text) <= limit else text[:limit] + "..."
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


#: Every parameter of the suite. Edit here (one row per parameter); the notebooks' parameter
#: cells are written from this table.
PARAMETERS: tuple[Parameter, ...] = (
    Parameter("city", "city", "The Hague",
              "a city name in any spelling, or its GeoNames id",
              _ALL),
    Parameter("tsunami_radius_km", "float", 50.0,
              "tsunami runup observations counted within this distance of a coastal city "
              "(the tsunami columns; earthquakes, cyclones and floods use fixed, stated "
              "distances); the same distance for every notebook and the peer table",
              _ALL, minimum=5.0, maximum=200.0, unit="km"),
    Parameter("winmax", "int", 5,
              "outlier treatment: at most this many points winsorised per indicator",
              ("03",), minimum=0, maximum=20),
    Parameter("normalisation", "str", "minmax", "normalisation onto 0-10", ("03",),
              choices=("minmax", "prank")),
    Parameter("top", "int", 15, "number of highest-risk cities listed", ("03",),
              minimum=1, maximum=500),
    Parameter("network", "str", "100rc",
              "cities compared: members of this network plus the city", ("04",),
              choices=("100rc", "c40", "rcn", "gcom")),
    Parameter("n", "int", 500, "replications of the uncertainty analysis", ("04",),
              minimum=10, maximum=20_000),
    Parameter("n_sobol", "int", 128,
              "base sample of the Sobol design (n_sobol x (assumptions + 2) runs)", ("04",),
              minimum=8, maximum=4096),
    Parameter("k", "int", 10, "number of peer cities (and offers) listed",
              ("05", "07", "08"), minimum=1, maximum=200,
              notebook_defaults={"07": 5, "08": 5}),
    Parameter("metric", "str", "seuclidean", "distance between hazard profiles",
              ("05", "08"), choices=("seuclidean", "cosine", "mahalanobis", "gower")),
    Parameter("other_city", "city", "Kyiv",
              "city to connect to in the network graph (a name or GeoNames id)", ("05",)),
    Parameter("essential", "int", 8,
              "Ten Essentials number on which to look for teachers", ("07",),
              minimum=1, maximum=10),
    Parameter("output_dir", "path", None,
              "folder for this notebook's tables, figures and manifest (set by the report "
              "runner; default: the repository's build/notebooks, whatever the working "
              "directory)", _ALL),
)


def by_name(spec: tuple[Parameter, ...] = PARAMETERS) -> dict[str, Parameter]:
    """Return ``{name: Parameter}``.

    Examples
    --------
    >>> from resilience_analytics.report import parameters as P
    >>> P.by_name()["tsunami_radius_km"].maximum
    200.0
    """
    return {p.name: p for p in spec}


def for_notebook(notebook: str, spec: tuple[Parameter, ...] = PARAMETERS) -> list[Parameter]:
    """Return the parameters notebook ``notebook`` (its number or stem) computes with.

    Examples
    --------
    >>> from resilience_analytics.report import parameters as P
    >>> [p.name for p in P.for_notebook("08-city-report")]
    ['city', 'tsunami_radius_km', 'k', 'metric', 'output_dir']
    """
    return [p for p in spec if notebook[:2] in p.notebooks]


def validate(values: dict[str, Any], spec: tuple[Parameter, ...] = PARAMETERS, *,
             notebooks: list[str] | None = None) -> dict[str, Any]:
    """Check parameter names and values against the spec; return the converted values.

    Parameters
    ----------
    values : dict
        ``{name: value}``; strings from the command line are converted.
    spec : tuple of Parameter, default :data:`PARAMETERS`
    notebooks : list of str, optional
        Notebook stems being run; a parameter none of them uses is refused.

    Returns
    -------
    dict
        The converted values (cities not yet resolved).

    Raises
    ------
    ParameterError
        For an unknown name (listing the accepted ones), a runner-set name, a value of the
        wrong type or out of bounds (naming value and accepted range).

    Examples
    --------
    >>> from resilience_analytics.report import parameters as P
    >>> P.validate({"k": "1000000"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    resilience_analytics.errors.ParameterError: k='1000000' is not accepted; give ... [1, 200]
    >>> P.validate({"__import__('os')": 1})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    resilience_analytics.errors.ParameterError: unknown parameter "__import__('os')"; ...
    """
    known = by_name(spec)
    if not isinstance(values, dict):
        raise ParameterError(f"parameters must be a mapping name -> value, got {_show(values)}")
    out: dict[str, Any] = {}
    for name, value in values.items():
        if not isinstance(name, str) or name not in known:
            accepted = ", ".join(sorted(n for n, p in known.items() if p.type != "path"))
            raise ParameterError(f"unknown parameter {_show(name)}; the suite accepts: "
                                 f"{accepted}")
        p = known[name]
        if notebooks is not None and p.type != "path" and \
                not any(nb[:2] in p.notebooks for nb in notebooks):
            users = ", ".join(p.notebooks)
            raise ParameterError(
                f"parameter {name!r} is used by notebook(s) {users} only, none of which is "
                f"run ({', '.join(notebooks)}); add one of them to --notebooks or leave it out")
        out[name] = p.check(value)
    return out


def table(spec: tuple[Parameter, ...] = PARAMETERS) -> Any:
    """Return the spec as a DataFrame (``--list-parameters``).

    Examples
    --------
    >>> from resilience_analytics.report import parameters as P
    >>> P.table().set_index("name").loc["tsunami_radius_km", "accepted"]
    'a number in [5.0, 200.0] (km)'
    """
    import pandas as pd

    rows = [{"name": p.name, "type": p.type, "default": p.default, "accepted": p.accepted(),
             "notebooks": ", ".join(p.notebooks), "help": p.help}
            for p in spec if p.type != "path"]
    return pd.DataFrame(rows, columns=["name", "type", "default", "accepted", "notebooks",
                                       "help"])
