import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { bulk } from "../src/structures/lattice.js";
import { InputError } from "../src/errors.js";
import { formatLammpsData, parseLammpsData } from "../src/io/lammps-data.js";
import { readLammpsDataFile } from "../src/io/lammps-data-file.js";
import { describeWith, lammpsEnv, need } from "./helpers/tools.js";

/** A small sheared Cu/Ni cell with velocities (A/fs), restricted triclinic. */
function sheared(): Atoms {
  const at = bulk("Cu", "fcc", 3.57, [2, 2, 1]);
  const [lx, ly, lz] = [at.cell[0], at.cell[4], at.cell[8]];
  at.cell.set([lx, 0, 0, 0.12 * lx, ly, 0, -0.08 * lx, 0.05 * ly, lz]);
  for (let i = 0; i < at.length; i++) {
    const f = [at.positions[3 * i] / lx, at.positions[3 * i + 1] / ly, at.positions[3 * i + 2] / lz];
    at.positions[3 * i] = f[0] * lx + f[1] * at.cell[3] + f[2] * at.cell[6] + 0.01 * Math.sin(i);
    at.positions[3 * i + 1] = f[1] * ly + f[2] * at.cell[7] - 0.02 * Math.cos(3 * i);
    at.positions[3 * i + 2] = f[2] * lz + 0.013 * Math.sin(7 * i);
    if (i % 3 === 0) {
      at.symbols[i] = "Ni";
      at.masses[i] = 58.6934;
    }
  }
  at.velocities = Float64Array.from({ length: 3 * at.length }, (_, k) => 0.01 * Math.sin(1.7 * k + 0.3));
  return at;
}

/** `write_data` output of LAMMPS 29 Sep 2021 (fcc prism cell, type 2 = Ni, displaced atoms, image flags). */
const LAMMPS_WRITTEN = `LAMMPS data file via write_data, version 29 Sep 2021, timestep = 0

4 atoms
2 atom types

0 3.615 xlo xhi
0 3.615 ylo yhi
0 3.615 zlo zhi
1.0845 0.36150000000000004 -0.7230000000000001 xy xz yz

Masses

1 63.546
2 58.6934

Atoms # atomic

1 1 0.5956501028098398 -0.6512220750202992 3.299585133829193 0 0 -1
2 2 1.4887022750683594 1.9271370739350722 0.0773016267781153 0 0 0
3 1 1.944058425417663 0.3354559946586174 1.862402227380966 0 0 0
4 1 3.4629574442493984 1.5102654996604028 2.1172527923971654 0 0 0

Velocities

1 2.43610865886461 2.366845849325436 -0.9655392302019112
2 -3.3765608238389233 -2.3905583992746333 1.8047797739492029
3 1.3266563533095128 0.21274198427137306 0.4969016612496697
4 -0.644050458025829 -0.371581029832831 -1.1983227618995842
`;

/** Hand-written: shifted box, ids out of order, comments, image flags, symbols in Masses comments. */
const HAND = `hand-written test file # with a comment on line 1

3 atoms   # count
2 atom types
-1.0 9.0 xlo xhi
2.0 12.0 ylo yhi
0.5 10.5 zlo zhi

Masses

1 26.98 # Al
2 55.845   # Fe  iron

Atoms # atomic

3 2 1.0 3.0 5.5 1 0 -1
1 1 -0.5 2.5 1.5
2 1 8.0 11.0 10.0 0 -2 0

Velocities

2 1000.0 -2000.0 0.5
1 0.0 0.0 0.0
3 -10 20 30
`;

function expectSame(a: Atoms, b: Atoms): void {
  expect(b.symbols).toEqual(a.symbols);
  expect(Array.from(b.positions)).toEqual(Array.from(a.positions));
  expect(Array.from(b.cell)).toEqual(Array.from(a.cell));
  expect(Array.from(b.masses)).toEqual(Array.from(a.masses));
  expect(b.pbc).toEqual([true, true, true]);
}

describe("LAMMPS data round trip", () => {
  it("fcc cube, exact numbers, no tilt line", () => {
    const at = bulk("Cu", "fcc", 3.615, 3);
    const text = formatLammpsData(at, { species: ["Cu"], comment: "fcc\nCu" });
    expect(text.split("\n")[0]).toBe("fcc Cu");
    expect(text).not.toMatch(/xy xz yz/);
    expect(text).toMatch(/^1 63\.546 # Cu$/m);
    expect(text).toMatch(/^Atoms # atomic$/m);
    expect(text).not.toMatch(/Velocities/);
    const back = parseLammpsData(text, { fileName: "x.data" });
    expectSame(at, back);
    expect(back.velocities).toBeNull();
    expect(back.arrays.charges).toBeUndefined();
  });

  it("sheared two-species cell with velocities", () => {
    const at = sheared();
    const text = formatLammpsData(at, { species: ["Cu", "Ni"] });
    expect(text).toMatch(/^\S+ \S+ \S+ xy xz yz$/m);
    expect(text).toMatch(/^2 58\.6934 # Ni$/m);
    const back = parseLammpsData(text, {});
    expectSame(at, back);
    expect(back.velocities).not.toBeNull();
    for (let k = 0; k < at.velocities!.length; k++) expect(back.velocities![k]).toBeCloseTo(at.velocities![k], 15);
    // species argument overrides the Masses comments
    expect(parseLammpsData(text, { species: ["Ag", "Au"] }).symbols.slice(0, 2)).toEqual(["Au", "Ag"]);
  });

  it("charge style round trip", () => {
    const at = bulk("Cu", "fcc", 3.6, 1);
    at.arrays.charges = { kind: "R", ncols: 1, data: Float64Array.from([0.5, -0.25, 0.125, -0.375]) };
    const text = formatLammpsData(at, { species: ["Cu"] });
    expect(text).toMatch(/^Atoms # charge$/m);
    expect(text).toMatch(/^2 1 -0\.25 0 1\.8 1\.8$/m);
    const back = parseLammpsData(text, {});
    expectSame(at, back);
    expect(Array.from(back.arrays.charges.data as Float64Array)).toEqual([0.5, -0.25, 0.125, -0.375]);
  });

  it("rejects cells that are not restricted triclinic", () => {
    const at = bulk("Cu", "fcc", 3.6, 1);
    at.cell[1] = 0.3; // a not along x
    expect(() => formatLammpsData(at, { species: ["Cu"] })).toThrow(/restricted-triclinic/);
    const at2 = bulk("Cu", "fcc", 3.6, 1);
    at2.cell[5] = 0.2; // b not in the xy plane
    expect(() => formatLammpsData(at2, { species: ["Cu"] })).toThrow(InputError);
    const at3 = bulk("Cu", "fcc", 3.6, 1);
    at3.cell[8] = -3.6; // left-handed
    expect(() => formatLammpsData(at3, { species: ["Cu"] })).toThrow(/restricted-triclinic/);
  });

  it("writer validates species and per-type masses", () => {
    const at = bulk("Cu", "fcc", 3.6, 1);
    expect(() => formatLammpsData(at, { species: ["Ni"] })).toThrow(/not in species/);
    at.masses[2] = 65;
    expect(() => formatLammpsData(at, { species: ["Cu"] })).toThrow(/different masses/);
  });
});

describe("parseLammpsData", () => {
  it("reads a LAMMPS write_data file (tilt, image flags, A/ps velocities, species from masses)", () => {
    const at = parseLammpsData(LAMMPS_WRITTEN, {});
    expect(at.length).toBe(4);
    expect(at.symbols).toEqual(["Cu", "Ni", "Cu", "Cu"]);
    expect(Array.from(at.masses)).toEqual([63.546, 58.6934, 63.546, 63.546]);
    expect(Array.from(at.cell)).toEqual([3.615, 0, 0, 1.0845, 3.615, 0, 0.36150000000000004, -0.7230000000000001, 3.615]);
    // atom 1 has image flag iz = -1: subtract c
    expect(at.positions[0]).toBeCloseTo(0.5956501028098398 - 0.36150000000000004, 14);
    expect(at.positions[1]).toBeCloseTo(-0.6512220750202992 + 0.7230000000000001, 14);
    expect(at.positions[2]).toBeCloseTo(3.299585133829193 - 3.615, 14);
    expect(at.positions[3]).toBe(1.4887022750683594);
    expect(at.velocities![0]).toBeCloseTo(2.43610865886461e-3, 17);
    expect(at.velocities![11]).toBeCloseTo(-1.1983227618995842e-3, 17);
  });

  it("reads a hand-written file: shifted origin, id order, comments", () => {
    const at = parseLammpsData(HAND, { fileName: "hand.data" });
    expect(at.symbols).toEqual(["Al", "Al", "Fe"]);
    expect(Array.from(at.masses)).toEqual([26.98, 26.98, 55.845]);
    expect(Array.from(at.cell)).toEqual([10, 0, 0, 0, 10, 0, 0, 0, 10]);
    expect(at.pbc).toEqual([true, true, true]);
    const p = Array.from(at.positions);
    // id 1: (-0.5, 2.5, 1.5) - (-1, 2, 0.5)
    expect(p.slice(0, 3)).toEqual([0.5, 0.5, 1]);
    // id 2: (8, 11, 10) - lo, iy = -2
    expect(p.slice(3, 6)).toEqual([9, 9 - 20, 9.5]);
    // id 3: (1, 3, 5.5) - lo, ix = 1, iz = -1
    expect(p.slice(6, 9)).toEqual([12, 1, -5]);
    expect(Array.from(at.velocities!)).toEqual([0, 0, 0, 1, -2, 0.0005, -0.01, 0.02, 0.03]);
    // explicit species win over comments
    expect(parseLammpsData(HAND, { species: ["Ni", "Cu"] }).symbols).toEqual(["Ni", "Ni", "Cu"]);
  });

  it("reads charge style and files without Masses when species are given", () => {
    const text = `charge\n\n2 atoms\n1 atom types\n0 4 xlo xhi\n0 4 ylo yhi\n0 4 zlo zhi\n\nAtoms # charge\n\n2 1 -0.7 1 1 1\n1 1 0.7 0 0 0\n`;
    const at = parseLammpsData(text, { species: ["Cu"] });
    expect(at.symbols).toEqual(["Cu", "Cu"]);
    expect(at.masses[0]).toBeCloseTo(63.546, 3);
    expect(Array.from(at.arrays.charges.data as Float64Array)).toEqual([0.7, -0.7]);
    expect(() => parseLammpsData(text, {})).toThrow(/pass species/);
  });

  it("reads a file from disk", () => {
    const dir = mkdtempSync(join(tmpdir(), "lmpdata-"));
    try {
      const f = join(dir, "a.data");
      writeFileSync(f, LAMMPS_WRITTEN);
      expect(readLammpsDataFile(f).length).toBe(4);
      expect(readLammpsDataFile(f, ["Ag", "Au"]).symbols[1]).toBe("Au");
      expect(() => readLammpsDataFile(join(dir, "missing.data"))).toThrow(InputError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("errors name file and line", () => {
    const err = (text: string, opts = {}): InputError => {
      try {
        parseLammpsData(text, { fileName: "bad.data", ...opts });
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        return e as InputError;
      }
      throw new Error("expected an InputError");
    };

    it("missing header counts", () => {
      const e = err(HAND.replace("3 atoms   # count\n", ""));
      expect(e.message).toMatch(/N atoms/);
      expect(e.file).toBe("bad.data");
      expect(e.line).toBe(8); // the Masses line
      expect(err(HAND.replace("2 atom types\n", "")).message).toMatch(/N atom types/);
    });

    it("atom count mismatch", () => {
      const fewer = err(HAND.replace("3 atoms", "4 atoms"));
      expect(fewer.message).toMatch(/Atoms section has 3 lines, expected 4/);
      expect(fewer.line).toBe(20); // Velocities keyword
      const more = err(HAND.replace("3 atoms", "2 atoms"));
      expect(more.message).toMatch(/more than the 2/);
      expect(more.line).toBe(18);
    });

    it("unknown type", () => {
      const e = err(HAND.replace("2 1 8.0 11.0", "2 3 8.0 11.0"));
      expect(e.message).toMatch(/unknown atom type 3/);
      expect(e.line).toBe(18);
    });

    it("bad number", () => {
      const e = err(HAND.replace("-0.5 2.5 1.5", "-0.5 2.5x 1.5"));
      expect(e.message).toMatch(/bad number '2\.5x'/);
      expect(e.line).toBe(17);
      expect(err(HAND.replace("-1.0 9.0 xlo", "-1.0 nan xlo")).line).toBe(5);
    });

    it("unmatched mass asks for species", () => {
      const e = err(HAND.replace("26.98 # Al", "30.5"));
      expect(e.message).toMatch(/type 1.*pass species/);
    });

    it("other problems", () => {
      expect(err(HAND, { species: ["Al"] }).message).toMatch(/2 atom types/);
      expect(err(HAND.replace("Atoms # atomic", "Atoms # full")).message).toMatch(/not supported/);
      expect(err(HAND.replace("3 2 1.0 3.0 5.5 1 0 -1", "1 2 1.0 3.0 5.5")).message).toMatch(/duplicate atom id 1/);
      expect(err(HAND.replace("3 -10 20 30", "7 -10 20 30")).message).toMatch(/atom id 7/);
      expect(err(HAND.replace("1 -0.5 2.5 1.5", "1 -0.5 2.5 1.5 0")).message).toMatch(/columns/);
    });
  });
});

describeWith("lmp", "with LAMMPS", () => {
  it("LAMMPS reads what we write and writes back the same structure", () => {
    const at = sheared();
    const dir = mkdtempSync(join(tmpdir(), "lmpdata-"));
    try {
      writeFileSync(join(dir, "in.data"), formatLammpsData(at, { species: ["Cu", "Ni"] }));
      writeFileSync(
        join(dir, "in.lmp"),
        "units metal\natom_style atomic\nboundary p p p\nread_data in.data\nwrite_data out.data\n",
      );
      const r = spawnSync(need("lmp"), ["-in", "in.lmp", "-screen", "none", "-log", "log.lammps"], {
        cwd: dir,
        env: lammpsEnv(dir),
        timeout: 60_000,
      });
      expect(r.status, readFileSync(join(dir, "log.lammps"), "utf8")).toBe(0);
      const back = readLammpsDataFile(join(dir, "out.data"));
      expect(back.symbols).toEqual(at.symbols);
      expect(Array.from(back.cell)).toEqual(Array.from(at.cell));
      expect(Array.from(back.masses)).toEqual(Array.from(at.masses));
      for (let k = 0; k < 3 * at.length; k++) {
        expect(back.positions[k]).toBeCloseTo(at.positions[k], 12);
        expect(back.velocities![k]).toBeCloseTo(at.velocities![k], 15);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
