/**
 * Extended-Lagrangian warm starts of the bond-transfer solver (`bondSolver.xl`) with truncated Newton
 * steps: a step far from the ground state is finished to the tolerance, the auxiliary history
 * travels with the solver state (also across the older state format, which is still read), the
 * L-BFGS curvature pairs survive rebuilds and barostat steps and never reach a new structure.
 * Hand-set fixture model (test/fixtures/ect-bond-test.json). The 200-step runs of the Newton and
 * L-BFGS schemes against converged and exact solves: test/verify/ect-bond-xl-schemes.test.ts (the
 * default frozen-mean-field scheme's: test/ect-xl-frozen.test.ts); the curvature pairs' cost across
 * 200 steps of list rebuilds and 120 barostat steps: test/verify/ect-bond-xl-pairs.test.ts.
 */
import { describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { EctCalculator } from "../src/ect/calculator.js";
import { rocksalt } from "../src/structures/lattice.js";
import { NEWTON_XL, atPositionsOf, bondFixtureTables, expectRestartBitwise, fixtureEngines, ordinaryAndFarStates, rattledNaCl } from "./helpers/ect-xl-cell.js";
import type { EctEngine } from "../src/ect/engine.js";

const XL = NEWTON_XL;

/** A rattled 8-atom rock-salt NaCl cell with velocities of about 300 K. */
const start = rattledNaCl;

/** Engines on the fixture's tables (built once) and converged solves beside them (one engine per file, reloaded). */
const { engineAt, converged } = fixtureEngines();

/** An XL engine (Newton steps) on the rattled cell, computed and run `steps` steps of 1 fs. */
async function xlAfter(steps: number) {
  const atoms = start();
  const a = await engineAt(atoms);
  a.bondSolver.xl = { ...XL };
  a.compute();
  a.runVerlet(steps, 1.0);
  return { atoms, a };
}

describe("bond transfer: extended-Lagrangian warm starts", () => {
  it("a step from auxiliary amplitudes far from the ground state is finished to the tolerance (the trust test), an ordinary one is not", async () => {
    const { atoms, a } = await xlAfter(20);
    const { ordinary: state, far: off } = ordinaryAndFarStates(a);
    const run = async (s: Float64Array) => {
      const e = await engineAt(atPositionsOf(a, atoms));
      e.bondSolver.xl = { ...XL };
      e.setSolverState({ ...a.solverState(), weights: s });
      e.compute();
      return e;
    };
    const ordinary = await run(state), far = await run(off);
    const ref = await converged(a, atoms);
    expect(ordinary.solverReport().iterations).toBe(XL.iterations + 2);
    expect(far.solverReport().iterations).toBeGreaterThan(XL.iterations + 2);
    expect(Math.abs(far.grandPotential() - ref.grandPotential()) / atoms.length).toBeLessThan(1e-9);
  });

  it("a restart file continues the run bit for bit (the auxiliary amplitudes are part of the state)", async () => {
    const make = async () => {
      const calc = await EctCalculator.create(bondFixtureTables());
      calc.engine.bondSolver.xl = { ...XL };
      return calc;
    };
    await expectRestartBitwise(make, start(), 40, 17);
  });

  it("the auxiliary history travels with the solver state: another engine continues the run", async () => {
    const { atoms, a } = await xlAfter(30);
    const b = await engineAt(atPositionsOf(a, atoms));
    b.bondSolver.xl = { ...XL };
    b.setVelocities(a.velocities());
    b.rebuild();
    b.setSolverState(a.solverState());
    b.compute();
    a.compute();
    // b's first solve is a capped one from the carried history (no cold start, no refill).
    expect(b.solverReport().iterations).toBeLessThanOrEqual(XL.iterations + 20);
    a.runVerlet(10, 1.0);
    b.runVerlet(10, 1.0);
    // Not bit for bit: the L-BFGS curvature pairs of the capped solves are not part of the state, so
    // the two runs differ by the solves' error (forces 1e-6 eV/A: 1e-7 A after 10 fs, measured).
    const pa = a.positions(), pb = b.positions();
    const edge = atoms.cell[0]; // cubic cell; the engines may wrap an atom differently
    for (let k = 0; k < pa.length; k++) {
      const d = pa[k] - pb[k];
      expect(Math.abs(d - edge * Math.round(d / edge))).toBeLessThan(1e-6);
    }
    expect(Math.abs(a.grandPotential() - b.grandPotential()) / atoms.length).toBeLessThan(1e-7);
  });

  it("the older state format (9 values per bond, one reservoir) is still read, with the same continuation", async () => {
    const atoms = start();
    const a = await engineAt(atoms);
    a.compute();
    a.runVerlet(5, 1.0);
    const state = a.solverState();
    const s = state.weights;
    // New form: [-1, count, slots 2, steps, per bond i j dx dy dz f r fPrev rPrev, 2 x atoms reservoir].
    expect(s[0]).toBe(-1);
    expect(s[2]).toBe(2);
    const count = s[1], n = atoms.length;
    const legacy = new Float64Array(1 + 9 * count + n);
    legacy[0] = count;
    legacy.set(s.subarray(4, 4 + 9 * count), 1);
    legacy.set(s.subarray(4 + 9 * count, 4 + 9 * count + n), 1 + 9 * count);
    const run = async (weights: Float64Array) => {
      const e = await engineAt(atPositionsOf(a, atoms));
      e.setVelocities(a.velocities());
      e.rebuild();
      e.setSolverState({ weights, mu: 0 });
      e.compute();
      e.runVerlet(5, 1.0);
      return Array.from(e.positions());
    };
    expect(await run(legacy)).toEqual(await run(s));
  });
});

describe("bond transfer: the L-BFGS curvature pairs of the capped solves across new bond sets", () => {
  // (that they survive list rebuilds and barostat steps, over 200 and 120 steps: test/verify/ect-bond-xl-pairs.test.ts)
  it("never reach a new structure: after setAtoms (cold) or another state's import, the run is bit for bit a fresh engine's", async () => {
    // Engine a carries pairs from 30 capped steps (and has just exported its state, which the
    // barostat path would import again) when it gets unrelated atoms: the same count, other positions.
    const other = (): Atoms => {
      const atoms = rocksalt("Na", "Cl", 5.75, 1);
      const p = Float64Array.from(atoms.positions);
      for (let k = 0; k < p.length; k++) p[k] += 0.07 * Math.sin(3.7 * k + 0.4);
      const v = Float64Array.from({ length: p.length }, (_, k) => 0.004 * Math.cos(1.9 * k));
      return new Atoms({ symbols: atoms.symbols, positions: p, cell: atoms.cell, pbc: atoms.pbc, velocities: v });
    };
    const trajectory = async (e: Awaited<ReturnType<typeof engineAt>>) => {
      e.setVelocities(other().velocities!);
      e.compute();
      e.runVerlet(30, 1.0);
      return { positions: Array.from(e.positions()), forces: Array.from(e.forces()), omega: e.grandPotential(), state: Array.from(e.solverState().weights) };
    };
    const used = async () => {
      const { a } = await xlAfter(30);
      a.solverState();
      return a;
    };
    const a = await used();
    a.setAtoms(other());
    const fresh = await engineAt(other());
    fresh.bondSolver.xl = { ...XL };
    expect(await trajectory(a)).toEqual(await trajectory(fresh));

    // Warm-started from another engine's state: the imported state is not the one a exported, so
    // a's pairs are dropped, as a fresh engine has none.
    const src = await engineAt(other());
    src.bondSolver.xl = { ...XL };
    src.setVelocities(other().velocities!);
    src.compute();
    src.runVerlet(30, 1.0);
    const state = src.solverState(), at = new Atoms({ symbols: other().symbols, positions: src.positions(), cell: other().cell, pbc: other().pbc });
    const b = await used(), fresh2 = await engineAt(at);
    b.setAtoms(at);
    fresh2.bondSolver.xl = { ...XL };
    for (const e of [b, fresh2]) {
      e.setSolverState(state);
      e.setVelocities(src.velocities());
      e.compute();
      // a capped solve from the imported history (not a cold start)
      expect(e.solverReport().iterations).toBeLessThanOrEqual(XL.iterations + 20);
    }
    b.runVerlet(30, 1.0);
    fresh2.runVerlet(30, 1.0);
    expect(Array.from(b.positions())).toEqual(Array.from(fresh2.positions()));
    expect(Array.from(b.forces())).toEqual(Array.from(fresh2.forces()));
  });
});
