// Runs the cron's jobs side by side; one failing job neither stops the others nor goes unreported.
// Add a job by adding an entry where the Worker's `scheduled` handler builds the list.

export interface ScheduledJob {
  name: string;
  run: () => Promise<unknown>;
}

/** Runs every job; throws one AggregateError naming the failed jobs after all have finished. */
export async function runScheduledJobs(jobs: ScheduledJob[]): Promise<void> {
  const results = await Promise.allSettled(jobs.map((job) => job.run()));
  const failures = results.flatMap((r, i) => (r.status === "rejected" ? [{ name: jobs[i]?.name ?? "?", reason: r.reason as unknown }] : []));
  for (const f of failures) console.error(`scheduled job ${f.name} failed`, f.reason);
  if (failures.length > 0) {
    throw new AggregateError(failures.map((f) => f.reason), `scheduled jobs failed: ${failures.map((f) => f.name).join(", ")}`);
  }
}
