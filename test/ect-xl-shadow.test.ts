/**
 * Extended-Lagrangian bond solves with one kernel evaluation per MD step (`method: "shadow"`,
 * `md --solver shadow`): the mean field, its eps and its forces are evaluated once, at the auxiliary
 * amplitudes n; the truncated Newton step with frozen products gives the answer q, and the step
 * reports the shadow energy E_MF(w(n)) + eps(n) . (w(q) - w(n)) + E_bonds(q) with the mean field's
 * forces at n and the bond forces at q. Checked here: energies and forces against converged solves
 * (hand-set fixture model with induction, 8 atoms), the trust test and a restart bit for bit. On the
 * shipped model (64-atom NaCl), the conservation of Omega + KE as dt is halved and the run beside an
 * exactly solved one over 60 fs are in test/verify/ect-xl-shadow.test.ts (npm run verify).
 */
import { describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { EctCalculator } from "../src/ect/calculator.js";
import type { EctEngine } from "../src/ect/engine.js";
import { BOND_XL_DEFAULTS, type BondXlOptions } from "../src/ect/transfer/bond-transfer.js";
import { bondFixtureTables, convergedSolver, expectRestartBitwise, expectTrustTest, rattledNaCl, withInduction, xlAgainstConverged } from "./helpers/ect-xl-cell.js";

const SHADOW: BondXlOptions = { ...BOND_XL_DEFAULTS, method: "shadow" };

let fixtureTables: ReturnType<typeof bondFixtureTables> | null = null;
const tables = () => (fixtureTables ??= bondFixtureTables(withInduction));

async function engineAt(atoms: Atoms, xl: BondXlOptions | null = SHADOW) {
  const calc = await EctCalculator.create(tables());
  calc.engine.setAtoms(atoms);
  calc.engine.bondSolver.xl = xl ? { ...xl } : null;
  return calc.engine;
}

const converged = convergedSolver((a) => engineAt(a, null));

describe("bond transfer: extended-Lagrangian shadow steps (one kernel evaluation per step)", () => {
  it("keeps energies and forces within the step's error of converged solves at one evaluation per step, conserving Omega + KE", async () => {
    const atoms = rattledNaCl();
    const xl = await engineAt(atoms);
    xl.compute();
    const { worstE, worstF, worstDrift, itXl } = await xlAgainstConverged(xl, atoms, 6, converged);
    console.log(`xl shadow: E ${worstE.toExponential(2)} eV/atom, F ${worstF.toExponential(2)} eV/A, drift ${worstDrift.toExponential(2)} eV/atom, evaluations ${itXl} over 120 steps`);
    expect(Math.abs(worstE)).toBeLessThan(5e-8);
    expect(worstF).toBeLessThan(1e-3);
    expect(worstDrift).toBeLessThan(3e-5);
    // An ordinary step: the one evaluation at the auxiliary amplitudes.
    expect(xl.solverReport().iterations).toBe(1);
    // 1 per step once the history is filled (its first 6 steps solve to the tolerance).
    expect(itXl).toBeLessThan(114 + 6 * 40);
  });

  it("reports the answer's charges and weights, and a shadow energy within the square of the step of the true energy there", async () => {
    const atoms = rattledNaCl();
    const xl = await engineAt(atoms);
    xl.compute();
    xl.runVerlet(30, 1.0);
    expect(xl.solverReport().iterations).toBe(1);
    const shadowEnergy = xl.energy(), q = xl.charges(), w = xl.weights();
    // The true energy at the answer's amplitudes (one evaluation there, which sets the kernels' charges from them).
    const trueEnergy = xl.energyAtSolverState();
    expect(Array.from(xl.charges())).toEqual(Array.from(q));
    expect(Array.from(xl.weights())).toEqual(Array.from(w));
    console.log(`xl shadow: shadow energy - true energy at the answer ${((shadowEnergy - trueEnergy) / atoms.length).toExponential(2)} eV/atom`);
    expect(Math.abs(shadowEnergy - trueEnergy) / atoms.length).toBeLessThan(1e-8);
  });

  it("a step from auxiliary amplitudes far from the ground state is finished to the tolerance (the trust test), an ordinary one is not", async () => {
    await expectTrustTest((a) => engineAt(a), converged, rattledNaCl(), 1);
  });

  it("a restart file continues the run bit for bit across neighbor-list rebuilds", async () => {
    const make = async () => {
      const calc = await EctCalculator.create(tables(), { skin: 0.2 });
      calc.engine.bondSolver.xl = { ...SHADOW };
      return calc;
    };
    const straightCalc = await expectRestartBitwise(make, rattledNaCl(), 60, 27);
    expect(straightCalc.engine.neighborStats().builds).toBeGreaterThan(2);
  });
});
