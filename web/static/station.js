/* My station: one-tap confirmations, kept in a queue on the phone (queue.js, IndexedDB) while
   offline and sent on reconnect, by this page or, where the browser has Background Sync, by the
   service worker after the page is closed. The server is idempotent (one airing per scheduled
   item; unplanned airings carry a client_ref), so a resend never makes a duplicate. */
(function () {
  "use strict";
  var body = document.body, OLD_KEY = "loa-queue-v1";
  var T = function (k) { return body.getAttribute("data-t-" + k) || k; };

  function showPending() {
    return LoaQueue.all().then(function (q) {
      var el = document.getElementById("pending");
      if (el) el.textContent = q.length ? q.length + " " + T("pending") : "";
      return q;
    });
  }
  function setNet(on) {
    var el = document.getElementById("net");
    if (!el) return;
    el.textContent = on ? T("online") : T("offline");
    el.className = on ? "net" : "net off";
  }
  function mark(entry, cls, text) {
    if (!entry.item) return;
    var art = document.querySelector('[data-item="' + entry.item + '"] .status');
    if (art) { art.className = "status " + cls; art.textContent = text; }
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }
  function report(entry, r) {
    if (r.status && r.status < 500) setNet(true);
    if (r.status === 0) setNet(false);
    if (r.res !== "done") return;
    if (r.ok) mark(entry, "sent", entry.label + " · " + T("sent"));
    else mark(entry, "failed", T("failed") + ": " + r.detail);
  }

  // Send the queue; when the link fails, try again soon (2 s, doubling up to 30 s) rather than
  // waiting for the timer. The page's own token is sent (fresher than the one queued).
  var retryDelay = 2000, retryTimer = null, flushing = null;
  function flush() {
    if (flushing) return flushing;
    if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; }
    flushing = LoaQueue.drain(report, body.getAttribute("data-csrf")).then(function (empty) {
      flushing = null;
      if (empty) { retryDelay = 2000; return showPending(); }
      retryTimer = setTimeout(flush, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
      return showPending();
    }, function () { flushing = null; });
    return flushing;
  }
  // Ask the service worker to send the queue when the link returns, even if the page is closed
  // by then (Background Sync; browsers without it rely on the page and its timer).
  function registerSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (reg) {
      if (reg.sync) return reg.sync.register(LoaQueue.TAG);
    }).catch(function () {});
  }
  // Entries queued by the previous version of this page (localStorage) move to the new queue.
  function migrate() {
    var old;
    try { old = JSON.parse(localStorage.getItem(OLD_KEY) || "[]"); } catch (e) { old = []; }
    var chain = Promise.resolve();
    old.forEach(function (e) {
      e.csrf = e.csrf || body.getAttribute("data-csrf");
      chain = chain.then(function () { return LoaQueue.put(e); });
    });
    return chain.then(function () { if (old.length) localStorage.removeItem(OLD_KEY); });
  }

  function submit(entry) {
    entry.id = uuid();
    entry.csrf = body.getAttribute("data-csrf");
    mark(entry, "queued", entry.label + " · " + T("queued"));
    LoaQueue.put(entry).then(function () {
      showPending();
      registerSync();
      flush();
    });
  }

  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest("button");
    if (!btn) return;
    var art = btn.closest("[data-item]");
    if (!art) return;
    ev.preventDefault();
    var open = btn.getAttribute("data-open");
    if (open) {
      art.querySelectorAll("form.more").forEach(function (f) { f.hidden = !f.classList.contains(open) || !f.hidden; });
      return;
    }
    var status = btn.getAttribute("data-status"), item = art.getAttribute("data-item");
    var data = { status: status };
    if (status === "partial") {
      var m = parseInt(art.querySelector('input[name="minutes"]').value, 10);
      if (!(m > 0)) { art.querySelector('input[name="minutes"]').focus(); return; }
      data.actual_duration_seconds = Math.min(m * 60, parseInt(art.getAttribute("data-seconds"), 10));
    }
    if (status === "not_aired") {
      data.reason_code = art.querySelector('select[name="reason"]').value;
      var note = art.querySelector('input[name="note"]').value.trim();
      if (note) data.reason_text = note;
    }
    art.querySelectorAll("form.more").forEach(function (f) { f.hidden = true; });
    submit({ key: "item:" + item, item: item, label: T(status),
             url: "/api/v1/items/" + item + "/confirmation", body: data });
  });

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    ev.preventDefault();
    if (form.id !== "unplanned") return;
    // The time typed is the station's local time (the planning zone), whatever the phone says.
    var ref = uuid(), start = form.start.value.slice(0, 16) + ":00" + body.getAttribute("data-offset");
    submit({ key: "unplanned:" + ref, label: T("unplanned") + ": " + form.programme.selectedOptions[0].textContent,
             url: "/api/v1/channels/" + body.getAttribute("data-channel") + "/airings",
             body: { programme_id: parseInt(form.programme.value, 10), started_at: start,
                     client_ref: ref } });
    form.querySelector("button").textContent += " ✓";
  });

  window.addEventListener("online", function () { setNet(true); flush(); });
  window.addEventListener("offline", function () { setNet(false); });
  setNet(navigator.onLine);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(body.getAttribute("data-sw"), { scope: "/station/" }).catch(function () {});
    // The service worker tells what it sent in the background (the page may have been asleep).
    navigator.serviceWorker.addEventListener("message", function (ev) {
      if (ev.data && ev.data.loa === "sent") { report(ev.data.entry, ev.data.result); showPending(); }
    });
  }
  migrate().then(showPending).then(function (q) {
    q.forEach(function (e) { mark(e, "queued", e.label + " · " + T("queued")); });
    flush();
  });
  setInterval(flush, 30000);
})();
