// What the component suites share: Pulumi's mocks recording every registration, a way to read
// an Output, and options that record the parent each resource is declared with. Mocks never run
// provider methods; those are covered by the resource and e2e suites.
import * as pulumi from "@pulumi/pulumi";

/** A secret value as the mock monitor receives it (Pulumi's wire form of a secret). */
export function secret(value: unknown) {
  return { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value };
}

/** What the mock monitor received for one resource. */
export interface Registered {
  type: string;
  name: string;
  custom: boolean | undefined;
  inputs: Record<string, unknown>;
}

/**
 * Registrations in order; each resource's id is `<name>-id` and its outputs are its inputs, plus
 * what `serviceOutputs` adds for it (the outputs only the service sets, such as a schema's `$id`).
 * Any invoke fails the test: the components have no reason to make one.
 */
export async function useMocks(
  serviceOutputs: (registered: Registered) => Record<string, unknown> = () => ({}),
): Promise<Registered[]> {
  const registered: Registered[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const entry = {
          type: args.type,
          name: args.name,
          custom: args.custom,
          inputs: args.inputs,
        };
        registered.push(entry);
        return { id: `${args.name}-id`, state: { ...args.inputs, ...serviceOutputs(entry) } };
      },
      call: (args) => {
        throw new Error(`unexpected invoke of ${args.token}`);
      },
    },
    "project",
    "stack",
    false,
  );
  return registered;
}

export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/**
 * Options with a transformation that records the parent each resource is declared with. A
 * component's transformations run, as the resource is constructed, for it and for every resource
 * declared with it as (grand)parent.
 */
export function recordingParents() {
  const parents = new Map<string, pulumi.Resource | undefined>();
  const opts: pulumi.ComponentResourceOptions = {
    transformations: [
      ({ name, opts: declared }) => {
        parents.set(name, declared.parent);
        return undefined;
      },
    ],
  };
  return { parents, opts };
}
