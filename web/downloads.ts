// What the page offers for download after (or during) a run, built from what it received: the
// trajectory as extended XYZ (the frames it drew), the thermo rows as CSV (the column names of
// `ect-eam md --log`, so `ect-eam plot` draws them) and the plots as SVG (the same renderer as the CLI).
import { Atoms, formatExtxyz } from "../src/core.js";
import { linePlotsSvg, type Panel } from "../src/cli/plot.js";
import type { ReadyMessage, ThermoRow } from "./protocol.js";

/** One drawn frame: step, positions (A) and, for ECT-EAM, charges (e). */
export interface FrameRecord {
  step: number;
  positions: Float64Array;
  charges: Float64Array | null;
}

/** A run as the page saw it. */
export interface RunRecord {
  ready: ReadyMessage;
  rows: ThermoRow[];
  frames: FrameRecord[];
}

/** The three files of a run, as text. */
export function runDownloads(run: RunRecord): { trajectory: string; thermo: string; plots: string } {
  return { trajectory: trajectory(run), thermo: thermoCsv(run), plots: plots(run) };
}

function trajectory(run: RunRecord): string {
  const { ready } = run;
  const byStep = new Map(run.rows.map((r) => [r.step, r]));
  return run.frames
    .map((f) => {
      const r = byStep.get(f.step);
      const a = new Atoms({ symbols: ready.symbols, positions: f.positions, cell: ready.cell, pbc: ready.pbc });
      a.info.step = f.step;
      if (ready.mode === "md") a.info.time = r ? r.x : f.step * ready.settings.dt;
      else if (r) a.info.separation = r.x;
      if (r) {
        a.info.energy = r.potential;
        if (r.omega !== undefined) a.info.free_energy = r.omega;
      }
      if (f.charges) a.arrays.charges = { kind: "R", ncols: 1, data: Float64Array.from(f.charges) };
      return formatExtxyz(a);
    })
    .join("");
}

function thermoCsv(run: RunRecord): string {
  const { ready } = run;
  const ect = ready.kind === "ect";
  const nvt = ready.settings.thermostat !== "none" && ready.mode === "md";
  const cols: [string, (r: ThermoRow) => number | undefined][] = [
    ["step", (r) => r.step],
    [ready.mode === "md" ? "time_fs" : "separation_A", (r) => r.x],
    ["temperature_K", (r) => r.temperature],
    ["potential_eV", (r) => r.potential],
    ["kinetic_eV", (r) => r.kinetic],
    ["total_eV", (r) => r.potential + r.kinetic],
  ];
  if (ect) cols.push(["omega_eV", (r) => r.omega]);
  if (nvt || (ect && ready.mode === "md")) cols.push(["conserved_eV", (r) => (nvt ? r.conserved : r.total)]);
  if (ect) cols.push(["total_charge_e", (r) => r.totalCharge], ["solver_iterations", (r) => r.iterations]);
  const lines = [cols.map((c) => c[0]).join(",")];
  for (const r of run.rows) lines.push(cols.map(([, f]) => (f(r) === undefined || !Number.isFinite(f(r)!) ? "" : String(f(r)))).join(","));
  return lines.join("\n") + "\n";
}

function plots(run: RunRecord): string {
  const { ready, rows } = run;
  const ect = ready.kind === "ect";
  const md = ready.mode === "md";
  const nvt = ready.settings.thermostat !== "none" && md;
  const s = (label: string, f: (r: ThermoRow) => number | undefined) => ({ label, points: rows.filter((r) => f(r) !== undefined).map((r) => [r.x, f(r)!] as [number, number]) });
  const panels: Panel[] = [
    {
      title: "energy",
      yTitle: "energy (eV)",
      series: [s(ect ? "E" : "potential", (r) => r.potential), ...(md ? [s("kinetic", (r) => r.kinetic)] : []), ...(ect ? [s("Omega", (r) => r.omega)] : [])],
    },
  ];
  if (md && (nvt || ect)) panels.push({ title: "conserved energy", yTitle: "conserved energy (eV)", series: [s("conserved", (r) => (nvt ? r.conserved : r.total))] });
  else if (md) panels.push({ title: "total energy", yTitle: "total energy (eV)", series: [s("total", (r) => r.total)] });
  if (md) panels.push({ title: "temperature", yTitle: "temperature (K)", series: [s("T", (r) => r.temperature)] });
  if (ect) panels.push({ title: "charges", yTitle: "charge (e)", series: ready.chargeLabels.map((label, k) => s(label, (r) => r.charges?.[k])) });
  return linePlotsSvg(panels, ready.xLabel.replace("Å", "A"));
}
