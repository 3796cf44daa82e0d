/* Service worker of "my station": keeps each station's page (by its exact URL) and the page's
   files, so that a station can be opened without a link, and sends the confirmations queued on
   the phone when the link returns (Background Sync), also after the page was closed.
   The server writes the versioned file URLs in (web/views/station.py): a changed file makes a
   new worker with a new cache. The page is never downloaded twice: the page hands its own copy
   over (message "keep") instead of the worker fetching it again. */
var SHELL = /*SHELL*/[];
importScripts("/*QUEUE*/");

// v5: pages kept per exact URL, handed over by the page; the files' versions name the cache.
var CACHE = "loa-station-v5-" + SHELL.map(function (u) { return u.split("v=")[1] || "0"; }).join("-");

self.addEventListener("install", function (e) {
  self.skipWaiting();
  // The page hands its files over with its copy (message "keep"); a file it could not hand
  // over is fetched when first asked for.
  e.waitUntil(caches.open(CACHE));
});

self.addEventListener("activate", function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("loa-station") === 0 && k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

// The page as the server made it, from the page itself: stored under each URL it answers.
self.addEventListener("message", function (e) {
  var d = e.data || {};
  if (d.loa === "keep" && d.html && d.urls) {
    e.waitUntil(caches.open(CACHE).then(function (c) {
      var files = (d.files || []).filter(function (f) { return SHELL.indexOf(f.url) >= 0; }).map(function (f) {
        return c.put(new URL(f.url, self.location.origin).href, new Response(f.body, { headers: { "Content-Type": f.type } }));
      });
      return Promise.all(files.concat(d.urls.map(function (u) {
        var at = new URL(u, self.location.origin);
        if (at.origin !== self.location.origin || at.pathname !== "/station/") return null;
        return c.put(at.href, new Response(d.html, {
          headers: { "Content-Type": "text/html; charset=utf-8" }
        }));
      })));
    }));
  }
});

// A kept copy says so (data-live="0"): the page then shows when it was made and refreshes
// the statuses once the link is back.
function kept(resp) {
  return resp.text().then(function (html) {
    return new Response(html.replace('data-live="1"', 'data-live="0"'), {
      headers: { "Content-Type": "text/html; charset=utf-8" }
    });
  });
}

self.addEventListener("fetch", function (e) {
  var req = e.request;
  if (req.method !== "GET") return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.mode === "navigate" && url.pathname === "/station/") {
    // Network first; without a link, the copy of exactly this URL (this station), never
    // another station's.
    e.respondWith(fetch(req).catch(function (err) {
      return caches.open(CACHE).then(function (c) { return c.match(url.href); }).then(function (hit) {
        if (hit) return kept(hit);
        throw err;
      });
    }));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    e.respondWith(caches.open(CACHE).then(function (c) {
      return c.match(req).then(function (hit) {
        return hit || fetch(req).then(function (resp) {
          if (resp.ok && SHELL.indexOf(url.pathname + url.search) >= 0) c.put(req, resp.clone());
          return resp;
        });
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
