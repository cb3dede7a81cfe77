// The ECT-EAM command-line paths, run from the bundle that `npm test` builds first.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseExtxyz } from "../src/io/extxyz.js";
import { parseCube } from "../src/io/cube.js";
import { integrateGrid } from "../src/ect/density-grid.js";
import { EctCalculator } from "../src/ect/calculator.js";
import { readEctModelFile } from "../src/ect/model-file.js";
import { qeqCalculate, qeqFromEctModel } from "../src/ect/qeq.js";
import { buildEctTables } from "../src/ect/tables.js";
import { cliIn } from "./helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "ect-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = cliIn; // in this process, from the checkout (test/helpers/cli.ts)

describe("ect-eam scan", () => {
  it("prints the curve and writes CSV and SVG; charges vanish at 20 A", async () => {
    const csv = join(dir, "nacl.csv"), svg = join(dir, "nacl.svg");
    const out = await cli("scan", "--model", "models/ect-starter.json", "--pair", "Na,Cl", "--from", "2", "--to", "20", "--points", "5", "--csv", csv, "--svg", svg);
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
  it("writes energy, omega, mu, dipole, virial, forces, charges and weights of every frame: the API's numbers", async () => {
    const input = join(dir, "in.xyz"), output = join(dir, "out.xyz");
    writeFileSync(input, "2\npbc=\"F F F\"\nNa 0 0 0\nCl 0 0 2.4\n2\npbc=\"F F F\"\nLi 0 0 0\nH 0 0 20\n");
    await cli("eval", "--model", "models/ect-starter.json", "--input", input, "--output", output);
    const frames = parseExtxyz(readFileSync(output, "utf8"));
    const inputs = parseExtxyz(readFileSync(input, "utf8"));
    expect(frames).toHaveLength(2);
    const tables = buildEctTables(readEctModelFile("models/ect-starter.json"));
    for (let k = 0; k < 2; k++) {
      // every frame from a cold start, as a fresh calculator does
      const r = (await EctCalculator.create(tables)).calculate(inputs[k]);
      const f = frames[k];
      expect(f.info.energy).toBe(r.energy);
      expect(f.info.free_energy).toBe(r.grandPotential);
      expect(f.info.omega).toBe(r.grandPotential);
      expect(f.info.mu).toBe(r.mu);
      expect(f.info.dipole).toEqual(r.dipole);
      expect(f.info.virial).toEqual(Array.from(r.virial));
      expect(f.info).not.toHaveProperty("stress");
      const column = (name: string, ncols: number) => {
        expect(f.arrays[name].ncols, name).toBe(ncols);
        return Array.from(f.arrays[name].data as Float64Array);
      };
      expect(column("forces", 3)).toEqual(Array.from(r.forces));
      expect(column("energies", 1)).toEqual(Array.from(r.energies));
      expect(column("charges", 1)).toEqual(Array.from(r.charges));
      expect(column("weights", 4)).toEqual(Array.from(r.weights));
      expect(column("host_density", 1)).toEqual(Array.from(r.hostDensities));
      expect(column("electronegativity", 1)).toEqual(Array.from(r.electronegativities));
    }
    // Li and H 20 A apart end neutral
    expect(Math.abs((frames[1].arrays.charges.data as Float64Array)[0])).toBeLessThan(1e-6);
  });

  it("--cube writes the valence electron density, which integrates to the electron count", async () => {
    const input = join(dir, "nacl.xyz"), output = join(dir, "nacl.out.xyz"), cube = join(dir, "nacl.cube");
    writeFileSync(input, "2\npbc=\"F F F\"\nNa 0 0 0\nCl 0 0 2.4\n");
    await cli("eval", "--model", "models/ect-starter.json", "--input", input, "--output", output, "--cube", cube, "--cube-spacing", "0.1");
    const parsed = parseCube(readFileSync(cube, "utf8"), cube);
    expect(integrateGrid(parsed.grid)).toBeCloseTo(8, 2); // Na 1 + Cl 7 valence electrons
  });

  it("--model qeq gives the QEq baseline's fractional charges where ECT-EAM gives neutral atoms", async () => {
    const input = join(dir, "nacl20.xyz"), qeq = join(dir, "qeq.xyz"), ect = join(dir, "ect.xyz");
    writeFileSync(input, "2\npbc=\"F F F\"\nNa 0 0 0\nCl 0 0 20\n");
    await cli("eval", "--model", "qeq", "--input", input, "--output", qeq);
    await cli("eval", "--model", "models/ect-starter.json", "--input", input, "--output", ect);
    const qq = parseExtxyz(readFileSync(qeq, "utf8"))[0].arrays.charges.data as Float64Array;
    const qe = parseExtxyz(readFileSync(ect, "utf8"))[0].arrays.charges.data as Float64Array;
    // the bundled starter model's QEq parameters, as the API gives them
    const api = qeqCalculate(parseExtxyz(readFileSync(input, "utf8"))[0], qeqFromEctModel(readEctModelFile("models/ect-starter.json")));
    expect(Array.from(qq)).toEqual(Array.from(api.charges));
    expect(qq[0]).toBeGreaterThan(0.3);
    expect(Math.abs(qe[0])).toBeLessThan(1e-6);
  });

  it("refuses both or neither of --potential and --model", async () => {
    let status = 0, message = "";
    try {
      await cli("eval", "--input", "x.xyz", "--output", "y.xyz");
    } catch (err) {
      status = (err as { status: number }).status;
      message = String((err as { stderr: string }).stderr);
    }
    expect(status).toBe(2);
    expect(message).toContain("exactly one of --potential");
  });
});

describe("ect-eam latent", () => {
  it("writes the per-atom latent vectors of every frame of a scan", async () => {
    const csv = join(dir, "latent.csv"), output = join(dir, "latent.xyz");
    const out = await cli("latent", "--model", "models/ect-starter.json", "--input", "datasets/qm/NaCl.extxyz", "--csv", csv, "--output", output);
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
