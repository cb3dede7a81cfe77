// The ECT-EAM command-line paths, run from the bundle that `npm test` builds first.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseExtxyz } from "../src/io/extxyz.js";
import { parseCube } from "../src/io/cube.js";
import { integrateGrid } from "../src/ect/density-grid.js";

const dir = mkdtempSync(join(tmpdir(), "ect-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = (...args: string[]) => execFileSync("node", ["dist/cli.js", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

describe("ect-eam scan", () => {
  it("prints the curve and writes CSV and SVG; charges vanish at 20 A", () => {
    const csv = join(dir, "nacl.csv"), svg = join(dir, "nacl.svg");
    const out = cli("scan", "--model", "models/ect-starter.json", "--pair", "Na,Cl", "--from", "2", "--to", "20", "--points", "5", "--csv", csv, "--svg", svg);
    expect(out).toContain("q_Na(e)");
    const rows = readFileSync(csv, "utf8").trim().split("\n");
    expect(rows).toHaveLength(6);
    const last = rows[5].split(",").map(Number);
    expect(last[0]).toBe(20);
    expect(Math.abs(last[3])).toBeLessThan(1e-6);
    const first = rows[1].split(",").map(Number);
    expect(first[3]).toBeGreaterThan(0.5);
    const picture = readFileSync(svg, "utf8");
    expect(picture.startsWith("<svg")).toBe(true);
    expect(picture).toContain("charges");
  });
});

describe("ect-eam eval --model", () => {
  it("writes energy, omega, mu, forces, charges and weights for every frame", () => {
    const input = join(dir, "in.xyz"), output = join(dir, "out.xyz");
    writeFileSync(input, "2\npbc=\"F F F\"\nNa 0 0 0\nCl 0 0 2.4\n2\npbc=\"F F F\"\nLi 0 0 0\nH 0 0 20\n");
    cli("eval", "--model", "models/ect-starter.json", "--input", input, "--output", output);
    const frames = parseExtxyz(readFileSync(output, "utf8"));
    expect(frames).toHaveLength(2);
    for (const f of frames) {
      for (const key of ["energy", "omega", "mu", "virial"]) expect(f.info).toHaveProperty(key);
      expect(f.info).not.toHaveProperty("stress");
      expect(f.arrays.charges.ncols).toBe(1);
      expect(f.arrays.weights.ncols).toBe(4);
      expect(f.arrays.forces.ncols).toBe(3);
    }
    const q = frames[1].arrays.charges.data as Float64Array;
    expect(Math.abs(q[0])).toBeLessThan(1e-6);
  });

  it("--cube writes the valence electron density, which integrates to the electron count", () => {
    const input = join(dir, "nacl.xyz"), output = join(dir, "nacl.out.xyz"), cube = join(dir, "nacl.cube");
    writeFileSync(input, "2\npbc=\"F F F\"\nNa 0 0 0\nCl 0 0 2.4\n");
    cli("eval", "--model", "models/ect-starter.json", "--input", input, "--output", output, "--cube", cube, "--cube-spacing", "0.1");
    const parsed = parseCube(readFileSync(cube, "utf8"), cube);
    expect(integrateGrid(parsed.grid)).toBeCloseTo(8, 2); // Na 1 + Cl 7 valence electrons
  });

  it("--model qeq gives the QEq baseline's fractional charges where ECT-EAM gives neutral atoms", () => {
    const input = join(dir, "nacl20.xyz"), qeq = join(dir, "qeq.xyz"), ect = join(dir, "ect.xyz");
    writeFileSync(input, "2\npbc=\"F F F\"\nNa 0 0 0\nCl 0 0 20\n");
    cli("eval", "--model", "qeq", "--input", input, "--output", qeq);
    cli("eval", "--model", "models/ect-starter.json", "--input", input, "--output", ect);
    const qq = parseExtxyz(readFileSync(qeq, "utf8"))[0].arrays.charges.data as Float64Array;
    const qe = parseExtxyz(readFileSync(ect, "utf8"))[0].arrays.charges.data as Float64Array;
    expect(qq[0]).toBeGreaterThan(0.3);
    expect(Math.abs(qe[0])).toBeLessThan(1e-6);
  });

  it("refuses both or neither of --potential and --model", () => {
    let status = 0, message = "";
    try {
      cli("eval", "--input", "x.xyz", "--output", "y.xyz");
    } catch (err) {
      status = (err as { status: number }).status;
      message = String((err as { stderr: string }).stderr);
    }
    expect(status).toBe(2);
    expect(message).toContain("exactly one of --potential");
  });
});

describe("ect-eam latent", () => {
  it("writes the per-atom latent vectors of every frame of a scan", () => {
    const csv = join(dir, "latent.csv"), output = join(dir, "latent.xyz");
    const out = cli("latent", "--model", "models/ect-starter.json", "--input", "datasets/qm/NaCl.extxyz", "--csv", csv, "--output", output);
    expect(out).toContain("Na+=");
    const frames = parseExtxyz(readFileSync(output, "utf8"));
    const rows = readFileSync(csv, "utf8").trim().split("\n");
    expect(rows.length - 1).toBe(2 * frames.length);
    for (const f of frames) {
      for (const key of ["charges", "weights", "host_density", "electronegativity"]) expect(f.arrays).toHaveProperty(key);
      const w = f.arrays.weights.data as Float64Array;
      expect(w[0] + w[1] + w[2] + w[3]).toBeCloseTo(1, 12);
    }
  });
});
