import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { isNew, lifecycle, readResult } from "../../providers/lib/lifecycle";
import { asWritten, type ObjectKind } from "../../providers/lib/object-kind";
import type { ProviderImplementation } from "../../providers/lib/provider";
import { runtimeProvider } from "../../providers/lib/shell";

/**
 * A test-only object kind, to show what a new object type takes: its own files (here one) and one
 * `registerObjectKind(noteKind)` line. A note is kept in the provider process's memory, so the
 * kind needs no API: the test proves the wiring, not an API.
 */
const noteInputsSchema = z
  .object({
    /** The org code of the stack that owns the note. */
    owner: z.string(),
    name: z.string(),
    text: z.string().default(""),
    pinned: z.boolean().default(false),
  })
  .strict();

type NoteInputs = z.output<typeof noteInputsSchema>;

export const noteLifecycle = lifecycle<NoteInputs>({
  schema: noteInputsSchema,
  replaceOn: ["owner", "name"],
  rules: (inputs) =>
    inputs.text.length > 20
      ? [{ property: "text", reason: `a note holds at most 20 characters: shorten it` }]
      : [],
});

/** The notes created, by id: the remote objects of this kind. */
export const notes = new Map<string, NoteInputs>();

const noteImplementation: ProviderImplementation = {
  async check(_ctx, olds, news) {
    const { result, inputs } = noteLifecycle.check(news);
    return inputs && isNew(olds) && notes.has(`${inputs.owner}/${inputs.name}`)
      ? { ...result, inputs: { ...result.inputs, adopting: "existing note" } }
      : result;
  },
  async diff(_ctx, _id, olds, news) {
    return noteLifecycle.diff(olds, news);
  },
  async create(_ctx, props) {
    const inputs = noteLifecycle.managedInputs(props);
    const id = `${inputs.owner}/${inputs.name}`;
    notes.set(id, inputs);
    return { id, outs: { ...inputs } };
  },
  async read(_ctx, id) {
    const live = notes.get(id);
    return live ? readResult(id, live, { ...live }) : {};
  },
  async update(_ctx, id, _olds, news) {
    const inputs = noteLifecycle.managedInputs(news);
    notes.set(id, inputs);
    return { outs: { ...inputs } };
  },
  async delete(_ctx, id) {
    notes.delete(id);
  },
};

class Note extends pulumi.dynamic.Resource {
  constructor(name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) {
    super(runtimeProvider("TestNote"), name, { ...args }, opts, "altinn", "TestNote");
  }
}

const noteEntry = asWritten(noteInputsSchema.omit({ owner: true }));

export const noteKind: ObjectKind = {
  kind: "TestNote",
  implementation: noteImplementation,
  lifecycle: noteLifecycle,
  stack: {
    key: "testNotes",
    entry: noteEntry,
    name: (entry: z.output<typeof noteEntry>) => entry.name,
    inputs: (entry, org) => ({ owner: org.code, ...entry }),
    register: (entry, wiring) =>
      new Note(
        entry.name,
        { owner: wiring.org.code, ...entry },
        { ...wiring.options(entry.name), dependsOn: wiring.after() },
      ),
  },
};
