// chaingraph report: one vis-network per chain section, each read from its own JSON block
// (a script element of type application/json, class cg-data, whose data-net names the element
// to draw in). Tooltips are DOM elements built from plain text (textContent, never innerHTML).
// Each drawn network is copied to the image with the same data-net (class cg-snapshot), so
// that printing shows a fixed-size snapshot instead of a live canvas.
var cgNetworks = {};

function cgSnapshot(id) {
  var container = document.getElementById(id);
  var canvas = container && container.querySelector("canvas");
  var img = document.querySelector('img.cg-snapshot[data-net="' + id + '"]');
  if (canvas && img) {
    try {
      img.src = canvas.toDataURL("image/png");
    } catch (e) {
      // a snapshot is a convenience for printing; the stage table stays the fallback
    }
  }
}

function cgDrawAll() {
  var blocks = Array.prototype.slice.call(document.querySelectorAll("script.cg-data"));
  var pending = blocks.length;
  if (pending === 0) {
    document.body.setAttribute("data-drawn", "1");
  }
  blocks.forEach(function (block) {
    var id = block.getAttribute("data-net");
    var container = document.getElementById(id);
    var payload = JSON.parse(block.textContent);
    var data = {
      nodes: new vis.DataSet(cgItems(payload.nodes)),
      edges: new vis.DataSet(cgItems(payload.edges)),
    };
    var network = new vis.Network(container, data, payload.options);
    cgNetworks[id] = network;
    network.once("afterDrawing", function () {
      container.setAttribute("data-drawn", "1");
      cgSnapshot(id);
      pending -= 1;
      if (pending === 0) {
        document.body.setAttribute("data-drawn", "1");
      }
    });
  });
}

window.addEventListener("beforeprint", function () {
  Object.keys(cgNetworks).forEach(cgSnapshot);
});

cgDrawAll();
