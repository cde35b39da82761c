namespace Suite.Contracts;

/// <summary>
/// What a model's chat template says about the text it generates, so the gateway can read the answer back:
/// <paramref name="ToolCallFormat"/> is the syntax of its tool calls (see <c>ToolCallFormats</c>; null when the template
/// shows none), <paramref name="Reasoning"/> whether it thinks in <c>&lt;think&gt;…&lt;/think&gt;</c> before answering, and
/// <paramref name="ReasoningStartsInPrompt"/> whether the generation prompt already opens the <c>&lt;think&gt;</c> block
/// (DeepSeek-R1), so the output starts inside the reasoning.
/// </summary>
public sealed record ChatTemplateFeatures(string? ToolCallFormat, bool Reasoning, bool ReasoningStartsInPrompt);

/// <summary>The tool-call syntaxes the gateway reads back from generated text (<see cref="ChatTemplateFeatures.ToolCallFormat"/>).</summary>
public static class ToolCallFormats
{
    /// <summary>
    /// DeepSeek V3 / R1: <c>&lt;｜tool▁calls▁begin｜&gt;&lt;｜tool▁call▁begin｜&gt;function&lt;｜tool▁sep｜&gt;NAME\n```json\nARGS\n```&lt;｜tool▁call▁end｜&gt;…&lt;｜tool▁calls▁end｜&gt;</c>.
    /// </summary>
    public const string DeepSeekV3 = "deepseek_v3";

    /// <summary>DeepSeek V3.1: <c>&lt;｜tool▁calls▁begin｜&gt;&lt;｜tool▁call▁begin｜&gt;NAME&lt;｜tool▁sep｜&gt;ARGS&lt;｜tool▁call▁end｜&gt;…&lt;｜tool▁calls▁end｜&gt;</c>.</summary>
    public const string DeepSeekV31 = "deepseek_v31";

    /// <summary>Hermes style (Qwen 2.5 / 3, Hermes): <c>&lt;tool_call&gt;\n{"name": NAME, "arguments": ARGS}\n&lt;/tool_call&gt;</c>, one block per call.</summary>
    public const string Hermes = "hermes";

    /// <summary>Llama 3.1 / 3.2 JSON calls: <c>{"name": NAME, "parameters": ARGS}</c> (optionally after <c>&lt;|python_tag|&gt;</c>, several joined by <c>;</c>).</summary>
    public const string Llama3Json = "llama3_json";
}
