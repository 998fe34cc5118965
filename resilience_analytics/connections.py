"""How cities are connected: a graph of network memberships and city-to-city exchanges.

:func:`graph` builds an undirected :mod:`networkx` graph with three kinds of node:

* ``city:<city_id>``: a gazetteer city (attribute ``label`` = its name);
* ``network:<code>``: a city network ("100rc", "c40", "gcom", "rcn", ...);
* ``exchange:<exchange_id>``: a recorded exchange or meeting (``data/exchanges.csv``).

Edges: city — network (``relation`` = membership status, e.g. "member", "applicant"; weight 2),
city — exchange (``relation`` "took part" or "hosted"; weight 1) and exchange — network
(``relation`` "organised by"; weight 1). :func:`path` returns the lightest chain between two
cities: a shared exchange (two links of weight 1) is a closer tie than a shared network of
hundreds of cities (two links of weight 2).

Examples
--------
>>> import resilience_analytics as ra
>>> ra.connections.path("The Hague", "Kyiv")["label"].tolist()
['The Hague', 'city-to-city exchange in Paris (after 2022-12-13)', 'Kyiv']
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from typing import TYPE_CHECKING

from .errors import AmbiguousCityError, DataNotFoundError, ParameterError, UnknownCityError

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

__all__ = ["EDGE_WEIGHTS", "exchange_participation", "graph", "path"]

#: Edge weights used by :func:`path` (lighter = closer tie).
EDGE_WEIGHTS = {"membership": 2.0, "exchange": 1.0, "organised": 1.0}


def _optional_table(module: str, loader: str, what: str) -> pd.DataFrame | None:
    """``ra.<module>.<loader>()``, or ``None`` with a warning when it or its data is missing."""
    import importlib

    try:
        return getattr(importlib.import_module(f".{module}", __package__), loader)()
    except (ModuleNotFoundError, DataNotFoundError) as exc:
        # stacklevel 4: the warning points at the caller of graph()/exchange_participation()
        warnings.warn(f"{what} unavailable ({exc})", stacklevel=4)
        return None


def _default_memberships() -> pd.DataFrame | None:
    return _optional_table("networks", "memberships", "network memberships")


def _default_exchanges() -> pd.DataFrame | None:
    return _optional_table("exchanges", "load_exchanges", "exchanges")


def _network_names() -> dict[str, str]:
    try:
        from . import networks

        return dict(networks.NETWORKS)
    except (ModuleNotFoundError, AttributeError):
        return {}


def _split(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    if _missing(value):
        return []
    return [v.strip() for v in str(value).split(";") if v.strip()]


def _missing(v) -> bool:
    import pandas as pd

    if isinstance(v, list | tuple):
        return False
    return v is None or bool(pd.isna(v))


def _with_id_column(exchanges: pd.DataFrame) -> pd.DataFrame:
    if "exchange_id" not in exchanges.columns and exchanges.index.name == "exchange_id":
        return exchanges.reset_index()
    from ._validate import require_columns

    require_columns(exchanges, ["exchange_id"], "exchanges")
    return exchanges


def _participants(row) -> list[int]:
    """Participant city_ids of an exchange row (``participant_city_ids`` or names resolved)."""
    from . import cities

    ids = row.get("participant_city_ids")
    if not _missing(ids):
        return [int(i) for i in (ids if isinstance(ids, list | tuple) else _split(ids))
                if str(i) not in ("", "<NA>", "nan")]
    out = []
    for name in _split(row.get("participants")):
        try:
            out.append(cities.as_city(name).city_id)
        except (UnknownCityError, AmbiguousCityError, ParameterError) as exc:
            warnings.warn(f"exchange {row.get('exchange_id')}: {exc}", stacklevel=4)
    return out


def _host(row) -> int | None:
    from . import cities

    hid = row.get("host_city_id")
    if not _missing(hid) and str(hid) != "":
        return int(hid)
    name = row.get("host_city")
    if _missing(name) or not str(name):
        return None
    try:
        return cities.as_city(str(name)).city_id
    except (UnknownCityError, AmbiguousCityError, ParameterError):
        return None


def graph(
    *,
    memberships: pd.DataFrame | None = None,
    exchanges: pd.DataFrame | None = None,
) -> nx.Graph:
    """Return the graph of cities, networks and exchanges.

    Parameters
    ----------
    memberships : pandas.DataFrame, optional
        Long table ``city_id, network[, status, year]`` (default:
        :func:`resilience_analytics.networks.memberships`).
    exchanges : pandas.DataFrame, optional
        ``exchange_id, participant_city_ids`` (or ``participants``, ";"-separated names),
        optional ``host_city_id``/``host_city``, ``network``, ``date``/``date_start``,
        ``themes``, ``type``, ``description`` (default:
        :func:`resilience_analytics.exchanges.load_exchanges`).

    Returns
    -------
    networkx.Graph
        Nodes ``city:<id>``, ``network:<code>``, ``exchange:<id>`` with attributes ``kind`` and
        ``label``; edges with ``relation`` and ``weight``.

    Examples
    --------
    >>> import pandas as pd
    >>> import resilience_analytics as ra
    >>> m = pd.DataFrame({"city_id": [2747373, 2759794], "network": ["rcn", "rcn"]})
    >>> G = ra.connections.graph(memberships=m, exchanges=pd.DataFrame())
    >>> sorted(G.neighbors("network:rcn"))
    ['city:2747373', 'city:2759794']
    """
    import networkx as nx

    from . import cities

    if memberships is None:
        memberships = _default_memberships()
    if exchanges is None:
        exchanges = _default_exchanges()
    names = cities.load_cities()["name"]
    netnames = _network_names()
    G = nx.Graph()

    def add_city(cid: int) -> str:
        node = f"city:{cid}"
        if node not in G:
            label = str(names.get(cid, cid)) if cid in names.index else str(cid)
            G.add_node(node, kind="city", label=label, city_id=int(cid))
        return node

    def add_network(code: str) -> str:
        node = f"network:{code}"
        if node not in G:
            G.add_node(node, kind="network", label=netnames.get(code, code), code=code)
        return node

    if memberships is not None and len(memberships):
        from ._validate import require_columns

        require_columns(memberships, ["city_id", "network"], "memberships")
        m = memberships.dropna(subset=["city_id"])
        status = m["status"] if "status" in m.columns else ["member"] * len(m)
        year = m["year"] if "year" in m.columns else [None] * len(m)
        for cid, net, st, yr in zip(m["city_id"], m["network"], status, year, strict=True):
            st = "member" if _missing(st) else str(st)
            if st in ("deselected", "former"):
                continue
            G.add_edge(add_city(int(cid)), add_network(str(net)), relation=st,
                       year=None if _missing(yr) else int(yr),
                       weight=EDGE_WEIGHTS["membership"])
    if exchanges is not None and len(exchanges):
        exchanges = _with_id_column(exchanges)
        for _, row in exchanges.iterrows():
            row = row.to_dict()
            ex = f"exchange:{row['exchange_id']}"
            date = row.get("date", row.get("date_start"))
            date = None if _missing(date) else str(date)[:10]
            if date and row.get("date_precision") == "after":
                date = f"after {date}"
            host_name = row.get("host_city")
            host_name = None if _missing(host_name) else str(host_name)
            kind = row.get("type") if isinstance(row.get("type"), str) else "exchange"
            label = f"{kind} in {host_name}" if host_name else str(row["exchange_id"])
            label += f" ({date})" if date else ""
            G.add_node(
                ex, kind="exchange", label=label,
                description=str(row.get("description") or ""),
                exchange_id=str(row["exchange_id"]),
                date=date,
                host_city=host_name,
                themes=";".join(_split(row.get("themes"))),
            )
            host = _host(row)
            for cid in _participants(row):
                G.add_edge(add_city(cid), ex, relation="hosted" if cid == host else "took part",
                           weight=EDGE_WEIGHTS["exchange"])
            if host is not None and not G.has_edge(f"city:{host}", ex):
                G.add_edge(add_city(host), ex, relation="hosted", weight=EDGE_WEIGHTS["exchange"])
            for net in _split(row.get("network")):
                G.add_edge(ex, add_network(net), relation="organised by",
                           weight=EDGE_WEIGHTS["organised"])
    return G


@lru_cache(maxsize=1)
def _default_graph() -> nx.Graph:
    return graph()


def exchange_participation(exchanges: pd.DataFrame | None = None) -> dict[int, set[str]]:
    """Return ``{city_id: {exchange_id, ...}}``: which recorded exchanges each city took part in.

    Parameters
    ----------
    exchanges : pandas.DataFrame, optional
        As in :func:`graph`.

    Returns
    -------
    dict

    Examples
    --------
    >>> import pandas as pd
    >>> import resilience_analytics as ra
    >>> ex = pd.DataFrame({"exchange_id": ["x1"], "participant_city_ids": [[1, 2]]})
    >>> ra.connections.exchange_participation(ex)
    {1: {'x1'}, 2: {'x1'}}
    """
    if exchanges is None:
        exchanges = _default_exchanges()
    out: dict[int, set[str]] = {}
    if exchanges is None or not len(exchanges):
        return out
    for _, row in _with_id_column(exchanges).iterrows():
        row = row.to_dict()
        ids = set(_participants(row))
        host = _host(row) if ("host_city_id" in row or "host_city" in row) else None
        if host is not None:
            ids.add(host)
        for cid in ids:
            out.setdefault(int(cid), set()).add(str(row["exchange_id"]))
    return out


_PATH_COLUMNS = ["step", "node", "kind", "label", "relation", "detail"]


def path(a: str | int, b: str | int, *, G: nx.Graph | None = None,
         missing: str = "raise") -> pd.DataFrame:
    """Return the chain of networks and exchanges that links city ``a`` to city ``b``.

    Parameters
    ----------
    a, b : str or int
        City names (any spelling) or ``city_id``.
    G : networkx.Graph, optional
        A graph from :func:`graph` (default: built once from the default tables).
    missing : {"raise", "empty"}, default "raise"
        When a city is not in the graph or no chain links the two: raise
        :class:`ParameterError`, or return an empty table (same columns) whose
        ``attrs["note"]`` says why, as a report that runs for any city needs.

    Returns
    -------
    pandas.DataFrame
        One row per node on the lightest path: ``step``, ``node``, ``kind`` (city, network,
        exchange), ``label``, ``relation`` (how the node is tied to the previous one), ``detail``
        (date of an exchange, year of a membership).

    Raises
    ------
    ParameterError
        A city has no recorded membership or exchange, or no chain links the two.
    UnknownCityError
        A name matches no gazetteer city (with suggestions).

    Examples
    --------
    >>> import pandas as pd
    >>> import resilience_analytics as ra
    >>> ex = pd.DataFrame({"exchange_id": ["ex1"], "participants": ["The Hague;Kyiv;Paris"],
    ...                    "host_city": ["Paris"], "network": ["rcn"]})
    >>> G = ra.connections.graph(memberships=pd.DataFrame(), exchanges=ex)
    >>> ra.connections.path("Den Haag", "Kiev", G=G)["label"].tolist()[::2]
    ['The Hague', 'Kyiv']
    """
    import networkx as nx
    import pandas as pd

    from . import cities
    from ._validate import MISSING, check_choice, nothing_found

    check_choice("missing", missing, MISSING)

    def nothing(note: str) -> pd.DataFrame:
        return nothing_found(missing, note, _PATH_COLUMNS)

    if G is None:
        G = _default_graph()
    ends = []
    for c in (a, b):
        city = cities.as_city(c)
        node = f"city:{city.city_id}"
        if node not in G:
            n_cities = sum(1 for _, d in G.nodes(data=True) if d.get("kind") == "city")
            return nothing(
                f"{city} has no recorded network membership or exchange, so the graph cannot "
                f"link it (the graph holds {n_cities:,} cities)"
            )
        ends.append((city, node))
    (ca, na), (cb, nb) = ends
    try:
        nodes = nx.shortest_path(G, na, nb, weight="weight")
    except nx.NetworkXNoPath:
        return nothing(f"no chain of networks or exchanges links {ca} and {cb} in the graph")
    rows = []
    for s, node in enumerate(nodes):
        data = G.nodes[node]
        rel, detail = "", ""
        if s:
            e = G.edges[nodes[s - 1], node]
            rel = e.get("relation", "")
            if e.get("year"):
                detail = str(e["year"])
        if data.get("kind") == "exchange" and data.get("date"):
            detail = data["date"]
        rows.append({"step": s, "node": node, "kind": data.get("kind"),
                     "label": data.get("label"), "relation": rel, "detail": detail})
    return pd.DataFrame(rows, columns=_PATH_COLUMNS)
