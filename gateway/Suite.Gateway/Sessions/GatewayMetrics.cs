using System.Diagnostics;
using System.Diagnostics.Metrics;
using Suite.ServiceDefaults.Telemetry;

namespace Suite.Gateway.Sessions;

/// <summary>
/// The OpenTelemetry GenAI server metrics, as the gateway sees each request (exported over OTLP when configured):
/// <c>gen_ai.server.time_to_first_token</c>, <c>gen_ai.server.time_per_output_token</c> and
/// <c>gen_ai.server.request.duration</c> in seconds, with the convention's attributes and bucket boundaries.
/// </summary>
internal static class GatewayMetrics
{
    private static readonly Meter Meter = new(GatewayTracing.SourceName);

    private static readonly Histogram<double> TimeToFirstToken = Meter.CreateHistogram(
        GenAi.TimeToFirstTokenMetric,
        "s",
        "Time to generate the first token of a successful request.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0] });

    private static readonly Histogram<double> TimePerOutputToken = Meter.CreateHistogram(
        GenAi.TimePerOutputTokenMetric,
        "s",
        "Time per output token after the first, for a successful request.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5] });

    private static readonly Histogram<double> RequestDuration = Meter.CreateHistogram(
        GenAi.RequestDurationMetric,
        "s",
        "Time from the request's arrival to its last byte.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92] });

    public static void Record(GenerationSession session, SessionOutcome outcome, long now)
    {
        if (!RequestDuration.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { GenAi.OperationName, session.Request.Kind == GenerationKind.ChatCompletion ? GenAi.OperationChat : GenAi.OperationTextCompletion },
            { GenAi.ProviderName, GenAi.Provider },
            { GenAi.RequestModel, session.Request.Model },
        };
        if (outcome.Status >= 400)
        {
            tags.Add("error.type", outcome.Failed?.Error.Code ?? outcome.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        RequestDuration.Record(session.SecondsSinceAccepted(now), tags);
        if (outcome.Status >= 400 || session.FirstTokenTimestamp is not { } first)
        {
            return;
        }

        TimeToFirstToken.Record(session.SecondsSinceAccepted(first), tags);
        if (outcome.GeneratedTokens > 1)
        {
            TimePerOutputToken.Record(Stopwatch.GetElapsedTime(first, now).TotalSeconds / (outcome.GeneratedTokens - 1), tags);
        }
    }
}
