"""Vectorised ground-motion models (GMPEs) for peak ground acceleration, with their sigma.

Two published models, evaluated on numpy arrays of (magnitude, distance, depth) so that every
city–event pair of the hazard table is computed at once:

* :func:`bssa14_pga` — Boore, Stewart, Seyhan & Atkinson (2014, *Earthquake Spectra*
  30:1057–1085; "BSSA14", NGA-West2), active shallow crust, distance R_JB (Joyner–Boore).
* :func:`aga16_pga` — Abrahamson, Gregor & Addo (2016, *Earthquake Spectra* 32:23–44;
  "BC Hydro"), subduction interface (distance R_rup) and in-slab (distance R_hyp) events,
  with the in-slab depth term.

The coefficients are not retyped here: they are read from the maintained implementation
:mod:`pygmm` (Kottke, pygmm 0.8; ``BooreStewartSeyhanAtkinson2014.COEFF`` and
``AbrahamsonGregorAddo2016.COEFF``, rows for PGA), whose per-scenario scalar models are the
reference the tests compare these vectorised equations with (``tests/test_gmpe.py``); the
tests also reproduce the verification tables of an independent implementation, the OpenQuake
engine (BSSA14 and BC Hydro interface/in-slab mean PGA, to 6 significant digits).
:func:`select_model` chooses a model per event from depth and tectonic setting;
:func:`rupture_length_km` gives the magnitude-length scaling used to approximate rupture
distance from a hypocentre (see :mod:`resilience_analytics.earthquake`).

Site condition: the reference rock site ``VS30_REF`` = 760 m/s (the NEHRP B/C boundary used by
the USGS national hazard maps); both models' site terms are implemented and ``v_s30`` may be
changed. Medians are in g; sigmas are total standard deviations of ln(PGA).

Examples
--------
>>> import numpy as np
>>> from resilience_analytics import gmpe
>>> ln_med, sigma = gmpe.bssa14_pga(np.array([6.5]), np.array([10.0]))
>>> round(float(np.exp(ln_med[0])), 3), round(float(sigma[0]), 3)
(0.202, 0.605)
"""

from __future__ import annotations

from functools import cache
from typing import Any

from .errors import ParameterError

__all__ = [
    "MODELS",
    "VS30_REF",
    "aga16_pga",
    "bssa14_pga",
    "poe",
    "rupture_length_km",
    "select_model",
]

#: Reference site shear-wave velocity (m/s): NEHRP B/C boundary, firm rock.
VS30_REF = 760.0

#: Model codes returned by :func:`select_model`.
MODELS = ("crustal", "interface", "inslab")


@cache
def _coeff(model: str) -> dict[str, float]:
    """PGA row of pygmm's coefficient table, as a dict of floats."""
    try:
        import pygmm
    except ImportError as exc:  # pragma: no cover - dependency declared in pyproject
        raise ImportError("resilience_analytics.gmpe needs pygmm (pip install pygmm)") from exc
    if model == "bssa14":
        cls = pygmm.BooreStewartSeyhanAtkinson2014
    else:
        cls = pygmm.AbrahamsonGregorAddo2016
    row = cls.COEFF[cls.INDEX_PGA]
    return {name: float(row[name]) for name in row.dtype.names}


def _arr(name: str, x: Any):
    import numpy as np

    from ._validate import check_array

    a = check_array(x, name, ndim=(0, 1, 2))
    if np.isnan(a).any():
        raise ParameterError(f"{name} contains NaN; give finite values")
    return a


def _check_vs30(v_s30: float) -> float:
    from ._validate import check_number

    check_number("v_s30", v_s30)
    if not (150.0 <= float(v_s30) <= 1500.0):
        raise ParameterError(
            f"v_s30={v_s30!r} m/s is outside the models' range; accepted 150-1500 m/s")
    return float(v_s30)


def bssa14_pga(mag: Any, dist_jb: Any, *, v_s30: float = VS30_REF) -> tuple[Any, Any]:
    """Median ln(PGA [g]) and total sigma of Boore, Stewart, Seyhan & Atkinson (2014).

    Unspecified mechanism (``e_0``), "global" regional attenuation (Δc3 = 0), no basin term
    (Z1.0 unknown). Equations 2–7 and the aleatory model of BSSA14 (φ and τ depending on
    M, R_JB and V_S30), coefficients from :mod:`pygmm`. The model was fit for M 3–8.5 and
    R_JB ≤ 400 km; outside that it is extrapolated.

    Parameters
    ----------
    mag : array-like
        Moment magnitude.
    dist_jb : array-like
        Joyner–Boore distance (km, ≥ 0).
    v_s30 : float, default 760
        Site V_S30 (m/s), 150–1500.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ln of the median PGA in g, and the total standard deviation of ln(PGA).

    Raises
    ------
    ParameterError
        For a NaN input, a negative distance or V_S30 outside 150–1500 m/s.

    Examples
    --------
    >>> from resilience_analytics.gmpe import bssa14_pga
    >>> import numpy as np
    >>> ln_med, sig = bssa14_pga([5.0, 7.0], [20.0, 20.0])
    >>> bool(ln_med[1] > ln_med[0])
    True
    """
    import numpy as np

    c = _coeff("bssa14")
    m = _arr("mag", mag)
    r_jb = _arr("dist_jb", dist_jb)
    if (r_jb < 0).any():
        raise ParameterError("dist_jb has negative values; distances are ≥ 0 km")
    vs = _check_vs30(v_s30)
    dm = m - c["M_h"]
    event = np.where(m <= c["M_h"], c["e_0"] + c["e_4"] * dm + c["e_5"] * dm**2,
                     c["e_0"] + c["e_6"] * dm)
    r = np.sqrt(r_jb**2 + c["h"] ** 2)
    path = ((c["c_1"] + c["c_2"] * (m - c["M_ref"])) * np.log(r / c["R_ref"])
            + (c["c_3"] + c["dc_3global"]) * (r - c["R_ref"]))
    ln_rock = event + path  # reference rock, V_S30 = 760 m/s
    f_lin = c["c"] * np.log(min(vs, c["V_c"]) / c["V_ref"])
    f_2 = c["f_4"] * (np.exp(c["f_5"] * (min(vs, 760.0) - 360.0))
                      - np.exp(c["f_5"] * (760.0 - 360.0)))
    f_nl = c["f_1"] + f_2 * np.log((np.exp(ln_rock) + c["f_3"]) / c["f_3"])
    ln_med = ln_rock + f_lin + f_nl
    mc = np.clip(m, 4.5, 5.5) - 4.5
    tau = c["tau_1"] + (c["tau_2"] - c["tau_1"]) * mc
    phi = c["phi_1"] + (c["phi_2"] - c["phi_1"]) * mc
    phi = phi + c["dphi_R"] * np.clip(
        np.log(np.maximum(r_jb, 0.1) / c["R_1"]) / np.log(c["R_2"] / c["R_1"]), 0, 1)
    phi = phi - c["dphi_V"] * np.clip(np.log(c["V_2"] / vs) / np.log(c["V_2"] / c["V_1"]),
                                      0, 1)
    return ln_med, np.sqrt(phi**2 + tau**2)


def aga16_pga(mag: Any, dist: Any, depth_hyp: Any, inslab: Any, *,
              v_s30: float = VS30_REF) -> tuple[Any, Any]:
    """Median ln(PGA [g]) and total sigma of Abrahamson, Gregor & Addo (2016, BC Hydro).

    Equation 1 of the paper with the magnitude (eq. 2), depth (eq. 3, in-slab only) and site
    (eq. 5) terms; forearc/unknown sites (no backarc term); ΔC1 = 0.2 for interface and −0.3
    for in-slab events at PGA (the defaults of pygmm's implementation, from the 2016 paper);
    σ = 0.74 (ergodic, Table 3). Coefficients from :mod:`pygmm`. Fit for M ≤ ~8.5
    (interface ≤ 9.0 in the data); larger magnitudes are extrapolated.

    Parameters
    ----------
    mag : array-like
        Moment magnitude.
    dist : array-like
        km: rupture distance R_rup for interface events, hypocentral distance R_hyp for
        in-slab events (as the model defines them).
    depth_hyp : array-like
        Hypocentral depth (km); used by the in-slab depth term (capped at 120 km).
    inslab : array-like of bool
        True for in-slab (intraslab) events, False for interface events.
    v_s30 : float, default 760
        Site V_S30 (m/s), 150–1500.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ln of the median PGA in g, and the total standard deviation of ln(PGA).

    Raises
    ------
    ParameterError
        For a NaN input, a negative distance or V_S30 outside 150–1500 m/s.

    Examples
    --------
    >>> from resilience_analytics.gmpe import aga16_pga
    >>> ln_med, sig = aga16_pga([8.0, 8.0], [50.0, 150.0], [30.0, 30.0], [False, False])
    >>> bool(ln_med[0] > ln_med[1]), round(float(sig[0]), 3)
    (True, 0.738)
    """
    import numpy as np

    c = _coeff("aga16")
    m = _arr("mag", mag)
    r = _arr("dist", dist)
    if (r < 0).any():
        raise ParameterError("dist has negative values; distances are ≥ 0 km")
    z = _arr("depth_hyp", depth_hyp)
    f_ev = np.asarray(inslab, dtype=bool).astype(float)
    vs = _check_vs30(v_s30)
    m, r, z, f_ev = np.broadcast_arrays(m, r, z, f_ev)
    d_c1 = np.where(f_ev > 0, -0.3, 0.2)
    c1 = 7.8 + d_c1
    f_mag = (np.where(m <= c1, c["t_4"], c["t_5"]) * (m - c1)
             + c["t_13"] * (10.0 - m) ** 2)
    path = ((c["t_2"] + c["t_14"] * f_ev + c["t_3"] * (m - 7.8))
            * np.log(r + c["c_4"] * np.exp(c["t_9"] * (m - 6.0))))
    f_depth = f_ev * c["t_11"] * (np.minimum(z, 120.0) - 60.0)
    base = (c["t_1"] + c["t_4"] * d_c1 + path + c["t_6"] * r + c["t_10"] * f_ev + f_mag
            + f_depth)
    # reference PGA on V_S30 = 1000 m/s rock (linear site term, V_S30 ≥ V_lin)
    pga1000 = np.exp(base + (c["t_12"] + c["b"] * c["n"]) * np.log(1000.0 / c["v_lin"]))
    vs_ratio = min(vs, 1000.0) / c["v_lin"]
    if vs < c["v_lin"]:
        f_site = (c["t_12"] * np.log(vs_ratio) - c["b"] * np.log(pga1000 + c["c"])
                  + c["b"] * np.log(pga1000 + c["c"] * vs_ratio ** c["n"]))
    else:
        f_site = (c["t_12"] + c["b"] * c["n"]) * np.log(vs_ratio) + 0.0 * pga1000
    sigma = np.full(m.shape, float(np.sqrt(c["phi"] ** 2 + c["tau"] ** 2)))
    return base + f_site, sigma


def rupture_length_km(mag: Any, model: Any) -> Any:
    """Median rupture length (km) from magnitude-length scaling.

    Interface events: Strasser, Arango & Bommer (2010, SRL 81:941), log10 L = −2.477 +
    0.585 Mw. Crustal and in-slab events: Wells & Coppersmith (1994, BSSA 84:974),
    subsurface rupture length, all slip types, log10 L = −2.44 + 0.59 M.

    Parameters
    ----------
    mag : array-like
        Moment magnitude.
    model : array-like of str
        Codes from :data:`MODELS` (``"interface"`` selects Strasser et al.).

    Returns
    -------
    numpy.ndarray
        Length in km.

    Examples
    --------
    >>> from resilience_analytics.gmpe import rupture_length_km
    >>> [round(float(x)) for x in rupture_length_km([7.0, 9.0], ["crustal", "interface"])]
    [49, 614]
    """
    import numpy as np

    m = _arr("mag", mag)
    inter = np.asarray(model) == "interface"
    return np.where(inter, 10 ** (-2.477 + 0.585 * m), 10 ** (-2.44 + 0.59 * m))


def select_model(depth_km: Any, mag: Any, subduction: Any, *, inslab_depth_km: float = 50.0,
                 interface_min_depth_km: float = 20.0, megathrust_mag: float = 8.0) -> Any:
    """Choose the ground-motion model of each event from depth and tectonic setting.

    A simplified form of the depth-and-setting logic of the USGS regionalisation
    (Garcia et al. 2012, BSSA 102:1514, "STREC"), without a slab model:

    * deeper than ``inslab_depth_km`` → ``"inslab"`` (AGA16 in-slab);
    * in a subduction setting (``subduction`` True) and at least ``interface_min_depth_km``
      deep, or of magnitude ≥ ``megathrust_mag`` → ``"interface"`` (AGA16 interface);
    * otherwise → ``"crustal"`` (BSSA14).

    Parameters
    ----------
    depth_km, mag : array-like
        Hypocentral depth (km) and magnitude.
    subduction : array-like of bool
        Whether the event lies in a subduction setting.
    inslab_depth_km, interface_min_depth_km, megathrust_mag : float
        Thresholds (defaults 50 km, 20 km, Mw 8.0).

    Returns
    -------
    numpy.ndarray of str

    Examples
    --------
    >>> from resilience_analytics.gmpe import select_model
    >>> select_model([10, 30, 30, 150], [6, 6, 6, 6], [True, True, False, True]).tolist()
    ['crustal', 'interface', 'crustal', 'inslab']
    """
    import numpy as np

    z = _arr("depth_km", depth_km)
    m = _arr("mag", mag)
    sub = np.asarray(subduction, dtype=bool)
    inter = sub & ((z >= interface_min_depth_km) | (m >= megathrust_mag))
    return np.where(z > inslab_depth_km, "inslab", np.where(inter, "interface", "crustal"))


def poe(ln_median: Any, sigma: Any, levels_g: Any, *, truncation: float = 3.0) -> Any:
    """Probability that PGA exceeds each level, lognormal truncated at ±``truncation`` σ.

    P(PGA > x) = (Φ(t) − Φ(ε)) / (Φ(t) − Φ(−t)) clipped to [0, 1], ε = (ln x − ln μ) / σ —
    the standard PSHA ground-motion term (Cornell 1968; McGuire 2004), truncated at 3 σ
    as in common practice (e.g. the GEM global hazard model).

    Parameters
    ----------
    ln_median, sigma : array-like, shape (n,)
        ln of the median PGA (g) and total sigma.
    levels_g : array-like, shape (k,)
        PGA levels (g, > 0).
    truncation : float, default 3
        Number of sigmas (> 0).

    Returns
    -------
    numpy.ndarray, shape (n, k)

    Examples
    --------
    >>> import numpy as np
    >>> from resilience_analytics.gmpe import poe
    >>> p = poe(np.log([0.1]), [0.6], [0.1, 1.0])
    >>> round(float(p[0, 0]), 3), float(p[0, 1]) == 0.0
    (0.5, True)
    """
    import numpy as np
    from scipy.special import ndtr

    from ._validate import check_array, check_number

    truncation = check_number("truncation", truncation)
    if truncation <= 0:
        raise ParameterError(f"truncation={truncation!r}; accepted: a number of sigmas > 0")
    lv = check_array(levels_g, "levels_g", ndim=(1,))
    if np.isnan(lv).any() or (lv <= 0).any():
        raise ParameterError("levels_g must be > 0 g")
    mu = check_array(ln_median, "ln_median", ndim=(1,))
    sd = check_array(sigma, "sigma", ndim=(1,))
    if mu.shape != sd.shape:
        raise ParameterError(f"ln_median (shape {mu.shape}) and sigma (shape {sd.shape}) must "
                             "have one value per scenario each")
    eps = (np.log(lv)[None, :] - mu[:, None]) / sd[:, None]
    lo, hi = ndtr(-truncation), ndtr(truncation)
    return np.clip((hi - ndtr(eps)) / (hi - lo), 0.0, 1.0)
