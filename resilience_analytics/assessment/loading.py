"""The :class:`Assessment` object and :func:`load_assessment` (reads and checks a template).

Excel files are checked for size before they are parsed (:data:`MAX_XLSX_BYTES`).

Examples
--------
>>> from resilience_analytics.assessment import loading, examples
>>> a = loading.load_assessment(examples.example_path("before"))
>>> isinstance(a, loading.Assessment), a.level
(True, 'preliminary')
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._validate import check_choice, check_path
from ..errors import DataFileError, FrameworkError, ParameterError
from .frameworks import LEVELS, items
from .templates import _SHEET, TEMPLATE_COLUMNS

if TYPE_CHECKING:
    import pandas as pd


# --------------------------------------------------------------------------------------------
# the Assessment object and the loader
# --------------------------------------------------------------------------------------------
@dataclass
class Assessment:
    """A loaded self-assessment.

    Attributes
    ----------
    city : str
        City name as written in the template.
    date : pandas.Timestamp or None
        Date of the assessment.
    level : str
        ``"preliminary"`` or ``"cri"``.
    scores : pandas.Series
        Float score per item code (every item of the framework, NaN where not answered).
    gaps : pandas.DataFrame
        One row per unanswered (or, with ``on_error="gap"``, invalid) item: ``code, group,
        row`` (spreadsheet row, header = 1; NA if the item's row is absent), ``value``,
        ``reason``.
    evidence : pandas.Series
        Free-text evidence per item (may be empty).
    source : str
        File the assessment was read from.

    Examples
    --------
    Made by :func:`load_assessment`; the fictional example city left two of the 47
    Scorecard questions unanswered:

    >>> import resilience_analytics as ra
    >>> a = ra.assessment.example_assessment("before")
    >>> a.city, a.level, a.date.date().isoformat(), len(a.scores)
    ('Example City (fictional)', 'preliminary', '2023-03-15', 47)
    >>> a.gaps[["code", "group", "reason"]].values.tolist()
    [['P3.3', 'E3', 'no score'], ['P5.3', 'E5', 'no score']]
    >>> a.n_missing == int(a.scores.isna().sum()) == int(a.missing_by_essential.sum())
    True
    """

    city: str
    date: Any
    level: str
    scores: Any
    gaps: Any
    evidence: Any = None
    source: str = ""
    _items: Any = field(default=None, repr=False)

    @property
    def items(self) -> pd.DataFrame:
        """Item table of the framework (see :func:`items`)."""
        if self._items is None:
            self._items = items(self.level)
        return self._items

    @property
    def n_missing(self) -> int:
        """Number of items without a valid score."""
        return int(self.scores.isna().sum())

    @property
    def missing_by_essential(self) -> pd.Series:
        """Number of unanswered items per group (essential, or CRI goal), every group listed."""
        it = self.items
        miss = self.scores.isna().groupby(it["group"], sort=False).sum().astype("int64")
        miss.index.name = "group"
        return miss.rename("n_missing")

    @property
    def missing_by_group(self) -> pd.Series:
        """Alias of :attr:`missing_by_essential` (reads better for a CRI assessment)."""
        return self.missing_by_essential

    def __repr__(self) -> str:
        d = "" if self.date is None else f", date={self.date.date().isoformat()}"
        return (f"Assessment(city={self.city!r}{d}, level={self.level!r}, "
                f"answered={len(self.scores) - self.n_missing}/{len(self.scores)})")


def _read_table(path: Path) -> pd.DataFrame:
    import pandas as pd

    try:
        found = path.is_file()
    except OSError as exc:  # e.g. a file name too long for the file system
        raise DataFileError(f"assessment file {str(path)[:200]!r} cannot be opened: {exc.strerror}"
                            ) from None
    if not found:
        raise DataFileError(f"assessment file not found: {path}")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        _check_xlsx_size(path)
    try:
        if suffix == ".csv":
            # spreadsheets in many locales save CSV with ';' (and a byte-order mark)
            with open(path, encoding="utf-8-sig") as fh:
                header = fh.readline()
            sep = ";" if header.count(";") > header.count(",") else ","
            df = pd.read_csv(path, dtype=str, keep_default_na=False, sep=sep,
                             encoding="utf-8-sig")
        elif suffix in (".xlsx", ".xlsm"):
            with pd.ExcelFile(path, engine="openpyxl") as xl:
                sheet = _SHEET if _SHEET in xl.sheet_names else xl.sheet_names[0]
            df = pd.read_excel(path, sheet_name=sheet, dtype=str, keep_default_na=False,
                               engine="openpyxl")
        else:
            raise DataFileError(f"{path}: unsupported file type {suffix!r}; accepted .csv, .xlsx")
    except (ValueError, OSError, KeyError, zipfile.BadZipFile) as exc:
        if isinstance(exc, DataFileError):
            raise
        raise DataFileError(f"{path}: cannot be read as a template ({exc})") from None
    df.columns = [str(c).strip().lower() for c in df.columns]
    return df


#: Largest uncompressed size of an Excel template accepted (a filled template is ~30 kB); a
#: larger one (a "zip bomb" that inflates to gigabytes) is refused before it is parsed.
MAX_XLSX_BYTES = 20_000_000


def _check_xlsx_size(path: Path) -> None:
    """Refuse an .xlsx that is not a zip or would inflate beyond :data:`MAX_XLSX_BYTES`."""
    try:
        with zipfile.ZipFile(path) as z:
            total = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DataFileError(f"{path}: not an Excel (.xlsx) file: {exc}") from None
    if total > MAX_XLSX_BYTES:
        raise DataFileError(
            f"{path}: the workbook inflates to {total:,} bytes; at most {MAX_XLSX_BYTES:,} are "
            "accepted for an assessment template (a filled template is about 30 kB)"
        )

def _single_value(df: pd.DataFrame, col: str, source: str) -> str:
    vals = df[col].astype(str).str.strip() if col in df.columns else None
    if vals is None:
        return ""
    filled = vals[vals != ""]
    uniq = filled.unique().tolist()
    if len(uniq) > 1:
        rows = {v: int(filled.index[filled == v][0]) + 2 for v in uniq}
        raise DataFileError(
            f"{source}: column {col!r} holds different values "
            + ", ".join(f"{v!r} (first at row {r})" for v, r in rows.items())
            + f"; one {col} per template is accepted")
    return uniq[0] if uniq else ""


def load_assessment(path: str | os.PathLike, *, level: str = "preliminary",
                    on_error: str = "raise") -> Assessment:
    """Read and validate a filled template (CSV or Excel).

    Parameters
    ----------
    path : path-like
        A file written by :func:`write_template` (``.csv`` or ``.xlsx``) and filled in.
    level : {"preliminary", "cri"}
        The framework the template must follow. A template whose ``level`` column or item codes
        belong to another framework is refused (level mismatch).
    on_error : {"raise", "gap"}
        ``"raise"``: any invalid score (outside the scale, not a whole number), unknown item code
        or duplicated item raises one :class:`DataFileError` listing every problem.
        ``"gap"``: invalid scores become gaps (their reason says why); unknown codes and
        duplicates still raise.

    Returns
    -------
    Assessment
        With ``scores`` (NaN where missing), ``gaps`` and ``missing_by_essential``. Missing
        answers are reported, never treated as zero.

    Raises
    ------
    DataFileError
        Each problem names the item code, the spreadsheet row (header = row 1), the value and the
        accepted range or values.
    ParameterError
        For an unknown ``level`` or ``on_error``.
    FrameworkError
        For ``level="detailed"`` (its criteria are not stored).

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> a = ra.assessment.load_assessment(ra.assessment.example_path("before"))
    >>> a.city, a.level, a.n_missing
    ('Example City (fictional)', 'preliminary', 2)
    >>> a.gaps[["code", "group", "row", "reason"]].to_dict("records")[0]
    {'code': 'P3.3', 'group': 'E3', 'row': 12, 'reason': 'no score'}
    """
    import numpy as np
    import pandas as pd

    check_choice("level", level, list(LEVELS))
    check_choice("on_error", on_error, ["raise", "gap"])
    it = items(level)  # raises FrameworkError for the detailed level
    path = check_path("path", path)
    source = str(path)
    df = _read_table(path)
    for col in ("code", "score"):
        if col not in df.columns:
            raise DataFileError(f"{source}: missing column {col!r}; a template has columns "
                                f"{list(TEMPLATE_COLUMNS)} (write one with write_template())")
    df["code"] = df["code"].astype(str).str.strip()
    df = df[~((df["code"] == "") & (df["score"].astype(str).str.strip() == ""))]

    # level mismatch: declared level column, then the codes themselves
    declared = _single_value(df, "level", source).lower()
    if declared and declared != level:
        raise DataFileError(
            f"{source}: level mismatch: the template declares level {declared!r} (column "
            f"'level') but level={level!r} was requested; call load_assessment(..., "
            f"level={declared!r}) or use a {level!r} template (write_template(level={level!r}))")
    codes = set(it.index)
    foreign = {}
    for other in LEVELS:
        if other == level:
            continue
        try:
            other_codes = set(items(other).index)
        except FrameworkError:
            continue
        hits = sorted((set(df["code"]) & other_codes) - codes)
        # most codes belong to the other framework: a wrong template, not a few typos
        if hits and len(hits) * 2 > len(set(df["code"]) - {""}):
            foreign[other] = hits
    if foreign:
        other, hits = next(iter(foreign.items()))
        raise DataFileError(
            f"{source}: level mismatch: item code(s) {hits[:5]}"
            f"{' ...' if len(hits) > 5 else ''} belong to level {other!r}, not {level!r}; "
            f"call load_assessment(..., level={other!r})")

    city = _single_value(df, "city", source)
    date_s = _single_value(df, "date", source)
    date = None
    if date_s:
        try:
            date = pd.Timestamp(date_s)
        except (ValueError, TypeError):
            raise DataFileError(f"{source}: column 'date' value {date_s!r} is not a date; "
                                "accepted: ISO dates such as 2024-03-01") from None

    errors: list[str] = []
    gaps: list[dict] = []
    scores = pd.Series(np.nan, index=it.index, dtype="float64", name="score")
    evidence = pd.Series("", index=it.index, dtype="object", name="evidence")
    seen: dict[str, int] = {}
    for idx, rec in df.iterrows():
        row = int(idx) + 2
        code = rec["code"]
        raw = str(rec["score"]).strip()
        if code not in codes:
            errors.append(f"row {row}: unknown item code {code!r} (value {raw!r}); accepted "
                          f"codes are those of the {level} framework, e.g. "
                          f"{', '.join(list(it.index[:3]))} ... {it.index[-1]}")
            continue
        if code in seen:
            errors.append(f"row {row}: item {code} is duplicated (first at row {seen[code]}); "
                          "each item must appear once")
            continue
        seen[code] = row
        lo, hi = int(it.at[code, "scale_min"]), int(it.at[code, "scale_max"])
        if "evidence" in df.columns:
            evidence[code] = str(rec["evidence"])
        if raw == "":
            gaps.append({"code": code, "row": row, "value": "", "reason": "no score"})
            continue
        try:
            val = float(raw.replace(",", "."))
        except ValueError:
            val = None
        if val is None or not np.isfinite(val) or val != int(val):
            msg = (f"row {row}, item {code}: score {raw!r} is not a whole number; accepted "
                   f"range {lo}–{hi}")
        elif not lo <= val <= hi:
            msg = (f"row {row}, item {code}: score {raw!r} is outside the accepted range "
                   f"{lo}–{hi}")
        else:
            scores[code] = val
            continue
        if on_error == "gap":
            gaps.append({"code": code, "row": row, "value": raw, "reason": msg})
        else:
            errors.append(msg)
    if errors:
        more = f" (and {len(errors) - 20} more)" if len(errors) > 20 else ""
        raise DataFileError(f"{source}: {len(errors)} problem(s): " + "; ".join(errors[:20])
                            + more)
    for code in it.index:
        if code not in seen:
            gaps.append({"code": code, "row": pd.NA, "value": "",
                         "reason": "item missing from the template"})
    gap_df = pd.DataFrame(gaps, columns=["code", "row", "value", "reason"])
    gap_df.insert(1, "group", gap_df["code"].map(it["group"]))
    gap_df["row"] = gap_df["row"].astype("Int64")
    order = {c: i for i, c in enumerate(it.index)}
    gap_df = gap_df.sort_values("code", key=lambda s: s.map(order)).reset_index(drop=True)
    return Assessment(city=city, date=date, level=level, scores=scores, gaps=gap_df,
                      evidence=evidence, source=source, _items=it)


def _check_assessment(value: Any, what: str) -> None:
    """Raise :class:`ParameterError` unless ``value`` is an :class:`Assessment`."""
    if not isinstance(value, Assessment):
        raise ParameterError(
            f"{what}: expected an Assessment (from ra.assessment.load_assessment or "
            f"example_assessment), got {type(value).__name__} {value!r:.60}"
        )
