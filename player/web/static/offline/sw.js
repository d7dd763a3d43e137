/* coursepack's service worker: downloaded blocks work without a connection (docs/offline.md).
 *
 * Strategies, by route:
 * - pages (GET, HTML): the network first; offline, the copy a download stored;
 * - the shell (style, scripts, icons) and media: the stored copy first;
 * - form posts of quizzes, surveys and step navigation: sent as usual; when the network fails,
 *   the form is kept in the outbox (IndexedDB, outbox.js) BEFORE the device says anything, and
 *   the answer is the stored "saved on this device, not sent yet" page (a step's Next goes on
 *   to the next stored step). Never a score: scoring happens on the server, at sync.
 * Downloads live in one cache per block, language and content version
 * ("coursepack-block:<course>/<block>:<lang>:v<version>"); page.js fills and removes them. An
 * update of this worker leaves them, and the outbox, untouched.
 */
"use strict";
importScripts("/static/offline/outbox.js");

var SHELL_CACHE = "coursepack-shell-__RELEASE__"; // the player's release, filled in by /sw.js
var SHELL = ["/static/player.css", "/static/favicon.svg", "/static/offline/page.js", "/static/offline/outbox.js",
             "/static/icons/icon-192.png", "/static/icons/icon-512.png"];
var QUEUED_FORM = /^\/courses\/[^/]+\/[^/]+\/[^/]+(\/(quiz|survey)\/[^/]+)?$/;

self.addEventListener("install", function (event) {
  // The new shell is stored whole first; only then does this worker take over (and drop the old one).
  event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) { return cache.addAll(SHELL); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  // Old shells go only once this one is complete (it is: install finished); downloads stay.
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("coursepack-shell-") === 0 && n !== SHELL_CACHE; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST" && QUEUED_FORM.test(url.pathname)) {
    event.respondWith(sendOrKeep(request));
  } else if (request.method === "GET" && request.mode === "navigate") {
    event.respondWith(networkFirst(request));
  } else if (request.method === "GET" && (url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/media/") > 0)) {
    event.respondWith(storedFirst(request));
  }
});

function stored(request) {
  return caches.match(request, { ignoreSearch: false }).then(function (found) {
    return found || caches.match(request, { ignoreSearch: true });
  });
}

function networkFirst(request) {
  return fetch(request).catch(function () {
    return stored(request).then(function (found) { return found || offlinePage(); });
  });
}

function storedFirst(request) {
  return stored(request).then(function (found) { return found || fetch(request); });
}

function offlinePage() { // a page that was never downloaded: say so, as stored with a download (its language)
  return caches.match("/offline/missing", { ignoreSearch: true }).then(function (stored) {
    return stored || new Response("<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
      "<title>Offline</title><h1>Offline</h1><p>This page was not downloaded for offline use.</p>",
      { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
  });
}

/* Send a form; if the network fails, keep it, then answer from the device. A form that did
 * reach the server before the reply was lost is kept too: /sync answers "already recorded". */
function sendOrKeep(request) {
  var copy = request.clone();
  return fetch(request).catch(function () {
    return copy.text().then(function (body) {
      var fields = formFields(body), path = new URL(copy.url).pathname;
      if (!fields.client_id) { fields.client_id = newId(); }
      var item = { client_id: fields.client_id, url: path, fields: fields };
      return versionOf(path).then(function (version) {
        if (version !== null) { item.version = version; }
        return self.CoursepackOutbox.keep(item);
      }).then(function () { return answerKept(path, fields); });
    });
  });
}

function formFields(body) {
  var fields = {};
  new URLSearchParams(body).forEach(function (value, name) {
    if (name === "csrf_token") { return; } // the sync sends the session's current token instead
    if (name in fields) { fields[name] = [].concat(fields[name], value); } else { fields[name] = value; }
  });
  return fields;
}

function newId() {
  var bytes = new Uint8Array(16);
  self.crypto.getRandomValues(bytes);
  return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
}

/* The download a form's block came from: its content version and its steps in order. */
function download(path) {
  var parts = path.split("/"), prefix = "coursepack-block:" + parts[2] + "/" + parts[3] + ":";
  return caches.keys().then(function (names) {
    var name = names.filter(function (n) { return n.indexOf(prefix) === 0; })[0];
    if (!name) { return null; }
    return caches.open(name).then(function (cache) {
      return cache.match("/courses/" + parts[2] + "/" + parts[3] + "/offline.json");
    }).then(function (found) { return found ? found.json() : null; });
  });
}

function versionOf(path) {
  return download(path).then(function (found) { return found ? found.version : null; });
}

function answerKept(path, fields) {
  var step = path.split("/").slice(0, 5).join("/");
  if (path === step && fields.go) { // Previous / Next: the step counts as seen, and on we go
    return download(path).then(function (found) {
      var steps = found ? found.steps : [], at = steps.indexOf(step);
      var target = fields.go === "previous" ? steps[at - 1] : steps[at + 1];
      return Response.redirect(target || (found ? found.pages[0] : "/"), 303);
    });
  }
  return caches.match("/offline/saved", { ignoreSearch: true }).then(function (saved) {
    return saved || new Response("Saved on this device, not sent yet.", { headers: { "Content-Type": "text/plain; charset=utf-8" } });
  });
}
