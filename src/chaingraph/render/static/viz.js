// chaingraph viz page: the pyvis page structure (global `network`, `nodes`, `edges`, drawGraph)
// with data read from a JSON block and tooltips built as DOM elements from plain text, so that
// nothing from the data is ever parsed as HTML.
var edges;
var nodes;
var network;
var container;
var options, data;
var cgDrawnAt = null;

function cgTooltip(tip) {
  // tip: {head: "text", rows: [["key", "value"], ...]}; textContent only, never innerHTML.
  var box = document.createElement("div");
  box.className = "cg-tip";
  if (tip.head) {
    var head = document.createElement("div");
    head.className = "head";
    head.textContent = tip.head;
    box.appendChild(head);
  }
  (tip.rows || []).forEach(function (row) {
    var line = document.createElement("div");
    var key = document.createElement("span");
    key.className = "k";
    key.textContent = row[0];
    line.appendChild(key);
    line.appendChild(document.createTextNode(String(row[1])));
    box.appendChild(line);
  });
  return box;
}

function cgItems(items) {
  return items.map(function (item) {
    if (item.tip) {
      item.title = cgTooltip(item.tip);
    }
    return item;
  });
}

function drawGraph() {
  var payload = JSON.parse(document.getElementById("cg-data").textContent);
  container = document.getElementById("mynetwork");
  nodes = new vis.DataSet(cgItems(payload.nodes));
  edges = new vis.DataSet(cgItems(payload.edges));
  data = { nodes: nodes, edges: edges };
  options = payload.options;
  network = new vis.Network(container, data, options);
  network.once("afterDrawing", function () {
    cgDrawnAt = performance.now();
    document.body.setAttribute("data-drawn", "1");
  });
  return network;
}

drawGraph();
