import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { Atoms } from "../src/atoms.js";
import { formatExtxyz } from "../src/io/extxyz.js";
import { parseTrainingSet, type TrainingSet } from "../src/fit/dataset.js";
import { localEvaluator } from "../src/fit/evaluator.js";
import { internalValues, parseParameterPaths, physical, withValues } from "../src/fit/parameters.js";
import { fitStaged, parseStages } from "../src/fit/stages.js";
import { withElements } from "./helpers/ect-models.js";

const starter = JSON.parse(readFileSync(new URL("../models/ect-starter.json", import.meta.url), "utf8"));
const ELEMENTS = ["H", "Li", "Na", "F", "Cl"];

describe("stages file", () => {
  const ok = JSON.stringify([{ name: "a", data: ["LiH"], params: ["pairs.Li-H.A"], maxIterations: 3 }]);
  it("parses a valid file", () => {
    expect(parseStages(ok, "s.json", starter, ["LiH", "HF"])).toEqual([{ name: "a", data: ["LiH"], params: ["pairs.Li-H.A"], maxIterations: 3 }]);
  });
  it("names the stage and field of each problem", () => {
    expect(() => parseStages("{", "s.json", starter, ["LiH"])).toThrow(/s\.json.*not valid JSON/);
    expect(() => parseStages("[]", "s.json", starter, ["LiH"])).toThrow(/non-empty JSON array/);
    expect(() => parseStages(JSON.stringify([{ data: ["NaCl"], params: ["pairs.Li-H.A"] }]), "s.json", starter, ["LiH"])).toThrow(/stage 1: dataset 'NaCl' is not among --data/);
    expect(() => parseStages(JSON.stringify([{ data: ["LiH"], params: [] }]), "s.json", starter, ["LiH"])).toThrow(/stage 1: 'params'/);
    expect(() => parseStages(JSON.stringify([{ data: ["LiH"], params: ["pairs.Li-H.nope"] }]), "s.json", starter, ["LiH"])).toThrow(/pairs\.Li-H\.nope/);
    expect(() => parseStages(JSON.stringify([{ data: ["LiH"], params: ["pairs.Li-H.A"], maxIterations: 0 }]), "s.json", starter, ["LiH"])).toThrow(/maxIterations/);
  });
});

describe("a staged fit", () => {
  it("recovers each molecule's pair parameters stage by stage, each stage starting where the previous ended", async () => {
    const truth = withElements(starter, ["Li", "H", "F"]);
    const ev = localEvaluator();
    const sets: TrainingSet[] = [];
    for (const [a, b, rs] of [["Li", "H", [1.3, 1.5, 1.7, 2.0, 2.4]], ["H", "F", [0.8, 0.9, 1.0, 1.2, 1.4]]] as const) {
      const frames = rs.map((r) => new Atoms({ symbols: [a, b], positions: [0, 0, 0, 0, 0, r] }));
      const res = await ev.evaluate(JSON.stringify(truth), frames);
      const text = frames.map((f, k) => formatExtxyz(Object.assign(f.copy(), { info: { energy: res[k].grandPotential } }))).join("");
      sets.push(parseTrainingSet(text, `${a}${b}.extxyz`, ELEMENTS));
    }
    const labels = ["pairs.Li-H.A", "pairs.Li-H.rho", "pairs.H-F.A", "pairs.H-F.rho"];
    const params = parseParameterPaths(truth, labels);
    const x = internalValues(truth, params);
    const start = withValues(truth, params, x.map((v, k) => v + (k % 2 === 0 ? 0.2 : -0.05)));
    const stages = [
      { name: "LiH", data: ["LiH"], params: labels.slice(0, 2), maxIterations: 40 },
      { name: "HF", data: ["HF"], params: labels.slice(2), maxIterations: 40 },
    ];
    const { result, stages: summary } = await fitStaged(start, stages, sets, ev);
    expect(summary.map((s) => [s.name, s.parameters])).toEqual([["LiH", 2], ["HF", 2]]);
    expect(summary[0].cost).toBeLessThan(1e-12);
    // The last stage's model carries the first stage's fitted values too.
    const fitted = internalValues(result.model, params);
    fitted.forEach((v, k) => expect(Math.abs(physical(params[k], v) / physical(params[k], x[k]) - 1), labels[k]).toBeLessThan(1e-6));
    await ev.close();
  }, 60_000);
});
