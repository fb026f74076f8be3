/**
 * The Pulumi TypeScript project `aep-flow export` writes, generated from the model alone (a pure
 * function: no clock, no file, no call): Pulumi.yaml, package.json, tsconfig.json, index.ts, which
 * declares every object with `adopt` set and references between them, and a README with the
 * commands to run and the credentials to set.
 */
import {
  Reference,
  SecretParam,
  type ExportModel,
  type ExportedObject,
  type ObjectKey,
  type Value,
} from "./model";
import { allocateNames, ConfigKeys, type ObjectNames } from "./names";
import { broken, Code, comment, PRINT_WIDTH, stringLiteral, type Printable } from "./printer";

export interface GeneratedFile {
  /** Relative to the project folder. */
  path: string;
  content: string;
}

/** One declared resource, as the command's summary and `--json` list it. */
export interface DeclaredResource {
  type: string;
  name: string;
  variable: string;
  id: string;
}

/** A credential the program reads from the stack config. */
export interface RequiredSecret {
  /** The config key, in the project's namespace. */
  key: string;
  /** The resource whose input it is. */
  resource: string;
  /** Where in that resource's inputs (`auth.params.password`). */
  input: string;
}

export interface GeneratedProject {
  files: GeneratedFile[];
  resources: DeclaredResource[];
  secrets: RequiredSecret[];
  /** The stack output of each dataflow's id. */
  outputs: string[];
}

export interface ProjectOptions {
  /** The Pulumi project and npm package name: letters, digits, `-`, `_` and `.`. */
  projectName: string;
}

/** What a new program needs to compile, as the package's example declares them. */
const DEV_DEPENDENCIES = { "@types/node": "^24.0.0", typescript: "^5.9.0" };

export function generateProject(model: ExportModel, options: ProjectOptions): GeneratedProject {
  const names = allocateNames(model.objects);
  const nameOf = (key: ObjectKey): ObjectNames => {
    const found = names.get(key);
    if (found === undefined) throw new Error(`export: ${key} is referred to but not declared`);
    return found;
  };
  const keys = new ConfigKeys();
  const secrets: RequiredSecret[] = [];
  const declarations = model.objects.map((object) => {
    const own = nameOf(object.key);
    const toPrintable = (value: Value, path: string[]): Printable => {
      if (value instanceof Reference)
        return new Code(`${nameOf(value.target).variable}.${value.output}`);
      if (value instanceof SecretParam) {
        const key = keys.keyFor(own.variable, value.param);
        secrets.push({ key, resource: own.name, input: path.join(".") });
        return new Code(`config.requireSecret(${stringLiteral(key)})`);
      }
      if (Array.isArray(value))
        return value.map((item: Value, i) => toPrintable(item, [...path, String(i)]));
      if (typeof value === "object" && value !== null) {
        return Object.fromEntries(
          Object.entries(value).map(([key, member]) => [key, toPrintable(member, [...path, key])]),
        );
      }
      return value as Printable;
    };
    const args = toPrintable({ adopt: object.id, ...object.inputs }, []);
    return declaration(object, own, args);
  });
  const resources = model.objects.map((object) => ({
    type: object.kind,
    name: nameOf(object.key).name,
    variable: nameOf(object.key).variable,
    id: object.id,
  }));
  const flows = model.objects
    .filter((object) => object.kind === "Dataflow")
    .map((o) => nameOf(o.key));
  const outputs = flows.map((flow) => flow.output!);
  const index = indexTs(model, declarations, flows, secrets.length > 0);
  const project = { model, options, resources, secrets, outputs };
  return {
    files: [
      { path: "Pulumi.yaml", content: pulumiYaml(project) },
      { path: "package.json", content: packageJson(project) },
      { path: "tsconfig.json", content: TSCONFIG },
      { path: "index.ts", content: index },
      { path: "README.md", content: readme(project) },
    ],
    resources,
    secrets,
    outputs,
  };
}

/** `const x = new aep.Kind("name", { ... });`, with the object's notes above it. */
function declaration(object: ExportedObject, names: ObjectNames, args: Printable): string {
  const notes = object.notes.map((note) => `${comment(note)}\n`).join("");
  const head = `const ${names.variable} = new aep.${object.kind}(`;
  const name = stringLiteral(names.name);
  const hugged = `${head}${name}, {`;
  // Prettier keeps the arguments object on the first line when that line fits, else one per line.
  if (hugged.length <= PRINT_WIDTH) return `${notes}${head}${name}, ${broken(args, "")});`;
  return `${notes}${head}\n  ${name},\n  ${broken(args, "  ")},\n);`;
}

function indexTs(
  model: ExportModel,
  declarations: string[],
  flows: ObjectNames[],
  usesConfig: boolean,
): string {
  const lines = [
    `Sandbox ${JSON.stringify(model.sandboxName)} of org ${model.orgId}, as \`aep-flow export\` read it on`,
    `${model.exportedAt}: its dataflows and the objects they use. Each resource adopts the`,
    "object its `adopt` names instead of creating one (see README.md).",
  ].map((line) => comment(line));
  const imports = [
    ...(usesConfig ? ['import * as pulumi from "@pulumi/pulumi";'] : []),
    'import * as aep from "pulumi-aep-flow";',
  ];
  const sections = [
    [...lines, ...imports].join("\n"),
    ...(usesConfig ? ["const config = new pulumi.Config();"] : []),
    ...declarations,
    flows.map((flow) => `export const ${flow.output} = ${flow.variable}.id;`).join("\n"),
  ];
  return `${sections.filter((section) => section !== "").join("\n\n")}\n`;
}

const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      strict: true,
      target: "es2022",
      module: "node16",
      moduleResolution: "node16",
      outDir: "bin",
      sourceMap: true,
      skipLibCheck: true,
      forceConsistentCasingInFileNames: true,
    },
    files: ["index.ts"],
  },
  null,
  2,
)}\n`;

interface Project {
  model: ExportModel;
  options: ProjectOptions;
  resources: DeclaredResource[];
  secrets: RequiredSecret[];
  outputs: string[];
}

function origin({ model }: Project): string {
  return `sandbox ${JSON.stringify(model.sandboxName)} of org ${model.orgId}`;
}

function pulumiYaml(project: Project): string {
  // A JSON string is a YAML double-quoted scalar.
  const description = JSON.stringify(
    `Adobe Experience Platform dataflows of ${origin(project)}, exported by aep-flow export on ${project.model.exportedAt}.`,
  );
  return `name: ${project.options.projectName}\nruntime: nodejs\ndescription: ${description}\n`;
}

function packageJson({ model, options }: Project): string {
  const manifest = {
    name: options.projectName,
    version: "1.0.0",
    private: true,
    description: `Adobe Experience Platform objects of sandbox ${model.sandboxName}, adopted with pulumi-aep-flow.`,
    main: "index.ts",
    dependencies: {
      "@pulumi/pulumi": model.pulumiRange,
      "pulumi-aep-flow": model.packageVersion,
    },
    devDependencies: DEV_DEPENDENCIES,
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function readme(project: Project): string {
  const { model, resources, secrets, outputs } = project;
  const flows = resources.filter((resource) => resource.type === "Dataflow").length;
  const example = resources.find((resource) => resource.type === "Dataflow") ?? resources[0]!;
  const table = [
    "| resource | type | adopts |",
    "| --- | --- | --- |",
    ...resources.map((r) => `| \`${r.name}\` | ${r.type} | \`${r.id}\` |`),
  ];
  const secretLines = secrets.map(configSetLine);
  const sections = [
    `# ${project.options.projectName}`,
    `${flows} ${flows === 1 ? "dataflow" : "dataflows"} of ${origin(project)} and every object ` +
      `${flows === 1 ? "it uses" : "they use"} (${resources.length} resources), as \`aep-flow export\` ` +
      `(pulumi-aep-flow ${model.packageVersion}) read them on ${model.exportedAt}. \`index.ts\` ` +
      "declares each one with the package's resources, the references between them as program " +
      `references, and a stack output per dataflow id (${outputs.map((o) => `\`${o}\``).join(", ")}).`,
    table.join("\n"),
    "## Adoption",
    "Each resource names its object with `adopt`: on the first `pulumi up` the provider reads that " +
      "object instead of creating one, refuses (changing nothing) when a value that would force a " +
      "replacement differs from the program, and brings the other declared values to the program's " +
      "with one update. From then on it is managed like any other resource, and `pulumi destroy` " +
      "deletes it; a later change of `adopt` itself is not a diff.",
    "To let Pulumi stop managing an object without deleting it from Adobe Experience Platform, give " +
      "its resource the `retainOnDelete` option before removing it or destroying the stack:",
    "```ts\n" +
      `new aep.${example.type}(${JSON.stringify(example.name)}, { /* as in index.ts */ }, { retainOnDelete: true });\n` +
      "```",
    ...(secrets.length > 0
      ? [
          "## Credentials",
          "Flow Service masks credentials when it is read, so the export wrote none: the program " +
            "reads each from the stack config as a secret (`config.requireSecret`). Set every one " +
            "before the first `pulumi up`, which writes them to their accounts (masked, the live " +
            "ones cannot be compared with them).",
          `\`\`\`sh\n${secretLines.join("\n")}\n\`\`\``,
        ]
      : []),
    ...(model.warnings.length > 0
      ? ["## To check before `pulumi up`", model.warnings.map((w) => `- ${oneLine(w)}`).join("\n")]
      : []),
    "## Run",
    "The provider's settings are the `aep:*` stack config (or the `AEP_*` environment variables); " +
      "`pulumi preview` shows every resource as a create, and `pulumi up` adopts them.",
    "```sh\n" +
      [
        "npm install",
        `pulumi stack init ${model.sandboxName}`,
        `pulumi config set aep:orgId ${model.orgId}`,
        `pulumi config set aep:sandboxName ${model.sandboxName}`,
        "pulumi config set aep:clientId <client id>",
        "pulumi config set --secret aep:clientSecret <client secret>",
        ...(secrets.length > 0 ? ["# and the credentials above"] : []),
        "pulumi preview",
        "pulumi up",
        "pulumi preview   # no changes: the program and the sandbox agree",
      ].join("\n") +
      "\n```",
  ];
  return `${sections.join("\n\n")}\n`;
}

/** The command that stores a credential the program reads. */
export function configSetLine(secret: RequiredSecret): string {
  return `pulumi config set --secret ${secret.key} <value>   # ${secret.input} of ${secret.resource}`;
}

/** A Markdown list item on one line. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n\u2028\u2029]+\s*/g, " ");
}
