namespace Suite.Bench.Prefix;

/// <summary>One request of the shared-prefix workload: when it arrives (simulated seconds), its tenant, its tokens and its output length.</summary>
internal sealed record FleetRequest(double ArrivalSeconds, int Tenant, int[] Prompt, int OutputTokens);
