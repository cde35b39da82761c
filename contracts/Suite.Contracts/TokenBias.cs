namespace Suite.Contracts;

/// <summary>An amount added to one token's logit before sampling (OpenAI's <c>logit_bias</c>, -100 to 100).</summary>
public sealed record TokenBias(int Token, float Bias);
