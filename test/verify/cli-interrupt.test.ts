/**
 * `ect-eam fit`, `relax` and `property vacancy` stop on Ctrl-C and SIGTERM. Each runs for minutes to
 * hours in one synchronous-looking loop; the CLI's signal handlers (which remove unfinished output
 * files) only run when the event loop gets a turn, which the fitter now gives between frames and the
 * optimizers (the property commands' relaxations too) between steps. Before that, the signal waited
 * for the whole run and the process then exited 0. (md has its own test in test/md-cli.test.ts.)
 * Here: the shipped plan's LiH stage (its first iteration alone takes 10 s or more), a cell
 * relaxation of 6,912 Cu atoms and a vacancy calculation whose cell relaxation take many minutes,
 * each interrupted two seconds after it starts.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** Starts the CLI in a temporary folder, waits for `ready` in its output, sends `signal` two seconds later and returns the exit code (or "timeout" after 20 s) and what is left in the folder. */
async function interrupt(args: string[], ready: RegExp, signal: "SIGINT" | "SIGTERM"): Promise<{ result: number | null | "timeout"; left: string[]; text: string }> {
  const out = mkdtempSync(join(tmpdir(), "cli-signal-"));
  try {
    const child = spawn("node", [join(process.cwd(), "dist/cli.js"), ...args], { cwd: out, stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    const started = new Promise<void>((resolve) => {
      const on = (d: Buffer) => { text += d; if (ready.test(text)) resolve(); };
      child.stdout.on("data", on);
      child.stderr.on("data", on);
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    await started;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    child.kill(signal);
    // "Soon": the loops hand control back every 0.2 s of work; the 20 s race only catches a run that
    // ignores the signal, whatever the load.
    const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 20_000));
    const result = await Promise.race([exited, timeout]);
    if (result === "timeout") child.kill("SIGKILL");
    return { result, left: readdirSync(out), text };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

describe("relax stops on a signal", () => {
  it("a running cell relaxation exits with 130 soon after SIGINT and leaves no output files behind", async () => {
    const args = ["relax", "--potential", join(process.cwd(), "potentials/Cu_u3.eam"), "--lattice", "fcc", "--a", "3.5", "--repeat", "12", "--cell", "--steps", "1000000", "--fmax", "1e-12", "--output", "out.xyz", "--trajectory", "t.xyz"];
    const { result, left, text } = await interrupt(args, /\n\s+1\s/, "SIGINT");
    expect(result, `output so far:\n${text}`).toBe(130);
    expect(left).toEqual([]);
  }, 90_000);
});

describe("property vacancy stops on a signal", () => {
  it("while relaxing the crystal's cell, it exits with 143 soon after SIGTERM and leaves no output files behind", async () => {
    // 10,976 Cu atoms strained by 2.4 %: the cell relaxation alone takes minutes
    const args = ["property", "vacancy", "--potential", join(process.cwd(), "potentials/Cu_u3.eam"), "--lattice", "fcc", "--a", "3.7", "--repeat", "14", "--output", "v.xyz"];
    const { result, left, text } = await interrupt(args, /# vacancy in/, "SIGTERM");
    expect(result, `output so far:\n${text}`).toBe(143);
    expect(left).toEqual([]);
  }, 90_000);
});

describe("fit stops on a signal", () => {
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    it(`a running fit exits with ${code} soon after ${signal} and leaves no output files behind`, async () => {
      const args = ["fit", "--plan", join(process.cwd(), "models/ect-fit-plan.json"), "--only", "LiH", "--output", "m.json", "--report", "report"];
      // the fit reports its stages on stderr
      const { result, left, text } = await interrupt(args, /stage LiH:/, signal);
      expect(result, `output so far:\n${text}`).toBe(code);
      // neither the model nor the report directory (created up front to check it) is left behind
      expect(left).toEqual([]);
    }, 90_000);
  }
});
