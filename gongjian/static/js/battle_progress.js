/* 作战进度图: loads the rows as JSON and draws the Gantt chart; grouping changes without a reload. */
(function () {
  "use strict";
  const box = document.getElementById("gantt");
  if (!box) return;
  const group = document.getElementById("id_group");
  fetch(box.getAttribute("data-url"), { credentials: "same-origin" })
    .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
    .then(function (res) {
      const body = res.body;
      if (!res.ok) { box.textContent = body.detail || "加载失败"; return; }
      document.getElementById("row-count").textContent = body.rows.length;
      box.textContent = "";
      const chart = GongjianGantt.render(box, body, {
        groupBy: box.getAttribute("data-group") || null, title: "作战进度图",
        onRowClick: function (row) { location.href = (row.kind === "项目" ? "/projects/" : "/tasks/") + row.id + "/"; },
      });
      window.BATTLE_CHART = chart;
      document.getElementById("print-a3").addEventListener("click", function () { chart.printA3(); });
      if (group) {
        group.addEventListener("change", function () {
          chart.setGroupBy(group.value || null);
          const url = new URL(location.href);
          url.searchParams.set("group", group.value);
          history.replaceState(null, "", url);
        });
      }
    })
    .catch(function () { box.textContent = "加载失败，请刷新重试"; });
}());
