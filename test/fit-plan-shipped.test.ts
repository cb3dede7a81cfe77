/**
 * The shipped fit plan (models/ect-fit-plan.json) names only parameters that exist, in its start
 * file and in the shipped model it produced, so that `npm run fit` and a single stage on the
 * shipped model (`--only STAGE`) start; and a plan that names a missing one fails before running.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkFitPlan, type FitPlan } from "../src/fit/bond-fit.js";

const read = (p: string) => JSON.parse(readFileSync(new URL(`../models/${p}`, import.meta.url), "utf8"));
const plan = read("ect-fit-plan.json") as FitPlan;

describe("the shipped fit plan", () => {
  for (const model of [plan.model, "ect-fitted.json"]) {
    it(`every stage's data and parameters exist in ${model}`, () => {
      expect(() => checkFitPlan(plan, read(model))).not.toThrow();
    });
  }

  it("a stage naming a missing parameter or an unlisted data file fails, naming the stage", () => {
    const bad = structuredClone(plan);
    bad.stages[1].params = [...bad.stages[1].params, "pairs.H-H.D"];
    expect(() => checkFitPlan(bad, read("ect-fitted.json"))).toThrow(new RegExp(`stage '${bad.stages[1].name}'.*pairs.H-H.D`));
    const unlisted = structuredClone(plan);
    unlisted.stages[0].data = ["../datasets/qm/none.extxyz"];
    expect(() => checkFitPlan(unlisted, read("ect-fitted.json"))).toThrow(/not listed in data/);
  });
});
