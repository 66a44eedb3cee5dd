import { fork } from "node:child_process";
import { type CandidateName, READY, type Reply, type Request } from "./protocol";

type Answer = Exclude<Reply, { type: "error" }>;

/** A candidate's process, asked one request at a time. */
export interface Peer {
  readonly name: CandidateName;
  ask(request: Request): Promise<Answer>;
  /** Ends the process and waits until it is gone. */
  close(): Promise<void>;
}

/**
 * Forks a candidate's bundled process and waits until it is ready. `--expose-gc` is for the
 * heap weighing only; nothing collects garbage before a timed batch. A process that exits
 * fails whatever was asked of it, so a crash ends the suite instead of hanging it.
 */
export async function startPeer(name: CandidateName, script: string): Promise<Peer> {
  const child = fork(script, [], {
    execArgv: ["--expose-gc", "--enable-source-maps", "--no-warnings"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let settle: ((reply: Reply | typeof READY) => void) | undefined;
  let fail: ((error: Error) => void) | undefined;
  let gone: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      gone = new Error(`${name}: its process exited (${signal ?? code})`);
      fail?.(gone);
      resolve();
    });
  });
  child.on("error", (error) => fail?.(error));
  child.on("message", (message: Reply | typeof READY) => settle?.(message));
  const next = () =>
    new Promise<Reply | typeof READY>((resolve, reject) => {
      if (gone !== undefined) throw gone;
      settle = resolve;
      fail = reject;
    });

  const peer: Peer = {
    name,
    async ask(request) {
      const reply = next();
      child.send(request);
      const answer = await reply;
      if (answer === READY) throw new Error(`${name}: said ready twice`);
      if (answer.type === "error") throw new Error(`${name}: ${answer.message}`);
      return answer;
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill();
      await exited;
    },
  };
  try {
    if ((await next()) !== READY) throw new Error(`${name}: answered before it was ready`);
  } catch (error) {
    await peer.close();
    throw error;
  }
  return peer;
}
