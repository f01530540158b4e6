// The ceremony's hand-over: one signature pad per pack form; the drawing is sent as a PNG.
(function () {
  "use strict";
  document.querySelectorAll("form.handover").forEach(function (form) {
    const pad = form.querySelector("canvas.signature-pad");
    const field = form.querySelector('input[name="signature_png_base64"]');
    const ctx = pad.getContext("2d");
    let drawing = false;
    let signed = false;
    function clear() {
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, pad.width, pad.height);
      signed = false;
    }
    function point(e) {
      const r = pad.getBoundingClientRect();
      return [((e.clientX - r.left) * pad.width) / r.width, ((e.clientY - r.top) * pad.height) / r.height];
    }
    ctx.lineWidth = 3;
    ctx.lineCap = "round";
    ctx.strokeStyle = "#111";
    clear();
    pad.addEventListener("pointerdown", function (e) {
      drawing = true;
      pad.setPointerCapture(e.pointerId);
      ctx.beginPath();
      ctx.moveTo(...point(e));
    });
    pad.addEventListener("pointermove", function (e) {
      if (!drawing) return;
      ctx.lineTo(...point(e));
      ctx.stroke();
      signed = true;
    });
    pad.addEventListener("pointerup", function () { drawing = false; });
    form.querySelector(".signature-clear").addEventListener("click", clear);
    form.addEventListener("submit", function () {
      field.value = signed ? pad.toDataURL("image/png") : "";
    });
  });
})();
