namespace Suite.Contracts;

/// <summary>
/// A grammar every generated token must keep the output inside, in llama.cpp's GBNF, with the name of its start rule.
/// The gateway writes one for <c>response_format</c> json_object and json_schema; generation can only end (at an
/// end-of-generation token) where the grammar accepts.
/// </summary>
public sealed record GrammarConstraint(string Gbnf, string Root = "root");
