// The generic driver's wasm loop between hook points (src/dynamics/driver.ts): checks with no output
// to write read the engine in place instead of copying its state out. Nothing a caller sees may
// change: the same trajectory and thermo rows as a run that copies the state out after every step,
// `atoms` and `results` current whenever they are read, and blown-up runs still stopped.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bulk } from "../src/structures/lattice.js";
import { MolecularDynamics, type DynamicsThermo } from "../src/dynamics/driver.js";
import { maxwellBoltzmann } from "../src/dynamics/velocities.js";
import { EamCalculator } from "../src/eam/calculator.js";
import { CalculationFailed } from "../src/errors.js";
import { readEamPotentialFile } from "../src/potentials/eam-file.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const cu = readEamPotentialFile(join(ROOT, "potentials", "Cu_u3.eam"));

async function start(dt = 2): Promise<MolecularDynamics> {
  const atoms = bulk("Cu", "fcc", 3.615, 3);
  atoms.velocities = maxwellBoltzmann(atoms.masses, 900, 7);
  return new MolecularDynamics(await EamCalculator.create(cu), atoms, { dt, neighborEvery: 1, neighborDelay: 5 });
}

describe("wasm loop checks between outputs", () => {
  it("give bit for bit the run that copies the state out after every step", async () => {
    const quiet = await start();
    const rowsQuiet: DynamicsThermo[] = [];
    // 120 steps, thermo every 40: the run stops for checks every 10 steps without copying out
    quiet.run(120, { thermoEvery: 40, onThermo: (r) => rowsQuiet.push(r) });
    const loud = await start();
    const rowsLoud: DynamicsThermo[] = [];
    // a frame hook every step copies the state out at every step
    loud.run(120, { thermoEvery: 40, onThermo: (r) => rowsLoud.push(r), frameEvery: 1, onFrame: () => {} });
    expect(rowsQuiet.map((r) => r.step)).toEqual([0, 40, 80, 120]);
    expect(rowsQuiet).toEqual(rowsLoud);
    expect(quiet.atoms.positions).toEqual(loud.atoms.positions);
    expect(quiet.atoms.velocities).toEqual(loud.atoms.velocities);
    expect(quiet.results!.forces).toEqual(loud.results!.forces);
    expect(quiet.stats).toEqual(loud.stats);
  }, 60_000);

  it("leave atoms and results current for stepOnce and progress hooks", async () => {
    const a = await start();
    const b = await start();
    const seen: number[] = [];
    a.run(7, { progressEvery: 1, onProgress: (done) => seen.push(done) });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (let k = 0; k < 7; k++) b.stepOnce();
    expect(b.step).toBe(7);
    expect(a.atoms.positions).toEqual(b.atoms.positions);
    expect(a.results!.energy).toBe(b.results!.energy);
    expect(a.thermo()).toEqual(b.thermo());
    expect(a.snapshot().positions).toEqual(b.atoms.positions);
  }, 60_000);

  it("still stop a run that blew up, with the state of the step named", async () => {
    const md = await start(60);
    let err: unknown = null;
    try {
      md.run(2000, { thermoEvery: 1000 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CalculationFailed);
    const step = Number(/MD stopped at step (\d+)/.exec((err as Error).message)?.[1]);
    expect(step).toBe(md.step);
    expect(step % 20).toBe(0); // checked every 1 % of the run (20 steps), not only at thermo output
    expect(step).toBeLessThan(1000);
    expect(md.atoms.positions.length).toBe(3 * 108);
  }, 60_000);
});
