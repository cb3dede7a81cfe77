// Streitz-Mintmire reference layer (src/streitz) against LAMMPS 29Sep2021 coul/streitz + eam/alloy
// + fix qeq/slater single points (test/fixtures/streitz, provenance in its README.md).
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { EamCalculator } from "../src/eam/calculator.js";
import { CalculationFailed, InputError } from "../src/errors.js";
import { readExtxyzFile } from "../src/io/extxyz-file.js";
import { readEamPotentialFile } from "../src/potentials/eam-file.js";
import { streitzCoulomb, type StreitzCoulombOptions } from "../src/streitz/coulomb.js";
import { erfc } from "../src/streitz/erfc.js";
import { ewaldKspace } from "../src/streitz/ewald.js";
import {
  slaterIntegrals,
  slaterIntegralsShifted,
  slaterPair,
  slaterShift,
} from "../src/streitz/integrals.js";
import { readStreitzFile } from "../src/streitz/params-file.js";
import { parseStreitz, streitzElements, type StreitzParameters } from "../src/streitz/params.js";
import { streitzQeq } from "../src/streitz/qeq.js";
import { maxAbsDiff } from "./helpers/compare.js";
import { FIX, FIXTURES, LARGE_FIXTURES, POT, expectCoulombFixture, expectQeqFixture, fixtureOptions, num, realColumn } from "./helpers/streitz-fixtures.js";

const ALO_STREITZ = `# DATE: 2015-02-19 UNITS: metal CONTRIBUTOR: Ray Shan
# X (eV)  J (eV)  gamma (1/ang)  zeta (1/ang)  Z (e)

Al 	0.000000	10.328655	0.000000	0.968438 	0.763905
O	5.484763	14.035715	0.000000	2.143957	0.000000
`;

describe("parseStreitz", () => {
  it("reads AlO.streitz in LAMMPS column order chi J gamma zeta Z", () => {
    const p = readStreitzFile(join(POT, "AlO.streitz"));
    expect(p.entries.map((e) => e.symbol)).toEqual(["Al", "O"]);
    const [al, o] = streitzElements(p, ["Al", "O"]);
    expect(al).toMatchObject({ chi: 0.0, J: 10.328655, gamma: 0, zeta: 0.968438, Z: 0.763905, line: 7 });
    expect(o).toMatchObject({ chi: 5.484763, J: 14.035715, gamma: 0, zeta: 2.143957, Z: 0.0, line: 8 });
    expect(parseStreitz(ALO_STREITZ, "x.streitz").bySymbol.get("O")?.line).toBe(5);
  });

  it("accepts an entry split over lines and trailing comments, as LAMMPS' reader does", () => {
    const p = parseStreitz("Al 0.0 10.3 # chi J\n  0.0 0.97 0.76\nO 5.5 14.0 0 2.1 0 # oxygen\n", "s.streitz");
    expect(p.bySymbol.get("Al")).toMatchObject({ chi: 0, J: 10.3, zeta: 0.97, Z: 0.76, line: 1 });
    expect(p.bySymbol.get("O")).toMatchObject({ zeta: 2.1, line: 3 });
  });

  const bad: [string, string, RegExp][] = [
    ["too few words at end of file", "Al 0 10 0 0.9\n", /f\.streitz:1: .*6 words.*found 5/],
    ["too many words on a line", "Al 0 10 0 0.9 0.7 1\n", /f\.streitz:1: .*found 7/],
    ["a non-number", "Al 0 10 0 zeta 0.7\n", /f\.streitz:1: Al: zeta is not a number: 'zeta'/],
    ["a number in the symbol column", "# c\n1.0 0 10 0 0.9 0.7\n", /f\.streitz:2: .*element symbol/],
    ["gamma != 0", "Al 0 10 0.1 0.9 0.7\n", /f\.streitz:1: Al: gamma must be 0/],
    ["J < 0", "O 5 -1 0 2 0\n", /f\.streitz:1: O: J must be >= 0/],
    ["zeta = 0", "O 5 14 0 0 0\n", /f\.streitz:1: O: zeta must be > 0/],
    ["Z < 0", "O 5 14 0 2 -0.1\n", /f\.streitz:1: O: Z must be >= 0/],
    ["a duplicate element", "O 5 14 0 2 0\n\nO 5 14 0 2 0\n", /f\.streitz:3: duplicate entry for O \(first on line 1\)/],
    ["other units", "# UNITS: real\nO 5 14 0 2 0\n", /f\.streitz:1: .*'real' units/],
    ["no entries", "# nothing\n\n", /f\.streitz: no coul\/streitz entries/],
  ];
  for (const [what, text, msg] of bad) {
    it(`rejects ${what} with file and line`, () => {
      expect(() => parseStreitz(text, "f.streitz")).toThrowError(InputError);
      expect(() => parseStreitz(text, "f.streitz")).toThrowError(msg);
    });
  }

  it("reports a missing element and an unreadable file", () => {
    const p = parseStreitz(ALO_STREITZ, "x.streitz");
    expect(() => streitzElements(p, ["Al", "Fe"])).toThrowError(/x\.streitz: no coul\/streitz entry for element Fe \(the file has Al, O\)/);
    expect(() => readStreitzFile(join(POT, "missing.streitz"))).toThrowError(InputError);
  });
});

describe("erfc", () => {
  // mpmath, 40 digits (test/fixtures/scripts/mpmath-references.py)
  const ref: [number, number][] = [
    [0, 1],
    [1e-8, 0.99999998871620832904],
    [0.1, 0.8875370839817151078],
    [0.5, 0.47950012218695346232],
    [0.93, 0.18843644141544226377],
    [1, 0.15729920705028513066],
    [2, 0.0046777349810472658379],
    [2.49, 0.00042928786773391339368],
    [2.5, 0.00040695201744495893956],
    [3.1, 0.000011648657367199596034],
    [3.72, 1.433719078180139876e-7],
    [5.4, 2.2276786794677947858e-14],
    [8, 1.122429717298292708e-29],
  ];
  it("is accurate to 3e-16 absolute and 5e-15 relative beyond 2.5", () => {
    for (const [x, e] of ref) {
      expect(Math.abs(erfc(x) - e)).toBeLessThan(3e-16);
      if (x >= 2.5) expect(Math.abs(erfc(x) / e - 1)).toBeLessThan(5e-15);
      expect(Math.abs(erfc(-x) - (2 - e))).toBeLessThan(7e-16); // 2 - erfc(x): ulp(2) = 4.4e-16
    }
  });
});

describe("Slater 1s integrals", () => {
  const zAl = 0.968438;
  const zO = 2.143957;
  const out = new Float64Array(4);
  const cases: [number, number][] = [
    [zAl, zAl],
    [zAl, zO],
    [zO, zAl],
    [zO, zO],
  ];

  it("have the r -> 0 limits [j|f_i](0) = zeta_i and [f_i|f_j](0) of 1s densities", () => {
    const r = 1e-6;
    for (const [zi, zj] of cases) {
      slaterIntegrals(slaterPair(zi, zj), r, out);
      expect(out[0] + 1 / r).toBeCloseTo(zi, 4);
      const ff = (zi * zj * (zi * zi + 3 * zi * zj + zj * zj)) / (zi + zj) ** 3;
      expect(out[2] + 1 / r).toBeCloseTo(ff, 4);
    }
  });

  it("[f_i|f_j] is symmetric in i, j and the derivatives match finite differences", () => {
    const t = new Float64Array(4);
    for (const r of [0.8, 1.7, 2.9, 6.0]) {
      slaterIntegrals(slaterPair(zAl, zO), r, out);
      slaterIntegrals(slaterPair(zO, zAl), r, t);
      expect(Math.abs(out[2] - t[2])).toBeLessThan(1e-15);
      expect(Math.abs(out[3] - t[3])).toBeLessThan(1e-15);
      for (const [zi, zj] of cases) {
        const p = slaterPair(zi, zj);
        const h = 1e-5;
        const up = new Float64Array(4);
        const dn = new Float64Array(4);
        slaterIntegrals(p, r + h, up);
        slaterIntegrals(p, r - h, dn);
        slaterIntegrals(p, r, out);
        expect(out[1]).toBeCloseTo((up[0] - dn[0]) / (2 * h), 8);
        expect(out[3]).toBeCloseTo((up[2] - dn[2]) / (2 * h), 8);
      }
    }
  });

  it("the Wolf shifted-force forms vanish with their slope at the cutoff", () => {
    for (const [zi, zj] of cases) {
      const p = slaterPair(zi, zj);
      const s = slaterShift(p, 12);
      slaterIntegralsShifted(p, s, 12, out);
      expect(Array.from(out)).toEqual([0, 0, 0, 0]);
      const s3 = slaterShift(p, 3);
      slaterIntegralsShifted(p, s3, 2.5, out);
      const raw = new Float64Array(4);
      slaterIntegrals(p, 2.5, raw);
      expect(out[0]).toBeCloseTo(raw[0] - s3.eJ - (2.5 - 3) * s3.fJ, 15);
      expect(out[1]).toBeCloseTo(raw[1] - s3.fJ, 15);
      expect(out[2]).toBeCloseTo(raw[2] - s3.eF - (2.5 - 3) * s3.fF, 15);
      expect(out[3]).toBeCloseTo(raw[3] - s3.fF, 15);
    }
  });
});

describe("LAMMPS fixtures: coul/streitz + ewald with the fixture charges, eam/alloy", () => {
  let params: StreitzParameters;
  let eam: EamCalculator;
  beforeAll(async () => {
    params = readStreitzFile(join(POT, "AlO.streitz"));
    eam = await EamCalculator.create(readEamPotentialFile(join(POT, "AlO.eam.alloy")));
  });

  it("has all 8 shared fixtures", () => {
    expect(FIXTURES).toHaveLength(8);
    expect(FIXTURES).toEqual(expect.arrayContaining(LARGE_FIXTURES));
  });

  // (the 2160-atom fixture: test/verify/streitz-reference.test.ts)
  for (const file of FIXTURES.filter((f) => !LARGE_FIXTURES.includes(f))) {
    it(`${file}: energies to 1e-9 eV/atom, forces to 1e-7 eV/A, virial to 1e-10 eV/atom`, () => {
      expectCoulombFixture(file, params, eam);
    });
  }
});

describe("consistency of forces with the energy", () => {
  let params: StreitzParameters;
  beforeAll(() => {
    params = readStreitzFile(join(POT, "AlO.streitz"));
  });

  function fdForce(atoms: Atoms, q: Float64Array, opts: StreitzCoulombOptions, i: number, d: number, extra?: (a: Atoms) => number) {
    const h = 1e-5;
    const e = (s: number) => {
      const b = atoms.copy();
      b.positions[3 * i + d] += s * h;
      return streitzCoulomb(b, q, params, opts).energy + (extra ? extra(b) : 0);
    };
    return -(e(1) - e(-1)) / (2 * h);
  }

  it("Ewald (pair + k-space) forces are -dE/dx", () => {
    const atoms = readExtxyzFile(join(FIX, "al2o3_triclinic_1x2x1_ewald.extxyz"))[0];
    const q = realColumn(atoms, "charges");
    const opts = fixtureOptions(atoms);
    const f = streitzCoulomb(atoms, q, params, opts).forces;
    for (const [i, d] of [[3, 0], [77, 2]]) {
      expect(Math.abs(fdForce(atoms, q, opts, i, d) - f[3 * i + d])).toBeLessThan(2e-6);
    }
  });

  it("Wolf forces are -dE/dx only with the erfc term made shifted-force (the LAMMPS quirk)", () => {
    // At the fixture settings (alpha 0.31, rc 12) the gap is ~1e-7 eV/A; alpha 0.2, rc 6 makes it plain.
    const atoms = readExtxyzFile(join(FIX, "al2o3_cluster_a_wolf.extxyz"))[0];
    const q = realColumn(atoms, "charges");
    const opts: StreitzCoulombOptions = { summation: "wolf", wolfAlpha: 0.2, cutoff: 6 };
    const a = 0.2;
    const rc = 6;
    const k = 14.399645;
    const dwoself = -(erfc(a * rc) / rc / rc + ((2 * a) / Math.sqrt(Math.PI)) * Math.exp(-a * a * rc * rc) / rc);
    // the energy term the LAMMPS Wolf energy leaves out: sum over ordered pairs of -k q_i q_j/2 (r - rc) dwoself
    const missing = (b: Atoms) => {
      let s = 0;
      for (let i = 0; i < b.length; i++) {
        for (let j = 0; j < b.length; j++) {
          if (i === j) continue;
          const r = Math.hypot(
            b.positions[3 * i] - b.positions[3 * j],
            b.positions[3 * i + 1] - b.positions[3 * j + 1],
            b.positions[3 * i + 2] - b.positions[3 * j + 2],
          );
          if (r <= rc) s -= k * 0.5 * q[i] * q[j] * (r - rc) * dwoself;
        }
      }
      return s;
    };
    const f = streitzCoulomb(atoms, q, params, opts).forces;
    let gap = 0;
    for (const [i, d] of [[0, 0], [17, 1], [39, 2]]) {
      expect(Math.abs(fdForce(atoms, q, opts, i, d, missing) - f[3 * i + d])).toBeLessThan(1e-6);
      gap = Math.max(gap, Math.abs(fdForce(atoms, q, opts, i, d) - f[3 * i + d]));
    }
    expect(gap).toBeGreaterThan(1e-2);
  });
});

describe("streitzCoulomb input checks", () => {
  const params = parseStreitz(ALO_STREITZ, "AlO.streitz");
  const cluster = readExtxyzFile(join(FIX, "al2o3_cluster_a_wolf.extxyz"))[0];
  const q = realColumn(cluster, "charges");
  const wolf: StreitzCoulombOptions = { summation: "wolf", cutoff: 12, wolfAlpha: 0.31 };

  it("rejects wrong lengths, bad settings, Ewald without periodicity and unknown elements", () => {
    expect(() => streitzCoulomb(cluster, q.subarray(1), params, wolf)).toThrowError(/charges has 39 entries, expected 40/);
    expect(() => streitzCoulomb(cluster, q, params, { ...wolf, cutoff: 0 })).toThrowError(/cutoff must be > 0/);
    expect(() => streitzCoulomb(cluster, q, params, { summation: "wolf", cutoff: 12 })).toThrowError(/Wolf alpha/);
    expect(() => streitzCoulomb(cluster, q, params, { summation: "ewald", cutoff: 12, ewaldG: 0.45 })).toThrowError(/ewaldKmax/);
    expect(() =>
      streitzCoulomb(cluster, q, params, { summation: "ewald", cutoff: 12, ewaldG: 0.45, ewaldKmax: [5, 5, 5] }),
    ).toThrowError(/periodic in all three directions/);
    const fe = cluster.copy();
    fe.symbols[0] = "Fe";
    expect(() => streitzCoulomb(fe, q, params, wolf)).toThrowError(/no coul\/streitz entry for element Fe/);
    const nan = Float64Array.from(q);
    nan[5] = NaN;
    expect(() => streitzCoulomb(cluster, nan, params, wolf)).toThrowError(/atom 5: charge is not finite/);
  });

  it("the k-space sum needs a LAMMPS restricted-triclinic cell", () => {
    const cell = [10, 0.5, 0, 0, 10, 0, 0, 0, 10];
    expect(() => ewaldKspace([0, 0, 0, 1, 1, 1], [1, -1], cell, { g: 0.45, kmax: [5, 5, 5], qqrd2e: 14.399645 })).toThrowError(
      /restricted-triclinic/,
    );
  });
});

describe("fix qeq/slater reference (dense)", () => {
  let params: StreitzParameters;
  beforeAll(() => {
    params = readStreitzFile(join(POT, "AlO.streitz"));
  });

  // Wolf and Ewald runs of one geometry have bitwise identical LAMMPS charges; solve each geometry once.
  // (the 2160-atom fixture: test/verify/streitz-reference.test.ts)
  const geometries = FIXTURES.filter((f) => !(f.endsWith("_ewald.extxyz") && FIXTURES.includes(f.replace("_ewald", "_wolf"))) && !LARGE_FIXTURES.includes(f));
  for (const file of geometries) {
    it(`${file}: charges match LAMMPS to 1e-11 e`, () => {
      expectQeqFixture(file, params);
    });
  }

  it("fails loudly when CG does not converge, and checks its settings", () => {
    const atoms = readExtxyzFile(join(FIX, "al2o3_cluster_a_wolf.extxyz"))[0];
    expect(() => streitzQeq(atoms, params, { cutoff: 12, tolerance: 1e-14, maxIter: 3 })).toThrowError(CalculationFailed);
    expect(() => streitzQeq(atoms, params, { cutoff: 0, tolerance: 1e-14, maxIter: 100 })).toThrowError(/QEq cutoff/);
    expect(() => streitzQeq(atoms, params, { cutoff: 12, tolerance: 0, maxIter: 100 })).toThrowError(/tolerance/);
  });
});
