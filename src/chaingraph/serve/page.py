"""The query page of ``chaingraph serve`` (``/``): offline HTML to type queries and see answers.

Self-contained (inline script, no external resource); everything taken from data is escaped.
"""

from __future__ import annotations

import html
import json

from ..queries import named_queries

__all__ = ["CSP", "page_language", "query_page"]

CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'"
)

_EXAMPLE = """SELECT ?stage ?label WHERE {
  ?stage skos:inScheme chain:pv ; skos:prefLabel ?label .
  FILTER(lang(?label) = "zh")
}
LIMIT 20"""

_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>chaingraph SPARQL</title>
<style>
body {{ font-family: sans-serif; margin: 1.5em; }}
textarea {{ width: 100%; height: 14em; font-family: monospace; }}
table {{ border-collapse: collapse; margin-top: 1em; }}
td, th {{ border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }}
#status {{ margin-left: 1em; }}
.error {{ color: #a00; white-space: pre-wrap; }}
</style>
</head>
<body>
<h1>chaingraph SPARQL</h1>
<p>{about}</p>
<p><label>{shipped} <select id="named"><option value="">{choose}</option>
{options}</select></label></p>
<textarea id="query" spellcheck="false">{example}</textarea>
<p><button id="run">{run}</button><span id="status"></span></p>
<div id="out"></div>
<script type="application/json" id="queries">{queries}</script>
<script type="application/json" id="words">{words}</script>
<script>
"use strict";
const queries = JSON.parse(document.getElementById("queries").textContent);
const words = JSON.parse(document.getElementById("words").textContent);
const out = document.getElementById("out");
const status = document.getElementById("status");
document.getElementById("named").addEventListener("change", (e) => {{
  if (e.target.value in queries) document.getElementById("query").value = queries[e.target.value];
}});
function cell(row, tag, text) {{
  const c = document.createElement(tag);
  c.textContent = text;
  row.appendChild(c);
}}
function show(term) {{
  if (!term) return "";
  if (term.type === "literal" && term["xml:lang"]) return term.value + " @" + term["xml:lang"];
  return term.value;
}}
async function run() {{
  out.replaceChildren();
  status.textContent = "…";
  const query = document.getElementById("query").value;
  const t0 = performance.now();
  try {{
    const response = await fetch("sparql", {{
      method: "POST",
      headers: {{"Content-Type": "application/x-www-form-urlencoded",
                 "Accept": "application/sparql-results+json, text/turtle;q=0.9"}},
      body: new URLSearchParams({{query}}),
    }});
    const text = await response.text();
    const ms = Math.round(performance.now() - t0);
    const graph = (response.headers.get("Content-Type") || "").startsWith("text/turtle");
    if (!response.ok) {{
      const p = document.createElement("p");
      p.className = "error";
      p.textContent = response.status + " " + text;
      out.appendChild(p);
      status.textContent = "";
      return;
    }}
    if (graph) {{
      const pre = document.createElement("pre");
      pre.textContent = text;
      out.appendChild(pre);
      status.textContent = ms + " ms";
      return;
    }}
    const data = JSON.parse(text);
    if ("boolean" in data) {{
      const p = document.createElement("p");
      p.textContent = String(data.boolean);
      out.appendChild(p);
      status.textContent = ms + " ms";
      return;
    }}
    const table = document.createElement("table");
    const head = document.createElement("tr");
    for (const v of data.head.vars) cell(head, "th", v);
    table.appendChild(head);
    for (const b of data.results.bindings) {{
      const row = document.createElement("tr");
      for (const v of data.head.vars) cell(row, "td", show(b[v]));
      table.appendChild(row);
    }}
    out.appendChild(table);
    status.textContent = words.rows.replace("{{n}}", data.results.bindings.length)
      .replace("{{ms}}", ms);
  }} catch (error) {{
    const p = document.createElement("p");
    p.className = "error";
    p.textContent = String(error);
    out.appendChild(p);
    status.textContent = "";
  }}
}}
document.getElementById("run").addEventListener("click", run);
// /?query=... fills in the query and runs it: a link can share a query.
const given = new URLSearchParams(location.search).get("query");
if (given) {{
  document.getElementById("query").value = given;
  run();
}}
</script>
</body>
</html>
"""


def page_language(accept: str | None, asked: list[str] | None = None) -> str:
    """The page's language: ``?lang=`` if it has a catalog, else the browser's first language
    with one (``Accept-Language``, by weight), else the default (``CHAINGRAPH_LANG``, zh).

    >>> page_language("en-US,en;q=0.9,zh;q=0.8"), page_language("fr, zh-CN;q=0.5")
    ('en', 'zh')
    >>> page_language("zh-CN", ["en"])
    'en'
    """
    from ..labels import default_language
    from ..messages import catalogs

    known = catalogs()
    for lang in asked or ():
        if lang in known:
            return lang
    ranked = []
    for position, part in enumerate((accept or "").split(",")):
        tag, _, weight = part.strip().partition(";q=")
        try:
            ranked.append((-float(weight or 1), position, tag.split("-")[0].strip().lower()))
        except ValueError:
            continue
    for _, _, lang in sorted(ranked):
        if lang in known:
            return lang
    return default_language()


def _page_words(lang: str, prefixes: str) -> dict[str, str]:
    from ..messages import text

    words = {
        key: html.escape(text(f"serve.page.{key}", lang)) for key in ("shipped", "choose", "run")
    }
    words["about"] = text("serve.page.about", lang, prefixes=prefixes)  # prefixes escaped
    return words


def query_page(lang: str = "en") -> str:
    """The HTML query page in ``lang``: self-contained, everything taken from data is escaped."""
    from ..messages import text
    from ..namespaces import PREFIXES

    shipped = named_queries()
    options = "".join(
        f'<option value="{html.escape(name)}">{html.escape(q.title)}</option>'
        for name, q in shipped.items()
    )
    # JSON inside <script>: "<" escaped so no text can close the element.
    payload = json.dumps({n: q.text for n, q in shipped.items()}, ensure_ascii=False)
    payload = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    rows = text("serve.page.rows", lang, n="{n}", ms="{ms}")  # filled in by the script
    script_words = json.dumps({"rows": rows}, ensure_ascii=False)
    prefixes = html.escape(", ".join(f"{p}:" for p in PREFIXES))
    return _PAGE.format(
        lang=html.escape(lang),
        **_page_words(lang, prefixes),
        words=script_words.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"),
        options=options,
        example=html.escape(_EXAMPLE),
        queries=payload,
    )
