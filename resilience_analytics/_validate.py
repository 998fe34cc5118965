"""Private validation helpers shared by the loaders (pandera → typed errors)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import DataFileError, ParameterError

if TYPE_CHECKING:
    import pandas as pd


def validate_frame(schema: Any, df: pd.DataFrame, source: str) -> pd.DataFrame:
    """Validate ``df`` with a pandera schema; raise :class:`DataFileError` naming ``source``.

    The message names the file (or table), the column, the first failing rows and what the
    schema expected.
    """
    import pandera.errors as pe

    try:
        return schema.validate(df, lazy=True)
    except pe.SchemaErrors as exc:
        cases = exc.failure_cases
        lines = []
        for _, case in cases.head(8).iterrows():
            col = case.get("column")
            idx = case.get("index")
            lines.append(
                f"column {col!r}, row {idx!r}: value {case.get('failure_case')!r} fails "
                f"{case.get('check')}"
            )
        more = f" (and {len(cases) - 8} more)" if len(cases) > 8 else ""
        raise DataFileError(f"{source}: " + "; ".join(lines) + more) from None


def require_columns(df: pd.DataFrame, columns: list[str] | tuple[str, ...], source: str) -> None:
    """Raise :class:`DataFileError` if ``df`` lacks any of ``columns``."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataFileError(
            f"{source}: missing column(s) {missing}; found {list(df.columns)[:20]}"
        )


def check_choice(name: str, value: Any, accepted: list | tuple | set | dict) -> Any:
    """Raise :class:`ParameterError` unless ``value`` is one of ``accepted``."""
    if value not in accepted:
        raise ParameterError(
            f"{name}={value!r} is not accepted; choose one of: "
            + ", ".join(repr(a) for a in accepted)
        )
    return value


def check_positive(name: str, value: Any) -> float:
    """Raise :class:`ParameterError` unless ``value`` is a finite number > 0."""
    import math

    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a number > 0, got {value!r}") from None
    if not math.isfinite(v) or v <= 0:
        raise ParameterError(f"{name} must be a finite number > 0, got {value!r}")
    return v


def check_table(table: Any, columns: list[str] | tuple[str, ...], what: str, *,
                nonempty: bool = False) -> None:
    """Raise :class:`ParameterError` unless ``table`` is a DataFrame with ``columns``.

    ``what`` names the argument in the message; with ``nonempty`` an empty table is an error
    too. The message lists the missing columns and the columns the table has.
    """
    import pandas as pd

    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"{what}: expected a pandas DataFrame, got {type(table).__name__}")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ParameterError(
            f"{what}: missing column(s) {missing}; the table has columns {list(table.columns)}"
        )
    if nonempty and len(table) == 0:
        raise ParameterError(f"{what}: the table is empty; select at least one row")


MISSING = ("raise", "empty")


def nothing_found(missing: str, note: str, columns: list[str]) -> Any:
    """Handle "no result" the way the caller's ``missing=`` asks.

    ``missing="raise"`` raises :class:`ParameterError` with ``note``; ``"empty"`` returns an
    empty DataFrame with ``columns`` whose ``attrs["note"]`` says why (a report that runs for
    any city shows the note instead of stopping).
    """
    import pandas as pd

    check_choice("missing", missing, MISSING)
    if missing == "raise":
        raise ParameterError(note)
    out = pd.DataFrame(columns=columns)
    out.attrs["note"] = note
    return out
