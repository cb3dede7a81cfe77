// Issue 14, item 6: ASE (Debian python3-ase, called as /usr/bin/python3; .ci/run installs it) reads
// what we write: trajectory velocities (get_velocities), forces, energies, ECT-EAM's force-consistent
// energy Omega as free_energy, stress, charges (ASE 3.22 reads a charges column as initial charges); no stale keys copied from an input; LAMMPS dumps with an
// element column (ours and the ones exported runs write). Skipped as a whole where python3-ase is
// missing; CI installs it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseExtxyz } from "../src/io/extxyz.js";
import { describeWith, itWith, lammpsEnv, need } from "./helpers/tools.js";
import { cliIn } from "./helpers/cli.js";

const ROOT = join(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "ase-read-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const f = (name: string) => join(dir, name);
const cli = cliIn; // in this process, from the checkout (test/helpers/cli.ts)

/** Runs a Python snippet with ASE; `read` below is ase.io.read; prints JSON, which is returned. */
function ase(script: string): any {
  const code = `import json, sys\nimport numpy as np\nfrom ase.io import read\nfrom ase import units\n${script}`;
  const out = execFileSync(need("python3-ase"), ["-c", code], { encoding: "utf8", env: { ...process.env, PYTHONPATH: "" } });
  return JSON.parse(out);
}

describeWith("python3-ase", "ASE reads our files", () => {
  it("md trajectory: velocities, forces and energies of every frame", async () => {
    await cli("md", "--potential", "potentials/CuNi.eam.alloy", "--lattice", "fcc", "--a", "3.56", "--repeat", "2", "--steps", "20", "--dt", "2",
      "--temperature", "800", "--trajectory", f("traj.xyz"), "--every", "10");
    const ours = parseExtxyz(readFileSync(f("traj.xyz"), "utf8"));
    const got = ase(`
frames = read(${JSON.stringify(f("traj.xyz"))}, index=":")
print(json.dumps([{"v": (a.get_velocities() * units.fs).ravel().tolist(), "f": a.get_forces().ravel().tolist(),
  "e": a.get_potential_energy(), "step": int(a.info["step"])} for a in frames]))`);
    expect(got).toHaveLength(3);
    ours.forEach((a, k) => {
      expect(got[k].step).toBe(a.info.step);
      expect(got[k].e).toBe(a.info.energy);
      const v = a.velocities!;
      let vmax = 0;
      for (let i = 0; i < v.length; i++) {
        expect(Math.abs(got[k].v[i] - v[i])).toBeLessThanOrEqual(1e-13 * Math.max(1e-3, Math.abs(v[i])));
        vmax = Math.max(vmax, Math.abs(v[i]));
      }
      expect(vmax).toBeGreaterThan(1e-3); // the velocities ASE found are not zeros
      expect(got[k].f).toEqual(Array.from(a.arrays.forces.data as Float64Array));
    });
  }, 60_000);

  it("ECT-EAM eval: energy E, force-consistent energy Omega (free_energy), forces and charges", async () => {
    writeFileSync(f("nacl.xyz"), '2\npbc="F F F"\nNa 0 0 0\nCl 0 0 2.5\n');
    await cli("eval", "--model", "models/ect-starter.json", "--input", f("nacl.xyz"), "--output", f("ect.xyz"));
    const ours = parseExtxyz(readFileSync(f("ect.xyz"), "utf8"))[0];
    const got = ase(`
a = read(${JSON.stringify(f("ect.xyz"))})
print(json.dumps({"e": a.get_potential_energy(), "fe": a.get_potential_energy(force_consistent=True),
  "f": a.get_forces().ravel().tolist(), "q": a.get_initial_charges().tolist()}))`);
    expect(got.e).toBe(ours.info.energy);
    expect(got.fe).toBe(ours.info.omega);
    expect(got.f).toEqual(Array.from(ours.arrays.forces.data as Float64Array));
    expect(got.q).toEqual(Array.from(ours.arrays.charges.data as Float64Array));
  });

  it("eval writes fresh results only: a stale free_energy of the input does not survive; stress as ASE's", async () => {
    const stale = readFileSync(join(ROOT, "test/fixtures/ref/cu_u3_rattled_3x3x3.extxyz"), "utf8").replace(/pbc=/, "free_energy=123.5 magmom=7 pbc=");
    writeFileSync(f("stale.xyz"), stale);
    await cli("eval", "--potential", "potentials/Cu_u3.eam", "--input", f("stale.xyz"), "--output", f("fresh.xyz"));
    const ours = parseExtxyz(readFileSync(f("fresh.xyz"), "utf8"))[0];
    expect(ours.info.free_energy).toBeUndefined();
    const got = ase(`
a = read(${JSON.stringify(f("fresh.xyz"))})
print(json.dumps({"e": a.get_potential_energy(), "s": a.get_stress().tolist(), "keys": sorted(a.calc.results.keys())}))`);
    expect(got.e).toBe(ours.info.energy);
    expect(got.keys).not.toContain("free_energy");
    expect(got.keys).not.toContain("magmom");
    const s = ours.info.stress as number[];
    expect(got.s).toEqual([s[0], s[4], s[8], s[5], s[2], s[1]]);
  });

  it("md --dump: ASE's lammps-dump-text reader takes the species from the element column", async () => {
    await cli("md", "--potential", "potentials/CuNi.eam.alloy", "--lattice", "fcc", "--a", "3.56", "--repeat", "2", "--element", "Ni", "--steps", "10",
      "--dump", f("md.dump"), "--dump-every", "10", "--trajectory", f("md.xyz"), "--every", "10");
    const ours = parseExtxyz(readFileSync(f("md.xyz"), "utf8"));
    const got = ase(`
frames = read(${JSON.stringify(f("md.dump"))}, index=":", format="lammps-dump-text")
print(json.dumps([{"s": a.get_chemical_symbols(), "p": a.get_positions().ravel().tolist()} for a in frames]))`);
    expect(got).toHaveLength(2);
    got.forEach((g: { s: string[]; p: number[] }, k: number) => {
      expect(g.s).toEqual(ours[k].symbols);
      const p = ours[k].positions;
      for (let i = 0; i < p.length; i++) expect(Math.abs(g.p[i] - p[i])).toBeLessThan(1e-9);
    });
  }, 60_000);

  itWith("lmp", "export-lammps: the dump LAMMPS writes has an element column ASE reads", async () => {
    writeFileSync(f("cuni.xyz"), readFileSync(join(ROOT, "test/fixtures/ref/cuni_rattled_2x2x3.extxyz"), "utf8"));
    await cli("export-lammps", "--potential", "potentials/CuNi.eam.alloy", "--input", f("cuni.xyz"), "--output-dir", f("export"));
    execFileSync(need("lmp"), ["-in", "in.lammps", "-log", "none", "-screen", "none"], { cwd: f("export"), env: lammpsEnv(f("export")) });
    const ours = parseExtxyz(readFileSync(f("cuni.xyz"), "utf8"))[0];
    const got = ase(`
a = read(${JSON.stringify(join(f("export"), "forces.dump"))}, format="lammps-dump-text")
print(json.dumps({"s": a.get_chemical_symbols()}))`);
    expect(got.s).toEqual(ours.symbols);
  }, 60_000);
});

describe("LAMMPS data files of atom_style charge (LAMMPS' examples/streitz data.streitz)", () => {
  it("are read, with the species named on the command line (the file has no masses)", async () => {
    writeFileSync(f("data.streitz"), readFileSync(join(ROOT, "bench/streitz/data.streitz"), "utf8"));
    const out = await cli("md", "--potential", "potentials/AlO.eam.alloy", "--streitz", "potentials/AlO.streitz", "--summation", "wolf",
      "--input", f("data.streitz"), "--species", "Al,O", "--steps", "0");
    expect(out).toMatch(/# 2160 atoms, Streitz-Mintmire/);
  });
});
