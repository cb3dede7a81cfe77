// Shared by test/domain-streitz.test.ts and test/verify/domain-streitz.test.ts: LAMMPS'
// examples/streitz alumina, the Streitz-Mintmire model for the domain workers and the single engine
// with the domains' CG (Jacobi), and the comparisons.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import type { Atoms } from "../../src/atoms.js";
import { createDomainMd, type DomainMd, type DomainMdOptions, type DomainStreitzPotential } from "../../src/domain/index.js";
import { maxwellBoltzmann } from "../../src/dynamics/velocities.js";
import { parseLammpsData } from "../../src/io/lammps-data.js";
import { parseEamPotential } from "../../src/potentials/eam-parse.js";
import { StreitzEngine, type StreitzMode } from "../../src/streitz/engine.js";
import { parseStreitz } from "../../src/streitz/params.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const read = (p: string) => readFileSync(join(ROOT, p), "utf8");
const EAM = { text: read("potentials/AlO.eam.alloy"), fileName: "AlO.eam.alloy" };
const STREITZ = { text: read("potentials/AlO.streitz"), fileName: "AlO.streitz" };
/** An 8 A Coulomb cutoff (reach 9.41 A with the EAM's 8.41 A and 1 A skin) lets the 28.56 A cell take 3 slabs, and keeps the test quick. */
export const RC = 8;
export const DT = 1; // fs
/** A thin skin (A): lists are rebuilt, and atoms migrate, within the few steps of a test. */
export const SKIN = 0.3;

/** LAMMPS' examples/streitz alpha-alumina, 2160 atoms, with velocities of `kelvin`. */
export function alumina(kelvin: number, seed: number): Atoms {
  const atoms = parseLammpsData(read("bench/streitz/data.streitz"), { species: ["Al", "O"] });
  atoms.velocities = maxwellBoltzmann(atoms.masses, kelvin, seed);
  return atoms;
}

/** A tight QEq tolerance: the CG result is then the solution to round-off whatever the order of its sums. */
export const TIGHT = 1e-10;

export function model(mode: StreitzMode = "lammps", qeqTolerance = TIGHT): DomainStreitzPotential {
  return { kind: "streitz", eam: EAM, streitz: STREITZ, mode, coulCutoff: RC, qeqTolerance, qeqMaxIter: 500 };
}

/** Ewald settings of the Ewald test (not LAMMPS' accuracy-based choice: the comparison needs only the same k-set). */
export const EWALD = { g: 0.31, kmax: [5, 6, 5] as [number, number, number] };

export function engine(mode: StreitzMode, qeqTolerance: number, atoms: Atoms, ewald = false) {
  return StreitzEngine.create(parseEamPotential(EAM.text, { fileName: EAM.fileName }), parseStreitz(STREITZ.text, STREITZ.fileName), {
    summation: ewald ? "ewald" : "wolf", mode, coulCutoff: RC, wolfAlpha: 0.31, qeqCutoff: RC, qeqAlpha: 0.2, qeqTolerance, qeqMaxIter: 500,
  }, { skin: SKIN }).then((e) => {
    e.setAtoms(atoms);
    if (ewald) e.setEwald(atoms.cell, EWALD.g, EWALD.kmax);
    return e;
  });
}

/** The single engine with the domains' CG (Jacobi, linear start) after `steps` steps. */
export async function single(atoms: Atoms, steps: number, mode: StreitzMode = "lammps", qeqTolerance = TIGHT) {
  return (await singleAt(atoms, [steps], mode, qeqTolerance))[0];
}

type Single = Awaited<ReturnType<typeof snapshot>>;

function snapshot(e: StreitzEngine) {
  const copy = (a: Float64Array) => Float64Array.from(a);
  return { energy: e.energy(), forces: copy(e.forces()), charges: copy(e.charges()), virial: copy(e.virial()), positions: copy(e.positions()), velocities: copy(e.velocities()), qeq: e.qeqReport() };
}

/**
 * The single engine's state after each of `steps` (ascending) steps, from one run: the steps are run
 * in chunks (runVerlet(4) then runVerlet(2) continues from the same list, QEq history and step count
 * as runVerlet(6); the one-domain test asks for the chunked run's step 4 bit for bit), which spares
 * an engine and its QEq solves per step count a file compares with.
 */
export async function singleAt(atoms: Atoms, steps: readonly number[], mode: StreitzMode = "lammps", qeqTolerance = TIGHT): Promise<Single[]> {
  const e = await engine(mode, qeqTolerance, atoms);
  e.mdQeqPreconditioner = "jacobi";
  const out: Single[] = [];
  let done = 0;
  for (const s of steps) {
    if (s < done) throw new RangeError(`singleAt: steps must ascend, got ${steps.join(", ")}`);
    e.runVerlet(s - done, DT);
    done = s;
    out.push(snapshot(e));
  }
  return out;
}

/** Charges solved to 1e-13 at `positions` (the converged solution the CG approaches). */
export async function converged(atoms: Atoms, positions: Float64Array): Promise<Float64Array> {
  const moved = atoms.copy();
  moved.positions.set(positions);
  const e = await engine("lammps", 1e-13, moved);
  e.compute();
  return e.charges();
}

export const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
};
export const maxAbs = (a: ArrayLike<number>) => maxAbsDiff(a, new Float64Array(a.length));

/** Sessions to close after a test file (its afterAll calls `closeAll`). */
const open: DomainMd[] = [];
export async function closeAll(): Promise<void> {
  await Promise.all(open.splice(0).map((m) => m.close()));
}

/** A domain run of `model(mode, qeqTolerance)` (plus `extra` options) on `workers` workers, closed by `closeAll`. */
export async function start(atoms: Atoms, workers: number, mode: StreitzMode = "lammps", qeqTolerance = TIGHT, extra: Partial<DomainStreitzPotential> = {}): Promise<DomainMd> {
  const md = await createDomainMd({ potential: { ...model(mode, qeqTolerance), ...extra }, atoms, dt: DT, workers, skin: SKIN, onWarning: () => {} } as DomainMdOptions);
  open.push(md);
  return md;
}

/**
 * `workers` domains against the single engine (`reference(steps)`: by default a fresh run), tightly solved (tolerance 1e-10): static results,
 * then `steps` MD steps in which atoms migrate (the engine's CG takes the same loops, within one or
 * two per solve; the differences are round-off steered by the CG within its stopping residual).
 */
export async function expectDomainsMatchEngine(atoms: Atoms, workers: number, steps: number, reference = (s: number) => single(atoms, s)): Promise<void> {
  const md = await start(atoms, workers);
  expect(md.domains).toBe(workers);
  const ref0 = await reference(0);
  const st0 = await md.state();
  // Sums in another order: round-off, steered by the CG within its stopping residual (1e-10 of the norm of b).
  expect(Math.abs(st0.energy - ref0.energy) / Math.abs(ref0.energy)).toBeLessThan(1e-12);
  expect(maxAbsDiff(st0.charges!, ref0.charges)).toBeLessThan(1e-10);
  expect(maxAbsDiff(st0.forces, ref0.forces)).toBeLessThan(1e-8);
  expect(maxAbsDiff(st0.virial, ref0.virial)).toBeLessThan(1e-12 * maxAbs(ref0.virial) * Math.sqrt(atoms.length));

  await md.run(steps);
  const ref = await reference(steps);
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
}
