using Suite.Tokenizer.Core;

namespace Suite.Tokenizer.Registry;

/// <summary>A served model's tokenizer and the context length it was trained with.</summary>
public sealed record ModelTokenizer(string ModelId, ITextTokenizer Tokenizer, int TrainedContextLength);
