"""Fictional example cities for the peer-cities tests (no real city, no real number)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def example_table(n: int = 300, seed: int = 7) -> pd.DataFrame:
    """A feature table of ``n`` fictional cities ("Example City 1" ...), indexed by city_id.

    Three planted hazard groups (flood-prone, quake-prone, calm), four fictional countries, and
    country-level capacities that differ by country. City 2 is a near-copy of city 1.
    """
    rng = np.random.default_rng(seed)
    group = np.arange(n) % 3
    t = pd.DataFrame(
        {
            "fl_events": np.where(group == 0, rng.poisson(40, n), rng.poisson(1, n)),
            "eq_events_felt": np.where(group == 1, rng.poisson(25, n), rng.poisson(0.3, n)),
            "tc_wind_max_kt": rng.normal(60, 15, n),
            "coast_distance_km": rng.exponential(80, n),
            "koppen_group": rng.choice(list("ABCD"), n),
            "country_iso3": rng.choice(["AAA", "BBB", "CCC", "DDD"], n),
            "population": rng.integers(15_000, 5_000_000, n),
        },
        index=pd.Index(np.arange(1, n + 1, dtype="int64"), name="city_id"),
    )
    t["name"] = [f"Example City {i}" for i in t.index]
    # city 2: a near-copy of city 1 in another country
    for c in ("fl_events", "eq_events_felt", "koppen_group"):
        t.loc[2, c] = t.loc[1, c]
    t.loc[2, "tc_wind_max_kt"] = t.loc[1, "tc_wind_max_kt"] + 0.5
    t.loc[2, "coast_distance_km"] = t.loc[1, "coast_distance_km"] * 1.01
    t.loc[1, "country_iso3"], t.loc[2, "country_iso3"] = "AAA", "BBB"
    # country-level capacities (fictional): readiness higher = better, lack of coping lower = better
    ready = {"AAA": 0.3, "BBB": 0.7, "CCC": 0.5, "DDD": 0.6}
    lack = {"AAA": 6.0, "BBB": 2.0, "CCC": 4.0, "DDD": 7.0}
    t["ndgain_readiness"] = t["country_iso3"].map(ready).astype(float)
    t["inform_lack_of_coping_capacity"] = t["country_iso3"].map(lack).astype(float)
    return t


FEATURES = ["fl_events", "eq_events_felt", "tc_wind_max_kt", "coast_distance_km"]

NO_MEMBERSHIPS = pd.DataFrame({"city_id": pd.Series(dtype="int64"),
                               "network": pd.Series(dtype="string")})
