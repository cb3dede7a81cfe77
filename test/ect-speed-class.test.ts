/**
 * The eps pass without forces decides its cutoff tests from each list entry's grid index (the class
 * table of assembly/ect.ts, `classify`) and reads positions only next to a cutoff; the pass with
 * forces tests every squared distance. Both accumulate the same sums in the same order, so at the
 * same weights they must give the same eps, long-range potential and energies bit for bit. Rattled
 * 64-atom NaCl and LiF cells of the shipped model (DSF 11 A): entries lie at every distance, many
 * of them within the two grid intervals around the cutoffs where the table defers to the distance.
 */
import { describe, expect, it } from "vitest";
import { EctEngine } from "../src/ect/engine.js";
import { readEctModelFile } from "../src/ect/model-file.js";
import { buildEctTables } from "../src/ect/tables.js";
import { rocksalt } from "../src/structures/lattice.js";

const tables = buildEctTables(readEctModelFile("models/ect-fitted.json"));

/** Test access to the engine's buffers, context and kernels. */
interface Internals {
  n: number;
  ctx: number;
  k: { ectEvaluate(ctx: number): void };
  raw(name: string): Float64Array | Int32Array;
  getCtx(field: string): number;
  setCtx(field: string, value: number): void;
}

/** eps, potLR (owned atoms) and the energy terms of one evaluation at the engine's weights. */
function evaluateAt(e: Internals, forces: boolean): { eps: Float64Array; pot: Float64Array; ePair: number; eLong: number; eOnsite: number } {
  e.setCtx("tally", 0);
  e.setCtx("epsForces", forces ? 1 : 0);
  e.k.ectEvaluate(e.ctx);
  return {
    eps: (e.raw("eps") as Float64Array).slice(0, 4 * e.n),
    pot: (e.raw("potLR") as Float64Array).slice(0, e.n),
    ePair: e.getCtx("ePair"),
    eLong: e.getCtx("eLong"),
    eOnsite: e.getCtx("eOnsite"),
  };
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  let d = 0;
  for (let k = 0; k < a.length; k++) d = Math.max(d, Math.abs(a[k] - b[k]));
  return d;
}

describe("eps pass: the class table decides as the distances do", () => {
  for (const [cation, anion, a] of [["Na", "Cl", 5.64], ["Li", "F", 4.03]] as const) {
    it(`rattled ${cation}${anion}: eps, potential and energies with and without forces bit for bit`, async () => {
      const atoms = rocksalt(cation, anion, a, 2);
      // deterministic rattle of up to 0.15 A per component
      let s = 12345;
      const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.3;
      for (let k = 0; k < atoms.positions.length; k++) atoms.positions[k] += rnd();
      const engine = await EctEngine.create(tables, { source: "ect-fitted" });
      engine.setAtoms(atoms);
      engine.compute();
      const e = engine as unknown as Internals;
      const without = evaluateAt(e, false);
      const withForces = evaluateAt(e, true);
      expect(maxDiff(without.eps, withForces.eps)).toBe(0);
      expect(maxDiff(without.pot, withForces.pot)).toBe(0);
      expect(without.ePair).toBe(withForces.ePair);
      expect(without.eLong).toBe(withForces.eLong);
      expect(without.eOnsite).toBe(withForces.eOnsite);
      // and the pass is not trivially empty
      expect(Math.abs(without.ePair)).toBeGreaterThan(0);
    }, 60_000);
  }
});
