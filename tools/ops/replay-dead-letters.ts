// `npm run ops -- replay-dead-letters [--remote]`: asks the engine to replay every dead letter not replayed yet. The
// CLI can reach the database (wrangler d1) but not the queue, so it marks them; the engine's 15-minute cron re-sends
// their events through the queue (or at once: POST /api/admin/dead-letters/replay with an admin token). The inbox
// keys events by content, so a replay processes each event at most once more.
import { applyLocalMigrations, DATABASE, localD1Args, runWrangler } from "../wrangler-cli";
import type { OpsCommand } from "./command";
import type { D1Target } from "./wrangler-d1";

/** Runs SQL through `wrangler d1 execute … --json` on the target and returns the rows of the last statement. */
function executeSql(sql: string, t: D1Target): Array<Record<string, unknown>> {
  if (!t.remote) applyLocalMigrations({ persistDir: t.persistTo });
  const out = runWrangler(["d1", "execute", DATABASE, ...(t.remote ? ["--remote"] : localD1Args({ persistDir: t.persistTo })), "--json", "--command", sql]);
  const start = out.indexOf("[");
  const parsed: unknown = JSON.parse(start >= 0 ? out.slice(start) : "[]");
  const last = Array.isArray(parsed) ? (parsed[parsed.length - 1] as { results?: Array<Record<string, unknown>> } | undefined) : undefined;
  return last?.results ?? [];
}

export const LIST_UNREPLAYED_SQL =
  "SELECT id, error, failed_at AS failedAt, replay_requested_at AS requestedAt FROM dead_letters WHERE replayed_at IS NULL ORDER BY failed_at";

export function requestReplaySql(now: number): string {
  return `UPDATE dead_letters SET replay_requested_at = ${Math.trunc(now)}, replay_error = NULL WHERE replayed_at IS NULL`;
}

export const replayDeadLettersCommand: OpsCommand = {
  usesHubSpot: false,
  name: "replay-dead-letters",
  summary: "replays every dead letter not replayed yet (the engine re-sends its events within 15 minutes)",
  run: async (target, _args, io) => {
    const letters = executeSql(LIST_UNREPLAYED_SQL, target.d1);
    if (letters.length === 0) {
      io.out("No dead letters to replay.");
      return 0;
    }
    executeSql(requestReplaySql(Date.now()), target.d1);
    for (const l of letters) io.out(`  ${String(l.id)}  ${typeof l.error === "string" ? l.error.slice(0, 100) : "—"}`);
    io.out(`${letters.length} dead letter(s) marked for replay on the ${target.d1.remote ? "deployed" : "local"} engine; its cron re-sends them within 15 minutes.`);
    io.out("To replay at once: POST /api/admin/dead-letters/replay with an admin token. Progress: /dashboard/admin/failures.");
    return 0;
  },
};
