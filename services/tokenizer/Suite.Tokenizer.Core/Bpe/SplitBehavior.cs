namespace Suite.Tokenizer.Core.Bpe;

/// <summary>What a Hugging Face <c>Split</c> pre-tokenizer does with the pieces its pattern matches.</summary>
public enum SplitBehavior
{
    /// <summary>Matches and the text between them both become pieces.</summary>
    Isolated,

    /// <summary>Matches are dropped; only the text between them remains.</summary>
    Removed,

    /// <summary>A match joins the piece before it.</summary>
    MergedWithPrevious,

    /// <summary>A match joins the piece after it.</summary>
    MergedWithNext,

    /// <summary>Consecutive matches become one piece.</summary>
    Contiguous,
}
