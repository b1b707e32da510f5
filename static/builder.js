// Agenda builder: drag a session onto a free slot, or onto another day's tab, to move it
// there; "+" in a free slot opens the quick form beside the grid (htmx).
// Progressive enhancement over each session's Move form and the "+" links, which work
// without JavaScript.
(function () {
  "use strict";
  let dragged = null;
  let dropped = null; // where the last drag ended: a free slot or a day's tab
  let moving = null; // the move on its way to the server: where its refusal is shown
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
    dropped = { session: dragged, room: drop.dataset.room, start: drop.dataset.start, day: drop.dataset.day };
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

  // A refused move comes back with the grid as it was and the "Not moved ... Move anyway"
  // alert at its top, which may be far off screen: show it beside the cell the session was
  // dropped on (or its day's tab, or the session whose Move form was used), and focus it.
  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt;
    if (!form.matches || !form.matches("form[data-move]")) return;
    moving = dropped && dropped.session === form.dataset.move ? dropped : { session: form.dataset.move };
    dropped = null;
  });
  const anchorOf = (grid, move) => {
    if (move.room) return grid.querySelector(`td.slot.free[data-room="${move.room}"][data-start="${move.start}"]`);
    if (move.day) return grid.querySelector(`nav.days a[data-day="${move.day}"]`);
    return grid.querySelector(`.placed[data-session="${move.session}"]`);
  };
  const placeBeside = (alert, anchor, grid) => {
    const box = anchor.closest(".grid-scroll") || grid; // what the alert scrolls with
    box.append(alert);
    alert.classList.add("beside");
    const outer = box.getBoundingClientRect();
    const cell = anchor.getBoundingClientRect();
    // under the cell, moved left as far as needed to stay inside the box and the window
    const low = Math.max(outer.left, 0) + 4;
    const high = Math.min(outer.right, document.documentElement.clientWidth) - alert.offsetWidth - 4;
    const left = Math.max(low, Math.min(cell.left, high));
    alert.style.left = `${left - outer.left - box.clientLeft + box.scrollLeft}px`;
    alert.style.top = `${cell.bottom - outer.top - box.clientTop + box.scrollTop + 4}px`;
  };
  document.addEventListener("htmx:afterSettle", () => {
    const move = moving;
    moving = null;
    const grid = document.getElementById("grid");
    const alert = grid && move && grid.querySelector(":scope > .alert.clash");
    if (!alert) return;
    const anchor = anchorOf(grid, move);
    if (anchor) {
      anchor.classList.add("refused");
      placeBeside(alert, anchor, grid);
    }
    const close = alert.querySelector("[data-clash-close]");
    if (close) close.hidden = false;
    alert.dataset.session = move.session;
    alert.focus({ preventScroll: true });
    alert.scrollIntoView({ block: "nearest", inline: "nearest" });
  });
  // Closing it (the button or Escape) puts the focus back on the session that stayed.
  const closeClash = (alert) => {
    const card = document.querySelector(`.placed[data-session="${alert.dataset.session}"] a`);
    alert.remove();
    document.querySelectorAll("#grid .refused").forEach((el) => el.classList.remove("refused"));
    if (card) card.focus();
  };
  document.addEventListener("click", (event) => {
    const close = target(event, "[data-clash-close]");
    if (close) closeClash(close.closest(".alert.clash[data-session]"));
  });
  document.addEventListener("keydown", (event) => {
    const alert = event.key === "Escape" && target(event, ".alert.clash[data-session]");
    if (alert) closeClash(alert);
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
