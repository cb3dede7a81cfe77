/**
 * `ect-eam fit` stops on Ctrl-C and SIGTERM. A fit runs for minutes to hours in one synchronous-looking
 * loop; the CLI's signal handlers (which remove unfinished output files) only run when the event loop
 * gets a turn, which the fitter now gives between frames. Before that, the signal waited for the
 * whole fit and the process then exited 0. Here: the shipped plan's LiH stage (its first iteration
 * alone takes 10 s or more), interrupted two seconds after it starts.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

describe("fit stops on a signal", () => {
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    it(`a running fit exits with ${code} soon after ${signal} and leaves no output files behind`, async () => {
      const out = mkdtempSync(join(tmpdir(), "fit-signal-"));
      try {
        const args = [join(process.cwd(), "dist/cli.js"), "fit", "--plan", join(process.cwd(), "models/ect-fit-plan.json"), "--only", "LiH", "--output", "m.json", "--report", "report"];
        const child = spawn("node", args, { cwd: out, stdio: ["ignore", "pipe", "pipe"] });
        let text = "";
        // the fit reports its stages and iterations on stderr
        child.stdout.on("data", (d) => (text += d));
        const started = new Promise<void>((resolve) => child.stderr.on("data", (d) => { text += d; if (/stage LiH:/.test(text)) resolve(); }));
        const exited = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
        await started;
        await new Promise((resolve) => setTimeout(resolve, 2000));
        child.kill(signal);
        // "Soon": the fitter hands control back every 0.2 s of work; the 20 s race only catches a fit
        // that ignores the signal, whatever the load.
        const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 20_000));
        const result = await Promise.race([exited, timeout]);
        if (result === "timeout") child.kill("SIGKILL");
        expect(result, `output so far:\n${text}`).toBe(code);
        // neither the model nor the report directory (created up front to check it) is left behind
        expect(readdirSync(out)).toEqual([]);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    }, 90_000);
  }
});
