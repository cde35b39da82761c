using Suite.Contracts;

namespace Suite.Models.Catalog;

/// <summary>The GGUF file to serve and how it is described to clients.</summary>
public sealed record ResolvedModel(string Path, ModelDescription Description, bool Generated);
