import { VERSION } from "../version";

export const MAIN_HELP = `flows ${VERSION} — run Flow IR workflows on Cloudflare

Usage: flows <command> [options]

Commands:
  validate <files|dirs|->   check flow files (text, json or GitHub annotations) for CI
  graph <file>              draw a flow as Mermaid or Graphviz
  schema                    print the Flow IR (or manifest) JSON Schema
  run <flow>                run a flow locally on embedded storage (.flows/)
  resume <run-id>           continue a run halted at a checkpoint
  runs                      list local runs
  inspect <run-id>          show a run's node history

Options:
  -h, --help                show help (flows <command> --help for a command)
  -v, --version             print the version

Exit codes: 0 success, 1 the flow or run failed, 2 usage or read error.
Colour follows the terminal and is off when NO_COLOR is set.
`;
