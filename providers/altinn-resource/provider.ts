import * as registry from "../api/resource-registry";
import { checkWithSchema, jsonEqual, userInputs, type CheckFailure } from "../lib/check";
import { oncePerContext, type ProviderContext } from "../lib/context";
import { environmentProperties } from "../lib/environments";
import { resourceUrn } from "../lib/identifiers";
import { isNew, lifecycle, previewedAdopting, readResult } from "../lib/lifecycle";
import type { ProviderImplementation } from "../lib/provider";
import {
  fromServiceResourceDto,
  holdsDeclared,
  isReplacementOf,
  toServiceResourceDto,
  withLiveAccessListMode,
} from "./mapping";
import { validateResource } from "./rules";
import {
  ALTINN_RESOURCE_REPLACE_ON,
  altinnResourceInputsSchema,
  DEFAULT_AVAILABLE_FOR_TYPE,
  DOCUMENT_FIELDS,
  type AltinnResourceInputs,
  type AltinnResourceOutputs,
} from "./schema";

function warnKept(ctx: ProviderContext, id: string, invalid: CheckFailure[]): void {
  for (const failure of invalid) {
    ctx.warn(
      `resource ${id} is kept as the registry holds it, but a write would be refused: ${failure.property}: ${failure.reason}`,
    );
  }
}

/** How the preview names a resource it takes over: its id and the live version. */
function adoptionLabel(live: registry.ServiceResourceDto): string {
  const version = live.versionId !== undefined ? ` (version ${String(live.versionId)})` : "";
  return `existing resource ${live.identifier}${version}`;
}

function takeoverRefusal(id: string, live: registry.ServiceResourceDto): string {
  return `resource ${id} already exists${live.versionId !== undefined ? ` (version ${String(live.versionId)})` : ""} with other content than declared, and this stack does not manage it: set adopt: true to take it over (its document is then replaced by the declared one), or choose another identifier`;
}

function outputsOf(ctx: ProviderContext, inputs: AltinnResourceInputs): AltinnResourceOutputs {
  return {
    ...inputs,
    resourceUrn: resourceUrn(inputs.identifier),
    resourceUrl: registry.resourceUrl(ctx, inputs.identifier),
  };
}

export const altinnResourceLifecycle = lifecycle<AltinnResourceInputs>({
  schema: altinnResourceInputsSchema,
  replaceOn: ALTINN_RESOURCE_REPLACE_ON,
  createOnly: ["adopt"],
  rules: validateResource,
});

const { managedInputs } = altinnResourceLifecycle;

/**
 * Every resource of the registry as check first saw them in this run: N new resources are looked
 * up in one list instead of N reads, and only one that is listed is read in full.
 */
const resourcesBefore = oncePerContext(registry.listResources);

export const altinnResourceImplementation: ProviderImplementation = {
  async check(ctx, olds, news) {
    const result = checkWithSchema(altinnResourceInputsSchema, news);
    if (result.failures.length > 0 || result.inputs === news) return result;
    const recorded = !isNew(olds);
    const declaresAvailableForType = userInputs(news).availableForType !== undefined;
    if (!declaresAvailableForType) {
      // Undeclared, it stays as the stack recorded it; a new resource gets Studio's default,
      // dropped below when it adopts a live one that has none (so adopting writes nothing for it).
      const kept = recorded ? userInputs(olds).availableForType : DEFAULT_AVAILABLE_FOR_TYPE;
      if (kept !== undefined) result.inputs = { ...result.inputs, availableForType: kept };
    }
    const declared = managedInputs(result.inputs);
    // What the registry already holds and up does not write is not refused, only warned about:
    // real resources break rules the registry applies to new ones (ResourceController
    // ServiceResourceHelper.ValidateResource checks the identifier only when it is new).
    let invalid = validateResource(declared);
    const keptAsIs = (live: Record<string, unknown>) =>
      DOCUMENT_FIELDS.every((f) => jsonEqual(live[f], declared[f]));
    if (invalid.length > 0 && recorded && keptAsIs(managedInputs(olds))) {
      warnKept(ctx, declared.identifier, invalid);
      invalid = [];
    }
    const failures = [...invalid];
    const raw = userInputs(news);
    let inputs = result.inputs;
    if (raw.accessListModeManagedSeparately === true) {
      if (raw.accessListMode !== undefined) {
        failures.push({
          property: "accessListMode",
          reason:
            "accessListMode is set by a ResourceAccessListMode resource when accessListModeManagedSeparately is true: remove it here",
        });
      }
      // The schema's default mode is not this resource's to send.
      const { accessListMode: _mode, ...rest } = inputs;
      inputs = rest;
    }
    const onlyInvalid = failures.length > 0 && failures.length === invalid.length;
    if ((failures.length > 0 && !(onlyInvalid && declared.adopt === true)) || recorded) {
      return { inputs, failures };
    }
    // A new resource: say now, before any write, whether it exists and what create will do.
    let sent = managedInputs(inputs);
    const listed = (await resourcesBefore(ctx)).some((r) => r.identifier === sent.identifier);
    const live = listed ? await registry.getResource(ctx, sent.identifier) : undefined;
    if (!live) return { inputs, failures };
    if (
      !declaresAvailableForType &&
      !(Array.isArray(live.availableForType) && live.availableForType.length > 0)
    ) {
      const { availableForType: _default, ...rest } = inputs;
      inputs = rest;
      sent = managedInputs(inputs);
    }
    if (holdsDeclared(live, sent)) {
      if (onlyInvalid) warnKept(ctx, sent.identifier, invalid);
      return {
        inputs: { ...inputs, adopting: `${adoptionLabel(live)}, already as declared: no write` },
        failures: [],
      };
    }
    if (onlyInvalid) return { inputs, failures };
    // The engine checks a replacement again without its old inputs: the live resource then is this
    // stack's own, differing only in what forces the replacement (type or owner).
    if (isReplacementOf(live, sent)) return { inputs, failures };
    if (sent.adopt !== true) {
      return {
        inputs,
        failures: [{ property: "adopt", reason: takeoverRefusal(sent.identifier, live) }],
      };
    }
    ctx.warn(
      `adopting ${adoptionLabel(live)}: up replaces its document with the declared one (a new resource version)`,
    );
    return { inputs: { ...inputs, adopting: adoptionLabel(live) }, failures };
  },

  async diff(_ctx, _id, olds, news) {
    const result = altinnResourceLifecycle.diff(olds, news);
    // Same identifier, new type or owner: the registry holds one resource per identifier, so the
    // old one must go before the new one is made.
    const sameIdentifier = managedInputs(olds).identifier === managedInputs(news).identifier;
    return {
      ...result,
      ...((result.replaces ?? []).length > 0 && sameIdentifier
        ? { deleteBeforeReplace: true }
        : {}),
    };
  },

  async create(ctx, props) {
    const inputs = managedInputs(props);
    const dto = toServiceResourceDto(inputs);
    // Adopting reads first: check found the resource (it said "adopting"), and a refused POST
    // would be a write.
    const knownToExist = inputs.adopt === true || previewedAdopting(props);
    // Otherwise POST first: a new resource, the usual case, costs one call. A taken identifier
    // (409) is read: it is what a lost answer to our own create left when it holds the declared
    // document, and is taken over only with adopt: true otherwise.
    const posted = knownToExist ? undefined : await registry.createResource(ctx, dto);
    const existing =
      posted === "created" ? undefined : await registry.getResource(ctx, inputs.identifier);
    if (posted === "created") {
      registry.recordCreated(ctx, inputs.identifier);
    } else if (!existing) {
      await registry.createResource(ctx, dto);
      registry.recordCreated(ctx, inputs.identifier);
    } else if (!holdsDeclared(existing, inputs)) {
      // A replacement in production, where the old one could not be deleted, is the stack's own.
      if (inputs.adopt !== true && !isReplacementOf(existing, inputs)) {
        throw new Error(takeoverRefusal(inputs.identifier, existing));
      }
      await registry.updateResource(ctx, withLiveAccessListMode(inputs, dto, existing));
    }
    return { id: inputs.identifier, outs: outputsOf(ctx, inputs) };
  },

  async read(ctx, id, props) {
    const managed = managedInputs(props);
    const live = await registry.readResource(ctx, id, {
      withAuthorizationReference: managed.authorizationReference !== undefined,
    });
    if (!live) return {};
    const inputs = fromServiceResourceDto(live, managed);
    return readResult(id, inputs, { ...outputsOf(ctx, inputs) });
  },

  async update(ctx, _id, _olds, news) {
    const inputs = managedInputs(news);
    const dto = toServiceResourceDto(inputs);
    // A PUT replaces the whole document: a mode managed elsewhere is sent back as it is live.
    const live = inputs.accessListModeManagedSeparately
      ? await registry.getResource(ctx, inputs.identifier)
      : undefined;
    await registry.updateResource(ctx, live ? withLiveAccessListMode(inputs, dto, live) : dto);
    return { outs: outputsOf(ctx, inputs) };
  },

  async delete(ctx, id) {
    if (!environmentProperties(ctx.settings.environment).resourceDeletion) {
      ctx.warn(
        `resource ${id} is retained: the Resource Registry does not allow deleting resources in production. ` +
          `It is no longer managed by this stack; set status "Withdrawn" and visible false before removing it from the program to retire it.`,
      );
      return;
    }
    const outcome = await registry.deleteResource(ctx, id);
    if (outcome === "forbidden-in-environment") {
      ctx.warn(
        `resource ${id} is retained: the Resource Registry refused the delete in this environment (it forbids deletes in production)`,
      );
    }
  },
};
