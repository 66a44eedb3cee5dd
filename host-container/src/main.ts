import { readContainerEnv } from "./env";
import { loadApp } from "./load-app";
import { startContainer } from "./start";

// The `flows-container` command: the app module from argv[2] or FLOWS_CONTAINER_APP, settings
// from the environment. SIGTERM (what the container platform sends before stopping it) and
// SIGINT drain and exit 0; a start-up problem prints its code and exits 1.
try {
  const env = readContainerEnv(process.env);
  const app = await loadApp(process.argv[2] ?? process.env.FLOWS_CONTAINER_APP);
  const container = await startContainer({ ...app, ...env });
  const stop = () => {
    void container.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // Repeated signals join the drain already under way instead of killing the process mid-way.
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
} catch (error) {
  const coded = error as { code?: unknown; message?: unknown };
  const code = typeof coded.code === "string" ? coded.code : "HOST500";
  const message = typeof coded.message === "string" ? coded.message : String(error);
  process.stderr.write(`${JSON.stringify({ error: message, code })}\n`);
  process.exit(1);
}
