import type * as pulumi from "@pulumi/pulumi";
import { CreatedInThisProcess, type ProviderContext } from "./context";

type Dyn = pulumi.dynamic.ResourceProvider;
type Props = Record<string, unknown>;

/**
 * A provider implementation: the dynamic provider's methods with the context as first argument.
 * Implementations are loaded from disk by the provider process (see shell.ts), so they may import
 * any module; they are called directly in tests.
 */
export interface ProviderImplementation {
  check(ctx: ProviderContext, olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult>;
  diff(
    ctx: ProviderContext,
    id: string,
    olds: Props,
    news: Props,
  ): Promise<pulumi.dynamic.DiffResult>;
  create(ctx: ProviderContext, inputs: Props): Promise<pulumi.dynamic.CreateResult>;
  read(ctx: ProviderContext, id: string, props: Props): Promise<pulumi.dynamic.ReadResult>;
  update(
    ctx: ProviderContext,
    id: string,
    olds: Props,
    news: Props,
  ): Promise<pulumi.dynamic.UpdateResult>;
  delete(ctx: ProviderContext, id: string, props: Props): Promise<void>;
}

/**
 * The remote objects (kind and id) a create of this run made or took over. A delete of one of
 * them in the same run is an old record of an object another declared object now holds (a rename
 * without an alias, an adoption): the safety net under the plan guards (program/plan-guards.ts).
 */
const heldThisRun = new CreatedInThisProcess();

/** Binds an implementation to a context, giving the dynamic provider's own method shapes. */
export function bindProvider(
  impl: ProviderImplementation,
  context: () => ProviderContext,
  kind = "",
): Dyn {
  const held = (id: string) => `${kind}\n${id}`;
  return {
    check: (olds, news) => impl.check(context(), olds as Props, news as Props),
    diff: (id, olds, news) => impl.diff(context(), id, olds as Props, news as Props),
    create: async (inputs) => {
      try {
        const result = await impl.create(context(), inputs as Props);
        heldThisRun.add(context(), held(result.id));
        return result;
      } catch (error) {
        if (error instanceof PartialCreateError) heldThisRun.add(context(), held(error.id));
        // The engine stores a partial create's properties as the resource's state, and the
        // dynamic provider host finds the provider for a later read or delete under __provider
        // there: without it `pulumi destroy` after a failed up could not delete the object.
        if (error instanceof PartialCreateError && !("__provider" in error.properties)) {
          error.properties.__provider = (inputs as Props).__provider;
        }
        throw error;
      }
    },
    read: (id, props) => impl.read(context(), id, (props ?? {}) as Props),
    update: (id, olds, news) => impl.update(context(), id, olds as Props, news as Props),
    delete: async (id, props) => {
      const ctx = context();
      if (heldThisRun.has(ctx, held(id))) {
        ctx.warn(
          `${kind} ${id} is not deleted: this up created or took it over under another name, which now holds it`,
        );
        return;
      }
      await impl.delete(ctx, id, props as Props);
    },
  };
}

/**
 * A failed step after the remote object exists: the engine records `id` and `properties` (as a
 * resource whose initialization failed), so the next `pulumi up` completes it instead of creating
 * a duplicate. The shape is what the Node dynamic provider host looks for.
 */
export class PartialCreateError extends Error {
  readonly id: string;
  readonly properties: Props;
  readonly reasons: string[];

  constructor(id: string, properties: Props, cause: unknown) {
    const message = cause instanceof Error ? cause.message : String(cause);
    super(message);
    this.name = "PartialCreateError";
    this.id = id;
    this.properties = properties;
    this.reasons = [message];
  }
}
