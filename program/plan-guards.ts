import * as pulumi from "@pulumi/pulumi";
import type { ProviderKind } from "../providers/object-kinds";
import type { StackConfig } from "./config";
import { DYNAMIC_TYPE_PREFIX, SETUP_TYPE, type DeclaredObject } from "./declared-objects";
import { ownerFindings, scopeOf, siblingStacks } from "./owner-guard";
import { weakeningWarnings } from "./weakening";
import { describeKey, readPreviousDeployment, type PreviousObject } from "./previous-deployment";
import { isProduction } from "../providers/lib/environments";

/**
 * Guards on the plan, run by the program before it registers anything, so a refused plan makes no
 * remote write: the program compares what it declares with the previous deployment (read with
 * `pulumi stack export`, docs/decisions.md "The program reads its previous deployment").
 *
 * - Everywhere: a plan never deletes an object whose remote object a declared object takes over.
 * - In production: deletes, replaces, emptied member lists and dropped protection need an entry in
 *   `altinn-iac:acceptChanges`.
 */

export interface PlanFindings {
  errors: string[];
  warnings: string[];
}

/** The plan's problems: what the previous deployment holds against what the config declares. */
export function planFindings(
  config: StackConfig,
  declared: DeclaredObject[],
  previous: PreviousObject[],
): PlanFindings {
  const errors: string[] = [];
  const warnings: string[] = [];
  const production = isProduction(config.environment);
  const accepted = (object: string, change: string) =>
    config.acceptChanges.some((a) => a.object === object && a.change === change);
  const used = new Set<string>();
  const accept = (object: string, change: string) => {
    const ok = accepted(object, change);
    if (ok) used.add(`${object}\n${change}`);
    return ok;
  };
  const acceptHint = (object: string, change: string) =>
    `or, if that is intended, accept it in the stack file: altinn-iac:acceptChanges: [{ object: ${object}, change: ${change}, reason: "..." }]`;

  const chain = (kind: string) => `${SETUP_TYPE}$${DYNAMIC_TYPE_PREFIX}${kind}`;
  const declaredAs = (old: PreviousObject) =>
    old.typeChain === chain(old.kind)
      ? declared.find(
          (d) => d.kind === old.kind && (d.name === old.name || d.aliases.includes(old.name)),
        )
      : undefined;
  const stackProtects = config.protect ?? production;

  for (const old of previous) {
    const now = declaredAs(old);
    if (!now) {
      const takers = declared.filter((d) => d.keys.some((k) => old.keys.includes(k)));
      for (const taker of takers) {
        const aliasTo = taker.aliasOf(old.name);
        const alias = aliasTo
          ? `add aliases: ["${aliasTo}"] to ${taker.declaredAt.replace(/\.key$/, "")} (a rename), or run pulumi state rename '${old.urn}' ${taker.name}`
          : `run pulumi state rename '${old.urn}' ${taker.name}`;
        errors.push(
          `${taker.declaredAt}: ${taker.name} takes over ${describeKey(old.keys[0]!)}, which this stack manages as ${old.name}, and the plan deletes ${old.name} (that would delete the object ${taker.name} holds): ${alias}`,
        );
      }
      if (takers.length > 0 || !production || !isRemote(old.kind)) continue;
      if (!accept(old.name, "delete")) {
        const renamed = renameCandidate(old, declared);
        errors.push(
          `${old.name}: the plan deletes this ${old.kind} from the production stack (${describeKey(old.keys[0])})${renamed ? `; if ${renamed.declaredAt} (${renamed.name}) is the same object renamed, add aliases: ["${renamed.aliasOf(old.name) ?? old.name}"] to it` : ""}: declare it again, ${acceptHint(old.name, "delete")}`,
        );
      } else if (old.protect) {
        errors.push(
          `${old.name}: the stack accepts its delete, but its state is protected, so the engine would refuse the delete after the rest of the update ran: first run pulumi state unprotect '${old.urn}'`,
        );
      }
      continue;
    }
    if (!production) continue;
    const protectNow = stackProtects && !accepted(now.name, "replace");
    if (old.protect && !stackProtects && !accept(now.name, "unprotect")) {
      errors.push(
        `${now.declaredAt}: ${now.name} is protected and altinn-iac:protect: false drops its protection, which no preview shows as a change: keep altinn-iac:protect, ${acceptHint(now.name, "unprotect")}`,
      );
    } else if (old.protect && !protectNow) {
      warnings.push(`${now.name}: this up drops its protection (altinn-iac:acceptChanges)`);
    }
    const replaced = replacedFields(now, old);
    if (replaced.length > 0 && !accept(now.name, "replace")) {
      errors.push(
        `${now.declaredAt}: the change of ${replaced.join(", ")} replaces ${now.name} in production (a new remote object; the old one is deleted): undo the change, ${acceptHint(now.name, "replace")}`,
      );
    }
    const oldMembers = Array.isArray(old.inputs.members) ? old.inputs.members : [];
    if (
      now.members !== undefined &&
      now.members.length === 0 &&
      oldMembers.length > 0 &&
      !accept(now.name, "empty-members")
    ) {
      errors.push(
        `${now.declaredAt}.members: the list is empty, so up removes all ${oldMembers.length} members of ${now.name} in production (every recipient loses access): list the members, ${acceptHint(now.name, "empty-members")}`,
      );
    }
  }
  for (const entry of config.acceptChanges) {
    if (!used.has(`${entry.object}\n${entry.change}`) && !(entry.change === "replace")) {
      warnings.push(
        `altinn-iac:acceptChanges: this plan makes no ${entry.change} of ${entry.object}: remove the entry, so it cannot accept a later change by mistake`,
      );
    }
  }
  return { errors, warnings };
}

function isRemote(kind: ProviderKind): boolean {
  return kind !== "ServiceOwnerPreflight" && kind !== "CorrespondenceVerification";
}

/** The replace-forcing inputs the stack file changes (the provider's diff decides the rest). */
function replacedFields(now: DeclaredObject, old: PreviousObject): string[] {
  const oldValue = (field: string): unknown =>
    field === "organization"
      ? (old.inputs.hasCompetentAuthority as { organization?: unknown } | undefined)?.organization
      : old.inputs[field];
  return Object.entries(now.replaceOn).flatMap(([field, value]) => {
    const before = oldValue(field);
    if (now.kind === "EventSubscription") return (before ?? "") === (value ?? "") ? [] : [field];
    return value === undefined || before === undefined || before === value ? [] : [field];
  });
}

/** A declared object of the same kind that looks like `old` renamed (same name and description). */
function renameCandidate(
  old: PreviousObject,
  declared: DeclaredObject[],
): DeclaredObject | undefined {
  return declared.find(
    (d) =>
      d.kind === old.kind &&
      d.aliasOf(old.name) !== undefined &&
      (d.keys.some((k) => old.keys.includes(k)) || d.kind === "MaskinportenClient"),
  );
}

/**
 * Runs the guards for the running stack: throws a RunError listing every refused change (before
 * anything is registered, so nothing is written), and prints the warnings. Returns the remote
 * objects of the previous deployment (undefined when it could not be read).
 */
export function guardPlan(
  config: StackConfig,
  declared: DeclaredObject[],
): ReadonlySet<string> | undefined {
  const previous = readPreviousDeployment();
  if ("problem" in previous) {
    const message = `the previous deployment could not be read with pulumi stack export (${previous.problem}), so the plan guards did not run: run pulumi from a shell where the pulumi CLI is on PATH`;
    if (isProduction(config.environment)) throw new pulumi.RunError(`altinn-iac: ${message}`);
    void pulumi.log.warn(message);
    return undefined;
  }
  const { errors, warnings } = planFindings(config, declared, previous.objects);
  errors.push(...ownerFindings(config, declared, otherOwners()));
  warnings.push(...weakeningWarnings(config, previous.objects));
  for (const warning of warnings) void pulumi.log.warn(warning);
  if (errors.length > 0) {
    throw new pulumi.RunError(
      `altinn-iac: the plan is refused before any change:\n${errors.map((e) => `  ${e}`).join("\n")}`,
    );
  }
  return new Set(previous.objects.flatMap((o) => o.keys));
}

/** The deployments of the other stacks in this backend that share this stack's scope. */
function otherOwners(): { stack: string; objects: PreviousObject[] }[] {
  const own = scopeOf(pulumi.runtime.allConfig());
  if (own === undefined) return [];
  return siblingStacks(process.cwd(), pulumi.getStack(), own).flatMap((stack) => {
    const deployment = readPreviousDeployment(stack);
    // A stack file whose stack is not in this backend manages nothing here.
    return "objects" in deployment ? [{ stack, objects: deployment.objects }] : [];
  });
}
