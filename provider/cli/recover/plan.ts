/**
 * The recovery plan: for each operation an interrupted run left pending on a resource of this
 * package, what is in Adobe now and what recovery will do about it.
 */
import type { RecoveryAdobe, ProviderRead } from "./adobe";
import { kindOf, type ResourceKind } from "./kinds";
import { matchCreated, UnreadableInputError, type Candidate, type Rejection } from "./match";
import { pendingOperationsOf, resourceName, resourcesOf, type PlainObject } from "./state";
import type { ExportedStack } from "../pulumi";

export type Finding =
  /** No object fits: the create never reached Adobe (or failed there). */
  | { status: "not-created" }
  /** Exactly one object fits, or the user named it with `--id`. */
  | {
      status: "found";
      id: string;
      createdAt?: number | undefined;
      chosen: boolean;
      read?: ProviderRead;
    }
  /** Several objects fit, or one fits several resources: recovery does not guess. */
  | { status: "ambiguous"; ids: string[]; sharedWith?: string[] }
  /** The inputs do not say which object it would be (a secret name, say). */
  | { status: "unreadable"; reason: string }
  /** An update, delete or read: whether it reached Adobe only a refresh can tell. */
  | { status: "refresh" };

export interface PlanItem {
  /** Position in the deployment's `pending_operations`. */
  index: number;
  urn: string;
  /** The resource's name in the program. */
  name: string;
  kind: ResourceKind;
  /** `creating`, `updating`, `deleting`, ... */
  operation: string;
  /** The object's name (a schema's title) in Adobe, for a create of a kind with one. */
  objectName?: string | undefined;
  finding: Finding;
  rejected: Rejection[];
}

/** A pending operation on a resource of another package: recovery leaves it to that package. */
export interface ForeignOperation {
  urn: string;
  type: string;
  operation: string;
}

export interface RecoveryPlan {
  items: PlanItem[];
  others: ForeignOperation[];
}

export interface PlanOptions {
  /** See MatchContext.startedAfter. */
  startedAfter: number | undefined;
  /** `--id` choices: URN to object id. */
  chosen: ReadonlyMap<string, string>;
}

/** The pending operations of this package's types, and the others. */
export function splitPending(exported: ExportedStack): {
  ours: Array<{
    index: number;
    kind: ResourceKind;
    urn: string;
    operation: string;
    inputs: PlainObject;
  }>;
  others: ForeignOperation[];
} {
  const ours = [];
  const others: ForeignOperation[] = [];
  for (const [index, operation] of pendingOperationsOf(exported).entries()) {
    const { urn, type } = operation.resource;
    const kind = kindOf(type);
    if (kind) {
      ours.push({
        index,
        kind,
        urn,
        operation: operation.type,
        inputs: operation.resource.inputs ?? {},
      });
    } else {
      others.push({ urn, type, operation: operation.type });
    }
  }
  return { ours, others };
}

/**
 * Looks up what each interrupted create made. `adobe` may be undefined only when no create is
 * pending (updates and deletes need no lookup).
 */
export async function planRecovery(
  exported: ExportedStack,
  adobe: RecoveryAdobe | undefined,
  options: PlanOptions,
): Promise<RecoveryPlan> {
  const { ours, others } = splitPending(exported);
  const state = resourcesOf(exported);
  const items: PlanItem[] = [];
  for (const pending of ours) {
    const item: PlanItem = {
      index: pending.index,
      urn: pending.urn,
      name: resourceName(pending.urn),
      kind: pending.kind,
      operation: pending.operation,
      finding: { status: "refresh" },
      rejected: [],
    };
    items.push(item);
    if (pending.operation !== "creating") continue;
    if (!adobe) throw new Error("planRecovery: a pending create needs Adobe access");
    const { nameInput } = pending.kind;
    const name = nameInput === undefined ? undefined : pending.inputs[nameInput];
    item.objectName = typeof name === "string" ? name : undefined;
    const idsInState = new Map(
      state
        .filter((resource) => resource.type === pending.kind.type && resource.id)
        .map((resource) => [String(resource.id), resource.urn]),
    );
    const chosen = options.chosen.get(pending.urn);
    if (chosen !== undefined) {
      item.finding = await chosenObject(adobe, pending.kind, chosen, pending.inputs, idsInState);
      continue;
    }
    if (nameInput !== undefined && item.objectName === undefined) {
      item.finding = {
        status: "unreadable",
        reason: `its ${nameInput} is a secret (or missing) in the state`,
      };
      continue;
    }
    const candidates: Candidate[] = await adobe.candidates(pending.kind, item.objectName);
    try {
      const { matches, rejected } = matchCreated(pending.kind, pending.inputs, candidates, {
        startedAfter: options.startedAfter,
        idsInState,
      });
      item.rejected = rejected;
      item.finding =
        matches.length === 0
          ? { status: "not-created" }
          : matches.length === 1
            ? {
                status: "found",
                id: matches[0]!.id,
                createdAt: matches[0]!.createdAt,
                chosen: false,
              }
            : { status: "ambiguous", ids: matches.map((m) => m.id) };
    } catch (error) {
      if (!(error instanceof UnreadableInputError)) throw error;
      item.finding = { status: "unreadable", reason: error.message };
    }
  }
  claimOnce(items);
  return { items, others };
}

/** An object the user named with `--id`: it must exist and not be another resource's already. */
async function chosenObject(
  adobe: RecoveryAdobe,
  kind: ResourceKind,
  id: string,
  inputs: PlainObject,
  idsInState: ReadonlyMap<string, string>,
): Promise<Finding> {
  const holder = idsInState.get(id);
  if (holder !== undefined) {
    return { status: "unreadable", reason: `--id ${id} is already in the state as ${holder}` };
  }
  const read = await adobe.read(kind, id, inputs);
  if (!read) return { status: "unreadable", reason: `--id ${id}: no ${kind.label} has this id` };
  const createdAt = Number(read.props[kind.createdOutput]);
  return {
    status: "found",
    id,
    createdAt: Number.isFinite(createdAt) ? createdAt : undefined,
    chosen: true,
    read,
  };
}

/**
 * Two interrupted creates of look-alike resources (same type, name and spec) can match the same
 * object; then neither may take it without the user saying which is which.
 */
function claimOnce(items: PlanItem[]): void {
  const claims = new Map<string, PlanItem[]>();
  for (const item of items) {
    if (item.finding.status !== "found" || item.finding.chosen) continue;
    const key = `${item.kind.type} ${item.finding.id}`;
    claims.set(key, [...(claims.get(key) ?? []), item]);
  }
  for (const claimants of claims.values()) {
    if (claimants.length < 2) continue;
    for (const item of claimants) {
      if (item.finding.status !== "found") continue;
      const sharedWith = claimants.filter((other) => other !== item).map((other) => other.urn);
      item.finding = { status: "ambiguous", ids: [item.finding.id], sharedWith };
    }
  }
}
