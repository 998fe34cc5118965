"""A Coin-like pipeline: each step writes a named data set and is logged so the chain can re-run.

>>> from resilience_analytics.composite import build_example_coin
>>> coin = build_example_coin()          # doctest: +SKIP
>>> list(coin.data)                      # doctest: +SKIP
['Raw', 'Denominated', 'Imputed', 'Screened', 'Treated', 'Normalised', 'Aggregated']

The steps mirror COINr's verbs (``Denominate``, ``Impute``, ``Screen``, ``Treat``,
``Normalise``, ``Aggregate``); :meth:`Coin.regen` replays the log with changed parameters,
which is what uncertainty and sensitivity analysis need.

Examples
--------
>>> import pandas as pd
>>> meta = pd.DataFrame({
...     "Level": [1, 1, 2], "iCode": ["a", "b", "idx"], "Parent": ["idx", "idx", None],
...     "Direction": [1, -1, 1], "Weight": [1, 1, 1],
...     "Type": ["Indicator", "Indicator", "Aggregate"]})
>>> data = pd.DataFrame({"uCode": ["Example City", "Other Example"], "a": [1.0, 3.0],
...                      "b": [5.0, 1.0]})
>>> coin = Coin(data, meta).normalise("Raw").aggregate("Normalised")
>>> coin.results()[["Rank", "idx"]].round(1).to_dict("list")
{'Rank': [1, 2], 'idx': [100.0, 0.0]}
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from .._validate import check_choice
from ..errors import DataFileError, FrameworkError, ParameterError
from . import aggregate as _agg
from . import framework as _fw

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Coin", "build_example_coin", "example_city_coin", "rank_desc", "resolve_methods",
           "weights_frame"]

STEPS = ("denominate", "impute", "screen", "treat", "normalise", "aggregate")
DEFAULT_NAMES = {
    "denominate": "Denominated",
    "impute": "Imputed",
    "screen": "Screened",
    "treat": "Treated",
    "normalise": "Normalised",
    "aggregate": "Aggregated",
}


def rank_desc(values, axis: int = 0):
    """Ranks with the highest value ranked 1, ties sharing the best rank (R ``ties="min"``).

    NaN values get NaN ranks. Works along ``axis`` of an array of any shape.

    Examples
    --------
    >>> import numpy as np
    >>> rank_desc(np.array([3.0, 5.0, 3.0, np.nan])).tolist()
    [2.0, 1.0, 2.0, nan]
    """
    import numpy as np

    a = np.asarray(values, dtype=float)
    if a.ndim == 0:
        return np.ones_like(a)
    if a.ndim == 2 and a.size > 2_000_000:
        # large (units x replications): rank blocks of replications (cache-friendly)
        b = 1 if axis == 0 else 0
        out = np.empty_like(a)
        step = max(1, 1_000_000 // a.shape[axis])
        for s0 in range(0, a.shape[b], step):
            sl = (slice(None), slice(s0, s0 + step)) if b == 1 else (slice(s0, s0 + step),
                                                                     slice(None))
            out[sl] = rank_desc(a[sl], axis=axis)
        return out
    x = np.ascontiguousarray(np.moveaxis(a, axis, -1))
    nan = np.isnan(x)
    key = np.where(nan, np.inf, -x)
    order = np.argsort(key, axis=-1)
    s = np.take_along_axis(key, order, axis=-1)
    n = s.shape[-1]
    start = np.empty(s.shape, dtype=bool)
    start[..., :1] = True
    np.not_equal(s[..., 1:], s[..., :-1], out=start[..., 1:])
    first = np.where(start, np.arange(n, dtype=float), 0.0)
    np.maximum.accumulate(first, axis=-1, out=first)
    first += 1.0
    r = np.empty_like(first)
    np.put_along_axis(r, order, first, axis=-1)
    r[nan] = np.nan
    return np.moveaxis(r, -1, axis)


def weights_frame(meta: pd.DataFrame, weights=None, *, source: str = "weights") -> pd.DataFrame:
    """Return a weight table (``iCode, Level, Weight``) checked against the framework.

    ``weights`` may be None (the framework's weights), a DataFrame with ``iCode``/``Weight``
    columns, a Series or a dict keyed by code. Every indicator and aggregate below the top
    needs a finite weight >= 0; unknown codes are errors.

    Examples
    --------
    >>> import pandas as pd
    >>> meta = _fw.check_framework(pd.DataFrame({"Level": [1, 1, 2], "iCode": ["a", "b", "t"],
    ...     "Parent": ["t", "t", None], "Direction": [1, 1, 1], "Weight": [1, 1, 1],
    ...     "Type": ["Indicator", "Indicator", "Aggregate"]}))
    >>> weights_frame(meta, {"a": 2})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    resilience_analytics.errors.FrameworkError: weights: no weight for indicator 'b' ...
    """
    import numpy as np
    import pandas as pd

    m = meta[meta["Type"].isin(["Indicator", "Aggregate"])]
    base = pd.DataFrame({"iCode": m["iCode"].to_numpy(), "Level": m["Level"].to_numpy(),
                         "Weight": m["Weight"].to_numpy(dtype=float)})
    if weights is None:
        return base
    # optimal_weights(allow_negative=True) marks its table: COINr's unconstrained search
    negative_ok = bool(getattr(weights, "attrs", {}).get("negative_weights_allowed", False))
    if isinstance(weights, pd.DataFrame):
        if not {"iCode", "Weight"} <= set(weights.columns):
            raise FrameworkError(f"{source}: a weight table needs columns 'iCode' and 'Weight'")
        wmap = dict(zip(weights["iCode"].astype(str), weights["Weight"], strict=True))
    else:
        wmap = {str(k): v for k, v in dict(weights).items()}
    unknown = sorted(set(wmap) - set(base["iCode"]))
    if unknown:
        raise FrameworkError(
            f"{source}: weight(s) for {unknown} which are not indicators or aggregates of the "
            "framework (rule: weights must match the framework's codes)"
        )
    kinds = dict(zip(m["iCode"], m["Type"].str.lower(), strict=True))
    top = int(m["Level"].max())
    vals = []
    for code, lev in zip(base["iCode"], base["Level"], strict=True):
        if code not in wmap:
            if lev == top:
                vals.append(1.0)
                continue
            raise FrameworkError(
                f"{source}: no weight for {kinds[code]} {code!r} (rule: weights must cover every "
                "indicator and aggregate of the framework)"
            )
        v = pd.to_numeric(pd.Series([wmap[code]]), errors="coerce").iloc[0]
        if not np.isfinite(v) or (v < 0 and not negative_ok):
            raise FrameworkError(
                f"{source}: weight of {kinds[code]} {code!r} is {wmap[code]!r} "
                "(rule: weights are finite numbers >= 0)"
            )
        vals.append(float(v))
    base["Weight"] = vals
    for parent in m.loc[m["Type"] == "Aggregate", "iCode"]:
        kids = m.loc[m["Parent"] == parent, "iCode"]
        if base.loc[base["iCode"].isin(kids), "Weight"].sum() == 0 or (
                not negative_ok and base.loc[base["iCode"].isin(kids), "Weight"].sum() <= 0):
            raise FrameworkError(
                f"{source}: all weights below {parent!r} are zero (rule: weights inside a parent "
                "must not all be zero)"
            )
    return base


def resolve_methods(meta: pd.DataFrame, method) -> dict[str, str]:
    """Map every aggregate code to its aggregation method.

    ``method`` is a method name, a list with one method per aggregation level (2..L), or a dict
    keyed by aggregate code or level with an optional ``"default"`` (else ``"arithmetic"``).

    Examples
    --------
    >>> m = _fw.check_framework(_fw.example_framework())
    >>> resolve_methods(m, {"Index": "geometric"})["Index"], resolve_methods(m, "harmonic")["Conn"]
    ('geometric', 'harmonic')
    """
    aggs = meta[meta["Type"] == "Aggregate"]
    levels = dict(zip(aggs["iCode"], aggs["Level"].astype(int), strict=True))
    nag = int(meta["Level"].max()) - 1
    if isinstance(method, str) or callable(method):
        out = dict.fromkeys(levels, method)
    elif isinstance(method, dict):
        unknown = [k for k in method if k != "default" and k not in levels
                   and k not in range(2, nag + 2)]
        if unknown:
            raise ParameterError(f"method: {unknown} are neither aggregate codes nor levels "
                                 f"2..{nag + 1}; aggregates: {list(levels)}")
        dflt = method.get("default", "arithmetic")
        out = {c: method.get(c, method.get(lv, dflt)) for c, lv in levels.items()}
    else:
        ms = list(method)
        if len(ms) != nag:
            raise ParameterError(f"method: give 1 or {nag} methods (one per aggregation level), "
                                 f"got {len(ms)}")
        out = {c: ms[lv - 2] for c, lv in levels.items()}
    for mth in out.values():
        if not callable(mth):
            check_choice("method", mth, _agg.AGG_METHODS)
    return out


class Coin:
    """A composite indicator under construction: framework, unit data, named data sets and a log.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit: a unit-code column (``unit_col``), one column per indicator of the
        framework, plus optional group, denominator and name columns.
    meta : pandas.DataFrame
        The framework (iMeta-like, see :mod:`resilience_analytics.composite.framework`).
    unit_col : str
        Column holding unique unit codes (becomes the index of every data set).
    level_names : list of str, optional
        Names of levels 1..L (e.g. ``["Indicator", "Pillar", "Sub-index", "Index"]``).

    Attributes
    ----------
    meta : pandas.DataFrame
        The validated framework.
    units : pandas.DataFrame
        Non-indicator columns per unit (names, groups, denominators).
    data : dict of str to pandas.DataFrame
        Named data sets, starting with ``"Raw"``.
    log : dict
        Step name → keyword arguments, in the order the steps were run.
    analysis : dict
        Side results of steps (screening summary, treatment details, ...).
    weights : dict of str to pandas.DataFrame
        Named weight sets; ``"Original"`` holds the framework's weights.

    Examples
    --------
    Four fictional cities, three indicators under one index:

    >>> import pandas as pd
    >>> from resilience_analytics.composite import Coin
    >>> meta = pd.DataFrame({
    ...     "Level": [1, 1, 1, 2], "iCode": ["parks", "shelters", "clinics", "Index"],
    ...     "Parent": ["Index", "Index", "Index", None], "Direction": [1, 1, 1, 1],
    ...     "Weight": [1.0, 1.0, 1.0, 1.0],
    ...     "Type": ["Indicator", "Indicator", "Indicator", "Aggregate"]})
    >>> data = pd.DataFrame({"uCode": ["A", "B", "C", "D"],  # four fictional cities
    ...                      "parks": [10.0, 40.0, 25.0, 30.0],
    ...                      "shelters": [1.0, 1.2, 3.0, 4.0], "clinics": [5.0, 9.0, 7.0, 6.0]})
    >>> coin = Coin(data, meta)
    >>> _ = coin.normalise("Raw", l_u=(1, 100)).aggregate()
    >>> list(coin.data), list(coin.log)
    (['Raw', 'Normalised', 'Aggregated'], ['normalise', 'aggregate'])
    >>> res = coin.results()
    >>> res.index.tolist(), res["Index"].round(2).tolist()
    (['B', 'D', 'C', 'A'], [69.2, 64.25, 56.0, 1.0])
    """

    def __init__(
        self,
        data: pd.DataFrame,
        meta: pd.DataFrame,
        *,
        unit_col: str = "uCode",
        level_names: list[str] | None = None,
    ):
        import numpy as np
        import pandas as pd

        self.meta = _fw.check_framework(meta)
        if unit_col not in data.columns:
            if data.index.name == unit_col:
                data = data.reset_index()
            else:
                raise DataFileError(f"unit data: no unit-code column {unit_col!r}")
        codes = data[unit_col]
        if codes.isna().any() or codes.duplicated().any():
            dup = codes[codes.duplicated()].tolist()[:5]
            raise DataFileError(
                f"unit data: unit codes in {unit_col!r} must be unique and present; "
                f"duplicates {dup}"
            )
        ind = self.indicator_codes
        miss = [c for c in ind if c not in data.columns]
        if miss:
            raise FrameworkError(
                f"indicator {miss[0]!r} of the framework is not a column of the unit data "
                f"(missing: {miss}) (rule: every indicator needs a data column)"
            )
        if codes.dtype == object:
            conv = codes.astype(str)
            clash = conv[conv.duplicated(keep=False)]
            if len(clash):
                vals = codes[conv.duplicated(keep=False)].tolist()[:4]
                raise DataFileError(
                    f"unit data: unit codes {vals!r} in {unit_col!r} collide once converted "
                    f"to text ({clash.iloc[0]!r}) (rule: unit codes must stay unique as text)")
        df = data.set_index(unit_col)
        df.index = df.index.astype(str) if df.index.dtype == object else df.index
        raw = df[ind].apply(pd.to_numeric, errors="coerce")
        for c in ind:
            nonnum = raw[c].isna() & df[c].notna()
            if nonnum.any():
                raise DataFileError(
                    f"indicator {c!r} has non-numeric value {df.loc[nonnum, c].iloc[0]!r} "
                    f"for unit {nonnum[nonnum].index[0]!r} (rule: indicators are numbers)"
                )
            inf = np.isinf(raw[c].to_numpy(dtype=float))
            if inf.any():
                raise DataFileError(
                    f"indicator {c!r} has infinite value "
                    f"{float(raw[c].to_numpy()[inf][0])!r} for unit "
                    f"{raw.index[inf][0]!r} (rule: indicators are finite numbers; NaN marks a "
                    "missing value)")
            if raw[c].isna().all():
                raise DataFileError(
                    f"indicator {c!r} is missing for every unit (rule: an indicator needs at "
                    "least one value)"
                )
        self.units = df[[c for c in df.columns if c not in ind]].copy()
        self.data: dict[str, pd.DataFrame] = {"Raw": raw.astype(float)}
        self.log: dict[str, dict[str, Any]] = {}
        self.analysis: dict[str, Any] = {}
        self.weights: dict[str, pd.DataFrame] = {"Original": weights_frame(self.meta)}
        nlev = self.n_levels
        self.level_names = list(level_names) if level_names else [
            f"Level{lv}" for lv in range(1, nlev + 1)
        ]
        self._init_args = {"unit_col": unit_col, "level_names": level_names}
        self._source = (data, meta)

    # ------------------------------------------------------------------ structure
    @property
    def indicator_codes(self) -> list[str]:
        """Indicator codes in framework order."""
        cache = getattr(self, "_ind_cache", None)
        if cache is None or cache[0] is not self.meta:
            cache = (self.meta, self.meta.loc[self.meta["Type"] == "Indicator", "iCode"].tolist())
            self._ind_cache = cache
        return list(cache[1])

    @property
    def n_levels(self) -> int:
        """Number of levels (indicators are level 1)."""
        return int(self.meta["Level"].max())

    @property
    def top_code(self) -> str:
        """Code of the top-level index."""
        m = self.meta
        return m.loc[m["Level"] == self.n_levels, "iCode"].iloc[0]

    def children(self, code: str) -> list[str]:
        """Codes directly below ``code``, in framework order."""
        cache = getattr(self, "_kids_cache", None)
        if cache is None or cache[0] is not self.meta:
            kids: dict[str, list[str]] = {}
            for c, p in zip(self.meta["iCode"], self.meta["Parent"], strict=True):
                if isinstance(p, str):
                    kids.setdefault(p, []).append(c)
            cache = (self.meta, kids)
            self._kids_cache = cache
        return list(cache[1].get(code, []))

    def _structure(self) -> list:
        """``[(level, [(parent, children), ...]), ...]`` for levels 2..L, cached per framework."""
        cache = getattr(self, "_struct_cache", None)
        if cache is None or cache[0] is not self.meta:
            st = [(lev, [(q, self.children(q)) for q in self.codes_at(lev)])
                  for lev in range(2, self.n_levels + 1)]
            cache = (self.meta, st)
            self._struct_cache = cache
        return cache[1]

    def codes_at(self, level: int) -> list[str]:
        """Indicator/aggregate codes at ``level``, in framework order."""
        m = self.meta
        return m.loc[m["Level"] == level, "iCode"].tolist()

    def _get(self, dset: str) -> pd.DataFrame:
        if dset not in self.data:
            raise ParameterError(f"dset={dset!r} is not a data set of this coin; "
                                 f"available: {list(self.data)}")
        return self.data[dset]

    def _record(self, step: str, kwargs: dict[str, Any]) -> None:
        self.log.pop(step, None)
        self.log[step] = copy.deepcopy(kwargs)

    def __repr__(self) -> str:
        return (f"Coin({len(self.data['Raw'])} units, {len(self.indicator_codes)} indicators, "
                f"{self.n_levels} levels; data sets {list(self.data)})")

    # ------------------------------------------------------------------ steps
    def denominate(
        self, dset: str = "Raw", *, denomby: dict[str, str] | None = None,
        scale: dict[str, float] | None = None, write_to: str | None = None,
    ) -> Coin:
        """Divide indicators by denominators (COINr ``Denominate``).

        ``denomby`` maps indicator → denominator column of the unit data (default: the
        framework's ``Denominator`` column); the denominator is first divided by ``scale``
        (COINr's ScaleFactor, default 1).
        """
        import numpy as np
        import pandas as pd

        self._record("denominate", dict(dset=dset, denomby=denomby, scale=scale,
                                        write_to=write_to))
        x = self._get(dset)
        if denomby is None:
            m = self.meta
            sel = m[(m["Type"] == "Indicator") & m["Denominator"].notna()]
            denomby = dict(zip(sel["iCode"], sel["Denominator"], strict=True))
        scale = scale or {}
        for code, den in denomby.items():
            if code not in x.columns:
                raise ParameterError(f"denomby: {code!r} is not an indicator of {dset!r}")
            if den not in self.units.columns:
                raise DataFileError(
                    f"denominator {den!r} of indicator {code!r} is not a column of the unit data"
                )
        if denomby:
            codes = list(denomby)
            D = self.units[[denomby[c] for c in codes]].reindex(x.index).to_numpy(dtype=float)
            D = D / np.array([float(scale.get(c, 1.0)) for c in codes])
            cols = [x.columns.get_loc(c) for c in codes]
            X = x.to_numpy(dtype=float, copy=True)
            X[:, cols] = X[:, cols] / D
            x = pd.DataFrame(X, index=x.index, columns=x.columns)
        self.data[write_to or "Denominated"] = x
        return self

    def impute(
        self, dset: str = "Denominated", *, method: str = "mean", group: str | None = None,
        value: float | None = None, impute_by: str = "column",
        group_level: int | None = None, normalise_first: bool | None = None,
        write_to: str | None = None,
    ) -> Coin:
        """Impute missing values (COINr ``Impute``).

        ``group`` names a unit column for the ``*_group`` methods (COINr's ``use_group``).
        ``impute_by="row"`` fills a unit's gaps from its own other indicators (normalised
        first by default); ``group_level`` restricts that to the indicators sharing an
        aggregate at that level (COINr's ``group_level``), e.g. 2 = within each pillar.
        """
        import pandas as pd

        from .impute import impute

        self._record("impute", dict(dset=dset, method=method, group=group, value=value,
                                    impute_by=impute_by, group_level=group_level,
                                    normalise_first=normalise_first, write_to=write_to))
        x = self._get(dset)
        groups = None
        if group is not None:
            if group not in self.units.columns:
                raise ParameterError(f"group={group!r} is not a unit column; available: "
                                     f"{list(self.units.columns)}")
            groups = self.units[group].reindex(x.index)
        dirs = pd.to_numeric(self.meta.set_index("iCode")["Direction"], errors="coerce"
                             ).reindex(x.columns).fillna(1.0).to_numpy(dtype=float)
        kw = dict(method=method, groups=groups, value=value, impute_by=impute_by,
                  normalise_first=normalise_first)
        if group_level is None:
            out = impute(x, directions=dirs, **kw)
        else:
            if not isinstance(group_level, int) or not 2 <= group_level <= self.n_levels:
                raise ParameterError(f"group_level={group_level!r}: must be an integer level "
                                     f"in 2..{self.n_levels}")
            lin = _fw.lineage(self.meta)[f"Level{group_level}"]
            parts = []
            for _, cols in pd.Series(lin.reindex(x.columns).to_numpy(),
                                     index=x.columns).groupby(lambda c: lin.get(c)).groups.items():
                cols = list(cols)
                d = [dirs[list(x.columns).index(c)] for c in cols]
                parts.append(impute(x[cols], directions=d, **kw))
            out = pd.concat(parts, axis=1)[list(x.columns)]
        self.data[write_to or "Imputed"] = out
        return self

    def screen(
        self, dset: str = "Imputed", *, unit_screen: str = "byNA", dat_thresh: float = 2 / 3,
        nonzero_thresh: float = 0.05, force: dict | None = None, write_to: str | None = None,
    ) -> Coin:
        """Remove units with low data availability (COINr ``Screen``)."""
        from .impute import screen

        self._record("screen", dict(dset=dset, unit_screen=unit_screen, dat_thresh=dat_thresh,
                                    nonzero_thresh=nonzero_thresh, force=force,
                                    write_to=write_to))
        out, summary = screen(self._get(dset), unit_screen=unit_screen, dat_thresh=dat_thresh,
                              nonzero_thresh=nonzero_thresh, force=force)
        name = write_to or "Screened"
        self.data[name] = out
        self.analysis[name] = {"summary": summary,
                               "removed": summary.index[~summary["Included"]].tolist()}
        return self

    def treat(
        self, dset: str = "Screened", *, winmax: int | None = 5, skew_thresh: float = 2,
        kurt_thresh: float = 3.5, log_fallback: bool = True, combine_treat: bool = False,
        indiv: dict | None = None, f2: str = "log_CT", lambda_: float | None = None,
        force_win: bool = False, write_to: str | None = None,
    ) -> Coin:
        """Treat outliers with COINr's rule (see :mod:`.treat`): winsorise, then ``f2``.

        ``f2`` is ``"log_CT"`` (default), ``"log_CT_plus"``, ``"log_CT_orig"`` or ``"boxcox"``
        (``lambda_``); ``force_win`` winsorises up to ``winmax`` points regardless.
        """
        from .treat import treat

        self._record("treat", dict(dset=dset, winmax=winmax, skew_thresh=skew_thresh,
                                   kurt_thresh=kurt_thresh, log_fallback=log_fallback,
                                   combine_treat=combine_treat, indiv=indiv, f2=f2,
                                   lambda_=lambda_, force_win=force_win, write_to=write_to))
        out, details = treat(self._get(dset), winmax=winmax, skew_thresh=skew_thresh,
                             kurt_thresh=kurt_thresh, log_fallback=log_fallback,
                             combine_treat=combine_treat, indiv=indiv, f2=f2, lambda_=lambda_,
                             force_win=force_win)
        name = write_to or "Treated"
        self.data[name] = out
        self.analysis[name] = {"details": details}
        return self

    def normalise(
        self, dset: str = "Treated", *, method: str = "minmax",
        directions: dict[str, int] | None = None, write_to: str | None = None, **params: Any,
    ) -> Coin:
        """Normalise with directions applied (see :func:`.normalise.normalise`)."""
        from .normalise import normalise

        self._record("normalise", dict(dset=dset, method=method, directions=directions,
                                       write_to=write_to, **params))
        self.data[write_to or "Normalised"] = normalise(
            self._get(dset), self.meta, method=method, directions=directions, **params
        )
        return self

    def aggregate(
        self, dset: str = "Normalised", *, method: str | list[str] = "arithmetic",
        weights=None, dat_thresh: float | list[float] | None = None, upper: float = 10.0,
        p: float | None = None, write_to: str | None = None,
    ) -> Coin:
        """Aggregate up the hierarchy (COINr ``Aggregate``).

        ``p`` is the exponent of the ``generalised`` mean; a method may also be a callable
        ``f(X, w) -> y`` (custom aggregation, see :mod:`.aggregate`).

        Parameters
        ----------
        method : str, list of str or dict
            One method for every level, one per aggregation level (levels 2..L), or a dict
            mapping aggregate codes (or levels) to methods with an optional ``"default"``; see
            :mod:`.aggregate`.
        weights : None, str, DataFrame, Series or dict
            None for the framework's weights, the name of a weight set in :attr:`weights`, or a
            table/mapping ``iCode → Weight`` (checked against the framework).
        dat_thresh : float or list, optional
            Minimum share of available children (per level), else NaN.
        """
        import pandas as pd

        self._record("aggregate", dict(dset=dset, method=method, weights=weights,
                                       dat_thresh=dat_thresh, upper=upper, p=p,
                                       write_to=write_to))
        nag = self.n_levels - 1
        key = repr(method) if not callable(method) and "function" not in repr(method) else None
        mcache = getattr(self, "_method_cache", None)
        if mcache is None or mcache[0] is not self.meta:
            mcache = (self.meta, {})
            self._method_cache = mcache
        if key is not None and key in mcache[1]:
            method_of = mcache[1][key]
        else:
            method_of = resolve_methods(self.meta, method)
            if key is not None:
                mcache[1][key] = method_of
        th = dat_thresh if isinstance(dat_thresh, list | tuple) else [dat_thresh] * nag
        if len(th) != nag:
            raise ParameterError(f"dat_thresh: give 1 or {nag} values (one per aggregation "
                                 f"level), got {len(th)}")
        import numpy as np

        if isinstance(weights, str):
            if weights not in self.weights:
                raise ParameterError(f"weights={weights!r} is not a weight set; available: "
                                     f"{list(self.weights)}")
            wf = self.weights[weights]
            wmap = dict(zip(wf["iCode"], wf["Weight"], strict=True))
        elif weights is None:
            cache = getattr(self, "_w0_cache", None)
            if cache is None or cache[0] is not self.meta:
                wf = weights_frame(self.meta)
                cache = (self.meta, dict(zip(wf["iCode"], wf["Weight"], strict=True)))
                self._w0_cache = cache
            wmap = cache[1]
        else:
            wf = weights_frame(self.meta, weights)
            wmap = dict(zip(wf["iCode"], wf["Weight"], strict=True))
        x = self._get(dset)
        ind = self.indicator_codes
        miss = [c for c in ind if c not in x.columns]
        if miss:
            raise ParameterError(f"aggregate: indicator(s) {miss[:5]} are not columns of "
                                 f"{dset!r}")
        Xi = x[ind].to_numpy(dtype=float)
        cols = {c: Xi[:, j] for j, c in enumerate(ind)}
        for lev, parents in self._structure():
            for parent, kids in parents:
                X = np.column_stack([cols[k] for k in kids])
                w = np.array([wmap[k] for k in kids], dtype=float)
                cols[parent] = _agg.aggregate_values(
                    X, w, method=method_of[parent], dat_thresh=th[lev - 2],
                    upper=upper, codes=kids, p=p)
        out = pd.DataFrame(cols, index=x.index, copy=False)
        self.data[write_to or "Aggregated"] = out
        return self

    # ------------------------------------------------------------------ replay
    def _fresh(self) -> Coin:
        """Return a new coin holding only ``Raw``, sharing this coin's validated inputs.

        What :meth:`regen` starts from: the framework and unit data were validated when this
        coin was built and are not modified by any step (every step writes a new data set), so
        they are shared rather than re-validated.
        """
        new = object.__new__(Coin)
        new.meta = self.meta
        new.units = self.units
        new.data = {"Raw": self.data["Raw"]}
        new.log = {}
        new.analysis = {}
        new.weights = {k: v.copy() for k, v in self.weights.items()}
        new.level_names = list(self.level_names)
        new._init_args = self._init_args
        new._source = self._source
        for attr in ("_kids_cache", "_struct_cache", "_ind_cache", "_w0_cache",
                     "_method_cache"):
            if hasattr(self, attr):
                setattr(new, attr, getattr(self, attr))
        return new

    def regen(self, changes: dict[str, dict[str, Any]] | None = None) -> Coin:
        """Rebuild the coin from Raw by replaying the log, with ``changes`` applied.

        ``changes`` maps a step name to keyword arguments that replace the logged ones, e.g.
        ``{"treat": {"winmax": 2}, "aggregate": {"method": "geometric"}}``. Changing the
        normalisation ``method`` drops the previous method's parameters.
        """
        changes = changes or {}
        unknown = set(changes) - set(self.log)
        if unknown:
            raise ParameterError(f"regen: step(s) {sorted(unknown)} were not run; logged steps: "
                                 f"{list(self.log)}")
        new = self._fresh()
        for step, kwargs in self.log.items():
            change = changes.get(step, {})
            if step == "normalise" and change.get("method", kwargs["method"]) != kwargs["method"]:
                # a different method: the old method's parameters no longer apply
                kwargs = {k: kwargs[k] for k in ("dset", "directions", "write_to")}
            kw = {**kwargs, **change}
            getattr(new, step)(**kw)
        return new

    # ------------------------------------------------------------------ results
    def ranks(self, dset: str = "Aggregated") -> pd.DataFrame:
        """Rank of every unit in every column (1 = highest, ties share the best rank)."""
        import pandas as pd

        x = self._get(dset)
        return pd.DataFrame(rank_desc(x.to_numpy(dtype=float), axis=0), index=x.index,
                            columns=x.columns).astype("Int64")

    def results(self, dset: str = "Aggregated", *, tab_type: str = "Full",
                use: str = "scores", nround: int | None = None) -> pd.DataFrame:
        """Results table sorted by the index (COINr ``get_results``), unrounded by default.

        ``tab_type``: ``"Summ"`` (index and rank), ``"Aggs"`` (every aggregate) or ``"Full"``
        (aggregates then indicators); ``use="ranks"`` replaces scores by ranks.
        """
        import pandas as pd

        check_choice("tab_type", tab_type, ("Summ", "Aggs", "Full"))
        check_choice("use", use, ("scores", "ranks"))
        x = self._get(dset)
        top = self.top_code
        m = self.meta[self.meta["Type"] == "Aggregate"]
        aggs = m.sort_values(["Level"], ascending=False, kind="stable")["iCode"].tolist()
        cols = {"Summ": [top], "Aggs": aggs, "Full": aggs + self.indicator_codes}[tab_type]
        tab = x[cols] if use == "scores" else self.ranks(dset)[cols]
        rank = pd.Series(rank_desc(x[top].to_numpy(dtype=float)), index=x.index)
        out = pd.concat([rank.astype("Int64").rename("Rank"), tab], axis=1)
        if "uName" in self.units.columns:
            out.insert(0, "uName", self.units["uName"].reindex(out.index))
        out = out.sort_values("Rank", kind="stable")
        if nround is not None and use == "scores":
            out[cols] = out[cols].round(nround)
        return out


def build_example_coin(up_to: str | None = None) -> Coin:
    """Build COINr's ASEM example coin (51 countries, 49 indicators), as ``build_example_coin``.

    The unit data are the lossless ``asem_iData_17digits.csv`` (COINr's ``ASEM_iData`` written
    with 17 significant digits, so every double is COINr's own; the 15-digit file changes
    482 values in the last place and breaks a tie in ``TolMin``).

    Steps: Denominate (framework denominators) → Impute (EurAsia group mean) → Screen (90 %
    availability, by NA, on the imputed data set) → Treat (winmax 5) → Normalise (min-max 0–100)
    → Aggregate (arithmetic mean). ``up_to`` stops after the named step (``"new_coin"``,
    ``"denominate"``, ``"impute"``, ``"screen"``, ``"treat"``, ``"normalise"``,
    ``"aggregate"``).

    Examples
    --------
    >>> coin = build_example_coin()
    >>> coin.results().index[:3].tolist()
    ['CHE', 'NLD', 'DNK']
    """
    from .. import datasets

    order = ("new_coin", *STEPS)
    if up_to is None:
        up_to = "aggregate"
    check_choice("up_to", str(up_to).lower(), order)
    stop = order.index(str(up_to).lower())
    idata = datasets.read("coinr_asem", "asem_iData_17digits.csv")
    imeta = datasets.read("coinr_asem", "asem_iMeta.csv")
    coin = Coin(idata, imeta, level_names=["Indicator", "Pillar", "Sub-index", "Index"])
    calls = [
        lambda c: c.denominate("Raw"),
        lambda c: c.impute("Denominated", method="mean_group", group="EurAsia_group"),
        lambda c: c.screen("Imputed", dat_thresh=0.9, unit_screen="byNA"),
        lambda c: c.treat("Screened", winmax=5),
        lambda c: c.normalise("Treated", method="minmax", l_u=(0, 100)),
        lambda c: c.aggregate("Normalised", method="arithmetic"),
    ]
    for f in calls[:stop]:
        f(coin)
    return coin


def example_city_coin() -> Coin:
    """Four fictional cities (A–D), three indicators under one index: a Coin for examples.

    The same set-up as the :class:`Coin` example (raw data only); the docstrings of
    :func:`uncertainty`, :func:`sensitivity` and :func:`pca_weights` start from it.

    Examples
    --------
    >>> coin = example_city_coin()
    >>> coin.data["Raw"].shape
    (4, 3)
    """
    import pandas as pd

    meta = pd.DataFrame({
        "Level": [1, 1, 1, 2], "iCode": ["parks", "shelters", "clinics", "Index"],
        "Parent": ["Index", "Index", "Index", None], "Direction": [1, 1, 1, 1],
        "Weight": [1.0, 1.0, 1.0, 1.0],
        "Type": ["Indicator", "Indicator", "Indicator", "Aggregate"]})
    data = pd.DataFrame({"uCode": ["A", "B", "C", "D"],
                         "parks": [10.0, 40.0, 25.0, 30.0],
                         "shelters": [1.0, 1.2, 3.0, 4.0], "clinics": [5.0, 9.0, 7.0, 6.0]})
    return Coin(data, meta)
