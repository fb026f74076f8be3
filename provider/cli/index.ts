#!/usr/bin/env node
/**
 * `aep-flow` (`npx aep-flow <command>`): the package's command line. See `aep-flow --help`.
 */
import { runCli } from "./program";

export { runCli, buildProgram, type RunOptions } from "./program";

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
