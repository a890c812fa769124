/* Page behaviour declared in the HTML with data- attributes, so that no page needs an inline script
   (the Content-Security-Policy allows scripts from this site only). */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }

  // A select that applies itself when changed (period, campaign switchers).
  document.addEventListener("change", function (e) {
    const el = e.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) el.form.submit();
  });

  // Forms that ask before an irreversible step (publishing).
  document.addEventListener("submit", function (e) {
    const form = e.target;
    const question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) e.preventDefault();
  });

  document.addEventListener("click", function (e) {
    const el = e.target.closest ? e.target.closest("[data-print], [data-check-all]") : null;
    if (!el) return;
    if (el.hasAttribute("data-print")) window.print();
    if (el.hasAttribute("data-check-all")) {
      const name = el.getAttribute("data-check-all");
      document.querySelectorAll("input[type=checkbox][name='" + name + "']").forEach(function (c) { c.checked = el.checked; });
    }
  });

  // A date (with its time), a status or a word of two to four characters is read as one unit: a cell or button never breaks it
  // across lines (a narrow column breaks the longer text beside it instead).
  const DATE = /^(\d{4}-\d{1,2}-\d{1,2}( \d{1,2}:\d{2}(:\d{2})?)?|\d{4}年\d{1,2}月\d{1,2}日|\d{1,2}月\d{1,2}日( ?\d{1,2}:\d{2})?)$/;
  const SHORT = /^[\u4e00-\u9fff]{2,4}$/;
  function keepWhole(root) {
    root.querySelectorAll("td, th, button, .btn, .badge, .badge-card").forEach(function (el) {
      for (const node of el.childNodes) {
        if (node.nodeType !== Node.TEXT_NODE) continue;
        const text = node.textContent.trim();
        if (DATE.test(text) || SHORT.test(text)) { el.classList.add("text-nowrap"); return; }
      }
    });
  }
  document.addEventListener("htmx:afterSwap", function (e) { keepWhole(e.target); });

  ready(function () {
    keepWhole(document);
    // Bootstrap looks for forms rendered by Django's default widgets.
    document.querySelectorAll("form[data-bootstrap-fields]").forEach(function (form) {
      const small = form.getAttribute("data-bootstrap-fields") === "sm";
      form.querySelectorAll("input:not([type=checkbox]):not([type=radio]):not([type=hidden]):not([type=file]), select, textarea")
        .forEach(function (el) {
          const cls = el.tagName === "SELECT" ? "form-select" : "form-control";
          el.classList.add(cls);
          if (small) el.classList.add(cls + "-sm");
        });
    });

    // A filter panel folds on a phone so that the page's content comes first.
    document.querySelectorAll("details[data-fold-on-phone]").forEach(function (d) {
      if (window.matchMedia("(min-width: 577px)").matches) d.open = true;
    });

    // Long unit and leader lists: a box above filters them by name or pinyin initials ("fgj" → 发改局).
    document.querySelectorAll("select[data-pinyin-search]").forEach(function (select) {
      const box = document.createElement("input");
      box.type = "search";
      box.className = "form-control form-control-sm mb-1";
      box.placeholder = "输入名称或拼音首字母查找";
      const label = select.labels && select.labels[0] ? select.labels[0].textContent.trim() : "";
      box.setAttribute("aria-label", "查找" + label);
      select.parentNode.insertBefore(box, select);
      box.addEventListener("input", function () {
        const q = box.value.trim().toLowerCase();
        let first = null;
        Array.from(select.options).forEach(function (o) {
          if (!o.value) return;
          const hit = !q || o.text.toLowerCase().indexOf(q) >= 0 || (o.dataset.pinyin || "").indexOf(q) === 0;
          o.hidden = !hit;
          if (hit && !first) first = o;
        });
        if (q && first && !select.multiple) select.value = first.value;
      });
    });

    // "Use my location" on the ticket forms.
    const locate = document.getElementById("locate");
    if (locate) {
      const status = document.getElementById("locate-status");
      locate.addEventListener("click", function () {
        if (!navigator.geolocation) { status.textContent = "此设备不支持定位，请填写详细地址"; return; }
        status.textContent = "正在定位…";
        navigator.geolocation.getCurrentPosition(function (pos) {
          document.getElementById("id_lat").value = pos.coords.latitude.toFixed(6);
          document.getElementById("id_lng").value = pos.coords.longitude.toFixed(6);
          status.textContent = "已定位（" + pos.coords.latitude.toFixed(4) + "，" + pos.coords.longitude.toFixed(4) + "）";
        }, function () { status.textContent = "定位失败，请填写详细地址"; }, { timeout: 10000 });
      });
    }
  });
}());
