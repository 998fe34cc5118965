"""Registry of the real public data sets this library reads, with checksums and provenance.

In the spirit of ``geodatasets``: the data live outside the library. Each data set has an entry
in ``registry/datasets.json`` (title, publisher, official address, licence, citation, quirks and,
per file, its sha256 and the read options that fix its quirks). A file is found, in this order:

1. ``RESILIENCE_DATA_DIR/<name>/<file>`` (``ra.settings.data_dir``);
2. the cache, ``<cache>/data/<name>/<file>``;
3. a download into the cache with :mod:`pooch`, where a stable official address of the very
   same bytes exists (``url`` in the registry).

Every file's sha256 is verified the first time it is read in a session. Nothing is ever written
into the data directory.

Examples
--------
>>> import resilience_analytics as ra
>>> "inform_risk_index_2023" in ra.datasets.names()
True
>>> print(ra.datasets.cite(["inform_risk_index_2023"])[0][:24])
INFORM. 2022. INFORM Ris
"""

from __future__ import annotations

import hashlib
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
    "sha256",
]

ENV_VAR = "RESILIENCE_DATA_DIR"

# path -> sha256 of every file verified in this session (also the receipt of what was read)
_VERIFIED: dict[str, str] = {}


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
    """A registered data set: provenance, licence, citation and files."""

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
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _candidates(name: str, filename: str) -> list[Path]:
    out = []
    data_dir = settings.get_data_dir()
    if data_dir is not None:
        out.append(Path(data_dir) / name / filename)
    out.append(settings.get_cache_dir() / "data" / name / filename)
    return out


def _verify(path: Path, name: str, entry: DataFile) -> Path:
    key = str(path.resolve())
    if key in _VERIFIED:
        return path
    digest = sha256(path)
    if digest != entry.sha256:
        raise ChecksumError(
            f"{path} (data set {name!r}, file {entry.filename!r}) has sha256 {digest}, "
            f"expected {entry.sha256}: it is not the registered file. Replace it with the "
            f"published file from {get(name).official_url}, or point {ENV_VAR} at a folder "
            "holding the registered version."
        )
    _VERIFIED[key] = digest
    return path


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
        Check the sha256 on first use in this session.

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
        path = _download(name, entry)
        _VERIFIED[str(path.resolve())] = entry.sha256
        return path
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
    """
    import pandas as pd

    entry = get(name).file(filename)
    path = get_path(name, entry.filename)
    options = dict(entry.read.get("options", {}))
    options.update(overrides)
    fmt = entry.read.get("format", "csv")
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
        Also check every file's sha256 (column ``verified``): reads every byte once.

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
                        get_path(name, f.filename)
                    row["verified"] = True
                except ChecksumError:
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
    """Return ``{path: sha256}`` of every registered file verified in this session.

    Used by run manifests to record exactly which bytes an analysis read.

    Returns
    -------
    dict
    """
    return dict(_VERIFIED)
