// Thermostats over spatial domains (src/domain/thermostat.ts). Nose-Hoover: the chain sees the
// kinetic energy summed over the domains, so 2 domains follow the single-engine driver
// (MolecularDynamics with the same chain) to round-off. Langevin: the noise is keyed on atom and
// step, so 1, 2 and 3 domains give one trajectory, and the conserved quantity (potential + kinetic +
// the energy given to the bath) stays put. Streitz-Mintmire with Nose-Hoover: 2 domains as 1.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { Atoms } from "../src/atoms.js";
import { createDomainMd, type DomainMd, type DomainMdOptions } from "../src/domain/index.js";
import { MolecularDynamics } from "../src/dynamics/driver.js";
import { Random } from "../src/dynamics/random.js";
import type { ThermostatSpec } from "../src/dynamics/thermostats.js";
import { maxwellBoltzmann } from "../src/dynamics/velocities.js";
import { EamCalculator } from "../src/eam/calculator.js";
import { parseLammpsData } from "../src/io/lammps-data.js";
import { parseEamPotential } from "../src/potentials/eam-parse.js";
import { bulk } from "../src/structures/lattice.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const read = (p: string) => readFileSync(join(ROOT, p), "utf8");
const CU = { kind: "eam" as const, text: read("potentials/Cu_u3.eam"), fileName: "Cu_u3.eam" };
const DT = 2; // fs

/** fcc Cu, 2048 atoms (28.9 A cube: 2 slabs of 14.5 A > 5.95 A reach, 3 of 9.6 A), rattled, at 800 K. */
function copper(): Atoms {
  const atoms = bulk("Cu", "fcc", 3.615, 8);
  const rng = new Random(4);
  for (let k = 0; k < atoms.positions.length; k++) atoms.positions[k] += 0.05 * rng.normal();
  atoms.velocities = maxwellBoltzmann(atoms.masses, 800, 4);
  return atoms;
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
};

const open: DomainMd[] = [];
afterAll(async () => {
  await Promise.all(open.map((m) => m.close()));
});
async function start(o: Omit<DomainMdOptions, "dt">): Promise<DomainMd> {
  const md = await createDomainMd({ dt: DT, onWarning: () => {}, ...o });
  open.push(md);
  return md;
}

describe("thermostats on spatial domains", { timeout: 60_000 }, () => {
  const atoms = copper();

  it("Nose-Hoover chain, 2 domains: the single-engine driver's trajectory and conserved energy to round-off", async () => {
    const thermostat: ThermostatSpec = { kind: "nose-hoover", temperature: 300, tdamp: 50, chain: 3 };
    const md = await start({ potential: CU, atoms, workers: 2, thermostat });
    await md.run(60);
    const st = await md.state();
    const calc = await EamCalculator.create(parseEamPotential(CU.text, { fileName: CU.fileName }));
    const ref = new MolecularDynamics(calc, atoms.copy(), { dt: DT, thermostat });
    ref.run(60);
    const row = ref.thermo();
    expect(Math.abs(st.kinetic - row.kinetic) / row.kinetic).toBeLessThan(1e-9);
    expect(Math.abs(st.energy - row.potential) / Math.abs(row.potential)).toBeLessThan(1e-12);
    expect(maxAbsDiff(st.velocities, ref.atoms.velocities!)).toBeLessThan(1e-10);
    // the chain has taken energy out (800 K toward 300 K) and the sum is conserved as in the driver
    expect(md.thermostatEnergy()).toBeGreaterThan(1);
    expect(Math.abs(st.energy + st.kinetic + md.thermostatEnergy() - row.conserved!)).toBeLessThan(1e-8);
  });

  it("Langevin: 1, 2 and 3 domains give one trajectory; potential + kinetic + bath energy is conserved", async () => {
    const thermostat: ThermostatSpec = { kind: "langevin", temperature: 300, tdamp: 100, seed: 9 };
    const runs = [];
    for (const workers of [1, 2, 3]) {
      const md = await start({ potential: CU, atoms, workers, thermostat });
      expect(md.domains).toBe(workers);
      const c0 = md.thermo().total;
      await md.run(40);
      const st = await md.state();
      runs.push({ st, conserved: st.energy + st.kinetic + md.thermostatEnergy(), c0, kinetic: md.thermo().kinetic });
    }
    for (const r of runs.slice(1)) {
      expect(maxAbsDiff(r.st.velocities, runs[0].st.velocities)).toBeLessThan(1e-10);
      expect(Math.abs(r.conserved - runs[0].conserved)).toBeLessThan(1e-8);
    }
    // BAOAB at 2 fs: the conserved quantity moves by the integrator's error only (here < 1e-4 eV/atom)
    expect(Math.abs(runs[0].conserved - runs[0].c0) / atoms.length).toBeLessThan(1e-4);
    // and the bath took energy out (800 K start, 300 K target)
    expect(runs[0].conserved - runs[0].st.energy - runs[0].st.kinetic).toBeGreaterThan(0);
  });

  it("Streitz-Mintmire with a Nose-Hoover chain: 2 domains as 1", async () => {
    const alumina = parseLammpsData(read("bench/streitz/data.streitz"), { species: ["Al", "O"] });
    alumina.velocities = maxwellBoltzmann(alumina.masses, 600, 2);
    const potential = {
      kind: "streitz" as const, eam: { text: read("potentials/AlO.eam.alloy"), fileName: "AlO.eam.alloy" },
      streitz: { text: read("potentials/AlO.streitz"), fileName: "AlO.streitz" }, coulCutoff: 8, qeqTolerance: 1e-10, qeqMaxIter: 500,
    };
    const thermostat: ThermostatSpec = { kind: "nose-hoover", temperature: 300, tdamp: 20 };
    const states = [];
    for (const workers of [1, 2]) {
      const md = await start({ potential, atoms: alumina, workers, thermostat, dt: 1 } as DomainMdOptions);
      await md.run(5);
      states.push({ st: await md.state(), chain: md.thermostatEnergy() });
    }
    expect(maxAbsDiff(states[1].st.velocities, states[0].st.velocities)).toBeLessThan(1e-11);
    expect(maxAbsDiff(states[1].st.charges!, states[0].st.charges!)).toBeLessThan(1e-8);
    expect(Math.abs(states[1].chain - states[0].chain)).toBeLessThan(1e-10);
  });
});
