/* The offline queue of "my station", kept in IndexedDB so that the page and its service worker
   (Background Sync, where the browser has it) can both send it. Entries are
   {key, id, url, body, csrf, item, label}; a newer entry with the same key (a second tap on the
   same item) replaces the older one and goes to the end. One sender at a time (Web Locks): the
   server is idempotent, but two senders could deliver an older tap after a newer one. */
var LoaQueue = (function () {
  "use strict";
  var NAME = "loa-station", STORE = "queue", LOCK = "loa-queue", opened = null;

  function open() {
    if (!opened) {
      opened = new Promise(function (resolve, reject) {
        var req = indexedDB.open(NAME, 1);
        req.onupgradeneeded = function () {
          req.result.createObjectStore(STORE, { keyPath: "seq", autoIncrement: true });
        };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { opened = null; reject(req.error); };
      });
    }
    return opened;
  }

  // Run fn(store) in one transaction; resolves with what fn returned (a request's result).
  function tx(mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode), out = fn(t.objectStore(STORE));
        t.oncomplete = function () { resolve(out && "result" in out ? out.result : undefined); };
        t.onerror = t.onabort = function () { reject(t.error); };
      });
    });
  }

  function all() { return tx("readonly", function (s) { return s.getAll(); }); }

  function put(entry) {
    return tx("readwrite", function (s) {
      var cursor = s.openCursor();
      cursor.onsuccess = function () {
        var c = cursor.result;
        if (!c) { s.add(entry); return; }
        if (c.value.key === entry.key) c.delete();
        c.continue();
      };
    });
  }

  // Remove exactly this entry (a newer tap on the same item, queued meanwhile, stays).
  function remove(entry) {
    return tx("readwrite", function (s) {
      var cursor = s.openCursor();
      cursor.onsuccess = function () {
        var c = cursor.result;
        if (!c) return;
        if (c.value.key === entry.key && c.value.id === entry.id) c.delete();
        c.continue();
      };
    });
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
      if (r.ok) return { res: "done", ok: true, status: r.status };
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
  function drain(report, csrf) {
    function round() {
      var tried = {};
      function next() {
        return all().then(function (q) {
          var entry = q.filter(function (e) { return !tried[e.id]; })[0];
          if (!entry) return q.length === 0;
          tried[entry.id] = true;
          return send(entry, csrf).then(function (r) {
            if (report) report(entry, r);
            if (r.res === "keep") return false;
            return remove(entry).then(next);
          });
        });
      }
      return next();
    }
    var locks = self.navigator && self.navigator.locks;
    return locks ? locks.request(LOCK, round) : round();
  }

  return { all: all, put: put, drain: drain, TAG: "loa-queue" };
})();
