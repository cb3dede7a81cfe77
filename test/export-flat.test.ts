// Issue 14, item 7: export-lammps of flat and thin structures (dimers, linear molecules, monolayers,
// wires) gives boxes LAMMPS can bin (it refused shrink-wrapped flat boxes: "Cannot use neighbor bins -
// box size << cutoff"), and `lmp` reproduces our energy and forces on every one of them. Needs `lmp`
// (Debian lammps, installed by .ci/run); skipped as a whole without it.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { EamCalculator } from "../src/eam/calculator.js";
import { EctCalculator } from "../src/ect/calculator.js";
import { readEctModelFile } from "../src/ect/model-file.js";
import { buildEctTables } from "../src/ect/tables.js";
import { exportEamLammps, exportEctLammps, lammpsFrame, type LammpsExport } from "../src/export/lammps.js";
import { readEamPotentialFile } from "../src/potentials/eam-file.js";
import { describeWith, lammpsEnv, need } from "./helpers/tools.js";

const ROOT = join(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "export-flat-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs an export in LAMMPS; pe (eV) and forces (eV/A) in data-file order. */
function runLammps(name: string, ex: LammpsExport): { pe: number; forces: Float64Array } {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  for (const [file, text] of Object.entries(ex.files)) writeFileSync(join(d, file), text);
  execFileSync(need("lmp"), ["-in", "in.lammps", "-log", "log.lammps", "-screen", "none"], { cwd: d, env: lammpsEnv(d) });
  const log = readFileSync(join(d, "log.lammps"), "utf8");
  const pe = Number(/^EXPORT_PE (\S+)$/m.exec(log)![1]);
  const dump = readFileSync(join(d, "forces.dump"), "utf8").split("\n");
  const head = dump.findIndex((l) => l.startsWith("ITEM: ATOMS"));
  const n = ex.atoms.length;
  const forces = new Float64Array(3 * n);
  for (const l of dump.slice(head + 1, head + 1 + n)) {
    const t = l.trim().split(/\s+/);
    forces.set(t.slice(6, 9).map(Number), 3 * (Number(t[0]) - 1));
  }
  return { pe, forces };
}

const cluster = (symbols: string[], positions: number[]) => new Atoms({ symbols, positions, pbc: [false, false, false] });
const FLAT: { name: string; atoms: (el: [string, string]) => Atoms }[] = [
  { name: "dimer along z", atoms: ([a, b]) => cluster([a, b], [0, 0, 0, 0, 0, 2.4]) },
  { name: "dimer along a diagonal", atoms: ([a, b]) => cluster([a, b], [0.3, -1, 2, 1.7, 0.4, 3.4]) },
  { name: "linear molecule along x", atoms: ([a, b]) => cluster([a, b, a], [0, 0, 0, 2.3, 0, 0, 4.6, 0, 0]) },
  { name: "planar triangle", atoms: ([a, b]) => cluster([a, b, a], [0, 0, 0, 2.4, 0, 0, 1.2, 2.0, 0]) },
  {
    name: "monolayer (pbc T T F, no c vector)",
    atoms: ([a, b]) => new Atoms({ symbols: [a, b], positions: [0, 0, 5, 1.45, 1.45, 5], cell: [2.9, 0, 0, 0, 2.9, 0, 0, 0, 0], pbc: [true, true, false] }),
  },
  {
    name: "buckled triangular monolayer (tilted b, a given c)",
    atoms: ([a, b]) => new Atoms({ symbols: [a, b], positions: [0, 0, 0, 1.4, 0.81, 0.3], cell: [2.8, 0, 0, 1.4, 2.425, 0, 0, 0, 7], pbc: [true, true, false] }),
  },
  {
    name: "wire (pbc F F T)",
    atoms: ([a, b]) => new Atoms({ symbols: [a, b], positions: [0, 0, 0, 0.3, 0.2, 1.3], cell: [0, 0, 0, 0, 0, 0, 0, 0, 2.6], pbc: [false, false, true] }),
  },
];

describeWith("lmp", "export-lammps of flat and thin structures runs in LAMMPS", () => {
  it("the box has room around the atoms along every open direction", () => {
    for (const c of FLAT) {
      const f = lammpsFrame(c.atoms(["Cu", "Cu"]));
      for (let d = 0; d < 3; d++) if (!f.pbc[d]) expect(f.cell[4 * d], c.name).toBeGreaterThanOrEqual(20);
    }
  });

  const cu = readEamPotentialFile(join(ROOT, "potentials", "CuNi.eam.alloy"));
  for (const c of FLAT) {
    it(`EAM (CuNi.eam.alloy): ${c.name}`, async () => {
      const atoms = c.atoms(["Cu", "Ni"]);
      const ours = (await EamCalculator.create(cu)).calculate(atoms);
      const ex = exportEamLammps(cu, atoms, { source: "CuNi.eam.alloy" });
      const got = runLammps(`eam-${c.name.replace(/\W+/g, "-")}`, ex);
      expect(Math.abs(got.pe - ours.energy)).toBeLessThan(1e-10);
      for (let k = 0; k < ours.forces.length; k++) expect(Math.abs(got.forces[k] - ours.forces[k])).toBeLessThan(1e-9);
    }, 60_000);
  }

  // The starter model sums point charges directly: exported clusters use LAMMPS' plain Coulomb
  // (long range "cut"), periodic ones DSF; the frozen-charge limit is exact at the exported state.
  const model = readEctModelFile(join(ROOT, "models", "ect-starter.json"));
  for (const c of FLAT) {
    it(`ECT-EAM (starter model, fixed-charge limit): ${c.name}`, async () => {
      const atoms = c.atoms(["Na", "Cl"]);
      const periodic = atoms.pbc.some((p) => p);
      const m = periodic ? { ...model, electrostatics: { ...model.electrostatics, longRange: "dsf" as const, cutoff: 9 } } : model;
      const tables = buildEctTables(m);
      const r = (await EctCalculator.create(tables)).calculate(atoms);
      const ex = exportEctLammps(tables, atoms, r.weights, { source: "ect-starter.json", energy: r.energy, grandPotential: r.grandPotential });
      expect(ex.frozen!.exact).toBe(true);
      const got = runLammps(`ect-${c.name.replace(/\W+/g, "-")}`, ex);
      expect(Math.abs(got.pe - r.energy)).toBeLessThan(1e-8);
      for (let k = 0; k < r.forces.length; k++) expect(Math.abs(got.forces[k] - r.forces[k])).toBeLessThan(1e-7);
    }, 60_000);
  }
});
