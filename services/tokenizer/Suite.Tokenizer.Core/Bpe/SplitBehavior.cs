namespace Suite.Tokenizer.Core.Bpe;

/// <summary>What a Hugging Face <c>Split</c> pre-tokenizer does with the pieces its pattern matches.</summary>
public enum SplitBehavior
{
    /// <summary>Matches and the text between them both become pieces.</summary>
    Isolated,

    /// <summary>Matches are dropped; only the text between them remains.</summary>
    Removed,
}
