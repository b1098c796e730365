// The Worker's handlers — fetch (HTTP), queue (event processing), scheduled (cron). Wiring only.
import { createApp } from "./app";
import { enforceDealEvents } from "./enforcement";
import { readConfig, type Env, type QueueMessageBody } from "./env";
import { consumeEvents } from "./jobs/consume-events";
import { consumeDeadLetters } from "./jobs/dead-letter";
import { cronJobs, runScheduledJobs } from "./jobs/scheduled";

const app = createApp();

export default {
  fetch: app.fetch,

  async queue(batch: MessageBatch<QueueMessageBody>, env: Env): Promise<void> {
    // The dead-letter queue is named after its source with a "-dlq" suffix (wrangler.toml).
    if (batch.queue.endsWith("-dlq")) return consumeDeadLetters(batch, env, Date.now);
    return consumeEvents(batch, env, { enforce: enforceDealEvents, now: Date.now });
  },

  async scheduled(controller: ScheduledController, env: Env): Promise<void> {
    const now = controller.scheduledTime;
    const config = readConfig(env);
    if (!config.ok) throw new Error(`configuration incomplete: ${config.problems.join("; ")}`);
    await runScheduledJobs(cronJobs(env, config.config, now));
  },
} satisfies ExportedHandler<Env, QueueMessageBody>;
