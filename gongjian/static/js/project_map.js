/* The project map page: draws the map from the page's JSON and opens a project on click. */
(function () {
  "use strict";
  const box = document.getElementById("project-map");
  if (!box) return;
  const base = box.getAttribute("data-project-base");
  GongjianMap.render(box, JSON.parse(document.getElementById("map-data").textContent),
    { onPointClick: function (p) { location.href = base + p.id + "/"; } });
}());
