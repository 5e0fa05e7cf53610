// BUILD_TIMINGS=1 prints when each step of a build ended (milliseconds since the process
// started) to stderr: how docs/building.md's account of a rebuild's time was taken.
const on = typeof process !== "undefined" && Boolean(process.env.BUILD_TIMINGS);

/** Notes that the step `label` just ended. */
export function mark(label: string): void {
  if (on) console.error(`timing: ${label} ${performance.now().toFixed(1)} ms`);
}
