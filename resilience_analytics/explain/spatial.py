"""Spatial dependence of model residuals, and a spatially robust covariance.

:func:`residual_moran` computes Moran's I (Moran 1950) of a model's residuals on a
row-standardised k-nearest-neighbour weight (``libpysal``), with the permutation p-value of
``esda`` (Anselin 1995). Neighbours are found on the unit sphere (3-d coordinates from
latitude and longitude): the chord distance orders neighbours as the great-circle distance.

When residuals are spatially dependent, :func:`vcov_conley` gives the spatial HAC
covariance of Conley (1999) with a uniform kernel (every pair of cities closer than
``cutoff_km`` contributes; the kernel used by Hsiang 2010 and Colella, Lalive, Sakalli &
Thoenig 2019's ``acreg``), with the pairs found by a k-d tree so no n × n matrix is formed.

References
----------
Anselin, L. (1995). Local indicators of spatial association—LISA. Geographical Analysis
27(2), 93–115.
Colella, F., Lalive, R., Sakalli, S. O., & Thoenig, M. (2019). Inference with arbitrary
clustering. IZA Discussion Paper 12584.
Conley, T. G. (1999). GMM estimation with cross sectional dependence. Journal of
Econometrics 92(1), 1–45.
Hsiang, S. M. (2010). Temperatures and cyclones strongly associated with economic
production in the Caribbean and Central America. PNAS 107(35), 15367–15372.
Moran, P. A. P. (1950). Notes on continuous stochastic phenomena. Biometrika 37, 17–23.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import ParameterError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["EARTH_RADIUS_KM", "residual_moran", "vcov_conley"]

#: Mean Earth radius (km; IUGG), for chord ↔ great-circle distances.
EARTH_RADIUS_KM: float = 6371.0088


def _xyz(lat: Any, lon: Any) -> Any:
    import numpy as np

    la = np.radians(np.asarray(lat, dtype=float))
    lo = np.radians(np.asarray(lon, dtype=float))
    if np.isnan(la).any() or np.isnan(lo).any():
        raise ParameterError("latitude/longitude have missing values; every row needs a "
                             "location")
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def residual_moran(
    residuals: Any,
    latitude: Any,
    longitude: Any,
    *,
    k: int = 8,
    permutations: int = 999,
    seed: int = 0,
) -> dict:
    """Moran's I of residuals on a k-nearest-neighbour weight, with a permutation p-value.

    Parameters
    ----------
    residuals, latitude, longitude : array-like
        One value per model row.
    k : int
        Neighbours per city (row-standardised weights).
    permutations : int
        Conditional permutations for the pseudo p-value (``esda.Moran.p_sim``).
    seed : int
        Seed of the permutations.

    Returns
    -------
    dict
        ``moran_i, expected, z, p_value`` (permutation, one-sided in the direction of the
        observed I as esda), ``k, n, permutations``.

    Examples
    --------
    >>> import numpy as np, resilience_analytics as ra
    >>> rng = np.random.default_rng(0)
    >>> lat, lon = rng.uniform(40, 50, 300), rng.uniform(0, 10, 300)
    >>> smooth = np.sin(lat) + np.cos(lon)  # a spatial pattern
    >>> ra.explain.residual_moran(smooth, lat, lon, permutations=199)["p_value"] < 0.01
    True
    >>> ra.explain.residual_moran(rng.normal(size=300), lat, lon)["p_value"] > 0.05
    True
    """
    import warnings

    import numpy as np
    from esda.moran import Moran
    from libpysal.weights import KNN

    r = np.asarray(residuals, dtype=float)
    if r.ndim != 1 or len(r) <= k + 1:
        raise ParameterError(f"residual_moran: {len(r)} residuals for k={k}; need more than "
                             "k + 1")
    if np.isnan(r).any():
        raise ParameterError("residual_moran: residuals have missing values")
    pts = _xyz(latitude, longitude)
    if len(pts) != len(r):
        raise ParameterError("residual_moran: residuals and coordinates differ in length")
    # identical coordinates: a tiny deterministic jitter keeps KNN well defined
    jitter = np.random.default_rng(seed).normal(scale=1e-9, size=pts.shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = KNN.from_array(pts + jitter, k=k)
        w.transform = "r"
        state = np.random.get_state()
        np.random.seed(seed)  # esda draws its permutations from numpy's global generator
        try:
            m = Moran(r, w, permutations=permutations)
        finally:
            np.random.set_state(state)
    return {"moran_i": float(m.I), "expected": float(m.EI), "z": float(m.z_norm),
            "p_value": float(m.p_sim), "k": k, "n": len(r), "permutations": permutations}


def vcov_conley(res: Any, latitude: Any, longitude: Any, *, cutoff_km: float = 500.0
                ) -> pd.DataFrame:
    """Conley (1999) spatial HAC covariance with a uniform kernel.

    ``V = B (Σ_i Σ_j 1[d_ij < cutoff] s_i s_j') B`` with ``s_i`` the score contribution
    (``x_i e_i`` for OLS, ``x_i (y_i - p_i)`` for a logit), ``B`` the bread and ``d_ij`` the
    great-circle distance; ``i = j`` terms give the HC0 part. No small-sample factor.

    Parameters
    ----------
    res : statsmodels OLS, Logit or binomial GLM results
    latitude, longitude : array-like
        One value per model row.
    cutoff_km : float
        Distance within which scores may be correlated.

    Returns
    -------
    pandas.DataFrame
        Covariance matrix indexed by parameter name.

    Examples
    --------
    >>> import numpy as np, pandas as pd, statsmodels.formula.api as smf
    >>> import resilience_analytics as ra
    >>> rng = np.random.default_rng(0)
    >>> d = pd.DataFrame({"x": rng.normal(size=100), "lat": rng.uniform(0, 5, 100),
    ...                   "lon": rng.uniform(0, 5, 100)})
    >>> d["y"] = d["x"] + rng.normal(size=100)
    >>> r = smf.ols("y ~ x", d).fit()
    >>> hc0 = smf.ols("y ~ x", d).fit(cov_type="HC0").cov_params()
    >>> bool(np.allclose(ra.explain.vcov_conley(r, d["lat"], d["lon"], cutoff_km=1e-6), hc0))
    True
    """
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.spatial import cKDTree

    from .inference import _bread_scores, _frame

    if not cutoff_km > 0:
        raise ParameterError(f"cutoff_km={cutoff_km!r} must be > 0")
    pts = _xyz(latitude, longitude)
    bread, s = _bread_scores(res)
    if len(pts) != len(s):
        raise ParameterError("vcov_conley: coordinates and model rows differ in length")
    chord = 2 * np.sin(min(cutoff_km / EARTH_RADIUS_KM, np.pi) / 2)
    # V = Σ_ij K_ij u_i u_j' with u_i = B s_i; K as a sparse matrix of the close pairs
    u = s @ bread.T
    pairs = cKDTree(pts).query_pairs(chord, output_type="ndarray")
    n = len(pts)
    K = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n)).tocsr()
    cov = u.T @ u + u.T @ (K @ u) + u.T @ (K.T @ u)
    return _frame(0.5 * (cov + cov.T), res)
