using System.Text;
using Sync.Engine.Connectors;
using Sync.Engine.Connectors.StepPart21;

namespace Sync.Engine.Tests;

[TestClass]
public sealed class StepFileTests
{
    private static StepFile Parse(string data, string header = "FILE_SCHEMA(('IFC4'));")
    {
        byte[] bytes = Encoding.UTF8.GetBytes($"ISO-10303-21;\r\nHEADER;\r\n{header}\r\nENDSEC;\r\nDATA;\r\n{data}\r\nENDSEC;\r\nEND-ISO-10303-21;\r\n");
        return StepFile.Parse(bytes, bytes.Length, "test.ifc");
    }

    [TestMethod]
    public void Instances_are_indexed_and_parameters_parsed_on_demand()
    {
        var file = Parse("#1=IFCCARTESIANPOINT((0.,1.5,-2.E3));\r\n#5= IFCWALL('abc',$,*,.T.,#1,(#1,#2),IFCLABEL('x'),12,\"0FF\");\r\n#2=IFCX(());");
        Assert.AreEqual(3, file.Count);
        CollectionAssert.AreEqual(new[] { "IFC4" }, file.Schemas.ToArray());
        var point = file.Get(1)!;
        Assert.AreEqual("IFCCARTESIANPOINT", point.TypeName);
        CollectionAssert.AreEqual(new double?[] { 0, 1.5, -2000 }, point[0].List.Select(v => v.AsNumber).ToArray());
        var wall = file.Get(5)!;
        Assert.AreEqual("abc", wall[0].AsText);
        Assert.AreEqual(StepKind.Missing, wall[1].Kind);
        Assert.AreEqual(StepKind.Derived, wall[2].Kind);
        Assert.AreEqual(new StepValue(StepKind.Enumeration, Text: "T"), wall[3]);
        Assert.AreEqual(1, wall[4].Whole);
        Assert.AreEqual(2, wall[5].List.Count);
        Assert.AreEqual("IFCLABEL", wall[6].Text);
        Assert.AreEqual("x", wall[6].AsText);
        Assert.AreEqual(StepKind.WholeNumber, wall[7].Kind);
        Assert.AreEqual(new StepValue(StepKind.Binary, Text: "0FF"), wall[8]);
        Assert.AreEqual(0, file.Get(2)![0].List.Count);
        Assert.IsNull(file.Get(3));
    }

    [TestMethod]
    public void Strings_decode_quotes_and_every_escape()
    {
        var file = Parse(@"#1=X('it''s \\ a \X\E9 \X2\00C400D6\X0\ \X4\0001F600\X0\ \S\a \PA\end');#2=X('has ; and ) and /* inside');#3=X('Gr'/* comment */);");
        Assert.AreEqual("it's \\ a é ÄÖ 😀 á end", file.Get(1)![0].AsText);
        Assert.AreEqual("has ; and ) and /* inside", file.Get(2)![0].AsText);
        Assert.AreEqual("Gr", file.Get(3)![0].AsText);
    }

    [TestMethod]
    public void Complex_instances_keep_every_part()
    {
        var file = Parse("#7=(IFCA(1)IFCB('b',2.));");
        var entity = file.Get(7)!;
        Assert.AreEqual("IFCA", entity.TypeName);
        Assert.AreEqual(2, entity.Parts!.Count);
        Assert.AreEqual("IFCB", entity.Parts[1].TypeName);
        Assert.AreEqual("b", entity.Parts[1].Arguments[0].AsText);
    }

    [TestMethod]
    public void Sparse_ids_and_a_very_long_line_are_found()
    {
        string longList = string.Join(",", Enumerable.Range(0, 200_000).Select(i => $"#{i + 10}"));
        var file = Parse($"#900000000=IFCX(({longList}));#5=IFCY(1);");
        Assert.AreEqual(200_000, file.Get(900_000_000)![0].List.Count);
        Assert.AreEqual(1, file.Get(5)![0].Whole);
    }

    [TestMethod]
    [DataRow("#1=IFCX(1,2;", "line 6, column 12", DisplayName = "semicolon inside parentheses")]
    [DataRow("#1=IFCX(1));", "line 6, column 11", DisplayName = "unbalanced parenthesis")]
    [DataRow("#1=IFCX('open);", "line 6, column 9", DisplayName = "unterminated string")]
    [DataRow("#1=IFCX(1);\r\n#1=IFCY(2);", "defined twice", DisplayName = "duplicate id")]
    [DataRow("#1=IFCX(1)", "line 8, column 1", DisplayName = "missing semicolon: the next section reads as part of the instance")]
    [DataRow("#1 IFCX(1);", "expected '='", DisplayName = "missing equals")]
    [DataRow("#1=IFCX(1 2);", "expected ',' or ')'", DisplayName = "missing comma")]
    public void Malformed_data_names_line_and_column(string data, string expected)
    {
        var file = TryParse(data, out var error);
        if (error is null)
        {
            // Some faults only show when the instance's parameters are parsed.
            error = Assert.ThrowsExactly<SourceFormatException>(() => file!.Parse(0));
        }

        StringAssert.Contains(error.Message, expected);
        StringAssert.Contains(error.Message, "test.ifc");
    }

    [TestMethod]
    public void Absurd_nesting_is_refused_not_a_stack_overflow()
    {
        string deep = new string('(', 100_000) + new string(')', 100_000);
        var error = Assert.ThrowsExactly<SourceFormatException>(() => Parse($"#1=IFCX({deep});"));
        StringAssert.Contains(error.Message, "nested deeper");
    }

    [TestMethod]
    public void Truncated_files_and_other_formats_are_refused()
    {
        byte[] truncated = Encoding.ASCII.GetBytes("ISO-10303-21;\nHEADER;\nFILE_SCHEMA(('IFC4'));\nENDSEC;\nDATA;\n#1=IFCX(1);\n#2=IFC");
        StringAssert.Contains(Assert.ThrowsExactly<SourceFormatException>(() => StepFile.Parse(truncated, truncated.Length, "t.ifc")).Message, "line 7");
        byte[] other = Encoding.ASCII.GetBytes("0\nSECTION\n");
        StringAssert.Contains(Assert.ThrowsExactly<SourceFormatException>(() => StepFile.Parse(other, other.Length, "t.ifc")).Message, "not a STEP file");
    }

    private static StepFile? TryParse(string data, out SourceFormatException? error)
    {
        try
        {
            error = null;
            return Parse(data);
        }
        catch (SourceFormatException e)
        {
            error = e;
            return null;
        }
    }
}
