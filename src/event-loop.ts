/**
 * Hands control back to the event loop during long computations. `await` of an already resolved
 * promise only runs microtasks; signal handlers (Ctrl-C in the CLI, which removes unfinished output
 * files before exiting), timers and I/O wait for a macrotask turn, which `breathe` gives at most
 * every `ms` milliseconds of work.
 */
export class EventLoopBreather {
  private last = performance.now();

  /** @param ms work (ms) between turns of the event loop */
  constructor(private readonly ms = 200) {}

  /**
   * Yields one macrotask turn when `ms` milliseconds have passed since the last one; resolves with
   * the time spent away (ms, 0 when it did not yield), which timings of the work leave out.
   */
  async breathe(): Promise<number> {
    const now = performance.now();
    if (now - this.last < this.ms) return 0;
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    this.last = performance.now();
    return this.last - now;
  }
}
