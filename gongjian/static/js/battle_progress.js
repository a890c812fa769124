/* 作战进度图: loads the rows as JSON windows and draws the Gantt chart; grouping changes without a reload.
   The first window (a screen's worth, in display order) is drawn at once; the rest are fetched one after another in
   the background and appended, so the chart is usable while a city's 12,000 rows arrive. */
(function () {
  "use strict";
  const box = document.getElementById("gantt");
  if (!box) return;
  const group = document.getElementById("id_group");
  const count = document.getElementById("row-count");
  const status = document.getElementById("gantt-loading");
  const first = +box.getAttribute("data-first") || 200;
  const size = +box.getAttribute("data-page") || 5000;

  function windowUrl(offset, limit) {
    const url = new URL(box.getAttribute("data-url"), location.href);
    url.searchParams.set("offset", offset);
    url.searchParams.set("limit", limit);
    return url;
  }

  function load(offset, limit) {
    return fetch(windowUrl(offset, limit), { credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); });
  }

  function say(text) { if (status) status.textContent = text; }

  let loadedAll = false, printWhenLoaded = false;

  // The later windows, one at a time (each is a cached gzip on the server); done when every row is in.
  function rest(chart, loaded, total) {
    if (loaded >= total) {
      say("");
      loadedAll = true;
      window.BATTLE_LOADED = true;
      if (printWhenLoaded) chart.printA3();
      return;
    }
    say("（已加载 " + loaded + " 项，其余正在加载…" + (printWhenLoaded ? "加载完成后打印" : "") + "）");
    load(loaded, size)
      .then(function (res) {
        if (!res.ok || !res.body.rows || !res.body.rows.length) throw new Error(res.body.detail || "加载失败");
        if (typeof res.body.total === "number" && res.body.total !== total) {
          say("（数据已更新，请刷新页面查看全部）");
          return;
        }
        chart.append(res.body);
        rest(chart, loaded + res.body.rows.length, total);
      })
      .catch(function () { say("（已加载 " + loaded + " 项，其余加载失败，请刷新重试）"); });
  }

  load(0, first)
    .then(function (res) {
      const body = res.body;
      if (!res.ok) { box.textContent = body.detail || "加载失败"; return; }
      const total = typeof body.total === "number" ? body.total : body.rows.length;
      count.textContent = total;
      box.textContent = "";
      const chart = GongjianGantt.render(box, body, {
        groupBy: box.getAttribute("data-group") || null, title: "作战进度图",
        onRowClick: function (row) { location.href = (row.kind === "项目" ? "/projects/" : "/tasks/") + row.id + "/"; },
      });
      window.BATTLE_CHART = chart;
      // A printed chart must hold every row: a click before the last window waits for it.
      document.getElementById("print-a3").addEventListener("click", function () {
        if (loadedAll || total <= body.rows.length) { chart.printA3(); return; }
        printWhenLoaded = true;
        say("（正在加载全部 " + total + " 项，加载完成后打印…）");
      });
      if (group) {
        group.addEventListener("change", function () {
          chart.setGroupBy(group.value || null);
          const url = new URL(location.href);
          url.searchParams.set("group", group.value);
          history.replaceState(null, "", url);
        });
      }
      // After the first frame is on screen, so the background windows never delay it.
      requestAnimationFrame(function () {
        window.BATTLE_FIRST_DRAWN = performance.now();
        window.BATTLE_FIRST_ROWS = chart.stats.rows;
        setTimeout(function () { rest(chart, (body.offset || 0) + body.rows.length, total); }, 0);
      });
    })
    .catch(function () { box.textContent = "加载失败，请刷新重试"; });
}());
