using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Suite.Models.Catalog;
using Suite.Models.Gguf;
using Suite.Tokenizer.Core;
using Suite.Tokenizer.Core.Bpe;
using Suite.Tokenizer.Core.Loading;
using Suite.Tokenizer.LlamaCpp;

namespace Suite.Tokenizer.Registry;

/// <summary>
/// Loads the served model's tokenizer before the service takes requests: the C# tokenizer (byte-level BPE or
/// SentencePiece) from the GGUF's metadata when it supports the vocabulary, else llama.cpp's own tokenizer as the
/// universal fallback. Either way the chat template is the model's own; one the interpreter cannot run stops the start
/// (ChatTemplateNotSupportedException names the construct).
/// </summary>
public sealed partial class TokenizerLoaderService(ModelResolution models, TokenizerRegistry registry, IOptions<TokenizerOptions> options, ILogger<TokenizerLoaderService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.Run(Load, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Load()
    {
        var model = models.Model;
        var gguf = GgufReader.Read(model.Path);
        ITextTokenizer tokenizer;
        try
        {
            // A model generated from SUITE_TOKENIZER's tokenizer.json loads from that file through the binary cache
            // (fast start for a 128K vocabulary); any other model from its GGUF metadata.
            tokenizer = model.Generated && models.Settings.TokenizerPath is { } tokenizerJson
                ? TokenizerLoader.Load(tokenizerJson)
                : TokenizerLoader.FromGgufMetadata(gguf);
        }
        catch (NotSupportedException e)
        {
            LogFallback(logger, model.Description.Id, e.Message);
            tokenizer = LlamaCppTokenizer.Load(model.Path, gguf);
        }

        if (tokenizer is BpeTokenizer bpe)
        {
            bpe.Model.Cache.Resize((long)options.Value.WordCacheMegabytes << 20);
        }

        registry.Add(new ModelTokenizer(model.Description.Id, tokenizer, gguf.ContextLength ?? model.Description.ContextLength));
        var template = tokenizer.ChatTemplate;
        LogLoaded(logger, model.Description.Id, tokenizer.Name, tokenizer.VocabularySize, template?.Name ?? "none", template?.RendersTools ?? false, template?.Reasons ?? false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Tokenizer for {Model}: {Tokenizer}, {Vocabulary} tokens, chat template {Template} (renders tools: {Tools}, reasoning: {Reasons})")]
    private static partial void LogLoaded(ILogger logger, string model, string tokenizer, int vocabulary, string template, bool tools, bool reasons);

    [LoggerMessage(Level = LogLevel.Warning, Message = "C# tokenizer cannot load {Model} ({Reason}); using llama.cpp's tokenizer")]
    private static partial void LogFallback(ILogger logger, string model, string reason);
}
