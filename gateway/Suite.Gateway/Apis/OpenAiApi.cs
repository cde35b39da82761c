using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Suite.Gateway.Edge;
using Suite.Gateway.Models;
using Suite.Gateway.OpenAi;

using Suite.Contracts;
using Suite.ServiceDefaults.Errors;

using Suite.Gateway.Sessions;

namespace Suite.Gateway.Apis;

/// <summary>The OpenAI-compatible surface: chat completions, completions, models (those the caller's key may use).</summary>
public static class OpenAiApi
{
    public static IEndpointRouteBuilder MapOpenAiApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/chat/completions", (HttpContext context, GenerationHandler handler) => handler.HandleAsync(context, GenerationKind.ChatCompletion));
        app.MapPost("/v1/completions", (HttpContext context, GenerationHandler handler) => handler.HandleAsync(context, GenerationKind.Completion));
        app.MapGet("/v1/models", ListModelsAsync);
        app.MapGet("/v1/models/{id}", GetModelAsync);
        return app;
    }

    private static async Task ListModelsAsync(HttpContext context, ModelDirectory directory)
    {
        var listed = await TryListAsync(context, directory).ConfigureAwait(false);
        if (listed is null)
        {
            return;
        }

        context.Response.ContentType = "application/json";
        await using var json = JsonOutput.Create(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("object", "list");
        json.WriteStartArray("data");
        var access = context.Caller().Access;
        foreach (var served in listed.Models.Where(m => access.AllowsModel(m.Model.Id)))
        {
            WriteModel(json, served);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task GetModelAsync(HttpContext context, string id, ModelDirectory directory)
    {
        var listed = await TryListAsync(context, directory).ConfigureAwait(false);
        if (listed is null)
        {
            return;
        }

        var served = context.Caller().Access.AllowsModel(id) ? listed.Models.FirstOrDefault(m => m.Model.Id == id) : null;
        if (served is null)
        {
            await ErrorWriter.WriteAsync(context, PipelineErrors.ModelNotFound(id)).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/json";
        await using var json = JsonOutput.Create(context.Response.Body);
        WriteModel(json, served);
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<Suite.Contracts.ModelsListed?> TryListAsync(HttpContext context, ModelDirectory directory)
    {
        try
        {
            return await directory.GetAsync(includeWorkers: false, context.RequestAborted).ConfigureAwait(false);
        }
        catch (MassTransit.RequestTimeoutException)
        {
            await ErrorWriter.WriteAsync(context, PipelineErrors.RouterUnavailable).ConfigureAwait(false);
            return null;
        }
    }

    private static void WriteModel(Utf8JsonWriter json, Suite.Contracts.ServedModel served)
    {
        var model = served.Model;
        json.WriteStartObject();
        json.WriteString("id", model.Id);
        json.WriteString("object", "model");
        json.WriteNumber("created", model.CreatedAt.ToUnixTimeSeconds());
        json.WriteString("owned_by", model.OwnedBy);
        json.WriteNumber("max_model_len", model.ContextLength);
        json.WriteStartArray("backends");
        foreach (var backend in served.Backends)
        {
            json.WriteStringValue(backend);
        }

        json.WriteEndArray();
        json.WriteBoolean("simulated", served.Backends.Count > 0 && served.Backends.All(b => b == "sim"));
        json.WriteBoolean("smoke_test_model", model.SmokeTestModel);
        json.WriteString("description", model.Description);
        json.WriteEndObject();
    }
}
