/**
 * The valence electron density of an ECT-EAM structure on a regular grid (model spec, section 5:
 * n(r) = sum_i rho_i(|r - R_i|) with rho_i = sum_M w_iM rho_AM the ensemble density of atom i), for
 * writing as a Gaussian cube file (`../io/cube.ts`) and for checks such as "the density integrates to
 * the valence electron count".
 *
 * The state densities are the model's untapered Slater / Gaussian sums (`rbfDensity`), not the
 * tapered ones that enter rhobar: the grid shows the atoms' densities themselves, which integrate to
 * their electron counts.
 *
 * Units: lengths in A, densities in electrons/A^3. Browser-safe (no Node imports).
 */
import type { Atoms } from "../atoms.js";
import { InputError } from "../errors.js";
import { rbfDensity } from "./forms.js";
import { MAX_STATES, type DensityTerm, type EctModel } from "./model.js";

/** A Cartesian vector in A. */
export type Vec3 = [number, number, number];

/**
 * Values on a regular (possibly oblique) grid: point (i, j, k) is at
 * `origin + i * axes[0] + j * axes[1] + k * axes[2]` (A), for 0 <= i < shape[0], 0 <= j < shape[1],
 * 0 <= k < shape[2]. The voxel volume is |det(axes)| (A^3).
 */
export interface DensityGrid {
  /** Position of grid point (0, 0, 0) in A. */
  origin: Vec3;
  /** Step vectors between neighbouring grid points along the three grid directions, in A. */
  axes: [Vec3, Vec3, Vec3];
  /** Number of points along each grid direction. */
  shape: [number, number, number];
  /**
   * Electrons/A^3 at the grid points, `shape[0] * shape[1] * shape[2]` values in cube order: the first
   * direction slowest, the third fastest, i.e. value (i, j, k) at index `(i * shape[1] + j) * shape[2] + k`.
   */
  values: Float64Array;
}

/** Options of {@link electronDensityGrid}. */
export interface DensityGridOptions {
  /** Largest distance between neighbouring grid points in A (default 0.2). */
  spacing?: number;
  /** Vacuum added on both sides of the atoms along open (non-periodic) directions, in A (default 4). */
  padding?: number;
}

/** Default grid spacing in A. */
export const DEFAULT_GRID_SPACING = 0.2;
/** Default padding of open directions in A. */
export const DEFAULT_GRID_PADDING = 4;
/** A state density is treated as zero where it is below this fraction of its maximum rho(0). */
export const DENSITY_RANGE_TOLERANCE = 1e-12;
/** Largest grid accepted by {@link electronDensityGrid} (8 bytes per point). */
export const MAX_GRID_POINTS = 100_000_000;

/**
 * The range of a state density (A): the radius beyond which sum_t |N_t| g_t(r) (an upper bound of
 * |rho(r)|) is below `tolerance` times its value at r = 0, where it is largest. 0 for an empty density.
 *
 * @param terms     the state's density terms (`EctState.density`)
 * @param tolerance relative threshold (default {@link DENSITY_RANGE_TOLERANCE})
 */
export function densityRange(terms: readonly DensityTerm[], tolerance = DENSITY_RANGE_TOLERANCE): number {
  const envelope = rbfDensity(terms.map((t) => ({ ...t, electrons: Math.abs(t.electrons) })));
  const top = envelope.value(0);
  if (!(top > 0)) return 0;
  const limit = tolerance * top;
  let hi = 1;
  while (envelope.value(hi) > limit && hi < 1e6) hi *= 2;
  let lo = 0;
  for (let it = 0; it < 60; it++) {
    const mid = 0.5 * (lo + hi);
    if (envelope.value(mid) > limit) lo = mid;
    else hi = mid;
  }
  return hi;
}

// ------------------------------------------------------------------------------------------------
// Small vector helpers
// ------------------------------------------------------------------------------------------------

function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function scale(a: Vec3, s: number): Vec3 {
  return [a[0] * s, a[1] * s, a[2] * s];
}

function norm(a: Vec3): number {
  return Math.sqrt(dot(a, a));
}

// ------------------------------------------------------------------------------------------------
// Grid geometry
// ------------------------------------------------------------------------------------------------

/**
 * Origin, step vectors and shape of the grid for a structure.
 *
 * Periodic direction d: the grid spans cell row d with n = ceil(|a_d| / spacing) steps a_d / n
 * (the last point is one step short of the periodic image of the first), starting at the cell origin.
 * Open directions: unit vectors orthogonal to the periodic rows and to each other (Cartesian x, y, z
 * when nothing is periodic; otherwise cell row d, or a Cartesian axis when that row is zero or
 * dependent, orthogonalized), with steps of exactly `spacing` covering the atoms' extent along that
 * direction plus `padding` on both sides (centered).
 */
function gridGeometry(atoms: Atoms, spacing: number, padding: number): Omit<DensityGrid, "values"> {
  const cellRow = (d: number): Vec3 => [atoms.cell[3 * d], atoms.cell[3 * d + 1], atoms.cell[3 * d + 2]];
  const periodic = [0, 1, 2].filter((d) => atoms.pbc[d]);
  for (const d of periodic) {
    if (!(norm(cellRow(d)) > 0)) {
      throw new InputError(`cell row ${"abc"[d]} is zero but the structure is periodic along it`);
    }
  }
  // Orthonormal basis of the periodic rows' span (Gram-Schmidt), to orthogonalize the open directions.
  const span: Vec3[] = [];
  const orthogonalize = (v: Vec3): Vec3 => {
    let r: Vec3 = [v[0], v[1], v[2]];
    for (const u of span) r = [r[0] - dot(r, u) * u[0], r[1] - dot(r, u) * u[1], r[2] - dot(r, u) * u[2]];
    return r;
  };
  for (const d of periodic) {
    const a = cellRow(d);
    const r = orthogonalize(a);
    if (!(norm(r) > 1e-9 * norm(a))) {
      throw new InputError(`the periodic cell rows are linearly dependent (row ${"abc"[d]})`);
    }
    span.push(scale(r, 1 / norm(r)));
  }

  const n = atoms.length;
  const pos = atoms.positions;
  const origin: Vec3 = [0, 0, 0];
  const axes: Vec3[] = [];
  const shape: number[] = [];
  const cartesian: Vec3[] = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  for (let d = 0; d < 3; d++) {
    if (atoms.pbc[d]) {
      const a = cellRow(d);
      const steps = Math.max(1, Math.ceil(norm(a) / spacing - 1e-9));
      axes.push(scale(a, 1 / steps));
      shape.push(steps);
      continue;
    }
    if (n === 0) throw new InputError("cannot place a density grid along an open direction: the structure has no atoms");
    const candidates: Vec3[] = periodic.length > 0 ? [cellRow(d), cartesian[d], ...cartesian] : [cartesian[d], ...cartesian];
    let u: Vec3 | undefined;
    for (const c of candidates) {
      const r = orthogonalize(c);
      const len = norm(r);
      if (len > 1e-6 * norm(c)) {
        u = scale(r, 1 / len);
        break;
      }
    }
    if (u === undefined) throw new Error("internal error: no open grid direction found");
    span.push(u);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const p = pos[3 * i] * u[0] + pos[3 * i + 1] * u[1] + pos[3 * i + 2] * u[2];
      if (p < lo) lo = p;
      if (p > hi) hi = p;
    }
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new InputError("atom positions are not finite");
    const length = hi - lo + 2 * padding;
    const steps = Math.ceil(length / spacing - 1e-9);
    const start = lo - padding - 0.5 * (steps * spacing - length);
    axes.push(scale(u, spacing));
    shape.push(steps + 1);
    for (let c = 0; c < 3; c++) origin[c] += start * u[c];
  }
  return { origin, axes: axes as [Vec3, Vec3, Vec3], shape: shape as [number, number, number] };
}

// ------------------------------------------------------------------------------------------------
// The density
// ------------------------------------------------------------------------------------------------

/**
 * Valence electron density n(r) = sum_i sum_M w_iM rho_AM(|r - R_i|) of an ECT-EAM structure on a grid.
 *
 * Periodic directions: the grid spans the cell and n(r) includes every periodic image of every atom
 * within the density's range. Open directions: the grid spans the atoms' extent plus `padding` on
 * both sides (density beyond it is lost: use a padding several decay lengths wide when integrating).
 * Each atom contributes only to grid points within its range, the largest {@link densityRange} of
 * its states with a nonzero weight (where rho_AM < 1e-12 of its maximum), so the cost is
 * O(sum over atoms of the grid points within range).
 *
 * @param model   the ECT-EAM model (state densities in its state order)
 * @param atoms   the structure: positions and cell rows in A, `pbc` per cell row
 * @param weights ensemble weights w_iM, N rows of `MAX_STATES` (4) slots in the model's state order of
 *                each atom's element (as `EctResults.weights`; unused slots are ignored)
 * @param opts    `spacing` (A, default 0.2): largest step between grid points; `padding` (A, default 4)
 * @returns the grid; `values` in electrons/A^3, in cube order (first direction slowest)
 * @throws InputError for an element not in the model, weights of the wrong length or not finite,
 *         a periodic direction without a cell row, a bad spacing/padding or a grid over
 *         {@link MAX_GRID_POINTS} points
 */
export function electronDensityGrid(
  model: EctModel,
  atoms: Atoms,
  weights: Float64Array,
  opts: DensityGridOptions = {},
): DensityGrid {
  const spacing = opts.spacing ?? DEFAULT_GRID_SPACING;
  const padding = opts.padding ?? DEFAULT_GRID_PADDING;
  if (!(Number.isFinite(spacing) && spacing > 0)) throw new InputError(`grid spacing must be a number > 0 (A), got ${spacing}`);
  if (!(Number.isFinite(padding) && padding >= 0)) throw new InputError(`grid padding must be a number >= 0 (A), got ${padding}`);
  const n = atoms.length;
  if (weights.length !== MAX_STATES * n) {
    throw new InputError(`weights has ${weights.length} numbers, expected ${MAX_STATES} x ${n} atoms`);
  }

  // Per atom: its ensemble density (terms with equal type and exponent merged) and its range.
  const elementOf = new Map(model.elements.map((e) => [e.symbol, e] as const));
  const stateRanges = new Map(model.elements.map((e) => [e.symbol, e.states.map((s) => densityRange(s.density))] as const));
  const atomDensity: ({ value(r: number): number } | null)[] = [];
  const atomRange = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const sym = atoms.symbols[i];
    const el = elementOf.get(sym);
    if (el === undefined) {
      throw new InputError(`element '${sym}' is not in the model ${model.source}`, { atom: i });
    }
    const ranges = stateRanges.get(sym)!;
    const merged = new Map<string, DensityTerm>();
    let range = 0;
    for (let m = 0; m < el.states.length; m++) {
      const w = weights[MAX_STATES * i + m];
      if (!Number.isFinite(w)) throw new InputError(`weight of state ${el.states[m].name} is not finite: ${w}`, { atom: i });
      if (w === 0 || el.states[m].density.length === 0) continue;
      range = Math.max(range, ranges[m]);
      for (const t of el.states[m].density) {
        const key = `${t.type}:${t.exponent}`;
        const prev = merged.get(key);
        if (prev) prev.electrons += w * t.electrons;
        else merged.set(key, { type: t.type, exponent: t.exponent, electrons: w * t.electrons });
      }
    }
    const terms = [...merged.values()].filter((t) => t.electrons !== 0);
    atomDensity.push(terms.length > 0 && range > 0 ? rbfDensity(terms) : null);
    atomRange[i] = range;
  }

  const geom = gridGeometry(atoms, spacing, padding);
  const [n0, n1, n2] = geom.shape;
  const total = n0 * n1 * n2;
  if (total > MAX_GRID_POINTS) {
    throw new InputError(
      `the density grid would have ${n0} x ${n1} x ${n2} = ${total} points (at most ${MAX_GRID_POINTS}); use a larger spacing`,
    );
  }
  const values = new Float64Array(total);
  const [a0, a1, a2] = geom.axes;
  const o = geom.origin;
  // Dual basis: g_d . a_e = delta_de, so (r - origin) . g_d is the (fractional) grid index along d.
  const det = dot(a0, cross(a1, a2));
  const g: Vec3[] = [scale(cross(a1, a2), 1 / det), scale(cross(a2, a0), 1 / det), scale(cross(a0, a1), 1 / det)];
  const periodic = [atoms.pbc[0], atoms.pbc[1], atoms.pbc[2]];
  const a2a2 = dot(a2, a2);

  const wrap = (k: number, m: number) => ((k % m) + m) % m;
  for (let at = 0; at < n; at++) {
    const f = atomDensity[at];
    const R = atomRange[at];
    if (f === null) continue;
    const p: Vec3 = [atoms.positions[3 * at], atoms.positions[3 * at + 1], atoms.positions[3 * at + 2]];
    const rel: Vec3 = [p[0] - o[0], p[1] - o[1], p[2] - o[2]];
    // Index box of the sphere |r - p| < R; periodic directions are not clipped (indices wrap = images).
    const lo: number[] = [];
    const hi: number[] = [];
    for (let d = 0; d < 3; d++) {
      const s = dot(rel, g[d]);
      const half = R * norm(g[d]);
      let l = Math.ceil(s - half);
      let h = Math.floor(s + half);
      if (!periodic[d]) {
        l = Math.max(l, 0);
        h = Math.min(h, geom.shape[d] - 1);
      }
      lo.push(l);
      hi.push(h);
    }
    const R2 = R * R;
    for (let i = lo[0]; i <= hi[0]; i++) {
      const iw = periodic[0] ? wrap(i, n0) : i;
      for (let j = lo[1]; j <= hi[1]; j++) {
        const jw = periodic[1] ? wrap(j, n1) : j;
        // d(k) = base + k a2 with base = grid point (i, j, 0) - p; |d(k)|^2 < R^2 is a quadratic in k.
        const bx = i * a0[0] + j * a1[0] - rel[0];
        const by = i * a0[1] + j * a1[1] - rel[1];
        const bz = i * a0[2] + j * a1[2] - rel[2];
        const b = bx * a2[0] + by * a2[1] + bz * a2[2];
        const disc = b * b - a2a2 * (bx * bx + by * by + bz * bz - R2);
        if (disc < 0) continue;
        const sq = Math.sqrt(disc);
        const kLo = Math.max(lo[2], Math.ceil((-b - sq) / a2a2));
        const kHi = Math.min(hi[2], Math.floor((-b + sq) / a2a2));
        if (kLo > kHi) continue;
        const row = (iw * n1 + jw) * n2;
        let kw = periodic[2] ? wrap(kLo, n2) : kLo;
        for (let k = kLo; k <= kHi; k++) {
          const dx = bx + k * a2[0];
          const dy = by + k * a2[1];
          const dz = bz + k * a2[2];
          const r2 = dx * dx + dy * dy + dz * dz;
          if (r2 < R2) values[row + kw] += f.value(Math.sqrt(r2));
          if (++kw === n2) kw = 0;
        }
      }
    }
  }
  return { ...geom, values };
}

/** Volume of one grid voxel, |det(axes)| (A^3 for a {@link DensityGrid}). */
export function voxelVolume(grid: Pick<DensityGrid, "axes">): number {
  const [a0, a1, a2] = grid.axes;
  return Math.abs(dot(a0, cross(a1, a2)));
}

/** Integral of the grid values, sum * voxel volume (electrons for a density in electrons/A^3). */
export function integrateGrid(grid: DensityGrid): number {
  let s = 0;
  for (let i = 0; i < grid.values.length; i++) s += grid.values[i];
  return s * voxelVolume(grid);
}
