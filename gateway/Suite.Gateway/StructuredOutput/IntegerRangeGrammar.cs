using System.Text;

namespace Suite.Gateway.StructuredOutput;

/// <summary>
/// GBNF for the decimal integers in [min, max] (either end open), digit range by digit range, as llama.cpp's
/// <c>build_min_max_int</c> (common/json-schema-to-grammar.cpp) writes it, so the grammars match llama-server's.
/// </summary>
internal static class IntegerRangeGrammar
{
    public static string Build(long? min, long? max)
    {
        var output = new StringBuilder();
        Build(min ?? long.MinValue, max ?? long.MaxValue, output, 16, topLevel: true);
        return output.ToString();
    }

    private static void Build(long minValue, long maxValue, StringBuilder output, int decimalsLeft, bool topLevel)
    {
        var hasMin = minValue != long.MinValue;
        var hasMax = maxValue != long.MaxValue;

        void DigitRange(char from, char to)
        {
            output.Append('[');
            if (from == to)
            {
                output.Append(from);
            }
            else
            {
                output.Append(from).Append('-').Append(to);
            }

            output.Append(']');
        }

        void MoreDigits(int minDigits, int maxDigits)
        {
            output.Append("[0-9]");
            if (minDigits == maxDigits && minDigits == 1)
            {
                return;
            }

            output.Append('{').Append(minDigits);
            if (maxDigits != minDigits)
            {
                output.Append(',');
                if (maxDigits != int.MaxValue)
                {
                    output.Append(maxDigits);
                }
            }

            output.Append('}');
        }

        void UniformRange(string from, string to)
        {
            var i = 0;
            while (i < from.Length && i < to.Length && from[i] == to[i])
            {
                i++;
            }

            if (i > 0)
            {
                output.Append('"').Append(from, 0, i).Append('"');
            }

            if (i < from.Length && i < to.Length)
            {
                if (i > 0)
                {
                    output.Append(' ');
                }

                var subLength = from.Length - i - 1;
                if (subLength > 0)
                {
                    var fromSub = from[(i + 1)..];
                    var toSub = to[(i + 1)..];
                    var subZeros = new string('0', subLength);
                    var subNines = new string('9', subLength);
                    var toReached = false;
                    output.Append('(');
                    if (fromSub == subZeros)
                    {
                        DigitRange(from[i], (char)(to[i] - 1));
                        output.Append(' ');
                        MoreDigits(subLength, subLength);
                    }
                    else
                    {
                        output.Append('[').Append(from[i]).Append("] (");
                        UniformRange(fromSub, subNines);
                        output.Append(')');
                        if (from[i] < to[i] - 1)
                        {
                            output.Append(" | ");
                            if (toSub == subNines)
                            {
                                DigitRange((char)(from[i] + 1), to[i]);
                                toReached = true;
                            }
                            else
                            {
                                DigitRange((char)(from[i] + 1), (char)(to[i] - 1));
                            }

                            output.Append(' ');
                            MoreDigits(subLength, subLength);
                        }
                    }

                    if (!toReached)
                    {
                        output.Append(" | ");
                        DigitRange(to[i], to[i]);
                        output.Append(' ');
                        UniformRange(subZeros, toSub);
                    }

                    output.Append(')');
                }
                else
                {
                    output.Append('[').Append(from[i]).Append('-').Append(to[i]).Append(']');
                }
            }
        }

        if (hasMin && hasMax)
        {
            if (minValue < 0 && maxValue < 0)
            {
                output.Append("\"-\" (");
                Build(-maxValue, -minValue, output, decimalsLeft, topLevel: true);
                output.Append(')');
                return;
            }

            if (minValue < 0)
            {
                output.Append("\"-\" (");
                Build(0, -minValue, output, decimalsLeft, topLevel: true);
                output.Append(") | ");
                minValue = 0;
            }

            var minText = minValue.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var maxText = maxValue.ToString(System.Globalization.CultureInfo.InvariantCulture);
            for (var digits = minText.Length; digits < maxText.Length; digits++)
            {
                UniformRange(minText, new string('9', digits));
                minText = "1" + new string('0', digits);
                output.Append(" | ");
            }

            UniformRange(minText, maxText);
            return;
        }

        var lessDecimals = Math.Max(decimalsLeft - 1, 1);
        if (hasMin)
        {
            if (minValue < 0)
            {
                output.Append("\"-\" (");
                Build(long.MinValue, -minValue, output, decimalsLeft, topLevel: false);
                output.Append(") | [0] | [1-9] ");
                MoreDigits(0, decimalsLeft - 1);
            }
            else if (minValue == 0)
            {
                if (topLevel)
                {
                    output.Append("[0] | [1-9] ");
                    MoreDigits(0, lessDecimals);
                }
                else
                {
                    MoreDigits(1, decimalsLeft);
                }
            }
            else if (minValue <= 9)
            {
                var c = (char)('0' + minValue);
                var rangeStart = topLevel ? '1' : '0';
                if (c > rangeStart)
                {
                    DigitRange(rangeStart, (char)(c - 1));
                    output.Append(' ');
                    MoreDigits(1, lessDecimals);
                    output.Append(" | ");
                }

                DigitRange(c, '9');
                output.Append(' ');
                MoreDigits(0, lessDecimals);
            }
            else
            {
                var minText = minValue.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var length = minText.Length;
                var c = minText[0];
                if (c > '1')
                {
                    DigitRange(topLevel ? '1' : '0', (char)(c - 1));
                    output.Append(' ');
                    MoreDigits(length, lessDecimals);
                    output.Append(" | ");
                }

                DigitRange(c, c);
                output.Append(" (");
                Build(long.Parse(minText[1..], System.Globalization.CultureInfo.InvariantCulture), long.MaxValue, output, lessDecimals, topLevel: false);
                output.Append(')');
                if (c < '9')
                {
                    output.Append(" | ");
                    DigitRange((char)(c + 1), '9');
                    output.Append(' ');
                    MoreDigits(length - 1, lessDecimals);
                }
            }

            return;
        }

        if (hasMax)
        {
            if (maxValue >= 0)
            {
                if (topLevel)
                {
                    output.Append("\"-\" [1-9] ");
                    MoreDigits(0, lessDecimals);
                    output.Append(" | ");
                }

                Build(0, maxValue, output, decimalsLeft, topLevel: true);
            }
            else
            {
                output.Append("\"-\" (");
                Build(-maxValue, long.MaxValue, output, decimalsLeft, topLevel: false);
                output.Append(')');
            }

            return;
        }

        throw new InvalidOperationException("At least one of minimum or maximum must be set.");
    }
}
