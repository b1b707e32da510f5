// The check-in scanner (/checkin/{slug}): camera or keyboard-wedge codes, one big answer
// per scan, manual search, undo, and offline judging with the forum's public key and the
// cached check-in data; offline scans are queued and synced when the network returns.
const root = document.getElementById("scanner");
// by the fingerprinted address the page names (a release changes it with the file)
const { normalise, verifyCode } = await import(root.dataset.ticketcodeUrl);
const T = JSON.parse(document.getElementById("messages").textContent);
const SLUG = root.dataset.slug;
const FORUM_ID = Number(root.dataset.forumId);
const URLS = {
  scan: root.dataset.scanUrl,
  data: root.dataset.dataUrl,
  sync: root.dataset.syncUrl,
  search: root.dataset.searchUrl,
};
const LANG = document.documentElement.lang || "en";
const LOCAL_FIRST = LANG === "zh-TW";
const TIMEOUT_MS = 2500;
const SAME_CODE_MS = 3000; // a camera sees one QR many times: judge it once
const REFRESH_MS = 60000;
const SYNC_BATCH = 500; // scans a sync request carries; the rest follow
const AMBER = new Set(["already_checked_in", "not_booked"]);

const $ = (id) => document.getElementById(id);
const gateInput = $("gate");
const listSelect = $("list");
const codeInput = $("code");
const overlay = $("overlay");
const answer = $("answer");
const undoButton = $("undo");
const syncStatus = $("sync-status");
const cameraButton = $("camera-toggle");
const video = $("video");
const canvas = $("frame");

// --- small helpers -----------------------------------------------------------------
function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}
function store(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch (e) {
    /* private mode or full: the page still works online */
  }
}
function load(key, fallback) {
  try {
    const raw = localStorage.getItem(key);
    return raw === null ? fallback : JSON.parse(raw);
  } catch (e) {
    return fallback;
  }
}
function cookie(name) {
  const hit = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
  return hit ? decodeURIComponent(hit.slice(name.length + 1)) : "";
}
// Clock times in the forum's zone and the page's language, always 24-hour ("13:22"),
// whatever the device's own zone and 12/24-hour setting.
const CLOCK = (() => {
  const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  try {
    return new Intl.DateTimeFormat(LANG, { ...options, timeZone: root.dataset.timezone });
  } catch (e) {
    return new Intl.DateTimeFormat(LANG, options); // a zone this browser does not know
  }
})();
function timeOf(iso) {
  const when = iso ? new Date(iso) : null;
  return when && !isNaN(when) ? CLOCK.format(when) : "";
}
// "Checked in at 13:22, Gate A, by door": a part the server did not name is left out.
function earlier(previous) {
  const at = timeOf(previous.at);
  const gate = previous.gate || "";
  const by = previous.by || "";
  if (gate && by) return fill(T.previous, { at, gate, by });
  if (gate) return fill(T.previous_gate, { at, gate });
  if (by) return fill(T.previous_by, { at, by });
  return fill(T.previous_at, { at });
}
// A name written in the other script than the page's carries its language (lang), as the
// server's pages do, so that screen readers and fonts take it for what it is.
const PAGE_LANG = (document.documentElement.lang || "en").startsWith("zh") ? "zh-Hant-TW" : "en";
function langOf(text) {
  if (/[\u3400-\u9fff\uf900-\ufaff]/.test(text)) return "zh-Hant-TW";
  if (/[A-Za-z]/.test(text)) return "en";
  return "";
}
function named(element, text) {
  element.textContent = text;
  const lang = langOf(text);
  if (lang && lang !== PAGE_LANG) element.setAttribute("lang", lang);
  else element.removeAttribute("lang");
  return element;
}

function names(person) {
  if (!person) return ["", ""];
  const a = person.name || "";
  const b = person.name_local || "";
  if (!b || a === b) return [a, ""];
  return LOCAL_FIRST ? [b, a] : [a, b];
}
function listId() {
  return listSelect.value ? Number(listSelect.value) : null;
}
const listKey = () => listSelect.value || "entrance";
const dataKey = () => `checkin:data:${SLUG}:${listKey()}`;
const usedKey = () => `checkin:used:${SLUG}:${listKey()}`;
const QUEUE_KEY = `checkin:queue:${SLUG}`;

async function api(url, options = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    return await fetch(url, {
      credentials: "same-origin",
      ...options,
      headers: {
        accept: "application/json",
        "content-type": "application/json",
        "x-csrftoken": cookie("csrftoken"),
        ...(options.headers || {}),
      },
      signal: controller.signal,
    });
  } finally {
    clearTimeout(timer);
  }
}

// --- settings remembered on this device ---------------------------------------------
gateInput.value = load(`checkin:gate`, "");
gateInput.addEventListener("input", () => store(`checkin:gate`, gateInput.value.trim()));
const savedList = load(`checkin:list:${SLUG}`, "");
if ([...listSelect.options].some((o) => o.value === savedList)) listSelect.value = savedList;
listSelect.addEventListener("change", () => {
  store(`checkin:list:${SLUG}`, listSelect.value);
  refreshData();
});

// --- sound and vibration -------------------------------------------------------------
let audio = null;
// Browsers start sound only after a gesture: the first tap or key of the shift unlocks it.
function unlockAudio() {
  try {
    audio = audio || new AudioContext();
    if (audio.state === "suspended") audio.resume();
  } catch (e) {
    /* no WebAudio */
  }
}
document.addEventListener("pointerdown", unlockAudio, { once: true });
document.addEventListener("keydown", unlockAudio, { once: true });
function beep(kind) {
  try {
    audio = audio || new AudioContext();
    const tones = kind === "ok" ? [[880, 0, 0.12]] : kind === "amber" ? [[520, 0, 0.1], [520, 0.16, 0.1]] : [[220, 0, 0.35]];
    for (const [freq, start, length] of tones) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.value = 0.2;
      osc.connect(gain).connect(audio.destination);
      osc.start(audio.currentTime + start);
      osc.stop(audio.currentTime + start + length);
    }
  } catch (e) {
    /* no sound: the colour and the text still say it */
  }
  if (navigator.vibrate) navigator.vibrate(kind === "ok" ? 80 : kind === "amber" ? [80, 60, 80] : 350);
}

// --- the answer ------------------------------------------------------------------------
let lastOk = null; // the last ok, for Undo: {checkinId} online, {nonce, ticketId} offline
const SYNCED_KEY = `checkin:synced:${SLUG}`; // nonce -> check-in id, for undoing a synced scan

function show(outcome) {
  // outcome: {result, message, registration, previous, offline, checkin_id}
  const kind = outcome.result === "ok" ? "ok" : AMBER.has(outcome.result) ? "amber" : "red";
  const verdict = T.result[outcome.result] || T.result.error;
  const [first, second] = names(outcome.registration);
  const who = first || (outcome.ticketId ? fill(T.ticket, { id: outcome.ticketId }) : "");
  const org = outcome.registration
    ? [outcome.registration.organization, outcome.registration.category_name || outcome.registration.category]
        .filter(Boolean)
        .join(" · ")
    : "";
  let reason = outcome.result === "ok" ? "" : outcome.message || "";
  if (outcome.previous) {
    reason = outcome.previous.here
      ? fill(T.previous_here, { at: timeOf(outcome.previous.at) })
      : earlier(outcome.previous);
  }
  const bare = (text) => text.trim().replace(/[.。!！]+$/, "");
  if (bare(reason) === bare(verdict)) reason = "";
  const flag = outcome.offline ? T.offline : "";

  overlay.className = `overlay ${kind}`;
  overlay.querySelector(".verdict").textContent = verdict;
  named(overlay.querySelector(".who"), who);
  named(overlay.querySelector(".who-alt"), second);
  overlay.querySelector(".org").textContent = org;
  overlay.querySelector(".reason").textContent = reason;
  overlay.querySelector(".flag").textContent = flag;
  // It stays until the next scan replaces it or a tap or key sends it away, so the queue
  // can read it; scanning goes on underneath (camera and hand scanner).
  overlay.hidden = false;

  // the lasting answer, announced (the overlay is hidden from screen readers)
  answer.className = `answer ${kind}`;
  answer.dataset.result = outcome.result;
  answer.dataset.offline = outcome.offline ? "true" : "false";
  answer.replaceChildren();
  for (const [cls, text] of [
    ["verdict", verdict],
    ["who", who],
    ["org", org],
    ["reason", reason],
    ["flag", flag],
  ]) {
    if (!text) continue;
    const p = document.createElement("p");
    p.className = cls;
    if (cls === "who") {
      [who, second].filter(Boolean).forEach((name, i) => {
        if (i) p.append(" · ");
        p.append(named(document.createElement("span"), name));
      });
    } else {
      p.textContent = text;
    }
    answer.append(p);
  }
  lastOk = null;
  if (outcome.result === "ok" && outcome.checkin_id) lastOk = { checkinId: outcome.checkin_id };
  else if (outcome.result === "ok" && outcome.nonce) lastOk = { nonce: outcome.nonce, ticketId: outcome.ticketId };
  undoButton.hidden = !lastOk;
  beep(kind);
}

function dismiss() {
  overlay.hidden = true;
  if (wedgeMode) codeInput.focus();
}
overlay.addEventListener("click", dismiss);

undoButton.addEventListener("click", async () => {
  const last = lastOk;
  if (!last) return;
  if (last.nonce && queue().some((s) => s.nonce === last.nonce)) {
    // not synced yet: forget the scan on this device
    store(QUEUE_KEY, queue().filter((s) => s.nonce !== last.nonce));
    forgetUsed(last.ticketId);
    paintNet();
    return undone();
  }
  const id = last.checkinId || load(SYNCED_KEY, {})[last.nonce];
  try {
    if (!id) throw new Error("no check-in id");
    const response = await api(`${URLS.scan}/${id}`, { method: "DELETE" });
    if (!response.ok) throw new Error(String(response.status));
    forgetUsedById(id);
    forgetUsed(last.ticketId);
    undone();
  } catch (e) {
    syncStatus.textContent = T.undo_failed;
  }
});

function undone() {
  lastOk = null;
  undoButton.hidden = true;
  answer.className = "answer";
  answer.dataset.result = "undone";
  answer.replaceChildren(Object.assign(document.createElement("p"), { className: "verdict", textContent: T.undone }));
}

// --- offline data -----------------------------------------------------------------------
function cached() {
  return load(dataKey(), null);
}
async function refreshData() {
  if (!navigator.onLine) return paintNet();
  const session = listId();
  const url = session ? `${URLS.data}?session_id=${session}` : URLS.data;
  try {
    const response = await api(url, { method: "GET" });
    if (response.ok) {
      const data = await response.json();
      store(dataKey(), data);
      $("data-status").textContent = fill(T.data_loaded, { at: timeOf(data.generated_at) || timeOf(new Date().toISOString()) });
    }
  } catch (e) {
    /* keep the older copy */
  }
  paintNet();
}
function localUsed() {
  return load(usedKey(), {}); // ticket id -> {at, checkinId?}
}
function markUsed(ticketId, extra = {}) {
  if (ticketId == null) return;
  const used = localUsed();
  used[ticketId] = { at: new Date().toISOString(), ...extra };
  store(usedKey(), used);
}
function forgetUsed(ticketId) {
  if (ticketId == null) return;
  const used = localUsed();
  delete used[ticketId];
  store(usedKey(), used);
}
function forgetUsedById(checkinId) {
  const used = localUsed();
  for (const [ticket, entry] of Object.entries(used)) {
    if (entry.checkinId === checkinId) delete used[ticket];
  }
  store(usedKey(), used);
}

function inWindow(data) {
  const now = Date.now();
  const w = data.window || {};
  if (w.opens_at && now < Date.parse(w.opens_at)) return false;
  if (w.closes_at && now > Date.parse(w.closes_at)) return false;
  return true;
}

// Judge a code with the forum's key and the cached lists; queue it when admitted.
async function judgeOffline(scan) {
  const data = cached();
  if (!data || !data.public_key) return { result: "error", message: T.no_data, offline: true };
  let ticketId = null;
  let person = null;
  if (scan.code) {
    const verdict = await verifyCode(data.public_key, scan.code, data.forum_id ?? FORUM_ID);
    if (verdict.reason === "unsupported") return { result: "error", message: T.unsupported, offline: true };
    if (verdict.reason === "wrong_forum") return { result: "wrong_forum", offline: true };
    if (!verdict.ok) return { result: "unknown", offline: true };
    ticketId = String(verdict.ticketId);
    person = (data.people || {})[ticketId] || null;
    const current = (data.serials || {})[ticketId];
    if (current !== undefined && verdict.serial < current) return { result: "revoked", registration: person, offline: true };
  } else {
    // a manual check-in from the cached people (a ticket's id is its registration's id)
    for (const [ticket, p] of Object.entries(data.people || {})) {
      if (Number(p.id ?? ticket) === scan.registration_id) {
        ticketId = ticket;
        person = p;
      }
    }
    if (ticketId === null) return { result: "unknown", offline: true };
  }
  const refused = (data.refused || {})[ticketId];
  if (refused) return { result: refused, registration: person, offline: true };
  if (!inWindow(data)) return { result: "closed", registration: person, offline: true };
  if (Array.isArray(data.booked) && !data.booked.map(String).includes(ticketId)) {
    return { result: "not_booked", registration: person, offline: true };
  }
  const here = localUsed()[ticketId];
  if (here) return { result: "already_checked_in", registration: person, previous: { here: true, at: here.at }, offline: true };
  if ((data.used || []).map(String).includes(ticketId)) {
    return { result: "already_checked_in", registration: person, offline: true };
  }
  enqueue(scan);
  markUsed(ticketId);
  return { result: "ok", registration: person, ticketId, nonce: scan.nonce, offline: true };
}

// --- the queue and sync ----------------------------------------------------------------
function queue() {
  return load(QUEUE_KEY, []);
}
function enqueue(scan) {
  store(QUEUE_KEY, [...queue(), scan]);
  paintNet();
}
let syncing = false;
async function sync() {
  const pending = queue().slice(0, SYNC_BATCH);
  if (syncing || !pending.length || !navigator.onLine) return;
  syncing = true;
  try {
    const response = await api(URLS.sync, { method: "POST", body: JSON.stringify({ scans: pending }) });
    if (response.status === 401) {
      syncStatus.textContent = T.signed_out;
      forgetForum();
    }
    if (!response.ok) return;
    const { results = [] } = await response.json();
    const sent = new Set(pending.map((s) => s.nonce));
    store(QUEUE_KEY, queue().filter((s) => !sent.has(s.nonce)));
    const synced = load(SYNCED_KEY, {});
    results.forEach((r, i) => {
      if (r.checkin_id && pending[i]) synced[pending[i].nonce] = r.checkin_id;
    });
    store(SYNCED_KEY, synced);
    const notes = [];
    for (const r of results) {
      if (r.result === "ok") continue;
      const name = names(r.registration)[0] || "?";
      if (r.result === "already_checked_in" && r.previous) {
        const at = timeOf(r.previous.at);
        const gate = r.previous.gate;
        notes.push(gate ? fill(T.settled_already, { name, at, gate }) : fill(T.settled_already_at, { name, at }));
      } else {
        notes.push(fill(T.settled_other, { name, reason: T.result[r.result] || r.message || r.result }));
      }
    }
    // what the server settled: how many went through, and every scan it judged otherwise
    syncStatus.textContent = [fill(T.synced, { n: results.length }), ...notes].join("; ");
    await refreshData();
    if (queue().length) setTimeout(sync, 0);
  } catch (e) {
    /* still offline: try again later */
  } finally {
    syncing = false;
    paintNet();
  }
}

function paintNet() {
  const net = $("net");
  const online = navigator.onLine;
  net.textContent = online ? T.net_online : T.net_offline;
  net.className = online ? "net on" : "net off";
  const n = queue().length;
  root.dataset.queued = String(n);
  if (n) syncStatus.textContent = fill(T.queued, { n });
}
window.addEventListener("online", () => {
  paintNet();
  sync();
});
window.addEventListener("offline", paintNet);

// --- one scan --------------------------------------------------------------------------
let lastCode = "";
let lastCodeAt = 0;

async function submit(what) {
  const scan = {
    ...what,
    gate: gateInput.value.trim(),
    session_id: listId(),
    nonce: crypto.randomUUID(),
    scanned_at: new Date().toISOString(),
  };
  let outcome = null;
  if (navigator.onLine) {
    try {
      const response = await api(URLS.scan, { method: "POST", body: JSON.stringify(scan) });
      if (response.ok) {
        outcome = await response.json();
      } else if (response.status === 401) {
        outcome = { result: "error", message: T.signed_out };
        forgetForum();
      } else if (response.status >= 500) {
        outcome = null; // the server is in trouble: judge here
      } else {
        const body = await response.json().catch(() => ({}));
        outcome = { result: "error", message: body.message || "" };
      }
    } catch (e) {
      outcome = null; // network error or timeout
    }
  }
  if (outcome === null) {
    outcome = await judgeOffline(scan);
  } else if (outcome.result === "ok" && outcome.registration) {
    markUsed(String(outcome.registration.id), { checkinId: outcome.checkin_id });
  }
  show(outcome);
  if (navigator.onLine && queue().length) sync();
}

function scanCode(raw) {
  const code = normalise(raw);
  if (!code) return;
  const now = Date.now();
  if (code === lastCode && now - lastCodeAt < SAME_CODE_MS) return;
  lastCode = code;
  lastCodeAt = now;
  submit({ code });
}

// --- keyboard wedge and typing -------------------------------------------------------------
let wedgeMode = matchMedia("(pointer: fine)").matches;
$("code-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const value = codeInput.value;
  codeInput.value = "";
  lastCode = ""; // typed on purpose: judge it even when repeated
  scanCode(value);
});
// A hand scanner types into whatever has focus: send stray keys to the code field.
document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (event.key === "Escape") return dismiss();
  if (target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement) return;
  if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
    wedgeMode = true;
    dismiss();
    codeInput.focus();
  }
});
if (wedgeMode) codeInput.focus();

// --- manual search ------------------------------------------------------------------------
function searchCached(q) {
  const needle = q.toLowerCase();
  return Object.entries(cached()?.people || {})
    .map(([ticket, p]) => ({ id: Number(ticket), ...p }))
    .filter((p) =>
      [p.name, p.name_local, p.email, p.organization].some((v) => v && String(v).toLowerCase().includes(needle)),
    );
}
$("search-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const q = $("search").value.trim();
  const results = $("results");
  if (!q) return;
  if (/^[A-Za-z2-7]{120}$/.test(q)) {
    // a hand scanner typed a badge into the search box: it is a scan
    $("search").value = "";
    lastCode = "";
    scanCode(q);
    return;
  }
  let people = null;
  try {
    const response = await api(`${URLS.search}?q=${encodeURIComponent(q)}`, { method: "GET" });
    if (response.ok) people = await response.json();
  } catch (e) {
    people = null;
  }
  if (people === null) people = searchCached(q);
  results.replaceChildren();
  if (!people.length) {
    results.append(Object.assign(document.createElement("li"), { textContent: T.no_match }));
    return;
  }
  for (const p of people.slice(0, 30)) {
    const li = document.createElement("li");
    li.className = "card";
    const [first, second] = names(p);
    const strong = Object.assign(document.createElement("strong"), { textContent: first });
    li.append(strong);
    if (second) li.append(" ", Object.assign(document.createElement("span"), { className: "alt", textContent: second }));
    const extra = [p.organization, p.category_name || p.category].filter(Boolean).join(" · ");
    if (extra) li.append(Object.assign(document.createElement("span"), { className: "meta", textContent: extra }));
    if (p.checked_in) {
      li.append(Object.assign(document.createElement("span"), { className: "badge", textContent: T.checked_in }));
    } else if (p.status && p.status !== "confirmed") {
      const refusal = p.status === "cancelled" ? "cancelled" : "not_confirmed";
      li.append(Object.assign(document.createElement("span"), { className: "badge warn", textContent: T.result[refusal] }));
    }
    const button = Object.assign(document.createElement("button"), { type: "button", textContent: T.check_in });
    button.dataset.registration = String(p.id);
    button.addEventListener("click", () => submit({ registration_id: p.id }));
    li.append(button);
    results.append(li);
  }
});

// --- the camera -----------------------------------------------------------------------------
let stream = null;
let detector = null;
let looping = false;

function loadJsQR() {
  if (window.jsQR) return Promise.resolve(window.jsQR);
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = root.dataset.jsqrUrl;
    script.onload = () => resolve(window.jsQR);
    script.onerror = reject;
    document.head.append(script);
  });
}
async function makeDecoder() {
  if ("BarcodeDetector" in window) {
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (formats.includes("qr_code")) {
        detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return async () => {
          const found = await detector.detect(video);
          return found.length ? found[0].rawValue : null;
        };
      }
    } catch (e) {
      /* fall back to jsQR */
    }
  }
  const jsQR = await loadJsQR();
  const context = canvas.getContext("2d", { willReadFrequently: true });
  return async () => {
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (!width || !height) return null;
    const scale = Math.min(1, 640 / Math.max(width, height));
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const image = context.getImageData(0, 0, canvas.width, canvas.height);
    const hit = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
    return hit ? hit.data : null;
  };
}
async function startCamera() {
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: { ideal: "environment" } },
      audio: false,
    });
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    cameraButton.textContent = T.camera_on;
    store("checkin:camera", true);
    const decode = await makeDecoder();
    looping = true;
    const tick = async () => {
      if (!looping) return;
      try {
        const text = await decode();
        if (text) scanCode(text);
      } catch (e) {
        /* a frame that could not be read */
      }
      setTimeout(tick, 120);
    };
    tick();
  } catch (e) {
    stopCamera();
    syncStatus.textContent = T.camera_failed;
  }
}
function stopCamera() {
  looping = false;
  if (stream) stream.getTracks().forEach((t) => t.stop());
  stream = null;
  video.hidden = true;
  cameraButton.textContent = T.camera_off;
}
cameraButton.addEventListener("click", () => {
  if (stream) {
    stopCamera();
    store("checkin:camera", false);
  } else {
    startCamera();
  }
});
if (load("checkin:camera", false) && navigator.mediaDevices) startCamera();

// --- opening with no network ------------------------------------------------------------------
// static/checkin-sw.js answers for this page, its scripts and the check-in data when the
// network does not. The first visit is not yet served by it: keep what it will need now.
const OFFLINE_CACHE = `checkin:/checkin/${SLUG}`; // the worker's name for this forum's copy
const SHELL = root.dataset.shell.split(" ").filter(Boolean); // fingerprinted addresses
async function keepForOffline() {
  const cache = await caches.open(OFFLINE_CACHE);
  // files of an earlier release (other addresses) are of no more use
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (path.startsWith("/static/") && !SHELL.includes(path)) await cache.delete(request);
  }
  const missing = [];
  for (const url of [location.pathname, ...SHELL]) {
    if (!(await cache.match(url, { ignoreVary: true }))) missing.push(url);
  }
  for (const url of missing) {
    const response = await fetch(url, { credentials: "same-origin", redirect: "error" });
    if (response.ok) await cache.put(url, response);
  }
  root.dataset.offlineReady = "true";
}
if ("serviceWorker" in navigator && "caches" in window) {
  navigator.serviceWorker
    .register("/static/checkin-sw.js", { scope: `/checkin/${SLUG}` })
    .then(() => navigator.onLine && keepForOffline())
    .catch(() => {
      /* no service worker (private mode, an old browser): it works online, as before */
    });
}

// Signed out, or the device's token revoked: the people of this forum leave the device
// (scans not yet synced stay, to be sent after the next sign-in).
function forgetForum() {
  for (const key of Object.keys(localStorage)) {
    if (key.startsWith(`checkin:data:${SLUG}:`) || key.startsWith(`checkin:used:${SLUG}:`) || key === SYNCED_KEY) {
      localStorage.removeItem(key);
    }
  }
  if ("caches" in window) caches.delete(OFFLINE_CACHE);
}

// --- start ----------------------------------------------------------------------------------
paintNet();
refreshData().then(sync);
setInterval(() => {
  refreshData();
  sync();
}, REFRESH_MS);
setInterval(sync, 15000);
root.dataset.ready = "true";
