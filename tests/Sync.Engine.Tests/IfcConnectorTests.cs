using System.IO.Compression;
using System.Text;
using Sync.Engine.Connectors;
using Sync.Engine.Connectors.Ifc;
using Sync.Engine.Elements;
using Sync.Tests;
using Sync.Tests.Generators;

namespace Sync.Engine.Tests;

[TestClass]
public sealed class IfcConnectorTests
{
    internal static async Task<(List<SourceElement> Elements, SourceContext Context)> ReadAsync(IConnector connector, Stream content, string name, IReadOnlyDictionary<string, string>? settings = null)
    {
        var context = new SourceContext(name, settings);
        var elements = new List<SourceElement>();
        await foreach (var element in connector.ReadAsync(content, context, CancellationToken.None))
        {
            elements.Add(element);
        }

        return (elements, context);
    }

    private static Task<(List<SourceElement> Elements, SourceContext Context)> ReadAsync(string text, string name = "model.ifc", IReadOnlyDictionary<string, string>? settings = null) =>
        ReadAsync(new IfcConnector(), new MemoryStream(Encoding.UTF8.GetBytes(text)), name, settings);

    [TestMethod]
    public async Task FZK_Haus_every_building_element_has_its_class_storey_and_world_box()
    {
        await using var file = File.OpenRead(RealFiles.FzkHaus);
        var (elements, context) = await ReadAsync(new IfcConnector(), file, "AC14-FZK-Haus.ifc");
        var byId = elements.ToDictionary(e => e.Identifier);

        // An IFC2X3 file: no map conversion, but its site says 52°31'N 13°24'E, true north along project Y.
        StringAssert.StartsWith(context.CoordinateSystem, "IfcSite 52.516667 13.4 ");
        StringAssert.Contains(context.CoordinateSystemDefinition, "PARAMETER[\"latitude_of_origin\",52.516666");
        var storeys = elements.Where(e => e.ClassName == "IFC:IfcBuildingStorey").ToList();
        Assert.AreEqual(2, storeys.Count);
        Assert.AreEqual(1, elements.Count(e => e.ClassName == "IFC:IfcProject"));
        string[] classes = ["IFC:IfcWallStandardCase", "IFC:IfcDoor", "IFC:IfcWindow", "IFC:IfcSlab", "IFC:IfcBeam", "IFC:IfcSpace"];
        foreach (string className in classes)
        {
            var ofClass = elements.Where(e => e.ClassName == className).ToList();
            Assert.IsNotEmpty(ofClass, className);
            foreach (var element in ofClass)
            {
                Assert.IsNotNull(element.ParentIdentifier, $"{className} {element.Identifier} has a parent");
                string parentClass = byId[element.ParentIdentifier].ClassName;
                Assert.IsTrue(parentClass is "IFC:IfcBuildingStorey" or "IFC:IfcBuilding", $"{element.Identifier}'s parent is a {parentClass}");
                Assert.IsNotNull(element.BoundingBox, $"{className} {element.Identifier} has a world box");
            }
        }

        Assert.AreEqual(13, elements.Count(e => e.ClassName == "IFC:IfcWallStandardCase"));
        var door = elements.First(e => e.ClassName == "IFC:IfcDoor" && e.UserLabel == "Haustuer");
        Assert.AreEqual(2.01, door.Properties.Single(p => p.Key == "OverallHeight").Value);
        Assert.IsTrue(door.Relationships!.Any(r => r.Type == "type" && byId[r.TargetIdentifier].ClassName == "IFC:IfcDoorStyle"));
        Assert.IsTrue(door.Relationships!.Any(r => r.Type == "fills" && byId[r.TargetIdentifier].ClassName == "IFC:IfcOpeningElement"));
        var wall = elements.First(e => e.ClassName == "IFC:IfcWallStandardCase");
        Assert.IsTrue(wall.Relationships!.Any(r => r.Type == "material" && byId[r.TargetIdentifier].ClassName == "IFC:IfcMaterial"));
        Assert.AreEqual(elements.Count, byId.Count, "identifiers are unique");
    }

    [TestMethod]
    public async Task Generated_IFC4_gives_psets_quantities_types_materials_and_metres()
    {
        var (elements, context) = await ReadAsync(new IfcFileWriter { Walls = 4, Storeys = 2 }.Write());
        Assert.IsEmpty(context.Warnings, string.Join("; ", context.Warnings));
        var wall = elements.Single(e => e.Identifier == IfcFileWriter.WallGlobalId(1));
        Assert.AreEqual("IFC:IfcWall", wall.ClassName);
        Assert.AreEqual("Wall 1", wall.UserLabel);
        var properties = wall.Properties.ToDictionary(p => p.Key, p => p.Value);
        Assert.AreEqual("REI90", properties["Pset_WallCommon.FireRating"]);
        Assert.IsFalse((bool)properties["Pset_WallCommon.IsExternal"]);
        Assert.AreEqual(0.35, properties["Pset_WallCommon.ThermalTransmittance"]);
        Assert.AreEqual(4000.0, properties["Qto_WallBaseQuantities.Length"]);
        Assert.AreEqual("STANDARD", properties["PredefinedType"]);
        Assert.AreEqual("W-1", properties["Tag"]);
        Assert.AreEqual("Concrete C30/37", properties["Material"]);
        Assert.AreEqual(IfcFileWriter.StoreyGlobalId(1), wall.ParentIdentifier);
        CollectionAssert.AreEquivalent(new[] { "type", "material" }, wall.Relationships!.Select(r => r.Type).ToArray());
        Assert.AreEqual("IFC:IfcWallType", elements.Single(e => e.Identifier == wall.Relationships!.Single(r => r.Type == "type").TargetIdentifier).ClassName);

        // Wall 1 sits on storey 1 (3 m up), at x = 0 mm, turned so its 4 m length runs along Y: millimetres become metres.
        Assert.AreEqual(new Placement(0, 0, 3), wall.Placement);
        Assert.AreEqual(new BoundingBox(-0.2, 0, 3, 0, 4, 5.8), wall.BoundingBox);
        var first = elements.Single(e => e.Identifier == IfcFileWriter.WallGlobalId(0));
        Assert.AreEqual(new BoundingBox(0, 0, 0, 4, 0.2, 2.8), first.BoundingBox);
    }

    [TestMethod]
    [DataRow("$", false)]
    [DataRow("0.001", false)]
    [DataRow("$", true)]
    [DataRow("0.001", true)]
    public async Task A_map_conversion_places_the_model_on_its_map_and_names_the_files_coordinate_system(string scale, bool asPropertySets)
    {
        // A millimetre project on a metre map, its X axis turned to map north: a missing Scale converts the units,
        // an explicit one (project units to map units) says the same; IFC2X3's ePSet_MapConversion says it too.
        var writer = new IfcFileWriter { Walls = 2, Storeys = 1, MapCrs = "EPSG:25832", MapConversion = (500000, 5700000, 100, 0, 1, scale), MapAsPropertySets = asPropertySets };
        var (elements, context) = await ReadAsync(writer.Write());
        Assert.IsEmpty(context.Warnings, string.Join("; ", context.Warnings));
        Assert.AreEqual("EPSG:25832", context.CoordinateSystem);

        // Wall 0 runs 4 m along local X from the origin, 0.2 m thick, 2.8 m high: on the map it runs north from the false origin.
        var wall = elements.Single(e => e.Identifier == IfcFileWriter.WallGlobalId(0));
        Assert.AreEqual(new Placement(500000, 5700000, 100), wall.Placement);
        Assert.AreEqual(new BoundingBox(499999.8, 5700000, 100, 500000, 5700004, 102.8), wall.BoundingBox);
    }

    [TestMethod]
    [DataRow("FOOT", 0.3048, false)]
    [DataRow("US survey foot", 1200.0 / 3937, false)]
    [DataRow("METRE", 1.0, false)]
    [DataRow("furlong", 1.0, true)]
    public async Task An_IFC2X3_map_unit_converts_the_map_values_and_an_unknown_one_is_named(string unit, double unitInMetres, bool unknown)
    {
        // The same place as above, its false origin written in the map's unit; a scale says project millimetres to map units.
        double metres = unknown ? 1 : unitInMetres;
        var writer = new IfcFileWriter
        {
            Walls = 1,
            Storeys = 1,
            MapCrs = "EPSG:2263",
            MapConversion = (500000 / metres, 5700000 / metres, 100 / metres, 0, 1, (0.001 / metres).ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
            MapAsPropertySets = true,
            MapUnit = unit,
        };
        var (elements, context) = await ReadAsync(writer.Write());
        Assert.AreEqual(unknown, context.Warnings.Any(w => w.Contains($"MapUnit '{unit}'", StringComparison.Ordinal)), string.Join("; ", context.Warnings));

        var wall = elements.Single(e => e.Identifier == IfcFileWriter.WallGlobalId(0));
        Assert.AreEqual(500000, wall.Placement!.X, 1e-3);
        Assert.AreEqual(5700000, wall.Placement.Y, 1e-3);
        Assert.AreEqual(100, wall.Placement.Z, 1e-3);
        Assert.AreEqual(4, wall.BoundingBox!.HighY - wall.BoundingBox.LowY, 1e-6, "4 m of wall stay 4 m whatever the map's unit");
    }

    [TestMethod]
    public async Task A_georeferenced_model_is_reprojected_into_the_iModels_coordinate_system_or_says_why_not()
    {
        var writer = new IfcFileWriter { Walls = 1, Storeys = 1, MapCrs = "EPSG:25832", MapConversion = (500000, 5700000, 100, 1, 0, "$") };
        var (elements, context) = await ReadAsync(writer.Write(), settings: new Dictionary<string, string> { ["geographicCoordinateSystem"] = "EPSG:4258" });
        Assert.IsEmpty(context.Warnings, string.Join("; ", context.Warnings));
        Assert.AreEqual("EPSG:4258", context.CoordinateSystem);

        // Easting 500,000 is zone 32's central meridian, 9° E; northing 5,700,000 m is about 51.45° N. Heights stay.
        var wall = elements.Single(e => e.Identifier == IfcFileWriter.WallGlobalId(0));
        Assert.AreEqual(9, wall.Placement!.X, 1e-6);
        Assert.AreEqual(51.447, wall.Placement.Y, 0.01);
        Assert.AreEqual(100, wall.Placement.Z, 1e-9);
        Assert.IsTrue(wall.BoundingBox!.HighY > wall.BoundingBox.LowY && wall.BoundingBox.HighY - wall.BoundingBox.LowY < 1e-5, wall.BoundingBox.ToString());

        var (kept, unknown) = await ReadAsync(writer.Write(), settings: new Dictionary<string, string> { ["geographicCoordinateSystem"] = "EPSG:1" });
        Assert.IsTrue(unknown.Warnings.Any(w => w.Contains("the IFC model keeps its own coordinates", StringComparison.Ordinal)), string.Join("; ", unknown.Warnings));
        Assert.AreEqual("EPSG:25832", unknown.CoordinateSystem);
        Assert.AreEqual(new Placement(500000, 5700000, 100), kept.Single(e => e.Identifier == IfcFileWriter.WallGlobalId(0)).Placement);
    }

    [TestMethod]
    public async Task A_model_without_a_map_conversion_is_placed_by_its_sites_latitude_longitude_and_true_north()
    {
        // Project X points to true north; the site stands at 52°31'N 13°24'E, 34 m up. Wall 0 runs 4 m along X.
        var writer = new IfcFileWriter { Walls = 1, Storeys = 1, SiteLocation = ([52, 31, 0], [13, 24, 0], 34000), TrueNorth = (1, 0) };
        var (elements, context) = await ReadAsync(writer.Write());
        StringAssert.StartsWith(context.CoordinateSystem, "IfcSite 52.516667 13.4 ");
        Assert.IsTrue(context.Warnings.Any(w => w.Contains("reference latitude and longitude", StringComparison.Ordinal)), string.Join("; ", context.Warnings));

        // Map metres of the site's own transverse Mercator: the wall runs 4 m north from the origin; project Y points west.
        var wall = elements.Single(e => e.Identifier == IfcFileWriter.WallGlobalId(0));
        Assert.AreEqual(new Placement(0, 0, 34), wall.Placement);
        var box = wall.BoundingBox!;
        Assert.AreEqual(0, box.LowY, 1e-9);
        Assert.AreEqual(4, box.HighY, 1e-9);
        Assert.AreEqual(-0.2, box.LowX, 1e-9);
        Assert.AreEqual(0, box.HighX, 1e-9);
        Assert.AreEqual(34, box.LowZ, 1e-9);

        // Reprojected into UTM zone 33 (the iModel's system): the wall's origin is where WGS84 → UTM puts the site.
        var (reprojected, utm) = await ReadAsync(writer.Write(), settings: new Dictionary<string, string> { ["geographicCoordinateSystem"] = "EPSG:32633" });
        Assert.AreEqual("EPSG:32633", utm.CoordinateSystem);
        Assert.IsNull(utm.CoordinateSystemDefinition);
        var expected = new ProjNet.CoordinateSystems.Transformations.CoordinateTransformationFactory().CreateFromCoordinateSystems(
            ProjNet.CoordinateSystems.GeographicCoordinateSystem.WGS84, ProjNet.CoordinateSystems.ProjectedCoordinateSystem.WGS84_UTM(33, true)).MathTransform.Transform(13.4, 52 + (31.0 / 60));
        var placed = reprojected.Single(e => e.Identifier == IfcFileWriter.WallGlobalId(0)).Placement!;
        Assert.AreEqual(expected.x, placed.X, 0.01);
        Assert.AreEqual(expected.y, placed.Y, 0.01);
        Assert.AreEqual(391_700, placed.X, 500, "about 391.7 km east in zone 33 (control value)");
        Assert.AreEqual(5_820_000, placed.Y, 1_000, "about 5,820 km north (control value)");
    }

    [TestMethod]
    public async Task A_site_latitude_off_the_earth_places_nothing_and_says_so()
    {
        var writer = new IfcFileWriter { Walls = 1, Storeys = 1, SiteLocation = ([152, 0, 0], [13, 0, 0], 0) };
        var (elements, context) = await ReadAsync(writer.Write());
        Assert.IsNull(context.CoordinateSystem);
        Assert.IsTrue(context.Warnings.Any(w => w.Contains("not on Earth", StringComparison.Ordinal)), string.Join("; ", context.Warnings));
        Assert.AreEqual(new BoundingBox(0, 0, 0, 4, 0.2, 2.8), elements.Single(e => e.Identifier == IfcFileWriter.WallGlobalId(0)).BoundingBox);
    }

    [TestMethod]
    public async Task A_map_conversion_without_a_named_system_places_the_model_and_says_the_system_is_unknown()
    {
        string text = new IfcFileWriter { Walls = 1, Storeys = 1, MapCrs = "", MapConversion = (1000, 2000, 0, 1, 0, "$") }.Write();
        var (elements, context) = await ReadAsync(text);
        Assert.IsNull(context.CoordinateSystem);
        Assert.IsTrue(context.Warnings.Any(w => w.Contains("unknown system", StringComparison.Ordinal)), string.Join("; ", context.Warnings));
        Assert.AreEqual(new Placement(1000, 2000, 0), elements.Single(e => e.Identifier == IfcFileWriter.WallGlobalId(0)).Placement);
    }

    [TestMethod]
    public async Task Renumbered_instances_with_the_same_GlobalIds_read_the_same()
    {
        var (before, _) = await ReadAsync(new IfcFileWriter { Walls = 6 }.Write());
        var (after, _) = await ReadAsync(new IfcFileWriter { Walls = 6, IdOffset = 100_000 }.Write());
        Assert.AreEqual(before.Count, after.Count);
        var canonical = new CanonicalElement();
        foreach (var (a, b) in before.Zip(after))
        {
            Assert.AreEqual(a.Identifier, b.Identifier);
            Assert.AreEqual(canonical.Checksum(a, "f", 0), canonical.Checksum(b, "f", 0));
        }
    }

    [TestMethod]
    public async Task Ifczip_is_read_through_its_ifc_entry()
    {
        var zipped = new MemoryStream();
        using (var zip = new ZipArchive(zipped, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using var entry = await zip.CreateEntry("inner/model.ifc").OpenAsync();
            await entry.WriteAsync(Encoding.UTF8.GetBytes(new IfcFileWriter { Walls = 2 }.Write()));
        }

        zipped.Position = 0;
        var (elements, _) = await ReadAsync(new IfcConnector(), zipped, "model.ifczip");
        Assert.AreEqual(2, elements.Count(e => e.ClassName == "IFC:IfcWall"));
    }

    [TestMethod]
    public async Task Files_of_other_schemas_and_broken_geometry_are_reported()
    {
        var error = await Assert.ThrowsExactlyAsync<SourceFormatException>(() => ReadAsync(new IfcFileWriter().Write().Replace("FILE_SCHEMA(('IFC4'))", "FILE_SCHEMA(('AP214'))", StringComparison.Ordinal)));
        StringAssert.Contains(error.Message, "not an IFC file");

        // A placement that points at itself: the wall keeps its properties and loses its box, with a warning.
        string text = new IfcFileWriter { Walls = 1, Storeys = 1 }.Write();
        string cyclic = System.Text.RegularExpressions.Regex.Replace(text, @"#(\d+)=IFCLOCALPLACEMENT\(#\d+,(#\d+)\);\n(#\d+=IFCCARTESIANPOINT\(\(2000)", "#$1=IFCLOCALPLACEMENT(#$1,$2);\n$3");
        Assert.AreNotEqual(text, cyclic);
        var (elements, context) = await ReadAsync(cyclic);
        var wall = elements.Single(e => e.ClassName == "IFC:IfcWall");
        Assert.IsNull(wall.BoundingBox);
        Assert.IsTrue(context.Warnings.Any(w => w.Contains("cyclic", StringComparison.Ordinal) && w.Contains("line", StringComparison.Ordinal)), string.Join("; ", context.Warnings));
    }
}
