import type { Command } from "commander";
import { readFileSync } from "node:fs";
import { checkOutputPaths, writeFileAtomic } from "../io/output-file.js";
import { InputError } from "../errors.js";
import { parseThermoCsv, type ThermoLog } from "../io/log-csv.js";
import { runCommand } from "./common.js";
import { linePlotsSvg, type Series } from "./plot.js";
import { stderr } from "./io.js";

/**
 * Panels of a thermo log, in drawing order: which columns go together, with titles and units. The
 * conserved quantity has a panel of its own: on the energy panel's scale (potential and kinetic
 * energy tens of eV apart) its drift would be a flat line.
 */
export const LOG_PANELS: { title: string; yTitle: string; columns: [string, string][] }[] = [
  {
    title: "energy",
    yTitle: "energy (eV)",
    columns: [
      ["potential_eV", "potential"],
      ["kinetic_eV", "kinetic"],
      ["total_eV", "total"],
      ["omega_eV", "Omega"],
    ],
  },
  { title: "conserved energy", yTitle: "conserved energy (eV)", columns: [["conserved_eV", "conserved"]] },
  { title: "temperature", yTitle: "temperature (K)", columns: [["temperature_K", "T"]] },
  { title: "pressure", yTitle: "pressure (bar)", columns: [["pressure_bar", "P"]] },
  { title: "volume", yTitle: "volume (A^3)", columns: [["volume_A3", "V"]] },
  {
    title: "charges",
    yTitle: "charge (e)",
    columns: [
      ["total_charge_e", "q total"],
      ["charge_min_e", "q min"],
      ["charge_max_e", "q max"],
    ],
  },
  { title: "charge solver", yTitle: "iterations", columns: [["solver_iterations", "iterations"]] },
];

/**
 * The panels to draw for a log: every known panel with at least one present column that has a value
 * (restricted to `only` when given); columns the panels do not know get a panel each. x is time_fs
 * when it has values, else step, else the row number.
 * @throws InputError when a column of `only` is not in the log, or nothing is left to plot
 */
export function logPanels(log: ThermoLog, file: string, only?: string[]): { xTitle: string; panels: { title: string; yTitle: string; series: Series[] }[] } {
  const has = (c: string) => {
    const k = log.columns.indexOf(c);
    return k >= 0 && log.values[k].some((v) => !Number.isNaN(v));
  };
  if (only) {
    for (const c of only) if (!log.columns.includes(c)) throw new InputError(`--columns names '${c}', which is not in the header (${log.columns.join(", ")})`, { file });
  }
  const xName = has("time_fs") ? "time_fs" : has("step") ? "step" : null;
  const x = xName ? log.values[log.columns.indexOf(xName)] : Float64Array.from({ length: log.rows }, (_, r) => r);
  const xTitle = xName === "time_fs" ? "time (fs)" : xName === "step" ? "step" : "row";
  const wanted = (c: string) => c !== xName && (only ? only.includes(c) : true) && has(c);
  const seriesOf = (c: string, label: string): Series => {
    const y = log.values[log.columns.indexOf(c)];
    const points: [number, number][] = [];
    for (let r = 0; r < log.rows; r++) if (!Number.isNaN(y[r]) && !Number.isNaN(x[r])) points.push([x[r], y[r]]);
    return { label, points };
  };
  const panels: { title: string; yTitle: string; series: Series[] }[] = [];
  const known = new Set<string>(["step", "time_fs"]);
  for (const p of LOG_PANELS) {
    for (const [c] of p.columns) known.add(c);
    const series = p.columns.filter(([c]) => wanted(c)).map(([c, label]) => seriesOf(c, label));
    if (series.length > 0) panels.push({ title: p.title, yTitle: p.yTitle, series });
  }
  for (const c of log.columns) if (!known.has(c) && wanted(c)) panels.push({ title: c, yTitle: c, series: [seriesOf(c, c)] });
  if (panels.length === 0) throw new InputError("no column with values to plot", { file });
  return { xTitle, panels };
}

/** `ect-eam plot LOG.csv`: energy, temperature, pressure and charge traces of a thermo log as SVG. */
export function registerPlotLog(program: Command): void {
  program
    .command("plot")
    .description("draw the energy, temperature, pressure and charge traces of a thermo log (CSV from md --log) as SVG")
    .argument("<log>", "thermo log CSV: header of column names, then rows of numbers")
    .option("--output <file>", "SVG file (default: the log's name with .svg)")
    .option("--columns <list>", "plot only these columns, comma-separated (e.g. potential_eV,temperature_K)")
    .action((log: string, opts: { output?: string; columns?: string }) => runCommand(() => plotLog(log, opts)));
}

async function plotLog(file: string, opts: { output?: string; columns?: string }): Promise<void> {
  const output = opts.output ?? `${file.replace(/\.csv$/i, "")}.svg`;
  if (output.toLowerCase().endsWith(".png")) {
    throw new InputError("PNG output needs a raster renderer this package does not ship; write SVG (--output FILE.svg) and convert it (e.g. rsvg-convert)");
  }
  checkOutputPaths([["--output", output]]);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(`cannot read the log: ${e instanceof Error ? e.message : String(e)}`, { file });
  }
  const only = opts.columns?.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const { xTitle, panels } = logPanels(parseThermoCsv(text, file), file, only);
  writeFileAtomic(output, await linePlotsSvg(panels, xTitle), "--output");
  stderr().write(`wrote ${output} (${panels.map((p) => p.title).join(", ")})\n`);
}
