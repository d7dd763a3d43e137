/* The device's outbox: forms kept while offline, in IndexedDB, until /sync has answered for them.
 * Shared by the service worker (importScripts) and the pages (page.js). Plain IndexedDB: one
 * database, one store keyed by the form's client id, so keeping the same form twice keeps it
 * once. An item is exactly what the form would have posted (docs/offline.md). */
(function (scope) {
  "use strict";
  var NAME = "coursepack", STORE = "outbox", VERSION = 1;

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = function () {
        var store = request.result.createObjectStore(STORE, { keyPath: "client_id" });
        store.createIndex("queued", "queued");
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode), result;
        var store = transaction.objectStore(STORE);
        result = work(store);
        transaction.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : result); };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
        transaction.onabort = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  scope.CoursepackOutbox = {
    /* Keep a form: resolves once it is stored (only then may the device say "saved"). */
    keep: function (item) {
      item.queued = item.queued || Date.now();
      item.state = item.state || "pending";
      return run("readwrite", function (store) { return store.put(item); });
    },
    /* Every kept item, oldest first. */
    all: function () {
      return run("readonly", function (store) { return store.index("queued").getAll(); });
    },
    pending: function () {
      return this.all().then(function (items) { return items.filter(function (i) { return i.state === "pending"; }); });
    },
    forget: function (ids) {
      return run("readwrite", function (store) { ids.forEach(function (id) { store.delete(id); }); });
    },
    mark: function (item, state, reason) {
      item.state = state;
      item.reason = reason || "";
      return this.keep(item);
    }
  };
}(self));
