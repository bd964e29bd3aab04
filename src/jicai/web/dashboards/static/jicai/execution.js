/* The execution pages' monthly trends, drawn by the local ECharts from the JSON the page
   carries (no requests, no CDN). Values are percentages with one decimal, as in the tables. */
(function () {
  "use strict";
  var font = { fontFamily: "Noto Sans CJK SC, Microsoft YaHei, sans-serif" };
  document.querySelectorAll("[data-trend]").forEach(function (el) {
    var source = document.getElementById(el.dataset.trend);
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      textStyle: font, tooltip: { trigger: "axis", valueFormatter: function (v) {
        return v === null || v === undefined ? "—" : v.toFixed(1) + "%"; } },
      legend: { bottom: 0, type: "scroll" }, grid: { left: 50, right: 20, top: 20, bottom: 60 },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
      series: data.series.map(function (s) {
        return { name: s.name, type: "line", data: s.data, connectNulls: false }; })
    });
    el.setAttribute("data-rendered", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  });
}());
