// Signing out also clears what the check-in scanner kept on this device: the copies its
// service workers keep (static/checkin-sw.js) and the people in its offline data. Scans
// not yet synced stay, to be sent after the next sign-in.
const form = document.querySelector("form[action='/logout']");
if (form) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const done = () => form.submit();
    try {
      for (const key of Object.keys(localStorage)) {
        if (/^checkin:(data|used|synced):/.test(key)) localStorage.removeItem(key);
      }
    } catch (e) {
      /* no storage: nothing kept */
    }
    const work = [];
    if ("caches" in window) {
      work.push(caches.keys().then((names) => Promise.all(names.filter((n) => n.startsWith("checkin:")).map((n) => caches.delete(n)))));
    }
    if ("serviceWorker" in navigator) {
      work.push(
        navigator.serviceWorker
          .getRegistrations()
          .then((all) => Promise.all(all.filter((r) => new URL(r.scope).pathname.startsWith("/checkin/")).map((r) => r.unregister()))),
      );
    }
    // never hold the sign-out up for long
    Promise.race([Promise.allSettled(work), new Promise((resolve) => setTimeout(resolve, 1500))]).then(done, done);
  });
}
