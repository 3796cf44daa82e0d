/* The offline queue of "my station", kept in IndexedDB so that the page and its service worker
   (Background Sync, where the browser has it) can both send it. Entries are
   {key, id, url, body, csrf, item, label}; a newer entry with the same key (a second tap on the
   same item) replaces the older one and goes to the end. One sender at a time (Web Locks): the
   server is idempotent, but two senders could deliver an older tap after a newer one.
   What was sent is remembered for a week ("sent": key, item, status, label, server time), in
   the same transaction that takes the entry off the queue, so that a copy of the page kept
   from before shows it as done whoever sent it, the page or the service worker. */
var LoaQueue = (function () {
  "use strict";
  var NAME = "loa-station", QUEUE = "queue", SENT = "sent", LOCK = "loa-queue", opened = null;
  var KEEP_SENT = 9 * 24 * 3600 * 1000;

  function open() {
    if (!opened) {
      opened = new Promise(function (resolve, reject) {
        var req = indexedDB.open(NAME, 2);
        req.onupgradeneeded = function () {
          var db = req.result;
          if (!db.objectStoreNames.contains(QUEUE)) db.createObjectStore(QUEUE, { keyPath: "seq", autoIncrement: true });
          if (!db.objectStoreNames.contains(SENT)) db.createObjectStore(SENT, { keyPath: "key" });
        };
        req.onsuccess = function () {
          var db = req.result;
          db.onversionchange = function () { db.close(); opened = null; };
          resolve(db);
        };
        req.onerror = req.onblocked = function () { opened = null; reject(req.error); };
      });
    }
    return opened;
  }

  // Run fn(stores) in one transaction; resolves with what fn returned (a request's result).
  function tx(names, mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(names, mode);
        var out = fn.apply(null, names.map(function (n) { return t.objectStore(n); }));
        t.oncomplete = function () { resolve(out && "result" in out ? out.result : undefined); };
        t.onerror = t.onabort = function () { reject(t.error); };
      });
    });
  }

  function all() { return tx([QUEUE], "readonly", function (s) { return s.getAll(); }); }
  function sent() { return tx([SENT], "readonly", function (s) { return s.getAll(); }); }

  function put(entry) {
    return tx([QUEUE], "readwrite", function (s) {
      var cursor = s.openCursor();
      cursor.onsuccess = function () {
        var c = cursor.result;
        if (!c) { s.add(entry); return; }
        if (c.value.key === entry.key) c.delete();
        c.continue();
      };
    });
  }

  // Take exactly this entry off the queue (a newer tap on the same item, queued meanwhile,
  // stays); when the server took it, remember it as sent, in the same transaction.
  function finish(entry, record) {
    return tx([QUEUE, SENT], "readwrite", function (q, s) {
      var cursor = q.openCursor();
      cursor.onsuccess = function () {
        var c = cursor.result;
        if (!c) return;
        if (c.value.key === entry.key && c.value.id === entry.id) c.delete();
        c.continue();
      };
      if (!record) return;
      s.put(record);
      var old = s.openCursor();
      old.onsuccess = function () {
        var c = old.result;
        if (!c) return;
        if (c.value.at < record.at - KEEP_SENT) c.delete();
        c.continue();
      };
    });
  }

  // When the server's state became what was sent: the airing's confirmed_at; else the end of
  // the second of the answer's Date header; else this device's clock.
  function serverTime(r) {
    var d = Date.parse(r.headers.get("Date") || "");
    return isNaN(d) ? Date.now() : d + 999;
  }

  // POST one entry: {res: "done"} when the server took or refused it for good, {res: "keep"}
  // when it should be tried again (no link, server error, signed out, stale CSRF token).
  function send(entry, csrf) {
    var ctrl = self.AbortController ? new AbortController() : null;
    var timer = ctrl ? setTimeout(function () { ctrl.abort(); }, 15000) : null;
    return fetch(entry.url, {
      method: "POST", credentials: "same-origin", signal: ctrl ? ctrl.signal : undefined,
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf || entry.csrf || "" },
      body: JSON.stringify(entry.body)
    }).then(function (r) {
      if (timer) clearTimeout(timer);
      if (r.ok) {
        return r.json().then(function (a) {
          var at = Date.parse(a.confirmed_at || "");
          return { res: "done", ok: true, status: r.status, at: isNaN(at) ? serverTime(r) : at };
        }, function () { return { res: "done", ok: true, status: r.status, at: serverTime(r) }; });
      }
      if (r.status === 401 || r.status >= 500) return { res: "keep", status: r.status };
      return r.json().then(function (p) {
        if (p.code === "csrf") return { res: "keep", status: r.status };
        return { res: "done", ok: false, status: r.status, detail: p.detail || String(r.status) };
      }, function () { return { res: "done", ok: false, status: r.status, detail: String(r.status) }; });
    }, function () {
      if (timer) clearTimeout(timer);
      return { res: "keep", status: 0 };
    });
  }

  // Send the queue in order, each entry once per round (entries queued meanwhile included);
  // stop at the first that must wait. Resolves true when nothing is left to send.
  // report(entry, r) hears {res: "sending"} before each attempt, then its outcome.
  function drain(report, csrf) {
    function round() {
      var tried = {};
      function next() {
        return all().then(function (q) {
          var entry = q.filter(function (e) { return !tried[e.id]; })[0];
          if (!entry) return q.length === 0;
          tried[entry.id] = true;
          if (report) report(entry, { res: "sending" });
          return send(entry, csrf).then(function (r) {
            if (r.res === "keep") { if (report) report(entry, r); return false; }
            var record = r.ok ? { key: entry.key, item: entry.item || null, status: entry.body.status || "aired",
                                  label: entry.label, url: entry.url, at: r.at } : null;
            return finish(entry, record).then(function () {
              if (report) report(entry, r);
              return next();
            });
          });
        });
      }
      return next();
    }
    var locks = self.navigator && self.navigator.locks;
    return locks ? locks.request(LOCK, round) : round();
  }

  return { all: all, sent: sent, put: put, drain: drain, TAG: "loa-queue" };
})();
