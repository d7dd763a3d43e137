/* coursepack package runtime: one block as one SCO (SCORM 1.2 or 2004 4th edition).
 *
 * Plain JavaScript, no dependencies, no request outside the package. It shows one step at a
 * time, scores quizzes with the key in data.js (window.COURSEPACK, built by exporter/package.py),
 * and reports to the LMS through the SCORM API it finds by the standard walk (parents, then the
 * opener's). Completion and success follow the player's rules (SPEC section 6): a block is
 * completed when every step was seen and every check and final quiz is passed or out of
 * attempts; passed when those quizzes are all passed. Only the elements of the package's own
 * SCORM version are written. Without an LMS the page still works and says nothing is recorded.
 */
(function () {
  "use strict";

  var DATA = window.COURSEPACK;
  var V12 = DATA.version === "1.2";
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

  var lms = {
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
    try {
      var found = JSON.parse(saved);
      if (found && typeof found === "object") { state = { s: found.s || 0, v: found.v || [], q: found.q || {} }; }
    } catch (e) { /* unreadable: start afresh rather than fail */ }
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
    lms.set(CMI.location, String(state.s));
    lms.set(CMI.suspend, suspendData());
    if (status.score !== null) {
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
      showAnswers(quiz);
      quizStatus(quiz);
    });
    status(!lms.live ? DATA.texts.not_recorded : !lms.recording ? DATA.texts.review : DATA.texts.saved);
    var location = lms.live && resuming() ? parseInt(lms.get(CMI.location), 10) : NaN;
    show(isNaN(location) ? state.s : location);
    // Commit when the page is hidden (a tablet switching apps) and finish when it goes: unload
    // alone is not fired reliably on phones and tablets.
    document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") { report(); } });
    window.addEventListener("pagehide", function () { report(); lms.finish(); });
  }

  document.documentElement.className += " js";
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
