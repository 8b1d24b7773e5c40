/** Side effects the docs pages describe, each a check on a fresh simulator (named from pages/*.json). */
import { expect } from "vitest";
import type { Harness } from "../simulator/harness.js";

const image = { type: "image", name: "Wave", image_prompt: "waving hello" };

/** A workspace, a collection with one uploaded reference, and helpers on it. */
async function collectionWithReference(h: Harness) {
  const ws = await h.workspace("personal", 50);
  const call = (method: string, path: string, body?: unknown) => h.call(method, path, { key: ws.key, body });
  const reference = (await call("POST", "/v1/upload", { url: "https://example.com/fox.png" })).body.data
    .asset_id;
  const project = (await call("POST", "/v1/projects", { name: "Docs" })).body.data.id;
  const collection = (
    await call("POST", "/v1/collections", {
      project_id: project,
      name: "Fox",
      reference_asset_ids: [reference],
    })
  ).body.data.id as string;
  const styleCard = async () =>
    (await call("GET", `/v1/collections/${collection}`)).body.data.config.style_card as string | null;
  return { call, collection, reference, styleCard };
}

export const EFFECTS: Record<string, (h: Harness) => Promise<void>> = {
  /** Credits page, "What's Free": style card extraction, automatic on first generation. */
  async "style-card-on-first-generation"(h) {
    const { call, collection, styleCard } = await collectionWithReference(h);
    expect(await styleCard()).toBeNull();
    expect((await call("POST", `/v1/collections/${collection}/generate`, image)).status).toBe(202);
    const card = await styleCard();
    expect(typeof card).toBe("string");
    expect((card ?? "").length).toBeGreaterThan(0);
    await call("POST", `/v1/collections/${collection}/generate`, { ...image, name: "Again" });
    expect(await styleCard()).toBe(card);
  },
  /** References page: removing a reference clears the cached style card; the next generation extracts it again. */
  async "style-card-cleared-by-reference-removal"(h) {
    const { call, collection, reference, styleCard } = await collectionWithReference(h);
    await call("POST", `/v1/collections/${collection}/generate`, image);
    expect(await styleCard()).not.toBeNull();
    expect((await call("DELETE", `/v1/collections/${collection}/references/${reference}`)).status).toBe(200);
    expect(await styleCard()).toBeNull();
    await call("POST", `/v1/collections/${collection}/generate`, { ...image, name: "Again" });
    expect(await styleCard()).not.toBeNull();
  },
};
