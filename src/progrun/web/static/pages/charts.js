// progrun pages: draw the charts whose data the server put in data-series (uPlot, vendored).
// No inline script (strict CSP): this file finds the chart elements on load and after each HTMX swap.
(function () {
  "use strict";
  function clock(v) {
    if (v == null || !isFinite(v)) return "";
    var s = Math.round(v);
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }
  // A legend value: the hovered point's, else the last point's (the final split, the latest week),
  // so the legend never shows empty labels or "--" while the cursor is off the chart.
  function shown(format) {
    return function (u, v, seriesIdx, idx) {
      if (idx == null) {
        idx = u.data[0].length - 1;
        v = idx >= 0 ? u.data[seriesIdx][idx] : null;
      }
      return v == null ? "" : format(v, idx);
    };
  }
  var paceValue = shown(clock);
  function wholeValue(suffix) { return shown(function (v) { return Math.round(v) + suffix; }); }
  function labelValue(labels) { return shown(function (v, idx) { return labels[idx] || ""; }); }
  var paceAxis = { scale: "pace", values: function (u, ticks) { return ticks.map(clock); }, size: 56 };
  function width(el) { return Math.max(280, el.clientWidth || 600); }
  function labelsAxis(labels) {
    return { values: function (u, ticks) { return ticks.map(function (t) { return labels[t] || ""; }); } };
  }
  // A pace axis a little wider than the data (one week alone would otherwise span 0:00 to 8:20).
  function padded(u, min, max) {
    if (min == null || max == null) { return [0, 1]; }
    var pad = Math.max(10, (max - min) * 0.1);
    return [min - pad, max + pad];
  }
  function build(el) {
    var d = JSON.parse(el.getAttribute("data-series"));
    var kind = el.getAttribute("data-chart");
    var xs = d.labels.map(function (_, i) { return i; });
    var opts, data;
    var paceScale = { pace: { dir: -1, range: padded } };  // faster paces higher: a progression climbs
    if (kind === "report") {
      opts = {
        width: width(el), height: 280, scales: Object.assign({ x: { time: false } }, paceScale),
        axes: [labelsAxis(d.labels), Object.assign({ label: "pace /" + d.unit }, paceAxis),
               { scale: "bpm", side: 1, label: "bpm", grid: { show: false } }],
        series: [{ label: "split", value: labelValue(d.labels) },
          { label: "band fast edge", scale: "pace", stroke: "#9cc3e6", value: paceValue },
          { label: "band slow edge", scale: "pace", stroke: "#9cc3e6", value: paceValue },
          { label: "target", scale: "pace", stroke: "#1f3b57", dash: [6, 4], width: 2, value: paceValue },
          { label: "pace", scale: "pace", stroke: "#1f5fa8", width: 3, points: { size: 7 }, value: paceValue },
          { label: "GAP", scale: "pace", stroke: "#2e9e5b", width: 2, points: { size: 5 }, value: paceValue },
          { label: "HR", scale: "bpm", stroke: "#b5179e", width: 1.5, value: wholeValue(" bpm") }],
        bands: [{ series: [2, 1], fill: "rgba(156,195,230,0.35)" }]
      };
      data = [xs, d.low, d.high, d.target, d.actual, d.gap, d.hr];
    } else if (kind === "ramp") {
      opts = {
        width: width(el), height: 240, scales: Object.assign({ x: { time: false } }, paceScale),
        axes: [labelsAxis(d.labels), Object.assign({ label: "pace /" + d.unit }, paceAxis)],
        series: [{ label: "split", value: labelValue(d.labels) },
          { label: "fast edge", scale: "pace", stroke: "#9cc3e6", value: paceValue },
          { label: "slow edge", scale: "pace", stroke: "#9cc3e6", value: paceValue },
          { label: "target", scale: "pace", stroke: "#1f3b57", width: 3, points: { size: 7 }, value: paceValue }],
        bands: [{ series: [2, 1], fill: "rgba(156,195,230,0.35)" }]
      };
      data = [xs, d.low, d.high, d.target];
    } else {
      opts = {
        width: width(el), height: 260, scales: Object.assign({ x: { time: false } }, paceScale),
        axes: [labelsAxis(d.labels), Object.assign({ label: "final split /" + d.unit }, paceAxis),
               { scale: "score", side: 1, label: "score", grid: { show: false } }],
        series: [{ label: "week", value: labelValue(d.labels) },
          { label: "final split", scale: "pace", stroke: "#1f5fa8", width: 3, points: { size: 8 }, value: paceValue },
          { label: "score", scale: "score", stroke: "#2e9e5b", width: 2, points: { size: 6 }, value: wholeValue("") }]
      };
      data = [xs, d.pace, d.score];
    }
    el.innerHTML = "";
    el.uplot = new uPlot(opts, data, el);
  }
  function drawAll(root) {
    if (typeof uPlot === "undefined") return;
    (root || document).querySelectorAll("[data-chart]").forEach(build);
  }
  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSwap", function (event) { drawAll(event.target); });
})();
