/**
 * The small cell of the extended-Lagrangian bond-solver tests (test/ect-bond-xl.test.ts,
 * test/ect-xl-frozen.test.ts), the converged reference solve at an engine's positions, and the runs
 * both files make of their scheme: blocks of steps measured against converged solves, the trust
 * test's far start, and a restart that must continue bit for bit.
 */
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { Atoms } from "../../src/atoms.js";
import { MolecularDynamics } from "../../src/dynamics/driver.js";
import { formatRestart, parseRestart } from "../../src/dynamics/restart.js";
import { EctCalculator } from "../../src/ect/calculator.js";
import type { EctEngine } from "../../src/ect/engine.js";
import type { BondXlOptions } from "../../src/ect/transfer/bond-transfer.js";
import { rocksalt } from "../../src/structures/lattice.js";
import { expectBitwise } from "./compare.js";
import { tablesOf } from "./ect-tables.js";

/**
 * Tables of the hand-set bond-transfer fixture model (test/fixtures/ect-bond-test.json) with DSF
 * (11 A, alpha 0.28 1/A); `edit` changes the model's JSON before it is parsed.
 */
export function bondFixtureTables(edit?: (m: Record<string, any>) => void) {
  const m = JSON.parse(readFileSync(new URL("../fixtures/ect-bond-test.json", import.meta.url), "utf8"));
  m.electrostatics = { longRange: "dsf", cutoff: 11, dsfAlpha: 0.28 };
  edit?.(m);
  return tablesOf(m, "ect-bond-test.json");
}

/** Induction on (hand-set polarizabilities of the order of the free ions'), as in the shipped model: an edit for {@link bondFixtureTables}. */
export function withInduction(m: Record<string, any>): void {
  m.polarization = { cutoff: 8 };
  const alpha: Record<string, number[]> = { Na: [0.15, 5, 5], Cl: [1.5, 2.2, 1.5] };
  for (const [el, e] of Object.entries(m.elements as Record<string, { dampingRadius: number; states: Record<string, unknown>[] }>)) {
    e.dampingRadius = 0.4;
    e.states.forEach((st, k) => (st.polarizability = alpha[el]?.[k] ?? 0.5));
  }
}

/** The frozen-mean-field XL steps (the library's default, `BOND_XL_DEFAULTS`). */
export const FROZEN_XL: BondXlOptions = { order: 5, method: "frozen", iterations: 8 };

/**
 * Truncated Newton steps of 5 exact products (the library's default until 2026-12-07; the default
 * now freezes the mean field in the products, test/ect-xl-frozen.test.ts): test/ect-bond-xl.test.ts
 * and test/verify/ect-bond-xl-schemes.test.ts measure with it.
 */
export const NEWTON_XL: BondXlOptions = { order: 5, method: "newton", iterations: 5 };

/** A rattled 8-atom rock-salt NaCl cell (a = 5.6 A) with velocities of about 300 K (A/fs). */
export function rattledNaCl(): Atoms {
  const atoms = rocksalt("Na", "Cl", 5.6, 1);
  const p = Float64Array.from(atoms.positions);
  for (let k = 0; k < p.length; k++) p[k] += 0.05 * Math.cos(5.1 * k);
  const v = Float64Array.from({ length: p.length }, (_, k) => 0.004 * Math.sin(2.3 * k + 1));
  return new Atoms({ symbols: atoms.symbols, positions: p, cell: atoms.cell, pbc: atoms.pbc, velocities: v });
}

/** `like`'s species and cell at the engine's current positions. */
export function atPositionsOf(e: EctEngine, like: Atoms): Atoms {
  return new Atoms({ symbols: like.symbols, positions: e.positions(), cell: like.cell, pbc: like.pbc });
}

/**
 * A second engine (from `make`, loaded with the positions of `from`) warm-started from `from`'s
 * solver state and solved to the tolerance: the converged solve the XL answers are measured against.
 */
export async function convergedAt(from: EctEngine, atoms: Atoms, make: (atoms: Atoms) => Promise<EctEngine>): Promise<EctEngine> {
  const ref = await make(atPositionsOf(from, atoms));
  ref.setSolverState(from.solverState());
  ref.compute();
  return ref;
}

/**
 * {@link convergedAt} on one engine, made by `make` on first use and loaded with the positions and
 * solver state of `from` at each call: setAtoms rebuilds the list and resets the solver, so the
 * solve is a fresh engine's (test/ect-kernels.test.ts and test/ect-bond-xl.test.ts check that bit
 * for bit), without placing the tables again for each comparison. The engine returned is
 * overwritten by the next call.
 */
export function convergedSolver(make: (atoms: Atoms) => Promise<EctEngine>): (from: EctEngine, atoms: Atoms) => Promise<EctEngine> {
  let engine: Promise<EctEngine> | null = null;
  return async (from, atoms) => {
    const at = atPositionsOf(from, atoms);
    const ref = await (engine ??= make(at));
    ref.setAtoms(at);
    ref.setSolverState(from.solverState());
    ref.compute();
    return ref;
  };
}

/**
 * Runs the computed engine `xl` for `blocks` blocks of 20 steps of 1 fs; after each block, the
 * energy per atom above a converged solve at the same positions (`converged`), the largest force
 * component's difference from it, the drift of Omega + KE per atom, and the evaluations so far.
 */
export async function xlAgainstConverged(xl: EctEngine, atoms: Atoms, blocks: number, converged: (from: EctEngine, atoms: Atoms) => Promise<EctEngine>) {
  const n = atoms.length;
  const e0 = xl.grandPotential() + xl.kineticEnergy();
  let worstE = 0, worstF = 0, worstDrift = 0, itXl = 0;
  for (let block = 0; block < blocks; block++) {
    itXl += xl.runVerlet(20, 1.0).iterations;
    worstDrift = Math.max(worstDrift, Math.abs(xl.grandPotential() + xl.kineticEnergy() - e0) / n);
    const ref = await converged(xl, atoms);
    worstE = Math.max(worstE, (xl.grandPotential() - ref.grandPotential()) / n);
    const f = xl.forces(), g = ref.forces();
    for (let k = 0; k < f.length; k++) worstF = Math.max(worstF, Math.abs(f[k] - g[k]));
  }
  return { worstE, worstF, worstDrift, itXl };
}

/**
 * The trust test's two starts from engine `a`'s bond-transfer state: the state itself (an ordinary
 * step) and the state with every bond's history amplitudes scaled by 0.7 (far from the ground
 * state). State layout: [-1, bonds, slots, xlSteps], then per bond i, j, dx, dy, dz and the forward
 * and reverse amplitude of each slot (0 solution, 1 the one before, 2.. the history).
 */
export function ordinaryAndFarStates(a: EctEngine): { ordinary: Float64Array; far: Float64Array } {
  const ordinary = Float64Array.from(a.solverState().weights);
  const bonds = ordinary[1], slots = ordinary[2], per = 5 + 2 * slots;
  const far = Float64Array.from(ordinary);
  for (let b = 0; b < bonds; b++) for (let v = 5 + 4; v < per; v++) far[4 + b * per + v] *= 0.7;
  return { ordinary, far };
}

/**
 * The trust test of an XL scheme: engines from `engineAt` (the scheme's), 20 steps from `atoms`,
 * then one evaluation from the run's own state (an ordinary step: `ordinarySteps` evaluations) and
 * one from amplitudes scaled far from the ground state, which must be finished to the tolerance
 * (more than 10 evaluations, the converged Omega within 1e-9 eV/atom).
 */
export async function expectTrustTest(engineAt: (atoms: Atoms) => Promise<EctEngine>, converged: (from: EctEngine, atoms: Atoms) => Promise<EctEngine>, atoms: Atoms, ordinarySteps: number): Promise<void> {
  const a = await engineAt(atoms);
  a.compute();
  a.runVerlet(20, 1.0);
  const { ordinary: state, far: off } = ordinaryAndFarStates(a);
  const run = async (s: Float64Array) => {
    const e = await engineAt(atPositionsOf(a, atoms));
    e.setSolverState({ ...a.solverState(), weights: s });
    e.compute();
    return e;
  };
  const ordinary = await run(state), far = await run(off);
  const ref = await converged(a, atoms);
  expect(ordinary.solverReport().iterations).toBe(ordinarySteps);
  expect(far.solverReport().iterations).toBeGreaterThan(10);
  expect(Math.abs(far.grandPotential() - ref.grandPotential()) / atoms.length).toBeLessThan(1e-9);
}

/**
 * Runs `total` steps of 1 fs straight, and `split` steps then a restart file then the rest, each on a
 * calculator from `make`; the two must end bit for bit alike. Returns the straight run's calculator.
 */
export async function expectRestartBitwise(make: () => Promise<EctCalculator>, atoms: Atoms, total: number, split: number): Promise<EctCalculator> {
  const straightCalc = await make();
  const straight = new MolecularDynamics(straightCalc, atoms, { dt: 1 });
  straight.run(total);
  const first = new MolecularDynamics(await make(), atoms, { dt: 1 });
  first.run(split);
  const second = MolecularDynamics.fromRestart(await make(), parseRestart(formatRestart(first.restartData()), "xl.restart"), {});
  second.run(total - split);
  expect(second.step).toBe(total);
  expectBitwise(second.atoms.positions, straight.atoms.positions, "positions");
  expectBitwise(second.atoms.velocities!, straight.atoms.velocities!, "velocities");
  expectBitwise(second.results!.forces, straight.results!.forces, "forces");
  expect(Object.is(second.thermo().conserved, straight.thermo().conserved)).toBe(true);
  return straightCalc;
}

/**
 * Engines on the hand-set fixture's tables (built on first use; engines copy them into their own
 * memory), loaded with `atoms` (`skin`: the list's, else the default), and the converged solver of
 * {@link convergedSolver} on them: test/ect-bond-xl.test.ts and test/verify/ect-bond-xl-pairs.test.ts.
 */
export function fixtureEngines(): { engineAt: (atoms: Atoms, skin?: number) => Promise<EctEngine>; converged: (from: EctEngine, atoms: Atoms) => Promise<EctEngine> } {
  let tables: ReturnType<typeof bondFixtureTables> | null = null;
  const engineAt = async (atoms: Atoms, skin?: number) => {
    const calc = await EctCalculator.create((tables ??= bondFixtureTables()), skin === undefined ? {} : { skin });
    calc.engine.setAtoms(atoms);
    return calc.engine;
  };
  return { engineAt, converged: convergedSolver((a) => engineAt(a)) };
}
