// Stars without a ticket: kept in this browser (localStorage), per forum.
// With a ticket, stars are kept on the ticket (its page and the session pages use forms).
(function () {
  "use strict";
  function load(forum) {
    try { return new Set(JSON.parse(localStorage.getItem("stars:" + forum) || "[]")); }
    catch (e) { return new Set(); }
  }
  function save(forum, stars) {
    try { localStorage.setItem("stars:" + forum, JSON.stringify(Array.from(stars))); } catch (e) {}
  }
  function paint(button, on) {
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = button.textContent.replace(on ? "☆" : "★", on ? "★" : "☆");
  }
  document.querySelectorAll("button[data-star]").forEach(function (button) {
    const forum = button.dataset.forum;
    button.hidden = false;
    paint(button, load(forum).has(button.dataset.star));
    button.addEventListener("click", function () {
      const stars = load(forum);
      const id = button.dataset.star;
      if (stars.has(id)) { stars.delete(id); } else { stars.add(id); }
      save(forum, stars);
      paint(button, stars.has(id));
    });
  });
})();
