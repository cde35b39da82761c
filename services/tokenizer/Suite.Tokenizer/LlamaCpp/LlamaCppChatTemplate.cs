using System.Text;
using LLama;
using Suite.Contracts;
using Suite.Tokenizer.Core;

namespace Suite.Tokenizer.LlamaCpp;

/// <summary>The model's chat template as llama.cpp's built-in template detection renders it.</summary>
internal sealed class LlamaCppChatTemplate(LLamaWeights weights, Lock gate) : IChatTemplate
{
    public string Name => "llama.cpp built-in";

    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        lock (gate)
        {
            var template = new LLamaTemplate(weights, strict: true) { AddAssistant = addGenerationPrompt };
            foreach (var message in messages)
            {
                template.Add(message.Role, message.Content ?? string.Empty);
            }

            return Encoding.UTF8.GetString(template.Apply());
        }
    }
}
