"""Pages generated at build time from the library itself (the registry and the module list)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import resilience_analytics as ra


def _md_cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def write_data_page(path: Path) -> None:
    """Write the data page: one section per registered data set, from the registry."""
    from resilience_analytics import datasets

    lines = [
        "# Data sets",
        "",
        "Generated from `resilience_analytics/registry/datasets.json` when the documentation is",
        "built. The library never ships these files: it reads them from `RESILIENCE_DATA_DIR`",
        "(one folder per data set) and verifies each file's sha256. **Licence flags** mark data",
        "whose numbers may not be used freely (non-commercial, share-alike, no redistribution);",
        "reports repeat them wherever those numbers appear.",
        "",
        "| data set | publisher | licence flags |",
        "| --- | --- | --- |",
    ]
    for name in datasets.names():
        ds = datasets.get(name)
        flags = ", ".join(ds.licence_flags) or "none"
        lines.append(f"| [`{name}`](#{name.replace('_', '-')}) | {_md_cell(ds.publisher)} | {flags} |")
    lines.append("")
    for name in datasets.names():
        ds = datasets.get(name)
        lines += [
            f"({name.replace('_', '-')})=",
            f"## `{name}`",
            "",
            f"**{_md_cell(ds.title)}**",
            "",
            f"- Publisher: {ds.publisher}",
            f"- Official address: <{ds.official_url}>",
            f"- Licence (as found): {ds.licence}",
            f"- Licence flags: {', '.join(ds.licence_flags) or 'none'}",
            f"- Citation: {ds.citation}",
        ]
        if ds.package:
            lines.append(f"- How to obtain: installed with the Python package `{ds.package}`.")
        else:
            lines.append(
                f"- How to obtain: from the official address above, into "
                f"`$RESILIENCE_DATA_DIR/{name}/`; the checksums below say whether you hold the "
                "same bytes the library was tested on."
            )
        if ds.quirks:
            lines += ["- Quirks the loaders handle:"] + [f"  - {q}" for q in ds.quirks]
        if ds.files:
            lines += ["", "| file | bytes | sha256 | what |", "| --- | ---: | --- | --- |"]
            for f in ds.files:
                size = f"{f.bytes:,}" if f.bytes else ""
                lines.append(
                    f"| `{f.filename}` | {size} | `{f.sha256}` | {_md_cell(f.description)} |"
                )
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def public_modules() -> list[str]:
    """Every public module of the package (no leading underscore anywhere in its name)."""
    out = []
    for info in pkgutil.walk_packages(ra.__path__, prefix="resilience_analytics."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        out.append(info.name)
    return sorted(out)


def write_api_pages(folder: Path) -> None:
    """Write one API page per public module (automodule of its ``__all__``) and an index."""
    folder.mkdir(parents=True, exist_ok=True)
    mods = public_modules()
    index = [
        "# API reference",
        "",
        "Generated from the docstrings. Every public function has a runnable example (the",
        "test suite runs them as doctests and fails when one is missing).",
        "",
        "```{toctree}",
        ":maxdepth: 1",
        "",
    ]
    for mod in mods:
        short = mod.removeprefix("resilience_analytics.")
        index.append(short)
        module = importlib.import_module(mod)
        names = [
            n
            for n in getattr(module, "__all__", [])
            if not n.startswith("_") and not inspect.ismodule(getattr(module, n, None))
        ]
        page = [
            f"# `{short}`",
            "",
            "```{eval-rst}",
            f".. automodule:: {mod}",
            "   :no-members:",
            "",
        ]
        own = [n for n in names if getattr(getattr(module, n), "__module__", mod) == mod]
        reexported = [n for n in names if n not in own]
        if reexported:
            page += [
                "Also importable from here (documented where they are defined): "
                + ", ".join(f"``{n}``" for n in reexported),
                "",
            ]
        names = own
        if names:
            page += [f".. currentmodule:: {mod}", "", ".. autosummary::", "   :toctree: generated", ""]
            page += [f"   {n}" for n in names]
        page += ["```", ""]
        (folder / f"{short}.md").write_text("\n".join(page), encoding="utf-8")
    index += ["```", ""]
    (folder / "index.md").write_text("\n".join(index), encoding="utf-8")
