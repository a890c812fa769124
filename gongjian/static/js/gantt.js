/*
 * GongjianGantt — the battle map's progress view (作战进度图).
 *
 * A canvas Gantt chart that draws only the rows inside the viewport, so 50,000 rows cost what 30 do.
 * No build step: plain ES2019 in an IIFE, exposes window.GongjianGantt.
 *
 *   const chart = GongjianGantt.render(container, data, {
 *     groupBy: "town",            // any field of data.fields, or null
 *     filter: row => ...,         // or null; receives the decoded row object (see rowObject below)
 *     onRowClick: row => location.href = "/tasks/" + row.id + "/",
 *     height: 640,                // px; default: the container's height, else 70vh
 *     rowHeight: 34, labelWidth: 300, dayWidth: null (fit the span), minDayWidth: 2.5,
 *     title: "作战进度图", printMaxRows: 1500,
 *   });
 *   chart.setFilter(fn | null); chart.setGroupBy(key | null); chart.printA3(); chart.destroy(); chart.stats
 *   chart.append(moreData)      // the next window of the same chart (see "Windows" below), drawn where it falls
 *
 * Data format, version 1 — one compact columnar JSON document ("gantt/v1"):
 *
 *   {
 *     "v": 1,
 *     "origin": "2023-01-01",          every day below is an integer offset from this date (0 = origin)
 *     "today": 89,                     day offset of today (2023-03-31), or null: no today line
 *     "fields": ["id", "title", "unit", "leader", "town", "chain", "start", "end", "progress", "card", "milestones"],
 *     "dict": {                        a field named here holds integer indexes into its list (null = not set)
 *       "unit": ["姜山镇", "发改局", ...], "leader": ["市长", ...], "town": [...], "chain": [...],
 *       "milestone": ["开工建设", ...]  optional: milestone titles given as integers index this list
 *     },
 *     "rows": [
 *       [1024, "姜山镇新材料产业园项目 #1024", 0, 3, 0, 1, 31, 272, 35.5, 2, [[120, 1, 1, "开工建设"], [200, 0, 0, 4]]],
 *       ...
 *     ]
 *   }
 *
 *   Required fields: id (integer or string, unique), title, start, end. Recognised optional fields:
 *     unit, leader   shown under the title in the label column ("单位 · 领导");
 *     progress       0–100, one decimal at most; 100 means completed and the bar is drawn grey;
 *     card           current card: 0 none, 1 green 绿, 2 yellow 黄, 3 red 红;
 *     milestones     list of [day, status, critical, title]: status 0 planned (diamond), 1 done (red flag),
 *                    2 overdue (black flag) — Laixi's own 2021 practice; critical 0/1 (thicker outline);
 *                    title a string or an index into dict.milestone.
 *   start and end are inclusive day offsets (a task from day 31 to day 272 covers both days); null = unknown.
 *   Any other field (town, chain, …) is carried along and can be grouped by; the row order is the display
 *   order within a group, and a dict's order is the order of the groups.
 *
 * Windows: a document may be one window of a longer list — "total" (all rows), "offset" (this window's first row)
 * and "span" ([first day, last day] of all rows, so the timeline is laid out once) — and the later windows are
 * handed to append(), in order. Each window carries its own dicts; append() maps its indexes onto the chart's.
 */
(function (global) {
  'use strict';

  const DAY_MS = 86400000;
  const FONT = 'system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
  // Red/yellow/green mean card colours only (DESIGN.md); bars are neutral blue-grey, done is grey.
  const C = {
    text: '#212529', muted: '#6c757d', done: '#757575', line: '#e9ecef', grid: '#dee2e6', gridWeek: '#f1f3f5',
    headerBg: '#f8f9fa', groupBg: '#e9eef4', hover: '#f3f6fa', track: '#c5d0dc', progress: '#5b7590',
    doneBar: '#bdbdbd', today: '#7b1fa2', flagRed: '#c62828', flagBlack: '#111111', pole: '#455a64',
    planned: '#455a64',
  };
  const CARDS = [null, { key: 'green', word: '绿', color: '#2e7d32' }, { key: 'yellow', word: '黄', color: '#f9a825' },
    { key: 'red', word: '红', color: '#c62828' }];
  const MS_STATUS = ['计划', '已完成', '已逾期'];
  const HEADER_H = 44;

  function parseISO(s) {
    const p = String(s).split('-');
    return Date.UTC(+p[0], +p[1] - 1, +p[2]);
  }

  function pad(n) { return n < 10 ? '0' + n : '' + n; }

  class Calendar {
    constructor(origin) {
      this.originMs = parseISO(origin || '2023-01-01');
      this.strCache = new Map();
    }
    date(day) { return new Date(this.originMs + day * DAY_MS); }
    str(day) {
      let s = this.strCache.get(day);
      if (s === undefined) {
        const d = this.date(day);
        s = d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate());
        this.strCache.set(day, s);
      }
      return s;
    }
    dayOf(y, m, d) { return Math.round((Date.UTC(y, m, d) - this.originMs) / DAY_MS); }
  }

  class Model {
    constructor(data) {
      this.data = data;
      this.rows = data.rows || [];
      this.n = this.rows.length;
      this.dict = data.dict || {};
      this.fields = data.fields || [];
      this.col = {};
      this.fields.forEach((f, i) => { this.col[f] = i; });
      ['id', 'title', 'start', 'end'].forEach((f) => {
        if (!(f in this.col)) throw new Error('GongjianGantt: data.fields lacks "' + f + '"');
      });
      this.cal = new Calendar(data.origin);
      this.today = data.today === undefined ? null : data.today;
      this.span = Array.isArray(data.span) ? data.span : null;
      this.range(0);
    }

    // The rows of a later window, their dict indexes turned into this model's (a new value joins the dict's end).
    append(data) {
      const rows = data.rows || [], dicts = data.dict || {};
      const maps = [];
      Object.keys(dicts).forEach((f) => {
        const c = f === 'milestone' ? this.col.milestones : this.col[f];
        if (c === undefined) return;
        const mine = this.dict[f] || (this.dict[f] = []);
        const theirs = dicts[f];
        if (theirs.length <= mine.length && theirs.every((v, i) => mine[i] === v)) return;
        if (!this.dictPos) this.dictPos = {};
        let pos = this.dictPos[f];
        if (!pos) { pos = this.dictPos[f] = new Map(); mine.forEach((v, i) => { if (!pos.has(v)) pos.set(v, i); }); }
        const to = theirs.map((v) => {
          let i = pos.get(v);
          if (i === undefined) { i = mine.length; mine.push(v); pos.set(v, i); }
          return i;
        });
        maps.push({ c, to, milestone: f === 'milestone' });
      });
      for (let k = 0; k < rows.length; k++) {
        const r = rows[k];
        for (let j = 0; j < maps.length; j++) {
          const { c, to, milestone } = maps[j];
          const v = r[c];
          if (milestone) {
            if (v) for (let q = 0; q < v.length; q++) if (typeof v[q][3] === 'number') v[q][3] = to[v[q][3]];
          } else if (typeof v === 'number') {
            r[c] = to[v];
          }
        }
        this.rows.push(r);
      }
      const before = this.n;
      this.n = this.rows.length;
      return this.range(before);
    }

    // Months shown: the span when the data gives one, widened by any row outside it (from row `from` on).
    // True when they changed.
    range(from) {
      const cs = this.col.start, ce = this.col.end, cm = this.col.milestones;
      const old = [this.day0, this.day1];
      let lo = Infinity, hi = -Infinity;
      if (from > 0) { lo = this.lo; hi = this.hi; }
      if (this.span) { lo = Math.min(lo, this.span[0]); hi = Math.max(hi, this.span[1]); }
      for (let i = from; i < this.n; i++) {
        const r = this.rows[i];
        const s = r[cs], e = r[ce];
        if (s !== null && s < lo) lo = s;
        if (e !== null && e > hi) hi = e;
        if (cm !== undefined && r[cm]) {
          const ms = r[cm];
          for (let k = 0; k < ms.length; k++) {
            if (ms[k][0] < lo) lo = ms[k][0];
            if (ms[k][0] > hi) hi = ms[k][0];
          }
        }
      }
      if (this.today !== null) { lo = Math.min(lo, this.today); hi = Math.max(hi, this.today); }
      this.lo = lo; this.hi = hi;
      if (lo === Infinity) { lo = 0; hi = 30; }
      // Whole months on both ends, so the header starts and ends on a month boundary.
      const a = this.cal.date(lo), b = this.cal.date(hi);
      this.day0 = this.cal.dayOf(a.getUTCFullYear(), a.getUTCMonth(), 1);
      this.day1 = this.cal.dayOf(b.getUTCFullYear(), b.getUTCMonth() + 1, 1);  // exclusive
      return old[0] !== this.day0 || old[1] !== this.day1;
    }

    resolve(field, v) {
      const d = this.dict[field];
      return d && typeof v === 'number' ? (d[v] === undefined ? null : d[v]) : v;
    }

    msTitle(t) {
      const d = this.dict.milestone;
      return typeof t === 'number' && d ? d[t] : t;
    }

    // The decoded row handed to filters, onRowClick and the tooltip.
    rowObject(i) {
      const r = this.rows[i], o = { index: i };
      for (let c = 0; c < this.fields.length; c++) o[this.fields[c]] = this.resolve(this.fields[c], r[c]);
      const s = r[this.col.start], e = r[this.col.end];
      o.startDay = s; o.endDay = e;
      o.start = s === null ? null : this.cal.str(s);
      o.end = e === null ? null : this.cal.str(e);
      const card = this.col.card === undefined ? null : CARDS[r[this.col.card]] || null;
      o.card = card ? card.key : null;
      o.cardWord = card ? card.word : null;
      o.done = this.progress(i) >= 100;
      const ms = this.col.milestones === undefined ? null : r[this.col.milestones];
      o.milestones = (ms || []).map((m) => ({
        day: m[0], date: this.cal.str(m[0]), status: m[1], statusName: MS_STATUS[m[1]] || '',
        critical: !!m[2], title: this.msTitle(m[3]),
      }));
      return o;
    }

    progress(i) {
      return this.col.progress === undefined ? 0 : +this.rows[i][this.col.progress] || 0;
    }

    text(i, field) {
      if (this.col[field] === undefined) return '';
      const v = this.resolve(field, this.rows[i][this.col[field]]);
      return v === null || v === undefined ? '' : String(v);
    }
  }

  // The list of displayed lines: entries >= 0 are row indexes, entries < 0 are group headers -(g + 1).
  function buildView(model, filterFn, groupBy, collapsed) {
    const n = model.n;
    let pass = null;
    if (filterFn) {
      pass = new Uint8Array(n);
      for (let i = 0; i < n; i++) pass[i] = filterFn(model.rowObject(i)) ? 1 : 0;
    }
    const groups = [];
    if (!groupBy || model.col[groupBy] === undefined) {
      const out = new Int32Array(pass ? pass.reduce((a, b) => a + b, 0) : n);
      let k = 0;
      for (let i = 0; i < n; i++) if (!pass || pass[i]) out[k++] = i;
      return { lines: out, groups };
    }
    const c = model.col[groupBy], dict = model.dict[groupBy], rows = model.rows;
    const gOf = new Int32Array(n);
    const keyToG = new Map();
    const keys = [];
    for (let i = 0; i < n; i++) {
      let v = rows[i][c];
      if (v === undefined) v = null;
      let g = keyToG.get(v);
      if (g === undefined) { g = keys.length; keys.push(v); keyToG.set(v, g); }
      gOf[i] = g;
    }
    // Group order: the dict's order when there is one, else Chinese collation of the value; "not set" last.
    const order = keys.map((_, g) => g);
    const collator = new Intl.Collator('zh-Hans-CN');
    order.sort((a, b) => {
      const ka = keys[a], kb = keys[b];
      if (ka === null || kb === null) return (ka === null) - (kb === null);
      if (dict && typeof ka === 'number' && typeof kb === 'number') return ka - kb;
      return collator.compare(String(model.resolve(groupBy, ka)), String(model.resolve(groupBy, kb)));
    });
    const count = new Int32Array(keys.length);
    for (let i = 0; i < n; i++) if (!pass || pass[i]) count[gOf[i]]++;
    const start = new Int32Array(keys.length);
    let total = 0;
    for (let o = 0; o < order.length; o++) {
      const g = order[o];
      if (!count[g]) continue;
      const label = keys[g] === null ? '（未填写）' : String(model.resolve(groupBy, keys[g]));
      groups.push({ key: keys[g], label, count: count[g], collapsed: collapsed.has(label) });
      const gi = groups.length - 1;
      start[g] = total + 1;
      total += 1 + (groups[gi].collapsed ? 0 : count[g]);
    }
    const lines = new Int32Array(total);
    const gIndexOf = new Int32Array(keys.length).fill(-1);
    groups.forEach((grp, gi) => { const g = keyToG.get(grp.key); gIndexOf[g] = gi; lines[start[g] - 1] = -(gi + 1); });
    const fill = start.slice();
    for (let i = 0; i < n; i++) {
      if (pass && !pass[i]) continue;
      const gi = gIndexOf[gOf[i]];
      if (gi < 0 || groups[gi].collapsed) continue;
      lines[fill[gOf[i]]++] = i;
    }
    return { lines, groups };
  }

  const ellipsisCache = new Map();
  function ellipsize(ctx, text, maxW) {
    if (maxW <= 0 || !text) return '';
    const key = ctx.font + '|' + maxW + '|' + text;
    let s = ellipsisCache.get(key);
    if (s !== undefined) return s;
    if (ellipsisCache.size > 20000) ellipsisCache.clear();
    if (ctx.measureText(text).width <= maxW) {
      s = text;
    } else {
      let lo = 0, hi = text.length;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (ctx.measureText(text.slice(0, mid) + '…').width <= maxW) lo = mid; else hi = mid - 1;
      }
      s = lo ? text.slice(0, lo) + '…' : '';
    }
    ellipsisCache.set(key, s);
    return s;
  }

  function newStats() {
    return {
      rows: 0, visibleRows: 0, groups: 0, drawnRows: 0, drawnGroupHeaders: 0, firstDrawnId: null, lastDrawnId: null,
      firstLine: -1, lastLine: -1, redFlags: 0, blackFlags: 0, plannedMilestones: 0, criticalMilestones: 0,
      todayX: null, day0: 0, dayWidth: 0, labelWidth: 0, headerHeight: HEADER_H, rowHeight: 0, draws: 0,
      renderMs: 0,
    };
  }

  /*
   * Paint one frame of the chart onto ctx (already scaled to CSS pixels). v: the geometry —
   * w, h, labelW, rowH, dayW, sx, sy (scroll offsets), hover (line index or -1), narrow.
   * Shared by the screen and the print pages. Returns what it drew.
   */
  function paint(ctx, chart, v) {
    const m = chart.model, lines = chart.view.lines, groups = chart.view.groups;
    const st = newStats();
    const { w, h, labelW, rowH, dayW, sx, sy } = v;
    const day0 = m.day0, headerH = HEADER_H;
    const X = (day) => labelW + (day - day0) * dayW - sx;
    const twoLines = rowH >= 30;
    const first = Math.max(0, Math.floor(sy / rowH));
    const last = Math.min(lines.length - 1, Math.floor((sy + h - headerH - 1) / rowH));
    const cs = m.col.start, ce = m.col.end, cm = m.col.milestones, cc = m.col.card;

    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);

    // Timeline body.
    ctx.save();
    ctx.beginPath();
    ctx.rect(labelW, headerH, w - labelW, h - headerH);
    ctx.clip();
    const visDay0 = Math.max(day0, Math.floor(day0 + sx / dayW) - 1);
    const visDay1 = Math.min(m.day1, Math.ceil(day0 + (sx + w - labelW) / dayW) + 1);
    gridLines(ctx, chart, X, visDay0, visDay1, headerH, h, dayW);
    for (let li = first; li <= last; li++) {
      const y = headerH + li * rowH - sy;
      const e = lines[li];
      if (li === v.hover) { ctx.fillStyle = C.hover; ctx.fillRect(labelW, y, w - labelW, rowH); }
      if (e < 0) {
        ctx.fillStyle = C.groupBg;
        ctx.fillRect(labelW, y, w - labelW, rowH);
        continue;
      }
      const r = m.rows[e];
      const s = r[cs], en = r[ce];
      const barTop = y + Math.round(rowH * 0.42), barH = Math.max(6, Math.round(rowH * 0.3));
      if (s !== null && en !== null) {
        const x0 = X(s), x1 = X(en + 1);
        if (x1 >= labelW && x0 <= w) {
          const p = m.progress(e);
          if (p >= 100) {
            ctx.fillStyle = C.doneBar;
            ctx.fillRect(x0, barTop, x1 - x0, barH);
          } else {
            ctx.fillStyle = C.track;
            ctx.fillRect(x0, barTop, x1 - x0, barH);
            if (p > 0) { ctx.fillStyle = C.progress; ctx.fillRect(x0, barTop, (x1 - x0) * p / 100, barH); }
          }
        }
      }
      const ms = cm === undefined ? null : r[cm];
      if (ms) {
        for (let k = 0; k < ms.length; k++) {
          const mx = X(ms[k][0] + 0.5);
          if (mx < labelW - 14 || mx > w + 14) continue;
          const crit = !!ms[k][2];
          if (crit) st.criticalMilestones++;
          if (ms[k][1] === 1 || ms[k][1] === 2) {
            drawFlag(ctx, mx, y, barTop + barH, ms[k][1] === 1 ? C.flagRed : C.flagBlack, crit);
            if (ms[k][1] === 1) st.redFlags++; else st.blackFlags++;
          } else {
            drawDiamond(ctx, mx, barTop + barH / 2, crit);
            st.plannedMilestones++;
          }
        }
      }
    }
    // Row separators in one path.
    ctx.beginPath();
    for (let li = first; li <= last; li++) {
      const y = Math.round(headerH + (li + 1) * rowH - sy) - 0.5;
      ctx.moveTo(labelW, y); ctx.lineTo(w, y);
    }
    ctx.strokeStyle = C.line; ctx.lineWidth = 1; ctx.stroke();
    if (m.today !== null) {
      const tx = X(m.today + 0.5);
      if (tx >= labelW && tx <= w) {
        ctx.fillStyle = C.today;
        ctx.fillRect(Math.round(tx) - 1, headerH, 2, h - headerH);
        st.todayX = Math.round(tx);
      }
    }
    ctx.restore();

    // Label column, drawn over the timeline so it stays put while scrolling sideways.
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, headerH, labelW, h - headerH);
    ctx.clip();
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, headerH, labelW, h - headerH);
    ctx.textBaseline = 'middle';
    const inset = v.narrow ? 6 : 10;
    for (let li = first; li <= last; li++) {
      const y = headerH + li * rowH - sy;
      const e = lines[li];
      if (e < 0) {
        const g = groups[-e - 1];
        ctx.fillStyle = C.groupBg;
        ctx.fillRect(0, y, labelW, rowH);
        ctx.fillStyle = C.text;
        ctx.font = 'bold 13px ' + FONT;
        const tag = (g.collapsed ? '▸ ' : '▾ ');
        ctx.fillText(ellipsize(ctx, tag + g.label + '（' + g.count + '）', labelW - inset * 2), inset, y + rowH / 2);
        st.drawnGroupHeaders++;
        continue;
      }
      if (li === v.hover) { ctx.fillStyle = C.hover; ctx.fillRect(0, y, labelW, rowH); }
      const done = m.progress(e) >= 100;
      const card = cc === undefined ? null : CARDS[m.rows[e][cc]];
      const cardW = card ? (v.narrow ? 26 : 32) : 0;
      const textW = labelW - inset * 2 - cardW;
      ctx.fillStyle = done ? C.done : C.text;
      ctx.font = (v.narrow ? '12px ' : '13px ') + FONT;
      const title = m.text(e, 'title');
      if (twoLines) {
        ctx.fillText(ellipsize(ctx, title, textW), inset, y + rowH * 0.33);
        const sub = [m.text(e, 'unit'), v.narrow ? '' : m.text(e, 'leader')].filter(Boolean).join(' · ');
        ctx.fillStyle = C.muted;
        ctx.font = '11px ' + FONT;
        ctx.fillText(ellipsize(ctx, sub, textW), inset, y + rowH * 0.72);
      } else {
        ctx.fillText(ellipsize(ctx, title, textW), inset, y + rowH / 2);
      }
      if (card) {
        const cx = labelW - inset - cardW;
        ctx.fillStyle = card.color;
        ctx.fillRect(cx, y + rowH / 2 - 5, 10, 10);
        ctx.fillStyle = C.text;
        ctx.font = '12px ' + FONT;
        ctx.fillText(card.word, cx + 13, y + rowH / 2);
      }
      st.drawnRows++;
      const id = m.rows[e][m.col.id];
      if (st.firstDrawnId === null) st.firstDrawnId = id;
      st.lastDrawnId = id;
    }
    ctx.beginPath();
    for (let li = first; li <= last; li++) {
      const y = Math.round(headerH + (li + 1) * rowH - sy) - 0.5;
      ctx.moveTo(0, y); ctx.lineTo(labelW, y);
    }
    ctx.strokeStyle = C.line; ctx.stroke();
    ctx.restore();
    ctx.fillStyle = sx > 0 ? '#adb5bd' : C.grid;
    ctx.fillRect(labelW - 1, 0, 1, h);

    paintHeader(ctx, chart, v, X, visDay0, visDay1);
    st.firstLine = first; st.lastLine = last;
    return st;
  }

  function gridLines(ctx, chart, X, d0, d1, top, bottom, dayW) {
    const cal = chart.model.cal;
    if (dayW * 7 >= 10) {
      ctx.beginPath();
      let d = d0 + ((8 - cal.date(d0).getUTCDay()) % 7);  // first Monday
      for (; d < d1; d += 7) { const x = Math.round(X(d)) + 0.5; ctx.moveTo(x, top); ctx.lineTo(x, bottom); }
      ctx.strokeStyle = C.gridWeek; ctx.lineWidth = 1; ctx.stroke();
    }
    ctx.beginPath();
    eachMonth(cal, d0, d1, (ms) => { const x = Math.round(X(ms)) + 0.5; ctx.moveTo(x, top); ctx.lineTo(x, bottom); });
    ctx.strokeStyle = C.grid; ctx.lineWidth = 1; ctx.stroke();
  }

  function eachMonth(cal, d0, d1, fn) {
    const a = cal.date(d0);
    let y = a.getUTCFullYear(), mo = a.getUTCMonth();
    for (;;) {
      const s = cal.dayOf(y, mo, 1), e = cal.dayOf(y, mo + 1, 1);
      if (s >= d1) break;
      fn(s, e, y, mo);
      mo++; if (mo === 12) { mo = 0; y++; }
    }
  }

  function paintHeader(ctx, chart, v, X, d0, d1) {
    const { w, labelW, dayW } = v;
    const cal = chart.model.cal, headerH = HEADER_H, half = headerH / 2;
    ctx.save();
    ctx.fillStyle = C.headerBg;
    ctx.fillRect(0, 0, w, headerH);
    ctx.textBaseline = 'middle';
    ctx.fillStyle = C.muted;
    ctx.font = '12px ' + FONT;
    const corner = v.narrow ? '任务' : '任务 · 牵头单位 · 包联领导';
    ctx.fillText(ellipsize(ctx, corner, labelW - 16), v.narrow ? 6 : 10, headerH / 2);
    ctx.beginPath();
    ctx.rect(labelW, 0, w - labelW, headerH);
    ctx.clip();
    ctx.font = '12px ' + FONT;
    ctx.fillStyle = C.text;
    ctx.textAlign = 'center';
    ctx.beginPath();
    // One label style for the whole axis: "2023年11月" where every month has room, otherwise "11月" with each
    // January (and the first month shown) named by its year alone, so the axis never mixes the two.
    let roomy = true;
    eachMonth(cal, d0, d1, (s, e, y, mo) => {
      if (ctx.measureText(y + '年' + (mo + 1) + '月').width + 8 > X(e) - X(s)) roomy = false;
    });
    let first = true;
    eachMonth(cal, d0, d1, (s, e, y, mo) => {
      const x0 = X(s), x1 = X(e);
      const label = roomy ? y + '年' + (mo + 1) + '月' : (mo === 0 || first ? y + '年' : (mo + 1) + '月');
      first = false;
      const tw = ctx.measureText(label).width;
      // Keep the month name in view while its month is partly scrolled off, and drop it when it no longer fits.
      const left = Math.max(x0, labelW);
      if (tw + 8 <= x1 - left) {
        ctx.fillText(label, Math.min(Math.max((x0 + x1) / 2, left + tw / 2 + 4), x1 - tw / 2 - 4), half / 2 + 2);
      }
      const x = Math.round(x0) + 0.5;
      ctx.moveTo(x, 0); ctx.lineTo(x, headerH);
    });
    ctx.strokeStyle = C.grid; ctx.lineWidth = 1; ctx.stroke();
    ctx.fillStyle = C.muted;
    ctx.font = '11px ' + FONT;
    ctx.beginPath();
    if (dayW >= 16) {
      for (let d = d0; d < d1; d++) {
        ctx.fillText(String(cal.date(d).getUTCDate()), X(d + 0.5), half + half / 2);
      }
    } else if (dayW * 7 >= 10) {
      let d = d0 + ((8 - cal.date(d0).getUTCDay()) % 7);
      for (; d < d1; d += 7) {
        const x = Math.round(X(d)) + 0.5;
        ctx.moveTo(x, half); ctx.lineTo(x, headerH);
        if (dayW * 7 >= 18) ctx.fillText(String(cal.date(d).getUTCDate()), X(d + 3.5), half + half / 2);
      }
    }
    ctx.strokeStyle = C.grid; ctx.stroke();
    const today = chart.model.today;
    if (today !== null) {
      const tx = X(today + 0.5);
      if (tx >= labelW && tx <= w) {
        ctx.fillStyle = C.today;
        ctx.fillRect(Math.round(tx) - 1, half, 2, half);
        ctx.font = 'bold 11px ' + FONT;
        const tw = ctx.measureText('今日').width + 8;
        ctx.fillRect(tx - tw / 2, half + 2, tw, 15);
        ctx.fillStyle = '#fff';
        ctx.fillText('今日', tx, half + 10);
      }
    }
    ctx.restore();
    ctx.fillStyle = C.grid;
    ctx.fillRect(0, headerH - 1, w, 1);
    ctx.fillRect(labelW, half, w - labelW, 1);
  }

  // A pennant on a pole: red = milestone done, black = milestone overdue (Laixi 2021).
  function drawFlag(ctx, x, rowTop, base, color, crit) {
    const top = rowTop + 3, fw = crit ? 12 : 10, fh = crit ? 9 : 8;
    ctx.fillStyle = C.pole;
    ctx.fillRect(x - (crit ? 1.25 : 0.75), top, crit ? 2.5 : 1.5, base - top);
    ctx.beginPath();
    ctx.moveTo(x, top); ctx.lineTo(x + fw, top + fh / 2); ctx.lineTo(x, top + fh); ctx.closePath();
    ctx.fillStyle = color;
    ctx.fill();
    if (crit) { ctx.lineWidth = 2; ctx.strokeStyle = '#000'; ctx.stroke(); }
  }

  function drawDiamond(ctx, x, y, crit) {
    const r = crit ? 6.5 : 5;
    ctx.beginPath();
    ctx.moveTo(x, y - r); ctx.lineTo(x + r, y); ctx.lineTo(x, y + r); ctx.lineTo(x - r, y); ctx.closePath();
    ctx.fillStyle = '#fff';
    ctx.fill();
    ctx.lineWidth = crit ? 2.75 : 1.25;
    ctx.strokeStyle = crit ? '#000' : C.planned;
    ctx.stroke();
  }

  function el(tag, cls, parent) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (parent) parent.appendChild(e);
    return e;
  }

  class Chart {
    constructor(container, data, options) {
      const t0 = performance.now();
      this.options = Object.assign({ rowHeight: 34, labelWidth: 300, minDayWidth: 2.5, dayWidth: null,
        groupBy: null, filter: null, onRowClick: null, title: '作战进度图', printMaxRows: 1500 }, options || {});
      this.container = container;
      this.model = new Model(data);
      this.filterFn = this.options.filter;
      this.groupBy = this.options.groupBy;
      this.collapsed = new Set();
      this.hover = -1;
      this.frame = 0;
      this.stats = newStats();
      this.build();
      this.rebuild();
      this.layout(true);
      this.draw();
      this.stats.renderMs = performance.now() - t0;
    }

    build() {
      const o = this.options;
      const root = el('div', 'gg-root');
      root.style.position = 'relative';
      root.style.overflow = 'hidden';
      if (o.height) root.style.height = o.height + 'px';
      else root.style.height = this.container.clientHeight >= 120 ? '100%' : '70vh';
      const scroller = el('div', 'gg-scroller', root);
      Object.assign(scroller.style, { position: 'absolute', left: 0, top: 0, right: 0, bottom: 0, overflow: 'auto' });
      scroller.tabIndex = 0;
      scroller.setAttribute('role', 'region');
      scroller.setAttribute('aria-label', (o.title || '作战进度图') + '：' + this.model.n + ' 项，可用方向键滚动');
      const spacer = el('div', 'gg-spacer', scroller);
      spacer.style.pointerEvents = 'none';
      const canvas = el('canvas', 'gg-canvas', root);
      Object.assign(canvas.style, { position: 'absolute', left: 0, top: 0, pointerEvents: 'none' });
      const tip = el('div', 'gg-tip', root);
      tip.style.display = 'none';
      this.container.appendChild(root);
      Object.assign(this, { root, scroller, spacer, canvas, tip, ctx: canvas.getContext('2d') });

      this.onScroll = () => this.schedule();
      this.onMove = (e) => this.move(e);
      this.onLeave = () => { this.hover = -1; this.tip.style.display = 'none'; this.schedule(); };
      this.onClick = (e) => this.click(e);
      this.onKey = (e) => this.key(e);
      this.onBeforePrint = () => { if (!this.printRoot) this.preparePrint(); };
      this.onAfterPrint = () => this.clearPrint();
      scroller.addEventListener('scroll', this.onScroll, { passive: true });
      scroller.addEventListener('mousemove', this.onMove);
      scroller.addEventListener('mouseleave', this.onLeave);
      scroller.addEventListener('click', this.onClick);
      scroller.addEventListener('keydown', this.onKey);
      window.addEventListener('beforeprint', this.onBeforePrint);
      window.addEventListener('afterprint', this.onAfterPrint);
      if (global.ResizeObserver) {
        this.ro = new ResizeObserver(() => { if (this.layout(false)) this.draw(); });
        this.ro.observe(root);
      }
    }

    rebuild() {
      this.view = buildView(this.model, this.filterFn, this.groupBy, this.collapsed);
    }

    // Geometry from the current size; true when something changed.
    layout(initial) {
      const o = this.options, sc = this.scroller;
      const rootW = this.root.clientWidth || 800;
      const narrow = rootW < 600;
      const labelW = narrow ? Math.max(110, Math.min(150, Math.round(rootW * 0.34))) : o.labelWidth;
      const span = this.model.day1 - this.model.day0;
      const rowH = o.rowHeight;
      const fullH = HEADER_H + this.view.lines.length * rowH;
      const fit = (rootW - labelW - (fullH > (this.root.clientHeight || 0) ? 16 : 0)) / span;
      const dayW = o.dayWidth || Math.max(o.minDayWidth, fit);
      this.spacer.style.width = Math.ceil(labelW + span * dayW) + 'px';
      this.spacer.style.height = fullH + 'px';
      const w = sc.clientWidth, h = sc.clientHeight;
      const dpr = global.devicePixelRatio || 1;
      const g = this.geo;
      const changed = !g || g.w !== w || g.h !== h || g.dpr !== dpr || g.labelW !== labelW || g.dayW !== dayW;
      this.geo = { w, h, dpr, labelW, dayW, rowH, narrow };
      if (changed) {
        this.canvas.width = Math.max(1, Math.round(w * dpr));
        this.canvas.height = Math.max(1, Math.round(h * dpr));
        this.canvas.style.width = w + 'px';
        this.canvas.style.height = h + 'px';
      }
      if (initial && this.model.today !== null) {
        const tx = (this.model.today - this.model.day0) * dayW;
        const visible = w - labelW;
        if (tx > visible * 0.8) sc.scrollLeft = Math.max(0, tx - visible / 3);
      }
      return changed;
    }

    schedule() {
      if (this.frame) return;
      this.frame = requestAnimationFrame(() => { this.frame = 0; this.draw(); });
    }

    draw() {
      if (!this.ctx) return;
      const g = this.geo;
      if ((global.devicePixelRatio || 1) !== g.dpr) this.layout(false);
      const ctx = this.ctx;
      ctx.setTransform(this.geo.dpr, 0, 0, this.geo.dpr, 0, 0);
      const st = paint(ctx, this, Object.assign({}, this.geo,
        { sx: this.scroller.scrollLeft, sy: this.scroller.scrollTop, hover: this.hover }));
      const keep = this.stats;
      Object.assign(keep, st, {
        rows: this.model.n, visibleRows: this.view.lines.length, groups: this.view.groups.length,
        day0: this.model.day0, dayWidth: this.geo.dayW, labelWidth: this.geo.labelW, rowHeight: this.geo.rowH,
        draws: keep.draws + 1, renderMs: keep.renderMs,
      });
    }

    lineAt(e) {
      const rect = this.scroller.getBoundingClientRect();
      const x = e.clientX - rect.left, y = e.clientY - rect.top;
      if (y < HEADER_H || x > this.geo.w || y > this.geo.h) return { line: -1, x, y };
      const line = Math.floor((y - HEADER_H + this.scroller.scrollTop) / this.geo.rowH);
      return { line: line < this.view.lines.length ? line : -1, x, y };
    }

    move(e) {
      const hit = this.lineAt(e);
      if (hit.line !== this.hover) { this.hover = hit.line; this.schedule(); }
      this.scroller.style.cursor = hit.line >= 0 ? 'pointer' : '';
      const entry = hit.line >= 0 ? this.view.lines[hit.line] : -1;
      if (entry < 0) { this.tip.style.display = 'none'; return; }
      this.showTip(entry, hit);
    }

    showTip(i, hit) {
      const m = this.model, row = m.rowObject(i), tip = this.tip;
      const day = hit.x > this.geo.labelW
        ? m.day0 + (hit.x - this.geo.labelW + this.scroller.scrollLeft) / this.geo.dayW : null;
      let near = null;
      if (day !== null) {
        for (const ms of row.milestones) {
          const dist = Math.abs(ms.day + 0.5 - day) * this.geo.dayW;
          if (dist <= 8 && (!near || dist < near.dist)) near = { ms, dist };
        }
      }
      tip.textContent = '';
      el('div', 'gg-tip-title', tip).textContent = row.title;
      const meta = [row.unit, row.leader].filter(Boolean).join(' · ');
      if (meta) el('div', 'gg-tip-meta', tip).textContent = meta;
      el('div', '', tip).textContent = (row.start || '?') + ' 至 ' + (row.end || '?') + ' · 进度 '
        + (Math.round(m.progress(i) * 10) / 10).toFixed(1) + '%' + (row.done ? '（已完成）' : '');
      if (row.card) el('div', '', tip).textContent = '当前亮牌：' + row.cardWord + '牌';
      const list = near ? [near.ms] : row.milestones;
      list.forEach((ms) => {
        const d = el('div', 'gg-tip-ms gg-ms-' + ms.status + (near ? ' gg-tip-near' : ''), tip);
        d.textContent = '节点：' + (ms.title || '') + ' ' + ms.date + ' ' + ms.statusName + (ms.critical ? ' · 关键节点' : '');
      });
      tip.style.display = 'block';
      const tw = tip.offsetWidth, th = tip.offsetHeight;
      let left = hit.x + 14, top = hit.y + 14;
      if (left + tw > this.geo.w) left = Math.max(0, hit.x - tw - 10);
      if (top + th > this.geo.h) top = Math.max(0, hit.y - th - 10);
      tip.style.left = left + 'px';
      tip.style.top = top + 'px';
    }

    click(e) {
      const hit = this.lineAt(e);
      if (hit.line < 0) return;
      this.activate(hit.line);
    }

    activate(line) {
      const entry = this.view.lines[line];
      if (entry < 0) {
        const g = this.view.groups[-entry - 1];
        if (this.collapsed.has(g.label)) this.collapsed.delete(g.label); else this.collapsed.add(g.label);
        this.refresh();
      } else if (this.options.onRowClick) {
        this.options.onRowClick(this.model.rowObject(entry));
      }
    }

    key(e) {
      // Arrow keys, Page Up/Down, Home/End scroll natively (the scroller has focus); Enter opens the first row in view.
      if (e.key === 'Enter') {
        const line = Math.ceil(this.scroller.scrollTop / this.geo.rowH);
        if (line < this.view.lines.length) { e.preventDefault(); this.activate(line); }
      }
    }

    refresh() {
      this.rebuild();
      this.layout(false);
      const maxTop = Math.max(0, HEADER_H + this.view.lines.length * this.geo.rowH - this.geo.h);
      if (this.scroller.scrollTop > maxTop) this.scroller.scrollTop = maxTop;
      this.hover = -1;
      this.tip.style.display = 'none';
      this.draw();
    }

    // A later window: rows join the view where they fall; the scroll position and the hovered row stay.
    append(data) {
      const moved = this.model.append(data);
      this.rebuild();
      if (this.hover >= this.view.lines.length) this.hover = -1;
      this.layout(false);
      if (moved) this.tip.style.display = 'none';
      this.scroller.setAttribute('aria-label', (this.options.title || '作战进度图') + '：' + this.model.n
        + ' 项，可用方向键滚动');
      this.draw();
    }

    setFilter(fn) { this.filterFn = fn || null; this.refresh(); }

    setGroupBy(key) { this.groupBy = key || null; this.collapsed.clear(); this.refresh(); }

    // Scroll so the row with this id is in view; false when it is filtered out or collapsed.
    scrollToRow(id) {
      const ci = this.model.col.id, lines = this.view.lines;
      for (let li = 0; li < lines.length; li++) {
        if (lines[li] >= 0 && this.model.rows[lines[li]][ci] === id) {
          this.scroller.scrollTop = li * this.geo.rowH;
          this.draw();
          return true;
        }
      }
      return false;
    }

    // Where a row's bar (at a given day) and its flag sit on the canvas, in CSS px; null when not on screen.
    locate(id, day) {
      const ci = this.model.col.id, lines = this.view.lines, g = this.geo;
      for (let li = 0; li < lines.length; li++) {
        if (lines[li] < 0 || this.model.rows[lines[li]][ci] !== id) continue;
        const top = HEADER_H + li * g.rowH - this.scroller.scrollTop;
        const x = g.labelW + (day + 0.5 - this.model.day0) * g.dayW - this.scroller.scrollLeft;
        const barTop = top + Math.round(g.rowH * 0.42), barH = Math.max(6, Math.round(g.rowH * 0.3));
        if (top < HEADER_H || top + g.rowH > g.h) return null;
        return { x, y: barTop + barH / 2, rowTop: top, flagX: x + 3, flagY: top + 3 + 4 };
      }
      return null;
    }

    /*
     * Print: the whole (filtered, grouped) chart on A3 landscape pages, as images, one per page.
     * Up to printMaxRows lines; beyond that the first page says so — filter first to print a town or a leader.
     */
    preparePrint() {
      this.clearPrint();
      const o = this.options, m = this.model;
      const pageW = 1512, pageH = 1047 - 30, scale = 1.5, rowH = 30, labelW = 380;
      const perPage = Math.floor((pageH - HEADER_H) / rowH);
      const total = Math.min(this.view.lines.length, o.printMaxRows);
      const pages = Math.max(1, Math.ceil(total / perPage));
      const dayW = (pageW - labelW) / (m.day1 - m.day0);
      const canvas = document.createElement('canvas');
      const h = HEADER_H + perPage * rowH;
      canvas.width = pageW * scale;
      canvas.height = h * scale;
      const ctx = canvas.getContext('2d');
      const root = el('div', 'gg-print-root', document.body);
      const stamp = m.today !== null ? m.cal.str(m.today) : '';
      for (let p = 0; p < pages; p++) {
        ctx.setTransform(scale, 0, 0, scale, 0, 0);
        const rows = Math.min(perPage, total - p * perPage);
        const ph = HEADER_H + Math.max(rows, 0) * rowH;
        paint(ctx, this, { w: pageW, h: ph, labelW, rowH, dayW, sx: 0, sy: p * perPage * rowH, hover: -1, narrow: false });
        if (ph < h) { ctx.fillStyle = '#fff'; ctx.fillRect(0, ph, pageW, h - ph); }
        const page = el('div', 'gg-print-page', root);
        const cap = el('div', 'gg-print-caption', page);
        let text = (o.title || '作战进度图') + (stamp ? ' · ' + stamp : '') + ' · 第 ' + (p + 1) + ' / ' + pages + ' 页';
        if (p === 0 && this.view.lines.length > total) {
          text += ' · 仅打印前 ' + total + ' 行（共 ' + this.view.lines.length + ' 行），请先筛选后再打印';
        }
        cap.textContent = text;
        const img = el('img', 'gg-print-img', page);
        img.alt = text;
        img.src = canvas.toDataURL('image/png');
      }
      document.body.classList.add('gg-printing');
      this.printRoot = root;
      return pages;
    }

    clearPrint() {
      if (this.printRoot) { this.printRoot.remove(); this.printRoot = null; }
      document.body.classList.remove('gg-printing');
    }

    printA3() {
      this.preparePrint();
      global.print();
    }

    destroy() {
      const sc = this.scroller;
      sc.removeEventListener('scroll', this.onScroll);
      sc.removeEventListener('mousemove', this.onMove);
      sc.removeEventListener('mouseleave', this.onLeave);
      sc.removeEventListener('click', this.onClick);
      sc.removeEventListener('keydown', this.onKey);
      window.removeEventListener('beforeprint', this.onBeforePrint);
      window.removeEventListener('afterprint', this.onAfterPrint);
      if (this.ro) this.ro.disconnect();
      if (this.frame) cancelAnimationFrame(this.frame);
      this.clearPrint();
      this.root.remove();
      this.ctx = null;
    }
  }

  function render(container, data, options) {
    const chart = new Chart(container, data, options);
    return {
      stats: chart.stats,
      setFilter: (fn) => chart.setFilter(fn),
      setGroupBy: (key) => chart.setGroupBy(key),
      append: (data) => chart.append(data),
      scrollToRow: (id) => chart.scrollToRow(id),
      locate: (id, day) => chart.locate(id, day),
      redraw: () => chart.draw(),
      preparePrint: () => chart.preparePrint(),
      clearPrint: () => chart.clearPrint(),
      printA3: () => chart.printA3(),
      destroy: () => chart.destroy(),
    };
  }

  global.GongjianGantt = { render, version: 1 };
}(window));
