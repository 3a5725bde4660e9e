// The graph view: draw /api/graph/KIND/ID with Cytoscape.js (vendored, static/vendor/cytoscape).
"use strict";
(function () {
  var box = document.getElementById("graph");
  var status = document.getElementById("graph-status");
  if (!box || typeof cytoscape !== "function") { return; }
  var colours = { role: "#1f5fbf", skill: "#2a9d8f", course: "#e9a23b", tool: "#8e5ea2",
                  provider: "#6c757d", source: "#adb5bd" };
  fetch(box.dataset.src, { headers: { Accept: "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (graph) {
      var elements = graph.nodes.map(function (node) {
        return { data: { id: node.id, label: node.label, kind: node.kind, href: node.href,
                         centre: node.centre ? 1 : 0, hop: node.hop } };
      }).concat(graph.edges.map(function (edge, index) {
        return { data: { id: "e" + index, source: edge.source, target: edge.target,
                         label: edge.label } };
      }));
      var cy = cytoscape({
        container: box,
        elements: elements,
        style: [
          { selector: "node", style: {
              "background-color": function (n) { return colours[n.data("kind")] || "#999"; },
              "label": "data(label)", "font-size": 9, "text-wrap": "ellipsis",
              "text-max-width": 90, "width": 14, "height": 14 } },
          { selector: "node[centre = 1]", style: { "width": 28, "height": 28, "font-size": 12,
              "font-weight": "bold" } },
          { selector: "edge", style: { "width": 1, "line-color": "#c5cad3",
              "curve-style": "haystack" } }
        ],
        // rings by distance: the entity, what it links to, and what those link to
        layout: { name: "concentric", concentric: function (n) { return 3 - n.data("hop"); },
          levelWidth: function () { return 1; }, minNodeSpacing: 6, animate: false }
      });
      cy.on("tap", "node", function (event) {
        var href = event.target.data("href");
        if (href) { window.location.href = href; }
      });
      box.dataset.drawn = String(cy.nodes().length);
      status.textContent = cy.nodes().length + " nodes and " + cy.edges().length +
        " links drawn" + (graph.total > graph.cap ? " (capped at " + graph.cap + " of " +
        graph.total + ")" : "") + ".";
    })
    .catch(function (error) { status.textContent = "The graph could not be drawn: " + error; });
})();
