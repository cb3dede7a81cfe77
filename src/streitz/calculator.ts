/**
 * The Streitz-Mintmire variable-charge model as one calculator: LAMMPS
 *
 *   pair_style hybrid/overlay coul/streitz RC wolf ALPHA eam/alloy     (or: coul/streitz RC ewald + kspace_style ewald)
 *   pair_coeff * * coul/streitz FILE.streitz El1 El2 ...
 *   pair_coeff * * eam/alloy FILE.eam.alloy El1 El2 ...
 *   fix qeq all qeq/slater 1 QEQ_RC TOL MAXITER coul/streitz [alpha QEQ_ALPHA]
 *   run 0
 *
 * For each structure the wasm engine (`StreitzEngine`, assembly/streitz.ts) equilibrates the charges
 * (fix qeq/slater: Jacobi-preconditioned CG over the neighbor list) and evaluates the EAM part plus
 * the Coulomb energy/forces/virial at those charges (coul/streitz, with the `ewald` k-space part for
 * Ewald). The O(N^2) TypeScript reference (`streitzQeq`, `streitzCoulomb`) is the oracle its tests
 * compare against.
 *
 * Mode "lammps" (default) is exactly what LAMMPS 29Sep2021 computes, quirks included (see
 * src/streitz/README.md and test/fixtures/streitz/README.md): the QEq uses unshifted integrals and its
 * own alpha (default 0.2, not the pair's Wolf alpha), so the charges are not the minimiser of the
 * reported energy; Wolf forces are not exactly -dE/dx of the Wolf energy; forces carry no dq/dx term.
 * Mode "consistent": the charges minimise the reported energy and the forces are its exact gradient
 * (README: "consistent mode").
 *
 * Units are LAMMPS metal: A, eV, e, eV/A, eV/A^3; k = qqrd2e = 14.399645 eV A / e^2.
 *
 * Defaults (LAMMPS examples/streitz, `in.streitz.wolf` / `in.streitz.ewald`):
 *   coulCutoff 12 A, wolfAlpha 0.31 1/A, qeqCutoff = coulCutoff, qeqTolerance 1e-6,
 *   qeqMaxIter 100, qeqAlpha 0.2 1/A (the fix's own default), ewaldAccuracy 1e-6 (relative,
 *   `kspace_style ewald 1e-6`), g_ewald and kmax from that accuracy unless given.
 *
 * Ewald parameters from the accuracy: LAMMPS' formulas (`lammpsEwaldParameters`), with sum q^2 of the
 * equilibrated charges (LAMMPS takes g_ewald from the charges read before the QEq, see `calculate`).
 * For a tilted cell LAMMPS cuts the k-set with |k|^2 <= 1.00001 max_d (2 pi kmax_d / L_d)^2 of the
 * unscaled kmax but loops over the skew-scaled kmax; `ewaldKspace` derives both from one kmax, so
 * here both use the scaled one (a slightly larger k-set than LAMMPS'). Give `kmax` explicitly for
 * bitwise LAMMPS parity on tilted cells; orthogonal cells and explicit kmax are exact.
 */
import type { Atoms } from "../atoms.js";
import { WasmCalculator } from "../calculators/cached.js";
import type { EngineOptions } from "../eam/engine.js";
import { stressFromVirial } from "../engine/system.js";
import { CalculationFailed, InputError } from "../errors.js";
import type { EamPotential } from "../potentials/types.js";
import { QQRD2E_METAL, type StreitzSummation } from "./coulomb.js";
import { StreitzEngine, type StreitzMode } from "./engine.js";
import { lammpsBox } from "./ewald.js";
import { resolveStreitzSettings, type StreitzSettingsInput } from "./settings.js";
import { streitzElements, type StreitzParameters } from "./params.js";

const MY_PI = 3.14159265358979323846;

export { STREITZ_DEFAULTS } from "./settings.js";

export type { StreitzMode } from "./engine.js";

/** Settings of {@link StreitzCalculator.create}: the model's files, its settings (see {@link StreitzSettingsInput}) and the engine's options. */
export interface StreitzCalculatorOptions extends StreitzSettingsInput {
  /** The EAM part (setfl eam/alloy, e.g. potentials/AlO.eam.alloy; any EAM style works). */
  eam: EamPotential;
  /** The parsed `.streitz` file (`parseStreitz` / `readStreitzFile`). */
  streitz: StreitzParameters;
  /** Options of the wasm engine (kernel variant, skin). */
  engine?: EngineOptions;
}

/** The properties `calculate` returns, as ASE's `implemented_properties`. */
export const STREITZ_PROPERTIES = [
  "energy", "energyEam", "energyCoul", "energyCoulPair", "energyCoulKspace", "forces", "virial", "stress", "charges",
  "qeqIterations", "qeqLoops", "chemicalPotential", "ewald",
] as const;

/** Results of one evaluation; arrays are owned by the caller. */
export interface StreitzResults {
  /** Total potential energy E_eam + E_coul, eV (LAMMPS `pe`). */
  energy: number;
  /** EAM energy, eV (LAMMPS `evdwl`, compute pair eam/alloy). */
  energyEam: number;
  /** Coulomb energy E_coul_pair + E_coul_kspace, eV (LAMMPS `ecoul + elong`). */
  energyCoul: number;
  /** coul/streitz pair energy incl. the chi q + J q^2/2 self terms, eV (LAMMPS `ecoul`). */
  energyCoulPair: number;
  /** Ewald k-space energy incl. Ewald self and neutralising terms, eV (LAMMPS `elong`; 0 for Wolf). */
  energyCoulKspace: number;
  /** Forces, eV/A, row-major N x 3 (EAM + Coulomb; no dq/dx term, as LAMMPS). */
  forces: Float64Array;
  /** Virial W_ab = sum r_a f_b, eV, 3x3 row-major (EAM + Coulomb pair + k-space). */
  virial: Float64Array;
  /**
   * Stress with ASE's sign convention, -W/V in eV/A^3, Voigt xx yy zz yz xz xy; null without a
   * periodic direction (clusters).
   */
  stress: Float64Array | null;
  /** Equilibrated charges, e (fix qeq/slater). */
  charges: Float64Array;
  /** (CG loops of the s solve + of the t solve) / 2, integer division (LAMMPS-style `f_qeq`). */
  qeqIterations: number;
  /**
   * CG loop counts of the two solves (each 1 + iterations done, as FixQEq::CG returns), summed over
   * the solves of this call (Ewald with g from the accuracy solves twice: g needs the charges).
   */
  qeqLoops: { s: number; t: number };
  /** QEq chemical potential mu = sum s / sum t, eV/e. */
  chemicalPotential: number;
  /** Ewald settings used (null for Wolf): g in 1/A, kmax, number of k-vectors. */
  ewald: { g: number; kmax: [number, number, number]; kcount: number } | null;
}

/**
 * LAMMPS' Ewald parameter choice (Ewald::init, Ewald::setup, Ewald::rms) for an accuracy.
 *
 * @param g         g_ewald, 1/A, or undefined to estimate it (Ewald::init)
 * @param kmax      kmax/ewald, or undefined to choose it (Ewald::setup)
 * @param accuracy  relative accuracy; LAMMPS multiplies it by two_charge_force = qqr2e (metal: 14.399645 eV/A)
 * @param qsqsum    sum of q^2, e^2
 * @param natoms    number of atoms
 * @param cutoff    real-space Coulomb cutoff, A
 * @param cell      cell rows (restricted triclinic), A
 */
export function lammpsEwaldParameters(
  g: number | undefined,
  kmax: readonly [number, number, number] | undefined,
  accuracy: number,
  qsqsum: number,
  natoms: number,
  cutoff: number,
  cell: ArrayLike<number>,
  qqrd2e = QQRD2E_METAL,
): { g: number; kmax: [number, number, number] } {
  const { xprd, yprd, zprd, xy, xz, yz } = lammpsBox(cell);
  const acc = accuracy * qqrd2e; // accuracy_relative * two_charge_force (metal: qqr2e * 1 e^2 / 1 A^2)
  const q2 = qsqsum * qqrd2e;
  let gEwald: number;
  if (g !== undefined) {
    gEwald = g;
  } else {
    if (q2 === 0) {
      throw new InputError("every charge is zero, so Ewald cannot choose g from the accuracy (LAMMPS: Must use 'kspace_modify gewald' for uncharged system); give g");
    }
    gEwald = (acc * Math.sqrt(natoms * cutoff * xprd * yprd * zprd)) / (2.0 * q2);
    if (gEwald >= 1.0) gEwald = (1.35 - 0.15 * Math.log(acc)) / cutoff;
    else gEwald = Math.sqrt(-Math.log(gEwald)) / cutoff;
  }
  if (kmax !== undefined) return { g: gEwald, kmax: [kmax[0], kmax[1], kmax[2]] };

  const n = natoms === 0 ? 1 : natoms;
  const rms = (km: number, prd: number) =>
    ((2.0 * q2 * gEwald) / prd) * Math.sqrt(1.0 / (MY_PI * km * n)) * Math.exp((-MY_PI * MY_PI * km * km) / (gEwald * gEwald * prd * prd));
  const choose = (prd: number) => {
    let km = 1;
    while (rms(km, prd) > acc) {
      if (++km > 100000) throw new CalculationFailed(`Ewald kmax for accuracy ${accuracy} exceeds 100000 (g = ${gEwald})`);
    }
    return km;
  };
  let k: [number, number, number] = [choose(xprd), choose(yprd), choose(zprd)];
  if (xy !== 0 || xz !== 0 || yz !== 0) {
    // KSpace::lamda2xT with |tilt|, then truncation (LAMMPS "scale lattice vectors for triclinic skew").
    const t0 = k[0] / xprd;
    const t1 = k[1] / yprd;
    const t2 = k[2] / zprd;
    const v0 = xprd * t0;
    const v1 = Math.abs(xy) * t0 + yprd * t1;
    const v2 = Math.abs(xz) * t0 + Math.abs(yz) * t1 + zprd * t2;
    k = [Math.max(1, Math.trunc(v0)), Math.max(1, Math.trunc(v1)), Math.max(1, Math.trunc(v2))];
  }
  return { g: gEwald, kmax: k };
}

/**
 * An ASE-style calculator for the Streitz-Mintmire model (LAMMPS coul/streitz + eam/alloy + fix
 * qeq/slater): charges by QEq, then energy, forces, virial and stress at those charges, in wasm.
 */
export class StreitzCalculator extends WasmCalculator<StreitzResults, StreitzEngine> {
  readonly implementedProperties = STREITZ_PROPERTIES;
  readonly streitz: StreitzParameters;
  readonly summation: StreitzSummation;
  readonly mode: StreitzMode;
  /** Settings in force, defaults filled in (ewaldG/kmax stay undefined when chosen per structure). */
  readonly settings: {
    coulCutoff: number;
    wolfAlpha: number;
    qeqCutoff: number;
    qeqTolerance: number;
    qeqMaxIter: number;
    qeqAlpha: number;
    ewaldAccuracy: number;
    ewaldG?: number;
    kmax?: readonly [number, number, number];
  };
  /** Called when the EAM densities leave the embedding table (default: console.warn). */
  onWarning: (message: string) => void = (m) => console.warn(m);

  private constructor(engine: StreitzEngine, opts: StreitzCalculatorOptions, settings: StreitzCalculator["settings"]) {
    super({ kind: "streitz", engine });
    this.streitz = opts.streitz;
    this.summation = opts.summation;
    this.mode = opts.mode ?? "lammps";
    this.settings = settings;
  }

  /**
   * Creates a calculator; absent settings take the LAMMPS examples/streitz values
   * ({@link STREITZ_DEFAULTS}), checked by `resolveStreitzSettings` as the domain workers' are.
   *
   * @throws InputError for an unknown summation or mode, or an out-of-range setting
   */
  static async create(opts: StreitzCalculatorOptions): Promise<StreitzCalculator> {
    const r = resolveStreitzSettings(opts);
    const settings = {
      coulCutoff: r.coulCutoff,
      wolfAlpha: r.wolfAlpha,
      qeqCutoff: r.qeqCutoff,
      qeqTolerance: r.qeqTolerance,
      qeqMaxIter: r.qeqMaxIter,
      qeqAlpha: r.qeqAlpha,
      ewaldAccuracy: r.ewaldAccuracy,
      ewaldG: r.ewaldG,
      kmax: r.kmax,
    };
    const engine = await StreitzEngine.create(opts.eam, opts.streitz, { ...settings, summation: r.summation, mode: r.mode, tableSpacing: r.tableSpacing }, opts.engine ?? {});
    engine.qeqXl = r.qeqXl;
    return new StreitzCalculator(engine, opts, settings);
  }

  /** The next calculation's QEq starts from zero charges (results then do not depend on earlier calls). */
  coldStart(): void {
    this.engine.coldStart();
    this.reset();
  }

  /**
   * Loads `atoms` into the engine (positions only when species, cell and pbc are unchanged, keeping
   * the QEq history as the warm start) and checks what the model needs.
   */
  private load(atoms: Atoms, source?: string): void {
    streitzElements(this.streitz, [...new Set(atoms.symbols)]);
    if (this.summation === "ewald") {
      if (!(atoms.pbc[0] && atoms.pbc[1] && atoms.pbc[2])) {
        throw new InputError("Ewald needs a structure periodic in all three directions (LAMMPS refuses non-periodic boundaries); use wolf");
      }
      lammpsBox(atoms.cell);
    }
    this.engine.sync(atoms, source);
  }

  /**
   * Equilibrates the charges and evaluates energy, forces, virial and stress of `atoms`. Calling
   * again with the same species, cell and pbc warm-starts the QEq from the previous charges.
   *
   * @param atoms  structure, A; Ewald needs a fully periodic cell in LAMMPS restricted-triclinic form
   *               (a = (lx,0,0), b = (xy,ly,0), c = (xz,yz,lz))
   * @param source name for messages (file, frame)
   * @throws InputError for an element missing from either file, Ewald on a non-periodic or
   *   non-restricted-triclinic cell, or atoms closer than 0.5 A
   * @throws CalculationFailed when the QEq does not converge within qeqMaxIter
   */
  protected evaluate(atoms: Atoms, source?: string): StreitzResults {
    const where = (e: unknown): never => {
      if (source && (e instanceof InputError || e instanceof CalculationFailed)) {
        const E = e instanceof InputError ? InputError : CalculationFailed;
        throw new E(`${source}: ${e.message}`);
      }
      throw e;
    };
    try {
      return this.solveAndEvaluate(atoms, source);
    } catch (e) {
      return where(e);
    }
  }

  private solveAndEvaluate(atoms: Atoms, source?: string): StreitzResults {
    const s = this.settings;
    const eng = this.engine;
    this.load(atoms, source);
    let loopsS = 0;
    let loopsT = 0;
    const run = () => {
      eng.compute();
      const r = eng.qeqReport();
      loopsS += r.loopsS;
      loopsT += r.loopsT;
    };
    let ewald: { g: number; kmax: [number, number, number]; kcount: number } | null = null;
    if (this.summation === "ewald") {
      // g_ewald (when estimated) and kmax from the equilibrated charges. LAMMPS chooses g_ewald in
      // Ewald::init from the charges present before the QEq (the data file; it refuses all-zero
      // charges) and kmax in the Ewald::setup after the QEq, from the equilibrated ones. The two agree
      // when the input already carries equilibrated charges. Unless both are given, a first pass
      // (with the previous charges' estimate, or 1 e^2 per atom) finds the charges they are taken from.
      const choose = (qsq: number) =>
        lammpsEwaldParameters(s.ewaldG, s.kmax, s.ewaldAccuracy, qsq, atoms.length, s.coulCutoff, atoms.cell);
      const sumSq = (q: Float64Array) => q.reduce((a, v) => a + v * v, 0);
      const previous = sumSq(eng.charges());
      let p = choose(previous > 0 ? previous : atoms.length);
      ewald = { ...p, kcount: eng.setEwald(atoms.cell, p.g, p.kmax).kcount };
      run();
      if (s.ewaldG === undefined || s.kmax === undefined) {
        p = choose(sumSq(eng.charges()));
        if (p.g !== ewald.g || p.kmax.some((k, d) => k !== ewald!.kmax[d])) {
          ewald = { ...p, kcount: eng.setEwald(atoms.cell, p.g, p.kmax).kcount };
          run();
        }
      }
    } else {
      run();
    }
    if (eng.offTableCount() > 0) {
      this.onWarning(`${eng.offTableCount()} atom(s) have an EAM density above the embedding table's rhomax (F continued linearly)`);
    }
    const terms = eng.energyTerms();
    const virial = eng.virial();
    const energy = eng.energy();
    const qeq = eng.qeqReport();
    return {
      energy,
      energyEam: terms.eam,
      energyCoul: terms.coulPair + terms.kspace,
      energyCoulPair: terms.coulPair,
      energyCoulKspace: terms.kspace,
      forces: eng.forces(),
      virial,
      stress: stressFromVirial(virial, atoms),
      charges: eng.charges(),
      qeqIterations: Math.trunc((loopsS + loopsT) / 2),
      qeqLoops: { s: loopsS, t: loopsT },
      chemicalPotential: qeq.mu,
      ewald,
    };
  }

  /** Equilibrated charges, e (cached as `getProperty`). */
  getCharges(atoms: Atoms): Float64Array {
    return this.getProperty("charges", atoms);
  }
}
