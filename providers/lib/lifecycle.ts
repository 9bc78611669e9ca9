import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { checkWithSchema, jsonEqual, userInputs, type CheckFailure } from "./check";
import type { ProviderContext } from "./context";

/**
 * The provider skeleton: what every object kind does the same way with its inputs, so a resource
 * file holds only its schema, its mapping to the API and its rules (docs/architecture.md).
 */

type Props = Record<string, unknown>;
type Field<I> = keyof I & string;

export interface LifecycleOptions<I extends Props> {
  /** The object's zod schema: its keys are the managed fields. */
  schema: z.ZodObject;
  /** Fields whose change replaces the object. */
  replaceOn: ReadonlyArray<Field<I>>;
  /** Fields that matter only when the object is created (`adopt`): diff does not compare them. */
  createOnly?: ReadonlyArray<Field<I>>;
  /** The managed fields as the remote object keeps them (sorted sets, canonical ids). */
  normalize?: (inputs: I) => I;
  /** Rules beyond the schema, each failure naming the property, the bad value and the fix. */
  rules?: (inputs: I) => CheckFailure[];
}

export interface Checked<I> {
  /** What check returns to the engine when `inputs` is undefined. */
  result: pulumi.dynamic.CheckResult;
  /** The parsed, valid and known inputs, normalised; undefined when invalid or still unknown. */
  inputs?: I;
}

export interface Lifecycle<I extends Props> {
  readonly schema: z.ZodObject;
  /** The rules beyond the schema (none: every valid input passes). */
  rules(inputs: I): CheckFailure[];
  /** Every field of the schema. */
  readonly fields: ReadonlyArray<Field<I>>;
  /** The fields diff compares. */
  readonly compared: ReadonlyArray<Field<I>>;
  readonly replaceOn: ReadonlyArray<Field<I>>;
  /** The object's own inputs out of the engine's props (inputs or outputs), normalised. */
  managedInputs(props: Props): I;
  /** The compared fields whose value differs. */
  changedFields(before: I, after: I): Array<Field<I>>;
  /** Changes and replacements between two sets of props. */
  diff(olds: Props, news: Props): pulumi.dynamic.DiffResult;
  /** The schema, then the rules; the checked inputs keep the engine's keys. */
  check(news: Props): Checked<I>;
}

export function lifecycle<I extends Props>(options: LifecycleOptions<I>): Lifecycle<I> {
  const fields = Object.keys(options.schema.shape) as Array<Field<I>>;
  const createOnly = new Set<string>(options.createOnly ?? []);
  const compared = fields.filter((f) => !createOnly.has(f));
  const replaceOn = new Set<string>(options.replaceOn);
  const normalize = options.normalize ?? ((inputs: I) => inputs);
  const managedInputs = (props: Props): I => {
    const raw = userInputs(props);
    return normalize(
      Object.fromEntries(fields.filter((f) => raw[f] !== undefined).map((f) => [f, raw[f]])) as I,
    );
  };
  const changedFields = (before: I, after: I) =>
    compared.filter((f) => !jsonEqual(before[f], after[f]));
  const rules = options.rules ?? (() => []);
  return {
    schema: options.schema,
    rules,
    fields,
    compared,
    replaceOn: options.replaceOn,
    managedInputs,
    changedFields,
    diff(olds, news) {
      const changed = changedFields(managedInputs(olds), managedInputs(news));
      return { changes: changed.length > 0, replaces: changed.filter((f) => replaceOn.has(f)) };
    },
    check(news) {
      const result = checkWithSchema(options.schema, news);
      if (result.failures.length > 0 || result.inputs === news) return { result };
      // The rules name each value where the user wrote it, before normalisation reorders them.
      const failures = rules(userInputs(result.inputs) as I);
      if (failures.length > 0) return { result: { inputs: result.inputs, failures } };
      const inputs = managedInputs(result.inputs);
      return { result: { inputs: { ...result.inputs, ...inputs }, failures: [] }, inputs };
    },
  };
}

/** Whether the engine checks a new object (no recorded inputs): the moment to preview adoption. */
export function isNew(olds: Props): boolean {
  return Object.keys(userInputs(olds)).length === 0;
}

/**
 * What create does with a remote object that exists although the stack is creating it; check
 * previews the same decision. `as-declared`: it holds the declared content, take it over with no
 * write. `adopt`: the stack asked to take it over (its content is replaced). `own`: what this
 * provider's own interrupted create or replacement left, finished without a word. `refuse`:
 * someone else's.
 */
export type ExistingObject = "as-declared" | "adopt" | "own" | "refuse";

/** A new object's preview: nothing to say, `adopting` (shown by the engine), or a failure. */
export type AdoptionPreview = { adopting: string } | { failure: CheckFailure } | undefined;

export interface AdoptionWords {
  /** How the preview names the live object, with what it holds. */
  label: string;
  /** What up does to an adopted object, after "adopting <label>: ". */
  replaces: string;
  /** Why create refuses, and the fix (failed on `adopt`). */
  refusal: string;
  /** Whether an `own` object is shown as adopted (a finished create) or not at all. */
  ownShown?: boolean;
}

/** The preview of a decision: the same words for every object kind. */
export function adoptionPreview(
  ctx: ProviderContext,
  decision: ExistingObject,
  words: AdoptionWords,
): AdoptionPreview {
  if (decision === "as-declared") {
    return { adopting: `${words.label}, already as declared: no write` };
  }
  if (decision === "adopt") {
    ctx.warn(`adopting ${words.label}: up ${words.replaces}`);
    return { adopting: words.label };
  }
  if (decision === "own") return words.ownShown === false ? undefined : { adopting: words.label };
  return { failure: { property: "adopt", reason: words.refusal } };
}

/** The checked inputs with the preview's `adopting`, or its failure. */
export function withAdoption(
  checked: pulumi.dynamic.CheckResult,
  preview: AdoptionPreview,
): pulumi.dynamic.CheckResult {
  if (!preview) return checked;
  if ("failure" in preview) {
    return { inputs: checked.inputs, failures: [...(checked.failures ?? []), preview.failure] };
  }
  return { ...checked, inputs: { ...checked.inputs, adopting: preview.adopting } };
}

/** Whether check found the object already there (it said `adopting`): create reads first. */
export function previewedAdopting(props: Props): boolean {
  return userInputs(props).adopting !== undefined;
}

/** `read`'s answer: the live object as outputs, and projected on the inputs so refresh shows drift. */
export function readResult<I extends Props>(
  id: string,
  inputs: I,
  outputs: Props,
): pulumi.dynamic.ReadResult {
  return { id, props: outputs, inputs: { ...inputs } };
}
