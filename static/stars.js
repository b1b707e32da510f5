// Stars on a forum's pages. The pages are the same for every visitor (built once, cached),
// so the device's own stars are asked for: /forums/{slug}/my-stars answers with the stars
// of the ticket this device remembers (its ticket page set that), and keeps new ones on
// it, so they reach the personal calendar feed. Without a ticket of this forum, or without
// network, stars live in this browser (localStorage, per forum); once a ticket is there,
// those are moved onto it. Browser-only stars are reported, anonymously and once per
// device (a random id kept here), to count in the session's expected audience.
(function () {
  "use strict";
  const TIMEOUT_MS = 8000;
  const buttons = Array.from(document.querySelectorAll("button[data-star]"));
  if (!buttons.length) { return; }
  const forum = buttons[0].dataset.forum;
  const storeKey = "stars:" + forum;
  const url = "/forums/" + encodeURIComponent(forum) + "/my-stars";
  let onTicket = false; // true once the server said this device holds a ticket of this forum
  let stars = load();
  // The page is shared by every visitor and sets no cookie: the first answer of `url`
  // brings this browser's CSRF cookie, which every post echoes, so posts wait for it.
  let ready = Promise.resolve();

  function load() {
    try { return new Set(JSON.parse(localStorage.getItem(storeKey) || "[]").map(String)); }
    catch (e) { return new Set(); }
  }
  function save(set) {
    try {
      if (set.size) { localStorage.setItem(storeKey, JSON.stringify(Array.from(set))); }
      else { localStorage.removeItem(storeKey); }
    } catch (e) {}
  }
  function paint(button, on) {
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = button.textContent.replace(on ? "☆" : "★", on ? "★" : "☆");
  }
  function paintAll() {
    buttons.forEach(function (b) { paint(b, stars.has(b.dataset.star)); });
  }
  function cookie(name) {
    const hit = document.cookie.split("; ").find(function (c) { return c.startsWith(name + "="); });
    return hit ? decodeURIComponent(hit.slice(name.length + 1)) : "";
  }

  // Resolves with the answer's JSON; rejects with the HTTP status (0: no answer).
  function ask(method, body) {
    const controller = new AbortController();
    const timer = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      cache: "no-store",
      headers: {
        accept: "application/json",
        "content-type": "application/json",
        "x-csrftoken": cookie("csrftoken"),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
    }).then(function (response) {
      if (!response.ok) { throw response.status; }
      return response.json();
    }, function () { throw 0; }).finally(function () { clearTimeout(timer); });
  }
  // This browser's random id: the same device starring again counts once.
  function deviceId() {
    try {
      let id = localStorage.getItem("device-id");
      if (!id) {
        id = (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2) + Date.now());
        localStorage.setItem("device-id", id);
      }
      return id;
    } catch (e) { return ""; }
  }
  function report(id, on) {
    const device = deviceId();
    if (!device) { return Promise.resolve(); }
    return ready.then(function () {
      return fetch("/forums/" + encodeURIComponent(forum) + "/device-stars", {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/json", "x-csrftoken": cookie("csrftoken") },
        body: JSON.stringify({ device: device, session_id: Number(id), starred: on }),
      });
    }).catch(function () {});
  }
  function fromServer(answer) {
    stars = new Set(answer.session_ids.map(String));
  }

  // Browser stars go onto the ticket one by one; one the server refuses for good (a
  // session no longer on the agenda) is dropped, one that failed for now stays for later.
  function merge(local) {
    const left = new Set();
    return Array.from(local).reduce(function (chain, id) {
      return chain.then(function () {
        if (stars.has(id)) { return; }
        return ask("POST", { session_id: Number(id), starred: true }).then(function (answer) {
          fromServer(answer);
          return report(id, false); // now counted on the ticket, not on the device
        }, function (status) {
          if (!(status === 400 || status === 404)) { left.add(id); }
        });
      });
    }, Promise.resolve()).then(function () { save(left); });
  }

  buttons.forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      const id = button.dataset.star;
      const want = !stars.has(id);
      if (!onTicket) {
        const local = load();
        if (want) { local.add(id); } else { local.delete(id); }
        save(local);
        stars = local;
        paintAll();
        report(id, want);
        return;
      }
      if (button.getAttribute("aria-busy") === "true") { return; }
      button.setAttribute("aria-busy", "true");
      paint(button, want); // at once; put back if the ticket did not take it
      ask("POST", { session_id: Number(id), starred: want }).then(fromServer, function (status) {
        if (status === 409) { // the ticket is no longer on this device: back to the browser
          onTicket = false;
          stars = load();
        }
      }).finally(function () {
        button.removeAttribute("aria-busy");
        paintAll();
      });
    });
  });
  paintAll();

  // <html data-stars="ticket|browser">: where the stars are kept, once that is settled
  function settled(where) { document.documentElement.dataset.stars = where; }
  const first = ask("GET");
  ready = first.then(function () {}, function () {});
  first.then(function (answer) {
    if (!answer.ticket) { return settled("browser"); }
    onTicket = true;
    fromServer(answer);
    paintAll();
    return merge(load()).then(function () { paintAll(); settled("ticket"); });
  }, function () { settled("browser"); }); // no answer: the browser's stars, as before
})();
