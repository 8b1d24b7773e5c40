/** Waiting work kept by key (a client address) and taken one key after another, so no key crowds out the rest. */
export class RoundRobin<T> {
  /** Queues by key; a Map keeps the round's order. */
  private readonly queues = new Map<string, T[]>();

  /** Queues `item` behind the others of `key`. */
  push(key: string, item: T): void {
    const queue = this.queues.get(key) ?? [];
    queue.push(item);
    this.queues.set(key, queue);
  }

  /** The next item: the oldest of the key whose turn it is (that key then goes to the back of the round). */
  take(): T | undefined {
    for (const [key, queue] of this.queues) {
      const next = queue.shift();
      this.queues.delete(key);
      if (queue.length > 0) this.queues.set(key, queue);
      if (next !== undefined) return next;
    }
    return undefined;
  }

  /** How many items of `key` wait. */
  waiting(key: string): number {
    return this.queues.get(key)?.length ?? 0;
  }

  /** Whether anything waits. */
  get empty(): boolean {
    return this.queues.size === 0;
  }
}
