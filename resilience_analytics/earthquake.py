"""Earthquake ground-motion hazard at cities from the historical catalogue (hazard v2).

For every city and every event of the merged Mw catalogue
(:func:`resilience_analytics.catalogs.earthquake_catalog`: ISC-GEM 1904–2014, USGS 2015–2016,
NCEI large events 1500–1903) the median peak ground acceleration (PGA) and its aleatory
sigma come from a published ground-motion model (:mod:`resilience_analytics.gmpe`), chosen
per event by depth and setting:

* crustal events — Boore, Stewart, Seyhan & Atkinson (2014, BSSA14), distance R_JB;
* subduction interface — Abrahamson, Gregor & Addo (2016, BC Hydro), distance R_rup;
* in-slab (deeper than 50 km) — the same model's in-slab branch, distance R_hyp.

**Setting.** An event lies in a *subduction setting* when at least ``SUBDUCTION_MIN_DEEP``
catalogue events deeper than 70 km lie within ``SUBDUCTION_RADIUS_KM`` of its epicentre (a
proxy for a slab model, in the spirit of the depth-and-setting regionalisation of
Garcia et al. 2012). There, events 20–50 km deep (or of Mw ≥ 8) are interface events;
all other events ≤ 50 km deep are crustal.

**Distance** (no fault geometry is in the catalogue; approximations stated): the rupture is
a line of median length L(M) (Strasser et al. 2010 for interface, Wells & Coppersmith 1994
for crustal events) centred on the epicentre with unknown strike; the horizontal distance r_h
from the city to it is its median over a uniformly random strike
(:func:`horizontal_distance_km`; r_h = R_epi for a point source). Crustal R_JB = r_h;
interface R_rup = sqrt(r_h² + z²) with z the hypocentral depth (rupture width ignored);
in-slab R_hyp = sqrt(R_epi² + z²) (the model's own metric, point source). For small events
(L of a few km) all three reduce to the epicentral/hypocentral distance.

**Site**: reference rock V_S30 = 760 m/s (no site amplification; soft-soil cities such as
Mexico City shake more than these values).

**Known limitations.** Stable continental regions use the active-crust model (BSSA14; no
stable-region model is applied). Hypocentres above sea level (small negative depths) are
set to 0 km. NCEI pre-1904 epicentres are often the most damaged town (e.g. the 1837
event listed 3 km from Mexico City) and their magnitudes of unknown type: they enter only
the maximum PGA and the felt count, never the rates.

**Rates** follow the PSHA sum (Cornell 1968; McGuire 2004) over two source models built
from the declustered catalogue (aftershocks removed with the Gardner & Knopoff 1974 windows,
:func:`decluster`; PSHA assumes independent events) and the completeness windows of
ISC-GEM (Di Giacomo et al. 2018: Mw ≥ 7.5 from 1904, ≥ 6.25 from 1918, ≥ 5.5 from 1960; all
to 2016). Each event carries the rate 1/T(M) of its class's window T(M); events outside
their window (and NCEI pre-1904 events) count only in the maximum and the felt count.

* **historical** — the events themselves as the sources ("historic method", Veneziano et
  al. 1984): λ(PGA > x) = Σ_mainshocks P(PGA > x | M, R) / T(M), with P the lognormal of the
  model's total sigma truncated at 3σ. It knows only the magnitudes and places of about a
  century of events: quiet-record places and magnitudes larger than observed are missed.
* **smoothed** — smoothed seismicity (Frankel 1995): each event's rate of Mw ≥ 5.5 events
  is spread with the Gaussian kernel exp(−Δ²/c²), c = :data:`KERNEL_KM` = 50 km, at its depth
  and ground-motion model, with magnitudes from a tapered Gutenberg–Richter law (Kagan
  2002) of β = 0.635 (b ≈ 0.95) and corner magnitudes of Bird & Kagan (2004): 9.58 for
  interface, 8.46 for crustal and in-slab events (:data:`CORNER_MW`). It extrapolates to
  magnitudes never observed near a city but dilutes a place's own large events.
* **logic tree** (used for every column) — the mean of the two curves with equal weights
  (:data:`SOURCE_WEIGHTS`; logic trees: Kulkarni, Youngs & Coppersmith 1984).

The choice was checked without any reference index, by a pseudo-prospective test
(:func:`resilience_analytics.validation.earthquake_prospective_test`): trained on the
catalogue to 1990 and scored on the exceedances of 0.1 g implied by the 1991–2016
mainshocks at all 34,006 cities, the smoothed model has the lowest Poisson deviance, the
logic tree is close, and the historical model is far behind (it gives zero rate where 3 % of
the realised exceedances happened). The smoothed model alone contradicts documented
levels (Lima, ThinkHazard "high"; Añatuya, deep events only), hence the logic tree.

The return-period PGA is the x at which the logic-tree curve λ(x) equals 1/T, by log–log
interpolation between PGA levels. **Still not a full PSHA**: no fault sources, no
large-area background zones, no site amplification; places with long-recurrence faults and
a quiet instrumental century (the Dead Sea transform: Amman, Jerusalem) remain
underestimated.

Examples
--------
>>> import numpy as np
>>> from resilience_analytics import earthquake
>>> earthquake.completeness_window(np.array([5.0, 6.0, 7.0, 8.0]))[1].tolist()
[nan, 57.0, 99.0, 113.0]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import gmpe
from .errors import ParameterError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "COLUMNS",
    "COMPLETENESS",
    "COLUMN_DATASETS",
    "LEVELS",
    "CORNER_MW",
    "GR_BETA",
    "KERNEL_KM",
    "SOURCE_MODELS",
    "SOURCE_WEIGHTS",
    "city_hazard",
    "expected_exceedances",
    "hazard_curves",
    "smoothing_matrix",
    "magnitude_bins",
    "tapered_gr_survival",
    "completeness_window",
    "deaths_near",
    "event_setting",
    "decluster",
    "gardner_knopoff_window",
    "hazard_level",
    "horizontal_distance_km",
    "pga_at_return_period",
    "pga_levels",
]

#: ISC-GEM magnitude completeness (Di Giacomo et al. 2018; the data set's PROVENANCE):
#: (smallest Mw of the class, first complete year), largest class first.
COMPLETENESS = ((7.5, 1904), (6.25, 1918), (5.5, 1960))
#: Last year of the merged instrumental catalogue (USGS file ends 2016-12-30).
CATALOG_END_YEAR = 2016
#: Horizontal distance (km) from a city to an event's rupture beyond which it is ignored.
CUTOFF_KM = 300.0
#: Cutoff for great earthquakes (Mw ≥ ``LARGE_MAG``), whose long-period-rich shaking is felt
#: and damaging farther away (e.g. Mexico City, ~350 km from the 1985 Michoacán rupture).
CUTOFF_LARGE_KM = 500.0
LARGE_MAG = 7.5
#: Epicentral radius (km) of ``eq_deaths_ncei_100km``.
DEATHS_RADIUS_KM = 100.0
#: Median PGA (g) from which an event counts in ``eq_events_felt``.
FELT_PGA_G = 0.05
SUBDUCTION_RADIUS_KM = 300.0
SUBDUCTION_DEEP_KM = 70.0
SUBDUCTION_MIN_DEEP = 5
#: Source models of the rate curves (:func:`hazard_curves`): the catalogue's own events, the
#: smoothed-seismicity model, and their equal-weight logic tree (the default).
SOURCE_MODELS = ("logic tree", "historical", "smoothed")
#: Logic-tree weights (Kulkarni, Youngs & Coppersmith 1984): equal, no basis to prefer one.
SOURCE_WEIGHTS = {"historical": 0.5, "smoothed": 0.5}
#: Correlation distance c (km) of the Gaussian smoothing kernel exp(-Δ²/c²) (Frankel 1995).
KERNEL_KM = 50.0
#: Index β of the tapered Gutenberg-Richter law (b = 1.5 β = 0.95): the middle of the range
#: 0.61-0.66 consistent with every plate-boundary setting (Bird & Kagan 2004, BSSA 94:2380).
GR_BETA = 0.635
#: Corner magnitudes (Bird & Kagan 2004): subduction zones (SUB) 9.58 for interface events;
#: continental convergent boundaries (CCB) 8.46 for crustal events (the largest of the
#: non-subduction settings, as the catalogue has no plate-boundary class) and, as an
#: assumption (Bird & Kagan studied shallow events only), for in-slab events.
CORNER_MW = {"crustal": 8.46, "interface": 9.58, "inslab": 8.46}
#: Magnitude range of the smoothed model: from the catalogue's completeness floor (Mw 5.5)
#: in bins of 0.1 to 9.8 (the tapered law leaves < 1e-5 of events above).
M_MIN, M_STEP, M_TOP = 5.5, 0.1, 9.8
#: Depth bins (km) of the exceedance table for interface and in-slab events (0-700 km).
DEPTH_STEP_KM = 10.0
_N_DEPTH = 71
#: Log-spaced epicentral distances (1 km to 1,000 km: the farthest reach, 500·√2 km, plus four
#: kernel correlation distances) of the exceedance table.
N_DIST = 400
_R_MAX_KM = 1000.0
#: ThinkHazard earthquake classes (GFDRR ThinkHazard, ``thinkhazard_processing.yaml``,
#: hazard type EQ): high = PGA ≥ 0.2 g at a 100–250-yr return period; medium = PGA ≥ 0.1 g
#: at 475–500 yr; low = PGA ≥ 0.1 g at 1000–2500 yr; very low otherwise.
LEVELS = ("very low", "low", "medium", "high")
THINKHAZARD_EQ = {"high": (250, 0.2), "medium": (475, 0.1), "low": (2475, 0.1)}

_CITE = ("Ground motion: BSSA14 (Boore et al. 2014) crustal / AGA16 BC Hydro (Abrahamson et "
         "al. 2016) interface & in-slab, coefficients from pygmm, V_S30 = 760 m/s; catalogue "
         "ISC-GEM v5.1 1904-2014 (CC BY-SA 3.0 share-alike) + USGS 2015-2016")

_CATALOGUES = ["isc_gem_catalogue", "usgs_significant_earthquakes_1965_2016",
               "ncei_significant_earthquakes"]
#: Registered data sets behind each column (their licence flags are shown by
#: ``hazards.exposure_columns()``; ISC-GEM is CC BY-SA 3.0, share-alike).
COLUMN_DATASETS = {
    **{c: _CATALOGUES for c in ("eq_pga_max_g", "eq_rate_pga_0p1g", "eq_rate_pga_0p2g",
                                "eq_pga_475yr_g", "eq_pga_250yr_g", "eq_pga_2475yr_g",
                                "eq_level", "eq_events_felt")},
    "eq_deaths_ncei_100km": ["ncei_significant_earthquakes"],
}
#: Catalogue spans used, for ``exposure(...).attrs["coverage"]``.
COVERAGE = ("ISC-GEM v5.1 1904-2014 + USGS 2015-2016 (rates: Mw>=7.5 1904-2016, >=6.25 "
            "1918-2016, >=5.5 1960-2016, GK74-declustered; equal-weight logic tree of the "
            "historic method and Frankel-1995 smoothed seismicity with a tapered G-R law); "
            "NCEI M>=7 1500-1903 (max PGA, felt count only); NCEI deaths all years")

#: Column definitions (name, hazard, unit, definition) for ``hazards.exposure_columns()``.
COLUMNS: list[tuple[str, str, str, str]] = [
    ("eq_pga_max_g", "earthquake", "g",
     "Largest median PGA at the city of any event of the merged catalogue (NCEI M ≥ 7 "
     "1500-1903, ISC-GEM 1904-2014, USGS 2015-2016) whose rupture is within 300 km (500 km for "
     "Mw ≥ 7.5); 0 when none. " + _CITE + ". Rupture distance approximated from the "
     "hypocentre (see ra.earthquake). NCEI magnitudes are of unknown type."),
    ("eq_rate_pga_0p1g", "earthquake", "events per year",
     "Annual rate of PGA > 0.1 g from the equal-weight logic tree (Kulkarni et al. 1984) of two "
     "source models built from the GK74-declustered mainshocks, each weighted by 1/T of its Mw "
     "class's completeness window (7.5+: 1904-2016; 6.25-7.5: 1918-2016; 5.5-6.25: "
     "1960-2016): (1) the events themselves, sum of P(PGA > 0.1 g | M, R) (historic method, "
     "Veneziano et al. 1984); (2) smoothed seismicity (Frankel 1995, Gaussian kernel c = 50 km) "
     "with a tapered Gutenberg-Richter law (Kagan 2002; beta 0.635, corner Mw 9.58 interface / "
     "8.46 crustal and in-slab, Bird & Kagan 2004). Lognormal ground motion, model sigma, "
     "truncated at 3 sigma; Cornell (1968), McGuire (2004). " + _CITE + "."),
    ("eq_rate_pga_0p2g", "earthquake", "events per year",
     "As eq_rate_pga_0p1g for PGA > 0.2 g."),
    ("eq_pga_475yr_g", "earthquake", "g",
     "PGA with 10% probability of exceedance in 50 years: the level whose annual rate of "
     "exceedance (as eq_rate_pga_*) is 1/475, log-log interpolated on 40 levels 0.001-4 g; 0 "
     "when the rate of exceeding 0.001 g is below 1/475. Logic tree of a historic-method and a "
     "smoothed-seismicity source model (see eq_rate_pga_0p1g); no fault sources or site "
     "amplification, so not a full PSHA. " + _CITE + "."),
    ("eq_pga_250yr_g", "earthquake", "g",
     "As eq_pga_475yr_g for a 250-year return period (used by eq_level)."),
    ("eq_pga_2475yr_g", "earthquake", "g",
     "As eq_pga_475yr_g for a 2475-year return period (2% in 50 years; used by eq_level); "
     "beyond the ~110-year catalogue, from the ground-motion sigma and the Gutenberg-Richter "
     "extrapolation of the smoothed branch."),
    ("eq_level", "earthquake", "very low < low < medium < high",
     "ThinkHazard earthquake classes (GFDRR ThinkHazard methodology, thinkhazard_processing."
     "yaml, hazard EQ): high = PGA(250 yr) ≥ 0.2 g; medium = PGA(475 yr) ≥ 0.1 g; low = "
     "PGA(2475 yr) ≥ 0.1 g; very low otherwise; from eq_pga_*yr_g."),
    ("eq_events_felt", "earthquake", "events",
     "Events of the merged catalogue (1500-2016) with median PGA ≥ 0.05 g at the city "
     "(supporting count, not a rate). " + _CITE + "."),
    ("eq_deaths_ncei_100km", "earthquake", "people",
     "Sum of NCEI 'Deaths' (earthquake alone; unreported counted as 0) of every NCEI "
     "significant earthquake (2150 BC-2024) with epicentre within 100 km of the city."),
]


def pga_levels() -> np.ndarray:
    """PGA levels (g) of the hazard curves: 40 log-spaced levels 0.001–4 g plus 0.05/0.1/0.2.

    Returns
    -------
    numpy.ndarray
        Sorted, unique.

    Examples
    --------
    >>> from resilience_analytics.earthquake import pga_levels
    >>> lv = pga_levels()
    >>> bool(0.1 in lv and 0.2 in lv), float(lv[0]), float(lv[-1])
    (True, 0.001, 4.0)
    """
    import numpy as np

    return np.unique(np.concatenate([np.geomspace(0.001, 4.0, 40), [0.05, 0.1, 0.2]]))


def completeness_window(mag: Any, *, end_year: int = CATALOG_END_YEAR) -> tuple[Any, Any]:
    """First complete year and window length (years) of each magnitude's class.

    Classes from :data:`COMPLETENESS` (ISC-GEM: Mw ≥ 7.5 from 1904, ≥ 6.25 from 1918,
    ≥ 5.5 from 1960); below Mw 5.5 the catalogue is incomplete (NaN).

    Parameters
    ----------
    mag : array-like
        Mw.
    end_year : int, default 2016
        Last catalogue year (inclusive).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        First year and number of years (NaN below Mw 5.5).

    Examples
    --------
    >>> import numpy as np
    >>> from resilience_analytics.earthquake import completeness_window
    >>> start, years = completeness_window(np.array([7.5, 6.25, 6.2]))
    >>> start.tolist(), years.tolist()
    ([1904.0, 1918.0, 1960.0], [113.0, 99.0, 57.0])
    """
    import numpy as np

    m = np.asarray(mag, float)
    start = np.full(m.shape, np.nan)
    for m_min, year in reversed(COMPLETENESS):
        start = np.where(m >= m_min, float(year), start)
    return start, end_year - start + 1.0


def event_setting(cat: pd.DataFrame) -> np.ndarray:
    """Ground-motion model code of each catalogue event (``crustal/interface/inslab``).

    Subduction setting = at least :data:`SUBDUCTION_MIN_DEEP` events deeper than
    :data:`SUBDUCTION_DEEP_KM` within :data:`SUBDUCTION_RADIUS_KM` (epicentres), then
    :func:`resilience_analytics.gmpe.select_model`.

    Parameters
    ----------
    cat : pandas.DataFrame
        With ``latitude, longitude, depth_km, magnitude``.

    Returns
    -------
    numpy.ndarray of str

    Examples
    --------
    >>> import pandas as pd
    >>> from resilience_analytics.earthquake import event_setting
    >>> cat = pd.DataFrame({"latitude": [0.0] * 7, "longitude": [0.0] * 7,
    ...                     "depth_km": [30.0, 10.0] + [100.0] * 5, "magnitude": [7.0] * 7})
    >>> event_setting(cat).tolist()[:3]
    ['interface', 'crustal', 'inslab']
    """
    import numpy as np

    from . import _geo

    deep = cat["depth_km"].to_numpy(float) > SUBDUCTION_DEEP_KM
    xyz = _geo._rad(cat["latitude"], cat["longitude"])
    if deep.sum() == 0:
        sub = np.zeros(len(cat), bool)
    else:
        tree = _geo._tree(cat["latitude"].to_numpy()[deep], cat["longitude"].to_numpy()[deep])
        n = tree.query_radius(xyz, r=float(_geo._chord(SUBDUCTION_RADIUS_KM)), count_only=True)
        sub = n >= SUBDUCTION_MIN_DEEP
    return gmpe.select_model(np.maximum(cat["depth_km"].to_numpy(float), 0.0),
                             cat["magnitude"].to_numpy(float), sub)


def horizontal_distance_km(d_epi: Any, half_length_km: Any) -> np.ndarray:
    """Median horizontal distance to a line rupture centred on the epicentre, random strike.

    A rupture of half-length a centred on the epicentre, at angle θ to the line from the
    epicentre to the site (distance d): the closest distance is sqrt((d cos θ − min(d cos θ,
    a))² + (d sin θ)²), increasing in θ ∈ [0°, 90°]; its median over a uniform strike is the
    value at θ = 45°. For a point source (a = 0) it is d.

    Parameters
    ----------
    d_epi : array-like
        Epicentral distance (km).
    half_length_km : array-like
        Half the rupture length (km).

    Returns
    -------
    numpy.ndarray
        km.

    Examples
    --------
    >>> from resilience_analytics.earthquake import horizontal_distance_km
    >>> [round(float(x), 1) for x in horizontal_distance_km([100.0, 100.0, 20.0], [0, 50, 50])]
    [100.0, 73.7, 14.1]
    """
    import numpy as np

    d = np.asarray(d_epi, float)
    c = np.sqrt(0.5)
    return np.hypot(np.maximum(d * c - np.asarray(half_length_km, float), 0.0), d * c)


def gardner_knopoff_window(mag: Any) -> tuple[Any, Any]:
    """Gardner & Knopoff (1974) aftershock window: distance (km) and time (days).

    The usual fit to the GK74 table (van Stiphout, Zhuang & Marsan 2012, CORSSA,
    "Seismicity declustering"): d = 10^(0.1238 M + 0.983) km; t = 10^(0.032 M + 2.7389) days
    for M ≥ 6.5, else 10^(0.5409 M − 0.547) days.

    Parameters
    ----------
    mag : array-like

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        km, days.

    Examples
    --------
    >>> from resilience_analytics.earthquake import gardner_knopoff_window
    >>> d, t = gardner_knopoff_window([6.0, 7.0])
    >>> [round(float(x)) for x in d], [round(float(x)) for x in t]
    ([53, 71], [499, 918])
    """
    import numpy as np

    m = np.asarray(mag, float)
    d = 10 ** (0.1238 * m + 0.983)
    t = np.where(m >= 6.5, 10 ** (0.032 * m + 2.7389), 10 ** (0.5409 * m - 0.547))
    return d, t


def decluster(cat: pd.DataFrame) -> np.ndarray:
    """Mainshock mask of a catalogue by Gardner & Knopoff (1974) windows.

    An event is dependent (an aftershock) when an earlier event of larger or equal magnitude
    lies within that event's GK distance window and precedes it by at most its GK time
    window (:func:`gardner_knopoff_window`); all other events are mainshocks. This is the
    non-iterative (single-link) form of the window method; foreshocks are kept.

    Parameters
    ----------
    cat : pandas.DataFrame
        ``t_seconds`` (s since 1970), ``latitude, longitude, magnitude``.

    Returns
    -------
    numpy.ndarray of bool
        True for mainshocks.

    Examples
    --------
    >>> import pandas as pd
    >>> from resilience_analytics.earthquake import decluster
    >>> day = 86400.0
    >>> cat = pd.DataFrame({"t_seconds": [0.0, 10 * day, 2000 * day, 11 * day],
    ...                     "latitude": [0.0, 0.2, 0.2, 3.0], "longitude": [0.0] * 4,
    ...                     "magnitude": [7.0, 6.0, 6.0, 6.0]})
    >>> decluster(cat).tolist()
    [True, False, True, True]
    """
    import numpy as np

    from . import _geo

    n = len(cat)
    mag = cat["magnitude"].to_numpy(float)
    t = cat["t_seconds"].to_numpy(float)
    d_win, t_win = gardner_knopoff_window(mag)
    xyz = _geo._rad(cat["latitude"], cat["longitude"])
    main_i, dep_j, dist = _geo._pairs(_geo._tree(cat["latitude"], cat["longitude"]), xyz,
                                         d_win)
    dt = t[dep_j] - t[main_i]
    bigger = (mag[main_i] > mag[dep_j]) | ((mag[main_i] == mag[dep_j]) & (dt > 0))
    dependent = (main_i != dep_j) & bigger & (dt > 0) & (dt <= t_win[main_i] * 86400.0)
    mainshock = np.ones(n, bool)
    mainshock[dep_j[dependent]] = False
    return mainshock


def _ground_motion(mag, depth, model, d_epi, half_len):
    """Return ln median PGA and sigma of city–event pairs (arrays aligned)."""
    import numpy as np

    out_ln = np.empty(len(mag))
    out_sd = np.empty(len(mag))
    r_h = horizontal_distance_km(d_epi, half_len)
    for code in gmpe.MODELS:
        k = model == code
        if not k.any():
            continue
        if code == "crustal":
            ln, sd = gmpe.bssa14_pga(mag[k], r_h[k])
        elif code == "interface":
            ln, sd = gmpe.aga16_pga(mag[k], np.hypot(r_h[k], depth[k]), depth[k],
                                    np.zeros(k.sum(), bool))
        else:
            ln, sd = gmpe.aga16_pga(mag[k], np.hypot(d_epi[k], depth[k]), depth[k],
                                    np.ones(k.sum(), bool))
        out_ln[k], out_sd[k] = ln, sd
    return out_ln, out_sd


def pga_at_return_period(levels: Any, rates: Any, return_period: float) -> np.ndarray:
    """PGA whose annual exceedance rate equals 1 / ``return_period`` (log–log interpolation).

    Parameters
    ----------
    levels : array-like, shape (k,)
        Increasing PGA levels (g).
    rates : array-like, shape (n, k)
        Annual exceedance rates per city (non-increasing along levels).
    return_period : float
        Years (> 0).

    Returns
    -------
    numpy.ndarray, shape (n,)
        g; 0 where even the lowest level is exceeded less often, the top level where even
        that one is exceeded more often.

    Examples
    --------
    >>> from resilience_analytics.earthquake import pga_at_return_period
    >>> round(float(pga_at_return_period([0.1, 0.2], [[0.01, 0.001]], 200)[0]), 4)
    0.1232
    """
    import numpy as np

    from ._validate import check_array, check_number

    return_period = check_number("return_period", return_period)
    if not return_period > 0:
        raise ParameterError(f"return_period={return_period!r}; accepted: years > 0")
    lv = check_array(levels, "levels", ndim=(1,))
    h = np.atleast_2d(check_array(rates, "rates", ndim=(1, 2)))
    if len(lv) < 2 or h.shape[1] != len(lv) or np.isnan(lv).any() or (lv <= 0).any():
        raise ParameterError(
            f"levels must hold at least 2 PGA levels > 0 and rates one column per level; got "
            f"{len(lv)} level(s) and rates of shape {h.shape}")
    target = 1.0 / return_period
    above = h >= target
    k = above.sum(axis=1) - 1  # last level whose rate is ≥ target (curves are monotone)
    out = np.zeros(len(h))
    top = k >= len(lv) - 1
    out[top] = lv[-1]
    mid = (k >= 0) & ~top
    i = np.nonzero(mid)[0]
    k = k[mid]
    h0, h1 = h[i, k], np.maximum(h[i, k + 1], 1e-300)
    frac = (np.log(h0) - np.log(target)) / (np.log(h0) - np.log(h1))
    out[i] = np.exp(np.log(lv[k]) + frac * (np.log(lv[k + 1]) - np.log(lv[k])))
    return out


def hazard_level(pga_250: Any, pga_475: Any, pga_2475: Any) -> pd.Categorical:
    """ThinkHazard earthquake class from return-period PGAs (thresholds :data:`THINKHAZARD_EQ`).

    GFDRR ThinkHazard (``thinkhazard_processing.yaml``, hazard type EQ): high when PGA ≥ 0.2 g
    at a 100–250-year return period, medium when PGA ≥ 0.1 g at 475 years, low when PGA ≥
    0.1 g at 2475 years, very low otherwise.

    Parameters
    ----------
    pga_250, pga_475, pga_2475 : array-like
        PGA (g) at 250, 475 and 2475 years.

    Returns
    -------
    pandas.Categorical
        Ordered: ``very low < low < medium < high``.

    Examples
    --------
    >>> from resilience_analytics.earthquake import hazard_level
    >>> list(hazard_level([0.3, 0.05, 0.0, 0.0], [0.4, 0.12, 0.05, 0.0], [0.6, 0.3, 0.1, 0.01]))
    ['high', 'medium', 'low', 'very low']
    """
    import numpy as np
    import pandas as pd

    from ._validate import check_array

    a, b, c = (check_array(x, n, ndim=(1,)) for x, n in (
        (pga_250, "pga_250"), (pga_475, "pga_475"), (pga_2475, "pga_2475")))
    if not a.shape == b.shape == c.shape:
        raise ParameterError(f"pga_250, pga_475 and pga_2475 must have one value per city "
                             f"each; got shapes {a.shape}, {b.shape}, {c.shape}")
    lab = np.select([a >= THINKHAZARD_EQ["high"][1], b >= THINKHAZARD_EQ["medium"][1],
                     c >= THINKHAZARD_EQ["low"][1]], ["high", "medium", "low"], "very low")
    return pd.Categorical(lab, categories=list(LEVELS), ordered=True)


# --------------------------------------------------------------------------------------------
# smoothed-seismicity source model (Frankel 1995) with a tapered Gutenberg-Richter law
# --------------------------------------------------------------------------------------------
def tapered_gr_survival(mag: Any, corner_mw: float, *, m_min: float = M_MIN,
                        beta: float = GR_BETA) -> np.ndarray:
    """Share of earthquakes of magnitude ≥ ``m_min`` that reach ``mag`` (tapered G-R law).

    Kagan (2002, GJI 149:731) tapered Gutenberg–Richter distribution of seismic moment:
    S(M) = (M_t / M)^β exp((M_t − M) / M_c) for M ≥ M_t, with moments from magnitudes by
    M = 10^(1.5 m + 9.05) N m (the conversion used by Bird & Kagan 2004). Far below the
    corner it is the Gutenberg–Richter law with b = 1.5 β.

    Parameters
    ----------
    mag : array-like
        Moment magnitudes (≥ ``m_min``).
    corner_mw : float
        Corner magnitude m_c.
    m_min : float, default 5.5
        Threshold magnitude m_t (S = 1 there).
    beta : float, default 0.635
        Index β of the moment distribution.

    Returns
    -------
    numpy.ndarray
        Survival S in (0, 1].

    Raises
    ------
    ParameterError
        For a magnitude below ``m_min`` or a non-positive ``beta``.

    Examples
    --------
    >>> from resilience_analytics.earthquake import tapered_gr_survival
    >>> s = tapered_gr_survival([5.5, 6.5, 9.58], 9.58)
    >>> [round(float(x), 5) for x in s]
    [1.0, 0.11156, 5e-05]
    """
    import numpy as np

    from ._validate import check_number

    beta = check_number("beta", beta)
    if not beta > 0:
        raise ParameterError(f"beta={beta!r}; accepted: a number > 0 "
                             "(Bird & Kagan 2004: 0.61-0.66)")
    m = np.asarray(mag, float)
    if (m < m_min - 1e-9).any():
        raise ParameterError(f"mag must be >= m_min={m_min}; got {float(np.nanmin(m))}")
    m0 = 10 ** (1.5 * m + 9.05)
    m0t = 10 ** (1.5 * m_min + 9.05)
    m0c = 10 ** (1.5 * float(corner_mw) + 9.05)
    return (m0t / m0) ** beta * np.exp((m0t - m0) / m0c)


def magnitude_bins(model: str) -> tuple[np.ndarray, np.ndarray]:
    """Magnitude bins of the smoothed source model and the share of events in each.

    Bins of :data:`M_STEP` from :data:`M_MIN` to :data:`M_TOP` with the tapered
    Gutenberg–Richter law (:func:`tapered_gr_survival`) of the model's corner magnitude
    (:data:`CORNER_MW`, Bird & Kagan 2004). The share above :data:`M_TOP` (< 1e-5) is dropped.

    Parameters
    ----------
    model : {"crustal", "interface", "inslab"}
        Ground-motion model code (:data:`resilience_analytics.gmpe.MODELS`).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Bin centres (Mw) and probabilities.

    Raises
    ------
    ParameterError
        For an unknown model code.

    Examples
    --------
    >>> from resilience_analytics.earthquake import magnitude_bins
    >>> m, p = magnitude_bins("interface")
    >>> round(float(m[0]), 2), len(m), round(float(p.sum()), 4)
    (5.55, 43, 1.0)
    """
    import numpy as np

    if model not in CORNER_MW:
        raise ParameterError(f"model={model!r}; accepted: {', '.join(CORNER_MW)}")
    edges = M_MIN + M_STEP * np.arange(round((M_TOP - M_MIN) / M_STEP) + 1)
    s = tapered_gr_survival(edges, CORNER_MW[model])
    return (edges[:-1] + edges[1:]) / 2.0, s[:-1] - s[1:]


def smoothing_matrix(distances_km: Any, c_km: float = KERNEL_KM) -> np.ndarray:
    """Matrix that averages a function of epicentral distance over Frankel's kernel.

    Smoothing a point source with the isotropic Gaussian kernel K(x) ∝ exp(−‖x‖²/c²)
    (Frankel 1995) turns any function of the epicentral distance, E(R), into another one,
    E_s(D) = ∫ K(x) E(‖D − x‖) dx. On a grid of distances this is linear, E_s = A E, with
    A computed once by polar integration (r to 4c in 400 steps, θ in 90 steps on the
    half-circle, linear interpolation in log distance). Rows sum to 1 except where the
    kernel reaches beyond the grid (that mass has E = 0 there).

    Parameters
    ----------
    distances_km : array-like
        Increasing, log-spaced distances (km, > 0).
    c_km : float, default 50
        Correlation distance c (km).

    Returns
    -------
    numpy.ndarray, shape (n, n)

    Raises
    ------
    ParameterError
        For ``c_km`` not a number > 0 or distances that are not increasing and positive.

    Examples
    --------
    >>> import numpy as np
    >>> from resilience_analytics.earthquake import smoothing_matrix
    >>> r = np.geomspace(1.0, 1000.0, 300)
    >>> a = smoothing_matrix(r, 50.0)
    >>> i = int(np.searchsorted(r, 200.0))
    >>> round(float(a[i].sum()), 6), round(float((a[i] @ r**2) / (r[i]**2 + 50.0**2)), 3)
    (1.0, 1.0)
    """
    import numpy as np

    from ._validate import check_positive

    c_km = check_positive("c_km", c_km)
    r_grid = np.asarray(distances_km, float)
    if r_grid.ndim != 1 or len(r_grid) < 2 or (r_grid <= 0).any() or (np.diff(r_grid) <= 0).any():
        raise ParameterError("distances_km must be at least 2 increasing distances > 0 (km); got "
                             f"{r_grid.size} value(s) from {r_grid.min() if r_grid.size else None}"
                             f" to {r_grid.max() if r_grid.size else None}")
    n = len(r_grid)
    dr = 4.0 * c_km / 400
    rr = (np.arange(400) + 0.5) * dr
    wr = np.exp(-(rr / c_km) ** 2) * rr
    th = (np.arange(90) + 0.5) * np.pi / 90
    w = (wr[:, None] * np.ones(len(th))[None, :]).ravel()
    w /= w.sum()
    rr2 = np.repeat(rr, len(th))
    cos = np.tile(np.cos(th), len(rr))
    log0, step = np.log(r_grid[0]), np.log(r_grid[-1] / r_grid[0]) / (n - 1)
    a = np.zeros((n, n))
    for i, dist in enumerate(r_grid):
        d = np.sqrt(np.maximum(dist**2 + rr2**2 - 2.0 * dist * rr2 * cos, 0.0))
        inside = d <= r_grid[-1]
        pos = (np.log(np.maximum(d[inside], r_grid[0])) - log0) / step
        j0 = np.minimum(np.floor(pos).astype(np.int64), n - 2)
        f = pos - j0
        a[i] = (np.bincount(j0, weights=w[inside] * (1 - f), minlength=n)
                + np.bincount(j0 + 1, weights=w[inside] * f, minlength=n))[:n]
    return a


def _distance_grid() -> np.ndarray:
    import numpy as np

    return np.geomspace(1.0, _R_MAX_KM, N_DIST)


_TABLE: dict[str, Any] = {}


def _gr_table(c_km: float = KERNEL_KM) -> tuple[np.ndarray, dict[str, int]]:
    """Smoothed exceedance-per-event table (computed once a session per ``c_km``).

    Row (model, depth bin, distance D) holds, for every level x of :func:`pga_levels`,
    Σ_m p(m) P(PGA > x | m, R) over the magnitude bins of :func:`magnitude_bins` (the
    expected number of exceedances at a site per event of Mw ≥ 5.5 at epicentral distance
    R, with the distance metrics, cut-offs and ±3σ truncation of the historical branch),
    averaged over the smoothing kernel with :func:`smoothing_matrix`.
    """
    import numpy as np

    if c_km in _TABLE:
        return _TABLE[c_km]
    levels = pga_levels()
    r = _distance_grid()
    smooth = smoothing_matrix(r, c_km)
    blocks, offsets, row = [], {}, 0
    for code in gmpe.MODELS:
        mc, p = magnitude_bins(code)
        depths = [10.0] if code == "crustal" else DEPTH_STEP_KM * np.arange(_N_DEPTH)
        model = np.full(len(mc) * len(r), code)
        mag = np.repeat(mc, len(r))
        dist = np.tile(r, len(mc))
        half = (np.zeros(len(mag)) if code == "inslab"
                else gmpe.rupture_length_km(mag, model) / 2.0)
        cut = np.where(mag >= LARGE_MAG, CUTOFF_LARGE_KM, CUTOFF_KM)
        inside = horizontal_distance_km(dist, half) <= cut
        offsets[code] = row
        for z in depths:
            ln, sd = _ground_motion(mag, np.full(len(mag), z), model, dist, half)
            pe = gmpe.poe(ln, sd, levels) * (inside * np.repeat(p, len(r)))[:, None]
            blocks.append(smooth @ pe.reshape(len(mc), len(r), -1).sum(axis=0))
            row += len(r)
    _TABLE[c_km] = (np.vstack(blocks), offsets)
    return _TABLE[c_km]


def _smoothed_curve(lat: Any, lon: Any, ev_lat: Any, ev_lon: Any, rate: Any, model: Any,
                    depth: Any, c_km: float = KERNEL_KM) -> np.ndarray:
    """Hazard curves (n × levels) of the smoothed source model.

    Each event contributes its completeness-corrected rate of Mw ≥ 5.5 events (``rate``)
    times the kernel-averaged exceedance at its epicentral distance (:func:`_gr_table`).
    """
    import numpy as np
    import scipy.sparse as sp

    from . import _geo

    table, offsets = _gr_table(c_km)
    r = _distance_grid()
    n = len(lat)
    if len(rate) == 0 or n == 0:
        return np.zeros((n, table.shape[1]))
    dbin = np.clip(np.rint(np.asarray(depth, float) / DEPTH_STEP_KM), 0, _N_DEPTH - 1)
    base = np.array([offsets[m] for m in model], np.int64) + np.where(
        np.asarray(model) == "crustal", 0, dbin.astype(np.int64) * N_DIST)
    ev, ci, d = _geo._pairs(_geo._tree(lat, lon), _geo._rad(ev_lat, ev_lon), r[-1])
    pos = np.log(np.maximum(d, 1.0)) / np.log(r[1] / r[0])
    j0 = np.minimum(np.floor(pos).astype(np.int64), N_DIST - 2)
    f = pos - j0
    w = sp.csr_matrix((np.concatenate([rate[ev] * (1 - f), rate[ev] * f]),
                       (np.concatenate([ci, ci]),
                        np.concatenate([base[ev] + j0, base[ev] + j0 + 1]))),
                      shape=(n, table.shape[0]))
    return w @ table


def _historical_pass(lat, lon, ev, weight, cut, block, levels=None):
    """Maximum ln PGA, felt count and historical curve Σ weight · P(PGA > level) of points.

    ``ev`` is the per-event tuple of :func:`_events`; events with weight 0 shake (maximum,
    felt count) but add nothing to the curve.
    """
    import numpy as np
    import scipy.sparse as sp

    from . import _geo

    cat, mag, depth, model, half = ev
    n = len(lat)
    levels = pga_levels() if levels is None else np.asarray(levels, float)
    ln_levels = np.log(levels)
    tree = _geo._tree(lat, lon)
    ev_xyz = _geo._rad(cat["latitude"], cat["longitude"])
    ln_max = np.full(n, -np.inf)
    felt = np.zeros(n, np.int64)
    curve = np.zeros((n, len(ln_levels)))
    ln_felt = np.log(FELT_PGA_G)
    for b0 in range(0, len(cat), block):
        sl = slice(b0, min(b0 + block, len(cat)))
        # r_h ≥ R_epi / sqrt(2) (horizontal_distance_km): query a superset, then cut on r_h
        e, ci, d = _geo._pairs(tree, ev_xyz[sl], cut[sl] * np.sqrt(2.0))
        e = e + b0
        near = horizontal_distance_km(d, half[e]) <= cut[e]
        e, ci, d = e[near], ci[near], d[near]
        if len(ci) == 0:
            continue
        ln, sd = _ground_motion(mag[e], depth[e], model[e], d, half[e])
        np.maximum.at(ln_max, ci, ln)
        felt += np.bincount(ci[ln >= ln_felt], minlength=n)
        w = weight[e]
        keep = (w > 0) & (ln + 3.0 * sd > ln_levels[0])
        if keep.any():
            p = gmpe.poe(ln[keep], sd[keep], levels)
            m = sp.csr_matrix((w[keep], (ci[keep], np.arange(keep.sum()))),
                              shape=(n, int(keep.sum())))
            curve += m @ p
    return ln_max, felt, curve


def _events(cat: pd.DataFrame) -> tuple:
    """Per-event arrays of both branches: (catalogue, Mw, depth ≥ 0, model code, L/2)."""
    import numpy as np

    mag = cat["magnitude"].to_numpy(float)
    depth = np.maximum(cat["depth_km"].to_numpy(float), 0.0)
    model = (cat["gmm"].to_numpy(str) if "gmm" in cat.columns else event_setting(cat))
    half = gmpe.rupture_length_km(mag, model) / 2.0
    half = np.where(model == "inslab", 0.0, half)  # in-slab uses R_hyp, a point source
    return cat, mag, depth, model, half


def _rate_weight(cat: pd.DataFrame, mag: np.ndarray, end_year: int) -> np.ndarray:
    """Rate weight 1/T(M) of each event in its completeness window to ``end_year``, else 0."""
    import numpy as np

    start, years = completeness_window(mag, end_year=end_year)
    year = cat["year"].to_numpy()
    instrumental = cat["source"].isin(["ISC-GEM", "USGS"]).to_numpy()
    in_window = instrumental & (year >= start) & (year <= end_year)  # NaN start → False
    if "t_seconds" in cat.columns:  # rates from mainshocks only (Gardner & Knopoff 1974)
        in_window &= decluster(cat)
    return np.where(in_window, 1.0 / np.where(np.isnan(years), 1.0, years), 0.0)


def _branches(lat, lon, ev, weight, cut, c_km, block):
    """(ln max PGA, felt count, curves of both branches and of the logic tree) in one pass."""
    cat, mag, depth, model, _ = ev
    ln_max, felt, hist = _historical_pass(lat, lon, ev, weight, cut, block)
    rated = weight > 0
    smooth = _smoothed_curve(lat, lon, cat["latitude"].to_numpy(float)[rated],
                             cat["longitude"].to_numpy(float)[rated], weight[rated],
                             model[rated], depth[rated], c_km)
    tree = SOURCE_WEIGHTS["historical"] * hist + SOURCE_WEIGHTS["smoothed"] * smooth
    return ln_max, felt, {"historical": hist, "smoothed": smooth, "logic tree": tree}


def hazard_curves(lat: Any, lon: Any, *, catalog: pd.DataFrame | None = None,
                  end_year: int = CATALOG_END_YEAR, c_km: float = KERNEL_KM,
                  block: int = 2000) -> dict[str, np.ndarray]:
    """Annual exceedance-rate curves of both source models and of their logic tree.

    Parameters
    ----------
    lat, lon : array-like
        Degrees.
    catalog : pandas.DataFrame, optional
        As for :func:`city_hazard`.
    end_year : int, default 2016
        Last year whose events count in the rates; completeness windows end there (a
        pseudo-prospective test trains on the catalogue to a year and tests on the rest).
    c_km : float, default 50
        Correlation distance of the smoothing kernel (Frankel 1995).
    block : int, default 2000
        Events per block (memory bound).

    Returns
    -------
    dict of numpy.ndarray
        ``"historical"``, ``"smoothed"`` and ``"logic tree"`` (the weighted mean with
        :data:`SOURCE_WEIGHTS`), each of shape (n cities, len(:func:`pga_levels`)), events
        per year.

    Raises
    ------
    ParameterError
        For an ``end_year`` that is not an integer year or a non-positive ``c_km``.

    Examples
    --------
    >>> import pandas as pd
    >>> from resilience_analytics.earthquake import hazard_curves, pga_levels
    >>> cat = pd.DataFrame({"source": ["ISC-GEM"], "year": [1990], "latitude": [0.0],
    ...                     "longitude": [0.0], "depth_km": [10.0], "magnitude": [7.0]})
    >>> c = hazard_curves([0.1], [0.0], catalog=cat)
    >>> k = list(pga_levels()).index(0.1)
    >>> h, s = float(c["historical"][0, k]), float(c["smoothed"][0, k])
    >>> 0 < s < h, round(float(c["logic tree"][0, k]), 12) == round(0.5 * (h + s), 12)
    (True, True)
    """
    import numpy as np

    from . import catalogs

    if isinstance(end_year, bool) or not isinstance(end_year, (int, np.integer)) \
            or not 1904 <= end_year <= CATALOG_END_YEAR:
        raise ParameterError(f"end_year={end_year!r}; accepted: an integer year "
                             f"1904-{CATALOG_END_YEAR}")
    if not (isinstance(block, int) and block > 0):
        raise ParameterError(f"block={block!r}; accepted: a positive integer")
    cat = catalogs.earthquake_catalog() if catalog is None else catalog
    ev = _events(cat)
    weight = _rate_weight(cat, ev[1], int(end_year))
    rated = weight > 0  # only rated events matter here: no maximum or felt count is asked for
    ev = tuple(x[rated] for x in ev)
    cut = np.where(ev[1] >= LARGE_MAG, CUTOFF_LARGE_KM, CUTOFF_KM)
    return _branches(np.asarray(lat, float), np.asarray(lon, float), ev, weight[rated], cut,
                     c_km, block)[2]


def expected_exceedances(lat: Any, lon: Any, events: pd.DataFrame, level_g: float) -> np.ndarray:
    """Return the expected number of exceedances of ``level_g`` at points from events.

    Σ over the events of P(PGA > level | M, R) with the models, distances and cut-offs of
    :func:`city_hazard`: the exceedances implied by earthquakes that happened (the
    "observation" of a pseudo-prospective test, as ground motion is not recorded at most
    cities).

    Parameters
    ----------
    lat, lon : array-like
        Degrees.
    events : pandas.DataFrame
        Catalogue rows (``latitude, longitude, depth_km, magnitude``, optional ``gmm``).
    level_g : float
        PGA level (g, > 0).

    Returns
    -------
    numpy.ndarray
        Expected count per point.

    Examples
    --------
    >>> import pandas as pd
    >>> from resilience_analytics.earthquake import expected_exceedances
    >>> ev = pd.DataFrame({"latitude": [0.0, 0.0], "longitude": [0.0, 0.0],
    ...                    "depth_km": [10.0, 10.0], "magnitude": [7.0, 7.0],
    ...                    "gmm": ["crustal", "crustal"]})
    >>> one = expected_exceedances([0.1], [0.0], ev.iloc[:1], 0.1)
    >>> two = expected_exceedances([0.1], [0.0], ev, 0.1)
    >>> 0 < float(one[0]) < 1, round(float(two[0] / one[0]), 9)
    (True, 2.0)
    """
    import numpy as np

    from ._validate import check_positive

    level_g = check_positive("level_g", level_g)
    ev = _events(events)
    cut = np.where(ev[1] >= LARGE_MAG, CUTOFF_LARGE_KM, CUTOFF_KM)
    return _historical_pass(np.asarray(lat, float), np.asarray(lon, float), ev,
                            np.ones(len(events)), cut, 2000, levels=[level_g])[2][:, 0]


def city_hazard(lat: Any, lon: Any, *, cutoff_km: float = CUTOFF_KM,
                cutoff_large_km: float = CUTOFF_LARGE_KM, catalog: pd.DataFrame | None = None,
                source_model: str = "logic tree", block: int = 2000) -> dict[str, Any]:
    """Earthquake hazard columns (:data:`COLUMNS`) for points, from the merged catalogue.

    ``eq_pga_max_g`` and ``eq_events_felt`` come from the events themselves (a BallTree
    over the cities queried with each block of events, radius ``cutoff_km`` + L(M)/2);
    rates, return-period PGA and the level come from the hazard curve of ``source_model``
    (:func:`hazard_curves`). No Python loop over cities.

    Parameters
    ----------
    lat, lon : array-like
        Degrees.
    cutoff_km : float, default 300
        Largest horizontal distance from the rupture (r_h) at which an event counts in the
        maximum, the felt count and the historical branch (the smoothed branch's table uses
        the module constants).
    cutoff_large_km : float, default 500
        The same for events of Mw ≥ 7.5 (:data:`LARGE_MAG`).
    catalog : pandas.DataFrame, optional
        Default :func:`resilience_analytics.catalogs.earthquake_catalog`. Needs ``source,
        year, latitude, longitude, depth_km, magnitude`` (tests pass synthetic events);
        optional ``t_seconds`` (then rates use mainshocks only, :func:`decluster`) and
        ``gmm`` (model code per event, overriding :func:`event_setting`).
    source_model : {"logic tree", "historical", "smoothed"}, default "logic tree"
        Source model of the rate curves (:data:`SOURCE_MODELS`).
    block : int, default 2000
        Events per block (memory bound).

    Returns
    -------
    dict of numpy.ndarray / pandas.Categorical
        Keys = names in :data:`COLUMNS` except ``eq_deaths_ncei_100km`` (see
        :func:`deaths_near`).

    Raises
    ------
    ParameterError
        For a non-positive ``cutoff_km``, ``cutoff_large_km`` or ``block``, or an unknown
        ``source_model``.

    Examples
    --------
    >>> import pandas as pd
    >>> from resilience_analytics.earthquake import city_hazard
    >>> cat = pd.DataFrame({"source": ["ISC-GEM"], "year": [1990], "latitude": [0.0],
    ...                     "longitude": [0.0], "depth_km": [10.0], "magnitude": [7.0]})
    >>> out = city_hazard([0.1, 10.0], [0.0, 0.0], catalog=cat)
    >>> [round(float(x), 3) for x in out["eq_pga_max_g"]], out["eq_events_felt"].tolist()
    ([0.27, 0.0], [1, 0])
    """
    import numpy as np

    from . import catalogs

    for name, value in (("cutoff_km", cutoff_km), ("cutoff_large_km", cutoff_large_km)):
        if isinstance(value, bool) or not (isinstance(value, (int, float)) and value > 0):
            raise ParameterError(f"{name}={value!r}; accepted: km > 0")
    if not (isinstance(block, int) and block > 0):
        raise ParameterError(f"block={block!r}; accepted: a positive integer")
    if source_model not in SOURCE_MODELS:
        raise ParameterError(f"source_model={source_model!r}; accepted: "
                             f"{', '.join(SOURCE_MODELS)}")
    cat = catalogs.earthquake_catalog() if catalog is None else catalog
    ev = _events(cat)
    cut = np.where(ev[1] >= LARGE_MAG, cutoff_large_km, cutoff_km)
    ln_max, felt, curves = _branches(np.asarray(lat, float), np.asarray(lon, float), ev,
                                     _rate_weight(cat, ev[1], CATALOG_END_YEAR), cut,
                                     KERNEL_KM, block)
    curve = curves[source_model]
    levels = pga_levels()
    pga_max = np.where(np.isfinite(ln_max), np.exp(ln_max), 0.0)
    out: dict[str, Any] = {"eq_pga_max_g": pga_max}
    k1, k2 = np.searchsorted(levels, 0.1), np.searchsorted(levels, 0.2)
    out["eq_rate_pga_0p1g"] = curve[:, k1]
    out["eq_rate_pga_0p2g"] = curve[:, k2]
    rp = {t: pga_at_return_period(levels, curve, t) for t in (250, 475, 2475)}
    out["eq_pga_475yr_g"] = rp[475]
    out["eq_pga_250yr_g"] = rp[250]
    out["eq_pga_2475yr_g"] = rp[2475]
    out["eq_level"] = hazard_level(rp[250], rp[475], rp[2475])
    out["eq_events_felt"] = felt
    return out


def deaths_near(lat: Any, lon: Any, *, radius_km: float = DEATHS_RADIUS_KM) -> np.ndarray:
    """Sum of NCEI earthquake deaths of events with epicentre within ``radius_km``.

    Parameters
    ----------
    lat, lon : array-like
        Degrees.
    radius_km : float, default 100
        Epicentral radius (km, > 0).

    Returns
    -------
    numpy.ndarray
        People (NCEI 'Deaths', earthquake alone; unreported counted as 0), all years.

    Examples
    --------
    >>> from resilience_analytics.earthquake import deaths_near
    >>> deaths_near([0.0], [0.0], radius_km=0)
    Traceback (most recent call last):
    ...
    resilience_analytics.errors.ParameterError: radius_km must be a finite number > 0, got 0
    """
    import numpy as np

    from . import _geo, catalogs
    from ._validate import check_positive

    check_positive("radius_km", radius_km)
    nc = catalogs.ncei_earthquakes()
    q = _geo._rad(lat, lon)
    ci, ei, _ = _geo._pairs(_geo._tree(nc["latitude"], nc["longitude"]), q, radius_km)
    deaths = np.nan_to_num(nc["deaths"].to_numpy(float)[ei])
    return np.bincount(ci, weights=deaths, minlength=len(q))
