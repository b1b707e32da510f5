// Agenda builder: drag a session onto a free slot, or onto another day's tab, to move it
// there; "+" in a free slot opens the quick form beside the grid (htmx).
// Progressive enhancement over each session's Move form and the "+" links, which work
// without JavaScript.
(function () {
  "use strict";
  let dragged = null;
  const target = (event, selector) => event.target.closest && event.target.closest(selector);
  const DROPS = "td.slot.free, nav.days a[data-day]";

  document.addEventListener("dragstart", (event) => {
    const card = target(event, ".placed[data-session]");
    if (!card) return;
    dragged = card.dataset.session;
    event.dataTransfer.setData("text/plain", dragged);
    event.dataTransfer.effectAllowed = "move";
  });
  document.addEventListener("dragend", () => { dragged = null; });
  document.addEventListener("dragover", (event) => {
    const drop = target(event, DROPS);
    if (drop && dragged) { event.preventDefault(); drop.classList.add("drop"); }
  });
  document.addEventListener("dragleave", (event) => {
    const drop = target(event, DROPS);
    if (drop) drop.classList.remove("drop");
  });
  document.addEventListener("drop", (event) => {
    const drop = target(event, DROPS);
    if (!drop || !dragged) return;
    event.preventDefault();
    drop.classList.remove("drop");
    const form = document.querySelector('form[data-move="' + dragged + '"]');
    dragged = null;
    if (!form) return;
    // A slot sets day, room and start; a day's tab sets only the day (same room and time).
    form.querySelector('[name="day"]').value = drop.dataset.day;
    if (drop.dataset.room) {
      form.querySelector('[name="room_id"]').value = drop.dataset.room;
      form.querySelector('[name="start"]').value = drop.dataset.start;
    }
    if (window.htmx) { window.htmx.trigger(form, "submit"); } else { form.submit(); }
  });

  // A refusal (a clash, a field to fix) comes back as 409 or 422 with the grid or the
  // quick form to show: swap it in, as for a success.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr.status;
    const into = event.detail.target;
    if ((status === 409 || status === 422) && into && into.closest && into.closest("#grid")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // The quick form: mark the slot it is for, keep it in view, close it.
  const closeQuick = () => {
    const panel = document.getElementById("quick");
    if (panel) panel.replaceChildren();
    document.querySelectorAll("td.slot.picked").forEach((td) => td.classList.remove("picked"));
  };
  document.addEventListener("click", (event) => {
    const add = target(event, "td.slot.free a.add");
    if (add) {
      document.querySelectorAll("td.slot.picked").forEach((td) => td.classList.remove("picked"));
      add.parentElement.classList.add("picked");
    } else if (target(event, "[data-quick-close]")) {
      closeQuick();
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && target(event, "#quick")) closeQuick();
  });
  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target.id !== "quick") return;
    const box = event.detail.target.getBoundingClientRect();
    if (box.top < 0 || box.top > window.innerHeight) event.detail.target.scrollIntoView({ block: "start" });
  });
  // A session just added from the quick form: show it, and move the focus (which was in
  // the form, now gone) to it.
  document.addEventListener("htmx:load", (event) => {
    const link = event.target.querySelector && event.target.querySelector("td.fresh .placed a");
    if (!link) return;
    link.scrollIntoView({ block: "center" });
    link.focus({ preventScroll: true });
  });
})();
