"""Obtain a data set from its official publisher and convert it the documented way.

The files this library was tested on (``../shared/data``) are faithful copies or conversions of
what the publishers distribute, but often not byte-identical to an official download (a CSV
made from the official workbook, a TSV with its search-echo row removed). A researcher outside
the project's machines needs to get the same numbers from the official source. For each such
data set a :class:`Recipe` says where the original is published, which file to download, and
the exact conversion (the one described in the data set's PROVENANCE.md); :func:`obtain` runs
it and reports, file by file, which sha256 it obtained and whether it matches the registry.

A mismatch is not an error: publishers revise files. It means the numbers may differ from the
tested ones, and the report says so. Downloads need the network; every conversion can also run
on an original the user downloaded by hand (``source=``). Nothing is written into the data
directory (``RESILIENCE_DATA_DIR``): outputs go to ``<cache>/data/<name>/`` (where
:func:`resilience_analytics.datasets.get_path` looks second) or to ``dest``.

Examples
--------
>>> import resilience_analytics as ra
>>> table = ra.obtain.recipes()
>>> "ncei_significant_earthquakes" in table.index
True
>>> table.loc["inform_risk_index_2023", "original"]
'INFORM_Risk_2023__v065.xlsx'
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _io, datasets, settings
from .errors import DataFileError, ParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RECIPES", "Recipe", "obtain", "recipes"]


@dataclass(frozen=True)
class Recipe:
    """How one data set's tested files are made from the publisher's original.

    Attributes
    ----------
    dataset : str
        Registry name.
    original : str
        File name of the original as published (and as kept beside the derived files).
    page : str
        The publisher's page where the original is offered.
    download_url : str or None
        A direct address of the original, where a stable one is known; ``None`` when the
        publisher offers it only through a form or search page (download it by hand and pass
        ``source=``).
    steps : str
        The conversion in words.
    convert : callable
        ``convert(original_path) -> {output filename: bytes}``.

    Examples
    --------
    >>> from resilience_analytics.obtain import RECIPES
    >>> RECIPES["world_risk_index"].outputs
    ('world_risk_index_2000_2022_long.csv', 'world_risk_index_codebook.csv')
    """

    dataset: str
    original: str
    page: str
    download_url: str | None
    steps: str
    outputs: tuple[str, ...]
    convert: Callable[[Path], dict[str, bytes]]


# ---- converters (each the PROVENANCE.md recipe, verified to reproduce the tested bytes) ----
def _csv_bytes(df: Any) -> bytes:
    return df.to_csv(index=False).encode("utf-8")


def _read_tsv(path: Path) -> Any:
    import pandas as pd

    try:
        return pd.read_csv(path, sep="\t", low_memory=False)
    except (pd.errors.ParserError, UnicodeDecodeError, OSError) as exc:
        raise DataFileError(f"{path}: not a readable tab-separated export: {exc}") from exc


def _read_sheet(path: Path, sheet: str, **kw: Any) -> Any:
    import pandas as pd

    try:
        return pd.read_excel(path, sheet_name=sheet, **kw)
    except ValueError as exc:  # missing sheet
        raise DataFileError(f"{path}: no sheet {sheet!r} ({exc})") from exc
    except Exception as exc:  # openpyxl: BadZipFile, InvalidFileException, KeyError
        raise DataFileError(f"{path}: not a readable Excel workbook: {exc}") from exc


def _need_columns(df: Any, columns: list[str], path: Path) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataFileError(
            f"{path}: expected columns {missing} are missing; found {list(df.columns)[:12]}"
        )


def _ncei_earthquakes(path: Path) -> dict[str, bytes]:
    raw = _read_tsv(path)
    _need_columns(raw, ["Search Parameters", "Year"], path)
    df = raw.drop(columns=["Search Parameters"]).iloc[1:]
    return {"ncei_significant_earthquakes_2150bc_2024.csv": _csv_bytes(df)}


_TSUNAMI_INTEGER_COLUMNS = [
    "Id", "Year", "Mo", "Dy", "Hr", "Mn", "Tsunami Event Validity", "Tsunami Cause Code",
    "More Info",
]


def _ncei_tsunamis(path: Path) -> dict[str, bytes]:
    raw = _read_tsv(path)
    _need_columns(raw, _TSUNAMI_INTEGER_COLUMNS, path)
    df = raw.drop(columns=[raw.columns[0]]).iloc[1:]
    for c in _TSUNAMI_INTEGER_COLUMNS:
        df[c] = df[c].astype("Int64")
    return {"ncei_tsunami_events_1750_2023.csv": _csv_bytes(df)}


def _inform(path: Path) -> dict[str, bytes]:
    sheet = _read_sheet(path, "INFORM Risk 2023 (a-z)", header=1)
    _need_columns(sheet, ["COUNTRY", "ISO3", "INFORM RISK"], path)
    return {"inform_risk_2023_index.csv": _csv_bytes(sheet.iloc[1:])}


def _dfo_archive(path: Path) -> dict[str, bytes]:
    sheet = _read_sheet(path, "FloodArchive")
    _need_columns(sheet, ["ID", "Country", "Began"], path)
    return {"dfo_flood_archive_1985_2021.csv": _csv_bytes(sheet)}


def _gcom(path: Path) -> dict[str, bytes]:
    data = _read_sheet(path, "1")
    meta = _read_sheet(path, "df1_METADATA")
    return {
        "gcom_mycovenant_signatories_2024.csv": _csv_bytes(data),
        "gcom_mycovenant_signatories_2024_codebook.csv": _csv_bytes(meta),
    }


def _world_risk_index(path: Path) -> dict[str, bytes]:
    import pandas as pd

    try:
        book = pd.ExcelFile(path)
    except Exception as exc:
        raise DataFileError(f"{path}: not a readable Excel workbook: {exc}") from exc
    years = [s for s in book.sheet_names if s.startswith("Results ")]
    if not years or "Codes" not in book.sheet_names:
        raise DataFileError(
            f"{path}: expected sheets 'Codes' and 'Results YYYY'; found {book.sheet_names[:6]}"
        )
    frames = []
    for s in years:
        d = pd.read_excel(book, sheet_name=s)
        _need_columns(d, ["Country", "Code"], path)
        year = pd.Series(int(s.split()[1]), index=d.index, name="Year")
        frames.append(pd.concat([d.iloc[:, :2], year, d.iloc[:, 2:]], axis=1))
    long = pd.concat(frames, ignore_index=True)
    return {
        "world_risk_index_2000_2022_long.csv": _csv_bytes(long),
        "world_risk_index_codebook.csv": _csv_bytes(pd.read_excel(book, sheet_name="Codes")),
    }


RECIPES: dict[str, Recipe] = {
    r.dataset: r
    for r in [
        Recipe(
            "ncei_significant_earthquakes", "NOAA-20240412.tsv",
            "https://www.ngdc.noaa.gov/hazel/view/hazards/earthquake/search",
            None,
            "Search all significant earthquakes and export as TSV; drop the first column "
            "('Search Parameters') and the first data row (the search echo); write as CSV.",
            ("ncei_significant_earthquakes_2150bc_2024.csv",), _ncei_earthquakes,
        ),
        Recipe(
            "ncei_tsunami_events_1750_2023", "NCEI_tsunami_events_1750-2023.tsv",
            "https://www.ngdc.noaa.gov/hazel/view/hazards/tsunami/event-search",
            None,
            "Search tsunami events 1750-2023 and export as TSV; drop the first (empty "
            "'Search Parameters') column and the blank first data row; store "
            + ", ".join(_TSUNAMI_INTEGER_COLUMNS) + " as integers; write as CSV.",
            ("ncei_tsunami_events_1750_2023.csv",), _ncei_tsunamis,
        ),
        Recipe(
            "inform_risk_index_2023", "INFORM_Risk_2023__v065.xlsx",
            "https://drmkc.jrc.ec.europa.eu/inform-index/INFORM-Risk/Results-and-data",
            None,
            "Download the INFORM Risk 2023 workbook (v065); sheet 'INFORM Risk 2023 (a-z)', "
            "header on row 2, drop the unit row 3; write as CSV.",
            ("inform_risk_2023_index.csv",), _inform,
        ),
        Recipe(
            "dfo_flood_archive", "FloodArchive.xlsx",
            "https://floodobservatory.colorado.edu/Archives/index.html",
            None,
            "Download the Global Active Archive workbook; sheet 'FloodArchive' as it is, "
            "written as CSV. Licence: research and education use; do not redistribute.",
            ("dfo_flood_archive_1985_2021.csv",), _dfo_archive,
        ),
        Recipe(
            "gcom_mycovenant_signatories", "df1_Signatories_2024.xlsx",
            "https://data.jrc.ec.europa.eu/dataset/b425918f-53a1-495c-8619-cd370c302eb0",
            None,
            "Download df1 (signatories) of GCoM MyCovenant 2024; sheet '1' is the data and "
            "sheet 'df1_METADATA' the codebook, each written as CSV.",
            ("gcom_mycovenant_signatories_2024.csv",
             "gcom_mycovenant_signatories_2024_codebook.csv"), _gcom,
        ),
        Recipe(
            "world_risk_index", "WRI_FullData_Time-series-2000-2022.xlsx",
            "https://weltrisikobericht.de/",
            None,
            "Download the WorldRiskIndex full time series 2000-2022 workbook; stack the 23 "
            "sheets 'Results YYYY' with a Year column inserted third; sheet 'Codes' is the "
            "codebook; each written as CSV.",
            ("world_risk_index_2000_2022_long.csv", "world_risk_index_codebook.csv"),
            _world_risk_index,
        ),
    ]
}


def recipes() -> pd.DataFrame:
    """Return the table of data sets that can be rebuilt from the publisher's original.

    Returns
    -------
    pandas.DataFrame
        Indexed by data-set name: ``original``, ``page``, ``download_url``, ``outputs``,
        ``steps``, and the licence flags that restrict use of the result.

    Examples
    --------
    >>> from resilience_analytics.obtain import recipes
    >>> t = recipes()
    >>> t.loc["dfo_flood_archive", "licence_flags"]
    'non-commercial, no-redistribution'
    """
    import pandas as pd

    rows = []
    for name, r in RECIPES.items():
        rows.append({
            "dataset": name,
            "original": r.original,
            "page": r.page,
            "download_url": r.download_url,
            "outputs": ", ".join(r.outputs),
            "steps": r.steps,
            "licence_flags": ", ".join(datasets.get(name).licence_flags),
        })
    return pd.DataFrame(rows).set_index("dataset")


def _inside(path: Path, folder: Path | None) -> bool:
    if folder is None:
        return False
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def obtain(
    name: str,
    *,
    source: str | os.PathLike | None = None,
    dest: str | os.PathLike | None = None,
    download: bool = False,
) -> pd.DataFrame:
    """Rebuild a data set's tested files from the publisher's original and compare checksums.

    Parameters
    ----------
    name : str
        A data set with a recipe (see :func:`recipes`).
    source : path-like, optional
        The original file, downloaded by hand from the recipe's ``page``.
    dest : path-like, optional
        Folder to write into (as ``<dest>/<name>/<file>``); default the cache
        (``<cache>/data``), where the library looks after the data directory. The data
        directory itself is refused: nothing is ever written there.
    download : bool, default False
        Fetch the original from the recipe's ``download_url`` with :mod:`pooch` (network).
        Refused when the recipe has no stable direct address.

    Returns
    -------
    pandas.DataFrame
        One row per file written: ``path``, ``sha256`` obtained, ``registered`` sha256,
        ``matches`` (the same bytes as the tested copy), ``bytes``.

    Raises
    ------
    ParameterError
        Unknown data set (the accepted names are listed), neither ``source`` nor ``download``,
        a ``source`` that does not exist, or a ``dest`` inside the data directory.
    DataFileError
        The original cannot be read or lacks the expected sheets/columns.

    Examples
    --------
    A fictional export in the NCEI earthquake layout (the real one comes from the page):

    >>> import tempfile
    >>> from pathlib import Path
    >>> from resilience_analytics.obtain import obtain
    >>> folder = Path(tempfile.mkdtemp())
    >>> tsv = folder / "export.tsv"
    >>> tab, nl = chr(9), chr(10)
    >>> rows = [['"Search Parameters"', '"Year"', '"Mag"'], ['"[]"', "", ""], ["", "2001", "6.1"]]
    >>> _ = tsv.write_text(nl.join(tab.join(r) for r in rows) + nl)
    >>> out = obtain("ncei_significant_earthquakes", source=tsv, dest=folder / "out")
    >>> bool(out["matches"].iloc[0])  # fictional bytes: not the tested copy, and it says so
    False
    >>> (folder / "out" / "ncei_significant_earthquakes" /
    ...  "ncei_significant_earthquakes_2150bc_2024.csv").read_text().splitlines()
    ['Year,Mag', '2001.0,6.1']
    """
    import pandas as pd

    if not isinstance(name, str) or name not in RECIPES:
        raise ParameterError(
            f"no recipe for data set {name!r}; accepted: {', '.join(sorted(RECIPES))}"
        )
    recipe = RECIPES[name]
    if source is None and not download:
        raise ParameterError(
            f"obtain({name!r}) needs source= (the original {recipe.original!r}, downloaded "
            f"from {recipe.page}) or download=True"
        )
    if source is not None:
        original = Path(source)
        if not original.is_file():
            raise ParameterError(f"source {str(original)!r} is not a file")
    else:
        if recipe.download_url is None:
            raise ParameterError(
                f"{name!r} has no stable direct download address: download "
                f"{recipe.original!r} from {recipe.page} by hand and pass source="
            )
        import pooch  # pragma: no cover - network

        original = Path(pooch.retrieve(recipe.download_url, known_hash=None))  # pragma: no cover
    target = Path(dest) if dest is not None else settings.get_cache_dir() / "data"
    if _inside(target, settings.get_data_dir()):
        raise ParameterError(
            f"dest {str(target)!r} is inside the data directory {settings.get_data_dir()}; "
            "nothing is written there: choose another folder or leave dest empty (the cache)"
        )
    registered = {f.filename: f.sha256 for f in datasets.get(name).files}
    rows = []
    for filename, data in recipe.convert(original).items():
        path = _io.atomic_write_bytes(target / name / filename, data)
        digest = datasets.sha256(path)
        rows.append({
            "file": filename,
            "path": str(path),
            "sha256": digest,
            "registered": registered.get(filename),
            "matches": digest == registered.get(filename),
            "bytes": len(data),
        })
    return pd.DataFrame(rows).set_index("file")
