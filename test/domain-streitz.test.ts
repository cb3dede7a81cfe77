// Streitz-Mintmire over spatial domains (src/domain: streitz-engine.ts, streitz-qeq.ts): the QEq CG
// runs across the domains with global dot products, so 2 and 3 domains take the single engine's CG
// steps with sums in another order. Solved tightly (tolerance 1e-10) the charges, energy, forces and
// velocities agree to round-off, also after steps in which atoms migrate. At the default tolerance
// (1e-6) a warm-started CG runs 30-45 loops on a residual 1e-5 of |b|, where round-off of the start
// steers where inside the tolerance it stops: the domains' charges then differ from the single
// engine's by less than the single engine's own distance from the converged charges. One domain is
// the single engine (Jacobi CG, the domains' preconditioner) bit for bit. Extended-Lagrangian
// charges follow the engine's XL run: bit for bit on one domain, on two within the round-off that
// each capped solve takes in from its start (1e-8 e after 8 steps). Bad input is refused
// before any worker starts; a failure in a worker stops all of them. The workers run
// dist/domain-worker.js (npm test builds it first).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { Atoms } from "../src/atoms.js";
import { createDomainMd, type DomainMd, type DomainStreitzPotential } from "../src/domain/index.js";
import { maxwellBoltzmann } from "../src/dynamics/velocities.js";
import { InputError } from "../src/errors.js";
import { parseLammpsData } from "../src/io/lammps-data.js";
import { parseEamPotential } from "../src/potentials/eam-parse.js";
import { StreitzEngine, type StreitzMode } from "../src/streitz/engine.js";
import { parseStreitz } from "../src/streitz/params.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const read = (p: string) => readFileSync(join(ROOT, p), "utf8");
const EAM = { text: read("potentials/AlO.eam.alloy"), fileName: "AlO.eam.alloy" };
const STREITZ = { text: read("potentials/AlO.streitz"), fileName: "AlO.streitz" };
/** An 8 A Coulomb cutoff (reach 9.41 A with the EAM's 8.41 A and 1 A skin) lets the 28.56 A cell take 3 slabs, and keeps the test quick. */
const RC = 8;
const DT = 1; // fs
/** A thin skin (A): lists are rebuilt, and atoms migrate, within the few steps of a test. */
const SKIN = 0.3;

/** LAMMPS' examples/streitz alpha-alumina, 2160 atoms, with velocities of `kelvin`. */
function alumina(kelvin: number, seed: number): Atoms {
  const atoms = parseLammpsData(read("bench/streitz/data.streitz"), { species: ["Al", "O"] });
  atoms.velocities = maxwellBoltzmann(atoms.masses, kelvin, seed);
  return atoms;
}

/** A tight QEq tolerance: the CG result is then the solution to round-off whatever the order of its sums. */
const TIGHT = 1e-10;

function model(mode: StreitzMode = "lammps", qeqTolerance = TIGHT): DomainStreitzPotential {
  return { kind: "streitz", eam: EAM, streitz: STREITZ, mode, coulCutoff: RC, qeqTolerance, qeqMaxIter: 500 };
}

/** Ewald settings of the Ewald test (not LAMMPS' accuracy-based choice: the comparison needs only the same k-set). */
const EWALD = { g: 0.31, kmax: [5, 6, 5] as [number, number, number] };

function engine(mode: StreitzMode, qeqTolerance: number, atoms: Atoms, ewald = false) {
  return StreitzEngine.create(parseEamPotential(EAM.text, { fileName: EAM.fileName }), parseStreitz(STREITZ.text, STREITZ.fileName), {
    summation: ewald ? "ewald" : "wolf", mode, coulCutoff: RC, wolfAlpha: 0.31, qeqCutoff: RC, qeqAlpha: 0.2, qeqTolerance, qeqMaxIter: 500,
  }, { skin: SKIN }).then((e) => {
    e.setAtoms(atoms);
    if (ewald) e.setEwald(atoms.cell, EWALD.g, EWALD.kmax);
    return e;
  });
}

/** The single engine with the domains' CG (Jacobi, linear start) after `steps` steps. */
async function single(atoms: Atoms, steps: number, mode: StreitzMode = "lammps", qeqTolerance = TIGHT) {
  const e = await engine(mode, qeqTolerance, atoms);
  e.mdQeqPreconditioner = "jacobi";
  e.runVerlet(steps, DT);
  return { energy: e.energy(), forces: e.forces(), charges: e.charges(), virial: e.virial(), positions: e.positions(), velocities: e.velocities(), qeq: e.qeqReport() };
}

/** Charges solved to 1e-13 at `positions` (the converged solution the CG approaches). */
async function converged(atoms: Atoms, positions: Float64Array): Promise<Float64Array> {
  const moved = atoms.copy();
  moved.positions.set(positions);
  const e = await engine("lammps", 1e-13, moved);
  e.compute();
  return e.charges();
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
};
const maxAbs = (a: ArrayLike<number>) => maxAbsDiff(a, new Float64Array(a.length));

const open: DomainMd[] = [];
afterAll(async () => {
  await Promise.all(open.map((m) => m.close()));
});
async function start(atoms: Atoms, workers: number, mode: StreitzMode = "lammps", qeqTolerance = TIGHT): Promise<DomainMd> {
  const md = await createDomainMd({ potential: model(mode, qeqTolerance), atoms, dt: DT, workers, skin: SKIN, onWarning: () => {} });
  open.push(md);
  return md;
}

describe("Streitz-Mintmire on spatial domains equals the single engine", { timeout: 60_000 }, () => {
  // 2500 K at 1 fs with a 0.3 A skin: the lists are rebuilt at step 4, and atoms of the planes on the slab faces cross them.
  const atoms = alumina(2500, 5);
  const steps = 6;

  for (const workers of [2, 3]) {
    it(`alumina, 2160 atoms, ${workers} domains: static results, then ${steps} steps with migrations`, async () => {
      const md = await start(atoms, workers);
      expect(md.domains).toBe(workers);
      const ref0 = await single(atoms, 0);
      const st0 = await md.state();
      // Sums in another order: round-off, steered by the CG within its stopping residual (1e-10 of the norm of b).
      expect(Math.abs(st0.energy - ref0.energy) / Math.abs(ref0.energy)).toBeLessThan(1e-12);
      expect(maxAbsDiff(st0.charges!, ref0.charges)).toBeLessThan(1e-10);
      expect(maxAbsDiff(st0.forces, ref0.forces)).toBeLessThan(1e-8);
      expect(maxAbsDiff(st0.virial, ref0.virial)).toBeLessThan(1e-12 * maxAbs(ref0.virial) * Math.sqrt(atoms.length));

      await md.run(steps);
      const ref = await single(atoms, steps);
      const st = await md.state();
      const stats = md.stats();
      expect(stats.migrations).toBeGreaterThan(0);
      // The CG stopped within a loop or two of the single engine's in every solve.
      expect(Math.abs(stats.qeq!.loopSum - ref.qeq.loopSum)).toBeLessThanOrEqual(2 * (steps + 1));
      expect(stats.qeq!.solves).toBe(steps + 1);
      expect(Math.abs(st.energy - ref.energy) / Math.abs(ref.energy)).toBeLessThan(1e-12);
      expect(maxAbsDiff(st.charges!, ref.charges)).toBeLessThan(1e-8);
      expect(maxAbsDiff(st.forces, ref.forces)).toBeLessThan(1e-8);
      expect(maxAbsDiff(st.velocities, ref.velocities)).toBeLessThan(1e-11);
      let charge = 0;
      for (const q of st.charges!) charge += q;
      expect(Math.abs(charge)).toBeLessThan(1e-9);
    });
  }

  it("default tolerance 1e-6, 2 domains, 6 steps: charges as close to the single engine's as those are to the converged ones", async () => {
    const md = await start(atoms, 2, "lammps", 1e-6);
    await md.run(steps);
    const st = await md.state();
    const ref = await single(atoms, steps, "lammps", 1e-6);
    const exact = await converged(atoms, ref.positions);
    const own = maxAbsDiff(ref.charges, exact);
    expect(own).toBeGreaterThan(1e-7);
    expect(maxAbsDiff(st.charges!, ref.charges)).toBeLessThan(own);
    // (the trajectories part at the level of those charge differences: 1e-7 A in 6 to 12 steps of 1 fs)
  });

  it("extended-Lagrangian charges (4 CG loops per step), 1 and 2 domains: the engine's XL run", async () => {
    const xlSteps = 8;
    const ref = await (async () => {
      const e = await engine("lammps", 1e-6, atoms);
      e.mdQeqPreconditioner = "jacobi";
      e.qeqXl = { order: 5, loops: 4 };
      e.runVerlet(xlSteps, DT);
      return { charges: e.charges(), forces: e.forces(), positions: e.positions(), qeq: e.qeqReport() };
    })();
    for (const workers of [1, 2]) {
      const md = await createDomainMd({ potential: { ...model("lammps", 1e-6), qeqXl: { order: 5, loops: 4 } }, atoms, dt: DT, workers, skin: SKIN });
      open.push(md);
      await md.run(xlSteps);
      const st = await md.state();
      // capped at 4 loops, every step runs exactly the engine's loops: no stopping test to steer
      expect(md.stats().qeq!.loopSum).toBe(ref.qeq.loopSum);
      // One domain: the engine bit for bit. Two: each step's start residual is about 1e-5 of |b|, so
      // the round-off of r = b - H x (1e-16 of |b|) is 1e-11 of r and enters the capped CG's result;
      // the propagator carries it on (measured: 2e-11 e after 1 step, 3e-9 after 3, 1e-8 after 8),
      // far below the XL charges' own distance from the converged ones (2e-3 e, src/streitz/README.md).
      expect(maxAbsDiff(st.charges!, ref.charges)).toBeLessThanOrEqual(workers === 1 ? 0 : 1e-6);
      expect(maxAbsDiff(st.forces, ref.forces)).toBeLessThanOrEqual(workers === 1 ? 0 : 1e-5);
      expect(md.stats().migrations).toBeGreaterThan(workers === 1 ? -1 : 0);
    }
  });

  it("Ewald (lammps mode), 2 domains: static results and 4 steps, structure factors summed over the domains", async () => {
    const md = await createDomainMd({ potential: { ...model(), summation: "ewald", ewaldG: EWALD.g, kmax: EWALD.kmax }, atoms, dt: DT, workers: 2, skin: SKIN });
    open.push(md);
    const e = await engine("lammps", TIGHT, atoms, true);
    e.mdQeqPreconditioner = "jacobi";
    e.runVerlet(0, DT);
    const st0 = await md.state();
    expect(Math.abs(st0.energy - e.energy()) / Math.abs(e.energy())).toBeLessThan(1e-12);
    expect(maxAbsDiff(st0.charges!, e.charges())).toBeLessThan(1e-9);
    expect(maxAbsDiff(st0.forces, e.forces())).toBeLessThan(1e-8);
    expect(maxAbsDiff(st0.virial, e.virial())).toBeLessThan(1e-12 * maxAbs(e.virial()) * Math.sqrt(atoms.length));
    await md.run(4);
    e.runVerlet(4, DT);
    const st = await md.state();
    // (after the steps the CG's stopping residual, 1e-10 of |b|, shows: energy 1e-12 relative, forces 1.1e-8 eV/A, as measured)
    expect(Math.abs(st.energy - e.energy()) / Math.abs(e.energy())).toBeLessThan(1e-11);
    expect(maxAbsDiff(st.charges!, e.charges())).toBeLessThan(1e-8);
    expect(maxAbsDiff(st.forces, e.forces())).toBeLessThan(1e-7);
  });

  it("consistent mode, 2 domains: charges, energy and forces of the single engine", async () => {
    const md = await start(atoms, 2, "consistent");
    const ref = await single(atoms, 0, "consistent");
    const st = await md.state();
    expect(Math.abs(st.energy - ref.energy) / Math.abs(ref.energy)).toBeLessThan(1e-12);
    expect(maxAbsDiff(st.charges!, ref.charges)).toBeLessThan(1e-10);
    expect(maxAbsDiff(st.forces, ref.forces)).toBeLessThan(1e-8);
  });

  it("one domain is the single engine (Jacobi CG) bit for bit", async () => {
    const md = await start(atoms, 1);
    await md.run(4);
    const st = await md.state();
    const ref = await single(atoms, 4);
    expect(Object.is(st.energy, ref.energy)).toBe(true);
    expect(Array.from(st.charges!)).toEqual(Array.from(ref.charges));
    expect(Array.from(st.forces)).toEqual(Array.from(ref.forces));
    expect(Array.from(st.positions)).toEqual(Array.from(ref.positions));
  });
});

describe("Streitz-Mintmire on domains: bad input and failures", { timeout: 60_000 }, () => {
  it("refuses Ewald without g and kmax or in consistent mode, an unknown mode and a bad tolerance with an InputError naming them", async () => {
    const atoms = alumina(300, 1);
    await expect(createDomainMd({ potential: { ...model(), summation: "ewald" }, atoms, dt: DT, workers: 2 })).rejects.toThrow(/needs ewaldG .* and kmax/);
    await expect(createDomainMd({ potential: { ...model("consistent"), summation: "ewald", ewaldG: 0.3, kmax: [4, 4, 4] }, atoms, dt: DT, workers: 2 })).rejects.toThrow(/consistent mode/);
    await expect(createDomainMd({ potential: { ...model(), mode: "exact" as StreitzMode }, atoms, dt: DT, workers: 2 })).rejects.toThrow(InputError);
    await expect(createDomainMd({ potential: { ...model(), qeqTolerance: -1 }, atoms, dt: DT, workers: 2 })).rejects.toThrow(/qeqTolerance/);
  });

  it("two atoms on top of each other stop every worker with an InputError", async () => {
    const atoms = alumina(300, 1);
    // an O atom moved onto an Al atom deep inside domain 1's slab
    const i = 7, j = atoms.symbols.findIndex((s, k) => s === "O" && k > i);
    for (let c = 0; c < 3; c++) atoms.positions[3 * j + c] = atoms.positions[3 * i + c] + 0.1;
    await expect(createDomainMd({ potential: model(), atoms, dt: DT, workers: 2 })).rejects.toThrow(new RegExp(`atoms ${i} and ${j} are 0.1732 A apart, closer than the Streitz tables reach`));
  });
});
