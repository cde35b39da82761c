namespace Suite.ModelWorker.Backends;

/// <summary>The model's vocabulary as the engine sees it: each token's bytes (empty for control tokens).</summary>
public interface ITokenVocabulary
{
    int Count { get; }

    /// <summary>UTF-8 bytes this token contributes to output text; empty for control/special tokens.</summary>
    ReadOnlySpan<byte> Piece(int token);

    bool IsEndOfGeneration(int token);
}
