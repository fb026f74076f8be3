/**
 * A live progress line for commands that wait (`runs --watch`): on a terminal, a spinner
 * (nanospinner) with the elapsed time ticking every second; elsewhere (CI logs, pipes), one plain
 * line each time the state changes, with the elapsed time. Progress goes to stderr, so stdout
 * keeps only the result.
 */
import { createSpinner } from "nanospinner";
import { formatDuration, type Output } from "./output";

export interface Progress {
  /** What is happening now (`run 1a2b... inProgress (Copy Activity)`). */
  set(state: string): void;
  /** Ends the line with a final state, marked as a success or a failure. */
  finish(state: string, ok: boolean): void;
}

/** Starts a progress line; `now` is the clock the elapsed time is measured on. */
export function startProgress(output: Output, now: () => number = Date.now): Progress {
  const started = now();
  const withElapsed = (state: string) => `${state}, ${formatDuration(now() - started)} elapsed`;
  if (output.interactive === true) {
    let state = "";
    const spinner = createSpinner("", { stream: process.stderr }).start();
    const tick = setInterval(() => spinner.update({ text: withElapsed(state) }), 1000);
    tick.unref();
    return {
      set(next) {
        state = next;
        spinner.update({ text: withElapsed(state) });
      },
      finish(final, ok) {
        clearInterval(tick);
        if (ok) spinner.success({ text: withElapsed(final) });
        else spinner.error({ text: withElapsed(final) });
      },
    };
  }
  let last: string | undefined;
  return {
    set(next) {
      if (next === last) return;
      last = next;
      output.err(withElapsed(next));
    },
    finish(final) {
      output.err(withElapsed(final));
    },
  };
}
