using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Suite.Contracts;
using Suite.Gateway.Models;
using Suite.Gateway.OpenAi;

using Suite.ServiceDefaults.Errors;

using Suite.Gateway.Sessions;

namespace Suite.Gateway.Apis;

/// <summary>vLLM-style <c>/tokenize</c> and <c>/detokenize</c>, answered by the tokenizer service over the bus.</summary>
public static class TokenizeApi
{
    public static IEndpointRouteBuilder MapTokenizeApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/tokenize", (HttpContext context, IRequestClient<TokenizeText> client, ModelDirectory models) => GuardAsync(context, () => TokenizeAsync(context, client, models)));
        app.MapPost("/detokenize", (HttpContext context, IRequestClient<DetokenizeTokens> client, ModelDirectory models) => GuardAsync(context, () => DetokenizeAsync(context, client, models)));
        return app;
    }

    private static async Task GuardAsync(HttpContext context, Func<Task> handle)
    {
        try
        {
            await handle().ConfigureAwait(false);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("UTF-16", StringComparison.Ordinal) && !context.Response.HasStarted)
        {
            await ErrorWriter.WriteAsync(context, PipelineErrors.LoneSurrogate(e.Message)).ConfigureAwait(false);
        }
        catch (MassTransit.RequestTimeoutException) when (!context.Response.HasStarted)
        {
            await ErrorWriter.WriteAsync(context, new PipelineError(503, ErrorTypes.ServiceUnavailable, "The tokenizer or router service is not answering; retry shortly.", null, "service_unavailable", 2)).ConfigureAwait(false);
        }
    }

    private static async Task TokenizeAsync(HttpContext context, IRequestClient<TokenizeText> client, ModelDirectory models)
    {
        var (body, error) = await RequestBody.ReadAsync(context).ConfigureAwait(false);
        var model = error is null ? await ResolveModelAsync(body, models, context.RequestAborted).ConfigureAwait(false) : (null, null);
        error ??= model.Error;
        GenerationInput? input = null;
        if (error is null)
        {
            (input, error) = ParseInput(body);
        }

        if (error is not null)
        {
            await ErrorWriter.WriteAsync(context, error).ConfigureAwait(false);
            return;
        }

        var response = await client.GetResponse<TextTokenized, PipelineError>(new TokenizeText(model.Id!, input!), context.RequestAborted, RequestTimeout.After(s: 30)).ConfigureAwait(false);
        if (response.Is(out Response<PipelineError>? failed))
        {
            await ErrorWriter.WriteAsync(context, failed!.Message).ConfigureAwait(false);
            return;
        }

        response.Is(out Response<TextTokenized>? ok);
        await Results.Json(new TokenizeResponse(ok!.Message.Tokens.Length, ok.Message.MaxModelLength, ok.Message.Tokens)).ExecuteAsync(context).ConfigureAwait(false);
    }

    private static async Task DetokenizeAsync(HttpContext context, IRequestClient<DetokenizeTokens> client, ModelDirectory models)
    {
        var (body, error) = await RequestBody.ReadAsync(context).ConfigureAwait(false);
        var model = error is null ? await ResolveModelAsync(body, models, context.RequestAborted).ConfigureAwait(false) : (null, null);
        error ??= model.Error;
        int[] tokens = [];
        if (error is null)
        {
            if (!body.TryGetProperty("tokens", out var array) || array.ValueKind != JsonValueKind.Array)
            {
                error = PipelineErrors.Invalid("Missing required parameter: 'tokens' (an array of token ids).", "tokens", "missing_required_parameter");
            }
            else if (array.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.Number || !t.TryGetInt32(out _)))
            {
                error = PipelineErrors.Invalid("Invalid 'tokens': expected an array of integer token ids.", "tokens", "invalid_type");
            }
            else
            {
                tokens = array.EnumerateArray().Select(t => t.GetInt32()).ToArray();
            }
        }

        if (error is not null)
        {
            await ErrorWriter.WriteAsync(context, error).ConfigureAwait(false);
            return;
        }

        var skipSpecial = body.TryGetProperty("skip_special_tokens", out var skip) && skip.ValueKind == JsonValueKind.True;
        var response = await client.GetResponse<TokensDetokenized, PipelineError>(new DetokenizeTokens(model.Id!, tokens, skipSpecial), context.RequestAborted, RequestTimeout.After(s: 30)).ConfigureAwait(false);
        if (response.Is(out Response<PipelineError>? failed))
        {
            await ErrorWriter.WriteAsync(context, failed!.Message).ConfigureAwait(false);
            return;
        }

        response.Is(out Response<TokensDetokenized>? ok);
        await Results.Json(new DetokenizeResponse(ok!.Message.Text)).ExecuteAsync(context).ConfigureAwait(false);
    }

    /// <summary>The named model, or the only served model when none is named (as vLLM does).</summary>
    private static async Task<(string? Id, PipelineError? Error)> ResolveModelAsync(JsonElement body, ModelDirectory models, CancellationToken cancellationToken)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, PipelineErrors.Invalid("The request body must be a JSON object.", null));
        }

        if (body.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String)
        {
            var id = model.GetString()!;
            return await models.IsServedAsync(id, cancellationToken).ConfigureAwait(false) ? (id, null) : (null, PipelineErrors.ModelNotFound(id));
        }

        var listed = await models.GetAsync(false, cancellationToken).ConfigureAwait(false);
        return listed.Models.Count == 1
            ? (listed.Models[0].Model.Id, null)
            : (null, PipelineErrors.Invalid("Missing required parameter: 'model' (more than one model is served).", "model", "missing_required_parameter"));
    }

    private static (GenerationInput? Input, PipelineError? Error) ParseInput(JsonElement body)
    {
        var hasPrompt = body.TryGetProperty("prompt", out var prompt) && prompt.ValueKind != JsonValueKind.Null;
        var hasMessages = body.TryGetProperty("messages", out _);
        if (hasPrompt == hasMessages)
        {
            return (null, PipelineErrors.Invalid("Provide exactly one of 'prompt' or 'messages'.", hasPrompt ? "messages" : "prompt", "invalid_value"));
        }

        if (hasPrompt && prompt.ValueKind != JsonValueKind.String)
        {
            return (null, PipelineErrors.Invalid("Invalid type for 'prompt': expected a string.", "prompt", "invalid_type"));
        }

        var addSpecial = !body.TryGetProperty("add_special_tokens", out var special) || special.ValueKind != JsonValueKind.False;
        if (hasPrompt)
        {
            return (new GenerationInput(prompt.GetString(), null, AddSpecialTokens: addSpecial), null);
        }

        var (parsed, error) = RequestParser.Parse(body.Clone().AddModelPlaceholder(), GenerationKind.ChatCompletion);
        return error is not null ? (null, error) : (parsed!.Request.Input with { AddSpecialTokens = addSpecial }, null);
    }

    private static JsonElement AddModelPlaceholder(this JsonElement body)
    {
        if (body.TryGetProperty("model", out _))
        {
            return body;
        }

        var node = System.Text.Json.Nodes.JsonNode.Parse(body.GetRawText())!.AsObject();
        node["model"] = "-";
        return JsonSerializer.SerializeToElement(node);
    }


    private sealed record TokenizeResponse(int Count, int MaxModelLen, int[] Tokens);

    private sealed record DetokenizeResponse(string Prompt);
}
