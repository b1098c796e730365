// The Worker's handlers — fetch (HTTP), queue (event processing), scheduled (cron). Wiring only.
import { createApp } from "./app";
import type { Env, QueueMessageBody } from "./env";

const app = createApp();

export default {
  fetch: app.fetch,
  async queue(batch: MessageBatch<QueueMessageBody>, env: Env, ctx: ExecutionContext): Promise<void> {
    void env;
    void ctx;
    for (const message of batch.messages) message.ack();
  },
} satisfies ExportedHandler<Env, QueueMessageBody>;
