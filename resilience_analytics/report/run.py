"""One report: parameters checked, the output folder made safe, the suite run, the folder moved in.

The report folder is ``<out>/<slug of the city's name>/``. Before any notebook runs:

* every parameter is checked against the suite's spec and the city (and ``other_city``) is
  resolved once to a GeoNames id, which is what the notebooks receive;
* ``out`` must be a writable folder (a file or a read-only folder is a ParameterError);
* an existing ``<out>/<slug>/`` is replaced only when everything in it was written by the
  library (the previous report's manifest lists every file with its sha256); a file a user
  added or edited there stops the run with a message naming it, unless ``force=True``;
* temporary ``.<slug>.building-*`` folders left by killed runs are removed.

The report is built in a hidden temporary folder inside ``out`` and moved into place at the end,
so a failure leaves no half-written report and an older report stays untouched.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import settings
from .._io import sha256_file, slugify
from ..errors import ParameterError
from ..manifest import FILENAME as MANIFEST_FILENAME
from . import parameters as P
from .execution import run_suite
from .suite import Suite, default_suite

if TYPE_CHECKING:
    from ..cities import City

__all__ = ["Report", "report_dir", "run_report", "slugify", "validate_parameters"]

#: Age after which a temporary folder of another machine (or of an unknown process) is stale.
STALE_SECONDS = 24 * 3600


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


def _resolve_city(name: str, value: Any, country: str | None) -> City:
    from .. import cities

    if isinstance(value, cities.City):
        return value
    city = cities.as_city(value, country=country) if isinstance(value, str) \
        else cities.as_city(int(value))
    if country is not None and not isinstance(value, str):
        iso3 = cities.country_iso3(country)
        if city.country_iso3 != iso3:
            raise ParameterError(
                f"{name}={value!r} is {city}, in {city.country_iso3}, not in country "
                f"{country!r} ({iso3}); give a GeoNames id of a city in {iso3} or leave "
                "--country out")
    return city


def validate_parameters(
    parameters: dict[str, Any], notebooks: list[str | Path] | None = None, *,
    suite: Suite | None = None, country: str | None = None,
) -> tuple[City | None, dict[Path, dict[str, Any]]]:
    """Check parameters against the suite's spec and resolve the cities, before any work.

    Parameters
    ----------
    parameters : dict
        ``{name: value}``; strings from the command line are converted. ``city`` may be a
        name, a GeoNames id (an int or a string of digits) or a City.
    notebooks : list of names, optional
        Notebooks to run (default: the whole suite).
    suite : Suite, optional
        Default :func:`~resilience_analytics.report.suite.default_suite`.
    country : str, optional
        Country (ISO2, ISO3 or name) that disambiguates ``city``.

    Returns
    -------
    city : City or None
        The resolved city, when the notebooks take one.
    per_notebook : dict
        ``{notebook path: {name: value}}``: every parameter each notebook computes with
        (given or default); cities as GeoNames ids.

    Raises
    ------
    ParameterError
        Naming the parameter and the accepted names or values.
    UnknownCityError, AmbiguousCityError

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.report.validate_parameters({"colour": "red"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    resilience_analytics.errors.ParameterError: unknown parameter 'colour'; ...
    """
    suite = suite if suite is not None else default_suite()
    paths = suite.select(notebooks)
    stems = [p.stem for p in paths]
    given = dict(parameters)
    city_value = given.pop("city", None)
    values = P.validate(given, suite.parameters, notebooks=stems)
    spec = P.by_name(suite.parameters)
    resolved: dict[str, City] = {}
    if "city" in spec:
        if city_value is None:
            city_value = spec["city"].default
        resolved["city"] = _resolve_city("city", spec["city"].check(city_value), country)
    elif city_value is not None:
        P.validate({"city": city_value}, suite.parameters)
    for p in suite.parameters:  # other cities, given or default, of the notebooks run
        if p.type == "city" and p.name != "city" and any(s[:2] in p.notebooks for s in stems):
            resolved[p.name] = _resolve_city(p.name, values.get(p.name, p.default), None)
    per_nb: dict[Path, dict[str, Any]] = {}
    for path in paths:
        row = {}
        for p in P.for_notebook(path.stem, suite.parameters):
            if p.type == "path":
                continue
            if p.name in resolved:
                row[p.name] = int(resolved[p.name].city_id)
            else:
                row[p.name] = values.get(p.name, p.default_for(path.stem))
        per_nb[path] = row
    return resolved.get("city"), per_nb


# --------------------------------------------------------------------------- output folders


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _host() -> str:
    return slugify(socket.gethostname(), max_length=40, empty="host")


def clean_stale(out: Path, slug: str) -> list[Path]:
    """Remove ``.<slug>.building-*`` / ``.<slug>.old-*`` folders of dead runs; return them.

    A building folder carries the host and process id of its run; it is stale when that process
    no longer runs on this host, or (another host's) when older than :data:`STALE_SECONDS`.
    """
    removed = []
    host = _host()
    now = time.time()
    for p in list(out.glob(f".{slug}.building-*")) + list(out.glob(f".{slug}.old-*")):
        if not p.is_dir() or p.is_symlink():
            continue
        tail = p.name[len(f".{slug}."):]
        parts = tail.split("-")
        stale = False
        if tail.startswith("old-"):
            stale = True
        elif len(parts) >= 4 and parts[-2].isdigit() and "-".join(parts[1:-2]) == host:
            stale = not _pid_alive(int(parts[-2]))
        else:
            try:
                stale = now - p.stat().st_mtime > STALE_SECONDS
            except OSError:
                stale = False
        if stale:
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


def _legacy_files(manifest: dict) -> set[str]:
    """Files a report written before the ``files`` record listed implicitly."""
    out = {MANIFEST_FILENAME, "index.html"}
    for nb in manifest.get("notebooks", []) if isinstance(manifest.get("notebooks"), list) else []:
        if not isinstance(nb, dict) or not isinstance(nb.get("name"), str):
            continue
        stem = nb["name"]
        out |= {f"{stem}.ipynb", f"{stem}.html", f"{stem}/{MANIFEST_FILENAME}"}
        out |= {t for t in nb.get("tables", []) if isinstance(t, str)}
        out |= {f for f in nb.get("figures", []) if isinstance(f, str)}
    return out


def foreign_files(folder: Path) -> list[str]:
    """Return the files in ``folder`` that the library did not write (or that were edited since).

    The previous report's ``manifest.json`` lists every file it wrote with its sha256. Without a
    report manifest, everything in the folder counts as foreign.
    """
    import json

    try:
        manifest = json.loads((folder / MANIFEST_FILENAME).read_text("utf-8"))
    except (OSError, ValueError):
        manifest = None
    present = sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                     if p.is_file() or p.is_symlink())
    if not isinstance(manifest, dict) or manifest.get("kind") != "report":
        return present
    files = manifest.get("files")
    if isinstance(files, dict):
        out = []
        for rel in present:
            if rel == MANIFEST_FILENAME:
                continue
            want = files.get(rel)
            if want is None or (folder / rel).is_symlink():
                out.append(rel)
            elif sha256_file(folder / rel) != want:
                out.append(f"{rel} (edited after the run)")
        return out
    known = _legacy_files(manifest)
    return [rel for rel in present if rel not in known]


def prepare_out(out: str | Path, slug: str, *, force: bool = False) -> tuple[Path, Path]:
    """Check ``out`` and the report folder, clean stale temporaries; return (final, building).

    Raises
    ------
    ParameterError
        ``out`` is a file, cannot be created or is not writable; the report folder holds files
        the library did not write (without ``force``).
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ParameterError(f"--out {out} is a file, not a folder; give a folder (it is "
                             "created if missing)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ParameterError(f"--out {out} cannot be created: {exc.strerror or exc}; give a "
                             "folder you can write to") from None
    writable = os.access(out, os.W_OK | os.X_OK)
    if writable:  # access() says yes to root everywhere: a probe file is the real test
        try:
            with tempfile.TemporaryFile(dir=out):
                pass
        except OSError:
            writable = False
    if not writable:
        raise ParameterError(f"--out {out} is not writable; give a folder you can write to")
    final = report_dir(out, slug)
    clean_stale(out, final.name)
    if final.is_symlink() or (final.exists() and not final.is_dir()):
        if not force:
            raise ParameterError(f"{final} exists and is not a report folder; move it away, "
                                 "choose another --out, or pass --force to replace it")
    elif final.exists() and not force:
        foreign = foreign_files(final)
        if foreign:
            listing = ", ".join(foreign[:10]) + (f" and {len(foreign) - 10} more"
                                                 if len(foreign) > 10 else "")
            raise ParameterError(
                f"{final} holds {len(foreign)} file(s) the report runner did not write: "
                f"{listing}. Nothing was deleted. Move them away, choose another --out, or "
                "pass --force (force=True) to replace the folder anyway")
    try:
        tmp = Path(tempfile.mkdtemp(dir=out, prefix=f".{final.name}.building-{_host()}-"
                                    f"{os.getpid()}-"))
    except OSError as exc:
        raise ParameterError(f"--out {out}: cannot create a folder there ({exc.strerror or exc})"
                             ) from None
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(tmp, 0o777 & ~mask)  # mkdtemp makes it private (0700); a report is for readers
    return final, tmp


def _replace_dir(tmp: Path, final: Path) -> None:
    """Move a finished folder into place, replacing an older one as late as possible."""
    if final.is_symlink() or (final.exists() and not final.is_dir()):
        final.unlink()  # only reached with force (checked in prepare_out)
    if final.exists():
        old = final.parent / f".{final.name}.old-{uuid.uuid4().hex[:8]}"
        os.replace(final, old)
        os.replace(tmp, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, final)


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
    html : bool
        Whether ``index.html`` and the HTML exports were written.

    Examples
    --------
    :func:`run_report` executes the notebooks and returns one (minutes, with the real data);
    its folder is :func:`report_dir` of the city's name, which cannot leave ``out``:

    >>> import resilience_analytics as ra
    >>> from resilience_analytics.report import Report
    >>> r = Report(path=ra.report.report_dir("build", "Example City"), city="Example City",
    ...            notebooks=["01-data-sources", "02-hazard-profile"],
    ...            seconds={"01-data-sources": 12.5, "02-hazard-profile": 30.0}, html=False)
    >>> r.path.as_posix(), sum(r.seconds.values()), r.manifest
    ('build/example-city', 42.5, {})
    """

    path: Path
    city: str | None
    notebooks: list[str]
    seconds: dict[str, float] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)
    html: bool = True


def _read_json(path: Path) -> dict | None:
    import json

    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


def _report_manifest(folder: Path, plan: list[tuple[Path, dict]], parameters: dict,
                     city: Any, seconds: dict[str, float]) -> tuple[dict, list[dict]]:
    """Merge the notebooks' manifests into the report's."""
    from .. import manifest as mf

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
            "source_sha256": sha256_file(src),
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
    country: str | None = None,
    force: bool = False,
    suite: Suite | None = None,
) -> Report:
    """Run the notebook suite for a city into ``<out>/<slug>/``, with HTML, index and manifest.

    Parameters
    ----------
    city : str, int or City, optional
        Any spelling the gazetteer knows, a GeoNames id or a resolved City (default: the
        spec's default, The Hague). Resolved once; every notebook receives its GeoNames id.
    out : str or pathlib.Path, default "build"
        Parent folder of the report folder.
    parameters : dict, optional
        Other parameters (``{"tsunami_radius_km": 30}``), checked against the suite's spec
        (:data:`resilience_analytics.report.parameters.PARAMETERS`); every notebook that
        computes with a parameter receives it.
    notebooks : list of names, optional
        Notebooks to run (``"02"`` or ``"02-hazard-profile"``; default: the whole suite).
    html : bool, default True
        Export HTML and write the index page.
    progress : bool, optional
        Progress bar, one step per notebook, naming the notebook(s) running.
    jobs : int, optional
        Notebooks executed at once (default: 2 if the machine has 2 cores or more).
    kernel_name : str, default "python3"
    timeout : float, default 600
        Seconds allowed per cell.
    name : str, optional
        Folder name (slugged) instead of the city's name.
    country : str, optional
        Country that disambiguates ``city`` (ISO2, ISO3 or English name).
    force : bool, default False
        Replace ``<out>/<slug>/`` even when it holds files the runner did not write.
    suite : Suite, optional
        Default: the repository's notebooks and parameter spec.

    Returns
    -------
    Report

    Raises
    ------
    ParameterError, UnknownCityError, AmbiguousCityError
        Before any notebook runs (bad parameter, bad ``out``, foreign files in the folder).
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
    suite = suite if suite is not None else default_suite()
    params = dict(parameters or {})
    if "city" in params and city is not None:
        raise ParameterError("give the city once: as city=, not also in parameters")
    if city is not None:
        params["city"] = city
    plan_paths = suite.select(notebooks)
    resolved, per_nb = validate_parameters(params, plan_paths, suite=suite, country=country)
    given = P.validate({k: v for k, v in params.items() if k != "city"}, suite.parameters)
    record = {**given}
    for k in record:
        if P.by_name(suite.parameters)[k].type == "city":
            record[k] = next(v[k] for v in per_nb.values() if k in v)
    if resolved is not None:
        record["city"] = int(resolved.city_id)
    progress = settings.progress if progress is None else progress
    jobs = jobs if jobs is not None else min(2, os.cpu_count() or 1)
    label = name or (resolved.name if resolved is not None else "report")
    final, tmp = prepare_out(out, label, force=force)
    plan = [(p, per_nb[p]) for p in plan_paths]
    try:
        seconds = run_suite(tmp, plan, progress=progress, kernel_name=kernel_name,
                            timeout=timeout, jobs=jobs, desc=f"report {label}")
        manifest, entries = _report_manifest(tmp, plan, record, resolved, seconds)
        if html:
            from .._io import atomic_write_text
            from .html import export_html, index_html

            titles = export_html(tmp, [p.stem for p, _ in plan])
            for entry in entries:
                entry["title"] = titles[entry["name"]]
            heading = f"Resilience report: {resolved}" if resolved is not None else label
            atomic_write_text(tmp / "index.html", index_html(heading, entries, manifest))
        # every file the runner wrote, so that a re-run deletes nothing else
        manifest["files"] = {
            str(f.relative_to(tmp)): sha256_file(f) for f in sorted(tmp.rglob("*"))
            if f.is_file() and f.relative_to(tmp) != Path(MANIFEST_FILENAME)}
        from ..manifest import write_json_atomic

        write_json_atomic(manifest, tmp / MANIFEST_FILENAME)
        _replace_dir(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Report(path=final, city=resolved.name if resolved is not None else None,
                  notebooks=[p.stem for p, _ in plan], seconds=seconds, manifest=manifest,
                  html=html)
