/**
 * The fit report: per-dataset RMSE of energy, force and dipole; the fitted parameters with their
 * uncertainties; for each diatomic with a reference in equilibrium.json, R_e, D_e and the dipole at
 * R_e next to the reference with the issue's acceptance bands; curves for plots.
 */
import type { EctResults } from "../ect/calculator.js";
import type { TrainingSet } from "./dataset.js";
import type { ModelEvaluator } from "./evaluator.js";
import type { FitResult } from "./fit.js";
import type { StageSummary } from "./stages.js";
import { DEBYE_PER_E_A, diatomicProperties, dimerAtoms, type DiatomicProperties } from "./diatomic.js";

/** Acceptance bands of the equilibrium comparison (issue 4). */
export const BANDS = { Re: 0.03, De: 0.15, dipoleRelative: 0.15, farCharge: 1e-6 };

export interface ReferenceMolecule {
  elements: [string, string];
  Re: number;
  De: number;
  dipoleDebye: number;
  level?: string;
}

export interface DatasetRmse {
  name: string;
  frames: number;
  /** eV per frame. */
  energy: number;
  /** eV/A per component; null without reference forces. */
  force: number | null;
  /** e*A per component; null without reference dipoles. */
  dipole: number | null;
}

export interface EquilibriumRow {
  molecule: string;
  model: DiatomicProperties;
  reference: ReferenceMolecule;
  /** Each criterion: passes its band. */
  pass: { Re: boolean; De: boolean; dipole: boolean; farCharge: boolean };
}

export interface FitReport {
  datasets: DatasetRmse[];
  equilibrium: EquilibriumRow[];
  fit: Omit<FitResult, "model">;
  /** Stages of a staged fit (`--stages`), in order; the parameter table is the last stage's. */
  stages?: StageSummary[];
}

/** RMSE of each dataset at the fitted model's results (same frame order as `sets`). */
export function datasetRmse(sets: readonly TrainingSet[], results: readonly EctResults[]): DatasetRmse[] {
  let k = 0;
  return sets.map((s) => {
    let se = 0, sf = 0, nf = 0, sd = 0, nd = 0;
    for (const f of s.frames) {
      const r = results[k++];
      se += (r.grandPotential - f.energy) ** 2;
      if (f.forces) for (let c = 0; c < f.forces.length; c++, nf++) sf += (r.forces[c] - f.forces[c]) ** 2;
      if (f.dipole) for (let c = 0; c < 3; c++, nd++) sd += (r.dipole[c] - f.dipole[c]) ** 2;
    }
    return {
      name: s.name,
      frames: s.frames.length,
      energy: Math.sqrt(se / s.frames.length),
      force: nf > 0 ? Math.sqrt(sf / nf) : null,
      dipole: nd > 0 ? Math.sqrt(sd / nd) : null,
    };
  });
}

/** R_e, D_e, dipole of each referenced diatomic under the model, against the reference. */
export async function equilibriumTable(evaluator: ModelEvaluator, modelText: string, references: Record<string, ReferenceMolecule>, molecules: readonly string[]): Promise<EquilibriumRow[]> {
  const rows: EquilibriumRow[] = [];
  for (const name of molecules) {
    const ref = references[name];
    if (!ref) continue;
    const [a, b] = ref.elements;
    const model = await diatomicProperties(evaluator, modelText, a, b, ref.Re);
    const refDipole = ref.dipoleDebye / DEBYE_PER_E_A;
    rows.push({
      molecule: name,
      model,
      reference: ref,
      pass: {
        Re: Math.abs(model.Re - ref.Re) <= BANDS.Re,
        De: Math.abs(model.De - ref.De) <= BANDS.De,
        dipole: refDipole === 0 ? model.dipole < 0.01 : Math.abs(model.dipole - refDipole) <= BANDS.dipoleRelative * refDipole,
        farCharge: model.farCharge < BANDS.farCharge,
      },
    });
  }
  return rows;
}

/** The report as Markdown. */
export function reportMarkdown(report: FitReport, title: string): string {
  const f = (v: number | null, d = 4) => (v === null ? "-" : v.toFixed(d));
  const lines = [`# ${title}`, ""];
  const fit = report.fit;
  lines.push(`Cost 1/2 sum r^2 = ${fit.cost.toPrecision(6)} over ${fit.residualCount} residuals; best start ${fit.bestStart}; ${fit.iterations} LM iterations (${fit.reason}).`, "");
  if (report.stages) {
    lines.push("## Stages", "", "| stage | datasets | parameters | cost | LM iterations | stop |", "|---|---|---|---|---|---|");
    for (const st of report.stages) lines.push(`| ${st.name} | ${st.data.join(", ")} | ${st.parameters} | ${st.cost.toPrecision(6)} | ${st.iterations} | ${st.reason} |`);
    lines.push("", "The cost line above and the parameter table below are those of the last stage.", "");
  }
  lines.push("## RMSE per dataset", "", "| dataset | frames | energy (eV) | force (eV/A) | dipole (e*A) |", "|---|---|---|---|---|");
  for (const d of report.datasets) lines.push(`| ${d.name} | ${d.frames} | ${f(d.energy)} | ${f(d.force)} | ${f(d.dipole)} |`);
  lines.push("", "## Equilibrium properties (model vs reference)", "");
  lines.push(`Bands: R_e within ${BANDS.Re} A, D_e within ${BANDS.De} eV, dipole within ${BANDS.dipoleRelative * 100} %, |q| < ${BANDS.farCharge} e at 20 A.`, "");
  lines.push("| molecule | R_e model | R_e ref | D_e model | D_e ref | dipole model (D) | dipole ref (D) | q(R_e) | max abs q at 20 A | pass |", "|---|---|---|---|---|---|---|---|---|---|");
  for (const r of report.equilibrium) {
    const p = r.pass;
    const ok = p.Re && p.De && p.dipole && p.farCharge;
    const fails = Object.entries(p).filter(([, v]) => !v).map(([k]) => k).join(", ");
    lines.push(
      `| ${r.molecule} | ${r.model.Re.toFixed(4)} | ${r.reference.Re.toFixed(4)} | ${r.model.De.toFixed(3)} | ${r.reference.De.toFixed(3)} | ` +
        `${(r.model.dipole * DEBYE_PER_E_A).toFixed(3)} | ${r.reference.dipoleDebye.toFixed(3)} | ${r.model.charge.toFixed(4)} | ${r.model.farCharge.toExponential(1)} | ${ok ? "yes" : `no (${fails})`} |`,
    );
  }
  lines.push("", "## Parameters", "", "| parameter | start | fitted | uncertainty (1 sigma) | unit |", "|---|---|---|---|---|");
  for (const p of fit.parameters) lines.push(`| ${p.label} | ${p.start.toPrecision(6)} | ${p.value.toPrecision(8)} | ${Number.isFinite(p.uncertainty) ? p.uncertainty.toPrecision(3) : "-"} | ${p.unit} |`);
  return lines.join("\n") + "\n";
}

/** Model curve of a diatomic (Omega and |dipole| vs R) on a grid, for plots. */
export async function diatomicCurve(evaluator: ModelEvaluator, modelText: string, a: string, b: string, rs: readonly number[]): Promise<{ r: number; energy: number; dipole: number; charge: number }[]> {
  const res = await evaluator.evaluate(modelText, rs.map((r) => dimerAtoms(a, b, r)));
  return res.map((x, k) => ({ r: rs[k], energy: x.grandPotential, dipole: Math.hypot(...x.dipole), charge: x.charges[0] }));
}
