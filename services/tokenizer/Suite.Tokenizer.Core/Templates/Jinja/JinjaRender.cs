using System.Text;

namespace Suite.Tokenizer.Core.Templates.Jinja;

/// <summary>What one render shares across scopes: the output and the clock <c>strftime_now</c> reads.</summary>
public sealed class JinjaRender(TimeProvider clock)
{
    public StringBuilder Output { get; } = new();

    public TimeProvider Clock { get; } = clock;

    /// <summary>Nesting of macro calls, bounded so a recursive macro fails instead of overflowing the stack.</summary>
    public int Depth { get; set; }
}
