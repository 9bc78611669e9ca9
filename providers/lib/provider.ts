import type * as pulumi from "@pulumi/pulumi";
import type { ProviderContext } from "./context";

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

/** Binds an implementation to a context, giving the dynamic provider's own method shapes. */
export function bindProvider(impl: ProviderImplementation, context: () => ProviderContext): Dyn {
  return {
    check: (olds, news) => impl.check(context(), olds as Props, news as Props),
    diff: (id, olds, news) => impl.diff(context(), id, olds as Props, news as Props),
    create: async (inputs) => {
      try {
        return await impl.create(context(), inputs as Props);
      } catch (error) {
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
    delete: (id, props) => impl.delete(context(), id, props as Props),
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
