"""Run the notebook suite for a city into a self-contained report folder, and verify one.

:func:`run_report` validates the parameters before any heavy work (an unknown city gets
suggestions; a bad value gets the accepted ones, read from each notebook's ``parameters`` cell
with :func:`papermill.inspect_notebook`), executes every notebook with papermill (a progress bar
with one step per notebook), exports each to HTML with nbconvert, writes an index page and a
``manifest.json``, and moves the finished folder into place at the very end. The folder is
``<out>/<slug of the city's name>/`` (``build/kyiv/``): the slug keeps only ``a-z``, ``0-9`` and
``-``, so no city name can write outside ``out``. A failed notebook leaves no half-written
report behind (the report is built in a hidden temporary folder inside ``out``) and the error
names the notebook and the cell. Re-running overwrites the same folder cleanly.

A report folder holds::

    index.html                      links to every notebook, figure and table
    manifest.json                   the receipt: parameters, versions, data files, tables
    01-data-sources.ipynb/.html     each executed notebook and its HTML export
    01-data-sources/                its artefacts: manifest.json, tables/*.csv, figures/*.png

:func:`run_reports` runs many cities (a list, or every member of a city network), one after the
other or in parallel on a Dask cluster (``engine="dask"``: a ``LocalCluster`` by default, or an
existing scheduler's address), the path for users who outgrow one machine.

:func:`verify` re-runs what a report's manifest describes in a temporary folder and reports,
number by number, every difference in the result tables, naming the data files, packages and
notebooks that changed.

Notebook parameters
-------------------
Each notebook's ``parameters`` cell holds literals with type hints and a comment; the comment
is the parameter's help, and may state the accepted values, which the runner enforces::

    city: str = "The Hague"  # city to analyse (any spelling in the gazetteer)
    radius_km: float = 100.0  # search radius around the city in km; > 0
    metric: str = "seuclidean"  # distance between cities; one of: seuclidean, euclidean

``output_dir`` is set by the runner (the report folder); ``city`` is checked with
:func:`resilience_analytics.cities.resolve`.

Examples
--------
>>> import resilience_analytics as ra
>>> ra.report.slugify("../../etc/passwd"), ra.report.slugify("Den Haag"), ra.report.slugify("Kyiv")
('etc-passwd', 'den-haag', 'kyiv')
"""

from __future__ import annotations

import ast
import contextlib
import html
import os
import re
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import settings
from .errors import ParameterError, ResilienceError
from .manifest import FILENAME as MANIFEST_FILENAME

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "NotebookError",
    "Report",
    "Verification",
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

#: Environment variable pointing at a folder of suite notebooks (default: the repository's).
NOTEBOOKS_ENV = "RESILIENCE_NOTEBOOKS_DIR"

#: Parameters the runner sets itself; a user cannot override them.
RUNNER_PARAMETERS = ("output_dir",)

_SLUG_BAD = re.compile(r"[^a-z0-9]+")
_NOTEBOOK_NAME = re.compile(r"^\d\d-[a-z0-9-]+\.ipynb$")


class NotebookError(ResilienceError, RuntimeError):
    """A notebook of the suite failed; the message names the notebook and the cell."""

    def __init__(self, message: str, notebook: str = "", cell: int | None = None):
        super().__init__(message)
        self.notebook = notebook
        self.cell = cell


# --------------------------------------------------------------------------- paths and slugs


def slugify(text: str, *, max_length: int = 80) -> str:
    r"""Return a safe folder name: transliterated, lower case, ``a-z0-9`` joined by ``-``.

    The result never contains ``/``, ``\\``, ``.`` or other path syntax, so it cannot point
    outside the folder it is joined to. Empty results become ``"report"``.

    Parameters
    ----------
    text : str
    max_length : int, default 80

    Returns
    -------
    str

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.report.slugify("São Paulo"), ra.report.slugify("<script>alert(1)</script>")
    ('sao-paulo', 'script-alert-1-script')
    >>> ra.report.slugify("..")
    'report'
    """
    from unidecode import unidecode

    slug = _SLUG_BAD.sub("-", unidecode(str(text)).lower()).strip("-")
    slug = slug[:max_length].strip("-")
    return slug or "report"


def report_dir(out: str | Path, name: str) -> Path:
    """Return ``<out>/<slugify(name)>``, checked to lie inside ``out``.

    Parameters
    ----------
    out : str or pathlib.Path
    name : str

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.report.report_dir("build", "../../etc").as_posix()
    'build/etc'
    """
    out = Path(out)
    target = out / slugify(name)
    if not target.resolve().is_relative_to(out.resolve()):  # pragma: no cover - slug forbids it
        raise ParameterError(f"report folder {target} would lie outside --out {out}")
    return target


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
    """
    env = os.environ.get(NOTEBOOKS_ENV)
    folder = Path(env) if env else Path(__file__).resolve().parents[1] / "notebooks"
    if not folder.is_dir():
        raise ParameterError(
            f"notebook folder {folder} not found; set {NOTEBOOKS_ENV} to the folder holding "
            "the suite's NN-topic.ipynb notebooks (the repository's notebooks/)"
        )
    return folder


def suite_notebooks(notebook_dir: str | Path | None = None) -> list[Path]:
    """Return the suite's notebooks (``NN-topic.ipynb``), sorted by number.

    Parameters
    ----------
    notebook_dir : str or pathlib.Path, optional
        Default :func:`suite_dir`.

    Returns
    -------
    list of pathlib.Path
    """
    folder = Path(notebook_dir) if notebook_dir is not None else suite_dir()
    found = sorted(p for p in folder.glob("*.ipynb") if _NOTEBOOK_NAME.match(p.name))
    if not found:
        raise ParameterError(f"no NN-topic.ipynb notebooks in {folder}")
    return found


def _resolve_notebooks(notebooks: list[str | Path] | None) -> list[Path]:
    """Return notebook paths: paths as given, names (``"02"``, ``"02-hazards"``) from the suite."""
    if notebooks is None:
        return suite_notebooks()
    out = []
    for nb in notebooks:
        p = Path(nb)
        if p.is_file():
            out.append(p.resolve())
            continue
        if len(p.parts) > 1 or p.suffix:
            raise ParameterError(f"notebook {str(nb)!r} not found (no such file)")
        suite = suite_notebooks()
        matches = [s for s in suite if s.stem == str(nb) or s.stem.split("-")[0] == str(nb)]
        if len(matches) != 1:
            raise ParameterError(
                f"notebook {str(nb)!r} not found; the suite's notebooks are: "
                + ", ".join(s.stem for s in suite)
            )
        out.append(matches[0].resolve())
    return out


# --------------------------------------------------------------------------- parameters


def notebook_parameters(notebooks: list[str | Path] | None = None) -> pd.DataFrame:
    """Return every notebook's parameters as declared in its ``parameters`` cell.

    Parameters
    ----------
    notebooks : list of paths or names, optional
        Default: the whole suite.

    Returns
    -------
    pandas.DataFrame
        Columns ``notebook, name, type, default, help``.
    """
    import pandas as pd
    import papermill

    rows = []
    for nb in _resolve_notebooks(notebooks):
        for name, p in papermill.inspect_notebook(str(nb)).items():
            rows.append({"notebook": nb.stem, "name": name, "type": p["inferred_type_name"],
                         "default": p["default"], "help": p["help"]})
    return pd.DataFrame(rows, columns=["notebook", "name", "type", "default", "help"])


_TRUE = {"true", "1", "yes", "y", "on"}
_FALSE = {"false", "0", "no", "n", "off"}


def _coerce(name: str, value: Any, type_name: str) -> Any:
    """Convert/check ``value`` against a notebook parameter's type hint."""
    t = (type_name or "").replace(" ", "").lower()
    if t in ("", "none"):
        return value
    what = f"parameter {name!r} ({type_name})"
    if t.startswith("list") or t.startswith("tuple"):
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                try:
                    value = ast.literal_eval(text)
                except (ValueError, SyntaxError):
                    raise ParameterError(f"{what}: cannot read {value!r} as a list") from None
            else:
                value = [v.strip() for v in text.split(",") if v.strip()]
        if not isinstance(value, list | tuple):
            raise ParameterError(f"{what} must be a list, got {value!r}")
        inner = t[t.find("[") + 1 : -1] if "[" in t else ""
        return [_coerce(name, v, inner) for v in value]
    if t == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
            return value.lower() in _TRUE
        raise ParameterError(f"{what} must be true or false, got {value!r}")
    if t == "int":
        if isinstance(value, bool):
            raise ParameterError(f"{what} must be a whole number, got {value!r}")
        try:
            f = float(value)
        except (TypeError, ValueError):
            raise ParameterError(f"{what} must be a whole number, got {value!r}") from None
        if not f.is_integer():
            raise ParameterError(f"{what} must be a whole number, got {value!r}")
        return int(f)
    if t == "float":
        if isinstance(value, bool):
            raise ParameterError(f"{what} must be a number, got {value!r}")
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ParameterError(f"{what} must be a number, got {value!r}") from None
    if t == "str":
        if not isinstance(value, str):
            raise ParameterError(f"{what} must be text, got {value!r}")
        return value
    return value


_ONE_OF = re.compile(r"one of:?\s*(.+?)\s*$", re.IGNORECASE)
_POSITIVE = re.compile(r"(>\s*0\b)|\bpositive\b", re.IGNORECASE)
_RANGE = re.compile(r"\bin \[\s*([-\d.eE+]+)\s*,\s*([-\d.eE+]+)\s*\]")


def _check_domain(name: str, value: Any, help_text: str) -> None:
    """Enforce the accepted values a parameter's comment declares."""
    from ._validate import check_choice, check_positive

    values = value if isinstance(value, list) else [value]
    m = _ONE_OF.search(help_text or "")
    if m:
        accepted = [a.strip().strip("'\"") for a in re.split(r"[,|]", m.group(1)) if a.strip()]
        for v in values:
            check_choice(name, v, accepted)
    if _POSITIVE.search(help_text or ""):
        for v in values:
            check_positive(name, v)
    r = _RANGE.search(help_text or "")
    if r:
        lo, hi = float(r.group(1)), float(r.group(2))
        for v in values:
            if not lo <= float(v) <= hi:
                raise ParameterError(f"{name}={v!r} is not accepted; give a number in [{lo}, {hi}]")


def validate_parameters(
    parameters: dict[str, Any], notebooks: list[str | Path] | None = None
) -> tuple[Any, dict[str, dict[str, Any]]]:
    """Check parameters against the notebooks' ``parameters`` cells, before any heavy work.

    Parameters
    ----------
    parameters : dict
        ``{name: value}``; values may be strings from the command line (converted with the
        parameter's type hint). ``city`` and any ``*_city`` are resolved in the gazetteer.
    notebooks : list of paths or names, optional
        Default: the whole suite.

    Returns
    -------
    city : resilience_analytics.cities.City or None
        The resolved city, when a ``city`` was given.
    per_notebook : dict
        ``{notebook path: {name: value}}``: the parameters each notebook declares.

    Raises
    ------
    ParameterError
        Naming the parameter and the accepted names or values.
    UnknownCityError, AmbiguousCityError
        For a city the gazetteer does not know (with suggestions) or cannot decide.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.report.validate_parameters({"colour": "red"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    resilience_analytics.errors.ParameterError: unknown parameter 'colour'; ...
    """
    import papermill

    paths = _resolve_notebooks(notebooks)
    declared = {p: papermill.inspect_notebook(str(p)) for p in paths}
    known: dict[str, dict] = {"city": {"inferred_type_name": "str", "help": ""}}
    for params in declared.values():
        for name, spec in params.items():
            known.setdefault(name, spec)
    for name in parameters:
        if name in RUNNER_PARAMETERS:
            raise ParameterError(f"parameter {name!r} is set by the report runner; leave it out")
        if name not in known:
            accepted = sorted(n for n in known if n not in RUNNER_PARAMETERS)
            raise ParameterError(
                f"unknown parameter {name!r}; the notebooks accept: {', '.join(accepted)}"
            )
    values = {}
    for name, value in parameters.items():
        spec = known[name]
        if name == "city" and not isinstance(value, str | bool):
            values[name] = value  # a GeoNames id or an already resolved City
            continue
        v = _coerce(name, value, spec["inferred_type_name"])
        _check_domain(name, v, spec["help"])
        values[name] = v
    for name, value in values.items():
        if name.endswith("_city") and isinstance(value, str):
            from . import cities

            cities.resolve(value)  # another city named by a notebook (e.g. other_city)
    city = None
    if "city" in values:
        from . import cities

        if isinstance(values["city"], cities.City):
            city = values["city"]
            values["city"] = city.name
            return city, {p: {k: v for k, v in values.items() if k in declared[p]}
                          for p in paths}
        city = cities.resolve(values["city"])
        # pass the canonical name when it resolves to the same city, else the user's spelling
        try:
            same = cities.resolve(city.name).city_id == city.city_id
        except ResilienceError:
            same = False
        values["city"] = city.name if same else values["city"]
    per_notebook = {
        p: {k: v for k, v in values.items() if k in declared[p]} for p in paths
    }
    return city, per_notebook


# --------------------------------------------------------------------------- execution


_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                "NUMEXPR_NUM_THREADS")


@contextlib.contextmanager
def _kernel_environment(threads: int | None = None):
    """Hand the in-process settings (data dir, cache dir) to the kernels through the env.

    ``JUPYTER_PATH`` puts this environment's kernel spec first, so that the kernel runs the
    Python that has this library even when the user has another ``python3`` kernel spec. With
    ``threads``, the BLAS/OpenMP pools of each kernel are limited (unless the user set them):
    kernels running side by side then do not oversubscribe the cores, and a report and its
    verification run with the same thread count whatever ``jobs`` is, so that floating-point
    reductions give the same bits.
    """
    import sys

    saved = {k: os.environ.get(k)
             for k in ("RESILIENCE_DATA_DIR", "RESILIENCE_CACHE_DIR", "JUPYTER_PATH",
                       *_THREAD_VARS)}
    if threads is not None:
        for k in _THREAD_VARS:
            if not saved[k]:
                os.environ[k] = str(threads)
    own = Path(sys.prefix) / "share" / "jupyter"
    if (own / "kernels").is_dir():
        os.environ["JUPYTER_PATH"] = os.pathsep.join(
            [str(own)] + ([saved["JUPYTER_PATH"]] if saved["JUPYTER_PATH"] else []))
    data = settings.get_data_dir()
    if data is not None:
        os.environ["RESILIENCE_DATA_DIR"] = str(Path(data).resolve())
    os.environ["RESILIENCE_CACHE_DIR"] = str(Path(settings.get_cache_dir()).resolve())
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _execute_one(src: Path, target: Path, params: dict, *, kernel_name: str | None,
                 timeout: float | None) -> float:
    """Execute one notebook into ``target`` (its folder is the kernel's working directory)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    start = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(src), str(target), parameters={**params, "output_dir": "."},
            kernel_name=kernel_name, progress_bar=False, log_output=False,
            execution_timeout=timeout, resources={"metadata": {"path": str(target.parent)}},
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )
    except PapermillExecutionError as exc:
        cell = _source_cell_index(target, exc.cell_index)
        first = next((ln for ln in str(exc.source).splitlines() if ln.strip()), "")
        raise NotebookError(
            f"notebook {src.name} failed in cell {cell} (In [{exc.exec_count}], cells counted "
            f"from 0 as in {src.name}; it starts {first[:80]!r}): {exc.ename}: {exc.evalue}",
            notebook=src.name, cell=cell,
        ) from None
    except Exception as exc:  # kernel died, timeout, ...
        raise NotebookError(
            f"notebook {src.name} could not be run: {type(exc).__name__}: {exc}",
            notebook=src.name,
        ) from exc
    return time.perf_counter() - start


def _source_cell_index(executed: Path, index: int) -> int:
    """Map a cell index of papermill's output (with its injected-parameters cell) to the source."""
    import nbformat

    try:
        nb = nbformat.read(executed, as_version=4)
    except (OSError, ValueError):
        return index
    injected = [i for i, c in enumerate(nb.cells)
                if "injected-parameters" in c.get("metadata", {}).get("tags", [])]
    return index - sum(1 for i in injected if i < index)


def _run_suite(target: Path, plan: list[tuple[Path, dict]], *, progress: bool,
               kernel_name: str | None, timeout: float | None, jobs: int,
               desc: str) -> dict[str, float]:
    """Execute every notebook of ``plan`` into ``target``; return seconds per notebook."""
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    from tqdm.auto import tqdm

    seconds: dict[str, float] = {}
    bar = tqdm(total=len(plan), desc=desc, unit="notebook", disable=not progress)
    with _kernel_environment(threads=1):
        try:
            if jobs <= 1:
                for src, params in plan:
                    bar.set_postfix_str(src.stem)
                    seconds[src.stem] = _execute_one(src, target / src.name, params,
                                                     kernel_name=kernel_name, timeout=timeout)
                    bar.update(1)
            else:
                with ThreadPoolExecutor(max_workers=jobs) as pool:
                    futures = {
                        pool.submit(_execute_one, src, target / src.name, params,
                                    kernel_name=kernel_name, timeout=timeout): src
                        for src, params in plan
                    }
                    pending = set(futures)
                    while pending:
                        done, pending = wait(pending, return_when=FIRST_COMPLETED)
                        for fut in done:
                            if fut.exception() is not None:
                                for other in pending:
                                    other.cancel()
                                raise fut.exception()
                            seconds[futures[fut].stem] = fut.result()
                            bar.set_postfix_str(futures[fut].stem)
                            bar.update(1)
        finally:
            bar.close()
    return {src.stem: seconds[src.stem] for src, _ in plan}


# --------------------------------------------------------------------------- HTML


def _notebook_title(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


def _export_html(folder: Path, names: list[str]) -> dict[str, str]:
    """Export each executed notebook to HTML; return ``{stem: title}``."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    titles = {}
    for stem in names:
        nb = nbformat.read(folder / f"{stem}.ipynb", as_version=4)
        titles[stem] = _notebook_title(nb) or stem
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": titles[stem]}})
        (folder / f"{stem}.html").write_text(body, "utf-8")
    return titles


def _index_html(folder: Path, heading: str, entries: list[dict], manifest: dict) -> str:
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(heading)}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;"
        "padding:0 1rem;line-height:1.5}img{max-width:18rem;border:1px solid #ccc;margin:.25rem}"
        "code{background:#f4f4f4;padding:0 .2rem}</style></head><body>",
        f"<h1>{e(heading)}</h1>",
    ]
    params = manifest.get("parameters", {})
    if params:
        parts.append("<p>Parameters: " + ", ".join(
            f"<code>{e(str(k))} = {e(repr(v))}</code>" for k, v in params.items()) + "</p>")
    lib = manifest.get("library", {})
    parts.append(
        f"<p>resilience_analytics {e(str(lib.get('version')))}, commit "
        f"<code>{e(str(lib.get('commit')))}</code>; receipt: "
        f'<a href="{e(MANIFEST_FILENAME)}">{e(MANIFEST_FILENAME)}</a> '
        "(check it with <code>resilience-analytics verify &lt;this folder&gt;</code>).</p>"
    )
    parts.append("<ol>")
    for entry in entries:
        stem = entry["name"]
        parts.append(
            f'<li><a href="{e(stem)}.html">{e(entry["title"])}</a> '
            f'(<a href="{e(stem)}.ipynb">notebook</a>)'
        )
        if entry["tables"]:
            parts.append("<br>Tables: " + ", ".join(
                f'<a href="{e(t)}">{e(Path(t).name)}</a>' for t in entry["tables"]))
        if entry["figures"]:
            parts.append("<br>")
            for fig in entry["figures"]:
                if fig.endswith(".png"):
                    parts.append(f'<a href="{e(fig)}"><img src="{e(fig)}" '
                                 f'alt="{e(Path(fig).stem)}"></a>')
                else:
                    parts.append(f'<a href="{e(fig)}">{e(Path(fig).name)}</a>')
        parts.append("</li>")
    parts.append("</ol></body></html>")
    return "\n".join(parts) + "\n"


# --------------------------------------------------------------------------- reports


@dataclass
class Report:
    """A finished report folder.

    Attributes
    ----------
    path : pathlib.Path
        The report folder (``<out>/<slug>``).
    city : str or None
        The city's canonical name.
    notebooks : list of str
        Notebook names, in order.
    seconds : dict
        Execution time of each notebook.
    manifest : dict
        The report's manifest.
    """

    path: Path
    city: str | None
    notebooks: list[str]
    seconds: dict[str, float] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)


def _read_json(path: Path) -> dict | None:
    import json

    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


def _report_manifest(folder: Path, plan: list[tuple[Path, dict]], parameters: dict,
                     city: Any, seconds: dict[str, float]) -> tuple[dict, list[dict]]:
    """Merge the notebooks' manifests into the report's."""
    from . import manifest as mf

    data_files: dict[str, str] = {}
    specs: dict[str, str] = {}
    tables: dict[str, dict] = {}
    nb_entries = []
    for src, params in plan:
        nbm = _read_json(folder / src.stem / MANIFEST_FILENAME) or {}
        for entry in nbm.get("data_files", []):
            data_files[entry["path"]] = entry["sha256"]
        specs.update({f"{src.stem}/{k}": v for k, v in nbm.get("specifications", {}).items()})
        nb_tables = {f"{src.stem}/{k}": v for k, v in nbm.get("tables", {}).items()}
        tables.update(nb_tables)
        nb_entries.append({
            "name": src.stem,
            "source": str(src),
            "source_sha256": mf.sha256_file(src),
            "parameters": params,
            "seconds": round(seconds.get(src.stem, 0.0), 3),
            "manifest": f"{src.stem}/{MANIFEST_FILENAME}" if nbm else None,
            "tables": sorted(nb_tables),
            "figures": [f"{src.stem}/{f}" for f in nbm.get("figures", [])],
        })
    manifest = mf.collect(parameters, kind="report", data_files=data_files, specifications=specs)
    if city is not None:
        manifest["city"] = {"city_id": int(city.city_id), "name": city.name,
                            "country_iso3": city.country_iso3}
    manifest["notebooks"] = nb_entries
    manifest["tables"] = dict(sorted(tables.items()))
    return manifest, nb_entries


def _replace_dir(tmp: Path, final: Path) -> None:
    """Move a finished folder into place, replacing an older one as late as possible."""
    if final.exists() and not final.is_dir():
        raise ParameterError(
            f"{final} exists and is not a folder; remove it or choose another --out")
    if final.exists():
        old = final.parent / f".{final.name}.old-{uuid.uuid4().hex[:8]}"
        os.replace(final, old)
        os.replace(tmp, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, final)


def run_report(
    city: str | int | None = None,
    *,
    out: str | Path = "build",
    parameters: dict[str, Any] | None = None,
    notebooks: list[str | Path] | None = None,
    html: bool = True,
    progress: bool | None = None,
    jobs: int | None = None,
    kernel_name: str | None = "python3",
    timeout: float | None = 600,
    name: str | None = None,
) -> Report:
    """Run the notebook suite for a city into ``<out>/<slug>/``, with HTML, index and manifest.

    Parameters
    ----------
    city : str, int or City, optional
        Any spelling the gazetteer knows, a GeoNames id or a resolved City (default
        ``ra.settings.default_city``). Passed to every notebook with a ``city`` parameter.
    out : str or pathlib.Path, default "build"
        Parent folder of the report folder.
    parameters : dict, optional
        Other notebook parameters (``{"radius_km": 50}``); checked against every notebook's
        ``parameters`` cell before anything runs.
    notebooks : list of paths or names, optional
        Notebooks to run (default: the whole suite in :func:`suite_dir`).
    html : bool, default True
        Export HTML and write the index page.
    progress : bool, optional
        Progress bar, one step per notebook (default ``ra.settings.progress``).
    jobs : int, optional
        Notebooks executed at once (default: 2 if the machine has 2 cores or more).
    kernel_name : str, default "python3"
    timeout : float, default 600
        Seconds allowed per cell.
    name : str, optional
        Folder name (slugged) instead of the city's name.

    Returns
    -------
    Report

    Raises
    ------
    ParameterError, UnknownCityError, AmbiguousCityError
        Before anything is written.
    NotebookError
        Naming the notebook and the cell that failed; no report folder is left behind (an
        older report of the same city stays untouched).

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> r = ra.report.run_report("Kyiv", out="build")  # doctest: +SKIP
    >>> r.path  # doctest: +SKIP
    PosixPath('build/kyiv')
    """
    params = dict(parameters or {})
    if city is None:
        city = params.pop("city", settings.default_city)
    params["city"] = city
    plan_paths = _resolve_notebooks(notebooks)
    resolved, per_nb = validate_parameters(params, plan_paths)
    for values in per_nb.values():
        params.update(values)  # the checked, converted values
    progress = settings.progress if progress is None else progress
    jobs = jobs if jobs is not None else min(2, os.cpu_count() or 1)
    label = name or (resolved.name if resolved is not None else str(city))
    out = Path(out)
    final = report_dir(out, label)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out, prefix=f".{final.name}.building-"))
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(tmp, 0o777 & ~mask)  # mkdtemp makes it private (0700); a report is for readers
    plan = [(p, per_nb[p]) for p in plan_paths]
    try:
        seconds = _run_suite(tmp, plan, progress=progress, kernel_name=kernel_name,
                             timeout=timeout, jobs=jobs, desc=f"report {label}")
        manifest, entries = _report_manifest(tmp, plan, params, resolved, seconds)
        if html:
            titles = _export_html(tmp, [p.stem for p, _ in plan])
            for entry in entries:
                entry["title"] = titles[entry["name"]]
            heading = f"Resilience report: {resolved}" if resolved is not None else label
            (tmp / "index.html").write_text(_index_html(tmp, heading, entries, manifest),
                                            "utf-8")
        from .manifest import write_json_atomic

        write_json_atomic(manifest, tmp / MANIFEST_FILENAME)
        _replace_dir(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Report(path=final, city=resolved.name if resolved is not None else None,
                  notebooks=[p.stem for p, _ in plan], seconds=seconds, manifest=manifest)


def _report_task(city, out, parameters, notebooks, data_dir, cache_dir, html_):
    """Run one report on a (Dask) worker; return a summary row (picklable)."""
    from . import settings as s

    if data_dir is not None:
        s.data_dir = Path(data_dir)
    s.cache_dir = Path(cache_dir)
    s.progress = False
    start = time.perf_counter()
    row = {"city": city.name, "city_id": city.city_id}
    try:
        r = run_report(city, out=out, parameters=parameters, notebooks=notebooks, html=html_,
                       progress=False, jobs=1)
        row.update(report=str(r.path), status="ok", error="")
    except ResilienceError as exc:
        row.update(report="", status="failed", error=str(exc))
    row["seconds"] = round(time.perf_counter() - start, 2)
    return row


def _network_cities(network: str) -> list[int]:
    from . import networks
    from ._validate import check_choice

    check_choice("network", network, list(networks.NETWORKS))
    return sorted({int(c) for c in networks.members(network)})


def run_reports(
    cities: list[str | int] | None = None,
    *,
    network: str | None = None,
    out: str | Path = "build",
    parameters: dict[str, Any] | None = None,
    notebooks: list[str | Path] | None = None,
    engine: str = "serial",
    scheduler: str | None = None,
    n_workers: int | None = None,
    html: bool = True,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Run reports for many cities: a list, or every member of a city network.

    Every city and parameter is validated first; then each report runs as in
    :func:`run_report`. With ``engine="dask"`` the reports run in parallel on a Dask cluster:
    a ``dask.distributed.LocalCluster`` of ``n_workers`` processes by default, or the
    scheduler at ``scheduler`` (``"tcp://host:8786"``) for a cluster of several machines (each
    worker needs the package, the notebooks and the data directory at the same paths).

    Parameters
    ----------
    cities : list of str or int, optional
        City names or GeoNames ids.
    network : str, optional
        A network code of ``ra.networks.NETWORKS`` (``"100rc"``, ``"c40"``, ``"gcom"``): all
        its member cities linked to the gazetteer.
    out : str or pathlib.Path, default "build"
    parameters : dict, optional
        Notebook parameters other than ``city``, the same for every report.
    notebooks : list, optional
    engine : {"serial", "dask"}, default "serial"
    scheduler : str, optional
        Address of a running Dask scheduler (implies ``engine="dask"``).
    n_workers : int, optional
        Worker processes of the local cluster (default: the number of cores).
    html : bool, default True
    progress : bool, optional
        A progress bar with one step per report.

    Returns
    -------
    pandas.DataFrame
        One row per city: ``city, report, status`` (``"ok"``/``"failed"``), ``error, seconds``.

    Raises
    ------
    ParameterError, UnknownCityError, AmbiguousCityError
        Before any report runs.
    """
    import pandas as pd
    from tqdm.auto import tqdm

    from ._validate import check_choice

    if scheduler is not None:
        engine = "dask"
    check_choice("engine", engine, ("serial", "dask"))
    if (cities is None) == (network is None):
        raise ParameterError("give either cities=[...] or network=<code>, not both or neither")
    if network is not None:
        cities = _network_cities(network)
        if not cities:
            raise ParameterError(f"network {network!r} has no member linked to the gazetteer")
    params = dict(parameters or {})
    params.pop("city", None)
    paths = [str(p) for p in _resolve_notebooks(notebooks)]
    # validate everything before any heavy work; reject two cities with one folder
    folders: dict[str, Any] = {}
    resolved_cities = []
    for c in cities:
        resolved, _ = validate_parameters({**params, "city": c}, paths)
        resolved_cities.append(resolved)
        slug = slugify(resolved.name)
        if slug in folders and folders[slug] != resolved.city_id:
            raise ParameterError(
                f"cities {c!r} and another city share the report folder {slug!r}; "
                "run them into different --out folders"
            )
        folders[slug] = resolved.city_id
    progress = settings.progress if progress is None else progress
    data_dir = settings.get_data_dir()
    # workers get the resolved City: they need not load the gazetteer again
    args = [(c, str(out), params, paths, str(data_dir) if data_dir else None,
             str(settings.get_cache_dir()), html) for c in resolved_cities]
    rows: list[dict] = []
    bar = tqdm(total=len(args), desc="reports", unit="report", disable=not progress)
    try:
        if engine == "serial":
            for a in args:
                rows.append(_report_task(*a))
                bar.update(1)
        else:
            rows = _run_dask(args, scheduler=scheduler, n_workers=n_workers, bar=bar)
    finally:
        bar.close()
    order = {c.city_id: i for i, c in enumerate(resolved_cities)}
    rows.sort(key=lambda r: order[r.pop("city_id")])
    return pd.DataFrame(rows, columns=["city", "report", "status", "error", "seconds"])


def _run_dask(args: list[tuple], *, scheduler: str | None, n_workers: int | None,
              bar) -> list[dict]:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:  # pragma: no cover - dask is a declared optional dependency
        raise ParameterError(
            "engine='dask' needs dask.distributed: pip install 'resilience_analytics[dask]'"
        ) from None
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=n_workers or os.cpu_count() or 1,
                               threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(scheduler)
    rows = []
    try:
        futures = [client.submit(_report_task, *a, pure=False) for a in args]
        for fut in as_completed(futures):
            rows.append(fut.result())
            bar.update(1)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return rows


# --------------------------------------------------------------------------- verification


@dataclass
class Verification:
    """What :func:`verify` found.

    Attributes
    ----------
    folder : pathlib.Path
        The verified folder (never written to).
    differences : pandas.DataFrame
        One row per differing value: ``table, row, column, recorded, rerun``.
    tables_compared : int
    missing_tables, extra_tables : list of str
        Tables the re-run did not write / wrote in addition.
    modified_tables : list of str
        Tables in the folder whose sha256 no longer matches the manifest (edited after the run).
    changed_data_files : list of str
        ``"dataset/file: recorded <sha> now <sha>"`` for inputs whose bytes changed.
    changed_packages : list of str
        ``"pandas: 2.2.0 -> 3.1.1"``.
    changed_code : list of str
        Library version/commit and notebook sources that differ.
    """

    folder: Path
    differences: Any
    tables_compared: int = 0
    missing_tables: list[str] = field(default_factory=list)
    extra_tables: list[str] = field(default_factory=list)
    modified_tables: list[str] = field(default_factory=list)
    changed_data_files: list[str] = field(default_factory=list)
    changed_packages: list[str] = field(default_factory=list)
    changed_code: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the re-run reproduced every recorded table exactly."""
        return (len(self.differences) == 0 and not self.missing_tables
                and not self.extra_tables and not self.modified_tables)

    def __str__(self) -> str:
        lines = [f"verify {self.folder}: {self.tables_compared} table(s) compared"]
        for title, items in (
            ("data files changed since the run", self.changed_data_files),
            ("packages changed since the run", self.changed_packages),
            ("code changed since the run", self.changed_code),
            ("tables edited after the run (sha256 differs from the manifest)",
             self.modified_tables),
            ("tables the re-run did not write", self.missing_tables),
            ("tables only the re-run wrote", self.extra_tables),
        ):
            if items:
                lines.append(f"{title}:")
                lines.extend(f"  - {i}" for i in items)
        n = len(self.differences)
        if n:
            lines.append(f"{n} value(s) differ:")
            for row in self.differences.head(50).itertuples(index=False):
                lines.append(f"  {row.table} row {row.row} column {row.column}: "
                             f"recorded {row.recorded} rerun {row.rerun}")
            if n > 50:
                lines.append(f"  ... and {n - 50} more (see .differences)")
        lines.append("OK: every result table reproduced exactly" if self.ok
                     else "DIFFERENT: the re-run does not reproduce the recorded results")
        return "\n".join(lines)


def _read_table(path: Path):
    import pandas as pd

    if path.suffix == ".parquet":
        df = pd.read_parquet(path).reset_index()
        return df.astype(object).where(df.notna(), "")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _same_value(a: str, b: str, rtol: float, atol: float) -> bool:
    if a == b:
        return True
    import math

    try:
        x, y = float(a), float(b)
    except (TypeError, ValueError):
        return False
    if math.isnan(x) and math.isnan(y):
        return True
    return math.isclose(x, y, rel_tol=rtol, abs_tol=atol)


def _compare_tables(name: str, old: Path, new: Path, rtol: float, atol: float) -> list[dict]:
    a, b = _read_table(old), _read_table(new)
    rows = []
    if list(a.columns) != list(b.columns):
        rows.append({"table": name, "row": "-", "column": "(columns)",
                     "recorded": list(a.columns), "rerun": list(b.columns)})
    if len(a) != len(b):
        rows.append({"table": name, "row": "-", "column": "(rows)",
                     "recorded": len(a), "rerun": len(b)})
    label_col = a.columns[0] if len(a.columns) else None
    for col in [c for c in a.columns if c in b.columns]:
        va, vb = a[col].tolist(), b[col].tolist()
        for i in range(min(len(va), len(vb))):
            if not _same_value(str(va[i]), str(vb[i]), rtol, atol):
                label = a[label_col].iloc[i] if label_col is not None else i
                rows.append({"table": name, "row": f"{i} ({label})", "column": col,
                             "recorded": va[i], "rerun": vb[i]})
    return rows


def _verify_plan(folder: Path, manifest: dict) -> tuple[list[tuple[Path, dict]], dict]:
    """Return the notebooks to re-run and ``{table key: (recorded path, rerun relative)}``."""
    if manifest["kind"] == "report":
        entries = manifest.get("notebooks")
        if not entries:
            from .manifest import ManifestError

            raise ManifestError(f"{folder / MANIFEST_FILENAME} lists no notebooks to re-run")
        entries = [(e["name"], e.get("source"), e.get("parameters", {})) for e in entries]
        tables = {k: (folder / k, k) for k in manifest.get("tables", {})}
    else:
        name = manifest.get("notebook", {}).get("name")
        entries = [(name, None, manifest["parameters"])]
        tables = {k: (folder / k, f"{name}/{k}") for k in manifest.get("tables", {})}
    plan = []
    for name, source, params in entries:
        src = Path(source) if source and Path(source).is_file() else None
        if src is None:
            src = _resolve_notebooks([name])[0]
        params = {k: v for k, v in params.items() if k not in RUNNER_PARAMETERS}
        plan.append((src, params))
    return plan, tables


def verify(
    folder: str | Path,
    *,
    rtol: float = 0.0,
    atol: float = 0.0,
    progress: bool | None = None,
    jobs: int | None = None,
    timeout: float | None = 600,
) -> Verification:
    """Re-run what a report's manifest describes and compare the result tables value by value.

    The re-run happens in a temporary folder; nothing is written into ``folder``. Before
    re-running, the data files, packages, library commit and notebook sources recorded in the
    manifest are compared with the current ones, so that a difference can be traced to its
    cause.

    Parameters
    ----------
    folder : str or pathlib.Path
        A report folder (or a notebook's output folder) holding ``manifest.json``.
    rtol, atol : float, default 0.0
        Tolerances for numbers (default: exact, as CSV text round-trips floats exactly).
    progress : bool, optional
    jobs : int, optional
        Notebooks run at once.
    timeout : float, default 600

    Returns
    -------
    Verification
        ``.ok`` is True when every recorded table was reproduced; ``str()`` is a readable report.

    Raises
    ------
    ManifestError
        If the manifest is missing, truncated, incomplete or from another format version.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> print(ra.report.verify("build/kyiv"))  # doctest: +SKIP
    verify build/kyiv: 14 table(s) compared
    OK: every result table reproduced exactly
    """
    import pandas as pd

    from . import datasets
    from . import manifest as mf

    folder = Path(folder)
    manifest = mf.read_manifest(folder)
    plan, tables = _verify_plan(folder, manifest)
    result = Verification(folder=folder, differences=None)

    # what changed in the inputs since the run
    for entry in manifest["data_files"]:
        label = f"{entry['dataset']}/{entry['filename']}"
        try:
            path = datasets.get_path(entry["dataset"], entry["filename"], verify=False)
        except ResilienceError as exc:
            result.changed_data_files.append(f"{label}: not available now ({exc})")
            continue
        now = mf.sha256_file(path)
        if now != entry["sha256"]:
            result.changed_data_files.append(
                f"{label}: recorded sha256 {entry['sha256']}, now {now} ({path})")
    current = mf.package_versions(list(manifest["packages"]))
    for pkg, was in manifest["packages"].items():
        if current.get(pkg) != was:
            result.changed_packages.append(f"{pkg}: {was} -> {current.get(pkg)}")
    lib = manifest["library"]
    from . import __version__

    if lib.get("version") != __version__:
        result.changed_code.append(f"resilience_analytics {lib.get('version')} -> {__version__}")
    now_git = mf.git_commit()
    if lib.get("commit") and now_git["commit"] and lib["commit"] != now_git["commit"]:
        result.changed_code.append(f"git commit {lib['commit']} -> {now_git['commit']}")
    for nb in manifest.get("notebooks", []):
        src = next((p for p, _ in plan if p.stem == nb["name"]), None)
        if src is not None and nb.get("source_sha256") and \
                mf.sha256_file(src) != nb["source_sha256"]:
            result.changed_code.append(f"notebook {src.name} differs from the one run ({src})")
    for key, info in manifest.get("tables", {}).items():
        path = tables[key][0]
        if path.is_file() and mf.sha256_file(path) != info["sha256"]:
            result.modified_tables.append(key)

    # re-run in a temporary folder outside the verified one
    progress = settings.progress if progress is None else progress
    jobs = jobs if jobs is not None else min(2, os.cpu_count() or 1)
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="ra-verify-") as tmp_name:
        tmp = Path(tmp_name)
        _run_suite(tmp, plan, progress=progress, kernel_name="python3", timeout=timeout,
                   jobs=jobs, desc=f"verify {folder.name}")
        rerun_tables = set()
        for src, _ in plan:
            nbm = _read_json(tmp / src.stem / MANIFEST_FILENAME) or {}
            rerun_tables |= {f"{src.stem}/{k}" for k in nbm.get("tables", {})}
        recorded_rel = {rel for _, rel in tables.values()}
        result.extra_tables = sorted(rerun_tables - recorded_rel)
        for key, (old_path, rel) in sorted(tables.items()):
            new_path = tmp / rel
            if not new_path.is_file():
                result.missing_tables.append(key)
                continue
            if not old_path.is_file():
                result.missing_tables.append(f"{key} (absent from the verified folder)")
                continue
            result.tables_compared += 1
            rows.extend(_compare_tables(key, old_path, new_path, rtol, atol))
    result.differences = pd.DataFrame(rows, columns=["table", "row", "column", "recorded",
                                                     "rerun"])
    return result


# --------------------------------------------------------------------------- committed notebooks


def refresh_notebooks(
    notebooks: list[str | Path] | None = None, *, timeout: float | None = 600,
    progress: bool | None = None,
) -> dict[str, float]:
    """Re-execute the committed notebooks in place with their default parameters.

    Equivalent to ``jupyter nbconvert --execute --inplace`` without timing metadata, so that a
    re-run changes only outputs. The kernel runs in the notebooks' folder (as nbval does).

    Parameters
    ----------
    notebooks : list, optional
        Default: the whole suite.
    timeout : float, default 600
    progress : bool, optional

    Returns
    -------
    dict
        Seconds per notebook.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from tqdm.auto import tqdm

    progress = settings.progress if progress is None else progress
    seconds = {}
    paths = _resolve_notebooks(notebooks)
    with _kernel_environment():
        for path in tqdm(paths, desc="notebooks", unit="notebook", disable=not progress):
            nb = nbformat.read(path, as_version=4)
            client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                    record_timing=False,
                                    extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
                                    resources={"metadata": {"path": str(path.parent)}})
            start = time.perf_counter()
            try:
                client.execute()
            except CellExecutionError as exc:
                raise NotebookError(f"notebook {path.name} failed: {exc}",
                                    notebook=path.name) from None
            seconds[path.stem] = time.perf_counter() - start
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            os.close(fd)
            nbformat.write(nb, tmp)
            os.chmod(tmp, path.stat().st_mode & 0o777)
            os.replace(tmp, path)
    return seconds


def main(argv: list[str] | None = None) -> int:
    """``python -m resilience_analytics.report --refresh-notebooks [NN ...]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m resilience_analytics.report")
    parser.add_argument("--refresh-notebooks", action="store_true",
                        help="re-execute the committed notebooks in place")
    parser.add_argument("notebooks", nargs="*", help="notebook names (default: all)")
    args = parser.parse_args(argv)
    if not args.refresh_notebooks:
        parser.error("nothing to do: use 'resilience-analytics report' for reports")
    seconds = refresh_notebooks(args.notebooks or None)
    for nb, s in seconds.items():
        print(f"{nb}: {s:.1f} s")
    print(f"total: {sum(seconds.values()):.1f} s")
    return 0


if __name__ == "__main__":  # pragma: no cover
    import sys

    sys.exit(main())
