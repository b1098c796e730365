// `npm run ops -- replay-dead-letters [--remote]`: asks the engine to replay every dead letter not replayed yet. The
// CLI can reach the database (wrangler d1) but not the queue, so it marks them; the engine's 15-minute cron re-sends
// their events through the queue (or at once: POST /api/admin/dead-letters/replay with an admin token). The inbox
// keys events by content, so a replay processes each event at most once more.
import { executeSql, type OpsCommand } from "./command";

export const LIST_UNREPLAYED_SQL =
  "SELECT id, error, failed_at AS failedAt, replay_requested_at AS requestedAt FROM dead_letters WHERE replayed_at IS NULL ORDER BY failed_at";

export function requestReplaySql(now: number): string {
  return `UPDATE dead_letters SET replay_requested_at = ${Math.trunc(now)}, replay_error = NULL WHERE replayed_at IS NULL`;
}

export const replayDeadLettersCommand: OpsCommand = {
  name: "replay-dead-letters",
  help: "replays every dead letter not replayed yet (the engine re-sends its events within 15 minutes)",
  run: async (target) => {
    const letters = executeSql(LIST_UNREPLAYED_SQL, target);
    if (letters.length === 0) {
      console.log("No dead letters to replay.");
      return 0;
    }
    executeSql(requestReplaySql(Date.now()), target);
    for (const l of letters) console.log(`  ${String(l.id)}  ${typeof l.error === "string" ? l.error.slice(0, 100) : "—"}`);
    console.log(`${letters.length} dead letter(s) marked for replay on the ${target.remote ? "deployed" : "local"} engine; its cron re-sends them within 15 minutes.`);
    console.log("To replay at once: POST /api/admin/dead-letters/replay with an admin token. Progress: /dashboard/admin/failures.");
    return 0;
  },
};
