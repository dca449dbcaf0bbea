// Panel behaviour: CSRF header for htmx and fetch, the in-browser recorder, drag-and-drop reorder with its refusal shown in the card.
(function () {
  "use strict";
  var token = function () { var m = document.querySelector('meta[name="csrf-token"]'); return m ? m.content : ""; };

  // The station this page belongs to: the server refuses a post from a page of another station (switched in another tab).
  var station = function () { var m = document.querySelector('meta[name="loaxa-station"]'); return m ? m.content : ""; };

  document.addEventListener("htmx:configRequest", function (e) { e.detail.headers["X-CSRFToken"] = token(); e.detail.headers["X-Loaxa-Station"] = station(); });

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.getAttribute || (form.getAttribute("method") || "").toLowerCase() !== "post" || form.querySelector('input[name="_station"]') || !station()) { return; }
    var field = document.createElement("input");
    field.type = "hidden"; field.name = "_station"; field.value = station();
    form.appendChild(field);
  }, true);

  // Confirm dangerous actions: forms with data-confirm ask first.
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute && e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { e.preventDefault(); }
  });

  function setupRecorder(box) {
    var startBtn = box.querySelector('[data-rec="start"]'), stopBtn = box.querySelector('[data-rec="stop"]');
    var bar = box.querySelector(".meter span"), status = box.querySelector(".rec-status");
    var recorder = null, chunks = [], stream = null, raf = 0, audioCtx = null;
    if (!window.MediaRecorder || !navigator.mediaDevices) {
      startBtn.disabled = true; status.textContent = "Trình duyệt này không ghi âm được: hãy tải tệp lên."; return;
    }
    function meter(analyser) {
      var data = new Uint8Array(analyser.fftSize);
      (function tick() {
        analyser.getByteTimeDomainData(data);
        var peak = 0;
        for (var i = 0; i < data.length; i++) { peak = Math.max(peak, Math.abs(data[i] - 128) / 128); }
        bar.style.width = Math.min(100, Math.round(peak * 140)) + "%";
        bar.className = peak > 0.95 ? "clip" : "";
        raf = requestAnimationFrame(tick);
      })();
    }
    startBtn.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (s) {
        stream = s; chunks = [];
        audioCtx = new (window.AudioContext || window.webkitAudioContext)();
        var analyser = audioCtx.createAnalyser(); analyser.fftSize = 1024;
        audioCtx.createMediaStreamSource(s).connect(analyser); meter(analyser);
        var type = MediaRecorder.isTypeSupported("audio/webm;codecs=opus") ? "audio/webm;codecs=opus" : "";
        recorder = type ? new MediaRecorder(s, { mimeType: type }) : new MediaRecorder(s);
        recorder.ondataavailable = function (e) { if (e.data.size) { chunks.push(e.data); } };
        recorder.onstop = upload;
        recorder.start(1000);
        startBtn.disabled = true; stopBtn.disabled = false; status.textContent = "Đang ghi…";
      }).catch(function () { status.textContent = "Không mở được micro: hãy cho phép trình duyệt dùng micro."; });
    });
    stopBtn.addEventListener("click", function () {
      if (recorder && recorder.state !== "inactive") { recorder.stop(); }
      cancelAnimationFrame(raf); bar.style.width = "0";
      if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
      if (audioCtx) { audioCtx.close(); }
      stopBtn.disabled = true;
    });
    function upload() {
      var form = new FormData();
      form.append("audio", new Blob(chunks, { type: "audio/webm" }), "ghi-am.webm");
      status.textContent = "Đang xử lý bản ghi…";
      fetch(box.getAttribute("data-upload"), { method: "POST", body: form, headers: { "X-CSRFToken": token(), "X-Loaxa-Station": station(), "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (j) {
          if (j.ok) { status.textContent = "Đã lưu bản ghi (" + j.duration + " giây)."; window.location.reload(); }
          else { status.textContent = j.error; startBtn.disabled = false; }
        })
        .catch(function () { status.textContent = "Tải bản ghi lên không được: hãy thử lại."; startBtn.disabled = false; });
    }
  }

  function setupSortable(list) {
    var url = list.getAttribute("data-reorder-url");
    if (!url || !window.Sortable) { return; }
    var card = list.closest(".broadcast-card"), msg = card && card.querySelector(".reorder-msg");
    var ids = function () { return Array.prototype.map.call(list.querySelectorAll("[data-item-id]"), function (el) { return el.getAttribute("data-item-id"); }); };
    var sortable = window.Sortable.create(list, {
      handle: ".grip", animation: 150, dataIdAttr: "data-item-id",
      onStart: function () { list.setAttribute("data-before", JSON.stringify(sortable.toArray())); },
      onEnd: function () {
        fetch(url, { method: "POST", headers: { "X-CSRFToken": token(), "X-Loaxa-Station": station(), "Content-Type": "application/json", "Accept": "application/json" },
                     body: JSON.stringify({ items: ids() }), credentials: "same-origin" })
          .then(function (r) { return r.json().catch(function () { return { ok: false, error: "Không lưu được thứ tự: hãy tải lại trang rồi thử lại." }; }); })
          .then(function (j) {
            if (j.ok) { window.location.reload(); return; }
            sortable.sort(JSON.parse(list.getAttribute("data-before")), true);  // put the items back where they were
            if (msg) { msg.textContent = j.error; msg.hidden = false; }
          })
          .catch(function () { if (msg) { msg.textContent = "Mất kết nối với máy chủ: hãy thử lại."; msg.hidden = false; } });
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".recorder").forEach(setupRecorder);
    document.querySelectorAll("[data-reorder-url]").forEach(setupSortable);
  });
})();
