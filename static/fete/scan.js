/* The volunteers' scan and hand-over page of the Fête des vacances.
 *
 * Works through bad Wi-Fi: every scan and hand-over becomes an operation with a nonce, kept in
 * localStorage (the queue survives a reload or a flat battery) and sent in order whenever the
 * network answers (on the "online" event, every few seconds, or by the button). The server
 * treats a repeated nonce as the same operation, so re-sending is always safe. A stand's page
 * carries its commune's roster (codes, first names, prepared serials), so a household can be
 * found and its chèques signed for with no network at all; the answer, when it comes, may turn
 * a provisional hand-over into a conflict (served at another device): it is shown as a warning.
 */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("scan-config").textContent);
  const isStand = config.list.kind === "stand";
  const QUEUE_KEY = "partez-fete-queue-" + config.list.id;
  const HISTORY_KEY = "partez-fete-history-" + config.list.id;
  const HANDED_KEY = "partez-fete-handed-" + config.list.id;
  const $ = (id) => document.getElementById(id);
  const csrf = document.querySelector("[name=csrfmiddlewaretoken]").value;
  const roster = new Map((config.roster || []).map((r) => [r.code, r]));

  // This device's copy belongs to one person: opened by someone else (a shared tablet), the
  // previous person's roster, queue and history are dropped before anything is read.
  const OWNER_KEY = "partez-fete-owner";
  const wipeLocal = () =>
    Object.keys(localStorage).filter((k) => k.startsWith("partez-fete-")).forEach((k) => localStorage.removeItem(k));
  if (localStorage.getItem(OWNER_KEY) !== String(config.owner)) {
    wipeLocal();
    localStorage.setItem(OWNER_KEY, String(config.owner));
  }

  const load = (key, fallback) => {
    try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  };
  const save = (key, value) => localStorage.setItem(key, JSON.stringify(value));
  let queue = load(QUEUE_KEY, []);
  let history = load(HISTORY_KEY, []);
  const handedHere = load(HANDED_KEY, {});  // code → provisional receipt, on this device
  let current = null;  // the household shown for a hand-over
  let syncing = false;

  function nonce() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  /* What a person types or a scanner reads → the code: the QR holds the RSVP address ending in it. */
  function normalise(raw) {
    let text = (raw || "").trim();
    const match = text.match(/\/r\/([^/?#]+)/);
    if (match) text = match[1];
    return text.toUpperCase().replace(/[^A-Z0-9]/g, "");
  }
  const display = (code) => (code.length === 10 ? code.slice(0, 5) + "-" + code.slice(5) : code);
  const euros = (cents) =>
    (cents / 100).toLocaleString("fr-FR", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + " €";

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => (k === "class" ? (node.className = v) : node.setAttribute(k, v)));
    children.forEach((c) => node.append(c));
    return node;
  }

  // --- state shown on the page -------------------------------------------------------------

  function renderNetwork() {
    const online = navigator.onLine;
    const badge = $("network");
    badge.textContent = online ? "En ligne" : "Hors ligne — les opérations sont gardées et partiront au retour du réseau";
    badge.className = online ? "badge" : "badge status-refused";
  }

  function renderQueue() {
    $("pending").textContent = String(queue.length);
    const list = $("history");
    list.replaceChildren(
      ...queue.map((op) => el("li", { class: "pending" }, label(op) + " — en attente d'envoi")),
      ...history.slice(0, 20).map((h) => el("li", { class: h.level }, h.text))
    );
  }

  function label(op) {
    const who = op.household ? op.household + " (" + display(op.code) + ")" : display(op.code);
    return (op.type === "handover" ? "Remise : " : "Pointage : ") + who;
  }

  function remember(op, level, text) {
    history.unshift({ level: level, text: label(op) + " — " + text, at: new Date().toISOString() });
    history = history.slice(0, 50);
    save(HISTORY_KEY, history);
  }

  function showResult(level, title, lines) {
    const box = $("result");
    const items = (lines || []).map((l) => el("li", {}, l));
    box.replaceChildren(
      el("p", { class: "scan-result " + level }, el("strong", {}, title)),
      ...(items.length ? [el("ul", {}, ...items)] : [])
    );
    // the result sits at the top of the page: bring it back into view after a scroll to sign
    if (box.scrollIntoView) box.scrollIntoView({ block: "nearest" });
  }

  function handoverError(text) {
    const box = $("handover-error");
    if (!box) return;
    box.textContent = text || "";
    box.hidden = !text;
  }

  // --- scanning -----------------------------------------------------------------------------

  function scanned(raw) {
    const code = normalise(raw);
    if (code.length < 6) {
      showResult("refused", "Code illisible : vérifiez-le et recommencez.");
      return;
    }
    if (isStand) {  // a new code closes the previous household's hand-over
      current = null;
      $("handover-panel").hidden = true;
      handoverError("");
    }
    const known = roster.get(code);
    const op = { type: "checkin", nonce: nonce(), code: code, at: new Date().toISOString() };
    if (known) op.household = known.household;
    queue.push(op);
    save(QUEUE_KEY, queue);
    renderQueue();
    if (isStand) {
      if (known) openHandover(known);
      else showResult("warning", "Code " + display(code) + " absent de la liste de ce stand.",
        ["Vérification auprès du serveur en cours (le foyer est peut-être attendu à un autre stand)."]);
    } else {
      showResult("pending", "Code " + display(code) + " enregistré.", [navigator.onLine ? "Envoi en cours…" : "Hors ligne : il partira au retour du réseau."]);
    }
    sync();
  }

  $("code-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("code");
    scanned(input.value);
    input.value = "";
    input.focus();
  });

  // camera: the shared reader (static/js/qrcamera.js)
  window.partezCamera.attach({
    button: $("camera-toggle"),
    video: $("camera"),
    canvas: $("camera-frame"),
    normalise,
    onText: scanned,
    onError: () => showResult("refused", "Caméra indisponible : tapez le code ou utilisez un lecteur."),
  });

  // --- hand-over (stands) -------------------------------------------------------------------

  let signed = false;
  function openHandover(entry) {
    current = entry;
    const rights = entry.entitlements.map((e) => e.label);
    const provisional = handedHere[entry.code];
    if (entry.receipt || provisional) {
      showResult("warning", entry.household + " : chèques déjà remis.",
        [...rights, "Reçu " + (entry.receipt || provisional) + (entry.receipt ? "" : " (provisoire, sur cet appareil)")]);
      $("handover-panel").hidden = true;
      return;
    }
    if (!entry.cheques.length) {
      // nothing to hand over here: say why (chèques not prepared, none granted, papers only)
      const reason = (entry.to_hand_over && entry.to_hand_over.reason) || "Aucun chèque préparé pour ce foyer à ce stand.";
      showResult("warning", entry.household + " : rien à remettre ici.", [reason, ...rights]);
      $("handover-panel").hidden = true;
      return;
    }
    showResult("ok", entry.household + " — " + entry.people + " personne(s) : chèques à remettre ci-dessous.", rights);
    handoverError("");
    $("handover-household").textContent = entry.household;
    const box = $("handover-cheques");
    box.replaceChildren(
      ...entry.cheques.map((c, i) => {
        const id = "cheque-" + i;
        return el("div", { class: "field-check" },
          el("label", { for: id },
            Object.assign(el("input", { type: "checkbox", id: id, value: c.serial, checked: "checked" }), {}),
            " " + euros(c.denomination_cents) + " — n° " + c.serial));
      })
    );
    box.querySelectorAll("input").forEach((i) => i.addEventListener("change", updateTotal));
    updateTotal();
    clearSignature();
    $("handover-panel").hidden = false;
  }

  function checkedSerials() {
    return Array.from($("handover-cheques").querySelectorAll("input:checked"), (i) => i.value);
  }
  function updateTotal() {
    const wanted = new Set(checkedSerials());
    const total = current ? current.cheques.filter((c) => wanted.has(c.serial)).reduce((s, c) => s + c.denomination_cents, 0) : 0;
    $("handover-total").textContent = euros(total);
  }

  const pad = $("signature");
  function clearSignature() {
    if (!pad) return;
    const ctx = pad.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, pad.width, pad.height);
    signed = false;
  }
  if (pad) {
    const ctx = pad.getContext("2d");
    ctx.lineWidth = 3;
    ctx.lineCap = "round";
    ctx.strokeStyle = "#111";
    let drawing = false;
    const point = (e) => {
      const r = pad.getBoundingClientRect();
      return [((e.clientX - r.left) * pad.width) / r.width, ((e.clientY - r.top) * pad.height) / r.height];
    };
    pad.addEventListener("pointerdown", (e) => {
      drawing = true;
      pad.setPointerCapture(e.pointerId);
      ctx.beginPath();
      ctx.moveTo(...point(e));
    });
    pad.addEventListener("pointermove", (e) => {
      if (!drawing) return;
      ctx.lineTo(...point(e));
      ctx.stroke();
      signed = true;
    });
    pad.addEventListener("pointerup", () => (drawing = false));
    $("signature-clear").addEventListener("click", clearSignature);
    clearSignature();

    $("handover-form").addEventListener("submit", (event) => {
      event.preventDefault();
      if (!current) return;
      const serials = checkedSerials();
      if (!serials.length) {
        handoverError("Cochez au moins un chèque remis.");
        return showResult("refused", "Remise non validée : aucun chèque coché.");
      }
      if (!signed) {
        handoverError("Signature obligatoire : faites signer le foyer dans le cadre ci-dessus, puis validez.");
        pad.focus();
        return showResult("refused", "Remise non validée : la signature du foyer est obligatoire.");
      }
      handoverError("");
      const op = {
        type: "handover", nonce: nonce(), code: current.code, household: current.household,
        booklets: serials, signature_png_base64: pad.toDataURL("image/png"), at: new Date().toISOString(),
      };
      queue.push(op);
      save(QUEUE_KEY, queue);
      handedHere[current.code] = "en attente";
      save(HANDED_KEY, handedHere);
      $("handover-panel").hidden = true;
      showResult("pending", "Remise enregistrée pour " + current.household + ".",
        [navigator.onLine ? "Envoi en cours…" : "Hors ligne : elle partira au retour du réseau (reçu provisoire)."]);
      current = null;
      renderQueue();
      sync();
    });
  }

  // --- sending the queue ----------------------------------------------------------------------

  async function send(op) {
    const url = op.type === "handover" ? config.handover_url : config.checkin_url;
    const body = op.type === "handover"
      ? { code: op.code, booklets: op.booklets, signature_png_base64: op.signature_png_base64, nonce: op.nonce }
      : { code: op.code, nonce: op.nonce };
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    return { status: response.status, data: data };
  }

  function settle(op, status, data) {
    if (op.type === "checkin") {
      if (status === 201 || status === 200) {
        op.household = data.household;
        remember(op, "ok", status === 201 ? "pointé" : "déjà reçu (même envoi)");
        if (!isStand) showResult("ok", data.household + " — bienvenue !", (data.entitlements || []).map((e) => e.label));
        if (isStand && !roster.has(op.code)) {
          const entry = { code: op.code, household: data.household, people: data.people, entitlements: data.entitlements,
            cheques: data.cheques || [], receipt: data.handover ? data.handover.receipt : null,
            to_hand_over: data.to_hand_over };
          roster.set(op.code, entry);
          openHandover(entry);
        }
      } else if (status === 409) {
        remember(op, "warning", data.detail || "déjà pointé");
        if (!isStand) showResult("warning", display(op.code) + " : " + (data.detail || "déjà pointé"));
      } else {
        remember(op, "refused", data.detail || "refusé");
        const title = data.expected_stand !== undefined ? "Mauvais stand" : "Code refusé";
        showResult("refused", title + " — " + display(op.code) + " : " + (data.detail || "refusé"));
      }
      return;
    }
    if (status === 201 || status === 200) {
      handedHere[op.code] = data.receipt;
      const entry = roster.get(op.code);
      if (entry) entry.receipt = data.receipt;
      remember(op, "ok", "remis, reçu " + data.receipt);
      const link = el("a", { href: config.receipt_url.replace("RECEIPT", data.receipt) }, "Voir le reçu " + data.receipt);
      showResult("ok", "Chèques remis à " + data.household + " : " + euros(data.amount_cents) + ".", [link]);
    } else {
      delete handedHere[op.code];
      const text = status === 409 ? "CONFLIT : " + (data.detail || "déjà remis ailleurs") : data.detail || "refusé";
      remember(op, status === 409 ? "warning" : "refused", text);
      showResult(status === 409 ? "warning" : "refused", op.household + " — " + text);
    }
    save(HANDED_KEY, handedHere);
  }

  async function sync() {
    renderNetwork();
    if (syncing || !queue.length) return;
    syncing = true;
    try {
      while (queue.length) {
        const op = queue[0];
        let answer;
        try {
          answer = await send(op);
        } catch (e) {
          break;  // no network: keep the queue, try again later
        }
        if (answer.status >= 500 || answer.status === 403 && !answer.data.detail) break;
        queue.shift();
        save(QUEUE_KEY, queue);
        settle(op, answer.status, answer.data);
        renderQueue();
      }
    } finally {
      syncing = false;
      renderQueue();
    }
  }

  window.addEventListener("online", sync);
  window.addEventListener("offline", renderNetwork);
  $("sync").addEventListener("click", sync);
  setInterval(sync, 3000);
  renderNetwork();
  renderQueue();
  sync();

  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(config.sw_url, { scope: config.sw_scope }).catch(() => {});
  }

  /* Logout leaves nothing of the roster on the device: the server answers with Clear-Site-Data
   * (caches, storage, this service worker) and the page wipes its own copy too, first. Pending
   * operations — signed hand-overs among them — are not kept encrypted for later: whoever holds
   * the device next could not be told apart from the volunteer. They are announced instead, so
   * the volunteer sends them (« Envoyer maintenant ») or knowingly drops them. */
  document.querySelectorAll("form[data-logout]").forEach((form) =>
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (queue.length) {
        const signed = queue.filter((op) => op.type === "handover").length;
        const question =
          queue.length + " opération(s) pas encore envoyée(s)" +
          (signed ? ", dont " + signed + " remise(s) signée(s)" : "") +
          ". En vous déconnectant, elles seront effacées de cet appareil et perdues. " +
          "Annulez puis touchez « Envoyer maintenant » quand le réseau revient. Se déconnecter quand même ?";
        if (!window.confirm(question)) return;
      }
      queue = [];
      wipeLocal();
      const cleared = [];
      if (window.caches) cleared.push(caches.keys().then((keys) => Promise.all(keys.map((k) => caches.delete(k)))));
      if (navigator.serviceWorker) {
        cleared.push(navigator.serviceWorker.getRegistrations().then((rs) => Promise.all(rs.map((r) => r.unregister()))));
      }
      Promise.all(cleared).catch(() => {}).finally(() => form.submit());
    })
  );
})();
