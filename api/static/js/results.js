// The participants' results page (issue 19, item 4): the common ground and what each opinion
// group thinks, in plain words, from the public analysis (no participant-level data; groups
// under the privacy minimum are left out). Live while the conversation is open; it stays
// after closing.
import { api } from "./api.js";
import { showError, showMessage } from "./feedback.js";
import { apply, groupLetter, setLanguage, t } from "./i18n.js";
import { groupColour } from "./map.js";
import {
  CLOSEST_SHOWN, COMMON_GROUND_SHOWN, el, oneGroupNote, supportSentence, whyNotSentence,
} from "./panels.js";
import { follow } from "./sse.js";

const $ = (id) => document.getElementById(id);
const cid = Number(window.location.pathname.split("/")[2]);
const LANG_STORE = "meedenken:lang";
const MAX_PER_GROUP = 3;
const pct = (x) => Math.round(100 * Number(x || 0));

const boot = JSON.parse($("boot").textContent);
const conv = boot.conversation;
const k = boot.min_group_size;
let analysis = null;
let texts = new Map();

const textOf = (item) => item.text ?? texts.get(item.statement_id) ?? `#${item.statement_id}`;
const content = (tag, props, text) => Object.assign(el(tag, props, text), { lang: conv.language });

function render() {
  $("intro").textContent = t(conv.is_open ? "resultsIntro" : "resultsIntroClosed");
  $("back").hidden = !conv.is_open;
  $("small-groups").textContent = t("smallGroups", { k });
  if (!analysis) return;
  if (!analysis.version) {
    $("totals").textContent = t("noResultsYet");
  } else {
    $("totals").textContent = t("resultsTotals", { participants: analysis.participants,
                                                   votes: analysis.votes });
  }
  // Only statements that meet the common-ground rule; with none, say so and show the ones that
  // come closest with why they are not common ground (as the dashboard and the report do).
  const listed = analysis.bridging || [];
  const common = listed.filter((b) => b.is_bridging === true);
  const item = (b, withStatus) => el("li", {},
    content("p", { className: "text" }, textOf(b)),
    el("p", { className: "hint", text: supportSentence(b.group_support || b.group_agree)
      + (withStatus ? ` (${whyNotSentence(b.status, b.why_not, b.why_not_roles)})` : "") }));
  // With no clear opinion groups, say what "every group" means here (as the dashboard does).
  $("common").replaceChildren(...oneGroupNote(analysis, "li"), ...(common.length
    ? common.slice(0, COMMON_GROUND_SHOWN).map((b) => item(b, false))
    : [el("li", { className: "empty-common",
                  text: t(listed.length ? "commonGroundClosest" : "commonGroundNone") }),
       ...listed.slice(0, CLOSEST_SHOWN).map((b) => item(b, true))]));
  const groups = (analysis.groups || []).filter((g) => g.size >= k);
  $("result-groups").replaceChildren(...groups.map((g) => {
    const card = el("article", { className: "card group-card" });
    card.style.borderTopColor = groupColour(g.id);
    // Only rows that passed the test (issue 15): a fallback row does not set a group apart.
    const rows = (g.representative || []).filter((r) => r.passes_test !== false);
    const items = rows.slice(0, MAX_PER_GROUP).map((r) => {
      const agree = r.repful_for === "agree";
      // The share of the group's votes on it (as the dashboard and the report say), not
      // Pol.is's smoothed (n + 1) / (N + 2), which reads 86% for 5 of 5.
      const share = r.n_trials ? r.n_success / r.n_trials : r.p_success;
      return el("li", {},
        el("span", { className: `pct lead ${agree ? "agree" : "disagree"}`,
                     text: t(agree ? "groupAgrees" : "groupDisagrees", { pct: pct(share) }) }),
        " ", content("span", {}, textOf(r)));
    });
    card.append(el("h3", { text: t("groupThinks", { group: groupLetter(g.id), size: g.size }) }),
      items.length ? el("ul", { className: "plain-list" }, ...items) : el("p", { text: t("noneYet") }));
    return card;
  }));
  // No group at all (too few people yet) is not "everyone is one group".
  if (!groups.length) {
    $("result-groups").replaceChildren(el("p", { text: t("noGroups") }));
  } else if (analysis.group_stability && analysis.group_stability.clear_groups === false) {
    $("result-groups").replaceChildren(
      el("p", { className: "no-clear-groups", text: t("stabilityNone") }));
  }
}

async function loadTexts() {
  const list = await api(`/conversations/${cid}/statements`);
  texts = new Map(list.data.map((s) => [s.id, s.text]));
}

function translate(lang) {
  setLanguage(lang);
  apply();
  $("lang").value = lang;
  render();
}

async function start() {
  translate(localStorage.getItem(LANG_STORE) || conv.language);
  $("lang").addEventListener("change", (e) => {
    localStorage.setItem(LANG_STORE, e.target.value);
    translate(e.target.value);
  });
  if (!conv.results_visible) {
    showMessage($("notice"), "error", t("resultsHiddenPage"));
    return;
  }
  try {
    await loadTexts();
    analysis = await api(`/conversations/${cid}/analysis`);
  } catch (err) {
    showError($("notice"), err, { retry: () => window.location.reload() });
    return;
  }
  render();
  follow(`/conversations/${cid}/stream?include=all`, null, {
    onEvent: async (e) => {
      if (e.event === "state") { Object.assign(conv, JSON.parse(e.data)); render(); return; }
      if (e.event !== "analysis") return;
      const next = JSON.parse(e.data);
      const known = (next.groups || []).every((g) => (g.representative || [])
        .every((r) => r.text || texts.has(r.statement_id)));
      if (!known) await loadTexts().catch(() => {});
      analysis = next;
      render();
    },
    onFatal: () => showMessage($("notice"), "error", t("resultsHiddenPage")),
  });
}

start();
