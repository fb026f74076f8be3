/**
 * `npm run bench`: prints the figures the package's performance targets are about. Nothing here
 * asserts a time; the numbers are for reading and comparing across changes.
 *
 * 1. The size of each resource's `__provider` text (target: at most 400 bytes; the state holds it
 *    twice per resource).
 * 2. `check` and `diff` cost, which the engine pays for every resource on every preview.
 * 3. A whole pipeline's provider calls (create, update, delete of the five objects) against the
 *    emulator on loopback, sequential and with several pipelines in parallel.
 * 4. The emulator's own throughput for GETs on loopback (it bounds the figures of 3).
 * Every loop is bounded in count; all traffic goes to 127.0.0.1.
 */
import { performance } from "node:perf_hooks";
import { configureClient, createAepClient, resetClientForTests } from "../provider/client";
import { startEmulator } from "../provider/emulator";
import { providerText } from "../provider/resources/providerText";
import * as registry from "../provider/resources/registry";
import * as runtime from "../provider/runtime";
import { connectionSpecIds, flowSpecIds } from "../provider/resources/specCatalog";

const ORG = "BENCH0000000000000000000@AdobeOrg";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms, max ${(sorted.at(-1) ?? NaN).toFixed(1)} ms`;
}

function providerSizes(): void {
  console.log("1. __provider text size (bytes; target <= 400)");
  for (const { definition } of Object.values(registry)) {
    console.log(`   ${definition.typeName.padEnd(26)} ${providerText(definition.key).length}`);
  }
}

function flowInputs(n: number) {
  return {
    name: `Bench dataflow ${n}`,
    flowSpec: { id: flowSpecIds.restStorageToAep, version: "1.0" },
    sourceConnectionIds: ["d6557bf1-7347-415f-964c-9316bd4cbf56"],
    targetConnectionIds: ["9463fe9c-027d-4347-a423-894fcd105647"],
    scheduleParams: { startTime: 4102444800, frequency: "minute", interval: 15 },
  };
}

async function checkAndDiff(): Promise<void> {
  const rounds = 20_000;
  const news = flowInputs(1);
  let started = performance.now();
  for (let i = 0; i < rounds; i++) await runtime.dataflow.check({}, news);
  const checkUs = ((performance.now() - started) * 1000) / rounds;
  const olds = { ...(await runtime.dataflow.check({}, news)).inputs, etag: '"e"' };
  started = performance.now();
  for (let i = 0; i < rounds; i++) await runtime.dataflow.diff("id", olds, news);
  const diffUs = ((performance.now() - started) * 1000) / rounds;
  console.log(
    `2. Dataflow check ${checkUs.toFixed(1)} µs/call, diff ${diffUs.toFixed(1)} µs/call (${rounds} calls each)`,
  );
}

async function pipelineLifecycle(n: number): Promise<number> {
  const started = performance.now();
  const base = await runtime.base.create({
    name: `Bench base ${n}`,
    connectionSpec: { id: connectionSpecIds.mailchimpCampaign, version: "1.0" },
    auth: { specName: "Basic Authentication", params: { username: "u", password: "p" } },
  });
  const source = await runtime.source.create({
    name: `Bench source ${n}`,
    baseConnectionId: base.id,
    connectionSpec: { id: connectionSpecIds.mailchimpCampaign, version: "1.0" },
    data: { format: "json" },
    params: { campaignId: `c${n}` },
  });
  const schemaId = "https://ns.adobe.com/bench/schemas/0123456789abcdef";
  const dataset = await runtime.dataset.create({
    name: `Bench dataset ${n}`,
    schemaRef: { id: schemaId, contentType: "application/vnd.adobe.xed+json;version=1" },
  });
  const target = await runtime.target.create({
    name: `Bench target ${n}`,
    connectionSpec: { id: connectionSpecIds.dataLake, version: "1.0" },
    data: {
      format: "parquet_xdm",
      schema: { id: schemaId, version: "application/vnd.adobe.xed-full+json;version=1" },
    },
    params: { dataSetId: dataset.id },
  });
  const inputs = {
    ...flowInputs(n),
    sourceConnectionIds: [source.id],
    targetConnectionIds: [target.id],
    enabled: true,
  };
  const flow = await runtime.dataflow.create(inputs);
  await runtime.dataflow.update(flow.id, flow.outs, { ...inputs, name: `Renamed ${n}` });
  await runtime.dataflow.delete(flow.id, {});
  await runtime.target.delete(target.id, {});
  await runtime.dataset.delete(dataset.id, {});
  await runtime.source.delete(source.id, {});
  await runtime.base.delete(base.id, {});
  return performance.now() - started;
}

async function lifecycles(): Promise<void> {
  const sequential: number[] = [];
  for (let i = 0; i < 20; i++) sequential.push(await pipelineLifecycle(i));
  console.log(
    `3. pipeline create+update+delete (16 calls), sequential x20: ${summary(sequential)}`,
  );
  const parallel = 8;
  const started = performance.now();
  const samples = await Promise.all(
    Array.from({ length: parallel * 5 }, (_, i) => pipelineLifecycle(100 + i)),
  );
  const wall = performance.now() - started;
  console.log(
    `   40 pipelines, all at once (client caps 8 requests in flight): ${summary(samples)}; wall ${wall.toFixed(0)} ms`,
  );
}

async function emulatorThroughput(url: string): Promise<void> {
  const client = createAepClient({
    platformUrl: url,
    imsUrl: url,
    clientId: "bench",
    clientSecret: "bench",
    orgId: ORG,
    sandboxName: "prod",
    apiKey: "bench",
    scopes: "openid",
  });
  const { id } = await client.create("connections", {
    name: "Throughput probe",
    connectionSpec: { id: connectionSpecIds.mailchimpCampaign, version: "1.0" },
    auth: { specName: "Basic Authentication", params: { username: "u", password: "p" } },
  });
  const total = 2000;
  const started = performance.now();
  await Promise.all(Array.from({ length: total }, () => client.get("connections", id)));
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `4. GET /connections/{id} through the client, ${total} requests: ${(total / seconds).toFixed(0)} req/s`,
  );
}

async function main(): Promise<void> {
  providerSizes();
  await checkAndDiff();
  const emulator = await startEmulator({ port: 0 });
  try {
    resetClientForTests();
    configureClient(
      new Map([
        ["aep:platformUrl", emulator.url],
        ["aep:imsUrl", emulator.url],
        ["aep:clientId", "bench"],
        ["aep:clientSecret", "bench"],
        ["aep:orgId", ORG],
      ]),
    );
    await lifecycles();
    await emulatorThroughput(emulator.url);
  } finally {
    await emulator.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
