// The Worker's handlers — fetch (HTTP), queue (event processing), scheduled (cron). Wiring only.
import { createApp } from "./app";
import type { Env, QueueMessageBody } from "./env";
import { handleQueue, handleScheduled } from "./jobs";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: handleQueue,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env, QueueMessageBody>;
