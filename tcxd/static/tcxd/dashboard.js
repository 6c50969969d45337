// Dashboard (Tổng quan): draws the five charts with Chart.js (vendored, served locally) from the data the
// page carries in <script id="dashboard-data" type="application/json"> (CSP: no inline script), and turns
// each chart's table into a "Xem bảng" toggle. Without this script (or Chart.js) the tables stay visible.
(function () {
  "use strict";

  const source = document.getElementById("dashboard-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  const Chart = window.Chart;
  const data = JSON.parse(source.textContent);
  const charts = {};
  data.charts.forEach(function (c) { charts[c.key] = c; });
  const number = new Intl.NumberFormat("vi-VN");
  const reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  Chart.defaults.locale = "vi-VN";
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
  if (reduceMotion) {
    Chart.defaults.animation = false;
  }

  const COLORS = {
    official: "#b71c1c", probationary: "#f9a825", M: "#1565c0", F: "#d81b60", "?": "#9e9e9e",
    achieved: "#b71c1c", planned: "#455a64", congress: "#2e7d32",
  };
  const PALETTE = ["#9e9e9e", "#ffcc80", "#ffa726", "#e53935", "#8e24aa", "#6d4c41", "#546e7a"];

  function series(chart, key) {
    return chart.series.find(function (s) { return s.key === key; });
  }

  function labels(chart) {
    return chart.categories.map(function (c) { return c.label; });
  }

  function shorten(text, max) {
    return text.length > max ? text.slice(0, max - 1) + "…" : text;
  }

  // A tooltip line showing the server's Vietnamese text of the value (e.g. "61,83 %").
  function textOf(chart, key, index) {
    const s = series(chart, key);
    return s ? s.texts[index] : "";
  }

  const builders = {
    members_by_status: function (chart) {
      return {
        type: "bar",
        data: {
          labels: labels(chart),
          datasets: chart.series.filter(function (s) { return s.drawn; }).map(function (s) {
            return { label: s.label, data: s.values, backgroundColor: COLORS[s.key] || "#607d8b" };
          }),
        },
        options: {
          scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
          plugins: {
            tooltip: {
              callbacks: {
                footer: function (items) {
                  return items.length ? "Tổng số: " + textOf(chart, "total", items[0].dataIndex) : "";
                },
              },
            },
          },
        },
      };
    },

    admissions: function (chart) {
      const achieved = series(chart, "achieved");
      const planned = series(chart, "planned");
      const datasets = [{
        label: achieved.label, data: achieved.values, borderColor: COLORS.achieved,
        backgroundColor: COLORS.achieved, tension: 0.15, spanGaps: false, pointRadius: 3,
      }];
      if (planned.values.some(function (v) { return v !== null; })) {
        datasets.push({
          label: planned.label, data: planned.values, borderColor: COLORS.planned, backgroundColor: COLORS.planned,
          borderDash: [6, 4], pointRadius: 0, borderWidth: 2,
        });
      }
      return {
        type: "line",
        data: { labels: labels(chart), datasets: datasets },
        options: {
          scales: {
            // "Tháng 11 (đến 21/11/2026)" on the axis is "Tháng 11"; the tooltip and the table say the rest.
            x: { ticks: { callback: function (value) { return this.getLabelForValue(value).split(" (")[0]; } } },
            y: { beginAtZero: true, ticks: { precision: 0 } },
          },
          plugins: {
            tooltip: {
              callbacks: {
                footer: function (items) {
                  const ratio = items.length ? textOf(chart, "ratio", items[0].dataIndex) : "–";
                  return ratio !== "–" ? "Tỷ lệ đạt: " + ratio : "";
                },
              },
            },
          },
        },
      };
    },

    pyramid: function (chart) {
      // Oldest band on top; men to the left (negative lengths), women to the right.
      const order = chart.categories.map(function (_c, i) { return i; }).reverse();
      const drawn = chart.series.filter(function (s) { return s.drawn; });
      return {
        type: "bar",
        data: {
          labels: order.map(function (i) { return chart.categories[i].label; }),
          datasets: drawn.map(function (s, k) {
            const sign = k === 0 ? -1 : 1;
            return {
              label: s.label, backgroundColor: COLORS[s.key] || PALETTE[k],
              data: order.map(function (i) { return sign * s.values[i]; }),
            };
          }),
        },
        options: {
          indexAxis: "y",
          scales: {
            x: { stacked: true, ticks: { precision: 0, callback: function (v) { return number.format(Math.abs(v)); } } },
            y: { stacked: true },
          },
          plugins: {
            tooltip: {
              callbacks: {
                label: function (ctx) { return ctx.dataset.label + ": " + number.format(Math.abs(ctx.raw)); },
              },
            },
          },
        },
      };
    },

    political_theory: function (chart) {
      const members = series(chart, "members");
      return {
        type: "doughnut",
        data: {
          labels: labels(chart),
          datasets: [{ label: members.label, data: members.values, backgroundColor: PALETTE }],
        },
        options: {
          plugins: {
            legend: { position: "right" },
            tooltip: {
              callbacks: {
                label: function (ctx) {
                  return ctx.label + ": " + number.format(ctx.raw) + " (" + textOf(chart, "share", ctx.dataIndex) + ")";
                },
              },
            },
          },
        },
      };
    },

    congress: function (chart, box) {
      // One bar per subordinate org: the box grows with their number (CSSOM, allowed by the CSP).
      box.style.height = Math.max(240, 22 * chart.categories.length + 70) + "px";
      const ratio = series(chart, "ratio");
      return {
        type: "bar",
        data: {
          labels: labels(chart),
          datasets: [{ label: "Tỷ lệ chi bộ đã đại hội (%)", data: ratio.values, backgroundColor: COLORS.congress }],
        },
        options: {
          indexAxis: "y",
          scales: {
            x: { min: 0, max: 100, ticks: { callback: function (v) { return number.format(v) + " %"; } } },
            y: { ticks: { autoSkip: false, callback: function (value) { return shorten(this.getLabelForValue(value), 34); } } },
          },
          plugins: {
            legend: { display: false },
            tooltip: {
              callbacks: {
                label: function (ctx) {
                  const i = ctx.dataIndex;
                  return textOf(chart, "held", i) + "/" + textOf(chart, "cells", i) + " chi bộ (" + ratio.texts[i] + ")";
                },
              },
            },
          },
        },
      };
    },
  };

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    const chart = charts[canvas.dataset.chart];
    const build = builders[canvas.dataset.chart];
    if (chart && build) {
      new Chart(canvas, build(chart, canvas.parentElement));
    }
  });

  // "Xem bảng": the table is hidden behind its toggle once the chart is drawn.
  function setOpen(button, table, open) {
    table.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    button.querySelector("span").textContent = open ? "Ẩn bảng" : "Xem bảng";
  }

  document.querySelectorAll("[data-table-toggle]").forEach(function (button) {
    const table = document.getElementById(button.getAttribute("aria-controls"));
    if (!table) {
      return;
    }
    setOpen(button, table, false);
    button.hidden = false;
    button.addEventListener("click", function () {
      setOpen(button, table, table.hidden);
    });
  });
}());
