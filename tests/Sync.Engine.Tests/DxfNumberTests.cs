using System.Globalization;
using System.Text;
using Sync.Engine.Connectors.Dxf;

namespace Sync.Engine.Tests;

[TestClass]
public sealed class DxfNumberTests
{
    [TestMethod]
    public void Decimals_parse_to_the_same_double_as_the_framework_parser()
    {
        var random = new Random(7);
        for (int n = 0; n < 200_000; n++)
        {
            string text = random.Next(4) switch
            {
                0 => (random.NextDouble() * Math.Pow(10, random.Next(-8, 12))).ToString("R", CultureInfo.InvariantCulture),
                1 => (-random.NextDouble() * 1000).ToString("F" + random.Next(0, 16), CultureInfo.InvariantCulture),
                2 => random.NextInt64(-1_000_000_000_000, 1_000_000_000_000).ToString(CultureInfo.InvariantCulture),
                _ => $"{random.Next(0, 99999)}.{new string('0', random.Next(0, 6))}{random.Next(0, 999999)}",
            };
            AssertSame(text);
        }
    }

    [TestMethod]
    [DataRow("0")]
    [DataRow("-0.0")]
    [DataRow("+3")]
    [DataRow(".5")]
    [DataRow("5.")]
    [DataRow("1e5")]
    [DataRow("-2.5E-3")]
    [DataRow("123456789012345678901234567890")]
    [DataRow("0.1234567890123456789")]
    [DataRow("0.00000000000000000000000001")]
    [DataRow("1.7976931348623157E+308")]
    [DataRow("000000000000000000000012.5")]
    public void Edge_cases_parse_like_the_framework_parser(string text) => AssertSame(text);

    [TestMethod]
    [DataRow("")]
    [DataRow("-")]
    [DataRow(".")]
    [DataRow("1.2.3")]
    [DataRow("12a")]
    [DataRow("1e999")]
    [DataRow("NaN")]
    public void Text_that_is_not_a_finite_number_is_refused(string text) =>
        Assert.IsFalse(DxfNumber.TryParse(Encoding.ASCII.GetBytes(text), out _), text);

    private static void AssertSame(string text)
    {
        Assert.IsTrue(DxfNumber.TryParse(Encoding.ASCII.GetBytes(text), out double parsed), text);
        double expected = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        Assert.AreEqual(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(parsed), text);
    }
}
