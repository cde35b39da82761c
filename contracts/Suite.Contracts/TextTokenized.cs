namespace Suite.Contracts;

/// <summary>Token IDs of a prompt, the model's context length, and the rendered prompt text when a chat template ran.</summary>
public sealed record TextTokenized(int[] Tokens, int MaxModelLength, string? RenderedPrompt);
