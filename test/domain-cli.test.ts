// `ect-eam md --workers N` with Streitz-Mintmire and with thermostats (src/cli/md-domain.ts): the
// table of the single-engine run to the printed digits (charges solved tightly, so that the two
// CGs, Jacobi on the workers and Gauss-Seidel in the engine, reach the same charges), and one-line
// refusals (exit 2) of what the workers do not run.
import { describe, expect, it } from "vitest";
import { cliIn as cli, cliFailsIn as cliFails } from "./helpers/cli.js";


const rows = (text: string) => text.split("\n").filter((l) => /^\s+\d+\s/.test(l)).map((l) => l.trim().split(/\s+/).map(Number));

/** Columns equal to `digits` relative (the table prints 6 decimals of energies ~1e4 eV). */
function expectSameTable(a: number[][], b: number[][], columns: number): void {
  expect(a.length).toBe(b.length);
  a.forEach((r, k) => r.slice(0, columns).forEach((v, c) => expect(Math.abs(v - b[k][c])).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(b[k][c])))));
}

const streitz = ["md", "--potential", "potentials/AlO.eam.alloy", "--streitz", "potentials/AlO.streitz", "--summation", "wolf", "--coul-cutoff", "8",
  "--input", "bench/streitz/data.streitz", "--species", "Al,O", "--dt", "0.4", "--temperature", "600", "--seed", "5"];

describe("md --workers: Streitz-Mintmire and thermostats", () => {
  it("Streitz-Mintmire (Wolf), 2 workers: the single engine's table", async () => {
    // (rows at steps 0, 1 and 2; the longer comparisons over domains: test/verify/domain-streitz.test.ts)
    const args = [...streitz, "--steps", "2", "--thermo", "1", "--qeq-tolerance", "1e-10", "--qeq-maxiter", "500"];
    const one = rows(await cli(...args));
    const out = await cli(...args, "--workers", "2");
    expect(out).toMatch(/2 domain worker\(s\)/);
    expect(out).toMatch(/# speed: \d+\.\d+ us\/atom-step .* QEq CG loops \(s \+ t\) per step/);
    // all columns but the CG loops (the engine's MD preconditioner is Gauss-Seidel, the workers' Jacobi)
    expectSameTable(rows(out), one, 9);
  }, 60_000);

  it("Streitz-Mintmire (Ewald, g and kmax from the accuracy), 2 workers: the single engine's table", async () => {
    const args = [...streitz.map((a) => (a === "wolf" ? "ewald" : a)), "--ewald-accuracy", "1e-4", "--steps", "2", "--thermo", "2", "--qeq-tolerance", "1e-10", "--qeq-maxiter", "500"];
    const one = rows(await cli(...args));
    const two = rows(await cli(...args, "--workers", "2"));
    expectSameTable(two, one, 9);
  }, 60_000);

  it("EAM with a Nose-Hoover chain, 2 workers: the single engine's table, conserved column included", async () => {
    const args = ["md", "--potential", "potentials/Cu_u3.eam", "--lattice", "fcc", "--a", "3.615", "--repeat", "8", "--steps", "40", "--dt", "2",
      "--temperature", "600", "--seed", "3", "--thermo", "20", "--thermostat", "nose-hoover", "--target-temperature", "300", "--tdamp", "50"];
    const one = rows(await cli(...args));
    const two = rows(await cli(...args, "--workers", "2"));
    expect(two[0].length).toBe(8);
    expectSameTable(two, one, 8);
  }, 60_000);

  const refusals: [string, string[], RegExp][] = [
    ["Ewald in consistent mode", [...streitz.map((a) => (a === "wolf" ? "ewald" : a)), "--streitz-mode", "consistent", "--workers", "2"], /--workers runs Ewald in lammps mode only/],
    ["shadow-potential forces", [...streitz, "--qeq-xl-shadow", "--workers", "2"], /not --qeq-xl-shadow \(shadow-potential forces\) yet/],
    ["ECT-EAM", ["md", "--model", "models/ect-fitted.json", "--lattice", "rocksalt", "--a", "5.64", "--repeat", "4", "--workers", "2"], /not ECT-EAM \(--model\) yet/],
    ["a barostat", [...streitz, "--barostat", "berendsen", "--workers", "2"], /--workers runs without a barostat or restarts/],
  ];
  for (const [what, args, message] of refusals) {
    it(`refuses ${what} (exit 2, one line)`, async () => {
      const r = await cliFails(...args);
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    });
  }
});
