// The opinion map on a <canvas>: participants as dots coloured by group, or, above
// DENSITY_THRESHOLD points, a binned density grid (each cell coloured by its most common group,
// opacity by count) so the map stays smooth at 50,000 participants. Only the facilitator's
// answer has every participant's point; the public answer has `map_cells` (participants per
// group and square, squares of fewer than k left out) and at most the caller's own point.

/** Colour-blind-safe palette (Okabe & Ito 2008, then Tol's muted colours), one per group. */
export const GROUP_COLOURS = [
  "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
  "#56B4E9", "#882255", "#44AA99", "#999933", "#332288",
];
export const NO_GROUP_COLOUR = "#8a8a8a";

/** Above this many participants the map draws a density grid instead of dots. */
export const DENSITY_THRESHOLD = 3000;
/** Density grid cell, in CSS pixels. */
const CELL = 6;
const PADDING = 18;

export function groupColour(group) {
  return group == null ? NO_GROUP_COLOUR : GROUP_COLOURS[Number(group) % GROUP_COLOURS.length];
}

function bounds(points) {
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (const p of points) {
    if (p.x < minX) minX = p.x;
    if (p.x > maxX) maxX = p.x;
    if (p.y < minY) minY = p.y;
    if (p.y > maxY) maxY = p.y;
  }
  if (!Number.isFinite(minX)) return { minX: -1, maxX: 1, minY: -1, maxY: 1 };
  if (maxX - minX < 1e-9) { minX -= 1; maxX += 1; }
  if (maxY - minY < 1e-9) { minY -= 1; maxY += 1; }
  return { minX, maxX, minY, maxY };
}

/** Same scale on both axes (distances on the map mean the same in every direction). */
function projection(b, width, height) {
  const scale = Math.min((width - 2 * PADDING) / (b.maxX - b.minX),
                         (height - 2 * PADDING) / (b.maxY - b.minY));
  const cx = (b.minX + b.maxX) / 2, cy = (b.minY + b.maxY) / 2;
  return (p) => [width / 2 + (p.x - cx) * scale, height / 2 - (p.y - cy) * scale];
}

function sizeCanvas(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 300;
  const height = canvas.clientHeight || 200;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return { ctx, width, height };
}

function drawDots(ctx, points, project, radius) {
  for (const p of points) {
    const [x, y] = project(p);
    ctx.fillStyle = groupColour(p.group);
    ctx.beginPath();
    ctx.arc(x, y, radius, 0, 2 * Math.PI);
    ctx.fill();
  }
}

/** The public map: one disc per cell, its area by the number of participants in it. */
function drawCells(ctx, cells, project) {
  ctx.globalAlpha = 0.6;
  for (const c of cells) {
    const [x, y] = project(c);
    ctx.fillStyle = groupColour(c.group);
    ctx.beginPath();
    ctx.arc(x, y, 3 + 2 * Math.sqrt(c.count), 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.globalAlpha = 1;
}

function drawDensity(ctx, points, project, width, height, nGroups) {
  const cols = Math.ceil(width / CELL), rows = Math.ceil(height / CELL);
  const layers = nGroups + 1; // the last layer counts participants without a group
  const counts = new Uint32Array(cols * rows * layers);
  const totals = new Uint32Array(cols * rows);
  for (const p of points) {
    const [x, y] = project(p);
    const c = Math.min(cols - 1, Math.max(0, Math.floor(x / CELL)));
    const r = Math.min(rows - 1, Math.max(0, Math.floor(y / CELL)));
    const cell = r * cols + c;
    const layer = p.group == null || p.group >= nGroups ? nGroups : p.group;
    counts[cell * layers + layer] += 1;
    totals[cell] += 1;
  }
  let max = 0;
  for (const n of totals) if (n > max) max = n;
  for (let cell = 0; cell < totals.length; cell++) {
    if (totals[cell] === 0) continue;
    let best = 0;
    for (let g = 1; g < layers; g++) {
      if (counts[cell * layers + g] > counts[cell * layers + best]) best = g;
    }
    ctx.globalAlpha = 0.25 + 0.75 * Math.sqrt(totals[cell] / max);
    ctx.fillStyle = best === nGroups ? NO_GROUP_COLOUR : groupColour(best);
    ctx.fillRect((cell % cols) * CELL, Math.floor(cell / cols) * CELL, CELL, CELL);
  }
  ctx.globalAlpha = 1;
}

function drawGroupLabels(ctx, points, project, letter) {
  const sums = new Map();
  for (const p of points) {
    if (p.group == null) continue;
    const s = sums.get(p.group) || { x: 0, y: 0, n: 0 };
    const n = p.count ?? 1; // a public map cell stands for `count` participants
    s.x += n * p.x; s.y += n * p.y; s.n += n;
    sums.set(p.group, s);
  }
  ctx.font = "bold 15px system-ui, sans-serif";
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  for (const [group, s] of sums) {
    const [x, y] = project({ x: s.x / s.n, y: s.y / s.n });
    ctx.lineWidth = 4;
    ctx.strokeStyle = "#ffffff";
    ctx.strokeText(letter(group), x, y);
    ctx.fillStyle = "#111111";
    ctx.fillText(letter(group), x, y);
  }
}

/**
 * Draw the analysis' participants on `canvas`.
 * options.highlight: a participant id to circle; options.letter: group id -> label (every page
 * passes i18n.js's groupLetter, the name the report and the command line give the group too);
 * options.mode: "dots" or "density" to override the choice by DENSITY_THRESHOLD.
 * Returns {points, mode} and stores them as data attributes (tests and screen readers use them).
 */
export function drawMap(canvas, analysis, options = {}) {
  const points = (analysis && analysis.coordinates) || [];
  const cells = (analysis && analysis.map_cells) || [];
  const letter = options.letter || ((g) => String(g));
  const { ctx, width, height } = sizeCanvas(canvas);
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, width, height);
  ctx.strokeStyle = "#e3e3e3";
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(width / 2, 0); ctx.lineTo(width / 2, height);
  ctx.moveTo(0, height / 2); ctx.lineTo(width, height / 2);
  ctx.stroke();
  const project = projection(bounds([...points, ...cells]), width, height);
  const nGroups = Math.max(0, ...(analysis?.groups || []).map((g) => g.id + 1));
  const mode = options.mode || (points.length > DENSITY_THRESHOLD ? "density" : "dots");
  if (cells.length) drawCells(ctx, cells, project);
  if (mode === "density") drawDensity(ctx, points, project, width, height, nGroups);
  else drawDots(ctx, points, project, points.length > 500 ? 2.5 : 4.5);
  drawGroupLabels(ctx, cells.length ? cells : points, project, letter);
  if (options.highlight != null) {
    const me = points.find((p) => p.id === options.highlight);
    if (me) {
      const [x, y] = project(me);
      ctx.lineWidth = 3;
      ctx.strokeStyle = "#111111";
      ctx.beginPath();
      ctx.arc(x, y, 10, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }
  canvas.dataset.points = String(points.length);
  canvas.dataset.cells = String(cells.length);
  canvas.dataset.mode = mode;
  canvas.dataset.version = String(analysis?.version ?? 0);
  return { points: points.length, mode };
}
