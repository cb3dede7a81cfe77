/**
 * Progress bars for long commands (md, relax, scan, fit, property): cli-progress on stderr, only when
 * stderr is a terminal, so pipes, logs and tests see clean output.
 */
import { createRequire } from "node:module";
import type * as CliProgress from "cli-progress";
import { stderr } from "./io.js";

/** A bar that pauses around lines written to stdout (thermo tables) and can be advanced. */
export interface Progress {
  /** Whether a bar is shown (false: every call does nothing, so callers need not report progress). */
  readonly live: boolean;
  /** Sets the position (units of `total`) and optional extra text shown after the bar. */
  update(done: number, note?: string): void;
  /** Runs `write` with the bar hidden, so table lines do not mix with it. */
  around(write: () => void): void;
  /** Removes the bar. */
  stop(): void;
}

const NONE: Progress = { live: false, update: () => {}, around: (w) => w(), stop: () => {} };

/**
 * cli-progress, loaded on first use: only a terminal shows a bar, and loading the package cost
 * every command's start-up ~10 ms (more under load) in pipes and scripts, where no bar is drawn.
 */
function cliProgress(): typeof CliProgress {
  return createRequire(import.meta.url)("cli-progress") as typeof CliProgress;
}

/**
 * A bar labelled `label` counting to `total` `unit`s, with the rate and the time left; a no-op
 * when stderr is not a terminal or `total` is 0.
 */
export function progressBar(label: string, total: number, unit = "steps"): Progress {
  if (stderr().isTTY !== true || !(total > 0)) return NONE;
  const lib = cliProgress();
  const bar = new lib.SingleBar(
    {
      format: `${label} |{bar}| {percentage}% {value}/{total} ${unit} | {rate} ${unit}/s | ETA {eta_formatted}{note}`,
      stream: stderr() as NodeJS.WritableStream,
      clearOnComplete: true,
      hideCursor: true,
      etaBuffer: 20,
    },
    lib.Presets.shades_classic,
  );
  const t0 = performance.now();
  let done = 0;
  let note = "";
  let running = true;
  bar.start(total, 0, { rate: "-", note: "" });
  const rate = () => {
    const s = (performance.now() - t0) / 1000;
    return s > 0 && done > 0 ? (done / s).toPrecision(3) : "-";
  };
  return {
    live: true,
    update(d, n) {
      done = d;
      if (n !== undefined) note = ` | ${n}`;
      if (running) bar.update(d, { rate: rate(), note });
    },
    around(write) {
      if (running) bar.stop();
      running = false;
      write();
      if (done < total) {
        bar.start(total, done, { rate: rate(), note });
        running = true;
      }
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}
