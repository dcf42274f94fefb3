/* cxray web events: what visitors do on a site's pages, sent to the workspace server that
   serves this file (first party, no dependencies). See docs/web-events.md. */
(function (w, d) {
  "use strict";
  // the workspace's settings, written here by the server (GET /t.js)
  var SETTINGS = /*settings*/ { consent: "required", dnt: "respect" } /*end*/;
  var script = d.currentScript;
  if (!script || !script.src || !w.localStorage || !w.JSON || w.cxray) return;
  var ENDPOINT = new URL(script.src).origin + "/e";
  var KEY = "cxray_";
  var BATCH = 50; // events per request at most
  var BYTES = 60000; // a request's body stays under the collector's 64 KiB
  var KEPT = 1000; // queued events at most (the oldest go first)
  var CLICKED = "a,button,input,select,textarea,label,summary,[role=button],[onclick]";
  var BUTTONS = { button: 1, submit: 1, reset: 1, image: 1 };
  var DEPTHS = [25, 50, 75, 100];

  function get(name) {
    try { return w.localStorage.getItem(KEY + name); } catch (e) { return null; }
  }
  function put(name, value) {
    try {
      if (value === null) w.localStorage.removeItem(KEY + name);
      else w.localStorage.setItem(KEY + name, value);
    } catch (e) { /* storage full or refused: the event is lost, the page is not */ }
  }
  function randomId(prefix) {
    var bytes = new Uint8Array(16);
    w.crypto.getRandomValues(bytes);
    var text = prefix;
    for (var i = 0; i < bytes.length; i++) text += (bytes[i] + 256).toString(16).slice(1);
    return text;
  }

  function cut(url) {
    return String(url || "").slice(0, 2048); // the collector's limit: the body stays small
  }

  function dntSet() {
    var n = w.navigator;
    return n.doNotTrack === "1" || w.doNotTrack === "1" || n.globalPrivacyControl === true;
  }
  function refused() {
    return SETTINGS.dnt === "respect" && dntSet(); // then nothing is captured nor stored
  }
  function allowed() {
    if (refused()) return false;
    var consent = get("consent");
    return SETTINGS.consent === "implied" ? consent !== "0" : consent === "1";
  }

  function queue() {
    try { return JSON.parse(get("queue") || "[]"); } catch (e) { return []; }
  }
  function keep(events) {
    put("queue", events.length ? JSON.stringify(events.slice(-KEPT)) : null);
  }

  // --- what an element is: tag, text, classes and its path from <body> ---------------------
  function classesOf(el) {
    var text = (el.getAttribute && el.getAttribute("class")) || "";
    return text.split(/\s+/).filter(Boolean);
  }
  function segment(el) {
    var part = el.tagName.toLowerCase();
    if (el.id) part += "#" + el.id;
    var names = classesOf(el).slice().sort();
    for (var i = 0; i < names.length; i++) part += "." + names[i];
    return part;
  }
  function cssPath(el) {
    var parts = [];
    for (; el && el.nodeType === 1; el = el.parentElement) {
      parts.unshift(segment(el));
      if (el === d.body) break;
    }
    return parts.join(" > ");
  }
  function textOf(el) {
    var tag = el.tagName.toLowerCase();
    var text;
    if (tag === "input") text = BUTTONS[(el.type || "").toLowerCase()] ? el.value : "";
    else if (tag === "select" || tag === "textarea") text = ""; // what is typed or chosen stays
    else text = el.innerText || el.textContent || "";
    text = text.replace(/\s+/g, " ").trim().slice(0, 200);
    return text || null;
  }
  function describe(el) {
    var names = classesOf(el);
    return {
      tag: el.tagName.toLowerCase(),
      text: textOf(el),
      classes: names.length ? names.join(" ") : null,
      css_path: cssPath(el),
    };
  }

  // --- capture ------------------------------------------------------------------------------
  var timer = null;
  var captured = 0; // events captured on this page: a page hidden twice beacons new ones only
  var beaconed = -1;
  function capture(type, extra) {
    if (!allowed()) return;
    if (!get("visitor")) put("visitor", randomId("v_"));
    var event = {
      event_id: randomId("e_"), ts: Date.now(), type: type, url: cut(w.location.href),
      referrer: cut(d.referrer) || null, tag: null, text: null, classes: null, css_path: null,
      href: null, fields: null, scroll_depth: null, viewport_w: w.innerWidth,
      viewport_h: w.innerHeight, customer_id: get("customer"),
    };
    for (var name in extra) event[name] = extra[name];
    var events = queue();
    events.push(event);
    keep(events);
    captured += 1;
    if (timer === null) timer = setTimeout(function () { timer = null; send(); }, 300);
  }

  var seen = {}; // the scroll depths of this page already sent
  function pageview() {
    seen = {};
    capture("pageview", {});
  }

  function onClick(e) {
    var target = e.target && e.target.nodeType === 1 ? e.target : e.target && e.target.parentElement;
    if (!target || !allowed()) return;
    var el = target.closest(CLICKED) || target;
    var info = describe(el);
    var type = "click";
    var link = el.closest("a[href]");
    if (link) {
      info.href = cut(link.href);
      var to = new URL(link.href, w.location.href);
      if (/^https?:$/.test(to.protocol) && to.hostname !== w.location.hostname) type = "outbound";
    }
    capture(type, info);
  }

  function onSubmit(e) {
    var form = e.target;
    if (!form || form.tagName !== "FORM" || !allowed()) return;
    var info = describe(form);
    info.text = null;
    var names = [];
    for (var i = 0; i < form.elements.length; i++) {
      var field = form.elements[i];
      var kind = (field.type || "").toLowerCase();
      if (!field.name || field.tagName === "BUTTON" || BUTTONS[kind]) continue;
      if (names.indexOf(field.name) < 0) names.push(field.name);
    }
    info.fields = names; // the names only, never what was typed
    info.href = cut(form.action) || null;
    capture("submit", info);
  }

  function onScroll() {
    if (!allowed()) return;
    var height = Math.max(d.documentElement.scrollHeight, d.body ? d.body.scrollHeight : 0);
    if (!height) return;
    var depth = ((w.scrollY + w.innerHeight) / height) * 100;
    for (var i = 0; i < DEPTHS.length; i++) {
      var mark = DEPTHS[i];
      if (depth + 0.5 >= mark && !seen[mark]) {
        seen[mark] = true;
        capture("scroll", { scroll_depth: mark });
      }
    }
  }

  // --- sending ------------------------------------------------------------------------------
  var sending = false;
  var failures = 0;
  var waiting = null;

  function batch(events) {
    var chosen = [];
    var size = 100; // the body's envelope
    for (var i = 0; i < events.length && chosen.length < BATCH; i++) {
      var bytes = new Blob([JSON.stringify(events[i])]).size + 1;
      if (chosen.length && size + bytes > BYTES) break;
      chosen.push(events[i]);
      size += bytes;
    }
    return chosen;
  }
  function body(events) {
    return JSON.stringify({ v: 1, visitor_id: get("visitor"), events: events });
  }
  function drop(events) {
    var ids = {};
    for (var i = 0; i < events.length; i++) ids[events[i].event_id] = true;
    keep(queue().filter(function (e) { return !ids[e.event_id]; }));
  }
  function later(seconds) {
    failures += 1;
    var wait = seconds > 0 ? seconds * 1000 : Math.min(60000, 1000 * Math.pow(2, failures - 1));
    waiting = setTimeout(function () { waiting = null; send(); }, wait * (1 + Math.random() / 4));
  }

  function send() {
    if (sending || waiting !== null || !allowed() || !get("visitor")) return;
    if (w.navigator.onLine === false) return; // the "online" event sends
    var events = batch(queue());
    if (!events.length) return;
    sending = true;
    fetch(ENDPOINT, {
      method: "POST", body: body(events), keepalive: true, credentials: "omit", mode: "cors",
      headers: { "Content-Type": "text/plain;charset=UTF-8" },
    }).then(function (answer) {
      sending = false;
      if (answer.status === 200 || (answer.status >= 400 && answer.status < 500 &&
          answer.status !== 429)) {
        drop(events); // accepted, or refused for good: never sent again
        failures = 0;
        send();
      } else {
        later(parseInt(answer.headers.get("Retry-After") || "0", 10) || 0);
      }
    }, function () {
      sending = false;
      later(0);
    });
  }

  function beacon() {
    // the page goes: the queue is sent once more, and kept until an answer says it arrived
    if (!w.navigator.sendBeacon || !allowed() || !get("visitor") || beaconed === captured) return;
    var events = queue();
    while (events.length) {
      var chosen = batch(events);
      var blob = new Blob([body(chosen)], { type: "text/plain;charset=UTF-8" });
      if (!w.navigator.sendBeacon(ENDPOINT, blob)) return; // the next page sends the rest
      events = events.slice(chosen.length);
    }
    beaconed = captured;
  }

  // --- what the site calls ------------------------------------------------------------------
  var wanted = null; // a customer named before consent: stamped once consent is given
  function consent(given) {
    if (refused()) return;
    var before = allowed();
    if (given) {
      put("consent", "1");
      if (!before && allowed()) {
        pageview();
        if (wanted !== null) identify(wanted);
      }
    } else {
      put("consent", "0");
      put("queue", null);
      put("visitor", null);
      put("customer", null);
    }
  }
  function identify(customerId) {
    if (customerId === null || customerId === undefined || customerId === "") return;
    var id = String(customerId).slice(0, 128);
    if (!allowed()) { wanted = id; return; }
    wanted = null;
    if (get("customer") === id) return; // known already: the later events carry it
    put("customer", id);
    capture("identify", { customer_id: id });
  }
  var commands = { consent: consent, identify: identify };
  function run(command) {
    if (command && commands[command[0]]) commands[command[0]].apply(null, command.slice(1));
  }

  w.cxray = { consent: consent, identify: identify };
  var early = w.cxrayq;
  function start() {
    d.addEventListener("click", onClick, true);
    d.addEventListener("submit", onSubmit, true);
    w.addEventListener("scroll", onScroll, { passive: true });
    w.addEventListener("pagehide", beacon);
    d.addEventListener("visibilitychange", function () {
      if (d.visibilityState === "hidden") beacon();
      else send();
    });
    w.addEventListener("online", function () { send(); });
    w.addEventListener("pageshow", function (e) { if (e.persisted) pageview(); });
    if (allowed()) pageview();
  }
  start();
  w.cxrayq = { push: function (command) { run(command); } };
  if (Array.isArray(early)) for (var i = 0; i < early.length; i++) run(early[i]);
  send(); // what an earlier page left in the queue
})(window, document);
