// The Streitz pair walks' shortcuts (issue 16, src/streitz/README.md "Speed"): the QEq pass and the
// shadow walk stop an atom's scalar tail at the first entry past the bound of `tailBound`
// (assembly/streitz.ts), and must keep exactly the entries within the Coulomb/QEq reach; the QEq
// pass leaves the force slope B' for the plain Coulomb pass in pairR, and the QEq table carries the
// energy table's B' in the lane the QEq passes do not read. Checked here against a JavaScript count
// over the neighbor list at the same positions, and the slopes against the energy table.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { maxwellBoltzmann } from "../src/dynamics/velocities.js";
import { parseLammpsData } from "../src/io/lammps-data.js";
import { parseEamPotential } from "../src/potentials/eam-parse.js";
import { StreitzEngine } from "../src/streitz/engine.js";
import { parseStreitz } from "../src/streitz/params.js";
import { buildStreitzTable, STREITZ_RECORD, withEnergySlope } from "../src/streitz/tables.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const read = (p: string) => readFileSync(join(ROOT, p), "utf8");

async function example(kelvin: number, skin: number, coulCutoff: number) {
  const atoms = parseLammpsData(read("bench/streitz/data.streitz"), { species: ["Al", "O"] });
  atoms.velocities = maxwellBoltzmann(atoms.masses, kelvin, 7);
  const e = await StreitzEngine.create(
    parseEamPotential(read("potentials/AlO.eam.alloy"), { fileName: "AlO.eam.alloy" }),
    parseStreitz(read("potentials/AlO.streitz"), "AlO.streitz"),
    { summation: "wolf", mode: "lammps", coulCutoff, wolfAlpha: 0.31, qeqCutoff: coulCutoff, qeqAlpha: 0.2, qeqTolerance: 1e-6, qeqMaxIter: 200 },
    { skin },
  );
  e.setAtoms(atoms);
  return e;
}

/** Per owned atom, the list entries within `rc` at the engine's current (ghost-updated) positions. */
function countWithin(e: StreitzEngine, rc: number): Int32Array {
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

describe("Streitz pair walks", { timeout: 120_000 }, () => {
  it("the QEq pass keeps exactly the entries within the cutoff, at every step between list builds", async () => {
    // 2500 K at 1 fs: the atoms move ~0.1 A between builds (neigh every 10, check yes), so the bound
    // (largest move since the build) changes from step to step; with a 12 A cutoff the far, sorted part
    // of each list lies past the EAM reach, where the walk may stop early.
    const e = await example(2500, 1.0, 12);
    const k = e as unknown as { raw(name: string): Int32Array };
    for (let s = 0; s < 14; s++) {
      e.runVerlet(1, 1.0, { every: 10, delay: 0 });
      const want = countWithin(e, 12);
      const got = k.raw("sqCount").subarray(0, want.length);
      expect(Array.from(got)).toEqual(Array.from(want));
    }
  });

  it("shadow walk: the compact list it keeps for the CG has exactly the entries within the cutoff", async () => {
    const e = await example(2500, 1.0, 12);
    e.qeqXl = { shadow: true, loops: 2 };
    const k = e as unknown as { raw(name: string): Int32Array };
    for (let s = 0; s < 12; s++) {
      e.runVerlet(1, 1.0, { every: 10, delay: 0 });
      const want = countWithin(e, 12);
      expect(Array.from(k.raw("sqCount").subarray(0, want.length))).toEqual(Array.from(want));
    }
  });

  it("withEnergySlope puts the energy's B' into the QEq table's unused lane and leaves the rest", async () => {
    const e = await example(300, 1.0, 12);
    const spec = (e as unknown as { energySpec(a: number): Parameters<typeof buildStreitzTable>[0] }).energySpec(0.31);
    const energy = buildStreitzTable(spec);
    const qeq = buildStreitzTable({ ...spec, alpha: 0.2, shift: "none" });
    const merged = withEnergySlope(qeq.records.slice(), energy.records);
    for (let rec = 0; rec < merged.length; rec += STREITZ_RECORD) {
      for (let f = 0; f < STREITZ_RECORD; f++) {
        const slopeLane = f >= 12 && f < 24 && f % 2 === 1;
        expect(merged[rec + f]).toBe(slopeLane ? energy.records[rec + f] : qeq.records[rec + f]);
      }
    }
  });
});
