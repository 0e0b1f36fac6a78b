// The facilitator dashboard: live map and panels from the SSE stream, moderation, export.
import {
  api, ApiError, conversationIdFromPath, facilitatorStore, storedFacilitatorToken,
} from "./api.js";
import { clearMessage, showError, showMessage } from "./feedback.js";
import { apply, groupLetter, setLanguage, t } from "./i18n.js";
import { DENSITY_THRESHOLD, drawMap } from "./map.js";
import {
  el, renderBridging, renderRoleCommonGround, setContentLanguage, renderConsensus, renderDiversity, renderGroups, renderLegend,
  renderParticipation, renderStability,
} from "./panels.js";
import { follow } from "./sse.js";

const $ = (id) => document.getElementById(id);
const cid = conversationIdFromPath();
const TOKEN_STORE = facilitatorStore(cid);
const LANG_STORE = "meedenken:lang";
/** The moderation queue and the diversity panel are re-read this often (they are not streamed). */
const QUEUE_POLL_MS = 5000;
const DIVERSITY_POLL_MS = 30000;

const state = {
  token: null, conv: null, analysis: null, texts: new Map(), nStatements: null, diversity: null,
};

function notice(text) {
  if (text) showMessage($("notice"), "error", text);
  else clearMessage($("notice"));
}

const textOf = (sid) => state.texts.get(sid) ?? `#${sid}`;

// ------------------------------------------------------------------ token
// Issue 19: kept in this browser's localStorage (every tab of this device opens the board)
// until "forget"; the dashboard link (#token=, never sent to the server) and the recovery code
// are the ways back in on another device.
function takeToken() {
  const match = window.location.hash.match(/token=([^&]+)/);
  if (match) {
    localStorage.setItem(TOKEN_STORE, decodeURIComponent(match[1]));
    history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  return storedFacilitatorToken(cid);
}

const adminLink = () => new URL(`/admin/${cid}#token=${encodeURIComponent(state.token)}`,
                                window.location.origin).href;

function askToken(message) {
  $("board").hidden = true;
  $("token-form").hidden = false;
  $("recover").hidden = false;
  if (message) notice(message);
  $("token").focus();
}

async function recover(event) {
  event.preventDefault();
  try {
    const access = await api(`/conversations/${cid}/facilitator-token/recover`, {
      method: "POST", body: { recovery_code: $("recovery-code").value.trim() } });
    state.token = access.facilitator_token;
    localStorage.setItem(TOKEN_STORE, state.token);
    $("new-admin-link").textContent = adminLink();
    $("new-recovery").textContent = access.recovery_code;
    $("recovered").hidden = false;
    $("recover").hidden = true;
    $("recovery-code").value = "";
    openBoard();
  } catch (err) {
    showError($("recover-status"), err);
  }
}

// ------------------------------------------------------------------ analysis
async function loadTexts() {
  const list = await api(`/conversations/${cid}/statements`, { token: state.token });
  state.texts = new Map(list.data.map((s) => [s.id, s.text]));
  // One count: the statements participants see, by the server's rule (api/store.py
  // visible_filter: rejected ones never, pending ones only without strict moderation).
  const hidden = state.conv && state.conv.strict_moderation ? ["pending", "rejected"] : ["rejected"];
  state.nStatements = list.data.filter((s) => !hidden.includes(s.moderation)).length;
}

function render() {
  const a = state.analysis;
  if (!a) return;
  $("stat-participants").textContent = a.participants;
  $("stat-votes").textContent = a.votes;
  $("stat-statements").textContent = state.nStatements ?? a.statements;
  $("stat-groups").textContent = (a.groups || []).length;
  $("updated").textContent = a.version
    ? t("updatedAt", { time: new Date(a.created_at).toLocaleTimeString(document.documentElement.lang,
                                                                        { hour: "2-digit", minute: "2-digit" }) })
    : t("noAnalysis");
  const canvas = $("map");
  const drawn = drawMap(canvas, a, { letter: groupLetter });
  canvas.setAttribute("aria-label", t("mapLabel", { n: drawn.points, k: (a.groups || []).length }));
  $("map-note").textContent = drawn.mode === "density" ? t("mapDensity", { n: DENSITY_THRESHOLD }) : "";
  renderLegend($("legend"), a);
  renderGroups($("groups"), a, textOf);
  renderStability($("group-stability"), a.group_stability, (a.groups || []).length);
  renderBridging($("bridging-card"), $("bridging"), a, textOf);
  renderRoleCommonGround($("roles-common-card"), $("roles-common"), a, textOf);
  renderConsensus($("consensus"), a, textOf);
  renderParticipation($("participation"), a);
  renderDiversity($("diversity-card"), $("diversity"), state.diversity);
}

async function onAnalysis(event) {
  if (event.event === "state") { // closed or opened elsewhere (another tab, another device)
    Object.assign(state.conv, JSON.parse(event.data));
    showConversationState();
    return;
  }
  if (event.event !== "analysis") return;
  const analysis = JSON.parse(event.data);
  const known = (analysis.statement_coordinates || []).every((s) => state.texts.has(s.id));
  if (!known) await loadTexts().catch(() => {});
  state.analysis = analysis;
  render();
}

function setLive(on) {
  $("live").classList.toggle("on", on);
  $("live").textContent = t(on ? "live" : "offline");
}

// ------------------------------------------------------------------ moderation
async function refreshQueue() {
  let list;
  try {
    list = await api(`/conversations/${cid}/statements?moderation=pending`, { token: state.token });
  } catch (err) {
    showError($("queue-status"), err, { retry: refreshQueue });
    return;
  }
  $("queue-count").textContent = list.count;
  if (!list.count) { $("queue").replaceChildren(el("p", { text: t("queueEmpty") })); return; }
  // Duplicate marks (issue 17): each pending statement's near-duplicates, if the model runs.
  const dupes = new Map();
  try {
    const q = await api(`/conversations/${cid}/statements/duplicates`, { token: state.token });
    for (const d of q.data) dupes.set(d.statement_id, d.duplicates);
  } catch { /* an older server without the route: no marks */ }
  $("queue").replaceChildren(...list.data.map((s) => {
    const button = (cls, label, body) => {
      const b = el("button", { type: "button", className: cls, text: t(label) });
      b.setAttribute("aria-label", `${t(label)}: ${s.text}`);
      b.addEventListener("click", () => moderate(s.id, body));
      return b;
    };
    const same = dupes.get(s.id) || [];
    const marks = same.map((d) => {
      const merge = el("button", { type: "button", className: "merge", text: t("merge") });
      merge.setAttribute("aria-label", `${t("merge")}: ${s.text} → ${d.text}`);
      merge.addEventListener("click", () => mergeInto(s.id, d.id));
      return el("p", { className: "duplicate-of" },
        el("span", { text: `${t("duplicateOf")} “${d.text}” ` }), merge);
    });
    return el("div", { className: "queue-item", "data-statement-id": String(s.id),
                       "data-duplicate": same.length ? "true" : "false" },
      el("p", { text: s.text, style: "margin:0", lang: state.conv.language }),
      ...marks,
      el("div", { className: "actions" },
        button("accept", "accept", { moderation: "accepted" }),
        button("reject", "reject", { moderation: "rejected" }),
        button("meta", "meta", { moderation: "accepted", is_meta: true })));
  }));
}

async function mergeInto(sid, into) {
  try {
    const result = await api(`/conversations/${cid}/statements/${sid}/merge`,
                             { method: "POST", token: state.token, body: { into } });
    await loadTexts();
    $("queue-status").textContent = `${t("merge")}: ${result.statement.text} → ${result.merged_into.text}`;
  } catch (err) {
    $("queue-status").textContent = t("error", { reason: err.message });
  }
  await refreshQueue();
  render();
}

async function moderate(sid, body) {
  try {
    const row = await api(`/conversations/${cid}/statements/${sid}`,
                          { method: "PATCH", token: state.token, body });
    await loadTexts();
    showMessage($("queue-status"), "ok",
                `${t(body.is_meta ? "meta" : body.moderation === "accepted" ? "accept" : "reject")}: ${row.text}`);
  } catch (err) {
    showError($("queue-status"), err, { retry: () => moderate(sid, body) });
  }
  await refreshQueue();
  render();
}

// ------------------------------------------------------------------ topics (issue 17)
async function refreshTopics() {
  let found;
  try {
    found = await api(`/conversations/${cid}/topics`, { token: state.token });
  } catch { return; } // an older server without the route
  const card = $("topics-card");
  card.hidden = !found.checked || !found.data.length;
  $("topics").replaceChildren(...found.data.map((topic) => el("li", {
    text: `${topic.keywords.join(", ") || "–"} (${t("topicSize", { n: topic.size })})`,
  })));
}

// ------------------------------------------------------------------ diversity, export, state
async function refreshDiversity() {
  try {
    state.diversity = await api(`/conversations/${cid}/diversity`, { token: state.token });
  } catch (err) {
    state.diversity = null; // 404: this server has no diversity route (issue 5)
  }
  render();
}

async function download() {
  clearMessage($("export-status"));
  const response = await fetch(`/conversations/${cid}/export`,
                               { headers: { Authorization: `Bearer ${state.token}` } });
  if (!response.ok) {
    if (response.status === 404 || response.status === 405) {
      showMessage($("export-status"), "error", t("exportMissing"));
    } else {
      showError($("export-status"), { status: response.status }, { retry: download });
    }
    return;
  }
  const blob = await response.blob();
  const link = el("a", { href: URL.createObjectURL(blob),
                         download: `meedenken-${cid}-export.zip` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

function showConversationState() {
  $("conv-state").textContent = t(state.conv.is_open ? "isOpen" : "isClosed");
  $("toggle-open").textContent = t(state.conv.is_open ? "closeConv" : "openConv");
}

/** Closing asks first (issue 19); reopening does not (it harms nobody). */
function toggleOpen() {
  if (state.conv.is_open) {
    $("confirm-close").hidden = false;
    $("confirm-no").focus();
  } else {
    setOpen(true);
  }
}

async function setOpen(open) {
  $("confirm-close").hidden = true;
  try {
    state.conv = await api(`/conversations/${cid}`, {
      method: "PATCH", token: state.token, body: { is_open: open } });
    showConversationState();
    $("toggle-open").focus();
  } catch (err) {
    showError($("notice"), err, { retry: () => setOpen(open) });
  }
}

async function copyAdminLink() {
  try {
    await navigator.clipboard.writeText(adminLink());
    showMessage($("access-status"), "ok", t("copied"));
  } catch {
    showMessage($("access-status"), "error", t("copyFailed"));
  }
}

/** A new token (e.g. the old one was shared by mistake): the old one stops working at once;
 * this browser keeps the new one and shows the new dashboard link. */
async function rotate() {
  try {
    const access = await api(`/conversations/${cid}/facilitator-token`,
                             { method: "POST", token: state.token });
    localStorage.setItem(TOKEN_STORE, access.facilitator_token);
    window.location.reload(); // every request and the stream with the new token
  } catch (err) {
    showError($("access-status"), err, { retry: rotate });
  }
}

function forget() {
  localStorage.removeItem(TOKEN_STORE);
  sessionStorage.removeItem(TOKEN_STORE);
  window.location.reload();
}

// ------------------------------------------------------------------ start
function translate(lang) {
  setLanguage(lang);
  apply();
  $("lang").value = lang;
  if (state.conv) {
    $("topic").textContent = state.conv.topic;
    document.title = `${state.conv.topic} · ${t("dTitle")}`;
    showConversationState();
  }
  render();
}

async function openBoard() {
  try {
    await loadTexts();
    await api(`/conversations/${cid}/statements?moderation=pending`, { token: state.token });
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
      localStorage.removeItem(TOKEN_STORE);
      sessionStorage.removeItem(TOKEN_STORE);
      askToken(t("tokenWrong"));
    } else {
      askToken();
      showError($("notice"), err, { retry: openBoard });
    }
    return;
  }
  if (state.opened) return;
  state.opened = true;
  notice("");
  $("token-form").hidden = true;
  $("recover").hidden = true;
  $("board").hidden = false;
  $("own-admin-link").textContent = adminLink();
  $("copy-admin").addEventListener("click", copyAdminLink);
  $("forget").addEventListener("click", forget);
  $("rotate").addEventListener("click", rotate);
  $("confirm-yes").addEventListener("click", () => setOpen(false));
  $("confirm-no").addEventListener("click", () => {
    $("confirm-close").hidden = true;
    $("toggle-open").focus();
  });
  // The one participant link: no settings in it (they live in the conversation).
  const link = new URL(`/c/${cid}`, window.location.origin).href;
  $("participant-link").href = link;
  $("participant-link").textContent = link;
  $("qr").src = `/c/${cid}/qr.svg`;
  $("qr").alt = t("qrAlt");
  showConversationState();
  $("toggle-open").addEventListener("click", toggleOpen);
  $("export-zip").addEventListener("click", () => download().catch((e) =>
    showError($("export-status"), e, { retry: download })));
  follow(`/conversations/${cid}/stream?include=all`, state.token, {
    onEvent: (e) => onAnalysis(e).catch((err) => showError($("notice"), err)),
    onState: setLive,
    onFatal: () => askToken(t("tokenWrong")),
  });
  refreshQueue();
  refreshDiversity();
  setInterval(refreshQueue, QUEUE_POLL_MS);
  setInterval(refreshDiversity, DIVERSITY_POLL_MS);
  refreshTopics();
  setInterval(refreshTopics, DIVERSITY_POLL_MS);
  let resizeTimer;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(render, 150);
  });
}

async function start() {
  const chosen = localStorage.getItem(LANG_STORE);
  translate(chosen || "nl");
  $("lang").addEventListener("change", (e) => {
    localStorage.setItem(LANG_STORE, e.target.value);
    translate(e.target.value);
  });
  try {
    state.conv = await api(`/conversations/${cid}`);
  } catch (err) {
    $("topic").textContent = "Meedenken";
    showError($("notice"), err, { retry: () => window.location.reload() });
    return;
  }
  $("topic").removeAttribute("data-i18n");
  $("topic").lang = state.conv.language;
  setContentLanguage(state.conv.language);
  translate(chosen || state.conv.language);
  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    state.token = $("token").value.trim();
    localStorage.setItem(TOKEN_STORE, state.token);
    if (state.opened) window.location.reload(); // a board already wired to the old token
    else openBoard();
  });
  $("recover-form").addEventListener("submit", recover);
  state.token = takeToken();
  if (state.token) openBoard();
  else askToken();
}

start();
