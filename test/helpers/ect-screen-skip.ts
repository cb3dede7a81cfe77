/**
 * The screening-skip run of test/ect-xl-screen-skip.test.ts (40 steps) and
 * test/verify/ect-xl-screen-skip.test.ts (100): blocked bonds left unchecked between neighbor-list
 * builds against a run that checks every bond at every step (a reference dropped before each step is
 * taken again there, with every bond checked), bit for bit.
 */
import { expect } from "vitest";
import { EctEngine } from "../../src/ect/engine.js";
import { BOND_XL_DEFAULTS } from "../../src/ect/transfer/bond-transfer.js";
import { maxwellBoltzmann } from "../../src/dynamics/velocities.js";
import { rocksalt } from "../../src/structures/lattice.js";
import { expectBitwise } from "./compare.js";
import { fittedTables } from "./fitted-md.js";

/** `steps` shadow steps of 1 fs of the shipped model's 64-atom NaCl at 600 K, skipping and checking. */
export async function expectScreenSkipBitwise(steps: number): Promise<void> {
  const tables = fittedTables();
  const make = async () => {
    const atoms = rocksalt("Na", "Cl", 5.64, 2);
    atoms.velocities = maxwellBoltzmann(atoms.masses, 600, 5);
    const e = await EctEngine.create(tables, { skin: 0.6 });
    e.bondSolver.xl = { ...BOND_XL_DEFAULTS, method: "shadow" };
    e.setAtoms(atoms);
    e.compute();
    return e;
  };
  const skipping = await make(), checking = await make();
  let skippable = 0;
  for (let s = 0; s < steps; s++) {
    skipping.runVerlet(1, 1.0);
    checking.bond!.bonds!.screenRef = null;
    checking.runVerlet(1, 1.0);
    // (none on the step after a build: the sorted set is new)
    const ref = skipping.bond!.bonds!.screenRef;
    if (ref) for (let k = 0; k < skipping.bond!.bonds!.count; k++) if (ref.safe[k] > 0) skippable++;
  }
  // (bonds with a radius, summed over the steps: most of the blocked ones in rock salt)
  expect(skippable).toBeGreaterThan(steps * 1000);
  expect(skipping.neighborStats().builds).toBe(checking.neighborStats().builds);
  expect(skipping.neighborStats().builds).toBeGreaterThan(1);
  expectBitwise(skipping.forces(), checking.forces(), "forces");
  expectBitwise(skipping.positions(), checking.positions(), "positions");
  expect(Object.is(skipping.grandPotential(), checking.grandPotential())).toBe(true);
  // The exported state holds every bond's geometry at the last refresh, unchecked bonds' too.
  expectBitwise(skipping.solverState().weights, checking.solverState().weights, "solver state");
}
