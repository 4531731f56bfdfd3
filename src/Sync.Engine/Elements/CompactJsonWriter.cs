using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sync.Engine.Elements;

/// <summary>
/// Writes compact JSON straight into a byte buffer, byte for byte as <see cref="Utf8JsonWriter"/> with
/// <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/> writes it. Canonical elements and changeset lines are
/// written once per element (a million times in a first sync of a large file), and the general writer's per-call work
/// (state checks, escaping scans, transcoding through its own buffers) was most of their cost. Here names are UTF-8
/// literals, printable ASCII strings are copied as they are, and only strings that need escaping go through the writer.
/// The caller writes structure (braces, commas) itself.
/// </summary>
public sealed class CompactJsonWriter
{
    /// <summary>Printable ASCII but the quote and the backslash: the characters the encoder leaves as they are.</summary>
    private static readonly SearchValues<char> PlainAscii = SearchValues.Create(Enumerable.Range(' ', '~' - ' ' + 1).Select(c => (char)c).Where(c => c is not ('"' or '\\')).ToArray());

    private static readonly JsonSerializerOptions Escaping = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private byte[] _buffer;
    private int _length;

    public CompactJsonWriter(int capacity = 1024)
    {
        _buffer = new byte[capacity];
    }

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    public void Clear() => _length = 0;

    /// <summary>Bytes as they are: names, punctuation and other literals.</summary>
    public void Raw(ReadOnlySpan<byte> utf8)
    {
        utf8.CopyTo(Reserve(utf8.Length));
        _length += utf8.Length;
    }

    public void Raw(byte value)
    {
        Reserve(1)[0] = value;
        _length++;
    }

    /// <summary>Whether JSON writes the text as it is: printable ASCII without quote or backslash.</summary>
    public static bool IsPlain(ReadOnlySpan<char> text) => text.IndexOfAnyExcept(PlainAscii) < 0;

    /// <summary>A string value whose UTF-8 is known to be plain (<see cref="IsPlain"/>), quoted.</summary>
    public void PlainString(ReadOnlySpan<byte> utf8)
    {
        var span = Reserve(utf8.Length + 2);
        span[0] = (byte)'"';
        utf8.CopyTo(span[1..]);
        span[utf8.Length + 1] = (byte)'"';
        _length += utf8.Length + 2;
    }

    /// <summary>A string value, quoted and escaped.</summary>
    public void StringValue(string value)
    {
        if (IsPlain(value))
        {
            var span = Reserve(value.Length + 2);
            span[0] = (byte)'"';
            Ascii.FromUtf16(value, span[1..], out _);
            span[value.Length + 1] = (byte)'"';
            _length += value.Length + 2;
            return;
        }

        // Quotes, backslashes, control characters or non-ASCII text: Utf8JsonWriter itself writes them (JsonEncodedText
        // would differ: it refuses a lone surrogate, which the writer replaces by U+FFFD).
        Raw(JsonSerializer.SerializeToUtf8Bytes(value, Escaping));
    }

    public void Number(long value)
    {
        var span = Reserve(20);
        value.TryFormat(span, out int written, default, CultureInfo.InvariantCulture);
        _length += written;
    }

    /// <summary>A finite double in its shortest round-trip form.</summary>
    public void Number(double value)
    {
        if (!TryWriteShortDecimal(value))
        {
            var span = Reserve(32);
            value.TryFormat(span, out int written, default, CultureInfo.InvariantCulture);
            _length += written;
        }
    }

    private static readonly double[] PowersOfTen = [1, 10, 100, 1e3, 1e4, 1e5, 1e6];

    /// <summary>
    /// Most values in design files are decimals of a few places (1.25, 7.5, 1234.5678). When <paramref name="value"/> is
    /// m / 10^k for an integer m of at most 15 digits, that decimal is the shortest text that reads back as the value
    /// (decimals of up to 15 significant digits are distinct doubles), which is what the general formatter finds by a
    /// slower search. Only where that formatter writes plain notation (0.001 up to 10^15); everything else goes to it.
    /// </summary>
    private bool TryWriteShortDecimal(double value)
    {
        double magnitude = Math.Abs(value);
        if (!(magnitude >= 1e-3 && magnitude < 1e15))
        {
            return false;
        }

        for (int places = 0; places < PowersOfTen.Length; places++)
        {
            double scaled = value * PowersOfTen[places];
            if (Math.Abs(scaled) >= 1e15)
            {
                return false;
            }

            if (scaled != Math.Floor(scaled) || (long)scaled / PowersOfTen[places] != value)
            {
                continue;
            }

            long digits = (long)scaled;
            while (places > 0 && digits % 10 == 0)
            {
                digits /= 10;
                places--;
            }

            WriteDecimal(digits, places);
            return true;
        }

        return false;
    }

    /// <summary>digits / 10^places in plain notation: "-12.5", "0.0025".</summary>
    private void WriteDecimal(long digits, int places)
    {
        var span = Reserve(24);
        int at = 0;
        if (digits < 0)
        {
            span[at++] = (byte)'-';
            digits = -digits;
        }

        Span<byte> text = stackalloc byte[20];
        digits.TryFormat(text, out int length, default, CultureInfo.InvariantCulture);
        if (places == 0)
        {
            text[..length].CopyTo(span[at..]);
            _length += at + length;
            return;
        }

        int whole = length - places;
        if (whole <= 0)
        {
            span[at++] = (byte)'0';
            span[at++] = (byte)'.';
            span.Slice(at, -whole).Fill((byte)'0');
            at += -whole;
            text[..length].CopyTo(span[at..]);
            _length += at + length;
            return;
        }

        text[..whole].CopyTo(span[at..]);
        at += whole;
        span[at++] = (byte)'.';
        text[whole..length].CopyTo(span[at..]);
        _length += at + places;
    }

    public void Boolean(bool value) => Raw(value ? "true"u8 : "false"u8);

    /// <summary>An element id as a string: <c>"0x…"</c>, lower-case hex without leading zeros.</summary>
    public void ElementIdString(long id)
    {
        // Hex digits are written by hand: the formatter's "x" path parses its format string for every value, and three
        // such values a changeset line were 4 % of a first sync's CPU.
        int digits = Math.Max(1, (67 - BitOperations.LeadingZeroCount((ulong)id)) / 4);
        var span = Reserve(3 + digits + 1);
        "\"0x"u8.CopyTo(span);
        WriteHexDigits((ulong)id, span.Slice(3, digits));
        span[3 + digits] = (byte)'"';
        _length += 3 + digits + 1;
    }

    /// <summary>A 128-bit value as a string of 32 lower-case hex digits.</summary>
    public void Hex128String(UInt128 value)
    {
        var span = Reserve(34);
        span[0] = (byte)'"';
        WriteHexDigits((ulong)(value >> 64), span.Slice(1, 16));
        WriteHexDigits((ulong)value, span.Slice(17, 16));
        span[33] = (byte)'"';
        _length += 34;
    }

    /// <summary>The low <c>destination.Length</c> hex digits of <paramref name="value"/>, most significant first.</summary>
    private static void WriteHexDigits(ulong value, Span<byte> destination)
    {
        for (int i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = HexDigits[(int)(value & 0xF)];
            value >>= 4;
        }
    }

    private static ReadOnlySpan<byte> HexDigits => "0123456789abcdef"u8;

    private Span<byte> Reserve(int count)
    {
        if (_buffer.Length - _length < count)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }

        return _buffer.AsSpan(_length);
    }
}
