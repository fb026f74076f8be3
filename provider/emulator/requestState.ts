/**
 * Per-request data the emulator's hooks share, attached to fastify's request as `request.aep`.
 */
import type { Actor } from "./kinds/kind";
import type { RequestLogEntry } from "./types";

/** What the hooks learn about a request as it goes through the emulator. */
export interface RequestState {
  /** Sent back as `x-request-id` and used in error bodies' `request-id`. */
  requestId: string;
  /** The request's log entry (absent for admin API calls). */
  logEntry?: RequestLogEntry;
  /** Set by the gateway checks on Flow Service and Catalog calls. */
  actor?: Actor;
  /** A `drop: "after"` fault: destroy the socket instead of sending the response. */
  dropAfterHandling?: boolean;
}

declare module "fastify" {
  interface FastifyRequest {
    aep: RequestState;
  }
}
