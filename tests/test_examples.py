"""Every public function and class has a runnable example (issue 17).

Walks every public module of the package (no part of its dotted name starts with an
underscore), takes each name in its ``__all__`` that is a function or class defined in that
module, and checks that its docstring has a numpydoc ``Examples`` section with at least one
``>>>`` line not marked ``+SKIP``. The doctests themselves run with ``--doctest-modules``; this
test makes a missing (or skip-only) example fail CI, and names every offender.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import resilience_analytics as ra

_SECTION = re.compile(r"^Examples\n-{8,}\n", re.MULTILINE)
_NEXT_SECTION = re.compile(r"^\S[^\n]*\n-{3,}\n", re.MULTILINE)


def public_modules() -> list[str]:
    """Dotted names of every public module of the package."""
    out = []
    for info in pkgutil.walk_packages(ra.__path__, prefix="resilience_analytics."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        out.append(info.name)
    return sorted(out)


def examples_section(doc: str) -> str:
    """The text of a numpydoc ``Examples`` section ('' when there is none)."""
    m = _SECTION.search(doc)
    if m is None:
        return ""
    rest = doc[m.end():]
    nxt = _NEXT_SECTION.search(rest)
    return rest[: nxt.start()] if nxt else rest


def runnable_lines(section: str) -> list[str]:
    """The ``>>>`` lines of a section that doctest runs (not marked ``+SKIP``)."""
    return [line for line in section.splitlines()
            if line.lstrip().startswith(">>>") and "+SKIP" not in line]


def offenders() -> list[str]:
    """``module.name: reason`` of every public function or class without a runnable example."""
    bad = []
    for name in public_modules():
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", []):
            obj = getattr(module, attr, None)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if getattr(obj, "__module__", None) != name:
                continue  # re-exported: checked where it is defined
            section = examples_section(inspect.getdoc(obj) or "")
            if not section:
                bad.append(f"{name}.{attr}: no Examples section")
            elif not runnable_lines(section):
                bad.append(f"{name}.{attr}: Examples has no runnable >>> line (all +SKIP)")
    return bad


def test_public_modules_found():
    mods = public_modules()
    assert "resilience_analytics.cities" in mods
    assert "resilience_analytics.composite.pipeline" in mods
    assert not any("._" in m for m in mods)


def test_examples_section_parsing():
    doc = ("Summary.\n\nReturns\n-------\nint\n\nExamples\n--------\n"
           ">>> f(1)  # doctest: +SKIP\n2\n\nNotes\n-----\n>>> not in the section\n")
    assert runnable_lines(examples_section(doc)) == []
    doc2 = doc.replace("# doctest: +SKIP", "")
    assert runnable_lines(examples_section(doc2)) == [">>> f(1)  "]
    assert examples_section("No section here.\n>>> f()\n") == ""


def test_every_public_function_and_class_has_a_runnable_example():
    bad = offenders()
    assert not bad, (f"{len(bad)} public functions/classes lack a runnable Examples section "
                     "(numpydoc 'Examples' with a >>> line not marked +SKIP):\n"
                     + "\n".join(bad))
