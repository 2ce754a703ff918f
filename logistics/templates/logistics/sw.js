/* Keeps the volunteers' route page and its files on the phone, for a Saturday without signal.
   Pages under /giao/ and the static files they use: the network first, the copy when offline.
   Only one route page is kept; a link that stops working (403) is forgotten. */
"use strict";
var CACHE = "gianhang-tuyen-v1";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(
        names.filter(function (n) { return n !== CACHE && n.indexOf("gianhang-tuyen-") === 0; })
          .map(function (n) { return caches.delete(n); })
      );
    }).then(function () { return self.clients.claim(); })
  );
});

function isRoutePage(url) {
  return /^\/giao\/[^/]+\/$/.test(url.pathname);
}

function keep(request, response) {
  var copy = response.clone();
  return caches.open(CACHE).then(function (cache) {
    var url = new URL(request.url);
    var forget = Promise.resolve();
    if (isRoutePage(url)) {
      // One route on the phone at a time: names and addresses of older ones go.
      forget = cache.keys().then(function (keys) {
        return Promise.all(keys.filter(function (k) {
          var other = new URL(k.url);
          return isRoutePage(other) && other.pathname !== url.pathname;
        }).map(function (k) { return cache.delete(k); }));
      });
    }
    return forget.then(function () { return cache.put(url.origin + url.pathname, copy); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (!isRoutePage(url) && url.pathname.indexOf("/static/") !== 0) { return; }
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok) {
        event.waitUntil(keep(request, response));
      } else if (response.status === 403 && isRoutePage(url)) {
        event.waitUntil(caches.open(CACHE).then(function (c) { return c.delete(url.origin + url.pathname); }));
      }
      return response;
    }).catch(function () {
      return caches.open(CACHE).then(function (cache) {
        return cache.match(url.origin + url.pathname, {ignoreVary: true}).then(function (hit) {
          return hit || Response.error();
        });
      });
    })
  );
});
