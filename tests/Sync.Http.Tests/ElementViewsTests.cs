using System.Text;
using System.Text.Json;
using Sync.Engine.Elements;
using Sync.Http.Api;
using Sync.Http.Infrastructure;

namespace Sync.Http.Tests;

[TestClass]
public sealed class ElementViewsTests
{
    private static readonly JsonSerializerOptions StoredOptions = new(JsonSerializerDefaults.Web);

    [TestMethod]
    public void A_stored_element_is_written_byte_for_byte_as_its_view_would_be()
    {
        var links = new PageLinks(new Link("https://host/imodels/x/elements?$skip=0&$top=2"), null, null);
        (SourceElement Element, long ParentId, ResolvedRelationship[] Relationships)[] cases =
        [
            (new SourceElement(
                "W-1",
                "IFC:IfcWall",
                [new("Name", "Wand \"Nord\" – é <&> \\ /"), new("Height", 2.8), new("Count", 3L), new("Small", 1e-7), new("Large", 12345678901234.5), new("LoadBearing", true), new("Negative", -0.0)],
                "Wall \u0001 1",
                "Storey-1",
                new Placement(1.5, -2.25, 1e-9),
                new BoundingBox(0, 0, 0, 4, 0.2, 2.8)),
             42,
             [new ResolvedRelationship("type", 77), new ResolvedRelationship("material", 78)]),
            (new SourceElement("R-1", "PSEXCEL:Row", [new("Tag", "P-1")]), 0, []),
            (new SourceElement("E-1", "DXF:Line", []), 0, []),
        ];

        var canonical = new CanonicalElement();
        var views = new List<ElementView>();
        var stored = new List<StoredElement>();
        long id = 0x1_0000_0001;
        foreach (var (element, parentId, relationships) in cases)
        {
            canonical.WriteJson(element, "7f6e5d4c-0000-4000-8000-000000000001", parentId, relationships);
            string json = Encoding.UTF8.GetString(canonical.Json);
            string checksum = canonical.Checksum(element, "7f6e5d4c-0000-4000-8000-000000000001", parentId, relationships).ToString("x32", System.Globalization.CultureInfo.InvariantCulture);
            string elementId = ElementId.Format(id++);

            // What the API wrote before: the stored JSON parsed into a view, properties as a tree, then written.
            views.Add(JsonSerializer.Deserialize<ElementView>(json, StoredOptions)! with { Id = elementId, Checksum = checksum });
            stored.Add(new StoredElement(elementId, json, checksum));
        }

        string expected = JsonSerializer.Serialize(new ElementsAnswer(views, links), ApiJson.Options);
        Assert.AreEqual(expected, JsonSerializer.Serialize(new StoredElementsAnswer(stored, links), ApiJson.Options));
        Assert.AreEqual(JsonSerializer.Serialize(new ElementAnswer(views[0]), ApiJson.Options), JsonSerializer.Serialize(new StoredElementAnswer(stored[0]), ApiJson.Options));
        StringAssert.Contains(expected, "\"relationships\":[{\"type\":\"parent\"", "the case with every field is written in full");
    }
}
