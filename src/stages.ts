/**
 * Stage stamps: with MTC_STAGES=1 in the environment, each call writes one line to stderr,
 * `mtc stage NAME wall=MS cpu=MS`: the wall time since the process started and the CPU
 * time (user and system) it has used so far. bench/migrate/phases.mjs reads them to say
 * where a run of `mtc migrate` spends its time. Without the variable it costs one lookup.
 * At the bottom of the tree beside errors.ts: the command line, the database layer and the
 * schema engine all mark their stages.
 */
const on = process.env.MTC_STAGES === '1';

/** Marks the end of a stage (a no-op unless MTC_STAGES=1). */
export function stage(name: string): void {
  if (!on) return;
  const cpu = process.cpuUsage();
  process.stderr.write(`mtc stage ${name} wall=${performance.now().toFixed(1)} cpu=${((cpu.user + cpu.system) / 1000).toFixed(1)}\n`);
}
