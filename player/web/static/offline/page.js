/* coursepack's offline enhancement of the ordinary pages (docs/offline.md). Without it, or
 * without service workers, every page works exactly as before. It:
 * - registers the service worker (/sw.js);
 * - gives every form a fresh client id per page load, as a fresh page from the server would;
 * - on a block's start page: "Download for offline use" / "Remove download", with what is
 *   stored and how much space it takes, and asks for persistent storage;
 * - sends the outbox to /sync when the connection is back (on load, on "online", every minute)
 *   and says what happened; pending answers can be saved to a file. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !("caches" in window) || !window.indexedDB || !window.CoursepackOutbox) { return; }
  var outbox = window.CoursepackOutbox, texts = (document.getElementById("offline-texts") || {}).dataset || {};
  var BATCH = 100, sending = false;

  function say(key, values) {
    return (texts[key] || key).replace(/%\((\w+)\)[sd]/g, function (_, name) { return values && name in values ? values[name] : ""; });
  }

  function randomId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function freshClientIds() {
    Array.prototype.forEach.call(document.querySelectorAll('input[name="client_id"]'), function (field) { field.value = randomId(); });
  }

  function statusLine() {
    var line = document.getElementById("offline-status");
    if (!line) {
      line = document.createElement("div");
      line.id = "offline-status";
      line.className = "offline-status";
      line.setAttribute("role", "status");
      line.setAttribute("aria-live", "polite");
      var main = document.getElementById("main") || document.body;
      main.insertBefore(line, main.firstChild);
    }
    return line;
  }

  // -- the outbox, sent when the connection is back -----------------------------------------------
  function keepFormsValid(formToken) {
    Array.prototype.forEach.call(document.querySelectorAll('input[name="csrf_token"]'), function (f) { f.value = formToken; });
  }

  /* Asked before each send, on any page (one without a form too): the session's form token, and
   * for a first-time visitor the id of the guest the send will make, so that a send whose reply
   * is lost goes again as the same guest; "" when it cannot be had now. */
  function token() {
    return fetch("/sync", { credentials: "same-origin", headers: { "Accept": "application/json" } }).then(function (reply) {
      return reply.ok ? reply.json().then(function (answer) { return answer.form_token || ""; }) : "";
    }).then(function (formToken) {
      if (formToken) { keepFormsValid(formToken); }
      return formToken;
    });
  }

  function send() {
    if (sending || !navigator.onLine) { return Promise.resolve(); }
    sending = true;
    return outbox.pending().then(function (items) {
      if (!items.length) { return null; }
      return token().then(function (formToken) { return formToken ? post(items, formToken) : null; });
    }).catch(function () { return null; }).then(function (result) {
      sending = false;
      return showOutbox(result);
    });
  }

  function post(items, formToken) {
    var batch = items.slice(0, BATCH).map(function (i) { return { client_id: i.client_id, url: i.url, fields: i.fields, version: i.version }; });
    return fetch("/sync", {
      method: "POST", credentials: "same-origin", body: JSON.stringify({ items: batch }),
      headers: { "Content-Type": "application/json", "X-CSRFToken": formToken }
    }).then(function (reply) {
      if (!reply.ok) { return null; } // signed out or expired: keep everything, try again later
      return reply.json().then(function (answer) { return settle(items, answer.results); });
    });
  }

  function settle(items, results) {
    var byId = {}, done = [], waits = [], report = { sent: 0, held: 0, refused: 0, results: [] };
    items.forEach(function (i) { byId[i.client_id] = i; });
    results.forEach(function (found) {
      var item = byId[found.client_id];
      if (!item) { return; }
      if (found.status === "recorded" || found.status === "already recorded") {
        done.push(item.client_id);
        report.sent++;
        if (found.attempt) { report.results.push(item.url + "/attempts/" + found.attempt); }
      } else {
        report[found.status === "held" ? "held" : "refused"]++;
        waits.push(outbox.mark(item, found.status, found.reason));
      }
    });
    return Promise.all(waits).then(function () { return outbox.forget(done); }).then(function () { return report; });
  }

  function showOutbox(report) {
    return outbox.all().then(function (items) {
      var pending = items.filter(function (i) { return i.state === "pending"; }).length;
      var kept = items.length - pending, line = statusLine(), parts = [];
      if (report && report.sent) { parts.push(say("sent", { n: report.sent })); }
      if (pending) { parts.push(say("pending", { n: pending })); }
      if (kept) { parts.push(say("kept", { n: kept })); }
      line.textContent = parts.join(" ");
      if (report && report.results.length) {
        var link = document.createElement("a");
        link.href = report.results[report.results.length - 1];
        link.textContent = say("result");
        line.appendChild(document.createTextNode(" "));
        line.appendChild(link);
      }
      if (items.length) { line.appendChild(exportButton(items)); }
      line.hidden = !parts.length;
    });
  }

  function exportButton(items) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = say("export");
    button.addEventListener("click", function () {
      var data = JSON.stringify({ items: items.map(function (i) { return { client_id: i.client_id, url: i.url, fields: i.fields, version: i.version }; }) });
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([data], { type: "application/json" }));
      link.download = "pending-answers.json";
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
    var wrap = document.createElement("span");
    wrap.appendChild(document.createTextNode(" "));
    wrap.appendChild(button);
    return wrap;
  }

  // -- downloads ---------------------------------------------------------------------------------
  function cacheName(found) { return "coursepack-block:" + found.course + "/" + found.block + ":" + found.lang + ":v" + found.version; }
  function blockPrefix(course, block) { return "coursepack-block:" + course + "/" + block + ":"; }

  function stored(course, block) {
    return caches.keys().then(function (names) { return names.filter(function (n) { return n.indexOf(blockPrefix(course, block)) === 0; }); });
  }

  function size(name) {
    return caches.open(name).then(function (cache) { return cache.keys().then(function (requests) {
      return Promise.all(requests.map(function (r) { return cache.match(r).then(function (m) { return m.blob(); }); }))
        .then(function (blobs) { return { files: requests.length, bytes: blobs.reduce(function (s, b) { return s + b.size; }, 0) }; });
    }); });
  }

  function downloadControls(box) {
    var status = box.querySelector("[data-download-status]"), get = box.querySelector("[data-download]"), remove = box.querySelector("[data-remove]");
    var course = box.getAttribute("data-course"), block = box.getAttribute("data-block"), version = box.getAttribute("data-version");
    box.hidden = false;

    function refresh(note) {
      return stored(course, block).then(function (names) {
        if (!names.length) { status.textContent = note || say("not_downloaded"); remove.hidden = true; get.hidden = false; return; }
        return size(names[0]).then(function (found) {
          var newer = names[0].slice(-(":v" + version).length) !== ":v" + version;
          status.textContent = (note ? note + " " : "") + say("downloaded", { n: found.files, kb: Math.ceil(found.bytes / 1024) }) +
            (newer ? " " + say("newer") : "");
          remove.hidden = false;
          get.hidden = !newer;
        });
      });
    }

    get.addEventListener("click", function () {
      status.textContent = say("downloading");
      get.disabled = true;
      fetch(box.getAttribute("data-source"), { credentials: "same-origin" }).then(function (reply) { return reply.json(); }).then(function (found) {
        var name = cacheName(found), urls = found.pages.concat(found.assets);
        return caches.open(name).then(function (cache) {
          return Promise.all(urls.map(function (url) {
            return fetch(url, { credentials: "same-origin" }).then(function (reply) {
              if (!reply.ok) { throw new Error(url + ": " + reply.status); }
              return cache.put(url, reply);
            });
          })).then(function () {
            // complete: only now the download's own index goes in, and older versions go out
            return cache.put(box.getAttribute("data-source"), new Response(JSON.stringify(found), { headers: { "Content-Type": "application/json" } }));
          });
        }).then(function () {
          return stored(course, block).then(function (names) {
            return Promise.all(names.filter(function (n) { return n !== name; }).map(function (n) { return caches.delete(n); }));
          });
        }).catch(function (error) { return caches.delete(name).then(function () { throw error; }); });
      }).then(function () {
        if (!navigator.storage || !navigator.storage.persist) { return ""; }
        return navigator.storage.persist().then(function (kept) { return kept ? "" : say("not_persistent"); });
      }).then(function (note) {
        get.disabled = false;
        return refresh(note);
      }).catch(function () {
        get.disabled = false;
        status.textContent = say("failed");
      });
    });

    remove.addEventListener("click", function () {
      stored(course, block).then(function (names) { return Promise.all(names.map(function (n) { return caches.delete(n); })); })
        .then(function () { return refresh(say("removed")); });
    });
    refresh();
  }

  navigator.serviceWorker.register("/sw.js").catch(function () { /* the pages work without it */ });
  freshClientIds();
  Array.prototype.forEach.call(document.querySelectorAll("[data-offline-download]"), downloadControls);
  Array.prototype.forEach.call(document.querySelectorAll("[data-back]"), function (link) {
    link.addEventListener("click", function (event) { if (history.length > 1) { event.preventDefault(); history.back(); } });
  });
  window.addEventListener("online", send);
  setInterval(send, 60000);
  send();
  window.coursepackSync = send; // for the tests and for a page that wants to send at once
}());
