import { Atoms } from "../atoms.js";
import { atomicNumber } from "../elements.js";
import { InputError } from "../errors.js";
import { supercell } from "./supercell.js";

/** Low-index surfaces {@link surfaceSlab} builds. */
export type MillerIndex = "100" | "110" | "111";

/** Cubic lattices {@link surfaceSlab} supports. */
export type SlabLattice = "fcc" | "bcc";

interface Orientation {
  /** In-plane periodic vectors (orthogonal) and unit normal, in units of a, conventional frame. */
  u: [number, number, number];
  v: [number, number, number];
  n: [number, number, number];
  /** Interlayer spacing in units of a. */
  d: number;
}

const S2 = Math.SQRT2;
const S3 = Math.sqrt(3);
const ORIENTATIONS: Record<SlabLattice, Record<MillerIndex, Orientation>> = {
  fcc: {
    "100": { u: [1, 0, 0], v: [0, 1, 0], n: [0, 0, 1], d: 1 / 2 },
    "110": { u: [0, 0, 1], v: [1 / 2, -1 / 2, 0], n: [1 / S2, 1 / S2, 0], d: 1 / (2 * S2) },
    "111": { u: [1 / 2, -1 / 2, 0], v: [1 / 2, 1 / 2, -1], n: [1 / S3, 1 / S3, 1 / S3], d: 1 / S3 },
  },
  bcc: {
    "100": { u: [1, 0, 0], v: [0, 1, 0], n: [0, 0, 1], d: 1 / 2 },
    "110": { u: [0, 0, 1], v: [1, -1, 0], n: [1 / S2, 1 / S2, 0], d: 1 / S2 },
    "111": { u: [1, -1, 0], v: [1, 1, -2], n: [1 / S3, 1 / S3, 1 / S3], d: S3 / 6 },
  },
};

const BASIS: Record<SlabLattice, [number, number, number][]> = {
  fcc: [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]],
  bcc: [[0, 0, 0], [0.5, 0.5, 0.5]],
};

/** Options of {@link surfaceSlab}. */
export interface SlabOptions {
  /** In-plane repeats of the smallest orthogonal surface cell (default [1, 1]). */
  repeat?: [number, number];
  /** Length of the cell's c vector beyond the slab, A (default 10; with open z it only sets the box). */
  vacuum?: number;
  /** Make z periodic too (slab and vacuum repeat along z); default false (open along z). */
  periodicZ?: boolean;
}

/** Interlayer spacing of a low-index surface, A. */
export function layerSpacing(structure: SlabLattice, miller: MillerIndex, a: number): number {
  return ORIENTATIONS[structure][miller].d * a;
}

/**
 * A slab of `layers` atomic planes of a cubic crystal with the (`miller`) surface normal to z,
 * lattice constant `a` in A. The in-plane cell is the smallest orthogonal one with that surface:
 * fcc (100) a x a, 2 atoms per layer; fcc (110) a x a/sqrt2, 1; fcc (111) a/sqrt2 x a sqrt(3/2), 2;
 * bcc (100) a x a, 1; bcc (110) a x a sqrt2, 2; bcc (111) a sqrt2 x a sqrt6, 2. Layers are a/2,
 * a/(2 sqrt2), a/sqrt3 (fcc) and a/2, a/sqrt2, a sqrt3/6 (bcc) apart, the bottom one at z = 0.
 * Cell rows: (Lx, 0, 0), (0, Ly, 0), (0, 0, layers*d + vacuum); periodic in x and y, open along z
 * unless `periodicZ`. Atom order: for each in-plane repeat, layer by layer from the bottom; the integer array `layer` holds
 * each atom's layer (0 = bottom), and `info` holds miller, layers and the surface area (A^2).
 * @throws InputError for an unknown element, lattice or surface, non-positive a, or layers < 1.
 */
export function surfaceSlab(symbol: string, structure: SlabLattice, a: number, miller: MillerIndex, layers: number, opts: SlabOptions = {}): Atoms {
  if (atomicNumber(symbol) === undefined) throw new InputError(`unknown chemical symbol '${symbol}'`);
  if (!Object.prototype.hasOwnProperty.call(ORIENTATIONS, structure)) {
    throw new InputError(`surface slabs are built for fcc and bcc, got '${String(structure)}'`);
  }
  const o = ORIENTATIONS[structure][miller];
  if (o === undefined) throw new InputError(`surface (${String(miller)}) is not built; choose 100, 110 or 111`);
  if (!(a > 0) || !Number.isFinite(a)) throw new InputError(`lattice constant must be a positive number of A, got ${a}`);
  if (!Number.isInteger(layers) || layers < 1) throw new InputError(`layers must be a positive integer, got ${layers}`);
  const vacuum = opts.vacuum ?? 10;
  if (!(vacuum >= 0)) throw new InputError(`vacuum must be >= 0 A, got ${vacuum}`);
  const lu = Math.hypot(...o.u), lv = Math.hypot(...o.v);
  const ex = o.u.map((x) => x / lu), ey = o.v.map((x) => x / lv), ez = o.n;
  const reach = Math.ceil(lu + lv + layers * o.d) + 2;
  const sites: { m: number; x: number; y: number }[] = [];
  const eps = 1e-9;
  for (let i = -reach; i <= reach; i++) {
    for (let j = -reach; j <= reach; j++) {
      for (let k = -reach; k <= reach; k++) {
        for (const b of BASIS[structure]) {
          const r = [i + b[0], j + b[1], k + b[2]];
          const z = r[0] * ez[0] + r[1] * ez[1] + r[2] * ez[2];
          const m = Math.round(z / o.d);
          if (m < 0 || m >= layers) continue;
          const fx = (r[0] * ex[0] + r[1] * ex[1] + r[2] * ex[2]) / lu;
          const fy = (r[0] * ey[0] + r[1] * ey[1] + r[2] * ey[2]) / lv;
          if (fx < -eps || fx >= 1 - eps || fy < -eps || fy >= 1 - eps) continue;
          sites.push({ m, x: Math.max(fx, 0) * lu * a, y: Math.max(fy, 0) * lv * a });
        }
      }
    }
  }
  sites.sort((p, q) => p.m - q.m || p.x - q.x || p.y - q.y);
  const positions = new Float64Array(3 * sites.length);
  sites.forEach((s, k) => positions.set([s.x, s.y, s.m * o.d * a], 3 * k));
  const thickness = layers * o.d * a;
  const cell = [lu * a, 0, 0, 0, lv * a, 0, 0, 0, thickness + vacuum];
  const one = new Atoms({
    symbols: new Array<string>(sites.length).fill(symbol),
    positions,
    cell,
    pbc: [true, true, opts.periodicZ === true],
    arrays: { layer: { kind: "I", ncols: 1, data: Int32Array.from(sites, (s) => s.m) } },
  });
  const [nx, ny] = opts.repeat ?? [1, 1];
  const slab = supercell(one, [nx, ny, 1]);
  slab.info = { miller, layers, area: lu * a * nx * lv * a * ny };
  return slab;
}
