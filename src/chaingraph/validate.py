"""SHACL validation of the store or of files, with messages that name nodes by their labels.

The shapes are ``ontology/shapes.ttl`` (or any file given). Files are validated in the context
of a store (the bundled data unless told otherwise), so that a fact may refer to the chain
stages and regions it does not define; only nodes the files describe are reported. Company
sheets (``.csv``, ``.xlsx``...) are imported into a scratch store first, then validated.

>>> shapes = rdflib.Graph().parse(format="turtle", data='''
...     @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix cg: <https://w3id.org/chaingraph/ns#> .
...     [] a sh:NodeShape ; sh:targetClass cg:Company ;
...        sh:property [ sh:path cg:locatedIn ; sh:minCount 1 ; sh:message "needs a location" ] .
...     ''')
>>> data = rdflib.Graph().parse(format="turtle", data='''
...     @prefix cg: <https://w3id.org/chaingraph/ns#> .
...     @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
...     <https://w3id.org/chaingraph/company/x> a cg:Company ; skos:prefLabel "某公司"@zh .
...     ''')
>>> report = validate_graph(data, shapes, lang="zh")
>>> print(render_validation(report), end="")
✗ graph：1 处违反 shapes
  - 某公司 (co:x) cg:locatedIn: needs a location
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.term import Node, URIRef

from .labels import LabelIndex, default_language
from .messages import text
from .namespaces import curie
from .render.registry import register, render
from .resources import ontology_dir
from .store import Store, StoreError, graph_for_file, open_store, to_rdflib

__all__ = [
    "FORMATS",
    "ValidationReport",
    "Violation",
    "default_shapes",
    "render_validation",
    "store_to_rdflib",
    "validate_files",
    "validate_graph",
    "validate_store",
]

FORMATS = ("human", "table", "json", "turtle")  # the formats registered below
_IRI = re.compile(r"<([a-z][a-z0-9+.-]*:[^<>\s]+)>")
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
_LABELS = (
    URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"),
    URIRef("http://www.w3.org/2004/02/skos/core#altLabel"),
    URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
)


@dataclass
class Violation:
    focus: str
    focus_label: str
    path: str | None
    value: str | None
    severity: str
    message: str
    shape: str | None


@dataclass
class ValidationReport:
    conforms: bool
    shapes: str
    checked: str
    violations: list[Violation] = field(default_factory=list)
    results_turtle: str = ""
    lang: str = "zh"  # the language of the human output and of the shapes' messages

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("results_turtle")
        data.pop("lang")
        return {"schema": "chaingraph.validate/1", **data}


def default_shapes() -> Path:
    """``ontology/shapes.ttl`` of the installed package."""
    path = ontology_dir() / "shapes.ttl"
    if not path.is_file():
        raise StoreError(f"no shapes file at {path}; give one with --shapes FILE")
    return path


def _quads_to_graph(quads: Iterable, graph: rdflib.Graph | None = None) -> rdflib.Graph:
    graph = graph if graph is not None else rdflib.Graph()
    for quad in quads:
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


def store_to_rdflib(store: Store, graph_iri: str | None = None) -> rdflib.Graph:
    """The union of the store's graphs (or one named graph) as an rdflib Graph."""
    fmt = ox.RdfFormat.N_TRIPLES if graph_iri else ox.RdfFormat.N_QUADS
    return _quads_to_graph(ox.parse(store.dump(fmt, graph=graph_iri), format=fmt))


def _parse_rdf(path: Path) -> rdflib.Graph:
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower())
    if fmt is None:
        raise StoreError(
            f"{path}: unknown RDF format {path.suffix!r} (use .ttl, .nt, .nq, .trig, .rdf)"
        )
    try:
        with open(path, "rb") as data:
            return _quads_to_graph(ox.parse(data, format=fmt))
    except SyntaxError as error:
        raise StoreError(f"{path}: {error}") from None
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror or error}") from None


def _load_shapes(shapes: str | Path | None) -> tuple[rdflib.Graph, str]:
    path = Path(shapes) if shapes else default_shapes()
    return _parse_rdf(path), path.name


def _labels(graph: rdflib.Graph) -> LabelIndex:
    index = LabelIndex()
    for predicate in _LABELS:
        for s, o in graph.subject_objects(predicate):
            if isinstance(o, rdflib.Literal):
                index.add(
                    curie(str(s)), curie(str(predicate)), str(o), (o.language or "").split("-")[0]
                )
    return index


def _text(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        return curie(str(node))
    if isinstance(node, rdflib.BNode):
        return "_:" + str(node)
    return str(node)


def _in_language(messages: list, lang: str) -> list[str]:
    """The shapes' messages in ``lang`` (``sh:message "…"@zh``), else the English or untagged
    ones (the shapes' own fallback), else whatever there is."""
    for wanted in ({lang}, {"en", None}):
        chosen = [str(m) for m in messages if getattr(m, "language", None) in wanted]
        if chosen:
            return chosen
    return [str(m) for m in messages]


def validate_graph(
    data: rdflib.Graph,
    shapes: rdflib.Graph,
    *,
    shapes_name: str = "shapes",
    checked: str = "graph",
    focus_in: set[Node] | None = None,
    lang: str | None = None,
) -> ValidationReport:
    """Run pySHACL; ``focus_in`` keeps only results about those nodes."""
    import pyshacl

    lang = lang or default_language()
    conforms, results, _ = pyshacl.validate(
        data, shacl_graph=shapes, advanced=True, allow_warnings=True, inference="none"
    )
    labels = _labels(data)
    violations = []
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        if focus_in is not None and focus not in focus_in:
            continue
        severity = results.value(result, SH.resultSeverity)
        messages = _in_language(list(results.objects(result, SH.resultMessage)), lang)
        focus_id = _text(focus) or ""
        violations.append(
            Violation(
                focus=focus_id,
                focus_label=labels.pick(focus_id, lang) if isinstance(focus, URIRef) else focus_id,
                path=_text(results.value(result, SH.resultPath)),
                value=_text(results.value(result, SH.value)),
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                message=_IRI.sub(lambda m: curie(m.group(1)), "; ".join(sorted(messages)))
                or text("validate.does_not_conform", lang),
                shape=_text(results.value(result, SH.sourceShape)),
            )
        )
    violations.sort(key=lambda v: (v.focus_label, v.focus, v.path or "", v.message))
    failing = [v for v in violations if v.severity == "Violation"]
    if focus_in is not None:
        conforms = not failing
    return ValidationReport(
        conforms=bool(conforms) and not failing,
        shapes=shapes_name,
        checked=checked,
        violations=violations,
        results_turtle=results.serialize(format="turtle"),
        lang=lang,
    )


def validate_store(
    store: Store, shapes: str | Path | None = None, *, lang: str | None = None
) -> ValidationReport:
    """Validate the union of every graph in ``store``."""
    shapes_graph, name = _load_shapes(shapes)
    where = store.location or "the bundled data (in memory)"
    return validate_graph(
        store_to_rdflib(store), shapes_graph, shapes_name=name, checked=where, lang=lang
    )


def validate_files(
    paths: Iterable[str | Path],
    shapes: str | Path | None = None,
    *,
    context: Store | None = None,
    lang: str | None = None,
) -> ValidationReport:
    """Validate RDF files or company sheets against the shapes, in the context of a store.

    Only the nodes the files describe (their subjects) are reported. ``context`` defaults to the
    bundled data in memory; company sheets are imported into a scratch copy of the bundled data.
    """
    from .ingest import TABLE_SUFFIXES, import_table

    shapes_graph, name = _load_shapes(shapes)
    context = context if context is not None else open_store()
    own = rdflib.Graph()
    scratch: Store | None = None
    paths = [Path(p) for p in paths]
    for path in paths:
        if not path.exists():
            raise StoreError("files.no_such_file", path=path)
        if path.suffix.lower() in TABLE_SUFFIXES:
            scratch = scratch or open_store()
            graph_iri = graph_for_file(path)
            import_table(scratch, path, graph=graph_iri)
            own += store_to_rdflib(scratch, graph_iri)
        else:
            own += _parse_rdf(path)
    data = store_to_rdflib(scratch if scratch is not None else context)
    data += own
    focus = set(own.subjects())
    checked = ", ".join(p.name for p in paths)
    return validate_graph(
        data, shapes_graph, shapes_name=name, checked=checked, focus_in=focus, lang=lang
    )


def render_validation(report: ValidationReport, fmt: str = "human") -> str:
    """The report as ``human`` text, a ``table``, ``json``, the SHACL results in ``turtle``, or
    any format registered for :class:`ValidationReport`."""
    return render(report, fmt)


@register(ValidationReport, "human")
def _human(report: ValidationReport) -> str:
    n_bad = sum(v.severity == "Violation" for v in report.violations)
    words = dict(checked=report.checked, shapes=report.shapes, n=n_bad)
    if report.conforms and not report.violations:
        return text("validate.conforms", report.lang, **words) + "\n"
    head = text(
        "validate.violations" if not report.conforms else "validate.warnings", report.lang, **words
    )
    lines = [head]
    for v in report.violations:
        unlabelled = v.focus_label in (v.focus, re.split(r"[:/#]", v.focus)[-1])
        name = v.focus if unlabelled else f"{v.focus_label} ({v.focus})"
        where = f" {v.path}" if v.path else ""
        value = f" = {v.value}" if v.value else ""
        mark = "" if v.severity == "Violation" else f"[{v.severity}] "
        lines.append(f"  - {mark}{name}{where}{value}: {v.message}")
    return "\n".join(lines) + "\n"


@register(ValidationReport, "table")
def _table(report: ValidationReport) -> str:
    from .render.tables import render_rows

    headers = ["focus", "label", "path", "value", "severity", "message"]
    rows = [
        [v.focus, v.focus_label, v.path or "", v.value or "", v.severity, v.message]
        for v in report.violations
    ]
    return render_rows(headers, rows, "table")


@register(ValidationReport, "json")
def _json(report: ValidationReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


@register(ValidationReport, "turtle")
def _turtle(report: ValidationReport) -> str:
    """The SHACL validation results graph."""
    return report.results_turtle
