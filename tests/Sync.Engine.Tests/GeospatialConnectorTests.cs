using System.IO.Compression;
using System.Text;
using Sync.Engine.Changes;
using Sync.Engine.Connectors;
using Sync.Engine.Connectors.Geometry;
using Sync.Engine.Connectors.Geospatial;
using Sync.Engine.Elements;
using Sync.Tests.Generators;
using static Sync.Engine.Tests.Support.EngineHarness;

namespace Sync.Engine.Tests;

[TestClass]
public sealed class GeospatialConnectorTests
{
    private static Task<(List<SourceElement> Elements, SourceContext Context)> ReadAsync(byte[] content, string name) =>
        IfcConnectorTests.ReadAsync(new GeospatialConnector(), new MemoryStream(content), name);

    private static Task<(List<SourceElement> Elements, SourceContext Context)> ReadAsync(string text, string name = "assets.geojson") =>
        ReadAsync(Encoding.UTF8.GetBytes(text), name);

    private static object Property(SourceElement element, string name) => element.Properties.Single(p => p.Key == name).Value;

    [TestMethod]
    public async Task GeoJSON_features_become_elements_with_typed_attributes_geometry_measures_and_their_layer()
    {
        var (elements, context) = await ReadAsync(new GisFileWriter { Features = 9 }.GeoJson());
        Assert.IsEmpty(context.Warnings, string.Join("; ", context.Warnings));
        Assert.AreEqual(10, elements.Count);
        var layer = elements[^1];
        Assert.AreEqual(("layer:assets", "GEOSPATIAL:Layer"), (layer.Identifier, layer.ClassName));
        Assert.AreEqual("EPSG:4326", Property(layer, "CRS"));
        Assert.AreEqual(9L, Property(layer, "FeatureCount"));
        Assert.AreEqual("LineString,Point,Polygon", Property(layer, "GeometryTypes"));
        Assert.AreEqual(new BoundingBox(0, 0, 0, 10, 18, 0), layer.BoundingBox);

        var point = elements.Single(e => e.Identifier == "assets/F-3");
        Assert.AreEqual("GEOSPATIAL:assets", point.ClassName);
        Assert.AreEqual("layer:assets", point.ParentIdentifier);
        Assert.AreEqual("Asset 3", point.UserLabel);
        Assert.AreEqual(3L, Property(point, "count"));
        Assert.AreEqual(0.75, Property(point, "ratio"));
        Assert.IsFalse((bool)Property(point, "open"));
        Assert.AreEqual("[\"a\",\"b\"]", Property(point, "tags"));
        Assert.IsFalse(point.Properties.Any(p => p.Key is "note" or "Length" or "Area"), "null attributes and measures a point has not are left out");
        Assert.AreEqual(new Placement(3, 6, 0), point.Placement);

        var line = elements.Single(e => e.Identifier == "assets/F-4");
        Assert.AreEqual("LineString", Property(line, "GeometryType"));
        Assert.AreEqual(7.0, Property(line, "Length"));
        Assert.AreEqual(new BoundingBox(4, 8, 0, 7, 12, 0), line.BoundingBox);
        var square = elements.Single(e => e.Identifier == "assets/F-5");
        Assert.AreEqual(1.0, Property(square, "Area"));
        Assert.AreEqual(4.0, Property(square, "Length"));
    }

    [TestMethod]
    public async Task A_large_collection_streams_across_buffer_refills_and_a_legacy_crs_member_names_the_layer_CRS()
    {
        var writer = new GisFileWriter { Features = 5_000 };
        var (elements, _) = await ReadAsync(writer.GeoJson("urn:ogc:def:crs:EPSG::3857"));
        Assert.AreEqual(5_001, elements.Count);
        CollectionAssert.AreEqual(Enumerable.Range(0, 5_000).Select(i => "assets/" + GisFileWriter.Id(i)).ToArray(), elements.Take(5_000).Select(e => e.Identifier).ToArray());
        Assert.AreEqual("EPSG:3857", Property(elements[^1], "CRS"));
    }

    [TestMethod]
    public async Task Without_GeoJSON_ids_an_id_attribute_identifies_features_and_a_warning_says_which()
    {
        var (elements, context) = await ReadAsync(new GisFileWriter { Features = 4, GeoJsonIds = false }.GeoJson());
        Assert.AreEqual("assets/F-2", elements[2].Identifier);
        StringAssert.Contains(context.Warnings.Single(), "'id' attribute");

        string bare = "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"kind\":\"a\"},\"geometry\":null},{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2,3]}}]}";
        (elements, context) = await ReadAsync(bare, "bare.json");
        CollectionAssert.AreEqual(new[] { "bare/fid:1", "bare/fid:2", "layer:bare" }, elements.Select(e => e.Identifier).ToArray());
        Assert.AreEqual(new BoundingBox(1, 2, 3, 1, 2, 3), elements[1].BoundingBox);
        StringAssert.Contains(context.Warnings.Single(), "by position (FID)");
    }

    [TestMethod]
    [DataRow("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}", "truncated")]
    [DataRow("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,", "not valid JSON")]
    [DataRow("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}", "only inside a FeatureCollection")]
    [DataRow("{\"type\":\"FeatureCollection\",\"features\":[42]}", "must be an object")]
    [DataRow("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"geometry\":{\"type\":\"Pointy\",\"coordinates\":[1,2]}}]}", "feature 1")]
    [DataRow("PK\u0003\u0004 not json", "not valid JSON")]
    public async Task Broken_GeoJSON_is_a_format_error_that_says_what_is_wrong(string text, string expected)
    {
        var error = await Assert.ThrowsExactlyAsync<SourceFormatException>(() => ReadAsync(text));
        StringAssert.Contains(error.Message, expected);
    }

    [TestMethod]
    public async Task A_zipped_shapefile_is_a_layer_with_its_prj_CRS_and_dbf_attributes()
    {
        var (elements, context) = await ReadAsync(new GisFileWriter { Features = 6 }.ShapefileZip("parcels"), "parcels.zip");
        Assert.IsEmpty(context.Warnings.Where(w => !w.Contains("'id' attribute", StringComparison.Ordinal)).ToList(), string.Join("; ", context.Warnings));
        Assert.AreEqual(7, elements.Count);
        var layer = elements[^1];
        Assert.AreEqual("EPSG:32633", Property(layer, "CRS"));
        StringAssert.StartsWith((string)Property(layer, "CRSDefinition"), "PROJCS[");
        var parcel = elements.Single(e => e.Identifier == "parcels/F-4");
        Assert.AreEqual("GEOSPATIAL:parcels", parcel.ClassName);
        Assert.AreEqual(4L, Property(parcel, "count"));
        Assert.AreEqual(1.0, Property(parcel, "ratio"));
        Assert.AreEqual(1.0, Property(parcel, "Area"));
        Assert.AreEqual(new BoundingBox(4, 8, 0, 5, 9, 0), parcel.BoundingBox);
    }

    [TestMethod]
    public async Task A_shapefile_without_dbf_or_prj_or_shp_is_explained()
    {
        var writer = new GisFileWriter { Features = 2 };
        var error = await Assert.ThrowsExactlyAsync<SourceFormatException>(() => ReadAsync(writer.ShapefileZip("roads", GisFileWriter.UtmZone33NWkt, ".dbf"), "roads.zip"));
        StringAssert.Contains(error.Message, "has no .dbf file");

        var (elements, context) = await ReadAsync(writer.ShapefileZip("roads", null), "roads.zip");
        Assert.IsFalse(elements[^1].Properties.Any(p => p.Key == "CRS"));
        Assert.IsTrue(context.Warnings.Any(w => w.Contains("no .prj file", StringComparison.Ordinal)));

        error = await Assert.ThrowsExactlyAsync<SourceFormatException>(() => ReadAsync(writer.ShapefileZip("roads", null, ".shp", ".shx", ".dbf"), "roads.zip"));
        StringAssert.Contains(error.Message, "holds no shapefile");
        error = await Assert.ThrowsExactlyAsync<SourceFormatException>(() => ReadAsync([1, 2, 3], "roads.shp"));
        StringAssert.Contains(error.Message, "upload the shapefile as a .zip");
    }

    [TestMethod]
    public async Task Zip_members_that_escape_the_archive_or_inflate_like_a_bomb_are_refused()
    {
        foreach (string name in new[] { "../evil.shp", "/etc/evil.shp", "C:/evil.shp", "a/../../evil.shp" })
        {
            var error = await Assert.ThrowsExactlyAsync<SourceFormatException>(() => ReadAsync(Zip((name, new byte[10])), "evil.zip"), name);
            StringAssert.Contains(error.Message, "points outside the archive");
        }

        var twice = await Assert.ThrowsExactlyAsync<SourceFormatException>(() => ReadAsync(Zip(("a.shp", new byte[10]), ("A.SHP", new byte[10])), "twice.zip"));
        StringAssert.Contains(twice.Message, "more than once");

        // 64 MB of zeros deflate to about 64 KB: a ratio near 1000, far above the 200 allowed.
        string scratch = Directory.CreateTempSubdirectory("scratch-test").FullName;
        var context = new SourceContext("bomb.zip") { ScratchRoot = scratch };
        var bomb = await Assert.ThrowsExactlyAsync<SourceFormatException>(async () =>
        {
            await foreach (var _ in new GeospatialConnector().ReadAsync(new MemoryStream(Zip(("bomb.shp", new byte[64 << 20]))), context, CancellationToken.None))
            {
            }
        });
        StringAssert.Contains(bomb.Message, "zip bomb");
        Assert.IsFalse(Directory.EnumerateFileSystemEntries(scratch).Any(), "the read's scratch directory is deleted");
        Directory.Delete(scratch);

        var garbage = await Assert.ThrowsExactlyAsync<SourceFormatException>(() => ReadAsync(Encoding.UTF8.GetBytes("not a zip at all"), "junk.zip"));
        StringAssert.Contains(garbage.Message, "not a readable zip archive");
    }

    [TestMethod]
    public async Task Every_GeoPackage_feature_table_is_a_layer_keyed_by_its_primary_key_with_its_srs()
    {
        var (elements, context) = await ReadAsync(new GisFileWriter { Features = 5 }.GeoPackage(), "site.gpkg");
        Assert.IsEmpty(context.Warnings, string.Join("; ", context.Warnings));
        CollectionAssert.AreEqual(
            new[] { "assets/1", "assets/2", "assets/3", "assets/4", "assets/5", "layer:assets", "layer:empty layer" },
            elements.Select(e => e.Identifier).ToArray());
        Assert.AreEqual("EPSG:3857", Property(elements[5], "CRS"));
        Assert.AreEqual(0L, Property(elements[6], "FeatureCount"));
        var line = elements[1];
        Assert.AreEqual("Asset 1", line.UserLabel);
        Assert.AreEqual(7.0, Property(line, "Length"));
        Assert.AreEqual(1L, Property(line, "count"));

        var error = await Assert.ThrowsExactlyAsync<SourceFormatException>(() => ReadAsync(Encoding.UTF8.GetBytes("SQLite format 3\0 but not really"), "broken.gpkg"));
        StringAssert.Contains(error.Message, "not a readable GeoPackage");

        // A row whose geometry column holds text, not a GeoPackage geometry blob.
        string path = Path.Combine(Path.GetTempPath(), $"gpkg-{Guid.NewGuid():N}.gpkg");
        await File.WriteAllBytesAsync(path, new GisFileWriter { Features = 5 }.GeoPackage());
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var update = connection.CreateCommand();
            update.CommandText = "UPDATE assets SET geom = 'not a geometry' WHERE fid = 3";
            update.ExecuteNonQuery();
        }

        byte[] damaged = await File.ReadAllBytesAsync(path);
        File.Delete(path);
        error = await Assert.ThrowsExactlyAsync<SourceFormatException>(() => ReadAsync(damaged, "damaged.gpkg"));
        StringAssert.Contains(error.Message, "table 'assets' cannot be read");
    }

    [TestMethod]
    public async Task A_moved_feature_syncs_as_exactly_one_update_in_every_format()
    {
        // 50 features and their layer; the GeoPackage has a second, empty layer.
        foreach (var (name, elements, write) in new (string, int, Func<GisFileWriter, byte[]>)[]
        {
            ("assets.geojson", 51, w => Encoding.UTF8.GetBytes(w.GeoJson())),
            ("assets.zip", 51, w => w.ShapefileZip("assets")),
            ("assets.gpkg", 52, w => w.GeoPackage()),
        })
        {
            var iModel = Guid.NewGuid();
            var (_, first) = await RunAsync(iModel, "run-1", Request(iModel, "run-1", "file-1", name, write(new GisFileWriter { Features = 50 }), "GEOSPATIAL"));
            Assert.AreEqual((elements, 0, 0), (first.Changeset!.Inserted, first.Changeset.Updated, first.Changeset.Deleted), name);
            // The same bytes twice: a zip written again carries new member timestamps.
            byte[] moved = write(new GisFileWriter { Features = 50, MovedFeature = 20 });
            var (_, second) = await RunAsync(iModel, "run-2", Request(iModel, "run-2", "file-1", name, moved, "GEOSPATIAL"));
            Assert.AreEqual((0, 1, 0), (second.Changeset!.Inserted, second.Changeset.Updated, second.Changeset.Deleted), $"{name}: the feature (the layer's extents stay)");
            var (files, third) = await RunAsync(iModel, "run-3", Request(iModel, "run-3", "file-1", name, moved, "GEOSPATIAL"));
            Assert.AreEqual(FileOutcome.Skipped, files[0].Outcome, name);
            Assert.IsNull(third.Changeset, name);
        }
    }

    [TestMethod]
    [DataRow(GisFileWriter.UtmZone33NWkt, "EPSG:32633")]
    [DataRow("GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137,298.257223563]],PRIMEM[\"Greenwich\",0],UNIT[\"Degree\",0.017453292519943295]]", "EPSG:4326")]
    [DataRow("PROJCS[\"WGS_1984_UTM_Zone_32S\",GEOGCS[\"GCS_WGS_1984\"]]", "EPSG:32732")]
    [DataRow("PROJCS[\"WGS_1984_Web_Mercator_Auxiliary_Sphere\",GEOGCS[\"GCS_WGS_1984\"]]", "EPSG:3857")]
    [DataRow("PROJCS[\"Local grid\",GEOGCS[\"GCS_Local\"]]", "Local grid")]
    [DataRow("not wkt at all", null)]
    public void Shapefile_projections_are_named_by_EPSG_code_where_they_allow(string wkt, string? expected) =>
        Assert.AreEqual(expected, CrsNames.FromWkt(wkt));

    internal const string Kml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <kml xmlns="http://www.opengis.net/kml/2.2">
          <Document>
            <name>Site</name>
            <Folder>
              <name>Valves</name>
              <Placemark id="v-1"><name>Valve</name><ExtendedData><Data name="size"><value>150</value></Data><Data name="rating"><value>2.5</value></Data></ExtendedData><Point><coordinates>10.5,59.9,12</coordinates></Point></Placemark>
              <Placemark><name>Valve</name><Point><coordinates>10.6,59.8</coordinates></Point></Placemark>
              <Placemark><name>Valve</name><description>spare</description><Point><coordinates>10.7,59.7</coordinates></Point></Placemark>
              <Folder><name>Pipes</name>
                <Placemark><name>Main</name><LineString><coordinates>10,59 11,59 11,60</coordinates></LineString></Placemark>
              </Folder>
            </Folder>
            <Placemark><name>Plot</name><ExtendedData><SchemaData><SimpleData name="owner">Kari</SimpleData></SchemaData></ExtendedData>
              <MultiGeometry><Polygon><outerBoundaryIs><LinearRing><coordinates>0,0 2,0 2,2 0,2</coordinates></LinearRing></outerBoundaryIs></Polygon><Point><coordinates>5,5</coordinates></Point></MultiGeometry>
            </Placemark>
          </Document>
        </kml>
        """;

    [TestMethod]
    public async Task KML_placemarks_sit_under_their_folders_with_extended_data_and_geometry()
    {
        var (elements, _) = await ReadAsync(Kml, "site.kml");
        var byId = elements.ToDictionary(e => e.Identifier);
        CollectionAssert.IsSubsetOf(
            new[] { "site/v-1", "site/Site/Valves/Valve", "site/Site/Valves/Valve[1]", "site/Site/Valves/Pipes/Main", "site/Site/Plot", "folder:Site", "folder:Site/Valves", "folder:Site/Valves/Pipes", "layer:site" },
            byId.Keys.ToArray());
        var valve = byId["site/v-1"];
        Assert.AreEqual(("GEOSPATIAL:site", "folder:Site/Valves"), (valve.ClassName, valve.ParentIdentifier));
        Assert.AreEqual((150L, 2.5), (Property(valve, "size"), Property(valve, "rating")));
        Assert.AreEqual(new BoundingBox(10.5, 59.9, 12, 10.5, 59.9, 12), valve.BoundingBox);
        Assert.AreEqual("spare", Property(byId["site/Site/Valves/Valve[1]"], "description"), "the second unnamed-id Valve is [1]");
        Assert.AreEqual(("folder:Site/Valves", "folder:Site"), (byId["folder:Site/Valves/Pipes"].ParentIdentifier, byId["folder:Site/Valves"].ParentIdentifier));
        var plot = byId["site/Site/Plot"];
        Assert.AreEqual(("Kari", "GeometryCollection"), (Property(plot, "owner"), Property(plot, "GeometryType")));
        Assert.AreEqual(4.0, Property(plot, "Area"), "the ring closes itself");
        Assert.AreEqual("EPSG:4326", Property(byId["layer:site"], "CRS"));
        Assert.AreEqual(5L, Property(byId["layer:site"], "FeatureCount"));

        using var kmz = new MemoryStream();
        using (var archive = new ZipArchive(kmz, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = archive.CreateEntry("doc.kml").Open();
            entry.Write(Encoding.UTF8.GetBytes(Kml));
        }

        var (zipped, _) = await ReadAsync(kmz.ToArray(), "site.kmz");
        CollectionAssert.AreEqual(elements.Select(e => e.Identifier).ToArray(), zipped.Select(e => e.Identifier).ToArray());

        var broken = await Assert.ThrowsExactlyAsync<SourceFormatException>(() => ReadAsync(Kml[..400], "cut.kml"));
        StringAssert.Contains(broken.Message, "not valid KML");
        var coordinates = await Assert.ThrowsExactlyAsync<SourceFormatException>(() => ReadAsync(Kml.Replace("10.6,59.8", "east,north", StringComparison.Ordinal), "bad.kml"));
        StringAssert.Contains(coordinates.Message, "'east,north'");
    }

    private static async Task<(List<SourceElement> Elements, SourceContext Context)> ReadInAsync(string geojson, string target)
    {
        var context = new SourceContext("points.geojson", new Dictionary<string, string> { ["geographicCoordinateSystem"] = target });
        var elements = new List<SourceElement>();
        await foreach (var element in new GeospatialConnector().ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(geojson)), context, CancellationToken.None))
        {
            elements.Add(element);
        }

        return (elements, context);
    }

    private static string PointsIn(string crs, params (double X, double Y)[] points) =>
        "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"" + crs + "\"}},\"features\":["
        + string.Join(",", points.Select((p, i) => FormattableString.Invariant($"{{\"type\":\"Feature\",\"id\":{i},\"properties\":{{}},\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{p.X:R},{p.Y:R}]}}}}")))
        + "]}";

    [TestMethod]
    public async Task Layers_in_another_CRS_are_reprojected_into_the_iModels_at_known_control_points()
    {
        // Web Mercator is closed-form: x = R·λ, y = R·ln(tan(π/4 + φ/2)) with R = 6378137 m; (10°E, 60°N) is:
        var (mercator, context) = await ReadInAsync(PointsIn("EPSG:3857", (1113194.9079327357, 8399737.889818357)), "EPSG:4326");
        var point = mercator[0].Placement!;
        Assert.AreEqual(10, point.X, 1e-9);
        Assert.AreEqual(60, point.Y, 1e-9);
        Assert.AreEqual(("EPSG:4326", "EPSG:3857"), (context.CoordinateSystem, Property(mercator[^1], "CRS")));
        Assert.AreEqual("EPSG:4326", Property(mercator[^1], "ReprojectedTo"));

        // UTM zone 33N puts its central meridian (15°E) at the equator on (500000, 0), and back.
        var (utm, _) = await ReadInAsync(PointsIn("EPSG:32633", (500000, 0)), "EPSG:4326");
        Assert.AreEqual(15, utm[0].Placement!.X, 1e-9);
        Assert.AreEqual(0, utm[0].Placement!.Y, 1e-9);
        var (wgs, _) = await ReadInAsync(PointsIn("EPSG:4326", (15, 0), (10, 60)), "EPSG:32633");
        Assert.AreEqual(500000, wgs[0].Placement!.X, 1e-3);
        Assert.AreEqual(0, wgs[0].Placement!.Y, 1e-3);

        // ETRS89 / UTM 33N (shipped definition) and WGS84 / UTM 33N agree to well under a metre.
        var (etrs, _) = await ReadInAsync(PointsIn("EPSG:25833", (500000, 6650000)), "EPSG:32633");
        Assert.AreEqual(500000, etrs[0].Placement!.X, 1);
        Assert.AreEqual(6650000, etrs[0].Placement!.Y, 1);

        // A system nobody can resolve keeps its coordinates, and the task says so.
        var (unknown, warned) = await ReadInAsync(PointsIn("EPSG:99999", (1, 2)), "EPSG:4326");
        Assert.AreEqual(new Placement(1, 2, 0), unknown[0].Placement);
        StringAssert.Contains(warned.Warnings.Single(), "cannot be resolved");
        Assert.AreEqual("EPSG:99999", warned.CoordinateSystem);
    }

    [TestMethod]
    public async Task A_shapefile_whose_prj_is_UTM_is_reprojected_into_WGS84_at_the_central_meridian()
    {
        // Feature 0's square starts on (500000, 0) in WGS 84 / UTM zone 33N: 15°E on the equator.
        byte[] layer = new GisFileWriter { Features = 3, OriginX = 500_000 }.ShapefileZip("parcels");
        var context = new SourceContext("parcels.zip", new Dictionary<string, string> { ["geographicCoordinateSystem"] = "EPSG:4326" });
        var elements = new List<SourceElement>();
        await foreach (var element in new GeospatialConnector().ReadAsync(new MemoryStream(layer), context, CancellationToken.None))
        {
            elements.Add(element);
        }

        var square = elements.Single(e => e.Identifier == "parcels/F-0").BoundingBox!;
        Assert.AreEqual(15, square.LowX, 1e-9);
        Assert.AreEqual(0, square.LowY, 1e-9);
        Assert.AreEqual(15 + (1 / 111_319.49 / 0.9996), square.HighX, 1e-7, "one metre east is about 1/111 km of a degree, over the 0.9996 scale");
        Assert.AreEqual("EPSG:32633", Property(elements[^1], "CRS"));
        Assert.AreEqual("EPSG:4326", context.CoordinateSystem, "the file's coordinates are now in the iModel's system");
    }

    [TestMethod]
    public void Every_shipped_EPSG_definition_resolves_and_reaches_WGS84()
    {
        var codes = Reprojection.ShippedCodes.ToList();
        Assert.IsGreaterThan(5, codes.Count);
        foreach (int code in codes)
        {
            var context = new SourceContext("x");
            Assert.IsNotNull(Reprojection.Between($"EPSG:{code}", null, "EPSG:4326", context, "layer"), $"EPSG:{code}: {string.Join("; ", context.Warnings)}");
        }
    }

    [TestMethod]
    public async Task Marking_a_file_as_spatial_root_reads_it_again_and_its_CRS_becomes_the_iModels()
    {
        var iModel = Guid.NewGuid();
        byte[] layer = new GisFileWriter { Features = 8 }.ShapefileZip("parcels");
        await RunAsync(iModel, "run-1", Request(iModel, "run-1", "file-1", "parcels.zip", layer, "GEOSPATIAL"));
        var reader = new SyncStateReader(Blobs, Log);
        var first = (await reader.CurrentAsync(iModel, CancellationToken.None)).Georeference();
        Assert.IsNull(first.CoordinateSystem, "no spatial root, no configured CRS");
        Assert.AreEqual(new BoundingBox(0, 0, 0, 8, 15, 0), first.Extents);

        var (files, commit) = await RunAsync(iModel, "run-2", Request(iModel, "run-2", "file-1", "parcels.zip", layer, "GEOSPATIAL") with { IsSpatialRoot = true });
        Assert.AreEqual(FileOutcome.Staged, files[0].Outcome, "the spatial-root flag is part of the version marker");
        Assert.IsNull(commit.Changeset, "same elements: nothing to push");
        var second = (await reader.CurrentAsync(iModel, CancellationToken.None)).Georeference();
        Assert.AreEqual(("EPSG:32633", "spatialRoot", "file-1"), (second.CoordinateSystem, second.Source, second.SpatialRootSourceFileId));
        StringAssert.StartsWith(second.CoordinateSystemDefinition, "PROJCS[");
        Assert.AreEqual(new Placement(4, 7.5, 0), second.GlobalOrigin);
    }

    private static byte[] Zip(params (string Name, byte[] Content)[] members)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in members)
            {
                using var entry = archive.CreateEntry(name, CompressionLevel.Optimal).Open();
                entry.Write(content);
            }
        }

        return buffer.ToArray();
    }
}
