// The participant page: the first statement comes with the page (its #boot data); joining
// happens while the resident reads; then one statement at a time. The conversation's state
// (open, closed) is followed live on the stream (issue 19).
import { bindAbout, fillPrivacy, fillQuestions, showQuestions } from "./about.js";
import { api, conversationIdFromPath, participantStore } from "./api.js";
import { clearMessage, isClosed, isOffline, showError, showMessage } from "./feedback.js";
import { apply, groupLetter, setLanguage, t } from "./i18n.js";
// map.js and sse.js load after the first statement is votable (issue 19: fewer files on the
// slow first load).
const later = { map: () => import("./map.js"), sse: () => import("./sse.js"),
  rounds: () => import("./rounds.js") };

const $ = (id) => document.getElementById(id);
const cid = conversationIdFromPath();
const STORE = participantStore(cid);
const LANG_STORE = "meedenken:lang";
/** While the participant's own votes are not analysed yet, look again this often and this long. */
const STANDING_RETRY_MS = 1500;
const STANDING_RETRIES = 6;
/** On the end screen, look for newly accepted statements this often. */
const NEW_STATEMENT_POLL_MS = 15000;
/** The "joined" cookie lasts as long as a browser keeps the participant's token: a year. */
const JOINED_COOKIE_SECONDS = 365 * 24 * 3600;
/** Vote keys: digits in every language, and each language's own first letters. */
const VOTE_KEYS = { 1: 1, 2: -1, 3: 0, e: 1, o: -1, s: 0, a: 1, d: -1, p: 0 };
const KEY_HINTS = { nl: ["E 1", "O 2", "S 3"], en: ["A 1", "D 2", "P 3"] };

const state = {
  conv: null, me: null, current: null, total: 0, busy: false, pollTimer: null, joining: null,
  pending: null, started: false,
};

function readBoot() {
  const node = $("boot");
  try { return node ? JSON.parse(node.textContent) : null; } catch { return null; }
}
function load() {
  try { return JSON.parse(localStorage.getItem(STORE)) || {}; } catch { return {}; }
}
function save() {
  localStorage.setItem(STORE, JSON.stringify(state.me));
}

// ------------------------------------------------------------------ joining
async function join() {
  const saved = load();
  if (saved.token) {
    state.me = { voted: 0, ...saved };
    markJoined();
    return;
  }
  const { joinRound } = await later.rounds(); // issue 21: a returning resident may link rounds
  const created = await joinRound(cid);
  state.me = { token: created.token, id: created.id, voted: 0 };
  save();
  markJoined();
}

/** Tell the server (a cookie on this page's path, no token in it) not to send a first
 * statement next time: a returning resident may have voted on it. */
function markJoined() {
  document.cookie = `meedenken_joined=1; path=/c/${cid}; max-age=${JOINED_COOKIE_SECONDS}; samesite=lax`;
}

/** Join once; a failed attempt may be tried again. */
function joined() {
  if (!state.joining) {
    state.joining = join().catch((err) => { state.joining = null; throw err; });
  }
  return state.joining;
}

// ------------------------------------------------------------------ voting
function showProgress() {
  const total = Math.max(state.total, state.me ? state.me.voted + (state.current ? 1 : 0) : 0);
  const done = state.me ? state.me.voted : 0;
  $("progress").textContent = t("progress", { done, total });
  $("progress-bar").max = Math.max(total, 1);
  $("progress-bar").value = done;
}

async function refreshTotal() {
  const list = await api(`/conversations/${cid}/statements`, { token: state.me.token });
  state.total = list.count;
}

function showStatement(next) {
  state.current = next;
  stopPolling();
  $("done").hidden = true;
  $("vote-card").hidden = false;
  $("statement").textContent = next.text;
  $("statement").dataset.statementId = String(next.id);
  showProgress();
}

async function nextStatement() {
  let next;
  try {
    next = await api(`/conversations/${cid}/next`, { token: state.me.token });
  } catch (err) {
    if (err.status === 403 || err.status === 401) { // token of a deleted or other database
      localStorage.removeItem(STORE);
      state.joining = null;
      await joined();
      next = await api(`/conversations/${cid}/next`, { token: state.me.token });
    } else {
      throw err;
    }
  }
  if (next) {
    showStatement(next);
  } else {
    state.current = null;
    $("vote-card").hidden = true;
    $("done").hidden = false;
    showStanding();
    later.rounds().then(({ showEarlierRounds }) => showEarlierRounds(cid, state.me.token));
    startPolling();
  }
}

async function vote(value) {
  if (state.busy || !state.current || !state.conv.is_open) return;
  state.busy = true;
  state.pending = value;
  setButtons(false);
  clearMessage($("vote-status"));
  try {
    await joined();
    await api(`/conversations/${cid}/votes`, {
      method: "POST", token: state.me.token,
      body: { statement_id: state.current.id, vote: value },
    });
    state.pending = null;
    state.me.voted += 1;
    save();
    showOnline();
    showMessage($("vote-status"), "ok", t("voteSaved"));
    if (state.me.voted % 5 === 0 || !state.total) await refreshTotal();
    await nextStatement();
  } catch (err) {
    if (isClosed(err)) { state.conv.is_open = false; showClosed(); return; }
    if (isOffline(err)) showOffline();
    showError($("vote-status"), err, { prefix: "voteNotSaved", retry: () => vote(value) });
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
  const value = VOTE_KEYS[event.key.toLowerCase()];
  if (value === undefined || $("vote-card").hidden) return;
  event.preventDefault();
  vote(value);
}

// ------------------------------------------------------------------ offline, closed, live state
function showOffline() { $("offline").hidden = false; }
function showOnline() { $("offline").hidden = true; }

function retryAfterOffline() {
  showOnline();
  if (state.pending !== null && state.current) vote(state.pending);
  else if (!state.started) startVoting();
}

function showResultsLinks() {
  const visible = Boolean(state.conv.results_visible);
  for (const p of document.querySelectorAll(".results-link")) p.hidden = !visible;
  $("results-during").hidden = !visible || !state.conv.is_open;
  $("done-results").hidden = !visible || !state.conv.is_open; // the closed card has its own
}

function showClosed() {
  stopPolling();
  state.current = null;
  $("vote-card").hidden = true;
  $("add-own").hidden = true;
  $("about").hidden = true;
  clearMessage($("notice"));
  $("closed").hidden = false;
  showResultsLinks();
  // The resident's own place stays visible after closing (when the results are shared).
  if (state.me && state.me.voted > 0 && state.conv.results_visible) {
    $("done").hidden = false;
    $("done-title").hidden = true;
    $("done").querySelector("[data-i18n=doneMore]").hidden = true;
    showStanding();
  } else {
    $("done").hidden = true;
  }
}

async function reopen() {
  $("closed").hidden = true;
  $("done-title").hidden = false;
  $("done").querySelector("[data-i18n=doneMore]").hidden = false;
  showResultsLinks();
  if (state.started) {
    showQuestions(state.conv);
    try { await nextStatement(); } catch (err) { loadFailed(err); }
  } else {
    startVoting();
  }
}

function onState(event) {
  if (event.event !== "state") return;
  const next = JSON.parse(event.data);
  const wasOpen = state.conv.is_open;
  state.conv.is_open = next.is_open;
  state.conv.results_visible = next.results_visible;
  if (wasOpen && !next.is_open) showClosed();
  else if (!wasOpen && next.is_open) reopen();
  else showResultsLinks();
}

async function followState() {
  const { follow } = await later.sse();
  follow(`/conversations/${cid}/stream?include=state`, null, {
    onEvent: onState,
    onFatal: () => showMessage($("notice"), "error", t("notFound")),
  });
  window.addEventListener("offline", showOffline);
  window.addEventListener("online", retryAfterOffline);
}

// ------------------------------------------------------------------ end screen
async function showStanding(attempt = 0) {
  const standing = $("standing");
  if (!state.me) return;
  let analysis;
  try {
    analysis = await api(`/conversations/${cid}/analysis`, { token: state.me.token });
  } catch (err) {
    standing.textContent = err.status === 403 || err.status === 401 ? t("resultsHidden")
      : t("notYetPlaced");
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
  const { drawMap } = await later.map();
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
function countCharacters() {
  const box = $("own-text");
  $("own-count").textContent = t("charCount", { n: box.value.length, max: box.maxLength });
}

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
    await joined();
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
    showStatement({ id: existing.id, text: existing.text });
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
    await joined();
    const result = await api(`/conversations/${cid}/statements`, {
      method: "POST", token: state.me.token, body: { text },
    });
    const thanks = showMessage(out, "ok", result.statement.moderation === "pending"
      && state.conv.strict_moderation ? t("submittedPending") : t("submitted"));
    const dupes = (result.similar || []).filter((s) => s.is_duplicate === true);
    if (dupes.length) {
      const intro = document.createElement("p");
      intro.textContent = t("similarExists");
      const list = document.createElement("ul");
      list.className = "similar";
      for (const s of dupes) {
        const li = document.createElement("li");
        li.textContent = s.text;
        li.lang = state.conv.language;
        list.append(li);
      }
      thanks.after(intro, list);
    }
    box.value = "";
    countCharacters();
  } catch (err) {
    if (isClosed(err)) { state.conv.is_open = false; showClosed(); return; }
    showError(out, err, { prefix: "statementNotSent", retry: () => $("own-form").requestSubmit() });
  }
}

// ------------------------------------------------------------------ start
function translate(lang) {
  setLanguage(lang);
  apply();
  fillQuestions();
  const hints = KEY_HINTS[lang] || KEY_HINTS.nl;
  ["agree", "disagree", "pass"].forEach((id, i) => $(id).setAttribute("aria-keyshortcuts", hints[i]));
  if (state.conv) {
    document.title = `${state.conv.topic} · Meedenken`;
    fillPrivacy(state.conv);
  }
  countCharacters();
  if (state.me && state.current) showProgress();
  if (state.me && !$("done").hidden) showStanding(STANDING_RETRIES);
}

function loadFailed(err) {
  if (isOffline(err)) showOffline();
  showError($("notice"), err, { retry: startVoting });
}

/** Join (in the background when the page came with a first statement) and show a statement. */
async function startVoting() {
  clearMessage($("notice"));
  const boot = state.boot;
  const returning = Boolean(load().token);
  try {
    if (boot && boot.preview && !returning && !state.started) {
      state.total = boot.total;
      showStatement(boot.preview);
      joined().catch(loadFailed); // while the resident reads the statement
    } else if (state.current) {
      await joined(); // a retry after a failed join: the statement on screen stays
    } else {
      await joined();
      await refreshTotal();
      await nextStatement();
    }
  } catch (err) {
    if (isClosed(err)) { state.conv.is_open = false; showClosed(); return; }
    loadFailed(err);
    return;
  }
  state.started = true;
  showQuestions(state.conv);
  performance.mark("meedenken:voting-ready"); // measured by the slow-network browser test
}

async function start() {
  state.boot = readBoot();
  const chosen = localStorage.getItem(LANG_STORE);
  if (state.boot) state.conv = state.boot.conversation;
  translate(chosen || (state.conv && state.conv.language) || "nl");
  $("lang").value = document.documentElement.lang;
  $("lang").addEventListener("change", (e) => {
    localStorage.setItem(LANG_STORE, e.target.value);
    translate(e.target.value);
  });
  if (!state.conv) {
    try {
      state.conv = await api(`/conversations/${cid}`);
    } catch (err) {
      showError($("notice"), err, { retry: () => window.location.reload() });
      return;
    }
  }
  fillPrivacy(state.conv);
  showResultsLinks();
  for (const b of document.querySelectorAll(".choice")) {
    b.addEventListener("click", () => vote(Number(b.dataset.vote)));
  }
  document.addEventListener("keydown", onKey);
  $("own-form").addEventListener("submit", submitOwn);
  $("own-text").addEventListener("input", countCharacters);
  bindAbout({ cid, token: async () => { await joined(); return state.me.token; } });
  $("offline-retry").addEventListener("click", retryAfterOffline);
  const live = () => followState().catch(() => { /* offline now: the answers say it */ });
  if (!state.conv.is_open) {
    if (load().token) state.me = { voted: 0, ...load() };
    showClosed();
    live();
    return;
  }
  await startVoting();
  live(); // after the first statement is votable: the stream waits its turn on a slow line
}

start();
