using System.Text.Json;
using Suite.Contracts;

namespace Suite.ServiceDefaults.Telemetry;

/// <summary>
/// The OpenTelemetry GenAI semantic conventions this suite writes (span attributes and metric names), and whether
/// prompt and completion text may be recorded: only when <c>OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT</c> is
/// <c>true</c>, the switch the GenAI instrumentations share. Off by default: prompts are the users' data.
/// </summary>
public static class GenAi
{
    public const string CaptureContentVariable = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";

    public const string OperationName = "gen_ai.operation.name";
    public const string ProviderName = "gen_ai.provider.name";
    public const string RequestModel = "gen_ai.request.model";
    public const string RequestId = "gen_ai.request.id";
    public const string RequestMaxTokens = "gen_ai.request.max_tokens";
    public const string RequestTemperature = "gen_ai.request.temperature";
    public const string RequestTopP = "gen_ai.request.top_p";
    public const string RequestSeed = "gen_ai.request.seed";
    public const string ResponseModel = "gen_ai.response.model";
    public const string ResponseFinishReasons = "gen_ai.response.finish_reasons";
    public const string UsageInputTokens = "gen_ai.usage.input_tokens";
    public const string UsageOutputTokens = "gen_ai.usage.output_tokens";
    public const string InputMessages = "gen_ai.input.messages";
    public const string OutputMessages = "gen_ai.output.messages";
    public const string TokenType = "gen_ai.token.type";

    public const string OperationChat = "chat";
    public const string OperationTextCompletion = "text_completion";

    /// <summary>What <c>gen_ai.provider.name</c> says: the serving layer that answered.</summary>
    public const string Provider = "suite";

    public const string TimeToFirstTokenMetric = "gen_ai.server.time_to_first_token";
    public const string TimePerOutputTokenMetric = "gen_ai.server.time_per_output_token";
    public const string RequestDurationMetric = "gen_ai.server.request.duration";
    public const string TokenUsageMetric = "gen_ai.client.token.usage";

    public static bool CaptureContent { get; } = string.Equals(Environment.GetEnvironmentVariable(CaptureContentVariable), "true", StringComparison.OrdinalIgnoreCase);

    public static string FinishReason(Contracts.FinishReason? reason) => reason switch
    {
        Contracts.FinishReason.Stop => "stop",
        Contracts.FinishReason.Length => "length",
        Contracts.FinishReason.Cancelled => "cancelled",
        Contracts.FinishReason.Error => "error",
        _ => "unknown",
    };

    /// <summary>The input as the convention's JSON (messages with roles and text parts); call only when capture is on.</summary>
    public static string DescribeInput(GenerationInput input)
    {
        if (input.Messages is { } messages)
        {
            return JsonSerializer.Serialize(messages.Select(m => new { role = m.Role, parts = new[] { new { type = "text", content = m.Content } } }));
        }

        return JsonSerializer.Serialize(new[] { new { role = "user", parts = new[] { new { type = "text", content = input.Prompt ?? $"[{input.PromptTokens?.Length ?? 0} token ids]" } } } });
    }
}
