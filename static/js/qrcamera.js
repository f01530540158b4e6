/* The camera QR reader shared by the scan pages (the Fête, the doors of trainings, workshops and
 * ceremonies): the browser's BarcodeDetector when it has one, else the vendored jsQR on video
 * frames. partezCamera({video, canvas, onText, onError}) → {start(), stop(), running()}; the same
 * code read again within 4 seconds is reported once. partezCamera.attach({button, ...}) also makes
 * ``button`` switch the camera on and off.
 */
(function () {
  "use strict";
  window.partezCamera = function ({ video, canvas, onText, onError, normalise }) {
    const norm = normalise || ((t) => t);
    let stream = null;
    let lastCode = "";
    let lastAt = 0;
    async function start() {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      } catch (e) {
        onError();
        return false;
      }
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      const detector = "BarcodeDetector" in window ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
      const context = canvas.getContext("2d", { willReadFrequently: true });
      const tick = async () => {
        if (!stream) return;
        let text = null;
        if (video.readyState >= 2) {
          if (detector) {
            const codes = await detector.detect(video).catch(() => []);
            if (codes.length) text = codes[0].rawValue;
          } else if (window.jsQR) {
            canvas.width = video.videoWidth;
            canvas.height = video.videoHeight;
            context.drawImage(video, 0, 0);
            const image = context.getImageData(0, 0, canvas.width, canvas.height);
            const found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
            if (found) text = found.data;
          }
        }
        const now = Date.now();
        if (text && (norm(text) !== lastCode || now - lastAt > 4000)) {
          lastCode = norm(text);
          lastAt = now;
          onText(text);
        }
        setTimeout(tick, 200);
      };
      tick();
      return true;
    }
    function stop() {
      if (stream) stream.getTracks().forEach((t) => t.stop());
      stream = null;
      video.hidden = true;
    }
    return { start, stop, running: () => stream !== null };
  };
  window.partezCamera.attach = function (options) {
    const camera = window.partezCamera(options);
    const button = options.button;
    button.addEventListener("click", async () => {
      if (camera.running()) {
        camera.stop();
        button.textContent = "Activer la caméra";
      } else if (await camera.start()) {
        button.textContent = "Arrêter la caméra";
      }
    });
    return camera;
  };
})();
