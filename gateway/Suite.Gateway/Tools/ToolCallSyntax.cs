using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Suite.Contracts;

namespace Suite.Gateway.Tools;

/// <summary>
/// One model family's tool-call syntax, read back from generated text (the same syntaxes vLLM's <c>hermes</c>,
/// <c>deepseek_v3</c>, <c>deepseek_v31</c> and <c>llama3_json</c> tool parsers read). <see cref="FindStart"/> finds
/// where the calls begin; <see cref="ReadCall"/> takes one complete call (or a separator) off the front of the text
/// from there on.
/// </summary>
public abstract class ToolCallSyntax
{
    public static ToolCallSyntax? For(string? format) => format switch
    {
        ToolCallFormats.Hermes => new Hermes(),
        ToolCallFormats.DeepSeekV3 => new DeepSeek(fenced: true),
        ToolCallFormats.DeepSeekV31 => new DeepSeek(fenced: false),
        ToolCallFormats.Llama3Json => new Llama3Json(),
        _ => null,
    };

    /// <summary>
    /// Where the tool calls start in <paramref name="text"/> (-1: not yet), and how many characters at its end must be
    /// held back because they may begin the start marker.
    /// </summary>
    public abstract (int Start, int Held) FindStart(string text, bool answerStarted, bool final);

    /// <summary>
    /// Reads the front of the tool-call section: a call (with the characters it used), markup that carries no call
    /// (consumed, no call), text that is not a call (consumed, returned as <c>Failed</c> to pass on as content), or
    /// nothing yet (consumed 0: more text is needed).
    /// </summary>
    public abstract (ToolCall? Call, int Consumed, string? Failed) ReadCall(string text, bool final);

    /// <summary>OpenAI's id shape: <c>call_</c> and 24 random alphanumerics.</summary>
    public static string NewCallId()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        return "call_" + RandomNumberGenerator.GetString(alphabet, 24);
    }

    /// <summary>A call from a JSON object with <c>name</c> and the arguments under one of <paramref name="argumentKeys"/>.</summary>
    protected static ToolCall? FromJsonObject(string json, params string[] argumentKeys)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            foreach (var key in argumentKeys)
            {
                if (root.TryGetProperty(key, out var arguments))
                {
                    return Call(name.GetString()!, arguments);
                }
            }

            return Call(name.GetString()!, default);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A call whose arguments are JSON text (an object); null when they do not parse as one.</summary>
    protected static ToolCall? FromArguments(string name, string arguments)
    {
        try
        {
            using var document = JsonDocument.Parse(arguments);
            return document.RootElement.ValueKind == JsonValueKind.Object ? Call(name, document.RootElement) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ToolCall Call(string name, JsonElement arguments)
    {
        // OpenAI sends the arguments as JSON text; a model that wrote them as a string of JSON gets that string's text.
        var text = arguments.ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => "{}",
            JsonValueKind.String => arguments.GetString()!,
            _ => arguments.GetRawText(),
        };
        return new ToolCall(NewCallId(), "function", new ToolCallFunction(name.Trim(), text));
    }

    /// <summary>The first occurrence of <paramref name="marker"/>, or how much of the end may begin it.</summary>
    protected static (int Start, int Held) Find(string text, string marker, bool final)
    {
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        return at >= 0 ? (at, 0) : (-1, final ? 0 : AssistantOutputReader.HeldBack(text, marker));
    }

    /// <summary>Text after the calls that is not a call: passed on up to the next marker (or what may begin one).</summary>
    protected static (ToolCall?, int, string?) NotACall(string text, int from, string marker, bool final)
    {
        var next = text.IndexOf(marker, from, StringComparison.Ordinal);
        if (next >= 0)
        {
            return (null, next, text[..next]);
        }

        var held = final ? 0 : AssistantOutputReader.HeldBack(text, marker);
        return held == text.Length ? (null, 0, null) : (null, text.Length - held, text[..^held]);
    }

    private static int SkipWhitespace(string text, int from)
    {
        while (from < text.Length && char.IsWhiteSpace(text[from]))
        {
            from++;
        }

        return from;
    }

    /// <summary><c>&lt;tool_call&gt;\n{"name": …, "arguments": {…}}\n&lt;/tool_call&gt;</c>, one block per call.</summary>
    private sealed class Hermes : ToolCallSyntax
    {
        private const string Open = "<tool_call>";
        private const string Close = "</tool_call>";

        public override (int Start, int Held) FindStart(string text, bool answerStarted, bool final) => Find(text, Open, final);

        public override (ToolCall? Call, int Consumed, string? Failed) ReadCall(string text, bool final)
        {
            var at = SkipWhitespace(text, 0);
            if (at == text.Length)
            {
                return (null, final ? text.Length : 0, null);
            }

            if (!text.AsSpan(at).StartsWith(Open, StringComparison.Ordinal))
            {
                return Open.StartsWith(text[at..], StringComparison.Ordinal) && !final ? (null, 0, null) : NotACall(text, at, Open, final);
            }

            var end = text.IndexOf(Close, at, StringComparison.Ordinal);
            if (end < 0)
            {
                return final ? (null, text.Length, text) : (null, 0, null);
            }

            var consumed = end + Close.Length;
            var call = FromJsonObject(text[(at + Open.Length)..end], "arguments", "parameters");
            return call is null ? (null, consumed, text[..consumed]) : (call, consumed, null);
        }
    }

    /// <summary>
    /// DeepSeek's tool-call tokens: <c>&lt;｜tool▁calls▁begin｜&gt;</c>, then per call <c>&lt;｜tool▁call▁begin｜&gt;</c> and
    /// either <c>function&lt;｜tool▁sep｜&gt;NAME\n```json\nARGS\n```</c> (V3, R1) or <c>NAME&lt;｜tool▁sep｜&gt;ARGS</c>
    /// (V3.1), <c>&lt;｜tool▁call▁end｜&gt;</c>, and <c>&lt;｜tool▁calls▁end｜&gt;</c>.
    /// </summary>
    private sealed class DeepSeek(bool fenced) : ToolCallSyntax
    {
        private const string SectionOpen = "<｜tool▁calls▁begin｜>";
        private const string SectionClose = "<｜tool▁calls▁end｜>";
        private const string Open = "<｜tool▁call▁begin｜>";
        private const string Close = "<｜tool▁call▁end｜>";
        private const string Separator = "<｜tool▁sep｜>";

        public override (int Start, int Held) FindStart(string text, bool answerStarted, bool final)
        {
            var (section, sectionHeld) = Find(text, SectionOpen, final);
            var (call, callHeld) = Find(text, Open, final);
            if (section >= 0 || call >= 0)
            {
                return (section < 0 ? call : call < 0 ? section : Math.Min(section, call), 0);
            }

            return (-1, Math.Max(sectionHeld, callHeld));
        }

        public override (ToolCall? Call, int Consumed, string? Failed) ReadCall(string text, bool final)
        {
            var at = SkipWhitespace(text, 0);
            if (at == text.Length)
            {
                return (null, final ? text.Length : 0, null);
            }

            var rest = text.AsSpan(at);
            foreach (var markup in (string[])[SectionOpen, SectionClose])
            {
                if (rest.StartsWith(markup, StringComparison.Ordinal))
                {
                    return (null, at + markup.Length, null);
                }
            }

            if (!rest.StartsWith(Open, StringComparison.Ordinal))
            {
                var prefix = text[at..];
                return !final && (Open.StartsWith(prefix, StringComparison.Ordinal) || SectionOpen.StartsWith(prefix, StringComparison.Ordinal) || SectionClose.StartsWith(prefix, StringComparison.Ordinal))
                    ? (null, 0, null)
                    : NotACall(text, at, Open, final);
            }

            var end = text.IndexOf(Close, at, StringComparison.Ordinal);
            if (end < 0)
            {
                return final ? (null, text.Length, text) : (null, 0, null);
            }

            var consumed = end + Close.Length;
            var call = Parse(text[(at + Open.Length)..end]);
            return call is null ? (null, consumed, text[..consumed]) : (call, consumed, null);
        }

        private ToolCall? Parse(string body)
        {
            var separator = body.IndexOf(Separator, StringComparison.Ordinal);
            if (separator < 0)
            {
                return null;
            }

            var after = body[(separator + Separator.Length)..];
            if (!fenced)
            {
                return FromArguments(body[..separator], after);
            }

            // function<｜tool▁sep｜>NAME\n```json\nARGS\n```
            var newline = after.IndexOf('\n');
            var fence = after.IndexOf("```json", StringComparison.Ordinal);
            var last = after.LastIndexOf("```", StringComparison.Ordinal);
            if (newline < 0 || fence < newline || last <= fence)
            {
                return null;
            }

            return FromArguments(after[..newline], after[(fence + "```json".Length)..last]);
        }
    }

    /// <summary>
    /// Llama 3.1 / 3.2: the answer is the call, <c>{"name": …, "parameters": {…}}</c>, optionally after
    /// <c>&lt;|python_tag|&gt;</c>, several separated by <c>;</c>. Text that starts otherwise is content.
    /// </summary>
    private sealed class Llama3Json : ToolCallSyntax
    {
        private const string PythonTag = "<|python_tag|>";

        public override (int Start, int Held) FindStart(string text, bool answerStarted, bool final)
        {
            if (answerStarted)
            {
                return (-1, 0); // the call is the whole answer or nothing
            }

            var at = SkipWhitespace(text, 0);
            if (at < text.Length && text[at] == '{')
            {
                return (at, 0);
            }

            if (at < text.Length && text.AsSpan(at).StartsWith(PythonTag, StringComparison.Ordinal))
            {
                return (at, 0);
            }

            if (!final && PythonTag.StartsWith(text[at..], StringComparison.Ordinal))
            {
                return (-1, text.Length);
            }

            // Not a call at the start: the answer is content (this syntax has no marker later on).
            return (-1, 0);
        }

        public override (ToolCall? Call, int Consumed, string? Failed) ReadCall(string text, bool final)
        {
            if (!final)
            {
                return (null, 0, null); // a JSON call is only known complete at the end of the answer
            }

            var at = SkipWhitespace(text, 0);
            if (text.AsSpan(at).StartsWith(PythonTag, StringComparison.Ordinal))
            {
                at += PythonTag.Length;
            }

            while (at < text.Length && (char.IsWhiteSpace(text[at]) || text[at] == ';'))
            {
                at++;
            }

            if (at == text.Length)
            {
                return (null, text.Length, null);
            }

            // One call at a time: the reader asks again for the next (calls are separated by ';').
            var bytes = Encoding.UTF8.GetBytes(text[at..]);
            var reader = new Utf8JsonReader(bytes);
            ToolCall? call;
            try
            {
                if (!JsonDocument.TryParseValue(ref reader, out var document))
                {
                    return (null, text.Length, text);
                }

                using (document)
                {
                    call = FromJsonObject(document.RootElement.GetRawText(), "parameters", "arguments");
                }
            }
            catch (JsonException)
            {
                return (null, text.Length, text);
            }

            return call is null
                ? (null, text.Length, text)
                : (call, at + Encoding.UTF8.GetCharCount(bytes, 0, (int)reader.BytesConsumed), null);
        }
    }
}
