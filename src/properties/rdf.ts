import type { Atoms } from "../atoms.js";
import { InputError } from "../errors.js";
import { inv3 } from "../optimize/mat3.js";

/** Options of {@link radialDistribution}. */
export interface RdfOptions {
  /** Largest distance, A (default 8). */
  rmax?: number;
  /** Number of bins of width rmax/bins (default 200). */
  bins?: number;
}

/** g(r) of one ordered species pair (or "*" for all atoms). */
export interface RdfCurve {
  a: string;
  b: string;
  /** g_ab(r) at the bin centres (dimensionless, -> 1 for an uncorrelated structure). */
  g: Float64Array;
  /**
   * Running coordination number: mean number of b atoms within the bin's upper edge of an a atom
   * (periodic images included), averaged over frames.
   */
  coordination: Float64Array;
}

/** Radial distribution functions averaged over frames. */
export interface RdfResult {
  /** Bin centres and the bin edges (bins + 1 values), A. */
  r: Float64Array;
  edges: Float64Array;
  /** All atoms regardless of species. */
  total: RdfCurve;
  /** One curve per unordered species pair a <= b (alphabetical); g_ab = g_ba. */
  partials: RdfCurve[];
  frames: number;
}

/**
 * Radial distribution function of periodic structures, averaged over `frames` (e.g. every frame of
 * an extended XYZ trajectory). Distances run over all periodic images (minimum image is not
 * assumed, so cells smaller than 2 rmax are fine). Normalization as LAMMPS' compute rdf:
 * g_ab(r) = n_ab(r) / (N_a rho_b' 4/3 pi (r_hi^3 - r_lo^3)) with n_ab the number of ordered pairs
 * (i in a, j in b) in the shell and rho_b' = (N_b - delta_ab)/V, so that a random (ideal-gas)
 * configuration gives g = 1. Cost: O(N^2 x images) per frame.
 * @throws InputError for a frame not periodic in three directions, with no volume, or frames with
 *   different species sets.
 */
export function radialDistribution(frames: Atoms | Atoms[], opts: RdfOptions = {}): RdfResult {
  const list = Array.isArray(frames) ? frames : [frames];
  if (list.length === 0) throw new InputError("no frames for the radial distribution function");
  const rmax = opts.rmax ?? 8;
  const bins = opts.bins ?? 200;
  if (!(rmax > 0) || !Number.isFinite(rmax)) throw new InputError(`rmax must be a positive number of A, got ${rmax}`);
  if (!Number.isInteger(bins) || bins < 1) throw new InputError(`bins must be a positive integer, got ${bins}`);
  const species = [...new Set(list.flatMap((f) => f.symbols))].sort();
  const ns = species.length;
  const dr = rmax / bins;
  const edges = Float64Array.from({ length: bins + 1 }, (_, k) => k * dr);
  const r = Float64Array.from({ length: bins }, (_, k) => (k + 0.5) * dr);
  const shell = Float64Array.from({ length: bins }, (_, k) => (4 / 3) * Math.PI * (edges[k + 1] ** 3 - edges[k] ** 3));
  // g and running coordination summed over frames, per ordered species pair and for the total.
  const gSum = Array.from({ length: ns * ns }, () => new Float64Array(bins));
  const cSum = Array.from({ length: ns * ns }, () => new Float64Array(bins));
  const gTot = new Float64Array(bins);
  const cTot = new Float64Array(bins);

  list.forEach((atoms, frame) => {
    if (!atoms.pbc.every((p) => p)) throw new InputError("the radial distribution function needs frames periodic in all three directions", { frame });
    const v = atoms.volume();
    if (!(v > 0)) throw new InputError("frame has a cell with no volume", { frame });
    const n = atoms.length;
    const type = Int32Array.from(atoms.symbols, (s) => species.indexOf(s));
    const counts = Array.from({ length: ns * ns }, () => new Float64Array(bins));
    const pos = wrapped(atoms);
    const shifts = imageShifts(atoms.cell, rmax);
    const rmax2 = rmax * rmax;
    for (let i = 0; i < n; i++) {
      const xi = pos[3 * i], yi = pos[3 * i + 1], zi = pos[3 * i + 2];
      for (let j = i; j < n; j++) {
        const dx0 = pos[3 * j] - xi, dy0 = pos[3 * j + 1] - yi, dz0 = pos[3 * j + 2] - zi;
        for (let s = 0; s < shifts.length; s += 3) {
          const dx = dx0 + shifts[s], dy = dy0 + shifts[s + 1], dz = dz0 + shifts[s + 2];
          const d2 = dx * dx + dy * dy + dz * dz;
          if (d2 >= rmax2 || d2 === 0) continue;
          const k = Math.min(bins - 1, Math.floor(Math.sqrt(d2) / dr));
          if (i === j) {
            // Every image of i appears once per shift, so it is already one ordered pair.
            counts[type[i] * ns + type[i]][k] += 1;
          } else {
            counts[type[i] * ns + type[j]][k] += 1;
            counts[type[j] * ns + type[i]][k] += 1;
          }
        }
      }
    }
    const nOf = new Float64Array(ns);
    for (const t of type) nOf[t]++;
    const all = new Float64Array(bins);
    for (let a = 0; a < ns; a++) {
      for (let b = 0; b < ns; b++) {
        const c = counts[a * ns + b];
        for (let k = 0; k < bins; k++) all[k] += c[k];
        const pairs = nOf[a] * (nOf[b] - (a === b ? 1 : 0));
        accumulate(gSum[a * ns + b], cSum[a * ns + b], c, pairs, nOf[a], v, shell);
      }
    }
    accumulate(gTot, cTot, all, n * (n - 1), n, v, shell);
  });

  const m = list.length;
  const scale = (x: Float64Array) => x.map((y) => y / m);
  const partials: RdfCurve[] = [];
  for (let a = 0; a < ns; a++) {
    for (let b = a; b < ns; b++) partials.push({ a: species[a], b: species[b], g: scale(gSum[a * ns + b]), coordination: scale(cSum[a * ns + b]) });
  }
  return { r, edges, total: { a: "*", b: "*", g: scale(gTot), coordination: scale(cTot) }, partials, frames: m };
}

/** Adds one frame's g (counts over ideal-gas pairs) and running coordination (counts per a atom). */
function accumulate(g: Float64Array, coord: Float64Array, counts: Float64Array, pairs: number, na: number, volume: number, shell: Float64Array): void {
  let run = 0;
  for (let k = 0; k < counts.length; k++) {
    if (pairs > 0) g[k] += (counts[k] * volume) / (pairs * shell[k]);
    run += counts[k];
    if (na > 0) coord[k] += run / na;
  }
}

/** Positions wrapped into the cell (fractional coordinates in [0, 1)). */
function wrapped(atoms: Atoms): Float64Array {
  const c = atoms.cell;
  const g = inv3(c);
  const out = new Float64Array(atoms.positions.length);
  for (let i = 0; i < atoms.length; i++) {
    const x = atoms.positions[3 * i], y = atoms.positions[3 * i + 1], z = atoms.positions[3 * i + 2];
    // Fractional coordinates f = r C^-1 (cell rows are the lattice vectors).
    const f = [x * g[0] + y * g[3] + z * g[6], x * g[1] + y * g[4] + z * g[7], x * g[2] + y * g[5] + z * g[8]].map((u) => u - Math.floor(u));
    for (let d = 0; d < 3; d++) out[3 * i + d] = f[0] * c[d] + f[1] * c[3 + d] + f[2] * c[6 + d];
  }
  return out;
}

/** Every lattice translation that can bring two atoms of the cell within rmax, as flat xyz triples. */
function imageShifts(c: Float64Array, rmax: number): Float64Array {
  const v = Math.abs(c[0] * (c[4] * c[8] - c[5] * c[7]) - c[1] * (c[3] * c[8] - c[5] * c[6]) + c[2] * (c[3] * c[7] - c[4] * c[6]));
  const cross = (p: number, q: number) => {
    const a = c.subarray(3 * p, 3 * p + 3), b = c.subarray(3 * q, 3 * q + 3);
    return Math.hypot(a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]);
  };
  // Plane spacing along each lattice vector; wrapped atoms differ by less than one cell in fractions.
  const reach = [v / cross(1, 2), v / cross(2, 0), v / cross(0, 1)].map((w) => Math.ceil(rmax / w) + 1);
  const out: number[] = [];
  for (let i = -reach[0]; i <= reach[0]; i++) {
    for (let j = -reach[1]; j <= reach[1]; j++) {
      for (let k = -reach[2]; k <= reach[2]; k++) {
        out.push(i * c[0] + j * c[3] + k * c[6], i * c[1] + j * c[4] + k * c[7], i * c[2] + j * c[5] + k * c[8]);
      }
    }
  }
  return Float64Array.from(out);
}
