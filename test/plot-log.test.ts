// `ect-eam plot LOG.csv`: the thermo-log CSV contract (md --log) becomes an SVG with one panel per
// quantity present; malformed logs give errors naming the file, line and column.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseThermoCsv } from "../src/io/log-csv.js";
import { logPanels } from "../src/cli/plot-log.js";
import { InputError } from "../src/errors.js";
import { runIn } from "./helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "plot-log-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a command in this process (test/helpers/cli.ts); returns exit status and stderr (empty on success, as before). */
async function cli(...args: string[]): Promise<{ status: number; stderr: string }> {
  const r = await runIn(...args);
  return { status: r.status, stderr: r.status === 0 ? "" : r.stderr };
}

/** A log of an NVE-like run: 21 rows, every column of the contract; pressure empty (a cluster). */
function sampleLog(): string {
  const head = "step,time_fs,temperature_K,potential_eV,kinetic_eV,total_eV,pressure_bar,volume_A3,omega_eV,conserved_eV,total_charge_e,charge_min_e,charge_max_e,solver_iterations";
  const rows = [head];
  for (let s = 0; s <= 20; s++) {
    const ke = 1 + 0.1 * Math.sin(s / 3);
    const pe = -50 - 0.1 * Math.sin(s / 3);
    rows.push([s * 10, s * 10 * 0.5, 300 + 30 * Math.sin(s / 3), pe, ke, pe + ke, "", "", pe - 0.01, pe + ke - 0.01, 0, -0.8 - 0.001 * s, 0.8 + 0.001 * s, 1].join(","));
  }
  return rows.join("\n") + "\n";
}

describe("thermo log CSV", () => {
  it("parses columns, empty fields as no value", async () => {
    const log = parseThermoCsv(sampleLog(), "log.csv");
    expect(log.rows).toBe(21);
    expect(log.columns[6]).toBe("pressure_bar");
    expect(log.values[6].every(Number.isNaN)).toBe(true);
    expect(log.values[1][4]).toBe(20);
  });

  it("puts the energies together and leaves out columns without values; x is time_fs", async () => {
    const { xTitle, panels } = logPanels(parseThermoCsv(sampleLog(), "log.csv"), "log.csv");
    expect(xTitle).toBe("time (fs)");
    expect(panels.map((p) => p.title)).toEqual(["energy", "conserved energy", "temperature", "charges", "charge solver"]);
    expect(panels[0].series.map((s) => s.label)).toEqual(["potential", "kinetic", "total", "Omega"]);
    // the conserved quantity on its own panel, with units, so that its drift is visible
    expect(panels[1].series.map((s) => s.label)).toEqual(["conserved"]);
    expect(panels[1].yTitle).toBe("conserved energy (eV)");
    expect(panels[0].series[0].points[2]).toEqual([10, -50 - 0.1 * Math.sin(2 / 3)]);
  });

  it("--columns restricts the panels and must name header columns", async () => {
    const log = parseThermoCsv(sampleLog(), "log.csv");
    const { panels } = logPanels(log, "log.csv", ["temperature_K", "charge_max_e"]);
    expect(panels.map((p) => p.title)).toEqual(["temperature", "charges"]);
    expect(() => logPanels(log, "log.csv", ["enthalpy_eV"])).toThrow(/'enthalpy_eV', which is not in the header/);
  });

  it("a log with only step has x = step", async () => {
    const { xTitle, panels } = logPanels(parseThermoCsv("step,potential_eV\n0,-1\n5,-2\n", "l.csv"), "l.csv");
    expect(xTitle).toBe("step");
    expect(panels[0].series[0].points).toEqual([[0, -1], [5, -2]]);
  });

  it.each([
    ["", /log\.csv: the log is empty/],
    ["0,1,2\n3,4,5\n", /log\.csv:1: line 1 holds numbers/],
    ["step,,x\n", /log\.csv:1: column 2 of the header has no name/],
    ["step,potential_eV\n0,-1\n1,abc\n", /log\.csv:3: column 2 \(potential_eV\): 'abc' is not a number/],
    ["step,potential_eV\n0,-1,7\n", /log\.csv:2: 3 field\(s\), but the header names 2 columns/],
  ])("rejects %j", (text, message) => {
    let err: unknown;
    try {
      parseThermoCsv(text, "log.csv");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(message);
  });
});

describe("ect-eam plot", () => {
  it("writes an SVG with the panels and series of the log", async () => {
    const csv = join(dir, "run.csv");
    writeFileSync(csv, sampleLog());
    expect((await cli("plot", csv)).status).toBe(0);
    const svg = readFileSync(join(dir, "run.svg"), "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    for (const title of ["energy", "conserved energy", "temperature", "charges"]) expect(svg).toContain(`data-title="${title}"`);
    expect(svg).not.toContain('data-title="pressure"');
    for (const series of ["potential", "kinetic", "total", "Omega", "conserved", "T", "q min", "q max"]) expect(svg).toContain(`data-series="${series}"`);
    // 21 points per series, with the first temperature at 300 K
    expect(svg).toContain("time (fs): 0; temperature (K): 300; series: T");
    expect(svg.match(/series: kinetic<\/title><\/circle>/g)).toHaveLength(21);
    // the conserved energy's own axis spans its drift (0.01 eV here), not the tens of eV of the energies
    const conserved = svg.slice(svg.indexOf('data-title="conserved energy"'), svg.indexOf('data-title="temperature"'));
    const ticks = [...conserved.matchAll(/class="tick" x="72" [^>]*>([^<]+)</g)].map((m) => Number(m[1]));
    expect(Math.max(...ticks) - Math.min(...ticks)).toBeLessThan(0.5);
  }, 60_000);

  it("--output and --columns", async () => {
    const csv = join(dir, "run2.csv"), out = join(dir, "t.svg");
    writeFileSync(csv, sampleLog());
    expect((await cli("plot", csv, "--output", out, "--columns", "temperature_K")).status).toBe(0);
    const svg = readFileSync(out, "utf8");
    expect(svg).toContain('data-title="temperature"');
    expect(svg).not.toContain('data-title="energy"');
  }, 60_000);

  it("errors: missing file, bad field, PNG", async () => {
    const missing = await cli("plot", join(dir, "nope.csv"));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/nope\.csv: cannot read the log/);
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, "step,temperature_K\n0,300\n1,hot\n");
    const r = await cli("plot", bad);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.csv:3: column 2 \(temperature_K\): 'hot' is not a number/);
    expect((await cli("plot", bad, "--output", join(dir, "x.png"))).stderr).toMatch(/PNG output needs a raster renderer/);
  }, 60_000);
});
