// Cross-check against a live LAMMPS (29Sep2021, `lmp` on PATH) on freshly generated structures,
// built the way test/fixtures/ref was (see its README), so that a mismatch shows up here before the
// held-out reference set ("other cells, seeds and sizes, including a cell shorter than the cutoff and
// a slab of each potential") finds it. Every structure is run through LAMMPS once (in parallel,
// in beforeAll); both kernel builds are compared with that run three ways: a fresh calculator on the
// generated structure, a fresh calculator on the structure as a reference extxyz file would give it
// (LAMMPS-wrapped positions, parsed back), and one calculator reused over all structures of a
// potential (forward and reverse; "_moved"/"_kicked" twins follow their base structure so the
// neighbor list is reused or rebuilt). Skipped entirely when no LAMMPS executable is found.
// The worst errors per quantity are printed at the end; on failure the LAMMPS work directory is kept.
//
// Tolerances are those the held-out check uses: per-atom energy 1e-9 eV, force 1e-8 eV/A,
// stress 1e-9 eV/A^3 (observed agreement is ~1e-13).
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeWith, need } from "./helpers/tools.js";
import { Atoms } from "../src/atoms.js";
import { bulk, type CubicStructure } from "../src/structures/lattice.js";
import { EamCalculator, type EamResults } from "../src/eam/calculator.js";
import type { KernelVariant } from "../src/engine/wasm.js";
import { parseExtxyz } from "../src/io/extxyz.js";
import type { EamPotential, EamStyle } from "../src/potentials/types.js";
import { runLammpsPoint, type LammpsPoint } from "./helpers/lammps-run.js";
import { bundledPotential, maxDiff } from "./helpers/compare.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const POT = join(ROOT, "potentials");
const VARIANTS: KernelVariant[] = ["simd", "scalar"];

const TOL = {
  atomEnergy: 1e-9, // eV, each e_i
  energyPerAtom: 1e-9, // eV, |E - E_ref| / N
  force: 1e-8, // eV/A, each component
  stress: 1e-9, // eV/A^3, each Voigt component
  virial: 1e-8, // eV, each component (clusters have no stress; this is what test/reference uses)
};

// ------------------------------------------------------------------------------------------------
// Seeded PRNG (mulberry32) with Gaussian deviates, so the structures are the same on every run.
class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = (seed * 0x9e3779b1) >>> 0;
  }
  uniform(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  normal(): number {
    const u = 1 - this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }
}

// ------------------------------------------------------------------------------------------------
// Small 3x3 helpers (row-major, rows are cell vectors; fractional s = x . inv(H)).
type M3 = number[];
const det3 = (h: M3) => h[0] * (h[4] * h[8] - h[5] * h[7]) - h[1] * (h[3] * h[8] - h[5] * h[6]) + h[2] * (h[3] * h[7] - h[4] * h[6]);
function inv3(h: M3): M3 {
  const d = det3(h);
  return [
    (h[4] * h[8] - h[5] * h[7]) / d, (h[2] * h[7] - h[1] * h[8]) / d, (h[1] * h[5] - h[2] * h[4]) / d,
    (h[5] * h[6] - h[3] * h[8]) / d, (h[0] * h[8] - h[2] * h[6]) / d, (h[2] * h[3] - h[0] * h[5]) / d,
    (h[3] * h[7] - h[4] * h[6]) / d, (h[1] * h[6] - h[0] * h[7]) / d, (h[0] * h[4] - h[1] * h[3]) / d,
  ];
}
/** Row vector v times matrix m. */
const vm = (v: number[], m: M3) => [0, 1, 2].map((c) => v[0] * m[c] + v[1] * m[3 + c] + v[2] * m[6 + c]);
const row = (a: ArrayLike<number>, i: number) => [a[3 * i], a[3 * i + 1], a[3 * i + 2]];

function make(symbols: string[], positions: number[], cell: M3, pbc: [boolean, boolean, boolean]): Atoms {
  return new Atoms({ symbols, positions, cell, pbc });
}

/** Same structure in LAMMPS' restricted-triclinic frame (rotated; fractional coordinates kept). */
function toRestricted(atoms: Atoms): Atoms {
  const h = Array.from(atoms.cell);
  if (!(det3(h) > 0)) throw new Error("toRestricted needs a right-handed cell");
  const [a, b, c] = [row(h, 0), row(h, 1), row(h, 2)];
  const dot = (u: number[], v: number[]) => u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
  const lx = Math.sqrt(dot(a, a));
  const xy = dot(b, a) / lx;
  const ly = Math.sqrt(dot(b, b) - xy * xy);
  const xz = dot(c, a) / lx;
  const yz = (dot(b, c) - xy * xz) / ly;
  const lz = Math.sqrt(dot(c, c) - xz * xz - yz * yz);
  const h2 = [lx, 0, 0, xy, ly, 0, xz, yz, lz];
  const g = inv3(h);
  const pos: number[] = [];
  for (let i = 0; i < atoms.length; i++) pos.push(...vm(vm(row(atoms.positions, i), g), h2));
  return make(atoms.symbols, pos, h2, atoms.pbc);
}

/**
 * Crystal whose periodic cell has rows `rows` (in units of a; they must be lattice vectors of the
 * cubic structure), in LAMMPS' restricted frame, atoms wrapped into the cell.
 */
function supercell(symbol: string, structure: CubicStructure, a: number, rows: M3): Atoms {
  const h = rows.map((v) => v * a);
  if (det3(h) < 0) for (let k = 6; k < 9; k++) h[k] = -h[k];
  const g = inv3(h);
  const basis = bulk(symbol, structure, 1, 1).positions; // fractional basis of the cubic cell
  const reach = Math.ceil(Math.max(...rows.map(Math.abs)) * 3) + 1;
  const pos: number[] = [];
  for (let i = -reach; i <= reach; i++) {
    for (let j = -reach; j <= reach; j++) {
      for (let k = -reach; k <= reach; k++) {
        for (let p = 0; p < basis.length; p += 3) {
          const x = [(i + basis[p]) * a, (j + basis[p + 1]) * a, (k + basis[p + 2]) * a];
          const s = vm(x, g);
          if (s.every((v) => v >= -1e-9 && v < 1 - 1e-9)) pos.push(...x);
        }
      }
    }
  }
  const want = Math.round((Math.abs(det3(h)) / a ** 3) * (basis.length / 3));
  if (pos.length / 3 !== want) throw new Error(`supercell: found ${pos.length / 3} atoms, expected ${want}`);
  return toRestricted(make(new Array(pos.length / 3).fill(symbol), pos, h, [true, true, true]));
}

/** Gaussian displacements, rms `rms` A (sigma = rms/sqrt(3) per component), as the references. */
function rattle(atoms: Atoms, rms: number, rng: Rng): Atoms {
  const p = Array.from(atoms.positions, (x) => x + (rms / Math.sqrt(3)) * rng.normal());
  return make(atoms.symbols, p, Array.from(atoms.cell), atoms.pbc);
}

/**
 * Same cell and species, atoms moved: all by Gaussian `rms`, and atom 0 additionally by `kick` A
 * along x. A calculator that saw `atoms` just before keeps its neighbor list for small moves and
 * must rebuild it for large ones (skin 1 A); LAMMPS just sees another structure.
 */
function moved(atoms: Atoms, rms: number, kick: number, rng: Rng): Atoms {
  const out = rattle(atoms, rms, rng);
  out.positions[0] += kick;
  return out;
}

/** Wraps periodic directions into [0, 1) fractional. */
function wrap(atoms: Atoms): Atoms {
  const h = Array.from(atoms.cell);
  const g = inv3(h);
  const pos: number[] = [];
  for (let i = 0; i < atoms.length; i++) {
    const s = vm(row(atoms.positions, i), g).map((v, d) => (atoms.pbc[d] ? v - Math.floor(v) : v));
    pos.push(...vm(s, h));
  }
  return make(atoms.symbols, pos, h, atoms.pbc);
}

/** Exactly round(fraction * N) atoms (chosen at random) become `minor`, the rest `major`. */
function alloy(atoms: Atoms, major: string, minor: string, fraction: number, rng: Rng): Atoms {
  const n = atoms.length;
  const k = Math.round(fraction * n);
  const idx = rng.shuffle([...Array(n).keys()]);
  const symbols = new Array<string>(n).fill(major);
  for (const i of idx.slice(0, k)) symbols[i] = minor;
  return make(symbols, Array.from(atoms.positions), Array.from(atoms.cell), atoms.pbc);
}

/** Homogeneous deformation x' = x . m (m lower triangular keeps the restricted frame). */
function deform(atoms: Atoms, m: M3): Atoms {
  const pos: number[] = [];
  for (let i = 0; i < atoms.length; i++) pos.push(...vm(row(atoms.positions, i), m));
  const cell = [0, 1, 2].flatMap((k) => vm(row(atoms.cell, k), m));
  return make(atoms.symbols, pos, cell, atoms.pbc);
}

/** Slab: periodic along a and b, open along c; c = (0, 0, thickness + vacuum), atoms centred in z. */
function slab(atoms: Atoms, vacuum: number): Atoms {
  const z = Array.from({ length: atoms.length }, (_, i) => atoms.positions[3 * i + 2]);
  const zmin = Math.min(...z), zmax = Math.max(...z);
  const lz = zmax - zmin + vacuum;
  const pos = Array.from(atoms.positions, (v, k) => (k % 3 === 2 ? v - zmin + vacuum / 2 : v));
  const h = Array.from(atoms.cell);
  h.splice(6, 3, 0, 0, lz);
  return make(atoms.symbols, pos, h, [true, true, false]);
}

/** Cluster: atoms of `atoms` within `radius` of atom `center`, in an open box with `margin` A around them. */
function cluster(atoms: Atoms, center: number, radius: number, margin: number): Atoms {
  const c = row(atoms.positions, center);
  const keep: number[] = [];
  for (let i = 0; i < atoms.length; i++) {
    const p = row(atoms.positions, i);
    if (Math.hypot(p[0] - c[0], p[1] - c[1], p[2] - c[2]) <= radius + 1e-9) keep.push(i);
  }
  const pos = keep.flatMap((i) => row(atoms.positions, i));
  const lo = [0, 1, 2].map((d) => Math.min(...keep.map((i) => atoms.positions[3 * i + d])));
  const hi = [0, 1, 2].map((d) => Math.max(...keep.map((i) => atoms.positions[3 * i + d])));
  const shifted = pos.map((v, k) => v - lo[k % 3] + margin);
  const cell = [hi[0] - lo[0] + 2 * margin, 0, 0, 0, hi[1] - lo[1] + 2 * margin, 0, 0, 0, hi[2] - lo[2] + 2 * margin];
  return make(keep.map((i) => atoms.symbols[i]), shifted, cell, [false, false, false]);
}

/** The atom nearest the middle of the cell. */
function central(atoms: Atoms): number {
  const mid = [0, 1, 2].map((d) => (atoms.cell[d] + atoms.cell[3 + d] + atoms.cell[6 + d]) / 2);
  let best = 0, bd = Infinity;
  for (let i = 0; i < atoms.length; i++) {
    const p = row(atoms.positions, i);
    const d = Math.hypot(p[0] - mid[0], p[1] - mid[1], p[2] - mid[2]);
    if (d < bd) [best, bd] = [i, d];
  }
  return best;
}

/** Minimum-image distance in a periodic cell (cells here are at least 2*dmin wide). */
function mic(h: M3, g: M3, p: number[], q: number[]): number {
  const s = vm([q[0] - p[0], q[1] - p[1], q[2] - p[2]], g).map((v) => v - Math.round(v));
  let best = Infinity;
  for (let i = -1; i <= 1; i++) for (let j = -1; j <= 1; j++) for (let k = -1; k <= 1; k++) {
    const d = vm([s[0] + i, s[1] + j, s[2] + k], h);
    best = Math.min(best, Math.hypot(d[0], d[1], d[2]));
  }
  return best;
}

/** Random periodic "liquid": n atoms in a restricted cell, no two closer than dmin (all pair distances sampled). */
function gas(symbols: string[], cell: M3, dmin: number, rng: Rng): Atoms {
  const g = inv3(cell);
  const pos: number[][] = [];
  for (let tries = 0; pos.length < symbols.length; tries++) {
    if (tries > 200000) throw new Error("gas: could not place the atoms");
    const p = vm([rng.uniform(), rng.uniform(), rng.uniform()], cell);
    if (pos.every((q) => mic(cell, g, p, q) >= dmin)) pos.push(p);
  }
  return make(symbols, pos.flat(), cell, [true, true, true]);
}

/**
 * The boundary case, from a perfect crystal `ideal` (wrapped, so some sites sit at fractional 0):
 * rattled, then each coordinate that is 0 on the ideal site is put exactly on a cell face (0, -0,
 * 1e-17, 1 - 1e-16 or exactly 1: the same periodic point), or left rattled (a few hundredths of an A
 * outside or inside), or moved by whole cell vectors; other atoms are moved by one or two cell
 * vectors, or by 1e-12 of one. Nothing is wrapped back: LAMMPS wraps on read_data, our engine must
 * wrap by itself. No two atoms come closer than in the rattled crystal.
 */
function boundaryCase(ideal: Atoms, rng: Rng): Atoms {
  const h = Array.from(ideal.cell);
  const g = inv3(h);
  const rattled = rattle(ideal, 0.1, rng);
  const onFace = [0, 1 - 1e-16, 1, -0, 1e-17];
  const shifts = [1, -1, 2, -2, 1 + 1e-12, -1e-12];
  const pos: number[] = [];
  let faces = 0, outside = 0;
  for (let i = 0; i < ideal.length; i++) {
    const s0 = vm(row(ideal.positions, i), g);
    const s = vm(row(rattled.positions, i), g);
    const face = [0, 1, 2].filter((d) => Math.abs(s0[d]) < 1e-9);
    if (face.length > 0) {
      for (const d of face) {
        const mode = Math.floor(rng.uniform() * 4);
        if (mode <= 1) s[d] = onFace[Math.floor(rng.uniform() * onFace.length)];
        else if (mode === 3) s[d] = onFace[Math.floor(rng.uniform() * onFace.length)] + shifts[Math.floor(rng.uniform() * 4)];
        // mode 2: keep the rattled value, just outside or inside the face
      }
      faces++;
    } else if (i % 3 === 0) {
      s[i % 3 === 0 ? Math.floor(rng.uniform() * 3) : 0] += shifts[Math.floor(rng.uniform() * shifts.length)];
    }
    if (s.some((v) => v < 0 || v >= 1)) outside++;
    pos.push(...vm(s, h));
  }
  if (faces < 4 || outside < 4) throw new Error(`boundaryCase: only ${faces} atoms on faces, ${outside} outside`);
  return make(ideal.symbols, pos, h, ideal.pbc);
}

/** Smallest distance between two atoms, periodic images included (brute force; small structures). */
function minDistance(atoms: Atoms): number {
  const h = atoms.cell;
  const p = atoms.positions;
  const w = atoms.pbc.some((q) => q) ? widths(atoms) : [];
  const reach = atoms.pbc.map((q, d) => (q ? Math.ceil(3 / w[atoms.pbc.slice(0, d).filter(Boolean).length]) : 0));
  const shifts: number[][] = [];
  for (let a = -reach[0]; a <= reach[0]; a++) for (let b = -reach[1]; b <= reach[1]; b++) for (let c = -reach[2]; c <= reach[2]; c++) {
    shifts.push([0, 1, 2].map((k) => a * h[k] + b * h[3 + k] + c * h[6 + k]));
  }
  let best2 = Infinity;
  for (let i = 0; i < atoms.length; i++) {
    for (let j = i; j < atoms.length; j++) {
      const dx = p[3 * j] - p[3 * i], dy = p[3 * j + 1] - p[3 * i + 1], dz = p[3 * j + 2] - p[3 * i + 2];
      for (const t of shifts) {
        const x = dx + t[0], y = dy + t[1], z = dz + t[2];
        const r2 = x * x + y * y + z * z;
        if (r2 < best2 && (i !== j || r2 > 1e-20)) best2 = r2;
      }
    }
  }
  return Math.sqrt(best2);
}

// ------------------------------------------------------------------------------------------------
// Cases.
interface Case {
  name: string;
  potential: string;
  style: EamStyle;
  atoms: Atoms;
  /** What the case is meant to exercise; checked before comparing (a broken generator must not pass silently). */
  expect?: {
    minWidthBelowCutoff?: boolean;
    largeTilt?: boolean;
    /** Densities above rhomax: "some" (at least one), "mixed" (some but not all), "none". */
    offTable?: "some" | "mixed" | "none";
    species?: string[];
    /** Some owned atom's density lies between the end of the F table and rhomax (funcfl only). */
    rhoInTableGap?: boolean;
  };
}

const POTS: Record<string, EamStyle> = {
  "Cu_u3.eam": "eam",
  "CuNi.eam.alloy": "eam/alloy",
  "Fe_mm.eam.fs": "eam/fs",
  "AlFe_mm.eam.fs": "eam/fs",
};

const potential = bundledPotential;

/** Widths (distance between opposite faces) of the periodic directions. */
function widths(atoms: Atoms): number[] {
  const g = inv3(Array.from(atoms.cell));
  return [0, 1, 2].filter((d) => atoms.pbc[d]).map((d) => 1 / Math.hypot(g[d], g[3 + d], g[6 + d]));
}

/**
 * Lattice constant (fcc, Cu_u3) at which the perfect-crystal density falls between the end of the
 * regridded F table, (nrho-1)*drho, and rhomax = one grid spacing further (LAMMPS funcfl keeps the
 * file's rhomax). Found by bisection on the density from a cheap direct sum of the tabulated rho(r).
 */
function cuRhoGapLattice(pot: EamPotential): number {
  const t = pot.rhor[0][0];
  const rhoOf = (r: number) => {
    let p = r / t.delta + 1;
    let m = Math.trunc(p);
    m = Math.max(1, Math.min(m, t.n - 1));
    p = Math.min(p - m, 1);
    const c = t.coeffs.subarray(7 * (m - 1), 7 * m);
    return ((c[3] * p + c[4]) * p + c[5]) * p + c[6];
  };
  const density = (a: number) => {
    // fcc lattice sum around an atom at the origin
    let rho = 0;
    const nmax = Math.ceil(pot.cutoff / a) + 1;
    for (let i = -nmax; i <= nmax; i++) for (let j = -nmax; j <= nmax; j++) for (let k = -nmax; k <= nmax; k++) {
      for (const [bx, by, bz] of [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]]) {
        const r = a * Math.hypot(i + bx, j + by, k + bz);
        if (r > 0 && r * r < pot.cutoff * pot.cutoff) rho += rhoOf(r);
      }
    }
    return rho;
  };
  const target = ((pot.nrho - 1) * pot.drho + pot.rhomax) / 2;
  let lo = 2.2, hi = 3.0; // density decreases with a
  for (let it = 0; it < 80; it++) {
    const mid = (lo + hi) / 2;
    if (density(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function buildCases(): Case[] {
  const cases: Case[] = [];
  const add = (c: Omit<Case, "style">) => cases.push({ ...c, style: POTS[c.potential] });
  const cuPot = potential("Cu_u3.eam");

  // ---------------- Cu_u3.eam (funcfl, pair_style eam), cutoff 4.95
  {
    const rng = new Rng(1001);
    const fcc1 = rattle(bulk("Cu", "fcc", 3.615, 1), 0.1, rng);
    add({ name: "cu_fcc1_rattled", potential: "Cu_u3.eam", atoms: fcc1, expect: { minWidthBelowCutoff: true } });
    add({ name: "cu_fcc1_rattled_moved", potential: "Cu_u3.eam", atoms: moved(fcc1, 0.08, 0.2, rng), expect: { minWidthBelowCutoff: true } });
    add({ name: "cu_fcc1_rattled_kicked", potential: "Cu_u3.eam", atoms: moved(fcc1, 0.05, 0.9, rng), expect: { minWidthBelowCutoff: true } });
    // 1x1x2 cell with b' = b + a, c' = c - a + b (tilts of a whole box length: needs `box tilt large`),
    // a small random strain on top so it is not the cubic lattice in disguise, then rattled
    const tilted = wrap(deform(supercell("Cu", "fcc", 3.615, [1, 0, 0, 1, 1, 0, -1, 1, 2]), [1.013, 0, 0, 0.021, 0.987, 0, -0.034, 0.017, 1.008]));
    add({ name: "cu_tri112_large_tilt", potential: "Cu_u3.eam", atoms: wrap(rattle(tilted, 0.1, rng)), expect: { largeTilt: true, minWidthBelowCutoff: true } });
    const cuSlab = slab(rattle(bulk("Cu", "fcc", 3.615, [2, 3, 3]), 0.1, rng), 14);
    add({ name: "cu_slab001", potential: "Cu_u3.eam", atoms: cuSlab });
    add({ name: "cu_slab001_moved", potential: "Cu_u3.eam", atoms: moved(cuSlab, 0.08, -0.3, rng) });
    // larger, moderately tilted cell (159 atoms)
    add({ name: "cu_tri_159", potential: "Cu_u3.eam", atoms: wrap(rattle(supercell("Cu", "fcc", 3.615, [3, 0, 0, 0.5, 3, 0.5, 0, 0.5, 4.5]), 0.1, rng)) });
    // (111) slab: in-plane rows (1/2)[1-10]*3 and (1/2)[01-1]*3 (tilt -lx/2), 6 layers
    add({ name: "cu_slab111", potential: "Cu_u3.eam", atoms: slab(rattle(supercell("Cu", "fcc", 3.615, [1.5, -1.5, 0, 0, 1.5, -1.5, 2, 2, 2]), 0.1, rng), 13) });
    const big = bulk("Cu", "fcc", 3.615, 4);
    add({ name: "cu_cluster", potential: "Cu_u3.eam", atoms: rattle(cluster(big, central(big), 5.8, 3), 0.1, rng) });
    // primitive (rhombohedral) fcc cell doubled along c: 2 atoms, widths 2.09 A
    add({ name: "cu_primitive_x2", potential: "Cu_u3.eam", atoms: wrap(rattle(supercell("Cu", "fcc", 3.615, [0, 0.5, 0.5, 0.5, 0, 0.5, 1, 1, 0]), 0.1, rng)), expect: { minWidthBelowCutoff: true } });
    add({ name: "cu_compressed_a3.0", potential: "Cu_u3.eam", atoms: rattle(bulk("Cu", "fcc", 3.0, [2, 1, 2]), 0.1, rng), expect: { offTable: "none" } });
    // densities around rhomax = 0.25: some atoms above it (F continued linearly), some below
    add({ name: "cu_compressed_a2.446", potential: "Cu_u3.eam", atoms: rattle(bulk("Cu", "fcc", 2.446, [1, 1, 2]), 0.06, rng), expect: { offTable: "mixed" } });
    add({ name: "cu_compressed_a2.4", potential: "Cu_u3.eam", atoms: rattle(bulk("Cu", "fcc", 2.4, [1, 2, 1]), 0.1, rng), expect: { offTable: "some" } });
    // densities between the F table's last node and rhomax (funcfl keeps the file's rhomax, one
    // spacing further): F is clamped to the last node, not yet continued linearly
    const aGap = cuRhoGapLattice(cuPot);
    add({ name: "cu_rho_table_gap", potential: "Cu_u3.eam", atoms: bulk("Cu", "fcc", aGap, 1), expect: { offTable: "none", rhoInTableGap: true } });
    add({ name: "cu_rho_table_gap_rattled", potential: "Cu_u3.eam", atoms: rattle(bulk("Cu", "fcc", aGap, [1, 1, 2]), 0.002, rng), expect: { rhoInTableGap: true } });
    add({ name: "cu_boundary_ortho", potential: "Cu_u3.eam", atoms: boundaryCase(bulk("Cu", "fcc", 3.615, [2, 2, 1]), rng) });
    const tri = deform(supercell("Cu", "fcc", 3.615, [2, 0, 0, 1, 1, 0, 0, -1, 2]), [1, 0, 0, 0.11, 1, 0, -0.07, 0.05, 1]);
    add({ name: "cu_boundary_tri", potential: "Cu_u3.eam", atoms: boundaryCase(tri, rng), expect: { largeTilt: true } });
    add({ name: "cu_gas", potential: "Cu_u3.eam", atoms: gas(new Array(20).fill("Cu"), [6.1, 0, 0, 1.3, 6.0, 0, -0.8, 0.9, 6.3], 1.7, rng) });
  }

  // ---------------- CuNi.eam.alloy (setfl, file order Ni Cu; LAMMPS types Cu=1 Ni=2), cutoff 6.39
  {
    const rng = new Rng(2002);
    add({ name: "cuni_rattled_222_ni30", potential: "CuNi.eam.alloy", atoms: rattle(alloy(bulk("Cu", "fcc", 3.57, 2), "Cu", "Ni", 0.3, rng), 0.1, rng), expect: { species: ["Cu", "Ni"] } });
    add({ name: "cuni_slab001", potential: "CuNi.eam.alloy", atoms: slab(rattle(alloy(bulk("Cu", "fcc", 3.56, [2, 2, 3]), "Cu", "Ni", 0.5, rng), 0.1, rng), 15), expect: { species: ["Cu", "Ni"] } });
    add({ name: "cuni_fcc1", potential: "CuNi.eam.alloy", atoms: rattle(alloy(bulk("Cu", "fcc", 3.57, 1), "Cu", "Ni", 0.5, rng), 0.1, rng), expect: { minWidthBelowCutoff: true, species: ["Cu", "Ni"] } });
    const tri = wrap(deform(supercell("Cu", "fcc", 3.57, [1, 0, 0, -1, 2, 0, 1, 1, 1]), [0.99, 0, 0, -0.03, 1.02, 0, 0.05, -0.02, 1]));
    const cuniTri = wrap(rattle(alloy(tri, "Ni", "Cu", 0.4, rng), 0.1, rng));
    add({ name: "cuni_tri_large_tilt", potential: "CuNi.eam.alloy", atoms: cuniTri, expect: { largeTilt: true, minWidthBelowCutoff: true, species: ["Cu", "Ni"] } });
    add({ name: "cuni_tri_large_tilt_moved", potential: "CuNi.eam.alloy", atoms: moved(cuniTri, 0.08, 0.35, rng), expect: { largeTilt: true, species: ["Cu", "Ni"] } });
    add({ name: "cuni_444_rattled", potential: "CuNi.eam.alloy", atoms: rattle(alloy(bulk("Cu", "fcc", 3.57, 4), "Cu", "Ni", 0.5, rng), 0.1, rng), expect: { species: ["Cu", "Ni"] } });
    add({ name: "cuni_perfect_323", potential: "CuNi.eam.alloy", atoms: alloy(bulk("Cu", "fcc", 3.57, [3, 2, 3]), "Cu", "Ni", 0.5, rng), expect: { species: ["Cu", "Ni"] } });
    // primitive fcc cell doubled: one Ni and one Cu
    const prim = wrap(rattle(supercell("Cu", "fcc", 3.56, [0.5, 0.5, 0, 0, 0.5, 0.5, 1, 0, 1]), 0.1, rng));
    prim.symbols = ["Ni", "Cu"];
    add({ name: "cuni_primitive_x2", potential: "CuNi.eam.alloy", atoms: prim, expect: { minWidthBelowCutoff: true, species: ["Cu", "Ni"] } });
    add({ name: "cuni_compressed_a2.72", potential: "CuNi.eam.alloy", atoms: rattle(alloy(bulk("Cu", "fcc", 2.72, [2, 1, 1]), "Cu", "Ni", 0.5, rng), 0.05, rng), expect: { offTable: "mixed", species: ["Cu", "Ni"] } });
    add({ name: "cuni_cu_only", potential: "CuNi.eam.alloy", atoms: rattle(bulk("Cu", "fcc", 3.6, [1, 2, 1]), 0.1, rng), expect: { species: ["Cu"] } });
    add({ name: "cuni_ni_only", potential: "CuNi.eam.alloy", atoms: rattle(bulk("Ni", "fcc", 3.52, [1, 1, 2]), 0.1, rng), expect: { species: ["Ni"] } });
    const big = alloy(bulk("Cu", "fcc", 3.57, 4), "Cu", "Ni", 0.5, rng);
    add({ name: "cuni_cluster", potential: "CuNi.eam.alloy", atoms: rattle(cluster(big, central(big), 5.5, 3.5), 0.1, rng), expect: { species: ["Cu", "Ni"] } });
    const g = gas(new Array(22).fill("Cu"), [6.5, 0, 0, 0, 6.2, 0, 0, 0, 6.4], 1.8, rng);
    add({ name: "cuni_gas", potential: "CuNi.eam.alloy", atoms: alloy(g, "Cu", "Ni", 0.45, rng), expect: { species: ["Cu", "Ni"] } });
  }

  // ---------------- Fe_mm.eam.fs (Finnis-Sinclair, one element), cutoff 5.3
  {
    const rng = new Rng(3003);
    add({ name: "fe_bcc222_rattled", potential: "Fe_mm.eam.fs", atoms: rattle(bulk("Fe", "bcc", 2.855, 2), 0.1, rng) });
    const fe1 = rattle(bulk("Fe", "bcc", 2.855, 1), 0.1, rng);
    add({ name: "fe_bcc1", potential: "Fe_mm.eam.fs", atoms: fe1, expect: { minWidthBelowCutoff: true } });
    add({ name: "fe_bcc1_moved", potential: "Fe_mm.eam.fs", atoms: moved(fe1, 0.08, -0.25, rng), expect: { minWidthBelowCutoff: true } });
    add({ name: "fe_bcc544_rattled", potential: "Fe_mm.eam.fs", atoms: rattle(bulk("Fe", "bcc", 2.855, [5, 4, 4]), 0.1, rng) });
    add({ name: "fe_perfect_333", potential: "Fe_mm.eam.fs", atoms: bulk("Fe", "bcc", 2.855, 3) });
    add({ name: "fe_slab001", potential: "Fe_mm.eam.fs", atoms: slab(rattle(bulk("Fe", "bcc", 2.855, [3, 2, 4]), 0.1, rng), 13) });
    // (110) slab: rows [1-10], [001]*2, [110]*2
    add({ name: "fe_slab110", potential: "Fe_mm.eam.fs", atoms: slab(rattle(supercell("Fe", "bcc", 2.855, [1, -1, 0, 0, 0, 2, 2, 2, 0]), 0.1, rng), 12.5) });
    const big = bulk("Fe", "bcc", 2.855, 4);
    add({ name: "fe_cluster", potential: "Fe_mm.eam.fs", atoms: rattle(cluster(big, central(big), 5.5, 3), 0.1, rng) });
    // primitive bcc cell doubled: 2 atoms, widths 2.33 A
    add({ name: "fe_primitive_x2", potential: "Fe_mm.eam.fs", atoms: wrap(rattle(supercell("Fe", "bcc", 2.855, [-0.5, 0.5, 0.5, 0.5, -0.5, 0.5, 1, 1, -1]), 0.1, rng)), expect: { minWidthBelowCutoff: true } });
    const tri = wrap(deform(supercell("Fe", "bcc", 2.855, [2, 0, 0, 1.5, 1.5, 0.5, -0.5, -0.5, 1.5]), [1.01, 0, 0, 0.04, 0.99, 0, -0.02, 0.03, 1.01]));
    add({ name: "fe_tri_large_tilt", potential: "Fe_mm.eam.fs", atoms: wrap(rattle(tri, 0.1, rng)), expect: { largeTilt: true, minWidthBelowCutoff: true } });
    add({ name: "fe_compressed_a1.69", potential: "Fe_mm.eam.fs", atoms: rattle(bulk("Fe", "bcc", 1.69, [2, 2, 1]), 0.05, rng), expect: { offTable: "mixed" } });
  }

  // ---------------- AlFe_mm.eam.fs (Finnis-Sinclair, file order Al Fe), cutoff 6.5
  {
    const rng = new Rng(4004);
    add({ name: "alfe_bcc222_al35", potential: "AlFe_mm.eam.fs", atoms: rattle(alloy(bulk("Fe", "bcc", 2.87, 2), "Fe", "Al", 0.35, rng), 0.1, rng), expect: { species: ["Al", "Fe"] } });
    add({ name: "alfe_b2_1x1x1", potential: "AlFe_mm.eam.fs", atoms: rattle(make(["Fe", "Al"], [0, 0, 0, 1.45, 1.45, 1.45], [2.9, 0, 0, 0, 2.9, 0, 0, 0, 2.9], [true, true, true]), 0.1, rng), expect: { minWidthBelowCutoff: true, species: ["Al", "Fe"] } });
    add({ name: "alfe_slab001", potential: "AlFe_mm.eam.fs", atoms: slab(rattle(alloy(bulk("Fe", "bcc", 2.87, [2, 3, 4]), "Fe", "Al", 0.3, rng), 0.1, rng), 14), expect: { species: ["Al", "Fe"] } });
    const big = alloy(bulk("Fe", "bcc", 2.87, 5), "Fe", "Al", 0.3, rng);
    const alfeCluster = rattle(cluster(big, central(big), 6.0, 3), 0.1, rng);
    add({ name: "alfe_cluster", potential: "AlFe_mm.eam.fs", atoms: alfeCluster, expect: { species: ["Al", "Fe"] } });
    add({ name: "alfe_cluster_moved", potential: "AlFe_mm.eam.fs", atoms: moved(alfeCluster, 0.08, 0.3, rng), expect: { species: ["Al", "Fe"] } });
    add({ name: "alfe_cluster_kicked", potential: "AlFe_mm.eam.fs", atoms: moved(alfeCluster, 0.05, -1.2, rng), expect: { species: ["Al", "Fe"] } });
    add({ name: "alfe_443_slab", potential: "AlFe_mm.eam.fs", atoms: slab(rattle(alloy(bulk("Fe", "bcc", 2.87, [4, 4, 3]), "Fe", "Al", 0.5, rng), 0.1, rng), 16), expect: { species: ["Al", "Fe"] } });
    add({ name: "alfe_fe_only_bcc222", potential: "AlFe_mm.eam.fs", atoms: rattle(bulk("Fe", "bcc", 2.87, 2), 0.1, rng), expect: { species: ["Fe"] } });
    add({ name: "alfe_fe_only_bcc1", potential: "AlFe_mm.eam.fs", atoms: rattle(bulk("Fe", "bcc", 2.87, 1), 0.1, rng), expect: { species: ["Fe"], minWidthBelowCutoff: true } });
    add({ name: "alfe_al_only_fcc222", potential: "AlFe_mm.eam.fs", atoms: rattle(bulk("Al", "fcc", 4.05, 2), 0.1, rng), expect: { species: ["Al"] } });
    add({ name: "alfe_al_only_slab", potential: "AlFe_mm.eam.fs", atoms: slab(rattle(bulk("Al", "fcc", 4.05, [1, 2, 3]), 0.1, rng), 14), expect: { species: ["Al"], minWidthBelowCutoff: true } });
    const tri = wrap(deform(supercell("Fe", "bcc", 2.87, [1, 0, 0, 1, 1, 0, -1, 1, 2]), [1, 0, 0, 0.06, 1.02, 0, 0.03, -0.05, 0.98]));
    add({ name: "alfe_tri_large_tilt", potential: "AlFe_mm.eam.fs", atoms: wrap(rattle(alloy(tri, "Fe", "Al", 0.5, rng), 0.1, rng)), expect: { species: ["Al", "Fe"], largeTilt: true, minWidthBelowCutoff: true } });
    const g = gas(new Array(24).fill("Fe"), [6.6, 0, 0, -1.1, 6.4, 0, 0.7, 1.2, 6.8], 1.9, rng);
    add({ name: "alfe_gas", potential: "AlFe_mm.eam.fs", atoms: alloy(g, "Fe", "Al", 0.4, rng), expect: { species: ["Al", "Fe"] } });
  }
  return cases;
}

/**
 * The structure as a reference file of test/fixtures/ref would hold it: extended XYZ with the
 * positions LAMMPS dumped (wrapped into the box along periodic directions), LAMMPS' forces, per-atom
 * energies, energy, and stress (periodic) or virial (cluster), with the `pbc` flags.
 */
function referenceExtxyz(c: Case, ref: LammpsPoint): string {
  const a = c.atoms;
  const f = (x: number) => String(x);
  const v = a.volume();
  const w = Array.from(ref.virial);
  const tf = (b: boolean) => (b ? "T" : "F");
  const extra = a.pbc.some((p) => p) ? `stress="${w.map((x) => f(-x / v)).join(" ")}"` : `virial="${w.map(f).join(" ")}"`;
  const lines = [
    String(a.length),
    `Lattice="${Array.from(a.cell, f).join(" ")}" Properties=species:S:1:pos:R:3:forces:R:3:energies:R:1 energy=${f(ref.pe)} ${extra} ` +
      `pbc="${a.pbc.map(tf).join(" ")}" potential=${c.potential} pair_style=${c.style} config_name=${c.name}`,
  ];
  for (let i = 0; i < a.length; i++) {
    const p = [0, 1, 2].map((k) => f(ref.positions[3 * i + k]));
    const F = [0, 1, 2].map((k) => f(ref.forces[3 * i + k]));
    lines.push(`${a.symbols[i]} ${p.join(" ")} ${F.join(" ")} ${f(ref.energies[i])}`);
  }
  return lines.join("\n") + "\n";
}

// ------------------------------------------------------------------------------------------------

/** Worst error seen per quantity over the whole file (printed at the end). */
const worst: Record<string, { d: number; where: string }> = {};
function record(what: string, d: number, where: string): void {
  if (!worst[what] || !(d <= worst[what].d)) worst[what] = { d, where };
}

describeWith("lmp", "LAMMPS cross-check on generated structures", () => {
  const cases = buildCases();
  const runs = new Map<string, Promise<LammpsPoint>>();
  let dir = "";
  let failed = false;
  const t0 = performance.now();

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "eam-lammps-xcheck-"));
    // run LAMMPS on every structure now, a few at a time; each test awaits its own structure
    const queue = cases.slice();
    // A run is ~0.2 s of wall time (lammpsEnv: no MPI daemon), much of it start-up waiting (not
    // CPU): more runs than cores at a time is fine.
    const limit = Math.max(8, availableParallelism());
    const gates: (() => void)[] = [];
    let active = 0;
    const acquire = () => (active < limit ? (active++, Promise.resolve()) : new Promise<void>((r) => gates.push(r)));
    const release = () => {
      const next = gates.shift();
      if (next) next();
      else active--;
    };
    for (const c of queue) {
      // one directory per structure: runs going on at the same time must not share a potential file
      const name = c.name.replace(/\./g, "p");
      const sub = join(dir, name);
      mkdirSync(sub);
      const p = acquire().then(() =>
        runLammpsPoint({ name, lmp: need("lmp"), dir: sub, atoms: c.atoms, potentialPath: join(POT, c.potential), pairStyle: c.style }).finally(release),
      );
      p.catch(() => {}); // reported by the test that awaits it
      runs.set(c.name, p);
    }
  });

  afterAll(() => {
    const lines = Object.entries(worst).map(([k, v]) => `  ${k.padEnd(22)} ${v.d.toExponential(2)}  (${v.where})`);
    console.log(
      `LAMMPS cross-check: ${cases.length} structures x ${VARIANTS.length} kernel variants in ${((performance.now() - t0) / 1000).toFixed(1)} s; worst |ours - LAMMPS|:\n${lines.join("\n")}`,
    );
    if (dir && !failed) rmSync(dir, { recursive: true, force: true });
    else if (dir) console.log(`LAMMPS inputs and outputs kept in ${dir}`);
  });

  it("the generated set covers the intended cases", () => {
    const names = new Set(cases.map((c) => c.name));
    expect(names.size).toBe(cases.length);
    for (const pot of Object.keys(POTS)) {
      const mine = cases.filter((c) => c.potential === pot);
      const cut = potential(pot).cutoff;
      expect(mine.some((c) => c.atoms.pbc.join() === "true,true,false"), `${pot}: a slab`).toBe(true);
      expect(mine.some((c) => c.atoms.pbc.every((p) => !p)), `${pot}: a cluster`).toBe(true);
      expect(mine.some((c) => c.atoms.pbc.every((p) => p) && Math.min(...widths(c.atoms)) < cut), `${pot}: a cell narrower than the cutoff`).toBe(true);
    }
    for (const c of cases) {
      const e = c.expect ?? {};
      const cut = potential(c.potential).cutoff;
      if (e.minWidthBelowCutoff) expect(Math.min(...widths(c.atoms)), `${c.name}: narrowest width < cutoff ${cut}`).toBeLessThan(cut);
      if (e.largeTilt) {
        const h = c.atoms.cell;
        const ratio = Math.max(Math.abs(h[3] / h[0]), Math.abs(h[6] / h[0]), Math.abs(h[7] / h[4]));
        expect(ratio, `${c.name}: some tilt factor above half the box`).toBeGreaterThan(0.5);
      }
      if (e.species) expect([...new Set(c.atoms.symbols)].sort(), `${c.name}: species`).toEqual(e.species);
      // no accidental near-overlaps: forces there are huge and only round-off could be compared
      expect(minDistance(c.atoms), `${c.name}: closest pair`).toBeGreaterThan(1.1);
    }
  });

  for (const c of cases) {
    describe(c.name, () => {
      for (const variant of VARIANTS) {
        it(`${variant} kernels match LAMMPS (${c.potential}, ${c.atoms.length} atoms, pbc ${c.atoms.pbc.map((p) => (p ? "T" : "F")).join("")})`, async () => {
          try {
            await check(c, variant);
          } catch (err) {
            failed = true;
            throw err;
          }
        }, 60_000);
      }
    });
  }

  // One calculator per potential, fed every structure of that potential in turn, then in reverse:
  // the engine must reset its state between systems of different sizes, cells and species, and
  // reuse or rebuild its neighbor list correctly when only the positions change (the "_moved" and
  // "_kicked" twins follow their base structure).
  for (const potName of Object.keys(POTS)) {
    for (const variant of VARIANTS) {
      it(`${variant}: one calculator reused over all ${potName} structures (forward, then reverse) matches LAMMPS`, async () => {
        try {
          const mine = cases.filter((c) => c.potential === potName);
          const calc = await EamCalculator.create(potential(potName), { variant });
          calc.onWarning = () => {};
          const errors: string[] = [];
          for (const [pass, list] of [["forward", mine], ["reverse", mine.slice().reverse()]] as const) {
            for (const c of list) {
              const ref = await runs.get(c.name)!;
              try {
                compare(c, calc.calculate(c.atoms), ref, `${c.name} [${variant}, reused calculator, ${pass}]`, false);
              } catch (err) {
                errors.push((err as Error).message);
              }
            }
          }
          if (errors.length) throw new Error(errors.join("\n"));
        } catch (err) {
          failed = true;
          throw err;
        }
      }, 120_000);
    }
  }

  async function check(c: Case, variant: KernelVariant): Promise<void> {
    const ref = await runs.get(c.name)!;
    const atoms = c.atoms;
    const n = atoms.length;
    const label = `${c.name} [${variant}]`;

    // LAMMPS read the structure we meant: type map by name, same positions up to lattice vectors
    expect(ref.typeSpecies).toEqual([...new Set(atoms.symbols)].sort());
    for (let i = 0; i < n; i++) expect(ref.typeSpecies[ref.types[i] - 1], `${label}: LAMMPS type of atom ${i}`).toBe(atoms.symbols[i]);
    const h = Array.from(atoms.cell);
    const g = inv3(h);
    for (let i = 0; i < n; i++) {
      const d = [0, 1, 2].map((k) => ref.positions[3 * i + k] - atoms.positions[3 * i + k]);
      const s = vm(d, g);
      for (let k = 0; k < 3; k++) {
        const off = atoms.pbc[k] ? Math.abs(s[k] - Math.round(s[k])) : Math.abs(s[k]);
        expect(off, `${label}: LAMMPS position of atom ${i} differs from ours by ${d} (not a lattice vector)`).toBeLessThan(1e-9);
      }
    }
    expect(Math.abs(ref.volume - atoms.volume()) / atoms.volume(), `${label}: LAMMPS box volume ${ref.volume} vs ${atoms.volume()}`).toBeLessThan(1e-12);

    const pot = potential(c.potential);
    expect(pot.style).toBe(c.style);
    const calc = await EamCalculator.create(pot, { variant });
    const warnings: string[] = [];
    calc.onWarning = (m) => warnings.push(m);
    const r = calc.calculate(atoms);
    compare(c, r, ref, label, true);
    if (c.expect?.offTable === "some" || c.expect?.offTable === "mixed") {
      expect(warnings.length, `${label}: one warning about off-table densities`).toBe(1);
    }

    // the same structure the way the (held-out) reference files give it: LAMMPS-wrapped positions,
    // read back from extended XYZ, evaluated by a fresh calculator
    const [fromFile] = parseExtxyz(referenceExtxyz(c, ref), `${c.name}.extxyz`);
    expect(fromFile.pbc).toEqual(atoms.pbc);
    expect(fromFile.symbols).toEqual(atoms.symbols);
    const calc2 = await EamCalculator.create(pot, { variant });
    calc2.onWarning = () => {};
    compare({ ...c, atoms: fromFile }, calc2.calculate(fromFile), ref, `${label} (as a reference extxyz file)`, false);
  }

  /** Checks the case's own expectations (when `own`) and the LAMMPS tolerances; throws listing every failure. */
  function compare(c: Case, r: EamResults, ref: LammpsPoint, label: string, own: boolean): void {
    const atoms = c.atoms;
    const n = atoms.length;
    const h = Array.from(atoms.cell);
    const pot = potential(c.potential);

    // the case exercises what it claims
    const e = own ? (c.expect ?? {}) : {};
    if (e.offTable === "some" || e.offTable === "mixed") {
      expect(r.offTableDensities, `${label}: some densities above rhomax ${pot.rhomax}`).toBeGreaterThan(0);
      if (e.offTable === "mixed") expect(r.offTableDensities, `${label}: not all densities above rhomax ${pot.rhomax}`).toBeLessThan(n);
    }
    if (e.offTable === "none") expect(r.offTableDensities, `${label}: no density above rhomax ${pot.rhomax}`).toBe(0);
    if (e.rhoInTableGap) {
      const end = (pot.nrho - 1) * pot.drho;
      expect(r.densities.some((rho) => rho > end && rho <= pot.rhomax), `${label}: a density in (${end}, ${pot.rhomax}], got ${r.densities[0]}`).toBe(true);
    }

    const fail: string[] = [];
    const cmp = (what: string, got: ArrayLike<number>, want: ArrayLike<number>, tol: number, unit: string, index: (k: number) => string) => {
      const { d, at } = maxDiff(got, want);
      record(what, d, label);
      if (!(d <= tol)) {
        fail.push(`${what}: max |ours - LAMMPS| = ${d.toExponential(3)} ${unit} > ${tol} at ${index(at)} (ours ${got[at]}, LAMMPS ${want[at]})`);
      }
    };
    const xyz = (k: number) => `atom ${Math.floor(k / 3)} ${"xyz"[k % 3]} (${atoms.symbols[Math.floor(k / 3)]})`;
    cmp("per-atom energy", r.energies, ref.energies, TOL.atomEnergy, "eV", (k) => `atom ${k} (${atoms.symbols[k]}, rho ${r.densities[k]})`);
    cmp("energy/N", [r.energy / n], [ref.pe / n], TOL.energyPerAtom, "eV", () => `total ${r.energy} vs ${ref.pe}`);
    cmp("force", r.forces, ref.forces, TOL.force, "eV/A", xyz);
    const names = ["xx", "xy", "xz", "yx", "yy", "yz", "zx", "zy", "zz"];
    cmp("virial", r.virial, ref.virial, TOL.virial, "eV", (k) => `W_${names[k]}`);
    if (atoms.pbc.some((p) => p)) {
      const v = atoms.volume();
      const w = ref.virial;
      const refStress = [w[0], w[4], w[8], w[5], w[2], w[1]].map((x) => -x / v);
      if (r.stress === null) fail.push(`stress: null for a periodic structure (pbc ${atoms.pbc})`);
      else cmp("stress", r.stress, refStress, TOL.stress, "eV/A^3", (k) => `Voigt ${["xx", "yy", "zz", "yz", "xz", "xy"][k]}`);
    } else if (r.stress !== null) {
      fail.push(`stress: expected null for a cluster, got [${Array.from(r.stress)}]`);
    }
    if (fail.length) {
      throw new Error(`${label} (${c.potential}, ${n} atoms, pbc ${atoms.pbc}, cell [${h.map((x) => +x.toFixed(6))}]) disagrees with LAMMPS:\n  ${fail.join("\n  ")}`);
    }
  }
});
