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
    """Raise :class:`ParameterError` unless ``value`` is one of ``accepted``.

    A value that cannot be compared (a list against a set, an array, a frame) or a bool where
    the choices are numbers (``True == 1``) is refused too.
    """
    try:
        ok = bool(value in accepted)
    except (TypeError, ValueError):  # unhashable, or an array/frame compared element-wise
        ok = False
    if isinstance(value, bool) and not any(isinstance(a, bool) for a in accepted):
        ok = False  # True == 1, but True is not the choice 1
    if not ok:
        raise ParameterError(
            f"{name}={short_repr(value)} is not accepted; choose one of: "
            + ", ".join(repr(a) for a in accepted)
        )
    return value


def short_repr(value: Any, limit: int = 80) -> str:
    """``repr`` of a value cut to ``limit`` characters, for error messages."""
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the real error
        text = f"<{type(value).__name__}>"
    if len(text) > limit:
        text = text[: limit - 5] + "..." + f" ({type(value).__name__}, {len(text)} chars)"
    return text


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
    check_names(f"{what} columns", columns)
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


def check_names(name: str, value: Any, *, allow_none: bool = False) -> list[str] | None:
    """Return ``value`` as a list of strings (column names, codes); else :class:`ParameterError`.

    Accepted: a list or tuple (or other non-string iterable) of ``str``; a lone ``str`` is not
    (``"ab"`` would silently become ``["a", "b"]``).
    """
    if value is None and allow_none:
        return None
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple | set | frozenset):
        import pandas as pd

        if not isinstance(value, pd.Index | pd.Series):
            raise ParameterError(
                f"{name} must be a list of names (str), got {type(value).__name__} "
                f"{short_repr(value)}"
            )
    items = list(value)
    bad = [v for v in items if not isinstance(v, str)]
    if bad:
        raise ParameterError(f"{name} must hold names (str); {short_repr(bad[0])} is not one")
    return items


def check_number(name: str, value: Any, *, lo: float | None = None, hi: float | None = None,
                 integer: bool = False) -> float | int:
    """Return a finite real number (an ``int`` with ``integer``) within ``[lo, hi]``.

    Refuses bools, strings, NaN, infinities and values out of bounds with a
    :class:`ParameterError` naming the value and the accepted range.
    """
    import math
    import numbers

    kind = "a whole number" if integer else "a finite number"
    span = (f" from {lo} to {hi}" if lo is not None and hi is not None
            else f" >= {lo}" if lo is not None else f" <= {hi}" if hi is not None else "")
    accepted = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, accepted):
        raise ParameterError(f"{name} must be {kind}{span}, got {short_repr(value)}")
    v = int(value) if integer else float(value)
    if not integer and not math.isfinite(v):
        raise ParameterError(f"{name} must be {kind}{span}, got {short_repr(value)}")
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise ParameterError(f"{name} must be {kind}{span}, got {short_repr(value)}")
    return v


def check_frame(value: Any, what: str, *, numeric: bool = False) -> pd.DataFrame:
    """Return ``value`` if it is a DataFrame (with ``numeric``: every column convertible to float).

    The message names the argument, and with ``numeric`` the first non-numeric column.
    """
    import numpy as np
    import pandas as pd

    if not isinstance(value, pd.DataFrame):
        raise ParameterError(
            f"{what}: expected a pandas DataFrame, got {type(value).__name__} {short_repr(value)}"
        )
    if numeric:
        for col in value.columns:
            try:
                value[col].to_numpy(dtype=float, na_value=np.nan)
            except (TypeError, ValueError):
                raise ParameterError(
                    f"{what}: column {short_repr(col)} is not numeric "
                    f"(dtype {value[col].dtype}); every column must hold numbers"
                ) from None
    return value


def check_array(value: Any, what: str, *, ndim: tuple[int, ...] = (1, 2)) -> Any:
    """Return ``value`` as a float ndarray of one of the dimensions ``ndim``.

    Refuses ragged or non-numeric input (strings, objects, None) with a ParameterError.
    """
    import numpy as np

    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise ParameterError(
            f"{what} must be a numeric array, got {type(value).__name__} {short_repr(value)}"
        ) from None
    if arr.ndim not in ndim:
        raise ParameterError(
            f"{what} must be a {' or '.join(f'{d}-D' for d in ndim)} numeric array, got "
            f"shape {arr.shape}"
        )
    return arr


def check_path(name: str, value: Any) -> Any:
    """Return ``value`` as a :class:`pathlib.Path`; refuse other types and unusable names.

    Accepted: a ``str`` or :class:`os.PathLike` naming a file; bytes, numbers, NUL characters
    and lone surrogates are refused with a :class:`ParameterError`.
    """
    import os
    from pathlib import Path

    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str):
        raise ParameterError(
            f"{name} must be a file path (str or pathlib.Path), got {type(value).__name__} "
            f"{short_repr(value)}"
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ParameterError(f"{name} {short_repr(value)} is not valid text") from None
    if "\x00" in value or not value.strip():
        raise ParameterError(f"{name} {short_repr(value)} is not a usable file path")
    return Path(value)


def check_bool(name: str, value: Any) -> bool:
    """Return ``value`` if it is ``True`` or ``False`` (numpy bools too); else ParameterError."""
    import numpy as np

    if not isinstance(value, bool | np.bool_):
        raise ParameterError(f"{name} must be True or False, got {short_repr(value)}")
    return bool(value)


def check_text(name: str, value: Any, *, max_length: int = 200) -> str:
    """Return ``value`` if it is a ``str`` of valid Unicode of at most ``max_length`` characters.

    Refuses other types, lone surrogates (text that cannot be written as UTF-8) and longer
    strings with a :class:`ParameterError` naming the value.
    """
    if not isinstance(value, str):
        raise ParameterError(f"{name} must be a string, got {type(value).__name__} "
                             f"{short_repr(value)}")
    if len(value) > max_length:
        raise ParameterError(f"{name} {short_repr(value)} has {len(value):,} characters; at "
                             f"most {max_length} are accepted")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ParameterError(f"{name} {short_repr(value)} is not valid text (lone surrogate)"
                             ) from None
    return value
