import { errorResponse, statusFor } from "../envelope";
import { type RouteExtension, RUN_ID } from "../routes";
import type { ContainerInstance, OperatorAnswer } from "./container-types";
import type { Placement } from "./placement";

/** The operator's actions on one instance, each `POST /containers/:name/<action>`. */
const ACTIONS = {
  start: "startInstance",
  stop: "stopInstance",
  remove: "removeInstance",
  reconcile: "reconcileInstance",
} as const satisfies Record<string, keyof ContainerInstance>;

/** The instance's status, or the refusal as the error envelope with its code's HTTP status. */
const answered = (answer: OperatorAnswer): Response =>
  "failure" in answer
    ? Response.json(answer.failure, { status: statusFor(answer.failure.code) })
    : Response.json(answer.status);

/**
 * `GET /containers`, `GET /containers/:name`, `POST /containers/:name/reset`: restart state and
 * crash-loop protection; `POST /containers/:name/{start,stop,remove,reconcile}` and
 * `POST /containers/reconcile` (every known instance): the operator's actions.
 */
export function containerRoutes(placement: Placement): RouteExtension {
  const named = (name: string | undefined) =>
    name !== undefined && RUN_ID.test(name)
      ? undefined
      : errorResponse({
          code: "BAD_REQUEST",
          message: "a container instance name is 1–128 characters of letters, digits, '.', '_', ':' or '-'",
        });
  return (add) => {
    add("get", "/containers", async (_, env) =>
      Response.json({
        containers: await Promise.all(
          placement.knownInstances().map((name) => placement.instance(env, name).status(name)),
        ),
      }),
    );
    add("get", "/containers/:name", async (request, env) => {
      const name = request.params.name;
      return named(name) ?? Response.json(await placement.instance(env, name as string).status(name as string));
    });
    add("post", "/containers/:name/reset", async (request, env) => {
      const name = request.params.name;
      return named(name) ?? Response.json(await placement.instance(env, name as string).reset(name as string));
    });
    for (const [action, method] of Object.entries(ACTIONS)) {
      add("post", `/containers/:name/${action}`, async (request, env) => {
        const name = request.params.name;
        return named(name) ?? answered(await placement.instance(env, name as string)[method](name as string));
      });
    }
    add("post", "/containers/reconcile", async (_, env) => {
      const answers = await Promise.all(
        placement.knownInstances().map((name) => placement.instance(env, name).reconcileInstance(name)),
      );
      return Response.json({
        containers: answers.map((answer) => ("failure" in answer ? answer.failure : answer.status)),
      });
    });
  };
}
