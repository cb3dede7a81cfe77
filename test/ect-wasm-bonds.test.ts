/**
 * The per-step bond refresh in wasm (assembly/ect-bonds.ts through src/ect/transfer/bond-kernel.ts,
 * the engine's default) and the frozen-product CG iterations of the extended-Lagrangian step
 * (assembly/ect-frozen-cg.ts) against their TypeScript references (`refreshBonds` in bond-list.ts and
 * the loop of `newtonStep` in xl-newton.ts, run when `bond.refreshKernel` is null): MD of the shipped model (screened couplings, confined induction, DSF)
 * with both, step by step. Measured: the largest differences of forces, energies, Omega and charges
 * over the trajectories below are 0 (the same bits), so the test asks for bitwise equality, of the
 * bond sets' couplings, screening factors, blockers and live lists too; and a restart file written
 * by the wasm path continues bit for bit.
 */
import { describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { EctCalculator } from "../src/ect/calculator.js";
import { EctEngine } from "../src/ect/engine.js";
import { BOND_XL_DEFAULTS, type BondXlOptions } from "../src/ect/transfer/bond-transfer.js";
import { maxwellBoltzmann } from "../src/dynamics/velocities.js";
import { rocksalt } from "../src/structures/lattice.js";
import { expectBitwise, maxAbsDiff } from "./helpers/compare.js";
import { fittedTables } from "./helpers/fitted-md.js";
import { expectRestartBitwise } from "./helpers/ect-xl-cell.js";

const tables = fittedTables();

async function engineOf(atoms: Atoms, xl: BondXlOptions, wasm: boolean): Promise<EctEngine> {
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

/** Runs both paths side by side; every step's results must be the same bits. Returns the largest differences seen. */
async function sideBySide(atoms: Atoms, xl: BondXlOptions, steps: number, dt: number): Promise<{ force: number; energy: number; charge: number; builds: number }> {
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

describe("bond refresh and frozen-product CG in wasm against the TypeScript reference (shipped model)", () => {
  it("64-atom NaCl at 600 K, shadow steps across neighbor-list builds: the same bits at every step", async () => {
    const atoms = rocksalt("Na", "Cl", 5.64, 2);
    atoms.velocities = maxwellBoltzmann(atoms.masses, 600, 5);
    const d = await sideBySide(atoms, { ...BOND_XL_DEFAULTS, method: "shadow" }, 120, 1.0);
    console.log(`wasm vs TypeScript bond refresh and CG, NaCl 120 steps: max |dF| ${d.force} eV/A, |dE| ${d.energy} eV, |dq| ${d.charge} e, ${d.builds} list builds`);
    expect(d.builds).toBeGreaterThan(2);
    expect(d.force).toBe(0);
    expect(d.energy).toBe(0);
    expect(d.charge).toBe(0);
  }, 120_000);

  it("a rattled 64-atom LiF cell, default (frozen) steps: the same bits (partially screened bonds)", async () => {
    const base = rocksalt("Li", "F", 4.03, 2);
    const p = Float64Array.from(base.positions, (v, k) => v + 0.25 * Math.sin(2.3 * k + 0.7));
    const atoms = new Atoms({ symbols: base.symbols, positions: p, cell: base.cell, pbc: base.pbc });
    atoms.velocities = maxwellBoltzmann(atoms.masses, 300, 7);
    // (30-50 s on a loaded machine: the time limit is generous)
    const d = await sideBySide(atoms, { ...BOND_XL_DEFAULTS }, 30, 0.5);
    console.log(`wasm vs TypeScript bond refresh and CG, LiF 30 steps: max |dF| ${d.force} eV/A, |dE| ${d.energy} eV, |dq| ${d.charge} e`);
    expect(d.force).toBe(0);
    expect(d.energy).toBe(0);
    expect(d.charge).toBe(0);
  }, 400_000);

  it("a restart file of the wasm path continues the run bit for bit", async () => {
    const make = async () => {
      const calc = await EctCalculator.create(tables, { skin: 0.3 });
      calc.engine.bondSolver.xl = { ...BOND_XL_DEFAULTS, method: "shadow" };
      expect(calc.engine.bond!.refreshKernel).not.toBeNull();
      return calc;
    };
    const atoms = rocksalt("Na", "Cl", 5.64, 2);
    atoms.velocities = maxwellBoltzmann(atoms.masses, 600, 9);
    const straight = await expectRestartBitwise(make, atoms, 50, 23);
    expect(straight.engine.neighborStats().builds).toBeGreaterThan(1);
  }, 120_000);
});
