/* SuperTeam reports: the phone form. Without this script the form posts normally.
 * With it: a draft is kept in localStorage, the report is sent in the background, and
 * when the phone is offline it waits in the queue (queue.js, IndexedDB) and is sent as
 * soon as the connection returns (this page's "online" event, or the service worker's
 * background sync). Every report carries its own submission key, so resending is safe. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form || !window.fetch || !window.indexedDB || !window.FormData || !window.ReportQueue) return;
  var text = form.dataset;
  var DRAFT = "superteam-report-draft:" + (text.user || "");
  var SKIPPED = { csrfmiddlewaretoken: 1, photos: 1, photos_expected: 1, client_created_at: 1 };
  var statusBox = document.getElementById("report-status");
  var queueBox = document.getElementById("report-queue");
  var draftNote = document.getElementById("draft-note");

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function field(name) { return form.elements.namedItem(name); }

  function say(message, tone, link) {
    statusBox.textContent = message;
    if (link) {
      var a = document.createElement("a");
      a.href = link.href; a.textContent = link.text;
      statusBox.appendChild(document.createTextNode(" "));
      statusBox.appendChild(a);
    }
    statusBox.className = "report-status " + (tone || "info");
    statusBox.hidden = !message;
    if (message && (tone === "bad" || tone === "warn")) {
      // The button is far below the status on a phone: bring what went wrong into view.
      statusBox.scrollIntoView({ block: "center" });
      statusBox.focus({ preventScroll: true });
    }
  }

  function askToSignIn() {
    say(text.signIn, "warn", { href: text.login, text: text.signInLink });
  }

  function saveDraft() {
    // Every field but the photos (files cannot be kept in localStorage).
    var draft = { fields: [] };
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIPPED[el.name] || el.type === "file" || el.type === "submit") return;
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) draft.fields.push([el.name, el.value, true]);
      } else {
        draft.fields.push([el.name, el.value]);
      }
    });
    try { localStorage.setItem(DRAFT, JSON.stringify(draft)); } catch (e) { /* storage full */ }
    if (draftNote) draftNote.textContent = text.draftSaved;
  }

  function restoreDraft() {
    var draft = null;
    try { draft = JSON.parse(localStorage.getItem(DRAFT) || "null"); } catch (e) { draft = null; }
    var values = {};
    ((draft && draft.fields) || []).forEach(function (f) { (values[f[0]] = values[f[0]] || []).push(f); });
    var written = (values.title && values.title[0][1]) || (values.narrative && values.narrative[0][1]);
    if (!written || !values.idempotency_key) {
      // A page served from the cache carries an old key: every new report gets its own.
      field("idempotency_key").value = newKey();
      return;
    }
    Array.prototype.forEach.call(form.elements, function (el) {
      var saved = values[el.name];
      if (!saved || el.type === "file") return;
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = saved.some(function (f) { return f[1] === el.value; });
      } else {
        el.value = saved[0][1];
      }
    });
    form.querySelectorAll("details").forEach(function (d) {
      var used = Array.prototype.some.call(d.querySelectorAll("input, select"), function (el) {
        return el.type === "checkbox" ? el.checked : el.type !== "hidden" && el.value !== "";
      });
      if (used) d.open = true;
    });
    if (draftNote) draftNote.textContent = text.draftRestored;
  }

  function startNewReport() {
    try { localStorage.removeItem(DRAFT); } catch (e) { /* ignore */ }
    ["title", "narrative", "location_name", "latitude", "longitude"].forEach(function (n) {
      var el = field(n); if (el) el.value = "";
    });
    form.querySelectorAll("input[type=checkbox]").forEach(function (el) { el.checked = false; });
    form.querySelectorAll("input[name^=reading_]").forEach(function (el) { el.value = ""; });
    field("photos").value = "";
    field("idempotency_key").value = newKey();
    if (draftNote) draftNote.textContent = "";
  }

  function collect() {
    var photos = field("photos").files;
    field("photos_expected").value = photos.length;
    field("client_created_at").value = new Date().toISOString();
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") return;
      if (value instanceof Blob) {
        if (value.size) fields.push([name, value, value.name]);
      } else {
        fields.push([name, value]);
      }
    });
    return {
      key: field("idempotency_key").value,
      user: text.user,
      url: text.api,
      csrf: field("csrfmiddlewaretoken").value,
      title: field("title").value,
      fields: fields,
      queuedAt: new Date().toISOString()
    };
  }

  function showErrors(body) {
    var lines = [body.detail || text.failed];
    if (body.errors) {
      Object.keys(body.errors).forEach(function (k) { lines = lines.concat(body.errors[k]); });
    }
    // The first error is also the summary (detail): each said once.
    lines = lines.filter(function (line, i) { return lines.indexOf(line) === i; });
    say(lines.join(" "), "bad");
  }

  function renderQueue() {
    return ReportQueue.all().then(function (entries) {
      // Only the signed-in person's (a shared phone keeps the others' for them).
      entries = entries.filter(function (e) { return !e.user || e.user === text.user; });
      queueBox.hidden = entries.length === 0;
      var list = queueBox.querySelector("ul");
      list.textContent = "";
      entries.forEach(function (e) {
        var li = document.createElement("li");
        var state = text.waiting;
        if (e.error) state = text.failedPrefix + " " + e.error;
        else if (e.waitingForSignIn && navigator.onLine) state = text.waitingSignIn;
        li.textContent = e.title + " — " + state;
        if (e.error) {
          var back = document.createElement("button");
          back.type = "button"; back.className = "btn small"; back.textContent = text.putBack;
          back.addEventListener("click", function () { putBack(e); });
          var drop = document.createElement("button");
          drop.type = "button"; drop.className = "btn small secondary"; drop.textContent = text.remove;
          drop.addEventListener("click", function () { ReportQueue.remove(e.key).then(renderQueue); });
          li.appendChild(document.createTextNode(" "));
          li.appendChild(back);
          li.appendChild(document.createTextNode(" "));
          li.appendChild(drop);
        }
        list.appendChild(li);
      });
    });
  }

  /* A refused report back in the form, photos included, to be corrected and sent again
   * (with a new key: nothing was stored under the old one, or it belongs to another report). */
  function putBack(entry) {
    var values = {}, files = [];
    entry.fields.forEach(function (f) {
      if (f[1] instanceof Blob) files.push(new File([f[1]], f[2] || "photo.jpg", { type: f[1].type }));
      else (values[f[0]] = values[f[0]] || []).push(f[1]);
    });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.type === "submit") return;
      if (el.name === "csrfmiddlewaretoken" || el.name === "idempotency_key") return;
      var saved = values[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = !!saved && saved.indexOf(el.value) >= 0;
      } else if (saved) {
        el.value = saved[0];
      }
    });
    field("idempotency_key").value = newKey();
    if (files.length && window.DataTransfer) {
      try {
        var chosen = new DataTransfer();
        files.forEach(function (f) { chosen.items.add(f); });
        field("photos").files = chosen.files;
      } catch (err) { /* the photos are chosen again by hand */ }
    }
    return ReportQueue.remove(entry.key).then(function () {
      saveDraft();
      renderQueue();
      say(text.putBackDone + " " + entry.error, "warn");  // in view: why it was refused
    });
  }

  function flush() {
    return ReportQueue.flush(text.user).then(function (outcome) {
      if (outcome.signIn) askToSignIn();
      else if (outcome.failed.length) say(text.failedQueued, "bad");
      else if (outcome.sent.length) say(text.sentLater, "ok");
      return renderQueue();
    });
  }

  function askForSync() {
    if (navigator.serviceWorker && navigator.serviceWorker.ready) {
      navigator.serviceWorker.ready.then(function (reg) {
        if (reg.sync) return reg.sync.register("reports-queue");
      }).catch(function () { /* no background sync: the online event will do */ });
    }
  }

  function queue(entry) {
    return ReportQueue.put(entry).then(function () {
      startNewReport();
      say(text.queued, "warn");
      askForSync();
      return renderQueue();
    });
  }

  form.addEventListener("submit", function (event) {
    if (!form.checkValidity()) return;  // the browser shows what is missing
    event.preventDefault();
    var entry = collect();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    say(text.sending, "info");
    var done = function () { button.disabled = false; };
    if (!navigator.onLine) { queue(entry).then(done, done); return; }
    ReportQueue.put(entry).then(function () {
      return ReportQueue.send(entry);
    }).then(function (answer) {
      if (answer.status === 200 || answer.status === 201) {
        return ReportQueue.remove(entry.key).then(function () {
          startNewReport();
          window.location.assign(answer.body.url);
        });
      }
      if (answer.status >= 500) { say(text.queued, "warn"); askForSync(); startNewReport(); return renderQueue(); }
      if (ReportQueue.needsSignIn(answer)) {
        // Signed out meanwhile (or signed in again elsewhere): kept on the phone, sent once
        // the person has signed in.
        startNewReport();
        askToSignIn();
        return renderQueue();
      }
      return ReportQueue.remove(entry.key).then(function () {
        showErrors(answer.body);
        if (answer.status === 409) {
          // The key belongs to another report: this one gets a new key if sent again.
          field("idempotency_key").value = newKey();
          saveDraft();
          statusBox.textContent += " " + text.conflict;
        }
      });
    }, function () {
      // Network failure: the record is already in the queue.
      startNewReport();
      say(text.queued, "warn");
      askForSync();
      return renderQueue();
    }).then(done, done);
  });

  form.addEventListener("input", saveDraft);
  form.addEventListener("change", saveDraft);

  var locate = document.getElementById("use-location");
  if (locate && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      locate.disabled = true;
      navigator.geolocation.getCurrentPosition(function (pos) {
        field("latitude").value = pos.coords.latitude.toFixed(6);
        field("longitude").value = pos.coords.longitude.toFixed(6);
        document.getElementById("location-note").textContent = text.located;
        locate.disabled = false;
        saveDraft();
      }, function () {
        document.getElementById("location-note").textContent = text.notLocated;
        locate.disabled = false;
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  restoreDraft();
  window.addEventListener("online", flush);
  // Phones do not always tell the page that the signal came back (and a send may fail
  // just after it did): while reports wait, try again every ten seconds.
  window.setInterval(function () {
    if (!navigator.onLine || document.hidden) return;
    ReportQueue.all().then(function (entries) {
      if (entries.some(function (e) { return !e.error && (!e.user || e.user === text.user); })) flush();
    });
  }, 10000);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && navigator.onLine) flush();
  });
  if ("serviceWorker" in navigator && text.sw) {
    navigator.serviceWorker.register(text.sw, { scope: text.swScope }).catch(function () { /* still works online */ });
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "reports-queue") renderQueue();
    });
  }
  renderQueue().then(function () { if (navigator.onLine) flush(); });
})();
