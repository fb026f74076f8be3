/**
 * Which remote objects an interrupted create may have made. Pure: the candidates come from Adobe
 * (objects of the same type and name), the rest from the state.
 */
import { isDeepStrictEqual } from "node:util";
import type { ResourceKind } from "./kinds";
import { isSecretValue, type PlainObject } from "./state";

/** Allow this much difference between this machine's clock and Adobe's. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** A remote object of the right type and name. */
export interface Candidate {
  id: string;
  /** Creation time on Adobe's clock, epoch ms. */
  createdAt: number | undefined;
  /** The object as the inputs it corresponds to (the provider's reading of it). */
  object: PlainObject;
}

export interface MatchContext {
  /**
   * The interrupted run started after this (epoch ms, this machine's clock); skew is allowed for
   * here. Undefined when nothing bounds it.
   */
  startedAfter: number | undefined;
  /** Ids the state already holds for this type, with the URN that holds each. */
  idsInState: ReadonlyMap<string, string>;
}

export interface Rejection {
  id: string;
  reason: string;
}

export interface MatchResult {
  /** Candidates that fit every criterion. */
  matches: Candidate[];
  /** Candidates ruled out, each with the first reason. */
  rejected: Rejection[];
}

/** Thrown when an input needed to recognise the object is a secret in the state. */
export class UnreadableInputError extends Error {
  override name = "UnreadableInputError";
}

/**
 * The objects that fit what the create sent: same name (for a kind with one), same value of each
 * identity input the create declared, created after the interrupted run began (less clock skew),
 * and not already the id of a resource in the state.
 */
export function matchCreated(
  kind: ResourceKind,
  inputs: PlainObject,
  candidates: readonly Candidate[],
  context: MatchContext,
): MatchResult {
  const expected = [...(kind.nameInput ? [kind.nameInput] : []), ...kind.identity]
    .map((path) => ({ path, value: valueAt(inputs, path) }))
    .filter((entry) => entry.value !== undefined);
  for (const entry of expected) {
    if (isSecretValue(entry.value)) {
      throw new UnreadableInputError(
        `${kind.label} input \`${entry.path}\` is a secret in the state, so its object cannot be recognised`,
      );
    }
  }
  const notBefore =
    context.startedAfter === undefined ? undefined : context.startedAfter - CLOCK_SKEW_MS;
  const matches: Candidate[] = [];
  const rejected: Rejection[] = [];
  for (const candidate of candidates) {
    const reason = rejection(candidate);
    if (reason) rejected.push({ id: candidate.id, reason });
    else matches.push(candidate);
  }
  return { matches, rejected };

  function rejection(candidate: Candidate): string | undefined {
    const holder = context.idsInState.get(candidate.id);
    if (holder !== undefined) return `already in the state as ${holder}`;
    for (const { path, value } of expected) {
      if (!isDeepStrictEqual(valueAt(candidate.object, path), value)) return `another ${path}`;
    }
    if (
      notBefore !== undefined &&
      candidate.createdAt !== undefined &&
      candidate.createdAt < notBefore
    ) {
      return `created ${new Date(candidate.createdAt).toISOString()}, before the interrupted run`;
    }
    return undefined;
  }
}

/** The value at a dotted path, or undefined. */
export function valueAt(root: unknown, path: string): unknown {
  let current = root;
  for (const key of path.split(".")) {
    if (typeof current !== "object" || current === null || Array.isArray(current)) return undefined;
    current = (current as PlainObject)[key];
  }
  return current;
}
