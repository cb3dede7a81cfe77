// Issue 14, item 12: export-lammps writes Streitz-Mintmire runs (hybrid/overlay coul/streitz +
// eam/alloy, fix qeq/slater, atom_style charge; Ewald with our g and kmax), and `lmp` gives our
// energy, charges and forces (Wolf and Ewald, periodic, triclinic and a cluster). Needs `lmp` (Debian
// lammps, installed by .ci/run); the LAMMPS runs are skipped without it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseExtxyz } from "../src/io/extxyz.js";
import { itWith, lammpsEnv, need } from "./helpers/tools.js";
import { cliIn, runIn } from "./helpers/cli.js";

const ROOT = join(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "export-streitz-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = cliIn; // in this process, from the checkout (test/helpers/cli.ts)
const STREITZ = ["--potential", "potentials/AlO.eam.alloy", "--streitz", "potentials/AlO.streitz"];
// tight QEq on both sides: charges agree to the tolerance's reach, energies (variational in q) better
const QEQ = ["--qeq-tolerance", "1e-12", "--qeq-maxiter", "2000"];

describe("export-lammps --streitz", () => {
  const cases = ["cluster_a_wolf", "rattled_2x1x1_wolf", "rattled_2x1x1_ewald", "triclinic_1x2x1_wolf", "triclinic_1x2x1_ewald"];
  for (const c of cases) {
    const summation = c.endsWith("ewald") ? "ewald" : "wolf";
    itWith("lmp", `${c}: LAMMPS reproduces our energy, charges and forces`, async () => {
      const input = join(ROOT, "test/fixtures/streitz", `al2o3_${c}.extxyz`);
      const out = join(dir, c);
      await cli("export-lammps", ...STREITZ, "--summation", summation, ...QEQ, "--input", input, "--output-dir", out);
      await cli("eval", ...STREITZ, "--summation", summation, ...QEQ, "--input", input, "--output", join(dir, `${c}.xyz`));
      const ours = parseExtxyz(readFileSync(join(dir, `${c}.xyz`), "utf8"))[0];
      const inp = readFileSync(join(out, "in.lammps"), "utf8");
      expect(inp).toMatch(/pair_style\s+hybrid\/overlay coul\/streitz 12 (wolf 0\.31|ewald) eam\/alloy/);
      expect(inp).toMatch(/fix\s+qeq all qeq\/slater 1 12 1e-12 2000 coul\/streitz alpha 0\.2/);
      if (summation === "ewald") expect(inp).toMatch(new RegExp(`kspace_modify\\s+gewald ${ours.info.ewald_g} kmax/ewald ${(ours.info.ewald_kmax as number[]).join(" ")}`));
      const r = spawnSync(need("lmp"), ["-in", "in.lammps", "-log", "log.lammps", "-screen", "none"], { cwd: out, env: lammpsEnv(out), encoding: "utf8" });
      expect(r.status, readFileSync(join(out, "log.lammps"), "utf8").slice(-2000)).toBe(0);
      const pe = Number(/^EXPORT_PE (\S+)$/m.exec(readFileSync(join(out, "log.lammps"), "utf8"))![1]);
      const n = ours.length;
      expect(Math.abs(pe - (ours.info.energy as number)) / n).toBeLessThan(1e-9);
      const dump = readFileSync(join(out, "forces.dump"), "utf8").split("\n");
      const head = dump.findIndex((l) => l.startsWith("ITEM: ATOMS"));
      expect(dump[head].trim()).toBe("ITEM: ATOMS id type element q x y z fx fy fz");
      const q = ours.arrays.charges.data as Float64Array, f = ours.arrays.forces.data as Float64Array;
      let dq = 0, df = 0;
      for (const l of dump.slice(head + 1, head + 1 + n)) {
        const t = l.trim().split(/\s+/);
        const i = Number(t[0]) - 1;
        expect(t[2]).toBe(ours.symbols[i]);
        dq = Math.max(dq, Math.abs(Number(t[3]) - q[i]));
        for (let d = 0; d < 3; d++) df = Math.max(df, Math.abs(Number(t[7 + d]) - f[3 * i + d]));
      }
      console.log(`${c}: |dE|/N ${(Math.abs(pe - (ours.info.energy as number)) / n).toExponential(2)} eV, max |dq| ${dq.toExponential(2)} e, max |dF| ${df.toExponential(2)} eV/A`);
      expect(dq).toBeLessThan(1e-8);
      expect(df).toBeLessThan(1e-7);
    }, 60_000);
  }

  it("refuses consistent mode (no LAMMPS counterpart) in one line", async () => {
    const r = await runIn("export-lammps", ...STREITZ, "--summation", "wolf", "--streitz-mode", "consistent", "--input",
      "test/fixtures/streitz/al2o3_cluster_a_wolf.extxyz", "--output-dir", join(dir, "consistent"));
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^ect-eam: export-lammps writes LAMMPS' own coul\/streitz .* consistent mode has no LAMMPS counterpart$/);
  });
});
