// Restarts: a run resumed from a restart file written at step k reaches step n bit for bit as the
// uninterrupted run does (EAM with Langevin, Nose-Hoover and Berendsen; ECT-EAM cluster in NVE),
// and the file format keeps every double exactly.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { bulk } from "../src/structures/lattice.js";
import { MolecularDynamics, type DynamicsOptions } from "../src/dynamics/driver.js";
import { base64ToFloat64, float64ToBase64, formatRestart, parseRestart } from "../src/dynamics/restart.js";
import { Random } from "../src/dynamics/random.js";
import { maxwellBoltzmann } from "../src/dynamics/velocities.js";
import { EamCalculator } from "../src/eam/calculator.js";
import { EctCalculator } from "../src/ect/calculator.js";
import { readEctModelFile } from "../src/ect/model-file.js";
import { buildEctTables } from "../src/ect/tables.js";
import { readEamPotentialFile } from "../src/potentials/eam-file.js";
import type { Calculator } from "../src/calculators/protocol.js";
import { InputError } from "../src/errors.js";
import { expectBitwise } from "./helpers/compare.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const cu = readEamPotentialFile(join(ROOT, "potentials", "Cu_u3.eam"));
const ectTables = buildEctTables(readEctModelFile(join(ROOT, "models", "ect-starter.json")));

function buildsOf(calc: Calculator): number {
  return (calc as unknown as { engine: { neighborStats(): { builds: number } } }).engine.neighborStats().builds;
}

/**
 * Runs n steps straight; runs k steps, writes a restart as text, reads it into a fresh calculator
 * and runs n - k more; compares the two end states bit for bit.
 */
async function checkRestart(make: () => Promise<Calculator>, atoms: Atoms, options: DynamicsOptions, k: number, n: number) {
  const straightCalc = await make();
  const straight = new MolecularDynamics(straightCalc, atoms, options);
  straight.run(n);

  const firstCalc = await make();
  const first = new MolecularDynamics(firstCalc, atoms, options);
  first.run(k);
  const buildsBefore = buildsOf(firstCalc);
  const text = formatRestart(first.restartData());
  const secondCalc = await make();
  const { dt: _dt, thermostat: _t, barostat: _b, ...loopOptions } = options;
  const second = MolecularDynamics.fromRestart(secondCalc, parseRestart(text, "test.restart"), loopOptions);
  const b0 = buildsOf(secondCalc);
  second.run(n - k);
  const buildsAfter = buildsOf(secondCalc) - b0;
  console.log(`restart at ${k} of ${n}: ${buildsBefore} list builds before, ${buildsAfter} after`);

  expect(second.step).toBe(n);
  expectBitwise(second.atoms.positions, straight.atoms.positions, "positions");
  expectBitwise(second.atoms.velocities!, straight.atoms.velocities!, "velocities");
  expectBitwise(second.results!.forces, straight.results!.forces, "forces");
  expectBitwise(second.atoms.cell, straight.atoms.cell, "cell");
  expect(Object.is(second.thermo().conserved, straight.thermo().conserved)).toBe(true);
  expect(JSON.stringify(second.thermostat.state())).toBe(JSON.stringify(straight.thermostat.state()));
  return { buildsBefore, buildsAfter, straight, second };
}

function hotCu(temperature: number, seed: number): Atoms {
  const atoms = bulk("Cu", "fcc", 3.615, 3);
  atoms.velocities = maxwellBoltzmann(atoms.masses, temperature, seed);
  return atoms;
}

describe("restart reproduces the uninterrupted run bit for bit", () => {
  const eam = () => EamCalculator.create(cu);
  it("EAM Cu, Langevin (random stream and bath energy carried over)", async () => {
    const r = await checkRestart(eam, hotCu(900, 1), { dt: 2, thermostat: { kind: "langevin", temperature: 900, tdamp: 50, seed: 17 } }, 157, 400);
    // the list was rebuilt before and after the restart point, so resuming had to rebuild the
    // list where the first run built it, not where the restart was written
    expect(r.buildsBefore).toBeGreaterThan(1);
    expect(r.buildsAfter).toBeGreaterThan(0);
  }, 60_000);
  it("EAM Cu, Nose-Hoover chain", async () => {
    const r = await checkRestart(eam, hotCu(900, 2), { dt: 2, thermostat: { kind: "nose-hoover", temperature: 1000, tdamp: 50 } }, 263, 500);
    expect(r.buildsBefore).toBeGreaterThan(1);
    expect(r.buildsAfter).toBeGreaterThan(0);
  }, 60_000);
  it("EAM Cu, Langevin + Berendsen barostat (cell changes every step)", async () => {
    await checkRestart(eam, hotCu(600, 3), {
      dt: 2,
      thermostat: { kind: "langevin", temperature: 600, tdamp: 100, seed: 5 },
      barostat: { kind: "berendsen", pressure: 5000, pdamp: 200, couple: "aniso" },
    }, 120, 250);
  }, 60_000);
  it("ECT-EAM cluster (NaCl + H2), NVE with the weight solver's warm start", async () => {
    const atoms = new Atoms({
      symbols: ["Na", "Cl", "H", "H"],
      positions: [0, 0, 0, 0.1, 0.05, 2.45, 4.5, 0, 1.0, 4.6, 0.1, 1.74],
      pbc: [false, false, false],
    });
    atoms.velocities = maxwellBoltzmann(atoms.masses, 600, 3);
    // a small skin makes the list rebuild during the run
    const ect = () => EctCalculator.create(ectTables, { skin: 0.1 });
    const r = await checkRestart(ect, atoms, { dt: 0.5 }, 171, 400);
    expect(r.buildsAfter).toBeGreaterThan(0);
    expectBitwise(r.second.results!.charges!, r.straight.results!.charges!, "charges");
    expect(Math.abs(r.second.results!.charges![0])).toBeGreaterThan(0.5); // ionic Na+ Cl-
  }, 60_000);
  it("ECT-EAM with resonance ((LiH)2, fitted model): the start extrapolated from two solutions resumes too", async () => {
    const fitted = buildEctTables(readEctModelFile(join(ROOT, "models", "ect-ensemble-dimers.json")));
    const atoms = new Atoms({
      symbols: ["Li", "H", "Li", "H"],
      positions: [0, 0, 0, 1.62, 0.05, 0, 0.1, 3.4, 0.2, 1.7, 3.35, 0],
      pbc: [false, false, false],
    });
    atoms.velocities = maxwellBoltzmann(atoms.masses, 300, 4);
    const r = await checkRestart(() => EctCalculator.create(fitted), atoms, { dt: 0.5 }, 23, 50);
    expectBitwise(r.second.results!.charges!, r.straight.results!.charges!, "charges");
    const q = Math.abs(r.second.results!.charges![0]);
    expect(q).toBeGreaterThan(0.05); // fractional: the resonance coupling is at work
    expect(q).toBeLessThan(0.95);
  }, 60_000);
});

describe("restarts of NVE runs inside the engines' wasm loops", () => {
  it("EAM Cu with neighbor checks every 3 steps after a 4-step delay (steps since the build are saved)", async () => {
    const calc = () => EamCalculator.create(cu, { skin: 0.5 });
    const r = await checkRestart(calc, hotCu(1500, 6), { dt: 4, neighborEvery: 3, neighborDelay: 4 }, 37, 120);
    expect(r.straight.loop?.kind).toBe("eam");
    expect(r.buildsAfter).toBeGreaterThan(1);
  }, 60_000);

  const streitz = async (summation: "wolf" | "ewald", xl: boolean) => {
    const { StreitzCalculator } = await import("../src/streitz/calculator.js");
    const { readStreitzFile } = await import("../src/streitz/params-file.js");
    const calc = await StreitzCalculator.create({
      eam: readEamPotentialFile(join(ROOT, "potentials", "AlO.eam.alloy")),
      streitz: readStreitzFile(join(ROOT, "potentials", "AlO.streitz")),
      summation,
      engine: { skin: 0.3 },
    });
    if (xl) calc.engine.qeqXl = { order: 5, loops: 3 };
    return calc;
  };
  const crystal = async (summation: string) => {
    const { readExtxyzFile } = await import("../src/io/extxyz-file.js");
    const a = readExtxyzFile(join(ROOT, "test", "fixtures", "streitz", `al2o3_rattled_2x1x1_${summation}.extxyz`))[0];
    a.velocities = maxwellBoltzmann(a.masses, 600, 8);
    return a;
  };
  for (const [summation, xl] of [["wolf", false], ["ewald", false], ["wolf", true]] as const) {
    it(`Streitz-Mintmire ${summation}${xl ? " with extended-Lagrangian charges" : ""}: charges, QEq history${summation === "ewald" ? ", Ewald g and kmax" : ""}${xl ? ", propagator" : ""}`, async () => {
      const r = await checkRestart(() => streitz(summation, xl), await crystal(summation), { dt: 0.5 }, 9, 20);
      expect(r.straight.loop?.kind).toBe("streitz");
      expectBitwise(r.second.results!.charges!, r.straight.results!.charges!, "charges");
    }, 60_000);
  }
});

describe("restart format", () => {
  it("base64 Float64 keeps every double, including -0, NaN, infinities and subnormals", () => {
    const a = Float64Array.of(0, -0, 1, -1.5, Math.PI, 5e-324, -2.2250738585072014e-308, 1.7976931348623157e308, NaN, Infinity, -Infinity, 0.1 + 0.2);
    for (let len = 0; len <= a.length; len++) {
      const part = a.slice(0, len);
      expectBitwise(base64ToFloat64(float64ToBase64(part)), part, `length ${len}`);
    }
    // against Node's own base64 of the little-endian bytes
    const bytes = new Uint8Array(a.length * 8);
    const dv = new DataView(bytes.buffer);
    a.forEach((v, i) => dv.setFloat64(8 * i, v, true));
    expect(float64ToBase64(a)).toBe(Buffer.from(bytes).toString("base64"));
  }, 60_000);

  it("Random continues the same stream from a saved state", () => {
    const r = new Random(42);
    for (let i = 0; i < 7; i++) r.normal(); // odd count: a cached second deviate is pending
    const state = JSON.parse(JSON.stringify(r.getState()));
    const copy = Random.fromState(state);
    for (let i = 0; i < 50; i++) expect(Object.is(copy.normal(), r.normal())).toBe(true);
    expect(() => Random.fromState({ words: [0, 0, 0, 0], spare: null })).toThrow(InputError);
  }, 60_000);

  it("rejects files that are not restarts, with the file name and the reason", async () => {
    expect(() => parseRestart("{", "a.restart")).toThrow(/a\.restart: not a JSON restart file/);
    expect(() => parseRestart('{"format":"other"}', "b.restart")).toThrow(/b\.restart: not an ect-eam MD restart file/);
    const md = new MolecularDynamics(await EamCalculator.create(cu), bulk("Cu", "fcc", 3.615, 1), { dt: 1 });
    const good = JSON.parse(formatRestart(md.restartData()));
    expect(() => parseRestart(JSON.stringify({ ...good, version: 99 }), "c")).toThrow(/newer/);
    expect(() => parseRestart(JSON.stringify({ ...good, velocities: { $f64: float64ToBase64(new Float64Array(3)) } }), "d")).toThrow(/d: velocities must hold 3 x 4 numbers/);
    expect(() => parseRestart(JSON.stringify({ ...good, dt: -1 }), "e")).toThrow(/e: dt must be > 0 fs/);
  }, 60_000);
});
