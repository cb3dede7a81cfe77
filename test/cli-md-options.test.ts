// Issue 14, items 1 and 3: every `ect-eam md` option works with every model (EAM, ECT-EAM,
// Streitz-Mintmire) or is refused with exit 2; writing logs, dumps or restarts changes neither the
// thermo table nor the trajectory; resumed runs continue bit for bit in every loop; runs that blow
// up stop with one line and a non-zero exit, leaving no output files behind.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliIn, runIn } from "./helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "cli-md-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "nacl.xyz"), '4\npbc="F F F"\nNa 0 0 0\nCl 0.1 0.05 2.45\nH 4.5 0 1.0\nH 4.6 0.1 1.74\n');
const f = (name: string) => join(dir, name);
// in this process, from the checkout (test/helpers/cli.ts)
const cli = cliIn;
const run = runIn;

const STREITZ = ["--potential", "potentials/AlO.eam.alloy", "--streitz", "potentials/AlO.streitz"];
const CLUSTER = "test/fixtures/streitz/al2o3_cluster_a_wolf.extxyz";
const CRYSTAL = "test/fixtures/streitz/al2o3_rattled_2x1x1_wolf.extxyz";
const CU = ["--potential", "potentials/Cu_u3.eam", "--lattice", "fcc", "--a", "3.615", "--repeat", "3"];

/** The thermo table: header and rows as printed. */
function table(out: string): string[] {
  return out.split("\n").filter((l) => /^\s+(Step|\d+)\s/.test(l));
}

describe("Streitz-Mintmire md honours every run option", () => {
  it("Langevin with a log and a dump (the issue's command)", async () => {
    const out = await cli("md", ...STREITZ, "--summation", "wolf", "--input", CLUSTER, "--steps", "20", "--thermostat", "langevin", "--tdamp", "100",
      "--target-temperature", "300", "--log", f("s.csv"), "--dump", f("s.dump"), "--dump-every", "10", "--thermo", "10");
    expect(out).toMatch(/Langevin 300 K, tdamp 100 fs/);
    expect(table(out)[0]).toMatch(/Conserved\(eV\)/);
    const log = readFileSync(f("s.csv"), "utf8").trim().split("\n");
    expect(log[0]).toBe("step,time_fs,temperature_K,potential_eV,kinetic_eV,total_eV,pressure_bar,conserved_eV,total_charge_e,charge_min_e,charge_max_e,solver_iterations");
    expect(log).toHaveLength(4);
    const dump = readFileSync(f("s.dump"), "utf8");
    expect(dump.match(/ITEM: TIMESTEP/g)).toHaveLength(3);
    expect(dump).toMatch(/ITEM: ATOMS id type element x y z vx vy vz fx fy fz q/);
  });

  it("Berendsen barostat on a periodic crystal: volume column, cell changes", async () => {
    const out = await cli("md", ...STREITZ, "--summation", "wolf", "--input", CRYSTAL, "--steps", "10", "--dt", "0.5", "--thermo", "5",
      "--barostat", "berendsen", "--pressure", "50000", "--pdamp", "50", "--log", f("b.csv"));
    const rows = table(out);
    expect(rows[0]).toMatch(/Volume\(A\^3\)/);
    const v = rows.slice(1).map((r) => Number(r.trim().split(/\s+/)[7]));
    expect(v[2]).not.toBe(v[0]);
  });

  for (const summation of ["wolf", "ewald"]) {
    it(`${summation}: NVE --write-restart then --restart gives the uninterrupted log and dump bit for bit`, async () => {
      const input = `test/fixtures/streitz/al2o3_rattled_2x1x1_${summation}.extxyz`;
      const common = ["md", ...STREITZ, "--summation", summation, "--dt", "0.5", "--thermo", "3", "--dump-every", "3", "--skin", "0.3"];
      const whole = await cli(...common, "--input", input, "--steps", "12", "--log", f(`w${summation}.csv`), "--dump", f(`w${summation}.dump`), "--write-restart", f(`w${summation}.json`));
      await cli(...common, "--input", input, "--steps", "6", "--log", f(`p${summation}.csv`), "--dump", f(`p${summation}.dump`), "--write-restart", f(`p${summation}.json`));
      const rest = await cli(...common, "--restart", f(`p${summation}.json`), "--steps", "6", "--log", f(`p${summation}.csv`), "--dump", f(`p${summation}.dump`), "--write-restart", f(`p${summation}2.json`));
      expect(rest).toContain("from step 6");
      expect(readFileSync(f(`p${summation}.csv`), "utf8")).toBe(readFileSync(f(`w${summation}.csv`), "utf8"));
      expect(readFileSync(f(`p${summation}.dump`), "utf8")).toBe(readFileSync(f(`w${summation}.dump`), "utf8"));
      expect(readFileSync(f(`p${summation}2.json`), "utf8")).toBe(readFileSync(f(`w${summation}.json`), "utf8"));
      // the stdout rows from the restart on are the uninterrupted run's
      expect(table(rest).slice(1)).toEqual(table(whole).slice(3));
    }, 60_000);
  }
});

describe("outputs change neither the table nor the trajectory", () => {
  const cases: [string, string[]][] = [
    ["EAM", [...CU, "--dt", "2", "--temperature", "900"]],
    ["ECT-EAM", ["--model", "models/ect-starter.json", "--input", f("nacl.xyz"), "--dt", "0.5"]],
    ["Streitz-Mintmire", [...STREITZ, "--summation", "wolf", "--input", CLUSTER, "--dt", "0.5"]],
  ];
  for (const [name, args] of cases) {
    it(name, async () => {
      const plain = await cli("md", ...args, "--steps", "30", "--thermo", "10");
      const tag = name.replace(/\W/g, "");
      const written = await cli("md", ...args, "--steps", "30", "--thermo", "10", "--log", f(`${tag}.csv`), "--write-restart", f(`${tag}.json`),
        "--dump", f(`${tag}.dump`), "--trajectory", f(`${tag}.xyz`), "--every", "10");
      expect(table(written)).toEqual(table(plain));
      expect(table(plain)).toHaveLength(5);
    }, 60_000);
  }
});

describe("EAM NVE in wasm with neighbor checks every 3 steps after a 4-step delay", () => {
  it("resumes bit for bit (the steps since the last build are saved)", async () => {
    const common = ["md", ...CU, "--dt", "4", "--temperature", "1500", "--skin", "0.4", "--neigh-every", "3", "--neigh-delay", "4", "--thermo", "10"];
    const whole = await cli(...common, "--steps", "80", "--write-restart", f("n80.json"));
    await cli(...common, "--steps", "37", "--write-restart", f("n37.json"));
    await cli("md", "--potential", "potentials/Cu_u3.eam", "--restart", f("n37.json"), "--steps", "43", "--skin", "0.4", "--neigh-every", "3", "--neigh-delay", "4", "--thermo", "10", "--write-restart", f("n37b.json"));
    expect(readFileSync(f("n37b.json"), "utf8")).toBe(readFileSync(f("n80.json"), "utf8"));
    expect(whole).toMatch(/[1-9]\d* neighbor builds, 0 dangerous/);
  }, 60_000);
});

describe("options a loop cannot honour are refused (exit 2, one line)", () => {
  const cases: [string, string[], RegExp][] = [
    ["--neigh-every with a thermostat", ["md", ...CU, "--steps", "2", "--thermostat", "langevin", "--neigh-every", "2"], /neighbor checks other than every step .* apply to NVE runs of EAM and Streitz-Mintmire/],
    ["--neigh-delay with ECT-EAM", ["md", "--model", "models/ect-starter.json", "--lattice", "sc", "--a", "3", "--repeat", "1", "--element", "Na", "--steps", "2", "--neigh-delay", "3"], /neighbor checks other than every step/],
    ["--every without --trajectory", ["md", ...CU, "--steps", "2", "--every", "5"], /--every needs --trajectory FILE/],
    ["--charge with EAM", ["md", ...CU, "--steps", "2", "--charge", "1"], /--charge applies to ECT-EAM models/],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const r = await run(...args);
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    });
  }
});

describe("runs that blow up stop (item 3)", () => {
  it("--dt 50 on Cu: a clear message, exit 2, and no log, dump or restart left behind", async () => {
    const outs = ["--log", f("boom.csv"), "--dump", f("boom.dump"), "--trajectory", f("boom.xyz"), "--write-restart", f("boom.json")];
    const r = await run("md", ...CU, "--steps", "3000", "--dt", "50", ...outs);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^ect-eam: MD stopped at step \d+: .*(temperature|conserved energy).*try a smaller --dt/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    for (const name of ["boom.csv", "boom.dump", "boom.xyz", "boom.json"]) expect(existsSync(f(name))).toBe(false);
    expect(readdirSync(dir).filter((n) => n.includes(".tmp-"))).toEqual([]);
  });

  it("the same with a thermostat and with a barostat (per-step loop)", async () => {
    for (const extra of [["--thermostat", "langevin"], ["--barostat", "berendsen"]]) {
      const r = await run("md", ...CU, "--steps", "2000", "--dt", "60", ...extra);
      expect(r.status).toBe(2);
      // (a warning about densities beyond the embedding table may come first)
      expect(r.stderr.trim().split("\n").pop()).toMatch(/^ect-eam: MD stopped at step \d+: /);
    }
  });

  it("two atoms 1e-7 A apart: eval and md name them instead of reporting 1e10 eV", async () => {
    writeFileSync(f("overlap.xyz"), '3\nLattice="10 0 0 0 10 0 0 0 10" pbc="T T T"\nCu 0 0 0\nCu 0 0 1e-7\nCu 2.5 0 0\n');
    for (const args of [["eval", "--output", f("o.xyz")], ["md", "--steps", "5"]]) {
      const r = await run(args[0], "--potential", "potentials/Cu_u3.eam", "--input", f("overlap.xyz"), ...args.slice(1));
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toMatch(/atoms 0 and 1 are 1\.000e-7 A apart/);
    }
    expect(existsSync(f("o.xyz"))).toBe(false);
  });
});
