"""The README's newcomer path: a relative data directory works from ``notebooks/`` too.

``RESILIENCE_DATA_DIR=../shared/data jupyter lab notebooks/`` is typed at the repository root,
but Jupyter starts kernels in ``notebooks/``, where ``../shared/data`` points nowhere. The
settings resolve a relative data directory against the repository root when it does not
exist relative to the current folder. The slow test starts a real Jupyter server and checks
it end to end.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from resilience_analytics import settings

REPO = Path(__file__).resolve().parents[1]


def _readme_relative(data_dir: Path) -> str:
    """The data directory relative to the repository root (``../shared/data`` on main)."""
    return os.path.relpath(data_dir.resolve(), REPO)


@pytest.fixture
def fake_checkout(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / "notebooks").mkdir(parents=True)
    data = tmp_path / "shared" / "data"
    data.mkdir(parents=True)
    monkeypatch.setattr(settings, "_repo_root", lambda: repo)
    return repo, data


def test_relative_data_dir_falls_back_to_repository_root(fake_checkout, monkeypatch):
    repo, data = fake_checkout
    monkeypatch.chdir(repo / "notebooks")
    monkeypatch.setenv("RESILIENCE_DATA_DIR", "../shared/data")
    got = settings._env_path("RESILIENCE_DATA_DIR", repo_fallback=True)
    assert got == data
    assert os.environ["RESILIENCE_DATA_DIR"] == str(data)  # kernels started from here agree


def test_relative_data_dir_that_exists_here_wins(fake_checkout, monkeypatch, tmp_path):
    repo, data = fake_checkout
    here = repo / "notebooks" / "shared" / "data"
    here.mkdir(parents=True)
    monkeypatch.chdir(repo / "notebooks")
    monkeypatch.setenv("RESILIENCE_DATA_DIR", "shared/data")
    assert settings._env_path("RESILIENCE_DATA_DIR", repo_fallback=True) == here


def test_missing_everywhere_stays_relative_to_cwd(fake_checkout, monkeypatch):
    repo, _ = fake_checkout
    monkeypatch.chdir(repo / "notebooks")
    monkeypatch.setenv("RESILIENCE_DATA_DIR", "../nowhere")
    assert settings._env_path("RESILIENCE_DATA_DIR", repo_fallback=True) == repo / "nowhere"


def test_cache_dir_is_not_redirected(fake_checkout, monkeypatch):
    repo, _ = fake_checkout
    monkeypatch.chdir(repo / "notebooks")
    monkeypatch.setenv("RESILIENCE_CACHE_DIR", "../shared/data")
    assert settings._env_path("RESILIENCE_CACHE_DIR") == repo / "shared" / "data"


@pytest.mark.data
def test_fresh_process_in_notebooks_resolves_the_readme_path(data_dir):
    env = {**os.environ, "RESILIENCE_DATA_DIR": _readme_relative(data_dir),
           "PYTHONPATH": str(REPO)}
    code = ("import resilience_analytics as ra; print(ra.settings.get_data_dir()); "
            "print(ra.datasets.get_path('gvp_holocene_volcanoes').is_file())")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO / "notebooks", env=env,
                         capture_output=True, text=True, timeout=120, check=True).stdout.split()
    assert Path(out[0]) == data_dir.resolve() and out[1] == "True"


# --------------------------------------------------------------------------- real Jupyter
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, token: str, method: str = "GET", body: dict | None = None) -> dict:
    req = urllib.request.Request(url, method=method,
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": f"token {token}",
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        raw = r.read()
    return json.loads(raw) if raw else {}


def _run_cells(ws_url: str, token: str, cells: list[str], timeout: float) -> list[str]:
    """Execute cells on a kernel through the server's websocket; return each cell's stdout."""
    import asyncio

    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    async def main() -> list[str]:
        conn = await asyncio.wait_for(websocket_connect(HTTPRequest(
            ws_url, headers={"Authorization": f"token {token}"})), timeout)
        outputs = []
        try:
            for code in cells:
                msg_id = uuid.uuid4().hex
                await conn.write_message(json.dumps({
                    "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "t",
                               "session": uuid.uuid4().hex, "version": "5.3"},
                    "parent_header": {}, "metadata": {}, "channel": "shell",
                    "content": {"code": code, "silent": False, "store_history": True,
                                "user_expressions": {}, "allow_stdin": False,
                                "stop_on_error": True}}))
                text, status, idle = [], None, False
                while status is None or not idle:  # reply (shell) and idle (iopub, after output)
                    raw = await asyncio.wait_for(conn.read_message(), timeout)
                    if raw is None:
                        raise RuntimeError("kernel websocket closed")
                    msg = json.loads(raw)
                    if msg.get("parent_header", {}).get("msg_id") != msg_id:
                        continue
                    kind = msg["msg_type"]
                    if kind == "stream":
                        text.append(msg["content"]["text"])
                    elif kind == "error":
                        raise AssertionError("cell failed: " + "\n".join(msg["content"]["traceback"]))
                    elif kind == "execute_reply":
                        status = msg["content"]["status"]
                    elif kind == "status" and msg["content"]["execution_state"] == "idle":
                        idle = True
                outputs.append("".join(text))
        finally:
            conn.close()
        return outputs

    return asyncio.run(main())


@pytest.mark.slow
@pytest.mark.data
def test_jupyter_server_kernel_in_notebooks_finds_the_data(data_dir, tmp_path):
    pytest.importorskip("jupyter_server")
    port, token = _free_port(), secrets.token_hex(16)
    rel = _readme_relative(data_dir)  # "../shared/data" in the main checkout, as the README says
    env = {**os.environ, "RESILIENCE_DATA_DIR": rel, "PYTHONPATH": str(REPO),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTER_DATA_DIR": str(tmp_path / "jdata"), "JUPYTER_CONFIG_DIR": str(tmp_path / "jc"),
           "RESILIENCE_CACHE_DIR": str(settings.get_cache_dir())}
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115 - closed in finally
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", "--no-browser", "--ip=127.0.0.1",
         f"--port={port}", "--port-retries=0", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={REPO / 'notebooks'}",
         *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],
        cwd=REPO / "notebooks", env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(f"{base}/api/status", token)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("Jupyter server did not start:\n"
                                         + (tmp_path / "server.log").read_text()[-2000:]) from None
                time.sleep(0.5)
        with pytest.raises(urllib.error.HTTPError):  # the token is required
            urllib.request.urlopen(f"{base}/api/kernels", timeout=10)
        # a session for a notebook in notebooks/ starts its kernel there, as JupyterLab does
        session = _get(f"{base}/api/sessions", token, "POST", {
            "path": "02-hazard-profile.ipynb", "type": "notebook", "name": "",
            "kernel": {"name": "python3"}})
        kid = session["kernel"]["id"]
        cells = [
            "import os\nimport resilience_analytics as ra\nprint(os.getcwd())",
            "print(ra.settings.get_data_dir())",
            "print(ra.datasets.get_path('gvp_holocene_volcanoes').is_file())",
        ]
        out = _run_cells(f"ws://127.0.0.1:{port}/api/kernels/{kid}/channels", token, cells,
                         timeout=120)
        assert Path(out[0].strip()) == (REPO / "notebooks").resolve()
        assert Path(out[1].strip()) == data_dir.resolve()
        assert out[2].strip() == "True"
        _get(f"{base}/api/sessions/{session['id']}", token, "DELETE")
    finally:
        try:
            _get(f"{base}/api/shutdown", token, "POST")
            server.wait(timeout=20)
        except Exception:  # noqa: BLE001 - fall through to the kill below
            pass
        if server.poll() is None:
            os.killpg(server.pid, 15)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, 9)
                server.wait(timeout=10)
        log.close()
