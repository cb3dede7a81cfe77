/**
 * A small dependency-free SVG line plot for fit reports: one panel, linear axes with round ticks,
 * lines and markers, a legend. Browser-safe.
 */

export interface PlotSeries {
  label: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** "line" (default) or "points". */
  style?: "line" | "points";
  color?: string;
}

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

function ticks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step) out.push(Math.abs(v) < 1e-12 * span ? 0 : v);
  return out;
}

const fmt = (v: number) => Number(v.toPrecision(4)).toString();
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** One panel: title, axis titles, series. Returns the SVG text. */
export function linePlot(title: string, xTitle: string, yTitle: string, series: PlotSeries[], opts: { yRange?: [number, number]; width?: number; height?: number } = {}): string {
  const W = opts.width ?? 640, H = opts.height ?? 400, L = 70, R = 20, T = 36, B = 50;
  let xlo = Infinity, xhi = -Infinity, ylo = Infinity, yhi = -Infinity;
  for (const s of series) {
    for (let k = 0; k < s.x.length; k++) {
      if (!Number.isFinite(s.x[k]) || !Number.isFinite(s.y[k])) continue;
      xlo = Math.min(xlo, s.x[k]); xhi = Math.max(xhi, s.x[k]);
      ylo = Math.min(ylo, s.y[k]); yhi = Math.max(yhi, s.y[k]);
    }
  }
  if (opts.yRange) [ylo, yhi] = opts.yRange;
  if (!(xhi > xlo)) { xlo -= 1; xhi += 1; }
  if (!(yhi > ylo)) { ylo -= 1; yhi += 1; }
  const pad = 0.04 * (yhi - ylo);
  ylo -= pad; yhi += pad;
  const X = (v: number) => L + ((v - xlo) / (xhi - xlo)) * (W - L - R);
  const Y = (v: number) => T + ((yhi - Math.min(yhi, Math.max(ylo, v))) / (yhi - ylo)) * (H - T - B);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>`);
  for (const t of ticks(xlo, xhi)) parts.push(`<line x1="${X(t)}" x2="${X(t)}" y1="${T}" y2="${H - B}" stroke="#eee"/><text x="${X(t)}" y="${H - B + 16}" text-anchor="middle">${fmt(t)}</text>`);
  for (const t of ticks(ylo, yhi)) parts.push(`<line x1="${L}" x2="${W - R}" y1="${Y(t)}" y2="${Y(t)}" stroke="#eee"/><text x="${L - 6}" y="${Y(t) + 4}" text-anchor="end">${fmt(t)}</text>`);
  parts.push(`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">${esc(xTitle)}</text>`);
  parts.push(`<text transform="translate(16 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${esc(yTitle)}</text>`);
  series.forEach((s, k) => {
    const color = s.color ?? COLORS[k % COLORS.length];
    const pts: string[] = [];
    for (let m = 0; m < s.x.length; m++) if (Number.isFinite(s.x[m]) && Number.isFinite(s.y[m])) pts.push(`${X(s.x[m]).toFixed(1)},${Y(s.y[m]).toFixed(1)}`);
    if ((s.style ?? "line") === "line") parts.push(`<polyline fill="none" stroke="${color}" stroke-width="1.8" points="${pts.join(" ")}"/>`);
    else for (const p of pts) { const [a, b] = p.split(","); parts.push(`<circle cx="${a}" cy="${b}" r="3" fill="none" stroke="${color}" stroke-width="1.5"/>`); }
    parts.push(`<text x="${W - R - 8}" y="${T + 16 + 16 * k}" text-anchor="end" fill="${color}">${esc(s.label)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}
