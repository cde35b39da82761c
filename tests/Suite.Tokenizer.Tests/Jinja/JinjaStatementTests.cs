using Suite.Tokenizer.Core.Templates.Jinja;

namespace Suite.Tokenizer.Tests.Jinja;

/// <summary>Statements and whitespace control, with what Python's Jinja (as transformers configures it) renders.</summary>
public sealed class JinjaStatementTests
{
    [Theory]
    [InlineData("Hello {{ name }}!", "Hello World!")]
    [InlineData("a\n", "a")]
    [InlineData("a\n\n", "a\n")]
    [InlineData("a  {{- name -}}  b", "aWorldb")]
    [InlineData("a  {%- if flag -%}  x  {%- endif -%}  b", "axb")]
    [InlineData("{% if flag %}\nyes\n{% endif %}\nend", "yes\nend")]
    [InlineData("  {% if flag %}x{% endif %}", "x")]
    [InlineData("a  {% if flag %}x{% endif %}", "a  x")]
    [InlineData("  {{ name }}", "  World")]
    [InlineData("{# comment #}\nx{#- spaced -#}  y", "xy")]
    [InlineData("{% raw %}{{ name }}{% endraw %}", "{{ name }}")]
    [InlineData("{%+ if flag %}x{% endif +%}\ny", "x\ny")]
    [InlineData("{% generation %}kept{% endgeneration %}", "kept")]
    public void Render_TextAndWhitespaceControl_FollowsTrimAndLStripBlocks(string template, string expected) =>
        Assert.Equal(expected, JinjaTestContext.Render(template));

    [Theory]
    [InlineData("{% if n > 5 %}big{% elif n > 2 %}mid{% else %}small{% endif %}", "big")]
    [InlineData("{% if nothing %}a{% elif empty %}b{% else %}c{% endif %}", "c")]
    [InlineData("{% if undefined_thing is defined %}a{% else %}b{% endif %}", "b")]
    [InlineData("{% for w in words %}{{ loop.index }}{{ w }}{% if not loop.last %},{% endif %}{% endfor %}", "1b,2a,3c,4a")]
    [InlineData("{% for w in words %}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.length }}{{ loop.first }} {% endfor %}", "0434True 1324False 2214False 3104False ")]
    [InlineData("{% for w in words %}{{ loop.previtem | default('^') }}{{ loop.nextitem | default('$') }} {% endfor %}", "^a bc aa c$ ")]
    [InlineData("{% for w in words %}{{ loop.cycle('x', 'y') }}{% endfor %}", "xyxy")]
    [InlineData("{% for w in [] %}x{% else %}none{% endfor %}", "none")]
    [InlineData("{% for m in messages if m.role == 'user' %}{{ loop.index }}:{{ m.content }} {% endfor %}", "1:Q1 2:Q2 ")]
    [InlineData("{% for k, v in user.items() %}{{ k }}={{ v }};{% endfor %}", "role=user;content=Hi;")]
    [InlineData("{% for k, v in user | items %}{{ k }}={{ v }};{% endfor %}", "role=user;content=Hi;")]
    [InlineData("{% for c in 'ab' %}[{{ c }}]{% endfor %}", "[a][b]")]
    [InlineData("{% for k in user %}{{ k }} {% endfor %}", "role content ")]
    [InlineData("{% for w in words %}{% if w == 'c' %}{% break %}{% endif %}{{ w }}{% endfor %}", "ba")]
    [InlineData("{% for w in words %}{% if w == 'a' %}{% continue %}{% endif %}{{ w }}{% endfor %}", "bc")]
    [InlineData("{% set seen = 'no' %}{% for w in words %}{% set seen = 'yes' %}{% endfor %}{{ seen }}", "no")]
    [InlineData("{% set ns = namespace(seen='no', count=0) %}{% for w in words %}{% set ns.seen = 'yes' %}{% set ns.count = ns.count + 1 %}{% endfor %}{{ ns.seen }}{{ ns.count }}", "yes4")]
    [InlineData("{% set a, b = 1, 2 %}{{ a }}{{ b }}", "12")]
    [InlineData("{% set t = (1, 2) %}{{ t }}", "(1, 2)")]
    [InlineData("{% set block %}  x {{ name }}  {% endset %}[{{ block }}]", "[  x World  ]")]
    [InlineData("{% set block | trim | upper %}  x {{ name }}  {% endset %}[{{ block }}]", "[X WORLD]")]
    [InlineData("{% filter upper %}hello {{ name }}{% endfilter %}", "HELLO WORLD")]
    [InlineData("{% macro greet(who, punct='!') %}Hi {{ who }}{{ punct }}{% endmacro %}{{ greet(name) }} {{ greet('you', punct='?') }}", "Hi World! Hi you?")]
    [InlineData("{% macro twice(s) %}{{ s }}{{ s }}{% endmacro %}{% set r = twice('ab') %}{{ r | length }}", "4")]
    public void Render_Statements_BehaveAsInPythonJinja(string template, string expected) =>
        Assert.Equal(expected, JinjaTestContext.Render(template));

    [Theory]
    [InlineData("{% include 'x.jinja' %}", "include")]
    [InlineData("{% call foo() %}x{% endcall %}", "call")]
    [InlineData("{% extends 'base' %}", "extends")]
    [InlineData("{{ name | wordwrap(5) }}", "wordwrap")]
    [InlineData("{% if name is startingwith('a') %}{% endif %}", "startingwith")]
    [InlineData("{{ name.zfill(5) }}", "zfill")]
    [InlineData("{{ messages.append(1) }}", "append")]
    [InlineData("{{ lipsum() }}", "lipsum")]
    [InlineData("{% for x in words recursive %}{% endfor %}", "recursive")]
    [InlineData("{{ f(*words) }}", "*args")]
    [InlineData("{% if flag %}unclosed", "endif")]
    public void Parse_UnsupportedConstruct_FailsNamingIt(string template, string named)
    {
        var error = Assert.Throws<JinjaSyntaxException>(() => new JinjaTemplate(template));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Contains("line 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RaiseException_FailsWithTheTemplatesMessage()
    {
        var error = Assert.Throws<JinjaRuntimeException>(() => JinjaTestContext.Render("{% if n > 1 %}{{ raise_exception('Only one, please: ' ~ n) }}{% endif %}"));
        Assert.True(error.Raised);
        Assert.Equal("Only one, please: 7", error.Message);
    }

    [Fact]
    public void Render_StrftimeNow_ReadsTheInjectedClock()
    {
        var clock = new FixedClock(new DateTimeOffset(2026, 3, 5, 14, 7, 9, TimeSpan.Zero));
        Assert.Equal("05 Mar 2026|March 5|14:07:09|Thursday|2026-03-05|02PM",
            JinjaTestContext.Render("{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%B %-d') }}|{{ strftime_now('%H:%M:%S') }}|{{ strftime_now('%A') }}|{{ strftime_now('%Y-%m-%d') }}|{{ strftime_now('%I%p') }}", clock));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    }
}
