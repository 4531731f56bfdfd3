using System.Text;
using Sync.Engine.Elements;

namespace Sync.Engine.Tests;

[TestClass]
public sealed class CanonicalElementTests
{
    [TestMethod]
    public void Property_order_does_not_change_the_checksum_but_a_value_does()
    {
        using var canonical = new CanonicalElement();
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
    public void A_type_change_changes_the_checksum()
    {
        using var canonical = new CanonicalElement();
        Assert.AreNotEqual(
            canonical.Checksum(new SourceElement("1", "C", [new("v", 1L)]), "f", 0),
            canonical.Checksum(new SourceElement("1", "C", [new("v", "1")]), "f", 0));
    }

    [TestMethod]
    public void Fields_cannot_run_into_each_other()
    {
        using var canonical = new CanonicalElement();
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
