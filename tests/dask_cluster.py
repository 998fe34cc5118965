"""A real Dask cluster on 127.0.0.1 for tests and benchmarks: ``dask scheduler`` + ``dask worker``.

Separate processes started from the command line, as on a cluster of machines (not a
``LocalCluster`` inside the test process). Random ports (the scheduler picks a free one and
writes its address to a scheduler file), and every process is killed in a ``finally``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _dask_command() -> list[str]:
    exe = Path(sys.executable).parent / "dask"
    return [str(exe)] if exe.is_file() else [sys.executable, "-m", "dask"]


def _stop(proc: subprocess.Popen) -> None:
    """Stop a process group started by :func:`real_cluster`: TERM, then KILL after 10 s."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@contextlib.contextmanager
def real_cluster(folder: Path, *, n_workers: int = 2, env: dict | None = None,
                 timeout: float = 90) -> Iterator[str]:
    """Start ``dask scheduler`` and ``n_workers`` × ``dask worker`` (1 thread each); yield the address.

    Logs go to ``folder/scheduler.log`` and ``folder/worker-<i>.log``. The workers get
    ``env`` (default: this process's environment with the repository on ``PYTHONPATH``).
    """
    from dask.distributed import Client

    folder.mkdir(parents=True, exist_ok=True)
    env = dict(env if env is not None else os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    sched_file = folder / "scheduler.json"
    procs: list[subprocess.Popen] = []
    logs = []
    try:
        log = open(folder / "scheduler.log", "w")  # noqa: SIM115 - closed in finally
        logs.append(log)
        procs.append(subprocess.Popen(
            [*_dask_command(), "scheduler", "--host", "127.0.0.1", "--port", "0",
             "--no-dashboard", "--scheduler-file", str(sched_file)],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            cwd=folder))
        deadline = time.monotonic() + timeout
        address = None
        while address is None:
            if procs[0].poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("dask scheduler did not start: "
                                   + (folder / "scheduler.log").read_text()[-2000:])
            try:
                address = json.loads(sched_file.read_text())["address"]
            except (OSError, ValueError, KeyError):
                time.sleep(0.3)
        for i in range(n_workers):
            log = open(folder / f"worker-{i}.log", "w")  # noqa: SIM115 - closed in finally
            logs.append(log)
            procs.append(subprocess.Popen(
                [*_dask_command(), "worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                 "--nworkers", "1", "--no-dashboard", "--name", f"w{i}",
                 "--local-directory", str(folder / f"w{i}")],
                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                cwd=folder))
        with Client(address, timeout=timeout) as client:
            client.wait_for_workers(n_workers, timeout=timeout)
        yield address
    finally:
        for proc in reversed(procs):
            _stop(proc)
        for log in logs:
            log.close()
