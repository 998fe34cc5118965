"""Country aggregates of the cyclone and flood columns vs INFORM 2023 hazard components.

INFORM is the yardstick only: nothing here feeds back into a city column. The aggregate was
chosen before looking at the result: the population-weighted mean over a country's gazetteer
cities (GeoNames population) of the annual rate (tc_rate_64kt for cyclones — INFORM's
tropical-cyclone component is built from people exposed to Saffir-Simpson category 1+ winds —
and fl_rate for floods); other aggregates are printed for transparency, not chosen among.

Run::

    RESILIENCE_DATA_DIR=../shared/data python benchmarks/validate_cyclone_flood.py
"""

from __future__ import annotations


def main() -> None:
    import numpy as np
    import pandas as pd
    from scipy import stats

    import resilience_analytics as ra

    ex = ra.hazards.exposure(hazards=["cyclone", "flood"])
    inf = ra.countries.inform()
    pop = ex["population"].astype(float).fillna(0).clip(lower=1)
    g = ex.assign(w=pop).groupby("country_iso3")

    def wmean(col: str) -> pd.Series:
        return g.apply(lambda d: np.average(d[col].astype(float), weights=d["w"]))

    def share_high(col: str) -> pd.Series:
        return g.apply(lambda d: d.loc[d[col] == "high", "w"].sum() / d["w"].sum())

    rows = []
    for comp, main_col, others in (
        ("tropical_cyclone", "tc_rate_64kt",
         ["tc_rate_34kt", "tc_rate_96kt", "tc_wind_max_kt", "tc_level=high share"]),
        ("flood", "fl_rate", ["fl_severity_rate", "fl_level=high share"]),
    ):
        ref = inf[comp].astype(float)
        for col in [main_col, *others]:
            agg = share_high(col.split("=")[0]) if col.endswith("share") else wmean(col)
            both = pd.concat([agg.rename("city"), ref.rename("inform")], axis=1,
                             join="inner").dropna()
            rho, p = stats.spearmanr(both["city"], both["inform"])
            rows.append((comp, col + (" (pre-declared)" if col == main_col else ""),
                         len(both), rho, p))
            if col == main_col:
                r = both.rank(pct=True)
                diff = (r["city"] - r["inform"]).sort_values()
                print(f"{comp}: largest rank gaps (city lower | city higher):",
                      list(diff.index[:5]), "|", list(diff.index[-5:]))
    print(f"{'INFORM component':18s} {'aggregate':36s} {'n':>4s} {'rho':>6s}")
    for comp, col, n, rho, p in rows:
        print(f"{comp:18s} {col:36s} {n:4d} {rho:6.3f}  (p={p:.1e})")


if __name__ == "__main__":
    main()
