/**
 * The side-by-side run of test/ect-wasm-bonds.test.ts and its long form in
 * test/verify/ect-wasm-bonds.test.ts: the wasm bond refresh and frozen-product CG
 * (assembly/ect-bonds.ts, assembly/ect-frozen-cg.ts) against their TypeScript references, step by step.
 */
import { expect } from "vitest";
import { Atoms } from "../../src/atoms.js";
import { maxwellBoltzmann } from "../../src/dynamics/velocities.js";
import { EctEngine } from "../../src/ect/engine.js";
import { BOND_XL_DEFAULTS, type BondXlOptions } from "../../src/ect/transfer/bond-transfer.js";
import { rocksalt } from "../../src/structures/lattice.js";
import { expectBitwise, maxAbsDiff } from "./compare.js";
import { fittedTables } from "./fitted-md.js";

let tables: ReturnType<typeof fittedTables> | null = null;

async function engineOf(atoms: Atoms, xl: BondXlOptions, wasm: boolean): Promise<EctEngine> {
  tables ??= fittedTables();
  const e = await EctEngine.create(tables, { skin: 0.6 });
  e.bondSolver.xl = { ...xl };
  // The wasm CG loop runs the diagonal preconditioner only (the atom preconditioner's loop is
  // TypeScript): compare the two loops there.
  e.bondSolver.preconditioner = "diagonal";
  if (!wasm) e.bond!.refreshKernel = null;
  e.setAtoms(atoms);
  e.compute();
  return e;
}

/**
 * Runs both paths side by side (shipped model); every step's results must be the same bits: forces,
 * positions, Omega, solver state, and the bond sets' couplings, screening factors, blockers and live
 * lists. Returns the largest differences seen and the wasm path's neighbor-list builds.
 */
export async function sideBySide(atoms: Atoms, xl: BondXlOptions, steps: number, dt: number): Promise<{ force: number; energy: number; charge: number; builds: number }> {
  const wasm = await engineOf(atoms, xl, true), ref = await engineOf(atoms, xl, false);
  // Both kernels run on the wasm path (counted), none on the reference path.
  const kernel = wasm.bond!.refreshKernel!;
  let refreshes = 0, cgs = 0;
  const refresh = kernel.refresh.bind(kernel), frozenCg = kernel.frozenCg.bind(kernel);
  kernel.refresh = (...a) => (refreshes++, refresh(...a));
  kernel.frozenCg = (...a) => (cgs++, frozenCg(...a));
  let force = 0, energy = 0, charge = 0;
  for (let s = 0; s < steps; s++) {
    wasm.runVerlet(1, dt);
    ref.runVerlet(1, dt);
    force = Math.max(force, maxAbsDiff(wasm.forces(), ref.forces()));
    energy = Math.max(energy, Math.abs(wasm.grandPotential() - ref.grandPotential()), maxAbsDiff(wasm.energies(), ref.energies()));
    charge = Math.max(charge, maxAbsDiff(wasm.charges(), ref.charges()));
    const a = wasm.bond!.bonds!, b = ref.bond!.bonds!;
    expect(a.count).toBe(b.count);
    expect(a.liveCount).toBe(b.liveCount);
    expectBitwise(a.live.subarray(0, a.liveCount), b.live.subarray(0, b.liveCount), `live list, step ${s}`);
    for (const key of ["r", "dx", "h", "dh", "screen", "dFwd", "dRevDr", "screenedBy", "blockDist"] as const) {
      expectBitwise(a[key].subarray(0, a.count), b[key].subarray(0, b.count), `bonds.${key}, step ${s}`);
    }
  }
  expectBitwise(wasm.forces(), ref.forces(), "forces");
  expectBitwise(wasm.positions(), ref.positions(), "positions");
  expect(Object.is(wasm.grandPotential(), ref.grandPotential())).toBe(true);
  expectBitwise(wasm.solverState().weights, ref.solverState().weights, "solver state");
  expect(refreshes).toBeGreaterThan(steps / 2);
  expect(cgs).toBeGreaterThan(steps / 2);
  return { force, energy, charge, builds: wasm.neighborStats().builds };
}

/** A 64-atom LiF cell, every coordinate displaced by up to 0.25 A (partially screened bonds), 300 K. */
export function rattledLiF(): Atoms {
  const base = rocksalt("Li", "F", 4.03, 2);
  const p = Float64Array.from(base.positions, (v, k) => v + 0.25 * Math.sin(2.3 * k + 0.7));
  const atoms = new Atoms({ symbols: base.symbols, positions: p, cell: base.cell, pbc: base.pbc });
  atoms.velocities = maxwellBoltzmann(atoms.masses, 300, 7);
  return atoms;
}

/**
 * The 64-atom NaCl cell of the shipped model at 600 K (seed 5), `steps` shadow steps of 1 fs side by
 * side: the same bits at every step, across more than `minBuilds` list builds (npm test: 40 steps,
 * npm run verify: 120).
 */
export async function expectNaClShadowSideBySide(steps: number, minBuilds: number): Promise<void> {
  const atoms = rocksalt("Na", "Cl", 5.64, 2);
  atoms.velocities = maxwellBoltzmann(atoms.masses, 600, 5);
  const d = await sideBySide(atoms, { ...BOND_XL_DEFAULTS, method: "shadow" }, steps, 1.0);
  console.log(`wasm vs TypeScript bond refresh and CG, NaCl ${steps} steps: max |dF| ${d.force} eV/A, |dE| ${d.energy} eV, |dq| ${d.charge} e, ${d.builds} list builds`);
  expect(d.builds).toBeGreaterThan(minBuilds);
  expect(d.force).toBe(0);
  expect(d.energy).toBe(0);
  expect(d.charge).toBe(0);
}
