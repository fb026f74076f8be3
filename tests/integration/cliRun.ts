/**
 * What the integration suites give an in-process `aep-flow` run against the emulator: its
 * environment (the contract tests' credentials) and an output that collects what it prints.
 */
import type { Output } from "../../provider/cli/output";
import type { EmulatorHandle } from "../../provider/emulator";
import { CLIENT_ID, CLIENT_SECRET, ORG, SANDBOX } from "../emulator/helpers";

/** The `AEP_*` settings of the emulator's org and sandbox; `overrides` replace or unset some. */
export function emulatorEnv(
  emulator: EmulatorHandle,
  overrides: Record<string, string | undefined> = {},
): NodeJS.ProcessEnv {
  return {
    AEP_PLATFORM_URL: emulator.url,
    AEP_IMS_URL: emulator.url,
    AEP_CLIENT_ID: CLIENT_ID,
    AEP_CLIENT_SECRET: CLIENT_SECRET,
    AEP_ORG_ID: ORG,
    AEP_SANDBOX_NAME: SANDBOX,
    ...overrides,
  };
}

/** An output `columns` wide (undefined: not a terminal) and the lines written to each stream. */
export function capturedOutput(columns?: number): { output: Output; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    output: { out: (text) => out.push(text), err: (text) => err.push(text), columns },
    out,
    err,
  };
}
