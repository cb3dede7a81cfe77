// The resonance coupling E_res = 2 h(r) [g(w_i+ w_j- w_i0 w_j0) + (i <-> j)] (g a regularized fourth
// root, see assembly/ect.ts): forces stay -dOmega/dR where it acts, and separated atoms are still
// neutral. (A smooth avoided crossing needs a solver for the bare root; see docs/ect-eam.md.)
import { describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { readEctModelFile } from "../src/ect/model-file.js";
import { buildEctTables } from "../src/ect/tables.js";
import { EctEngine } from "../src/ect/engine.js";

const base = readEctModelFile("models/ect-starter.json");
const na = base.elements.findIndex((e) => e.symbol === "Na");
const cl = base.elements.findIndex((e) => e.symbol === "Cl");
const model = {
  ...base,
  cutoffs: { ...base.cutoffs, resonance: 14 },
  resonance: [{ key: "Na-Cl", a: na, b: cl, h0: 2.0, kappa: 0.45 }],
};
const tables = buildEctTables(model as typeof base);

function nacl(r: number): Atoms {
  return new Atoms({ symbols: ["Na", "Cl"], positions: [0, 0, 0, 0.3, -0.2, r] });
}

describe("resonance coupling", () => {
  it("forces equal -dOmega/dR with resonance on, also where the weights are mixed", async () => {
    const e = await EctEngine.create(tables);
    e.solver.tolerance = 1e-13;
    e.setAtoms(nacl(4));
    for (const r of [2.4, 5, 8, 10, 11]) {
      e.setPositions(nacl(r).positions);
      e.compute();
      const f = e.forces();
      const h = 1e-5;
      const p = Float64Array.from(nacl(r).positions);
      p[5] += h;
      e.setPositions(p);
      e.compute();
      const plus = e.grandPotential();
      p[5] -= 2 * h;
      e.setPositions(p);
      e.compute();
      const minus = e.grandPotential();
      const fd = -(plus - minus) / (2 * h);
      expect(Math.abs(fd - f[5])).toBeLessThan(1e-6 * Math.max(1, Math.abs(f[5])));
    }
  });

  it("separated atoms are still neutral beyond the coupling's range", async () => {
    const e = await EctEngine.create(tables);
    e.setAtoms(nacl(20));
    e.compute();
    expect(Math.abs(e.charges()[0])).toBeLessThan(1e-6);
  });
});
