/* Draw the dashboard's charts from the JSON the page carries (no requests, no CDN). */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("figures").textContent);
  var font = { fontFamily: "Noto Sans CJK SC, Microsoft YaHei, sans-serif" };
  function pie(items) {
    return { textStyle: font, tooltip: { trigger: "item" }, legend: { bottom: 0 },
      series: [{ type: "pie", radius: ["35%", "65%"], data: items, label: { formatter: "{b}: {c}" } }] };
  }
  var options = {
    filings: { textStyle: font, tooltip: { trigger: "axis" }, legend: { bottom: 0 },
      xAxis: { type: "category", data: data.filings.windows }, yAxis: { type: "value" },
      series: data.filings.series.map(function (s) { return { name: s.name, type: "bar", stack: "all", data: s.data }; }) },
    alerts_by_rule: { textStyle: font, tooltip: {}, grid: { left: 200 },
      xAxis: { type: "value" }, yAxis: { type: "category", data: data.alerts_by_rule.rules, inverse: true, axisLabel: { interval: 0 } },
      series: [{ type: "bar", data: data.alerts_by_rule.counts }] },
    alerts_by_severity: pie(data.alerts_by_severity),
    tickets: pie(data.tickets.filter(function (t) { return t.value > 0; }))
  };
  var empty = {
    filings: data.filings.windows.length === 0,
    alerts_by_rule: data.alerts_by_rule.rules.length === 0,
    alerts_by_severity: data.alerts_by_severity.length === 0,
    tickets: data.tickets.every(function (t) { return t.value === 0; })
  };
  var noData = document.getElementById("no-data").textContent;
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var chart = echarts.init(el, null, { renderer: "svg" });
    var option = options[el.dataset.chart];
    if (empty[el.dataset.chart]) {
      option = { title: { text: noData, left: "center", top: "middle",
                          textStyle: { color: "#9aa5b1", fontWeight: "normal" } } };
    }
    chart.setOption(option);
    el.setAttribute("data-rendered", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  });
}());
