/**
 * The per-pair Coulomb-remainder fixture of test/ect-remainder-pairs.test.ts and
 * test/verify/ect-remainder-pairs.test.ts: the hand-set bond-transfer model with DSF, and rattled
 * rock-salt cells.
 */
import { readFileSync } from "node:fs";
import { Atoms } from "../../src/atoms.js";
import { rocksalt } from "../../src/structures/lattice.js";
import { calculatorOf } from "./ect-tables.js";

const FIXTURE = new URL("../fixtures/ect-bond-test.json", import.meta.url);
/** The fixture with DSF (9 A) and, when given, per-pair remainder cutoffs. */
export const json = (pairs?: Record<string, number>) => {
  const m = JSON.parse(readFileSync(FIXTURE, "utf8"));
  m.electrostatics = { longRange: "dsf", cutoff: 9, dsfAlpha: 0.28 };
  if (pairs) m.cutoffs.coulombShortRangePairs = pairs;
  return m;
};
export const calcFor = (m: Record<string, any>) => calculatorOf(m, "ect-bond-test.json");
/** A rock-salt cell (8 atoms) with every coordinate displaced by up to 0.15 A. */
export const rattled = (cation: string, anion: string, a: number) => {
  const base = rocksalt(cation, anion, a, 1);
  const p = Float64Array.from(base.positions);
  for (let k = 0; k < p.length; k++) p[k] += 0.15 * Math.sin(2.3 * k + 0.7);
  return new Atoms({ symbols: base.symbols, positions: p, cell: base.cell, pbc: base.pbc });
};
// 13 A: beyond the DSF cutoff (9 A), so the folded point-charge kernel ends inside the remainder
// tier, and beyond the fixture's bond reach (11 A), so the lists must reach further.
export const LONG = { "H-H": 13 };
