/**
 * The shipped model (models/ect-fitted.json: bond transfer with induction, fitted to molecules,
 * clusters and crystals together) against the targets of the issue "ECT-EAM that transfers". The
 * acceptance bands are written here, with the reference each one uses:
 * - diatomics: datasets/qm/equilibrium.json (spline minimum of the QM curves) and the QM frames;
 * - crystals: the static-lattice experimental values of datasets/crystals/README.md;
 * - clusters: datasets/qm/LiH_dimer.extxyz and datasets/clusters (CCSD(T)/aug-cc-pVTZ).
 * Charges along the curves are compared as the QM data defines them: dipole / R, here of the
 * model's dipole (charges and induced dipoles), like with like.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";

// Long physics runs (npm run verify): each test may take minutes on a loaded 2-core machine.
vi.setConfig({ testTimeout: 1_800_000 });
import { Atoms } from "../../src/atoms.js";
import { EctCalculator } from "../../src/ect/calculator.js";
import { parseEctModelText, type EctModel } from "../../src/ect/model.js";
import { buildEctTables } from "../../src/ect/tables.js";
import { scanCrossing } from "../../src/fit/crossing.js";
import { DEBYE_PER_E_A, diatomicProperties } from "../../src/fit/diatomic.js";
import { localEvaluator } from "../../src/fit/evaluator.js";
import { parseTrainingSet } from "../../src/fit/dataset.js";
import { fire } from "../../src/optimize/fire.js";
import { PositionObjective } from "../../src/optimize/positions.js";
import { equationOfState } from "../../src/properties/eos.js";
import { rocksalt } from "../../src/structures/lattice.js";

const root = new URL("../../", import.meta.url);
const read = (p: string) => readFileSync(new URL(p, root), "utf8");
const modelText = read("models/ect-fitted.json");
const model = (edit?: (m: EctModel) => void): EctModel => {
  const m = parseEctModelText(modelText, "ect-fitted.json");
  edit?.(m);
  return m;
};
const calcFor = (m: EctModel) => EctCalculator.create(buildEctTables(m));
const elements = model().elements.map((e) => e.symbol);
/**
 * Targets the shipped model does not meet yet (measured with `npm run verify` on 2026-12-07; the
 * issue stays open on them). They run as `it.fails`: each must still fail, so the day one is met
 * the suite turns red and the entry has to go.
 * - LiH B0 64 GPa against 37 (the issue asks for B0 within 25 % of experiment for all three rock
 *   salts; datasets/crystals has no zero-point-corrected experimental B0 for LiH, so PBE's, computed
 *   here, stands in; docs/fitting.md, "LiH's bulk modulus", says where the curvature comes from);
 * Met since the lithium refit of 2026-12-07 (docs/fitting.md, step 14): LiH R_e (1.579 A against
 * 1.594; was 1.544) and LiF B0 (69.5 GPa against 70; was 86.7). Met since the refits before it
 * (steps 7-12): NaCl R_e, the (LiH)2 frames and the Coulomb-remainder truncation of LiH.
 */
const LIH_B0 = "LiH B0 within 25 % of 37 GPa (PBE, the stand-in for experiment: datasets/crystals/LiH.pbe.json)";
const KNOWN_UNMET = new Set([LIH_B0]);
/** `it`, or `it.fails` for a target in KNOWN_UNMET. */
const target = (name: string) => (KNOWN_UNMET.has(name) ? it.fails : it);
const references = (JSON.parse(read("datasets/qm/equilibrium.json")) as { molecules: Record<string, { elements: [string, string]; Re: number; De: number; dipoleDebye: number }> }).molecules;

describe("diatomics: R_e within 0.03 A, D_e within 0.15 eV, dipole within 15 %, neutral at 20 A, charge along the curve within 0.15 e", () => {
  const evaluator = localEvaluator();
  for (const name of ["H2", "LiH", "HF", "LiF", "NaCl"]) {
    target(name)(name, async () => {
      const ref = references[name];
      const p = await diatomicProperties(evaluator, modelText, ref.elements[0], ref.elements[1], ref.Re);
      expect(Math.abs(p.Re - ref.Re), `R_e ${p.Re} vs ${ref.Re} A`).toBeLessThanOrEqual(0.03);
      expect(Math.abs(p.De - ref.De), `D_e ${p.De} vs ${ref.De} eV`).toBeLessThanOrEqual(0.15);
      const refDipole = ref.dipoleDebye / DEBYE_PER_E_A;
      if (refDipole === 0) expect(p.dipole).toBeLessThan(1e-6);
      else expect(Math.abs(p.dipole - refDipole) / refDipole, `dipole ${p.dipole} vs ${refDipole} e*A`).toBeLessThanOrEqual(0.15);
      expect(p.farCharge, "largest |q| at 20 A").toBeLessThan(1e-6);
      // charge (dipole / R) along the reference curve up to 2 R_e
      const calc = await calcFor(model());
      const set = parseTrainingSet(read(`datasets/qm/${name}.extxyz`), `${name}.extxyz`, elements);
      for (const f of set.frames) {
        if (!f.dipole || !f.bondLength || f.bondLength > 2 * ref.Re) continue;
        calc.engine.coldStart();
        const r = calc.calculate(f.atoms);
        const q = Math.hypot(...r.dipole) / f.bondLength, qRef = Math.hypot(...f.dipole) / f.bondLength;
        expect(Math.abs(q - qRef), `dipole/R at R = ${f.bondLength.toFixed(3)} A: ${q.toFixed(3)} vs ${qRef.toFixed(3)} e`).toBeLessThanOrEqual(0.15);
      }
    });
  }
});

/** Static-lattice experimental values (datasets/crystals/README.md); B0 only where the issue sets one. */
const CRYSTALS = [
  { name: "LiF", cation: "Li", anion: "F", a0: 3.972, ecoh: 8.9, b0: 70 as number | null },
  { name: "NaCl", cation: "Na", anion: "Cl", a0: 5.565, ecoh: 6.7, b0: 27 as number | null },
  { name: "LiH", cation: "Li", anion: "H", a0: 3.979, ecoh: 4.99, b0: null as number | null },
];

describe("rock-salt crystals: one minimum; a0 within 2 %, cohesive energy within 10 %, B0 within 25 %; charges 0.6-1.0 e", () => {
  for (const lr of ["ewald", "dsf"] as const) {
    for (const c of CRYSTALS) {
      target(`${c.name} (${lr})`)(`${c.name} (${lr})`, async () => {
        const m = model((mm) => {
          if (lr === "ewald") mm.electrostatics = { ...mm.electrostatics, longRange: "ewald", cutoff: 11, ewaldAccuracy: 1e-7 };
        });
        const calc = await calcFor(m);
        // one minimum of E(a) between 0.8 and 1.3 a0
        const es: number[] = [];
        for (let s = 0.8; s <= 1.3 + 1e-9; s += 0.025) es.push(calc.calculate(rocksalt(c.cation, c.anion, c.a0 * s, 1)).grandPotential!);
        let minima = 0;
        for (let k = 1; k < es.length - 1; k++) if (es[k] < es[k - 1] && es[k] <= es[k + 1]) minima++;
        expect(minima, `E(a) on 0.8-1.3 a0: ${es.map((e) => (e / 4).toFixed(3)).join(" ")}`).toBe(1);
        const eos = equationOfState(calc, rocksalt(c.cation, c.anion, c.a0, 1), { latticeConstant: c.a0, strain: 0.03, points: 7 });
        expect(Math.abs(eos.a0! / c.a0 - 1), `a0 ${eos.a0} vs ${c.a0} A`).toBeLessThanOrEqual(0.02);
        expect(Math.abs((2 * eos.cohesiveEnergy) / c.ecoh - 1), `Ecoh ${2 * eos.cohesiveEnergy} vs ${c.ecoh} eV per formula unit`).toBeLessThanOrEqual(0.1);
        if (c.b0 !== null) expect(Math.abs(eos.b0GPa / c.b0 - 1), `B0 ${eos.b0GPa} vs ${c.b0} GPa`).toBeLessThanOrEqual(0.25);
        const r = calc.calculate(rocksalt(c.cation, c.anion, eos.a0!, 1));
        for (const q of r.charges) expect(Math.abs(q)).toBeGreaterThanOrEqual(0.6), expect(Math.abs(q)).toBeLessThanOrEqual(1.0);
      });
    }
  }
});

describe("LiH's bulk modulus", () => {
  target(LIH_B0)(LIH_B0, async () => {
    const calc = await calcFor(model());
    const eos = equationOfState(calc, rocksalt("Li", "H", 3.979, 1), { latticeConstant: 3.979, strain: 0.03, points: 7 });
    expect(Math.abs(eos.b0GPa / 37 - 1), `B0 ${eos.b0GPa} GPa`).toBeLessThanOrEqual(0.25);
  });
});

/** Relaxed energy (eV) of a cluster with the model. */
async function relaxed(calc: EctCalculator, atoms: Atoms): Promise<{ energy: number; atoms: Atoms }> {
  const obj = new PositionObjective(atoms.copy(), calc);
  fire(obj, { fmax: 1e-3, steps: 3000 });
  const r = calc.calculate(obj.atoms);
  return { energy: r.grandPotential, atoms: obj.atoms };
}

describe("clusters", () => {
  target("(LiH)2 frames: energy RMS within 0.3 eV of CCSD(T)")("(LiH)2 frames: energy RMS within 0.3 eV of CCSD(T)", async () => {
    const calc = await calcFor(model());
    const set = parseTrainingSet(read("datasets/qm/LiH_dimer.extxyz"), "LiH_dimer.extxyz", elements);
    let sse = 0;
    for (const f of set.frames) {
      calc.engine.coldStart();
      sse += (calc.calculate(f.atoms).grandPotential - f.energy) ** 2;
    }
    expect(Math.sqrt(sse / set.frames.length)).toBeLessThanOrEqual(0.3);
  });

  for (const [mx, m, x] of [["LiF", "Li", "F"], ["NaCl", "Na", "Cl"]] as const) {
    it(`(${mx})2 dimerization energy within 0.3 eV of CCSD(T) (relaxed rhombus against two relaxed monomers)`, async () => {
      const calc = await calcFor(model());
      const clusters = parseTrainingSet(read(`datasets/clusters/${mx}2.extxyz`), `${mx}2.extxyz`, elements);
      const monomers = parseTrainingSet(read("datasets/clusters/monomers.extxyz"), "monomers.extxyz", elements);
      const eq = clusters.frames.find((f) => f.atoms.info.tag === `${mx}2_eq`)!;
      const mono = monomers.frames.find((f) => f.atoms.symbols[0] === m)!;
      const qm = eq.energy - 2 * mono.energy;
      const dimer = await relaxed(calc, eq.atoms);
      const one = await relaxed(calc, new Atoms({ symbols: [m, x], positions: [0, 0, 0, 0, 0, mono.bondLength!] }));
      expect(Math.abs(dimer.energy - 2 * one.energy - qm), `${dimer.energy - 2 * one.energy} vs ${qm} eV`).toBeLessThanOrEqual(0.3);
    });
  }

  it("(NaCl)4 relaxes to the cube: every ion keeps three counter-ions at one distance, no Cl-Cl contact", async () => {
    const calc = await calcFor(model());
    const edge = 2.65;
    const symbols: string[] = [], positions: number[] = [];
    for (const i of [0, 1]) for (const j of [0, 1]) for (const k of [0, 1]) {
      symbols.push((i + j + k) % 2 === 0 ? "Na" : "Cl");
      // a slightly distorted start
      positions.push(edge * i + 0.05 * Math.sin(3 * i + j), edge * j + 0.05 * Math.cos(2 * k + i), edge * k - 0.04 * Math.sin(i + 2 * j));
    }
    const r = await relaxed(calc, new Atoms({ symbols, positions }));
    const p = r.atoms.positions;
    const d = (a: number, b: number) => Math.hypot(p[3 * a] - p[3 * b], p[3 * a + 1] - p[3 * b + 1], p[3 * a + 2] - p[3 * b + 2]);
    const nacl: number[] = [];
    let minClCl = Infinity;
    for (let a = 0; a < 8; a++) {
      const near = [];
      for (let b = 0; b < 8; b++) if (b !== a && symbols[a] !== symbols[b]) near.push(d(a, b));
      near.sort((u, v) => u - v);
      nacl.push(...near.slice(0, 3));
      expect(near[3] / near[2], "the fourth counter-ion is the cube's body diagonal").toBeGreaterThan(1.4);
      for (let b = a + 1; b < 8; b++) if (symbols[a] === "Cl" && symbols[b] === "Cl") minClCl = Math.min(minClCl, d(a, b));
    }
    expect(Math.max(...nacl) - Math.min(...nacl)).toBeLessThan(0.02);
    expect(minClCl).toBeGreaterThan(3.3);
  });
});

describe("ionic-covalent crossings of the alkali halides stay avoided", () => {
  // Warm scans through LiF's (7.2 A) and NaCl's (9.4 A) crossings in 0.01 A steps. An avoided
  // crossing moves the charge over a width set by the coupling there; a first-order one (the
  // ensemble model with its 6 A taper) jumps by ~1 e with force steps of 0.08-0.14 eV/A. Bands: no
  // step above 0.1 e (a width of at least ~0.1 A) or 0.02 eV/A.
  for (const [a, b, lo, hi] of [["Li", "F", 6, 9.2], ["Na", "Cl", 8, 11.2]] as const) {
    it(`${a}${b} from ${lo} to ${hi} A: charge steps below 0.1 e and force steps below 0.02 eV/A, ionic before and neutral after`, async () => {
      const c = scanCrossing(await calcFor(model()), a, b, lo, hi);
      expect(c.chargeInner, "charge at the inner end").toBeGreaterThan(0.5);
      expect(Math.abs(c.chargeOuter), "charge at the outer end").toBeLessThan(1e-6);
      expect(c.largestChargeStep, "largest charge step").toBeLessThan(0.1);
      expect(c.largestForceStep, "largest force step").toBeLessThan(0.02);
    });
  }
});

describe("long range and truncation in crystals", () => {
  it("the MD choice (DSF) agrees with Ewald on the rock-salt crystals to 1 meV/atom (at 0.96, 1 and 1.04 a0)", async () => {
    const dsfCalc = await calcFor(model());
    const ewaldCalc = await calcFor(model((m) => (m.electrostatics = { ...m.electrostatics, longRange: "ewald", cutoff: 11, ewaldAccuracy: 1e-8 })));
    for (const c of CRYSTALS) {
      for (const s of [0.96, 1, 1.04]) {
        const atoms = rocksalt(c.cation, c.anion, c.a0 * s, 1);
        const d = (dsfCalc.calculate(atoms).grandPotential - ewaldCalc.calculate(atoms).grandPotential) / atoms.length;
        expect(Math.abs(d), `${c.name} at ${s} a0: DSF - Ewald = ${d} eV/atom`).toBeLessThan(1e-3);
      }
    }
  });

  target("no truncation artefact of the Coulomb remainder: the model's and a 16 A remainder cutoff agree to 1 meV per formula unit")("no truncation artefact of the Coulomb remainder: the model's and a 16 A remainder cutoff agree to 1 meV per formula unit", async () => {
    const short = await calcFor(model());
    const long = await calcFor(model((m) => (m.cutoffs = { ...m.cutoffs, coulombShortRange: 16, coulombShortRangePairs: undefined })));
    for (const c of CRYSTALS) {
      for (const s of [0.9, 1, 1.1]) {
        const atoms = rocksalt(c.cation, c.anion, c.a0 * s, 1);
        const d = (short.calculate(atoms).grandPotential - long.calculate(atoms).grandPotential) / 4;
        expect(Math.abs(d), `${c.name} at ${s} a0: ${d} eV per formula unit`).toBeLessThan(1e-3);
      }
    }
  });
});
