import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { Atoms } from "../src/atoms.js";
import { formatExtxyz } from "../src/io/extxyz.js";
import { parseEctModel } from "../src/ect/model.js";
import { parseTrainingSet, type TrainingSet } from "../src/fit/dataset.js";
import { localEvaluator } from "../src/fit/evaluator.js";
import { omegaGradient } from "../src/fit/gradient.js";
import { defaultFreeParameters, internalValues, parseParameterPaths, physical, withValues, type FitParameter } from "../src/fit/parameters.js";
import { withElements } from "./helpers/ect-models.js";
import { expectReproducibleFit } from "./helpers/fit-reproducible.js";

const starter = JSON.parse(readFileSync(new URL("../models/ect-starter.json", import.meta.url), "utf8"));
const ELEMENTS = ["H", "Li", "Na", "F", "Cl"];

function dimer(a: string, b: string, r: number): Atoms {
  return new Atoms({ symbols: [a, b], positions: [0, 0, 0, 0.1 * r, 0.2 * r, 0.97 * r] });
}

/**
 * Each component of the analytic gradient `g` of Omega in the internal parameters `x` equals the
 * central difference with step `h` to 1e-6 relative.
 */
async function expectGradientIsFd(ev: ReturnType<typeof localEvaluator>, json: unknown, params: FitParameter[], x: Float64Array, atoms: Atoms, g: ArrayLike<number>, h: number) {
  for (let k = 0; k < params.length; k++) {
    const xp = Float64Array.from(x), xm = Float64Array.from(x);
    xp[k] += h;
    xm[k] -= h;
    const [rp] = await ev.evaluate(JSON.stringify(withValues(json, params, xp)), [atoms]);
    const [rm] = await ev.evaluate(JSON.stringify(withValues(json, params, xm)), [atoms]);
    const fd = (rp.grandPotential - rm.grandPotential) / (2 * h);
    expect(Math.abs(g[k] - fd), `${params[k].label}: analytic ${g[k]} vs FD ${fd}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
  }
}

describe("analytic parameter gradients (Hellmann-Feynman) equal central differences of Omega", () => {
  // The starter with the Li-H and H-F couplings switched on strongly enough to mix the weights.
  const fitStart = structuredClone(starter);
  for (const key of ["Li-H", "H-F"]) fitStart.resonance[key] = { h0: 8, kappa: 0.5 };
  // A Born-Mayer pair with its optional second exponential.
  const twoExponentials = structuredClone(starter);
  Object.assign(twoExponentials.pairs["Na-Cl"], { A2: 40, rho2: 0.6 });
  const cases: [string, string, number, string[], unknown?][] = [
    ["Li", "H", 1.6, ["resonance.Li-H.h0", "resonance.Li-H.kappa", "pairs.Li-H.A", "elements.Li.states[0].embedding.a"], fitStart],
    ["H", "F", 0.95, ["resonance.H-F.h0", "resonance.H-F.kappa", "pairs.H-F.A", "pairs.H-F.rho", "elements.F.states[1].embedding.a"], fitStart],
    ["Li", "H", 1.6, ["pairs.Li-H.A", "pairs.Li-H.rho", "elements.Li.states[0].embedding.a", "elements.Li.states[0].embedding.rho0", "elements.H.states[1].embedding.a", "electronicTemperature"]],
    ["H", "F", 0.95, ["pairs.H-F.A", "pairs.H-F.rho", "elements.F.states[1].embedding.a", "elements.F.states[1].embedding.rho0", "elements.H.states[1].embedding.rho0"]],
    ["Na", "Cl", 2.4, ["pairs.Na-Cl.A", "pairs.Na-Cl.rho", "elements.Na.states[0].embedding.a"]],
    ["Na", "Cl", 2.4, ["pairs.Na-Cl.A", "pairs.Na-Cl.rho", "pairs.Na-Cl.A2", "pairs.Na-Cl.rho2"], twoExponentials],
  ];
  for (const [a, b, r, labels, model] of cases) {
    it(`${a}${b} at ${r} A${model ? " (resonance on)" : ""}`, async () => {
      const json = withElements(model ?? starter, [a, b]);
      const params = parseParameterPaths(json, labels);
      const x = internalValues(json, params);
      const ev = localEvaluator();
      const atoms = dimer(a, b, r);
      const [res] = await ev.evaluate(JSON.stringify(json), [atoms]);
      // Central differences carry O(h^2) ~ 1e-10 relative truncation and ~1e-11 eV / h round-off.
      await expectGradientIsFd(ev, json, params, x, atoms, omegaGradient(parseEctModel(json, "t"), atoms, res, params, x), 1e-5);
      await ev.close();
    });
  }
});

describe("a fit is reproducible", () => {
  // (2 starts of 2 iterations; of 6: test/verify/fit-recovery.test.ts)
  it("same data, options and seed give the same parameters bit for bit (multi-start)", () => expectReproducibleFit(2));
});

describe("bad datasets get clear errors", () => {
  const ok = '2\nenergy=-1.0 pbc="F F F"\nLi 0 0 0\nH 0 0 1.6\n';
  it("accepts a good frame", () => {
    expect(parseTrainingSet(ok, "good.extxyz", ELEMENTS).frames[0].bondLength).toBeCloseTo(1.6, 12);
  });
  it("missing energy", () => {
    expect(() => parseTrainingSet('2\npbc="F F F"\nLi 0 0 0\nH 0 0 1.6\n', "noe.extxyz", ELEMENTS)).toThrow(/noe\.extxyz, frame 0: no 'energy' key/);
  });
  it("unknown species", () => {
    expect(() => parseTrainingSet('2\nenergy=-1 pbc="F F F"\nLi 0 0 0\nCu 0 0 1.6\n', "cu.extxyz", ELEMENTS)).toThrow(/cu\.extxyz, frame 0, atom 1: species 'Cu' is not in the model/);
  });
  it("NaN energy and NaN forces", () => {
    expect(() => parseTrainingSet('2\nenergy=nan pbc="F F F"\nLi 0 0 0\nH 0 0 1.6\n', "nan.extxyz", ELEMENTS)).toThrow(/nan\.extxyz, frame 0: energy is 'NaN', expected a finite number/);
    expect(() =>
      parseTrainingSet('2\nProperties=species:S:1:pos:R:3:forces:R:3 energy=-1 pbc="F F F"\nLi 0 0 0 0 0 nan\nH 0 0 1.6 0 0 0\n', "nanf.extxyz", ELEMENTS),
    ).toThrow(/nanf\.extxyz, frame 0, atom 0: force is NaN/);
  });
  it("a dipole that is not three numbers", () => {
    expect(() => parseTrainingSet('2\nenergy=-1 dipole="1 2" pbc="F F F"\nLi 0 0 0\nH 0 0 1.6\n', "dip.extxyz", ELEMENTS)).toThrow(/dip\.extxyz, frame 0: dipole is/);
  });
  it("defaults free only what the data can determine", () => {
    const withResonance = structuredClone(starter);
    withResonance.resonance["Li-H"].h0 = 5;
    const p = defaultFreeParameters(withResonance, ["Li", "H"], ["Li-H", "H-H"]).map((q) => q.label);
    expect(defaultFreeParameters(starter, ["Li", "H"], ["Li-H"]).some((q) => q.label.startsWith("resonance"))).toBe(false);
    expect(p).toContain("pairs.Li-H.A");
    expect(p).toContain("resonance.Li-H.h0");
    expect(p.some((l) => l.includes("Na"))).toBe(false);
    expect(p.some((l) => l.endsWith(".energy") || l.includes("density"))).toBe(false);
  });
});

describe("spline embedding values: analytic dOmega/dy_k equals central differences", () => {
  it("HF at 0.92 A with an H+ spline embedding and resonance (mixed weights)", async () => {
    const json = withElements(starter, ["H", "F"]);
    json.elements.H.states[0].embedding = { form: "spline", points: [[0, 0], [0.03, 0], [0.12, -5], [0.47, -12], [0.94, -16.6]] };
    json.resonance = { "H-F": { h0: 20, kappa: 0.5 } };
    const labels = [2, 3, 4].map((k) => `elements.H.states[0].embedding.points[${k}][1]`);
    const params = parseParameterPaths(json, labels);
    expect(params.every((p) => p.transform === "linear" && p.unit === "eV")).toBe(true);
    const x = internalValues(json, params);
    const ev = localEvaluator();
    const atoms = dimer("H", "F", 0.92);
    const [res] = await ev.evaluate(JSON.stringify(json), [atoms]);
    expect(Math.abs(res.charges[0])).toBeGreaterThan(0.05); // the H+ weight is not negligible
    const g = omegaGradient(parseEctModel(json, "t"), atoms, res, params, x);
    await expectGradientIsFd(ev, json, params, x, atoms, g, 1e-4);
    expect(Math.max(...g.map(Math.abs))).toBeGreaterThan(1e-3); // the knots near rhobar matter
    await ev.close();
  });
});

describe("energy-dependent tolerances (--energy-slope)", () => {
  it("scale energy and force residuals by 1 + slope * (E - lowest E of the dataset), dipoles unchanged", async () => {
    const frames = [1.4, 1.6, 2.5].map((r) => dimer("Li", "H", r));
    const energies = [-1, -2.5, -0.5];
    const text = frames
      .map((f, k) => {
        const c = f.copy();
        c.info = { energy: energies[k], dipole: [0, 0, 1] };
        c.arrays = { forces: { kind: "R", ncols: 3, data: new Float64Array(6) } };
        return formatExtxyz(c);
      })
      .join("");
    const set = parseTrainingSet(text, "LiH.extxyz", ELEMENTS);
    const { FitObjective } = await import("../src/fit/objective.js");
    const params = parseParameterPaths(starter, ["pairs.Li-H.A"]);
    const obj = new FitObjective(starter, params, set.frames, localEvaluator(), { energy: 0.02, force: 0.1, dipole: 0.05, energySlope: 2 });
    expect(Array.from(obj.frameScale)).toEqual([1 + 2 * 1.5, 1, 1 + 2 * 2]);
    const fake = energies.map((e) => ({ grandPotential: e + 0.1, forces: new Float64Array([0, 0, 0.3, 0, 0, -0.3]), dipole: [0, 0, 1.05] }));
    const r = obj.residuals(fake as never);
    // Rows per frame: energy, 6 force components, 3 dipole components.
    [4, 1, 5].forEach((s, k) => {
      expect(r[10 * k]).toBeCloseTo(0.1 / (0.02 * s), 12);
      expect(r[10 * k + 3]).toBeCloseTo(0.3 / (0.1 * s), 12);
      expect(r[10 * k + 9]).toBeCloseTo(0.05 / 0.05, 12);
    });
    expect(() => new FitObjective(starter, params, set.frames, localEvaluator(), { energy: 0.02, force: 0.1, dipole: 0.05, energySlope: -1 })).toThrow(/energySlope/);
  });
});
