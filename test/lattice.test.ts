import { describe, expect, it } from "vitest";
import { bulk } from "../src/structures/lattice.js";
import { InputError } from "../src/errors.js";

/** Sorted minimum-image distances from atom 0 to all others in an orthorhombic periodic cell. */
function distancesFrom0(atoms: ReturnType<typeof bulk>): number[] {
  const p = atoms.positions;
  const L = [atoms.cell[0], atoms.cell[4], atoms.cell[8]];
  const out: number[] = [];
  for (let i = 1; i < atoms.length; i++) {
    let r2 = 0;
    for (let d = 0; d < 3; d++) {
      let x = p[3 * i + d] - p[d];
      x -= L[d] * Math.round(x / L[d]);
      r2 += x * x;
    }
    out.push(Math.sqrt(r2));
  }
  return out.sort((u, v) => u - v);
}

describe("bulk", () => {
  it("counts atoms per structure", () => {
    expect(bulk("Cu", "fcc", 3.615, 10).length).toBe(4000);
    expect(bulk("Fe", "bcc", 2.855, [3, 4, 5]).length).toBe(2 * 60);
    expect(bulk("Po", "sc", 3.35, [2, 1, 1]).length).toBe(2);
    expect(bulk("Si", "diamond", 5.431, 2).length).toBe(64);
  });

  it("has a cubic periodic cell of the right volume", () => {
    const a = 3.615;
    const at = bulk("Cu", "fcc", a, [2, 3, 4]);
    expect(Array.from(at.cell)).toEqual([2 * a, 0, 0, 0, 3 * a, 0, 0, 0, 4 * a]);
    expect(at.pbc).toEqual([true, true, true]);
    expect(at.volume()).toBeCloseTo(24 * a ** 3, 10);
    expect(at.symbols.every((s) => s === "Cu")).toBe(true);
    expect(at.masses[0]).toBeCloseTo(63.546, 3);
    expect(at.velocities).toBeNull();
  });

  it("orders atoms cell x outer, z inner, basis innermost", () => {
    const a = 2;
    const at = bulk("Cu", "fcc", a, [2, 2, 2]);
    expect(Array.from(at.positions.subarray(0, 12))).toEqual([0, 0, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0]);
    // fifth atom: cell (0,0,1) origin
    expect(Array.from(at.positions.subarray(12, 15))).toEqual([0, 0, 2]);
    // cell (1,0,0) starts after 4 cells x 4 atoms
    expect(Array.from(at.positions.subarray(3 * 16, 3 * 16 + 3))).toEqual([2, 0, 0]);
  });

  it("fcc nearest-neighbour distance is a/sqrt(2) with 12 neighbours", () => {
    const a = 3.615;
    const d = distancesFrom0(bulk("Cu", "fcc", a, 3));
    expect(d[0]).toBeCloseTo(a / Math.SQRT2, 12);
    const nn = d.filter((r) => Math.abs(r - a / Math.SQRT2) < 1e-9).length;
    expect(nn).toBe(12);
    expect(d[12]).toBeCloseTo(a, 12);
  });

  it("bcc and diamond nearest neighbours", () => {
    const dB = distancesFrom0(bulk("Fe", "bcc", 2.855, 3));
    expect(dB[0]).toBeCloseTo((2.855 * Math.sqrt(3)) / 2, 12);
    expect(dB.filter((r) => Math.abs(r - dB[0]) < 1e-9).length).toBe(8);
    const dD = distancesFrom0(bulk("Si", "diamond", 5.431, 2));
    expect(dD[0]).toBeCloseTo((5.431 * Math.sqrt(3)) / 4, 12);
    expect(dD.filter((r) => Math.abs(r - dD[0]) < 1e-9).length).toBe(4);
  });

  it("validates arguments", () => {
    expect(() => bulk("Cu", "fcc", 0, 2)).toThrow(InputError);
    expect(() => bulk("Cu", "fcc", -3.6, 2)).toThrow(/lattice constant/);
    expect(() => bulk("Cu", "fcc", NaN, 2)).toThrow(InputError);
    expect(() => bulk("Cu", "fcc", 3.6, 0)).toThrow(/repeat/);
    expect(() => bulk("Cu", "fcc", 3.6, [2, 2.5, 2])).toThrow(InputError);
    expect(() => bulk("Cu", "fcc", 3.6, [2, 2] as unknown as [number, number, number])).toThrow(InputError);
    expect(() => bulk("Cu", "hcp" as "fcc", 3.6, 2)).toThrow(/structure/);
    expect(() => bulk("Xx", "fcc", 3.6, 2)).toThrow(/symbol/);
  });
});
