// `ect-eam export-lammps`: exported tables, data files and input scripts make LAMMPS (29Sep2021,
// `lmp` on PATH; the LAMMPS runs are skipped when it is absent) reproduce this package's energies
// and forces: the four EAM potentials of potentials/, and ECT-EAM in the fixed-charge limit for a
// periodic NaCl cell (DSF folded into the tables) and a LiH/NaCl cluster (direct Coulomb as coul/cut).
// Our own setfl reader reads every exported file back (round trip).
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findLammps } from "../bench/lammps.js";
import { Atoms } from "../src/atoms.js";
import { EamCalculator, type EamResults } from "../src/engine/calculator.js";
import { EctCalculator, type EctResults } from "../src/ect/calculator.js";
import { parseEctModel } from "../src/ect/model.js";
import { buildEctTables, type EctTables } from "../src/ect/tables.js";
import { exportEamLammps, exportEctLammps, type LammpsExport } from "../src/export/lammps.js";
import { fsIsAlloy } from "../src/export/setfl.js";
import { parseEamPotential } from "../src/potentials/eam-parse.js";
import { readEamPotentialFile } from "../src/potentials/eam-file.js";
import type { EamPotential } from "../src/potentials/types.js";
import { bulk, rocksalt } from "../src/structures/lattice.js";
import { COULOMB_K } from "../src/ect/coulomb.js";

const TOL = { energyPerAtom: 1e-8, force: 1e-7 };
const lmp = findLammps();
const root = mkdtempSync(join(tmpdir(), "export-lammps-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Worst differences seen, printed at the end (the numbers the docs quote). */
const worst: Record<string, { energy: number; force: number }> = {};
afterAll(() => {
  for (const [k, v] of Object.entries(worst)) console.log(`${k.padEnd(48)} |dE|/N ${v.energy.toExponential(2)} eV   max|dF| ${v.force.toExponential(2)} eV/A`);
});
function record(key: string, n: number, e1: number, e2: number, f1: ArrayLike<number>, f2: ArrayLike<number>): { energy: number; force: number } {
  let force = 0;
  for (let k = 0; k < f1.length; k++) force = Math.max(force, Math.abs(f1[k] - f2[k]));
  const r = { energy: Math.abs(e1 - e2) / n, force };
  worst[key] = r;
  return r;
}

// ------------------------------------------------------------------------------------------------
/** Seeded uniform deviates in [-1, 1) (Park-Miller), so structures are the same every run. */
function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
}
function rattled(atoms: Atoms, amplitude: number, seed: number): Atoms {
  const out = atoms.copy();
  const r = rng(seed);
  for (let k = 0; k < out.positions.length; k++) out.positions[k] += amplitude * r();
  return out;
}

/** Writes an export into a fresh directory. */
function writeExport(name: string, ex: LammpsExport): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(ex.files)) writeFileSync(join(dir, file), text);
  return dir;
}

/** Runs in.lammps of an export directory; returns pe (eV) and forces (eV/A, data-file order). */
async function runLammps(dir: string, n: number): Promise<{ pe: number; forces: Float64Array }> {
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(lmp!, ["-in", "in.lammps", "-log", "log.lammps", "-screen", "none"], {
      cwd: dir,
      env: { ...process.env, OMP_NUM_THREADS: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let text = "";
    child.stdout.on("data", (d) => (text += d));
    child.stderr.on("data", (d) => (text += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const log = (() => {
        try {
          return readFileSync(join(dir, "log.lammps"), "utf8");
        } catch {
          return text;
        }
      })();
      if (code !== 0) reject(new Error(`lmp failed in ${dir} (exit ${code}):\n${log.split("\n").slice(-15).join("\n")}`));
      else resolve(log);
    });
  });
  const m = /^EXPORT_PE (\S+)$/m.exec(out);
  if (!m) throw new Error(`no EXPORT_PE line in ${dir}/log.lammps`);
  const dump = readFileSync(join(dir, "forces.dump"), "utf8").split("\n");
  const head = dump.findIndex((l) => l.startsWith("ITEM: ATOMS"));
  const forces = new Float64Array(3 * n);
  for (const l of dump.slice(head + 1)) {
    if (l.trim() === "") continue;
    const t = l.trim().split(/\s+/).map(Number);
    forces.set(t.slice(5, 8), 3 * (t[0] - 1));
  }
  return { pe: Number(m[1]), forces };
}

// ------------------------------------------------------------------------------------------------
describe("EAM potentials: setfl/fs export", () => {
  const cases: { file: string; atoms: () => Atoms }[] = [
    { file: "Cu_u3.eam", atoms: () => rattled(bulk("Cu", "fcc", 3.615, 3), 0.1, 11) },
    {
      file: "CuNi.eam.alloy",
      atoms: () => {
        const a = rattled(bulk("Cu", "fcc", 3.56, 3), 0.1, 12);
        for (let i = 0; i < a.length; i += 3) a.symbols[i] = "Ni";
        return new Atoms({ symbols: a.symbols, positions: a.positions, cell: a.cell, pbc: a.pbc });
      },
    },
    { file: "Fe_mm.eam.fs", atoms: () => rattled(bulk("Fe", "bcc", 2.855, 4), 0.1, 13) },
    {
      file: "AlFe_mm.eam.fs",
      atoms: () => {
        const a = rattled(bulk("Fe", "bcc", 2.9, 4), 0.1, 14);
        for (let i = 0; i < a.length; i += 4) a.symbols[i] = "Al";
        return new Atoms({ symbols: a.symbols, positions: a.positions, cell: a.cell, pbc: a.pbc });
      },
    },
  ];

  for (const c of cases) {
    describe(c.file, () => {
      let pot: EamPotential;
      let atoms: Atoms;
      let ours: EamResults;
      let ex: LammpsExport;
      let dir: string;
      beforeAll(async () => {
        pot = readEamPotentialFile(`potentials/${c.file}`);
        atoms = c.atoms();
        ours = (await EamCalculator.create(pot)).calculate(atoms);
        ex = exportEamLammps(pot, atoms, { source: `potentials/${c.file}` });
        dir = writeExport(c.file.replace(/\./g, "_"), ex);
      });

      it("writes setfl unless the densities depend on the host (eam/fs), and our reader gives the same energies", async () => {
        const expectFs = pot.style === "eam/fs" && !fsIsAlloy(pot);
        expect(ex.potentialFile).toBe(expectFs ? "potential.eam.fs" : "potential.eam.alloy");
        const back = parseEamPotential(ex.files[ex.potentialFile], { fileName: ex.potentialFile });
        expect(back.nr).toBe(pot.nr);
        expect(back.nrho).toBe(pot.nrho);
        // every spline coefficient is the same double
        for (let a = 0; a < pot.elements.length; a++) {
          expect(back.frho[a].coeffs).toEqual(pot.frho[a].coeffs);
          for (let b = 0; b < pot.elements.length; b++) {
            expect(back.rhor[a][b].coeffs).toEqual(pot.rhor[a][b].coeffs);
            expect(back.z2r[a][b].coeffs).toEqual(pot.z2r[a][b].coeffs);
          }
        }
        const again = (await EamCalculator.create(back)).calculate(atoms);
        expect(again.energy).toBe(ours.energy);
        expect(Array.from(again.forces)).toEqual(Array.from(ours.forces));
      });

      it.skipIf(!lmp)("LAMMPS reproduces our energy and forces on the exported files", async () => {
        const got = await runLammps(dir, atoms.length);
        const d = record(`EAM ${c.file}`, atoms.length, got.pe, ours.energy, got.forces, ours.forces);
        expect(d.energy).toBeLessThan(TOL.energyPerAtom);
        expect(d.force).toBeLessThan(TOL.force);
      });
    });
  }
});
