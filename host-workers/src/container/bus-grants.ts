import type { BusGrant } from "./container-types";

/** What the bus may serve per run: one grant per call in flight, so parallel nodes of a run each keep theirs. */
export function createBusGrants() {
  const serving = new Map<string, BusGrant[]>();
  return {
    /** Holds `grant` for `runId` until the returned release is called. */
    hold(runId: string, grant: BusGrant): () => void {
      const grants = serving.get(runId) ?? [];
      grants.push(grant);
      serving.set(runId, grants);
      return () => {
        grants.splice(grants.indexOf(grant), 1);
        if (grants.length === 0) serving.delete(runId);
      };
    },
    /** The union of the run's grants, or null when no call of it is in flight here. */
    of(runId: string): BusGrant | null {
      const grants = serving.get(runId);
      const [first] = grants ?? [];
      if (grants === undefined || first === undefined) return null;
      return {
        flow_id: first.flow_id,
        capabilities: [...new Set(grants.flatMap((grant) => grant.capabilities))],
        journal: grants.some((grant) => grant.journal),
      };
    },
  };
}

export type BusGrants = ReturnType<typeof createBusGrants>;
