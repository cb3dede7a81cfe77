// The generic MD driver (src/dynamics/driver.ts): in NVE the same trajectory as the wasm
// velocity-Verlet loop for EAM; with the Streitz-Mintmire calculator (charges, restarts).
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
import { maxAbsDiff } from "./helpers/compare.js";

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
