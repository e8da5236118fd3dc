// Draws every .rocu-chart from the JSON beside it; a point's customdata URL opens on click.
(function () {
  function draw(root) {
    root.querySelectorAll(".rocu-chart:not([data-drawn])").forEach(function (el) {
      var source = document.getElementById(el.dataset.figure);
      if (!source || !window.Plotly) return;
      var fig = JSON.parse(source.textContent);
      el.setAttribute("data-drawn", "1");
      window.Plotly.newPlot(el, fig.data, fig.layout, { responsive: true, displaylogo: false });
      el.on("plotly_click", function (ev) {
        var cd = ev.points && ev.points[0] && ev.points[0].customdata;
        var url = Array.isArray(cd) ? cd[0] : cd;
        if (typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/") window.location.assign(url);
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (ev) { draw(ev.target); });
})();
