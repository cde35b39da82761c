using System.Text;
using Suite.ModelWorker.Backends.Sim;
using Suite.Models.Gguf;

namespace Suite.ModelWorker.Tests.Sim;

/// <summary>The SentencePiece path (the smoke model covers byte-level BPE against llama.cpp itself).</summary>
public sealed class SimulatedVocabularyTests
{
    [Fact]
    public void FromGguf_SentencePieceVocabulary_DecodesPiecesAndFindsEndOfGeneration()
    {
        var stream = new MemoryStream();
        new GgufWriter()
            .AddString("general.architecture", "llama")
            .AddString("tokenizer.ggml.model", "llama")
            .AddStringArray("tokenizer.ggml.tokens", ["<unk>", "<s>", "</s>", "<0x0A>", "\u2581hello", "world", "<|eot_id|>", "<user>"])
            .AddInt32Array("tokenizer.ggml.token_type", [2, 3, 3, 6, 1, 1, 3, 4])
            .AddUInt32("tokenizer.ggml.eos_token_id", 2)
            .Write(stream);
        stream.Position = 0;

        var vocabulary = SimulatedVocabulary.FromGguf(GgufReader.Read(stream));

        Assert.Equal(8, vocabulary.Count);
        Assert.Equal(0, vocabulary.Piece(0).Length);
        Assert.Equal(0, vocabulary.Piece(1).Length);
        Assert.Equal("\n", Encoding.UTF8.GetString(vocabulary.Piece(3)));
        Assert.Equal(" hello", Encoding.UTF8.GetString(vocabulary.Piece(4)));
        Assert.Equal("world", Encoding.UTF8.GetString(vocabulary.Piece(5)));
        Assert.Equal("<user>", Encoding.UTF8.GetString(vocabulary.Piece(7)));
        Assert.Equal([2, 6], vocabulary.EndOfGenerationTokens);
        Assert.Equal([4, 5], vocabulary.GeneratableTokens.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.Piece(8));
    }
}
