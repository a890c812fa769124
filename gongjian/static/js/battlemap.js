/*
 * The project map (项目地图): projects as points by town, drawn with ECharts.
 *
 * With no tile server configured (the default) it draws a schematic of the towns from the page's own data and
 * makes no request at all; with GONGJIAN_MAP_TILE_URL set ("https://tiles.example/{z}/{x}/{y}.png") it lays the
 * deployment's own tiles under the same points (Web Mercator).
 */
(function (global) {
  'use strict';

  // Red/yellow/green are card colours only, and the legend says which word each colour stands for.
  const CARDS = { red: ['红牌', '#c62828'], yellow: ['黄牌', '#f9a825'], green: ['绿牌', '#2e7d32'], '': ['未亮牌', '#5b7590'] };
  const TILE = 256;

  function mercator(lng, lat, zoom) {
    const n = TILE * Math.pow(2, zoom);
    const s = Math.sin(lat * Math.PI / 180);
    return [(lng + 180) / 360 * n, (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * n];
  }

  function bounds(points) {
    const xs = points.map((p) => p.value[0]), ys = points.map((p) => p.value[1]);
    return { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
  }

  function size(total) { return Math.max(8, Math.min(22, 6 + Math.sqrt(total || 0) / 5)); }

  function projectSeries(data, place) {
    return Object.keys(CARDS).map((card) => ({
      name: CARDS[card][0], type: 'scatter', z: 3,
      itemStyle: { color: CARDS[card][1], borderColor: '#fff', borderWidth: 1, opacity: 0.9 },
      data: data.projects.filter((p) => (p.card || '') === card).map((p) => ({
        id: p.id, name: p.name, value: place(p.value).concat([p.value[2]]), symbolSize: size(p.value[2]),
        exact: p.exact, card: CARDS[card][0],
      })),
    }));
  }

  // On the schematic a town is a circle sized to the chart (104 px at desk width, smaller on a phone, where 104 px
  // circles covered each other's names); names that would still collide are moved apart, never hidden.
  function townSeries(data, place, schematic, width) {
    return {
      name: '镇街', type: 'scatter', z: 2, silent: true, legendHoverLink: false,
      symbolSize: schematic ? Math.max(44, Math.min(104, (width || 1000) / 12)) : 10,
      labelLayout: { moveOverlap: 'shiftY' },
      itemStyle: { color: schematic ? 'rgba(91,117,144,0.08)' : 'rgba(33,37,41,0.6)', borderColor: '#90a4ae' },
      label: { show: true, position: schematic ? 'bottom' : 'right', distance: 2, color: '#37474f', fontSize: 12,
        fontWeight: 600, backgroundColor: 'rgba(255,255,255,0.8)', padding: [1, 3],
        // On a phone the name alone (the count is in the table below): shorter labels collide less.
        formatter: (p) => p.data.name + ((width || 1000) < 576 ? '' : ' ' + p.data.count + '个') },
      data: data.towns.map((t) => ({ name: t.name, value: place(t.value), count: t.count })),
    };
  }

  function tooltip(p) {
    if (!p.data || p.data.id === undefined) return '';
    const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
    return esc(p.data.name) + '<br>总投资 ' + p.data.value[2].toFixed(2) + ' 万元 · ' + p.data.card
      + (p.data.exact ? '' : '<br><span style="color:#6c757d">（按所在镇街示意位置）</span>');
  }

  function schematicOption(container, data) {
    const all = data.towns.concat(data.projects);
    const b = bounds(all.length ? all : [{ value: [120.53, 36.87] }]);
    const pad = 0.05;
    return {
      animation: false,
      tooltip: { trigger: 'item', formatter: tooltip },
      legend: { top: 0, type: 'scroll', data: Object.values(CARDS).map((c) => c[0]) },
      grid: { left: 24, right: 24, top: 48, bottom: 36 },
      xAxis: { type: 'value', min: b.x0 - pad, max: b.x1 + pad, show: false },
      yAxis: { type: 'value', min: b.y0 - pad, max: b.y1 + pad, show: false },
      series: [townSeries(data, (v) => v.slice(0, 2), true, container.clientWidth)].concat(projectSeries(data, (v) => v.slice(0, 2))),
    };
  }

  function tiledOption(container, data) {
    const all = data.towns.concat(data.projects);
    const b = bounds(all);
    const w = container.clientWidth, h = container.clientHeight;
    let zoom = 14;
    for (; zoom > 3; zoom--) {
      const a = mercator(b.x0, b.y1, zoom), c = mercator(b.x1, b.y0, zoom);
      if (c[0] - a[0] < w * 0.85 && c[1] - a[1] < h * 0.85) break;
    }
    const a = mercator(b.x0, b.y1, zoom), c = mercator(b.x1, b.y0, zoom);
    const x0 = (a[0] + c[0]) / 2 - w / 2, y0 = (a[1] + c[1]) / 2 - h / 2;
    const layer = document.createElement('div');
    layer.className = 'map-tiles';
    Object.assign(layer.style, { position: 'absolute', inset: 0, overflow: 'hidden', zIndex: 0 });
    for (let tx = Math.floor(x0 / TILE); tx <= Math.floor((x0 + w) / TILE); tx++) {
      for (let ty = Math.floor(y0 / TILE); ty <= Math.floor((y0 + h) / TILE); ty++) {
        const img = document.createElement('img');
        img.alt = '';
        img.src = data.tiles.replace('{z}', zoom).replace('{x}', tx).replace('{y}', ty);
        Object.assign(img.style, { position: 'absolute', left: (tx * TILE - x0) + 'px', top: (ty * TILE - y0) + 'px',
          width: TILE + 'px', height: TILE + 'px' });
        layer.appendChild(img);
      }
    }
    container.parentNode.insertBefore(layer, container);
    const place = (v) => { const p = mercator(v[0], v[1], zoom); return [p[0] - x0, p[1] - y0]; };
    return {
      animation: false, backgroundColor: 'transparent',
      tooltip: { trigger: 'item', formatter: tooltip },
      legend: { top: 0, type: 'scroll', backgroundColor: 'rgba(255,255,255,0.85)', data: Object.values(CARDS).map((x) => x[0]) },
      grid: { left: 0, right: 0, top: 0, bottom: 0 },
      xAxis: { type: 'value', min: 0, max: w, show: false },
      yAxis: { type: 'value', min: 0, max: h, inverse: true, show: false },
      series: [townSeries(data, place, false)].concat(projectSeries(data, place)),
    };
  }

  function render(container, data, options) {
    const opts = Object.assign({ onPointClick: null }, options || {});
    const chart = global.echarts.init(container, null, { renderer: 'canvas' });
    chart.setOption(data.tiles ? tiledOption(container, data) : schematicOption(container, data));
    chart.on('click', (p) => { if (p.data && p.data.id !== undefined && opts.onPointClick) opts.onPointClick(p.data); });
    global.addEventListener('resize', () => chart.resize());
    return chart;
  }

  global.GongjianMap = { render, mercator };
}(window));
