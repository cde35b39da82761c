using System.Text;
using Suite.Contracts;

namespace Suite.Gateway.Tools;

/// <summary>What one piece of generated text turned out to be.</summary>
public enum OutputPart
{
    /// <summary>Answer text (<c>content</c>).</summary>
    Content,

    /// <summary>A reasoning model's thinking (<c>reasoning_content</c>).</summary>
    Reasoning,
}

/// <summary>A piece of the answer: text of one kind, or one complete tool call.</summary>
public readonly record struct OutputPiece(OutputPart Part, string? Text, ToolCall? Call)
{
    public static OutputPiece Of(OutputPart part, string text) => new(part, text, null);

    public static OutputPiece Of(ToolCall call) => new(OutputPart.Content, null, call);
}

/// <summary>
/// Reads a chat answer as it streams and splits it the way OpenAI (and DeepSeek, for reasoning) return it: the thinking
/// of a reasoning model (<c>&lt;think&gt;…&lt;/think&gt;</c>) as reasoning, the model's tool-call syntax as parsed tool
/// calls, the rest as content. Text that might still turn into a marker is held back until it is decided, so a client
/// never sees half a tag; everything else is passed on at once. A tool call is passed on when its block is complete;
/// a block the model never completes (the length limit), or whose JSON does not parse, is passed on as content, so no
/// generated text is lost.
/// </summary>
public sealed class AssistantOutputReader
{
    private const string ThinkOpen = "<think>";
    private const string ThinkClose = "</think>";

    private readonly ToolCallSyntax? _tools;
    private readonly bool _parallelCalls;
    private readonly StringBuilder _pending = new();
    private State _state;
    private bool _trimContentStart;
    private int _calls;
    private bool _answerStarted;
    private string _separator = string.Empty;

    /// <param name="features">The model's chat template features; null: plain text.</param>
    /// <param name="readToolCalls">Whether tool calls are read (tools were given and <c>tool_choice</c> is not none).</param>
    /// <param name="parallelCalls">false: only the first call is returned (<c>parallel_tool_calls: false</c>).</param>
    public AssistantOutputReader(ChatTemplateFeatures? features, bool readToolCalls, bool parallelCalls = true)
    {
        _tools = readToolCalls ? ToolCallSyntax.For(features?.ToolCallFormat) : null;
        _parallelCalls = parallelCalls;
        _state = features is { Reasoning: true }
            ? features.ReasoningStartsInPrompt ? State.Reasoning : State.Start
            : State.Content;
    }

    private enum State
    {
        /// <summary>Nothing decided yet: the answer may open with <c>&lt;think&gt;</c>.</summary>
        Start,
        Reasoning,
        Content,

        /// <summary>Inside the model's tool-call section.</summary>
        Calls,
    }

    /// <summary>Tool calls passed on so far.</summary>
    public int ToolCallCount => _calls;

    /// <summary>Whether the text read so far is inside the reasoning.</summary>
    public bool InReasoning => _state is State.Reasoning or State.Start;

    /// <summary>Reads the next piece of text and returns what is decided.</summary>
    public List<OutputPiece> Read(string text)
    {
        var output = new List<OutputPiece>();
        _pending.Append(text);
        Advance(output, final: false);
        return output;
    }

    /// <summary>The answer ended: everything still held back is passed on.</summary>
    public List<OutputPiece> Finish()
    {
        var output = new List<OutputPiece>();
        Advance(output, final: true);
        return output;
    }

    private void Advance(List<OutputPiece> output, bool final)
    {
        while (true)
        {
            var buffer = _pending.ToString();
            switch (_state)
            {
                case State.Start:
                {
                    var trimmed = buffer.TrimStart();
                    if (trimmed.StartsWith(ThinkOpen, StringComparison.Ordinal))
                    {
                        _pending.Clear().Append(trimmed[ThinkOpen.Length..]);
                        _state = State.Reasoning;
                        continue;
                    }

                    if (!final && ThinkOpen.StartsWith(trimmed, StringComparison.Ordinal))
                    {
                        return; // still possibly "<think>"
                    }

                    _state = State.Content;
                    continue;
                }

                case State.Reasoning:
                {
                    var end = buffer.IndexOf(ThinkClose, StringComparison.Ordinal);
                    if (end >= 0)
                    {
                        Emit(output, OutputPart.Reasoning, buffer[..end]);
                        _pending.Clear().Append(buffer[(end + ThinkClose.Length)..]);
                        _state = State.Content;
                        _trimContentStart = true; // templates put blank lines between the thinking and the answer
                        continue;
                    }

                    var keep = final ? 0 : HeldBack(buffer, ThinkClose);
                    Emit(output, OutputPart.Reasoning, buffer[..^keep]);
                    _pending.Clear().Append(buffer[^keep..]);
                    return;
                }

                case State.Content:
                {
                    if (_trimContentStart)
                    {
                        var trimmed = buffer.TrimStart();
                        if (trimmed.Length == 0 && !final)
                        {
                            _pending.Clear();
                            return;
                        }

                        _trimContentStart = false;
                        buffer = trimmed;
                        _pending.Clear().Append(trimmed);
                    }

                    if (_tools is null)
                    {
                        Emit(output, OutputPart.Content, buffer);
                        _pending.Clear();
                        return;
                    }

                    var (start, held) = _tools.FindStart(buffer, _answerStarted, final);
                    if (start >= 0)
                    {
                        // Whitespace between the answer text and the calls is not part of the answer.
                        var before = buffer[..start];
                        Emit(output, OutputPart.Content, before.TrimEnd());
                        _separator = before[before.TrimEnd().Length..];
                        _pending.Clear().Append(buffer[start..]);
                        _state = State.Calls;
                        continue;
                    }

                    // Trailing whitespace waits too: it is dropped if calls follow.
                    var decided = buffer[..^held];
                    var cut = final ? decided.Length : decided.TrimEnd().Length;
                    Emit(output, OutputPart.Content, decided[..cut]);
                    _pending.Remove(0, cut);
                    return;
                }

                case State.Calls:
                {
                    var (call, consumed, failed) = _tools!.ReadCall(buffer, final);
                    if (consumed == 0)
                    {
                        if (final)
                        {
                            Emit(output, OutputPart.Content, buffer.Trim().Length == 0 ? string.Empty : buffer);
                            _pending.Clear();
                        }

                        return;
                    }

                    _pending.Remove(0, consumed);
                    if (call is not null && (_parallelCalls || _calls == 0))
                    {
                        _calls++;
                        _separator = string.Empty;
                        output.Add(OutputPiece.Of(call));
                    }
                    else if (failed is { Length: > 0 })
                    {
                        Emit(output, OutputPart.Content, _separator + failed);
                        _separator = string.Empty;
                    }

                    continue;
                }
            }
        }
    }

    private void Emit(List<OutputPiece> output, OutputPart part, string text)
    {
        if (text.Length > 0)
        {
            _answerStarted |= part == OutputPart.Content && !string.IsNullOrWhiteSpace(text);
            output.Add(OutputPiece.Of(part, text));
        }
    }

    /// <summary>How many characters at the end of <paramref name="text"/> could begin <paramref name="marker"/>.</summary>
    internal static int HeldBack(string text, string marker)
    {
        for (var length = Math.Min(marker.Length - 1, text.Length); length > 0; length--)
        {
            if (marker.AsSpan(0, length).SequenceEqual(text.AsSpan(text.Length - length)))
            {
                return length;
            }
        }

        return 0;
    }
}
