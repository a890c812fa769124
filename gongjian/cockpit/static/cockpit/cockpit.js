/* The leaders' cockpit: one JSON document (cockpit/data.json) drawn as KPI tiles, ECharts charts and short lists.
   Every number is a link to the list it counts ({n, url} in the JSON); clicking a bar or a point opens that list too.
   Red, yellow and green are card colours only, always with the word beside them; blue is for plan and actions. */
(function () {
  "use strict";
  var root = document.getElementById("cockpit");
  if (!root) { return; }
  var css = getComputedStyle(document.documentElement);
  var COLORS = {
    red: css.getPropertyValue("--gj-red").trim() || "#c62828",
    yellow: css.getPropertyValue("--gj-yellow").trim() || "#f9a825",
    green: css.getPropertyValue("--gj-green").trim() || "#2e7d32"
  };
  var LABELS = { red: "红牌", yellow: "黄牌", green: "绿牌", total: "合计" };
  var charts = [];

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); } });
    return node;
  }

  function num(link, cls) {
    return el("a", { href: link.url, "data-count": String(link.n), "class": cls || "" , text: String(link.n) });
  }

  function fill(name, node) {
    document.querySelectorAll('[data-fill="' + name + '"]').forEach(function (target) {
      target.textContent = "";
      target.appendChild(node.cloneNode(true));
    });
  }

  function kpi(label, link, cls, suffix) {
    var tile = el("a", { href: link.url, "class": "kpi " + (cls || ""), "data-count": String(link.n) }, [
      el("div", { "class": "small", text: label }),
      el("div", { "class": "kpi-value" }, [String(link.n), suffix ? el("span", { "class": "kpi-suffix", text: suffix }) : null])
    ]);
    return el("div", { "class": "col-4 col-md-3 col-xl" }, [tile]);
  }

  function chart(id, option, urls) {
    var node = document.getElementById(id);
    if (typeof echarts === "undefined" || !node) { return; }
    var c = echarts.init(node, null, { renderer: "svg" });
    c.setOption(option);
    c.on("click", function (p) {
      var url = urls(p);
      if (url) { window.location.href = url; }
    });
    charts.push(c);
  }

  function colorSeries(rows) {
    return ["red", "yellow", "green"].map(function (color) {
      return {
        name: LABELS[color], type: "bar", stack: "cards", itemStyle: { color: COLORS[color] },
        label: { show: true, position: "inside", formatter: function (p) { return p.value || ""; } },
        data: rows.map(function (r) { return r[color].n; })
      };
    });
  }

  function barOption(rows, horizontal) {
    var names = rows.map(function (r) { return r.name; });
    // Every name shown (a missing bar label reads as a missing town), cut to a width the chart can hold; the full
    // name is in the tooltip and the table below.
    var category = { type: "category", data: names, axisLabel: { interval: 0, width: horizontal ? 90 : 64, overflow: "truncate" } };
    var value = { type: "value", minInterval: 1 };
    if (!horizontal) { category.axisLabel.rotate = 40; }
    return {
      animation: false, tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, type: "scroll" }, grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category, yAxis: horizontal ? Object.assign(category, { inverse: true }) : value,
      series: colorSeries(rows)
    };
  }

  function colorTable(rows, firstHeader) {
    var head = el("tr", {}, [el("th", { text: firstHeader })].concat(["red", "yellow", "green", "total"].map(function (c) {
      return el("th", { "class": "text-end" }, [c === "total" ? "合计" : el("span", { "class": "badge-card card-" + c, text: LABELS[c].charAt(0) })]);
    })));
    var body = rows.map(function (r) {
      return el("tr", {}, [el("td", { "data-label": firstHeader, text: r.name })].concat(["red", "yellow", "green", "total"].map(function (c) {
        return el("td", { "class": "text-end", "data-label": LABELS[c] }, [num(r[c])]);
      })));
    });
    return el("table", { "class": "table table-sm table-hover table-responsive-cards mb-0" }, [el("thead", {}, [head]), el("tbody", {}, body)]);
  }

  function badge(item) {
    return item.color ? el("span", { "class": "badge-card card-" + item.color, text: item.color_label }) : null;
  }

  function taskList(items, empty) {
    if (!items.length) { return el("p", { "class": "text-muted small", text: empty }); }
    return el("ol", { "class": "cockpit-list" }, items.map(function (t) {
      var late = t.late_workdays ? "，逾期" + t.late_workdays + "个工作日" : "";
      return el("li", {}, [
        badge(t), t.color ? " " : "", el("a", { href: t.url, text: t.title }),
        el("div", { "class": "small text-muted", text: t.unit + (t.leader ? " · " + t.leader : "") + " · 时限 " + t.deadline + late })
      ]);
    }));
  }

  function render(data) {
    document.getElementById("cockpit-status").textContent = data.colors.date ?
      "数据日期：" + data.today + "；亮牌取 " + data.colors.date + " 的每日督查结果。" : "尚未运行每日督查，暂无亮牌。";
    fill("cards-date", document.createTextNode(data.colors.date || ""));
    var kpis = document.getElementById("kpis");
    kpis.appendChild(kpi("攻坚任务", data.tasks.total));
    kpis.appendChild(kpi("已办结", data.tasks.completed, "", data.tasks.completion_rate ? "（" + data.tasks.completion_rate + "%）" : ""));
    ["red", "yellow", "green"].forEach(function (c) { kpis.appendChild(kpi(LABELS[c], data.colors.totals[c], "card-" + c)); });
    kpis.appendChild(kpi("未亮牌", data.colors.totals.no_card));
    kpis.appendChild(kpi("逾期事项", data.overdue.count));
    kpis.appendChild(kpi("超期要素保障", data.blockers.overdue));
    kpis.appendChild(kpi("要素保障·分管领导协调", data.blockers.leader_level));
    kpis.appendChild(kpi("要素保障·主要领导协调", data.blockers.principal_level));

    var areas = data.colors.by_area, towns = data.colors.by_town;
    chart("chart-areas", barOption(areas, true), function (p) { return areas[p.dataIndex][["red", "yellow", "green"][p.seriesIndex]].url; });
    document.getElementById("table-areas").appendChild(colorTable(areas, "重点方向"));
    chart("chart-towns", barOption(towns, false), function (p) { return towns[p.dataIndex][["red", "yellow", "green"][p.seriesIndex]].url; });
    document.getElementById("table-towns").appendChild(colorTable(towns, "镇街"));

    var trend = data.trend;
    chart("chart-trend", {
      animation: false, tooltip: { trigger: "axis" }, legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: trend.map(function (t) { return t.month; }), axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", minInterval: 1 },
      series: ["red", "yellow"].map(function (c) {
        return { name: LABELS[c], type: "line", data: trend.map(function (t) { return t[c].n; }), itemStyle: { color: COLORS[c] },
                 lineStyle: { color: COLORS[c] }, label: { show: true, position: "top" }, symbolSize: 8 };
      })
    }, function (p) { return trend[p.dataIndex][["red", "yellow"][p.seriesIndex]].url; });
    var trendRows = trend.map(function (t) {
      return el("tr", {}, [el("td", { "data-label": "月份", text: t.month + "（" + t.date + "）" }),
        el("td", { "class": "text-end", "data-label": "红牌" }, [num(t.red)]),
        el("td", { "class": "text-end", "data-label": "黄牌" }, [num(t.yellow)])]);
    });
    document.getElementById("table-trend").appendChild(el("table", { "class": "table table-sm table-responsive-cards mb-0" }, [
      el("thead", {}, [el("tr", {}, [el("th", { text: "月份（月末督查日）" }),
        el("th", { "class": "text-end" }, [el("span", { "class": "badge-card card-red", text: "红" })]),
        el("th", { "class": "text-end" }, [el("span", { "class": "badge-card card-yellow", text: "黄" })])])]),
      el("tbody", {}, trendRows)]));

    // Money as official documents write it: 120.49亿元 from 1亿 up, otherwise 1,204.50万元.
    function money(wan) {
      var n = Number(wan);
      if (!isFinite(n)) return "—";
      if (Math.abs(n) >= 10000) return (n / 10000).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + "亿元";
      return n.toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + "万元";
    }
    var inv = data.investment;
    if (inv) {
      document.getElementById("investment-section").hidden = false;
      var text = document.getElementById("investment-text");
      text.appendChild(num(inv.projects));
      text.appendChild(document.createTextNode("个重点项目，" + inv.year + "年计划投资" + money(inv.year_plan) +
        (inv.measured_month ? "；1—" + inv.measured_month + "月完成" + money(inv.year_to_date) + "，占年度计划" +
          (inv.completion || "—") + "%，时间进度" + (inv.time_progress || "—") + "%，" + inv.phrase + "。" : "。")));
      // 亿元 once the plan reaches 1亿: "16.28" beside a point, not "162785.52", which ran into its neighbours.
      var plan = inv.cumulative_plan.map(Number), actual = inv.cumulative_actual.map(Number);
      var yi = Math.max.apply(null, plan.concat(actual, [0])) >= 10000;
      var scale = function (v) { return yi ? Math.round(v / 100) / 100 : v; };
      chart("chart-investment", {
        animation: false, tooltip: { trigger: "axis" }, legend: { top: 0, type: "scroll" },
        grid: { left: 8, right: 16, top: 48, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: inv.months, axisLabel: { hideOverlap: true } },
        yAxis: { type: "value", name: yi ? "亿元" : "万元", nameGap: 8 },
        series: [
          { name: "累计计划（时间进度）", type: "line", data: plan.map(scale), itemStyle: { color: "#0d6efd" }, lineStyle: { type: "dashed", color: "#0d6efd" } },
          { name: "累计完成", type: "line", data: actual.map(scale), itemStyle: { color: "#212529" }, lineStyle: { color: "#212529" }, label: { show: true, position: "top", hideOverlap: true } }
        ]
      }, function () { return inv.projects.url; });
    }

    fill("overdue-count", el("span", {}, ["共", num(data.overdue.count), "项"]));
    document.getElementById("list-overdue").appendChild(taskList(data.overdue.items, "没有逾期事项。"));

    if (data.mine) {
      document.getElementById("mine-section").hidden = false;
      fill("mine-count", el("span", {}, [data.mine.leader + " 牵头", num(data.mine.tasks), "项，在办", num(data.mine.open), "项"]));
      var colors = document.getElementById("mine-colors");
      ["red", "yellow", "green"].forEach(function (c) {
        colors.appendChild(el("a", { href: data.mine.colors[c].url, "class": "badge-card card-" + c + " me-1 text-decoration-none", "data-count": String(data.mine.colors[c].n) },
          [LABELS[c] + " " + data.mine.colors[c].n]));
      });
      document.getElementById("list-mine").appendChild(taskList(data.mine.items, "没有在办任务。"));
    }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  fetch(root.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(render)
    .catch(function () { document.getElementById("cockpit-status").textContent = "数据加载失败，请刷新重试。"; });
})();
