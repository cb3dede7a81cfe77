// Electron density on a grid (model spec section 5) and the Gaussian cube format: the grid density
// integrates to the valence electron count (clusters and periodic cells), periodic images are summed,
// and cube files round-trip in bohr.
import { describe, expect, it } from "vitest";
import { Atoms } from "../src/atoms.js";
import { densityRange, electronDensityGrid, integrateGrid, voxelVolume, type DensityGrid } from "../src/ect/density-grid.js";
import { rbfDensity } from "../src/ect/forms.js";
import { MAX_STATES, type EctModel } from "../src/ect/model.js";
import { readEctModelFile } from "../src/ect/model-file.js";
import { InputError } from "../src/errors.js";
import { BOHR_ANGSTROM, CUBE_LOOP_LINE, formatCube, parseCube } from "../src/io/cube.js";

const model = readEctModelFile("models/ect-starter.json");

/** Weights in the model's state order from {state name: weight} per atom. */
function weightsOf(m: EctModel, atoms: Atoms, perAtom: Record<string, number>[]): Float64Array {
  const w = new Float64Array(MAX_STATES * atoms.length);
  atoms.symbols.forEach((sym, i) => {
    const el = m.elements.find((e) => e.symbol === sym)!;
    for (const [name, value] of Object.entries(perAtom[i])) {
      const s = el.states.findIndex((st) => st.name === name);
      if (s < 0) throw new Error(`no state ${name} of ${sym}`);
      w[MAX_STATES * i + s] = value;
    }
  });
  return w;
}

/** sum_i sum_M w_iM N_M. */
function electronCount(m: EctModel, atoms: Atoms, w: Float64Array): number {
  let total = 0;
  atoms.symbols.forEach((sym, i) => {
    const el = m.elements.find((e) => e.symbol === sym)!;
    el.states.forEach((s, k) => (total += w[MAX_STATES * i + k] * s.electrons));
  });
  return total;
}

/**
 * n(r) at a point by a brute-force sum over images |n_d| <= images along periodic directions, each
 * atom cut off (as the grid does) at the largest range of its states with nonzero weight.
 */
function densityAt(m: EctModel, atoms: Atoms, w: Float64Array, r: number[], images: number): number {
  const range = [0, 1, 2].map((d) => (atoms.pbc[d] ? images : 0));
  let v = 0;
  atoms.symbols.forEach((sym, i) => {
    const el = m.elements.find((e) => e.symbol === sym)!;
    const terms = el.states.flatMap((s, k) => s.density.map((t) => ({ ...t, electrons: t.electrons * w[MAX_STATES * i + k] })));
    const f = rbfDensity(terms);
    const cut = Math.max(0, ...el.states.map((s, k) => (w[MAX_STATES * i + k] !== 0 ? densityRange(s.density) : 0)));
    for (let a = -range[0]; a <= range[0]; a++) {
      for (let b = -range[1]; b <= range[1]; b++) {
        for (let c = -range[2]; c <= range[2]; c++) {
          let d2 = 0;
          for (let x = 0; x < 3; x++) {
            const img = atoms.positions[3 * i + x] + a * atoms.cell[x] + b * atoms.cell[3 + x] + c * atoms.cell[6 + x];
            d2 += (r[x] - img) ** 2;
          }
          if (d2 < cut * cut) v += f.value(Math.sqrt(d2));
        }
      }
    }
  });
  return v;
}

function pointOf(grid: DensityGrid, i: number, j: number, k: number): number[] {
  return [0, 1, 2].map((x) => grid.origin[x] + i * grid.axes[0][x] + j * grid.axes[1][x] + k * grid.axes[2][x]);
}

describe("electron density grid integrates to the valence electron count", () => {
  it("NaCl dimer (Na+ / Cl-) and an H atom, open boundaries, spacing 0.1 A", () => {
    const atoms = new Atoms({ symbols: ["Na", "Cl", "H"], positions: [0, 0, 0, 2.36, 0, 0, 1.2, 3.0, 0.4] });
    const w = weightsOf(model, atoms, [
      { "Na+": 0.9, Na0: 0.1 },
      { "Cl-": 0.88, Cl0: 0.12 },
      { H0: 0.97, "H-": 0.03 },
    ]);
    const expected = electronCount(model, atoms, w);
    expect(expected).toBeCloseTo(0.1 + 7.88 + 1.03, 12);
    const grid = electronDensityGrid(model, atoms, w, { spacing: 0.1, padding: 8 });
    // Open directions are x, y, z with steps of exactly the spacing.
    expect(grid.axes).toEqual([
      [0.1, 0, 0],
      [0, 0.1, 0],
      [0, 0, 0.1],
    ]);
    expect(grid.values.length).toBe(grid.shape[0] * grid.shape[1] * grid.shape[2]);
    const integral = integrateGrid(grid);
    expect(Math.abs(integral / expected - 1)).toBeLessThan(1e-3);
  });

  it("default spacing and padding: the box is 4 A wider than the atoms, integral within 0.5%", () => {
    const atoms = new Atoms({ symbols: ["Na", "Cl"], positions: [0, 0, 0, 0, 0, 2.36] });
    const w = weightsOf(model, atoms, [{ "Na+": 1 }, { Cl0: 1 }]);
    const grid = electronDensityGrid(model, atoms, w); // spacing 0.2, padding 4
    expect(grid.axes[0]).toEqual([0.2, 0, 0]);
    // The box spans the atoms plus 4 A on both sides (centered).
    expect(grid.origin[2]).toBeLessThanOrEqual(-4);
    expect(grid.origin[2] + (grid.shape[2] - 1) * 0.2).toBeGreaterThanOrEqual(2.36 + 4 - 1e-9);
    const integral = integrateGrid(grid);
    // At 0.2 A the sum over the grid is only ~0.2% accurate (the Slater cusp aliases; Cl0's tail is cut).
    expect(Math.abs(integral / 7 - 1)).toBeLessThan(5e-3);
  });

  it("2-atom cubic cell (CsCl-type NaCl), periodic: integral over the cell = electrons in the cell", () => {
    const a = 3.3;
    const atoms = new Atoms({
      symbols: ["Na", "Cl"],
      positions: [0, 0, 0, a / 2, a / 2, a / 2],
      cell: [a, 0, 0, 0, a, 0, 0, 0, a],
      pbc: [true, true, true],
    });
    const w = weightsOf(model, atoms, [{ "Na+": 0.8, Na0: 0.2 }, { "Cl-": 0.8, Cl0: 0.2 }]);
    const expected = electronCount(model, atoms, w);
    const grid = electronDensityGrid(model, atoms, w, { spacing: 0.1 });
    expect(grid.shape).toEqual([33, 33, 33]);
    expect(grid.origin).toEqual([0, 0, 0]);
    expect(voxelVolume(grid) * 33 ** 3).toBeCloseTo(a ** 3, 10);
    const integral = integrateGrid(grid);
    expect(Math.abs(integral / expected - 1)).toBeLessThan(1e-3);
    // Grid values are the sums over all periodic images within range (brute force over 6 shells).
    for (const [i, j, k] of [
      [0, 0, 0],
      [5, 17, 29],
      [32, 1, 16],
    ]) {
      const ref = densityAt(model, atoms, w, pointOf(grid, i, j, k), 6);
      expect(Math.abs(grid.values[(i * 33 + j) * 33 + k] / ref - 1)).toBeLessThan(1e-12);
    }
  });

  it("triclinic cell with atoms outside it and a slab (periodic x, y; open z)", () => {
    const cell = [3.1, 0, 0, 1.2, 2.9, 0, 0.7, -0.5, 3.4];
    const bulk = new Atoms({
      symbols: ["Li", "F"],
      positions: [-0.3, 4.0, 0.2, 1.9, 1.4, 5.1],
      cell,
      pbc: [true, true, true],
    });
    const wb = weightsOf(model, bulk, [{ "Li+": 0.7, Li0: 0.3 }, { "F-": 0.7, F0: 0.3 }]);
    const gb = electronDensityGrid(model, bulk, wb, { spacing: 0.1 });
    expect(Math.abs(integrateGrid(gb) / electronCount(model, bulk, wb) - 1)).toBeLessThan(1e-3);
    const pt = pointOf(gb, 7, 11, 30);
    const ref = densityAt(model, bulk, wb, pt, 10);
    expect(Math.abs(gb.values[(7 * gb.shape[1] + 11) * gb.shape[2] + 30] / ref - 1)).toBeLessThan(1e-12);

    const slab = new Atoms({
      symbols: ["Na", "Cl"],
      positions: [0, 0, 10, 1.4, 1.6, 12],
      cell: [2.9, 0, 0, 0.4, 3.1, 0, 0, 0, 0],
      pbc: [true, true, false],
    });
    const ws = weightsOf(model, slab, [{ "Na+": 1 }, { "Cl-": 1 }]);
    const gs = electronDensityGrid(model, slab, ws, { spacing: 0.1, padding: 9 });
    expect(gs.axes[2]).toEqual([0, 0, 0.1]);
    expect(gs.origin[0]).toBe(0);
    expect(gs.origin[1]).toBe(0);
    const integral = integrateGrid(gs);
    expect(Math.abs(integral / 8 - 1)).toBeLessThan(1e-3);
  });

  it("rejects weights of the wrong length and elements not in the model", () => {
    const atoms = new Atoms({ symbols: ["Na", "Cu"], positions: [0, 0, 0, 3, 0, 0] });
    expect(() => electronDensityGrid(model, atoms, new Float64Array(4))).toThrow(InputError);
    expect(() => electronDensityGrid(model, atoms, new Float64Array(8))).toThrow(/atom 1: element 'Cu' is not in the model/);
  });
});

describe("Gaussian cube files", () => {
  const atoms = new Atoms({ symbols: ["Na", "Cl", "H"], positions: [0.1, -0.2, 0.3, 2.46, 0.05, -0.1, 1.2, 3.0, 0.4] });
  const w = weightsOf(model, atoms, [{ "Na+": 0.9, Na0: 0.1 }, { "Cl-": 0.9, Cl0: 0.1 }, { H0: 1 }]);
  const grid = electronDensityGrid(model, atoms, w, { spacing: 0.35, padding: 3 });

  it("writes the header in bohr and values in e/bohr^3, 6 per line", () => {
    const text = formatCube(grid, atoms, { comment: "NaCl + H\nsecond line" });
    const lines = text.split("\n");
    expect(lines[0]).toBe("NaCl + H second line");
    expect(lines[1]).toBe(CUBE_LOOP_LINE);
    const head = lines[2].trim().split(/\s+/).map(Number);
    expect(head[0]).toBe(3);
    for (let c = 0; c < 3; c++) expect(head[1 + c]).toBeCloseTo(grid.origin[c] / BOHR_ANGSTROM, 6);
    expect(lines[3]).toBe(`${String(grid.shape[0]).padStart(5)}${(0.35 / BOHR_ANGSTROM).toFixed(6).padStart(12)}    0.000000    0.000000`);
    expect(lines[6]).toBe(`   11   11.000000${[0.1, -0.2, 0.3].map((x) => (x / BOHR_ANGSTROM).toFixed(6).padStart(12)).join("")}`);
    expect(lines[6].split(/\s+/).length).toBe(6);
    // Atom lines: Z and the charge column (default Z, or the given charges).
    const withCharges = formatCube(grid, atoms, { charges: Float64Array.from([0.9, -0.9, 0]) }).split("\n");
    expect(withCharges[7].trim().split(/\s+/).slice(0, 2)).toEqual(["17", "-0.900000"]);
    // The first value line: %13.5E fields, value converted to e/bohr^3.
    const first = lines[9];
    expect(first).toMatch(/^( [ -]\d\.\d{5}E[+-]\d\d){6}$/);
    expect(Number(first.slice(0, 13))).toBeCloseTo(grid.values[0] * BOHR_ANGSTROM ** 3, 10);
    // Each row of the fastest direction starts on a new line.
    const rowLines = Math.ceil(grid.shape[2] / 6);
    expect(lines.length - 1).toBe(9 + grid.shape[0] * grid.shape[1] * rowLines);
  });

  it("round trips: geometry to the printed precision, values to 5 significant digits, Z and units", () => {
    const charges = Float64Array.from([0.81234567, -0.7, -0.1]);
    const text = formatCube(grid, atoms, { charges });
    const back = parseCube(text, "rt.cube");
    expect(back.comments).toEqual(["ect-eam electron density (e/bohr^3)", CUBE_LOOP_LINE]);
    expect(back.grid.shape).toEqual(grid.shape);
    const geomTol = 0.5e-6 * BOHR_ANGSTROM * (1 + 1e-9);
    for (let c = 0; c < 3; c++) {
      expect(Math.abs(back.grid.origin[c] - grid.origin[c])).toBeLessThanOrEqual(geomTol);
      for (let d = 0; d < 3; d++) expect(Math.abs(back.grid.axes[d][c] - grid.axes[d][c])).toBeLessThanOrEqual(geomTol);
    }
    expect(Array.from(back.numbers)).toEqual([11, 17, 1]);
    expect(back.atoms.symbols).toEqual(["Na", "Cl", "H"]);
    expect(back.atoms.pbc).toEqual([false, false, false]);
    for (let i = 0; i < 9; i++) expect(Math.abs(back.atoms.positions[i] - atoms.positions[i])).toBeLessThanOrEqual(geomTol);
    expect(Array.from(back.charges)).toEqual([0.812346, -0.7, -0.1]);
    expect(back.atoms.cell[0]).toBeCloseTo(grid.shape[0] * grid.axes[0][0], 5);
    let worst = 0;
    for (let p = 0; p < grid.values.length; p++) {
      const v = grid.values[p];
      const rel = v === 0 ? Math.abs(back.grid.values[p]) : Math.abs(back.grid.values[p] / v - 1);
      worst = Math.max(worst, rel);
    }
    expect(worst).toBeLessThanOrEqual(5.000001e-6);
    // The integral survives the round trip.
    expect(integrateGrid(back.grid) / integrateGrid(grid) - 1).toBeCloseTo(0, 5);
    // Formatting the parsed grid again reproduces the file.
    expect(formatCube(back.grid, back.atoms, { charges: back.charges })).toBe(text);
  });

  it("reads Angstrom cubes (negative counts), orbital cubes (negative natoms) and D exponents", () => {
    const text = [
      "c1",
      "c2",
      "   -1    0.0 0.0 0.0",
      "   -2    0.5 0.0 0.0",
      "   -1    0.0 0.5 0.0",
      "   -3    0.0 0.0 0.5",
      "    8    8.0 0.1 0.2 0.3",
      "    1   17",
      " 1.0D-01 2.0E-01 3.0",
      "4 5 6",
    ].join("\n");
    const back = parseCube(text);
    expect(back.grid.shape).toEqual([2, 1, 3]);
    expect(back.grid.axes[0]).toEqual([0.5, 0, 0]);
    expect(Array.from(back.atoms.positions)).toEqual([0.1, 0.2, 0.3]);
    expect(Array.from(back.grid.values)).toEqual([0.1, 0.2, 3, 4, 5, 6]);
  });

  it("reports malformed files with the file and line", () => {
    const good = formatCube(grid, atoms).split("\n");
    const bad = (edit: (lines: string[]) => void) => {
      const l = good.slice();
      edit(l);
      try {
        parseCube(l.join("\n"), "bad.cube");
      } catch (e) {
        return e as InputError;
      }
      throw new Error("no error");
    };
    let e = bad((l) => (l[12] = l[12].replace(/E/, "X")));
    expect(e).toBeInstanceOf(InputError);
    expect(e.file).toBe("bad.cube");
    expect(e.line).toBe(13);
    expect(e.message).toMatch(/^bad\.cube:13: grid value \d+ of \d+: expected a number, got '/);
    e = bad((l) => (l[7] = "   17    7.0 1.0 2.0"));
    expect(e.line).toBe(8);
    expect(e.message).toMatch(/bad\.cube:8: missing atom z/);
    e = bad((l) => (l[4] = "    0  0.0 0.5 0.0"));
    expect(e.message).toMatch(/bad\.cube:5: number of points along direction 2 must not be 0/);
    e = bad((l) => (l[6] = "  200  1.0 0.0 0.0 0.0"));
    expect(e.message).toMatch(/bad\.cube:7: atomic number 200 is not an element/);
    e = bad((l) => l.splice(l.length - 3, 3));
    expect(e.message).toMatch(/unexpected end of file: expected \d+ values/);
    e = bad((l) => l.splice(l.length - 1, 0, " 1.00000E-03"));
    expect(e.line).toBe(good.length);
    expect(e.message).toMatch(/found more/);
    e = bad((l) => l.splice(4));
    expect(e.message).toBe("bad.cube:5: unexpected end of file: expected the line 'n2 x y z' of grid direction 2");
  });
});
