"""Global settings: where data, cache and figures live, the default city and the random seed.

Settings are plain module attributes, in the spirit of ``osmnx.settings``. Change them at run
time (``ra.settings.seed = 7``) or through environment variables read at import:

``RESILIENCE_DATA_DIR``
    Folder holding one sub-folder per registered data set (``<data_dir>/<name>/<file>``).
    On the project's development and CI machines this is ``../shared/data``. A relative
    folder is taken relative to the current folder; if it does not exist there, relative to
    the repository root (the folder holding ``pyproject.toml`` above this package, in a source
    checkout). So ``RESILIENCE_DATA_DIR=../shared/data jupyter lab notebooks/`` works although
    the kernels start in ``notebooks/``.
``RESILIENCE_CACHE_DIR``
    Folder for downloads and computed results (default: the user cache folder).
``RESILIENCE_FIGURES_DIR``
    Folder where figures are written (default: ``figures`` in the working directory).

Examples
--------
>>> import resilience_analytics as ra
>>> ra.settings.seed
20161
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "cache_dir",
    "data_dir",
    "default_city",
    "figures_dir",
    "get_cache_dir",
    "get_data_dir",
    "get_figures_dir",
    "progress",
    "seed",
]


def _repo_root() -> Path | None:
    """Return the source checkout's root (``pyproject.toml`` beside this package), or None."""
    # ``_io.repository_root`` calls this (settings may not import _io: the layer contract)
    root = Path(__file__).resolve().parents[1]
    return root if (root / "pyproject.toml").is_file() and (root / "notebooks").is_dir() else None


def _env_path(name: str, *, repo_fallback: bool = False) -> Path | None:
    """Read a folder variable; a relative path is made absolute against the current folder.

    With ``repo_fallback``, a relative folder that does not exist relative to the current
    folder but does relative to the repository root (:func:`_repo_root`) is taken from there:
    a command typed at the repository root (``RESILIENCE_DATA_DIR=../shared/data jupyter lab
    notebooks/``) keeps working in processes that start elsewhere (kernels start in
    ``notebooks/``).

    The absolute path is written back to the environment, so that processes started from
    here (notebook kernels run by papermill or nbval start in the notebook's folder) see the
    same folder, not one relative to their own working directory.
    """
    value = os.environ.get(name)
    if not value:
        return None
    path = Path(value).expanduser()
    if not path.is_absolute():
        here = Path(os.path.abspath(path))
        root = _repo_root() if repo_fallback else None
        if not here.exists() and root is not None and (root / path).exists():
            here = Path(os.path.abspath(root / path))
        path = here
        os.environ[name] = str(path)
    return path


#: Folder with one sub-folder per data set; ``None`` means "not configured".
data_dir: Path | None = _env_path("RESILIENCE_DATA_DIR", repo_fallback=True)

#: Folder for downloaded files and cached results.
cache_dir: Path | None = _env_path("RESILIENCE_CACHE_DIR")

#: Folder where figures are saved.
figures_dir: Path = _env_path("RESILIENCE_FIGURES_DIR") or Path("figures")

#: City analysed when none is given (the project's first user).
default_city: str = "The Hague"

#: Seed for every random draw (uncertainty analysis, clustering, sampling). 20161 = May 2016,
#: when The Hague joined 100 Resilient Cities.
seed: int = 20161

#: Show progress bars on long work.
progress: bool = True


def get_data_dir() -> Path | None:
    """Return the configured data directory, re-reading ``RESILIENCE_DATA_DIR`` if unset.

    Returns
    -------
    pathlib.Path or None
        The folder, or ``None`` when neither the setting nor the variable is set.

    Examples
    --------
    The setting wins over the environment variable:

    >>> from pathlib import Path
    >>> import resilience_analytics as ra
    >>> saved = ra.settings.data_dir
    >>> ra.settings.data_dir = Path("/srv/example-data")
    >>> ra.settings.get_data_dir() == Path("/srv/example-data")
    True
    >>> ra.settings.data_dir = saved
    """
    return data_dir if data_dir is not None else _env_path("RESILIENCE_DATA_DIR",
                                                            repo_fallback=True)


def get_cache_dir() -> Path:
    """Return the cache folder (created on demand by the writers, never here).

    Returns
    -------
    pathlib.Path
        ``settings.cache_dir``, else ``RESILIENCE_CACHE_DIR``, else the user cache folder.

    Examples
    --------
    >>> import os
    >>> from pathlib import Path
    >>> import resilience_analytics as ra
    >>> saved = ra.settings.cache_dir
    >>> ra.settings.cache_dir = "/tmp/example-cache"  # a str is accepted, a Path returned
    >>> ra.settings.get_cache_dir() == Path("/tmp/example-cache")
    True
    >>> ra.settings.cache_dir = None  # unset: RESILIENCE_CACHE_DIR, else the user cache
    >>> env = os.environ.get("RESILIENCE_CACHE_DIR")
    >>> env is None or ra.settings.get_cache_dir() == Path(env)
    True
    >>> ra.settings.cache_dir = saved
    """
    if cache_dir is not None:
        return Path(cache_dir)
    env = _env_path("RESILIENCE_CACHE_DIR")
    if env is not None:
        return env
    import pooch

    return Path(pooch.os_cache("resilience_analytics"))


def get_figures_dir() -> Path:
    """Return the folder where figures are saved.

    Returns
    -------
    pathlib.Path
        ``settings.figures_dir``.

    Examples
    --------
    >>> from pathlib import Path
    >>> import resilience_analytics as ra
    >>> saved = ra.settings.figures_dir
    >>> ra.settings.figures_dir = "report/figures"
    >>> ra.settings.get_figures_dir() == Path("report/figures")
    True
    >>> ra.settings.figures_dir = saved
    """
    return Path(figures_dir)
