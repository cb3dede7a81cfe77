// `ect-eam md --streitz ...` (src/cli/streitz-md.ts) run from the bundle: the thermo table, the
// drift and speed lines, step 0 against the LAMMPS fixture, and the flag checks.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readExtxyzFile } from "../src/io/extxyz-file.js";
import { cliIn as cli, cliFailsIn as cliFails, ROOT } from "./helpers/cli.js";

const FIX = join(ROOT, "test", "fixtures", "streitz");
const POT = join(ROOT, "potentials");

const base = ["md", "--potential", join(POT, "AlO.eam.alloy"), "--streitz", join(POT, "AlO.streitz")];
const rattled = join(FIX, "al2o3_rattled_2x1x1_wolf.extxyz");

/** Thermo rows: step and the numbers after it. */
function rows(out: string): number[][] {
  return out
    .split("\n")
    .filter((l) => /^\s+\d+\s/.test(l))
    .map((l) => l.trim().split(/\s+/).map(Number));
}

describe("ect-eam md --streitz", () => {
  for (const summation of ["wolf", "ewald"] as const) {
    it(`${summation}: thermo table, step 0 = the LAMMPS single point, drift and speed lines`, async () => {
      const fixture = readExtxyzFile(join(FIX, `al2o3_rattled_2x1x1_${summation}.extxyz`))[0];
      const extra = summation === "wolf" ? ["--wolf-alpha", "0.31"] : ["--ewald-g", "0.45", "--ewald-kmax", "15,9,12"];
      const out = await cli(...base, "--summation", summation, ...extra, "--input", rattled, "--steps", "10", "--dt", "0.4", "--thermo", "5",
        "--qeq-tolerance", "1e-10", "--temperature", "300", "--seed", "3");
      const t = rows(out);
      expect(t.map((r) => r[0])).toEqual([0, 5, 10]);
      // columns: Step Time Temp PotEng KinEng TotEng Press qMin qMax Iters
      // PotEng at step 0: LAMMPS' energy (QEq tolerance 1e-10 here, 1e-14 there: E is variational in q)
      expect(Math.abs(t[0][3] - (fixture.info.energy as number))).toBeLessThan(1e-6);
      // charges: Al about +2.86, O about -1.91
      expect(t[0][7]).toBeLessThan(-1.8);
      expect(t[0][8]).toBeGreaterThan(2.7);
      expect(t[2][9]).toBeGreaterThan(1); // CG iterations of the last QEq
      expect(out).toMatch(/# drift: -?\d\.\d+e[-+]\d+ eV\/atom in the conserved energy .* over 10 steps/);
      expect(out).toMatch(/# speed: \d+\.\d+ us\/atom-step .* QEq CG iterations per evaluation on average/);
      expect(out).toMatch(new RegExp(`Streitz-Mintmire \\(lammps mode\\).*${summation}`));
    });
  }

  it("consistent mode: total energy kept to 1e-4 eV/atom over 20 steps (the EAM file's cutoff jumps dominate)", async () => {
    const out = await cli(...base, "--summation", "wolf", "--streitz-mode", "consistent", "--input", rattled, "--steps", "20", "--dt", "0.4",
      "--thermo", "20", "--qeq-tolerance", "1e-10");
    const m = /# drift: (\S+) eV\/atom/.exec(out);
    expect(m).not.toBeNull();
    expect(Math.abs(Number(m![1]))).toBeLessThan(1e-4);
    expect(out).toMatch(/consistent mode/);
  });

  const bad: [string, string[], RegExp][] = [
    ["an unknown --streitz-mode", [...base, "--summation", "wolf", "--streitz-mode", "exact", "--input", rattled], /argument 'exact' is invalid. Allowed choices are lammps, consistent/],
    ["--qeq-alpha in consistent mode", [...base, "--summation", "wolf", "--streitz-mode", "consistent", "--qeq-alpha", "0.2", "--input", rattled], /--qeq-alpha does not apply to --streitz-mode consistent/],
    ["no --summation", [...base, "--input", rattled], /--streitz needs --summation wolf or --summation ewald/],
    ["Ewald on a cluster", [...base, "--summation", "ewald", "--input", join(FIX, "al2o3_cluster_a_wolf.extxyz")], /Ewald needs a structure periodic in all three directions/],
  ];
  for (const [what, args, message] of bad) {
    it(`rejects ${what} (exit 2, one line)`, async () => {
      const r = await cliFails(...args);
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    });
  }

  for (const [flag, loops] of [["--qeq-xl", "4.00"], ["--qeq-xl-shadow", "2.00"]]) it(`${flag}: extended-Lagrangian charges (${loops} CG loops per evaluation), a restart continues bit for bit`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "streitz-xl-"));
    try {
      const run = ["--summation", "wolf", "--dt", "0.4", flag];
      const start = ["--input", rattled, "--temperature", "300", "--seed", "3"];
      const whole = await cli(...base, ...run, ...start, "--steps", "20", "--thermo", "10");
      expect(whole).toMatch(new RegExp(`${loops.replace(".", "\\.")} QEq CG iterations per evaluation`));
      await cli(...base, ...run, ...start, "--steps", "10", "--thermo", "10", "--write-restart", join(dir, "r.json"));
      const resumed = await cli(...base, ...run, "--steps", "10", "--thermo", "10", "--restart", join(dir, "r.json"));
      const last = (out: string) => rows(out).find((r) => r[0] === 20);
      expect(last(resumed)).toEqual(last(whole));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
