// The set-up page: create a conversation, its seed statements and (where the server has the
// route) its reference population; then show the participant link, QR code and dashboard link.
import { api, ApiError } from "./api.js";
import { clearMessage, errorText, showError, showMessage } from "./feedback.js";
import { apply, setLanguage, t } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const LANG_STORE = "meedenken:lang";
/** The last conversation made in this tab: Back or a reload shows its token again. */
const RESULT_STORE = "meedenken:new:result";

function notice(text) {
  if (text) showMessage($("notice"), "error", text);
  else clearMessage($("notice"));
}

/** The form two seeds are compared in: case, accents' composition, spaces and punctuation
 * ignored (the server's models/text.py:duplicate_key does the same). */
export function duplicateKey(text) {
  return text.normalize("NFKC").toLowerCase().replace(/[\p{P}\p{S}]/gu, " ")
    .replace(/\s+/g, " ").trim();
}

/** Groups (as arrays of texts) of seeds that say the same by duplicateKey. */
export function duplicateSeeds(seeds) {
  const byKey = new Map();
  for (const seed of seeds) {
    const key = duplicateKey(seed);
    if (!byKey.has(key)) byKey.set(key, []);
    byKey.get(key).push(seed);
  }
  return [...byKey.values()].filter((group) => group.length > 1);
}

const seedLines = () => $("seeds").value.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);

/** Flag duplicate seeds as they are typed; returns whether there are any. */
function checkSeeds() {
  const groups = duplicateSeeds(seedLines());
  const out = $("seed-check");
  if (!groups.length) { out.replaceChildren(); $("seeds").removeAttribute("aria-invalid"); return false; }
  const box = showMessage(out, "error", t("duplicateSeeds"));
  const list = document.createElement("ul");
  for (const group of groups) {
    const li = document.createElement("li");
    li.textContent = group.map((g) => `“${g}”`).join(" = ");
    list.append(li);
  }
  const fix = document.createElement("button");
  fix.type = "button";
  fix.className = "secondary";
  fix.textContent = t("removeDuplicates");
  fix.addEventListener("click", () => {
    const seen = new Set();
    $("seeds").value = seedLines().filter((s) => {
      const key = duplicateKey(s);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }).join("\n");
    checkSeeds();
    $("seeds").focus();
  });
  box.append(list, fix);
  $("seeds").setAttribute("aria-invalid", "true");
  return true;
}

/** Issue 17: pairs [later seed, earlier seed] that the server's model reads as the same claim
 * in other words (POST /statements/check, before the conversation exists). Advice only: when the
 * check cannot run (no model, rate limit, network) the set-up goes on without it. */
async function similarSeeds(seeds) {
  if (seeds.length < 2) return [];
  let found;
  try {
    found = await api("/statements/check", { method: "POST",
                                             body: { texts: seeds.map((text) => ({ text })) } });
  } catch (err) {
    if (err instanceof ApiError) return [];
    throw err;
  }
  if (!found.checked) return [];
  const pairs = [];
  found.duplicates.forEach((matches, i) => {
    for (const m of matches) if (m.text_index !== null) pairs.push([seeds[i], seeds[m.text_index]]);
  });
  return pairs;
}

/** Show near-duplicate seeds before saving; the facilitator edits them or keeps both. */
function showSimilar(pairs) {
  const box = showMessage($("seed-check"), "error", t("similarSeeds"));
  box.classList.add("similar-seeds");
  const list = document.createElement("ul");
  for (const [later, earlier] of pairs) {
    const li = document.createElement("li");
    li.textContent = `“${later}” ≈ “${earlier}”`;
    list.append(li);
  }
  const keep = document.createElement("button");
  keep.type = "button";
  keep.className = "secondary";
  keep.id = "keep-seeds";
  keep.textContent = t("keepSeeds");
  keep.addEventListener("click", () => $("setup-form").requestSubmit());
  box.append(list, keep);
}

/** JSON {"attributes": {...}} or CSV lines attribute,category,share (# comments allowed). */
export function parseReference(text) {
  const trimmed = text.trim();
  if (!trimmed) return null;
  if (trimmed.startsWith("{")) return JSON.parse(trimmed);
  const attributes = {};
  for (const raw of trimmed.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || /^attribute\s*,/i.test(line)) continue;
    const [attribute, category, share] = line.split(",").map((s) => s.trim());
    if (!attribute || !category || share === undefined || Number.isNaN(Number(share))) {
      throw new Error(`"${line}"`);
    }
    (attributes[attribute] ||= {})[category] = Number(share);
  }
  return { attributes };
}

function step(text) {
  const li = document.createElement("li");
  li.textContent = text;
  $("steps").append(li);
}

/** Keep the made (or imported) conversation's access in this tab and show it. */
function keepResult(conv) {
  const result = { id: conv.id, topic: conv.topic, token: conv.facilitator_token,
                   recovery: conv.recovery_code || "",
                   steps: [...$("steps").children].map((li) => li.textContent) };
  sessionStorage.setItem(RESULT_STORE, JSON.stringify(result));
  showResult(result);
}

/** Issue 20: a conversation from a Pol.is export or API data with its math state (a zip). */
async function importConversation(event) {
  event.preventDefault();
  notice("");
  const form = $("import-form");
  if (!form.reportValidity()) return;
  const file = $("import-file").files[0];
  const topic = $("import-topic").value.trim();
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const path = `/conversations/import${topic ? `?topic=${encodeURIComponent(topic)}` : ""}`;
    let response;
    try {
      response = await fetch(path, { method: "POST", body: file,
        headers: { Accept: "application/json", "Content-Type": "application/zip" } });
    } catch (err) {
      throw new ApiError(0, `network error (${err.message})`);
    }
    const data = (response.headers.get("content-type") || "").includes("json")
      ? await response.json() : null;
    if (!response.ok) throw new ApiError(response.status, data ? data.detail : response.statusText);
    $("steps").replaceChildren();
    step(t("imported", { p: data.participants, s: data.statements, v: data.votes,
                         k: data.polis_groups }));
    for (const warning of data.warnings) step(t("importWarning", { w: warning }));
    keepResult(data);
  } catch (err) {
    showError($("notice"), err, { retry: () => form.requestSubmit(), withDetail: true });
  } finally {
    button.disabled = false;
  }
}

async function create(event) {
  event.preventDefault();
  notice("");
  const form = $("setup-form");
  if (!form.reportValidity()) return;
  let reference;
  try {
    reference = parseReference($("reference").value);
  } catch (err) {
    notice(t("error", { reason: `${t("referenceLabel")}: ${err.message}` }));
    $("reference").focus();
    return;
  }
  if (checkSeeds()) {
    notice(t("duplicatesBlock"));
    $("seeds").focus();
    return;
  }
  const seeds = seedLines();
  const asked = [...form.querySelectorAll("input[name=ask]:checked")].map((i) => i.value);
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    // Near-duplicates in other words: shown once per set of seeds, then saved if kept.
    const key = seeds.join("\n");
    if (state.checkedSeeds !== key) {
      const pairs = await similarSeeds(seeds);
      state.checkedSeeds = key;
      if (pairs.length) {
        showSimilar(pairs);
        $("seeds").focus();
        return;
      }
    }
    const conv = await api("/conversations", { method: "POST", body: {
      topic: $("topic").value.trim(),
      description: $("description").value.trim(),
      language: $("conv-language").value,
      participant_statements: $("participant-statements").checked,
      strict_moderation: $("strict-moderation").checked,
      results_visible: $("results-visible").checked,
      max_groups: Number($("max-groups").value),
      join_questions: asked,
      organiser: $("organiser").value.trim(),
      contact: $("contact").value.trim(),
      privacy_purpose: $("privacy-purpose").value.trim(),
      privacy_retention: $("privacy-retention").value.trim(),
    } });
    const token = conv.facilitator_token;
    $("steps").replaceChildren();
    if (seeds.length) {
      const saved = await api(`/conversations/${conv.id}/statements/bulk`,
                              { method: "POST", token, body: { statements: seeds.map((text) => ({ text })) } });
      step(t("seedsSaved", { n: saved.count }));
    }
    if (reference) {
      try {
        await api(`/conversations/${conv.id}/reference`, { method: "PUT", token, body: reference });
        step(t("referenceSaved"));
      } catch (err) {
        step(err.status === 404 || err.status === 405 ? t("referenceMissing")
          : `${t("referenceLabel")}: ${errorText(err)}`);
      }
    }
    keepResult(conv);
  } catch (err) {
    showError($("notice"), err, { retry: () => form.requestSubmit() });
  } finally {
    button.disabled = false;
  }
}

function adminLink(result) {
  return new URL(`/admin/${result.id}#token=${encodeURIComponent(result.token)}`,
                 window.location.origin).href;
}

/** The made conversation: its one participant link, QR code, and the facilitator's access
 * (token, dashboard link, recovery code) with copy, download and print. */
function showResult(result) {
  const link = new URL(`/c/${result.id}`, window.location.origin).href;
  $("link").href = link;
  $("link").textContent = link;
  $("qr").src = `/c/${result.id}/qr.svg`;
  $("qr").alt = t("qrAlt");
  $("token").textContent = result.token;
  $("admin-link").textContent = adminLink(result);
  $("recovery").textContent = result.recovery || "";
  $("dashboard").href = adminLink(result);
  if (!$("steps").children.length) {
    for (const text of result.steps || []) step(text);
  }
  $("setup-form").hidden = true;
  $("import-form").hidden = true;
  $("result").hidden = false;
  $("result").focus();
  state.result = result;
}

const state = { result: null, checkedSeeds: null };

async function copyText(id) {
  const text = $(id).textContent;
  try {
    await navigator.clipboard.writeText(text);
    showMessage($("copy-status"), "ok", t("copied"));
  } catch {
    const range = document.createRange();
    range.selectNodeContents($(id));
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
    showMessage($("copy-status"), "error", t("copyFailed"));
  }
}

function downloadAccess() {
  const r = state.result;
  const text = [t("accessFileIntro"), "", `${r.topic}`, "",
    `${t("participantLink")}: ${$("link").href}`,
    `${t("facilitatorLinkLabel")}: ${adminLink(r)}`,
    `${t("tokenLabel")}: ${r.token}`,
    `${t("recoveryLabel")}: ${r.recovery || ""}`, ""].join("\n");
  const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = `meedenken-${r.id}-toegang.txt`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function translate(lang) {
  setLanguage(lang);
  apply();
  $("lang").value = lang;
  document.title = `${t("newTitle")} · Meedenken`;
}

translate(localStorage.getItem(LANG_STORE) || "nl");
$("lang").addEventListener("change", (e) => {
  localStorage.setItem(LANG_STORE, e.target.value);
  translate(e.target.value);
});
$("setup-form").addEventListener("submit", create);
$("import-form").addEventListener("submit", importConversation);
$("seeds").addEventListener("input", checkSeeds);
for (const b of document.querySelectorAll("[data-copy]")) {
  b.addEventListener("click", () => copyText(b.dataset.copy));
}
$("download-access").addEventListener("click", downloadAccess);
$("print-access").addEventListener("click", () => window.print());
$("new-another").addEventListener("click", () => {
  sessionStorage.removeItem(RESULT_STORE);
  $("steps").replaceChildren();
  $("result").hidden = true;
  $("setup-form").reset();
  $("setup-form").hidden = false;
  $("import-form").hidden = false;
  $("topic").focus();
});
try {
  const kept = JSON.parse(sessionStorage.getItem(RESULT_STORE));
  if (kept && kept.token) showResult(kept);
} catch { /* nothing kept */ }
