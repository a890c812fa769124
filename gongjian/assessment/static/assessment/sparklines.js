/* Trend sparklines for the league tables and the unit page: every element with data-trend="[...]" gets a small line
   of its last periods' scores (ECharts, local). Blue, because a trend is not a card colour. */
(function () {
  function draw(el) {
    var values = JSON.parse(el.dataset.trend || "[]");
    var labels = JSON.parse(el.dataset.labels || "[]");
    if (!values.length || typeof echarts === "undefined") { return; }
    var big = el.dataset.size === "large";
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: big ? { left: 40, right: 16, top: 28, bottom: 28 } : { left: 2, right: 2, top: 2, bottom: 2 },
      tooltip: big ? { trigger: "axis" } : { show: false },
      xAxis: { type: "category", data: labels.length ? labels : values.map(function (_, i) { return i + 1; }), show: big,
               axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", scale: true, show: big },
      series: [{ type: "line", data: values, symbol: big ? "circle" : "none", lineStyle: { width: big ? 2 : 1.5, color: "#0d6efd" },
                 itemStyle: { color: "#0d6efd" }, label: { show: big, position: "top", hideOverlap: true } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.querySelectorAll("[data-trend]").forEach(draw);
})();
