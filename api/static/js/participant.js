// The participant page: join anonymously at once, then one statement at a time.
import { api, ApiError, conversationIdFromPath } from "./api.js";
import { apply, groupLetter, setLanguage, t } from "./i18n.js";
import { drawMap } from "./map.js";

const $ = (id) => document.getElementById(id);
const cid = conversationIdFromPath();
const STORE = `meedenken:c:${cid}`;
const LANG_STORE = "meedenken:lang";
const ROLES = ["resident", "patient", "carer", "professional", "manager", "board_member", "other"];
const AGE_BANDS = ["<18", "18-29", "30-44", "45-64", "65-74", "75+"];
/** While the participant's own votes are not analysed yet, look again this often and this long. */
const STANDING_RETRY_MS = 1500;
const STANDING_RETRIES = 6;
/** On the end screen, look for newly accepted statements this often. */
const NEW_STATEMENT_POLL_MS = 15000;

const state = {
  conv: null, me: null, current: null, total: 0, busy: false, pollTimer: null,
};

function load() {
  try { return JSON.parse(localStorage.getItem(STORE)) || {}; } catch { return {}; }
}
function save() {
  localStorage.setItem(STORE, JSON.stringify(state.me));
}

function notice(text) {
  const el = $("notice");
  el.textContent = text;
  el.hidden = !text;
}

function reason(err) {
  return err instanceof ApiError ? err.message : String(err);
}

// ------------------------------------------------------------------ joining
async function join() {
  const saved = load();
  if (saved.token) {
    state.me = { voted: 0, ...saved };
    return;
  }
  const created = await api(`/conversations/${cid}/participants`, { method: "POST", body: {} });
  state.me = { token: created.token, id: created.id, voted: 0 };
  save();
}

// ------------------------------------------------------------------ voting
function showProgress() {
  const total = Math.max(state.total, state.me.voted + (state.current ? 1 : 0));
  $("progress").textContent = t("progress", { done: state.me.voted, total });
  $("progress-bar").max = Math.max(total, 1);
  $("progress-bar").value = state.me.voted;
}

async function refreshTotal() {
  const list = await api(`/conversations/${cid}/statements`, { token: state.me.token });
  state.total = list.count;
}

async function nextStatement() {
  let next;
  try {
    next = await api(`/conversations/${cid}/next`, { token: state.me.token });
  } catch (err) {
    if (err.status === 403 || err.status === 401) { // token of a deleted or other database
      localStorage.removeItem(STORE);
      await join();
      next = await api(`/conversations/${cid}/next`, { token: state.me.token });
    } else {
      throw err;
    }
  }
  state.current = next;
  if (next) {
    stopPolling();
    $("done").hidden = true;
    $("vote-card").hidden = false;
    $("statement").textContent = next.text;
    $("statement").dataset.statementId = String(next.id);
    showProgress();
  } else {
    $("vote-card").hidden = true;
    $("done").hidden = false;
    showStanding();
    startPolling();
  }
}

async function vote(value) {
  if (state.busy || !state.current || !state.conv.is_open) return;
  state.busy = true;
  setButtons(false);
  try {
    await api(`/conversations/${cid}/votes`, {
      method: "POST", token: state.me.token,
      body: { statement_id: state.current.id, vote: value },
    });
    state.me.voted += 1;
    save();
    $("vote-status").textContent = t("voteSaved");
    if (state.me.voted % 5 === 0) await refreshTotal();
    await nextStatement();
  } catch (err) {
    $("vote-status").textContent = t("voteFailed", { reason: reason(err) });
    if (err.status === 409) await loadConversation();
  } finally {
    state.busy = false;
    setButtons(true);
  }
}

/** aria-disabled, not disabled: a disabled button would drop the keyboard focus. */
function setButtons(enabled) {
  for (const b of document.querySelectorAll(".choice")) {
    if (enabled) b.removeAttribute("aria-disabled");
    else b.setAttribute("aria-disabled", "true");
  }
}

function onKey(event) {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  const target = event.target;
  if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
  const keys = { a: 1, 1: 1, d: -1, 2: -1, p: 0, 3: 0 };
  const value = keys[event.key.toLowerCase()];
  if (value === undefined || $("vote-card").hidden) return;
  event.preventDefault();
  vote(value);
}

// ------------------------------------------------------------------ end screen
async function showStanding(attempt = 0) {
  const standing = $("standing");
  let analysis;
  try {
    analysis = await api(`/conversations/${cid}/analysis`, { token: state.me.token });
  } catch (err) {
    standing.textContent = err.status === 403 || err.status === 401 ? t("resultsHidden")
      : t("error", { reason: reason(err) });
    return;
  }
  const me = (analysis.coordinates || []).find((p) => p.id === state.me.id);
  if (!me) {
    standing.textContent = t("notYetPlaced");
    if (attempt < STANDING_RETRIES && !$("done").hidden) {
      setTimeout(() => showStanding(attempt + 1), STANDING_RETRY_MS);
    }
    return;
  }
  const group = analysis.groups.find((g) => g.id === me.group);
  standing.textContent = group
    ? t("youAreInGroup", { group: groupLetter(group.id), size: group.size })
    : t("notYetPlaced");
  $("standing-figure").hidden = false;
  const canvas = $("mini-map");
  canvas.setAttribute("aria-label", standing.textContent);
  drawMap(canvas, analysis, { highlight: state.me.id, letter: groupLetter });
}

function startPolling() {
  stopPolling();
  state.pollTimer = setInterval(async () => {
    try { await nextStatement(); } catch { /* offline for a moment: try again later */ }
  }, NEW_STATEMENT_POLL_MS);
}
function stopPolling() {
  if (state.pollTimer) clearInterval(state.pollTimer);
  state.pollTimer = null;
}

// ------------------------------------------------------------------ own statement
async function submitOwn(event) {
  event.preventDefault();
  const box = $("own-text");
  const out = $("own-result");
  out.replaceChildren();
  const text = box.value.trim();
  if (!text) { box.focus(); return; }
  // Issue 17: first ask whether an existing statement says the same; voting on it keeps the
  // list short. Only real near-duplicates come back (the model's measured rule).
  let same = [];
  try {
    const check = await api(`/conversations/${cid}/statements/check`, {
      method: "POST", token: state.me.token, body: { texts: [{ text }] },
    });
    same = (check.duplicates[0] || []).filter((d) => d.id !== null);
  } catch { /* an older server, or the check failed: post as before */ }
  if (same.length) { askSame(same[0], text); return; }
  await postOwn(text);
}

/** "Is uw stelling hetzelfde als ...?": vote on the existing statement, or post anyway. */
function askSame(existing, text) {
  const out = $("own-result");
  const question = document.createElement("p");
  question.textContent = t("sameAsExisting");
  const quote = document.createElement("blockquote");
  quote.className = "similar";
  quote.textContent = existing.text;
  const yes = document.createElement("button");
  yes.type = "button";
  yes.textContent = t("voteOnExisting");
  yes.addEventListener("click", () => {
    out.replaceChildren();
    $("own-text").value = "";
    state.current = { id: existing.id, text: existing.text };
    $("done").hidden = true;
    $("vote-card").hidden = false;
    $("statement").textContent = existing.text;
    $("statement").dataset.statementId = String(existing.id);
    $("statement").focus?.();
  });
  const no = document.createElement("button");
  no.type = "button";
  no.textContent = t("submitAnyway");
  no.addEventListener("click", () => postOwn(text));
  const actions = document.createElement("div");
  actions.className = "actions";
  actions.append(yes, no);
  out.replaceChildren(question, quote, actions);
  yes.focus();
}

async function postOwn(text) {
  const box = $("own-text");
  const out = $("own-result");
  out.replaceChildren();
  try {
    const result = await api(`/conversations/${cid}/statements`, {
      method: "POST", token: state.me.token, body: { text },
    });
    const thanks = document.createElement("p");
    thanks.className = "ok";
    thanks.textContent = result.statement.moderation === "pending" && state.conv.strict_moderation
      ? t("submittedPending") : t("submitted");
    out.append(thanks);
    const dupes = (result.similar || []).filter((s) => s.is_duplicate === true);
    if (dupes.length) {
      const intro = document.createElement("p");
      intro.textContent = t("similarExists");
      const list = document.createElement("ul");
      list.className = "similar";
      for (const s of dupes) {
        const li = document.createElement("li");
        li.textContent = s.text;
        list.append(li);
      }
      out.append(intro, list);
    }
    box.value = "";
  } catch (err) {
    const p = document.createElement("p");
    p.className = "error";
    p.textContent = t("submitFailed", { reason: reason(err) });
    out.append(p);
  }
}

// ------------------------------------------------------------------ join questions
function askedQuestions() {
  const params = new URLSearchParams(window.location.search);
  if (!params.has("ask")) return ["role", "age", "area"];
  return params.get("ask").split(",").filter(Boolean);
}

function fillQuestions() {
  const fill = (select, values, label) => {
    const chosen = select.value;
    select.replaceChildren(new Option(t("noAnswer"), ""));
    for (const v of values) select.append(new Option(label(v), v));
    select.value = chosen;
  };
  fill($("q-role"), ROLES, (r) => t(`roles.${r}`));
  fill($("q-age"), AGE_BANDS, (a) => a);
}

async function saveAbout(event) {
  event.preventDefault();
  const out = $("about-result");
  const area = $("q-area").value.trim();
  if (area && !/^[0-9]{4}$/.test(area)) {
    out.textContent = t("error", { reason: t("area") });
    $("q-area").focus();
    return;
  }
  const demographics = {};
  if (!$("q-age").closest(".field").hidden) demographics.age = $("q-age").value || null;
  if (!$("q-area").closest(".field").hidden) demographics.area = area || null;
  const body = { demographics };
  if (!$("q-role").closest(".field").hidden) body.role = $("q-role").value || null;
  try {
    await api(`/conversations/${cid}/participants/me`, {
      method: "PATCH", token: state.me.token, body,
    });
    out.textContent = t("saved");
  } catch (err) {
    out.textContent = t("error", { reason: reason(err) });
  }
}

// ------------------------------------------------------------------ start
function translate(lang) {
  setLanguage(lang);
  apply();
  fillQuestions();
  if (state.conv) document.title = `${state.conv.topic} · Meedenken`;
  if (state.me && state.current) showProgress();
  if (state.me && !$("done").hidden) showStanding(STANDING_RETRIES);
}

async function loadConversation() {
  state.conv = await api(`/conversations/${cid}`);
  $("topic").removeAttribute("data-i18n");
  $("topic").textContent = state.conv.topic;
  $("description").textContent = state.conv.description || "";
  if (!state.conv.is_open) notice(t("closed"));
}

async function start() {
  const chosen = localStorage.getItem(LANG_STORE);
  translate(chosen || "nl");
  $("lang").addEventListener("change", (e) => {
    localStorage.setItem(LANG_STORE, e.target.value);
    translate(e.target.value);
  });
  try {
    await loadConversation();
  } catch (err) {
    $("topic").removeAttribute("data-i18n");
    $("topic").textContent = "Meedenken";
    notice(err.status === 404 ? t("notFound") : t("error", { reason: reason(err) }));
    return;
  }
  if (!chosen) translate(state.conv.language);
  $("lang").value = document.documentElement.lang;
  if (!state.conv.is_open) {
    $("done").hidden = false;
    $("done-title").textContent = t("closed");
    return;
  }
  try {
    await join();
    await refreshTotal();
    await nextStatement();
  } catch (err) {
    notice(t("error", { reason: reason(err) }));
    return;
  }
  for (const b of document.querySelectorAll(".choice")) {
    b.addEventListener("click", () => vote(Number(b.dataset.vote)));
  }
  document.addEventListener("keydown", onKey);
  if (state.conv.participant_statements) {
    $("add-own").hidden = false;
    $("own-form").addEventListener("submit", submitOwn);
  }
  const asked = askedQuestions();
  for (const field of document.querySelectorAll("[data-question]")) {
    field.hidden = !asked.includes(field.dataset.question);
  }
  if (asked.length) {
    $("about").hidden = false;
    $("about-form").addEventListener("submit", saveAbout);
  }
}

start();
