"""Name suggestions: Damerau-Levenshtein over names and alternate names, weighted by population."""

from __future__ import annotations

import pytest
from rapidfuzz.distance import DamerauLevenshtein

import resilience_analytics as ra
from resilience_analytics.errors import UnknownCityError


def test_transposition_counts_as_one_edit():
    # the published definition (Damerau, 1964): a swap of adjacent letters is one edit
    assert DamerauLevenshtein.distance("kyvi", "kyiv") == 1
    assert DamerauLevenshtein.distance("kyvi", "kiev") == 3


def test_kyvi_suggests_kyiv_first():
    assert ra.cities.suggest("Kyvi")[0] == "Kyiv (Ukraine)"
    with pytest.raises(UnknownCityError) as exc:
        ra.cities.resolve("Kyvi")
    assert exc.value.suggestions[0] == "Kyiv (Ukraine)"


def test_alternate_names_and_population_order():
    assert ra.cities.suggest("Den Hag", n=1) == ["The Hague (The Netherlands)"]  # alternate name
    # two cities at one edit: the larger first
    out = ra.cities.suggest("Rotterdm", n=2)
    assert out == ["Rotterdam (The Netherlands)", "Rotterdam (United States)"]
    assert ra.cities.suggest("Tokio", n=1) == ["Tokyo (Japan)"]
    assert ra.cities.suggest("", n=3) == []
