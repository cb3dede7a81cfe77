// A fit run twice with the same data, options and seed gives the same parameters bit for bit:
// test/fit.test.ts (2 starts of 2 iterations) and test/verify/fit-recovery.test.ts (of 6).
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { Atoms } from "../../src/atoms.js";
import { parseTrainingSet } from "../../src/fit/dataset.js";
import { localEvaluator } from "../../src/fit/evaluator.js";
import { fitModel } from "../../src/fit/fit.js";
import { parseParameterPaths } from "../../src/fit/parameters.js";
import { formatExtxyz } from "../../src/io/extxyz.js";
import { withElements } from "./ect-models.js";

const starter = JSON.parse(readFileSync(new URL("../../models/ect-starter.json", import.meta.url), "utf8"));

/** LiH pair parameters fitted twice (two starts: the given parameters and one seeded perturbation of them, `maxIterations` each). */
export async function expectReproducibleFit(maxIterations: number): Promise<void> {
  const dimer = (r: number) => new Atoms({ symbols: ["Li", "H"], positions: [0, 0, 0, 0.1 * r, 0.2 * r, 0.97 * r] });
  const truth = withElements(starter, ["Li", "H"]);
  const ev = localEvaluator();
  const frames = [1.3, 1.5, 1.7, 2.0, 2.4].map(dimer);
  const res = await ev.evaluate(JSON.stringify(truth), frames);
  const text = frames.map((f, k) => formatExtxyz(Object.assign(f.copy(), { info: { energy: res[k].grandPotential + 0.01 * Math.sin(7 * k) } }))).join("");
  const sets = [parseTrainingSet(text, "LiH.extxyz", ["H", "Li", "Na", "F", "Cl"])];
  const params = parseParameterPaths(truth, ["pairs.Li-H.A", "pairs.Li-H.rho"]);
  const run = () => fitModel(truth, params, sets, ev, { starts: 2, seed: 42, maxIterations });
  const a = await run();
  const b = await run();
  expect(a.parameters.map((p) => p.value)).toEqual(b.parameters.map((p) => p.value));
  expect(a.cost).toBe(b.cost);
  await ev.close();
}
