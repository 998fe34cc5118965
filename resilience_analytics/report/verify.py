"""Verify a report: re-run what its manifest describes and compare every result table.

A manifest is untrusted input (it may come from anyone). Before anything runs:

* it must be UTF-8 JSON of the manifest schema
  (:func:`resilience_analytics.manifest.read_manifest`);
* every parameter name and value must be one the suite's spec accepts for that notebook
  (so no text from the manifest ever becomes code in a kernel);
* every notebook must be one of the suite's own, named exactly, and its current source must
  have the sha256 the manifest recorded (a ``source`` path is never opened; one naming another
  notebook is refused); with ``allow_changed_notebooks=True`` the suite's current notebook runs
  and the change is reported;
* every table path must lie inside the verified folder.

Each problem is a :class:`~resilience_analytics.manifest.ManifestError` naming the value.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .. import settings
from .._io import sha256_file
from ..errors import ResilienceError
from ..manifest import FILENAME as MANIFEST_FILENAME
from ..manifest import ManifestError
from . import parameters as P
from .execution import run_suite
from .suite import Suite, default_suite

__all__ = ["Verification", "verify"]


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

    Examples
    --------
    :func:`verify` re-runs the notebooks and returns one; here two are made by hand to show
    the rule: a changed package is reported but only a differing (or missing, extra,
    edited) table makes the result not ``ok``.

    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from resilience_analytics.report import Verification
    >>> diff = pd.DataFrame({"table": ["01-data-sources/tables/scores.csv"], "row": [0],
    ...                      "column": ["score"], "recorded": ["0.5"], "rerun": ["0.25"]})
    >>> same = Verification(Path("build/example-city"), differences=diff.iloc[:0],
    ...                     tables_compared=3, changed_packages=["pandas: 2.2.0 -> 2.2.3"])
    >>> same.ok
    True
    >>> v = Verification(Path("build/example-city"), differences=diff, tables_compared=3)
    >>> v.ok
    False
    >>> print(v)
    verify build/example-city: 3 table(s) compared
    1 value(s) differ:
      01-data-sources/tables/scores.csv row 0 column score: recorded 0.5 rerun 0.25
    DIFFERENT: the re-run does not reproduce the recorded results
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
    try:
        a = _read_table(old)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        return [{"table": name, "row": "-", "column": "(file)",
                 "recorded": f"unreadable: {type(exc).__name__}", "rerun": "readable"}]
    b = _read_table(new)
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


def _inside(folder: Path, rel: str, where: str) -> Path:
    """Return ``folder / rel`` if it stays inside ``folder`` (symlinks resolved)."""
    pure = PurePosixPath(rel)
    if pure.is_absolute() or ".." in pure.parts or "\\" in rel:
        raise ManifestError(f"{where}: table path {rel!r} is not accepted: it must lie inside "
                            f"the report folder {folder}")
    path = folder / rel
    if not path.resolve().is_relative_to(folder.resolve()):
        raise ManifestError(f"{where}: table {rel!r} leads outside the report folder {folder} "
                            f"(to {path.resolve()}); refused")
    return path


def _checked_parameters(params: Any, notebook: str, suite: Suite, where: str) -> dict:
    """Check a manifest's parameters for one notebook against the suite's spec."""
    if not isinstance(params, dict):
        raise ManifestError(f"{where}: parameters of {notebook} must be a JSON object")
    own = {p.name for p in P.for_notebook(notebook, suite.parameters)}
    clean = {k: v for k, v in params.items() if k not in P.RUNNER_PARAMETERS}
    for k in clean:
        if k not in own:
            raise ManifestError(
                f"{where}: parameter {P._show(k)} is not one notebook {notebook} takes; it "
                f"takes: {', '.join(sorted(own - set(P.RUNNER_PARAMETERS)))}")
    try:
        values = P.validate(clean, suite.parameters)
    except ResilienceError as exc:
        raise ManifestError(f"{where}: notebook {notebook}: {exc}") from None
    return values


def _verify_plan(folder: Path, manifest: dict, suite: Suite, *,
                 allow_changed: bool) -> tuple[list[tuple[Path, dict]], dict, list[str]]:
    """Return the notebooks to re-run, the tables to compare and notes on changed sources.

    The tables are ``{table key: (recorded path, rerun relative path)}``.
    """
    where = str(folder / MANIFEST_FILENAME)
    notes: list[str] = []
    if manifest["kind"] == "report":
        entries = manifest.get("notebooks")
        if not entries:
            raise ManifestError(f"{where} lists no notebooks to re-run")
        prefix = True
    else:
        nb = manifest.get("notebook")
        if not isinstance(nb, dict) or "name" not in nb:
            raise ManifestError(f"{where}: a notebook manifest names its notebook "
                                "('notebook': {'name': ...})")
        entries = [{"name": nb["name"], "parameters": manifest["parameters"]}]
        prefix = False
    plan = []
    names = set()
    for e in entries:
        name = e["name"]
        if name in names:
            raise ManifestError(f"{where}: notebook {name!r} is listed twice")
        names.add(name)
        try:
            src = suite.by_name(name)
        except ResilienceError as exc:
            raise ManifestError(f"{where}: {exc}; verify runs only the suite's own "
                                "notebooks") from None
        source = e.get("source")
        if source is not None and PurePosixPath(str(source).replace("\\", "/")).name \
                != f"{name}.ipynb":
            raise ManifestError(
                f"{where}: notebook {name!r} has source {P._show(source)}, another notebook; "
                "verify runs only the suite's own notebook of that name and refuses a manifest "
                "that points elsewhere")
        recorded = e.get("source_sha256")
        now = sha256_file(src)
        if recorded is None:
            notes.append(f"notebook {src.name}: the manifest records no source sha256; ran the "
                         f"suite's current {src}")
        elif recorded != now:
            msg = (f"notebook {src.name} differs from the one run (recorded sha256 "
                   f"{recorded[:12]}..., the suite's {src} has {now[:12]}...)")
            if not allow_changed:
                raise ManifestError(
                    f"{where}: {msg}; verify re-runs only the notebooks the manifest names by "
                    "name and source hash. Check out the commit recorded in the manifest, or "
                    "pass allow_changed_notebooks=True (--allow-changed-notebooks) to run the "
                    "suite's current notebook and see the differences")
            notes.append(msg)
        params = _checked_parameters(e.get("parameters", {}), name, suite, where)
        plan.append((src, params))
    # cities are resolved here so an unknown id is a typed error before any kernel starts
    from .. import cities

    for _, params in plan:
        for k, v in params.items():
            if P.by_name(suite.parameters)[k].type == "city":
                try:
                    c = cities.as_city(v)
                except ResilienceError as exc:
                    raise ManifestError(f"{where}: {k}={P._show(v)}: {exc}") from None
                params[k] = int(c.city_id)
    tables = {}
    for k in manifest.get("tables", {}):
        if prefix and k.split("/", 1)[0] not in names:
            raise ManifestError(f"{where}: table {k!r} belongs to no notebook of the manifest")
        path = _inside(folder, k, where)
        rel = k if prefix else f"{entries[0]['name']}/{k}"
        tables[k] = (path, rel)
    return plan, tables, notes


def verify(
    folder: str | Path,
    *,
    rtol: float = 0.0,
    atol: float = 0.0,
    progress: bool | None = None,
    jobs: int | None = None,
    timeout: float | None = 600,
    allow_changed_notebooks: bool = False,
    suite: Suite | None = None,
) -> Verification:
    """Re-run what a report's manifest describes and compare the result tables value by value.

    The manifest is checked as untrusted input first (see the module docstring). The re-run
    happens in a temporary folder; nothing is written into ``folder``. The data files,
    packages and library commit recorded in the manifest are compared with the current ones,
    so that a difference can be traced to its cause.

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
    allow_changed_notebooks : bool, default False
        Run the suite's current notebook when its source differs from the recorded one.
    suite : Suite, optional
        Default: the repository's notebooks and parameter spec.

    Returns
    -------
    Verification
        ``.ok`` is True when every recorded table was reproduced; ``str()`` is a readable report.

    Raises
    ------
    ManifestError
        For a missing, truncated, non-UTF-8 or malformed manifest, unknown parameters or
        values, a notebook that is not the suite's own (by name and source hash), a table
        path outside the folder.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> print(ra.report.verify("build/kyiv"))  # doctest: +SKIP
    verify build/kyiv: 14 table(s) compared
    OK: every result table reproduced exactly
    """
    import pandas as pd

    from .. import __version__, datasets
    from .. import manifest as mf

    suite = suite if suite is not None else default_suite()
    folder = Path(folder)
    manifest = mf.read_manifest(folder)
    plan, tables, notes = _verify_plan(folder, manifest, suite,
                                       allow_changed=allow_changed_notebooks)
    result = Verification(folder=folder, differences=None)
    result.changed_code.extend(notes)

    # what changed in the inputs since the run
    for entry in manifest["data_files"]:
        label = f"{entry['dataset']}/{entry['filename']}"
        try:
            path = datasets.get_path(entry["dataset"], entry["filename"], verify=False)
            now = sha256_file(path)
        except (ResilienceError, OSError) as exc:
            result.changed_data_files.append(f"{label}: not available now ({exc})")
            continue
        if now != entry["sha256"]:
            result.changed_data_files.append(
                f"{label}: recorded sha256 {entry['sha256']}, now {now} ({path})")
    current = mf.package_versions(list(manifest["packages"]))
    for pkg, was in manifest["packages"].items():
        if current.get(pkg) != was:
            result.changed_packages.append(f"{pkg}: {was} -> {current.get(pkg)}")
    lib = manifest["library"]
    if lib.get("version") != __version__:
        result.changed_code.append(f"resilience_analytics {lib.get('version')} -> {__version__}")
    now_git = mf.git_commit()
    if lib.get("commit") and now_git["commit"] and lib["commit"] != now_git["commit"]:
        result.changed_code.append(f"git commit {lib['commit']} -> {now_git['commit']}")
    for key, info in manifest.get("tables", {}).items():
        path = tables[key][0]
        if path.is_file() and sha256_file(path) != info["sha256"]:
            result.modified_tables.append(key)

    # re-run in a temporary folder outside the verified one
    progress = settings.progress if progress is None else progress
    jobs = jobs if jobs is not None else min(2, os.cpu_count() or 1)
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="ra-verify-") as tmp_name:
        tmp = Path(tmp_name)
        run_suite(tmp, plan, progress=progress, kernel_name="python3", timeout=timeout,
                  jobs=jobs, desc=f"verify {folder.name}")
        rerun_tables = set()
        from .run import _read_json

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
