// Is a port free on 127.0.0.1? Checked before anything is spawned, so a clash is reported by name, not as a crash.
import { createServer } from "node:net";

/** Resolves null when `port` can be bound on 127.0.0.1, else the OS's reason (e.g. "EADDRINUSE"). Never rejects. */
export function probePort(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(null)));
  });
}

export interface NamedPort {
  port: number;
  /** Who wanted it, and how to choose another: e.g. "engine (--port / ENGINE_PORT)". */
  role: string;
}

/** One message per port that is not free, naming the port, its role and how to pick another; [] when all are free. */
export async function findTakenPorts(ports: readonly NamedPort[]): Promise<string[]> {
  const problems: string[] = [];
  for (const { port, role } of ports) {
    const reason = await probePort(port);
    if (reason === null) continue;
    problems.push(reason === "EADDRINUSE" ? `port ${port} for the ${role} is already in use` : `port ${port} for the ${role} cannot be used (${reason})`);
  }
  return problems;
}
