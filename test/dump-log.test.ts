// LAMMPS dump custom and thermo CSV writers: parse back, box conventions (orthogonal, triclinic,
// rotated and open cells), units, and LAMMPS itself re-reading a dump (rerun) to the same energies.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { formatLammpsDump, parseLammpsDump } from "../src/io/lammps-dump.js";
import { formatThermoHeader, formatThermoRow, parseThermoCsv, thermoColumns } from "../src/io/thermo-log.js";
import { formatLammpsData } from "../src/io/lammps-data.js";
import { parseExtxyz } from "../src/io/extxyz.js";
import { bulk } from "../src/structures/lattice.js";
import type { DynamicsThermo } from "../src/dynamics/driver.js";
import { InputError } from "../src/errors.js";
import { describeWith, lammpsEnv, need } from "./helpers/tools.js";
import { cliIn } from "./helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "dump-log-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = cliIn; // in this process, from the checkout (test/helpers/cli.ts)

/** A small two-species structure with velocities, forces and charges. */
function sample(cell: number[], pbc: [boolean, boolean, boolean]): { atoms: Atoms; forces: Float64Array; charges: Float64Array } {
  const atoms = new Atoms({
    symbols: ["Na", "Cl", "Na", "Cl"],
    positions: [0.1, 0.2, 0.3, 1.5, 1.25, 0.75, 2.5, 0.5, 1.75, 0.25, 2.0, 2.5],
    cell,
    pbc,
    velocities: [0.001, -0.002, 0.003, 0.0045, 0, -0.001, 1e-5, 2e-5, -3e-5, 0.01, 0.02, 0.03],
  });
  const forces = Float64Array.from({ length: 12 }, (_, k) => Math.sin(k + 1));
  const charges = Float64Array.of(0.8, -0.8, 0.75, -0.75);
  return { atoms, forces, charges };
}

function col(f: ReturnType<typeof parseLammpsDump>[number], names: string[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < f.values.id.length; i++) for (const c of names) out.push(f.values[c][i] as number);
  return out;
}

describe("LAMMPS dump custom", () => {
  it("orthogonal cell: header, ids, types, elements, exact numbers, velocities in A/ps, charges", async () => {
    const { atoms, forces, charges } = sample([3, 0, 0, 0, 3.5, 0, 0, 0, 4], [true, true, true]);
    const text = formatLammpsDump({ step: 42, atoms, forces, charges, species: ["Cl", "Na"] });
    const lines = text.split("\n");
    expect(lines.slice(0, 9)).toEqual(["ITEM: TIMESTEP", "42", "ITEM: NUMBER OF ATOMS", "4", "ITEM: BOX BOUNDS pp pp pp", "0 3", "0 3.5", "0 4", "ITEM: ATOMS id type element x y z vx vy vz fx fy fz q"]);
    const [f] = parseLammpsDump(text + formatLammpsDump({ step: 43, atoms, forces, charges: null, species: ["Cl", "Na"] }), "x.dump").slice(0, 1);
    expect(f.step).toBe(42);
    expect(f.values.id).toEqual([1, 2, 3, 4]);
    expect(f.values.type).toEqual([2, 1, 2, 1]);
    expect(f.values.element).toEqual(["Na", "Cl", "Na", "Cl"]);
    expect(col(f, ["x", "y", "z"])).toEqual(Array.from(atoms.positions));
    expect(col(f, ["fx", "fy", "fz"])).toEqual(Array.from(forces));
    expect(f.values.q).toEqual(Array.from(charges));
    const v = col(f, ["vx", "vy", "vz"]);
    v.forEach((x, k) => expect(x).toBeCloseTo(atoms.velocities![k] * 1000, 12));
    expect(parseLammpsDump(text + text)).toHaveLength(2);
  }, 60_000);

  it("triclinic cell: 'xy xz yz' header and LAMMPS' bounding-box bounds", async () => {
    const [xy, xz, yz] = [0.7, -0.4, 0.3];
    const { atoms, forces } = sample([3, 0, 0, xy, 3.5, 0, xz, yz, 4], [true, true, false]);
    const f = parseLammpsDump(formatLammpsDump({ step: 0, atoms, forces }))[0];
    expect(f.flags).toEqual(["pp", "pp", "ff"]);
    expect(f.tilt).toEqual([xy, xz, yz]);
    // xlo_bound = xlo + min(0, xy, xz, xy + xz), xhi_bound = xhi + max(0, xy, xz, xy + xz), ...
    expect(f.bounds[0][0]).toBeCloseTo(-0.4, 14);
    expect(f.bounds[0][1]).toBeCloseTo(3 + 0.7, 14);
    expect(f.bounds[1]).toEqual([0, 3.8]);
    expect(f.bounds[2]).toEqual([0, 4]);
  }, 60_000);

  it("a rotated cell is written in LAMMPS' frame: same box, positions, velocities and forces as unrotated", async () => {
    const { atoms, forces } = sample([3, 0, 0, 0.7, 3.5, 0, -0.4, 0.3, 4], [true, true, true]);
    const ref = parseLammpsDump(formatLammpsDump({ step: 0, atoms, forces }))[0];
    // rotate everything by 30 degrees about (1, 1, 1)/sqrt(3)
    const c = Math.cos(Math.PI / 6), s = Math.sin(Math.PI / 6), u = 1 / Math.sqrt(3);
    const R = [0, 1, 2].map((i) => [0, 1, 2].map((j) => (i === j ? c : 0) + (1 - c) * u * u + s * (i === j ? 0 : ((j - i + 3) % 3 === 1 ? -u : u))));
    const rot = (a: ArrayLike<number>) => Float64Array.from({ length: a.length }, (_, k) => {
      const i = Math.floor(k / 3) * 3, r = R[k % 3];
      return r[0] * a[i] + r[1] * a[i + 1] + r[2] * a[i + 2];
    });
    const turned = new Atoms({ ...atoms, symbols: atoms.symbols, cell: rot(atoms.cell), positions: rot(atoms.positions), velocities: rot(atoms.velocities!) });
    const got = parseLammpsDump(formatLammpsDump({ step: 0, atoms: turned, forces: rot(forces) }))[0];
    for (let k = 0; k < 3; k++) {
      expect(got.tilt![k]).toBeCloseTo(ref.tilt![k], 12);
      expect(got.bounds[k][0]).toBeCloseTo(ref.bounds[k][0], 12);
      expect(got.bounds[k][1]).toBeCloseTo(ref.bounds[k][1], 12);
    }
    for (const cols of [["x", "y", "z"], ["vx", "vy", "vz"], ["fx", "fy", "fz"]]) {
      const a = col(got, cols), b = col(ref, cols);
      a.forEach((x, k) => expect(x).toBeCloseTo(b[k], 11));
    }
  }, 60_000);

  it("a cluster gets shrink-wrapped bounds (ss) from the atoms; a left-handed cell is refused", async () => {
    const { atoms, forces } = sample([0, 0, 0, 0, 0, 0, 0, 0, 0], [false, false, false]);
    const f = parseLammpsDump(formatLammpsDump({ step: 0, atoms, forces }))[0];
    expect(f.flags).toEqual(["ss", "ss", "ss"]);
    expect(f.bounds).toEqual([[0.1, 2.5], [0.2, 2.0], [0.3, 2.5]]);
    const left = sample([3, 0, 0, 0, 3, 0, 0, 0, -3], [true, true, true]);
    expect(() => formatLammpsDump({ step: 0, atoms: left.atoms })).toThrow(/left-handed/);
    expect(() => parseLammpsDump("ITEM: TIMESTEP\n1\nITEM: NUMBER\n", "bad.dump")).toThrow(/bad\.dump:3: expected 'ITEM: NUMBER OF ATOMS'/);
  }, 60_000);
});

const row = (over: Partial<DynamicsThermo> = {}): DynamicsThermo => ({
  step: 10, time: 5, temperature: 301.5, potential: -10.25, kinetic: 0.125, total: -10.125, pressure: null, volume: null,
  omega: -10.5, conserved: -10.375, totalCharge: 1e-17, chargeMin: -0.8, chargeMax: 0.8, solverIterations: 3, ...over,
});

describe("thermo CSV", () => {
  it("columns by content, empty fields for missing values, exact numbers, parse back", async () => {
    expect(thermoColumns({ periodic: true, ect: false, charges: false })).toEqual(
      ["step", "time_fs", "temperature_K", "potential_eV", "kinetic_eV", "total_eV", "pressure_bar", "volume_A3", "conserved_eV"]);
    const cols = thermoColumns({ periodic: false, ect: true, charges: true });
    expect(formatThermoHeader(cols)).toBe("step,time_fs,temperature_K,potential_eV,kinetic_eV,total_eV,pressure_bar,omega_eV,conserved_eV,total_charge_e,charge_min_e,charge_max_e,solver_iterations");
    const text = [formatThermoHeader(cols), formatThermoRow(cols, row()), formatThermoRow(cols, row({ step: 20, conserved: null }))].join("\n") + "\n";
    expect(text.split("\n")[1]).toBe("10,5,301.5,-10.25,0.125,-10.125,,-10.5,-10.375,1e-17,-0.8,0.8,3");
    const log = parseThermoCsv(text, "t.csv");
    expect(log.columns).toEqual(cols);
    expect(log.rows[0]).toEqual([10, 5, 301.5, -10.25, 0.125, -10.125, null, -10.5, -10.375, 1e-17, -0.8, 0.8, 3]);
    expect(log.rows[1][8]).toBeNull();
    expect(() => parseThermoCsv("1,2\n3,4\n", "u.csv")).toThrow(/u\.csv:1: the first line must name the columns/);
    expect(() => parseThermoCsv("a,b\n3\n", "v.csv")).toThrow(/v\.csv:2: 1 fields, expected 2/);
    expect(() => parseThermoCsv("a,b\n3,x\n", "w.csv")).toThrow(InputError);
  }, 60_000);
});

describe("md writes logs, dumps and trajectories", () => {
  it("EAM NVE (wasm path) and Langevin (generic driver): CSV rows per thermo line, dump frames per interval", async () => {
    for (const extra of [[], ["--thermostat", "langevin", "--tdamp", "50"]]) {
      const log = join(dir, "cu.csv"), dump = join(dir, "cu.dump");
      await cli("md", "--potential", "potentials/Cu_u3.eam", "--lattice", "fcc", "--a", "3.615", "--repeat", "2", "--steps", "40", "--dt", "2",
        "--thermo", "10", "--log", log, "--dump", dump, "--dump-every", "20", ...extra);
      const l = parseThermoCsv(readFileSync(log, "utf8"));
      expect(l.rows.map((r) => r[0])).toEqual([0, 10, 20, 30, 40]);
      expect(l.columns).toContain("volume_A3");
      for (const r of l.rows) {
        const [, time, , pe, ke, tot, p] = r as number[];
        expect(time).toBe(r[0]! * 2);
        expect(Math.abs(pe + ke - tot)).toBeLessThan(1e-12);
        expect(Number.isFinite(p)).toBe(true);
      }
      const frames = parseLammpsDump(readFileSync(dump, "utf8"));
      expect(frames.map((f) => f.step)).toEqual([0, 20, 40]);
      expect(frames[0].values.id).toHaveLength(32);
    }
  }, 60_000);

  it("ECT-EAM cluster: omega, charges and solver iterations in the log, empty pressure; charges in dump and trajectory", async () => {
    const input = join(dir, "nacl.xyz"), log = join(dir, "nacl.csv"), dump = join(dir, "nacl.dump"), traj = join(dir, "nacl.xyz.out");
    writeFileSync(input, '2\npbc="F F F"\nNa 0 0 0\nCl 0 0 2.4\n');
    await cli("md", "--model", "models/ect-starter.json", "--input", input, "--steps", "20", "--dt", "0.5", "--thermo", "5",
      "--log", log, "--dump", dump, "--dump-every", "10", "--trajectory", traj, "--every", "10");
    const l = parseThermoCsv(readFileSync(log, "utf8"));
    const at = (name: string) => l.columns.indexOf(name);
    expect(l.rows).toHaveLength(5);
    for (const r of l.rows) {
      expect(r[at("pressure_bar")]).toBeNull();
      expect(r[at("omega_eV")]).toBeLessThanOrEqual(r[at("potential_eV")]!); // Omega = E - kT S, S >= 0
      expect(Math.abs(r[at("total_charge_e")]!)).toBeLessThan(1e-9);
      expect(r[at("charge_max_e")]).toBeGreaterThan(0.5);
      expect(r[at("solver_iterations")]).toBeGreaterThan(0);
    }
    const cons = l.rows.map((r) => r[at("conserved_eV")]!);
    expect(Math.max(...cons) - Math.min(...cons)).toBeLessThan(1e-3);
    const frames = parseLammpsDump(readFileSync(dump, "utf8"));
    expect(frames[0].flags).toEqual(["ss", "ss", "ss"]);
    expect((frames[1].values.q[0] as number) + (frames[1].values.q[1] as number)).toBeCloseTo(0, 9);
    const xyz = parseExtxyz(readFileSync(traj, "utf8"));
    expect(xyz).toHaveLength(3);
    expect(xyz[2].arrays.charges).toBeDefined();
    expect(xyz[2].arrays.forces).toBeDefined();
    expect(xyz[2].info.step).toBe(20);
  }, 60_000);
});

describeWith("lmp", "LAMMPS reads our dumps", () => {
  it("rerun of a Langevin dump gives our potential energies to 1e-8 eV/atom", async () => {
    const log = join(dir, "rerun.csv"), dump = join(dir, "rerun.dump");
    await cli("md", "--potential", "potentials/Cu_u3.eam", "--lattice", "fcc", "--a", "3.615", "--repeat", "3", "--steps", "200", "--dt", "2",
      "--temperature", "900", "--thermostat", "langevin", "--thermo", "50", "--log", log, "--dump", dump, "--dump-every", "50");
    const atoms = bulk("Cu", "fcc", 3.615, 3);
    writeFileSync(join(dir, "cu.data"), formatLammpsData(atoms, { species: ["Cu"] }));
    copyFileSync("potentials/Cu_u3.eam", join(dir, "Cu_u3.eam"));
    writeFileSync(join(dir, "in.rerun"), [
      "units metal", "atom_style atomic", "boundary p p p", "read_data cu.data", "pair_style eam", "pair_coeff 1 1 Cu_u3.eam",
      "thermo_style custom step pe", "thermo_modify format float %.17g", "thermo 1",
      "rerun rerun.dump dump x y z vx vy vz box yes", "",
    ].join("\n"));
    const r = spawnSync(need("lmp"), ["-in", "in.rerun", "-log", "rerun.log", "-screen", "none"], { cwd: dir, env: lammpsEnv(dir), encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const lines = readFileSync(join(dir, "rerun.log"), "utf8").split("\n");
    const pe = new Map<number, number>();
    let inTable = false;
    for (const line of lines) {
      const t = line.trim().split(/\s+/);
      if (t[0] === "Step" && t[1] === "PotEng") inTable = true;
      else if (inTable && t.length === 2 && /^\d+$/.test(t[0])) pe.set(Number(t[0]), Number(t[1]));
      else if (inTable && t[0] === "Loop") inTable = false;
    }
    const ours = parseThermoCsv(readFileSync(log, "utf8"));
    expect([...pe.keys()]).toEqual([0, 50, 100, 150, 200]);
    for (const row of ours.rows) {
      const diff = Math.abs(pe.get(row[0]!)! - row[3]!) / atoms.length;
      expect(diff, `step ${row[0]}`).toBeLessThan(1e-8);
    }
  }, 60_000);
});
