namespace Suite.Bench.Prefix;

/// <summary>
/// The shared-prefix workload: many tenants, each with its own long system prompt, asking short questions; Poisson
/// arrivals at a fixed rate; tenants drawn uniformly; output lengths fixed per request (EOS ignored). The same seed
/// gives the same requests, so every policy serves exactly the same traffic.
/// </summary>
internal sealed record FleetWorkload(
    int Tenants = 200,
    int MinSystemTokens = 3000,
    int MaxSystemTokens = 5000,
    int MinQuestionTokens = 16,
    int MaxQuestionTokens = 80,
    int MinOutputTokens = 64,
    int MaxOutputTokens = 192,
    double RequestsPerSecond = 150,
    int Requests = 6000,
    int Seed = 42)
{
    public List<FleetRequest> Generate()
    {
        var random = new Random(Seed);
        var systems = Enumerable.Range(0, Tenants)
            .Select(_ => Tokens(random, random.Next(MinSystemTokens, MaxSystemTokens + 1)))
            .ToArray();
        var requests = new List<FleetRequest>(Requests);
        var at = 0.0;
        for (var i = 0; i < Requests; i++)
        {
            at += -Math.Log(1 - random.NextDouble()) / RequestsPerSecond;
            var tenant = random.Next(Tenants);
            int[] prompt = [.. systems[tenant], .. Tokens(random, random.Next(MinQuestionTokens, MaxQuestionTokens + 1))];
            requests.Add(new FleetRequest(at, tenant, prompt, random.Next(MinOutputTokens, MaxOutputTokens + 1)));
        }

        return requests;
    }

    private static int[] Tokens(Random random, int count)
    {
        var tokens = new int[count];
        for (var i = 0; i < count; i++)
        {
            tokens[i] = random.Next(100, 40_000);
        }

        return tokens;
    }
}
