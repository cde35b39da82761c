using System.ComponentModel.DataAnnotations;

namespace Suite.Tokenizer;

/// <summary>Tokenizer service settings (section <c>Tokenizer</c>, e.g. <c>Tokenizer__LargeInputCharacters</c>).</summary>
public sealed class TokenizerOptions
{
    public const string Section = "Tokenizer";

    /// <summary>
    /// A request whose text (prompt, or all message contents and tool arguments) has at least this many characters
    /// is large: it is encoded in the large-input lane, so it never holds up the short requests encoded inline.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int LargeInputCharacters { get; set; } = 64 * 1024;

    /// <summary>Large requests encoded at once; the others wait their turn, leaving the remaining cores to short requests.</summary>
    [Range(1, 1024)]
    public int LargeInputConcurrency { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>
    /// After a burst of large inputs, hand the memory their copies took back to the OS with one compacting collection
    /// (see <c>TokenizationLanes</c>); off, it stays committed until the process allocates enough to collect it.
    /// </summary>
    public bool ReclaimMemoryAfterLargeInputs { get; set; } = true;

    /// <summary>What each tokenizer's cache of word encodings may hold, in MiB (0 turns it off).</summary>
    [Range(0, 4096)]
    public int WordCacheMegabytes { get; set; } = 32;
}
