/**
 * Progress bars for long commands (md, relax, scan, fit, property): cli-progress on stderr, only when
 * stderr is a terminal, so pipes, logs and tests see clean output.
 */
import cliProgress from "cli-progress";

/** A bar that pauses around lines written to stdout (thermo tables) and can be advanced. */
export interface Progress {
  /** Sets the position (units of `total`) and optional extra text shown after the bar. */
  update(done: number, note?: string): void;
  /** Runs `write` with the bar hidden, so table lines do not mix with it. */
  around(write: () => void): void;
  /** Removes the bar. */
  stop(): void;
}

const NONE: Progress = { update: () => {}, around: (w) => w(), stop: () => {} };

/**
 * A bar labelled `label` counting to `total` `unit`s, with the rate and the time left; a no-op
 * when stderr is not a terminal or `total` is 0.
 */
export function progressBar(label: string, total: number, unit = "steps"): Progress {
  if (process.stderr.isTTY !== true || !(total > 0)) return NONE;
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} |{bar}| {percentage}% {value}/{total} ${unit} | {rate} ${unit}/s | ETA {eta_formatted}{note}`,
      stream: process.stderr,
      clearOnComplete: true,
      hideCursor: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
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
