import { ApiError, api, whenSignedOut } from "./api";
import { h } from "./dom";
import { showRunDetail } from "./run-detail";
import { showRunsList } from "./runs-list";
import { showSignIn } from "./sign-in";

// The page is one document; the hash says which view (#/ the runs, #/runs/<id> one run), so a
// view can be bookmarked and nothing of it reaches the server or its logs.

/** What the current view must stop (timers, event streams) when another replaces it. */
let stopView: () => void = () => {};

function root(): HTMLElement {
  const main = document.getElementById("app");
  if (!main) throw new Error("the page has no #app element");
  return main;
}

function setSignedIn(signedIn: boolean): void {
  const signOut = document.getElementById("signout");
  if (signOut) signOut.hidden = !signedIn;
}

/** The sign-in's outcome the Worker put in the address (`?signin=`), read once and taken out of it. */
const signIn = new URLSearchParams(location.search).get("signin");
if (signIn !== null) history.replaceState(null, "", `${location.pathname}${location.hash}`);

async function route(): Promise<void> {
  stopView();
  stopView = () => {};
  const main = root();
  try {
    await api.session();
  } catch (error) {
    setSignedIn(false);
    if (error instanceof ApiError && error.status === 401) {
      main.replaceChildren(showSignIn(signIn));
      return;
    }
    main.replaceChildren(h("p", { class: "notice error" }, `Cannot reach the Worker: ${String(error)}`));
    return;
  }
  setSignedIn(true);
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path = "/", query = ""] = hash.split("?");
  const detail = /^\/runs\/([^/]+)$/.exec(path);
  stopView = detail?.[1]
    ? showRunDetail(main, decodeURIComponent(detail[1]))
    : showRunsList(main, new URLSearchParams(query));
}

whenSignedOut(() => {
  // The session expired or the token was rotated: ask again instead of showing errors.
  stopView();
  stopView = () => {};
  setSignedIn(false);
  root().replaceChildren(showSignIn("expired"));
});

window.addEventListener("hashchange", () => void route());
document.addEventListener("DOMContentLoaded", () => void route());
