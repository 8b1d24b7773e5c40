/**
 * Threat: concurrent additions to one collection's references each reading the collection, checking the cap and
 * writing, so that writes are lost (all answered 200, fewer stored) or the cap is passed. Every change is written
 * only while the collection is as read (one store step) and made again on a conflict; on Redis two instances share
 * the store and the additions alternate between them.
 */
import { describe, expect, it } from "vitest";
import { policies } from "../../src/policy/policies.js";
import { type Harness, instancesSharingAStore } from "../simulator/harness.js";

const CAP = policies.maxReferencesPerCollection;

describe("the reference cap under concurrent additions", () => {
  it.each([
    { adds: 12, expectedStored: CAP },
    { adds: CAP, expectedStored: CAP },
    { adds: CAP - 2, expectedStored: CAP - 2 },
  ])(
    "$adds parallel additions: each 200 is stored, the rest 409, never more than the cap",
    async ({ adds, expectedStored }) => {
      const all = await instancesSharingAStore();
      const h = all[0] as Harness;
      const ws = await h.workspace();
      const { collectionId } = await h.collection(ws.key);
      const path = `/v1/collections/${collectionId}/references`;
      const answers = await Promise.all(
        Array.from({ length: adds }, (_, i) =>
          (all[i % all.length] as Harness).call("POST", path, {
            key: ws.key,
            body: { url: `https://example.com/ref-${i}.png` },
          }),
        ),
      );
      const accepted = answers.filter((a) => a.status === 200);
      expect(answers.filter((a) => a.status !== 200).map((a) => a.status)).toEqual(
        Array(adds - expectedStored).fill(409),
      );
      expect(accepted).toHaveLength(expectedStored);
      const stored = (await h.call("GET", `/v1/collections/${collectionId}`, { key: ws.key })).body.data
        .config.reference_asset_ids as string[];
      // No accepted write lost: every asset an accepted answer added is still there.
      const added = new Set(accepted.flatMap((a) => a.body.data.config.reference_asset_ids as string[]));
      expect(stored).toHaveLength(expectedStored);
      expect(new Set(stored)).toEqual(added);
    },
  );
});
