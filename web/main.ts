// The demo page's main thread: the form, the 3Dmol viewer, the uPlot plots and the readout. All the
// computing happens in md.worker.ts; this file only renders the frames the worker posts (at most one
// per animation frame, acknowledged after drawing so the worker never floods the page).
import * as $3Dmol from "3dmol";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { CORES, EXAMPLES, exampleById, type Example } from "./examples.js";
import type { BenchmarkReply, FrameMessage, FromWorker, PotentialText, ReadyMessage, RunSettings, StartMessage, StructureSpec, ThermostatKind as ThermoKind, ThermoRow, ToWorker } from "./protocol.js";
import type { BenchmarkReport } from "../src/benchmark/suite.js";
import { runDownloads, type RunRecord } from "./downloads.js";

// ------------------------------------------------------------------------------------------------
// DOM

function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page is missing #${id}`);
  return el;
}
const exampleSelect = $("example") as HTMLSelectElement;
const about = $("about");
const filesBox = $("files") as HTMLFieldSetElement;
const structureFile = $("structure-file") as HTMLInputElement;
const potentialFile = $("potential-file") as HTMLInputElement;
const keepVelocities = $("keep-velocities") as HTMLInputElement;
const speciesInput = $("species") as HTMLInputElement;
const thermostatSelect = $("thermostat") as HTMLSelectElement;
const downloadsBox = $("downloads");
const downloadLinks = {
  trajectory: $("download-trajectory") as HTMLAnchorElement,
  thermo: $("download-thermo") as HTMLAnchorElement,
  plots: $("download-plots") as HTMLAnchorElement,
};
const groundState = $("ground-state") as HTMLInputElement;
const groundStateLabel = $("ground-state-label");
const startButton = $("start") as HTMLButtonElement;
const stopButton = $("stop") as HTMLButtonElement;
const statusLine = $("status");
const inputs = {
  dt: $("dt") as HTMLInputElement,
  temperature: $("temperature") as HTMLInputElement,
  seed: $("seed") as HTMLInputElement,
  steps: $("steps") as HTMLInputElement,
  frameEvery: $("frame-every") as HTMLInputElement,
  frameDelayMs: $("frame-delay") as HTMLInputElement,
  targetTemperature: $("target-temperature") as HTMLInputElement,
  tdamp: $("tdamp") as HTMLInputElement,
  workers: $("workers") as HTMLInputElement,
};
inputs.workers.max = String(CORES);

const FILE_CHOICE = "file";
const FILE_DEFAULTS: RunSettings = {
  dt: 1,
  temperature: 300,
  seed: 1,
  steps: 1000,
  frameEvery: 10,
  frameDelayMs: 0,
  keepVelocities: true,
  groundState: false,
  thermostat: "none",
  targetTemperature: 300,
  tdamp: 100,
  workers: 1,
};

for (const ex of EXAMPLES) exampleSelect.add(new Option(ex.label, ex.id));
exampleSelect.add(new Option("Load an extended XYZ file and a potential or model…", FILE_CHOICE));

function fillForm(s: RunSettings): void {
  inputs.dt.value = String(s.dt);
  inputs.temperature.value = String(s.temperature);
  inputs.seed.value = String(s.seed);
  inputs.steps.value = String(s.steps);
  inputs.frameEvery.value = String(s.frameEvery);
  inputs.frameDelayMs.value = String(s.frameDelayMs);
  keepVelocities.checked = s.keepVelocities;
  groundState.checked = s.groundState;
  thermostatSelect.value = s.thermostat;
  inputs.targetTemperature.value = String(s.targetTemperature);
  inputs.tdamp.value = String(s.tdamp);
  inputs.workers.value = String(s.workers);
}

function readForm(): RunSettings {
  const num = (el: HTMLInputElement) => (el.value.trim() === "" ? NaN : Number(el.value));
  return {
    dt: num(inputs.dt),
    temperature: num(inputs.temperature),
    seed: num(inputs.seed),
    steps: num(inputs.steps),
    frameEvery: num(inputs.frameEvery),
    frameDelayMs: Math.max(0, num(inputs.frameDelayMs) || 0),
    keepVelocities: keepVelocities.checked,
    groundState: groundState.checked,
    thermostat: thermostatSelect.value as ThermoKind,
    targetTemperature: num(inputs.targetTemperature),
    tdamp: num(inputs.tdamp),
    workers: num(inputs.workers),
  };
}

function onExampleChange(): void {
  const id = exampleSelect.value;
  filesBox.hidden = id !== FILE_CHOICE;
  groundStateLabel.hidden = false;
  for (const el of [inputs.dt, inputs.temperature, inputs.seed]) el.disabled = false;
  if (id === FILE_CHOICE) {
    about.textContent = "Molecular dynamics (NVE velocity Verlet) of your structure with your EAM potential or ECT-EAM model.";
    fillForm(FILE_DEFAULTS);
    return;
  }
  const ex = exampleById(id);
  about.textContent = ex.about;
  fillForm(ex.settings);
  groundStateLabel.hidden = ex.potentialKind !== "ect";
  const pull = ex.structure.kind === "dimer";
  for (const el of [inputs.dt, inputs.temperature, inputs.seed, inputs.targetTemperature, inputs.tdamp, inputs.workers]) el.disabled = pull;
  thermostatSelect.disabled = pull;
}
exampleSelect.addEventListener("change", onExampleChange);

function setStatus(text: string, error = false): void {
  statusLine.textContent = text;
  statusLine.classList.toggle("error", error);
}

// ------------------------------------------------------------------------------------------------
// Viewer (3Dmol)

/**
 * True when WebGL runs on a software rasterizer (SwiftShader, llvmpipe: no GPU, as in headless
 * browsers), where multisampling makes every frame several times slower.
 */
function softwareWebGL(): boolean {
  try {
    const gl = document.createElement("canvas").getContext("webgl2") ?? document.createElement("canvas").getContext("webgl");
    if (!gl) return true;
    const info = gl.getExtension("WEBGL_debug_renderer_info");
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension("WEBGL_lose_context")?.loseContext();
    return /swiftshader|llvmpipe|software/i.test(renderer);
  } catch {
    return true;
  }
}

const viewer = $3Dmol.createViewer($("viewer"), { backgroundColor: "white", antialias: !softwareWebGL() });
let model: ReturnType<typeof viewer.addModel> | null = null;
let viewAtoms: { x?: number; y?: number; z?: number; color?: unknown }[] = [];

const RADIUS: Record<string, number> = { H: 0.35, Li: 0.75, Na: 0.9, F: 0.6, Cl: 0.9, Cu: 0.8, Ni: 0.8, Al: 0.8, Fe: 0.8, O: 0.6 };
/** Element colours where 3Dmol's default is not the familiar one. */
const COLOR: Record<string, number> = { Cu: 0xc87533 };
const NEUTRAL = [0xdc, 0xdc, 0xdc];
const POSITIVE = [0x24, 0x56, 0xe0];
const NEGATIVE = [0xe0, 0x30, 0x1e];

/** Blue for positive, red for negative, light grey for neutral; full colour at |q| = 1 e. */
function chargeColor(q: number): number {
  const t = Math.min(1, Math.abs(q));
  const end = q >= 0 ? POSITIVE : NEGATIVE;
  let c = 0;
  for (let k = 0; k < 3; k++) c = (c << 8) | Math.round(NEUTRAL[k] + (end[k] - NEUTRAL[k]) * t);
  return c;
}

function setupViewer(ready: ReadyMessage): void {
  viewer.clear();
  model = viewer.addModel();
  // Placed at the view positions first (a pulled dimer's end point included) so that zoomTo frames
  // the whole run; the first frame moves them to where they are.
  const p = ready.viewPositions;
  model.addAtoms(
    ready.symbols.map((elem, i) => ({ elem, x: p[3 * i], y: p[3 * i + 1], z: p[3 * i + 2], bonds: [], ...(COLOR[elem] !== undefined ? { color: COLOR[elem] } : {}) })),
  );
  viewAtoms = model.selectedAtoms({}) as typeof viewAtoms;
  if (ready.pbc.some((b) => b)) drawCell(ready.cell);
  styleAtoms(ready.symbols);
  viewer.zoomTo();
  viewer.zoom(0.8); // zoomTo frames atom centres: leave room for the spheres
  if (ready.mode === "pull") {
    viewer.rotate(90, "y");
  } else {
    viewer.rotate(-25, "y");
    viewer.rotate(18, "x");
  }
  viewer.render();
}

function styleAtoms(symbols: string[]): void {
  if (!model) return;
  for (const elem of new Set(symbols)) model.setStyle({ elem }, { sphere: { radius: RADIUS[elem] ?? 0.7 } });
}

function drawCell(cell: number[]): void {
  const [a, b, c] = [cell.slice(0, 3), cell.slice(3, 6), cell.slice(6, 9)];
  const corner = (i: number, j: number, k: number) => ({ x: i * a[0] + j * b[0] + k * c[0], y: i * a[1] + j * b[1] + k * c[1], z: i * a[2] + j * b[2] + k * c[2] });
  const edges: [number[], number[]][] = [];
  for (const [i, j, k] of [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [1, 0, 1], [0, 1, 1], [1, 1, 1]]) {
    if (i === 0) edges.push([[i, j, k], [1, j, k]]);
    if (j === 0) edges.push([[i, j, k], [i, 1, k]]);
    if (k === 0) edges.push([[i, j, k], [i, j, 1]]);
  }
  for (const [s, e] of edges) viewer.addLine({ start: corner(s[0], s[1], s[2]), end: corner(e[0], e[1], e[2]), color: "#8a94a3" } as never);
}

function drawAtoms(frame: FrameMessage, symbols: string[]): void {
  if (!model) return;
  const pos = frame.positions;
  for (let i = 0; i < viewAtoms.length; i++) {
    const a = viewAtoms[i];
    a.x = pos[3 * i];
    a.y = pos[3 * i + 1];
    a.z = pos[3 * i + 2];
    if (frame.charges) a.color = chargeColor(frame.charges[i]);
  }
  styleAtoms(symbols); // rebuilds the geometry at the new positions
  viewer.render();
}

// ------------------------------------------------------------------------------------------------
// Plots (uPlot)

interface Plot {
  plot: uPlot;
  data: number[][];
  /** Values of one row, in series order after x. */
  pick: (r: ThermoRow) => number[];
}
let plots: Plot[] = [];

const COLORS = ["#2456c8", "#d9480f", "#2b8a3e", "#7048e8", "#c2255c", "#0b7285", "#e67700", "#495057"];

function makePlot(el: HTMLElement, xLabel: string, series: { label: string; scale?: string }[], pick: (r: ThermoRow) => number[], yLabels: Record<string, string>): Plot {
  el.replaceChildren();
  const scales = [...new Set(series.map((s) => s.scale ?? "y"))];
  const opts: uPlot.Options = {
    width: Math.max(280, el.clientWidth || 400),
    height: 190,
    scales: { x: { time: false } },
    legend: { live: false },
    cursor: { drag: { x: true, y: false } },
    series: [
      { label: xLabel, value: (_u, v) => (v == null ? "" : v.toFixed(3)) },
      ...series.map((s, i) => ({ label: s.label, scale: s.scale ?? "y", stroke: COLORS[i % COLORS.length], width: 1.5, points: { show: false } })),
    ],
    axes: [
      { label: xLabel, labelSize: 18, size: 36 },
      ...scales.map((sc, i) => ({ scale: sc, label: yLabels[sc] ?? "", labelSize: 18, size: 62, side: i === 0 ? 3 : 1, grid: { show: i === 0 } })),
    ],
  };
  const data = [[] as number[], ...series.map(() => [] as number[])];
  return { plot: new uPlot(opts, data as uPlot.AlignedData, el), data, pick };
}

function setupPlots(ready: ReadyMessage): void {
  for (const p of plots) p.plot.destroy();
  plots = [];
  const ect = ready.kind === "ect";
  const md = ready.mode === "md";
  const energySeries = ect
    ? [{ label: "E" }, { label: "Ω" }, ...(md ? [{ label: "Ω + KE" }, { label: "KE", scale: "k" }] : [])]
    : [{ label: "potential" }, { label: "total" }, { label: "kinetic", scale: "k" }];
  const pickEnergy = ect
    ? (r: ThermoRow) => (md ? [r.potential, r.omega ?? NaN, r.total, r.kinetic] : [r.potential, r.omega ?? NaN])
    : (r: ThermoRow) => [r.potential, r.total, r.kinetic];
  plots.push(makePlot($("plot-energy"), ready.xLabel, energySeries, pickEnergy, { y: "eV", k: "kinetic (eV)" }));

  $("fig-temperature").hidden = !md;
  if (md) plots.push(makePlot($("plot-temperature"), ready.xLabel, [{ label: "T" }], (r) => [r.temperature], { y: "K" }));
  else $("plot-temperature").replaceChildren();

  const note = $("charges-note");
  if (ect) {
    note.textContent = ready.chargeLabels.length === 2 && ready.symbols.length > 2 ? "smallest and largest charge" : "";
    plots.push(makePlot($("plot-charges"), ready.xLabel, ready.chargeLabels.map((label) => ({ label })), (r) => r.charges ?? [], { y: "e" }));
  } else {
    $("plot-charges").replaceChildren();
    note.textContent = "EAM atoms carry no charge; pick an ECT-EAM example or model to see charges.";
  }
}

function appendRows(rows: ThermoRow[]): void {
  for (const p of plots) {
    for (const r of rows) {
      p.data[0].push(r.x);
      const v = p.pick(r);
      for (let k = 0; k < v.length; k++) p.data[k + 1].push(v[k]);
    }
  }
}

new ResizeObserver(() => {
  for (const p of plots) {
    const el = p.plot.root.parentElement;
    if (el && el.clientWidth > 0) p.plot.setSize({ width: el.clientWidth, height: 190 });
  }
  viewer.resize();
}).observe(document.body);

// ------------------------------------------------------------------------------------------------
// Readout

const cells = new Map<string, HTMLElement>();
for (const td of document.querySelectorAll<HTMLElement>("#readout td[data-key]")) cells.set(td.dataset.key!, td);

/** Shows values in full: String(v) of a double reads back as the same double. */
function showRow(r: ThermoRow, ready: ReadyMessage, computeMs: number): void {
  const set = (k: string, v: string) => {
    const td = cells.get(k);
    if (td) td.textContent = v;
  };
  set("step", String(r.step));
  set("x", String(r.x));
  set("potential", String(r.potential));
  set("kinetic", String(r.kinetic));
  set("total", String(r.total));
  set("temperature", String(r.temperature));
  set("conserved", r.conserved === undefined ? "" : String(r.conserved));
  set("omega", r.omega === undefined ? "" : String(r.omega));
  const fixed = (q: number) => (Math.abs(q) < 5e-4 ? "0.000" : q > 0 ? `+${q.toFixed(3)}` : q.toFixed(3));
  set("charges", r.charges ? r.charges.map((q, i) => `${ready.chargeLabels[i].replace(/^q /, "")} ${fixed(q)}`).join(", ") : "");
  set("totalCharge", r.totalCharge === undefined ? "" : r.totalCharge.toExponential(2));
  set("iterations", r.iterations === undefined ? "" : String(r.iterations));
  if (r.step > 0 && computeMs > 0) {
    const perStep = computeMs / r.step;
    set("speed", `${(1000 / perStep).toFixed(0)} steps/s, ${((perStep * 1000) / ready.symbols.length).toFixed(3)} µs/atom-step`);
  } else {
    set("speed", "");
  }
}

function setReadoutLabels(ready: ReadyMessage): void {
  const ect = ready.kind === "ect";
  document.body.classList.toggle("ect", ect);
  document.body.classList.toggle("nvt", ready.mode === "md" && ready.settings.thermostat !== "none");
  const label = (k: string, text: string) => {
    const th = document.querySelector<HTMLElement>(`#readout th[data-label="${k}"]`);
    if (th) th.textContent = text;
  };
  label("x", ready.mode === "pull" ? "separation R (Å)" : "time (fs)");
  label("potential", ect ? "energy E (eV)" : "potential energy (eV)");
  label("total", ect ? "Ω + kinetic (eV)" : "total energy (eV)");
  $("legend").hidden = !ect;
}

// ------------------------------------------------------------------------------------------------
// Running

interface RunState {
  runId: number;
  example: string;
  ready: ReadyMessage | null;
  rows: ThermoRow[];
  /** Every frame the worker posted (the trajectory download). */
  frames: RunRecord["frames"];
  lastFrame: FrameMessage | null;
  pendingDraw: boolean;
  finished: Promise<RunResult>;
  settle: (r: RunResult | Error) => void;
}

/** What `window.ectDemo.run` resolves to. */
export interface RunResult {
  example: string;
  kind: string;
  mode: string;
  variant: string;
  settings: RunSettings;
  reason: string;
  steps: number;
  computeMs: number;
  /** The velocities the run started from (A/fs, N x 3). */
  initialVelocities: number[];
  /** Workers the run used (spatial domains). */
  domains: number;
  /** Every thermo row the page received and plotted. */
  rows: ThermoRow[];
  /** The readout as shown (text of each value cell). */
  shown: Record<string, string>;
}

const worker = new Worker(new URL("./md.worker.js", import.meta.url), { type: "module", name: "ect-eam md" });
let run: RunState | null = null;
let nextRunId = 1;

function send(msg: ToWorker): void {
  worker.postMessage(msg);
}

function setRunning(on: boolean): void {
  startButton.disabled = on;
  stopButton.disabled = !on;
  document.body.dataset.state = on ? "running" : "idle";
}

function shownValues(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, td] of cells) out[k] = td.textContent ?? "";
  return out;
}

function draw(): void {
  const r = run;
  if (!r || !r.ready || !r.lastFrame) return;
  r.pendingDraw = false;
  const frame = r.lastFrame;
  drawAtoms(frame, r.ready.symbols);
  for (const p of plots) p.plot.setData(p.data as uPlot.AlignedData);
  const last = r.rows[r.rows.length - 1];
  if (last) showRow(last, r.ready, frame.computeMs);
  const total = r.ready.settings.steps;
  if (document.body.dataset.state === "running") setStatus(`running: step ${frame.step} of ${total}`);
  send({ type: "ack" });
}

worker.onmessage = (event: MessageEvent) => {
  const data = event.data as FromWorker | BenchmarkReply;
  if (data.type === "benchmark-progress" || data.type === "benchmark-done" || data.type === "benchmark-error") {
    onBenchmarkReply(data);
    return;
  }
  const msg = data;
  const r = run;
  if (!r || msg.runId !== r.runId) return; // a stopped run's last words
  if (msg.type === "ready") {
    r.ready = msg;
    setReadoutLabels(msg);
    setupViewer(msg);
    setupPlots(msg);
    const warn = msg.warnings.length ? `\nmodel warnings: ${msg.warnings.join("; ")}` : "";
    const cores = msg.domains > 1 ? `, ${msg.domains} cores` : "";
    const note = msg.coresNote ? `\n${msg.coresNote}` : "";
    setStatus(`running (${msg.kind === "ect" ? "ECT-EAM" : "EAM"}, ${msg.symbols.length} atoms, ${msg.variant} kernels${cores})${warn}${note}`);
  } else if (msg.type === "frame") {
    r.rows.push(...msg.rows);
    r.frames.push(...msg.trajectory);
    downloadsBox.hidden = false;
    appendRows(msg.rows);
    r.lastFrame = msg;
    if (!r.pendingDraw) {
      r.pendingDraw = true;
      requestAnimationFrame(draw);
    }
  } else if (msg.type === "done") {
    const finish = () => {
      setRunning(false);
      const secs = (msg.computeMs / 1000).toFixed(2);
      setStatus(`${msg.reason === "finished" ? "finished" : "stopped"} at step ${msg.step} (${secs} s of computing in the worker)`);
      r.settle({
        example: r.example,
        kind: r.ready?.kind ?? "",
        mode: r.ready?.mode ?? "",
        variant: r.ready?.variant ?? "",
        settings: r.ready?.settings ?? readForm(),
        reason: msg.reason,
        steps: msg.step,
        computeMs: msg.computeMs,
        initialVelocities: Array.from(r.ready?.initialVelocities ?? []),
        domains: r.ready?.domains ?? 1,
        rows: r.rows,
        shown: shownValues(),
      });
    };
    // The last frame is drawn first (its animation frame was requested before this one).
    if (r.pendingDraw) requestAnimationFrame(finish);
    else finish();
  } else if (msg.type === "error") {
    setRunning(false);
    setStatus(`error: ${msg.message}`, true);
    r.settle(new Error(msg.message));
  }
};
worker.onerror = (event: ErrorEvent) => {
  setRunning(false);
  setStatus(`worker failed: ${event.message}`, true);
  run?.settle(new Error(event.message));
  bench?.settle(new Error(event.message));
};

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`cannot fetch ${url}: HTTP ${res.status}`);
  return await res.text();
}

async function inputsFor(choice: string): Promise<{ structure: StructureSpec; potential: PotentialText }> {
  if (choice !== FILE_CHOICE) {
    const ex: Example = exampleById(choice);
    const name = ex.potentialUrl.split("/").pop()!;
    return { structure: ex.structure, potential: { kind: ex.potentialKind, text: await fetchText(ex.potentialUrl), name } };
  }
  const sf = structureFile.files?.[0];
  const pf = potentialFile.files?.[0];
  if (!sf || !pf) throw new Error("choose a structure file (extended XYZ or LAMMPS data) and a potential file (EAM) or model (.json) first");
  const kind = /\.json$/i.test(pf.name) ? "ect" : "eam";
  const potential: PotentialText = { kind, text: await pf.text(), name: pf.name };
  if (/\.(data|lmp)$/i.test(sf.name) || /^data\./i.test(sf.name)) {
    const list = speciesInput.value.split(",").map((x) => x.trim()).filter((x) => x !== "");
    return { structure: { kind: "lammps-data", text: await sf.text(), name: sf.name, species: list.length ? list : undefined }, potential };
  }
  return { structure: { kind: "extxyz", text: await sf.text(), name: sf.name }, potential };
}

/** Starts a run of the selected example (or files) with the form's settings. */
async function start(): Promise<RunResult> {
  if (run && document.body.dataset.state === "running") {
    stop();
    run.settle(new Error("replaced by a new run"));
  }
  const runId = nextRunId++;
  let settle!: (r: RunResult | Error) => void;
  const finished = new Promise<RunResult>((ok, fail) => {
    settle = (r) => (r instanceof Error ? fail(r) : ok(r));
  });
  const state: RunState = { runId, example: exampleSelect.value, ready: null, rows: [], frames: [], lastFrame: null, pendingDraw: false, finished, settle };
  downloadsBox.hidden = true;
  run = state;
  setRunning(true);
  setStatus("starting…");
  try {
    const { structure, potential } = await inputsFor(exampleSelect.value);
    const msg: StartMessage = { type: "start", runId, structure, potential, settings: readForm() };
    send(msg);
  } catch (err) {
    setRunning(false);
    setStatus(`error: ${(err as Error).message}`, true);
    settle(err as Error);
  }
  return finished;
}

function stop(): void {
  send({ type: "stop" });
}

startButton.addEventListener("click", () => {
  start().catch(() => undefined); // shown in the status line
});
stopButton.addEventListener("click", stop);

// ------------------------------------------------------------------------------------------------
// Downloads: built from what the page received, when a link is clicked.

/** The current run's files, or null before its first frame. */
function currentDownloads(): ReturnType<typeof runDownloads> | null {
  const r = run;
  if (!r || !r.ready || r.frames.length === 0) return null;
  return runDownloads({ ready: r.ready, rows: r.rows, frames: r.frames });
}

for (const [key, type] of [["trajectory", "chemical/x-extxyz"], ["thermo", "text/csv"], ["plots", "image/svg+xml"]] as const) {
  const link = downloadLinks[key];
  link.addEventListener("click", () => {
    const files = currentDownloads();
    if (!files) return;
    if (link.href.startsWith("blob:")) URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(new Blob([files[key]], { type }));
  });
}

// ------------------------------------------------------------------------------------------------
// Benchmark panel: the portable suite (src/benchmark/suite.ts) in the worker; the page shows its
// progress and results and offers the report as JSON (the shape `node dist/bench.js --json` prints).

const benchButton = $("bench-run") as HTMLButtonElement;
const benchQuick = $("bench-quick") as HTMLInputElement;
const benchStatus = $("bench-status");
const benchTable = $("bench-table") as HTMLTableElement;
const benchDownload = $("bench-download") as HTMLAnchorElement;

let bench: { benchId: number; settle: (r: BenchmarkReport | Error) => void } | null = null;
let nextBenchId = 1;

function setBenchStatus(text: string, error = false): void {
  benchStatus.textContent = text;
  benchStatus.classList.toggle("error", error);
}

function showReport(report: BenchmarkReport): void {
  const body = benchTable.tBodies[0];
  body.replaceChildren();
  const sig = (v: number) => (v >= 1e4 ? v.toExponential(3) : v.toPrecision(4));
  for (const e of report.entries) {
    const tr = body.insertRow();
    const cell = (text: string, num = false) => {
      const td = tr.insertCell();
      td.textContent = text;
      if (num) td.className = "num";
      td.dataset.entry = e.id;
    };
    cell(e.id);
    cell(e.name);
    cell(String(e.atoms), true);
    cell(`${sig(e.median)} ${e.unit}`, true);
    cell(sig(e.min), true);
    cell(sig(e.max), true);
    cell(`${e.cost.toFixed(3)} ${e.costUnit}`, true);
    cell(e.notes);
  }
  benchTable.hidden = false;
  if (benchDownload.href) URL.revokeObjectURL(benchDownload.href);
  benchDownload.href = URL.createObjectURL(new Blob([JSON.stringify(report, null, 2) + "\n"], { type: "application/json" }));
  benchDownload.download = `ect-eam-benchmark-${report.date.replace(/[:.]/g, "-")}.json`;
  benchDownload.hidden = false;
}

function onBenchmarkReply(msg: BenchmarkReply): void {
  const b = bench;
  if (!b || msg.benchId !== b.benchId) return;
  if (msg.type === "benchmark-progress") {
    setBenchStatus(`running: ${msg.message}`);
    return;
  }
  bench = null;
  benchButton.disabled = false;
  document.body.dataset.bench = "idle";
  if (msg.type === "benchmark-done") {
    const r = msg.report;
    setBenchStatus(`finished in ${r.seconds.toFixed(1)} s (${r.simd ? "SIMD" : "scalar"} kernels, one worker, ${r.runtime.cores} cores reported)`);
    showReport(r);
    b.settle(r);
  } else {
    setBenchStatus(`error: ${msg.message}`, true);
    b.settle(new Error(msg.message));
  }
}

/** Runs the suite in the worker (stopping an MD run first) and resolves to its report. */
async function runBenchmark(quick: boolean): Promise<BenchmarkReport> {
  if (bench) throw new Error("a benchmark is already running");
  if (document.body.dataset.state === "running") stop();
  const benchId = nextBenchId++;
  let settle!: (r: BenchmarkReport | Error) => void;
  const done = new Promise<BenchmarkReport>((ok, fail) => {
    settle = (r) => (r instanceof Error ? fail(r) : ok(r));
  });
  bench = { benchId, settle };
  benchButton.disabled = true;
  benchDownload.hidden = true;
  document.body.dataset.bench = "running";
  setBenchStatus("starting…");
  try {
    const [potentialText, modelText, fittedModelText] = await Promise.all([fetchText("data/Cu_u3.eam"), fetchText("data/ect-starter.json"), fetchText("data/ect-fitted.json")]);
    send({ type: "benchmark", benchId, quick, potentialText, modelText, fittedModelText });
  } catch (err) {
    bench = null;
    benchButton.disabled = false;
    document.body.dataset.bench = "idle";
    setBenchStatus(`error: ${(err as Error).message}`, true);
    settle(err as Error);
  }
  return done;
}

benchButton.addEventListener("click", () => {
  runBenchmark(benchQuick.checked).catch(() => undefined); // shown in the panel's status line
});

// ------------------------------------------------------------------------------------------------
// Test and scripting hook: window.ectDemo.run({ example: "cu", steps: 100 }) runs an example with
// the page's defaults (overridden by any of the RunSettings given) and resolves, once the last
// frame is drawn, to everything the page received and showed.

interface RunOptions extends Partial<RunSettings> {
  example: string;
}

const hook = {
  examples: EXAMPLES.map((e) => ({ id: e.id, label: e.label, settings: e.settings })),
  run(opts: RunOptions): Promise<RunResult> {
    exampleSelect.value = exampleById(opts.example).id;
    onExampleChange();
    const s = { ...readForm(), ...opts };
    fillForm(s);
    return start();
  },
  stop,
  state: (): string => document.body.dataset.state ?? "",
  /** The files the download links give for the current run (null before its first frame). */
  downloads: () => currentDownloads(),
  /** Runs the benchmark suite in the worker, as the panel's button does. */
  benchmark: (opts: { quick?: boolean } = {}): Promise<BenchmarkReport> => runBenchmark(opts.quick === true),
};
(window as unknown as { ectDemo: typeof hook }).ectDemo = hook;

// Draw one sphere once so that WebGL compiles 3Dmol's shaders now rather than at the first frame
// (a noticeable pause where WebGL runs in software).
viewer.addModel().addAtoms([{ elem: "Cu", x: 0, y: 0, z: 0, bonds: [] } as never]);
viewer.setStyle({}, { sphere: { radius: 0.8 } });
viewer.render();
viewer.clear();
viewer.render();

onExampleChange();
setStatus("Pick an example and press Start.");
document.body.dataset.ready = "true";
