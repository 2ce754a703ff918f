/* The volunteers' route page without signal: marks wait on the phone ("chưa gửi") and go
   to the server, each once, when the connection returns. Without this script, or on a
   browser that cannot run it, the page's forms work as before (online). */
(function () {
  "use strict";
  var CACHE = "gianhang-tuyen-v1";
  var list = document.querySelector(".lg-stops");
  var counter = document.getElementById("chua-gui");
  if (!list || !counter || !window.fetch || !window.localStorage || !window.JSON ||
      !window.crypto || !window.crypto.getRandomValues) {
    return;
  }
  var base = location.pathname;
  var endpoint = base + "danh-dau/";
  var key = "gianhang-chua-gui:" + base;
  var sending = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  }
  function save(queue) { localStorage.setItem(key, JSON.stringify(queue)); }

  function newId() {
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var hex = "";
    for (var i = 0; i < 16; i++) {
      hex += (b[i] + 256).toString(16).slice(1);
      if (i === 3 || i === 5 || i === 7 || i === 9) { hex += "-"; }
    }
    return hex;
  }

  function show(stopId, text, problem) {
    var item = document.getElementById("diem-" + stopId);
    if (!item) { return; }
    var forms = item.querySelectorAll("form");
    for (var i = 0; i < forms.length; i++) { forms[i].hidden = !problem; }
    var badge = item.querySelector(".lg-mark");
    if (!badge) {
      badge = document.createElement("p");
      item.appendChild(badge);
    }
    badge.className = "lg-mark " + (problem ? "errorlist" : "badge");
    badge.textContent = text;
    if (!problem && !/\blg-done\b/.test(item.className)) { item.className += " lg-done"; }
  }

  function render() {
    var queue = load();
    counter.hidden = queue.length === 0;
    counter.textContent = counter.getAttribute("data-template").replace("%(n)s", queue.length);
    for (var i = 0; i < queue.length; i++) {
      var mark = queue[i];
      show(mark.stop_id, counter.getAttribute("data-queued-" + mark.outcome), false);
    }
  }

  function settle(mark, text, problem) {
    save(load().filter(function (m) { return m.mark_id !== mark.mark_id; }));
    show(mark.stop_id, text, problem);
    render();
  }

  function flush() {
    var queue = load();
    if (sending || !queue.length) { return; }
    sending = true;
    var mark = queue[0];
    fetch(endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify(mark)
    }).then(function (response) {
      if (response.status >= 500) { throw new Error("server busy"); }
      return response.json().then(function (answer) {
        // Accepted, a repeat of a mark already applied, or refused: this mark is settled.
        settle(mark, answer.message, !answer.ok);
        sending = false;
        flush();
      });
    }).catch(function () {
      sending = false; // no signal (or a busy server): the mark waits for the next try
    });
  }

  list.addEventListener("submit", function (event) {
    var form = event.target;
    var item = form.parentNode;
    while (item && item.tagName !== "LI") { item = item.parentNode; }
    if (!item || !/^diem-\d+$/.test(item.id) || !form.elements.outcome) { return; }
    event.preventDefault();
    var queue = load();
    queue.push({
      mark_id: newId(),
      stop_id: parseInt(item.id.slice(5), 10),
      outcome: form.elements.outcome.value,
      reason: form.elements.reason ? form.elements.reason.value : "",
      note: form.elements.note ? form.elements.note.value : ""
    });
    save(queue);
    render();
    flush();
  });

  window.addEventListener("online", flush);
  setInterval(flush, 15000);
  render();
  flush();

  if ("serviceWorker" in navigator && window.caches) {
    navigator.serviceWorker.register(counter.getAttribute("data-worker"), {scope: "/giao/"})
      .then(function () {
        // The first visit is not yet under the worker: keep this page and its files now.
        var files = [base];
        var links = document.querySelectorAll("link[rel=stylesheet], script[src]");
        for (var i = 0; i < links.length; i++) { files.push(links[i].href || links[i].src); }
        return caches.open(CACHE).then(function (cache) { return cache.addAll(files); });
      })
      .then(function () { document.documentElement.setAttribute("data-offline-ready", "1"); })
      .catch(function () { /* the page still works online */ });
  }
})();
