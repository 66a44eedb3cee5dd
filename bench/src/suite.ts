/** What a suite gets from the runner. */
export interface SuiteContext {
  /** Absolute path of the repository root (the directory holding the root package.json). */
  readonly repoRoot: string;
  /** Prints one line of the report. */
  log(line?: string): void;
}

/**
 * One benchmark family (validate, capabilities, host, kernel, ...). A suite prints figures and
 * ratios against a baseline it measures in the same run; it throws only when something is
 * broken (e.g. its input turns out invalid), never because the machine is slow.
 */
export interface Suite {
  /** Name used on the command line: `npm run bench -- <name>`. */
  readonly name: string;
  readonly summary: string;
  run(context: SuiteContext): Promise<void> | void;
}
