// CPU time per thread of this process (Linux /proc), for the spatial-domain benchmarks: on a shared
// machine the wall time of workers stepping in lockstep waits for the cores, while a worker thread's
// CPU time is its own work (memory stalls and barrier spins included, sleeping at a barrier not).
import { readdirSync, readFileSync } from "node:fs";

/** CPU time (s) of each thread of this process so far (Linux /proc; empty elsewhere). */
export function threadTimes(): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const tid of readdirSync("/proc/self/task")) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(tid, (Number(f[11]) + Number(f[12])) / 100); // utime + stime, clock ticks of 10 ms
    }
  } catch {
    // not Linux: no per-thread times
  }
  return out;
}

/**
 * CPU seconds of the `count` busiest threads between two `threadTimes` samples (the domain workers:
 * the main thread waits, V8's helper threads do little), busiest first.
 */
export function busiest(before: Map<string, number>, after: Map<string, number>, count: number): number[] {
  return [...after].map(([tid, t]) => t - (before.get(tid) ?? 0)).sort((a, b) => b - a).slice(0, count);
}

