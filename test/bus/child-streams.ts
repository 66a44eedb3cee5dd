import { connect } from "node:net";

/** In a child: its bus streams, over the Unix socket named on its command line or over stdio. */
export function childBusStreams(
  socketPath: string | undefined,
): Promise<[NodeJS.ReadableStream, NodeJS.WritableStream]> {
  if (socketPath === undefined) return Promise.resolve([process.stdin, process.stdout]);
  return new Promise((resolve) => {
    const socket = connect(socketPath, () => resolve([socket, socket]));
  });
}
