namespace Suite.Tokenizer.Core.Templates.Jinja;

/// <summary>The <c>loop</c> variable of a for loop.</summary>
public sealed class JinjaLoop(IReadOnlyList<object?> items)
{
    public int Index0 { get; set; }

    public int Length => items.Count;

    public object? Get(string name) => name switch
    {
        "index0" => (long)Index0,
        "index" => (long)Index0 + 1,
        "revindex0" => (long)(Length - Index0 - 1),
        "revindex" => (long)(Length - Index0),
        "first" => Index0 == 0,
        "last" => Index0 == Length - 1,
        "length" => (long)Length,
        "depth" => 1L,
        "depth0" => 0L,
        "previtem" => Index0 > 0 ? items[Index0 - 1] : new JinjaUndefined("loop.previtem"),
        "nextitem" => Index0 + 1 < Length ? items[Index0 + 1] : new JinjaUndefined("loop.nextitem"),
        "cycle" => new JinjaCallable("loop.cycle", (arguments, _) =>
            arguments.Count == 0 ? throw new JinjaRuntimeException("no items for cycling given") : arguments[Index0 % arguments.Count]),
        _ => new JinjaUndefined($"loop.{name}"),
    };
}
