namespace Suite.ModelWorker.Scheduling;

/// <summary>The token an executor sampled for a sequence, and whether it ends generation (unless the request ignores EOS).</summary>
public readonly record struct SampledToken(int Token, bool EndOfGeneration);
