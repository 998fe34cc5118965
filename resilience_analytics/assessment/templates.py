"""Fill-in templates of a self-assessment (CSV or Excel).

:func:`template` builds the table (columns :data:`TEMPLATE_COLUMNS`), :func:`write_template`
writes it to a file a city fills in.

Examples
--------
>>> from resilience_analytics.assessment import templates
>>> list(templates.template("cri").columns) == list(templates.TEMPLATE_COLUMNS)
True
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .._io import atomic_write
from .._validate import check_choice, check_text
from ._common import _isna
from .frameworks import LEVELS, items

if TYPE_CHECKING:
    import pandas as pd


#: Columns of a fill-in template, in order.
TEMPLATE_COLUMNS = (
    "city",
    "date",
    "level",
    "group",
    "code",
    "label",
    "scale_min",
    "scale_max",
    "score",
    "evidence",
)

_SHEET = "assessment"


# --------------------------------------------------------------------------------------------
# templates
# --------------------------------------------------------------------------------------------
def template(level: str = "preliminary", *, city: str = "", date: str = "") -> pd.DataFrame:
    """Build an empty fill-in template: one row per item with its scale and an empty ``score``.

    Parameters
    ----------
    level : {"preliminary", "cri"}
        Framework to assess against.
    city, date : str, optional
        Pre-filled in every row (the loader also accepts them in the first row only).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TEMPLATE_COLUMNS`.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> t = ra.assessment.template("preliminary")
    >>> len(t), int(t["score"].isna().sum())
    (47, 47)
    """
    import pandas as pd

    check_choice("level", level, list(LEVELS))
    check_text("city", city)
    check_text("date", date)
    it = items(level)
    return pd.DataFrame({
        "city": city,
        "date": date,
        "level": level,
        "group": it["group"].to_numpy(),
        "code": it.index.to_numpy(),
        "label": it["label"].to_numpy(),
        "scale_min": it["scale_min"].to_numpy(),
        "scale_max": it["scale_max"].to_numpy(),
        "score": pd.array([pd.NA] * len(it), dtype="Int64"),
        "evidence": "",
    }, columns=list(TEMPLATE_COLUMNS))


def write_template(path: str | os.PathLike, *, level: str = "preliminary", city: str = "",
                   date: str = "", frame: pd.DataFrame | None = None) -> Path:
    """Write a fill-in template as CSV (``.csv``) or Excel (``.xlsx``, via openpyxl).

    The Excel file has an ``assessment`` sheet with a drop-down/whole-number check on the
    ``score`` column (the item's scale) and a ``README`` sheet with instructions and sources.

    Parameters
    ----------
    path : path-like
        Output file; the suffix chooses the format. Written atomically.
    level : {"preliminary", "cri"}
    city, date : str, optional
        Pre-filled in every row.
    frame : pandas.DataFrame, optional
        A (partly) filled template to write instead of an empty one.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import resilience_analytics as ra
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "scorecard.xlsx"
    >>> p = ra.assessment.write_template(out, city="Example City (fictional)")
    >>> ra.assessment.load_assessment(p).n_missing
    47
    """
    path = Path(path)
    suffix = path.suffix.lower()
    check_choice("path suffix", suffix, [".csv", ".xlsx"])
    df = template(level, city=city, date=date) if frame is None else frame
    if suffix == ".csv":
        atomic_write(path, lambda tmp: df.to_csv(tmp, index=False))
    else:
        atomic_write(path, lambda tmp: _write_xlsx(tmp, df, level))
    return path


def _write_xlsx(tmp: str, df: pd.DataFrame, level: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = _SHEET
    ws.append(list(TEMPLATE_COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in df[list(TEMPLATE_COLUMNS)].itertuples(index=False):
        ws.append([None if _isna(v) else (v.item() if hasattr(v, "item") else v) for v in row])
    n = len(df) + 1
    smin, smax = int(df["scale_min"].min()), int(df["scale_max"].max())
    dv = DataValidation(type="whole", operator="between", formula1=str(smin),
                        formula2=str(smax), allow_blank=True, showErrorMessage=True,
                        errorTitle="Score out of range",
                        error=f"Enter a whole number from {smin} to {smax}, or leave blank.")
    ws.add_data_validation(dv)
    col = TEMPLATE_COLUMNS.index("score") + 1
    letter = ws.cell(row=1, column=col).column_letter
    dv.add(f"{letter}2:{letter}{n}")
    fill = PatternFill("solid", fgColor="FFF2CC")
    for r in range(2, n + 1):
        ws.cell(row=r, column=col).fill = fill
    for letter_, width in zip("ABCDEFGHIJ", (26, 12, 12, 7, 7, 55, 9, 9, 7, 50), strict=True):
        ws.column_dimensions[letter_].width = width
    ws.freeze_panes = "A2"
    readme = wb.create_sheet("README")
    for line in (
        [LEVELS[level]["title"]],
        ["Fill in city and date (first row is enough) and a whole-number score per item,"],
        [f"from {smin} to {smax}. Leave a score blank if it is not known: the loader reports"],
        ["blanks as gaps per group; they are never counted as zero."],
        ["Labels are short paraphrases; read the official question in the source document:"],
        ["see resilience_analytics/frameworks/ASSESSMENT.md for the sources."],
    ):
        readme.append(line)
    wb.save(tmp)
