using System.Diagnostics;
using Suite.Contracts;
using Suite.ServiceDefaults.Telemetry;

namespace Suite.Gateway.Sessions;

/// <summary>
/// The gateway's span of a generation, named and tagged as the OpenTelemetry GenAI semantic conventions say
/// (<c>{gen_ai.operation.name} {gen_ai.request.model}</c>; request parameters at the start, usage and finish reasons at
/// the end). The pipeline's messages carry its context, so the tokenizer's, router's and worker's spans are its
/// children. Prompt and completion text are recorded only when content capture is on.
/// </summary>
public static class GatewayTracing
{
    public const string SourceName = "Suite.Gateway";

    public static ActivitySource Source { get; } = new(SourceName);

    internal static Activity? StartGeneration(GenerationRequest request, Guid requestId)
    {
        var operation = request.Kind == GenerationKind.ChatCompletion ? GenAi.OperationChat : GenAi.OperationTextCompletion;
        var activity = Source.StartActivity($"{operation} {request.Model}", ActivityKind.Internal);
        if (activity is not { IsAllDataRequested: true })
        {
            return activity;
        }

        activity.SetTag(GenAi.OperationName, operation);
        activity.SetTag(GenAi.ProviderName, GenAi.Provider);
        activity.SetTag(GenAi.RequestModel, request.Model);
        activity.SetTag(GenAi.RequestId, requestId.ToString());
        if (request.Limits.MaxTokens is { } maxTokens)
        {
            activity.SetTag(GenAi.RequestMaxTokens, maxTokens);
        }

        activity.SetTag(GenAi.RequestTemperature, request.Sampling.Temperature);
        activity.SetTag(GenAi.RequestTopP, request.Sampling.TopP);
        if (request.Sampling.Seed is { } seed)
        {
            activity.SetTag(GenAi.RequestSeed, seed);
        }

        if (GenAi.CaptureContent)
        {
            activity.SetTag(GenAi.InputMessages, GenAi.DescribeInput(request.Input));
        }

        return activity;
    }

    internal static void EndGeneration(Activity? activity, SessionOutcome outcome)
    {
        if (activity is null)
        {
            return;
        }

        if (activity.IsAllDataRequested)
        {
            if (outcome.Completed is { } completed)
            {
                activity.SetTag(GenAi.ResponseModel, activity.GetTagItem(GenAi.RequestModel));
                activity.SetTag(GenAi.UsageInputTokens, completed.PromptTokens);
                activity.SetTag(GenAi.UsageOutputTokens, completed.CompletionTokens);
                activity.SetTag(GenAi.ResponseFinishReasons, new[] { GenAi.FinishReason(completed.FinishReason) });
                activity.SetTag("suite.attempts", completed.Attempt);
            }
            else
            {
                activity.SetTag(GenAi.UsageOutputTokens, outcome.GeneratedTokens);
            }

            activity.SetTag("suite.worker.id", outcome.Worker);
            activity.SetTag("suite.backend", outcome.Backend);
            activity.SetTag("http.response.status_code", outcome.Status);
        }

        if (outcome.Failed is { } failed)
        {
            activity.SetTag("error.type", failed.Error.Code ?? failed.Error.Type);
            activity.SetStatus(ActivityStatusCode.Error, failed.Error.Message);
        }
        else if (outcome.Status >= 500)
        {
            activity.SetTag("error.type", outcome.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            activity.SetStatus(ActivityStatusCode.Error);
        }

        activity.Dispose();
    }
}
