using System.Text.RegularExpressions;
using Suite.Contracts.Jobs;
using Suite.Distributed.Tests.Infrastructure;

namespace Suite.Distributed.Tests.Jobs;

/// <summary>
/// The job state shared by two gateways (PostgreSQL) behind both doors: MassTransit jobs resubmitted while they run are
/// run once whichever gateway each copy reaches, and a job id is one job whether it came as MassTransit or plain JSON.
/// </summary>
[Collection(TenancyFleetCollection.Name)]
public sealed class SharedJobStateTests(TenancyFleetFixture fleet)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task MassTransit_jobs_submitted_twice_run_once_across_gateways()
    {
        var (_, key, _) = await fleet.TenantKeyAsync();
        await using var producer = new JobProducer(fleet.Broker.Uri);
        await producer.StartAsync();
        var jobs = Enumerable.Range(0, 4).Select(i => producer.Job($"Shared state {i}", 20) with { ApiKey = key }).ToList();
        foreach (var job in jobs.Concat(jobs))
        {
            await producer.SubmitAsync(job);
        }

        Assert.True(await producer.WaitAsync(() => producer.Completed.Count >= 8 || !producer.Failed.IsEmpty, Deadline), $"{producer.Completed.Count} of 8 answers:\n{fleet.Logs()}");
        Assert.Empty(producer.Failed);
        var logs = fleet.Log("gw1") + fleet.Log("gw2");
        foreach (var job in jobs)
        {
            var answers = producer.Completed.Where(c => c.JobId == job.JobId).ToList();
            Assert.Equal(2, answers.Count);
            Assert.Single(answers.Select(a => (a.CompletedAt, a.WorkerId, a.Text)).Distinct());
            Assert.Equal(1, Regex.Count(logs, $"Job {job.JobId} runs on this gateway"));
        }
    }

    [Fact]
    public async Task A_job_id_is_one_job_whether_it_came_as_MassTransit_or_plain_JSON()
    {
        var (_, key, _) = await fleet.TenantKeyAsync();
        await using var masstransit = new JobProducer(fleet.Broker.Uri);
        await masstransit.StartAsync();
        await using var json = await JsonJobProducer.StartAsync(fleet.Broker.Uri);
        var job = masstransit.Job("One job, two doors", 10) with { ApiKey = key };
        await masstransit.SubmitAsync(job);
        Assert.True(await masstransit.WaitAsync(() => !masstransit.Completed.IsEmpty, Deadline), fleet.Logs());

        await json.PublishAsync(job.JobId.ToString(), new { model = TenancyFleetFixture.Model, prompt = "One job, two doors", max_tokens = 10, ignore_eos = true }, key);

        Assert.True(await masstransit.WaitAsync(() => json.Results(job.JobId.ToString()).Count > 0, Deadline), fleet.Logs());
        var result = Assert.Single(json.Results(job.JobId.ToString()));
        Assert.Equal((JsonJobProperties.TextCompletion, 200), (result.Type, result.Status));
        Assert.Equal(Assert.Single(masstransit.Completed).Text, result.Body.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal(1, Regex.Count(fleet.Log("gw1") + fleet.Log("gw2"), $"Job {job.JobId} runs on this gateway"));
    }
}
