"""Private file helpers: atomic writes and an on-disk cache under ``settings.get_cache_dir()``.

Every file the package writes goes through a temporary file in the target's folder that is
moved into place with :func:`os.replace`, so a reader never sees half a file and a failed write
leaves the old file (if any) untouched. Derived products that take seconds to build are kept
in the cache folder under a name that carries a hash of everything they depend on (input
bytes, package versions, the source of the module that builds them), so a changed input or
rule never serves a stale product.

Only the standard library is imported at module level (``import resilience_analytics`` must
stay light); pandas is needed only by :func:`atomic_to_parquet` and parquet caches, and is
used through the frame's own methods.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

__all__ = [
    "atomic_to_parquet", "atomic_write", "atomic_write_bytes", "atomic_write_json",
    "atomic_write_text", "disk_cached", "hash_key", "read_cache", "read_csv_strings",
    "repository_root", "sha256_file", "slugify",
]

_FORMATS = {"parquet": ".parquet", "pickle": ".pkl"}


def _umask() -> int:
    """Return the process umask (reading it means setting it, so set it straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: str | os.PathLike, write: Callable[[str], Any], *,
                 suffix: str | None = None) -> Path:
    """Write a file atomically: ``write(tmp)`` fills a temporary file that then replaces ``path``.

    Parameters
    ----------
    path
        Target file. Its folder is created if missing.
    write
        Called with the temporary file's path (a ``str``) and must write the whole file there.
    suffix
        Suffix of the temporary file; default the target's suffix (so writers that infer the
        format from the file name, e.g. ``to_excel``, still see it).

    Returns
    -------
    pathlib.Path
        ``path``.

    Notes
    -----
    The temporary file lives in the target's folder (so :func:`os.replace` is atomic) and is
    removed if ``write`` or the move fails; the error is raised. The result gets the ordinary
    permissions of a new file (``0o666`` less the umask), not the owner-only mode of a
    :func:`tempfile.mkstemp` file: users open these files in other programs.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from resilience_analytics._io import atomic_write
    >>> folder = Path(tempfile.mkdtemp())
    >>> out = atomic_write(folder / "a" / "note.txt", lambda t: Path(t).write_text("hello"))
    >>> out.read_text(), sorted(p.name for p in out.parent.iterdir())
    ('hello', ['note.txt'])
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                               suffix=path.suffix if suffix is None else suffix)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_write`).

    Examples
    --------
    >>> import tempfile
    >>> from resilience_analytics._io import atomic_write_bytes
    >>> atomic_write_bytes(tempfile.mkdtemp() + "/x.bin", b"ok").read_bytes()
    b'ok'
    """
    return atomic_write(path, lambda tmp: Path(tmp).write_bytes(data))


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically (see :func:`atomic_write`).

    Examples
    --------
    >>> import tempfile
    >>> from resilience_analytics._io import atomic_write_text
    >>> atomic_write_text(tempfile.mkdtemp() + "/x.txt", "ok").read_text()
    'ok'
    """
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text, "utf-8"))


def atomic_write_json(obj: Any, path: str | os.PathLike) -> Path:
    """Write ``obj`` as indented JSON (UTF-8, trailing newline) to ``path`` atomically.

    Examples
    --------
    >>> import tempfile, json
    >>> from resilience_analytics._io import atomic_write_json
    >>> json.loads(atomic_write_json({"a": 1}, tempfile.mkdtemp() + "/m.json").read_text())
    {'a': 1}
    """
    text = json.dumps(obj, indent=2, sort_keys=False, default=str) + "\n"
    return atomic_write_text(path, text)


_SLUG_BAD = {False: re.compile(r"[^a-z0-9]+"), True: re.compile(r"[^a-z0-9_]+")}


def slugify(text: str, *, max_length: int = 80, underscore: bool = False,
            empty: str = "report") -> str:
    r"""Return a safe file or folder name: transliterated, lower case, ``a-z0-9`` joined by ``-``.

    The result never contains ``/``, ``\\``, ``.`` or other path syntax, so it cannot point
    outside the folder it is joined to. This is the package's only slug function (report
    folders, notebook output folders, table and figure file stems).

    Parameters
    ----------
    text : str
    max_length : int, default 80
    underscore : bool, default False
        Keep ``_`` as well (file stems of tables and figures).
    empty : str, default "report"
        Returned when nothing is left.

    Returns
    -------
    str

    Examples
    --------
    >>> from resilience_analytics._io import slugify
    >>> slugify("São Paulo"), slugify("<script>alert(1)</script>"), slugify("..")
    ('sao-paulo', 'script-alert-1-script', 'report')
    >>> slugify("Peer table_2", underscore=True, empty="table")
    'peer-table_2'
    """
    from unidecode import unidecode

    strip = "-_" if underscore else "-"
    slug = _SLUG_BAD[underscore].sub("-", unidecode(str(text)).lower()).strip(strip)
    slug = slug[:max_length].strip(strip)
    return slug or empty


def sha256_file(path: str | os.PathLike) -> str:
    """Return the hex sha256 of a file, read in 1 MiB blocks (the package's only file hash).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from resilience_analytics._io import sha256_file
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> _ = p.write_text("abc")
    >>> sha256_file(p)[:12]
    'ba7816bf8f01'
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def repository_root() -> Path | None:
    """Return the source tree the package runs from, or None for an installed wheel.

    The source tree is the folder holding ``pyproject.toml`` and ``notebooks/`` above the
    package (an editable install or a checkout on ``PYTHONPATH``).

    Examples
    --------
    >>> from resilience_analytics._io import repository_root
    >>> root = repository_root()
    >>> root is None or (root / "pyproject.toml").is_file()
    True
    """
    from .settings import _repo_root  # one rule; settings sits below _io in the layers

    return _repo_root()


def atomic_to_parquet(df: Any, path: str | os.PathLike) -> Path:
    """Write a DataFrame to parquet atomically (see :func:`atomic_write`).

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> from resilience_analytics._io import atomic_to_parquet
    >>> p = atomic_to_parquet(pd.DataFrame({"a": [1, 2]}), tempfile.mkdtemp() + "/t.parquet")
    >>> pd.read_parquet(p)["a"].tolist()
    [1, 2]
    """
    return atomic_write(path, df.to_parquet)


def read_csv_strings(path: str | os.PathLike) -> Any:
    """Read a user's CSV as strings (no NA guessing); an unreadable file is a DataFileError.

    Parameters
    ----------
    path
        The CSV.

    Raises
    ------
    DataFileError
        ``"<path> could not be read: <reason>"`` for a missing, unparseable or non-UTF-8 file.

    Examples
    --------
    >>> from resilience_analytics._io import read_csv_strings
    >>> read_csv_strings("no/such/file.csv")
    Traceback (most recent call last):
    ...
    resilience_analytics.errors.DataFileError: no/such/file.csv could not be read: ...
    """
    import pandas as pd

    from ._validate import check_path

    check_path("path", path)
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:  # ParserError, EmptyDataError, UnicodeDecodeError
        from .errors import DataFileError

        raise DataFileError(f"{path} could not be read: {exc}") from exc


def hash_key(parts: Iterable[str | bytes], *, length: int = 16) -> str:
    """Hex sha256 of the concatenated ``parts`` (``str`` encoded as UTF-8), cut to ``length``.

    Examples
    --------
    >>> from resilience_analytics._io import hash_key
    >>> hash_key(["a", b"b"]) == hash_key(["ab"])
    True
    >>> len(hash_key(["a"], length=24))
    24
    """
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
    return h.hexdigest()[:length]


_MISSING = object()


def read_cache(path: str | os.PathLike, reader: Callable[[Path], Any]) -> Any:
    """Read a cache file with ``reader``; a corrupt one is discarded with a warning.

    Parameters
    ----------
    path
        The cache file.
    reader
        Called with the path; returns the cached value.

    Returns
    -------
    object
        The value, or ``None`` when the file is absent or could not be read. An unreadable
        file (truncated, corrupt, written by an incompatible version) is deleted and a
        :class:`~resilience_analytics.errors.CacheWarning` names it, so the caller rebuilds
        it instead of failing on every call.

    Examples
    --------
    >>> import tempfile, warnings
    >>> from pathlib import Path
    >>> from resilience_analytics._io import read_cache
    >>> bad = Path(tempfile.mkdtemp()) / "t.parquet"
    >>> _ = bad.write_bytes(b"PAR1 truncated")
    >>> import pandas as pd
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     value = read_cache(bad, pd.read_parquet)
    >>> value is None, bad.exists(), caught[0].category.__name__
    (True, False, 'CacheWarning')
    """
    path = Path(path)
    if not path.is_file():
        return None
    try:
        return reader(path)
    except Exception as exc:  # noqa: BLE001 - any failure to read a cache means "rebuild it"
        import warnings

        from .errors import CacheWarning

        try:
            path.unlink()
            what = "discarded; rebuilding it"
        except OSError:
            what = "could not be deleted; rebuilding the value without it"
        warnings.warn(f"cache file {path} is unreadable ({type(exc).__name__}: {exc}); {what}",
                      CacheWarning, stacklevel=3)
        return None


def _read(path: Path, fmt: str) -> Any:
    if fmt == "pickle":
        import pickle

        with open(path, "rb") as fh:
            return pickle.load(fh)
    import pandas as pd

    return pd.read_parquet(path)


def _write(path: Path, value: Any, fmt: str) -> None:
    if fmt == "pickle":
        import pickle

        def write(tmp: str) -> None:
            with open(tmp, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)

        atomic_write(path, write)
    else:
        atomic_to_parquet(value, path)


def disk_cached(kind: str, name: str, key_parts: Iterable[str | bytes], build: Callable[[], Any],
                *, fmt: str = "parquet") -> Any:
    """Return a derived product from the on-disk cache, building and storing it if absent.

    The file is ``<cache>/<kind>/<name>-<key><ext>`` where ``key`` is :func:`hash_key` of
    ``key_parts`` and ``ext`` is ``.parquet`` or ``.pkl``. A file that cannot be read is
    discarded with a :class:`~resilience_analytics.errors.CacheWarning` and rebuilt; a cache
    that cannot be written (read-only folder) only costs time.

    Parameters
    ----------
    kind
        Sub-folder of the cache directory (e.g. ``"gazetteer"``).
    name
        Stem of the file name.
    key_parts
        Everything the product depends on, as ``str`` or ``bytes``.
    build
        Called without arguments when the product is not cached.
    fmt
        ``"parquet"`` (a DataFrame) or ``"pickle"`` (any picklable object).

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> from resilience_analytics import settings
    >>> from resilience_analytics._io import disk_cached
    >>> saved, settings.cache_dir = settings.cache_dir, tempfile.mkdtemp()
    >>> calls = []
    >>> def build():
    ...     calls.append(1)
    ...     return pd.DataFrame({"x": [1.5]})
    >>> a = disk_cached("example", "demo", ["v1"], build)
    >>> b = disk_cached("example", "demo", ["v1"], build)
    >>> len(calls), b["x"].tolist()
    (1, [1.5])
    >>> settings.cache_dir = saved
    """
    from . import settings

    if fmt not in _FORMATS:
        from .errors import ParameterError

        raise ParameterError(f"fmt={fmt!r} is not supported; choose from {', '.join(_FORMATS)}")
    path = settings.get_cache_dir() / kind / f"{name}-{hash_key(key_parts)}{_FORMATS[fmt]}"
    value = read_cache(path, lambda p: _read(p, fmt))
    if value is not None:
        return value
    value = build()
    try:
        _write(path, value, fmt)
    except OSError:  # a read-only cache only costs time
        pass
    return value
