using System.Text;
using Sync.Engine.Elements;

namespace Sync.Engine.Tests;

[TestClass]
public sealed class CanonicalElementTests
{
    [TestMethod]
    public void Property_order_does_not_change_the_checksum_but_a_value_does()
    {
        var canonical = new CanonicalElement();
        var a = new SourceElement("P-1", "PSEXCEL:Pumps", [new("b", 2L), new("a", "x")]);
        var b = new SourceElement("P-1", "PSEXCEL:Pumps", [new("a", "x"), new("b", 2L)]);
        var c = new SourceElement("P-1", "PSEXCEL:Pumps", [new("a", "x"), new("b", 3L)]);
        UInt128 ha = canonical.Checksum(a, "f", 0);
        Assert.AreEqual(ha, canonical.Checksum(b, "f", 0));
        Assert.AreNotEqual(ha, canonical.Checksum(c, "f", 0));
        canonical.WriteJson(a, "f", 0);
        string json = Encoding.UTF8.GetString(canonical.Json);
        canonical.WriteJson(b, "f", 0);
        Assert.AreEqual(json, Encoding.UTF8.GetString(canonical.Json));
        Assert.AreEqual("""{"classFullName":"PSEXCEL:Pumps","sourceFileId":"f","identifier":"P-1","properties":{"a":"x","b":2}}""", json);
    }

    [TestMethod]
    public void An_element_has_the_same_forms_after_any_elements_before_it()
    {
        // One instance keeps the encodings of the names, class and source file it saw last, by position: what it gives
        // must not depend on them. Names and classes here repeat as the same strings, as equal strings, change at a
        // position, need escaping, and are non-ASCII.
        string pressure = "pressure", label = "Ä label", quoted = "say \"hi\"";
        var elements = new List<(SourceElement Element, string SourceFile)>
        {
            (new SourceElement("1", "T:A", [new("flow", 1L), new(pressure, 2.5)]), "f"),
            (new SourceElement("2", "T:A", [new("flow", 1L), new(pressure, 2.5)]), "f"),
            (new SourceElement("3", "T:A", [new(new string("flow"), 1L), new(new string(pressure), 2.5)]), "f"),
            (new SourceElement("4", "T:A", [new("flow", 1L), new("pressurf", 2.5)]), "f"),
            (new SourceElement("5", "T:B", [new("flow", 1L), new(quoted, 2.5)]), "g"),
            (new SourceElement("5b", "T:B", [new("flow", 1L), new(quoted, 2.5)]), "g"),
            (new SourceElement("6", "T:\"B\"", [new("flow", 1L), new(label, 2.5)]), "g"),
            (new SourceElement("7", "T:A", [new("flow", 1L), new(pressure, 2.5), new("z", "x")]), "f"),
            (new SourceElement("8", "T:A", [new("flow", 1L)]), "f"),
            (new SourceElement("9", "T:A", [new("flow", 1L), new(pressure, 2.5), new("z", "x")]), "f"),
        };

        var reused = new CanonicalElement();
        var forms = new HashSet<string>();
        foreach (var (element, sourceFile) in elements)
        {
            var fresh = new CanonicalElement();
            UInt128 expected = fresh.Checksum(element, sourceFile, 0);
            fresh.WriteJson(element, sourceFile, 0);
            Assert.AreEqual(expected, reused.Checksum(element, sourceFile, 0), element.Identifier);
            reused.WriteJson(element, sourceFile, 0);
            Assert.AreEqual(Encoding.UTF8.GetString(fresh.Json), Encoding.UTF8.GetString(reused.Json), element.Identifier);
            forms.Add($"{expected}");
        }

        Assert.AreEqual(elements.Count, forms.Count, "every element differs from the others in identifier, so in checksum");
        reused.WriteJson(elements[6].Element, "g", 0);
        StringAssert.Contains(Encoding.UTF8.GetString(reused.Json), "\"classFullName\":\"T:\\\"B\\\"\"");
        reused.WriteJson(elements[3].Element, "f", 0);
        StringAssert.Contains(Encoding.UTF8.GetString(reused.Json), "\"pressurf\":2.5");
    }

    /// <summary>
    /// Committed snapshots hold checksums and changesets hold this JSON: a byte of drift in either makes every element of
    /// a changed file an update. The expected values were computed by the Utf8JsonWriter-based writer this one replaced.
    /// </summary>
    [TestMethod]
    public void The_canonical_forms_of_an_element_with_every_kind_of_field_stay_as_they_were()
    {
        var canonical = new CanonicalElement();
        var element = new SourceElement(
            "Wand «Süd» 😀 \"q\" \\ \t",
            "IFC:IfcWall",
            [new("zeta", 1.5e300), new("alpha", "x<y>&'\u2028"), new("nan", double.NaN), new("inf", double.NegativeInfinity), new("tiny", 1e-7), new("big", 1e16), new("int", 42), new("long", long.MinValue), new("flag", true), new("dec", 12.34m), new("neg0", -0.0)],
            UserLabel: "Ä label",
            Placement: new Placement(1.25, -3, 1e-5),
            BoundingBox: new BoundingBox(0, 0.1, 0.2, 1e21, 2, 3));
        ResolvedRelationship[] relationships = [new("material", 77), new("type", long.MaxValue)];

        UInt128 checksum = canonical.Checksum(element, "src-é", 12345, relationships);
        canonical.WriteJson(element, "src-é", 12345, relationships);

        Assert.AreEqual("8e3dc93a17ca48e7b6965ab45be316a1", checksum.ToString("x32", System.Globalization.CultureInfo.InvariantCulture));
        Assert.AreEqual(
            """{"classFullName":"IFC:IfcWall","sourceFileId":"src-é","identifier":"Wand «Süd» \uD83D\uDE00 \"q\" \\ \t","parentId":"0x3039","userLabel":"Ä label","properties":{"alpha":"x<y>&'\u2028","big":10000000000000000,"dec":"12.34","flag":true,"inf":"-Infinity","int":42,"long":-9223372036854775808,"nan":"NaN","neg0":-0,"tiny":1E-07,"zeta":1.5E+300},"placement":{"x":1.25,"y":-3,"z":1E-05},"bbox":{"low":[0,0.1,0.2],"high":[1E+21,2,3]},"relationships":[{"type":"parent","targetId":"0x3039"},{"type":"material","targetId":"0x4d"},{"type":"type","targetId":"0x7fffffffffffffff"}]}""",
            Encoding.UTF8.GetString(canonical.Json));
    }

    [TestMethod]
    public void A_placement_that_is_not_a_number_is_refused()
    {
        var canonical = new CanonicalElement();
        var element = new SourceElement("1", "C", [], Placement: new Placement(0, double.NaN, 0));
        Assert.ThrowsExactly<ArgumentException>(() => canonical.WriteJson(element, "f", 0));
    }

    [TestMethod]
    public void A_type_change_changes_the_checksum()
    {
        var canonical = new CanonicalElement();
        Assert.AreNotEqual(
            canonical.Checksum(new SourceElement("1", "C", [new("v", 1L)]), "f", 0),
            canonical.Checksum(new SourceElement("1", "C", [new("v", "1")]), "f", 0));
    }

    [TestMethod]
    public void Fields_cannot_run_into_each_other()
    {
        var canonical = new CanonicalElement();
        Assert.AreNotEqual(
            canonical.Checksum(new SourceElement("ab", "C", [new("v", "x")]), "f", 0),
            canonical.Checksum(new SourceElement("a", "C", [new("v", "x")], UserLabel: "b"), "f", 0));
        Assert.AreNotEqual(
            canonical.Checksum(new SourceElement("1", "C", [new("a", "bc")]), "f", 0),
            canonical.Checksum(new SourceElement("1", "C", [new("ab", "c")]), "f", 0));
        Assert.AreNotEqual(
            canonical.Checksum(new SourceElement("1", "C", []), "f", 0),
            canonical.Checksum(new SourceElement("1", "C", [], Placement: new Placement(0, 0, 0)), "f", 0));
    }

    [TestMethod]
    public void Element_ids_are_deterministic_positive_and_scoped_to_iModel_and_file()
    {
        var iModel = Guid.NewGuid();
        long id = ElementId.For(iModel, "file-1", "P-101");
        Assert.AreEqual(id, ElementId.For(iModel, "file-1", "P-101"));
        Assert.AreNotEqual(id, ElementId.For(iModel, "file-2", "P-101"));
        Assert.AreNotEqual(id, ElementId.For(Guid.NewGuid(), "file-1", "P-101"));
        Assert.IsGreaterThan(0L, id);
        Assert.IsTrue(ElementId.TryParse(ElementId.Format(id), out long parsed));
        Assert.AreEqual(id, parsed);
        Assert.AreEqual(ElementId.For(iModel, "f", new string('x', 5000)), ElementId.For(iModel, "f", new string('x', 5000)), "long identifiers use a pooled buffer");
    }
}
