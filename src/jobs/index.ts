// The Worker's background entry points: the EVENTS queue consumer, the dead-letter consumer and the cron. They own
// acking, retrying and dead-lettering messages and running scheduled work; they never decide enforcement themselves
// (that is src/enforcement/) and never answer HTTP. `queue/` holds the two consumers, `cron/` the scheduled jobs.
import { enforceDealEvents } from "../enforcement";
import { readConfig, type Env, type QueueMessageBody } from "../env";
import { consumeEvents } from "./queue/consume-events";
import { consumeDeadLetters } from "./queue/dead-letter";
import { cronJobs, runScheduledJobs } from "./cron/scheduled";

/** Routes a queue batch: the dead-letter queue is named after its source with a "-dlq" suffix (wrangler.toml). */
export function handleQueue(batch: MessageBatch<QueueMessageBody>, env: Env): Promise<void> {
  if (batch.queue.endsWith("-dlq")) return consumeDeadLetters(batch, env, Date.now);
  return consumeEvents(batch, env, { enforce: enforceDealEvents, now: Date.now });
}

/** Runs one cron tick at its scheduled time; rejects naming the jobs that failed. */
export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const config = readConfig(env);
  if (!config.ok) throw new Error(`configuration incomplete: ${config.problems.join("; ")}`);
  await runScheduledJobs(cronJobs(env, config.config, controller.scheduledTime));
}
