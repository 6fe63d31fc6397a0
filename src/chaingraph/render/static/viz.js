// chaingraph viz page: the pyvis page structure (global `network`, `nodes`, `edges`, drawGraph)
// with data read from a JSON block and tooltips built as DOM elements from plain text, so that
// nothing from the data is ever parsed as HTML.
var edges;
var nodes;
var network;
var container;
var options, data;
var cgDrawnAt = null;

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
