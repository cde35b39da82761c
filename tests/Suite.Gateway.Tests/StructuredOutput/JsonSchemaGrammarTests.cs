using System.Text.Json;
using Suite.Gateway.StructuredOutput;

namespace Suite.Gateway.Tests.StructuredOutput;

/// <summary>
/// The converter against llama.cpp's own expectations (tests/test-json-schema-to-grammar.cpp, whose grammars these
/// are, rule for rule), and every refusal: a schema the suite cannot enforce exactly is never relaxed.
/// </summary>
public sealed class JsonSchemaGrammarTests
{
    private const string Space = """space ::= | " " | "\n"{1,2} [ \t]{0,20}""";
    private const string Char = """char ::= [^"\\\x7F\x00-\x1F] | [\\] (["\\bfnrt] | "u" [0-9a-fA-F]{4})""";
    private const string StringRule = """string ::= "\"" char* "\"" space""";
    private const string Number = """number ::= ("-"? integral-part) ("." decimal-part)? ([eE] [-+]? integral-part)? space""";
    private const string DecimalPart = "decimal-part ::= [0-9]{1,16}";
    private const string IntegralPart = "integral-part ::= [0] | [1-9] [0-9]{0,15}";

    [Theory]
    [InlineData(0, null, """root ::= ([0] | [1-9] [0-9]{0,15}) space""")]
    [InlineData(1, null, """root ::= ([1-9] [0-9]{0,15}) space""")]
    [InlineData(3, null, """root ::= ([1-2] [0-9]{1,15} | [3-9] [0-9]{0,15}) space""")]
    [InlineData(10, null, """root ::= ([1] ([0-9]{1,15}) | [2-9] [0-9]{1,15}) space""")]
    [InlineData(25, null, """root ::= ([1] [0-9]{2,15} | [2] ([0-4] [0-9]{1,14} | [5-9] [0-9]{0,14}) | [3-9] [0-9]{1,15}) space""")]
    [InlineData(null, 30, """root ::= ("-" [1-9] [0-9]{0,15} | [0-9] | ([1-2] [0-9] | [3] "0")) space""")]
    [InlineData(-5, null, """root ::= ("-" ([0-5]) | [0] | [1-9] [0-9]{0,15}) space""")]
    [InlineData(-123, null, """root ::= ("-" ([0-9] | ([1-8] [0-9] | [9] [0-9]) | "1" ([0-1] [0-9] | [2] [0-3])) | [0] | [1-9] [0-9]{0,15}) space""")]
    [InlineData(null, -5, """root ::= ("-" ([0-4] [0-9]{1,15} | [5-9] [0-9]{0,15})) space""")]
    [InlineData(null, 100, """root ::= ("-" [1-9] [0-9]{0,15} | [0-9] | ([1-8] [0-9] | [9] [0-9]) | "100") space""")]
    [InlineData(0, 23, """root ::= ([0-9] | ([1] [0-9] | [2] [0-3])) space""")]
    [InlineData(15, 300, """root ::= (([1] ([5-9]) | [2-9] [0-9]) | ([1-2] [0-9]{2} | [3] "00")) space""")]
    [InlineData(-123, 42, """root ::= ("-" ([0-9] | ([1-8] [0-9] | [9] [0-9]) | "1" ([0-1] [0-9] | [2] [0-3])) | [0-9] | ([1-3] [0-9] | [4] [0-2])) space""")]
    [InlineData(-10, 10, """root ::= ("-" ([0-9] | "10") | [0-9] | "10") space""")]
    public void FromSchema_IntegerBounds_AsLlamaCpp(int? minimum, int? maximum, string root)
    {
        var bounds = (minimum is { } min ? $",\"minimum\":{min}" : string.Empty) + (maximum is { } max ? $",\"maximum\":{max}" : string.Empty);

        AssertGrammar($$"""{"type":"integer"{{bounds}}}""", root, Space);
    }

    [Fact]
    public void FromSchema_ExclusiveAndFractionalIntegerBounds_AreTheIntegersInside()
    {
        Assert.Equal(Convert("""{"type":"integer","minimum":0,"maximum":23}"""), Convert("""{"type":"integer","exclusiveMinimum":-0.5,"exclusiveMaximum":24}"""));
        Assert.Equal(Convert("""{"type":"integer","minimum":1,"maximum":9}"""), Convert("""{"type":"integer","minimum":0.2,"maximum":9.9}"""));
    }

    [Fact]
    public void FromSchema_EmptySchema_IsAnyObject()
    {
        AssertGrammar(
            "{}",
            """array ::= "[" space ( value ("," space value)* )? "]" space""",
            """boolean ::= ("true" | "false") space""",
            Char,
            DecimalPart,
            IntegralPart,
            """null ::= "null" space""",
            Number,
            """object ::= "{" space ( string ":" space value ("," space string ":" space value)* )? "}" space""",
            "root ::= object",
            Space,
            StringRule,
            "value ::= object | array | string | number | boolean | null");
        Assert.Equal(Convert("{}"), JsonSchemaGrammar.AnyObject());
    }

    [Theory]
    [InlineData("""{"type":"string"}""", """root ::= "\"" char* "\"" space""")]
    [InlineData("""{"type":"string","minLength":1}""", """root ::= "\"" char+ "\"" space""")]
    [InlineData("""{"type":"string","minLength":3}""", """root ::= "\"" char{3,} "\"" space""")]
    [InlineData("""{"type":"string","maxLength":3}""", """root ::= "\"" char{0,3} "\"" space""")]
    [InlineData("""{"type":"string","minLength":1,"maxLength":4}""", """root ::= "\"" char{1,4} "\"" space""")]
    public void FromSchema_StringLengths_AsLlamaCpp(string schema, string root)
        => AssertGrammar(schema, Char, root, Space);

    [Theory]
    [InlineData("""{"const":"foo"}""", """root ::= "\"foo\"" space""")]
    [InlineData("""{"const":123}""", """root ::= "123" space""")]
    [InlineData("""{"enum":["red","amber","green",null,42,["foo"]]}""", """root ::= ("\"red\"" | "\"amber\"" | "\"green\"" | "null" | "42" | "[\"foo\"]") space""")]
    [InlineData("""{"type":"string","enum":["a b","ü"]}""", """root ::= ("\"a b\"" | "\"ü\"") space""")]
    public void FromSchema_ConstAndEnum_AreLiterals(string schema, string root)
        => AssertGrammar(schema, root, Space);

    [Fact]
    public void FromSchema_RequiredProperties_InDeclaredOrder()
        => AssertGrammar(
            """{"type":"object","properties":{"b":{"type":"string"},"c":{"type":"string"},"a":{"type":"string"}},"required":["a","b","c"],"additionalProperties":false,"definitions":{}}""",
            """a-kv ::= "\"a\"" space ":" space string""",
            """b-kv ::= "\"b\"" space ":" space string""",
            """c-kv ::= "\"c\"" space ":" space string""",
            Char,
            """root ::= "{" space b-kv "," space c-kv "," space a-kv "}" space""",
            Space,
            StringRule);

    [Fact]
    public void FromSchema_RequiredAndOptionalProperties_AsLlamaCpp()
        => AssertGrammar(
            """{"properties":{"b":{"type":"string"},"a":{"type":"string"},"d":{"type":"string"},"c":{"type":"string"}},"required":["a","b"],"additionalProperties":false}""",
            """a-kv ::= "\"a\"" space ":" space string""",
            """b-kv ::= "\"b\"" space ":" space string""",
            """c-kv ::= "\"c\"" space ":" space string""",
            Char,
            """d-kv ::= "\"d\"" space ":" space string""",
            """d-rest ::= ( "," space c-kv )?""",
            """root ::= "{" space b-kv "," space a-kv ( "," space ( d-kv d-rest | c-kv ) )? "}" space""",
            Space,
            StringRule);

    [Fact]
    public void FromSchema_AdditionalPropertiesSchema_BesideRequired()
        => AssertGrammar(
            """{"type":"object","properties":{"a":{"type":"number"}},"required":["a"],"additionalProperties":{"type":"string"}}""",
            """a-kv ::= "\"a\"" space ":" space number""",
            """additional-k ::= ["] ( [a] char+ | [^"a] char* )? ["] space""",
            """additional-kv ::= additional-k ":" space string""",
            Char,
            DecimalPart,
            IntegralPart,
            Number,
            """root ::= "{" space a-kv ( "," space ( additional-kv ( "," space additional-kv )* ) )? "}" space""",
            Space,
            StringRule);

    [Fact]
    public void FromSchema_NoAdditionalProperties_IsTheEmptyObject()
        => AssertGrammar("""{"type":"object","additionalProperties":false}""", """root ::= "{" space  "}" space""", Space);

    [Theory]
    [InlineData("""{"items":{"type":"boolean"},"minItems":2}""", """root ::= "[" space boolean ("," space boolean)+ "]" space""")]
    [InlineData("""{"items":{"type":"boolean"},"maxItems":0}""", """root ::= "[" space  "]" space""")]
    [InlineData("""{"items":{"type":"boolean"},"maxItems":1}""", """root ::= "[" space boolean? "]" space""")]
    [InlineData("""{"items":{"type":"boolean"},"maxItems":2}""", """root ::= "[" space (boolean ("," space boolean)?)? "]" space""")]
    [InlineData("""{"type":"array","items":{"type":"boolean"},"minItems":3,"maxItems":5}""", """root ::= "[" space boolean ("," space boolean){2,4} "]" space""")]
    public void FromSchema_ArrayBounds_AsLlamaCpp(string schema, string root)
        => AssertGrammar(schema, """boolean ::= ("true" | "false") space""", root, Space);

    [Fact]
    public void FromSchema_IntegerItemsWithBounds_AsLlamaCpp()
        => AssertGrammar(
            """{"items":{"type":"integer","minimum":-12,"maximum":207},"minItems":3,"maxItems":5}""",
            """item ::= ("-" ([0-9] | "1" [0-2]) | [0-9] | ([1-8] [0-9] | [9] [0-9]) | ([1] [0-9]{2} | [2] "0" [0-7])) space""",
            """root ::= "[" space item ("," space item){2,4} "]" space""",
            Space);

    [Fact]
    public void FromSchema_NullableTypes_AreAlternatives()
        => AssertGrammar(
            """{"type":["string","null"],"maxLength":4}""",
            """alternative-0 ::= "\"" char{0,4} "\"" space""",
            Char,
            """null ::= "null" space""",
            "root ::= alternative-0 | null",
            Space);

    [Fact]
    public void FromSchema_AnyOf_IsAUnion()
        => AssertGrammar(
            """{"anyOf":[{"type":"integer"},{"type":"boolean"}],"description":"either"}""",
            """boolean ::= ("true" | "false") space""",
            """integer ::= ("-"? integral-part) space""",
            IntegralPart,
            "root ::= integer | boolean",
            Space);

    [Fact]
    public void FromSchema_LocalRefs_BecomeRules()
        => AssertGrammar(
            """{"type":"object","properties":{"p":{"$ref":"#/$defs/Point"}},"required":["p"],"additionalProperties":false,"$defs":{"Point":{"type":"object","properties":{"x":{"type":"integer"}},"required":["x"],"additionalProperties":false}}}""",
            """integer ::= ("-"? integral-part) space""",
            IntegralPart,
            "p ::= ref-defs-Point",
            """p-kv ::= "\"p\"" space ":" space p""",
            """ref-defs-Point ::= "{" space ref-defs-Point-x-kv "}" space""",
            """ref-defs-Point-x-kv ::= "\"x\"" space ":" space integer""",
            """root ::= "{" space p-kv "}" space""",
            Space);

    [Fact]
    public void FromSchema_RecursiveRef_RefersToItself()
    {
        var grammar = Convert("""{"$ref":"#/$defs/node","$defs":{"node":{"type":"object","properties":{"next":{"anyOf":[{"$ref":"#/$defs/node"},{"type":"null"}]}},"required":["next"],"additionalProperties":false}}}""");

        Assert.Contains("ref-defs-node ::= \"{\" space ref-defs-node-next-kv \"}\" space", grammar, StringComparison.Ordinal);
        Assert.Contains("ref-defs-node-next ::= ref-defs-node-next-0 | null", grammar, StringComparison.Ordinal);
        Assert.Contains("ref-defs-node-next-0 ::= ref-defs-node", grammar, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"string","format":"date"}""", "root ::= date-string")]
    [InlineData("""{"type":"string","format":"time"}""", "root ::= time-string")]
    [InlineData("""{"type":"string","format":"date-time"}""", "root ::= date-time-string")]
    [InlineData("""{"type":"string","format":"uuid"}""", """root ::= "\"" [0-9a-fA-F]{8} "-" [0-9a-fA-F]{4} "-" [0-9a-fA-F]{4} "-" [0-9a-fA-F]{4} "-" [0-9a-fA-F]{12} "\"" space""")]
    public void FromSchema_StringFormats_AsLlamaCpp(string schema, string root)
        => Assert.Contains(root + "\n", Convert(schema), StringComparison.Ordinal);

    [Theory]
    [InlineData("^abc?d*efg+(hij)?kl$", """root ::= "\"" ("ab" "c"? "d"* "ef" "g"+ ("hij")? "kl") "\"" space""")]
    [InlineData("""^\[\]\{\}\(\)\|\+\*\?$""", """root ::= "\"" ("[]{}()|+*?") "\"" space""")]
    [InlineData("^A|B|C|D$", """root ::= "\"" ("A" | "B" | "C" | "D") "\"" space""")]
    [InlineData("""^(\([0-9]{1,3}\))?[0-9]{3}-[0-9]{4} a{3,5}nd$""", """root ::= "\"" (("(" root-1{1,3} ")")? root-1{3,3} "-" root-1{4,4} " " "a"{3,5} "nd") "\"" space""")]
    [InlineData("""^\d{2}:[^x]$""", """root ::= "\"" (root-1{2,2} ":" [^x"\\\x00-\x1F\x7F]) "\"" space""")]
    public void FromSchema_Patterns_AsLlamaCpp(string pattern, string root)
        => Assert.Contains(root + "\n", Convert(JsonSerializer.Serialize(new { type = "string", pattern })), StringComparison.Ordinal);

    [Fact]
    public void FromSchema_PatternDot_NeverMatchesWhatJsonEscapes()
        => Assert.Contains("dot ::= [^\"\\\\\\x00-\\x1F\\x7F]\n", Convert("""{"type":"string","pattern":"^a.b$"}"""), StringComparison.Ordinal);

    [Theory]
    [InlineData("""{"type":"string","pattern":"abc"}""", "'^'")]
    [InlineData("""{"type":"string","pattern":"^(?=a)b$"}""", "lookarounds")]
    [InlineData("""{"type":"string","pattern":"^a\"b$"}""", "escaped inside the JSON string")]
    [InlineData("""{"type":"string","pattern":"^\\bx$"}""", "'\\b'")]
    [InlineData("""{"type":"string","pattern":"^(ab$"}""", "unbalanced parentheses")]
    [InlineData("""{"type":"string","pattern":"^[ab$"}""", "unbalanced square brackets")]
    [InlineData("""{"type":"string","pattern":"^*a$"}""", "nothing to repeat")]
    [InlineData("""{"type":"string","format":"email"}""", "'email'")]
    [InlineData("""{"type":"number","minimum":0}""", "'minimum'")]
    [InlineData("""{"type":"number","exclusiveMaximum":1.5}""", "'exclusiveMaximum'")]
    [InlineData("""{"type":"integer","multipleOf":2}""", "'multipleOf'")]
    [InlineData("""{"type":"array","items":{"type":"string"},"uniqueItems":true}""", "'uniqueItems'")]
    [InlineData("""{"type":"array","prefixItems":[{"type":"string"}]}""", "'prefixItems'")]
    [InlineData("""{"type":"array","items":[{"type":"string"}]}""", "tuple")]
    [InlineData("""{"allOf":[{"type":"string"}]}""", "'allOf'")]
    [InlineData("""{"not":{"type":"string"}}""", "'not'")]
    [InlineData("""{"if":{"type":"string"},"then":{"minLength":1}}""", "'if'")]
    [InlineData("""{"type":"object","patternProperties":{"^a":{}}}""", "'patternProperties'")]
    [InlineData("""{"type":"object","properties":{"a":{}},"minProperties":1}""", "'minProperties'")]
    [InlineData("""{"type":"object","properties":{"a":{}},"required":["b"]}""", "'b'")]
    [InlineData("""{"$ref":"https://example.com/schema.json"}""", "not local")]
    [InlineData("""{"$ref":"#/$defs/missing"}""", "does not resolve")]
    [InlineData("""{"type":"kaboom"}""", "'kaboom'")]
    [InlineData("""{"type":123}""", "'type'")]
    [InlineData("""{"maxLength":3}""", "'maxLength'")]
    [InlineData("""{"type":"string","pattern":"^a$","minLength":1}""", "'minLength'")]
    [InlineData("""{"anyOf":[{"type":"string"}],"type":"string"}""", "'type'")]
    [InlineData("""{"type":"string","minLength":5,"maxLength":2}""", "'minLength'")]
    [InlineData("""{"type":"integer","minimum":5,"maximum":2}""", "no integer")]
    [InlineData("""{"type":"object","properties":{"a":false},"required":["a"]}""", "false")]
    [InlineData("""{"type":"object","properties":{"a":{"type":"string","contentEncoding":"base64"}}}""", "'contentEncoding'")]
    public void FromSchema_WhatCannotBeEnforced_IsRefusedNamingIt(string schema, string named)
    {
        var error = Assert.Throws<SchemaNotSupportedException>(() => Convert(schema));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromSchema_KeywordsForAnotherDeclaredType_AreVacuous()
    {
        Assert.Equal(Convert("""{"type":"integer"}"""), Convert("""{"type":"integer","maxLength":3,"items":{}}"""));
        Assert.Equal(Convert("""{"type":"null"}"""), Convert("""{"type":"null","pattern":"^a$"}"""));
    }

    [Fact]
    public void FromSchema_Annotations_ChangeNothing()
        => Assert.Equal(
            Convert("""{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":false}"""),
            Convert("""{"$schema":"https://json-schema.org/draft/2020-12/schema","title":"T","description":"d","type":"object","properties":{"a":{"type":"string","description":"x","default":"y","examples":["z"]}},"required":["a"],"additionalProperties":false}"""));

    internal static string Convert(string schema)
    {
        using var document = JsonDocument.Parse(schema);
        return JsonSchemaGrammar.FromSchema(document.RootElement);
    }

    private static void AssertGrammar(string schema, params string[] rules)
        => Assert.Equal(string.Join('\n', rules) + "\n", Convert(schema));
}
