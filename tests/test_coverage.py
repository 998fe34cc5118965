"""Coverage tables, event maps and a city against its context, on the real data."""

from __future__ import annotations

import pandas as pd
import pytest

import resilience_analytics as ra
from resilience_analytics.errors import ParameterError


def test_coverage_of_fictional_catalogs_counts_rows_years_and_coordinates():
    cats = {"quakes": pd.DataFrame({"year": [1990, 2001, None], "latitude": [1.0, None, 2.0],
                                    "longitude": [3.0, 4.0, 5.0]}),
            "storms": pd.DataFrame({"season": [1980], "latitude": [0.0], "longitude": [0.0]})}
    cov = ra.coverage.catalog_coverage(cats)
    assert cov.loc["quakes"].tolist()[:4] == [3, 2, 1990, 2001]
    assert cov.loc["storms", "year_column"] == "season"


def test_unknown_catalog_lists_the_accepted_ones():
    with pytest.raises(ParameterError, match="catalog 'quakes' is not accepted; choose from: "
                                             "earthquake_catalog, earthquakes"):
        ra.coverage.event_catalogs(["quakes"])


@pytest.mark.data
def test_real_catalog_coverage_matches_the_provenance():
    cov = ra.coverage.catalog_coverage(ra.coverage.event_catalogs(["earthquakes", "floods"]))
    eq = cov.loc[ra.coverage.CATALOG_LABELS["earthquakes"]]
    # USGS 1965-2016 file: 23,412 rows minus the 180 non-earthquakes (explosions, rock burst)
    assert (eq["first_year"], eq["last_year"], eq["events"]) == (1965, 2016, 23232)
    fl = cov.loc[ra.coverage.CATALOG_LABELS["floods"]]
    assert fl["first_year"] == 1985 and fl["last_year"] == 2021
    # hazard v2's catalogues: the merged Mw earthquake catalogue starts with NCEI's large
    # pre-1904 events and ends with the USGS file; runups reach back to antiquity
    cov2 = ra.coverage.catalog_coverage(
        ra.coverage.event_catalogs(["earthquake_catalog", "tsunami_runups"]))
    merged = cov2.loc[ra.coverage.CATALOG_LABELS["earthquake_catalog"]]
    assert merged["first_year"] >= 1500 and merged["last_year"] == 2016
    assert cov2.loc[ra.coverage.CATALOG_LABELS["tsunami_runups"], "last_year"] == 2016


@pytest.mark.data
def test_event_map_has_one_layer_per_catalog_and_the_highlight():
    loc = ra.coverage.event_locations(ra.coverage.event_catalogs(["volcanoes", "tsunamis"]))
    assert loc["latitude"].between(-90, 90).all() and loc["longitude"].between(-180, 180).all()
    fig = ra.coverage.plot_events(loc, highlight=ra.cities.resolve("Kyiv"))
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels[-1] == "Kyiv" and any(lbl.startswith("Holocene volcanoes") for lbl in labels)


@pytest.mark.data
def test_profile_comparison_the_hague():
    p = ra.coverage.profile_comparison("Den Haag")
    assert p.attrs["city"] == "The Hague" and "100rc" in p.attrs["networks"]
    # The Hague is on the North Sea coast: closer to the sea than most cities in the world
    assert p.loc["coast_distance_km", "value"] < 25
    # (12.7th percentile with the Natural Earth 10m coastline, which draws estuaries and the
    # Caspian as coast; 3.3 km from the GeoNames point to the Scheveningen shore)
    assert p.loc["coast_distance_km", "world_percentile"] < 15
    # country-level indicators: a Dutch city has the Netherlands' value, the country median
    assert p.loc["inform_risk", "value"] == p.loc["inform_risk", "country_median"]
    assert ((p["world_percentile"].dropna() >= 0) & (p["world_percentile"].dropna() <= 100)).all()
    # very low earthquake hazard: 475-year PGA far below ThinkHazard's 0.1 g
    assert p.loc["eq_pga_475yr_g", "value"] < 0.02


@pytest.mark.data
def test_profile_comparison_rejects_unknown_columns():
    with pytest.raises(ParameterError, match="not numeric columns"):
        ra.coverage.profile_comparison("Kyiv", columns=["name", "nope"])
