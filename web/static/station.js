/* My station: one-tap confirmations, kept in a queue on the phone (queue.js, IndexedDB) while
   offline and sent on reconnect, by this page or, where the browser has Background Sync, by the
   service worker after the page is closed. The server is idempotent (one airing per scheduled
   item; unplanned airings carry a client_ref), so a resend never makes a duplicate.
   What an item shows is the server's status (in the page, or fetched again when this is a copy
   kept on the phone), then what the phone sent since the page was made, then what waits in the
   queue. Days, times and "today" are the station's (its zone offset), whatever the phone's
   locale; the phone's clock is corrected by the server's when they disagree by over a minute. */
(function () {
  "use strict";
  var doc = document, body = doc.body;
  // The page exactly as the server made it, before anything below changes it: the copy kept
  // on the phone for opening without a link.
  var SNAPSHOT = "<!doctype html>\n" + doc.documentElement.outerHTML;
  var OLD_KEY = "loa-queue-v1", SKEW_KEY = "loa-clock-skew", REFRESH_MS = 5 * 60000;
  var live = body.getAttribute("data-live") === "1";
  var channel = body.getAttribute("data-channel");
  var rendered = num("rendered"), offsetMs = num("offset") * 60000;
  var skew = clockSkew(), linkDown = !navigator.onLine, lastFresh = live ? Date.now() : 0;
  var state = {}, arts = {}, unplannedRows = {};

  function num(name) { return parseInt(body.getAttribute("data-" + name), 10) || 0; }
  function T(k) { return body.getAttribute("data-t-" + k) || k; }
  function $(sel, root) { return (root || doc).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || doc).querySelectorAll(sel)); }

  // Server time minus the phone's, when they differ by more than a minute (cheap phones drift).
  function clockSkew() {
    var stored = 0;
    try {
      if (live) {
        var d = rendered - Date.now();
        stored = Math.abs(d) > 60000 ? d : 0;
        localStorage.setItem(SKEW_KEY, String(stored));
      } else {
        stored = parseInt(localStorage.getItem(SKEW_KEY) || "0", 10) || 0;
      }
    } catch (e) { /* private mode: no correction */ }
    return stored;
  }
  function now() { return Date.now() + skew; }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function local(ms) { return new Date(ms + offsetMs); }  // read with getUTC*: station time
  function localDay(ms) { var d = local(ms); return d.getUTCFullYear() + "-" + two(d.getUTCMonth() + 1) + "-" + two(d.getUTCDate()); }
  function hhmm(ms) { var d = local(ms); return two(d.getUTCHours()) + ":" + two(d.getUTCMinutes()); }
  function stamp(ms) {
    var d = local(ms);
    return hhmm(ms) + " " + two(d.getUTCDate()) + "/" + two(d.getUTCMonth() + 1) + "/" + d.getUTCFullYear();
  }
  function offsetText() {
    var m = Math.abs(offsetMs / 60000);
    return (offsetMs < 0 ? "-" : "+") + two(Math.floor(m / 60)) + ":" + two(m % 60);
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }

  // ---- items: state, painting, counts
  function due(art) { return parseInt(art.closest(".slot").getAttribute("data-at"), 10) <= now(); }
  function setControls(art, mode) {
    var box = art.querySelector(".ctl");
    if (!box) { box = doc.createElement("div"); box.className = "ctl"; art.appendChild(box); }
    if (box.getAttribute("data-mode") === mode) return;
    box.setAttribute("data-mode", mode);
    box.textContent = "";
    if (mode) box.appendChild(doc.importNode($("#" + mode).content, true));
    var minutes = box.querySelector('input[name="minutes"]');
    if (minutes) minutes.max = Math.ceil(parseInt(art.getAttribute("data-seconds"), 10) / 60);
  }
  function paint(id) {
    var art = arts[id], st = state[id];
    if (!art || !st) return;
    var text = st.s ? T(st.s) : "";
    if (st.phase === "queued") text += " · " + T("queued");
    else if (st.phase === "sending") text += " · " + T("sending");
    else if (st.phase === "sent") text += " · " + T("sent");
    else if (st.phase === "failed") text = T("failed") + ": " + st.note;
    var el = art.querySelector(".status");
    el.textContent = text;
    el.className = "status " + (st.phase || "");
    var done = !!st.s && st.phase !== "failed";
    art.classList.toggle("done", done);
    if (!due(art)) setControls(art, "later");
    else setControls(art, done && !st.editing ? "edit" : "controls");
  }
  function count() {
    var total = 0;
    $$("details.day").forEach(function (day) {
      var left = 0, dueItems = 0;
      $$("[data-item]", day).forEach(function (art) {
        if (!due(art)) return;
        dueItems += 1;
        var st = state[art.getAttribute("data-item")];
        if (!st || !st.s || st.phase === "failed") left += 1;
      });
      total += left;
      var el = $("summary .left", day);
      el.textContent = left ? T("left").replace("{n}", left) : dueItems ? T("done") : "";
      day.classList.toggle("pending", left > 0);
    });
    $("#week-left").textContent = total ? T("left").replace("{n}", total) : "";
  }
  function paintAll() { Object.keys(arts).forEach(paint); count(); }

  // Today is the station's today; a copy from an earlier day marks the right one, or says it
  // holds another week.
  function markToday(first) {
    var today = localDay(now()), found = null;
    $$("details.day").forEach(function (day) {
      var is = day.getAttribute("data-day") === today;
      day.classList.toggle("today", is);
      if (is) found = day;
      if (first && (is || $$("[data-item]", day).some(function (a) {
        var st = state[a.getAttribute("data-item")];
        return due(a) && (!st || !st.s);
      }))) day.open = true;
    });
    var stale = $("#stale"), text = "";
    if (!found) text = T("other-week");
    else if (!live) text = T("stale").replace("{when}", stamp(rendered));
    stale.textContent = text;
    stale.hidden = !text;
    return !!found;
  }

  // ---- what the phone knows: sent since the page was made, and what waits
  function overlay(since) {
    return LoaQueue.sent().then(function (sent) {
      sent.forEach(function (r) {
        if (r.at < since) return;
        if (r.item && state[r.item] && state[r.item].phase !== "queued") state[r.item] = { s: r.status, phase: "sent" };
        else if (!r.item && r.url && r.url.indexOf("/channels/" + channel + "/") > 0) logRow(r, "sent");
      });
      return LoaQueue.all();
    }).then(function (queue) {
      queue.forEach(function (e) {
        if (e.item && state[e.item]) state[e.item] = { s: e.body.status, phase: "queued", prev: e.prev, entry: e.id };
        else if (!e.item && e.url.indexOf("/channels/" + channel + "/") > 0) logRow(e, "queued");
      });
      showPending(queue);
      paintAll();
      return queue;
    });
  }
  function logRow(entry, phase, note) {
    var li = unplannedRows[entry.key];
    if (!li) {
      li = unplannedRows[entry.key] = doc.createElement("li");
      $("#unplanned-log").appendChild(li);
    }
    var tail = phase === "failed" ? T("failed") + ": " + note : T(phase);
    li.textContent = entry.label + " · " + tail;
    li.className = phase;
  }

  // The server's statuses again (a kept copy, or a page left open a while): one small request.
  function refresh() {
    if (linkDown) return Promise.resolve();
    var url = "/api/v1/channels/" + channel + "/schedule?week=" + encodeURIComponent(body.getAttribute("data-week"));
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) return null;
      var at = Date.parse(r.headers.get("Date") || "");
      return r.json().then(function (week) {
        var seen = 0, total = 0;
        week.slots.forEach(function (slot) {
          slot.items.forEach(function (i) {
            total += 1;
            if (!state[i.id]) return;
            seen += 1;
            var st = state[i.id], s = i.airing_status || "";
            if (st.phase === "queued" || st.phase === "sending" || (st.phase === "sent" && st.s === s)) return;
            state[i.id] = { s: s, phase: "" };
          });
        });
        // The schedule changed since the page was made: the page itself again.
        if (seen !== total || total !== Object.keys(state).length) { location.reload(); return null; }
        lastFresh = Date.now();
        rendered = isNaN(at) ? now() : at;
        if (!live) { live = true; markToday(false); }
        return overlay(rendered);
      });
    }).catch(function () { return null; });
  }

  // ---- sending
  var waiting = 0;
  function showPending(queue) {
    if (queue) waiting = queue.length;
    $("#pending").textContent = !waiting ? "" : waiting + " " + T("queued") + (linkDown ? " · " + T("offline-note") : "");
  }
  function setNet(on) {
    linkDown = !on;
    var el = $("#net");
    el.textContent = on ? T("online") : T("offline");
    el.className = on ? "net" : "net off";
    showPending();
  }
  function report(entry, r) {
    if (r.status === 0) setNet(false);
    else if (r.status && r.status < 500) setNet(true);
    var id = entry.item, st = id && state[id];
    if (!id && entry.url.indexOf("/channels/" + channel + "/") < 0) return;
    if (!id) { logRow(entry, r.res === "sending" ? "sending" : r.res === "keep" ? "queued" : r.ok ? "sent" : "failed", r.detail); return; }
    if (!st) return;
    if (st.entry && st.entry !== entry.id) return;  // a newer tap on the item: it shows that
    if (r.res === "sending") { if (!linkDown) st.phase = "sending"; }
    else if (r.res === "keep") st.phase = "queued";
    else if (r.ok) state[id] = { s: entry.body.status, phase: "sent" };
    else state[id] = { s: entry.prev || "", phase: "failed", note: r.detail };
    paint(id);
    count();
  }

  // Send the queue; when the link fails, try again soon (2 s, doubling up to 30 s) rather than
  // waiting for the timer. The page's own token is sent (fresher than the one queued).
  var retryDelay = 2000, retryTimer = null, flushing = null;
  function flush() {
    if (flushing) return flushing;
    if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; }
    flushing = LoaQueue.drain(report, body.getAttribute("data-csrf")).then(function (empty) {
      flushing = null;
      if (empty) retryDelay = 2000;
      else {
        retryTimer = setTimeout(flush, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 30000);
      }
      return LoaQueue.all().then(function (q) { showPending(q); return empty; });
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
  // Entries queued by the first version of this page (localStorage) move to the queue.
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
    entry.id = entry.id || uuid();
    entry.csrf = body.getAttribute("data-csrf");
    return LoaQueue.put(entry).then(function () {
      return LoaQueue.all();
    }).then(function (q) {
      showPending(q);
      registerSync();
      flush();
    });
  }

  // ---- taps
  doc.addEventListener("click", function (ev) {
    var btn = ev.target.closest("button");
    var art = btn && btn.closest("[data-item]");
    if (!art) return;
    ev.preventDefault();
    var id = art.getAttribute("data-item"), st = state[id];
    if (btn.classList.contains("play")) {
      var player = doc.createElement("audio");
      player.controls = true;
      player.autoplay = true;
      player.src = btn.getAttribute("data-src");
      btn.parentNode.replaceChild(player, btn);
      return;
    }
    if (btn.classList.contains("edit")) { st.editing = true; paint(id); return; }
    var open = btn.getAttribute("data-open");
    if (open) {
      $$("form.more", art).forEach(function (f) { f.hidden = !f.classList.contains(open) || !f.hidden; });
      return;
    }
    var status = btn.getAttribute("data-status");
    if (!status) return;
    var data = { status: status };
    if (status === "partial") {
      var input = $('input[name="minutes"]', art), m = parseInt(input.value, 10);
      if (!(m > 0)) { input.focus(); return; }
      data.actual_duration_seconds = Math.min(m * 60, parseInt(art.getAttribute("data-seconds"), 10));
    }
    if (status === "not_aired") {
      data.reason_code = $('select[name="reason"]', art).value;
      var note = $('input[name="note"]', art).value.trim();
      if (note) data.reason_text = note;
    }
    var prev = st.phase === "queued" || st.phase === "sending" ? st.prev : st.s;
    var entryId = uuid();
    state[id] = { s: status, phase: linkDown ? "queued" : "sending", prev: prev, entry: entryId };
    paint(id);
    count();
    submit({ id: entryId, key: "item:" + id, item: id, prev: prev, label: T(status),
             url: "/api/v1/items/" + id + "/confirmation", body: data });
  });

  function parseTime(text) {
    var m = /^\s*([01]?\d|2[0-3])\s*[:.hH]?\s*([0-5]\d)\s*$/.exec(text || "");
    return m ? two(parseInt(m[1], 10)) + ":" + m[2] : null;
  }
  doc.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form.id === "logout-form") return signOut(ev, form);
    if (form.id !== "unplanned") return;
    ev.preventDefault();
    var hint = $(".hint", form), time = parseTime(form.time.value);
    hint.hidden = !!time;
    if (!time) { hint.textContent = T("bad-time"); form.time.focus(); return; }
    form.time.value = time;
    // The time typed is the station's local time (the planning zone), whatever the phone says.
    var ref = uuid(), start = form.day.value + "T" + time + ":00" + offsetText();
    var title = form.programme.options[form.programme.selectedIndex];
    var entry = { key: "unplanned:" + ref, label: T("unplanned") + ": " + (title ? title.textContent : "") + " · " + time,
                  url: "/api/v1/channels/" + channel + "/airings",
                  body: { programme_id: parseInt(form.programme.value, 10), started_at: start, client_ref: ref } };
    logRow(entry, linkDown ? "queued" : "sending");
    submit(entry);
  });

  // Signing out leaves no page of this user on the phone; queued confirmations stay (they are
  // sent at the next sign-in) after a warning.
  function forgetPages() {
    if (!window.caches) return Promise.resolve();
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf("loa-station") === 0; }).map(function (n) {
        return caches.open(n).then(function (c) {
          return c.keys().then(function (reqs) {
            return Promise.all(reqs.filter(function (r) { return new URL(r.url).pathname === "/station/"; })
              .map(function (r) { return c.delete(r); }));
          });
        });
      }));
    });
  }
  function signOut(ev, form) {
    ev.preventDefault();
    LoaQueue.all().then(function (q) {
      if (q.length && !window.confirm(T("signout-queued"))) return false;
      return forgetPages().then(function () { return true; }, function () { return true; });
    }, function () { return true; }).then(function (go) { if (go) form.submit(); });
  }

  // ---- start
  function keepCopy(reg) {
    if (!live || !reg.active) return;
    var params = new URLSearchParams(location.search), urls = [location.pathname + location.search];
    var home = body.getAttribute("data-home");
    if (!params.get("channel")) urls.push("/station/?channel=" + channel);
    else if (params.get("channel") === home && location.search === "?channel=" + home) urls.push("/station/");
    // The page's own files, from the browser's cache (they were just loaded): no download.
    var files = $$("script[src], link[rel=stylesheet]").map(function (el) {
      var u = new URL(el.src || el.href);
      return fetch(u.pathname + u.search, { cache: "force-cache" }).then(function (r) {
        return r.ok ? r.text().then(function (text) {
          return { url: u.pathname + u.search, type: r.headers.get("Content-Type"), body: text };
        }) : null;
      }).catch(function () { return null; });
    });
    Promise.all(files).then(function (got) {
      reg.active.postMessage({ loa: "keep", urls: urls, html: SNAPSHOT, files: got.filter(Boolean) });
    });
  }
  $$("[data-item]").forEach(function (art) {
    var id = art.getAttribute("data-item");
    arts[id] = art;
    state[id] = { s: art.getAttribute("data-s") || "", phase: "" };
  });
  window.addEventListener("online", function () {
    setNet(true);
    flush().then(function () { if (!markToday(false)) location.reload(); else refresh(); });
  });
  window.addEventListener("offline", function () { setNet(false); LoaQueue.all().then(showPending); });
  doc.addEventListener("visibilitychange", function () {
    if (doc.visibilityState === "visible" && Date.now() - lastFresh > REFRESH_MS) refresh();
  });
  setNet(navigator.onLine);
  // Usable at once with the page's own statuses; what the phone knows follows (data-synced).
  paintAll();
  markToday(true);
  body.setAttribute("data-ready", "1");
  if ("serviceWorker" in navigator) {
    // Registered once the page has loaded: its files come first on a slow link.
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(body.getAttribute("data-sw"), { scope: "/station/" }).catch(function () {});
    });
    navigator.serviceWorker.ready.then(keepCopy);
    // The service worker tells what it sent in the background (the page may have been asleep).
    navigator.serviceWorker.addEventListener("message", function (ev) {
      if (ev.data && ev.data.loa === "sent") { report(ev.data.entry, ev.data.result); LoaQueue.all().then(showPending); }
    });
  }
  function synced() { body.setAttribute("data-synced", "1"); }
  migrate().then(function () { return overlay(rendered); }).then(function () {
    markToday(false);
    synced();
    return flush();
  }).then(function () { if (!live) refresh(); }, synced);
  // Slots come due as time passes; a page left open over midnight moves "today" along.
  setInterval(function () { markToday(false); paintAll(); flush(); }, 30000);
})();
