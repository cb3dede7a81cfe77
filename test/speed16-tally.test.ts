// Energy-free MD steps (issue 16): `runVerlet(..., { tally: false })` skips the energy and virial
// tally on a chunk's last step, and the engine tallies them when they are read after all. The
// trajectory must be the one of tallying every chunk bit for bit, and energies, virials and per-atom
// energies read at check points (tallied chunks, or lazily after untallied ones) the same doubles.
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Atoms } from "../src/atoms.js";
import { MolecularDynamics, type DynamicsThermo } from "../src/dynamics/driver.js";
import { maxwellBoltzmann } from "../src/dynamics/velocities.js";
import type { EamEngine } from "../src/eam/engine.js";
import { readExtxyzFile } from "../src/io/extxyz-file.js";
import { readEamPotentialFile } from "../src/potentials/eam-file.js";
import type { EamPotential } from "../src/potentials/types.js";
import { StreitzCalculator } from "../src/streitz/calculator.js";
import type { QeqXlSettings, StreitzEngine } from "../src/streitz/engine.js";
import { readStreitzFile } from "../src/streitz/params-file.js";
import type { StreitzParameters } from "../src/streitz/params.js";
import { cuEngine, hotCrystal } from "./helpers/cu-md.js";

const ROOT = join(import.meta.dirname, "..");
const FIX = join(ROOT, "test", "fixtures", "streitz");
const POT = join(ROOT, "potentials");

let eam: EamPotential;
let streitz: StreitzParameters;
let start: Atoms;
beforeAll(() => {
  eam = readEamPotentialFile(join(POT, "AlO.eam.alloy"));
  streitz = readStreitzFile(join(POT, "AlO.streitz"));
  start = readExtxyzFile(join(FIX, "al2o3_rattled_2x1x1_wolf.extxyz"))[0];
  start.velocities = maxwellBoltzmann(start.masses, 600, 7);
});

/** Everything a check point reads, as plain arrays (toEqual compares the doubles exactly). */
function readings(e: StreitzEngine | EamEngine) {
  const out: Record<string, number[]> = {
    positions: Array.from(e.positions()),
    velocities: Array.from(e.velocities()),
    forces: Array.from(e.forces()),
    energy: [e.energy()],
    virial: Array.from(e.virial()),
  };
  if ("charges" in e) {
    out.charges = Array.from(e.charges());
    const t = e.energyTerms();
    out.terms = [t.eam, t.coulPair, t.kspace];
  } else {
    out.energies = Array.from(e.energies());
  }
  return out;
}

/** The state without the energies (read after an untallied chunk, it must not tally). */
function trajectory(e: StreitzEngine | EamEngine) {
  return { positions: Array.from(e.positions()), velocities: Array.from(e.velocities()), forces: Array.from(e.forces()) };
}

async function streitzEngine(summation: "wolf" | "ewald", xl: QeqXlSettings | null): Promise<StreitzEngine> {
  const calc = await StreitzCalculator.create({ eam, streitz, summation, wolfAlpha: 0.31, ewaldG: 0.45, kmax: [15, 9, 12] });
  calc.calculate(start);
  const e = calc.engine;
  e.setVelocities(start.velocities!);
  e.qeqXl = xl;
  return e;
}

const CHUNKS = 6, STEPS = 2, DT = 0.4;
/** Chunks that tally (the others skip it; chunk 1's energies are read lazily). */
const tallies = (k: number) => k % 3 === 2;

describe("energy-free MD steps (tally only where read)", () => {
  const cases: [string, "wolf" | "ewald", QeqXlSettings | null][] = [
    ["Wolf, exact solve", "wolf", null],
    ["Ewald, exact solve", "ewald", null],
    ["Wolf, --qeq-xl", "wolf", { order: 5, loops: 4 }],
    ["Ewald, --qeq-xl-shadow (two loops)", "ewald", { order: 5, shadow: true }],
    ["Wolf, shadow, one loop", "wolf", { order: 5, loops: 1, shadow: true }],
  ];
  for (const [name, summation, xl] of cases) {
    it(`Streitz-Mintmire ${name}: same trajectory bit for bit, same energies where read`, async () => {
      const every = await streitzEngine(summation, xl);
      const lazy = await streitzEngine(summation, xl);
      for (let k = 0; k < CHUNKS; k++) {
        every.runVerlet(STEPS, DT, { every: 2 });
        lazy.runVerlet(STEPS, DT, { every: 2, tally: tallies(k) });
        if (tallies(k) || k === 1) {
          // tallied chunk, or (k = 1) the energies asked for after an untallied one
          expect(readings(lazy)).toEqual(readings(every));
        } else {
          expect(trajectory(lazy)).toEqual(trajectory(every));
        }
      }
      expect(readings(lazy)).toEqual(readings(every));
    });
  }

  it("EAM: same trajectory bit for bit, same energy, per-atom energies and virial where read", async () => {
    const atoms = hotCrystal(4, 900, 11);
    const every = await cuEngine(atoms), lazy = await cuEngine(atoms);
    for (const e of [every, lazy]) e.compute();
    for (let k = 0; k < CHUNKS; k++) {
      every.runVerlet(STEPS, 2, { every: 1, delay: 0 });
      lazy.runVerlet(STEPS, 2, { every: 1, delay: 0, tally: tallies(k) });
      // the total energy is summed by every step, tallied or not
      expect(lazy.energy()).toBe(every.energy());
      if (tallies(k) || k === 1) expect(readings(lazy)).toEqual(readings(every));
      else expect(trajectory(lazy)).toEqual(trajectory(every));
    }
    expect(readings(lazy)).toEqual(readings(every));
  });

  it("the MD driver: thermo rows of a Streitz run equal the engine's tallied run at the same steps", async () => {
    const calc = await StreitzCalculator.create({ eam, streitz, summation: "wolf", wolfAlpha: 0.31 });
    const md = new MolecularDynamics(calc, start, { dt: DT, neighborEvery: 2 });
    const rows: DynamicsThermo[] = [];
    md.run(12, { thermoEvery: 4, onThermo: (r) => rows.push(r) });
    expect(rows.map((r) => r.step)).toEqual([0, 4, 8, 12]);
    const ref = await streitzEngine("wolf", null);
    for (const r of rows.slice(1)) {
      ref.runVerlet(4, DT, { every: 2 });
      expect(r.potential).toBe(ref.energy());
    }
    expect(Array.from(md.atoms.positions)).toEqual(Array.from(ref.positions()));
  });
});
