/**
 * A value now or later. The embedded store, the rules and most stages answer at once; a networked store, hashing
 * in a browser, a request body or an injected latency answer later. The hot path awaits only what is pending: each
 * `await` that runs costs a request a few hundred bytes of promise machinery for the collector (docs/simulator.md,
 * "Performance").
 */
export type Eventually<T> = T | Promise<T>;

/** `next(value)`: at once when `value` is there, once it resolves when it is a promise. */
export function andThen<T, U>(value: Eventually<T>, next: (value: T) => U): U | Promise<Awaited<U>> {
  return value instanceof Promise ? (value.then(next) as Promise<Awaited<U>>) : next(value);
}
