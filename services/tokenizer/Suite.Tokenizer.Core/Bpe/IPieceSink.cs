namespace Suite.Tokenizer.Core.Bpe;

/// <summary>Receives pre-tokenized pieces in order; returning false stops the split (the prompt is already too long).</summary>
public interface IPieceSink
{
    bool Piece(int start, int length);
}
