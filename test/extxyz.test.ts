import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { ASE_FS, formatExtxyz, parseExtxyz } from "../src/io/extxyz.js";
import { readExtxyzFile, writeExtxyzFile } from "../src/io/extxyz-file.js";
import { inputError } from "./helpers/compare.js";

const REF_DIR = fileURLToPath(new URL("./fixtures/ref/", import.meta.url));
const REF_FILES = readdirSync(REF_DIR)
  .filter((f) => f.endsWith(".extxyz"))
  .sort();

/** Element-wise Object.is equality (exact doubles, NaN == NaN, -0 != 0). */
function expectExact(actual: ArrayLike<number> | null, expected: ArrayLike<number> | null, what: string): void {
  if (expected === null || actual === null) {
    expect(actual, what).toBe(expected);
    return;
  }
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      throw new Error(`${what}[${i}]: ${actual[i]} !== ${expected[i]}`);
    }
  }
}

function expectSameAtoms(b: Atoms, a: Atoms): void {
  expect(b.symbols).toEqual(a.symbols);
  expectExact(b.positions, a.positions, "positions");
  expectExact(b.cell, a.cell, "cell");
  expect(b.pbc).toEqual(a.pbc);
  expectExact(b.masses, a.masses, "masses");
  expectExact(b.velocities, a.velocities, "velocities");
  expect(Object.keys(b.info)).toEqual(Object.keys(a.info));
  for (const [k, v] of Object.entries(a.info)) {
    if (typeof v === "number") expectExact([b.info[k] as number], [v], `info.${k}`);
    else if (Array.isArray(v) && v.every((x) => typeof x === "number")) expectExact(b.info[k] as number[], v as number[], `info.${k}`);
    else expect(b.info[k], `info.${k}`).toEqual(v);
  }
  expect(Object.keys(b.arrays)).toEqual(Object.keys(a.arrays));
  for (const [k, col] of Object.entries(a.arrays)) {
    const got = b.arrays[k];
    expect(got.kind, k).toBe(col.kind);
    expect(got.ncols, k).toBe(col.ncols);
    expect(got.data.constructor, k).toBe(col.data.constructor);
    if (col.kind === "R" || col.kind === "I") expectExact(got.data as ArrayLike<number>, col.data, `arrays.${k}`);
    else expect(Array.from(got.data as unknown[])).toEqual(Array.from(col.data as unknown[]));
  }
}

describe("LAMMPS reference fixtures", () => {
  it("has the 13 shared files", () => {
    expect(REF_FILES.length).toBe(13);
  });

  for (const name of REF_FILES) {
    it(`reads ${name} exactly and round-trips it`, () => {
      const path = join(REF_DIR, name);
      const text = readFileSync(path, "utf8");
      const lines = text.split("\n");
      const n = Number(lines[0]);
      const frames = readExtxyzFile(path);
      expect(frames.length).toBe(1);
      const at = frames[0];
      expect(at.length).toBe(n);

      // Cell straight from the Lattice string, rows a, b, c.
      const lattice = /Lattice="([^"]*)"/.exec(lines[1])![1].split(" ").map(Number);
      expectExact(at.cell, lattice, "cell");
      const pbc = /pbc="([TF ]*)"/.exec(lines[1])![1].split(" ").map((x) => x === "T");
      expect(at.pbc).toEqual(pbc);
      if (name.includes("cluster")) expect(at.pbc).toEqual([false, false, false]);
      else if (name.includes("slab")) expect(at.pbc).toEqual([true, true, false]);
      else expect(at.pbc).toEqual([true, true, true]);

      // Every row, parsed independently.
      const forces = at.arrays.forces;
      const energies = at.arrays.energies;
      expect(forces.kind).toBe("R");
      expect(forces.ncols).toBe(3);
      expect(energies.kind).toBe("R");
      expect(energies.ncols).toBe(1);
      for (let a = 0; a < n; a++) {
        const t = lines[2 + a].trim().split(/\s+/);
        expect(at.symbols[a]).toBe(t[0]);
        expectExact(at.positions.subarray(3 * a, 3 * a + 3), t.slice(1, 4).map(Number), `pos ${a}`);
        expectExact((forces.data as Float64Array).subarray(3 * a, 3 * a + 3), t.slice(4, 7).map(Number), `f ${a}`);
        expect(Object.is(energies.data[a], Number(t[7]))).toBe(true);
      }
      expect(at.velocities).toBeNull();
      expect(at.masses[0]).toBe({ Cu: 63.546, Ni: 58.6934, Fe: 55.845, Al: 26.9815385 }[at.symbols[0]]);

      // Header info.
      expect(at.info.energy).toBe(Number(/ energy=(\S+)/.exec(lines[1])![1]));
      const virial = /virial="([^"]*)"/.exec(lines[1])![1].split(" ").map(Number);
      expectExact(at.info.virial as number[], virial, "virial");
      if (name.includes("cluster")) {
        expect(at.info.stress).toBeUndefined();
      } else {
        const stress = /stress="([^"]*)"/.exec(lines[1])![1].split(" ").map(Number);
        expectExact(at.info.stress as number[], stress, "stress");
      }
      expect(typeof at.info.potential).toBe("string");
      expect(at.info.config_name).toBe(name.replace(".extxyz", ""));
      expect(Object.keys(at.arrays)).toEqual(["forces", "energies"]);
      // The sum of per-atom energies is the total (README: within 1e-11 eV).
      let e = 0;
      for (let a = 0; a < n; a++) e += energies.data[a] as number;
      expect(Math.abs(e - (at.info.energy as number))).toBeLessThan(1e-9);

      // Round trip: format -> parse gives identical doubles everywhere.
      const out = formatExtxyz(at);
      const back = parseExtxyz(out, "roundtrip.extxyz");
      expect(back.length).toBe(1);
      expectSameAtoms(back[0], at);
      // The header keeps ASE's order: Lattice, Properties, info..., pbc.
      const head = out.split("\n")[1];
      expect(head.startsWith('Lattice="')).toBe(true);
      expect(head).toContain(" Properties=species:S:1:pos:R:3:forces:R:3:energies:R:1 energy=");
      expect(head.endsWith(`pbc="${pbc.map((x) => (x ? "T" : "F")).join(" ")}"`)).toBe(true);
    });
  }

  it("a few known values", () => {
    const [cu] = readExtxyzFile(join(REF_DIR, "cu_u3_triclinic_3x3x3.extxyz"));
    expect(cu.cell[3]).toBe(1.0845);
    expect(cu.cell[7]).toBe(-0.7591500000000001);
    expect(cu.positions[0]).toBe(1.1482018281649362);
    expect(cu.info.energy).toBe(-373.1696159456792);
    expect(cu.info.pair_style).toBe("eam");
    const [fe] = readExtxyzFile(join(REF_DIR, "fe_mm_perfect_3x3x3.extxyz"));
    expect(fe.info.potential).toBe("Fe_mm.eam.fs");
    expect(fe.info.pair_style).toBe("eam/fs");
    expect(fe.arrays.energies.data[0]).toBe(-4.1224343487386612);
  });

  it("multi-frame: reads concatenated files and round-trips all frames", () => {
    const texts = REF_FILES.slice(0, 4).map((f) => readFileSync(join(REF_DIR, f), "utf8"));
    const frames = parseExtxyz(texts.join("\n") + "\n\n\n", "multi.extxyz"); // blank lines between and after
    expect(frames.length).toBe(4);
    const single = texts.map((t) => parseExtxyz(t)[0]);
    frames.forEach((f, k) => expectSameAtoms(f, single[k]));
    const back = parseExtxyz(formatExtxyz(frames));
    expect(back.length).toBe(4);
    back.forEach((f, k) => expectSameAtoms(f, frames[k]));
  });

  it("writes and reads files", () => {
    const dir = mkdtempSync(join(tmpdir(), "extxyz-"));
    try {
      const frames = readExtxyzFile(join(REF_DIR, "cuni_slab001.extxyz"));
      const p = join(dir, "out.extxyz");
      writeExtxyzFile(p, [frames[0], frames[0]]);
      const back = readExtxyzFile(p);
      expect(back.length).toBe(2);
      expectSameAtoms(back[1], frames[0]);
      const e = inputError(() => readExtxyzFile(join(dir, "missing.extxyz")));
      expect(e.file).toBe(join(dir, "missing.extxyz"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("header parsing (ASE key_val_str_to_dict rules)", () => {
  it("quoted values, bare booleans, numbers, arrays, escapes", () => {
    const text = [
      "2",
      `Lattice="4 0 0 0 4 0 0 0 4" Properties=species:S:1:pos:R:3 comment="hello  world" name='single q' ` +
        `tags={a b} box=[1 2 3] flag have_energy=T off=F cutoff=3.4 n=7 ints="1 2 3" commas=1,2,3 ` +
        `bools="T F T" esc="say \\"hi\\"" spaced = 12 words=plain time=1e-3 big=-2.5E+10 nan=nan`,
      "cu 0 0 0",
      "NI 1.8 1.8 0",
    ].join("\n");
    const [a] = parseExtxyz(text);
    expect(a.symbols).toEqual(["Cu", "Ni"]); // capitalised as ASE does
    expect(a.pbc).toEqual([true, true, true]); // Lattice without pbc => periodic
    expect(a.info).toEqual({
      comment: "hello  world",
      name: "single q",
      tags: "a b",
      box: [1, 2, 3],
      flag: true,
      have_energy: true,
      off: false,
      cutoff: 3.4,
      n: 7,
      ints: [1, 2, 3],
      commas: [1, 2, 3],
      bools: [true, false, true],
      esc: 'say "hi"',
      spaced: 12,
      words: "plain",
      time: 1e-3,
      big: -2.5e10,
      nan: NaN,
    });
  });

  it("defaults: no Properties => species/pos, no Lattice => zero cell, F F F", () => {
    const [a] = parseExtxyz("1\n\nAl 1 2 3\n");
    expect(a.symbols).toEqual(["Al"]);
    expectExact(a.positions, [1, 2, 3], "pos");
    expectExact(a.cell, new Float64Array(9), "cell");
    expect(a.pbc).toEqual([false, false, false]);
    expect(a.info).toEqual({});
    // plain xyz comment: words become true flags, as in ASE
    const [b] = parseExtxyz("1\nCubic cell\nAl 1 2 3");
    expect(b.info).toEqual({ Cubic: true, cell: true });
    // pbc=T alone means all three
    const [c] = parseExtxyz('1\nLattice="3 0 0 0 3 0 0 0 3" pbc=F\nAl 0 0 0');
    expect(c.pbc).toEqual([false, false, false]);
    const [d] = parseExtxyz('1\npbc="T F T"\nAl 0 0 0');
    expect(d.pbc).toEqual([true, false, true]);
  });

  it("typed columns, masses, velo, Z, and ASE momenta", () => {
    const text = [
      "2",
      'Properties=species:S:1:pos:R:3:masses:R:1:velo:R:3:charges:R:1:tag:I:1:fixed:L:3:label:S:1 pbc="F F F"',
      "Cu 0 0 0 65 0.01 -0.02 0.03 0.5 3 T F T a1",
      "Ni 1 1 1 60 0 0 1e-3 -0.5 -7 F F F b2",
    ].join("\n");
    const [a] = parseExtxyz(text);
    expectExact(a.masses, [65, 60], "masses");
    expectExact(a.velocities, [0.01, -0.02, 0.03, 0, 0, 1e-3], "velo");
    expect(Object.keys(a.arrays)).toEqual(["charges", "tag", "fixed", "label"]);
    expect(a.arrays.tag).toEqual({ kind: "I", ncols: 1, data: Int32Array.from([3, -7]) });
    expect(a.arrays.fixed).toEqual({ kind: "L", ncols: 3, data: [true, false, true, false, false, false] });
    expect(a.arrays.label).toEqual({ kind: "S", ncols: 1, data: ["a1", "b2"] });
    // written with velo on request (exact), and by default as ASE's momenta (to ~1 ulp)
    const out = formatExtxyz(a, { velocityColumn: "velo" });
    expect(out.split("\n")[1]).toBe(
      "Properties=species:S:1:pos:R:3:velo:R:3:masses:R:1:charges:R:1:tag:I:1:fixed:L:3:label:S:1 pbc=\"F F F\"",
    );
    expectSameAtoms(parseExtxyz(out)[0], a);
    const ase = formatExtxyz(a);
    expect(ase.split("\n")[1]).toMatch(/^Properties=species:S:1:pos:R:3:momenta:R:3:masses:R:1:/);
    const back = parseExtxyz(ase)[0].velocities!;
    for (let k = 0; k < 6; k++) expect(Math.abs(back[k] - a.velocities![k])).toBeLessThanOrEqual(1e-15 * Math.abs(a.velocities![k]) + 1e-300);

    // Z instead of species
    const [z] = parseExtxyz("2\nProperties=Z:I:1:pos:R:3\n29 0 0 0\n26 1 1 1");
    expect(z.symbols).toEqual(["Cu", "Fe"]);

    // ASE momenta (amu*A/ASE time) -> A/fs
    expect(ASE_FS).toBeCloseTo(0.098226948, 8);
    expect(1 / ASE_FS).toBeCloseTo(10.1805, 4);
    const p = (0.01 * 63.546) / ASE_FS;
    const [m] = parseExtxyz(`1\nProperties=species:S:1:pos:R:3:momenta:R:3\nCu 0 0 0 ${p} 0 ${-2 * p}`);
    expect(m.velocities![0]).toBeCloseTo(0.01, 15);
    expect(m.velocities![2]).toBeCloseTo(-0.02, 15);
    expect(m.arrays.momenta).toBeUndefined();
    const mom = formatExtxyz(m, { velocityColumn: "momenta" });
    expect(mom).toContain("Properties=species:S:1:pos:R:3:momenta:R:3 ");
    expect(parseExtxyz(mom)[0].velocities![0]).toBeCloseTo(0.01, 15);
  });

  it("writes -0, exponents, non-finite info numbers and tricky strings so they read back unchanged", () => {
    const a = new Atoms({
      symbols: ["Cu", "Fe"],
      positions: [-0, 1e-300, 1.7976931348623157e308, 5e-324, -1.2345678901234567e-7, 123456789012345680000],
      cell: [1e21, 0, 0, 0, 3.3, 0, 0.1, 0.2, 0.30000000000000004],
      pbc: [true, false, true],
      info: {
        energy: -0,
        inf: Infinity,
        s_num: "1.5",
        s_bool: "T",
        s_empty: "",
        s_space: "a b\tc",
        s_quote: `it's "quoted" \\ back`,
        s_json: "_JSON 1",
        s_lines: "two\nlines\r\n",
        s_commas: "a,b",
        s_nums: "1,2",
        one: [2.5],
        onebool: [true],
        strs: ["x y", "z"],
        empty: [],
        "key with space": 1,
      },
    });
    const out = formatExtxyz(a);
    expect(out.split("\n").length).toBe(2 + 2 + 1);
    expect(out.split("\n")[2]).toBe("Cu -0 1e-300 1.7976931348623157e+308");
    expect(out).toContain(' s_empty="_JSON \\"\\"" ');
    const [b] = parseExtxyz(out);
    expectSameAtoms(b, a);
    expect(Object.is(b.positions[0], -0)).toBe(true);
  });

  it("columns option selects and orders columns", () => {
    const [a] = readExtxyzFile(join(REF_DIR, "cu_u3_perfect_2x2x2.extxyz"));
    const out = formatExtxyz(a, { columns: ["energies"] });
    expect(out.split("\n")[1]).toContain("Properties=species:S:1:pos:R:3:energies:R:1 ");
    expect(out.split("\n")[2].split(" ").length).toBe(5);
    expect(() => formatExtxyz(a, { columns: ["nope"] })).toThrow(/'nope' is not in atoms.arrays/);
    expect(() => formatExtxyz(a, { columns: ["velo"] })).toThrow(/no velocities/);
  });
});

describe("errors name the line and what was expected", () => {
  const ok = (rows: string[]) => rows.join("\n");
  const HEAD = 'Lattice="3 0 0 0 3 0 0 0 3" Properties=species:S:1:pos:R:3:forces:R:3';

  it("atom count not an integer", () => {
    const e = inputError(() => parseExtxyz(ok(["2.5", HEAD, "Cu 0 0 0 0 0 0"]), "x.xyz"));
    expect(e.message).toContain("x.xyz:1");
    expect(e.line).toBe(1);
    expect(e.frame).toBe(0);
    expect(e.message).toMatch(/atom count.*non-negative integer.*'2\.5'/);
    // second frame's count line
    const e2 = inputError(() => parseExtxyz(ok(["1", HEAD, "Cu 0 0 0 0 0 0", "abc"]), "x.xyz"));
    expect(e2.message).toContain("x.xyz:4");
    expect(e2.frame).toBe(1);
  });

  it("file ends before N atom lines", () => {
    const rows = ["1", HEAD, "Cu 0 0 0 0 0 0", "3", HEAD, "Cu 0 0 0 0 0 0", "Cu 1 1 1 0 0 0", "", ""];
    const e = inputError(() => parseExtxyz(ok(rows), "t.xyz"));
    expect(e.message).toContain("t.xyz:4");
    expect(e.message).toContain("t.xyz:4, frame 1: declares 3 atoms, but the file ended after 2 atom line(s) (at line 7)");
    expect(e.frame).toBe(1);
    const e2 = inputError(() => parseExtxyz("5\n"));
    expect(e2.message).toBe("line 1, frame 0: declares 5 atoms, but the file ended after 0 atom line(s) (at line 1)");
    expect(inputError(() => parseExtxyz("5")).message).toMatch(/line 1.*declares 5 atoms.*header/);
  });

  it("row with the wrong number of columns", () => {
    const e = inputError(() => parseExtxyz(ok(["2", HEAD, "Cu 0 0 0 0 0 0", "Cu 1 1 1 0 0"]), "c.xyz"));
    expect(e.message).toContain("c.xyz:4");
    expect(e.message).toBe("c.xyz:4, frame 0, atom 1: 6 column(s), expected 7 per Properties=species:S:1:pos:R:3:forces:R:3");
    expect(e.atom).toBe(1);
    const e2 = inputError(() => parseExtxyz(ok(["1", HEAD, "Cu 0 0 0 0 0 0 9"])));
    expect(e2.message).toMatch(/line 3.*8 column\(s\), expected 7/);
  });

  it("non-numeric value in an R or I column", () => {
    const e = inputError(() => parseExtxyz(ok(["1", HEAD, "Cu 0 0 0 0 x1 0"]), "r.xyz"));
    expect(e.message).toContain("r.xyz:3");
    expect(e.message).toContain("'forces' (column 2 of 3) is 'x1', expected a real number");
    const e2 = inputError(() => parseExtxyz(ok(["1", "Properties=species:S:1:pos:R:3:tag:I:1", "Cu 0 0 0 1.5"])));
    expect(e2.message).toMatch(/line 3.*'tag' is '1\.5', expected a 32-bit integer/);
    const e3 = inputError(() => parseExtxyz(ok(["1", "Properties=species:S:1:pos:R:3:m:L:1", "Cu 0 0 0 yes"])));
    expect(e3.message).toMatch(/line 3.*'m' is 'yes', expected a logical/);
  });

  it("non-finite positions", () => {
    const rows = ["8", HEAD, ...Array.from({ length: 7 }, (_, i) => `Cu ${i} 0 0 0 0 0`), "Cu 0 nan 0 0 0 0"];
    const e = inputError(() => parseExtxyz(ok(rows), "n.xyz"));
    expect(e.message).toContain("n.xyz:10");
    expect(e.message).toContain("n.xyz:10, frame 0, atom 7: non-finite coordinate 'nan'");
    expect(e.atom).toBe(7);
    expect(inputError(() => parseExtxyz(ok(["1", HEAD, "Cu 0 0 -inf 0 0 0"]))).message).toMatch(/line 3.*'-inf'/);
    // non-finite forces are data, not an error
    expect(Number.isNaN(parseExtxyz(ok(["1", HEAD, "Cu 0 0 0 NaN 0 0"]))[0].arrays.forces.data[0])).toBe(true);
  });

  it("unparsable Lattice", () => {
    const e = inputError(() => parseExtxyz(ok(["1", 'Lattice="3 0 0 0 3 0 0 0" Properties=species:S:1:pos:R:3', "Cu 0 0 0"]), "l.xyz"));
    expect(e.message).toContain("l.xyz:2");
    expect(e.message).toContain("needs 9 numbers");
    expect(e.message).toContain("found 8");
    const e2 = inputError(() => parseExtxyz(ok(["1", 'Lattice="3 0 0 0 3 0 0 0 a"', "Cu 0 0 0"])));
    expect(e2.message).toMatch(/line 2.*needs 9 numbers/);
    const e3 = inputError(() => parseExtxyz(ok(["1", 'stress="1 2 3"', "Cu 0 0 0"])));
    expect(e3.message).toMatch(/line 2.*stress must be 9 numbers/);
    const e4 = inputError(() => parseExtxyz(ok(["1", 'pbc="T T"', "Cu 0 0 0"])));
    expect(e4.message).toMatch(/line 2.*expected 3 booleans/);
  });

  it("Properties without species or pos, or malformed", () => {
    const e = inputError(() => parseExtxyz(ok(["1", "Properties=pos:R:3", "0 0 0"]), "p.xyz"));
    expect(e.message).toContain("p.xyz:2");
    expect(e.message).toContain("no species column");
    const e2 = inputError(() => parseExtxyz(ok(["1", "Properties=species:S:1:forces:R:3", "Cu 0 0 0"])));
    expect(e2.message).toMatch(/line 2.*no pos column/);
    const e3 = inputError(() => parseExtxyz(ok(["1", "Properties=species:S:1:pos:R", "Cu 0 0 0"])));
    expect(e3.message).toMatch(/line 2.*name:type:ncols/);
    const e4 = inputError(() => parseExtxyz(ok(["1", "Properties=species:S:1:pos:X:3", "Cu 0 0 0"])));
    expect(e4.message).toMatch(/line 2.*type 'X', expected one of R, I, S, L/);
    const e5 = inputError(() => parseExtxyz(ok(["1", "Properties=species:S:1:pos:R:2", "Cu 0 0"])));
    expect(e5.message).toMatch(/line 2.*'pos' is R:2, expected R:3/);
  });

  it("unknown species symbol", () => {
    const e = inputError(() => parseExtxyz(ok(["3", HEAD, "Cu 0 0 0 0 0 0", "Cu 1 0 0 0 0 0", "Xx 2 0 0 0 0 0"]), "s.xyz"));
    expect(e.message).toContain("s.xyz:5");
    expect(e.message).toContain("s.xyz:5, frame 0, atom 2: unknown chemical symbol 'Xx'");
    expect(e.atom).toBe(2);
    expect(e.line).toBe(5);
  });
});
