/**
 * The provider process's entry point: the shell that Pulumi serializes (lib/shell.ts) loads this
 * module from disk and asks it for the implementation of one resource kind.
 */
import type * as pulumi from "@pulumi/pulumi";
import { createContext } from "./auth/context";
import type { ProviderContext } from "./lib/context";
import { dynamicProviderEngineAddress, watchEngine, watchLanguageHosts } from "./lib/engine-watch";
import { bindProvider } from "./lib/provider";
import { settingsFromConfig, type ConfigReader } from "./lib/settings";
import { objectKind } from "./object-kinds";

// A killed engine stops nothing: the provider process ends itself (lib/engine-watch.ts).
const engineAddress = dynamicProviderEngineAddress();
if (engineAddress) {
  watchEngine(engineAddress, () => process.exit(1));
  watchLanguageHosts(engineAddress);
}

let context: ProviderContext | undefined;
let contextSettings: string | undefined;

/**
 * Called from the dynamic provider's `configure` with the stack config (secrets decrypted), or
 * with an AltinnConnection's settings when a resource has one as its provider.
 * Pulumi configures each serialized provider, that is each resource kind, on its first use; the
 * same config keeps the context, and with it the token cache, so a run costs one token per scope
 * set rather than one per kind.
 */
export function configure(read: ConfigReader): void {
  const settings = settingsFromConfig(read);
  const key = JSON.stringify(settings);
  if (context && key === contextSettings) return;
  context = createContext(settings);
  contextSettings = key;
}

function currentContext(): ProviderContext {
  // Engines before configure support: the environment variables are all there is.
  context ??= createContext(settingsFromConfig(() => undefined));
  return context;
}

const bound = new Map<string, pulumi.dynamic.ResourceProvider>();

export function provider(kind: string): pulumi.dynamic.ResourceProvider {
  let result = bound.get(kind);
  if (!result) {
    const impl = objectKind(kind)?.implementation;
    if (!impl) throw new Error(`altinn-iac: no provider implementation for "${kind}"`);
    result = bindProvider(impl, currentContext, kind);
    bound.set(kind, result);
  }
  return result;
}

/**
 * What the serialized shell calls: `method` of the provider for `kind`, or `configure` with
 * Pulumi's configure request (its `config` map holds the stack config, secrets decrypted).
 */
export function call(kind: string, method: string, args: unknown[]): unknown {
  if (method === "configure") {
    const [request] = args as [pulumi.dynamic.ConfigureRequest];
    // Named with the namespace: Config.get would read `<consumer's project>:<key>` otherwise.
    return configure((key) => request.config.get(`altinn-iac:${key}`));
  }
  const methods = provider(kind) as unknown as Record<string, (...a: unknown[]) => unknown>;
  const handler = methods[method];
  if (typeof handler !== "function") throw new Error(`altinn-iac: ${kind} has no ${method}`);
  return handler.apply(methods, args);
}
