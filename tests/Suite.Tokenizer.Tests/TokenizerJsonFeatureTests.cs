using System.Text;
using Suite.Tokenizer.Core.Loading;

namespace Suite.Tokenizer.Tests;

/// <summary>A tokenizer.json feature the tokenizer does not implement exactly is refused at load, named, never approximated.</summary>
public sealed class TokenizerJsonFeatureTests
{
    private const string Vocabulary = "\"vocab\": {\"a\": 0, \"b\": 1, \"ab\": 2}, \"merges\": [\"a b\"]";

    [Theory]
    [InlineData("\"model\": {\"type\": \"Unigram\", \"vocab\": []}", "model type 'Unigram'")]
    [InlineData("\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}", "model type 'WordPiece'")]
    [InlineData("\"normalizer\": {\"type\": \"Lowercase\"}, \"model\": {\"type\": \"BPE\", " + Vocabulary + "}", "normalizer 'Lowercase'")]
    [InlineData("\"normalizer\": {\"type\": \"Precompiled\", \"precompiled_charsmap\": \"\"}, \"model\": {\"type\": \"BPE\", " + Vocabulary + "}", "normalizer 'Precompiled'")]
    [InlineData("\"pre_tokenizer\": {\"type\": \"Metaspace\", \"replacement\": \"▁\"}, \"model\": {\"type\": \"BPE\", " + Vocabulary + "}", "pre-tokenizer 'Metaspace'")]
    [InlineData("\"pre_tokenizer\": {\"type\": \"Split\", \"pattern\": {\"Regex\": \"a\"}, \"behavior\": \"Isolated\", \"invert\": true}, \"model\": {\"type\": \"BPE\", " + Vocabulary + "}", "invert=true")]
    [InlineData("\"decoder\": {\"type\": \"WordPiece\"}, \"model\": {\"type\": \"BPE\", " + Vocabulary + "}", "decoder 'WordPiece'")]
    [InlineData("\"post_processor\": {\"type\": \"RobertaProcessing\"}, \"model\": {\"type\": \"BPE\", " + Vocabulary + "}", "post-processor 'RobertaProcessing'")]
    [InlineData("\"model\": {\"type\": \"BPE\", \"dropout\": 0.1, " + Vocabulary + "}", "dropout")]
    [InlineData("\"model\": {\"type\": \"BPE\", \"continuing_subword_prefix\": \"##\", " + Vocabulary + "}", "continuing_subword_prefix")]
    [InlineData("\"added_tokens\": [{\"id\": 3, \"content\": \"<x>\", \"lstrip\": true, \"special\": true}], \"model\": {\"type\": \"BPE\", " + Vocabulary + "}", "'<x>' with lstrip=true")]
    public void FromTokenizerJson_UnsupportedFeature_IsRefusedNamingIt(string body, string named)
    {
        var json = Encoding.UTF8.GetBytes("{" + body + "}");
        var error = Assert.Throws<NotSupportedException>(() => TokenizerLoader.FromTokenizerJson(json, null, "test"));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
