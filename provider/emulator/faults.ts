/**
 * Injected faults: per route and count, a status, added latency, or a dropped connection before
 * or after the request was applied.
 */
import type { FaultSpec } from "./types";

/** What the matching faults do to one request, combined. */
export interface FaultEffect {
  latencyMs: number;
  dropBefore: boolean;
  dropAfter: boolean;
  status?: number;
  retryAfter?: string;
}

interface ActiveFault {
  spec: FaultSpec;
  matchesPath: (path: string) => boolean;
  remaining: number;
}

/** The faults waiting for requests, in injection order. */
export class FaultRegistry {
  private faults: ActiveFault[] = [];

  /** Validates and adds a fault; throws a TypeError naming the bad field. */
  add(spec: FaultSpec): void {
    const checked = checkFaultSpec(spec);
    this.faults.push({
      spec: checked,
      matchesPath: pathMatcher(checked.path),
      remaining: checked.count ?? 1,
    });
  }

  clear(): void {
    this.faults = [];
  }

  /** The faults still armed, with their remaining count. */
  list(): FaultSpec[] {
    return this.faults.map((fault) => ({ ...fault.spec, count: fault.remaining }));
  }

  /** Uses up every fault matching this request and returns their combined effect (undefined when none matched). */
  take(method: string, path: string): FaultEffect | undefined {
    const matching = this.faults.filter(
      (fault) =>
        (fault.spec.method === undefined ||
          fault.spec.method.toUpperCase() === method.toUpperCase()) &&
        fault.matchesPath(path),
    );
    if (matching.length === 0) {
      return undefined;
    }
    for (const fault of matching) {
      fault.remaining -= 1;
    }
    this.faults = this.faults.filter((fault) => fault.remaining > 0);
    const withStatus = matching.find((fault) => fault.spec.status !== undefined);
    return {
      latencyMs: matching.reduce((total, fault) => total + (fault.spec.latencyMs ?? 0), 0),
      dropBefore: matching.some((fault) => fault.spec.drop === "before"),
      dropAfter: matching.some((fault) => fault.spec.drop === "after"),
      status: withStatus?.spec.status,
      retryAfter: withStatus?.spec.retryAfter,
    };
  }
}

/** A prefix match, or a RegExp when the path starts with "^". */
function pathMatcher(path: string): (candidate: string) => boolean {
  if (path.startsWith("^")) {
    const pattern = new RegExp(path);
    return (candidate) => pattern.test(candidate);
  }
  return (candidate) => candidate.startsWith(path);
}

function checkFaultSpec(input: unknown): FaultSpec {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new TypeError("A fault must be an object with at least a 'path'.");
  }
  const spec = input as Record<string, unknown>;
  const fail = (message: string): never => {
    throw new TypeError(`Invalid fault: ${message}`);
  };
  if (typeof spec.path !== "string" || spec.path === "") {
    fail(
      "'path' must be a non-empty string (a path prefix, or a RegExp source starting with '^').",
    );
  }
  if (typeof spec.path === "string" && spec.path.startsWith("^")) {
    try {
      new RegExp(spec.path);
    } catch (error) {
      fail(`'path' is not a valid RegExp: ${(error as Error).message}`);
    }
  }
  if (spec.method !== undefined && typeof spec.method !== "string") {
    fail("'method' must be a string.");
  }
  if (spec.count !== undefined && !(Number.isInteger(spec.count) && (spec.count as number) > 0)) {
    fail("'count' must be a positive integer.");
  }
  if (
    spec.status !== undefined &&
    !(
      Number.isInteger(spec.status) &&
      (spec.status as number) >= 400 &&
      (spec.status as number) <= 599
    )
  ) {
    fail("'status' must be an HTTP error status (400-599).");
  }
  if (spec.retryAfter !== undefined && typeof spec.retryAfter !== "string") {
    fail("'retryAfter' must be a string (seconds or an HTTP date).");
  }
  if (
    spec.latencyMs !== undefined &&
    !(typeof spec.latencyMs === "number" && spec.latencyMs >= 0)
  ) {
    fail("'latencyMs' must be a non-negative number.");
  }
  if (spec.drop !== undefined && spec.drop !== "before" && spec.drop !== "after") {
    fail("'drop' must be 'before' or 'after'.");
  }
  if (spec.status === undefined && spec.latencyMs === undefined && spec.drop === undefined) {
    fail("set at least one of 'status', 'latencyMs' or 'drop'.");
  }
  return { ...(spec as unknown as FaultSpec) };
}
