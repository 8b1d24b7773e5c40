/**
 * V8's young generation for the mock command on the memory store: held at 4 MB semi-spaces (8 MB in all), whatever
 * start-up left it at. A request's garbage dies within its event-loop turn; V8's default would grow the young
 * generation to 16 MB semi-spaces under load, about 20 MB more memory for fewer collections. Left to start-up, its
 * size depended on the seed (1 MB semi-spaces after seeding 100,000 workspaces: four times the collections of a
 * small seed) and shrank while the server idled, so a request's cost depended on what came before it.
 * docs/simulator.md, "Performance", has the figures.
 *
 * V8 reads `--semi-space-growth-factor` each time it would grow the young generation (doubling by default): held
 * at 1 it does not grow. Start-up runs with it at 1 (a long synchronous seeding could grow it past the size in one
 * go); once the server listens, every collection sets it to 2 below the size and back to 1 at it.
 */
import { PerformanceObserver } from "node:perf_hooks";
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";

const SEMI_SPACE_BYTES = 4 * 1024 * 1024;

let factor = 0;
function setGrowthFactor(value: number): void {
  if (value === factor) return;
  factor = value;
  setFlagsFromString(`--semi-space-growth-factor=${value}`);
}

/** The young generation's usable semi-space capacity (bytes): a little under its size, for page headers. */
function semiSpaceBytes(): number {
  const space = getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
  return space ? space.space_used_size + space.space_available_size : SEMI_SPACE_BYTES;
}

/** Keeps the young generation from growing (start-up). */
export function freezeYoungGeneration(): void {
  setGrowthFactor(1);
}

/**
 * From now on, grows the young generation to its size and holds it there (after start-up). While it is below, every
 * collection checks it (it grows by doubling, at most once a collection); at the size nothing watches collections
 * (reading the heap's spaces at each one cost about 2 % of the CPU under load), and a check once a second notices
 * when V8 has shrunk it while the server idled.
 */
export function holdYoungGeneration(): void {
  let watching = false;
  const watch = new PerformanceObserver(() => steer());
  const steer = () => {
    const below = semiSpaceBytes() < SEMI_SPACE_BYTES * 0.9;
    setGrowthFactor(below ? 2 : 1);
    if (below && !watching) watch.observe({ entryTypes: ["gc"] });
    if (!below && watching) watch.disconnect();
    watching = below;
  };
  steer();
  setInterval(steer, 1000).unref();
}
