// The organizer's check-in dashboard: refresh the server-drawn figures every 5 s.
(function () {
  "use strict";
  var root = document.getElementById("checkin-dashboard");
  if (!root) return;
  var url = root.getAttribute("data-stats-url");

  function cell(text) {
    var td = document.createElement("td");
    td.textContent = String(text);
    return td;
  }

  function rows(name, items, fields) {
    var body = root.querySelector('[data-list="' + name + '"]');
    if (!body) return;
    body.replaceChildren.apply(body, items.map(function (item) {
      var tr = document.createElement("tr");
      fields.forEach(function (f) { tr.appendChild(cell(item[f])); });
      return tr;
    }));
  }

  function chart(items) {
    var box = root.querySelector('[data-list="arrivals"]');
    if (!box || !items.length) return;
    var peak = Math.max.apply(null, items.map(function (a) { return a.checked_in; })) || 1;
    box.replaceChildren.apply(box, items.map(function (a) {
      var bar = document.createElement("div");
      bar.className = "bar";
      bar.title = a.name + ": " + a.checked_in;
      var fill = document.createElement("span");
      fill.className = "fill pct-" + Math.floor((100 * a.checked_in / peak) / 5) * 5;
      var label = document.createElement("span");
      label.className = "label";
      label.textContent = a.name;
      var n = document.createElement("span");
      n.className = "n";
      n.textContent = String(a.checked_in);
      bar.append(fill, label, n);
      return bar;
    }));
  }

  function field(name, value) {
    var el = root.querySelector('[data-field="' + name + '"]');
    if (el) el.textContent = value;
  }

  function refresh() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (s) {
        field("checked_in", s.checked_in);
        field("confirmed", s.confirmed);
        field("generated_at", s.generated_at.slice(11, 16));
        chart(s.arrivals);
        rows("categories", s.categories, ["name", "checked_in", "total"]);
        rows("gates", s.gates, ["name", "checked_in"]);
        rows("sessions", s.sessions, ["title", "checked_in", "booked"]);
      })
      .catch(function () { /* keep the last figures; try again on the next tick */ });
  }

  setInterval(refresh, 5000);
})();
