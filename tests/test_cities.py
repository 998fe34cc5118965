import subprocess
import sys

import pytest

import resilience_analytics as ra
from resilience_analytics.errors import AmbiguousCityError, ParameterError, UnknownCityError


def test_gazetteer_shape_and_crs():
    g = ra.cities.load_cities()
    assert len(g) == 34006
    assert g.crs.to_epsg() == 4326
    assert g.index.name == "city_id" and g.index.is_unique
    assert g["latitude"].between(-90, 90).all() and g["longitude"].between(-180, 180).all()
    assert g["country_iso3"].notna().mean() > 0.99
    assert (g.geometry.x == g["longitude"]).all()


def test_gazetteer_is_a_copy():
    g = ra.cities.load_cities()
    g.loc[g.index[0], "name"] = "changed"
    assert ra.cities.load_cities().loc[g.index[0], "name"] != "changed"


@pytest.mark.parametrize(
    "query, name, iso3",
    [
        ("Den Haag", "The Hague", "NLD"),
        ("The Hague", "The Hague", "NLD"),
        ("'s-Gravenhage", "The Hague", "NLD"),
        ("den haag", "The Hague", "NLD"),
        ("Kiev", "Kyiv", "UKR"),
        ("Київ", "Kyiv", "UKR"),
        ("Bombay", "Mumbai", "IND"),
        ("Rotterdam", "Rotterdam", "NLD"),
        ("Paris", "Paris", "FRA"),
        ("London", "London", "GBR"),
        ("Manchester", "Manchester", "GBR"),
        ("Kyiv", "Kyiv", "UKR"),
        ("Milan", "Milan", "ITA"),
        ("Milano", "Milan", "ITA"),
        ("Los Angeles", "Los Angeles", "USA"),
        ("Washington", "Washington", "USA"),
        ("Buenos Aires", "Buenos Aires", "ARG"),
        ("Jakarta", "Jakarta", "IDN"),
        ("Nairobi", "Nairobi", "KEN"),
        ("Seoul", "Seoul", "KOR"),
        ("Vancouver", "Vancouver", "CAN"),
        ("SÃO PAULO", "São Paulo", "BRA"),
    ],
)
def test_resolve_names(query, name, iso3):
    c = ra.cities.resolve(query)
    assert (c.name, c.country_iso3) == (name, iso3)


def test_one_city_many_spellings():
    ids = {ra.cities.resolve(n).city_id for n in ["Den Haag", "The Hague", "'s-Gravenhage"]}
    assert len(ids) == 1


@pytest.mark.parametrize("query", ["Portland", "San Jose"])
def test_ambiguous_names_list_candidates(query):
    with pytest.raises(AmbiguousCityError) as err:
        ra.cities.resolve(query)
    assert len(err.value.candidates) >= 2
    assert "population" in str(err.value) and "city_id" in str(err.value)


def test_country_narrows_and_city_id_chooses():
    wa = ra.cities.resolve("Vancouver", country="US")
    assert wa.country_iso3 == "USA" and wa.population < 300_000
    with pytest.raises(AmbiguousCityError) as err:
        ra.cities.resolve("Portland", country="US")
    oregon = err.value.candidates[0]["city_id"]
    assert ra.cities.resolve(oregon).population > 600_000


def test_unknown_name_suggests():
    with pytest.raises(UnknownCityError) as err:
        ra.cities.resolve("Rotterdm")
    assert err.value.suggestions[0].startswith("Rotterdam")


@pytest.mark.parametrize("bad", ["", "   ", None, 3.5])
def test_bad_names(bad):
    with pytest.raises(ParameterError):
        ra.cities.resolve(bad)


def test_unknown_country():
    with pytest.raises(ParameterError, match="ISO2"):
        ra.cities.resolve("Paris", country="Frnce")


def test_import_is_fast_and_lazy():
    code = (
        "import time, sys; t=time.perf_counter(); import resilience_analytics; "
        "dt=time.perf_counter()-t; "
        "heavy=[m for m in ('pandas','geopandas','matplotlib','folium','sklearn','statsmodels') if m in sys.modules]; "
        "print(dt, heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    dt, heavy = out.split(" ", 1)
    assert float(dt) < 1.0
    assert heavy.strip() == "[]"


def test_relative_data_dir_is_made_absolute_for_child_processes(tmp_path):
    code = (
        "import os, resilience_analytics.settings as s; "
        "print(s.get_data_dir()); print(os.environ['RESILIENCE_DATA_DIR'])"
    )
    env = {**__import__("os").environ, "RESILIENCE_DATA_DIR": "some/data"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=tmp_path, env=env).stdout.split()
    assert out[0] == out[1] == str(tmp_path / "some" / "data")
