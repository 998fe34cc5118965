"""City self-assessment: resilience frameworks as data, fill-in templates, profiles, gaps as needs.

City-to-city learning starts with a self-assessment ("knowing what needs to be discovered") and
ends with an evaluation of what the exchange changed. This module carries the two tools cities
use for that, as data:

* UNDRR's **Disaster Resilience Scorecard for Cities** (Ten Essentials), preliminary level
  (47 questions scored 0–3) and detailed level (117 criteria scored 0–5; only its ten essentials
  are stored here, see ``frameworks/ASSESSMENT.md``);
* the **City Resilience Index** (Arup / Rockefeller Foundation: 4 dimensions, 12 goals,
  52 indicators).

Only structure, item codes and short labels in our own words are stored; the official wording
stays with its publishers (sources in ``resilience_analytics/frameworks/ASSESSMENT.md``).

A city fills a template (CSV or Excel, :func:`write_template`), :func:`load_assessment` validates
it and reports every gap; :func:`profile` scores each essential; :func:`needs_from_gaps` turns
the weakest essentials into rows of the needs-and-offers table; :func:`who_can_teach` asks the
peer and matching helpers who could help; :func:`beside_external` shows the self-assessment
beside INFORM's coping-capacity components through a documented crosswalk; :func:`compare` and
:func:`relate_to_exchanges` evaluate the change between two assessments.

All example scores belong to "Example City (fictional)": no scores are invented for real cities.

Examples
--------
>>> import resilience_analytics as ra
>>> a = ra.assessment.example_assessment("before")
>>> a.city
'Example City (fictional)'
>>> int(a.missing_by_essential.loc["E3"])
1
>>> ra.assessment.weakest(a, n=2).index.tolist()
['E8', 'E5']
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._io import atomic_write
from ._validate import check_bool, check_choice, check_path, check_positive, check_text
from .errors import DataFileError, FrameworkError, ParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "EXAMPLE_CITY",
    "LEVELS",
    "TEMPLATE_COLUMNS",
    "Assessment",
    "beside_external",
    "capacities_for_essential",
    "compare",
    "crosswalk",
    "example_assessment",
    "example_path",
    "framework",
    "items",
    "load_assessment",
    "needs_from_gaps",
    "plot_compare",
    "plot_profile",
    "profile",
    "relate_to_exchanges",
    "template",
    "themes_for_essential",
    "validate_framework",
    "weakest",
    "who_can_teach",
    "write_template",
]

EXAMPLE_CITY = "Example City (fictional)"

#: level name → (framework file, group level, item level, expected counts per level, title)
LEVELS: dict[str, dict[str, Any]] = {
    "preliminary": {
        "file": "scorecard_preliminary.csv",
        "group": "essential",
        "item": "item",
        "expected": {"essential": 10, "item": 47},
        "title": "UNDRR Disaster Resilience Scorecard for Cities, preliminary level",
    },
    "detailed": {
        "file": "scorecard_detailed.csv",
        "group": "essential",
        "item": "item",
        "expected": {"essential": 10, "item": 117},
        "title": "UNDRR Disaster Resilience Scorecard for Cities, detailed level",
    },
    "cri": {
        "file": "city_resilience_index.csv",
        "group": "goal",
        "item": "indicator",
        "expected": {"dimension": 4, "goal": 12, "indicator": 52},
        "title": "City Resilience Index (Arup / Rockefeller Foundation)",
    },
}

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

_FRAMEWORK_COLUMNS = ("level", "code", "parent", "label", "scale_min", "scale_max", "verified",
                      "source")
_SHEET = "assessment"


# --------------------------------------------------------------------------------------------
# frameworks as data
# --------------------------------------------------------------------------------------------
def _package_file(folder: str, name: str) -> Path:
    return Path(str(resources.files("resilience_analytics").joinpath(folder, name)))


def validate_framework(df: pd.DataFrame, *, level: str, complete: bool = True) -> pd.DataFrame:
    """Check a framework table: unique codes, known parents, one scale, expected counts.

    Parameters
    ----------
    df : pandas.DataFrame
        Table with columns ``level, code, parent, label, scale_min, scale_max, verified, source``.
    level : {"preliminary", "detailed", "cri"}
        Which framework the table describes (sets the expected hierarchy and counts).
    complete : bool, default True
        Require the published number of rows per hierarchy level (47 items, 52 indicators...).
        A level whose items are not stored (the detailed Scorecard) is checked with
        ``complete=False``.

    Returns
    -------
    pandas.DataFrame
        ``df`` unchanged.

    Raises
    ------
    FrameworkError
        Naming the offending codes and what was expected.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> fw = ra.assessment.framework("cri")
    >>> ra.assessment.validate_framework(fw, level="cri").shape[0]
    68
    """
    check_choice("level", level, list(LEVELS))
    spec = LEVELS[level]
    missing = [c for c in _FRAMEWORK_COLUMNS if c not in df.columns]
    if missing:
        raise FrameworkError(f"{level} framework: missing column(s) {missing}; "
                             f"expected {list(_FRAMEWORK_COLUMNS)}")
    problems = []
    dup = df.loc[df["code"].duplicated(keep=False), "code"].unique().tolist()
    if dup:
        problems.append(f"duplicated code(s) {dup}")
    levels_known = list(spec["expected"])
    bad_level = sorted(set(df["level"]) - set(levels_known))
    if bad_level:
        problems.append(f"unknown hierarchy level(s) {bad_level}; accepted {levels_known}")
    codes = set(df["code"])
    parents = df["parent"].fillna("")
    top = levels_known[0]
    orphan = df.loc[(parents != "") & ~parents.isin(codes), ["code", "parent"]]
    if len(orphan):
        problems.append("unknown parent(s): " + ", ".join(
            f"{c}→{p}" for c, p in orphan.itertuples(index=False)))
    rootless = df.loc[(parents == "") & (df["level"] != top), "code"].tolist()
    if rootless:
        problems.append(f"code(s) {rootless} have no parent but are not at the top level {top!r}")
    # each level's parent must sit one level up
    rank = {name: i for i, name in enumerate(levels_known)}
    by_code = dict(zip(df["code"], df["level"], strict=True))
    wrong = [c for c, lv, p in zip(df["code"], df["level"], parents, strict=True)
             if p and p in by_code and lv in rank and rank.get(by_code[p], -1) != rank[lv] - 1]
    if wrong:
        problems.append(f"code(s) {wrong} have a parent that is not one level above")
    smin, smax = df["scale_min"], df["scale_max"]
    if (smin >= smax).any():
        problems.append("scale_min must be below scale_max for "
                        f"{df.loc[smin >= smax, 'code'].tolist()}")
    if smin.nunique() != 1 or smax.nunique() != 1:
        found = sorted(set(zip(smin, smax, strict=True)))
        problems.append(f"one scale per framework expected, found {found}")
    if complete:
        counts = df["level"].value_counts()
        for name, n in spec["expected"].items():
            if int(counts.get(name, 0)) != n:
                problems.append(f"{int(counts.get(name, 0))} rows at level {name!r}, "
                                f"the published structure has {n}")
    if problems:
        raise FrameworkError(f"{level} framework is inconsistent: " + "; ".join(problems))
    return df


@cache
def _framework(level: str) -> pd.DataFrame:
    import pandas as pd

    spec = LEVELS[level]
    path = _package_file("frameworks", spec["file"])
    df = pd.read_csv(path, dtype={"code": "string", "parent": "string", "label": "string",
                                  "source": "string"}, keep_default_na=False)
    df["parent"] = df["parent"].fillna("")
    df["verified"] = df["verified"].astype(str).str.lower().map({"true": True, "false": False})
    complete = bool((df["level"] == spec["item"]).any())
    validate_framework(df, level=level, complete=complete)
    if level in ("preliminary", "detailed"):
        df["essential"] = df["essential"].astype("int64")
    return df


def framework(level: str = "preliminary") -> pd.DataFrame:
    """Structure of an assessment framework: one row per dimension, goal, essential or item.

    Parameters
    ----------
    level : {"preliminary", "detailed", "cri"}
        ``"preliminary"``: Scorecard preliminary level (10 essentials ``E1``–``E10``, 47 items
        ``P1.1``–``P10.2``, scale 0–3). ``"detailed"``: Scorecard detailed level (the 10
        essentials, scale 0–5; its 117 criteria are not stored, see ``ASSESSMENT.md``).
        ``"cri"``: City Resilience Index (4 dimensions, 12 goals ``G1``–``G12``, 52 indicators
        ``1.1``–``12.4``; this package's self-assessment scale 1–5).

    Returns
    -------
    pandas.DataFrame
        Columns ``level, code, parent, label, scale_min, scale_max, verified, source`` (plus
        ``essential`` for the Scorecard). ``verified`` is False where a code could not be checked
        against a copy of the published tool. Labels are short, in our own words.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> fw = ra.assessment.framework("preliminary")
    >>> fw["level"].value_counts().to_dict()
    {'item': 47, 'essential': 10}
    >>> fw.set_index("code").loc["P8.2", "label"]
    'Quality of protective infrastructure'
    """
    check_choice("level", level, list(LEVELS))
    return _framework(level).copy()


def items(level: str = "preliminary") -> pd.DataFrame:
    """Scored items of a framework (Scorecard questions or CRI indicators) with their group.

    Returns
    -------
    pandas.DataFrame
        Indexed by item ``code`` with ``group`` (essential ``E1``… or CRI goal ``G1``…),
        ``group_label``, ``label``, ``scale_min``, ``scale_max``, ``verified``.

    Raises
    ------
    FrameworkError
        For the detailed Scorecard, whose 117 criteria are not stored.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> it = ra.assessment.items("preliminary")
    >>> it.groupby("group", sort=False).size().to_dict()
    {'E1': 3, 'E2': 5, 'E3': 4, 'E4': 4, 'E5': 3, 'E6': 6, 'E7': 4, 'E8': 9, 'E9': 7, 'E10': 2}
    """
    check_choice("level", level, list(LEVELS))
    spec = LEVELS[level]
    fw = _framework(level)
    it = fw[fw["level"] == spec["item"]]
    if it.empty:
        raise FrameworkError(
            f"level {level!r}: the {spec['expected'][spec['item']]} item codes of the "
            f"{spec['title']} could not be verified from public copies and are not stored "
            f"(only its {len(fw)} essentials are); see "
            "resilience_analytics/frameworks/ASSESSMENT.md. Use level='preliminary' or 'cri'.")
    groups = fw.set_index("code")["label"]
    out = it.rename(columns={"parent": "group"}).set_index("code")
    out.insert(1, "group_label", out["group"].map(groups))
    return out[["group", "group_label", "label", "scale_min", "scale_max", "verified"]]


def _groups(level: str) -> pd.DataFrame:
    fw = _framework(level)
    return fw[fw["level"] == LEVELS[level]["group"]].set_index("code")


def crosswalk() -> pd.DataFrame:
    """Reviewable mapping of the Ten Essentials to INFORM and City Resilience Index items.

    Returns
    -------
    pandas.DataFrame
        ``essential`` (1–10), ``target_framework`` (``"inform"``: a component of INFORM's lack
        of coping capacity, named as in :func:`resilience_analytics.countries.inform`;
        ``"cri"``: a City Resilience Index indicator; ``"city_framework"``: an ``iCode`` of
        ``frameworks/city_framework.csv``, the composite city framework), ``target_code``,
        ``relation`` (``direct``, ``partial``, ``weak``) and a ``rationale``. Every code is
        checked against its framework.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> cw = ra.assessment.crosswalk()
    >>> sorted(cw.loc[cw.target_framework == "inform", "target_code"].unique())
    ['access_to_health_care', 'communication', 'drr', 'governance', 'physical_infrastructure']
    """
    import pandas as pd

    cw = pd.read_csv(_package_file("frameworks", "crosswalk.csv"),
                     dtype={"target_code": "string", "rationale": "string"})
    bad = cw.loc[~cw["essential"].between(1, 10), "essential"].tolist()
    if bad:
        raise FrameworkError(f"crosswalk: essential(s) {bad} outside 1–10")
    check = cw[cw["target_framework"] == "cri"]
    unknown = sorted(set(check["target_code"]) - set(items("cri").index))
    if unknown:
        raise FrameworkError(f"crosswalk: unknown City Resilience Index code(s) {unknown}")
    cf = pd.read_csv(_package_file("frameworks", "city_framework.csv"), usecols=["iCode"])
    unknown = sorted(set(cw.loc[cw["target_framework"] == "city_framework", "target_code"])
                     - set(cf["iCode"].dropna()))
    if unknown:
        raise FrameworkError(f"crosswalk: unknown city framework code(s) {unknown}; see "
                             "resilience_analytics/frameworks/city_framework.csv")
    bad_fw = sorted(set(cw["target_framework"]) - {"inform", "cri", "city_framework"})
    if bad_fw:
        raise FrameworkError(f"crosswalk: unknown target_framework {bad_fw}; accepted "
                             "'inform', 'cri', 'city_framework'")
    inform_ok = {"drr", "governance", "communication", "physical_infrastructure",
                 "access_to_health_care"}
    bad_inform = sorted(set(cw.loc[cw["target_framework"] == "inform", "target_code"])
                        - inform_ok)
    if bad_inform:
        raise FrameworkError(f"crosswalk: unknown INFORM component(s) {bad_inform}; "
                             f"accepted {sorted(inform_ok)}")
    return cw


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


def _isna(v: Any) -> bool:
    import pandas as pd

    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


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


# --------------------------------------------------------------------------------------------
# examples
# --------------------------------------------------------------------------------------------
_EXAMPLES = {"before": "example_city_preliminary.csv",
             "after": "example_city_preliminary_after.csv"}


def example_path(which: str = "before") -> Path:
    """Path of a filled example template of "Example City (fictional)".

    Parameters
    ----------
    which : {"before", "after"}
        ``"before"``: 2023-03-15, two answers missing; ``"after"``: 2025-04-10, complete, after
        (fictional) exchanges on critical infrastructure and nature-based solutions.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.assessment.example_path("after").name
    'example_city_preliminary_after.csv'
    """
    check_choice("which", which, list(_EXAMPLES))
    return _package_file("templates", _EXAMPLES[which])


def example_assessment(which: str = "before") -> Assessment:
    """Load an example assessment of "Example City (fictional)" (scores are made up).

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.assessment.example_assessment("after").n_missing
    0
    """
    return load_assessment(example_path(which))


# --------------------------------------------------------------------------------------------
# profile
# --------------------------------------------------------------------------------------------
def profile(assessment: Assessment) -> pd.DataFrame:
    """Scores per essential (Scorecard) or per goal (City Resilience Index).

    Missing answers are left out of the mean, never counted as zero; ``n_missing`` says how
    many there were.

    Returns
    -------
    pandas.DataFrame
        Indexed by group code (``E1``… or ``G1``…) with ``label``, ``n_items``, ``n_answered``,
        ``n_missing``, ``mean`` (on the framework's scale), ``score_pct`` (0–100: mean rescaled
        from the scale's minimum to its maximum), ``rank_weakest`` (1 = weakest; NA where
        nothing was answered). A CRI profile also has ``dimension``.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> p = ra.assessment.profile(ra.assessment.example_assessment("before"))
    >>> p.loc["E8", ["n_items", "n_answered"]].astype(int).tolist(), float(p.at["E8", "mean"])
    ([9, 9], 1.0)
    """
    import pandas as pd

    _check_assessment(assessment, "profile")
    it = assessment.items
    g = assessment.scores.groupby(it["group"], sort=False)
    groups = _groups(assessment.level)
    lo = float(it["scale_min"].iloc[0])
    hi = float(it["scale_max"].iloc[0])
    out = pd.DataFrame({
        "label": groups["label"].reindex(g.size().index),
        "n_items": g.size().astype("int64"),
        "n_answered": g.count().astype("int64"),
    })
    out["n_missing"] = out["n_items"] - out["n_answered"]
    out["mean"] = g.mean()
    out["score_pct"] = (out["mean"] - lo) / (hi - lo) * 100.0
    out["rank_weakest"] = out["score_pct"].rank(method="min").astype("Int64")
    if assessment.level == "cri":
        out.insert(0, "dimension", groups["parent"].reindex(out.index))
    out.index.name = "group"
    out.attrs["scale"] = (lo, hi)
    out.attrs["city"] = assessment.city
    return out


def weakest(assessment: Assessment, *, n: int = 3) -> pd.DataFrame:
    """Return the ``n`` groups (essentials or CRI goals) with the lowest score, weakest first.

    Ties are broken by the number of answered items (more evidence first), then framework order.
    Groups with no answer at all are not ranked (they appear in ``missing_by_essential``).

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.assessment.weakest(ra.assessment.example_assessment("before"), n=3)["label"].tolist()
    ['Infrastructure resilience', 'Protect natural buffers', 'Finance for resilience']
    """
    n = int(check_positive("n", n))
    p = profile(assessment).dropna(subset=["score_pct"])
    p = p.assign(_order=range(len(p)))
    p = p.sort_values(["score_pct", "n_answered", "_order"], ascending=[True, False, True])
    return p.drop(columns="_order").head(n)


def plot_profile(assessment: Assessment, *, kind: str = "radar", ax: Any = None,
                 highlight: int = 3, save: str | None = None):
    """Figure of the profile: a radar (default) or horizontal bars, weakest groups highlighted.

    Parameters
    ----------
    kind : {"radar", "bar"}
    ax : matplotlib Axes, optional
        For ``kind="bar"``; a radar needs a polar axes (created when ``ax`` is None).
    highlight : int
        Number of weakest groups drawn in a contrasting colour.
    save : str, optional
        File stem; saved with :func:`resilience_analytics.figures.save_figure` (PNG and SVG in
        ``ra.settings.get_figures_dir()``).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> fig = ra.assessment.plot_profile(ra.assessment.example_assessment("before"), kind="bar")
    >>> len(fig.axes[0].patches)
    10
    """
    import matplotlib.pyplot as plt
    import numpy as np

    check_choice("kind", kind, ["radar", "bar"])
    p = profile(assessment)
    weak = set(weakest(assessment, n=highlight).index) if highlight else set()
    names = [f"{c} {lab}" for c, lab in zip(p.index, p["label"], strict=True)]
    vals = p["score_pct"].to_numpy(dtype=float)
    colors = ["#c0392b" if c in weak else "#2c7fb8" for c in p.index]
    title = f"{assessment.city}: self-assessment"
    if assessment.date is not None:
        title += f" {assessment.date.date().isoformat()}"
    if kind == "bar":
        if ax is None:
            fig, ax = plt.subplots(figsize=(7, 0.4 * len(p) + 1.2))
        else:
            fig = ax.figure
        y = np.arange(len(p))[::-1]
        ax.barh(y, np.nan_to_num(vals), color=colors)
        for yi, v, miss in zip(y, vals, p["n_missing"], strict=True):
            txt = "no answer" if np.isnan(v) else f"{v:.0f}%"
            if miss:
                txt += f" ({miss} missing)"
            ax.text((0 if np.isnan(v) else v) + 1, yi, txt, va="center", fontsize=8)
        ax.set_yticks(y, names, fontsize=8)
        ax.set_xlim(0, 115)
        ax.set_xlabel("score, % of scale (missing answers left out)")
    else:
        if ax is None:
            fig, ax = plt.subplots(figsize=(6.5, 6.5), subplot_kw={"polar": True})
        else:
            fig = ax.figure
        ang = np.linspace(0, 2 * np.pi, len(p), endpoint=False)
        v = np.nan_to_num(vals)
        ax.plot(np.r_[ang, ang[:1]], np.r_[v, v[:1]], color="#2c7fb8")
        ax.fill(np.r_[ang, ang[:1]], np.r_[v, v[:1]], color="#2c7fb8", alpha=0.2)
        ax.scatter(ang, v, color=colors, zorder=3)
        ax.set_xticks(ang, [n if len(n) < 36 else n[:34] + "…" for n in names], fontsize=7)
        ax.set_ylim(0, 100)
        ax.set_yticks([25, 50, 75, 100], ["25", "50", "75", "100%"], fontsize=7)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    if save:
        from . import figures

        figures.save_figure(fig, save)
    return fig


# --------------------------------------------------------------------------------------------
# gaps become needs
# --------------------------------------------------------------------------------------------
def _themes() -> pd.DataFrame:
    try:
        from . import exchanges

        th = exchanges.load_themes()
        if "theme" not in th.columns:
            th = th.reset_index()
    except (ImportError, AttributeError):
        import pandas as pd

        path = Path(__file__).resolve().parents[1] / "data" / "themes.csv"
        if not path.exists():
            raise DataFileError(f"themes table not found at {path} and ra.exchanges."
                                "load_themes() is not available") from None
        th = pd.read_csv(path, dtype=str, keep_default_na=False)
    th = th.copy()
    if "essential_list" in th.columns:
        th["_ess"] = th["essential_list"].map(lambda es: [int(x) for x in es])
    else:
        th["_ess"] = th["scorecard_essentials"].fillna("").astype(str).map(
            lambda s: [int(x) for x in re.split(r"[;,]", s) if x.strip()])
    return th


def themes_for_essential(essential: int | str, *, specific: bool = True) -> list[str]:
    """Theme codes of ``data/themes.csv`` linked to one of the Ten Essentials.

    Parameters
    ----------
    essential : int or str
        1–10, or ``"E8"``.
    specific : bool, default True
        Keep only the most specific themes (those linked to the fewest essentials); False
        returns every theme linked to the essential.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.assessment.themes_for_essential(8)
    ['critical_infrastructure', 'energy']
    """
    e = _essential_number(essential)
    check_bool("specific", specific)
    th = _themes()
    hit = th[th["_ess"].map(lambda es: e in es)]
    if hit.empty:
        return []
    if specific:
        n = hit["_ess"].map(len)
        hit = hit[n == n.min()]
    return hit["theme"].tolist()


def _check_assessment(value: Any, what: str) -> None:
    """Raise :class:`ParameterError` unless ``value`` is an :class:`Assessment`."""
    if not isinstance(value, Assessment):
        raise ParameterError(
            f"{what}: expected an Assessment (from ra.assessment.load_assessment or "
            f"example_assessment), got {type(value).__name__} {value!r:.60}"
        )


def _essential_number(essential: int | str) -> int:
    s = str(essential).strip().upper().lstrip("E")
    try:
        e = int(s)
    except ValueError:
        e = -1
    if not 1 <= e <= 10:
        raise ParameterError(f"essential={essential!r} is not accepted; choose 1–10 "
                             "(or 'E1'–'E10')")
    return e


def _slug(s: str) -> str:
    from ._io import slugify  # the package's one slug function

    return slugify(s, max_length=200, empty="")


def needs_from_gaps(assessment: Assessment, *, n: int = 3, specific: bool = True,
                    essentials: list[int] | None = None) -> pd.DataFrame:
    """Turn the weakest essentials into rows of the needs table (``data/needs_offers.csv`` format).

    Parameters
    ----------
    assessment : Assessment
        A Scorecard assessment (preliminary level).
    n : int
        Number of weakest essentials to turn into needs.
    specific : bool
        Passed to :func:`themes_for_essential`.
    essentials : list of int, optional
        Use these essentials instead of the ``n`` weakest.

    Returns
    -------
    pandas.DataFrame
        Columns ``entry_id, city, role`` (``"need"``), ``theme, description, provider_type``
        (``"city"``), ``date, source`` plus ``essential`` and ``score_pct`` for traceability.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> needs = ra.assessment.needs_from_gaps(ra.assessment.example_assessment("before"), n=1)
    >>> needs[["role", "theme", "essential"]].values.tolist()
    [['need', 'critical_infrastructure', 8], ['need', 'energy', 8]]
    """
    import pandas as pd

    _check_assessment(assessment, "needs_from_gaps")
    check_bool("specific", specific)
    if assessment.level not in ("preliminary", "detailed"):
        raise ParameterError(f"needs_from_gaps needs a Scorecard assessment (level "
                             f"'preliminary'), got level={assessment.level!r}")
    p = profile(assessment)
    if essentials is None:
        chosen = weakest(assessment, n=n)
    else:
        chosen = p.loc[[f"E{_essential_number(e)}" for e in essentials]]
    date = "" if assessment.date is None else assessment.date.date().isoformat()
    lo, hi = p.attrs["scale"]
    rows = []
    for code, rec in chosen.iterrows():
        e = int(code[1:])
        scored = assessment.scores[assessment.items["group"] == code].dropna()
        low_items = scored[scored == scored.min()].index.tolist() if len(scored) else []
        for theme in themes_for_essential(e, specific=specific):
            desc = (f"Self-assessment ({LEVELS[assessment.level]['title']}, {date or 'undated'}):"
                    f" Essential {e} '{rec['label']}' scored {rec['score_pct']:.0f}% of the scale"
                    f" (mean {rec['mean']:.1f} on {lo:.0f}–{hi:.0f}, {rec['n_answered']} of "
                    f"{rec['n_items']} items answered); lowest items {', '.join(low_items)}")
            rows.append({
                "entry_id": f"sa-{_slug(assessment.city)}-{date or 'undated'}-e{e}-{theme}",
                "city": assessment.city,
                "role": "need",
                "theme": theme,
                "description": desc,
                "provider_type": "city",
                "date": date,
                "source": f"self-assessment {Path(assessment.source).name}",
                "essential": e,
                "score_pct": float(rec["score_pct"]),
            })
    cols = ["entry_id", "city", "role", "theme", "description", "provider_type", "date",
            "source", "essential", "score_pct"]
    return pd.DataFrame(rows, columns=cols)


def capacities_for_essential(essential: int | str, *, inform: pd.DataFrame | None = None,
                             include_weak: bool = False) -> pd.DataFrame:
    """External capacity measures of one essential, by country, oriented higher = better.

    The INFORM lack-of-coping-capacity components linked to the essential in :func:`crosswalk`
    (``direct`` and ``partial`` links; ``weak`` ones too with ``include_weak=True``), turned
    around as ``10 - value`` so that higher means more capacity. This is the ``capacities``
    table :func:`resilience_analytics.peers.complementary` accepts (country-level values
    attached to each city by ISO3).

    Parameters
    ----------
    essential : int or str
        1–10 or ``"E8"``.
    inform : pandas.DataFrame, optional
        INFORM table (default :func:`resilience_analytics.countries.inform`).
    include_weak : bool, default False

    Returns
    -------
    pandas.DataFrame
        Indexed by ``iso3``, one column ``inform_<component>_capacity`` per linked component.

    Raises
    ------
    ParameterError
        If the essential has no linked INFORM component (Essential 5, natural buffers).

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> caps = ra.assessment.capacities_for_essential(8)
    >>> caps.columns.tolist()
    ['inform_physical_infrastructure_capacity', 'inform_communication_capacity', \
'inform_access_to_health_care_capacity']
    """
    e = _essential_number(essential)
    cw = crosswalk()
    links = cw[(cw["essential"] == e) & (cw["target_framework"] == "inform")]
    if not include_weak:
        links = links[links["relation"] != "weak"]
    if links.empty:
        raise ParameterError(
            f"Essential {e} has no {'' if include_weak else 'direct or partial '}INFORM "
            "counterpart in the crosswalk, so no external capacity can rank peers on it; "
            + ("use include_weak=True or " if not include_weak else "")
            + "look for offers with ra.matching instead")
    if inform is None:
        from . import countries

        inform = countries.inform()
    tab = inform.set_index("iso3") if "iso3" in inform.columns else inform
    comps = list(dict.fromkeys(links["target_code"]))
    out = (10.0 - tab[comps].astype("float64"))
    out.columns = [f"inform_{c}_capacity" for c in comps]
    out.index.name = "iso3"
    return out


def who_can_teach(assessment_or_city: Assessment | str | int, essential: int | str = 8, *,
                  k: int = 10, city: str | int | None = None, kind: str = "both",
                  inform: pd.DataFrame | None = None,
                  peers_options: dict[str, Any] | None = None,
                  offers_options: dict[str, Any] | None = None) -> dict[str, pd.DataFrame]:
    """Who can teach us on one essential? Complementary peers and ranked offers, in one call.

    * ``peers``: :func:`resilience_analytics.peers.complementary` with the essential's external
      capacities (:func:`capacities_for_essential`): hazard-similar cities that are stronger
      where the city is weak on this essential.
    * ``offers``: :func:`resilience_analytics.matching.rank_offers` with the essential's needs
      (:func:`needs_from_gaps`, or the essential's themes when a city name is given).

    Parameters
    ----------
    assessment_or_city : Assessment, str or int
        An assessment (its essential becomes the need) or a real gazetteer city.
    essential : int or str
        1–10 or ``"E8"``.
    k : int
        Number of peers / offers to return.
    city : str or int, optional
        Real city to match from when the assessment belongs to a fictional city.
    kind : {"both", "peers", "offers"}
    inform : pandas.DataFrame, optional
        INFORM table for the capacities (default: the real one).
    peers_options, offers_options : dict, optional
        Extra keyword arguments for ``complementary`` and ``rank_offers``.

    Returns
    -------
    dict
        ``{"needs": ..., "peers": ..., "offers": ...}`` (only the parts asked for).

    Examples
    --------
    >>> import pandas as pd, resilience_analytics as ra
    >>> inform = pd.DataFrame({"physical_infrastructure": [6.0, 2.0, 5.0],
    ...     "communication": [5.0, 1.0, 6.0], "access_to_health_care": [4.0, 2.0, 4.0]},
    ...     index=pd.Index(["AAA", "BBB", "CCC"], name="iso3"))
    >>> t = pd.DataFrame({"name": ["Example City A", "Example City B", "Example City C"],
    ...     "country_iso3": ["AAA", "BBB", "CCC"], "fl_events": [5, 5, 6]},
    ...     index=pd.Index([1, 2, 3], name="city_id"))
    >>> out = ra.assessment.who_can_teach("Example City A", 8, kind="peers", inform=inform,
    ...     peers_options={"table": t, "features": ["fl_events"],
    ...                    "memberships": pd.DataFrame(columns=["city_id", "network"])})
    >>> out["peers"]["name"].iloc[0]
    'Example City B'
    """
    import pandas as pd

    check_choice("kind", kind, ["both", "offers", "peers"])
    k = int(check_positive("k", k))
    e = _essential_number(essential)
    themes = themes_for_essential(e)
    if isinstance(assessment_or_city, Assessment):
        needs = needs_from_gaps(assessment_or_city, essentials=[e])
        who = city if city is not None else assessment_or_city.city
    else:
        who = city if city is not None else assessment_or_city
        needs = pd.DataFrame({"entry_id": [f"ask-{_slug(str(who))}-e{e}-{t}" for t in themes],
                              "city": str(who), "role": "need", "theme": themes,
                              "description": f"Wants to learn on Essential {e}",
                              "provider_type": "city", "date": "", "source": "who_can_teach"})
    if who == EXAMPLE_CITY:
        raise ParameterError(f"{EXAMPLE_CITY!r} is fictional and has no peers or offers; pass "
                             "city= a real gazetteer city to match from")
    out: dict[str, pd.DataFrame] = {"needs": needs}
    if kind in ("both", "peers"):
        from . import peers

        caps = capacities_for_essential(e, inform=inform)
        out["peers"] = peers.complementary(who, capacities=caps, n_weakest=caps.shape[1], k=k,
                                           **(peers_options or {}))
    if kind in ("both", "offers"):
        from . import cities, matching

        # the needs are asked on behalf of the real city matched from (``city=``)
        name = cities.as_city(who).name
        out["offers"] = matching.rank_offers(who, needs=needs.assign(city=name), k=k,
                                             **(offers_options or {}))
    return out


# --------------------------------------------------------------------------------------------
# beside external data
# --------------------------------------------------------------------------------------------
def beside_external(assessment: Assessment, city: str | int | None = None, *,
                    country: str | None = None, inform: pd.DataFrame | None = None
                    ) -> pd.DataFrame:
    """Show the self-assessment per essential beside INFORM's coping-capacity components.

    Each essential is joined, through :func:`crosswalk`, to the INFORM lack-of-coping-capacity
    components that bear on it. INFORM scores lack of capacity 0–10 (higher = worse); the table
    also gives ``inform_capacity_pct = (10 - value) * 10`` so both read "higher = better". The
    two are different things (a city's own view of its practice vs. national statistics): the
    table is for discussion, not for validating either.

    Parameters
    ----------
    assessment : Assessment
    city : str or int, optional
        Real gazetteer city whose country's INFORM values are shown (default: the assessment's
        city, which must then be real).
    country : str, optional
        ISO3 code to use instead of a city (e.g. for "Example City (fictional)").
    inform : pandas.DataFrame, optional
        INFORM table indexed by ISO3 (default :func:`resilience_analytics.countries.inform`).

    Returns
    -------
    pandas.DataFrame
        One row per (essential, INFORM component): ``essential, label, self_score_pct,
        n_missing, inform_component, inform_value, inform_capacity_pct, relation, rationale``;
        essentials without an INFORM counterpart appear once with NA component.

    Examples
    --------
    The fictional example city placed in a fictional country ``XXX`` whose INFORM lack of
    coping capacity (0-10, higher = worse) is given as a one-row table:

    >>> import pandas as pd
    >>> import resilience_analytics as ra
    >>> a = ra.assessment.example_assessment("before")
    >>> inform = pd.DataFrame({"drr": [4.0], "governance": [6.0], "communication": [3.0],
    ...                        "physical_infrastructure": [2.5],
    ...                        "access_to_health_care": [5.0]}, index=["XXX"])
    >>> t = ra.assessment.beside_external(a, country="XXX", inform=inform)
    >>> t.loc[t["essential"] == 1, ["inform_component", "inform_capacity_pct"]].values.tolist()
    [['drr', 60.0], ['governance', 40.0]]
    >>> bool(t.loc[t["essential"] == 5, "inform_component"].isna().all())  # no counterpart
    True
    """
    import pandas as pd

    if assessment.level != "preliminary":
        raise ParameterError("beside_external needs a Scorecard (preliminary) assessment, got "
                             f"level={assessment.level!r}")
    if country is None:
        from . import cities

        target = city if city is not None else assessment.city
        if target == EXAMPLE_CITY:
            raise ParameterError(f"{EXAMPLE_CITY!r} is fictional; pass country='NLD' (ISO3) or "
                                 "city= a real city to place it beside external data")
        country = cities.as_city(target).country_iso3
    country = str(country).upper()
    if inform is None:
        from . import countries

        inform = countries.inform()
    tab = inform.set_index("iso3") if "iso3" in inform.columns else inform
    if country not in tab.index:
        raise ParameterError(f"country={country!r} is not in the INFORM table; accepted: ISO3 "
                             f"codes such as {', '.join(map(str, tab.index[:5]))}")
    p = profile(assessment)
    cw = crosswalk()
    cw = cw[cw["target_framework"] == "inform"]
    rows = []
    for code, rec in p.iterrows():
        e = int(code[1:])
        links = cw[cw["essential"] == e]
        base = {"essential": e, "label": rec["label"], "self_score_pct": rec["score_pct"],
                "n_missing": rec["n_missing"]}
        if links.empty:
            rows.append({**base, "inform_component": pd.NA, "inform_value": float("nan"),
                         "relation": pd.NA, "rationale": "no INFORM counterpart"})
        for lk in links.itertuples(index=False):
            val = tab.at[country, lk.target_code] if lk.target_code in tab.columns else None
            rows.append({**base, "inform_component": lk.target_code,
                         "inform_value": float("nan") if _isna(val) else float(val),
                         "relation": lk.relation, "rationale": lk.rationale})
    out = pd.DataFrame(rows)
    out.insert(out.columns.get_loc("inform_value") + 1, "inform_capacity_pct",
               (10.0 - out["inform_value"]) * 10.0)
    out.attrs["country"] = country
    return out


# --------------------------------------------------------------------------------------------
# evaluation over time
# --------------------------------------------------------------------------------------------
def compare(before: Assessment, after: Assessment) -> pd.DataFrame:
    """Change per essential (or CRI goal) between two assessments of the same city.

    Only items answered in both assessments enter the paired change, so a newly answered item
    does not look like progress.

    Returns
    -------
    pandas.DataFrame
        Indexed by group with ``label``, ``before_pct``, ``after_pct`` (each over its own
        answered items), ``n_paired`` (items answered both times), ``change_pct`` (paired:
        mean after minus mean before, in % of the scale), ``items_up``, ``items_down``.

    Raises
    ------
    ParameterError
        If the levels differ, the cities differ or ``after`` is not later than ``before``.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> c = ra.assessment.compare(ra.assessment.example_assessment("before"),
    ...                           ra.assessment.example_assessment("after"))
    >>> c.loc["E8", ["n_paired", "items_up", "items_down"]].tolist()
    [9, 5, 0]
    """
    import pandas as pd

    _check_assessment(before, "compare: before")
    _check_assessment(after, "compare: after")
    if before.level != after.level:
        raise ParameterError(f"cannot compare level {before.level!r} with {after.level!r}")
    if before.city.strip().lower() != after.city.strip().lower():
        raise ParameterError(f"cannot compare different cities: {before.city!r} and "
                             f"{after.city!r}")
    if before.date is not None and after.date is not None and not after.date > before.date:
        raise ParameterError(f"'after' ({after.date.date()}) must be later than 'before' "
                             f"({before.date.date()})")
    it = before.items
    lo, hi = float(it["scale_min"].iloc[0]), float(it["scale_max"].iloc[0])
    pb, pa = profile(before), profile(after)
    both = before.scores.notna() & after.scores.notna()
    diff = (after.scores - before.scores).where(both)
    g = diff.groupby(it["group"], sort=False)
    out = pd.DataFrame({
        "label": pb["label"],
        "before_pct": pb["score_pct"],
        "after_pct": pa["score_pct"],
        "n_paired": both.groupby(it["group"], sort=False).sum().astype("int64"),
        "change_pct": g.mean() / (hi - lo) * 100.0,
        "items_up": (diff > 0).groupby(it["group"], sort=False).sum().astype("int64"),
        "items_down": (diff < 0).groupby(it["group"], sort=False).sum().astype("int64"),
    })
    out.index.name = "group"
    out.attrs.update(city=before.city, before=before.date, after=after.date)
    return out


def plot_compare(change: pd.DataFrame, *, ax: Any = None, save: str | None = None):
    """Figure of a before/after evaluation: score per group at both dates.

    Parameters
    ----------
    change : pandas.DataFrame
        Output of :func:`compare` or :func:`relate_to_exchanges`; with the latter, groups that
        exchanges touched are marked with a star and their themes.
    ax : matplotlib Axes, optional
    save : str, optional
        File stem for :func:`resilience_analytics.figures.save_figure`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> c = ra.assessment.compare(ra.assessment.example_assessment("before"),
    ...                           ra.assessment.example_assessment("after"))
    >>> fig = ra.assessment.plot_compare(c)
    >>> len(fig.axes[0].patches)
    20
    """
    import matplotlib.pyplot as plt
    import numpy as np

    for col in ("label", "before_pct", "after_pct"):
        if col not in change.columns:
            raise ParameterError(f"change lacks column {col!r}; pass the output of compare() "
                                 "or relate_to_exchanges()")
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(change) + 1.4))
    else:
        fig = ax.figure
    y = np.arange(len(change))[::-1]
    h = 0.38
    ax.barh(y + h / 2, change["before_pct"].fillna(0), height=h, color="#bdbdbd",
            label=_date_label(change.attrs.get("before"), "before"))
    ax.barh(y - h / 2, change["after_pct"].fillna(0), height=h, color="#2c7fb8",
            label=_date_label(change.attrs.get("after"), "after"))
    names = []
    for code, rec in change.iterrows():
        star = " *" if bool(rec.get("exchanged", False)) else ""
        names.append(f"{code} {rec['label']}{star}")
    ax.set_yticks(y, names, fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel("score, % of scale")
    title = f"{change.attrs.get('city', '')}: change between assessments"
    if "exchanged" in change.columns:
        title += " (* = theme of an exchange in between)"
    ax.set_title(title, fontsize=9)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    if save:
        from . import figures

        figures.save_figure(fig, save)
    return fig


def _date_label(d: Any, default: str) -> str:
    return default if d is None or _isna(d) else f"{default} ({d.date().isoformat()})"


def _participants(ex: pd.DataFrame) -> pd.Series:
    def norm(v: Any) -> list[str]:
        if isinstance(v, (list, tuple)):
            return [str(x).strip().lower() for x in v]
        if _isna(v):
            return []
        return [x.strip().lower() for x in str(v).split(";") if x.strip()]

    host = ex["host_city"].map(norm) if "host_city" in ex.columns else None
    parts = ex["participants"].map(norm)
    return parts if host is None else parts + host


def relate_to_exchanges(before: Assessment, after: Assessment, city: str | int | None = None, *,
                        exchanges: pd.DataFrame | None = None) -> pd.DataFrame:
    """Relate the change per essential to the themes of the city's exchanges between the dates.

    Exchanges (from :func:`resilience_analytics.exchanges.load_exchanges` unless given) count
    when the city is host or participant and the exchange date lies in ``(before.date,
    after.date]``. Themes map to essentials through the ``scorecard_essentials`` column of
    ``data/themes.csv``. The table shows co-occurrence, not cause: a city's scores move for
    many reasons.

    Parameters
    ----------
    before, after : Assessment
    city : str or int, optional
        Name to look for in the log's host and participants (default: the assessments' city),
        or a gazetteer ``city_id`` matched against ``host_city_id`` / ``participant_city_ids``.
    exchanges : pandas.DataFrame, optional
        Exchange log with ``exchange_id``, a date (``date`` or ``date_start``), ``host_city``,
        ``participants`` and ``themes`` (lists or ";"-separated strings).

    Returns
    -------
    pandas.DataFrame
        :func:`compare` plus ``n_exchanges`` (exchanges touching the essential),
        ``exchange_ids`` and ``themes`` (";"-joined), and ``exchanged`` (bool).

    Examples
    --------
    >>> import pandas as pd, resilience_analytics as ra
    >>> log = pd.DataFrame({"exchange_id": ["fictional-1"], "date": ["2024-05-01"],
    ...     "host_city": ["Elsewhere (fictional)"], "participants": ["Example City (fictional)"],
    ...     "themes": ["critical_infrastructure"]})
    >>> r = ra.assessment.relate_to_exchanges(ra.assessment.example_assessment("before"),
    ...     ra.assessment.example_assessment("after"), exchanges=log)
    >>> int(r.at["E8", "n_exchanges"]), r.at["E8", "themes"]
    (1, 'critical_infrastructure')
    """
    import pandas as pd

    cmp = compare(before, after)
    if before.level != "preliminary":
        raise ParameterError("relate_to_exchanges maps themes to the Ten Essentials; it needs "
                             f"Scorecard assessments, got level={before.level!r}")
    if before.date is None or after.date is None:
        raise ParameterError("both assessments need a date to select exchanges between them")
    if exchanges is None:
        from . import exchanges as exmod

        exchanges = exmod.load_exchanges()
    ex = exchanges.copy()
    if "exchange_id" not in ex.columns:
        ex = ex.reset_index()
    dcol = "date" if "date" in ex.columns else "date_start"
    ex["_date"] = pd.to_datetime(ex[dcol], errors="coerce")
    if isinstance(city, int) and "participant_city_ids" in ex.columns:
        ids = ex["participant_city_ids"].map(lambda v: list(v) if isinstance(v, list | tuple)
                                             else [])
        host = ex["host_city_id"] if "host_city_id" in ex.columns else None
        took_part = ids.map(lambda v: city in v) | (host == city if host is not None else False)
    else:
        who = str(city or before.city).strip().lower()
        took_part = _participants(ex).map(lambda ps: who in ps)
    ex = ex[took_part & (ex["_date"] > before.date) & (ex["_date"] <= after.date)]
    th = _themes().set_index("theme")["_ess"]
    per: dict[int, dict[str, set]] = {e: {"ids": set(), "themes": set()} for e in range(1, 11)}
    for rec in ex.itertuples(index=False):
        ts = rec.themes if isinstance(rec.themes, (list, tuple)) else str(rec.themes).split(";")
        for t in (x.strip() for x in ts if str(x).strip()):
            for e in th.get(t, []):
                per[e]["ids"].add(rec.exchange_id)
                per[e]["themes"].add(t)
    cmp["n_exchanges"] = [len(per[int(g[1:])]["ids"]) for g in cmp.index]
    cmp["exchange_ids"] = [";".join(sorted(per[int(g[1:])]["ids"])) for g in cmp.index]
    cmp["themes"] = [";".join(sorted(per[int(g[1:])]["themes"])) for g in cmp.index]
    cmp["exchanged"] = cmp["n_exchanges"] > 0
    cmp.attrs["n_exchanges_total"] = len(ex)
    return cmp
