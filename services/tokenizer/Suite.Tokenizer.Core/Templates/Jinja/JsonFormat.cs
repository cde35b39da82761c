namespace Suite.Tokenizer.Core.Templates.Jinja;

/// <summary>Python json.dumps options: indent, sort_keys, ensure_ascii and separators (null: Python's defaults).</summary>
public sealed record JsonFormat(int? Indent = null, bool SortKeys = false, bool EnsureAscii = false, string? ItemSeparator = null, string? KeySeparator = null);
