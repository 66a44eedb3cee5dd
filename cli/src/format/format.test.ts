import { describe, expect, it } from "vitest";
import { formatGithub } from "./github";
import { formatJson } from "./json";
import { type FileReport, summarize } from "./report";
import { formatText } from "./text";

const reports: FileReport[] = [
  {
    file: "flows/a.flow.json",
    ok: false,
    diagnostics: [
      {
        code: "EFFECT201",
        severity: "error",
        message: "too weak",
        path: "/nodes/1/effectHints/0",
        node: "parse",
        line: 47,
        column: 23,
      },
      { code: "DAG104", severity: "warning", message: "two\ntriggers", path: "/nodes", line: 3, column: 1 },
    ],
  },
  { file: "flows/b.flow.json", ok: true, diagnostics: [] },
];
const summary = summarize(reports);

describe("summarize", () => {
  it("counts files, errors and warnings", () => {
    expect(summary).toEqual({ files: 2, errors: 1, warnings: 1 });
  });
});

describe("text format", () => {
  it("prints file:line:col  CODE  message, one line each, then the summary", () => {
    expect(formatText(reports, summary, { color: false })).toBe(
      [
        "flows/a.flow.json:47:23  EFFECT201  too weak",
        "flows/a.flow.json:3:1  DAG104  two triggers",
        "1 error, 1 warning in 2 files",
        "",
      ].join("\n"),
    );
  });

  it("says the files are valid, warnings included, when there is no error", () => {
    expect(formatText([], { files: 3, errors: 0, warnings: 0 }, { color: false })).toBe("3 files valid\n");
    expect(formatText([], { files: 1, errors: 0, warnings: 2 }, { color: false })).toBe("1 file valid, 2 warnings\n");
  });

  it("colours codes and the summary only when asked", () => {
    const coloured = formatText(reports, summary, { color: true });
    expect(coloured).toContain("\u001b[31mEFFECT201\u001b[0m");
    expect(coloured).toContain("\u001b[33mDAG104\u001b[0m");
    expect(formatText(reports, summary, { color: false })).not.toContain("\u001b[");
  });
});

describe("json format", () => {
  it("prints exactly the documented shape, node null when absent", () => {
    const parsed = JSON.parse(formatJson(reports, summary)) as unknown;
    expect(parsed).toStrictEqual({
      files: [
        {
          file: "flows/a.flow.json",
          ok: false,
          diagnostics: [
            {
              code: "EFFECT201",
              severity: "error",
              message: "too weak",
              path: "/nodes/1/effectHints/0",
              node: "parse",
              line: 47,
              column: 23,
            },
            {
              code: "DAG104",
              severity: "warning",
              message: "two\ntriggers",
              path: "/nodes",
              node: null,
              line: 3,
              column: 1,
            },
          ],
        },
        { file: "flows/b.flow.json", ok: true, diagnostics: [] },
      ],
      summary: { files: 2, errors: 1, warnings: 1 },
    });
  });

  it("is one line of JSON", () => {
    expect(formatJson(reports, summary).trimEnd().split("\n")).toHaveLength(1);
  });
});

describe("github format", () => {
  it("prints ::error and ::warning annotations with escaped data", () => {
    expect(formatGithub(reports)).toBe(
      [
        "::error file=flows/a.flow.json,line=47,col=23::EFFECT201 too weak",
        "::warning file=flows/a.flow.json,line=3,col=1::DAG104 two%0Atriggers",
        "",
      ].join("\n"),
    );
  });

  it("escapes property separators in file names", () => {
    const odd: FileReport = {
      file: "a,b:c%.flow.json",
      ok: false,
      diagnostics: [{ code: "FLOW001", severity: "error", message: "100% bad", path: "", line: 1, column: 2 }],
    };
    expect(formatGithub([odd])).toBe("::error file=a%2Cb%3Ac%25.flow.json,line=1,col=2::FLOW001 100%25 bad\n");
  });

  it("prints nothing for clean files", () => {
    expect(formatGithub([{ file: "ok.flow.json", ok: true, diagnostics: [] }])).toBe("");
  });
});
