/* coursepack package runtime: one block as one SCO (SCORM 1.2 or 2004 4th edition) or one cmi5 AU.
 *
 * Plain JavaScript, no dependencies, no request outside the package but to the LMS that launched
 * it. It shows one step at a time, scores quizzes with the key in data.js (window.COURSEPACK,
 * built by exporter/package.py), and reports to the LMS: through the SCORM API it finds by the
 * standard walk (parents, then the opener's), or, for cmi5, with xAPI statements sent to the
 * endpoint named in its launch URL. Completion and success follow the player's rules (SPEC
 * section 6): a block is completed when every step was seen and every check and final quiz is
 * passed or out of attempts; passed when those quizzes are all passed. Only the elements of the
 * package's own SCORM version are written. Without an LMS the page still works and says nothing
 * is recorded.
 */
(function () {
  "use strict";

  var DATA = window.COURSEPACK;
  var V12 = DATA.version === "1.2";
  var CMI5 = DATA.version === "cmi5";
  var SUSPEND_LIMIT = V12 ? 4096 : 64000; // characters of cmi.suspend_data the version guarantees
  var CMI = V12 ? {
    location: "cmi.core.lesson_location", suspend: "cmi.suspend_data", entry: "cmi.core.entry",
    mode: "cmi.core.lesson_mode", exit: "cmi.core.exit", time: "cmi.core.session_time",
    raw: "cmi.core.score.raw", min: "cmi.core.score.min", max: "cmi.core.score.max", status: "cmi.core.lesson_status"
  } : {
    location: "cmi.location", suspend: "cmi.suspend_data", entry: "cmi.entry", mode: "cmi.mode",
    exit: "cmi.exit", time: "cmi.session_time", raw: "cmi.score.raw", min: "cmi.score.min", max: "cmi.score.max",
    scaled: "cmi.score.scaled", completion: "cmi.completion_status", success: "cmi.success_status"
  };
  var started = Date.now();

  // -- the LMS ----------------------------------------------------------------------------------
  function findApi(win) {
    var name = V12 ? "API" : "API_1484_11";
    for (var hops = 0; win && hops < 10; hops++) {
      try { if (win[name]) { return win[name]; } } catch (e) { /* a frame of another origin */ }
      if (!win.parent || win.parent === win) { break; }
      win = win.parent;
    }
    return null;
  }

  var scorm = {
    api: null, live: false, recording: false, finished: false,
    start: function () {
      this.api = findApi(window) || (window.opener ? findApi(window.opener) : null);
      if (!this.api) { return; }
      this.live = String(V12 ? this.api.LMSInitialize("") : this.api.Initialize("")) === "true";
      var mode = this.live ? this.get(CMI.mode) : "";
      this.recording = this.live && mode !== "browse" && mode !== "review"; // missing: normal
    },
    get: function (element) {
      return this.live ? String((V12 ? this.api.LMSGetValue(element) : this.api.GetValue(element)) || "") : "";
    },
    set: function (element, value) {
      if (this.live && !this.finished) { V12 ? this.api.LMSSetValue(element, String(value)) : this.api.SetValue(element, String(value)); }
    },
    commit: function () {
      if (this.live && !this.finished) { V12 ? this.api.LMSCommit("") : this.api.Commit(""); }
    },
    finish: function () {
      if (!this.live || this.finished) { return; }
      this.set(CMI.time, sessionTime(Date.now() - started));
      this.commit();
      V12 ? this.api.LMSFinish("") : this.api.Terminate("");
      this.finished = true;
    }
  };

  // -- cmi5: the launch parameters, the one-time token, LMS.LaunchData, and xAPI statements -----
  var XAPI = "1.0.3";
  var VERBS = "http://adlnet.gov/expapi/verbs/";
  var CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/";
  var EXTENSION = "https://w3id.org/xapi/cmi5/context/extensions/";
  var PROGRESS_STATE = "coursepack.progress"; // the AU's own state document: what suspend_data is in SCORM

  function uuid() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function launchParameters() {
    var query = new URLSearchParams(window.location.search), found = {};
    var names = ["endpoint", "fetch", "actor", "registration", "activityId"];
    for (var i = 0; i < names.length; i++) {
      if (!query.get(names[i])) { return null; }
      found[names[i]] = query.get(names[i]);
    }
    try { found.actor = JSON.parse(found.actor); } catch (e) { return null; }
    if (found.endpoint.slice(-1) !== "/") { found.endpoint += "/"; }
    return found;
  }

  // The LMS judges the AU by these: "completed", then "passed" or "failed", each at most once in a
  // registration (kept in the progress document), initialized first and terminated last.
  var cmi5 = {
    live: false, recording: false, finished: false, launch: null, token: "", data: null,
    sent: {}, outbox: [], sending: false, initializedAt: 0, kept: "", last: 0,
    get: function () { return ""; }, // no SCORM data model: what was kept arrives with connected()
    start: function () {
      this.launch = launchParameters();
      if (!this.launch) { return; }
      var self = this;
      this.connect().then(function (saved) {
        self.live = true;
        self.recording = (self.data.launchMode || "Normal") === "Normal";
        self.sent = saved && saved.sent || {};
        self.initializedAt = Date.now();
        self.statement("initialized");
        connected(saved && saved.state);
      }).catch(function () { /* no token or no launch data: the page works, unrecorded */ });
    },
    // The fetch URL is one-time: POSTed once, never again, even if what follows fails.
    connect: function () {
      var self = this;
      return window.fetch(this.launch.fetch, { method: "POST", credentials: "omit" }).then(function (response) {
        return response.json();
      }).then(function (body) {
        if (!body["auth-token"]) { throw new Error(body["error-text"] || "no auth-token"); }
        self.token = body["auth-token"];
        self.preferences();
        return self.state("LMS.LaunchData");
      }).then(function (data) {
        if (!data || !data.contextTemplate) { throw new Error("no LMS.LaunchData"); }
        self.data = data;
        return self.state(PROGRESS_STATE).catch(function () { return null; });
      });
    },
    // cmi5 asks every AU to read the learner's preferences at startup. A package speaks the one
    // language it was exported in and plays no sound of its own, so there is nothing to apply.
    preferences: function () {
      var query = new URLSearchParams({ agent: JSON.stringify(this.launch.actor), profileId: "cmi5LearnerPreferences" });
      window.fetch(this.launch.endpoint + "agents/profile?" + query.toString(), { headers: this.headers(false), credentials: "omit" })
        .catch(function () { /* optional for the LMS */ });
    },
    headers: function (json) {
      var headers = { "Authorization": "Basic " + this.token, "X-Experience-API-Version": XAPI };
      if (json) { headers["Content-Type"] = "application/json"; }
      return headers;
    },
    stateUrl: function (stateId) {
      var query = new URLSearchParams({
        stateId: stateId, activityId: this.launch.activityId, agent: JSON.stringify(this.launch.actor),
        registration: this.launch.registration
      });
      return this.launch.endpoint + "activities/state?" + query.toString();
    },
    state: function (stateId) {
      return window.fetch(this.stateUrl(stateId), { headers: this.headers(false), credentials: "omit" }).then(function (response) {
        if (response.status === 404) { return null; }
        if (!response.ok) { throw new Error("state " + response.status); }
        return response.json();
      });
    },
    keep: function () { // the progress document, for the next launch in this registration
      if (!this.live || !this.recording || this.finished) { return; }
      var body = JSON.stringify({ state: JSON.parse(suspendData()), sent: this.sent });
      if (body === this.kept) { return; }
      this.kept = body;
      window.fetch(this.stateUrl(PROGRESS_STATE), { method: "PUT", headers: this.headers(true), body: body, credentials: "omit", keepalive: true });
    },
    context: function (categories, extensions) {
      var context = JSON.parse(JSON.stringify(this.data.contextTemplate)); // never overwrite what the LMS gave
      context.registration = this.launch.registration;
      context.contextActivities = context.contextActivities || {};
      var listed = context.contextActivities.category = context.contextActivities.category || [];
      categories.forEach(function (name) { listed.push({ id: CATEGORY + name, objectType: "Activity" }); });
      context.extensions = context.extensions || {};
      Object.keys(extensions).forEach(function (key) { if (!(key in context.extensions)) { context.extensions[key] = extensions[key]; } });
      return context;
    },
    statement: function (verb, result, extensions) {
      this.outbox.push(this.build(verb, result, extensions));
      this.flush(false);
    },
    build: function (verb, result, extensions) {
      var judged = result && ("success" in result || "completion" in result);
      return {
        id: uuid(), timestamp: this.timestamp(), actor: this.launch.actor,
        verb: { id: VERBS + verb, display: { "en-US": verb } },
        object: { id: this.launch.activityId, objectType: "Activity" },
        context: this.context(judged ? ["cmi5", "moveon"] : ["cmi5"], extensions || {}),
        result: result
      };
    },
    // cmi5 orders a session by timestamps (initialized first, terminated last): never two alike.
    timestamp: function () {
      this.last = Math.max(Date.now(), this.last + 1);
      return new Date(this.last).toISOString();
    },
    // One request at a time, so the LMS receives them in order, except when the page goes: then
    // what is left leaves at once (keepalive outlives the page), ordered by its timestamps.
    flush: function (now) {
      if (this.sending && !now || !this.outbox.length) { return; }
      var self = this, batch = this.outbox.splice(0, this.outbox.length);
      this.sending = true;
      window.fetch(this.launch.endpoint + "statements", {
        method: "POST", headers: this.headers(true), body: JSON.stringify(batch), credentials: "omit", keepalive: true
      }).catch(function () { /* the LMS is gone: nothing more to do */ }).then(function () { self.sending = false; self.flush(false); });
    },
    save: function (status) {
      if (status.completed && !this.sent.completed) {
        this.sent.completed = 1;
        this.statement("completed", { completion: true, duration: sessionTime(Date.now() - started) });
      }
      if (status.completed && status.counted && !this.sent.passed && !this.sent.failed) {
        this.judge(status);
      }
      this.keep();
    },
    // passed or failed, consistent with the LMS's masteryScore when it gives one: a passed score is
    // at least the mastery score and a failed one below it, or the score is left out.
    judge: function (status) {
      var scaled = Math.round((status.score || 0) * 100) / 10000, mastery = parseFloat(this.data.masteryScore);
      var judgedByMastery = !isNaN(mastery);
      var passed = status.passed && (!judgedByMastery || scaled >= mastery);
      var result = { success: passed, duration: sessionTime(Date.now() - started) };
      if (!judgedByMastery || passed === scaled >= mastery) { result.score = { scaled: scaled }; }
      var extensions = {};
      if (judgedByMastery) { extensions[EXTENSION + "masteryscore"] = mastery; }
      this.sent[passed ? "passed" : "failed"] = 1;
      this.statement(passed ? "passed" : "failed", result, extensions);
    },
    finish: function () {
      if (!this.live || this.finished) { return; }
      this.finished = true;
      this.outbox.push(this.build("terminated", { duration: sessionTime(Date.now() - this.initializedAt) }));
      this.flush(true);
    }
  };

  var lms = CMI5 ? cmi5 : scorm;

  function sessionTime(ms) {
    var seconds = Math.floor(ms / 1000), h = Math.floor(seconds / 3600), m = Math.floor(seconds / 60) % 60, s = seconds % 60;
    if (!V12) { return "PT" + h + "H" + m + "M" + s + "S"; }
    return (h < 10 ? "000" : h < 100 ? "00" : h < 1000 ? "0" : "") + h + ":" + (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }

  // -- what the learner did: kept in cmi.suspend_data ---------------------------------------------
  // s: the step shown; v: the steps seen; q: per quiz {n: attempts used, b: best percent,
  // p: passed (1/0), r: the answers on the form, per question, as the form holds them}.
  var state = { s: 0, v: [], q: {} };

  // SCORM 2004 leaves suspend_data and location uninitialized (error 403) unless the LMS resumes;
  // SCORM 1.2 answers "" for them, and some 1.2 LMSs never say "resume".
  function resuming() {
    var entry = lms.get(CMI.entry);
    return V12 ? entry !== "ab-initio" : entry === "resume";
  }

  function restore() {
    var saved = lms.live && resuming() ? lms.get(CMI.suspend) : "";
    if (!saved) { return; }
    try { adopt(JSON.parse(saved)); } catch (e) { /* unreadable: start afresh rather than fail */ }
  }

  function adopt(found) {
    if (found && typeof found === "object") { state = { s: found.s || 0, v: found.v || [], q: found.q || {} }; }
  }

  function suspendData() {
    var text = JSON.stringify(state);
    if (text.length <= SUSPEND_LIMIT) { return text; }
    var lean = JSON.parse(text); // answers of quizzes that are over go first, then all answers
    DATA.quizzes.forEach(function (quiz) { if (lean.q[quiz.id] && quizOver(quiz)) { delete lean.q[quiz.id].r; } });
    text = JSON.stringify(lean);
    if (text.length <= SUSPEND_LIMIT) { return text; }
    Object.keys(lean.q).forEach(function (id) { delete lean.q[id].r; });
    return JSON.stringify(lean);
  }

  // -- completion and success (SPEC section 6) ----------------------------------------------------
  function quizState(quiz) { return state.q[quiz.id] || { n: 0, b: null, p: 0 }; }
  function attemptsLeft(quiz) { return quiz.attempts === null ? null : Math.max(0, quiz.attempts - quizState(quiz).n); }
  function quizOver(quiz) { return quizState(quiz).p === 1 || attemptsLeft(quiz) === 0; }

  function blockStatus() {
    var counted = DATA.quizzes.filter(function (q) { return q.counted; });
    var seen = 0;
    for (var i = 0; i < DATA.steps; i++) { if (state.v.indexOf(i) >= 0) { seen++; } }
    var completed = seen === DATA.steps && counted.every(quizOver);
    var tried = counted.filter(function (q) { return quizState(q).n > 0; });
    return {
      counted: counted.length, completed: completed,
      passed: completed && counted.every(function (q) { return quizState(q).p === 1; }),
      score: tried.length ? counted.reduce(function (sum, q) { return sum + (quizState(q).b || 0); }, 0) / counted.length : null
    };
  }

  function report() {
    if (!lms.recording) { return; }
    var status = blockStatus();
    if (CMI5) { cmi5.save(status); return; }
    lms.set(CMI.location, String(state.s));
    lms.set(CMI.suspend, suspendData());
    // The score goes to the LMS once the block is completed: a 1.2 LMS that judges by the
    // manifest's mastery score (Moodle's "mastery score overrides status", on by default) would
    // otherwise turn a first failed try into "failed" and end the attempt, its tries left unused.
    if (status.score !== null && (status.completed || !V12)) {
      lms.set(CMI.raw, Math.round(status.score * 100) / 100);
      lms.set(CMI.min, 0);
      lms.set(CMI.max, 100);
      if (!V12) { lms.set(CMI.scaled, Math.round(status.score * 100) / 10000); }
    }
    if (V12) {
      lms.set(CMI.status, !status.completed ? "incomplete" : !status.counted ? "completed" : status.passed ? "passed" : "failed");
    } else {
      lms.set(CMI.completion, status.completed ? "completed" : "incomplete");
      lms.set(CMI.success, status.completed && status.counted ? (status.passed ? "passed" : "failed") : "unknown");
    }
    lms.set(CMI.exit, status.completed ? (V12 ? "" : "normal") : "suspend");
    lms.commit();
  }

  // -- scoring: one reader and one scorer per rule of QuestionKind.package_key --------------------
  function normalise(text) {
    return text.trim().replace(/\s+/g, " ").toLowerCase().normalize("NFC").replace(/[\u2019\u02bc\u2018`]/g, "'");
  }

  function number(text) {
    var cleaned = text.trim().replace(/[\u00a0 ]/g, "").replace(",", ".");
    return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cleaned) && isFinite(Number(cleaned)) ? Number(cleaned) : null;
  }

  function fields(box, question) {
    return Array.prototype.filter.call(box.querySelectorAll("input, select, textarea"), function (field) {
      return field.name === question.id || field.name.indexOf(question.id + "-") === 0;
    });
  }

  function indexOfField(field, question) { return Number(field.name.slice(question.id.length + 1)); }

  var RULES = {
    choice: {
      read: function (box, q) {
        return fields(box, q).filter(function (f) { return f.checked; }).map(function (f) { return Number(f.value); });
      },
      write: function (box, q, raw) { fields(box, q).forEach(function (f) { f.checked = raw.indexOf(Number(f.value)) >= 0; }); },
      answered: function (raw) { return raw.length > 0; },
      fraction: function (q, raw) {
        var picked = raw.map(function (d) { return q.shown[d]; }), right = q.key.right;
        var hits = picked.filter(function (i) { return right.indexOf(i) >= 0; }).length;
        if (!q.key.partial) { return hits === right.length && picked.length === right.length ? 1 : 0; }
        return Math.max(0, (hits - (picked.length - hits)) / right.length);
      },
      picked: function (q, raw) { return raw.map(function (d) { return q.shown[d]; }); }
    },
    gaps: {
      read: function (box, q) {
        var values = q.key.gaps.map(function () { return ""; });
        fields(box, q).forEach(function (f) { values[indexOfField(f, q)] = f.value; });
        return values;
      },
      write: function (box, q, raw) { fields(box, q).forEach(function (f) { f.value = raw[indexOfField(f, q)] || ""; }); },
      answered: function (raw) { return raw.some(function (v) { return v.trim() !== ""; }); },
      fraction: function (q, raw) {
        var hits = q.key.gaps.filter(function (gap, i) {
          var answer = raw[i] || "";
          if (gap.accepted) { return gap.accepted.indexOf(normalise(answer)) >= 0; }
          var value = number(answer);
          return value !== null && gap.low <= value && value <= gap.high;
        }).length;
        return hits / q.key.gaps.length;
      }
    },
    pairs: {
      read: function (box, q) {
        var values = [];
        fields(box, q).forEach(function (f) { values[indexOfField(f, q)] = f.value === "" ? -1 : Number(f.value); });
        return values;
      },
      write: function (box, q, raw) { fields(box, q).forEach(function (f) { var v = raw[indexOfField(f, q)]; f.value = v >= 0 ? String(v) : ""; }); },
      answered: function (raw) { return raw.some(function (v) { return v >= 0; }); },
      fraction: function (q, raw) {
        var hits = raw.filter(function (d, term) { return d >= 0 && q.shown[d] === term; }).length;
        return hits / q.key.count;
      }
    },
    sequence: {
      read: function (box, q) {
        var values = [];
        fields(box, q).forEach(function (f) { values[indexOfField(f, q)] = f.value === "" ? 0 : Number(f.value); });
        return values;
      },
      write: function (box, q, raw) { fields(box, q).forEach(function (f) { var v = raw[indexOfField(f, q)]; f.value = v ? String(v) : ""; }); },
      answered: function (raw) { return raw.some(function (v) { return v > 0; }); },
      fraction: function (q, raw) { // rank the shown items by the positions typed, as the server does
        var ranked = raw.map(function (position, shown) { return shown; }).sort(function (a, b) {
          var pa = raw[a] || Infinity, pb = raw[b] || Infinity;
          return pa !== pb ? pa - pb : q.shown[a] - q.shown[b];
        });
        return ranked.every(function (shown, place) { return q.shown[shown] === place; }) ? 1 : 0;
      }
    }
  };

  function score(quiz, answers) {
    var earned = 0, results = {};
    quiz.questions.forEach(function (q) {
      var rule = q.key && RULES[q.key.rule], raw = answers[q.id];
      if (!rule) { return; }
      var answered = raw !== undefined && rule.answered(raw);
      var fraction = answered ? rule.fraction(q, raw) : 0;
      earned += q.points * fraction;
      results[q.id] = { answered: answered, fraction: fraction };
    });
    var percent = quiz.max ? 100 * earned / quiz.max : 0;
    return { percent: percent, passed: percent >= quiz.pass, questions: results };
  }

  // -- pages ------------------------------------------------------------------------------------
  function say(key, values) {
    return DATA.texts[key].replace(/%\((\w+)\)s/g, function (_, name) { return values[name]; }).replace(/%%/g, "%");
  }

  function status(text) { document.querySelector(".status").textContent = text; }

  function quizForm(quiz) { return document.getElementById("quiz-" + quiz.id); }

  function readAnswers(quiz) {
    var form = quizForm(quiz), answers = {};
    quiz.questions.forEach(function (q) {
      var box = form.querySelector('[data-question="' + q.id + '"]');
      if (q.key && RULES[q.key.rule]) { answers[q.id] = RULES[q.key.rule].read(box, q); }
    });
    return answers;
  }

  function showAnswers(quiz) {
    var form = quizForm(quiz), kept = quizState(quiz).r || {};
    quiz.questions.forEach(function (q) {
      var box = form.querySelector('[data-question="' + q.id + '"]');
      if (q.key && RULES[q.key.rule] && kept[q.id]) { RULES[q.key.rule].write(box, q, kept[q.id]); }
    });
  }

  function showResult(quiz, result, answers) {
    var form = quizForm(quiz), reveal = quizOver(quiz), pretest = !quiz.counted && quiz.kind === "pretest";
    quiz.questions.forEach(function (q) {
      var box = form.querySelector('[data-question="' + q.id + '"] .result'), found = result.questions[q.id];
      if (!found || pretest) { return; }
      var verdict = !found.answered ? "unanswered" : found.fraction >= 1 ? "right" : found.fraction > 0 ? "partly" : "wrong";
      var html = "<p><strong>" + escapeText(DATA.texts[verdict]) + "</strong></p>";
      var rule = RULES[q.key.rule];
      if (rule.picked && found.answered) {
        rule.picked(q, answers[q.id]).forEach(function (i) { if (q.feedback[i]) { html += '<div class="why">' + q.feedback[i] + "</div>"; } });
      }
      if (reveal && q.answer) { html += "<p>" + escapeText(DATA.texts.answer) + " " + q.answer + "</p>"; }
      if (q.explanation) { html += '<div class="explanation">' + q.explanation + "</div>"; }
      box.innerHTML = html;
      box.hidden = false;
      box.className = "result " + verdict;
    });
    quizStatus(quiz);
  }

  function escapeText(text) { var span = document.createElement("span"); span.textContent = text; return span.innerHTML; }

  function quizStatus(quiz) {
    var kept = quizState(quiz), form = quizForm(quiz), parts = [];
    if (kept.n > 0) {
      parts.push(say("score", { score: Math.round(kept.b), pass: quiz.pass }));
      parts.push(DATA.texts[kept.p ? "passed" : "not_passed"]);
    }
    var left = attemptsLeft(quiz);
    if (left === 0 && !kept.p) { parts.push(DATA.texts.no_attempts); } else if (left !== null && kept.n > 0 && !kept.p) { parts.push(say("attempts_left", { n: left })); }
    form.querySelector(".quiz-status").textContent = parts.join(" ");
    var closed = quizOver(quiz) || !lms.recording && lms.live;
    Array.prototype.forEach.call(form.querySelectorAll("input, select, textarea, button"), function (f) { f.disabled = closed; });
  }

  function submit(quiz, event) {
    event.preventDefault();
    if (quizOver(quiz)) { return; }
    var answers = readAnswers(quiz), result = score(quiz, answers), kept = quizState(quiz);
    state.q[quiz.id] = {
      n: kept.n + 1, b: Math.max(kept.b || 0, Math.round(result.percent * 100) / 100),
      p: kept.p || result.passed ? 1 : 0, r: answers
    };
    showResult(quiz, result, answers);
    report();
    if (blockStatus().completed) { status(DATA.texts.done); }
  }

  function keepDraft(quiz) { // answers typed but not submitted survive leaving the page
    if (quizOver(quiz)) { return; }
    var kept = quizState(quiz);
    state.q[quiz.id] = { n: kept.n, b: kept.b, p: kept.p, r: readAnswers(quiz) };
    report();
  }

  var steps = [];

  function show(index) {
    state.s = Math.max(0, Math.min(steps.length - 1, index));
    steps.forEach(function (step, i) { step.hidden = i !== state.s; });
    if (state.v.indexOf(state.s) < 0) { state.v.push(state.s); }
    var progress = document.querySelector(".progress");
    progress.textContent = progress.getAttribute("data-progress").replace("{n}", state.s + 1).replace("{total}", steps.length);
    document.querySelector('[data-go="-1"]').disabled = state.s === 0;
    document.querySelector('[data-go="1"]').disabled = state.s === steps.length - 1;
    report();
    if (blockStatus().completed) { status(DATA.texts.done); }
  }

  function showAll(step) {
    DATA.quizzes.forEach(function (quiz) {
      if (!quizForm(quiz)) { return; }
      showAnswers(quiz);
      quizStatus(quiz);
    });
    status(!lms.live ? DATA.texts.not_recorded : !lms.recording ? DATA.texts.review : DATA.texts.saved);
    show(step);
  }

  // cmi5 connects after the page is shown: take up what an earlier session of this registration
  // kept, and report what the learner did meanwhile (show reports).
  function connected(saved) {
    adopt(saved);
    showAll(state.s);
    if (cmi5.data.returnURL) { offerExit(cmi5.data.returnURL); }
  }

  // An LMS that gives a returnURL expects the AU to send the learner back there when it ends.
  function offerExit(url) {
    var button = document.createElement("button"), nav = document.querySelector("nav.steps");
    button.type = "button";
    button.className = "exit secondary";
    button.textContent = DATA.texts.exit;
    button.addEventListener("click", function () {
      report();
      lms.finish();
      window.location.href = url;
    });
    nav.insertBefore(button, nav.querySelector('[data-go="1"]'));
  }

  function start() {
    lms.start();
    restore();
    steps = Array.prototype.slice.call(document.querySelectorAll(".step"));
    var nav = document.querySelector("nav.steps");
    nav.hidden = false;
    Array.prototype.forEach.call(nav.querySelectorAll("button"), function (button) {
      button.addEventListener("click", function () { show(state.s + Number(button.getAttribute("data-go"))); window.scrollTo(0, 0); });
    });
    DATA.quizzes.forEach(function (quiz) {
      var form = quizForm(quiz);
      if (!form) { return; }
      form.addEventListener("submit", function (event) { submit(quiz, event); });
      form.addEventListener("change", function () { keepDraft(quiz); });
    });
    var location = lms.live && resuming() ? parseInt(lms.get(CMI.location), 10) : NaN;
    showAll(isNaN(location) ? state.s : location);
    // Commit when the page is hidden (a tablet switching apps) and finish when it goes: unload
    // alone is not fired reliably on phones and tablets.
    document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") { report(); } });
    window.addEventListener("pagehide", function () { report(); lms.finish(); });
  }

  document.documentElement.className += " js";
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
