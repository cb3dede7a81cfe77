// The generic MD driver (src/dynamics/driver.ts): in NVE the same trajectory as the wasm
// velocity-Verlet loop for EAM; VelocityVerlet runs on it bit for bit; the ECT-EAM loop with a cold
// solver start at every step (the page's ground-state mode); with the Streitz-Mintmire calculator
// (charges, restarts).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bulk } from "../src/structures/lattice.js";
import { VelocityVerlet } from "../src/dynamics/md.js";
import { MolecularDynamics } from "../src/dynamics/driver.js";
import { maxwellBoltzmann } from "../src/dynamics/velocities.js";
import { EamCalculator } from "../src/eam/calculator.js";
import { EamEngine } from "../src/eam/engine.js";
import { readEamPotentialFile } from "../src/potentials/eam-file.js";
import { expectBitwise, inputError, maxAbsDiff } from "./helpers/compare.js";
import { Atoms } from "../src/atoms.js";
import { EctCalculator } from "../src/ect/calculator.js";
import { EctEngine } from "../src/ect/engine.js";
import { readEctModelFile } from "../src/ect/model-file.js";
import { buildEctTables } from "../src/ect/tables.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const cu = readEamPotentialFile(join(ROOT, "potentials", "Cu_u3.eam"));

describe("generic driver, NVE", () => {
  it("follows the wasm VelocityVerlet trajectory over 100 steps (EAM Cu, 108 atoms, 800 K)", async () => {
    const atoms = bulk("Cu", "fcc", 3.615, 3);
    atoms.velocities = maxwellBoltzmann(atoms.masses, 800, 11);
    const engine = await EamEngine.create(cu);
    engine.setAtoms(atoms);
    const vv = new VelocityVerlet(engine, atoms, { dt: 2 });
    vv.run(100);
    const md = new MolecularDynamics(await EamCalculator.create(cu), atoms, { dt: 2, loop: "per-step" });
    md.run(100);
    const dx = maxAbsDiff(md.atoms.positions, engine.positions());
    const dv = maxAbsDiff(md.atoms.velocities!, engine.velocities());
    console.log("NVE generic vs wasm: max |dx|", dx, "A, max |dv|", dv, "A/fs");
    expect(dx).toBeLessThan(1e-10);
    expect(dv).toBeLessThan(1e-12);
    // the atoms did move: several crossed the cell boundary and were wrapped by both
    expect(maxAbsDiff(md.atoms.positions, atoms.positions)).toBeGreaterThan(0.05);
  }, 60_000);
});

describe("one NVE loop: VelocityVerlet and MolecularDynamics", () => {
  it("VelocityVerlet gives MolecularDynamics' NVE trajectory and energies bit for bit (EAM Cu, 108 atoms, 800 K)", async () => {
    const atoms = bulk("Cu", "fcc", 3.615, 3);
    atoms.velocities = maxwellBoltzmann(atoms.masses, 800, 11);
    const engine = await EamEngine.create(cu, { skin: 0.5 });
    engine.setAtoms(atoms);
    const vv = new VelocityVerlet(engine, atoms, { dt: 2, neighborEvery: 2, neighborDelay: 4 });
    const vvRows: number[] = [];
    // Two runs with other intervals: chunking does not change the trajectory.
    vv.run(60, { thermoEvery: 7, onThermo: (r) => vvRows.push(r.step, r.potential) });
    vv.run(90, { thermoEvery: 10, onThermo: (r) => vvRows.push(r.step, r.potential), frameEvery: 25, onFrame: () => {} });
    const md = new MolecularDynamics(await EamCalculator.create(cu, { skin: 0.5 }), atoms, { dt: 2, neighborEvery: 2, neighborDelay: 4 });
    const mdRows: number[] = [];
    md.run(150, { thermoEvery: 10, onThermo: (r) => mdRows.push(r.step, r.potential) });
    expect(vv.step).toBe(150);
    expectBitwise(md.atoms.positions, engine.positions(), "positions");
    expectBitwise(md.atoms.velocities!, engine.velocities(), "velocities");
    expectBitwise(md.results!.forces, engine.forces(), "forces");
    // the potential energy at the steps both printed
    const at = (rows: number[]) => new Map(Array.from({ length: rows.length / 2 }, (_, k) => [rows[2 * k], rows[2 * k + 1]]));
    const a = at(vvRows), b = at(mdRows);
    const shared = [...a.keys()].filter((s) => b.has(s));
    expect(shared).toEqual([0, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150]);
    for (const s of shared) expect(Object.is(a.get(s), b.get(s)), `potential at step ${s}`).toBe(true);
  }, 60_000);

  it("fromEngine continues the engine's state without evaluating again, NVE only", async () => {
    const atoms = bulk("Cu", "fcc", 3.615, 3);
    atoms.velocities = maxwellBoltzmann(atoms.masses, 600, 3);
    const one = new MolecularDynamics(await EamCalculator.create(cu), atoms, { dt: 1 });
    one.run(80);
    const calc = await EamCalculator.create(cu);
    const two = new MolecularDynamics(calc, atoms, { dt: 1 });
    two.run(30);
    const resumed = MolecularDynamics.fromEngine(calc, atoms, { dt: 1 }, two.step);
    resumed.run(50);
    expect(resumed.step).toBe(80);
    expectBitwise(resumed.atoms.positions, one.atoms.positions, "positions");
    expectBitwise(resumed.atoms.velocities!, one.atoms.velocities!, "velocities");
    const langevin = { kind: "langevin", temperature: 300, tdamp: 100, seed: 1 } as const;
    expect(inputError(() => MolecularDynamics.fromEngine(calc, atoms, { dt: 1, thermostat: langevin })).message).toMatch(/NVE in the engine's loop/);
    const empty = await EamEngine.create(cu);
    expect(inputError(() => new VelocityVerlet(empty, atoms, { dt: 1 }).run(10)).message).toMatch(/no structure \(call setAtoms first\)/);
  }, 60_000);

  it("ECT-EAM with a cold solver start at every step: the engine's coldStart + runVerlet(1) per step, bit for bit", async () => {
    // Fractional charges (Li about +0.9 e), so a cold solve and a warm one differ in the last bits.
    const tables = buildEctTables(readEctModelFile(join(ROOT, "models", "ect-fitted.json")));
    const atoms = new Atoms({ symbols: ["Li", "H", "Li", "H"], positions: [0, 0, 0, 1.6, 0.1, 0, 1.7, 1.6, 0.2, -0.1, 1.65, 0.1] });
    atoms.velocities = maxwellBoltzmann(atoms.masses, 300, 3);
    // What the demo page's worker did before it ran on MolecularDynamics.
    const e = await EctEngine.create(tables);
    e.setAtoms(atoms);
    e.runVerlet(0, 1);
    for (let s = 0; s < 24; s++) {
      e.coldStart();
      e.runVerlet(1, 1);
    }
    const md = new MolecularDynamics(await EctCalculator.create(tables), atoms, { dt: 1, coldStartEachStep: true });
    const omega: number[] = [];
    md.run(24, { thermoEvery: 8, onThermo: (r) => omega.push(r.omega!) });
    expectBitwise(md.atoms.positions, e.positions(), "positions");
    expectBitwise(md.atoms.velocities!, e.velocities(), "velocities");
    expectBitwise(md.results!.charges!, e.charges(), "charges");
    expect(omega[omega.length - 1]).toBe(e.grandPotential());
    // warm-started steps converge from elsewhere: not the same run
    const warm = new MolecularDynamics(await EctCalculator.create(tables), atoms, { dt: 1 });
    warm.run(24);
    expect(maxAbsDiff(warm.atoms.positions, md.atoms.positions)).toBeGreaterThan(0);
    // only where a loop re-solves every step in the engine
    const langevin = { kind: "langevin", temperature: 300, tdamp: 100, seed: 1 } as const;
    const ect = await EctCalculator.create(tables);
    expect(inputError(() => new MolecularDynamics(ect, atoms, { dt: 1, coldStartEachStep: true, thermostat: langevin })).message).toMatch(/cold start/);
    const eam = await EamCalculator.create(cu);
    expect(inputError(() => new MolecularDynamics(eam, bulk("Cu", "fcc", 3.615, 2), { dt: 1, coldStartEachStep: true })).message).toMatch(/ECT-EAM/);
  }, 60_000);
});

describe("generic driver with the Streitz-Mintmire calculator", () => {
  it("runs Langevin dynamics of an Al2O3 cluster with charges in the thermo, and restarts bit for bit", async () => {
    const { StreitzCalculator } = await import("../src/streitz/calculator.js");
    const { readStreitzFile } = await import("../src/streitz/params-file.js");
    const { readExtxyzFile } = await import("../src/io/extxyz-file.js");
    const { formatRestart, parseRestart } = await import("../src/dynamics/restart.js");
    const make = () => StreitzCalculator.create({
      eam: readEamPotentialFile(join(ROOT, "potentials", "AlO.eam.alloy")),
      streitz: readStreitzFile(join(ROOT, "potentials", "AlO.streitz")),
      summation: "wolf",
    });
    const atoms = readExtxyzFile(join(ROOT, "test", "fixtures", "streitz", "al2o3_cluster_a_wolf.extxyz"))[0];
    atoms.velocities = maxwellBoltzmann(atoms.masses, 300, 2);
    const opts = { dt: 1, thermostat: { kind: "langevin", temperature: 300, tdamp: 20, seed: 1 } } as const;
    const straight = new MolecularDynamics(await make(), atoms, opts);
    const rows: number[] = [];
    straight.run(30, { thermoEvery: 10, onThermo: (r) => rows.push(r.totalCharge!, r.chargeMin!, r.chargeMax!) });
    // Streitz charges: neutral overall, Al positive, O negative
    for (let k = 0; k < rows.length; k += 3) {
      expect(Math.abs(rows[k])).toBeLessThan(1e-6);
      expect(rows[k + 1]).toBeLessThan(-0.5);
      expect(rows[k + 2]).toBeGreaterThan(0.5);
    }
    const first = new MolecularDynamics(await make(), atoms, opts);
    first.run(13);
    const resumed = MolecularDynamics.fromRestart(await make(), parseRestart(formatRestart(first.restartData())));
    resumed.run(17);
    expect(maxAbsDiff(resumed.atoms.positions, straight.atoms.positions)).toBe(0);
    expect(maxAbsDiff(resumed.atoms.velocities!, straight.atoms.velocities!)).toBe(0);
  }, 60_000);
});
