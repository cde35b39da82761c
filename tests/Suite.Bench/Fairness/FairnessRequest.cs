namespace Suite.Bench.Fairness;

/// <summary>One request of the fairness workload: its tenant, when it arrives (simulated seconds), its tokens and output length.</summary>
internal sealed record FairnessRequest(string Tenant, double ArrivalSeconds, int[] Prompt, int OutputTokens);
