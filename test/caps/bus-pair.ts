import { createBusClient, createBusDispatcher } from "@flows/caps/bus";

/**
 * A bus client wired to a dispatcher in the same process: every frame is encoded as a line and
 * parsed again on the other side, as it would be over stdio or a socket.
 */
export function busPair(capability: string, handlers: Readonly<Record<string, (params: unknown) => unknown>>) {
  const dispatcher = createBusDispatcher({ handlers: { [capability]: handlers }, allowed: new Set([capability]) });
  const client = createBusClient({
    send: (line) => {
      void dispatcher.handle(line.trimEnd()).then((answer) => {
        if (answer !== undefined) client.receive(answer.trimEnd());
      });
    },
  });
  return client;
}
