import type * as pulumi from "@pulumi/pulumi";

/** A resource's args: each resolved input may be given as an Output. */
export type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };
