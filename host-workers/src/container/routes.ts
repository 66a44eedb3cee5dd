import { errorResponse } from "../envelope";
import { type RouteExtension, RUN_ID } from "../routes";
import type { Placement } from "./placement";

/** `GET /containers`, `GET /containers/:name`, `POST /containers/:name/reset`: restart state and crash-loop protection. */
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
  };
}
