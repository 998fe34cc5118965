"""The notebook suite: its folder, its notebooks, and the parameter cells written from the spec.

A :class:`Suite` is a folder of ``NN-topic.ipynb`` notebooks plus the parameter table
(:data:`resilience_analytics.report.parameters.PARAMETERS`) that says what each notebook
receives. Only a suite's own notebooks run: a notebook is chosen by number or name, never by a
path outside the suite's folder.

Examples
--------
>>> from resilience_analytics.report.suite import Suite
>>> print(Suite(folder=".").parameter_cell("04-uncertainty-sensitivity"))  # doctest: +ELLIPSIS
city = "The Hague"  # a city name in any spelling, or its GeoNames id
# tsunami runup observations counted within this distance of a coastal city (the tsunami columns;
# earthquakes, cyclones and floods use fixed, stated distances); the same distance for every
# notebook and the peer table
tsunami_radius_km: float = 50.0  # a number in [5.0, 200.0] (km)
...
output_dir = None
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ParameterError
from . import parameters as P

__all__ = ["NOTEBOOKS_ENV", "Suite", "default_suite", "suite_dir"]

#: Environment variable pointing at a folder of suite notebooks (default: the repository's).
NOTEBOOKS_ENV = "RESILIENCE_NOTEBOOKS_DIR"

_NOTEBOOK_NAME = re.compile(r"^\d\d-[a-z0-9-]+\.ipynb$")
# papermill reads simple annotations only (no ``str | int``): cities (a name or an id) and the
# runner's path are written without one
_HINTS = {"int": ": int", "float": ": float", "str": ": str", "bool": ": bool", "city": "",
          "path": ""}


def suite_dir() -> Path:
    """Return the folder of the suite's notebooks.

    ``RESILIENCE_NOTEBOOKS_DIR`` if set, else ``notebooks/`` of the source tree the package is
    installed from (an editable install).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ParameterError
        If no such folder exists.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.report.suite_dir().name  # doctest: +SKIP
    'notebooks'
    """
    from .._io import repository_root

    env = os.environ.get(NOTEBOOKS_ENV)
    root = repository_root()
    folder = Path(env) if env else (root / "notebooks" if root is not None else Path("notebooks"))
    if not folder.is_dir():
        raise ParameterError(
            f"notebook folder {folder} not found; set {NOTEBOOKS_ENV} to the folder holding "
            "the suite's NN-topic.ipynb notebooks (the repository's notebooks/)"
        )
    return folder


@dataclass(frozen=True)
class Suite:
    """A folder of notebooks and the parameters they take.

    Attributes
    ----------
    folder : pathlib.Path
    parameters : tuple of Parameter
        Default :data:`resilience_analytics.report.parameters.PARAMETERS`.

    Examples
    --------
    >>> import tempfile, pathlib, nbformat
    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> from resilience_analytics.report import Parameter, Suite
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> spec = (Parameter("n", "int", 3, "rows", ("01",), minimum=1, maximum=9),)
    >>> cell = new_code_cell("n = 1")
    >>> cell.metadata["tags"] = ["parameters"]
    >>> nbformat.write(new_notebook(cells=[cell]), folder / "01-demo.ipynb")
    >>> suite = Suite(folder, spec)
    >>> [p.name for p in suite.select(["01"])], suite.parameter_cell("01-demo")
    (['01-demo.ipynb'], 'n: int = 3  # rows; a whole number in [1, 9]')
    >>> list(suite.stale_parameter_cells()), suite.write_parameter_cells()
    (['01-demo'], ['01-demo'])
    >>> suite.stale_parameter_cells()
    {}
    """

    folder: Path
    parameters: tuple[P.Parameter, ...] = P.PARAMETERS

    def __post_init__(self) -> None:
        object.__setattr__(self, "folder", Path(self.folder))

    def notebooks(self) -> list[Path]:
        """Return the suite's notebooks (``NN-topic.ipynb``), sorted by number."""
        found = sorted(p for p in self.folder.glob("*.ipynb") if _NOTEBOOK_NAME.match(p.name))
        if not found:
            raise ParameterError(f"no NN-topic.ipynb notebooks in {self.folder}")
        return found

    def select(self, notebooks: list[str | Path] | None = None) -> list[Path]:
        """Return the notebooks chosen by number (``"02"``), name or a path inside the suite.

        Raises
        ------
        ParameterError
            For a notebook the suite does not have (listing the suite's), or a path outside it.
        """
        suite = self.notebooks()
        if notebooks is None:
            return [p.resolve() for p in suite]
        out = []
        for nb in notebooks:
            text = str(nb)
            p = Path(text)
            if len(p.parts) > 1 or p.suffix:
                inside = [s for s in suite if p.is_file() and s.resolve() == p.resolve()]
                if not inside:
                    raise ParameterError(
                        f"notebook {text!r} not found in the suite: only the suite's own "
                        f"notebooks run ({self.folder}): " + ", ".join(s.stem for s in suite))
                out.append(inside[0].resolve())
                continue
            matches = [s for s in suite if text in (s.stem, s.stem.split("-")[0])]
            if len(matches) != 1:
                raise ParameterError(
                    f"notebook {text!r} not found; the suite's notebooks are: "
                    + ", ".join(s.stem for s in suite))
            out.append(matches[0].resolve())
        return out

    def by_name(self, name: str) -> Path:
        """Return the notebook called exactly ``name`` (a stem), or raise ParameterError."""
        for s in self.notebooks():
            if s.stem == name:
                return s.resolve()
        raise ParameterError(f"notebook {name!r} is not one of the suite's: "
                             + ", ".join(s.stem for s in self.notebooks()))

    def parameter_cell(self, notebook: str) -> str:
        """Return the source of a notebook's ``parameters`` cell, written from the spec."""
        import textwrap

        lines = []
        for p in P.for_notebook(notebook, self.parameters):
            default = p.default_for(notebook)
            value = f'"{default}"' if isinstance(default, str) else repr(default)
            line = f"{p.name}{_HINTS[p.type]} = {value}"
            if p.type in ("city", "path"):
                inline = f"{line}  # {p.help}"
                if len(inline) <= 99:
                    lines.append(inline)
                    continue
                lines.extend(textwrap.wrap(p.help, 97, initial_indent="# ",
                                           subsequent_indent="# "))
                lines.append(line)
                continue
            inline = f"{line}  # {p.help}; {p.accepted()}"
            if len(inline) <= 99:
                lines.append(inline)
            else:
                lines.extend(textwrap.wrap(p.help, 97, initial_indent="# ",
                                           subsequent_indent="# "))
                lines.append(f"{line}  # {p.accepted()}")
        return "\n".join(lines)

    def stale_parameter_cells(self) -> dict[str, tuple[str, str]]:
        """Return ``{stem: (cell now, cell from the spec)}`` for notebooks whose cell differs."""
        import nbformat

        out = {}
        for path in self.notebooks():
            nb = nbformat.read(path, as_version=4)
            cell = _parameters_cell(nb, path)
            want = self.parameter_cell(path.stem)
            if cell.source != want:
                out[path.stem] = (cell.source, want)
        return out

    def write_parameter_cells(self) -> list[str]:
        """Rewrite every notebook's ``parameters`` cell from the spec (sources only).

        Outputs, execution counts and other cells are left as they are. Returns the stems of
        the notebooks changed.
        """
        import nbformat

        from .._io import atomic_write

        changed = []
        for path in self.notebooks():
            nb = nbformat.read(path, as_version=4)
            cell = _parameters_cell(nb, path)
            want = self.parameter_cell(path.stem)
            if cell.source != want:
                cell.source = want
                mode = path.stat().st_mode & 0o777
                atomic_write(path, lambda tmp, nb=nb: nbformat.write(nb, tmp))
                os.chmod(path, mode)
                changed.append(path.stem)
        return changed


def _parameters_cell(nb, path: Path):
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ParameterError(f"{path.name} has {len(cells)} cells tagged 'parameters'; "
                             "a suite notebook has exactly one")
    return cells[0]


def default_suite() -> Suite:
    """Return the suite of :func:`suite_dir` with :data:`~.parameters.PARAMETERS`.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> [n.stem[:2] for n in ra.report.default_suite().notebooks()][:3]  # doctest: +SKIP
    ['01', '02', '03']
    """
    return Suite(folder=suite_dir())
