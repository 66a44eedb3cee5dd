import { ApiError, api, type RunDetail, TERMINAL } from "./api";
import { announce, h } from "./dom";
import { formatJson, formatTime } from "./format";

const failure = (error: unknown) =>
  error instanceof ApiError
    ? `${error.code}: ${error.message}`
    : error instanceof Error
      ? error.message
      : String(error);

/**
 * What can be done to the run now: approve a halted run (resume with a JSON payload and the
 * resume token from the detail), cancel one that has not ended. `done` refreshes the view.
 */
export function drawActions(run: RunDetail, done: () => void): HTMLElement {
  const box = h("section", { class: "actions", "aria-label": "Actions" });
  const message = h("p", { class: "action-message", role: "status" });
  const resume = run.resume;
  if (run.status === "halted" && resume) {
    const payload = h("textarea", { id: "resume-payload", name: "payload", rows: 4, spellcheck: false }, "{}");
    // What the node said when it halted: what the approver decides on.
    const halt = [...(run.events ?? [])].reverse().find((event) => event.type === "halted");
    const form = h(
      "form",
      { class: "approve" },
      h("h2", {}, `Waiting at ${resume.checkpoint ?? resume.event ?? "a checkpoint"}`),
      halt?.details === undefined
        ? ""
        : h(
            "div",
            {},
            h("p", { class: "muted" }, `${resume.node ?? halt.node ?? "The node"} asks:`),
            h("pre", { class: "value", tabindex: 0 }, formatJson(halt.details)),
          ),
      resume.deadline_at ? h("p", { class: "muted" }, `Answer before ${formatTime(resume.deadline_at)}.`) : "",
      h("label", { for: "resume-payload" }, "Payload (JSON) for the halted node"),
      payload,
      h("button", { type: "submit", class: "primary" }, "Approve and resume"),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      let value: unknown;
      try {
        value = JSON.parse(payload.value || "null");
      } catch {
        message.textContent = "The payload is not valid JSON.";
        payload.setAttribute("aria-invalid", "true");
        return;
      }
      payload.removeAttribute("aria-invalid");
      message.textContent = "Resuming…";
      api
        .resume(run.run_id, resume.token, value)
        .then((outcome) => {
          message.textContent = `Resumed${outcome.status ? `: ${outcome.status}` : ""}.`;
          announce(message.textContent);
          done();
        })
        .catch((error: unknown) => {
          message.textContent = `Resume refused: ${failure(error)}`;
        });
    });
    box.append(form);
  }
  if (!TERMINAL.has(run.status)) {
    const cancel = h("button", { type: "button", class: "danger", id: "cancel-run" }, "Cancel run");
    cancel.addEventListener("click", () => {
      cancel.disabled = true;
      message.textContent = "Cancelling…";
      api
        .cancel(run.run_id)
        .then((summary) => {
          message.textContent = `Cancelled (${summary.status}).`;
          announce(message.textContent);
          done();
        })
        .catch((error: unknown) => {
          cancel.disabled = false;
          message.textContent = `Cancel refused: ${failure(error)}`;
        });
    });
    box.append(cancel);
  }
  box.append(message);
  return box;
}
