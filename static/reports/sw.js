/* SuperTeam reports: service worker, served at /reports/sw.js with scope /reports/.
 * It keeps the report form and its few static files for use offline, and sends queued
 * reports (queue.js) when the browser says the connection is back (background sync). */
"use strict";
var params = new URL(self.location.href).searchParams;
var STATIC = params.get("static") || "/static/";
var FORM = params.get("form") || "/reports/new/";
// The form is kept in each language (?lang=), and offline the one of the language chosen
// last opens: a person who switched language since does not get the other one.
var LANGS = (params.get("langs") || "id").split(",");
var LANGUAGE_COOKIE = "superteam_language";
var CACHE = "superteam-reports-v3";
var ASSETS = [
  STATIC + "css/superteam.css",
  STATIC + "reports/reports.css",
  STATIC + "reports/queue.js",
  STATIC + "reports/report-form.js",
  STATIC + "img/emblem.svg"
];
importScripts(STATIC + "reports/queue.js");

function formCopy(lang) { return FORM + "?lang=" + lang; }

function keepForm(cache, lang) {
  return cache.add(new Request(formCopy(lang), { credentials: "same-origin" })).catch(function () {});
}

/* The language chosen last (its cookie, where the browser lets a worker read cookies). */
function chosenLanguage() {
  if (self.cookieStore && self.cookieStore.get) {
    return self.cookieStore.get(LANGUAGE_COOKIE).then(
      function (c) { return c && LANGS.indexOf(c.value) >= 0 ? c.value : LANGS[0]; },
      function () { return LANGS[0]; }
    );
  }
  return Promise.resolve(LANGS[0]);
}

function offlineForm() {
  return chosenLanguage().then(function (lang) {
    var tries = [lang].concat(LANGS.filter(function (l) { return l !== lang; }));
    return tries.reduce(function (found, l) {
      return found.then(function (hit) { return hit || caches.match(formCopy(l)); });
    }, Promise.resolve(null));
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return Promise.all(ASSETS.map(function (url) {
        return cache.add(new Request(url, { credentials: "same-origin" })).catch(function () {});
      }).concat(LANGS.map(function (lang) { return keepForm(cache, lang); })));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;  // reports are sent by the page or by sync
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === FORM) {
    // Network first (fresh CSRF token and choices); the last copy when offline.
    event.respondWith(
      fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          var lang = response.headers.get("Content-Language") || LANGS[0];
          // This language's copy is the page itself; the others are refreshed beside it.
          event.waitUntil(caches.open(CACHE).then(function (cache) {
            return Promise.all([cache.put(formCopy(lang), copy)].concat(
              LANGS.filter(function (l) { return l !== lang; }).map(function (l) { return keepForm(cache, l); })
            ));
          }));
        }
        return response;
      }).catch(function () {
        return offlineForm().then(function (hit) { return hit || Response.error(); });
      })
    );
    return;
  }
  if (url.pathname.indexOf(STATIC) === 0) {
    // The cached copy at once (slow connections), refreshed in the background.
    event.respondWith(
      caches.open(CACHE).then(function (cache) {
        return cache.match(request).then(function (hit) {
          var fresh = fetch(request).then(function (response) {
            if (response.ok) cache.put(request, response.clone());
            return response;
          });
          if (hit) { fresh.catch(function () {}); return hit; }
          return fresh;
        });
      })
    );
  }
});

function tellPages() {
  return self.clients.matchAll({ type: "window" }).then(function (pages) {
    pages.forEach(function (page) { page.postMessage({ type: "reports-queue" }); });
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag === "reports-queue") {
    event.waitUntil(ReportQueue.flush().then(tellPages));
  }
});

self.addEventListener("message", function (event) {
  if (event.data === "flush") event.waitUntil(ReportQueue.flush().then(tellPages));
});
