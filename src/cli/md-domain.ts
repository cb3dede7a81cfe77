/**
 * `ect-eam md --workers N`: one run of EAM (`--potential FILE`) or Streitz-Mintmire
 * (`--potential FILE --streitz FILE --summation wolf|ewald`, charges solved every step or
 * extended-Lagrangian with `--qeq-xl`) over N worker threads by spatial
 * domain decomposition (src/domain, docs/domain-decomposition.md), NVE or with a Nose-Hoover or
 * Langevin thermostat. Same thermo table as the single-engine run; EAM results equal it to
 * round-off, Streitz-Mintmire charges to the CG's own error (the docs give the numbers).
 */
import { readFileSync } from "node:fs";
import type { Atoms } from "../atoms.js";
import { createDomainMd, type DomainMdOptions } from "../domain/index.js";
import type { ThermostatSpec } from "../dynamics/thermostats.js";
import { InputError } from "../errors.js";
import type { StreitzCalculator } from "../streitz/calculator.js";
import type { LoadedCalculator } from "./calculator-options.js";
import { describeEnsemble, mdThermoTable } from "./md-table.js";
import { stdout, stderr } from "./io.js";

/** What the --workers run takes from the flags (already checked). */
export interface DomainRunOptions {
  workers: number;
  steps: number;
  dt: number;
  skin: number;
  neighEvery: number;
  neighDelay: number;
  thermoEvery: number;
  simd: boolean;
  thermostat: ThermostatSpec;
}

/**
 * The potential of `loaded` for the workers: the EAM file, or the Streitz-Mintmire files with the
 * calculator's resolved settings.
 * @throws InputError for what the workers do not run (ECT-EAM, consistent-mode Ewald, shadow-potential forces)
 */
export function domainPotential(files: { potential: string; streitz?: string }, loaded: LoadedCalculator, atoms: Atoms): DomainMdOptions["potential"] {
  const text = (f: string) => readFileSync(f, "utf8");
  if (loaded.kind === "eam") return { kind: "eam", text: text(files.potential), fileName: files.potential, style: loaded.potential!.style };
  if (loaded.kind !== "streitz" || files.streitz === undefined) {
    throw new InputError("--workers runs EAM (--potential FILE) or Streitz-Mintmire (--potential FILE --streitz FILE), not ECT-EAM (--model) yet");
  }
  const calc = loaded.calculator as StreitzCalculator;
  if (calc.summation === "ewald" && calc.mode === "consistent") {
    throw new InputError("--workers runs Ewald in lammps mode only (consistent mode puts the reciprocal sum in the QEq matrix, which is not split across workers)");
  }
  const xl = calc.engine.qeqXl;
  if (xl?.shadow) throw new InputError("--workers runs --qeq-xl (extended-Lagrangian charges) but not --qeq-xl-shadow (shadow-potential forces) yet");
  const s = calc.settings, lammps = calc.mode === "lammps";
  // Ewald: g and kmax as the single engine picks them (LAMMPS' estimates from the equilibrated
  // charges): one single point here, whose choice the workers then use.
  const ewald = calc.summation === "ewald" ? calc.calculate(atoms).ewald : null;
  return {
    kind: "streitz",
    eam: { text: text(files.potential), fileName: files.potential },
    streitz: { text: text(files.streitz), fileName: files.streitz },
    mode: calc.mode,
    wolfAlpha: s.wolfAlpha,
    coulCutoff: s.coulCutoff,
    ...(lammps ? { qeqCutoff: s.qeqCutoff, qeqAlpha: s.qeqAlpha } : {}),
    qeqTolerance: s.qeqTolerance,
    qeqMaxIter: s.qeqMaxIter,
    qeqXl: xl ? { order: xl.order, loops: xl.loops } : null,
    ...(ewald ? { summation: "ewald" as const, ewaldG: ewald.g, kmax: ewald.kmax } : {}),
  };
}

/** Runs the domain-decomposed loop and prints thermo lines every `thermoEvery` steps. */
export async function runDomainMd(potential: DomainMdOptions["potential"], atoms: Atoms, description: string, o: DomainRunOptions): Promise<void> {
  const out = stdout();
  const md = await createDomainMd({
    potential,
    atoms,
    dt: o.dt,
    workers: o.workers,
    skin: o.skin,
    neighborEvery: o.neighEvery,
    neighborDelay: o.neighDelay,
    variant: o.simd ? "simd" : "scalar",
    thermostat: o.thermostat,
    onWarning: (m) => stderr().write(`warning: ${m}\n`),
  });
  try {
    const t = o.thermostat;
    out.write(`# ${atoms.length} atoms, ${description}, ${md.domains} domain worker(s), ${describeEnsemble(t)}, dt ${o.dt} fs, ${o.steps} steps\n`);
    // The single-engine run's table and rows (the domains' rows are DynamicsThermo too), one format.
    const table = mdThermoTable(potential.kind, { thermostat: t.kind !== "none", barostat: false });
    out.write(table.header + "\n");
    const q0 = md.stats().qeq;
    const t0 = performance.now();
    await md.run(o.steps, { thermoEvery: o.thermoEvery, onThermo: (r) => out.write(table.line(r) + "\n") });
    const seconds = (performance.now() - t0) / 1000;
    const q = md.stats().qeq;
    const cg = q && q0 && q.solves > q0.solves ? `, ${((q.loopSum - q0.loopSum) / (q.solves - q0.solves)).toFixed(2)} QEq CG loops (s + t) per step` : "";
    out.write(`# speed: ${((seconds * 1e6) / Math.max(1, o.steps * atoms.length)).toFixed(3)} us/atom-step (${seconds.toFixed(3)} s for ${o.steps} steps of ${atoms.length} atoms on ${md.domains} workers)${cg}\n`);
  } finally {
    await md.close();
  }
}
