using OpenAI.Chat;
using Suite.EndToEnd.Tests.Infrastructure;

namespace Suite.EndToEnd.Tests;

/// <summary>The embedded suite through the official OpenAI .NET client, unmodified.</summary>
[Collection(EmbeddedSuiteCollection.Name)]
public sealed class OpenAiClientTests(EmbeddedSuiteFixture suite)
{
    private static readonly ChatMessage[] Conversation =
    [
        new SystemChatMessage("You are a terse assistant."),
        new UserChatMessage("Name three colours of the rainbow."),
    ];

    [Fact]
    public async Task ListModels_ReturnsTheSmokeModel()
    {
        var models = await suite.OpenAI.GetOpenAIModelClient().GetModelsAsync(TestContext.Current.CancellationToken);
        Assert.Contains(models.Value, m => m.Id == EmbeddedSuiteFixture.Model);
    }

    [Fact]
    public async Task CompleteChat_NonStreaming_ReturnsTextFinishReasonAndUsage()
    {
        var chat = suite.OpenAI.GetChatClient(EmbeddedSuiteFixture.Model);
        var result = await chat.CompleteChatAsync(Conversation, Greedy(24), TestContext.Current.CancellationToken);
        var completion = result.Value;
        Assert.StartsWith("chatcmpl-", completion.Id, StringComparison.Ordinal);
        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.False(string.IsNullOrEmpty(completion.Content[0].Text));
        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(24, completion.Usage.OutputTokenCount);
        Assert.True(completion.Usage.InputTokenCount > 10);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task CompleteChat_Greedy_SameRequestTwiceAndStreamingGiveTheSameText()
    {
        var chat = suite.OpenAI.GetChatClient(EmbeddedSuiteFixture.Model);
        var first = (await chat.CompleteChatAsync(Conversation, Greedy(32), TestContext.Current.CancellationToken)).Value;
        var second = (await chat.CompleteChatAsync(Conversation, Greedy(32), TestContext.Current.CancellationToken)).Value;
        var streamed = new System.Text.StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in chat.CompleteChatStreamingAsync(Conversation, Greedy(32), TestContext.Current.CancellationToken))
        {
            foreach (var part in update.ContentUpdate)
            {
                streamed.Append(part.Text);
            }

            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal(first.Content[0].Text, second.Content[0].Text);
        Assert.Equal(first.Content[0].Text, streamed.ToString());
        Assert.Equal(ChatFinishReason.Length, finish);
        Assert.NotNull(usage);
        Assert.Equal(first.Usage.InputTokenCount, usage.InputTokenCount);
        Assert.Equal(32, usage.OutputTokenCount);
    }

    [Fact]
    public async Task CompleteChatStreaming_SixteenConcurrentStreams_AllCompleteWellFormed()
    {
        var chat = suite.OpenAI.GetChatClient(EmbeddedSuiteFixture.Model);
        var alone = (await chat.CompleteChatAsync(Conversation, Greedy(40), TestContext.Current.CancellationToken)).Value.Content[0].Text;
        var streams = Enumerable.Range(0, 16).Select(async i =>
        {
            // Half the streams repeat one conversation (their text must equal the text produced alone); the other
            // half differ, so the batch really mixes sequences.
            ChatMessage[] messages = i % 2 == 0 ? Conversation : [new UserChatMessage($"Tell me fact number {i} about the sea.")];
            var text = new System.Text.StringBuilder();
            ChatFinishReason? finish = null;
            ChatTokenUsage? usage = null;
            var updates = 0;
            await foreach (var update in chat.CompleteChatStreamingAsync(messages, Greedy(40), TestContext.Current.CancellationToken))
            {
                updates++;
                foreach (var part in update.ContentUpdate)
                {
                    text.Append(part.Text);
                }

                finish ??= update.FinishReason;
                usage ??= update.Usage;
            }

            return (i, text: text.ToString(), finish, usage, updates);
        }).ToList();
        var results = await Task.WhenAll(streams);
        Assert.All(results, r =>
        {
            Assert.Equal(ChatFinishReason.Length, r.finish);
            Assert.NotNull(r.usage);
            Assert.Equal(40, r.usage.OutputTokenCount);
            Assert.True(r.updates >= 3);
            Assert.False(string.IsNullOrEmpty(r.text));
        });
        Assert.All(results.Where(r => r.i % 2 == 0), r => Assert.Equal(alone, r.text));
    }

    [Fact]
    public async Task CompleteChat_UnknownModel_Throws404()
    {
        var chat = suite.OpenAI.GetChatClient("no-such-model");
        var error = await Assert.ThrowsAsync<System.ClientModel.ClientResultException>(() => chat.CompleteChatAsync(Conversation, Greedy(4), TestContext.Current.CancellationToken));
        Assert.Equal(404, error.Status);
        Assert.Contains("no-such-model", error.Message, StringComparison.Ordinal);
    }

    private static ChatCompletionOptions Greedy(int maxTokens) => new() { Temperature = 0f, MaxOutputTokenCount = maxTokens };
}
