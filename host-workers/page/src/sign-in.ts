import { h } from "./dom";

const MESSAGES: Readonly<Record<string, string>> = {
  failed: "That token is not the Worker's API token.",
  expired: "Your session has ended. Sign in again.",
  unconfigured: "The Worker has no API token configured (FLOWS_API_TOKEN); set it first.",
  ok: "Signed in, but the browser did not keep the session cookie: it is Secure, so open this page over HTTPS (or on localhost).",
};

/**
 * The sign-in form: a plain form POST of the API token to /_flows/login, which answers with
 * the session cookie and a redirect, so the token is in no URL, no history and no script state.
 */
export function showSignIn(reason: string | null): HTMLElement {
  const message = reason === null ? undefined : MESSAGES[reason];
  return h(
    "section",
    { class: "signin", "aria-labelledby": "signin-title" },
    h("h1", { id: "signin-title" }, "Sign in"),
    h("p", {}, "Enter the Worker's API token (FLOWS_API_TOKEN) to see its runs."),
    message === undefined ? null : h("p", { class: "notice error", role: "alert" }, message),
    h(
      "form",
      { method: "post", action: "/_flows/login" },
      h("label", { for: "token" }, "API token"),
      h("input", {
        id: "token",
        name: "token",
        type: "password",
        autocomplete: "current-password",
        required: true,
        autofocus: true,
      }),
      h("button", { type: "submit" }, "Sign in"),
    ),
  );
}
