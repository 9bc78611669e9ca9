import * as sdkLog from "@pulumi/pulumi/log";
import { redact } from "../providers/lib/redact";

/**
 * Pulumi's Node SDK logs every RegisterResource answer at debug level ("RegisterResource RPC
 * finished: ... resp: ..."), and that answer holds the resource's outputs in plaintext, secret
 * ones included: with `pulumi up -v=9 --logflow` (or --debug) a generated client's private key
 * would land in the engine log. The SDK looks `debug` up on its log module at each call, so
 * wrapping it here redacts keys and tokens (providers/lib/redact.ts) from every debug message
 * the program sends. Imported first by index.ts, before any resource is registered.
 */
type DebugLog = typeof sdkLog.debug;

const mutableLog = sdkLog as { debug: DebugLog };
const sdkDebug = mutableLog.debug;
if (!(sdkDebug as { redacting?: boolean }).redacting) {
  const redactingDebug: DebugLog = (message, ...rest) => sdkDebug(redact(message), ...rest);
  (redactingDebug as { redacting?: boolean }).redacting = true;
  mutableLog.debug = redactingDebug;
}
