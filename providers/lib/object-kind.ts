import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { Lifecycle } from "./lifecycle";
import type { ProviderImplementation } from "./provider";

/**
 * An object kind: one remote object type, as the registry (providers/object-kinds.ts) lists it.
 * The provider runtime finds its implementation here, the stack file its collection, the
 * ServiceOwnerSetup component its wiring and `npm run export` its live objects.
 */
export interface ObjectKind {
  /** The dynamic resource type: `pulumi-nodejs:dynamic/altinn:<kind>`. */
  kind: string;
  implementation: ProviderImplementation;
  /** Its schema and rules (providers/lib/lifecycle.ts), for kinds on the provider skeleton. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- kinds differ in their inputs
  lifecycle?: Lifecycle<any>;
  /** The stack-file collection that declares objects of this kind, if users declare them. */
  stack?: StackCollection;
}

/** The service owner a stack sets up. */
export interface Org {
  /** The lowercase Altinn org code, such as `digdir`. */
  code: string;
  /** The 9-digit organisation number. */
  number: string;
}

/**
 * A stack-file collection (`altinn-iac:<key>`): its entry schema, derived from the provider's
 * schema with the same field names, and how an entry becomes the provider's inputs.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- kinds differ in their entries
export interface StackCollection<Entry = any> {
  /** The stack-file key, also what an included file may hold. */
  key: string;
  /** One entry, as users write it. */
  entry: z.ZodType<Entry>;
  /** The entry's object name (the Pulumi resource name, unique in the collection). */
  name(entry: Entry): string;
  /** The provider's inputs for one entry. */
  inputs(entry: Entry, org: Org): Record<string, unknown>;
  /**
   * Whether the provider's rules apply to the entry at load time (they run on the stack file
   * before anything is registered, named by key path); default: always.
   */
  rulesApply?(entry: Entry): boolean;
  /**
   * Registers the entry's object. Kinds whose objects depend on other kinds' are wired by the
   * program in Altinn's order (program/setup-wiring.ts); the others take this generic wiring.
   */
  register?(entry: Entry, wiring: Wiring): pulumi.CustomResource;
}

/** What the ServiceOwnerSetup component gives a kind to register its objects with. */
export interface Wiring {
  org: Org;
  /** Whether the stack's environment is production. */
  production: boolean;
  /** The options of a child object named `name`: parent, protection, aliases. */
  options(name: string, aliases?: string[]): pulumi.CustomResourceOptions;
  /** What an object waits for: the preflight, and the named objects of a kind registered earlier. */
  after(kind?: string, names?: readonly string[]): pulumi.Resource[];
}

/** The declared properties of an object type, without an index signature (`.loose()`). */
type Declared<O> = { [P in keyof O as string extends P ? never : P]: O[P] };
/** The keys a user must write: required and without a default. */
type Mandatory<I> = { [P in keyof I]-?: undefined extends I[P] ? never : P }[keyof I];

/**
 * An entry as users write it, after parsing: the provider's fields, those with a default (but the
 * `K` listed ones) optional.
 */
export type Written<T extends z.ZodObject, K extends keyof Declared<z.output<T>> = never> = Partial<
  Declared<z.output<T>>
> &
  Required<
    Pick<Declared<z.output<T>>, (Mandatory<Declared<z.input<T>>> & keyof Declared<z.output<T>>) | K>
  >;

/**
 * A stack-file entry derived from a provider schema: the same fields, names and rules, with the
 * provider's defaults left out so the program passes on only what the user wrote (the provider
 * fills the defaults at check). The top-level `listed` collections default to empty lists.
 */
export function asWritten<
  T extends z.ZodObject,
  K extends keyof Declared<z.output<T>> & string = never,
>(schema: T, listed: readonly K[] = []): z.ZodType<Written<T, K>> {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([key, field]) => {
      const written = withoutDefaults(field as z.ZodType);
      return [key, (listed as readonly string[]).includes(key) ? written.default([]) : written];
    }),
  );
  return schema.clone({ ...schema._zod.def, shape } as never) as never;
}

function withoutDefaults(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional) {
    return withoutDefaults(schema.unwrap() as z.ZodType).optional();
  }
  if (schema instanceof z.ZodArray) {
    const element = withoutDefaults(schema.element as z.ZodType);
    return schema.clone({ ...schema._zod.def, element } as never);
  }
  if (schema instanceof z.ZodObject) return asWritten(schema) as z.ZodType;
  return schema;
}
