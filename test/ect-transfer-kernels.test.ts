/**
 * The induction kernels (assembly/ect-polarization.ts, driven by PolarizationKernel) against their
 * TypeScript reference (src/ect/transfer/polarization.ts), with the shipped model (confined
 * polarizabilities, DSF) at the solved weights of a rattled periodic NaCl cell and of a LiF cluster:
 * energy, dE/dw (what the gradients by the transfer variables are made of), forces, virial,
 * per-atom energies and the induced dipole agree to round-off. The kernels' exponential is
 * AssemblyScript's, not V8's, so the comparison is relative, not bit for bit.
 */
import { describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { EctEngine } from "../src/ect/engine.js";
import { readEctModelFile } from "../src/ect/model-file.js";
import { buildEctTables } from "../src/ect/tables.js";
import type { NeighborView } from "../src/ect/transfer/bond-list.js";
import { Polarization } from "../src/ect/transfer/polarization.js";
import { SLOTS } from "../src/ect/transfer/transfer-energy.js";
import { rocksalt } from "../src/structures/lattice.js";

const tables = buildEctTables(readEctModelFile("models/ect-fitted.json"));

/** Test access to the engine's buffers and context. */
interface Internals {
  n: number;
  raw(name: string): Float64Array | Int32Array;
  getCtx(field: string): number;
  setCtx(field: string, value: number): void;
}

function viewOf(e: Internals): NeighborView {
  const f = (name: string) => e.raw(name) as Float64Array, i = (name: string) => e.raw(name) as Int32Array;
  return { n: e.n, type: i("type"), x: f("x"), y: f("y"), z: f("z"), ghostOwner: i("ghostOwner"), ghostShift: f("ghostShift"), numNeigh: i("numNeigh"), firstNeigh: i("firstNeigh"), neigh: i("neigh") };
}

/** max |a - b| over max |b| (0 when both vanish). */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0, s = 0;
  for (let k = 0; k < b.length; k++) {
    d = Math.max(d, Math.abs(a[k] - b[k]));
    s = Math.max(s, Math.abs(b[k]));
  }
  return s === 0 ? d : d / s;
}

const VIRIAL = ["vxx", "vyy", "vzz", "vyz", "vxz", "vxy"];

async function compare(atoms: Atoms): Promise<void> {
  const engine = await EctEngine.create(tables);
  engine.setAtoms(atoms);
  engine.compute();
  const e = engine as unknown as Internals, n = atoms.length;
  const kernel = engine.polarization!;
  const ref = new Polarization(tables.polarization!, tables);
  ref.collect(viewOf(e), -1, e.getCtx("skin"));
  // The weights in the kernels' buffer are the solved ones (energy's precondition).
  const w = engine.weights();
  const epsK = new Float64Array(n * SLOTS), epsR = new Float64Array(n * SLOTS);
  const eK = kernel.energy(w, epsK), eR = ref.energy(w, epsR);
  expect(Math.abs(eR)).toBeGreaterThan(1e-6);
  expect(Math.abs(eK - eR)).toBeLessThan(1e-12 * Math.abs(eR) + 1e-14);
  expect(relErr(epsK, epsR)).toBeLessThan(1e-12);
  const dK = kernel.dipole(), dR = ref.dipole();
  expect(relErr(dK, dR)).toBeLessThan(1e-11);
  // Forces, virial and per-atom energies: the kernel adds into the engine's buffers and tallies.
  const fx = e.raw("fx") as Float64Array, fy = e.raw("fy") as Float64Array, fz = e.raw("fz") as Float64Array, eatom = e.raw("eatom") as Float64Array;
  for (const a of [fx, fy, fz, eatom]) a.fill(0, 0, n);
  for (const v of VIRIAL) e.setCtx(v, 0);
  e.setCtx("tally", 1);
  kernel.forces(fx, fy, fz, new Float64Array(6), eatom);
  const rx = new Float64Array(n), ry = new Float64Array(n), rz = new Float64Array(n), rv = new Float64Array(6), re = new Float64Array(n);
  ref.forces(rx, ry, rz, rv, re);
  const fK = [...fx.subarray(0, n), ...fy.subarray(0, n), ...fz.subarray(0, n)], fR = [...rx, ...ry, ...rz];
  expect(Math.max(...fR.map(Math.abs))).toBeGreaterThan(1e-6);
  expect(relErr(fK, fR)).toBeLessThan(1e-11);
  expect(relErr(VIRIAL.map((v) => e.getCtx(v)), rv)).toBeLessThan(1e-11);
  expect(relErr(eatom.subarray(0, n), re)).toBeLessThan(1e-12);
}

const rattle = (base: Atoms, amp: number): Atoms => {
  const p = Float64Array.from(base.positions, (v, k) => v + amp * Math.sin(1.7 * k + 0.4));
  return new Atoms({ symbols: base.symbols, positions: p, cell: base.cell, pbc: base.pbc });
};

describe("induction kernels against the TypeScript reference (shipped model)", () => {
  it("a rattled periodic NaCl cell with DSF", async () => {
    await compare(rattle(rocksalt("Na", "Cl", 5.64, 2), 0.15));
  }, 60_000);

  it("a rattled LiF cluster", async () => {
    const crystal = rocksalt("Li", "F", 4.03, 1);
    await compare(rattle(new Atoms({ symbols: crystal.symbols, positions: Float64Array.from(crystal.positions, (v) => v + 5), pbc: [false, false, false] }), 0.2));
  }, 60_000);
});
