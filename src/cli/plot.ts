/**
 * Line plots as standalone SVG, drawn here (no plotting library: vega and vega-lite brought ~75
 * packages into every install for this). One panel per quantity, stacked vertically over a shared x
 * quantity; each panel scales its own y axis to its data (not to zero), so small changes such as the
 * drift of a conserved energy are visible. Points carry <title> tooltips "x: ..; y: ..; series: ..".
 */

/** One series of a line plot: points (x, y) under a legend label. */
export interface Series {
  label: string;
  points: [number, number][];
}

/** One panel: its title, the y axis title (with units) and its series. */
export interface Panel {
  title: string;
  yTitle: string;
  series: Series[];
}

const WIDTH = 640;
const PANEL_HEIGHT = 220;
const MARGIN = { left: 78, right: 150, top: 28, bottom: 44 };
const COLORS = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#ff9da6", "#9d755d", "#bab0ac", "#eeca3b"];
/** Series with more points than this are drawn as lines only (no point markers). */
const MAX_MARKERS = 400;

/** Round tick positions covering [lo, hi]: steps of 1, 2 or 5 times a power of ten. */
export function niceTicks(lo: number, hi: number, target = 5): number[] {
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.01;
    return niceTicks(lo - pad, hi + pad, target);
  }
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const first = Math.ceil(lo / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let t = first; t <= hi + step * 1e-9; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}

/** A short label for a tick value (at most 6 significant digits, no trailing zeros). */
function tickLabel(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return v.toExponential(2).replace(/\.?0+e/, "e");
  return String(Number(v.toPrecision(6)));
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Data range of a set of numbers, widened a little so that lines do not touch the frame. */
function range(values: number[]): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!Number.isFinite(lo)) return [0, 1];
  if (hi === lo) return [lo - (Math.abs(lo) * 1e-3 || 1), hi + (Math.abs(hi) * 1e-3 || 1)];
  const pad = 0.04 * (hi - lo);
  return [lo - pad, hi + pad];
}

function panelSvg(p: Panel, xTitle: string, xr: [number, number], top: number): string {
  const w = WIDTH - MARGIN.left - MARGIN.right, h = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const yr = range(p.series.flatMap((s) => s.points.map((q) => q[1])));
  const yt = niceTicks(yr[0], yr[1]).filter((t) => t >= yr[0] && t <= yr[1]);
  const xt = niceTicks(xr[0], xr[1]).filter((t) => t >= xr[0] && t <= xr[1]);
  const X = (x: number) => MARGIN.left + ((x - xr[0]) / (xr[1] - xr[0])) * w;
  const Y = (y: number) => MARGIN.top + h - ((y - yr[0]) / (yr[1] - yr[0])) * h;
  const f = (v: number) => v.toFixed(2);
  const out: string[] = [];
  out.push(`<g class="panel" data-title="${esc(p.title)}" transform="translate(0,${top})">`, `<title>${esc(p.title)}</title>`);
  out.push(`<text class="panel-title" x="${MARGIN.left}" y="16">${esc(p.title)}</text>`);
  out.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${w}" height="${h}" fill="none" stroke="#888"/>`);
  for (const t of yt) {
    out.push(`<line x1="${MARGIN.left - 4}" x2="${MARGIN.left + w}" y1="${f(Y(t))}" y2="${f(Y(t))}" stroke="#ddd"/>`);
    out.push(`<text class="tick" x="${MARGIN.left - 6}" y="${f(Y(t) + 3.5)}" text-anchor="end">${tickLabel(t)}</text>`);
  }
  for (const t of xt) {
    out.push(`<line x1="${f(X(t))}" x2="${f(X(t))}" y1="${MARGIN.top}" y2="${MARGIN.top + h + 4}" stroke="#ddd"/>`);
    out.push(`<text class="tick" x="${f(X(t))}" y="${MARGIN.top + h + 15}" text-anchor="middle">${tickLabel(t)}</text>`);
  }
  out.push(`<text class="axis-title" x="${MARGIN.left + w / 2}" y="${MARGIN.top + h + 34}" text-anchor="middle">${esc(xTitle)}</text>`);
  out.push(`<text class="axis-title" transform="translate(16,${MARGIN.top + h / 2}) rotate(-90)" text-anchor="middle">${esc(p.yTitle)}</text>`);
  p.series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length];
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    out.push(`<g class="series" data-series="${esc(s.label)}"><title>${esc(s.label)}</title>`);
    if (pts.length > 1) out.push(`<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${pts.map(([x, y]) => `${f(X(x))},${f(Y(y))}`).join(" ")}"/>`);
    if (pts.length <= MAX_MARKERS) {
      for (const [x, y] of pts) {
        out.push(`<circle class="point" cx="${f(X(x))}" cy="${f(Y(y))}" r="2" fill="${color}"><title>${esc(xTitle)}: ${x}; ${esc(p.yTitle)}: ${y}; series: ${esc(s.label)}</title></circle>`);
      }
    }
    const ly = MARGIN.top + 8 + 16 * k;
    out.push(`<line x1="${MARGIN.left + w + 12}" x2="${MARGIN.left + w + 30}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
    out.push(`<text class="legend" x="${MARGIN.left + w + 35}" y="${ly + 4}">${esc(s.label)}</text>`);
    out.push("</g>");
  });
  out.push("</g>");
  return out.join("\n");
}

/**
 * Renders line plots as one SVG document: one panel per entry of `panels`, stacked vertically and
 * sharing the x axis (`xTitle`, with units).
 */
export function linePlotsSvg(panels: Panel[], xTitle: string): string {
  const xr = range(panels.flatMap((p) => p.series.flatMap((s) => s.points.map((q) => q[0]))));
  const height = PANEL_HEIGHT * panels.length;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${esc(panels.map((p) => p.title).join(", "))}">`,
    "<style>text{font-family:Helvetica,Arial,sans-serif;font-size:11px;fill:#222}.panel-title{font-size:13px;font-weight:bold}.axis-title{font-size:12px}</style>",
    `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
    ...panels.map((p, k) => panelSvg(p, xTitle, xr, k * PANEL_HEIGHT)),
    "</svg>",
    "",
  ].join("\n");
}
