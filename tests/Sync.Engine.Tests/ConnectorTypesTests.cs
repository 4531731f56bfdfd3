using Sync.Engine.Catalog;

namespace Sync.Engine.Tests;

[TestClass]
public sealed class ConnectorTypesTests
{
    [TestMethod]
    [DataRow("IFC", "IFC")]
    [DataRow("psexcel", "PSEXCEL")]
    [DataRow("Civil3D", "CIVIL3D")]
    public void Known_types_normalize_to_their_canonical_spelling(string input, string expected)
    {
        Assert.AreEqual(expected, ConnectorTypes.Normalize(input));
    }

    [TestMethod]
    [DataRow(null)]
    [DataRow("")]
    [DataRow("AUTOCAD")]
    [DataRow("IFC ")]
    public void Unknown_types_are_null(string? input)
    {
        Assert.IsNull(ConnectorTypes.Normalize(input));
    }

    [TestMethod]
    public void The_catalogue_holds_the_spec_values_once_each()
    {
        foreach (string type in new[] { "AUTOPLANT", "CIVIL", "CIVIL3D", "DWG", "GEOSPATIAL", "IFC", "MSTN", "NWD", "OBD", "OPENTOWER", "REVIT", "SPPID", "SPXREVIEW", "PROSTRUCTURES", "PSEXCEL" })
        {
            CollectionAssert.Contains(ConnectorTypes.All.ToList(), type);
        }

        CollectionAssert.AllItemsAreUnique(ConnectorTypes.All.ToList());
    }
}
