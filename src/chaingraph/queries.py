"""Named SPARQL queries shipped in ``ontology/queries/``, with declared parameters.

Each ``.rq`` file starts with a header of comment lines::

    # title: Producers in a region
    # description: Production facts and projects whose site is the region ?region ...
    # param: region (region) — the region whose facts are listed; unbound: every region

and each declared parameter has one slot in the query body, ``VALUES ?region { UNDEF }``:
run as it is, the query is valid and the parameter unbound; :meth:`NamedQuery.bind` fills the
slot with properly written terms. The slot is found by matching SPARQL tokens (any spacing,
line breaks or comments in between), so reformatting a file does not break binding, and a
declared parameter without exactly one slot is an error when the queries are loaded.

Parameter types: ``region``, ``chain``, ``stage``, ``company`` (IRIs the caller resolves from
a name a user types, see :class:`chaingraph.names.Names`), ``iri``, and the typed literals
``string``, ``integer`` and ``year``.

Queries in the ``internal/`` sub-folder are the library's own helpers (named
``internal/<file>``); :func:`named_queries` leaves them out, :func:`named_query` finds them.

>>> "local-production" in named_queries()
True
>>> named_query("local-production").params["region"].type
'region'
>>> named_query("local-claims").bind(region="region:CN-630100")
'...VALUES ?region { <https://w3id.org/chaingraph/region/CN-630100> }...'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .messages import ChaingraphError, Message
from .namespaces import expand
from .resources import query_dir

__all__ = [
    "PARAM_TYPES",
    "NamedQuery",
    "Param",
    "QueryError",
    "UnknownQuery",
    "message",
    "named_queries",
    "named_query",
    "parameter_list",
]

# Types whose values are IRIs (the first four named by a user, resolved by the caller).
NODE_TYPES = ("region", "chain", "stage", "company")
IRI_TYPES = (*NODE_TYPES, "iri")
LITERAL_TYPES = ("string", "integer", "year")
PARAM_TYPES = (*IRI_TYPES, *LITERAL_TYPES)

_XSD = "http://www.w3.org/2001/XMLSchema#"
INTERNAL = "internal"
# An absolute IRI as SPARQL's IRIREF takes it: nothing that could end the <...> or the query
# (Oxigraph checks the rest when it parses the query). Checked here without building a term per
# value: a projection binds the labels of 20,000 nodes at once.
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^<>\"{}|^`\\\x00-\x20]*")
_IRIS = re.compile(rf"{_IRI.pattern}(?: {_IRI.pattern})*")  # several, one space apart


class QueryError(ChaingraphError, ValueError):
    """A query file is malformed, or a value does not fit a declared parameter (a catalog
    code, ``queries.*``)."""


class UnknownQuery(ChaingraphError, KeyError):
    """No query has the name asked for."""


def message(key: str, **values: object) -> Message:
    """The message ``queries.<key>`` with ``values``: words come where it is shown."""
    return Message(f"queries.{key}", **values)


def _error(key: str, **values: object) -> QueryError:
    return QueryError(f"queries.{key}", **values)


@dataclass(frozen=True)
class Param:
    """A declared parameter: its name (the SPARQL variable), type and meaning."""

    name: str
    type: str
    meaning: str

    def term(self, value: object) -> str:
        """``value`` written as a SPARQL term of this parameter's type (checked, escaped).

        >>> Param("year", "year", "").term(2024)
        '"2024"^^<http://www.w3.org/2001/XMLSchema#gYear>'
        >>> Param("who", "string", "").term('a "quoted" name')
        '"a \\\\"quoted\\\\" name"'
        """
        if self.type in IRI_TYPES:
            return f"<{self._iri(value)}>"
        import pyoxigraph as ox

        if self.type == "integer":
            return str(
                ox.Literal(str(self._integer(value, "bad_integer")), datatype=_xsd("integer"))
            )
        if self.type == "year":
            year = self._integer(value, "bad_year")
            if not 0 < year < 10_000:
                raise _error("bad_year", name=self.name, value=value)
            return str(ox.Literal(f"{year:04d}", datatype=_xsd("gYear")))
        return str(ox.Literal(str(value)))

    def terms(self, values: list[object]) -> str:
        """``values`` as SPARQL terms, space-separated (IRIs in one pass: a projection binds
        the labels of 20,000 nodes at once)."""
        if self.type not in IRI_TYPES:
            return " ".join(self.term(value) for value in values)
        iris = " ".join([expand(str(value)) for value in values])
        if iris.count(" ") != len(values) - 1 or not _IRIS.fullmatch(iris):  # find the culprit
            for value in values:
                self._iri(value)
        return "<" + iris.replace(" ", "> <") + ">"

    def _iri(self, value: object) -> str:
        text = str(value)
        iri = expand(text)  # a prefixed name, or the IRI as it is
        if not _IRI.fullmatch(iri):
            raise _error("bad_iri", name=self.name, value=text)
        return iri

    def _integer(self, value: object, problem: str) -> int:
        if isinstance(value, bool):
            raise _error(problem, name=self.name, value=value)
        try:
            return int(str(value).strip())
        except ValueError:
            raise _error(problem, name=self.name, value=value) from None


def _xsd(name: str):
    import pyoxigraph as ox

    return ox.NamedNode(_XSD + name)


@dataclass(frozen=True)
class NamedQuery:
    """A shipped query: name, header (title, description, parameters) and text.

    ``source`` is the file as written, with its ``VALUES ?p { UNDEF }`` slots; ``text`` is the
    query to run with every parameter unbound, the slots left out: the same answers, and
    Virtuoso 7.2 answers nothing for a ``VALUES`` block of ``UNDEF`` (see chaingraph.store.remote).
    """

    name: str
    title: str
    description: str
    source: str
    params: dict[str, Param] = field(default_factory=dict)
    # Where each parameter's slot stands in ``source`` (start, end), found when parsed.
    slots: dict[str, tuple[int, int]] = field(default_factory=dict, repr=False)

    @property
    def text(self) -> str:
        """The query with every parameter unbound (see the class)."""
        return self.bind()

    def bind(self, **values: object) -> str:
        """The query with each given parameter's slot filled; ``None`` leaves it unbound.

        A value may be one term or several (a list, tuple or set: any of them). IRIs are
        checked and literals escaped by the parameter's type.

        >>> q = named_query("internal/nodes-of-type")
        >>> "VALUES ?type { <https://w3id.org/chaingraph/ns#Chain> }" in q.bind(type="cg:Chain")
        True
        >>> try:
        ...     q.bind(kind="x")
        ... except QueryError as error:
        ...     print(error.text("en"))
        the query 'internal/nodes-of-type' has no parameter 'kind'; its parameters: type
        """
        self.check(*values)
        text = self.source
        # From the last slot to the first, so that the spans found when parsed stay right.
        for name, (start, end) in sorted(self.slots.items(), key=lambda s: s[1], reverse=True):
            value = values.get(name)
            if value is None:
                block = ""  # unbound: the slot is left out (see the class)
            else:
                block = f"VALUES ?{name} {{ {self.params[name].terms(_values(name, value))} }}"
            text = f"{text[:start]}{block}{text[end:]}"
        return text

    def check(self, *names: str) -> None:
        """Raise :class:`QueryError`, listing the declared parameters, for a name not among them."""
        for name in names:
            if name not in self.params:
                declared = (
                    message("declared", names=list(self.params))
                    if self.params
                    else message("no_params")
                )
                raise _error("unknown_param", query=self.name, name=name, declared=declared)


def parameter_list(query: NamedQuery) -> str:
    """The declared parameters of ``query`` as ``name (type)``, comma-separated.

    >>> parameter_list(named_query("local-production"))
    'region (region)'
    """
    return ", ".join(f"{p.name} ({p.type})" for p in query.params.values())


def _values(name: str, value: object) -> list[object]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        return [value]
    values = list(value.values() if isinstance(value, Mapping) else value)
    if not values:
        raise _error("no_values", name=name)
    return sorted(values, key=str) if isinstance(value, set | frozenset) else values


# SPARQL tokens: comments, strings and IRIs are read whole, so a brace, a VALUES, a WHERE or a
# variable inside them is never taken for syntax (also used by the remote store).
SPARQL_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$]\w+)
    | (?P<word>[A-Za-z_][\w.:-]*)
    | (?P<space>\s+)
    | (?P<brace>[{}])
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def _tokens(text: str) -> list[tuple[str, str, int, int]]:
    """(kind, text, start, end) of each token that is syntax (no spaces, no comments)."""
    return [
        (m.lastgroup, m.group(), m.start(), m.end())
        for m in SPARQL_TOKEN.finditer(text)
        if m.lastgroup not in ("space", "comment")
    ]


def _is_slot(window, name: str) -> bool:
    words = [text.upper() if kind == "word" else text for kind, text, _, _ in window]
    return (
        words[0] == "VALUES"
        and window[1][0] == "var"
        and words[1][1:] == name
        and words[2:] == ["{", "UNDEF", "}"]
    )


def _slots(text: str, name: str) -> list[tuple[int, int]]:
    """Where ``VALUES ?name { UNDEF }`` stands in ``text`` (start, end), token by token."""
    tokens = _tokens(text)
    return [
        (tokens[i][2], tokens[i + 4][3])
        for i in range(len(tokens) - 4)
        if _is_slot(tokens[i : i + 5], name)
    ]


# A header line: "# key: value", the key one lower-case word (other comments end the header).
_HEADER_LINE = re.compile(r"#\s*(?P<key>[a-z]+)\s*:(?P<value>.*)")
_KEYS = ("title", "description", "param")
_PARAM = re.compile(r"(?P<name>\w+)\s*\((?P<type>\w+)\)\s*(?:—|--|-|:)\s*(?P<meaning>\S.*)")


def parse(name: str, text: str, file: str | None = None) -> NamedQuery:
    """A :class:`NamedQuery` from a file's text; :class:`QueryError` names the bad line.

    >>> q = parse("q", "# title: T\\n# param: y (year) — the year\\n"
    ...           "SELECT * WHERE { VALUES ?y { UNDEF } }")
    >>> q.params["y"]
    Param(name='y', type='year', meaning='the year')
    >>> try:
    ...     parse("q", "# titel: T\\nASK {}", "q.rq")
    ... except QueryError as error:
    ...     print(error.text("en"))
    q.rq, line 1: expected '# title:', ...
    """
    file = file or f"{name}.rq"
    header: dict[str, str] = {}
    params: dict[str, Param] = {}
    in_header = True
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line.lstrip("#").strip():
            continue  # blank lines and lone "#" do not end the header
        match = _HEADER_LINE.match(line)
        in_header = in_header and bool(match)
        if not match:
            continue
        key, value = match["key"], match["value"].strip()
        if not in_header and key in _KEYS:
            raise _header_error(file, number, "late")
        if not in_header:
            continue
        if key not in _KEYS:
            raise _header_error(file, number, "bad_line")
        if key == "param":
            param = _param(value, file, number)
            if param.name in params:
                raise _header_error(file, number, "twice", what=key, name=param.name)
            params[param.name] = param
        elif key in header:
            raise _header_error(file, number, "twice", what=key, name=value)
        else:
            header[key] = value
    slots = {}
    for param in params.values():
        found = _slots(text, param.name)
        if len(found) != 1:
            raise _error("slots", file=file, name=param.name, count=len(found))
        slots[param.name] = found[0]
    title, description = header.get("title", name), header.get("description", "")
    return NamedQuery(name, title, description, text, params, slots)


def _param(value: str, file: str, number: int) -> Param:
    match = _PARAM.fullmatch(value)
    if not match:
        raise _header_error(file, number, "bad_param")
    if match["type"] not in PARAM_TYPES:
        problem = message("bad_type", type=match["type"], types=list(PARAM_TYPES))
        raise _error("header", file=file, line=number, problem=problem)
    return Param(match["name"], match["type"], match["meaning"].strip())


def _header_error(file: str, line: int, key: str, **values: object) -> QueryError:
    return _error("header", file=file, line=line, problem=message(key, **values))


def _name_of(path: Path, root: Path) -> str:
    return path.relative_to(root).with_suffix("").as_posix()


@cache
def _all_queries() -> dict[str, NamedQuery]:
    root = query_dir()
    paths = sorted(root.glob("*.rq")) + sorted(root.glob(f"{INTERNAL}/*.rq"))
    return {
        _name_of(path, root): parse(
            _name_of(path, root),
            path.read_text(encoding="utf-8"),
            path.relative_to(root.parent.parent).as_posix(),
        )
        for path in paths
    }


def named_queries() -> dict[str, NamedQuery]:
    """The shipped queries a user runs by name (the file name without ``.rq``)."""
    return {name: q for name, q in _all_queries().items() if "/" not in name}


def named_query(name: str) -> NamedQuery:
    """The query ``name``: a shipped one, or an internal one as ``internal/<file>``."""
    queries = _all_queries()
    if name not in queries:
        raise UnknownQuery("queries.unknown_query", name=name, known=list(named_queries()))
    return queries[name]


_README_INTRO = """\
# Named queries

Each `.rq` file here is a SPARQL query that chaingraph itself runs (the gap analysis uses
them) and that you can run by name:

```sh
chaingraph query --list                                        # names, titles, parameters
chaingraph query --name stages --format csv                    # run one
chaingraph query --name local-production --param region=西宁   # bind a parameter
```

A file starts with a header of comment lines: `# title:`, `# description:` and one `# param:`
line per parameter, `# param: NAME (TYPE) — meaning`. Types: `region`, `chain`, `stage`,
`company` (given by name, alias or id: chaingraph resolves them), `iri`, and the literals
`string`, `integer` and `year`. Each parameter has one slot in the query,
`VALUES ?NAME { UNDEF }`: run as it is the parameter is unbound (chaingraph then leaves the
slot out of the query it runs: Virtuoso 7.2 answers nothing for a `VALUES` of `UNDEF`); bound,
chaingraph fills the slot with the values given (`--param NAME=VALUE`, repeatable; `--region R` is
`--param region=R`). Spacing, line breaks and comments around the slot do not matter. A
parameter without exactly one slot is an error when the queries are loaded.

To add a parameter to a query, declare it in the header and put its slot in the query: nothing
else changes. The chaingraph prefixes (`cg:`, `pv:`, `skos:`, `prov:`, ...) are predefined.

`internal/` holds the queries the library runs for itself (name lookups, labels of given
nodes, every region's facts once each, exports); `query --list` leaves them out, and
`--name internal/<file>` runs one.

This file is generated from the headers:
`python -m chaingraph.queries > ontology/queries/README.md`.
"""


def readme() -> str:
    """``ontology/queries/README.md``: the introduction and a table made from the headers."""
    lines = ["| name | title | parameters |", "|---|---|---|"]
    for group in (named_queries(), _internal_queries()):
        for query in group.values():
            params = parameter_list(query).replace("|", "\\|") or "—"
            lines.append(f"| `{query.name}` | {query.title} | {params} |")
    return f"{_README_INTRO}\n" + "\n".join(lines) + "\n"


def _internal_queries() -> dict[str, NamedQuery]:
    return {name: q for name, q in _all_queries().items() if "/" in name}


if __name__ == "__main__":
    import sys

    sys.stdout.reconfigure(encoding="utf-8")
    sys.stdout.write(readme())
