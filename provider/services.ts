/**
 * The Adobe services this package talks to, in one table: where each lives under its origin and
 * what it is called in messages. The client (paths, error labels, retry classification) and the
 * emulator (its gateway's areas) both derive from it, so a new service is one row here.
 */

export interface AdobeServiceInfo {
  /** Path under the origin (the platform URL, or the IMS URL for `ims`). */
  readonly basePath: string;
  /** How messages name it: `Flow Service answered 404 ...`. */
  readonly label: string;
  /** Which origin setting serves it. */
  readonly origin: "platform" | "ims";
}

export const ADOBE_SERVICES = {
  ims: { basePath: "/ims", label: "Adobe IMS", origin: "ims" },
  flowService: {
    basePath: "/data/foundation/flowservice",
    label: "Flow Service",
    origin: "platform",
  },
  catalog: { basePath: "/data/foundation/catalog", label: "Catalog Service", origin: "platform" },
  schemaRegistry: {
    basePath: "/data/foundation/schemaregistry",
    label: "Schema Registry",
    origin: "platform",
  },
  dataPrep: {
    basePath: "/data/foundation/conversion",
    label: "Data Prep",
    origin: "platform",
  },
} as const satisfies Record<string, AdobeServiceInfo>;

export type AdobeService = keyof typeof ADOBE_SERVICES;

/** The services behind the platform URL (every one but IMS). */
export type PlatformService = {
  [S in AdobeService]: (typeof ADOBE_SERVICES)[S]["origin"] extends "platform" ? S : never;
}[AdobeService];

export const ADOBE_SERVICE_NAMES = Object.keys(ADOBE_SERVICES) as AdobeService[];

export function isAdobeService(value: unknown): value is AdobeService {
  return typeof value === "string" && Object.hasOwn(ADOBE_SERVICES, value);
}

/** The table's row, or an error: an unknown service is a bug, never a default. */
export function serviceInfo(service: unknown): AdobeServiceInfo {
  if (!isAdobeService(service)) {
    throw new TypeError(
      `Unknown Adobe service ${JSON.stringify(service)}: expected one of ${ADOBE_SERVICE_NAMES.join(", ")} (provider/services.ts).`,
    );
  }
  return ADOBE_SERVICES[service];
}

/** The service whose base path holds `path` (`/data/foundation/catalog/dataSets/1` -> catalog). */
export function serviceOfPath(path: string): AdobeService | undefined {
  return ADOBE_SERVICE_NAMES.find((name) => {
    const base = ADOBE_SERVICES[name].basePath;
    return path === base || path.startsWith(`${base}/`);
  });
}
