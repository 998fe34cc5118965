"""Executing notebooks: kernels with the session's settings, a progress bar, typed failures.

:func:`run_suite` executes a plan (notebook, parameters) into a folder with papermill, one
kernel per notebook whose working directory is that folder; the progress bar names the
notebook(s) running now. A failing cell becomes a :class:`NotebookError` naming the notebook
and the cell as written (papermill's injected-parameters cell not counted).
:func:`refresh_notebooks` re-executes the committed notebooks in place.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from pathlib import Path
from typing import Any

from .. import settings
from ..errors import ResilienceError

__all__ = ["NotebookError", "kernel_environment", "refresh_notebooks", "run_suite"]


class NotebookError(ResilienceError, RuntimeError):
    """A notebook of the suite failed; the message names the notebook and the cell.

    Examples
    --------
    >>> from resilience_analytics.report import NotebookError
    >>> e = NotebookError("notebook 03-x.ipynb failed in cell 3", notebook="03-x.ipynb", cell=3)
    >>> (e.notebook, e.cell)
    ('03-x.ipynb', 3)
    """

    def __init__(self, message: str, notebook: str = "", cell: int | None = None):
        super().__init__(message)
        self.notebook = notebook
        self.cell = cell


_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                "NUMEXPR_NUM_THREADS")


@contextlib.contextmanager
def kernel_environment(threads: int | None = None):
    """Hand the in-process settings (data dir, cache dir) to the kernels through the env.

    ``JUPYTER_PATH`` puts this environment's kernel spec first, so that the kernel runs the
    Python that has this library even when the user has another ``python3`` kernel spec. With
    ``threads``, the BLAS/OpenMP pools of each kernel are limited (unless the user set them):
    kernels running side by side then do not oversubscribe the cores, and a report and its
    verification run with the same thread count whatever ``jobs`` is, so that floating-point
    reductions give the same bits.

    Examples
    --------
    >>> import os
    >>> from resilience_analytics.report.execution import kernel_environment
    >>> with kernel_environment(threads=1):
    ...     "RESILIENCE_CACHE_DIR" in os.environ
    True
    """
    import sys

    saved = {k: os.environ.get(k)
             for k in ("RESILIENCE_DATA_DIR", "RESILIENCE_CACHE_DIR", "JUPYTER_PATH",
                       *_THREAD_VARS)}
    if threads is not None:
        for k in _THREAD_VARS:
            if not saved[k]:
                os.environ[k] = str(threads)
    own = Path(sys.prefix) / "share" / "jupyter"
    if (own / "kernels").is_dir():
        os.environ["JUPYTER_PATH"] = os.pathsep.join(
            [str(own)] + ([saved["JUPYTER_PATH"]] if saved["JUPYTER_PATH"] else []))
    data = settings.get_data_dir()
    if data is not None:
        os.environ["RESILIENCE_DATA_DIR"] = str(Path(data).resolve())
    os.environ["RESILIENCE_CACHE_DIR"] = str(Path(settings.get_cache_dir()).resolve())
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _execute_one(src: Path, target: Path, params: dict, *, kernel_name: str | None,
                 timeout: float | None) -> float:
    """Execute one notebook into ``target`` (its folder is the kernel's working directory)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    start = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(src), str(target), parameters={**params, "output_dir": "."},
            kernel_name=kernel_name, progress_bar=False, log_output=False,
            execution_timeout=timeout, resources={"metadata": {"path": str(target.parent)}},
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )
    except PapermillExecutionError as exc:
        cell = _source_cell_index(target, exc.cell_index)
        first = next((ln for ln in str(exc.source).splitlines() if ln.strip()), "")
        raise NotebookError(
            f"notebook {src.name} failed in cell {cell} (In [{exc.exec_count}], cells counted "
            f"from 0 as in {src.name}; it starts {first[:80]!r}): {exc.ename}: {exc.evalue}",
            notebook=src.name, cell=cell,
        ) from None
    except Exception as exc:  # kernel died, timeout, ...
        raise NotebookError(
            f"notebook {src.name} could not be run: {type(exc).__name__}: {exc}",
            notebook=src.name,
        ) from exc
    return time.perf_counter() - start


def _source_cell_index(executed: Path, index: int) -> int:
    """Map a cell index of papermill's output (with its injected-parameters cell) to the source."""
    import nbformat

    try:
        nb = nbformat.read(executed, as_version=4)
    except (OSError, ValueError):
        return index
    injected = [i for i, c in enumerate(nb.cells)
                if "injected-parameters" in c.get("metadata", {}).get("tags", [])]
    return index - sum(1 for i in injected if i < index)


class _Running:
    """The notebooks running now, shown as the progress bar's postfix."""

    def __init__(self, bar) -> None:
        self.bar = bar
        self.names: list[str] = []
        self.lock = threading.Lock()

    def start(self, name: str) -> None:
        with self.lock:
            self.names.append(name)
            self._show()

    def stop(self, name: str) -> None:
        with self.lock:
            if name in self.names:
                self.names.remove(name)
            self.bar.update(1)
            self._show()

    def _show(self) -> None:
        self.bar.set_postfix_str(("running " + ", ".join(self.names)) if self.names else "")


def run_suite(target: Path, plan: list[tuple[Path, dict[str, Any]]], *, progress: bool,
              kernel_name: str | None, timeout: float | None, jobs: int,
              desc: str) -> dict[str, float]:
    """Execute every notebook of ``plan`` into ``target``; return seconds per notebook.

    The progress bar has one step per notebook and names the notebook(s) running now.

    Examples
    --------
    >>> from resilience_analytics.report.execution import run_suite
    >>> run_suite(tmp, [(nb, {"city": 2747373})], progress=True, kernel_name="python3",
    ...           timeout=600, jobs=1, desc="report")  # doctest: +SKIP
    {'02-hazard-profile': 21.4}
    """
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    from tqdm.auto import tqdm

    seconds: dict[str, float] = {}
    bar = tqdm(total=len(plan), desc=desc, unit="notebook", disable=not progress)
    running = _Running(bar)

    def one(src: Path, params: dict) -> float:
        running.start(src.stem)
        try:
            return _execute_one(src, target / src.name, params, kernel_name=kernel_name,
                                timeout=timeout)
        finally:
            running.stop(src.stem)

    with kernel_environment(threads=1):
        try:
            if jobs <= 1:
                for src, params in plan:
                    seconds[src.stem] = one(src, params)
            else:
                with ThreadPoolExecutor(max_workers=jobs) as pool:
                    futures = {pool.submit(one, src, params): src for src, params in plan}
                    pending = set(futures)
                    while pending:
                        done, pending = wait(pending, return_when=FIRST_COMPLETED)
                        for fut in done:
                            if fut.exception() is not None:
                                for other in pending:
                                    other.cancel()
                                raise fut.exception()
                            seconds[futures[fut].stem] = fut.result()
        finally:
            bar.close()
    return {src.stem: seconds[src.stem] for src, _ in plan}


def refresh_notebooks(
    notebooks: list[str | Path] | None = None, *, timeout: float | None = 600,
    progress: bool | None = None, suite: Any = None,
) -> dict[str, float]:
    """Re-execute the committed notebooks in place with their default parameters.

    Equivalent to ``jupyter nbconvert --execute --inplace`` without timing metadata, so that a
    re-run changes only outputs. The kernel runs in the notebooks' folder (as nbval does).

    Parameters
    ----------
    notebooks : list, optional
        Names or numbers (default: the whole suite).
    timeout : float, default 600
    progress : bool, optional
    suite : Suite, optional
        Default :func:`resilience_analytics.report.suite.default_suite`.

    Returns
    -------
    dict
        Seconds per notebook.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.report.refresh_notebooks(["02"])  # doctest: +SKIP
    {'02-hazard-profile': 21.3}
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from tqdm.auto import tqdm

    from .._io import atomic_write
    from .suite import default_suite

    suite = suite if suite is not None else default_suite()
    progress = settings.progress if progress is None else progress
    seconds = {}
    paths = suite.select(notebooks)
    with kernel_environment():
        bar = tqdm(paths, desc="notebooks", unit="notebook", disable=not progress)
        for path in bar:
            bar.set_postfix_str(f"running {path.stem}")
            nb = nbformat.read(path, as_version=4)
            client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                    record_timing=False,
                                    extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
                                    resources={"metadata": {"path": str(path.parent)}})
            start = time.perf_counter()
            try:
                client.execute()
            except CellExecutionError as exc:
                raise NotebookError(f"notebook {path.name} failed: {exc}",
                                    notebook=path.name) from None
            seconds[path.stem] = time.perf_counter() - start
            mode = path.stat().st_mode & 0o777
            atomic_write(path, lambda tmp, nb=nb: nbformat.write(nb, tmp), suffix=".tmp")
            os.chmod(path, mode)
    return seconds
