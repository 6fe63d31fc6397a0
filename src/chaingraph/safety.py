"""No outbound requests: every SPARQL query and update is read before it runs.

A lexical reader, complete for the four words that can reach out, not a second parser: the
text is split into tokens as SPARQL's grammar splits it, so strings, IRIs and comments are told
apart from code, and ``SERVICE`` in a string or a comment changes nothing. Every ``SERVICE``,
``LOAD``, ``FROM`` and ``USING`` in code (in any case, at any depth: OPTIONAL, UNION, MINUS,
FILTER EXISTS, subqueries, every operation of an update) has its target resolved through the
``PREFIX`` and ``BASE`` declarations (every declaration of a prefix, every base: all must be
safe). They are refused unless their host is allowed explicitly; a variable endpoint is always
refused. Oxigraph then parses the text itself, once, to run it: nothing is parsed twice.

``\\u`` escapes are read both ways, and a target found either way is checked: as Oxigraph
reads them (escapes inside strings and IRIs only: ``"a\\u0022b"`` is one string), and as the
SPARQL text says (every escape expanded before parsing, as a remote server may do: there
``\\u0053ERVICE`` is SERVICE).

The one place where SPARQL's tokens depend on the grammar is ``<``: an IRI, or "less than" in
an expression. Only an IRI with a ``'`` in it could make the two readings disagree about
where a string starts, so such a text is refused when it mentions one of the four words.

>>> text = "select * { optional { service#note\\n <http://example.org/sparql> { ?s ?p ?o } } }"
>>> inspect_query(text).remote
['SERVICE <http://example.org/sparql>']
>>> check_outbound("ASK { ?s ?p ?o }").kind
'ask'
>>> check_outbound("LOAD <http://example.org/data.ttl>")
Traceback (most recent call last):
...
chaingraph.safety.OutboundRefused: refused: LOAD <http://example.org/data.ttl> would send ...
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from urllib.parse import urljoin, urlsplit

import pyoxigraph as ox

from .namespaces import PREFIXES
from .resources import GRAPH_BASE
from .store import StoreError, StoreSyntaxError

__all__ = [
    "MAX_NESTING",
    "OutboundRefused",
    "QueryInfo",
    "can_reach_out",
    "check_outbound",
    "inspect_query",
    "looks_like_update",
]

# Deepest nesting of (), {} and [] read. Oxigraph's parser recurses per level; 1,000 levels
# still parse, far deeper ones could exhaust its stack: refused with a one-line error.
MAX_NESTING = 256

_KINDS = {"select": "select", "ask": "ask", "construct": "construct", "describe": "describe"}
_REACHING = ("service", "load", "from", "using")
# Schemes whose IRIs name something on the network: a FROM/USING
# graph with one of them that is not in the store is refused as an attempt to fetch it; a
# graph of another scheme (urn:, tag: ...) that is not in the store is an empty graph.
_FETCHABLE = ("http", "https", "ftp")


class OutboundRefused(StoreError):
    """The query would make a request to another host, which was not allowed."""


@dataclass
class QueryInfo:
    """What reading a query told us: its kind, what it would reach out to, its dataset."""

    kind: str  # select, ask, construct, describe or update
    remote: list[str] = field(default_factory=list)  # e.g. "SERVICE <http://…>"
    # (keyword, IRI or None): every SERVICE/LOAD/FROM/USING target, each candidate IRI once
    targets: list[tuple[str, str | None]] = field(default_factory=list)
    has_with: bool = False  # an update with WITH (protocol dataset parameters conflict)

    @property
    def is_update(self) -> bool:
        return self.kind == "update"

    @property
    def returns_graph(self) -> bool:
        return self.kind in ("construct", "describe")

    @property
    def from_graphs(self) -> bool:
        """Whether the text describes its own dataset (FROM / FROM NAMED)."""
        return any(k.startswith("FROM") for k, _ in self.targets)

    @property
    def using_graphs(self) -> bool:
        """Whether the update names its own dataset (USING / USING NAMED / WITH)."""
        return self.has_with or any(k.startswith("USING") for k, _ in self.targets)


# -- reading SPARQL's tokens ------------------------------------------------------------------

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_PN_ESCAPE = r"\\[_~.\-!$&'()*+,;=/?#@%]|%[0-9A-Fa-f]{2}"
_LONG_STRINGS = r"'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''|" + r'"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""'
_SHORT_STRINGS = r"'(?:[^'\\\n\r]|\\.)*'|" + r'"(?:[^"\\\n\r]|\\.)*"'
_TOKEN = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<comment>#[^\n\r]*)"
    r"|(?P<iri><(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)"
    rf"|(?P<string>{_LONG_STRINGS}|{_SHORT_STRINGS})"
    r"|(?P<var>[?$]\w+)"
    r"|(?P<pname>(?:[^\W\d_][\w.\-\u00B7]*)?:"
    rf"(?:(?:[\w:\-\u00B7]|{_PN_ESCAPE})(?:[\w.:\-\u00B7]|{_PN_ESCAPE})*)?)"
    r"|(?P<bnode>_:[\w.\-]+)"
    r"|(?P<word>[^\W\d]\w*)"
    r"|(?P<other>.)",
    re.DOTALL,
)


def _mentions(text: str, words: Sequence[str]) -> bool:
    """Whether any of ``words`` appears anywhere in ``text``, in any case (strings and comments
    too: a text without one needs no token-by-token reading). Substring tests on the
    lower-cased text: a regular expression ignoring case takes a quarter of a second per MiB."""
    low = text.lower() if text.isascii() else text.casefold()
    return any(word in low for word in words)


def _expand_escapes(text: str) -> str:
    r"""``text`` with SPARQL's ``\u``/``\U`` escapes expanded, as before parsing.

    >>> _expand_escapes(r"\u0053ERVICE")
    'SERVICE'
    """
    if "\\u" not in text and "\\U" not in text:
        return text

    def expand(match: re.Match) -> str:
        code = int(match[1] or match[2], 16)
        return chr(code) if code <= 0x10FFFF else match[0]

    return _ESCAPE.sub(expand, text)


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    """(kind, text) for each token of ``text`` that is not space or a comment."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind not in ("space", "comment"):
            yield kind, match[0]


def _nesting(text: str) -> int:
    """The deepest nesting of brackets in ``text`` (in strings and comments too: an upper bound
    is all the check needs).

    >>> _nesting("SELECT * { { ?s ?p (1) } }")
    3
    """
    # The running depth, summed at C speed (a Python loop took 0.2 s per MiB of VALUES).
    return max(accumulate(map(_DEPTH.__getitem__, _BRACKETS.findall(text))), default=0)


_BRACKETS = re.compile(r"[(){}\[\]]")
_DEPTH = {"(": 1, "{": 1, "[": 1, ")": -1, "}": -1, "]": -1}


def _is_word(token: tuple[str, str], *words: str) -> bool:
    kind, value = token
    return kind == "word" and (value.lower() in words or value.casefold() in words)


def _split_keyword_prefix(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``SERVICE:x`` is one prefixed name to a lexer, but a parser may read the keyword and
    ``:x``: such names are split, so the keyword is checked either way."""
    split = []
    for kind, value in tokens:
        prefix, colon, local = value.partition(":")
        if kind == "pname" and (prefix.lower() in _REACHING or prefix.casefold() in _REACHING):
            split += [("word", prefix), ("pname", colon + local)]
        else:
            split.append((kind, value))
    return split


@dataclass
class _Prologue:
    prefixes: dict[str, list[str]]
    bases: list[str]

    def resolve(self, kind: str, value: str) -> list[str | None]:
        """Every IRI a target token may stand for (``None``: not an IRI, e.g. a variable)."""
        if kind == "iri":
            return self.absolute(_expand_escapes(value[1:-1]))
        if kind == "pname":
            prefix, _, local = value.partition(":")
            local = re.sub(r"\\(.)", r"\1", local)
            namespaces = self.prefixes.get(prefix) or []
            return [iri for ns in namespaces for iri in self.absolute(ns + local)] or [None]
        return [None]

    def absolute(self, iri: str) -> list[str | None]:
        if urlsplit(iri).scheme or not self.bases:
            return [iri]  # a relative IRI without BASE: resolved against the run's base
        return [urljoin(base, iri) for base in self.bases]


def _prologue(tokens: list[tuple[str, str]]) -> _Prologue:
    declared: dict[str, list[str]] = {}
    bases: list[str] = []
    for i, token in enumerate(tokens):
        following = tokens[i + 1 : i + 3]
        if _is_word(token, "base") and following and following[0][0] == "iri":
            bases.append(_expand_escapes(following[0][1][1:-1]))
        elif (
            _is_word(token, "prefix")
            and len(following) == 2
            and following[0][0] == "pname"
            and following[0][1].endswith(":")
            and following[1][0] == "iri"
        ):
            namespace = _expand_escapes(following[1][1][1:-1])
            declared.setdefault(following[0][1][:-1], []).append(namespace)
    prologue = _Prologue({p: [ns] for p, ns in PREFIXES.items()}, bases)
    for prefix, namespaces in declared.items():
        prologue.prefixes[prefix] = [iri for ns in namespaces for iri in prologue.absolute(ns)]
    return prologue


_UPDATE_WORDS = frozenset(
    ("insert", "delete", "load", "clear", "drop", "create", "add", "move", "copy", "with")
)


def looks_like_update(text: str) -> bool:
    """Whether ``text`` starts (after its prologue) with an update operation's keyword: what
    tells "an update sent as a query" from a query with a typo (the guard's kind is "update"
    for both; Oxigraph's parser says what is wrong with the latter).

    >>> looks_like_update("PREFIX x: <urn:x:> INSERT DATA { x:a x:b x:c }")
    True
    >>> looks_like_update("SELEC ?x WHERE { ?x ?p ?o }")
    False
    """
    for kind, value in _tokens(_expand_escapes(text)):
        if kind == "word" and value.lower() in ("prefix", "base"):
            continue
        if kind in ("pname", "iri"):
            continue  # the prologue's names and IRIs
        return kind == "word" and value.lower() in _UPDATE_WORDS
    return False


def _kind(tokens: Iterable[tuple[str, str]]) -> str:
    """select, ask, construct or describe for a query; update for anything else."""
    skip = 0
    for token in tokens:
        if skip:
            skip -= 1
        elif _is_word(token, "prefix"):
            skip = 2
        elif _is_word(token, "base"):
            skip = 1
        else:
            return _KINDS.get(token[1].lower(), "update") if token[0] == "word" else "update"
    return "update"


def _targets(tokens: list[tuple[str, str]], prologue: _Prologue) -> list[tuple[str, str | None]]:
    """(keyword, IRI or None) for every SERVICE, LOAD, FROM and USING in code."""
    targets = []
    for i, token in enumerate(tokens):
        if not _is_word(token, *_REACHING):
            continue
        keyword = token[1].casefold().upper()
        j = i + 1
        while j < len(tokens) and _is_word(tokens[j], "silent", "named"):
            if _is_word(tokens[j], "named"):
                keyword += " NAMED"
            j += 1
        target = tokens[j] if j < len(tokens) else ("other", "")
        targets += [(keyword, iri) for iri in prologue.resolve(*target)]
    return list(dict.fromkeys(targets))


def inspect_query(text: str) -> QueryInfo:
    """Read ``text`` and list its kind and every SERVICE, LOAD, FROM and USING target."""
    cached = _inspect(text) if len(text) < 65_536 else _inspect_large(text)
    return QueryInfo(cached.kind, list(cached.remote), list(cached.targets), cached.has_with)


@lru_cache(maxsize=4)
def _inspect_large(text: str) -> QueryInfo:
    # A large text is read once per request, though the guard and the dataset ask for it.
    return _inspect.__wrapped__(text)


@lru_cache(maxsize=512)
def _inspect(text: str) -> QueryInfo:
    # The library runs the same query texts again and again (bindings travel apart from the
    # text): each is read once.
    depth = _nesting(text)
    if depth > MAX_NESTING:
        raise StoreSyntaxError("sparql.too_deep", depth=depth, limit=MAX_NESTING)
    expanded = _expand_escapes(text)
    views = [text] if expanded == text else [text, expanded]
    if not any(_mentions(view, (*_REACHING, "with")) for view in views):
        return QueryInfo(_kind(_tokens(text)))
    info = QueryInfo(_kind(_tokens(text)))
    for view in views:  # as Oxigraph reads escapes, and as the text says
        tokens = _split_keyword_prefix(list(_tokens(view)))
        if any(kind == "iri" and "'" in _expand_escapes(value) for kind, value in tokens):
            # "<" read as an IRI here might be "less than" to the parser, which would then see
            # a string start at the "'": the two readings could disagree about what is code.
            raise OutboundRefused("sparql.guard.ambiguous_iri")
        info.targets += _targets(tokens, _prologue(tokens))
        info.has_with |= info.is_update and any(_is_word(t, "with") for t in tokens)
    info.targets = list(dict.fromkeys(info.targets))
    info.remote = [
        f"{k} <{iri}>" if iri else f"{k} with a variable endpoint"
        for k, iri in info.targets
        if k.split()[0] in ("SERVICE", "LOAD")
    ]
    return info


def can_reach_out(text: str) -> bool:
    """Whether ``text`` might reach out and must be read token by token to know (cheap).

    False only when none of SERVICE, LOAD, FROM or USING appears anywhere, in any case, and no
    ``\\u`` escape could spell one.

    >>> can_reach_out("SELECT ?s { ?s a cg:Company }")
    False
    >>> can_reach_out("select * { sErViCe <http://example.org/> { ?s ?p ?o } }")
    True
    >>> can_reach_out("SELECT * { \\u0053ERVICE <http://example.org/> { ?s ?p ?o } }")
    True
    """
    return _mentions(text, _REACHING) or _mentions(_expand_escapes(text), _REACHING)


def guard_text(
    text: str,
    allow_hosts: Sequence[str] = (),
    graphs: Iterable[str] | Callable[[], Iterable[str]] = (),
    base: str | None = None,
) -> None:
    """:func:`check_outbound` for a text about to run, skipping the reading when
    :func:`can_reach_out` says it cannot (what every store query and update goes through)."""
    if can_reach_out(text):
        check_outbound(text, allow_hosts, graphs, base)


def _host_allowed(iri: str | None, allow_hosts: Sequence[str]) -> bool:
    if not iri:
        return False
    parts = urlsplit(iri)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    wanted = {h.lower() for h in allow_hosts}
    return parts.hostname.lower() in wanted or parts.netloc.lower() in wanted


def _fetchable(iri: str) -> bool:
    """Whether a graph IRI could be fetched (http, https, ftp or relative)."""
    scheme = urlsplit(iri).scheme.lower()
    return not scheme or scheme in _FETCHABLE


def check_outbound(
    text: str,
    allow_hosts: Sequence[str] = (),
    graphs: Iterable[str] | Callable[[], Iterable[str]] = (),
    base: str | None = None,
) -> QueryInfo:
    """Refuse a query that would reach out to a host not in ``allow_hosts``; return its info.

    ``base`` is the base IRI the text will run with: relative targets resolve against it
    (without one they are judged as they are: refused unless a graph of that name exists).

    ``FROM``/``USING`` graphs are fine when they name a graph of the store (``graphs``),
    chaingraph's own graph namespace, or an IRI that names nothing on the network (``urn:``,
    ``tag:``...: a graph not in the store is an empty one); Oxigraph never fetches them, but an
    ``http(s)``/``ftp`` graph that is not there is an attempt to fetch, refused.
    ``graphs`` may be a function, called only when a FROM or USING graph needs looking up.
    """
    if _is_plain_data(text):
        return QueryInfo("update")
    info = inspect_query(text)
    local: set[str] | None = None
    for keyword, relative in info.targets:
        iri = urljoin(base, relative) if base and relative else relative
        if _host_allowed(iri, allow_hosts):
            continue
        if keyword in ("SERVICE", "LOAD"):
            what = f"{keyword} <{iri}>" if iri else f"{keyword} with a variable endpoint"
            host = urlsplit(iri).hostname if iri else None
            hint = f"--allow-host {host}" if host else "--allow-host HOST (and a fixed IRI)"
            raise OutboundRefused(
                f"refused: {what} would send a request to another host, and chaingraph makes no "
                f"outbound requests unless you allow the host explicitly ({hint}). Nothing was run."
            )
        if iri and (iri.startswith(GRAPH_BASE) or not _fetchable(iri)):
            continue  # chaingraph's own graphs; another scheme not in the store: empty
        if iri and local is None:
            local = set(graphs() if callable(graphs) else graphs)
        if iri and iri in local:
            continue
        raise OutboundRefused(
            f"refused: {keyword} <{iri}> names no graph of this store, and chaingraph never "
            "fetches graphs from the web. `chaingraph graphs` lists the graphs. Nothing was run."
        )
    return info


_IRI = r"<[^<>\"{}|^`\\\x00-\x20]*>"
_PLAIN_DATA = re.compile(
    rf"""\A(?:\s*PREFIX\s+[A-Za-z][\w.-]*:\s*{_IRI})*
    (?:\s*DROP\s+SILENT\s+GRAPH\s+{_IRI}\s*;
       (?:\s*DELETE\s+WHERE\s*\{{\s*GRAPH\s+{_IRI}\s*\{{\s*{_IRI}\s+\?p\s+\?o\s*\}}\s*\}}\s*;)?
    )*
    \s*INSERT\s+DATA\s*\{{(?P<data>.*)\}}\s*\Z""",
    re.VERBOSE | re.DOTALL | re.IGNORECASE,
)


def _is_plain_data(text: str) -> bool:
    """True for the updates that load files: graph drops, then ``INSERT DATA { TriG }``.

    That is how :class:`~chaingraph.store.remote.RemoteStore` (and the embedded store) replace
    files: ``DROP SILENT GRAPH <g> ; DELETE WHERE { GRAPH <m> { <g> ?p ?o } } ; ...`` followed
    by ``INSERT DATA { GRAPH <g> { triples } ... }``. Checking such an update with rdflib's
    parser takes seconds per 100 kB, so it is recognised here instead. It is safe because the
    data must parse as strict TriG, whose strings, IRIs and comments SPARQL reads the same way,
    and TriG has no keyword that reaches out; only ``\\u`` escapes differ (SPARQL expands them
    before parsing, so one could end a string early), so text with one takes the full parser.
    """
    if "\\u" in text or "\\U" in text:
        return False
    match = _PLAIN_DATA.match(text)
    if not match:
        return False
    try:
        for _ in ox.parse(match["data"], format=ox.RdfFormat.TRIG):
            pass
    except SyntaxError:
        return False
    return True
