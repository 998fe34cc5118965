"""Property-based tests: public functions raise only the library's typed errors on bad input.

Each test draws bad (and some good) arguments with Hypothesis and calls one public function; the
only exceptions allowed out are subclasses of
:class:`resilience_analytics.errors.ResilienceError` (``ParameterError``, ``DataFileError``,
``UnknownCityError``...). A ``TypeError``, ``ValueError``, ``UnicodeEncodeError``,
``BadZipFile`` or numpy ``UFuncTypeError`` escaping is a failure: the input should have been
refused up front with a message naming it.

The budget is fixed for CI (profile ``ci``: ``max_examples`` per test, no deadline, no
database) so the file runs in well under a minute on two cores; ``HYPOTHESIS_PROFILE=long``
runs 20 times as many examples for a local fuzzing session.
"""

from __future__ import annotations

import io
import math
import os
import zipfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import resilience_analytics as ra
from resilience_analytics.errors import ResilienceError

settings.register_profile(
    "ci", max_examples=25, deadline=None, database=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                           HealthCheck.data_too_large],
)
settings.register_profile(
    "long", max_examples=500, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                           HealthCheck.data_too_large],
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
fuzz = settings(settings.get_profile(PROFILE))


def typed_only(fn, *args, **kwargs):
    """Call ``fn``; return its result, ``None`` for a typed error; anything else propagates."""
    try:
        return fn(*args, **kwargs)
    except ResilienceError as exc:
        assert str(exc), f"{type(exc).__name__} without a message"
        return None


# ------------------------------------------------------------------------------ strategies
lone_surrogate = st.integers(0xD800, 0xDFFF).map(chr)
odd_text = st.one_of(
    st.text(max_size=30),
    st.builds(lambda a, s, b: a + s + b, st.text(max_size=8), lone_surrogate, st.text(max_size=8)),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=150, max_size=400),
    st.sampled_from(["", " ", "\x00", "\n", "12345", "-1", "nan", "inf", "1e308", "Kyiv",
                     "Den Haag", "Portland", "Example City (fictional)", "../../etc/passwd"]),
)
huge_int = st.one_of(st.integers(), st.integers(min_value=2**63, max_value=2**200),
                     st.integers(max_value=-(2**63), min_value=-(2**200)))
bad_float = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                      st.sampled_from([0.0, -0.0, 1e308, -1e308, 5e-324, math.nan, math.inf]))
scalar = st.one_of(st.none(), st.booleans(), huge_int, bad_float, odd_text, st.binary(max_size=20),
                   st.just(np.nan), st.just(np.int64(3)), st.just(np.float32("nan")))
anything = st.one_of(
    scalar,
    st.lists(scalar, max_size=4),
    st.tuples(scalar, scalar),
    st.dictionaries(st.text(max_size=5), scalar, max_size=3),
    st.just(pd.DataFrame()),
    st.just(pd.Series(dtype=float)),
    st.just(np.array([])),
    st.just(np.array([[np.nan, np.inf], [1.0, -np.inf]])),
    st.just(np.array(["a", "b"], dtype=object)),
    st.just(object()),
)


@st.composite
def frames(draw, columns=None, min_rows=0, max_rows=6):
    """Small frames with NaN/inf, strings, None, huge numbers: a hostile table."""
    cols = columns if columns is not None else draw(
        st.lists(st.sampled_from(["a", "b", "score", "name", "city_id", "value", "x"]),
                 min_size=0, max_size=4, unique=True))
    n = draw(st.integers(min_rows, max_rows))
    cell = st.one_of(bad_float, st.integers(-10, 10), st.none(), st.text(max_size=4),
                     st.just(np.nan))
    data = {c: draw(st.lists(cell, min_size=n, max_size=n)) for c in cols}
    return pd.DataFrame(data, columns=cols)


def _zip_bomb() -> bytes:
    """A small xlsx-named zip whose one member inflates to 200 MB of zeros."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            block = b"\0" * (1 << 20)
            for _ in range(200):
                fh.write(block)
    return buf.getvalue()


ZIP_BOMB = None


def zip_bomb() -> bytes:
    global ZIP_BOMB
    if ZIP_BOMB is None:
        ZIP_BOMB = _zip_bomb()
    return ZIP_BOMB


file_bytes = st.one_of(
    st.binary(max_size=300),
    st.just(b""),
    st.just(b"PK\x03\x04" + b"\x00" * 40),               # a truncated zip (BadZipFile)
    st.just(b"\xff\xfe\x00\x00garbage"),
    st.just("code,score\nX1,3\n".encode("utf-16")),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.just("zip-bomb"),
)


def _write(tmp_path, name, payload) -> str:
    path = tmp_path / name
    path.write_bytes(zip_bomb() if payload == "zip-bomb" else payload)
    return str(path)


# ------------------------------------------------------------------------------ cities
@fuzz
@given(city=anything, country=st.one_of(st.none(), odd_text, anything))
def test_as_city(city, country):
    got = typed_only(ra.cities.as_city, city, country=country)
    assert got is None or isinstance(got, ra.cities.City)


@fuzz
@given(name=anything, country=st.one_of(st.none(), odd_text))
def test_resolve(name, country):
    typed_only(ra.cities.resolve, name, country=country)


@fuzz
@given(name=anything, n=anything)
def test_suggest(name, n):
    typed_only(ra.cities.suggest, name, n=n)


@fuzz
@given(country=anything)
def test_country_iso3(country):
    typed_only(ra.cities.country_iso3, country)


@fuzz
@given(names=anything)
def test_resolve_many(names):
    typed_only(ra.cities.resolve_many, names)


# ------------------------------------------------------------------------------ hazards
@fuzz
@given(cities=st.one_of(anything, frames(["latitude", "longitude"])),
       radius_km=st.one_of(bad_float, anything), hazards=st.one_of(st.none(), anything))
def test_hazards_exposure_arguments(cities, radius_km, hazards, monkeypatch):
    # only argument checking is under test: the computation itself is replaced
    monkeypatch.setattr(ra.hazards, "_compute", lambda df, params, chosen: (df.copy(), {}))
    typed_only(ra.hazards.exposure, cities, tsunami_radius_km=radius_km, hazards=hazards,
               cache=False)


# ------------------------------------------------------------------------------ peers
def _peer_table():
    rng = np.random.default_rng(0)
    t = pd.DataFrame(rng.normal(size=(6, 2)), columns=["a", "b"],
                     index=pd.Index(range(1, 7), name="city_id"))
    t["name"] = [f"Example City {c}" for c in "ABCDEF"]
    return t


NO_MEMBERS = pd.DataFrame(columns=["city_id", "network"])


@fuzz
@given(city=st.one_of(anything, st.sampled_from(["Example City A", 1, 3])), k=anything,
       features=st.one_of(st.none(), anything, st.just(["a", "b"])),
       weights=st.one_of(st.none(), anything), metric=st.one_of(anything, st.sampled_from(
           ["seuclidean", "cosine", "mahalanobis", "gower"])),
       population_band=st.one_of(st.none(), anything),
       min_separation_km=st.one_of(bad_float, anything))
def test_peers_similar(city, k, features, weights, metric, population_band, min_separation_km):
    typed_only(ra.peers.similar, city, k=k, features=features, weights=weights, metric=metric,
               population_band=population_band, min_separation_km=min_separation_km,
               table=_peer_table(), memberships=NO_MEMBERS)


@fuzz
@given(table=st.one_of(anything, frames()).filter(lambda t: t is not None))
def test_peers_similar_table(table):  # (None means the real default table: not under test)
    typed_only(ra.peers.similar, "Example City A", k=2, features=["a", "b"], table=table,
               memberships=NO_MEMBERS)


# ------------------------------------------------------------------------------ composite
@fuzz
@given(data=st.one_of(anything, frames(["a", "b"], min_rows=0, max_rows=5)),
       method=st.one_of(anything, st.sampled_from(["minmax", "zscore", "rank", "goalposts"])),
       directions=st.one_of(st.none(), anything))
def test_composite_normalise(data, method, directions):
    typed_only(ra.composite.normalise, data, method=method, directions=directions)


@fuzz
@given(data=st.one_of(anything, frames(["a", "b"], min_rows=0, max_rows=8)),
       winmax=anything, skew_thresh=st.one_of(bad_float, anything))
def test_composite_treat(data, winmax, skew_thresh):
    typed_only(ra.composite.treat, data, winmax=winmax, skew_thresh=skew_thresh)


@fuzz
@given(data=st.one_of(anything, frames(["a", "b"], min_rows=0, max_rows=5)),
       method=st.one_of(anything, st.sampled_from(["mean", "median", "constant"])),
       value=st.one_of(st.none(), anything))
def test_composite_impute(data, method, value):
    typed_only(ra.composite.impute, data, method=method, value=value)


@fuzz
@given(X=st.one_of(anything, st.lists(st.lists(bad_float, min_size=2, max_size=2), max_size=4)
                   .map(np.array)),
       w=st.one_of(anything, st.lists(bad_float, min_size=2, max_size=2).map(np.array)),
       method=st.one_of(anything, st.sampled_from(["arithmetic", "geometric", "harmonic"])))
def test_composite_aggregate_values(X, w, method):
    typed_only(ra.composite.aggregate_values, X, w, method=method)


@fuzz
@given(meta=st.one_of(anything, frames(["iCode", "Parent", "Level", "Weight", "Direction"])))
def test_composite_check_framework(meta):
    typed_only(ra.composite.check_framework, meta)


# ------------------------------------------------------------------------------ explain
@fuzz
@given(p=st.one_of(anything, st.lists(st.floats(allow_nan=True, allow_infinity=True),
                                      max_size=6)),
       methods=st.one_of(st.just(("holm", "fdr_bh")), anything))
def test_explain_adjust_pvalues(p, methods):
    typed_only(ra.explain.adjust_pvalues, p, methods=methods)


@fuzz
@given(data=st.one_of(anything, frames(["country", "y", "a"], min_rows=0, max_rows=8)),
       predictors=st.one_of(anything, st.just(["a"]), st.just({"hazard": "a"})),
       outcome=st.one_of(st.none(), st.just("y"), anything),
       sparse_share=st.one_of(st.just(0.75), anything))
def test_explain_predictor_diagnostics(data, predictors, outcome, sparse_share):
    typed_only(ra.explain.predictor_diagnostics, data, predictors, outcome=outcome,
               sparse_share=sparse_share)


@fuzz
@given(data=st.one_of(anything, frames(["a", "b"], min_rows=0, max_rows=8)),
       rhs=st.one_of(anything, st.just("a + b")), terms=st.one_of(anything, st.just(["a", "b"])))
def test_explain_vif(data, rhs, terms):
    typed_only(ra.explain.vif, data, rhs, terms)


# ------------------------------------------------------------------------------ readers
@fuzz
@given(payload=file_bytes, suffix=st.sampled_from([".csv", ".xlsx", ".txt", ""]),
       level=st.one_of(anything, st.sampled_from(["preliminary", "cri"])),
       on_error=st.one_of(anything, st.sampled_from(["raise", "gap"])))
def test_assessment_load_assessment(tmp_path, payload, suffix, level, on_error):
    path = _write(tmp_path, f"filled{suffix}", payload)
    typed_only(ra.assessment.load_assessment, path, level=level, on_error=on_error)


@fuzz
@given(path=anything)
def test_assessment_load_assessment_path_argument(path):
    typed_only(ra.assessment.load_assessment, path)


@fuzz
@given(payload=file_bytes)
def test_exchanges_load_exchanges(tmp_path, payload):
    typed_only(ra.exchanges.load_exchanges, _write(tmp_path, "exchanges.csv", payload))


@fuzz
@given(city=anything, start=anything, end=anything)
def test_exchanges_of(city, start, end):
    typed_only(ra.exchanges.exchanges_of, city, start=start, end=end)


@fuzz
@given(payload=file_bytes)
def test_matching_load_needs_offers(tmp_path, payload):
    typed_only(ra.matching.load_needs_offers, _write(tmp_path, "needs.csv", payload))


@fuzz
@given(table=st.one_of(anything, frames(list(ra.matching.COLUMNS), min_rows=0, max_rows=3)))
def test_matching_validate_needs_offers(table):
    typed_only(ra.matching.validate_needs_offers, table)


@fuzz
@given(a=anything, b=anything, missing=st.one_of(anything, st.sampled_from(["raise", "empty"])))
def test_connections_path(a, b, missing):
    typed_only(ra.connections.path, a, b, missing=missing)


@fuzz
@given(profile=st.one_of(anything, st.lists(bad_float, max_size=4).map(
    lambda v: pd.Series(v, index=[f"f{i}" for i in range(len(v))], dtype=float))),
    n=anything, threshold=st.one_of(bad_float, anything))
def test_typology_name_type(profile, n, threshold):
    typed_only(ra.typology.name_type, profile, n=n, threshold=threshold)


@fuzz
@given(level=st.one_of(anything, st.sampled_from(["preliminary", "cri"])), city=anything,
       date=st.one_of(anything, st.sampled_from(["2024-01-31", "31/01/2024", "2024-13-45"])))
def test_assessment_template(level, city, date):
    typed_only(ra.assessment.template, level, city=city, date=date)


EXAMPLE = None


def _example():
    global EXAMPLE
    if EXAMPLE is None:
        EXAMPLE = ra.assessment.example_assessment("before")
    return EXAMPLE


@fuzz
@given(n=anything, specific=anything, essential=st.one_of(anything, st.integers(-3, 12)))
def test_assessment_gaps_and_themes(n, specific, essential):
    typed_only(ra.assessment.weakest, _example(), n=n)
    typed_only(ra.assessment.needs_from_gaps, _example(), n=n, specific=specific)
    typed_only(ra.assessment.themes_for_essential, essential, specific=specific)


@fuzz
@given(assessment=anything)
def test_assessment_profile_needs_an_assessment(assessment):
    typed_only(ra.assessment.profile, assessment)
    typed_only(ra.assessment.compare, assessment, _example())


# ------------------------------------------------------------------------------ hazard models
arrays = st.one_of(anything, st.lists(bad_float, max_size=4).map(np.array),
                   st.lists(st.lists(bad_float, min_size=2, max_size=2), max_size=3).map(np.array))


@fuzz
@given(mag=arrays, dist=arrays, v_s30=st.one_of(bad_float, anything))
def test_gmpe_bssa14_pga(mag, dist, v_s30):
    typed_only(ra.gmpe.bssa14_pga, mag, dist, v_s30=v_s30)


@fuzz
@given(ln_median=arrays, sigma=arrays, levels=arrays, truncation=st.one_of(bad_float, anything))
def test_gmpe_poe(ln_median, sigma, levels, truncation):
    typed_only(ra.gmpe.poe, ln_median, sigma, levels, truncation=truncation)


@fuzz
@given(levels=arrays, rates=arrays, period=st.one_of(bad_float, anything),
       a=arrays, b=arrays, c=arrays)
def test_earthquake_return_period_and_level(levels, rates, period, a, b, c):
    typed_only(ra.earthquake.pga_at_return_period, levels, rates, period)
    typed_only(ra.earthquake.hazard_level, a, b, c)


@fuzz
@given(rate=arrays, text=anything, excess=arrays, k=arrays,
       period=st.one_of(bad_float, anything))
def test_flood_and_cyclone_statistics(rate, text, excess, k, period):
    from resilience_analytics import cyclone, flood

    typed_only(flood.flood_level, rate)
    typed_only(flood.dfo_countries, text)
    typed_only(cyclone.gpd_pwm, excess)
    typed_only(cyclone.gpd_return_level, 34.0, k, 10.0, 0.5, period)
    typed_only(cyclone.pooled_rate, [0.0], [0.0], [0.0], [0.0], [k])
    typed_only(cyclone.pooled_rate, [0.0], [0.0], [0.0], [0.0], [0.1], c_km=period)


# ------------------------------------------------------------------------------ data registry
@fuzz
@given(name=anything, filename=st.one_of(st.none(), anything))
def test_datasets_get_and_file(name, filename):
    ds = typed_only(ra.datasets.get, name)
    if ds is not None:
        typed_only(ds.file, filename)
    if not isinstance(name, str) or name not in ra.datasets.names():  # no real data read here
        typed_only(ra.datasets.read, name, filename)
        typed_only(ra.datasets.get_path, name, filename)


@pytest.mark.data
@fuzz
@given(year=anything, indicators=anything)
def test_countries_world_risk_index(year, indicators):
    typed_only(ra.countries.world_risk_index, year, indicators=indicators)


@pytest.mark.data
@fuzz
@given(year=anything, variables=st.one_of(st.none(), anything))
def test_countries_nd_gain(year, variables):
    typed_only(ra.countries.nd_gain, year, variables=variables)


def test_xlsx_zip_bomb_is_refused_before_parsing(tmp_path):
    """A valid workbook plus a member that inflates past the limit: refused, quickly."""
    import time

    tpl = ra.assessment.write_template(tmp_path / "template.xlsx")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(tpl) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        with dst.open("xl/media/padding.bin", "w", force_zip64=True) as fh:
            for _ in range(ra.assessment.MAX_XLSX_BYTES // (1 << 20) + 5):
                fh.write(b"\0" * (1 << 20))
    assert bomb.stat().st_size < 200_000  # small on disk, large inflated
    t0 = time.perf_counter()
    with pytest.raises(ra.errors.DataFileError, match="inflates to"):
        ra.assessment.load_assessment(bomb)
    assert time.perf_counter() - t0 < 5
    assert ra.assessment.load_assessment(tpl).n_missing > 0  # the template itself still loads
