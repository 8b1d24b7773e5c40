/** The shape of the documented bodies in pages/*.json (README.md describes each field). */
export type Json = Record<string, unknown>;
export interface Example {
  /** `only`, or which version of a page that has several (`older`, `middle`, `newer`). */
  version: string;
  what: string;
  request?: {
    method: string;
    path: string;
    body?: unknown;
    headers?: Record<string, string>;
    multipart?: Record<string, string>;
  };
  expect?: number[];
  fixtures?: Record<string, string>;
  response?: {
    operation: string;
    status: number;
    envelope: string;
    body: unknown;
    /** The simulator's answer to this request must carry every field the documented body shows. */
    sentBy?: {
      request: { method: string; path: string; body?: unknown };
      fixtures?: Record<string, string>;
      /** Behaviour settings the simulator needs to answer so (a register switch). */
      behaviour?: Record<string, string>;
      /** The workspace's balance (default 10,000). */
      credits?: number;
    };
  };
  /** Values the docs list for a schema of the spec (an enum): each must be accepted. */
  enum?: { schema: string; values: string[] };
  /** A documented side effect, checked by the function of that name in effects.ts. */
  effect?: { name: string; quote: string };
  webhook?: { name: string; body: unknown };
  placeholders?: string[];
}
export interface Page {
  page: string;
  examples: Example[];
}
