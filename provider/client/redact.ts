/**
 * Keeps credentials out of everything the client lets escape: error messages, error properties,
 * retry events. The client never puts a secret in a URL, so these are belts to its braces.
 */

/** Query parameters whose values are never shown (the IMS v2 API took credentials in the query). */
const SECRET_QUERY_PARAMS: readonly string[] = [
  "client_secret",
  "access_token",
  "id_token",
  "refresh_token",
  "token",
  "password",
  "api_key",
  "apikey",
  "signature",
  "sig",
];

export const REDACTED = "[REDACTED]";

/** Path and query of a URL without its origin, with secret-looking query values replaced. */
export function safePath(url: URL | string | undefined): string {
  if (url === undefined) return "";
  let parsed: URL;
  try {
    parsed = typeof url === "string" ? new URL(url, "http://placeholder.invalid") : url;
  } catch {
    return "";
  }
  const query = new URLSearchParams(parsed.search);
  for (const key of [...query.keys()]) {
    if (SECRET_QUERY_PARAMS.includes(key.toLowerCase())) query.set(key, REDACTED);
  }
  const search = query.toString();
  return parsed.pathname + (search ? `?${search}` : "");
}

/**
 * Replaces bearer tokens, `client_secret=`/`access_token=` pairs and every known secret value in a
 * piece of text (a server-provided message, a network error message).
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text
    .replace(/\bBearer\s+[^\s"',;]+/gi, `Bearer ${REDACTED}`)
    .replace(
      /\b(client_secret|access_token|refresh_token|id_token)=[^&\s"'),;]+/gi,
      `$1=${REDACTED}`,
    )
    .replace(
      /"(client_secret|access_token|refresh_token|id_token)"\s*:\s*"[^"]*"/gi,
      `"$1":"${REDACTED}"`,
    );
  for (const secret of secrets) {
    // Very short values would redact ordinary words; real tokens and secrets are long.
    if (secret.length >= 6) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** Request headers with the bearer token and cookies replaced, every value as a string. */
export function redactRequestHeaders(
  headers: Record<string, unknown> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    out[lower] =
      lower === "authorization"
        ? `Bearer ${REDACTED}`
        : lower === "cookie"
          ? REDACTED
          : String(value);
  }
  return out;
}

/** Response headers without `set-cookie` (a session cookie is a credential). */
export function withoutCookies<T>(headers: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => name.toLowerCase() !== "set-cookie"),
  );
}

/** A response body with every known secret replaced, kept for debugging. */
export function redactBody(body: unknown, secrets: readonly string[]): unknown {
  if (typeof body === "string") return redactText(body, secrets);
  if (body === undefined || body instanceof Uint8Array) return body;
  try {
    return JSON.parse(redactText(JSON.stringify(body), secrets)) as unknown;
  } catch {
    return undefined;
  }
}

/** A copy of a low-level error that carries nothing but its name, message, code and location. */
export function redactCause(error: Error, secrets: readonly string[]): Error {
  const cause = new Error(redactText(error.message, secrets));
  cause.name = error.name;
  const source = error as Error & Record<string, unknown>;
  const target = cause as Error & Record<string, unknown>;
  for (const key of ["code", "errno", "syscall", "hostname", "address", "port", "event"]) {
    const value = source[key];
    if (typeof value === "string" || typeof value === "number") target[key] = value;
  }
  cause.stack = redactText(error.stack ?? cause.stack ?? "", secrets);
  return cause;
}
