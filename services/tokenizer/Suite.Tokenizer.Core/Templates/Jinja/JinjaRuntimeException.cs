namespace Suite.Tokenizer.Core.Templates.Jinja;

/// <summary>
/// A template failed while rendering: a type error, an undefined value used, or <c>raise_exception</c> called
/// (<see cref="Raised"/>; its message is the template's own, meant for the client).
/// </summary>
public sealed class JinjaRuntimeException(string message, bool raised = false) : Exception(message)
{
    public bool Raised { get; } = raised;
}
