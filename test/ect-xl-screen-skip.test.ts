/**
 * Blocked bonds left unchecked between neighbor-list builds (bond-list.ts, `refreshBonds`, and
 * screening.ts, `blockedRadius`): a bond whose blocking screener provably still blocks while no atom
 * has moved more than its radius from the reference positions keeps S = 0 without the check. The
 * run, and the state it exports, must be bit for bit those that check every bond at every step (a
 * reference dropped before each step is taken again there, with every bond checked).
 */
import { describe, expect, it } from "vitest";
import { EctEngine } from "../src/ect/engine.js";
import { BOND_XL_DEFAULTS } from "../src/ect/transfer/bond-transfer.js";
import { maxwellBoltzmann } from "../src/dynamics/velocities.js";
import { rocksalt } from "../src/structures/lattice.js";
import { expectBitwise } from "./helpers/compare.js";
import { fittedTables } from "./helpers/fitted-md.js";

describe("screening: blocked bonds within their radius are not checked again", () => {
  it("gives bit for bit the run that checks every bond at every step (64-atom NaCl of the shipped model, 600 K)", async () => {
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
    for (let s = 0; s < 100; s++) {
      skipping.runVerlet(1, 1.0);
      checking.bond!.bonds!.screenRef = null;
      checking.runVerlet(1, 1.0);
      // (none on the step after a build: the sorted set is new)
      const ref = skipping.bond!.bonds!.screenRef;
      if (ref) for (let k = 0; k < skipping.bond!.bonds!.count; k++) if (ref.safe[k] > 0) skippable++;
    }
    // (bonds with a radius, summed over the steps: most of the blocked ones in rock salt)
    expect(skippable).toBeGreaterThan(100 * 1000);
    expect(skipping.neighborStats().builds).toBe(checking.neighborStats().builds);
    expect(skipping.neighborStats().builds).toBeGreaterThan(1);
    expectBitwise(skipping.forces(), checking.forces(), "forces");
    expectBitwise(skipping.positions(), checking.positions(), "positions");
    expect(Object.is(skipping.grandPotential(), checking.grandPotential())).toBe(true);
    // The exported state holds every bond's geometry at the last refresh, unchecked bonds' too.
    expectBitwise(skipping.solverState().weights, checking.solverState().weights, "solver state");
  });
});
