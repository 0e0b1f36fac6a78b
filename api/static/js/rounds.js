// Dialogues in rounds (issue 21): self-contained pieces of the participant page and dashboard.
//
// Participant page: joinRound() offers a resident who took part in an earlier round on this
// device to link their answers (their earlier token is sent only with their consent), and
// showEarlierRounds() writes "in ronde 1 ...; de groep ..." on the end screen.
// Dashboard: loaded on its own, it adds a "Traject" card once the board is open.
import {
  api, ApiError, conversationIdFromPath, participantStore, storedFacilitatorToken,
} from "./api.js";
import { groupColour } from "./map.js";

const WORDS = {
  nl: {
    returnTitle: "U deed eerder mee",
    returnText: "Op dit apparaat deed u mee aan ronde {round} van dit traject. Mogen we uw " +
      "antwoorden van toen koppelen aan deze ronde? Zo ziet u wat er veranderde. We bewaren " +
      "niets dat u herkenbaar maakt.",
    returnYes: "Ja, koppel mijn antwoorden",
    returnNo: "Nee, begin opnieuw",
    earlierTitle: "Vergeleken met de vorige ronde",
    agree: "was u het eens met",
    disagree: "was u het oneens met",
    pass: "sloeg u over",
    youThen: "In ronde {round} {how} “{text}”",
    groupThen: "de groep toen: {agree}% eens, {disagree}% oneens",
    groupNow: "nu: {agree}% eens, {disagree}% oneens",
    hidden: "de groep: nog te weinig stemmen om te tonen",
    trajectory: "Traject",
    trajectoryHelp: "Alle rondes van dit traject. Verschuiving: alleen mensen die in beide " +
      "rondes stemden (gepaard), met 95%-interval.",
    round: "Ronde",
    participants: "deelnemers",
    returning: "terug",
    newPeople: "nieuw",
    votes: "stemmen",
    carried: "Meegenomen stellingen",
    shift: "eens: {before}% → {after}% ({change} punten, 95%: {low} tot {high}); {changed} " +
      "van {pairs} veranderden hun stem",
    shiftHidden: "{pairs} mensen stemden in beide rondes (te weinig om te tonen)",
    retention: "terug uit ronde {from}: {returned} van {before}",
    hiddenCount: "< {k}",
    mapTitle: "Wie schoof waarheen (kaart van ronde 1)",
    mapHelp: "Grijs: ronde {first}; in kleur: ronde {last} (opiniegroep van die ronde). Lijnen: " +
      "dezelfde persoon in beide rondes. Alleen de meegenomen stellingen tellen mee.",
    mapLabel: "Kaart in de assen van ronde {first}: {n} deelnemers van ronde {last}, {moved} " +
      "van hen ook in ronde {first}",
  },
  en: {
    returnTitle: "You took part before",
    returnText: "On this device you took part in round {round} of this process. May we link " +
      "your answers from then to this round? Then you can see what changed. Nothing that " +
      "identifies you is stored.",
    returnYes: "Yes, link my answers",
    returnNo: "No, start afresh",
    earlierTitle: "Compared with the previous round",
    agree: "you agreed with",
    disagree: "you disagreed with",
    pass: "you passed on",
    youThen: "In round {round} {how} “{text}”",
    groupThen: "the group then: {agree}% agreed, {disagree}% disagreed",
    groupNow: "now: {agree}% agree, {disagree}% disagree",
    hidden: "the group: too few votes yet to show",
    trajectory: "Process",
    trajectoryHelp: "Every round of this process. Shift: only people who voted in both rounds " +
      "(paired), with a 95% interval.",
    round: "Round",
    participants: "participants",
    returning: "returning",
    newPeople: "new",
    votes: "votes",
    carried: "Carried statements",
    shift: "agree: {before}% → {after}% ({change} points, 95%: {low} to {high}); {changed} of " +
      "{pairs} changed their vote",
    shiftHidden: "{pairs} people voted in both rounds (too few to show)",
    retention: "back from round {from}: {returned} of {before}",
    hiddenCount: "< {k}",
    mapTitle: "Who moved where (round 1's map)",
    mapHelp: "Grey: round {first}; in colour: round {last} (that round's opinion group). Lines: " +
      "the same person in both rounds. Only the carried statements count.",
    mapLabel: "Map on round {first}'s axes: {n} participants of round {last}, {moved} of them " +
      "also in round {first}",
  },
};

function say(key, values = {}) {
  const lang = document.documentElement.lang === "en" ? "en" : "nl";
  return WORDS[lang][key].replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

const pct = (x) => (x == null ? "?" : String(Math.round(x * 100)));
const points = (x) => (x == null ? "?" : `${x > 0 ? "+" : ""}${Math.round(x * 100)}`);
/** The small-cell minimum of the last process answer (GET /process says which). */
let cellMinimum = 5;
const count = (x) => (x == null ? say("hiddenCount", { k: cellMinimum }) : String(x));

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text != null) node.textContent = text;
  if (className) node.className = className;
  return node;
}

// ------------------------------------------------------------------ participant page
function storedToken(conversationId) {
  try {
    const saved = JSON.parse(localStorage.getItem(participantStore(conversationId)));
    return saved && saved.token ? saved.token : null;
  } catch {
    return null;
  }
}

/** Ask the resident (a card with two buttons); resolves true for "link my answers". */
function askConsent(round) {
  return new Promise((resolve) => {
    const card = el("section", null, "card");
    card.id = "returning-offer";
    card.setAttribute("aria-labelledby", "returning-title");
    const title = el("h2", say("returnTitle"));
    title.id = "returning-title";
    const yes = el("button", say("returnYes"), "primary");
    const no = el("button", say("returnNo"), "secondary");
    yes.type = "button";
    no.type = "button";
    yes.id = "returning-yes";
    no.id = "returning-no";
    // Asked first: the page's first statement (issue 19 renders it at once) waits until the
    // resident has answered, so no vote is cast before they chose.
    const voteCard = document.getElementById("vote-card");
    const wasHidden = voteCard ? voteCard.hidden : true;
    if (voteCard) voteCard.hidden = true;
    const finish = (answer) => {
      card.remove();
      if (voteCard) voteCard.hidden = wasHidden;
      resolve(answer);
    };
    yes.addEventListener("click", () => finish(true));
    no.addEventListener("click", () => finish(false));
    card.append(title, el("p", say("returnText", { round })), yes, document.createTextNode(" "), no);
    const main = document.getElementById("main");
    main.insertBefore(card, document.getElementById("vote-card"));
    yes.focus();
  });
}

/** Join this conversation; a resident with a token of an earlier round of its trajectory on
 * this device is asked first whether to link the rounds. Returns the API's answer. */
export async function joinRound(cid) {
  const url = `/conversations/${cid}/participants`;
  let earlier = null;
  try {
    const place = await api(`/conversations/${cid}/trajectory`);
    earlier = [...place.earlier].reverse().find((r) => storedToken(r.id)) || null;
  } catch { /* an older server without trajectories: join as before */ }
  if (earlier && await askConsent(earlier.round)) {
    try {
      return await api(url, { method: "POST", body: { returning_token: storedToken(earlier.id) } });
    } catch (err) {
      // A purged or revoked earlier token, or already linked: join as someone new.
      if (!(err instanceof ApiError) || err.status >= 500 || err.status === 0) throw err;
    }
  }
  return api(url, { method: "POST", body: {} });
}

/** On the end screen: the resident's earlier votes beside the group's, then and now. */
export async function showEarlierRounds(cid, token) {
  let view;
  try {
    view = await api(`/conversations/${cid}/participants/me/rounds`, { token });
  } catch {
    return;
  }
  const done = document.getElementById("done");
  let box = document.getElementById("earlier-rounds");
  if (!view.returning || !view.items.length) {
    if (box) box.remove();
    return;
  }
  if (!box) {
    box = el("div");
    box.id = "earlier-rounds";
    done.append(box);
  }
  box.replaceChildren(el("h3", say("earlierTitle")));
  const list = el("ul");
  for (const item of view.items) {
    const how = say(item.your_vote === 1 ? "agree" : item.your_vote === -1 ? "disagree" : "pass");
    let line = say("youThen", { round: item.round, how, text: item.text });
    line += "; " + (item.then ? say("groupThen", { agree: pct(item.then.agree),
                                                   disagree: pct(item.then.disagree) })
                              : say("hidden"));
    if (item.now) line += "; " + say("groupNow", { agree: pct(item.now.agree),
                                                   disagree: pct(item.now.disagree) });
    list.append(el("li", line + "."));
  }
  box.append(list);
}

// ------------------------------------------------------------------ dashboard
function renderProcess(card, process) {
  cellMinimum = process.min_cell_size;
  const body = [el("h2", say("trajectory")), el("p", say("trajectoryHelp"), "hint")];
  const table = el("table");
  const head = el("tr");
  for (const name of ["round", "participants", "returning", "newPeople", "votes"]) {
    const th = el("th", say(name));
    th.scope = "col";
    head.append(th);
  }
  table.append(head);
  for (const r of process.rounds) {
    const row = el("tr");
    row.append(el("td", `${r.round}: ${r.topic}`), el("td", String(r.participants)),
               el("td", count(r.returning)), el("td", count(r.new)), el("td", String(r.votes)));
    table.append(row);
  }
  body.push(table);
  for (const ret of process.retention) {
    body.push(el("p", say("retention", { from: ret.from_round, returned: count(ret.overall.returned),
                                         before: count(ret.overall.before) }), "hint"));
  }
  if (process.carried.length) {
    body.push(el("h3", say("carried")));
    const list = el("ul");
    list.id = "trajectory-carried";
    for (const c of process.carried) {
      const item = el("li");
      item.append(el("strong", c.text));
      const shifts = el("ul");
      for (const s of c.shifts) {
        const text = s.changed == null ? say("shiftHidden", { pairs: count(s.n_pairs) })
          : say("shift", { before: pct(s.agree_before), after: pct(s.agree_after),
                           change: points(s.agree_change), low: points(s.agree_change_low),
                           high: points(s.agree_change_high), changed: s.changed,
                           pairs: s.n_pairs });
        shifts.append(el("li", `${say("round")} ${s.from_round} → ${s.to_round}: ${text}`));
      }
      item.append(shifts);
      list.append(item);
    }
    body.push(list);
  }
  card.replaceChildren(...body);
  card.hidden = false;
}

/** Refresh the trajectory card this often (the process changes with every vote). */
const PROCESS_POLL_MS = 60000;

/** Lines drawn at most between a person's two points (a map of 20,000 stays readable). */
const MAX_LINES = 400;
const MAP_PADDING = 14;

function drawShiftMap(card, map) {
  const first = map.rounds[0];
  const last = map.rounds[map.rounds.length - 1];
  if (!first || !last || first === last) return;
  card.append(el("h3", say("mapTitle")),
              el("p", say("mapHelp", { first: first.round, last: last.round }), "hint"));
  const canvas = el("canvas", null, "map large");
  canvas.id = "trajectory-map";
  canvas.setAttribute("role", "img");
  card.append(canvas);
  const width = canvas.clientWidth || 600;
  const height = canvas.clientHeight || 320;
  const ratio = window.devicePixelRatio || 1;
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  const ctx = canvas.getContext("2d");
  ctx.scale(ratio, ratio);
  let minX = -1, maxX = 1, minY = -1, maxY = 1;
  for (const p of first.points.concat(last.points)) {
    minX = Math.min(minX, p.x); maxX = Math.max(maxX, p.x);
    minY = Math.min(minY, p.y); maxY = Math.max(maxY, p.y);
  }
  const scale = Math.min((width - 2 * MAP_PADDING) / (maxX - minX),
                         (height - 2 * MAP_PADDING) / (maxY - minY));
  const at = (p) => [width / 2 + (p.x - (minX + maxX) / 2) * scale,
                     height / 2 - (p.y - (minY + maxY) / 2) * scale];
  const before = new Map(first.points.filter((p) => p.person != null).map((p) => [p.person, p]));
  let moved = 0;
  ctx.strokeStyle = "rgba(0, 0, 0, 0.25)";
  for (const p of last.points) {
    const then = p.person != null ? before.get(p.person) : undefined;
    if (!then) continue;
    moved += 1;
    if (moved > MAX_LINES) continue;
    const [x0, y0] = at(then);
    const [x1, y1] = at(p);
    ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); ctx.stroke();
  }
  const dot = (p, colour) => {
    const [x, y] = at(p);
    ctx.fillStyle = colour;
    ctx.beginPath(); ctx.arc(x, y, 2.5, 0, 2 * Math.PI); ctx.fill();
  };
  for (const p of first.points) dot(p, "rgba(120, 120, 120, 0.5)");
  for (const p of last.points) dot(p, groupColour(p.group));
  canvas.setAttribute("aria-label", say("mapLabel", { first: first.round, last: last.round,
                                                      n: last.points.length, moved }));
  canvas.dataset.moved = String(moved);
}

async function showTrajectory(cid, token) {
  const process = await api(`/conversations/${cid}/process`, { token });
  if (process.rounds.length < 2) return; // a conversation on its own: no card
  let card = document.getElementById("trajectory-card");
  if (!card) {
    card = el("section", null, "card");
    card.id = "trajectory-card";
    card.setAttribute("aria-label", say("trajectory"));
    document.querySelector("#board .grid > div").prepend(card);
  }
  renderProcess(card, process);
  try {
    drawShiftMap(card, await api(`/conversations/${cid}/process/map`, { token }));
  } catch { /* the map is a bonus; the card stands without it */ }
}

function startDashboard() {
  const cid = conversationIdFromPath();
  const board = document.getElementById("board");
  if (!board || cid == null) return;
  let started = false;
  const tryStart = () => {
    const token = storedFacilitatorToken(cid);
    if (started || board.hidden || !token) return;
    started = true;
    showTrajectory(cid, token)
      .then(() => setInterval(() => showTrajectory(cid, token).catch(() => {}), PROCESS_POLL_MS))
      .catch(() => { started = false; });
  };
  new MutationObserver(tryStart).observe(board, { attributes: true, attributeFilter: ["hidden"] });
  tryStart();
}

if (document.body.classList.contains("dashboard")) startDashboard();
