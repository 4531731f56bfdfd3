using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Sync.Engine.Elements;

namespace Sync.Engine.Tests;

[TestClass]
public sealed class CompactJsonWriterTests
{
    private static readonly JsonWriterOptions Reference = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    [TestMethod]
    public void Strings_are_escaped_as_Utf8JsonWriter_escapes_them()
    {
        var strings = Enumerable.Range(0, 0x80).Select(c => $"a{(char)c}b").Concat(
        [
            string.Empty, "plain", "\"quoted\"", "back\\slash", "tab\tnew\nline\r", "\u007f", "é", "日本語", "😀", "\u2028\u2029", "<script>&'+`", "\uFFFD", "mixed é \" \\ \u0001", "lone \ud800 high", "lone \udc00 low", "\ud83d",
        ]);
        foreach (string value in strings)
        {
            var writer = new CompactJsonWriter(4);
            writer.StringValue(value);
            Assert.AreEqual(WithReference(w => w.WriteStringValue(value)), Encoding.UTF8.GetString(writer.Written), $"string {Show(value)}");
        }
    }

    [TestMethod]
    public void Numbers_are_written_as_Utf8JsonWriter_writes_them()
    {
        var random = new Random(20261206);
        var doubles = new List<double> { 0, -0.0, 1, -1, 0.1, 1.0 / 3, 1e-5, 1e-4, 123456789012345.0, 1e15, 1e16, 1e21, 1.5e300, double.Epsilon, double.MaxValue, double.MinValue, 12.25 };
        double[] scales = [1e-4, 1e-3, 0.01, 1, 100, 1e4, 1e8, 1e12, 1e14, 1e15];
        for (int i = 0; i < 20_000; i++)
        {
            doubles.Add(BitConverter.Int64BitsToDouble(random.NextInt64()) is var d && double.IsFinite(d) ? d : random.NextDouble());
            // Decimals of a few places at every magnitude, both signs: the short path's values and its edges.
            double value = Math.Round(random.NextDouble() * scales[i % scales.Length], random.Next(0, 9));
            doubles.Add(i % 2 == 0 ? value : -value);
            doubles.Add(random.Next(-1_000_000, 1_000_000) / PowersOfTen[random.Next(0, 8)]);
        }

        var writer = new CompactJsonWriter(4);
        foreach (double value in doubles)
        {
            writer.Clear();
            writer.Number(value);
            Assert.AreEqual(WithReference(w => w.WriteNumberValue(value)), Encoding.UTF8.GetString(writer.Written), $"double {value:R}");
        }

        foreach (long value in new[] { 0L, -1L, 42L, long.MinValue, long.MaxValue })
        {
            writer.Clear();
            writer.Number(value);
            Assert.AreEqual(WithReference(w => w.WriteNumberValue(value)), Encoding.UTF8.GetString(writer.Written));
        }
    }

    [TestMethod]
    public void Ids_and_checksums_are_written_as_the_API_shows_them()
    {
        var writer = new CompactJsonWriter(2);
        var random = new Random(7);
        long[] edges = [0, 1, 0xF, 0x10, 0xFF, 0x100, 0x3039, long.MaxValue, -1, long.MinValue];
        foreach (long id in edges.Concat(Enumerable.Range(0, 1000).Select(_ => random.NextInt64(long.MinValue, long.MaxValue) >> random.Next(64))))
        {
            writer.Clear();
            writer.ElementIdString(id);
            Assert.AreEqual($"\"{ElementId.Format(id)}\"", Encoding.UTF8.GetString(writer.Written));
        }

        UInt128[] checksums = [UInt128.Zero, UInt128.One, UInt128.MaxValue, new UInt128(0x0123456789abcdef, 0xfedcba9876543210)];
        foreach (var checksum in checksums.Concat(Enumerable.Range(0, 1000).Select(_ => new UInt128((ulong)random.NextInt64(), (ulong)random.NextInt64()) >> random.Next(128))))
        {
            writer.Clear();
            writer.Hex128String(checksum);
            Assert.AreEqual($"\"{checksum.ToString("x32", CultureInfo.InvariantCulture)}\"", Encoding.UTF8.GetString(writer.Written));
        }
    }

    [TestMethod]
    public void The_buffer_grows_to_hold_any_length()
    {
        var writer = new CompactJsonWriter(1);
        string longText = new('x', 100_000);
        writer.Raw("["u8);
        writer.StringValue(longText);
        writer.Raw((byte)',');
        writer.Boolean(false);
        writer.Raw("]"u8);
        Assert.AreEqual($"[\"{longText}\",false]", Encoding.UTF8.GetString(writer.Written));
    }

    private static readonly double[] PowersOfTen = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7];

    private static string WithReference(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Reference))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string Show(string value) => string.Concat(value.Select(c => c < 0x20 || c > 0x7e ? $"\\u{(int)c:x4}" : c.ToString()));
}
