/**
 * The fit report's section on element pairs beyond the five training diatomics: NaH, LiCl and NaF
 * (their repulsion and coupling scale fitted to curves made for them, NaF's and NaH's with their
 * rock-salt crystals), against the CCSD(T) references of datasets/qm/equilibrium.json ("crossPairs"), and the
 * rock-salt crystals of the three pairs (NaF and NaH against the static-lattice estimates of
 * datasets/crystals/README.md; LiCl has no reference in datasets/ yet). Measures and tabulates; the acceptance
 * bands are test/verify/fit-model-cross.test.ts's.
 */
import { EctCalculator } from "../ect/calculator.js";
import { equationOfState } from "../properties/eos.js";
import { rocksalt } from "../structures/lattice.js";
import { parseTrainingSet } from "./dataset.js";
import { DEBYE_PER_E_A, diatomicProperties } from "./diatomic.js";
import type { ModelEvaluator } from "./evaluator.js";

interface CrossReference {
  elements: [string, string];
  level: string;
  Re: number;
  De: number;
  dipoleDebye: number;
}

/** The pairs of the section and how the model got them. */
export const CROSS_PAIRS = [
  { name: "NaH", role: "fitted (stage NaH, with rock-salt NaH)" },
  { name: "LiCl", role: "fitted (stage LiCl)" },
  { name: "NaF", role: "fitted (stage NaF, with rock-salt NaF)" },
] as const;

/** Rock-salt cells of the cross pairs, with the start of the equation-of-state search (A); not targets. */
const CROSS_CRYSTALS = [
  { name: "NaF", cation: "Na", anion: "F", start: 4.63 },
  { name: "LiCl", cation: "Li", anion: "Cl", start: 5.13 },
  { name: "NaH", cation: "Na", anion: "H", start: 4.88 },
] as const;

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : "n/a");
const f4 = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : "n/a");

/**
 * A rock-salt crystal's equation of state around a (A, the 8-atom cell's lattice constant; strain
 * and points as equationOfState's): a0 (A), cohesive energy (eV per formula unit), B0 (GPa) and the
 * cation's charge at a0 (e); NaN where there is no minimum near a.
 */
export function rocksaltSummary(calc: EctCalculator, cation: string, anion: string, a: number, strain: number, points: number): { a0: number; ecoh: number; b0: number; q: number } {
  try {
    const eos = equationOfState(calc, rocksalt(cation, anion, a, 1), { latticeConstant: a, strain, points });
    return { a0: eos.a0!, ecoh: 2 * eos.cohesiveEnergy, b0: eos.b0GPa, q: calc.calculate(rocksalt(cation, anion, eos.a0!, 1)).charges[0] };
  } catch {
    return { a0: NaN, ecoh: NaN, b0: NaN, q: NaN };
  }
}

/** Markdown lines of the cross-pair section (energies eV, lengths A, dipoles D). */
export async function crossPairSection(calc: EctCalculator, evaluator: ModelEvaluator, modelText: string, read: (path: string) => string, elements: string[]): Promise<string[]> {
  const refs = (JSON.parse(read("datasets/qm/equilibrium.json")) as { crossPairs: Record<string, CrossReference> }).crossPairs;
  const md: string[] = ["## Pairs beyond the training diatomics", ""];
  md.push(
    "NaH, LiCl and NaF: Born-Mayer repulsion and the scale of the Olson-Smith-Bauer coupling fitted to frozen-core CCSD(T)/aug-cc-pVTZ curves made for them (NaF's and NaH's together with their rock-salt crystals; Na also sees the hydride's and fluoride's densities scaled). The frozen-core bond lengths run 0.03-0.07 A beyond experiment (experimental r_e: NaH 1.887, LiCl 2.021, NaF 1.926 A). References: datasets/qm/equilibrium.json.",
    "",
    "| molecule | how | R_e model | R_e ref | D_e model | D_e ref | dipole model (D) | dipole ref (D) | q(R_e) | curve energy RMS (eV) |",
    "|---|---|---|---|---|---|---|---|---|---|",
  );
  for (const pair of CROSS_PAIRS) {
    const ref = refs[pair.name];
    const p = await diatomicProperties(evaluator, modelText, ref.elements[0], ref.elements[1], ref.Re);
    const set = parseTrainingSet(read(`datasets/qm/${pair.name}.extxyz`), `${pair.name}.extxyz`, elements);
    let sse = 0;
    for (const fr of set.frames) {
      calc.engine.coldStart();
      sse += (calc.calculate(fr.atoms).grandPotential - fr.energy) ** 2;
    }
    const rms = Math.sqrt(sse / set.frames.length);
    md.push(`| ${pair.name} | ${pair.role} | ${f4(p.Re)} | ${f4(ref.Re)} | ${f3(p.De)} | ${f3(ref.De)} | ${f3(p.dipole * DEBYE_PER_E_A)} | ${f3(ref.dipoleDebye)} | ${f3(p.charge)} | ${f3(rms)} |`);
  }
  md.push("", "Rock-salt crystals of these pairs (8-atom cells, the model's DSF). Static-lattice estimates (datasets/crystals/README.md): NaF a0 4.572 A, E_coh 7.95 eV per formula unit, B0 about 48 GPa; NaH 4.80 A, 4.08 eV, B0 19.4 +- 2.0 GPa at room temperature (Duclos et al., Phys. Rev. B 36, 7664 (1987)); LiCl has no reference in datasets/ (room-temperature a0 about 5.13 A):", "");
  md.push("| crystal | minima of E(a) on 0.8-1.3 of the start | a0 model (A) | E_coh model (eV/fu) | B0 model (GPa) | charge |", "|---|---|---|---|---|---|");
  for (const c of CROSS_CRYSTALS) {
    const es: number[] = [];
    for (let s = 0.8; s <= 1.3 + 1e-9; s += 0.025) es.push(calc.calculate(rocksalt(c.cation, c.anion, c.start * s, 1)).grandPotential);
    let minima = 0;
    for (let k = 1; k < es.length - 1; k++) if (es[k] < es[k - 1] && es[k] <= es[k + 1]) minima++;
    const { a0, ecoh, b0, q } = rocksaltSummary(calc, c.cation, c.anion, c.start, 0.04, 9);
    md.push(`| ${c.name} | ${minima} | ${f3(a0)} | ${f3(ecoh)} | ${Number.isFinite(b0) ? b0.toFixed(1) : "n/a"} | ${f3(q)} |`);
  }
  md.push("");
  return md;
}
