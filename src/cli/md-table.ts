/**
 * The thermo table `ect-eam md` prints. Its columns depend on the model and the ensemble only, never
 * on which files a run writes: EAM and Streitz-Mintmire show potential, kinetic and total energy;
 * ECT-EAM shows E, the grand potential Omega (what the forces derive from) and Omega + kinetic.
 * Pressure is "-" for clusters; thermostats add the conserved quantity, a barostat the volume;
 * variable-charge models add their charges and solver iterations.
 */
import type { BarostatSpec } from "../dynamics/barostat.js";
import type { DynamicsThermo } from "../dynamics/thermo.js";
import type { ThermostatSpec } from "../dynamics/thermostats.js";

/** Which potential family ran. */
export type ModelKind = "eam" | "ect" | "streitz";

interface Column {
  name: string;
  value: (r: DynamicsThermo) => string;
}

/** The table for a run: header line and one line per thermo row. */
export function mdThermoTable(kind: ModelKind, ensemble: { thermostat: boolean; barostat: boolean }): { header: string; line: (r: DynamicsThermo) => string } {
  const num = (v: number | null, digits: number) => (v === null || !Number.isFinite(v) ? "-" : v.toFixed(digits));
  const cols: Column[] = [
    { name: "Step", value: (r) => String(r.step) },
    { name: "Time(fs)", value: (r) => num(r.time, 2) },
    { name: "Temp(K)", value: (r) => num(r.temperature, 3) },
  ];
  if (kind === "ect") {
    cols.push(
      { name: "E(eV)", value: (r) => num(r.potential, 6) },
      { name: "Omega(eV)", value: (r) => num(r.omega, 6) },
      { name: "KinEng(eV)", value: (r) => num(r.kinetic, 6) },
      { name: "Omega+KE(eV)", value: (r) => num((r.omega ?? r.potential) + r.kinetic, 6) },
    );
  } else {
    cols.push(
      { name: "PotEng(eV)", value: (r) => num(r.potential, 6) },
      { name: "KinEng(eV)", value: (r) => num(r.kinetic, 6) },
      { name: "TotEng(eV)", value: (r) => num(r.total, 6) },
    );
  }
  cols.push({ name: "Press(bar)", value: (r) => num(r.pressure, 3) });
  if (ensemble.thermostat) cols.push({ name: "Conserved(eV)", value: (r) => num(r.conserved, 6) });
  if (ensemble.barostat) cols.push({ name: "Volume(A^3)", value: (r) => num(r.volume, 3) });
  if (kind === "ect") {
    cols.push({ name: "TotCharge(e)", value: (r) => (r.totalCharge === null ? "-" : r.totalCharge.toExponential(3)) });
  } else if (kind === "streitz") {
    cols.push({ name: "qMin(e)", value: (r) => num(r.chargeMin, 6) }, { name: "qMax(e)", value: (r) => num(r.chargeMax, 6) });
  }
  if (kind !== "eam") cols.push({ name: "Iters", value: (r) => (r.solverIterations === null ? "-" : String(r.solverIterations)) });
  const pad = (s: string, k: number) => s.padStart(k === 0 ? 8 : 15);
  return {
    header: cols.map((c, k) => pad(c.name, k)).join(" "),
    line: (r) => cols.map((c, k) => pad(c.value(r), k)).join(" "),
  };
}

/** The ensemble as the header comment of every md run names it (temperatures K, times fs, pressure bar). */
export function describeEnsemble(t: ThermostatSpec, b: BarostatSpec = { kind: "none" }): string {
  const parts: string[] = [];
  if (t.kind === "none") parts.push("NVE");
  else if (t.kind === "langevin") parts.push(`Langevin ${t.temperature} K, tdamp ${t.tdamp} fs, seed ${t.seed}`);
  else parts.push(`Nose-Hoover chain of ${t.chain ?? 3} at ${t.temperature} K, tdamp ${t.tdamp} fs`);
  if (b.kind === "berendsen") parts.push(`Berendsen ${b.couple} ${b.pressure} bar, pdamp ${b.pdamp} fs`);
  return parts.join(" + ");
}
