/**
 * Figures below the engine: what `check` and `diff` cost (the engine calls them for every resource
 * on every preview), and how many GETs a second the emulator answers on loopback, which bounds the
 * API floor.
 */
import { performance } from "node:perf_hooks";
import { createLimiter } from "../provider/client/limiter";
import { connectionSpecIds, flowSpecIds } from "../provider/resources/specCatalog";
import * as runtime from "../provider/runtime";

function flowInputs() {
  return {
    name: "Bench dataflow",
    flowSpec: { id: flowSpecIds.restStorageToAep, version: "1.0" },
    sourceConnectionIds: ["d6557bf1-7347-415f-964c-9316bd4cbf56"],
    targetConnectionIds: ["9463fe9c-027d-4347-a423-894fcd105647"],
    scheduleParams: { startTime: 4102444800, frequency: "minute", interval: 15 },
  };
}

/** Microseconds per Dataflow `check` and `diff` call. */
export async function checkAndDiff(rounds: number): Promise<Record<string, number>> {
  const news = flowInputs();
  let started = performance.now();
  for (let i = 0; i < rounds; i++) await runtime.dataflow.check({}, news);
  const checkUs = ((performance.now() - started) * 1000) / rounds;
  const olds = { ...(await runtime.dataflow.check({}, news)).inputs, etag: '"e"' };
  started = performance.now();
  for (let i = 0; i < rounds; i++) await runtime.dataflow.diff("id", olds, news);
  const diffUs = ((performance.now() - started) * 1000) / rounds;
  return { "Dataflow check, µs per call": checkUs, "Dataflow diff, µs per call": diffUs };
}

/** GETs of one connection spec per second, `parallel` in flight, no added latency. */
export async function emulatorThroughput(
  url: string,
  credentials: { clientId: string; clientSecret: string; orgId: string },
  total: number,
  parallel: number,
): Promise<Record<string, number>> {
  const token = await fetch(`${url}/ims/token/v3`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      scope: "openid",
    }).toString(),
  }).then(async (r) => ((await r.json()) as { access_token: string }).access_token);
  const headers = {
    authorization: `Bearer ${token}`,
    "x-api-key": credentials.clientId,
    "x-gw-ims-org-id": credentials.orgId,
    "x-sandbox-name": "prod",
  };
  const spec = `${url}/data/foundation/flowservice/connectionSpecs/${connectionSpecIds.mailchimpCampaign}`;
  const limit = createLimiter(parallel);
  const started = performance.now();
  const statuses = await Promise.all(
    Array.from({ length: total }, () =>
      limit(() => fetch(spec, { headers }).then(async (r) => (await r.arrayBuffer(), r.status))),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const failed = statuses.filter((status) => status !== 200).length;
  if (failed > 0) throw new Error(`emulator throughput: ${failed} of ${total} GETs failed`);
  return { [`emulator GETs per second (${parallel} in flight)`]: total / seconds };
}
