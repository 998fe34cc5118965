"""Private access to the small tables the project compiles itself (``data/`` in the repository).

The tables ship inside the package: ``resilience_analytics/tables`` is a link to the
repository's ``data/`` folder, so a wheel carries the same files (package data), and
``data/SHA256SUMS`` lists each table's sha256, checked on every read: a table edited without
updating its checksum (``sha256sum *.csv > SHA256SUMS`` in ``data/``) is refused rather than
silently used.
"""

from __future__ import annotations

from pathlib import Path

from .errors import ChecksumError, DataFileError

#: The project tables inside the package (a link to the repository's ``data/`` folder).
PROJECT_DATA = Path(__file__).resolve().parent / "tables"
CHECKSUMS = "SHA256SUMS"


def _checksums() -> dict[str, str]:
    path = PROJECT_DATA / CHECKSUMS
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DataFileError(f"project table checksums not found at {path}: {exc}") from exc
    out = {}
    for line in lines:
        if line.strip():
            digest, name = line.split(maxsplit=1)
            out[name.strip().lstrip("*")] = digest
    return out


def project_table_path(name: str) -> Path:
    """Return the path of ``data/<name>``; raise :class:`DataFileError` if it is absent."""
    from ._io import sha256_file

    path = PROJECT_DATA / name
    if not path.is_file():
        raise DataFileError(
            f"project table {name!r} not found at {path}; the package ships "
            f"{', '.join(sorted(_checksums()))}"
        )
    expected = _checksums().get(name)
    actual = sha256_file(path)
    if expected != actual:
        raise ChecksumError(
            f"project table {path} has sha256 {actual[:12]}…, but data/{CHECKSUMS} lists "
            f"{(expected or 'nothing')[:12]}…: if you edited it on purpose, update the "
            f"checksum (cd data && sha256sum *.csv > {CHECKSUMS})"
        )
    return path


def read_project_table(name: str, **options):
    """Read ``data/<name>`` as strings (no NA guessing) with :func:`pandas.read_csv`."""
    import pandas as pd

    path = project_table_path(name)
    options.setdefault("dtype", str)
    options.setdefault("keep_default_na", False)
    try:
        return pd.read_csv(path, **options)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{path} could not be parsed: {exc}") from exc
