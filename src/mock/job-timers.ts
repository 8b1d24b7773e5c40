/**
 * Finishes jobs on time even when nobody polls (webhooks must fire on their own): a real-time timer per accepted
 * job settles its workspace when the job is due, and moving the clock forward settles every waiting workspace.
 */

/** Timers for the workspaces that have jobs in flight. */
export class JobTimers {
  private readonly waiting = new Set<string>();

  constructor(private readonly settle: (workspaceId: string) => Promise<void>) {}

  /** Settles `workspaceId` in `delayMs` real milliseconds. */
  schedule(workspaceId: string, delayMs: number): void {
    this.waiting.add(workspaceId);
    const timer = setTimeout(() => {
      this.run(workspaceId);
    }, delayMs);
    (timer as { unref?: () => void }).unref?.();
  }

  /** Settles every workspace with scheduled jobs now (after the clock moved). */
  settleAll(): Promise<void> {
    return Promise.all([...this.waiting].map((workspaceId) => this.run(workspaceId))).then(() => undefined);
  }

  private run(workspaceId: string): Promise<void> {
    return this.settle(workspaceId).catch(() => {
      // A store outage here is retried by the next request or timer.
    });
  }
}
