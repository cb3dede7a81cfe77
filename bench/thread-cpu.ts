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


/** What `timedDomainRun` needs of a domain MD (src/domain: `DomainMd`). */
interface SteppedDomains {
  run(steps: number): Promise<unknown>;
}

/**
 * Runs `warmUp` untimed steps, then `steps` timed ones; returns the wall time and the busiest
 * worker thread's CPU time, both in us per atom-step. `beforeTimed` runs between the two (to sample
 * counters the caller differences afterwards).
 */
export async function timedDomainRun(md: SteppedDomains, warmUp: number, steps: number, atoms: number, workers: number, beforeTimed?: () => void): Promise<{ us: number; cpu: number }> {
  await md.run(warmUp);
  beforeTimed?.();
  const c0 = threadTimes();
  const t0 = performance.now();
  await md.run(steps);
  const us = ((performance.now() - t0) * 1000) / (steps * atoms);
  const cpu = (busiest(c0, threadTimes(), workers)[0] * 1e6) / (steps * atoms);
  return { us, cpu };
}
