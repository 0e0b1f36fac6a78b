// Renderers of the dashboard's panels. Every text from the API goes in through textContent,
// never as markup, so a statement cannot inject anything into the page.
import { groupLetter, language, t } from "./i18n.js";
import { groupColour } from "./map.js";

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "text") node.textContent = value;
    else if (key === "style") node.style.cssText = value; // CSSOM: allowed by the CSP
    else if (key in node) node[key] = value;
    else node.setAttribute(key, value);
  }
  node.append(...children.filter((c) => c != null));
  return node;
}

/** The conversation's language: statements carry it as `lang` when the page is in another
 * (issue 19), so a screen reader reads a Dutch statement as Dutch on the English page. */
let contentLanguage = null;
export function setContentLanguage(lang) { contentLanguage = lang; }
const said = (text) => el("span", contentLanguage ? { lang: contentLanguage, text } : { text });

const pct = (x) => Math.round(100 * Number(x || 0));
// A share with its denominator ("55% van wie erover stemden eens") may wrap on a phone.
const WRAP = "white-space: normal";
/** Statements under a common-ground heading, and those shown as coming closest when there are
 * none: COMMON_GROUND_SHOWN and CLOSEST_SHOWN of api/present/analysis.py (report, CLI). */
export const COMMON_GROUND_SHOWN = 10;
export const CLOSEST_SHOWN = 3;
const fmt = (x, digits = 2) => Number(x || 0).toFixed(digits);

function swatch(group) {
  const dot = el("span", { className: "swatch", "aria-hidden": "true" });
  dot.style.background = groupColour(group);
  return dot;
}

export function renderLegend(root, analysis) {
  root.replaceChildren(...(analysis.groups || []).map((g) => el("li", {},
    swatch(g.id), `${t("group", { group: groupLetter(g.id) })} (${g.size})`)));
}

export function renderGroups(root, analysis, textOf) {
  const groups = analysis.groups || [];
  if (!groups.length) { root.replaceChildren(el("p", { text: t("noGroups") })); return; }
  root.replaceChildren(...groups.map((g) => {
    const card = el("article", { className: "card group-card" });
    card.style.borderTopColor = groupColour(g.id);
    // Shares say their denominator (issue 15): of the group's votes on the statement; a
    // Pol.is fallback row that did not pass the test is marked (passes_test false).
    const items = (g.representative || []).slice(0, 5).map((r) => {
      const agree = r.repful_for === "agree";
      const share = r.n_trials ? r.n_success / r.n_trials : r.p_success;
      return el("li", {},
        el("span", { className: `pct ${agree ? "agree" : "disagree"}`, style: WRAP,
                     text: t(agree ? "groupAgreePct" : "groupDisagreePct", { pct: pct(share) }) }),
        " ", said(r.text ?? textOf(r.statement_id)),
        r.passes_test === false ? el("span", { className: "hint", text: ` (${t("notPassing")})` }) : null);
    });
    const size = g.share_of_participants == null ? t("groupSize", { size: g.size })
      : t("groupShare", { size: g.size, pct: pct(g.share_of_participants) });
    card.append(
      el("h3", {}, swatch(g.id), t("group", { group: groupLetter(g.id) })),
      el("p", { className: "hint", text: size }),
      items.length ? el("ol", {}, ...items) : el("p", { text: t("noneYet") }));
    return card;
  }));
}

/** "82% van groep A, 74% van groep B en 69% van groep C is het eens": each group's share of
 * agrees among those who took a side (what the common-ground rule reads), never a bare score. */
export function supportSentence(support) {
  const parts = Object.entries(support || {}).map(([group, rate]) =>
    t("supportPart", { pct: pct(rate), group: groupLetter(Number(group)) }));
  if (!parts.length) return t("noVotesYet");
  const list = parts.length === 1 ? parts[0]
    : `${parts.slice(0, -1).join(", ")} ${t("and")} ${parts[parts.length - 1]}`;
  return t("supportSentence", { list });
}

/** The order of the reasons, as WHY_NOT_ORDER of api/present/analysis.py: a veto first. */
const WHY_NOT_ORDER = ["rejects", "unclear", "few_votes"];

/** Why a statement shown as coming closest is not common ground yet, naming each group and role
 * that holds it back ("groep C is het oneens; nog niet genoeg stemmen in groepen A en B"), as
 * why_not_sentence of api/present/analysis.py says it in the report and the command line; the
 * status alone when there is nobody to name (a hidden small group). */
export function whyNotSentence(status, whyNot, whyNotRoles) {
  const listed = (names) => names.length === 1 ? names[0]
    : `${names.slice(0, -1).join(", ")} ${t("and")} ${names[names.length - 1]}`;
  const parts = status === "rejected_within_a_group" ? [t("status.rejected_within_a_group")] : [];
  for (const reason of WHY_NOT_ORDER) {
    const groups = Object.entries(whyNot || {}).filter(([, r]) => r === reason)
      .map(([group]) => groupLetter(group));
    if (groups.length === 1) parts.push(t(`whyNot.group.${reason}`, { group: groups[0] }));
    else if (groups.length) parts.push(t(`whyNot.groups.${reason}`, { groups: listed(groups) }));
    const roles = Object.values(whyNotRoles || {}).flatMap((cats) => Object.entries(cats))
      .filter(([, r]) => r === reason).map(([role]) => roleName(role));
    if (roles.length) parts.push(t(`whyNot.role.${reason}`, { role: listed(roles) }));
  }
  if (!parts.length && status) parts.push(t(`status.${status}`));
  return parts.join("; ");
}

function bridgeItem(b, textOf, withStatus) {
  const support = b.group_support && Object.keys(b.group_support).length
    ? b.group_support : (b.group_agree || {});
  const bars = el("div", { className: "bars" });
  for (const [group, rate] of Object.entries(support)) {
    const fill = el("div", { className: "bar-fill" });
    fill.style.width = `${pct(rate)}%`;
    fill.style.background = groupColour(Number(group));
    bars.append(
      el("span", { text: groupLetter(Number(group)) }),
      el("div", { className: "bar-track", role: "img",
                  "aria-label": `${t("group", { group: groupLetter(Number(group)) })}: ${t("agreePct", { pct: pct(rate) })}` }, fill),
      el("span", { className: "num", text: `${pct(rate)}%` }));
  }
  return el("div", { className: "bridge" },
    el("p", { className: "text" }, said(b.text ?? textOf(b.statement_id))),
    el("p", { className: "interval", text: supportSentence(support)
      + (withStatus ? ` (${whyNotSentence(b.status, b.why_not, b.why_not_roles)})` : "") }),
    bars);
}

/** Common ground across the opinion groups (issue 16): only statements that meet the rule
 * (`is_bridging`: every group supports it, none rejects it), in plain words; with none, an
 * honest empty state and the statements that come closest (not yet decided ones first). */
export function renderBridging(card, root, analysis, textOf) {
  const list = analysis.bridging;
  card.hidden = !Array.isArray(list);
  if (!Array.isArray(list)) return;
  if (!list.length) { root.replaceChildren(el("p", { text: t("noneYet") })); return; }
  const note = oneGroupNote(analysis);
  const common = list.filter((b) => b.is_bridging === true);
  if (common.length) {
    root.replaceChildren(...note,
      ...common.slice(0, COMMON_GROUND_SHOWN).map((b) => bridgeItem(b, textOf, false)));
    return;
  }
  // The first CLOSEST_SHOWN of the served order: nearest to meeting the rule first (the report
  // and the command line show the same three, api/present/analysis.py common_ground_shown).
  root.replaceChildren(...note, el("p", { className: "empty-common", text: t("commonEmpty") }),
    ...list.slice(0, CLOSEST_SHOWN).map((b) => bridgeItem(b, textOf, true)));
}

/** With no clear opinion groups, "every group" is everyone in conversation: said beside the
 * common ground (the report and the command line say the same, api/report/i18n.py
 * common_one_group) in a `tag` element; [] otherwise, to spread into a list of children. */
export function oneGroupNote(analysis, tag = "p") {
  const stability = analysis.group_stability;
  return stability && stability.clear_groups === false
    ? [el(tag, { className: "one-group-note", text: t("commonOneGroup") })] : [];
}

/** "Agree (of those who agreed or disagreed): resident 82%, professional 74% and board 69%": a
 * role statement's support in words, never a score. */
function roleSentence(support) {
  const parts = Object.values(support || {}).flatMap((cats) => Object.entries(cats).map(
    ([role, rate]) => t("rolePart", { pct: pct(rate), role: roleName(role) })));
  if (!parts.length) return t("noRoleVotesYet");
  const list = parts.length === 1 ? parts[0]
    : `${parts.slice(0, -1).join(", ")} ${t("and")} ${parts[parts.length - 1]}`;
  return t("roleSentence", { list });
}

/** Common ground across declared roles (issue 16 item 3), a list of its own beside the one
 * across opinion groups: only statements every shown role supports; the card stays hidden
 * when no roles are declared (an empty list), and says so honestly when none qualifies. */
export function renderRoleCommonGround(card, root, analysis, textOf) {
  const list = analysis.common_ground_roles;
  card.hidden = !Array.isArray(list) || !list.length;
  if (card.hidden) return;
  const item = (r, withStatus) => el("div", { className: "bridge" },
    el("p", { className: "text" }, said(r.text ?? textOf(r.statement_id))),
    el("p", { className: "interval", text: roleSentence(r.role_support)
      + (withStatus ? ` (${whyNotSentence(r.status, {}, r.why_not_roles)})` : "") }));
  const common = list.filter((r) => r.is_common_ground === true);
  if (common.length) {
    root.replaceChildren(...common.slice(0, COMMON_GROUND_SHOWN).map((r) => item(r, false)));
    return;
  }
  root.replaceChildren(el("p", { className: "empty-common", text: t("commonEmpty") }),
    ...list.slice(0, CLOSEST_SHOWN).map((r) => item(r, true)));
}

export function renderConsensus(root, analysis, textOf) {
  const agree = (analysis.consensus && analysis.consensus.agree) || [];
  const disagree = (analysis.consensus && analysis.consensus.disagree) || [];
  // The share of all votes on the statement, and "not certain" when its interval reaches 50%.
  const item = (c, agree) => el("li", {}, el("span", { className: `pct ${agree ? "agree" : "disagree"}`, style: WRAP,
      text: t(agree ? "votersAgreePct" : "votersDisagreePct",
              { pct: pct(c.share_of_voters ?? c.p_success) }) }), " ", said(c.text ?? textOf(c.statement_id)),
    c.wording === "majority_not_certain" ? el("span", { className: "hint", text: ` (${t("notCertain")})` }) : null);
  const items = [...agree.map((c) => item(c, true)), ...disagree.map((c) => item(c, false))];
  root.replaceChildren(...(items.length ? items : [el("li", { text: t("noneYet") })]));
}

/** A table that stacks on a phone (class "stack": each cell labelled by its column). */
function table(headers, rows) {
  return el("table", { className: "stack" },
    el("thead", {}, el("tr", {}, ...headers.map((h, i) =>
      el("th", { scope: "col", className: i ? "num" : "", text: h })))),
    el("tbody", {}, ...rows.map((r) => el("tr", {}, ...r.map((cell, i) =>
      el(i ? "td" : "th", i ? { className: "num", text: String(cell), "data-label": headers[i] }
                            : { scope: "row", text: String(cell) }))))));
}

/** A role as the page's language says it (the pooled small roles included, issue 19). */
export function roleName(role) {
  if (role === "unknown") return t("role_unknown");
  if (role.startsWith("other roles")) return t("otherRoles");
  const name = t(`roles.${role}`);
  return name === `roles.${role}` ? role.replaceAll("_", " ") : name;
}

/** A participation-funnel key (joined, voted, ...) in words. */
function funnelName(key) {
  const name = t(`funnel.${key}`);
  return name === `funnel.${key}` ? key.replaceAll("_", " ") : name;
}

export function renderParticipation(root, analysis) {
  const p = analysis.participation || {};
  const roles = Object.entries(p.participants_by_role || {}).sort((a, b) => b[1] - a[1]);
  root.replaceChildren(
    el("p", { text: `${p.n_participants ?? 0} ${t("participants")}, ${p.n_votes ?? 0} ${t("votes")}, `
                    + `${fmt(p.votes_per_participant_median, 1)} ${t("medianVotes")}` }),
    el("h3", { text: t("byRole") }),
    table([t("roleCol"), t("participants")], roles.map(([role, n]) => [roleName(role), n])));
}

/** GET /diversity (issue 5): per attribute its shares, and against a reference the ratios. */
export function renderDiversity(card, root, diversity) {
  card.hidden = !diversity;
  if (!diversity) return;
  const parts = [];
  // The participation funnel and other whole-number counts, as the server names them.
  const counts = Object.entries(diversity.participation || {})
    .filter(([, v]) => typeof v === "number");
  if (counts.length) parts.push(table([t("participation"), t("count")], counts.map(([k, v]) => [funnelName(k),
    Number.isInteger(v) ? v : fmt(v)])));
  for (const [name, a] of Object.entries(diversity.attributes || {})) {
    const shares = a.shares || {};
    const ratios = a.representation_ratio || {};
    // A share of null is a cell hidden for privacy (fewer than k participants).
    const rows = Object.entries(shares).map(([cat, share]) =>
      [name === "role" ? roleName(cat) : cat, share == null ? "–" : `${pct(share)}%`,
       ratios[cat] == null ? "–" : fmt(ratios[cat])]);
    const title = t(`attributeNames.${name}`);
    parts.push(el("h3", { text: title === `attributeNames.${name}` ? name : title }),
      table([t("category"), t("share"), t("ratio")], rows),
      el("p", { className: "hint",
                text: `${t("effective")}: ${fmt(a.effective_categories, 1)}` }));
  }
  root.replaceChildren(...parts);
}

/** One line under the group cards: each group's bootstrap Jaccard, written as the page's
 * language writes numbers (0,93 in Dutch, as the 0,75 of the sentence), or "no clear groups"
 * (issue 15), with a caution when the grouping's runs found different numbers of groups; "no
 * groups yet" when nobody is grouped (`nGroups` 0); empty in Pol.is mode and before the first
 * analysis. */
export function renderStability(root, stability, nGroups = 1) {
  if (!stability) { root.textContent = ""; return; }
  // Nobody grouped (fewer people than the group minimum): not "everyone is one group".
  if (!nGroups) { root.textContent = t("noGroups"); return; }
  // Runs of the grouping with their own seeds that found different k's: say so (issue 15).
  const runs = stability.restarts || [];
  const uncertain = stability.k_uncertain ? " " + t("stabilityRunsUncertain", { ks: runs.join(", ") }) : "";
  if (!stability.clear_groups) { root.textContent = t("stabilityNone") + uncertain; return; }
  const locale = language() === "nl" ? "nl-NL" : "en-GB";
  const number = (x) => Number(x).toLocaleString(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const entries = Object.entries(stability.per_group || {}).filter(([, j]) => j != null);
  const name = (g) => t("group", { group: groupLetter(Number(g)) });
  const list = entries.map(([g, j]) => `${name(g)} ${number(j)}`).join(", ");
  root.textContent = t("stabilityClear", { list }) + uncertain;
}
