// The neighbor build skips, per stencil row, the bins and the candidates at the row's ends whose
// keys all fail the half-list test (assembly/neighbors.ts). That must leave the list exactly as the
// full scan makes it: the same neighbors in the same order (sums over the list run in that order).
// Checked against a JavaScript scan of every candidate of every row, right after a build, on a
// lattice in index order (whole rows skipped), the same atoms in a random order (few skipped) and
// a rattled crystal, with both kernel builds.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Atoms } from "../src/atoms.js";
import { Random } from "../src/dynamics/random.js";
import { EamEngine } from "../src/eam/engine.js";
import type { KernelVariant } from "../src/engine/wasm.js";
import { readEamPotentialFile } from "../src/potentials/eam-file.js";
import { bulk } from "../src/structures/lattice.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

interface Internals {
  raw(name: string): Float64Array | Int32Array;
  getCtx(field: string): number;
}

/** Every candidate of every stencil row, in the kernel's order, kept when within reach and key(j) > 2 i. */
function fullScan(e: EamEngine, n: number): number[] {
  const k = e as unknown as Internals;
  const x = k.raw("x"), y = k.raw("y"), z = k.raw("z");
  const start = k.raw("binStart"), atoms = k.raw("binAtoms"), key = k.raw("binOf");
  const nx = k.getCtx("binsX"), ny = k.getCtx("binsY"), nz = k.getCtx("binsZ");
  const lx = k.getCtx("binLoX"), ly = k.getCtx("binLoY"), lz = k.getCtx("binLoZ"), inv = k.getCtx("binInv");
  const reach = k.getCtx("cutoff") + k.getCtx("skin");
  const reachSq = reach * reach;
  const span = Math.ceil(reach * inv);
  const bin = (v: number, lo: number, nb: number) => Math.min(Math.max(Math.trunc((v - lo) * inv), 0), nb - 1);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const bx = bin(x[i], lx, nx), by = bin(y[i], ly, ny), bz = bin(z[i], lz, nz);
    for (let cz = Math.max(bz - span, 0); cz <= Math.min(bz + span, nz - 1); cz++) {
      for (let cy = Math.max(by - span, 0); cy <= Math.min(by + span, ny - 1); cy++) {
        const row = (cz * ny + cy) * nx;
        const s = start[row + Math.max(bx - span, 0)], end = start[row + Math.min(bx + span, nx - 1) + 1];
        for (let q = s; q < end; q++) {
          const j = atoms[q];
          const dx = x[i] - x[j], dy = y[i] - y[j], dz = z[i] - z[j];
          if (dx * dx + dy * dy + dz * dz < reachSq && key[q] > 2 * i) out.push(j);
        }
      }
    }
  }
  return out;
}

function permuted(a: Atoms, seed: number): Atoms {
  const n = a.length, rng = new Random(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const b = a.copy();
  for (let i = 0; i < n; i++) {
    b.symbols[i] = a.symbols[order[i]];
    b.masses[i] = a.masses[order[i]];
    for (let d = 0; d < 3; d++) b.positions[3 * i + d] = a.positions[3 * order[i] + d];
  }
  return b;
}

describe("neighbor build: pruned rows give the full scan's list", () => {
  const pot = readEamPotentialFile(join(ROOT, "potentials", "Cu_u3.eam"));
  const lattice = bulk("Cu", "fcc", 3.615, 8);
  const rattled = lattice.copy();
  const rng = new Random(3);
  for (let k = 0; k < rattled.positions.length; k++) rattled.positions[k] += 0.2 * rng.normal();
  const cases: [string, Atoms][] = [["lattice in index order", lattice], ["random order", permuted(lattice, 5)], ["rattled", rattled]];
  for (const variant of ["simd", "scalar"] as KernelVariant[]) {
    for (const [name, atoms] of cases) {
      it(`${variant}, ${name}`, async () => {
        const e = await EamEngine.create(pot, { variant });
        e.setAtoms(atoms);
        e.rebuild();
        const list = e.neighborOrder();
        const ref = fullScan(e, atoms.length);
        expect(list.length).toBe(ref.length);
        expect(list.length).toBeGreaterThan(30 * atoms.length);
        for (let q = 0; q < ref.length; q++) if (list[q] !== ref[q]) expect.fail(`entry ${q}: ${list[q]} vs the full scan's ${ref[q]}`);
      });
    }
  }
});
