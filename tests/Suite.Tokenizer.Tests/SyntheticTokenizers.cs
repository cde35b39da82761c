using System.Text;
using System.Text.Json;
using Suite.Tokenizer.Core.Bpe;
using Suite.Tokenizer.Core.Loading;

namespace Suite.Tokenizer.Tests;

/// <summary>
/// Small Qwen2.5- and Llama-3-shaped tokenizer.json/tokenizer_config.json pairs: the real structure (normalizer,
/// pre-tokenizer sequence, post-processor, added tokens, chat template) over a toy vocabulary.
/// </summary>
internal static class SyntheticTokenizers
{
    public const string QwenTemplate =
        "{%- if messages[0]['role'] == 'system' %}{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}" +
        "{%- else %}{{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}{%- endif %}" +
        "{%- for message in messages %}{%- if not (loop.first and message.role == 'system') %}{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}{%- endif %}{%- endfor %}" +
        "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";

    public const string Llama3Template =
        "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + " +
        "'<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}" +
        "{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";

    private static readonly string[] _words = ["hello", " world", " the", "123", "ab", "é"];

    public static BpeTokenizer Qwen() => Build(
        "qwen-like",
        normalizer: new { type = "NFC" },
        preTokenizer: new
        {
            type = "Sequence",
            pretokenizers = new object[]
            {
                new { type = "Split", pattern = new { Regex = PreTokenizerPatterns.Qwen2 }, behavior = "Isolated", invert = false },
                new { type = "ByteLevel", add_prefix_space = false, trim_offsets = false, use_regex = false },
            },
        },
        postProcessor: new { type = "ByteLevel", add_prefix_space = false, trim_offsets = false, use_regex = false },
        added: [("<|endoftext|>", true), ("<|im_start|>", true), ("<|im_end|>", true), ("<tool_call>", false)],
        ignoreMerges: false,
        config: new { add_bos_token = false, bos_token = (string?)null, eos_token = "<|im_end|>", chat_template = QwenTemplate });

    public static BpeTokenizer Llama3() => Build(
        "llama3-like",
        normalizer: null,
        preTokenizer: new
        {
            type = "Sequence",
            pretokenizers = new object[]
            {
                new { type = "Split", pattern = new { Regex = PreTokenizerPatterns.Llama3 }, behavior = "Isolated", invert = false },
                new { type = "ByteLevel", add_prefix_space = false, trim_offsets = true, use_regex = false },
            },
        },
        postProcessor: new
        {
            type = "Sequence",
            processors = new object[]
            {
                new { type = "ByteLevel", add_prefix_space = true, trim_offsets = false, use_regex = true },
                new
                {
                    type = "TemplateProcessing",
                    single = new object[]
                    {
                        new { SpecialToken = new { id = "<|begin_of_text|>", type_id = 0 } },
                        new { Sequence = new { id = "A", type_id = 0 } },
                    },
                    pair = Array.Empty<object>(),
                    special_tokens = new Dictionary<string, object>
                    {
                        ["<|begin_of_text|>"] = new { id = "<|begin_of_text|>", ids = new[] { 1000 }, tokens = new[] { "<|begin_of_text|>" } },
                    },
                },
            },
        },
        added: [("<|begin_of_text|>", true), ("<|end_of_text|>", true), ("<|start_header_id|>", true), ("<|end_header_id|>", true), ("<|eot_id|>", true)],
        ignoreMerges: true,
        config: new { add_bos_token = (bool?)null, bos_token = "<|begin_of_text|>", eos_token = "<|eot_id|>", chat_template = Llama3Template });

    /// <summary>The id of a vocabulary word spelled byte-level (e.g. " world" → "Ġworld").</summary>
    public static int WordId(BpeTokenizer tokenizer, string word) => tokenizer.TokenToId(Spell(word))!.Value;

    public static string Spell(string text) => new(Encoding.UTF8.GetBytes(text).Select(ByteLevelMap.ByteToChar).ToArray());

    private static BpeTokenizer Build(string name, object? normalizer, object preTokenizer, object postProcessor,
        (string Content, bool Special)[] added, bool ignoreMerges, object config)
    {
        var vocab = new Dictionary<string, int>();
        for (var b = 0; b < 256; b++)
        {
            vocab[ByteLevelMap.ByteToChar((byte)b).ToString()] = b;
        }

        var merges = new List<string>();
        foreach (var word in _words)
        {
            // Left-to-right merges build each word: h e → he, he l → hel, ...
            var spelled = Spell(word);
            var current = spelled[..1];
            for (var i = 1; i < spelled.Length; i++)
            {
                var next = spelled[i].ToString();
                if (!merges.Contains(current + " " + next))
                {
                    merges.Add(current + " " + next);
                }

                current += next;
                vocab.TryAdd(current, vocab.Count);
            }
        }

        // A token only reachable through ignore_merges: no merge builds it.
        vocab.TryAdd(Spell("xyz"), vocab.Count);
        var addedTokens = added.Select((a, i) => new { id = 1000 + i, content = a.Content, single_word = false, lstrip = false, rstrip = false, normalized = false, special = a.Special }).ToArray();
        var json = new
        {
            version = "1.0",
            added_tokens = addedTokens,
            normalizer,
            pre_tokenizer = preTokenizer,
            post_processor = postProcessor,
            decoder = new { type = "ByteLevel", add_prefix_space = true, trim_offsets = true, use_regex = true },
            model = new { type = "BPE", dropout = (object?)null, unk_token = (string?)null, byte_fallback = false, ignore_merges = ignoreMerges, vocab, merges },
        };
        return TokenizerLoader.FromTokenizerJson(JsonSerializer.SerializeToUtf8Bytes(json), JsonSerializer.SerializeToUtf8Bytes(config), name);
    }
}
