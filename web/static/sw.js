/* Service worker of "my station": keeps the page and its files so that the station can be
   opened without a link, and sends the confirmations queued on the phone when the link returns
   (Background Sync), also after the page was closed. */
importScripts("/static/queue.js");

var CACHE = "loa-station-v4";  // bump when station.js, queue.js or station.css change
var FILES = ["/station/", "/static/station.css", "/static/station.js", "/static/queue.js"];

self.addEventListener("install", function (e) {
  self.skipWaiting();
  e.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(FILES); }));
});

self.addEventListener("activate", function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (e) {
  var req = e.request;
  if (req.method !== "GET") return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.mode === "navigate" && url.pathname.indexOf("/station/") === 0) {
    e.respondWith(fetch(req).then(function (resp) {
      if (resp.ok) { var copy = resp.clone(); caches.open(CACHE).then(function (c) { c.put(req, copy); }); }
      return resp;
    }).catch(function () {
      return caches.match(req, { ignoreSearch: true }).then(function (hit) { return hit || caches.match("/station/"); });
    }));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    e.respondWith(caches.open(CACHE).then(function (c) {
      return c.match(req).then(function (hit) {
        var fresh = fetch(req).then(function (resp) { if (resp.ok) c.put(req, resp.clone()); return resp; });
        return hit || fresh;
      });
    }));
  }
});

// Tell open station pages what was sent, so they show it without reloading.
function tell(entry, result) {
  return self.clients.matchAll({ type: "window" }).then(function (list) {
    list.forEach(function (c) { c.postMessage({ loa: "sent", entry: entry, result: result }); });
  });
}

self.addEventListener("sync", function (e) {
  if (e.tag !== LoaQueue.TAG) return;
  // A rejected promise makes the browser try again later (the link may still be weak).
  e.waitUntil(LoaQueue.drain(tell).then(function (empty) {
    if (!empty) throw new Error("queue not sent yet");
  }));
});
