// The set-up page: create a conversation, its seed statements and (where the server has the
// route) its reference population; then show the participant link, QR code and dashboard link.
import { api, ApiError } from "./api.js";
import { apply, setLanguage, t } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const LANG_STORE = "meedenken:lang";

function notice(text) {
  $("notice").textContent = text || "";
  $("notice").hidden = !text;
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

/** The participant link, QR code, token and dashboard link of a new conversation. */
function showResult(conv) {
  const form = $("setup-form");
  const asked = [...form.querySelectorAll("input[name=ask]:checked")].map((i) => i.value);
  const query = `?ask=${asked.join(",")}`;
  const link = new URL(`/c/${conv.id}${query}`, window.location.origin).href;
  $("link").href = link;
  $("link").textContent = link;
  $("qr").src = `/c/${conv.id}/qr.svg${query}`;
  $("qr").alt = t("qrAlt");
  $("token").textContent = conv.facilitator_token;
  $("dashboard").href = `/admin/${conv.id}#token=${encodeURIComponent(conv.facilitator_token)}`;
  form.hidden = true;
  $("import-form").hidden = true;
  $("result").hidden = false;
  $("result").focus();
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
    showResult(data);
  } catch (err) {
    notice(t("error", { reason: err.message }));
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
  const seeds = $("seeds").value.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const conv = await api("/conversations", { method: "POST", body: {
      topic: $("topic").value.trim(),
      description: $("description").value.trim(),
      language: $("conv-language").value,
      participant_statements: $("participant-statements").checked,
      strict_moderation: $("strict-moderation").checked,
      results_visible: $("results-visible").checked,
      max_groups: Number($("max-groups").value),
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
          : t("error", { reason: err.message }));
      }
    }
    showResult(conv);
  } catch (err) {
    notice(t("error", { reason: err.message }));
  } finally {
    button.disabled = false;
  }
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
