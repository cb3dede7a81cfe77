// The Streitz engine and the JavaScript count over its neighbor list that test/streitz-walks.test.ts
// (a 120-atom cell) and test/verify/streitz-walks.test.ts (LAMMPS' 2160-atom example) check the pair
// walks' shortcuts with.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Atoms } from "../../src/atoms.js";
import { maxwellBoltzmann } from "../../src/dynamics/velocities.js";
import { readExtxyzFile } from "../../src/io/extxyz-file.js";
import { parseLammpsData } from "../../src/io/lammps-data.js";
import { parseEamPotential } from "../../src/potentials/eam-parse.js";
import { StreitzEngine } from "../../src/streitz/engine.js";
import { parseStreitz } from "../../src/streitz/params.js";

const ROOT = join(import.meta.dirname, "..", "..");
const read = (p: string) => readFileSync(join(ROOT, p), "utf8");

/** LAMMPS' examples/streitz alumina, 2160 atoms (bench/streitz/data.streitz). */
export const example2160 = (): Atoms => parseLammpsData(read("bench/streitz/data.streitz"), { species: ["Al", "O"] });
/** A rattled 120-atom alumina cell of the LAMMPS fixtures (test/fixtures/streitz). */
export const rattled120 = (): Atoms => readExtxyzFile(join(ROOT, "test/fixtures/streitz/al2o3_rattled_2x1x1_wolf.extxyz"))[0];

/** A Streitz engine (Wolf, lammps mode, QEq with the Coulomb cutoff); with `atoms`, loaded with them at `kelvin` (seed 7). */
export async function walkEngine(coulCutoff: number, skin: number, atoms?: Atoms, kelvin = 0): Promise<StreitzEngine> {
  const e = await StreitzEngine.create(
    parseEamPotential(read("potentials/AlO.eam.alloy"), { fileName: "AlO.eam.alloy" }),
    parseStreitz(read("potentials/AlO.streitz"), "AlO.streitz"),
    { summation: "wolf", mode: "lammps", coulCutoff, wolfAlpha: 0.31, qeqCutoff: coulCutoff, qeqAlpha: 0.2, qeqTolerance: 1e-6, qeqMaxIter: 200 },
    { skin },
  );
  if (atoms) {
    atoms.velocities = maxwellBoltzmann(atoms.masses, kelvin, 7);
    e.setAtoms(atoms);
  }
  return e;
}

/** Per owned atom, the list entries within `rc` at the engine's current (ghost-updated) positions. */
export function countWithin(e: StreitzEngine, rc: number): Int32Array {
  const k = e as unknown as { raw(name: string): Float64Array | Int32Array; n: number };
  const x = k.raw("x"), y = k.raw("y"), z = k.raw("z");
  const neigh = k.raw("neigh"), first = k.raw("firstNeigh"), num = k.raw("numNeigh");
  const out = new Int32Array(k.n);
  for (let i = 0; i < k.n; i++) {
    for (let q = first[i]; q < first[i] + num[i]; q++) {
      const j = neigh[q];
      const dx = x[i] - x[j], dy = y[i] - y[j], dz = z[i] - z[j];
      if (dx * dx + dy * dy + dz * dz <= rc * rc) out[i]++;
    }
  }
  return out;
}

/**
 * Runs `steps` steps of 1 fs (lists every 10 steps, checked) on `e` (the shadow walk with
 * `shadow`) and returns, per step, the walk's count of entries within 12 A and the JavaScript one.
 */
export function walkCounts(e: StreitzEngine, steps: number, shadow: boolean): { got: number[]; want: number[] }[] {
  if (shadow) e.qeqXl = { shadow: true, loops: 2 };
  const k = e as unknown as { raw(name: string): Int32Array };
  const out: { got: number[]; want: number[] }[] = [];
  for (let s = 0; s < steps; s++) {
    e.runVerlet(1, 1.0, { every: 10, delay: 0 });
    const want = countWithin(e, 12);
    out.push({ got: Array.from(k.raw("sqCount").subarray(0, want.length)), want: Array.from(want) });
  }
  return out;
}
