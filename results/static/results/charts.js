/* The public results pages: charts (Chart.js), the world map (d3-geo, topojson-client) and sortable
   tables. Every figure comes from JSON the server built (json_script), with its labels and numbers
   already written in the page's language. Each chart has a table beside it with the same figures. */
(function () {
  "use strict";

  var lang = document.documentElement.lang || "en";
  var OUTLINE = "#495057";
  var collator = new Intl.Collator(lang, { sensitivity: "base", numeric: true });

  function readJSON(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function svgElement(name, attributes) {
    var element = document.createElementNS("http://www.w3.org/2000/svg", name);
    Object.keys(attributes || {}).forEach(function (key) {
      element.setAttribute(key, attributes[key]);
    });
    return element;
  }

  if (window.Chart) {
    // Axis and legend text in the page's text colour (Chart.js's grey is light on white).
    window.Chart.defaults.color = "#212529";
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  }

  // The options every chart here shares: horizontal bars, drawn at once, no legend (the page has
  // one), in the page's language; only the axes and the tooltip differ.
  function shortened(label) {
    return label.length > 40 ? label.slice(0, 39) + "…" : label;
  }

  function horizontalBarOptions(locale, scales, tooltipLabel) {
    return {
      indexAxis: "y",
      locale: locale,
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: scales,
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: tooltipLabel } }
      }
    };
  }

  function distributionChart(canvas) {
    var data = readJSON(canvas.dataset.source);
    if (!data || !window.Chart) return;
    var regions = data.regions;
    var numberFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
    var datasets = data.categories.map(function (category, index) {
      return {
        label: category.label,
        data: regions.map(function (region) { return region.shares[index] || 0; }),
        backgroundColor: category.colour,
        borderColor: OUTLINE,
        borderWidth: 1,
        borderSkipped: false
      };
    });
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: regions.map(function (region) { return region.name + " (" + region.responding + ")"; }),
        datasets: datasets
      },
      options: horizontalBarOptions(lang, {
        x: {
          stacked: true, min: 0, max: 100,
          ticks: { callback: function (value) { return numberFormat.format(value) + data.percent_sign; } }
        },
        y: { stacked: true }
      }, function (context) {
        var region = regions[context.dataIndex];
        var index = context.datasetIndex;
        return data.categories[index].label + ": " + region.shares_text[index] +
          " (" + region.counts[index] + ")";
      })
    });
    canvas.dataset.drawn = "true";
  }

  function countryChart(canvas) {
    var data = readJSON(canvas.dataset.source);
    if (!data || !window.Chart) return;
    var labels = {};
    data.categories.forEach(function (category) { labels[category.category] = category.label; });
    var colours = {};
    data.categories.forEach(function (category) { colours[category.category] = category.colour; });
    var values = data.rounds[0].values;
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.measures,
        datasets: [{
          label: data.rounds[0].name,
          data: values.map(function (value) { return value || 0; }),
          backgroundColor: values.map(function (value) { return colours[value] || "#d9d9d9"; }),
          borderColor: OUTLINE,
          borderWidth: 1
        }]
      },
      options: horizontalBarOptions(lang, {
        x: {
          min: 0, max: 4,
          ticks: { stepSize: 1, callback: function (value) { return labels[value] || ""; } }
        },
        // Long domain names are shortened on the axis (the table beside the chart has them whole).
        y: { ticks: { callback: function (value) { return shortened(this.getLabelForValue(value)); } } }
      }, function (context) { return labels[values[context.dataIndex]] || "—"; })
    });
    canvas.dataset.drawn = "true";
  }

  function worldMap(container) {
    var data = readJSON(container.dataset.source);
    if (!data || !window.d3 || !window.topojson) return;
    fetch(container.dataset.geometry)
      .then(function (response) { return response.json(); })
      .then(function (topology) {
        var width = 960;
        var height = 500;
        var features = window.topojson.feature(topology, topology.objects.countries).features
          .filter(function (feature) { return feature.id !== "010"; }); // Antarctica
        var projection = window.d3.geoNaturalEarth1()
          .fitExtent([[4, 4], [width - 4, height - 4]], { type: "Sphere" });
        var path = window.d3.geoPath(projection);
        var svg = svgElement("svg", {
          viewBox: "0 0 " + width + " " + height, "aria-hidden": "true", focusable: "false"
        });
        svg.appendChild(svgElement("path", { d: path({ type: "Sphere" }), "class": "map-sphere" }));
        var shapes = svgElement("g", {});
        var dots = svgElement("g", {});
        var drawn = 0;
        features.forEach(function (feature) {
          var area = data.areas[feature.id];
          var kind = area ? (area.category ? "cat-" + area.category : "no-result") : "not-covered";
          var d = path(feature);
          if (!d) return;
          var shape = svgElement("path", { d: d, "class": "map-area " + kind });
          var title = svgElement("title", {});
          title.textContent = area ? area.name + ": " + area.label : (feature.properties.name || "");
          shape.appendChild(title);
          shapes.appendChild(shape);
          drawn += 1;
          if (area && path.area(feature) < 8) {
            // Too small to see: a dot of the same colour at its centre.
            var centre = path.centroid(feature);
            var dot = svgElement("circle", {
              cx: centre[0], cy: centre[1], r: 3, "class": "map-area map-dot " + kind
            });
            dot.appendChild(title.cloneNode(true));
            dots.appendChild(dot);
          }
        });
        svg.appendChild(shapes);
        svg.appendChild(dots);
        container.appendChild(svg);
        container.dataset.drawn = String(drawn);
      });
  }

  function sortableTable(table) {
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    table.parentNode.insertBefore(status, table);
    headers.forEach(function (header, column) {
      var button = header.querySelector(".sort-button");
      if (!button) return;
      button.addEventListener("click", function () {
        var ascending = header.getAttribute("aria-sort") !== "ascending";
        var numeric = button.dataset.type === "number";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column].dataset.sort;
          var y = b.cells[column].dataset.sort;
          var order = numeric ? Number(x) - Number(y) : collator.compare(x, y);
          if (!ascending) order = -order;
          // Equal values keep the countries in alphabetical order.
          return order || collator.compare(a.cells[0].dataset.sort, b.cells[0].dataset.sort);
        });
        rows.forEach(function (row) { body.appendChild(row); });
        headers.forEach(function (other) {
          if (other.querySelector(".sort-button")) other.setAttribute("aria-sort", "none");
        });
        header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        status.textContent = button.textContent + ": " +
          (ascending ? table.dataset.ascending || "↑" : table.dataset.descending || "↓");
      });
    });
  }

  document.querySelectorAll("canvas.distribution-chart").forEach(distributionChart);
  document.querySelectorAll("canvas.country-chart").forEach(countryChart);
  document.querySelectorAll(".world-map").forEach(worldMap);
  document.querySelectorAll("table.sortable").forEach(sortableTable);
})();
