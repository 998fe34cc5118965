"""pandera schemas of the gazetteer (other loaders keep their schemas beside their code)."""

from __future__ import annotations

import pandera.pandas as pa

__all__ = ["CITIES"]

CITIES = pa.DataFrameSchema(
    {
        "name": pa.Column("string", nullable=False),
        "asciiname": pa.Column("string", nullable=False),
        "alternatenames": pa.Column("string", nullable=False),
        "country_iso2": pa.Column("string", pa.Check.str_length(2, 2), nullable=False),
        "country_iso3": pa.Column("string", pa.Check.str_length(3, 3), nullable=True),
        "country_name": pa.Column("string", nullable=True),
        "latitude": pa.Column("float64", pa.Check.in_range(-90, 90)),
        "longitude": pa.Column("float64", pa.Check.in_range(-180, 180)),
        "population": pa.Column("int64", pa.Check.ge(0)),
    },
    index=pa.Index("int64", name="city_id", unique=True),
    strict=False,
    coerce=False,
)
