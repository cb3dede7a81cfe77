// `ect-eam md` with thermostats, barostat and restarts (in process; the bundle for progress and Ctrl-C): a resumed run writes
// the same log, dump and restart bytes as the uninterrupted one; bad flag values are refused with
// a message naming the flag; progress goes to a terminal only.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliIn, runIn } from "./helpers/cli.js";
import { itWith, need } from "./helpers/tools.js";

const dir = mkdtempSync(join(tmpdir(), "md-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CU = ["md", "--potential", "potentials/Cu_u3.eam"];
const LATTICE = ["--lattice", "fcc", "--a", "3.615", "--repeat", "2"];
// in this process (test/helpers/cli.ts); the program itself runs in "progress" and "md stops on Ctrl-C"
const cli = cliIn;
const fails = runIn;
const f = (name: string) => join(dir, name);

describe("md --restart continues bit for bit", () => {
  for (const thermo of [["--thermostat", "nose-hoover"], ["--thermostat", "langevin", "--barostat", "berendsen", "--pressure", "1000", "--pdamp", "500"]]) {
    it(thermo.join(" "), async () => {
      const common = ["--dt", "2", "--temperature", "900", "--thermo", "10", "--dump-every", "25", ...thermo];
      await cli(...CU, ...LATTICE, ...common, "--steps", "150", "--log", f("a.csv"), "--dump", f("a.dump"), "--write-restart", f("a.json"));
      await cli(...CU, ...LATTICE, ...common, "--steps", "70", "--log", f("b.csv"), "--dump", f("b.dump"), "--write-restart", f("b.json"));
      // resuming takes the structure, time step and thermostat from the file
      const out = await cli(...CU, "--restart", f("b.json"), "--steps", "80", "--thermo", "10", "--log", f("b.csv"), "--dump", f("b.dump"), "--dump-every", "25", "--write-restart", f("b2.json"));
      expect(out).toContain("from step 70");
      expect(readFileSync(f("b.csv"), "utf8")).toBe(readFileSync(f("a.csv"), "utf8"));
      expect(readFileSync(f("b.dump"), "utf8")).toBe(readFileSync(f("a.dump"), "utf8"));
      expect(readFileSync(f("b2.json"), "utf8")).toBe(readFileSync(f("a.json"), "utf8"));
    }, 60_000);
  }

  it("ECT-EAM: --model with --write-restart and --restart", async () => {
    writeFileSync(f("nacl.xyz"), '4\npbc="F F F"\nNa 0 0 0\nCl 0.1 0.05 2.45\nH 4.5 0 1.0\nH 4.6 0.1 1.74\n');
    const common = ["--model", "models/ect-starter.json", "--dt", "0.5", "--thermo", "10", "--temperature", "600"];
    await cli("md", ...common, "--input", f("nacl.xyz"), "--steps", "60", "--log", f("e.csv"), "--write-restart", f("e.json"));
    await cli("md", ...common, "--input", f("nacl.xyz"), "--steps", "30", "--log", f("g.csv"), "--write-restart", f("g.json"));
    await cli("md", ...common, "--restart", f("g.json"), "--steps", "30", "--log", f("g.csv"), "--write-restart", f("g2.json"));
    expect(readFileSync(f("g.csv"), "utf8")).toBe(readFileSync(f("e.csv"), "utf8"));
    expect(readFileSync(f("g2.json"), "utf8")).toBe(readFileSync(f("e.json"), "utf8"));
  }, 60_000);
});

describe("md refuses bad thermostat, barostat and restart flags", () => {
  const cases: [string[], RegExp][] = [
    [["--thermostat", "berendsen"], /option '--thermostat <none\|langevin\|nose-hoover>' argument 'berendsen' is invalid\. Allowed choices are none, langevin, nose-hoover/],
    [["--thermostat", "langevin", "--tdamp", "-5"], /--tdamp must be > 0, got -5/],
    [["--thermostat", "langevin", "--tdamp", "abc"], /--tdamp expects a number, got 'abc'/],
    [["--thermostat", "nose-hoover", "--target-temperature", "-1"], /--target-temperature must be >= 0, got -1/],
    [["--thermostat", "nose-hoover", "--target-temperature", "0"], /Nose-Hoover needs a target temperature > 0 K/],
    [["--thermostat", "nose-hoover", "--chain", "0"], /--chain must be >= 1, got 0/],
    [["--thermostat", "langevin", "--chain", "4"], /--chain needs --thermostat nose-hoover/],
    [["--tdamp", "50"], /--tdamp needs --thermostat langevin or nose-hoover/],
    [["--pressure", "100"], /--pressure needs --barostat berendsen/],
    [["--barostat", "andersen"], /option '--barostat <none\|berendsen>' argument 'andersen' is invalid\. Allowed choices are none, berendsen/],
    [["--barostat", "berendsen", "--pdamp", "0"], /--pdamp must be > 0, got 0/],
    [["--barostat", "berendsen", "--couple", "xyz"], /option '--couple <iso\|aniso>' argument 'xyz' is invalid\. Allowed choices are iso, aniso/],
    [["--barostat", "berendsen", "--compressibility", "-1e-6"], /--compressibility must be > 0/],
    [["--dump-every", "10"], /--dump-every needs --dump FILE/],
    [["--dump", "x.dump", "--dump-every", "0"], /--dump-every must be >= 1, got 0/],
    [["--restart-every", "10"], /--restart-every needs --write-restart FILE/],
  ];
  for (const [args, message] of cases) {
    it(args.join(" "), async () => {
      const r = await fails(...CU, ...LATTICE, "--steps", "1", ...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
    }, 60_000);
  }
  it("a barostat needs a periodic cell; --restart needs a readable restart and no --input", async () => {
    writeFileSync(f("pair.xyz"), '2\npbc="F F F"\nCu 0 0 0\nCu 0 0 2.5\n');
    let r = await fails(...CU, "--input", f("pair.xyz"), "--steps", "1", "--barostat", "berendsen");
    expect(r.stderr).toMatch(/a barostat needs a cell periodic in all three directions/);
    r = await fails(...CU, "--restart", f("missing.json"), "--steps", "1");
    expect(r.stderr).toMatch(/cannot read restart file .*missing\.json/);
    writeFileSync(f("not.json"), "{}");
    r = await fails(...CU, "--restart", f("not.json"), "--steps", "1");
    expect(r.stderr).toMatch(/not\.json: not an ect-eam MD restart file/);
    await cli(...CU, ...LATTICE, "--steps", "2", "--thermostat", "langevin", "--write-restart", f("ok.json"));
    r = await fails(...CU, "--restart", f("ok.json"), ...LATTICE, "--steps", "1");
    expect(r.stderr).toMatch(/--restart FILE holds the structure and velocities: give no --input or --lattice/);
    expect(r.status).toBe(2);
  }, 60_000);
});

describe("progress", () => {
  it("quiet when stderr is not a terminal", async () => {
    const r = spawnSync("node", ["dist/cli.js", ...CU, ...LATTICE, "--steps", "50", "--thermostat", "langevin"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
  }, 60_000);
  itWith("script", "rate and time left on a terminal", async () => {
    // `script` gives the program a pseudo-terminal; stdout goes to a file so the bar is on stderr alone
    const out = f("tty-out.txt");
    const cmd = `node dist/cli.js ${[...CU, ...LATTICE, "--steps", "3000", "--thermostat", "nose-hoover"].join(" ")} > ${out}`;
    const r = spawnSync(need("script"), ["-qec", cmd, "/dev/null"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/steps\/s/);
    expect(r.stdout).toMatch(/ETA/);
    expect(readFileSync(out, "utf8")).toContain("# speed:");
  }, 60_000);
});

describe("md --workers (one system over worker threads by domain decomposition)", () => {
  const args = ["md", "--potential", "potentials/Cu_u3.eam", "--lattice", "fcc", "--a", "3.615", "--repeat", "8", "--steps", "60", "--dt", "2", "--temperature", "600", "--seed", "3", "--thermo", "20"];
  const rows = (text: string) => text.split("\n").filter((l) => /^\s+\d+\s/.test(l)).map((l) => l.trim().split(/\s+/).map(Number));
  it("prints the same thermo table as the single engine (to the printed digits)", async () => {
    const one = rows(await cli(...args));
    const two = rows(await cli(...args, "--workers", "2"));
    expect(two.length).toBe(4);
    expect(two.length).toBe(one.length);
    two.forEach((r, k) => r.forEach((v, c) => expect(Math.abs(v - one[k][c])).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(one[k][c])))));
  }, 60_000);
  it("refuses what it cannot do yet", async () => {
    const r = await fails(...args, "--workers", "2", "--barostat", "berendsen");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--workers runs without a barostat or restarts/);
    const t = await fails(...args, "--workers", "2", "--log", "x.csv");
    expect(t.status).toBe(2);
    expect(t.stderr).toMatch(/--workers prints the thermo table only/);
  }, 60_000);
});

describe("md stops on Ctrl-C", () => {
  for (const thermo of [[], ["--thermostat", "langevin"]]) {
    it(`a long run ${thermo.length ? "with a thermostat " : ""}exits with 130 soon after SIGINT and leaves no output files behind`, async () => {
      const out = mkdtempSync(join(tmpdir(), "md-sigint-"));
      try {
        const child = spawn("node", [join(process.cwd(), "dist/cli.js"), ...CU.slice(0, 1), "--potential", join(process.cwd(), "potentials/Cu_u3.eam"), "--lattice", "fcc", "--a", "3.615", "--repeat", "6", "--steps", "10000000", "--thermo", "100", ...thermo, "--log", "l.csv", "--trajectory", "t.xyz"], { cwd: out, stdio: ["ignore", "pipe", "pipe"] });
        let text = "";
        const started = new Promise<void>((resolve) => child.stdout.on("data", (d) => { text += d; if (/\n\s+100\s/.test(text)) resolve(); }));
        const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
        await started;
        child.kill("SIGINT");
        // "Soon": the run stops at the end of the chunk it is in; the 20 s race only catches a run that
        // ignores the signal, whatever the load (no bound on how soon: that depends on the machine).
        const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 20_000));
        const code = await Promise.race([exited, timeout]);
        if (code === "timeout") child.kill("SIGKILL");
        expect(code).toBe(130);
        expect(readdirSync(out)).toEqual([]);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    }, 60_000);
  }
});
