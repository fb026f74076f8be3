/**
 * The benchmark's results as text: Markdown tables (printed, and saved next to the JSON for the
 * README) and an SVG chart of time against pipeline count, one panel per operation, drawn here
 * as plain SVG text so no image library is needed.
 */
import {
  components,
  cpuSeconds,
  growth,
  leastSquares,
  targets,
  type BenchResults,
  type CountResult,
} from "./analysis";
import { OPERATION_LABELS, OPERATIONS, type Operation } from "./engine";

const s = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "-");
const ratio = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "-");
const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

function table(header: string[], rows: Array<Array<string | number>>): string {
  return [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");
}

function timesTable(results: CountResult[]): string {
  const rows = OPERATIONS.flatMap((op) =>
    results.map((r) => {
      const ours = r.ours[op].seconds;
      const engine = r.engineFloor[op].seconds;
      const api = r.apiFloor[op].seconds;
      return [
        OPERATION_LABELS[op],
        r.pipelines,
        s(ours),
        s(engine),
        s(api),
        ratio(ours / engine),
        r.apiFloor[op].calls > 0 ? ratio(ours / api) : "-",
        ratio(ours / (engine + api)),
        `${s(cpuSeconds(r.ours[op]))} / ${s(cpuSeconds(r.engineFloor[op]))}`,
      ];
    }),
  );
  return table(
    [
      "operation",
      "pipelines",
      "ours s",
      "engine floor s",
      "API floor s",
      "/ engine",
      "/ API",
      "/ (engine + API)",
      "CPU s, ours / engine floor",
    ],
    rows,
  );
}

function callsTable(results: CountResult[]): string {
  const rows = OPERATIONS.flatMap((op) =>
    results.map((r) => {
      const c = r.ours[op].calls;
      return [
        OPERATION_LABELS[op],
        r.pipelines,
        r.resources,
        c.reads,
        c.writes,
        c.posts,
        c.token,
        r.ours[op].cost.providerProcesses,
        mb(r.ours[op].cost.providerPeakRssBytes),
        mb(r.ours[op].cost.enginePeakRssBytes),
      ];
    }),
  );
  return table(
    [
      "operation",
      "pipelines",
      "resources",
      "reads",
      "writes",
      "of which POST",
      "token",
      "provider processes",
      "provider peak RSS",
      "engine peak RSS",
    ],
    rows,
  );
}

function stateTable(results: CountResult[]): string {
  const pair = (r: CountResult, f: (x: CountResult["state"]["ours"]) => number, unit = kb) =>
    `${unit(f(r.state.ours))} / ${unit(f(r.state.engineFloor))}`;
  const bytes = (n: number) => `${n.toFixed(0)} B`;
  return table(
    [
      "pipelines",
      "state file",
      "file per resource",
      "`__provider`, largest copy",
      "both `__provider` copies",
      "inputs",
      "outputs",
      "engine's fields",
      "of which stack trace",
      "beyond the user's inputs",
    ],
    results.map((r) => [
      r.pipelines,
      `${kb(r.state.ours.fileBytes)} / ${kb(r.state.engineFloor.fileBytes)}`,
      pair(r, (x) => x.fileBytesPerResource),
      pair(r, (x) => x.providerBytesMax, bytes),
      pair(r, (x) => x.parts.provider),
      pair(r, (x) => x.parts.inputs),
      pair(r, (x) => x.parts.outputs),
      pair(r, (x) => x.parts.engine),
      pair(r, (x) => x.parts.stackTrace ?? NaN),
      pair(r, (x) => x.overheadBytesPerResource),
    ]),
  );
}

function slopesTable(results: CountResult[]): string {
  const xs = results.map((r) => r.pipelines);
  const rows = OPERATIONS.map((op) => {
    const cells = (values: number[]) => {
      const fit = leastSquares(xs, values);
      return [s(fit.slope), s(growth(xs, values))];
    };
    return [
      OPERATION_LABELS[op],
      ...cells(results.map((r) => r.ours[op].seconds)),
      ...cells(results.map((r) => r.engineFloor[op].seconds)),
      ...cells(results.map((r) => r.apiFloor[op].seconds)),
    ];
  });
  return table(
    [
      "operation",
      "ours s/pipeline",
      "ours growth",
      "engine floor s/pipeline",
      "engine growth",
      "API floor s/pipeline",
      "API growth",
    ],
    rows,
  );
}

/** Growth above this (a pipeline added at the top costs 30% more than one at the bottom) is not linear. */
const NONLINEAR = 1.3;

/** A sentence on which parts of an operation grow faster than the pipeline count. */
function growthVerdict(results: CountResult[], op: Operation): string {
  const xs = results.map((r) => r.pipelines);
  if (xs.length < 3) return "(growth needs at least three pipeline counts)";
  const all = components(results, op).map((c) => ({ name: c.name, g: growth(xs, c.values) }));
  const ours = all[0]!.g;
  const growing = all.slice(1).filter((c) => c.g > NONLINEAR);
  const steady = all.slice(1).filter((c) => Number.isFinite(c.g) && c.g <= NONLINEAR);
  const list = (cs: typeof all) => cs.map((c) => `${c.name} x${c.g.toFixed(1)}`).join(", ");
  const headline = !Number.isFinite(ours)
    ? "Growth not measurable (a part shrank between counts: noise, or a cost that does not grow)"
    : ours > NONLINEAR
      ? `Not linear: a pipeline added at the top costs ${ours.toFixed(1)} x one added at the bottom`
      : `About linear (ours x${ours.toFixed(1)})`;
  return (
    `${headline}. ` +
    `Growing faster than the count: ${growing.length > 0 ? list(growing) : "nothing"}. ` +
    `Linear: ${steady.length > 0 ? list(steady) : "nothing"}.`
  );
}

/** Each part of an operation by count, with its slope and growth. */
function breakdownTable(results: CountResult[], op: Operation): string {
  const xs = results.map((r) => r.pipelines);
  return table(
    ["part", ...xs.map((x) => `${x}`), "per pipeline", "growth"],
    components(results, op).map((series) => [
      series.name,
      ...series.values.map(s),
      s(leastSquares(xs, series.values).slope),
      s(growth(xs, series.values)),
    ]),
  );
}

export function markdown(bench: BenchResults): string {
  const { options, results } = bench;
  const lines = [
    `Run ${bench.startedAt} to ${bench.finishedAt}: ${results.map((r) => r.pipelines).join(", ")} pipelines ` +
      `of 5 resources, ${options.latencyMs} ms added per Flow Service/Catalog call, parallelism ${options.parallel}` +
      `${options.quick ? " (quick)" : ""}. ${Object.entries(bench.environment)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}.`,
    "",
    "### Time (seconds)",
    "",
    timesTable(results),
    "",
    "### Cost per pipeline (least-squares slope; growth = cost of a pipeline added in the upper half of the counts / in the lower half)",
    "",
    slopesTable(results),
    "",
    "### Calls (ours, from the emulator's request log) and memory",
    "",
    callsTable(results),
    "",
    "### State after `up` from empty (ours / engine floor; per resource unless said)",
    "",
    stateTable(results),
    "",
    "### Targets",
    "",
    table(
      ["target", "measured", ""],
      targets(results).map((t) => [t.target, t.value, t.met ? "met" : "**missed**"]),
    ),
  ];
  for (const op of OPERATIONS) {
    lines.push(
      "",
      `### Where the time goes: ${OPERATION_LABELS[op]}`,
      "",
      breakdownTable(results, op),
      "",
      growthVerdict(results, op),
    );
  }
  const micro = Object.entries(bench.micro);
  if (micro.length > 0) {
    lines.push(
      "",
      "### Micro figures",
      "",
      table(
        ["figure", "value"],
        micro.map(([k, v]) => [k, s(v)]),
      ),
    );
  }
  const notes = results.flatMap((r) => r.notes.map((n) => `${r.pipelines} pipelines: ${n}`));
  if (notes.length > 0) lines.push("", "### Notes", "", ...notes.map((n) => `- ${n}`));
  return `${lines.join("\n")}\n`;
}

const COLORS = { ours: "#d62728", engine: "#1f77b4", api: "#2ca02c", sum: "#7f7f7f" };

/** Round-ish axis maximum and tick step for values up to `max`. */
function niceScale(max: number): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 0.25 };
  const raw = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((m) => m >= raw)!;
  return { top: Math.ceil(max / step) * step, step };
}

const esc = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** Time against pipeline count, one panel per operation: ours, both floors and their sum. */
export function chartSvg(bench: BenchResults): string {
  const { results, options } = bench;
  const xs = results.map((r) => r.pipelines);
  const panelW = 300;
  const panelH = 210;
  const margin = { left: 46, right: 12, top: 26, bottom: 34 };
  const columns = 3;
  const rows = Math.ceil(OPERATIONS.length / columns);
  const width = panelW * columns + 20;
  const height = 56 + panelH * rows;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="10" y="18" font-size="13" font-weight="bold">${esc(
      `Seconds against pipeline count (5 resources each, ${options.latencyMs} ms per call, parallelism ${options.parallel})`,
    )}</text>`,
  ];
  const legend: Array<[string, string, boolean]> = [
    ["ours", COLORS.ours, false],
    ["engine floor (no-op dynamic resources)", COLORS.engine, false],
    ["API floor (same calls, plain script)", COLORS.api, false],
    ["engine floor + API floor", COLORS.sum, true],
  ];
  let lx = 10;
  for (const [label, color, dashed] of legend) {
    parts.push(
      `<line x1="${lx}" y1="36" x2="${lx + 22}" y2="36" stroke="${color}" stroke-width="2"${dashed ? ' stroke-dasharray="4 3"' : ""}/>`,
      `<text x="${lx + 27}" y="40">${esc(label)}</text>`,
    );
    lx += 40 + label.length * 6.2;
  }
  OPERATIONS.forEach((op, index) => {
    const ox = 10 + (index % columns) * panelW;
    const oy = 50 + Math.floor(index / columns) * panelH;
    const plotW = panelW - margin.left - margin.right;
    const plotH = panelH - margin.top - margin.bottom;
    const ours = results.map((r) => r.ours[op].seconds);
    const engine = results.map((r) => r.engineFloor[op].seconds);
    const api = results.map((r) => r.apiFloor[op].seconds);
    const sum = engine.map((e, i) => e + api[i]!);
    const { top, step } = niceScale(Math.max(...ours, ...sum));
    const xMax = Math.max(...xs);
    const px = (x: number) => ox + margin.left + (x / xMax) * plotW;
    const py = (y: number) => oy + margin.top + plotH - (y / top) * plotH;
    parts.push(
      `<text x="${ox + margin.left}" y="${oy + 16}" font-weight="bold">${esc(OPERATION_LABELS[op])}</text>`,
    );
    for (let y = 0; y <= top + step / 2; y += step) {
      parts.push(
        `<line x1="${px(0)}" y1="${py(y)}" x2="${px(xMax)}" y2="${py(y)}" stroke="#e0e0e0"/>`,
        `<text x="${px(0) - 4}" y="${py(y) + 4}" text-anchor="end">${+y.toFixed(2)}</text>`,
      );
    }
    for (const x of xs) {
      parts.push(
        `<line x1="${px(x)}" y1="${py(0)}" x2="${px(x)}" y2="${py(0) + 4}" stroke="#000"/>`,
        `<text x="${px(x)}" y="${py(0) + 15}" text-anchor="middle">${x}</text>`,
      );
    }
    parts.push(
      `<line x1="${px(0)}" y1="${py(0)}" x2="${px(xMax)}" y2="${py(0)}" stroke="#000"/>`,
      `<line x1="${px(0)}" y1="${py(0)}" x2="${px(0)}" y2="${py(top)}" stroke="#000"/>`,
      `<text x="${px(xMax / 2)}" y="${py(0) + 28}" text-anchor="middle">pipelines</text>`,
    );
    const line = (values: number[], color: string, dashed = false) => {
      const points = values.map((v, i) => `${px(xs[i]!).toFixed(1)},${py(v).toFixed(1)}`);
      parts.push(
        `<polyline fill="none" stroke="${color}" stroke-width="2"${dashed ? ' stroke-dasharray="4 3"' : ""} points="${points.join(" ")}"/>`,
        ...values.map(
          (v, i) =>
            `<circle cx="${px(xs[i]!).toFixed(1)}" cy="${py(v).toFixed(1)}" r="2.5" fill="${color}"/>`,
        ),
      );
    };
    line(sum, COLORS.sum, true);
    line(engine, COLORS.engine);
    line(api, COLORS.api);
    line(ours, COLORS.ours);
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
