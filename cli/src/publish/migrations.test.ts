import { describe, expect, it } from "vitest";
import { MigrationError, planMigrations } from "./migrations";

const v1 = { tag: "v1", new_sqlite_classes: ["FlowRunObject"] };

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof MigrationError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected a MigrationError");
};

describe("planMigrations", () => {
  it("starts a project's history with v1 holding every class", () => {
    expect(planMigrations([], ["FlowRunObject", "FlowContainer"])).toEqual([
      { tag: "v1", new_sqlite_classes: ["FlowRunObject", "FlowContainer"] },
    ]);
  });

  it("keeps the history as it is when no class changed", () => {
    const history = [v1];
    expect(planMigrations(history, ["FlowRunObject"])).toBe(history);
  });

  it("appends one tag with only the new classes, never touching a tag already deployed", () => {
    const next = planMigrations([v1], ["FlowRunObject", "FlowStateObject", "FlowContainer"]);
    expect(next).toEqual([v1, { tag: "v2", new_sqlite_classes: ["FlowStateObject", "FlowContainer"] }]);
    expect(planMigrations(next, ["FlowRunObject", "FlowStateObject", "FlowContainer", "Extra"]).at(-1)).toEqual({
      tag: "v3",
      new_sqlite_classes: ["Extra"],
    });
  });

  it("refuses a class that disappeared unless its deletion is asked for, then deletes it in a new tag", () => {
    const history = [v1, { tag: "v2", new_sqlite_classes: ["FlowContainer"] }];
    const refused = refusal(() => planMigrations(history, ["FlowRunObject"]));
    expect(refused.code).toBe("MIGRATE409");
    expect(refused.message).toContain("FlowContainer was deployed by an earlier publish");
    expect(refused.message).toContain("--delete-class FlowContainer");
    const deleted = planMigrations(history, ["FlowRunObject"], ["FlowContainer"]);
    expect(deleted.at(-1)).toEqual({ tag: "v3", deleted_classes: ["FlowContainer"] });
    // Once deleted, the class may come back as new.
    expect(planMigrations(deleted, ["FlowRunObject", "FlowContainer"]).at(-1)).toEqual({
      tag: "v4",
      new_sqlite_classes: ["FlowContainer"],
    });
  });

  it("refuses a deletion of a class that was never deployed or is still exported", () => {
    expect(refusal(() => planMigrations([v1], ["FlowRunObject"], ["Nope"])).code).toBe("MIGRATE400");
    expect(refusal(() => planMigrations([v1], ["FlowRunObject"], ["FlowRunObject"])).code).toBe("MIGRATE400");
  });
});
