using System.Diagnostics;
using Suite.Contracts;
using Suite.ModelWorker.Backends;
using Suite.ModelWorker.Hosting;
using Suite.ServiceDefaults.Telemetry;

namespace Suite.ModelWorker.Tracing;

/// <summary>
/// The worker's spans of a sequence: <c>generate {model}</c> from the moment it is scheduled to its last token, with
/// children for the time it waited for a slot, its prefill and its decode, drawn from the engine's own timings once it
/// ended (the engine thread is never slowed by tracing). Usage and finish reason follow the GenAI conventions.
/// </summary>
public static class WorkerTracing
{
    public const string SourceName = "Suite.ModelWorker";

    public static ActivitySource Source { get; } = new(SourceName);

    public static Activity? StartGenerate(GenerateTokens request, WorkerIdentity identity, BackendInfo backend)
    {
        var activity = Source.StartActivity($"generate {request.Model}", ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(GenAi.RequestModel, request.Model);
            activity.SetTag(GenAi.UsageInputTokens, request.PromptTokens.Length);
            activity.SetTag("suite.worker.id", identity.WorkerId);
            activity.SetTag("suite.pool", identity.Pool);
            activity.SetTag("suite.backend", backend.Name);
            activity.SetTag("suite.simulated", backend.Simulated);
            activity.SetTag("suite.attempt", request.Continuation.Attempt);
            activity.SetTag("suite.continued_tokens", request.Continuation.GeneratedTokens.Length);
        }

        return activity;
    }

    public static void End(Activity? activity, SequenceOutcome outcome, FinishReason reason, int generatedTokens)
    {
        if (activity is null)
        {
            return;
        }

        if (activity.IsAllDataRequested)
        {
            activity.SetTag(GenAi.UsageOutputTokens, generatedTokens);
            activity.SetTag(GenAi.ResponseFinishReasons, new[] { GenAi.FinishReason(reason) });
            var start = activity.StartTimeUtc;
            var queued = TimeSpan.FromSeconds(outcome.QueueSeconds);
            var prefill = TimeSpan.FromSeconds(outcome.PrefillSeconds);
            Child(activity, "queue", start, queued);
            Child(activity, "prefill", start + queued, prefill);
            if (outcome.GeneratedTokens > 0)
            {
                var firstToken = start + TimeSpan.FromSeconds(outcome.FirstTokenSeconds);
                activity.AddEvent(new ActivityEvent("gen_ai.first_token", firstToken));
                Child(activity, "decode", firstToken, TimeSpan.FromSeconds(outcome.DecodeSeconds));
            }
        }

        if (outcome.Reason == FinishReason.Error)
        {
            activity.SetTag("error.type", "engine_error");
            activity.SetStatus(ActivityStatusCode.Error, outcome.Error);
        }

        activity.Dispose();
    }

    private static void Child(Activity parent, string name, DateTime start, TimeSpan duration)
    {
        using var child = Source.StartActivity(name, ActivityKind.Internal, parent.Context, startTime: start);
        child?.SetEndTime(start + duration);
    }
}
