/**
 * `ect-eam eval --potential AlO.eam.alloy --streitz AlO.streitz --summation wolf|ewald ...`: the
 * Streitz-Mintmire model (LAMMPS coul/streitz + eam/alloy + fix qeq/slater), evaluated by
 * `StreitzCalculator` (src/streitz/calculator.ts). `eval.ts` registers the flags with
 * `addStreitzOptions` and hands over to `evalStreitz` when any of them is given.
 */
import type { Command } from "commander";
import type { Atoms } from "../atoms.js";
import { InputError } from "../errors.js";
import { formatExtxyz } from "../io/extxyz.js";
import { writeFileAtomic } from "../io/output-file.js";
import { setEnergies, voigtToFull, withoutResults } from "../io/result-frame.js";
import { checkStructure } from "./sanity.js";
import { readStructureFile } from "../io/structure-file.js";
import { StreitzCalculator, STREITZ_DEFAULTS, type StreitzCalculatorOptions } from "../streitz/calculator.js";
import { readStreitzFile } from "../streitz/params-file.js";
import { loadPotential, numberOption, speciesOption } from "./common.js";
import { choiceOption } from "./options.js";
import { stderr } from "./io.js";

/** The Streitz flags, as commander names them in `opts`. */
export interface StreitzFlags {
  streitz?: string;
  summation?: string;
  coulCutoff?: string;
  wolfAlpha?: string;
  ewaldAccuracy?: string;
  ewaldG?: string;
  ewaldKmax?: string;
  qeqTolerance?: string;
  qeqMaxiter?: string;
  qeqCutoff?: string;
  qeqAlpha?: string;
  streitzMode?: string;
}

/** Everything `eval` hands over. */
export interface StreitzEvalOptions extends StreitzFlags {
  potential?: string;
  model?: string;
  cube?: string;
  qeqFrom?: string;
  style?: string;
  species?: string;
  simd?: string;
  input: string;
  output: string;
}

const FLAGS: [keyof StreitzFlags, string][] = [
  ["streitz", "--streitz"],
  ["summation", "--summation"],
  ["coulCutoff", "--coul-cutoff"],
  ["wolfAlpha", "--wolf-alpha"],
  ["ewaldAccuracy", "--ewald-accuracy"],
  ["ewaldG", "--ewald-g"],
  ["ewaldKmax", "--ewald-kmax"],
  ["qeqTolerance", "--qeq-tolerance"],
  ["qeqMaxiter", "--qeq-maxiter"],
  ["qeqCutoff", "--qeq-cutoff"],
  ["qeqAlpha", "--qeq-alpha"],
  ["streitzMode", "--streitz-mode"],
];

/** Adds the Streitz-Mintmire flags to `eval` (no commander defaults: absence is detected here). */
export function addStreitzOptions(cmd: Command): Command {
  const d = Object.fromEntries(
    Object.entries(STREITZ_DEFAULTS).map(([k, v]) => [k, v < 1e-3 ? v.toExponential() : String(v)]),
  ) as Record<keyof typeof STREITZ_DEFAULTS, string>;
  return cmd
    .option("--streitz <file>", "Streitz-Mintmire: coul/streitz parameter file (.streitz); --potential is the EAM part (eam/alloy); writes charges, energy_eam=, energy_coul=")
    .addOption(choiceOption("--summation <wolf|ewald>", "with --streitz (required): Wolf summation or Ewald (kspace_style ewald)", ["wolf", "ewald"]))
    .option("--coul-cutoff <A>", `real-space Coulomb cutoff, A: with --streitz (default ${d.coulCutoff}), or with --model overriding the model's electrostatics.cutoff`)
    .option("--wolf-alpha <1/A>", `with --summation wolf: damping alpha, 1/A (default ${d.wolfAlpha})`)
    .option("--ewald-accuracy <acc>", `with --summation ewald: relative accuracy choosing g and kmax where not given (default ${d.ewaldAccuracy})`)
    .option("--ewald-g <1/A>", "with --summation ewald: splitting parameter g, 1/A (kspace_modify gewald)")
    .option("--ewald-kmax <kx,ky,kz>", "with --summation ewald: k-vector extents (kspace_modify kmax/ewald)")
    .option("--qeq-tolerance <tol>", `with --streitz: fix qeq/slater tolerance (default ${d.qeqTolerance})`)
    .option("--qeq-maxiter <n>", `with --streitz: fix qeq/slater maxiter per CG solve (default ${d.qeqMaxIter})`)
    .option("--qeq-cutoff <A>", "with --streitz: fix qeq/slater cutoff, A (default: --coul-cutoff)")
    .option("--qeq-alpha <1/A>", `with --streitz: fix qeq/slater alpha, 1/A (default ${d.qeqAlpha})`)
    .addOption(
      choiceOption(
        "--streitz-mode <lammps|consistent>",
        "with --streitz: lammps (default: LAMMPS 29Sep2021 exactly) or consistent (charges minimise the reported energy, forces its exact gradient)",
        ["lammps", "consistent"],
      ),
    );
}

/**
 * True when any Streitz flag was given (then `evalStreitz` takes the command). With --model,
 * --coul-cutoff is the ECT-EAM long-range cutoff instead.
 */
export function usesStreitz(opts: StreitzFlags & { model?: string }): boolean {
  return FLAGS.some(([key]) => opts[key] !== undefined && !(key === "coulCutoff" && opts.model !== undefined && opts.streitz === undefined));
}

/** `--ewald-kmax 8,9,12` (or "8 9 12") to three positive integers. */
function kmaxOption(value: string | undefined): [number, number, number] | undefined {
  if (value === undefined) return undefined;
  const words = value.trim().split(/[\s,]+/);
  const k = words.map(Number);
  if (words.length !== 3 || !k.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new InputError(`--ewald-kmax expects three positive integers kx,ky,kz, got '${value}'`);
  }
  return [k[0], k[1], k[2]];
}

/** Checks the flag combination and turns the flags into calculator settings (no files read). */
export function streitzSettings(opts: StreitzEvalOptions): Omit<StreitzCalculatorOptions, "eam" | "streitz"> {
  if (opts.streitz === undefined) {
    const given = FLAGS.find(([key]) => opts[key] !== undefined);
    throw new InputError(`${given ? given[1] : "this flag"} needs --streitz FILE (the coul/streitz parameter file)`);
  }
  if (opts.model !== undefined) throw new InputError("--streitz goes with --potential (its EAM part), not with --model");
  if (opts.potential === undefined) throw new InputError("--streitz needs --potential FILE for its EAM part (e.g. AlO.eam.alloy)");
  if (opts.cube !== undefined) throw new InputError("--cube is for --model (ECT-EAM), not --streitz");
  if (opts.qeqFrom) throw new InputError("--qeq-from is for --model qeq, not --streitz");
  if (opts.summation === undefined) throw new InputError("--streitz needs --summation wolf or --summation ewald");
  const summation = opts.summation;
  if (summation !== "wolf" && summation !== "ewald") {
    throw new InputError(`--summation must be wolf or ewald, got '${summation}'`);
  }
  const wolfOnly = ["--wolf-alpha"];
  const ewaldOnly = ["--ewald-accuracy", "--ewald-g", "--ewald-kmax"];
  for (const [key, flag] of FLAGS) {
    if (opts[key] === undefined) continue;
    if (summation === "ewald" && wolfOnly.includes(flag)) throw new InputError(`${flag} applies to --summation wolf, not ewald`);
    if (summation === "wolf" && ewaldOnly.includes(flag)) throw new InputError(`${flag} applies to --summation ewald, not wolf`);
  }
  const mode = opts.streitzMode ?? "lammps";
  if (mode !== "lammps" && mode !== "consistent") throw new InputError(`--streitz-mode must be lammps or consistent, got '${mode}'`);
  if (mode === "consistent") {
    for (const flag of ["--qeq-alpha", "--qeq-cutoff"] as const) {
      if (opts[flag === "--qeq-alpha" ? "qeqAlpha" : "qeqCutoff"] !== undefined) {
        throw new InputError(`${flag} does not apply to --streitz-mode consistent (its QEq uses the energy's own alpha and cutoff)`);
      }
    }
  }
  const qeqMaxIter = numberOption("--qeq-maxiter", opts.qeqMaxiter, { integer: true, min: 1 });
  const wolfAlpha = numberOption("--wolf-alpha", opts.wolfAlpha, { min: 0 });
  const qeqAlpha = numberOption("--qeq-alpha", opts.qeqAlpha, { min: 0 });
  return {
    summation,
    mode,
    coulCutoff: numberOption("--coul-cutoff", opts.coulCutoff, { positive: true }),
    wolfAlpha,
    ewaldAccuracy: numberOption("--ewald-accuracy", opts.ewaldAccuracy, { positive: true }),
    ewaldG: numberOption("--ewald-g", opts.ewaldG, { positive: true }),
    kmax: kmaxOption(opts.ewaldKmax),
    qeqTolerance: numberOption("--qeq-tolerance", opts.qeqTolerance, { positive: true }),
    qeqMaxIter,
    qeqCutoff: numberOption("--qeq-cutoff", opts.qeqCutoff, { positive: true }),
    qeqAlpha,
    engine: { variant: opts.simd === "off" ? "scalar" : "simd" },
  };
}

/**
 * Streitz-Mintmire single points of every input frame, written as extended XYZ with energy=,
 * energy_eam=, energy_coul=, energy_coul_pair=, energy_coul_kspace=, stress= (periodic only),
 * virial=, qeq_iterations=, the settings used (summation=, coul_cutoff=, ...), and per-atom forces
 * and charges, in the layout of test/fixtures/streitz.
 */
export async function evalStreitz(opts: StreitzEvalOptions): Promise<void> {
  const settings = streitzSettings(opts);
  const pot = loadPotential(opts.potential as string, opts.style);
  const params = readStreitzFile(opts.streitz as string);
  const frames = readStructureFile(opts.input, speciesOption(opts.species));
  const calc = await StreitzCalculator.create({ ...settings, eam: pot, streitz: params });
  calc.onWarning = (m) => stderr().write(`warning: ${m}\n`);
  const s = calc.settings;
  const out: Atoms[] = frames.map((atoms, k) => {
    // Every frame from zero charges, as a LAMMPS `run 0`: results do not depend on the frame order.
    calc.coldStart();
    const where = frames.length > 1 ? `${opts.input} frame ${k}` : opts.input;
    const r = calc.calculate(atoms, where);
    checkStructure(calc, where);
    const a = withoutResults(atoms);
    const info = a.info;
    setEnergies(a, r.energy);
    info.energy_eam = r.energyEam;
    info.energy_coul = r.energyCoul;
    info.energy_coul_pair = r.energyCoulPair;
    info.energy_coul_kspace = r.energyCoulKspace;
    if (r.stress) info.stress = voigtToFull(r.stress);
    else delete info.stress;
    info.virial = Array.from(r.virial);
    info.qeq_iterations = r.qeqIterations;
    info.summation = calc.summation;
    info.streitz_mode = calc.mode;
    info.coul_cutoff = s.coulCutoff;
    info.qeq_tolerance = s.qeqTolerance;
    if (calc.mode === "lammps") info.qeq_alpha = s.qeqAlpha;
    else delete info.qeq_alpha; // the consistent QEq uses the pair's alpha
    info.qeq_cutoff = s.qeqCutoff;
    info.qeq_maxiter = s.qeqMaxIter;
    if (r.ewald) {
      delete info.wolf_alpha;
      info.ewald_g = r.ewald.g;
      info.ewald_kmax = [...r.ewald.kmax];
    } else {
      info.wolf_alpha = s.wolfAlpha;
      delete info.ewald_g;
      delete info.ewald_kmax;
    }
    delete a.arrays.energies; // no per-atom split (LAMMPS' is not defined for hybrid/overlay + kspace)
    a.arrays.forces = { kind: "R", ncols: 3, data: r.forces };
    a.arrays.charges = { kind: "R", ncols: 1, data: r.charges };
    const ew = r.ewald ? `, g ${r.ewald.g.toPrecision(6)} kmax ${r.ewald.kmax.join(" ")} (${r.ewald.kcount} k-vectors)` : "";
    stderr().write(
      `frame ${k}: ${atoms.length} atoms, energy ${r.energy.toFixed(10)} eV (eam ${r.energyEam.toFixed(10)}, coul ${r.energyCoul.toFixed(10)}), ${r.qeqIterations} QEq iterations${ew}\n`,
    );
    return a;
  });
  writeFileAtomic(opts.output, formatExtxyz(out), "--output");
}
