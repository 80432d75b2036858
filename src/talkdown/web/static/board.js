/* talkdown console: countdowns, time on duty, and the scribe's keyboard-only entry box.
 * No inline scripts anywhere (the Content-Security-Policy forbids them); everything is wired here. */
(function () {
  "use strict";

  function pad(n) { return String(n).padStart(2, "0"); }

  function span(seconds) {
    var s = Math.abs(Math.round(seconds));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    return (h ? h + ":" + pad(m) : String(m)) + ":" + pad(r);
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) { return; }
      var left = (due - now) / 1000;
      el.textContent = left >= 0 ? "in " + span(left) : "passed " + span(left) + " ago";
      el.classList.toggle("soon", left >= 0 && left < 15 * 60);
      el.classList.toggle("passed", left < 0);
    });
    document.querySelectorAll("[data-since]").forEach(function (el) {
      var since = Date.parse(el.getAttribute("data-since"));
      if (!isNaN(since)) { el.textContent = span((now - since) / 1000); }
    });
  }

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function radios() { return Array.prototype.slice.call(document.querySelectorAll("#speakers input[type=radio]")); }

  function choose(index) {
    var all = radios();
    if (!all.length) { return; }
    var r = all[(index + all.length) % all.length];
    r.checked = true;
    syncRole();
  }

  function syncRole() {
    var checked = document.querySelector("#speakers input[type=radio]:checked");
    var hidden = document.querySelector('#entry input[name="role_if_new"]');
    if (checked && hidden) { hidden.value = checked.getAttribute("data-role") || ""; }
  }

  function lastSeq() {
    var lines = document.querySelectorAll("#log article.utt");
    return lines.length ? lines[lines.length - 1].getAttribute("data-seq") : null;
  }

  function mark(kind) {
    var form = document.getElementById("entry");
    var seq = lastSeq();
    if (!form || !seq || !window.htmx) { return; }
    var box = document.getElementById("entry-text");
    var values = { seq: seq, mark: kind };
    if (kind === "deadline" && /^\s*\d+\s*(h|m|min|s)?(\s*\d+\s*(m|min|s))?\s*$/i.test(box.value)) {
      values.due = box.value.trim();
      box.value = "";
    }
    window.htmx.ajax("POST", "/incidents/" + form.getAttribute("data-incident") + "/marks", {
      target: "#alerts", swap: "innerHTML", values: values, headers: { "X-CSRF-Token": csrf() }
    });
  }

  document.addEventListener("keydown", function (ev) {
    if (!document.getElementById("entry") || !ev.altKey || ev.ctrlKey || ev.metaKey) { return; }
    var key = ev.key.toLowerCase(), code = ev.code || "";
    var all = radios(), current = all.findIndex(function (r) { return r.checked; });
    if (code === "KeyS" || key === "s") { choose(current + 1); }
    else if (/^Digit[1-9]$/.test(code)) { choose(parseInt(code.slice(5), 10) - 1); }
    else if (code === "KeyD" || key === "d") { mark("demand"); }
    else if (code === "KeyT" || key === "t") { mark("deadline"); }
    else if (code === "KeyP" || key === "p") { mark("promise"); }
    else { return; }
    ev.preventDefault();
    var box = document.getElementById("entry-text");
    if (box) { box.focus(); }
  });

  document.addEventListener("change", function (ev) {
    if (ev.target && ev.target.closest && ev.target.closest("#speakers")) { syncRole(); }
  });

  document.addEventListener("htmx:afterRequest", function (ev) {
    var form = ev.detail && ev.detail.elt;
    if (form && form.classList && form.classList.contains("reset-on-success") && ev.detail.successful) {
      var keep = form.querySelector("#speakers input:checked");
      var text = form.querySelector("#entry-text");
      if (text) { text.value = ""; text.focus(); } else { form.reset(); }
      if (keep) { keep.checked = true; }
    }
  });

  // The side panels are replaced whenever lines arrive; their forms carry hx-preserve (the element a
  // teammate is typing in is kept, not re-rendered). Browsers without Element.moveBefore drop the focus
  // when htmx puts a preserved form back, so the field and caret are restored here.
  // The speaker list is re-rendered too (a party added on another board appears here): the scribe's
  // choice is kept by party, or by role when a stand-in ("Primary") has become a named party.
  var typing = null, chosen = null;
  document.addEventListener("htmx:oobBeforeSwap", function (ev) {
    var el = document.activeElement, target = ev.detail && ev.detail.target;
    typing = null;
    if (target && target.id === "speakers") {
      var checked = target.querySelector("input[type=radio]:checked");
      chosen = checked ? { value: checked.value, role: checked.getAttribute("data-role") } : null;
    }
    if (el && target && target.contains(el) && el.closest("[hx-preserve]")) {
      typing = { el: el, start: el.selectionStart, end: el.selectionEnd };
    }
  });

  document.addEventListener("htmx:oobAfterSwap", function () {
    if (chosen) {
      var all = radios();
      var same = all.filter(function (r) { return r.value === chosen.value; })[0] ||
                 all.filter(function (r) { return r.getAttribute("data-role") === chosen.role; })[0];
      if (same) { same.checked = true; }
      chosen = null;
      syncRole();
    }
    if (typing && typing.el.isConnected && document.activeElement !== typing.el) {
      typing.el.focus();
      if (typeof typing.start === "number" && typing.el.setSelectionRange) {
        try { typing.el.setSelectionRange(typing.start, typing.end); } catch (e) { /* not a text field */ }
      }
    }
    typing = null;
  });

  // The log follows new lines only while its reader is at the bottom: the side panels are re-rendered at every
  // line and every 15 s, and scrolling to the bottom at each of those swaps threw a team leader reading back
  // through the call down to the newest line every few seconds. Logging a line of one's own follows again.
  var following = true;
  function atBottom(log) { return log.scrollHeight - log.scrollTop - log.clientHeight < 40; }
  function follow() {
    var log = document.getElementById("log");
    if (log && following) { log.scrollTop = log.scrollHeight; }
  }
  document.addEventListener("scroll", function (ev) {
    if (ev.target && ev.target.id === "log") { following = atBottom(ev.target); }
  }, true);
  document.addEventListener("htmx:afterRequest", function (ev) {
    var form = ev.detail && ev.detail.elt;
    if (form && form.id === "entry" && ev.detail.successful) { following = true; follow(); }
  });

  document.addEventListener("htmx:oobAfterSwap", function () {
    follow();
    var head = document.getElementById("head-seq"), seq = lastSeq();
    if (head && seq && parseInt(seq, 10) > parseInt(head.textContent, 10)) { head.textContent = seq; }
    tick();
  });

  document.addEventListener("htmx:sseOpen", function () {
    var s = document.getElementById("live");
    if (s) { s.textContent = "live"; s.className = "live-status on"; }
  });
  // A stream that cannot reconnect may have found its session ended (a laptop asleep past the idle minutes, a
  // restarted console): the browser hides the 401, so ask the server why, and show its banner in place of the
  // stream (which ends the reconnecting). 204: still signed in, keep reconnecting.
  document.addEventListener("htmx:sseError", function () {
    var s = document.getElementById("live");
    if (!s || !s.hasAttribute("sse-connect")) { return; }  // already replaced by a banner
    s.textContent = "reconnecting…"; s.className = "live-status off";
    var url = s.getAttribute("sse-connect").split("?")[0].replace(/\/stream$/, "/session-ended");
    fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      return r.status === 200 ? r.text() : "";
    }).then(function (html) {
      var now = document.getElementById("live");
      if (html && now && now.hasAttribute("sse-connect")) { now.outerHTML = html; }
    }).catch(function () { /* the console is unreachable: keep reconnecting */ });
  });

  // A field's limit is data-max-chars, never maxlength: a browser cuts a pasted text at maxlength without a
  // word, so a negotiator's long line was logged short. Over the limit the field says how long the text is and
  // the limit, under it and as the form's validity, and the form is not sent (htmx and a plain form post both
  // check validity first); the whole text stays in the field to shorten. The server refuses it too (TD105).
  function chars(text) { return Array.from(text).length; }  // code points, as the server counts them
  function limitNote(field, create) {
    var next = field.nextElementSibling;
    if (next && next.classList.contains("field-limit")) { return next; }
    if (!create) { return null; }
    var note = document.createElement("p");
    note.className = "field-limit";
    note.setAttribute("role", "alert");
    field.insertAdjacentElement("afterend", note);
    return note;
  }
  function checkLength(field) {
    var max = parseInt(field.getAttribute("data-max-chars"), 10);
    if (isNaN(max)) { return; }
    var n = chars(field.value);
    var says = n > max ? "Too long to send: " + n.toLocaleString("en") + " characters; the limit is " +
      max.toLocaleString("en") + ". Nothing was sent: shorten it or split it." : "";
    field.setCustomValidity(says);
    var note = limitNote(field, !!says);
    if (note) { note.textContent = says; note.hidden = !says; }
  }
  document.addEventListener("input", function (ev) {
    if (ev.target && ev.target.hasAttribute && ev.target.hasAttribute("data-max-chars")) { checkLength(ev.target); }
  });
  document.addEventListener("htmx:validation:halted", function (ev) {
    var form = ev.detail && ev.detail.elt;
    var bad = form && form.querySelector ? form.querySelector("[data-max-chars]:invalid") : null;
    if (bad) { bad.reportValidity(); bad.focus(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    syncRole();
    tick();
    follow();
    window.setInterval(tick, 1000);
  });
})();
