// The participant page's "about you" questions (the conversation's join questions, issue 19)
// and its organiser and privacy block. Split from participant.js to keep it small.
import { api } from "./api.js";
import { showError, showMessage } from "./feedback.js";
import { t } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const ROLES = ["resident", "patient", "carer", "professional", "manager", "board_member", "other"];
const AGE_BANDS = ["<18", "18-29", "30-44", "45-64", "65-74", "75+"];

// ------------------------------------------------------------------ join questions
export function fillQuestions() {
  const fill = (select, values, label) => {
    const chosen = select.value;
    select.replaceChildren(new Option(t("noAnswer"), ""));
    for (const v of values) select.append(new Option(label(v), v));
    select.value = chosen;
  };
  fill($("q-role"), ROLES, (r) => t(`roles.${r}`));
  fill($("q-age"), AGE_BANDS, (a) => a);
}

async function saveAbout(event, session) {
  event.preventDefault();
  const out = $("about-result");
  const area = $("q-area").value.trim();
  if (area && !/^[0-9]{4}$/.test(area)) {
    showMessage(out, "error", t("areaInvalid"));
    $("q-area").focus();
    return;
  }
  const demographics = {};
  if (!$("q-age").closest(".field").hidden) demographics.age = $("q-age").value || null;
  if (!$("q-area").closest(".field").hidden) demographics.area = area || null;
  const body = { demographics };
  if (!$("q-role").closest(".field").hidden) body.role = $("q-role").value || null;
  try {
    const token = await session.token();
    await api(`/conversations/${session.cid}/participants/me`, { method: "PATCH", token, body });
    showMessage(out, "ok", t("saved"));
  } catch (err) {
    showError(out, err, { retry: () => $("about-form").requestSubmit() });
  }
}

export function showQuestions(conv) {
  if (conv.participant_statements) $("add-own").hidden = false;
  const asked = conv.join_questions || ["role", "age", "area"];
  for (const field of document.querySelectorAll("[data-question]")) {
    field.hidden = !asked.includes(field.dataset.question);
  }
  $("about").hidden = !asked.length;
}

// ------------------------------------------------------------------ privacy block
export function fillPrivacy(conv) {
  const fields = { "p-organiser": ["organiser", "privacyDefault.organiser"],
                   "p-contact": ["contact", "privacyDefault.contact"],
                   "p-purpose": ["privacy_purpose", "privacyDefault.purpose"],
                   "p-retention": ["privacy_retention", "privacyDefault.retention"] };
  for (const [id, [field, fallback]] of Object.entries(fields)) {
    const own = (conv[field] || "").trim();
    $(id).textContent = own || t(fallback);
    if (own) $(id).lang = conv.language;
    else $(id).removeAttribute("lang");
  }
}

/** Wire the questions' form: `session` gives the conversation id and the participant's token
 * (joining first when needed). */
export function bindAbout(session) {
  $("about-form").addEventListener("submit", (event) => saveAbout(event, session));
}
