"""Exact betweenness centrality on a graph with many twins, fast.

In the graph of stages and the companies producing them, many companies produce exactly the
same stages: they are *twins* (same neighbours, never adjacent to each other). Twins have the
same betweenness, so :func:`twin_betweenness` collapses every twin class ``C`` into one node of
multiplicity ``w_C`` and runs Brandes' algorithm on the much smaller quotient graph.

Method (``s`` is one source node of class ``S``; all quantities are per *single* original
node, and every member of a class has the same value by symmetry):

- shortest paths never pass through two members of one class, nor through a twin of the
  source (a detour via a twin can always be cut short), so the BFS from ``s`` on the original
  graph is the BFS from ``S`` on the quotient graph with each class blown up to its members;
- path counts: ``sigma_s = 1``; ``sigma_x = sum(w_u * sigma_u)`` over the predecessor classes
  ``u`` of ``x`` (the source counts with weight 1: only ``s`` itself is the source);
- dependencies: ``delta_v = sum(sigma_v / sigma_x * w_x * (1 + delta_x))`` over the
  successor classes ``x`` of ``v``;
- the other ``w_S - 1`` members of ``S`` are at distance 2 from ``s``, reached through each of
  the ``deg(S)`` neighbours of ``s`` once: each neighbour gains ``(w_S - 1) / deg(S)``
  (``deg(S)`` counts original nodes). In the stage–company graph the neighbours of a company
  are stages, so this term changes only stage scores, but a class of twin *stages* passes it
  to companies, and every node is compressed here;
- a node gains nothing from its own twins as sources (it is never inside their paths), and
  the ``w_S`` sources of class ``S`` contribute ``w_S`` times what ``s`` does.

The BFS and accumulation run for all source classes at once, level by level, as numpy array
operations (sources in chunks to bound memory). Scores are normalised exactly as
``networkx.betweenness_centrality(H)`` does for an undirected graph (``normalized=True``,
``endpoints=False``): the sum over ordered pairs divided by ``(n - 1)(n - 2)``, so results
equal networkx's up to float rounding.

>>> import networkx as nx
>>> H = nx.Graph([("a", "b"), ("b", "c"), ("x", "a"), ("x", "c"), ("y", "a"), ("y", "c")])
>>> scores, classes = twin_betweenness(H)
>>> classes  # {a, c} are twins, and so are {b, x, y}: stage b links a and c like x and y do
2
>>> ref = nx.betweenness_centrality(H)
>>> all(abs(scores[v] - ref[v]) < 1e-12 for v in H)
True
>>> round(scores["x"], 4), round(scores["a"], 4)
(0.0556, 0.25)
"""

from __future__ import annotations

from collections.abc import Hashable

import networkx as nx
import numpy as np

__all__ = ["twin_betweenness", "twin_classes"]

_CHUNK_CELLS = 1 << 21  # sources x classes per chunk: bounds the dense arrays (~16 MB each)


def twin_classes(H: nx.Graph) -> list[list[Hashable]]:
    """Nodes of ``H`` grouped by their set of neighbours (self-loops ignored), in node order.

    >>> twin_classes(nx.Graph([(1, 2), (1, 3), (4, 2), (4, 3)]))
    [[1, 4], [2, 3]]
    """
    groups: dict[frozenset, list] = {}
    for v, nbrs in H._adj.items():  # the plain dicts: a view per node costs more than this
        key = frozenset(nbrs)
        groups.setdefault(key - {v} if v in key else key, []).append(v)
    return list(groups.values())


def twin_betweenness(H: nx.Graph) -> tuple[dict[Hashable, float], int]:
    """Exact normalised betweenness of every node of the undirected graph ``H``, and the
    number of twin classes the computation ran on.

    Equal to ``nx.betweenness_centrality(H)`` up to float rounding (see the module docstring).

    >>> scores, classes = twin_betweenness(nx.star_graph(4))
    >>> scores[0], scores[1], classes
    (1.0, 0.0, 2)
    """
    if H.is_directed() or H.is_multigraph():
        raise ValueError("twin_betweenness needs a simple undirected nx.Graph")
    n = H.number_of_nodes()
    classes = twin_classes(H)
    m = len(classes)
    if n < 3:
        return dict.fromkeys(H, 0.0), m
    class_of = {v: i for i, members in enumerate(classes) for v in members}
    w = np.array([len(members) for members in classes], dtype=np.float64)
    adj = H._adj
    neighbours = [
        sorted({class_of[u] for u in adj[members[0]] if u != members[0]}) for members in classes
    ]
    degree = np.array([len(nb) for nb in neighbours], dtype=np.int64)
    indptr = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(degree, out=indptr[1:])
    indices = np.fromiter((c for nb in neighbours for c in nb), dtype=np.int64, count=indptr[-1])

    total = np.zeros(m, dtype=np.float64)
    chunk = max(1, _CHUNK_CELLS // m)
    for start in range(0, m, chunk):
        sources = np.arange(start, min(m, start + chunk), dtype=np.int64)
        delta = _dependencies(sources, m, w, indptr, indices)
        total += w[sources] @ delta
    # twins of each source: reached at distance 2 through every neighbour of the source
    original_degree = np.zeros(m, dtype=np.float64)
    np.add.at(original_degree, np.repeat(np.arange(m), degree), w[indices])
    for s in np.flatnonzero((w > 1) & (original_degree > 0)):
        nb = indices[indptr[s] : indptr[s + 1]]
        total[nb] += w[s] * (w[s] - 1) / original_degree[s]
    total /= (n - 1) * (n - 2)
    return {v: float(total[class_of[v]]) for v in H}, m


def _expand(rows, cols, indptr, indices):
    """For each (row, col) pair, one entry per quotient neighbour of col: (pair, row, nb)."""
    counts = indptr[cols + 1] - indptr[cols]
    pair = np.repeat(np.arange(len(cols)), counts)
    first = np.cumsum(counts) - counts
    nb = indices[np.repeat(indptr[cols] - first, counts) + np.arange(counts.sum())]
    return pair, rows[pair], nb


def _dependencies(sources, m, w, indptr, indices):
    """Brandes dependency of one original member of each class, for one source member of
    each class in ``sources``: an array (len(sources), m)."""
    k = len(sources)
    dist = np.full((k, m), -1, dtype=np.int32)
    sigma = np.zeros((k, m), dtype=np.float64)
    rows = np.arange(k, dtype=np.int64)
    cols = sources
    dist[rows, cols] = 0
    sigma[rows, cols] = 1.0
    levels = []
    flat_sigma = sigma.reshape(-1)
    slot = np.empty(k * m, dtype=np.int64)
    level = 0
    while len(rows):
        levels.append((rows, cols))
        # the source pushes its own path count (1); any other class pushes w * sigma
        push = sigma[rows, cols] * (w[cols] if level else 1.0)
        pair, r, nb = _expand(rows, cols, indptr, indices)
        fresh = dist[r, nb] == -1
        dist[r[fresh], nb[fresh]] = level + 1
        ahead = dist[r, nb] == level + 1
        np.add.at(flat_sigma, r[ahead] * m + nb[ahead], push[pair[ahead]])
        level += 1
        # the next frontier, deduplicated without a sort or a scan of the whole array
        reached = r[fresh] * m + nb[fresh]
        order = np.arange(len(reached))
        slot[reached] = order
        reached = reached[slot[reached] == order]
        rows, cols = reached // m, reached % m
    delta = np.zeros((k, m), dtype=np.float64)
    for level in range(len(levels) - 1, 0, -1):
        rows, cols = levels[level]
        pair, r, nb = _expand(rows, cols, indptr, indices)
        ahead = dist[r, nb] == level + 1
        r, nb = r[ahead], nb[ahead]
        share = w[nb] * (1.0 + delta[r, nb]) / sigma[r, nb]
        delta[rows, cols] = sigma[rows, cols] * np.bincount(
            pair[ahead], weights=share, minlength=len(rows)
        )
    return delta
