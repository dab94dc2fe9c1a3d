/* SuperTeam reports: the offline queue, shared by the page and the service worker.
 * Each queued report is one IndexedDB record: the form fields (photos as Blobs), the
 * address to send it to and the CSRF token of the page it came from. Sending is
 * idempotent on the server (the submission key), so a record is removed only after the
 * server answered; a resend after a lost answer returns the stored report. A report the
 * server refuses because the person must sign in again (401, or a CSRF token made stale
 * by signing in again) stays queued and is sent once they have. */
(function (root) {
  "use strict";
  var DB = "superteam-reports", STORE = "queue";

  function open() {
    return new Promise(function (resolve, reject) {
      var req = root.indexedDB.open(DB, 1);
      req.onupgradeneeded = function () {
        req.result.createObjectStore(STORE, { keyPath: "key" });
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function run(mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode), result;
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
        result = fn(tx.objectStore(STORE));
      });
    });
  }

  function all() {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var req = db.transaction(STORE).objectStore(STORE).getAll();
        req.onsuccess = function () {
          db.close();
          // In the order they were written (the store orders them by their random key).
          resolve((req.result || []).sort(function (a, b) {
            return (a.queuedAt || "") < (b.queuedAt || "") ? -1 : (a.queuedAt || "") > (b.queuedAt || "") ? 1 : 0;
          }));
        };
        req.onerror = function () { db.close(); reject(req.error); };
      });
    });
  }

  function put(entry) { return run("readwrite", function (s) { s.put(entry); }); }
  function remove(key) { return run("readwrite", function (s) { s.delete(key); }); }

  function toFormData(entry, queued) {
    var data = new FormData();
    if (queued) data.append("queued", "1");  // sent later: the server notes the channel
    // Who wrote it: on a phone shared by several people, the server refuses to store one
    // person's report under another's session; it waits for its author to sign in.
    if (entry.user) data.append("queued_by", entry.user);
    entry.fields.forEach(function (f) {
      if (f[1] instanceof Blob) data.append(f[0], f[1], f[2] || "photo.jpg");
      else data.append(f[0], f[1]);
    });
    return data;
  }

  /* The session's CSRF token as it is now (its cookie): signing in again replaces it, and a
   * report queued before must not be refused for carrying the old one. The page reads the
   * cookie; the service worker asks the Cookie Store where the browser has one. */
  function currentToken() {
    if (root.document) {
      var found = (root.document.cookie || "").match(/(?:^|;\s*)csrftoken=([^;]+)/);
      return Promise.resolve(found ? decodeURIComponent(found[1]) : null);
    }
    if (root.cookieStore && root.cookieStore.get) {
      return root.cookieStore.get("csrftoken").then(
        function (c) { return c ? c.value : null; },
        function () { return null; }
      );
    }
    return Promise.resolve(null);
  }

  /* Whether an answer means "sign in (again), then send it": kept in the queue. */
  function needsSignIn(answer) {
    var body = answer.body || {}, detail = body.detail || "";
    return answer.status === 401 || (answer.status === 403 && /CSRF/i.test(detail)) ||
      body.code === "other_person";
  }

  /* Why the server refused a report: the summary and each field's message, once each. */
  function reason(answer) {
    var body = answer.body || {}, lines = [body.detail || ("HTTP " + answer.status)];
    Object.keys(body.errors || {}).forEach(function (k) { lines = lines.concat(body.errors[k]); });
    return lines.filter(function (line, i) { return lines.indexOf(line) === i; }).join(" ");
  }

  function send(entry, queued) {
    return currentToken().then(function (token) {
      return fetch(entry.url, {
        method: "POST",
        body: toFormData(entry, queued),
        credentials: "same-origin",
        headers: { "X-CSRFToken": token || entry.csrf, "Accept": "application/json" }
      });
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { status: response.status, body: body };
      });
    });
  }

  var flushing = null;

  /* Send every waiting record; stop at the first network failure (still offline).
   * Resolves to {sent: [...], failed: [...], waiting: n}. */
  /* ``user``: send only that person's reports (the page knows who is signed in; the service
   * worker does not, and the server keeps other people's for them). */
  function flush(user) {
    if (flushing) return flushing;
    var outcome = { sent: [], failed: [], waiting: 0 };
    // The page and the service worker may both flush when the signal returns: a lock
    // shared by every context of this site makes the second wait and find the queue
    // already sent, so a report never travels twice over a village connection.
    var locks = root.navigator && root.navigator.locks;
    var exclusive = locks
      ? function (work) { return locks.request("superteam-reports-queue", work); }
      : function (work) { return work(); };
    flushing = exclusive(function () { return all().then(sendAll); })
      .then(function () { return outcome; }, function () { return outcome; });
    return flushing.then(function (result) { flushing = null; return result; });

    function sendAll(entries) {
      var pending = entries.filter(function (e) {
        return !e.error && (!user || !e.user || e.user === user);
      });
      outcome.waiting = pending.length;
      return pending.reduce(function (chain, entry) {
        return chain.then(function (online) {
          if (!online) return false;
          return send(entry, true).then(function (answer) {
            if (answer.status === 200 || answer.status === 201) {
              delete entry.waitingForSignIn;
              outcome.sent.push({ title: entry.title, url: answer.body.url });
              outcome.waiting -= 1;
              return remove(entry.key).then(function () { return true; });
            }
            if (answer.status >= 500) return false;  // the server is struggling: later
            if (needsSignIn(answer)) {  // kept, and said so in the list
              outcome.signIn = true;
              entry.waitingForSignIn = true;
              return put(entry).then(function () { return false; });
            }
            entry.error = reason(answer);
            outcome.failed.push(entry);
            outcome.waiting -= 1;
            return put(entry).then(function () { return true; });
          }, function () { return false; });
        });
      }, Promise.resolve(true));
    }
  }

  root.ReportQueue = {
    all: all, put: put, remove: remove, send: send, flush: flush, needsSignIn: needsSignIn,
    reason: reason
  };
})(typeof self !== "undefined" ? self : this);
