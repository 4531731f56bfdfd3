using System.Globalization;

namespace Sync.Engine.Connectors.Dxf;

/// <summary>
/// Parses the numbers DXF writers print ("-12.5", "0.000001", "42") straight from their bytes. A decimal of at most
/// 15 significant digits and 22 decimals is exact as integer / power of ten (both exact doubles, one correctly
/// rounded division), which covers nearly every DXF value; exponents and longer numbers take the framework's parser.
/// </summary>
internal static class DxfNumber
{
    private const int MaxExactDigits = 15;

    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    public static bool TryParse(ReadOnlySpan<byte> text, out double value)
    {
        int i = 0;
        bool negative = false;
        if (i < text.Length && text[i] is (byte)'-' or (byte)'+')
        {
            negative = text[i] == (byte)'-';
            i++;
        }

        long mantissa = 0;
        int significant = 0;
        int decimals = 0;
        int digits = 0;
        bool point = false;
        for (; i < text.Length; i++)
        {
            byte c = text[i];
            if (c == (byte)'.' && !point)
            {
                point = true;
                continue;
            }

            uint digit = (uint)(c - '0');
            if (digit > 9)
            {
                return TryParseGeneral(text, out value);
            }

            digits++;
            if (mantissa != 0 || digit != 0)
            {
                if (++significant > MaxExactDigits)
                {
                    return TryParseGeneral(text, out value);
                }
            }

            mantissa = (mantissa * 10) + digit;
            if (point)
            {
                decimals++;
            }
        }

        if (digits == 0 || decimals >= PowersOfTen.Length)
        {
            return TryParseGeneral(text, out value);
        }

        value = mantissa / PowersOfTen[decimals];
        if (negative)
        {
            value = -value;
        }

        return true;
    }

    private static bool TryParseGeneral(ReadOnlySpan<byte> text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
