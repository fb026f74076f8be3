/**
 * Flow schedules: validation with the rules of the RestStorageToAEP `scheduleSpec` (coded here
 * rather than interpreted from its if/then/else schema) and the arithmetic that turns a schedule
 * into run slots on the emulator clock.
 */
import { isPlainObject } from "../resources/values";
import { badRequest } from "./errors";

const FREQUENCY_MS = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
} as const;

type PeriodicFrequency = keyof typeof FREQUENCY_MS;
type Frequency = "once" | PeriodicFrequency;

/** A schedule reduced to what run generation needs. */
export interface ParsedSchedule {
  startMs: number;
  /** Time between runs; undefined for `once`. */
  periodMs?: number;
}

/** One schedule slot: its time and its index counted from the start time. */
export interface Slot {
  at: number;
  index: number;
}

/**
 * Validates `scheduleParams` and returns it as Flow Service stores and echoes it: `startTime`,
 * `interval` and `backfill` as strings, whichever of number or string the caller sent.
 * Throws a 400 naming the offending member.
 */
export function normalizeSchedule(raw: unknown): Record<string, unknown> {
  if (!isPlainObject(raw)) {
    throw badRequest("'scheduleParams' must be an object with startTime and frequency.");
  }
  const { startTime, frequency, interval, backfill, ...others } = raw;
  const normalized: Record<string, unknown> = {
    startTime: String(requireInteger(startTime, "startTime", 0)),
    frequency: requireFrequency(frequency),
  };
  if (frequency === "once") {
    for (const [name, value] of Object.entries({ interval, backfill })) {
      if (value !== undefined) {
        throw badRequest(`'scheduleParams.${name}' is not allowed when frequency is 'once'.`);
      }
    }
  } else {
    const minimum = frequency === "minute" ? 15 : 1;
    normalized.interval = String(
      requireInteger(interval, "interval", minimum, frequency as string),
    );
    if (backfill !== undefined) {
      normalized.backfill = String(requireBoolean(backfill));
    }
  }
  return { ...normalized, ...others };
}

/** Reads a stored (normalized) schedule back; undefined when the flow has none. */
export function parseSchedule(stored: unknown): ParsedSchedule | undefined {
  if (!isPlainObject(stored)) {
    return undefined;
  }
  const startMs = Number(stored.startTime) * 1000;
  const frequency = stored.frequency as Frequency;
  if (!Number.isFinite(startMs)) {
    return undefined;
  }
  if (frequency === "once") {
    return { startMs };
  }
  const periodMs = FREQUENCY_MS[frequency] * Number(stored.interval);
  return Number.isFinite(periodMs) && periodMs > 0 ? { startMs, periodMs } : undefined;
}

/**
 * The slots in `(after, until]`, oldest first. When more than `cap` fall in the window only the
 * newest `cap` are returned, so a huge clock jump stays bounded.
 */
export function slotsBetween(
  schedule: ParsedSchedule,
  after: number,
  until: number,
  cap: number,
): Slot[] {
  const { startMs, periodMs } = schedule;
  if (periodMs === undefined) {
    return startMs > after && startMs <= until ? [{ at: startMs, index: 0 }] : [];
  }
  if (until < startMs) {
    return [];
  }
  const first = firstIndexAfter(startMs, periodMs, after);
  const last = Math.floor((until - startMs) / periodMs);
  const slots: Slot[] = [];
  for (let index = Math.max(first, last - cap + 1); index <= last; index++) {
    slots.push({ at: startMs + index * periodMs, index });
  }
  return slots;
}

/** The index of the first slot of a periodic schedule after `after`. */
function firstIndexAfter(startMs: number, periodMs: number, after: number): number {
  return after < startMs ? 0 : Math.floor((after - startMs) / periodMs) + 1;
}

/**
 * When the first slot after `after` falls: {@link slotsBetween} has slots for `(after, until]` once
 * `until` reaches it. Undefined for a `once` schedule whose slot is not after `after`.
 */
export function nextSlotAfter(schedule: ParsedSchedule, after: number): number | undefined {
  const { startMs, periodMs } = schedule;
  if (periodMs === undefined) {
    return startMs > after ? startMs : undefined;
  }
  return startMs + firstIndexAfter(startMs, periodMs, after) * periodMs;
}

/**
 * Where run generation starts for a new (or rescheduled) flow. A flow does not run for slots
 * before it existed, except the latest one: a flow whose start time has already passed runs once
 * right away, then on its cadence.
 */
export function initialCursor(schedule: ParsedSchedule, now: number): number {
  const { startMs, periodMs } = schedule;
  if (startMs > now || periodMs === undefined) {
    return startMs - 1;
  }
  const latestSlot = startMs + Math.floor((now - startMs) / periodMs) * periodMs;
  return latestSlot - 1;
}

function requireInteger(value: unknown, name: string, minimum: number, frequency?: string): number {
  if (value === undefined || value === null) {
    throw badRequest(`'scheduleParams.${name}' is required.`);
  }
  const parsed = typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof parsed !== "number" || !Number.isSafeInteger(parsed)) {
    throw badRequest(`'scheduleParams.${name}' must be an integer (a number or a numeric string).`);
  }
  if (parsed < minimum) {
    const context = frequency !== undefined ? ` for frequency '${frequency}'` : "";
    throw badRequest(`'scheduleParams.${name}' must be at least ${minimum}${context}.`);
  }
  return parsed;
}

function requireFrequency(value: unknown): Frequency {
  if (value === undefined || value === null) {
    throw badRequest("'scheduleParams.frequency' is required.");
  }
  if (value !== "once" && !(typeof value === "string" && Object.hasOwn(FREQUENCY_MS, value))) {
    throw badRequest(
      `'scheduleParams.frequency' must be one of once, minute, hour, day, week (got ${JSON.stringify(value)}).`,
    );
  }
  return value as Frequency;
}

function requireBoolean(value: unknown): boolean {
  if (typeof value === "boolean") {
    return value;
  }
  if (value === "true" || value === "false") {
    return value === "true";
  }
  throw badRequest('\'scheduleParams.backfill\' must be a boolean (true/false or "true"/"false").');
}
