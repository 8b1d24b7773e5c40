/** The hash slot of a key name, as Redis Cluster computes it (the package ships no types). */
declare module "cluster-key-slot" {
  const slotOf: (key: string) => number;
  export default slotOf;
}
