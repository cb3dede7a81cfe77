// The rule behind test/helpers/skip-guard.ts: a test may be skipped only for a program it names that
// is missing here; anything else skipped fails the run.
import { describe, expect, it } from "vitest";
import { checkSkips, type SkipModule } from "./helpers/skip-guard.js";
import type { Tool } from "./helpers/tools.js";

const module = (tests: [string, string][]): SkipModule => ({
  relativeModuleId: "test/x.test.ts",
  children: { allTests: () => tests.map(([fullName, state]) => ({ fullName, result: () => ({ state }) })) },
});

describe("skip guard", () => {
  const only = (...here: Tool[]) => (t: Tool) => here.includes(t);

  it("a test skipped while the program it needs is installed is a problem; missing ones are reported", () => {
    const m = module([
      ["LAMMPS cross-check [needs lmp] > structure 1", "skipped"],
      ["browser demo page [needs chromium] > runs", "skipped"],
      ["ASE reads our files [needs python3-ase] > export [needs lmp]", "skipped"],
      ["plain test", "passed"],
    ]);
    const r = checkSkips([m], only("lmp"));
    expect(r.problems).toEqual(["test/x.test.ts: LAMMPS cross-check [needs lmp] > structure 1: skipped though lmp is installed"]);
    expect(r.missing.sort()).toEqual(["chromium", "python3-ase"]);
    expect(checkSkips([m], only()).problems).toEqual([]);
  });

  it("a test skipped for no named program (it.skip, todo, a stray only) or for an unknown one is a problem", () => {
    const r = checkSkips([module([["forgotten", "skipped"], ["x [needs gnuplot]", "skipped"], ["fine", "passed"]])], only());
    expect(r.problems).toEqual([
      "test/x.test.ts: forgotten: skipped, and not for a missing program",
      "test/x.test.ts: x [needs gnuplot]: names an unknown program (gnuplot)",
    ]);
  });
});
