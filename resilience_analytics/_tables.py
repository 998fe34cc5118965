"""Private access to the small tables the project compiles itself (``data/`` in the repository)."""

from __future__ import annotations

from pathlib import Path

from .errors import DataFileError

#: The repository's ``data/`` folder (the package is installed editable from the repository).
PROJECT_DATA = Path(__file__).resolve().parents[1] / "data"


def project_table_path(name: str) -> Path:
    """Return the path of ``data/<name>``; raise :class:`DataFileError` if it is absent."""
    path = PROJECT_DATA / name
    if not path.is_file():
        raise DataFileError(
            f"project table {name!r} not found at {path}: install the package editable from a "
            "clone of the repository (pip install -e .) so that its data/ folder is present"
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
