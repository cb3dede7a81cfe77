import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  FUNCFL_Z2R_FACTOR,
  parseEamPotential,
  readEamPotentialFile,
  styleFromFileName,
} from "../src/potentials/eam-file.js";
import { interpolate, lagrangeRegrid, splineEval } from "../src/potentials/spline.js";
import type { EamPotential, SplineTable } from "../src/potentials/types.js";
import { inputError } from "./helpers/compare.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const POT = join(ROOT, "potentials");
const REF = join(ROOT, "test", "fixtures", "ref");

const text = (name: string) => readFileSync(join(POT, name), "utf8");
const TEXT = {
  cu: text("Cu_u3.eam"),
  cuni: text("CuNi.eam.alloy"),
  fe: text("Fe_mm.eam.fs"),
  alfe: text("AlFe_mm.eam.fs"),
};
const POTS = {
  cu: parseEamPotential(TEXT.cu, { fileName: "Cu_u3.eam" }),
  cuni: parseEamPotential(TEXT.cuni, { fileName: "CuNi.eam.alloy" }),
  fe: parseEamPotential(TEXT.fe, { fileName: "Fe_mm.eam.fs" }),
  alfe: parseEamPotential(TEXT.alfe, { fileName: "AlFe_mm.eam.fs" }),
};

/** All numbers of a file after its first `skip` lines, as a flat token stream (test-side reader). */
function numbersAfter(t: string, skip: number): number[] {
  return t
    .split("\n")
    .slice(skip)
    .join(" ")
    .trim()
    .split(/\s+/)
    .map((w) => (/^[a-z]+$/i.test(w) ? NaN : Number(w)));
}

/** Value column c6 of a table: the tabulated function at its grid nodes. */
const nodes = (t: SplineTable) => Array.from({ length: t.n }, (_, k) => t.coeffs[7 * k + 6]);

/** Small synthetic setfl / fs file with smooth functions. */
function makeSetfl(o: { elements?: string[]; fs?: boolean; n?: number; countLine?: string; grid?: string } = {}) {
  const els = o.elements ?? ["Cu", "Ni"];
  const n = o.n ?? 8;
  const fmt = (xs: number[]) => {
    const lines: string[] = [];
    for (let i = 0; i < xs.length; i += 3) lines.push(xs.slice(i, i + 3).map((x) => x.toExponential(12)).join(" "));
    return lines.join("\n");
  };
  const col = (f: (k: number) => number) => fmt(Array.from({ length: n }, (_, k) => f(k)));
  const out = ["comment 1", "comment 2", "comment 3", o.countLine ?? `${els.length} ${els.join(" ")}`];
  out.push(o.grid ?? `${n} 0.1 ${n} 0.5 3.0`);
  els.forEach((_, a) => {
    out.push(`${29 + a} ${63.5 + a} 3.6 fcc`);
    out.push(col((k) => -Math.sqrt(k * 0.1) * (1 + a)));
    const nb = o.fs ? els.length : 1;
    for (let b = 0; b < nb; b++) out.push(col((k) => Math.exp(-k * 0.5) * (1 + a + 10 * b)));
  });
  for (let i = 0; i < els.length; i++)
    for (let j = 0; j <= i; j++) out.push(col((k) => (i + j + 1) * Math.exp(-k * 0.5) * 10));
  return out.join("\n") + "\n";
}

describe("styleFromFileName", () => {
  it("maps suffixes to pair styles", () => {
    expect(styleFromFileName("Cu_u3.eam")).toBe("eam");
    expect(styleFromFileName("dir/CuNi.eam.alloy")).toBe("eam/alloy");
    expect(styleFromFileName("x.ALLOY")).toBe("eam/alloy");
    expect(styleFromFileName("x.setfl")).toBe("eam/alloy");
    expect(styleFromFileName("Fe_mm.eam.fs")).toBe("eam/fs");
    expect(styleFromFileName("x.fs")).toBe("eam/fs");
    expect(styleFromFileName("x.txt")).toBeUndefined();
  });

  it("refuses a name without a known suffix unless a style is given", () => {
    const e = inputError(() => parseEamPotential(TEXT.cuni, { fileName: "potential.txt" }));
    expect(e.file).toBe("potential.txt");
    expect(e.message).toContain("potential.txt");
    for (const s of [".eam", ".eam.alloy", ".alloy", ".setfl", ".eam.fs", ".fs"]) expect(e.message).toContain(s);
    const p = parseEamPotential(TEXT.cuni, { fileName: "potential.txt", style: "eam/alloy" });
    expect(p.elements).toEqual(["Ni", "Cu"]);
  });
});

describe("interpolate (LAMMPS PairEAM::interpolate)", () => {
  it("has exact 5-point slopes and reproduces a cubic between interior nodes", () => {
    const delta = 0.25;
    const g = (x: number) => 0.5 * x * x * x - 2 * x * x + x - 3;
    const gp = (x: number) => 1.5 * x * x - 4 * x + 1;
    const n = 12;
    const t = interpolate(Array.from({ length: n }, (_, k) => g(k * delta)), delta);
    expect(t.n).toBe(n);
    expect(t.delta).toBe(delta);
    expect(t.coeffs.length).toBe(7 * n);
    for (let k = 2; k <= n - 3; k++) expect(t.coeffs[7 * k + 2]).toBeCloseTo(gp(k * delta), 12); // c2 = slope
    for (let k = 2; k < n - 3; k++) {
      const x = (k + 0.37) * delta;
      const [v, d] = splineEval(t, x);
      expect(v).toBeCloseTo(g(x), 12);
      expect(d).toBeCloseTo(gp(x), 11);
    }
    // end records: one-sided slopes, and no cubic/quadratic part at the last point
    expect(t.coeffs[5]).toBe(g(delta) - g(0));
    expect(t.coeffs[7 * (n - 1) + 3]).toBe(0);
    expect(t.coeffs[7 * (n - 1) + 4]).toBe(0);
  });
});

describe("funcfl Cu_u3.eam (pair_style eam)", () => {
  const p = POTS.cu;
  const nums = numbersAfter(TEXT.cu, 3);
  const F = nums.slice(0, 500);
  const Z = nums.slice(500, 1000);
  const rho = nums.slice(1000, 1500);

  it("regrids onto LAMMPS' grid: nr = int((500-1)*dr/dr + 0.5) = 499, same for nrho", () => {
    expect(p.style).toBe("eam");
    expect(p.source).toBe("Cu_u3.eam");
    expect(p.elements).toEqual(["Cu"]);
    expect(p.masses).toEqual([63.55]);
    expect(p.cutoff).toBe(4.9499999999999886);
    expect(p.nr).toBe(499);
    expect(p.nrho).toBe(499);
    expect(p.dr).toBe(1.0000000000000009e-2);
    expect(p.drho).toBe(5.0100200400801306e-4);
    expect(p.frho[0].n).toBe(499);
    expect(p.rhor[0][0].n).toBe(499);
    expect(p.z2r[0][0].n).toBe(499);
    expect(p.frho[0].delta).toBe(p.drho);
    expect(p.rhor[0][0].delta).toBe(p.dr);
    expect(p.comments).toHaveLength(1);
    expect(p.comments[0]).toMatch(/^DATE: 2007-06-11 UNITS: metal/);
  });

  it("nodes equal the file values up to the Lagrange round-off (first node exactly)", () => {
    const cmp = (t: SplineTable, file: number[]) => {
      const v = nodes(t);
      expect(v[0]).toBe(file[0]);
      for (let k = 0; k < v.length; k++) expect(Math.abs(v[k] - file[k])).toBeLessThanOrEqual(1e-13 * (1 + Math.abs(file[k])));
    };
    cmp(p.frho[0], F);
    cmp(p.rhor[0][0], rho);
    // the regridding is the LAMMPS one
    expect(nodes(p.frho[0])).toEqual(Array.from(lagrangeRegrid(F, p.drho, 499, p.drho)));
    expect(nodes(p.rhor[0][0])).toEqual(Array.from(lagrangeRegrid(rho, p.dr, 499, p.dr)));
  });

  it("z2r at a node is 27.2*0.529 * Z^2 of the regridded Z", () => {
    expect(FUNCFL_Z2R_FACTOR).toBe(27.2 * 0.529);
    const zr = lagrangeRegrid(Z, p.dr, p.nr, p.dr);
    const z2 = nodes(p.z2r[0][0]);
    for (let k = 0; k < p.nr; k++) expect(z2[k]).toBe(27.2 * 0.529 * zr[k] * zr[k]);
    expect(z2[100]).toBeCloseTo(14.3888 * Z[100] * Z[100], 12);
  });

  it("reads the same tables whatever the line layout inside a block", () => {
    const lines = TEXT.cu.split("\n");
    const onePerLine = [...lines.slice(0, 3), ...nums.map(String)].join("\n");
    const q = parseEamPotential(onePerLine, { fileName: "one.eam" });
    expect(q.frho[0].coeffs).toEqual(p.frho[0].coeffs);
    expect(q.z2r[0][0].coeffs).toEqual(p.z2r[0][0].coeffs);
  });
});

describe("setfl CuNi.eam.alloy (pair_style eam/alloy)", () => {
  const p = POTS.cuni;
  const nums = numbersAfter(TEXT.cuni, 5);
  const block = 4 + 500 + 500; // Z mass a lattice, F, rho

  it("header: elements in file order, masses, cutoff, grid copied without regridding", () => {
    expect(p.style).toBe("eam/alloy");
    expect(p.elements).toEqual(["Ni", "Cu"]);
    expect(p.masses).toEqual([58.689, 63.546]);
    expect(p.cutoff).toBe(6.394332378);
    expect([p.nrho, p.drho, p.nr, p.dr]).toEqual([500, 0.595720307304609e-2, 500, 0.1281429334268537e-1]);
    expect(p.comments).toHaveLength(3);
    expect(p.comments[1]).toBe("Cu-Ni EAM potential (DYNAMO setfl format)");
  });

  it("nodes are exactly the file values", () => {
    for (let a = 0; a < 2; a++) {
      expect(nodes(p.frho[a])).toEqual(nums.slice(a * block + 4, a * block + 504));
      expect(nodes(p.rhor[a][0])).toEqual(nums.slice(a * block + 504, a * block + 1004));
    }
    const z = 2 * block;
    expect(nodes(p.z2r[0][0])).toEqual(nums.slice(z, z + 500)); // Ni-Ni
    expect(nodes(p.z2r[1][0])).toEqual(nums.slice(z + 500, z + 1000)); // Cu-Ni
    expect(nodes(p.z2r[1][1])).toEqual(nums.slice(z + 1000, z + 1500)); // Cu-Cu
  });

  it("rhor[a][b] does not depend on the host b; z2r is symmetric", () => {
    expect(p.rhor[0][1]).toBe(p.rhor[0][0]);
    expect(p.rhor[1][0]).toBe(p.rhor[1][1]);
    expect(p.rhor[0][0]).not.toBe(p.rhor[1][0]);
    expect(p.z2r[0][1]).toBe(p.z2r[1][0]);
  });
});

describe("Finnis-Sinclair files (pair_style eam/fs)", () => {
  it("rhor[a][b] = file block of element a, sub-table b (asymmetric synthetic file)", () => {
    // makeSetfl writes rho_ab(r_k) = exp(-k/2) * (1 + a + 10 b) in block a, sub-table b
    const p = parseEamPotential(makeSetfl({ fs: true }), { fileName: "x.eam.fs" });
    expect(p.rhor[0][1].coeffs[6]).toBe(11);
    expect(p.rhor[1][0].coeffs[6]).toBe(2);
    expect(p.rhor[1][1].coeffs[6]).toBe(12);
    expect(p.rhor[0][1]).not.toBe(p.rhor[0][0]);
  });

  it("Fe_mm.eam.fs: header and exact nodes", () => {
    const p = POTS.fe;
    const nums = numbersAfter(TEXT.fe, 5);
    expect(p.elements).toEqual(["Fe"]);
    expect(p.masses).toEqual([55.845]);
    expect(p.cutoff).toBe(5.3);
    expect([p.nrho, p.drho, p.nr, p.dr]).toEqual([10000, 0.03, 10000, 0.00053]);
    expect(nodes(p.frho[0])).toEqual(nums.slice(4, 10004));
    expect(nodes(p.rhor[0][0])).toEqual(nums.slice(10004, 20004));
    expect(nodes(p.z2r[0][0])).toEqual(nums.slice(20004, 30004));
  });

  it("AlFe_mm.eam.fs: rhor[a][b] is file block a, sub-table b; z2r symmetric", () => {
    const p = POTS.alfe;
    const nums = numbersAfter(TEXT.alfe, 5);
    const N = 10000;
    const block = 4 + N + 2 * N;
    expect(p.elements).toEqual(["Al", "Fe"]);
    expect(p.masses).toEqual([26.98154, 55.845]);
    expect(p.cutoff).toBe(6.5);
    expect([p.nrho, p.drho, p.nr, p.dr]).toEqual([10000, 0.03, 10000, 0.00065]);
    for (let a = 0; a < 2; a++) {
      expect(nodes(p.frho[a])).toEqual(nums.slice(a * block + 4, a * block + 4 + N));
      for (let b = 0; b < 2; b++) {
        const s = a * block + 4 + N + b * N;
        expect(nodes(p.rhor[a][b])).toEqual(nums.slice(s, s + N));
      }
    }
    // Mendelev's Al-Fe file happens to have the same cross density in both blocks (rho_AlFe = rho_FeAl),
    // so the block/sub-table order is pinned by the offsets above and by the synthetic test below.
    expect(nodes(p.rhor[0][1])).toEqual(nodes(p.rhor[1][0]));
    expect(nodes(p.rhor[0][1])).not.toEqual(nodes(p.rhor[0][0]));
    expect(nodes(p.rhor[1][0])).not.toEqual(nodes(p.rhor[1][1]));
    expect(p.z2r[0][1]).toBe(p.z2r[1][0]);
    expect(nodes(p.z2r[1][0])).toEqual(nums.slice(2 * block + N, 2 * block + 2 * N));
  });
});

/**
 * Brute-force EAM energies and forces from the tables, in LAMMPS' order of operations, compared with
 * the LAMMPS 29Sep2021 reference configurations (all periodic images within the cutoff).
 */
function checkAgainstLammps(fixture: string, p: EamPotential) {
  const lines = readFileSync(join(REF, fixture), "utf8").split("\n");
  const n = Number(lines[0]);
  const lat = lines[1].match(/Lattice="([^"]+)"/)![1].split(/\s+/).map(Number);
  const pbc = lines[1].match(/pbc="([^"]+)"/)![1].split(/\s+/).map((s) => s === "T");
  const type: number[] = [];
  const x: number[][] = [];
  const fRef: number[][] = [];
  const eRef: number[] = [];
  for (let i = 0; i < n; i++) {
    const w = lines[2 + i].trim().split(/\s+/);
    type.push(p.elements.indexOf(w[0]));
    x.push(w.slice(1, 4).map(Number));
    fRef.push(w.slice(4, 7).map(Number));
    eRef.push(Number(w[7]));
  }
  const rc2 = p.cutoff * p.cutoff;
  // the fixtures used here are orthorhombic with edges > cutoff and wrapped positions: one image shell is enough
  const R = pbc.map((on) => (on ? 1 : 0));
  const pairs: { i: number; j: number; r: number; d: number[] }[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      for (let a = -R[0]; a <= R[0]; a++)
        for (let b = -R[1]; b <= R[1]; b++)
          for (let c = -R[2]; c <= R[2]; c++) {
            if (i === j && a === 0 && b === 0 && c === 0) continue;
            const dx = x[i][0] - x[j][0] - (a * lat[0] + b * lat[3] + c * lat[6]);
            const dy = x[i][1] - x[j][1] - (a * lat[1] + b * lat[4] + c * lat[7]);
            const dz = x[i][2] - x[j][2] - (a * lat[2] + b * lat[5] + c * lat[8]);
            const r2 = dx * dx + dy * dy + dz * dz;
            if (r2 < rc2) pairs.push({ i, j, r: Math.sqrt(r2), d: [dx, dy, dz] });
          }
  expect(Math.min(lat[0], lat[4], lat[8])).toBeGreaterThan(p.cutoff);
  expect([lat[1], lat[2], lat[3], lat[5], lat[6], lat[7]]).toEqual([0, 0, 0, 0, 0, 0]);
  const rho = new Float64Array(n);
  for (const { i, j, r } of pairs) rho[i] += splineEval(p.rhor[type[j]][type[i]], r)[0];
  const fp = new Float64Array(n);
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) [e[i], fp[i]] = splineEval(p.frho[type[i]], rho[i], true);
  const f = x.map(() => [0, 0, 0]);
  for (const { i, j, r, d } of pairs) {
    const rhoip = splineEval(p.rhor[type[i]][type[j]], r)[1];
    const rhojp = splineEval(p.rhor[type[j]][type[i]], r)[1];
    const [z2, z2p] = splineEval(p.z2r[type[i]][type[j]], r);
    const recip = 1.0 / r;
    const phi = z2 * recip;
    const phip = z2p * recip - phi * recip;
    const fpair = -(fp[i] * rhojp + fp[j] * rhoip + phip) * recip;
    for (let k = 0; k < 3; k++) f[i][k] += d[k] * fpair;
    e[i] += 0.5 * phi;
  }
  for (let i = 0; i < n; i++) {
    expect(Math.abs(e[i] - eRef[i])).toBeLessThan(1e-12);
    for (let k = 0; k < 3; k++) expect(Math.abs(f[i][k] - fRef[i][k])).toBeLessThan(1e-12);
  }
}

describe("tables reproduce LAMMPS energies and forces", () => {
  it("eam: Cu_u3 rattled fcc", () => checkAgainstLammps("cu_u3_rattled_3x3x3.extxyz", POTS.cu));
  it("eam/alloy: CuNi rattled", () => checkAgainstLammps("cuni_rattled_2x2x3.extxyz", POTS.cuni));
  it("eam/fs: AlFe rattled", () => checkAgainstLammps("alfe_mm_rattled_3x3x3.extxyz", POTS.alfe));
});

describe("readEamPotentialFile", () => {
  it("reads from disk and takes the style from the suffix", () => {
    const p = readEamPotentialFile(join(POT, "Cu_u3.eam"));
    expect(p.z2r[0][0].coeffs).toEqual(POTS.cu.z2r[0][0].coeffs);
    expect(p.source).toBe(join(POT, "Cu_u3.eam"));
  });
  it("reports a missing file as an InputError naming it", () => {
    const e = inputError(() => readEamPotentialFile(join(POT, "missing.eam")));
    expect(e.file).toBe(join(POT, "missing.eam"));
  });
});

describe("malformed files", () => {
  it.each([
    ["Cu_u3.eam", TEXT.cu],
    ["CuNi.eam.alloy", TEXT.cuni],
    ["Fe_mm.eam.fs", TEXT.fe],
    ["AlFe_mm.eam.fs", TEXT.alfe],
  ])("%s truncated in the middle: names the file, the block and the expected count", (name, t) => {
    const lines = t.split("\n");
    const cut = lines.slice(0, Math.floor(lines.length / 2)).join("\n") + "\n";
    const e = inputError(() => parseEamPotential(cut, { fileName: name }));
    expect(e.file).toBe(name);
    expect(e.message).toContain(name);
    expect(e.message).toMatch(/truncated/);
    expect(e.message).toMatch(/expected (500|10000) \S+/);
    expect(e.message).toMatch(/ended after \d+ of them/);
  });

  it("truncation message: how many values of which block", () => {
    // 3 header lines, 100 lines of F (5 a line), then 62 of the 100 lines of Z
    const t = TEXT.cu.split("\n").slice(0, 165).join("\n");
    const e = inputError(() => parseEamPotential(t, { fileName: "Cu_u3.eam" }));
    expect(e.message).toContain("expected 500 effective-charge values Z(r) for element Cu");
    expect(e.message).toContain("ended after 310 of them");
    expect(e.line).toBe(165);
  });

  it("a letter in a number: quotes the token and gives its line", () => {
    const lines = TEXT.cuni.split("\n");
    lines[9] = lines[9].replace(/\S+/, "0.12x4");
    const e = inputError(() => parseEamPotential(lines.join("\n"), { fileName: "CuNi.eam.alloy" }));
    expect(e.line).toBe(10);
    expect(e.message).toContain('"0.12x4"');
    expect(e.message).toContain("CuNi.eam.alloy:10");
    expect(e.message).toContain("F(rho) for element Ni");
  });

  it("Fortran D exponents are rejected with a hint", () => {
    const t = makeSetfl().replace(/(\d)e([+-])/, "$1D$2");
    const e = inputError(() => parseEamPotential(t, { fileName: "x.eam.alloy" }));
    expect(e.message).toMatch(/Fortran 'D'/);
  });

  it("wrong element count on line 4", () => {
    const e = inputError(() => parseEamPotential(makeSetfl({ countLine: "3 Cu Ni" }), { fileName: "x.eam.alloy" }));
    expect(e.line).toBe(4);
    expect(e.message).toContain("declares 3 element(s) but lists 2");
    const e2 = inputError(() => parseEamPotential(makeSetfl({ countLine: "two Cu Ni" }), { fileName: "x.eam.alloy" }));
    expect(e2.message).toContain('found "two"');
  });

  it("unknown or repeated element symbol", () => {
    const e = inputError(() => parseEamPotential(makeSetfl({ elements: ["Cu", "Xx"] }), { fileName: "x.eam.alloy" }));
    expect(e.line).toBe(4);
    expect(e.message).toContain('unknown element symbol "Xx"');
    const e2 = inputError(() => parseEamPotential(makeSetfl({ elements: ["Cu", "Cu"] }), { fileName: "x.eam.fs" }));
    expect(e2.message).toContain("listed twice");
  });

  it.each([
    ["4 0.1 8 0.5 3.0", /nrho = 4 .*>= 5/],
    ["8 0.1 3 0.5 3.0", /nr = 3 .*>= 5/],
    ["8.0 0.1 8 0.5 3.0", /expected an integer for nrho.*found "8.0"/],
    ["8 0 8 0.5 3.0", /drho = 0 .*positive/],
    ["8 0.1 8 -0.5 3.0", /dr = -0.5 .*positive/],
    ["8 0.1 8 0.5 0", /cutoff = 0 .*positive/],
    ["8 0.1 8 0.5", /expected 5 values on the 'nrho drho nr dr cutoff' line, found 4/],
  ])("bad grid line %s", (grid, re) => {
    const e = inputError(() => parseEamPotential(makeSetfl({ grid }), { fileName: "x.eam.alloy" }));
    expect(e.message).toMatch(re);
    expect(e.line).toBe(5);
  });

  it("funcfl with an atomic number that is no element", () => {
    const t = TEXT.cu.replace(/\n\s+29\s/, "\n 0 ");
    const e = inputError(() => parseEamPotential(t, { fileName: "Cu_u3.eam" }));
    expect(e.line).toBe(2);
    expect(e.message).toContain("atomic number 0");
  });

  it("numbers running on past the end of a block are rejected (LAMMPS would drop them)", () => {
    const lines = makeSetfl({ n: 7 }).split("\n");
    // join the last line of the first F block with the first line of its rho block
    lines[8] = `${lines[8]} ${lines[9]}`;
    lines.splice(9, 1);
    const e = inputError(() => parseEamPotential(lines.join("\n"), { fileName: "x.eam.alloy" }));
    expect(e.line).toBe(9);
    expect(e.message).toMatch(/extra value\(s\) after the last of the 7 embedding values/);
  });

  it("accepts what LAMMPS accepts: '#' comments, blank lines, trailing data, CRLF", () => {
    const base = parseEamPotential(makeSetfl({ fs: true }), { fileName: "x.eam.fs" });
    const lines = makeSetfl({ fs: true }).split("\n");
    lines[7] = `${lines[7]}   # a comment`;
    lines.splice(8, 0, "", "   # only a comment");
    const q = parseEamPotential(lines.join("\r\n") + "1 2 3\n", { fileName: "x.eam.fs" });
    expect(q.frho[1].coeffs).toEqual(base.frho[1].coeffs);
    expect(q.rhor[1][0].coeffs).toEqual(base.rhor[1][0].coeffs);
    expect(q.z2r[1][1].coeffs).toEqual(base.z2r[1][1].coeffs);
    expect(q.comments).toEqual(["comment 1", "comment 2", "comment 3"]);
    expect(nodes(base.rhor[0][1])).not.toEqual(nodes(base.rhor[1][0]));
    expect(base.masses).toEqual([63.5, 64.5]);
    expect(base.cutoff).toBe(3.0);
  });
});
