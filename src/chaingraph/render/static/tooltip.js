// Tooltips for chaingraph pages: DOM elements built from plain text (textContent, never
// innerHTML), so that nothing from the data is ever parsed as HTML. Loaded before the page's
// own script (viz.js, report.js).
function cgTooltip(tip) {
  // tip: {head: "text", rows: [["key", "value"], ...]}
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
