/**
 * `ect-eam md --potential FILE --workers N`: one NVE EAM run over N worker threads by spatial domain
 * decomposition (src/domain, docs/domain-decomposition.md). Same thermo table as the single-engine
 * run; the results equal it to round-off.
 */
import { readFileSync } from "node:fs";
import type { Atoms } from "../atoms.js";
import { createDomainMd } from "../domain/index.js";
import type { EamPotential } from "../potentials/types.js";
import { asDynamicsThermo, type ThermoRow } from "../dynamics/thermo.js";
import { mdThermoTable } from "./md-table.js";

/** Runs the domain-decomposed NVE loop and prints thermo lines every `thermoEvery` steps. */
export async function runDomainMd(
  file: string,
  pot: EamPotential,
  atoms: Atoms,
  o: { workers: number; steps: number; dt: number; skin: number; neighEvery: number; neighDelay: number; thermoEvery: number; simd: boolean },
): Promise<void> {
  const out = process.stdout;
  const md = await createDomainMd({
    potential: { kind: "eam", text: readFileSync(file, "utf8"), fileName: file, style: pot.style },
    atoms,
    dt: o.dt,
    workers: o.workers,
    skin: o.skin,
    neighborEvery: o.neighEvery,
    neighborDelay: o.neighDelay,
    variant: o.simd ? "simd" : "scalar",
    onWarning: (m) => process.stderr.write(`warning: ${m}\n`),
  });
  try {
    out.write(`# ${atoms.length} atoms, ${pot.source} (${pot.style}), ${md.domains} domain worker(s), dt ${o.dt} fs, ${o.steps} steps\n`);
    // The single-engine run's table (NVE EAM columns), so that both print one format.
    const table = mdThermoTable("eam", { thermostat: false, barostat: false });
    const line = (r: ThermoRow) => table.line(asDynamicsThermo(r));
    out.write(table.header + "\n");
    out.write(line(md.thermo()) + "\n");
    const t0 = performance.now();
    await md.run(o.steps, { progressEvery: o.thermoEvery, onProgress: (_done, _total, row) => out.write(line(row) + "\n") });
    const seconds = (performance.now() - t0) / 1000;
    out.write(`# speed: ${((seconds * 1e6) / Math.max(1, o.steps * atoms.length)).toFixed(3)} us/atom-step (${seconds.toFixed(3)} s for ${o.steps} steps of ${atoms.length} atoms on ${md.domains} workers)\n`);
  } finally {
    await md.close();
  }
}
