/**
 * Extended-Lagrangian bond solves with frozen-mean-field Newton steps (`method: "frozen"`, the
 * default of `md --solver xl`): the Hessian-vector products of each step's truncated Newton step hold
 * the mean field's eps at the auxiliary amplitudes, so a step costs two kernel evaluations. Along NVE
 * runs energies and forces stay within the step's error of a converged solve and Omega + KE is
 * conserved (its fluctuation against dt: test/verify/ect-bond-xl-schemes.test.ts), a restart continues
 * bit for bit, a step far from the ground state is finished to the tolerance, and the induction pairs
 * kept from one neighbor-list build to the next give what gathering them again gives. Hand-set
 * fixture model with DSF and induction (test/fixtures/ect-bond-test.json).
 */
import { describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { EctCalculator } from "../src/ect/calculator.js";
import { BOND_XL_DEFAULTS, type BondXlOptions } from "../src/ect/transfer/bond-transfer.js";
import { expectBitwise } from "./helpers/compare.js";
import { FROZEN_XL, bondFixtureTables, withInduction, convergedSolver, expectRestartBitwise, expectTrustTest, rattledNaCl, xlAgainstConverged } from "./helpers/ect-xl-cell.js";
import type { EctEngine } from "../src/ect/engine.js";

// Induction on (hand-set polarizabilities of the order of the free ions'), as in the shipped model.
// Built once: engines copy the tables into their own memory.
let fixtureTables: ReturnType<typeof bondFixtureTables> | null = null;
const tables = () => (fixtureTables ??= bondFixtureTables(withInduction));
const FROZEN = FROZEN_XL;

/** A rattled 8-atom rock-salt NaCl cell with velocities of about 300 K. */
const start = rattledNaCl;

async function engineAt(atoms: Atoms, xl: BondXlOptions | null = FROZEN, skin?: number) {
  const calc = await EctCalculator.create(tables(), skin === undefined ? {} : { skin });
  calc.engine.setAtoms(atoms);
  calc.engine.bondSolver.xl = xl ? { ...xl } : null;
  return calc.engine;
}

/** An engine (one per file, reloaded: convergedSolver) at `from`'s positions, warm-started from its state and solved to the tolerance. */
const converged = convergedSolver((a) => engineAt(a, null));

describe("bond transfer: extended-Lagrangian steps with the mean field frozen in the Hessian products", () => {
  it("is the library's default", () => {
    expect(BOND_XL_DEFAULTS).toEqual(FROZEN);
  });

  it("keeps energies and forces within the step's error of converged solves at two evaluations per step, conserving Omega + KE", async () => {
    const atoms = start();
    const xl = await engineAt(atoms);
    xl.compute();
    const { worstE, worstF, worstDrift, itXl } = await xlAgainstConverged(xl, atoms, 6, converged);
    console.log(`xl frozen: E ${worstE.toExponential(2)} eV/atom, F ${worstF.toExponential(2)} eV/A, drift ${worstDrift.toExponential(2)} eV/atom, evaluations ${itXl} over 120 steps`);
    // Variational: the answer lies above the ground state by the square of its error.
    expect(worstE).toBeGreaterThanOrEqual(-1e-12);
    expect(worstE).toBeLessThan(1e-8);
    expect(worstF).toBeLessThan(1e-4);
    expect(worstDrift).toBeLessThan(3e-5);
    // An ordinary step: the evaluation at the auxiliary amplitudes and the one at the answer.
    expect(xl.solverReport().iterations).toBe(2);
    // 2 per step once the history is filled (its first 6 steps solve to the tolerance).
    expect(itXl).toBeLessThan(2 * 114 + 6 * 40);
  });

  it("a step from auxiliary amplitudes far from the ground state is finished to the tolerance (the trust test), an ordinary one is not", async () => {
    await expectTrustTest((a) => engineAt(a), converged, start(), 2);
  });

  it("a restart file continues the run bit for bit across neighbor-list rebuilds", async () => {
    const make = async () => {
      const calc = await EctCalculator.create(tables(), { skin: 0.2 });
      calc.engine.bondSolver.xl = { ...FROZEN };
      return calc;
    };
    const straightCalc = await expectRestartBitwise(make, start(), 60, 27);
    expect(straightCalc.engine.neighborStats().builds).toBeGreaterThan(2);
  });

  it("induction pairs kept within a neighbor-list build give, bit for bit, what gathering them at every step gives", async () => {
    const atoms = start();
    const kept = await engineAt(atoms, FROZEN, 0.5), gathered = await engineAt(atoms, FROZEN, 0.5);
    kept.compute();
    gathered.compute();
    for (let s = 0; s < 40; s++) {
      kept.runVerlet(1, 1.0);
      gathered.polarization!.invalidate();
      gathered.runVerlet(1, 1.0);
    }
    expect(kept.neighborStats().builds).toBe(gathered.neighborStats().builds);
    expectBitwise(kept.forces(), gathered.forces(), "forces");
    expect(Object.is(kept.grandPotential(), gathered.grandPotential())).toBe(true);
    expect(kept.energyTerms().induction).toBeLessThan(0);
  });
});
