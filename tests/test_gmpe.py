"""Tests of ra.gmpe: vectorised BSSA14 / AGA16 against pygmm's scalar models and hand arithmetic."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from resilience_analytics import gmpe
from resilience_analytics.errors import ParameterError

pygmm = pytest.importorskip("pygmm")


@pytest.mark.parametrize("mag,r_jb,vs30", [
    (5.0, 0.0, 760.0), (6.5, 10.0, 760.0), (7.5, 100.0, 400.0), (8.0, 250.0, 760.0),
    (4.8, 0.5, 300.0), (7.0, 35.0, 1200.0),
])
def test_bssa14_matches_pygmm_scalar(mag, r_jb, vs30):
    s = pygmm.Scenario(mag=mag, dist_jb=r_jb, v_s30=vs30, mechanism="U")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = pygmm.BooreStewartSeyhanAtkinson2014(s)
    ln, sd = gmpe.bssa14_pga([mag], [r_jb], v_s30=vs30)
    assert math.isclose(math.exp(ln[0]), ref.pga, rel_tol=1e-9)
    assert math.isclose(sd[0], ref._ln_std[ref.INDEX_PGA], rel_tol=1e-9)


@pytest.mark.parametrize("mag,dist,depth,event,vs30", [
    (8.0, 50.0, 30.0, "interface", 760.0), (7.0, 120.0, 80.0, "intraslab", 760.0),
    (6.5, 60.0, 150.0, "intraslab", 400.0), (9.0, 30.0, 25.0, "interface", 1100.0),
    (7.5, 200.0, 40.0, "interface", 300.0), (6.0, 300.0, 600.0, "intraslab", 760.0),
])
def test_aga16_matches_pygmm_scalar(mag, dist, depth, event, vs30):
    s = pygmm.Scenario(mag=mag, dist_rup=dist, dist_hyp=dist, depth_hyp=depth, v_s30=vs30,
                       event_type=event)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = pygmm.AbrahamsonGregorAddo2016(s)
    ln, sd = gmpe.aga16_pga([mag], [dist], [depth], [event == "intraslab"], v_s30=vs30)
    assert math.isclose(math.exp(ln[0]), ref.pga, rel_tol=1e-9)
    assert math.isclose(sd[0], 0.738, abs_tol=1e-3)  # Table 3: phi 0.60, tau 0.43


def test_vectorised_equals_elementwise():
    mag = np.array([5.5, 6.0, 7.2, 8.1])
    r = np.array([5.0, 40.0, 150.0, 280.0])
    ln, sd = gmpe.bssa14_pga(mag, r)
    one = [gmpe.bssa14_pga([m], [d])[0][0] for m, d in zip(mag, r, strict=True)]
    assert np.allclose(ln, one)


def test_bssa14_hand_arithmetic():
    # BSSA14 Table of coefficients (PGA row), typed here from the paper: M 6.5 > Mh 5.5,
    # R_JB 20 km, V_S30 760 m/s (site term 0), unspecified mechanism.
    e0, e6, mh = 0.4473, -0.1662, 5.5
    c1, c2, c3, mref, h = -1.134, 0.1917, -0.008088, 4.5, 4.5
    r = math.sqrt(20.0**2 + h**2)
    ln = e0 + e6 * (6.5 - mh) + (c1 + c2 * (6.5 - mref)) * math.log(r) + c3 * (r - 1.0)
    got, _ = gmpe.bssa14_pga([6.5], [20.0])
    assert math.isclose(got[0], ln, rel_tol=1e-12)
    assert 0.1 < math.exp(ln) < 0.2


def test_site_term_softer_soil_amplifies_weak_motion():
    rock, _ = gmpe.bssa14_pga([6.0], [50.0], v_s30=760.0)
    soil, _ = gmpe.bssa14_pga([6.0], [50.0], v_s30=250.0)
    assert soil[0] > rock[0]


def test_select_model_and_lengths():
    codes = gmpe.select_model([5, 25, 25, 45, 60, 600], [6, 6, 6, 8.5, 6, 7],
                              [True, True, False, False, False, True])
    assert codes.tolist() == ["crustal", "interface", "crustal", "crustal", "inslab", "inslab"]
    # Strasser et al. (2010) interface and Wells & Coppersmith (1994) lengths
    assert math.isclose(gmpe.rupture_length_km([8.0], ["interface"])[0],
                        10 ** (-2.477 + 0.585 * 8.0))
    assert math.isclose(gmpe.rupture_length_km([6.0], ["crustal"])[0], 10 ** (-2.44 + 0.59 * 6))


def test_poe_is_lognormal_and_truncated():
    from scipy.stats import norm

    p = gmpe.poe(np.log([0.1]), [0.7], [0.05, 0.1, 0.2, 0.1 * math.exp(3.5 * 0.7)])
    z = np.log([0.5, 1.0, 2.0]) / 0.7
    expected = (norm.cdf(3) - norm.cdf(z)) / (norm.cdf(3) - norm.cdf(-3))
    assert np.allclose(p[0, :3], expected)
    assert p[0, 3] == 0.0


def test_bad_input_names_value():
    with pytest.raises(ParameterError, match="v_s30=50"):
        gmpe.bssa14_pga([6.0], [10.0], v_s30=50)
    with pytest.raises(ParameterError, match="dist_jb"):
        gmpe.bssa14_pga([6.0], [-1.0])
    with pytest.raises(ParameterError, match="mag contains NaN"):
        gmpe.aga16_pga([np.nan], [10.0], [30.0], [False])
    with pytest.raises(ParameterError, match="truncation"):
        gmpe.poe([0.0], [0.5], [0.1], truncation=0)


# Verification tables of an independent implementation, the OpenQuake engine (gem/oq-engine,
# openquake/hazardlib/tests/gsim/data/BSSA2014/BSSA_2014_NOSOF_MEAN.csv and
# .../BCHYDRO/BCHYDRO_SINTER_CENTRAL_MEAN.csv, BCHYDRO_SSLAB_CENTRAL_MEAN.csv; PGA column, g).
@pytest.mark.parametrize("mag,r_jb,vs30,expected", [
    (3.0, 0.0, 760.0, 0.00686845), (3.0, 20.0, 760.0, 0.00069905),
    (4.0, 100.0, 760.0, 0.00031848), (4.0, 0.0, 600.0, 0.0359044),
    (3.0, 50.0, 200.0, 0.000342617), (7.0, 0.0, 600.0, 0.494074),
    (7.0, 20.0, 250.0, 0.211924), (8.0, 75.0, 760.0, 0.0767005),
    (8.0, 0.0, 760.0, 0.500088), (8.0, 100.0, 200.0, 0.10035),
])
def test_bssa14_openquake_verification_table(mag, r_jb, vs30, expected):
    ln, _ = gmpe.bssa14_pga([mag], [r_jb], v_s30=vs30)
    assert math.exp(ln[0]) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("mag,r_rup,vs30,expected", [
    (5.0, 1.0, 360.0, 0.177002302), (6.0, 50.0, 360.0, 0.0275203018),
    (5.0, 100.0, 850.0, 0.00172588004), (6.0, 20.0, 570.0, 0.0679017858),
    (5.0, 300.0, 1200.0, 2.26861208e-04), (6.0, 1.0, 180.0, 0.294186798),
])
def test_aga16_interface_openquake_verification_table(mag, r_rup, vs30, expected):
    ln, _ = gmpe.aga16_pga([mag], [r_rup], [30.0], [False], v_s30=vs30)
    assert math.exp(ln[0]) == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("mag,depth,r_hyp,vs30,expected", [
    (5.0, 45.0, 1.0, 180.0, 0.613167470), (5.0, 45.0, 50.0, 360.0, 0.0267504478),
    (5.0, 90.0, 100.0, 570.0, 0.0105069814), (5.0, 90.0, 20.0, 360.0, 0.201305923),
    (5.0, 45.0, 300.0, 1200.0, 4.27941375e-04),
])
def test_aga16_inslab_openquake_verification_table(mag, depth, r_hyp, vs30, expected):
    ln, _ = gmpe.aga16_pga([mag], [r_hyp], [depth], [True], v_s30=vs30)
    assert math.exp(ln[0]) == pytest.approx(expected, rel=1e-6)
