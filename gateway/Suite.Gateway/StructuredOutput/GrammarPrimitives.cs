namespace Suite.Gateway.StructuredOutput;

/// <summary>llama.cpp's built-in rules (common/json-schema-to-grammar.cpp): JSON values, numbers, strings, formats and whitespace.</summary>
internal static class GrammarPrimitives
{
    public const string SpaceRule = "| \" \" | \"\\n\"{1,2} [ \\t]{0,20}";

    public static readonly Dictionary<string, (string Content, string[] Dependencies)> Primitives = new(StringComparer.Ordinal)
    {
        ["boolean"] = ("(\"true\" | \"false\") space", []),
        ["decimal-part"] = ("[0-9]{1,16}", []),
        ["integral-part"] = ("[0] | [1-9] [0-9]{0,15}", []),
        ["number"] = ("(\"-\"? integral-part) (\".\" decimal-part)? ([eE] [-+]? integral-part)? space", ["integral-part", "decimal-part"]),
        ["integer"] = ("(\"-\"? integral-part) space", ["integral-part"]),
        ["value"] = ("object | array | string | number | boolean | null", ["object", "array", "string", "number", "boolean", "null"]),
        ["object"] = ("\"{\" space ( string \":\" space value (\",\" space string \":\" space value)* )? \"}\" space", ["string", "value"]),
        ["array"] = ("\"[\" space ( value (\",\" space value)* )? \"]\" space", ["value"]),
        ["uuid"] = ("\"\\\"\" [0-9a-fA-F]{8} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{12} \"\\\"\" space", []),
        ["char"] = ("[^\"\\\\\\x7F\\x00-\\x1F] | [\\\\] ([\"\\\\bfnrt] | \"u\" [0-9a-fA-F]{4})", []),
        ["string"] = ("\"\\\"\" char* \"\\\"\" space", ["char"]),
        ["null"] = ("\"null\" space", []),
    };

    public static readonly Dictionary<string, (string Content, string[] Dependencies)> StringFormats = new(StringComparer.Ordinal)
    {
        ["date"] = ("[0-9]{4} \"-\" ( \"0\" [1-9] | \"1\" [0-2] ) \"-\" ( \"0\" [1-9] | [1-2] [0-9] | \"3\" [0-1] )", []),
        ["time"] = ("([01] [0-9] | \"2\" [0-3]) \":\" [0-5] [0-9] \":\" [0-5] [0-9] ( \".\" [0-9]{3} )? ( \"Z\" | ( \"+\" | \"-\" ) ( [01] [0-9] | \"2\" [0-3] ) \":\" [0-5] [0-9] )", []),
        ["date-time"] = ("date \"T\" time", ["date", "time"]),
        ["date-string"] = ("\"\\\"\" date \"\\\"\" space", ["date"]),
        ["time-string"] = ("\"\\\"\" time \"\\\"\" space", ["time"]),
        ["date-time-string"] = ("\"\\\"\" date-time \"\\\"\" space", ["date-time"]),
    };

    /// <summary>Names a schema's own rules must not take.</summary>
    public static bool IsReserved(string name) => name == "root" || Primitives.ContainsKey(name) || StringFormats.ContainsKey(name);
}
