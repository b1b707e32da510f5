// Agenda builder: drag a session onto a free slot to move it there.
// Progressive enhancement over each session's Move form (which works without JavaScript).
(function () {
  "use strict";
  let dragged = null;
  document.addEventListener("dragstart", (event) => {
    const card = event.target.closest && event.target.closest(".placed[data-session]");
    if (!card) return;
    dragged = card.dataset.session;
    event.dataTransfer.setData("text/plain", dragged);
    event.dataTransfer.effectAllowed = "move";
  });
  document.addEventListener("dragover", (event) => {
    const slot = event.target.closest && event.target.closest("td.slot.free");
    if (slot && dragged) { event.preventDefault(); slot.classList.add("drop"); }
  });
  document.addEventListener("dragleave", (event) => {
    const slot = event.target.closest && event.target.closest("td.slot.free");
    if (slot) slot.classList.remove("drop");
  });
  document.addEventListener("drop", (event) => {
    const slot = event.target.closest && event.target.closest("td.slot.free");
    if (!slot || !dragged) return;
    event.preventDefault();
    const form = document.querySelector('form[data-move="' + dragged + '"]');
    dragged = null;
    if (!form) return;
    form.querySelector('[name="room_id"]').value = slot.dataset.room;
    form.querySelector('[name="start"]').value = slot.dataset.start;
    if (window.htmx) { window.htmx.trigger(form, "submit"); } else { form.submit(); }
  });
})();
