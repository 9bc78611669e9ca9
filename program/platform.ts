import * as pulumi from "@pulumi/pulumi";
import { CONFIG_KEYS, settingsFromConfig } from "../providers/lib/settings";

/**
 * The Altinn platform origin the providers call, from the stack's plain settings (environment,
 * simulatorUrl, endpoints), or undefined when they do not resolve (the providers then say why).
 */
export function platformOrigin(): string | undefined {
  const config = new pulumi.Config("altinn-iac");
  const plain: string[] = [
    CONFIG_KEYS.environment,
    CONFIG_KEYS.simulatorUrl,
    CONFIG_KEYS.endpoints,
  ];
  try {
    return settingsFromConfig((key) => (plain.includes(key) ? config.get(key) : undefined), {})
      .endpoints.platform;
  } catch {
    return undefined;
  }
}
