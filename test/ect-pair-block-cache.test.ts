/**
 * Pair blocks are built once per tables object and element set (src/ect/table-layout.ts,
 * pairBlocksFor) and copied by every engine that uses them: a second engine, or one that has seen
 * other elements in between, gives the same doubles as the first.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EctCalculator } from "../src/ect/calculator.js";
import { parseEctModelText } from "../src/ect/model.js";
import { buildEctTables } from "../src/ect/tables.js";
import { layoutEctTables, pairBlocksFor, typesPresent } from "../src/ect/table-layout.js";
import { rocksalt } from "../src/structures/lattice.js";

const tables = buildEctTables(parseEctModelText(readFileSync(new URL("../models/ect-fitted.json", import.meta.url), "utf8"), "ect-fitted.json"));

describe("pair blocks shared between engines", () => {
  it("one build per element set, long-range fold and grid", () => {
    const spec = layoutEctTables(tables, 12, 0).blockSpec;
    const nacl = typesPresent(tables.elements, ["Na", "Cl"]);
    const a = pairBlocksFor(tables, spec, nacl, true);
    expect(pairBlocksFor(tables, layoutEctTables(tables, 12, 0).blockSpec, nacl, true)).toBe(a);
    // (Object.is, not expect().not.toBe: on two distinct objects vitest's toBe deep-compares them for its
    // message, which on these megabytes of blocks took 10-30 s)
    expect(Object.is(pairBlocksFor(tables, spec, nacl, false), a)).toBe(false);
    expect(Object.is(pairBlocksFor(tables, spec, typesPresent(tables.elements, ["Li", "F"]), true), a)).toBe(false);
  });

  it("a second engine, and one that saw LiF in between, give the first engine's energies and forces bit for bit", async () => {
    const cell = rocksalt("Na", "Cl", 5.6, 1);
    const first = (await EctCalculator.create(tables)).calculate(cell);
    const second = (await EctCalculator.create(tables)).calculate(cell);
    const mixed = await EctCalculator.create(tables);
    mixed.calculate(rocksalt("Li", "F", 4.0, 1));
    const third = mixed.calculate(cell);
    for (const r of [second, third]) {
      expect(r.grandPotential).toBe(first.grandPotential);
      expect([...r.forces]).toEqual([...first.forces]);
    }
  });
});
