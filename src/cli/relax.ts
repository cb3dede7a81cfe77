import type { Command } from "commander";
import cliProgress from "cli-progress";
import { checkOutputPaths, OutputStream, writeFileAtomic } from "../io/output-file.js";
import { InputError } from "../errors.js";
import { CellFilter, drainAsync, fireSteps, lbfgsSteps, PositionObjective, type StepInfo } from "../optimize/index.js";
import { EV_PER_A3_IN_BAR } from "../properties/units.js";
import { addCalculatorOptions, addModelOverrideOptions, loadCalculator, type CalculatorFlags } from "./calculator-options.js";
import { numberOption, runCommand } from "./common.js";
import { choiceOption } from "./options.js";
import { addStructureOptions, indexListOption, loadStructure, numberListOption, resultFrame, type StructureFlags } from "./structure-options.js";
import { stdout, stderr, setExitCode } from "./io.js";

interface RelaxFlags extends CalculatorFlags, StructureFlags {
  optimizer: string;
  fmax: string;
  smax: string;
  steps: string;
  maxStep?: string;
  cell?: boolean;
  pressure?: string;
  stress?: string;
  hydrostatic?: boolean;
  constantVolume?: boolean;
  mask?: string;
  fix?: string;
  lineSearch?: boolean;
  output?: string;
  trajectory?: string;
  every: string;
  log?: string;
  printEvery: string;
}

/** `ect-eam relax`: FIRE or L-BFGS on positions, optionally with the cell under a target stress. */
export function registerRelax(program: Command): void {
  const cmd = program
    .command("relax")
    .description("relax positions (and optionally the cell) with FIRE or L-BFGS until max |F| < fmax, as ASE's optimizers")
    .addOption(choiceOption("--optimizer <fire|lbfgs>", "optimizer", ["fire", "lbfgs"], "fire"))
    .option("--fmax <eV/A>", "converged when every free atom's force is below this", "0.05")
    .option("--smax <bar>", "with --cell: converged when every stress-residual component is below this", "10")
    .option("--steps <n>", "step limit", "1000")
    .option("--max-step <A>", "largest step, A (FIRE: whole-step norm; L-BFGS: per atom); default 0.2")
    .option("--line-search", "L-BFGS: backtracking line search on the energy")
    .option("--cell", "relax the cell too (deformation-gradient filter, like ASE's UnitCellFilter)")
    .option("--pressure <bar>", "with --cell: hydrostatic target pressure, bar (default 0)")
    .option("--stress <xx,yy,zz,yz,xz,xy>", "with --cell: full target stress, bar (tension positive, ASE sign)")
    .option("--hydrostatic", "with --cell: isotropic scaling only")
    .option("--constant-volume", "with --cell: keep the volume")
    .option("--mask <6 x 0|1>", "with --cell: Voigt mask xx,yy,zz,yz,xz,xy of the strain components that may change")
    .option("--fix <indices>", "atoms that do not move, 0-based, e.g. 0-15,32")
    .option("--output <file>", "final structure as extended XYZ (energy, forces, stress, charges)")
    .option("--trajectory <file>", "extended XYZ frames during the relaxation")
    .option("--every <n>", "trajectory interval in steps", "1")
    .option("--print-every <n>", "print a table line every n steps (0: first and last only)", "1")
    .option("--log <file>", "write every step as CSV: step, energy, fmax (and stress residual, volume with --cell), evaluations");
  addStructureOptions(cmd);
  addModelOverrideOptions(addCalculatorOptions(cmd)).action((opts: RelaxFlags) => runCommand(() => runRelax(opts)));
}

async function runRelax(opts: RelaxFlags): Promise<void> {
  const fmax = numberOption("--fmax", opts.fmax, { positive: true })!;
  const smaxBar = numberOption("--smax", opts.smax, { positive: true })!;
  const steps = numberOption("--steps", opts.steps, { integer: true, min: 0 })!;
  const maxStep = numberOption("--max-step", opts.maxStep, { positive: true });
  const every = numberOption("--every", opts.every, { integer: true, min: 1 })!;
  const logEvery = numberOption("--print-every", opts.printEvery, { integer: true, min: 0 })!;
  if (opts.optimizer !== "fire" && opts.optimizer !== "lbfgs") throw new InputError(`--optimizer must be fire or lbfgs, got '${opts.optimizer}'`);
  const cellOnly = ["pressure", "stress", "hydrostatic", "constantVolume", "mask"] as const;
  for (const k of cellOnly) {
    if (opts[k] !== undefined && !opts.cell) throw new InputError(`--${k.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())} needs --cell`);
  }
  const fixed = indexListOption("--fix", opts.fix);
  const pressureBar = numberOption("--pressure", opts.pressure);
  const stressBar = numberListOption("--stress", opts.stress, 6);
  const mask = numberListOption("--mask", opts.mask, 6)?.map((m) => {
    if (m !== 0 && m !== 1) throw new InputError(`--mask expects six 0 or 1 values, got '${opts.mask}'`);
    return m === 1;
  });

  checkOutputPaths([["--output", opts.output], ["--trajectory", opts.trajectory], ["--log", opts.log]]);
  const loaded = await loadCalculator(opts, "relax");
  const { atoms, source } = loadStructure(opts, loaded.elements, "relax");
  const target = opts.cell
    ? new CellFilter(atoms, loaded.calculator, {
        fixed,
        pressure: pressureBar === undefined ? undefined : pressureBar / EV_PER_A3_IN_BAR,
        stress: stressBar?.map((s) => s / EV_PER_A3_IN_BAR),
        hydrostatic: opts.hydrostatic,
        constantVolume: opts.constantVolume,
        mask,
      })
    : new PositionObjective(atoms, loaded.calculator, { fixed });

  const out = stdout();
  out.write(`# relax ${source}: ${atoms.length} atoms, ${loaded.description}, ${opts.optimizer}, fmax ${fmax} eV/A` + (opts.cell ? `, cell (smax ${smaxBar} bar)` : "") + "\n");
  out.write(`# Energy column: the objective, ${loaded.model ? "Omega = E - kT S" : "E"}${opts.cell ? " + p V (+ stress work)" : ""}\n`);
  const cols = ["Step", "Energy(eV)", "Fmax(eV/A)", ...(opts.cell ? ["StressRes(bar)", "Volume(A^3)"] : []), "Evals"];
  out.write(cols.map((c, i) => c.padStart(i === 0 ? 6 : 16)).join(" ") + "\n");
  const line = (s: StepInfo) =>
    [String(s.step).padStart(6), s.energy.toFixed(8).padStart(16), s.fmax.toExponential(4).padStart(16),
      ...(opts.cell ? [(s.stressResidual * EV_PER_A3_IN_BAR).toExponential(4).padStart(16), atoms.volume().toFixed(6).padStart(16)] : []),
      String(s.evaluations).padStart(16)].join(" ") + "\n";

  const bar = stderr().isTTY === true
    ? new cliProgress.SingleBar({ format: "relax |{bar}| {value}/{total} steps | fmax {fmax} eV/A | {rate} steps/s", stream: stderr() as NodeJS.WritableStream, clearOnComplete: true, hideCursor: true }, cliProgress.Presets.shades_classic)
    : null;
  const traj = opts.trajectory ? OutputStream.open(opts.trajectory, { what: "--trajectory" }) : null;
  const log = opts.log ? OutputStream.open(opts.log, { what: "--log" }) : null;
  log?.write(["step", "energy_eV", "fmax_eV_A", ...(opts.cell ? ["stress_residual_bar", "volume_A3"] : []), "evaluations"].join(",") + "\n");
  let last: StepInfo | null = null;
  let lastPrinted = -1;
  const t0 = performance.now();
  bar?.start(steps, 0, { fmax: "-", rate: "-" });
  try {
    const callback = (s: StepInfo) => {
      last = s;
      log?.write([s.step, s.energy, s.fmax, ...(opts.cell ? [s.stressResidual * EV_PER_A3_IN_BAR, atoms.volume()] : []), s.evaluations].join(",") + "\n");
      if (logEvery > 0 ? s.step % logEvery === 0 : s.step === 0) {
        bar?.stop();
        out.write(line(s));
        lastPrinted = s.step;
        if (bar) bar.start(steps, s.step, { fmax: s.fmax.toExponential(2), rate: "-" });
      }
      bar?.update(s.step, { fmax: s.fmax.toExponential(2), rate: (s.step / ((performance.now() - t0) / 1000)).toFixed(1) });
      if (traj !== null && s.step % every === 0 && target.lastResults) {
        traj.write(resultFrame(atoms, target.lastResults, { step: s.step, fmax: s.fmax }));
      }
    };
    const common = { fmax, smax: smaxBar / EV_PER_A3_IN_BAR, steps, callback, maxStep };
    // Asynchronous: a long relaxation hands control back now and then, so Ctrl-C (main.ts) stops it.
    const result = await drainAsync(opts.optimizer === "fire" ? fireSteps(target, common) : lbfgsSteps(target, { ...common, lineSearch: opts.lineSearch }));
    bar?.stop();
    if (last !== null && (last as StepInfo).step !== lastPrinted) out.write(line(last));
    const r = target.lastResults!;
    out.write(`# ${result.converged ? "converged" : "NOT converged"} after ${result.steps} steps (${result.evaluations} evaluations): ` +
      `energy ${r.energy.toFixed(8)} eV` + (r.grandPotential !== undefined ? `, Omega ${r.grandPotential.toFixed(8)} eV` : "") +
      `, fmax ${result.fmax.toExponential(3)} eV/A\n`);
    if (r.stress) {
      const p = (-(r.stress[0] + r.stress[1] + r.stress[2]) / 3) * EV_PER_A3_IN_BAR;
      out.write(`# pressure ${p.toFixed(4)} bar; stress (bar, xx yy zz yz xz xy) ${Array.from(r.stress, (s) => (s * EV_PER_A3_IN_BAR).toFixed(4)).join(" ")}\n`);
    }
    if (opts.cell) {
      const c = atoms.cell;
      const len = [0, 1, 2].map((k) => Math.hypot(c[3 * k], c[3 * k + 1], c[3 * k + 2]));
      out.write(`# cell lengths ${len.map((x) => x.toFixed(8)).join(" ")} A, volume ${atoms.volume().toFixed(6)} A^3\n`);
    }
    traj?.commit();
    log?.commit();
    if (opts.output) writeFileAtomic(opts.output, resultFrame(atoms, r, { converged: result.converged, steps: result.steps }), "--output");
    if (!result.converged) {
      stderr().write(`ect-eam: relax did not converge in ${steps} steps (fmax ${result.fmax.toExponential(3)} eV/A)\n`);
      setExitCode(1);
    }
  } finally {
    bar?.stop();
    traj?.discard();
    log?.discard();
  }
}
