/**
 * The fitter recovers known parameters from data the model itself generated (moved from
 * test/fit.test.ts: a 60-iteration fit, the longest of the fitter's tests; npm run verify), and a
 * multi-start fit of 6 iterations a start is reproducible bit for bit (test/fit.test.ts: 2 iterations).
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { Atoms } from "../../src/atoms.js";
import { formatExtxyz } from "../../src/io/extxyz.js";
import { parseTrainingSet, type TrainingSet } from "../../src/fit/dataset.js";
import { localEvaluator } from "../../src/fit/evaluator.js";
import { internalValues, parseParameterPaths, physical, withValues } from "../../src/fit/parameters.js";
import { fitModel } from "../../src/fit/fit.js";
import { withElements } from "../helpers/ect-models.js";
import { expectReproducibleFit } from "../helpers/fit-reproducible.js";

const starter = JSON.parse(readFileSync(new URL("../../models/ect-starter.json", import.meta.url), "utf8"));
const ELEMENTS = ["H", "Li", "Na", "F", "Cl"];

function dimer(a: string, b: string, r: number): Atoms {
  return new Atoms({ symbols: [a, b], positions: [0, 0, 0, 0.1 * r, 0.2 * r, 0.97 * r] });
}

describe("the fitter recovers known parameters from data the model generated", () => {
  it("LiH and HF curves: pair and embedding parameters to 1e-6 relative", async () => {
    const truth = withElements(starter, ["Li", "H", "F"]);
    const ev = localEvaluator();
    const sets: TrainingSet[] = [];
    for (const [a, b, rs] of [["Li", "H", [1.3, 1.45, 1.6, 1.75, 1.9, 2.2, 2.6]], ["H", "F", [0.8, 0.88, 0.95, 1.05, 1.2, 1.4]]] as const) {
      const frames = rs.map((r) => dimer(a, b, r));
      const res = await ev.evaluate(JSON.stringify(truth), frames);
      const text = frames
        .map((f, k) => {
          const c = f.copy();
          c.info = { energy: res[k].grandPotential, dipole: res[k].dipole };
          c.arrays = { forces: { kind: "R", ncols: 3, data: res[k].forces } };
          return formatExtxyz(c);
        })
        .join("");
      sets.push(parseTrainingSet(text, `${a}${b}.extxyz`, ELEMENTS));
    }
    const labels = ["pairs.Li-H.A", "pairs.Li-H.rho", "pairs.H-F.A", "pairs.H-F.rho", "elements.Li.states[0].embedding.a"];
    const params = parseParameterPaths(truth, labels);
    const x = internalValues(truth, params);
    const start = withValues(truth, params, x.map((v, k) => v + (k % 2 === 0 ? 0.15 : -0.1)));
    const fit = await fitModel(start, params, sets, ev, { maxIterations: 60 });
    fit.parameters.forEach((p, k) => {
      const want = physical(params[k], x[k]);
      expect(Math.abs(p.value - want) / want, `${p.label}: ${p.value} vs ${want}`).toBeLessThan(1e-6);
    });
    expect(fit.cost).toBeLessThan(1e-12);
    await ev.close();
  }, 120_000);
});

describe("a fit is reproducible", () => {
  it("same data, options and seed give the same parameters bit for bit (multi-start, 2 starts of 6 iterations)", () => expectReproducibleFit(6), 600_000);
});
