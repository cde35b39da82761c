using Suite.Tokenizer.Core.Templates;

namespace Suite.Tokenizer.Tests;

/// <summary>
/// One conversation and what the reference made of it: the rendering and its token ids, or the message the template
/// raised (raise_exception), or another failure. <paramref name="Note"/> explains a result taken from Python's
/// semantics where @huggingface/jinja differs.
/// </summary>
internal sealed record TemplateCase(string Name, ChatTemplateInput Input, string? Rendered, int[]? Ids, string? Raised, string? Error, string? Note);
