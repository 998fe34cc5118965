"""Plain-language wording of the explanatory results.

Rules (issue 16): a summary states the sample (cities and clusters), speaks of associations
(never "drives", "because", "causes", "leads to", "due to"), bases its verdict on the
clustered (bootstrap where run) p-value after Holm adjustment over the family of tests,
and says so when a result is not distinguishable from zero after adjustment.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["CAUSAL_WORDS", "causal_words", "p_text", "sample_text", "verdict"]

#: Words a summary must not use: they claim causation the observational data cannot show.
CAUSAL_WORDS: tuple[str, ...] = ("drives", "driver", "drivers", "because", "causes",
                                 "caused", "leads to", "due to", "impact of", "results in")


def causal_words(text: str) -> list[str]:
    """Causal words (:data:`CAUSAL_WORDS`) found in ``text``.

    Examples
    --------
    >>> from resilience_analytics.explain import causal_words
    >>> causal_words("Exposure drives commitment because of risk.")
    ['drives', 'because']
    >>> causal_words("Exposure is associated with commitment.")
    []
    """
    low = text.lower()
    return [w for w in CAUSAL_WORDS if re.search(rf"\b{re.escape(w)}\b", low)]


def p_text(p: float) -> str:
    """``"p < 0.001"`` or ``"p = 0.123"``.

    Examples
    --------
    >>> from resilience_analytics.explain import p_text
    >>> p_text(0.0004), p_text(0.04567)
    ('p < 0.001', 'p = 0.046')
    """
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def sample_text(n: int, clusters: int, what: str = "cities") -> str:
    """``"n = 1,956 cities in 29 countries (clusters)"``.

    Examples
    --------
    >>> from resilience_analytics.explain import sample_text
    >>> sample_text(1956, 29)
    'n = 1,956 cities in 29 countries (clusters)'
    """
    return f"n = {n:,} {what} in {clusters} countries (clusters)"


def verdict(row: Any, family_size: int, alpha: float = 0.05) -> str:
    """Whether a result is distinguishable from zero after Holm adjustment, in words.

    Parameters
    ----------
    row : mapping
        With ``p_used`` (the clustered or bootstrap p), ``p_holm`` and ``p_bh``.
    family_size : int
        Number of tests in the family.
    alpha : float

    Examples
    --------
    >>> from resilience_analytics.explain import verdict
    >>> verdict({"p_used": 0.045, "p_holm": 0.447, "p_bh": 0.447}, 10)
    'not distinguishable from zero after adjustment for 10 tests (Holm p = 0.447, BH p = 0.447)'
    """
    adj = f"Holm {p_text(row['p_holm'])}, BH {p_text(row['p_bh'])}"
    if row["p_holm"] < alpha:
        return f"distinguishable from zero after adjustment for {family_size} tests ({adj})"
    if row["p_bh"] < alpha:
        return (f"distinguishable from zero at a 5 % false discovery rate but not after Holm "
                f"adjustment for {family_size} tests ({adj})")
    return f"not distinguishable from zero after adjustment for {family_size} tests ({adj})"
