// Phát trực tiếp: microphone -> MediaRecorder (Opus/WebM, 250 ms pieces) -> sequential POSTs -> the playout process.
(function () {
  "use strict";
  var form = document.getElementById("live");
  if (!form) { return; }
  var CHUNK_MS = 250;
  var token = function () { var m = document.querySelector('meta[name="csrf-token"]'); return m ? m.content : ""; };
  var stationId = function () { var m = document.querySelector('meta[name="loaxa-station"]'); return m ? m.content : ""; };
  var texts = {};
  document.getElementById("live-texts").content.querySelectorAll("[data-k]").forEach(function (el) { texts[el.getAttribute("data-k")] = el.textContent; });
  var toggle = document.getElementById("live-toggle"), stationBtn = document.getElementById("live-station");
  var statusEl = document.getElementById("live-status"), elapsedEl = document.getElementById("live-elapsed");
  var cutEl = document.getElementById("live-cut"), level = document.getElementById("live-level");
  var live = null;  // {id, seq, queue, sending, recorder, stream, ctx, raf, poll, ended, fromStation}

  if (!window.isSecureContext) { document.getElementById("live-insecure").hidden = false; }

  function headers(extra) {
    var h = { "X-CSRFToken": token(), "X-Loaxa-Station": stationId(), "Accept": "application/json" };
    for (var k in extra) { h[k] = extra[k]; }
    return h;
  }
  function say(text) { statusEl.textContent = text; }
  function clock(s) { s = Math.max(0, Math.floor(s)); var m = Math.floor(s / 60); return (m < 10 ? "0" : "") + m + ":" + (s % 60 < 10 ? "0" : "") + (s % 60); }
  function url(path) { return form.getAttribute("data-base") + live.id + path; }

  // The audio context is made during the click: made later (after the microphone prompt) it may stay suspended.
  function audioContext() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    return Ctx ? new Ctx() : null;
  }

  function meter(stream, ctx) {
    if (!ctx) { return null; }
    if (ctx.state === "suspended") { ctx.resume(); }
    var analyser = ctx.createAnalyser(), data = new Uint8Array(1024);
    analyser.fftSize = 1024;
    ctx.createMediaStreamSource(stream).connect(analyser);
    (function draw() {
      analyser.getByteTimeDomainData(data);
      var peak = 0;
      for (var i = 0; i < data.length; i++) { peak = Math.max(peak, Math.abs(data[i] - 128) / 128); }
      level.style.width = Math.round(peak * 100) + "%";
      level.classList.toggle("clip", peak > 0.97);
      if (live) { live.raf = window.requestAnimationFrame(draw); }
    })();
    return ctx;
  }

  function show(state) {
    elapsedEl.textContent = clock(state.elapsed_s || 0);
    if (state.interrupted) { cutEl.textContent = texts.cut + " " + state.interrupted; }
    if (state.status === "ended") {
      say(texts.ended + (state.end_reason ? ": " + state.end_reason : "") + " (" + clock(state.seconds) + ")");
      finish();
      return;
    }
    if (!live.ended) { say(texts[state.status === "requested" ? "asking" : state.status] || state.status); }
    if (state.status === "on_air" && !live.recorder && live.stream) { record(); }
  }

  function poll() {
    if (!live) { return; }
    fetch(url("/trang-thai"), { headers: headers({}), credentials: "same-origin" })
      .then(function (r) { return r.json(); }).then(function (state) { if (live) { show(state); } })
      .catch(function () {});
  }

  // Pieces go out one at a time and in order: the player reads them by number.
  function pump() {
    if (!live || live.sending || !live.queue.length) { return; }
    live.sending = true;
    var piece = live.queue.shift(), seq = live.seq;
    fetch(url("/am-thanh/" + seq), { method: "POST", body: piece, headers: headers({ "Content-Type": "application/octet-stream" }), credentials: "same-origin" })
      .then(function (r) {
        if (!live) { return; }
        live.sending = false;
        if (r.status === 204) { live.seq = seq + 1; pump(); return; }
        if (r.status >= 400 && r.status < 500) { stopRecording(); poll(); return; }
        live.queue.unshift(piece); window.setTimeout(pump, 200);  // a server hiccup: the same piece again
      })
      .catch(function () { if (live) { live.sending = false; live.queue.unshift(piece); window.setTimeout(pump, 300); } });
  }

  function record() {
    var type = "audio/webm;codecs=opus";
    live.recorder = new MediaRecorder(live.stream, MediaRecorder.isTypeSupported(type) ? { mimeType: type, audioBitsPerSecond: 48000 } : {});
    live.recorder.ondataavailable = function (e) { if (e.data && e.data.size) { live.queue.push(e.data); pump(); } };
    live.recorder.onstop = function () { window.setTimeout(function () { endOnServer(); }, 50); };
    live.recorder.start(CHUNK_MS);
  }

  function stopRecording() {
    if (live && live.recorder && live.recorder.state !== "inactive") { live.recorder.stop(); }
  }

  function endOnServer() {
    if (!live) { return; }
    if (live.sending || live.queue.length) { window.setTimeout(endOnServer, 100); return; }  // the last pieces first
    fetch(url("/ket-thuc"), { method: "POST", headers: headers({}), credentials: "same-origin" }).catch(function () {});
  }

  function finish() {
    if (!live) { return; }
    stopRecording();
    if (live.stream) { live.stream.getTracks().forEach(function (t) { t.stop(); }); }
    if (live.ctx) { live.ctx.close(); }
    window.clearInterval(live.poll);
    live = null;
    level.style.width = "0";
    form.classList.remove("on-air");
    toggle.textContent = toggle.getAttribute("data-off");
    toggle.disabled = false;
    if (stationBtn) { stationBtn.disabled = false; }
  }

  function begin(endpoint, withMic) {
    var ctx = withMic ? audioContext() : null;
    var go = function (stream) {
      live = { id: null, seq: 0, queue: [], sending: false, recorder: null, stream: stream, ctx: null, ended: false };
      live.ctx = stream ? meter(stream, ctx) : null;
      say(texts.asking);
      toggle.textContent = toggle.getAttribute("data-on");
      form.classList.add("on-air");
      if (stationBtn) { stationBtn.disabled = true; }
      fetch(endpoint, { method: "POST", body: new FormData(form), headers: headers({}), credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (state) {
          if (!state.ok) { finish(); say(state.error); return; }
          live.id = state.id;
          show(state);
          live.poll = window.setInterval(poll, 500);
        })
        .catch(function () { finish(); });
    };
    if (!withMic) { go(null); return; }
    if (!window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { say(texts.unsupported); return; }
    // Echo cancellation off (it pumps a voice that no loudspeaker feeds back), noise suppression on (a commune office is loud).
    navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: true, autoGainControl: true, channelCount: 1 } })
      .then(go).catch(function () { say(texts.nomic); });
  }

  toggle.addEventListener("click", function () {
    if (!live) { begin(form.getAttribute("data-start"), true); return; }
    live.ended = true;
    toggle.disabled = true;
    say(texts.ending);
    if (live.recorder) { stopRecording(); } else if (live.id) { endOnServer(); }
  });
  if (stationBtn) {
    stationBtn.addEventListener("click", function () { if (!live) { begin(form.getAttribute("data-station-input"), false); } });
  }
})();
