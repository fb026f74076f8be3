/**
 * Input validation for `check`: zod schemas are the single source of the input types, and every
 * failure becomes a Pulumi check failure that names the property and says how to fix it.
 */
import { z } from "zod";
import type * as pulumi from "@pulumi/pulumi";
import { PROVIDER_KEY } from "./providerText";
import { KNOWN_CONNECTION_SPECS, findAuthType } from "./specCatalog";
import { UNKNOWN, valueAt, type PlainObject } from "./values";

/** A required, non-blank string. */
export const requiredString = (hint: string) =>
  z.string({ error: `must be a string: ${hint}` }).refine((s) => s.trim() !== "", {
    message: `must not be empty: ${hint}`,
  });

/** `{ id, version }` as Flow Service names connection and flow specs; the version defaults to 1.0. */
export const specReference = (what: string) =>
  z
    .object({
      id: requiredString(`the ${what} id, for example from Adobe's documentation`),
      version: z.string().default("1.0"),
    })
    .strict();

/** Free-form parameters, validated further against the known specs. */
export const parameterMap = z.record(z.string(), z.unknown(), {
  error: "must be an object of parameters",
});

/** A whole number, given as a number or a numeric string (Flow Service echoes strings). */
const wholeNumber = (what: string) =>
  z.union(
    [
      z.number().int(),
      z
        .string()
        .regex(/^\d+$/)
        .transform((s) => Number(s)),
    ],
    { error: `must be a whole number: ${what}` },
  );

const booleanLike = z.union(
  [z.boolean(), z.enum(["true", "false"]).transform((s) => s === "true")],
  { error: "must be true or false" },
);

/** Epoch seconds above this are taken for milliseconds (it is the year 5138 in seconds). */
const LARGEST_PLAUSIBLE_EPOCH_SECONDS = 99_999_999_999;

const SCHEDULE_FREQUENCIES = ["once", "minute", "hour", "day", "week"] as const;

/**
 * The flow spec's schedule rules, which is what Flow Service enforces: `once` takes no interval
 * (nor backfill), `minute` needs an interval of at least 15, `hour`, `day` and `week` at least 1.
 */
export const scheduleSchema = z
  .object(
    {
      startTime: wholeNumber("the first run's time in epoch seconds"),
      frequency: z.enum(SCHEDULE_FREQUENCIES, {
        error: `must be one of ${SCHEDULE_FREQUENCIES.map((f) => `"${f}"`).join(", ")}`,
      }),
      interval: wholeNumber("how many frequency units between runs").optional(),
      backfill: booleanLike.optional(),
    },
    { error: "must be an object: the first run's time, the frequency and the interval" },
  )
  .strict()
  .superRefine((schedule, ctx) => {
    if (schedule.startTime > LARGEST_PLAUSIBLE_EPOCH_SECONDS) {
      ctx.addIssue({
        code: "custom",
        path: ["startTime"],
        message:
          `${schedule.startTime} looks like milliseconds, but Flow Service takes epoch seconds: ` +
          `use ${Math.floor(schedule.startTime / 1000)}`,
      });
    }
    const { frequency, interval } = schedule;
    if (frequency === "once") {
      for (const key of ["interval", "backfill"] as const) {
        if (schedule[key] !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: `must be left out when frequency is "once": a one-time run has no ${key}`,
          });
        }
      }
      return;
    }
    const minimum = frequency === "minute" ? 15 : 1;
    if (interval === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["interval"],
        message: `is required when frequency is "${frequency}": set a whole number of at least ${minimum}`,
      });
    } else if (interval < minimum) {
      ctx.addIssue({
        code: "custom",
        path: ["interval"],
        message:
          `must be at least ${minimum} when frequency is "${frequency}" (got ${interval})` +
          (frequency === "minute"
            ? `: Flow Service runs minute schedules every 15 minutes at most`
            : ""),
      });
    }
  });

/**
 * Checks `auth` against what the package knows of the connection spec: the auth type must exist
 * and its required parameters must be present. Unknown specs are left to Flow Service.
 */
export function checkKnownAuth(
  connectionSpecId: string,
  auth: { specName: string; params: PlainObject },
  ctx: z.RefinementCtx,
): void {
  const spec = KNOWN_CONNECTION_SPECS[connectionSpecId];
  if (!spec?.authTypes || auth.specName === UNKNOWN) return;
  const authType = findAuthType(spec, auth.specName);
  if (!authType) {
    ctx.addIssue({
      code: "custom",
      path: ["auth", "specName"],
      message:
        `"${auth.specName}" is not an authentication type of the ${spec.title} connection spec: ` +
        `use ${spec.authTypes.map((a) => `"${a.name}"`).join(" or ")}`,
    });
    return;
  }
  checkRequiredParams(
    auth.params,
    authType.required,
    ["auth", "params"],
    `"${authType.name}"`,
    ctx,
  );
}

/** Checks that the parameters a known connection spec requires are present and non-blank. */
export function checkKnownParams(
  connectionSpecId: string,
  params: PlainObject,
  ctx: z.RefinementCtx,
): void {
  const spec = KNOWN_CONNECTION_SPECS[connectionSpecId];
  if (!spec?.requiredParams) return;
  checkRequiredParams(
    params,
    spec.requiredParams,
    ["params"],
    `the ${spec.title} connection spec`,
    ctx,
  );
}

function checkRequiredParams(
  params: PlainObject,
  required: readonly string[],
  path: string[],
  requiredBy: string,
  ctx: z.RefinementCtx,
): void {
  for (const key of required) {
    const value = params[key];
    if (value === undefined || value === null || value === "") {
      ctx.addIssue({
        code: "custom",
        path: [...path, key],
        message: `is required by ${requiredBy}: set ${[...path, key].join(".")}`,
      });
    }
  }
}

/**
 * Runs a resource's schema over the engine's proposed inputs. Issues on values that are not
 * known yet (preview) are not failures; when any remain unknown, the inputs pass through as given.
 */
export function checkInputs<T>(
  typeName: string,
  schema: z.ZodType<T>,
  news: PlainObject,
): pulumi.dynamic.CheckResult {
  const { [PROVIDER_KEY]: provider, ...proposed } = news;
  const parsed = schema.safeParse(proposed);
  if (parsed.success) {
    return { inputs: { ...(parsed.data as PlainObject), ...withProvider(provider) } };
  }
  const failures = parsed.error.issues
    .filter((issue) => !touchesUnknown(proposed, issue.path))
    .flatMap((issue) => toFailures(typeName, proposed, issue));
  if (failures.length > 0) return { failures };
  return { inputs: news };
}

function withProvider(provider: unknown): PlainObject {
  return provider === undefined ? {} : { [PROVIDER_KEY]: provider };
}

function touchesUnknown(root: unknown, path: readonly PropertyKey[]): boolean {
  const keys = path.map((k) => (typeof k === "number" ? k : String(k)));
  for (let depth = 0; depth <= keys.length; depth++) {
    if (valueAt(root, keys.slice(0, depth)) === UNKNOWN) return true;
  }
  return false;
}

function toFailures(
  typeName: string,
  root: unknown,
  issue: z.core.$ZodIssue,
): pulumi.dynamic.CheckFailure[] {
  const keys = issue.path.map((k) => (typeof k === "number" ? k : String(k)));
  if (issue.code === "unrecognized_keys") {
    // One failure per misspelt key, named by its own path, so the user sees where it is.
    return issue.keys.map((key) => {
      const property = [...keys, key].join(".");
      return {
        property,
        reason: `${typeName} has no property "${property}": check its spelling against the ${typeName} arguments`,
      };
    });
  }
  const property = keys.join(".");
  const present = valueAt(root, keys) !== undefined;
  const reason =
    issue.code === "invalid_type" && !present
      ? `is required: ${stripPrefix(issue.message)}`
      : issue.message;
  return [{ property, reason: `${typeName} ${property} ${reason}` }];
}

function stripPrefix(message: string): string {
  return message.replace(/^must be [^:]*: /, "");
}
