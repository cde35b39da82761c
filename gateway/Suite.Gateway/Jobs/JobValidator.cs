using Suite.Contracts.Jobs;

namespace Suite.Gateway.Jobs;

/// <summary>What a job must carry to be runnable at all; the message names the first problem.</summary>
public static class JobValidator
{
    public static string? Validate(SubmitGenerationJob job)
    {
        if (job.JobId == Guid.Empty)
        {
            return "JobId is required.";
        }

        if (string.IsNullOrWhiteSpace(job.Model))
        {
            return "Model is required.";
        }

        var input = job.Input;
        var given = (input?.Prompt is not null ? 1 : 0) + (input?.Messages is { Count: > 0 } ? 1 : 0) + (input?.PromptTokens is { Length: > 0 } ? 1 : 0);
        if (input is null || given != 1)
        {
            return "Input must have exactly one of Prompt, Messages or PromptTokens.";
        }

        if (job.Sampling is null || job.Sampling.Temperature is < 0 or > 2 || job.Sampling.TopP is <= 0 or > 1)
        {
            return "Sampling is required, with Temperature in 0–2 and TopP in (0, 1].";
        }

        if (job.Limits is null || job.Limits.MaxTokens is < 1)
        {
            return "Limits is required, with MaxTokens ≥ 1 when set.";
        }

        return job.Priority is < 0 or > 9 ? "Priority must be 0–9." : null;
    }
}
