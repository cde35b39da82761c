using Suite.Tokenizer.Core.Templates.Jinja;

namespace Suite.Tokenizer.Tests.Jinja;

/// <summary>Expressions, filters, tests, methods and globals, with what Python's Jinja renders.</summary>
public sealed class JinjaExpressionTests
{
    [Theory]
    [InlineData("{{ 1 + 2 * 3 }}|{{ (1 + 2) * 3 }}|{{ 7 // 2 }}|{{ -7 // 2 }}|{{ 7 % 3 }}|{{ -7 % 3 }}|{{ 2 ** 10 }}|{{ 7 / 2 }}|{{ 4 / 2 }}", "7|9|3|-4|1|2|1024|3.5|2.0")]
    [InlineData("{{ n - 10 }}|{{ x * 2 }}|{{ -n }}|{{ 1.0 }}|{{ 1e20 }}|{{ 0.1 + 0.2 }}|{{ 1.5e-7 }}", "-3|5.0|-7|1.0|1e+20|0.30000000000000004|1.5e-07")]
    [InlineData("{{ 'a' + 'b' }}|{{ 'a' ~ n ~ nothing ~ undefined_thing }}|{{ 'ab' * 3 }}|{{ [1] + [2] }}", "ab|a7None|ababab|[1, 2]")]
    [InlineData("{{ true }}|{{ none }}|{{ nothing }}|{{ undefined_thing }}|{{ words }}|{{ user }}|{{ (1,) }}", "True|None|None||['b', 'a', 'c', 'a']|{'role': 'user', 'content': 'Hi'}|(1,)")]
    [InlineData("{{ 1 < n < 10 }}|{{ n == 7.0 }}|{{ 'a' < 'b' }}|{{ [1, 2] == [1, 2] }}|{{ nothing == none }}|{{ n != 7 }}", "True|True|True|True|True|False")]
    [InlineData("{{ 'ell' in 'hello' }}|{{ 'a' in words }}|{{ 'role' in user }}|{{ 'x' not in words }}|{{ 'z' in undefined_thing }}", "True|True|True|True|False")]
    [InlineData("{{ empty or 'fallback' }}|{{ name and n }}|{{ nothing and 1 }}|{{ not empty }}", "fallback|7|None|True")]
    [InlineData("{{ 'yes' if flag else 'no' }}|{{ 'yes' if nothing else 'no' }}|[{{ 'yes' if nothing }}]", "yes|no|[]")]
    [InlineData("{{ words[0] }}{{ words[-1] }}|{{ words[1:3] }}|{{ words[::-1] }}|{{ words[::2] }}|{{ name[1:] }}|{{ name[::-1] }}|[{{ words[10] }}]", "ba|['a', 'c']|['a', 'c', 'a', 'b']|['b', 'c']|orld|dlroW|[]")]
    [InlineData("{{ nested.a.b }}|{{ nested['a']['b'] }}|{{ messages[1].content }}|{{ messages.0.role }}|[{{ user.missing }}]", "deep|deep|Q1|system|[]")]
    [InlineData("{{ {'a': 1, 'b': [2]} }}|{{ [1, 'x', none, true] }}", "{'a': 1, 'b': [2]}|[1, 'x', None, True]")]
    public void Render_Expressions_FollowPython(string template, string expected) =>
        Assert.Equal(expected, JinjaTestContext.Render(template));

    [Theory]
    [InlineData("[{{ spaced | trim }}]|[{{ 'xxhixx' | trim('x') }}]|[{{ '\u0085a\u001f' | trim }}]|[{{ '\ufeffa' | trim }}]|[{{ nothing | trim }}]", "[padded]|[hi]|[a]|[\ufeffa]|[None]")]
    [InlineData("{{ words | length }}|{{ name | length }}|{{ user | length }}|{{ '😀é' | length }}|{{ words | count }}", "4|5|2|2|4")]
    [InlineData("{{ tool | tojson }}", """{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "n": 1, "x": 1.5, "ok": false, "none": null, "list": [1, "ü"]}}}""")]
    [InlineData("{{ 'a\"b\\\\c\nd\te\u0001' | tojson }}|{{ 'é😀' | tojson(ensure_ascii=true) }}|{{ [] | tojson }}|{{ {} | tojson }}", "\"a\\\"b\\\\c\\nd\\te\\u0001\"|\"\\u00e9\\ud83d\\ude00\"|[]|{}")]
    [InlineData("{{ {'b': 1, 'a': [1, 2]} | tojson(indent=2) }}", "{\n  \"b\": 1,\n  \"a\": [\n    1,\n    2\n  ]\n}")]
    [InlineData("{{ {'b': 1, 'a': 2} | tojson(sort_keys=true) }}|{{ [1, 2] | tojson(separators=(',', ':')) }}", "{\"a\": 2, \"b\": 1}|[1,2]")]
    [InlineData("{{ n | string }}{{ flag | string }}|{{ 'hello WORLD' | upper }}|{{ 'Hello' | lower }}|{{ 'hello wORLD' | title }}|{{ 'hello WORLD' | capitalize }}", "7True|HELLO WORLD|hello|Hello World|Hello world")]
    [InlineData("{{ 'a-b-c' | replace('-', '+') }}|{{ 'a-b-c' | replace('-', '+', 1) }}|{{ undefined_thing | default('d') }}|{{ empty | default('d') }}|{{ empty | default('d', true) }}|{{ nothing | d('x') }}", "a+b+c|a+b-c|d||d|None")]
    [InlineData("{{ words | first }}{{ words | last }}|{{ words | reverse | list }}|{{ words | unique | list }}|{{ words | join }}|{{ words | join(', ') }}|{{ messages | join(' ', attribute='role') }}", "ba|['a', 'c', 'a', 'b']|['b', 'a', 'c']|baca|b, a, c, a|system user assistant user")]
    [InlineData("{{ '42' | int + 1 }}|{{ 'x' | int }}|{{ '2.5' | float }}|{{ -3 | abs }}|{{ 2.567 | round(2) }}|{{ 2.5 | round }}|{{ numbers | sum }}|{{ numbers | min }}{{ numbers | max }}", "43|0|2.5|3|2.57|3.0|6|13")]
    [InlineData("{{ messages | selectattr('role', 'equalto', 'user') | map(attribute='content') | join(',') }}|{{ messages | rejectattr('role', '==', 'user') | map(attribute='role') | list }}|{{ messages | selectattr('active') | map(attribute='content') | first }}", "Q1,Q2|['system', 'assistant']|A1")]
    [InlineData("{{ numbers | select('odd') | list }}|{{ numbers | reject('odd') | list }}|{{ words | map('upper') | join }}|{{ messages | map(attribute='missing', default='-') | join }}", "[3, 1]|[2]|BACA|----")]
    [InlineData("{{ numbers | sort | list }}|{{ numbers | sort(reverse=true) | list }}|{{ ['b', 'A', 'c'] | sort | list }}|{{ messages | sort(attribute='content') | map(attribute='content') | join }}|{{ user | dictsort }}", "[1, 2, 3]|[3, 2, 1]|['A', 'b', 'c']|A1Q1Q2S|[('content', 'Hi'), ('role', 'user')]")]
    [InlineData("{{ 'a\nb\n\nc' | indent(2) }}|{{ 'a\nb' | indent(2, true) }}|{{ '<b>&' | e }}|{{ '<b>' | safe }}|{{ 'one two  three' | wordcount }}", "a\n  b\n\n  c|  a\n  b|&lt;b&gt;&amp;|<b>|3")]
    public void Render_Filters_FollowPython(string template, string expected) =>
        Assert.Equal(expected, JinjaTestContext.Render(template));

    [Theory]
    [InlineData("{{ name is defined }}{{ undefined_thing is defined }}{{ undefined_thing is undefined }}{{ nothing is none }}{{ nothing is not none }}", "TrueFalseTrueTrueFalse")]
    [InlineData("{{ name is string }}{{ n is string }}{{ n is number }}{{ x is number }}{{ n is integer }}{{ x is float }}{{ flag is boolean }}{{ n is boolean }}", "TrueFalseTrueTrueTrueTrueTrueFalse")]
    [InlineData("{{ flag is true }}{{ 1 is true }}{{ nothing is false }}{{ user is mapping }}{{ words is mapping }}{{ words is iterable }}{{ name is iterable }}{{ n is iterable }}{{ words is sequence }}", "TrueFalseFalseTrueFalseTrueTrueFalseTrue")]
    [InlineData("{{ n is odd }}{{ n is even }}{{ 9 is divisibleby 3 }}{{ n is divisibleby(2) }}{{ n is eq 7 }}{{ n is ne 7 }}{{ 'a' is in words }}{{ name is lower }}{{ 'abc' is lower }}{{ nothing is sameas none }}{{ range is callable }}", "TrueFalseTrueFalseTrueFalseTrueFalseTrueTrueTrue")]
    public void Render_Tests_FollowPython(string template, string expected) =>
        Assert.Equal(expected, JinjaTestContext.Render(template));

    [Theory]
    [InlineData("[{{ spaced.strip() }}]|[{{ spaced.lstrip() }}]|[{{ spaced.rstrip() }}]|[{{ '\n\n x \n'.strip('\n') }}]|[{{ 'xxhix'.lstrip('x') }}]|[{{ 'hixx'.rstrip('x') }}]", "[padded]|[padded \n]|[  padded]|[ x ]|[hix]|[hi]")]
    [InlineData("{{ 'a,b,,c'.split(',') }}|{{ '  a  b '.split() }}|{{ 'a,b,c'.split(',', 1) }}|{{ 'a,b,c'.rsplit(',', 1) }}|{{ 'x</think>y</think>z'.split('</think>')[-1] }}", "['a', 'b', '', 'c']|['a', 'b']|['a', 'b,c']|['a,b', 'c']|z")]
    [InlineData("{{ name.startswith('Wo') }}{{ name.endswith(('x', 'ld')) }}{{ name.startswith('wo') }}|{{ name.upper() }}{{ name.lower() }}|{{ 'hi there'.title() }}|{{ 'hI'.capitalize() }}", "TrueTrueFalse|WORLDworld|Hi There|Hi")]
    [InlineData("{{ 'aaa'.replace('a', 'b', 2) }}|{{ name.find('r') }}{{ name.find('z') }}|{{ 'banana'.count('a') }}|{{ '-'.join(words) }}|{{ '{} and {}'.format('x', n) }}|{{ '{0}{name}'.format('a', name='b') }}", "bba|2-1|3|b-a-c-a|x and 7|ab")]
    [InlineData("{{ '123'.isdigit() }}{{ 'ab'.isalpha() }}{{ ' '.isspace() }}{{ 'AB'.isupper() }}{{ 'ab'.islower() }}", "TrueTrueTrueTrueTrue")]
    [InlineData("{{ user.get('role') }}|{{ user.get('missing', 'd') }}|{{ user.get('missing') }}|{{ user.keys() | list }}|{{ user.values() | list }}|{{ user.items() | list }}", "user|d|None|['role', 'content']|['user', 'Hi']|[('role', 'user'), ('content', 'Hi')]")]
    [InlineData("{{ range(3) | list }}|{{ range(1, 7, 2) | list }}|{{ range(3, 0, -1) | list }}|{{ dict(a=1, b='x') }}|{% set ns = namespace(a=1) %}{{ ns.a }}", "[0, 1, 2]|[1, 3, 5]|[3, 2, 1]|{'a': 1, 'b': 'x'}|1")]
    public void Render_MethodsAndGlobals_FollowPython(string template, string expected) =>
        Assert.Equal(expected, JinjaTestContext.Render(template));

    [Theory]
    [InlineData("{{ undefined_thing.attribute }}", "'undefined_thing' is undefined")]
    [InlineData("{{ 'a' + 1 }}", "can only concatenate str")]
    [InlineData("{{ nothing + 1 }}", "unsupported operand")]
    [InlineData("{{ user.missing.deeper }}", "has no attribute 'missing'")]
    [InlineData("{{ 1 // 0 }}", "division")]
    [InlineData("{{ name.strip()() }}", "not callable")]
    [InlineData("{{ range(1000000) | length }}", "range too big")]
    public void Render_TypeAndUndefinedErrors_FailAsInPython(string template, string message)
    {
        var error = Assert.Throws<JinjaRuntimeException>(() => JinjaTestContext.Render(template));
        Assert.False(error.Raised);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
