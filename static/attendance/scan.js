/* The scan page of a door (training, workshop, ceremony). Every scan becomes a check-in with a
 * nonce, kept in localStorage and sent in order whenever the network answers; the server answers
 * a repeated nonce with the first result, so re-sending is always safe. The last result is shown
 * at the top of the page, with its reason in plain words.
 */
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("attendance-config").textContent);
  const $ = (id) => document.getElementById(id);
  const csrf = document.querySelector("[name=csrfmiddlewaretoken]").value;
  const PREFIX = "partez-door-";
  const QUEUE_KEY = PREFIX + "queue-" + config.roster;
  const HISTORY_KEY = PREFIX + "history-" + config.roster;
  const OWNER_KEY = PREFIX + "owner";
  if (localStorage.getItem(OWNER_KEY) !== String(config.owner)) {
    Object.keys(localStorage).filter((k) => k.startsWith(PREFIX)).forEach((k) => localStorage.removeItem(k));
    localStorage.setItem(OWNER_KEY, String(config.owner));
  }
  const load = (key) => { try { return JSON.parse(localStorage.getItem(key)) || []; } catch (e) { return []; } };
  const save = (key, value) => localStorage.setItem(key, JSON.stringify(value));
  let queue = load(QUEUE_KEY);
  let history = load(HISTORY_KEY);
  let syncing = false;

  const normalise = (raw) => (raw || "").trim().toUpperCase().replace(/[^A-Z0-9]/g, "");
  function nonce() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function showResult(kind, text) {
    const box = $("result");
    const p = document.createElement("p");
    p.className = "scan-result " + kind;
    p.textContent = text;
    box.replaceChildren(p);
  }
  function render() {
    $("pending").textContent = String(queue.length);
    $("history").replaceChildren(...history.slice(0, 20).map((h) => {
      const li = document.createElement("li");
      li.className = h.kind;
      li.textContent = h.at + " — " + h.text;
      return li;
    }));
    const online = navigator.onLine;
    $("network").textContent = online ? "En ligne" : "Hors ligne — les pointages partiront au retour du réseau";
    $("network").className = online ? "badge" : "badge status-refused";
  }
  function remember(kind, text) {
    const at = new Date().toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" });
    history.unshift({ kind, text, at });
    history = history.slice(0, 50);
    save(HISTORY_KEY, history);
    showResult(kind, text);
  }

  async function sync() {
    if (syncing || !queue.length) return render();
    syncing = true;
    try {
      while (queue.length) {
        const op = queue[0];
        let response;
        try {
          response = await fetch(config.checkin_url, {
            method: "POST",
            headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
            body: JSON.stringify({ code: op.code, nonce: op.nonce }),
            credentials: "same-origin",
          });
        } catch (e) {
          break;  // no network: keep the queue
        }
        if (response.status >= 500) break;
        let body = {};
        try { body = await response.json(); } catch (e) { body = {}; }
        queue.shift();
        save(QUEUE_KEY, queue);
        if (response.status === 201) {
          remember("ok", "Bienvenue " + body.holder + " : présence enregistrée.");
          $("present").textContent = String(Number($("present").textContent) + 1);
        } else if (response.status === 200) {
          remember("ok", body.holder + " : présence déjà enregistrée par cet appareil.");
        } else if (response.status === 409) {
          remember("warning", (body.holder || "Cette personne") + " : " + body.detail);
        } else if (response.status === 403 || response.status === 401) {
          remember("refused", "Session terminée : reconnectez-vous, les pointages en attente sont gardés.");
          queue.unshift(op);
          save(QUEUE_KEY, queue);
          break;
        } else {
          remember("refused", "Code " + op.code + " : " + (body.detail || "refusé."));
        }
      }
    } finally {
      syncing = false;
      render();
    }
  }

  function scanned(raw) {
    const code = normalise(raw);
    if (!code) return;
    queue.push({ code, nonce: nonce() });
    save(QUEUE_KEY, queue);
    showResult("pending", "Code " + code + " : envoi…");
    sync();
  }

  $("code-form").addEventListener("submit", (event) => {
    event.preventDefault();
    scanned($("code").value);
    $("code").value = "";
    $("code").focus();
  });
  window.partezCamera.attach({
    button: $("camera-toggle"),
    video: $("camera"),
    canvas: $("camera-frame"),
    normalise,
    onText: scanned,
    onError: () => showResult("refused", "Caméra indisponible : tapez le code ou utilisez un lecteur."),
  });
  $("sync").addEventListener("click", sync);
  window.addEventListener("online", sync);
  window.addEventListener("offline", render);
  setInterval(sync, 5000);
  render();
  sync();
})();
