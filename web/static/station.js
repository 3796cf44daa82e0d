/* My station: one-tap confirmations, kept in a queue on the phone while offline and sent
   again on reconnect. The server is idempotent (one airing per scheduled item; unplanned
   airings carry a client_ref), so a resend never makes a duplicate. */
(function () {
  "use strict";
  var body = document.body, KEY = "loa-queue-v1", flushing = false;
  var T = function (k) { return body.getAttribute("data-t-" + k) || k; };

  function load() { try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; } }
  function save(q) { localStorage.setItem(KEY, JSON.stringify(q)); showPending(); }
  function enqueue(entry) {
    var q = load().filter(function (e) { return e.key !== entry.key; });
    q.push(entry); save(q);
  }
  function showPending() {
    var n = load().length, el = document.getElementById("pending");
    if (el) el.textContent = n ? n + " " + T("pending") : "";
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

  function send(entry) {
    // A request that hangs on a dying link is abandoned after 15 s, so it never blocks the queue.
    var ctrl = window.AbortController ? new AbortController() : null;
    var timer = ctrl ? setTimeout(function () { ctrl.abort(); }, 15000) : null;
    return fetch(entry.url, {
      method: "POST", credentials: "same-origin", signal: ctrl ? ctrl.signal : undefined,
      headers: { "Content-Type": "application/json", "X-CSRF-Token": body.getAttribute("data-csrf") },
      body: JSON.stringify(entry.body)
    }).then(function (r) {
      if (timer) clearTimeout(timer);
      if (r.status < 500) setNet(true);
      if (r.ok) { mark(entry, "sent", entry.label + " · " + T("sent")); return "done"; }
      if (r.status === 401 || r.status >= 500) return "keep";
      return r.json().then(function (p) {
        mark(entry, "failed", T("failed") + ": " + (p.detail || r.status)); return "done";
      }, function () { return "done"; });
    }, function () { if (timer) clearTimeout(timer); setNet(false); return "keep"; });
  }

  // Send the queue in order; entries added meanwhile are picked up in the same round. When the
  // link fails, try again soon (2 s, doubling up to 30 s) rather than waiting for the timer.
  var retryDelay = 2000, retryTimer = null;
  function flush() {
    if (flushing) return Promise.resolve();
    if (!load().length) return Promise.resolve();
    flushing = true;
    if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; }
    var tried = {};
    function next() {
      var entry = load().filter(function (e) { return !tried[e.id]; })[0];
      if (!entry) { flushing = false; retryDelay = 2000; return; }
      tried[entry.id] = true;
      return send(entry).then(function (res) {
        if (res === "done") save(load().filter(function (e) { return e.key !== entry.key || e.id !== entry.id; }));
        if (res === "keep") {
          flushing = false;
          retryTimer = setTimeout(flush, retryDelay);
          retryDelay = Math.min(retryDelay * 2, 30000);
          return;
        }
        return next();
      });
    }
    return next();
  }

  function submit(entry) {
    entry.id = uuid();
    enqueue(entry);
    mark(entry, "queued", entry.label + " · ⏳ " + T("queued"));
    flush();
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
  load().forEach(function (e) { mark(e, "queued", e.label + " · ⏳ " + T("queued")); });
  showPending();
  flush();
  setInterval(flush, 30000);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(body.getAttribute("data-sw"), { scope: "/station/" }).catch(function () {});
  }
})();
