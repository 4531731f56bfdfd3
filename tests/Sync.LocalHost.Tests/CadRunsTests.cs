using System.Net;
using System.Text;
using System.Text.Json;
using Sync.Tests;
using Sync.Tests.Generators;

namespace Sync.LocalHost.Tests;

/// <summary>Design files (IFC, DXF, GIS layers) synchronized through the local host over HTTP, as a client would: runs, elements, relationships, edits.</summary>
[TestClass]
public sealed class CadRunsTests
{
    private static RunningHost Host => SharedHost.Host;

    [TestMethod]
    public async Task Real_IFC_and_DXF_files_synchronize_with_hierarchy_boxes_and_relationships()
    {
        string fzk = RealFiles.FzkHaus;
        var drawings = RealFiles.Drawings;
        var (twin, iModelId) = await Host.CreateIModelAsync();
        var files = new List<(string Id, string Type)> { (await UploadAsync(twin, "AC14-FZK-Haus.ifc", await File.ReadAllBytesAsync(fzk)), "IFC") };
        foreach (string drawing in drawings)
        {
            files.Add((await UploadAsync(twin, Path.GetFileName(drawing), await File.ReadAllBytesAsync(drawing)), "DWG"));
        }

        string connection = await CreateConnectionAsync(iModelId, files);
        var run = await Host.RunToCompletionAsync($"/synchronization/imodels/storageConnections/{connection}/run");
        Assert.AreEqual("Success", run.Str("result"), run.ToString());

        var elements = await AllElementsAsync(iModelId);
        var byId = elements.ToDictionary(e => e.Str("id"));
        foreach (string className in new[] { "IfcWallStandardCase", "IfcDoor", "IfcWindow", "IfcSlab", "IfcBeam", "IfcSpace" })
        {
            var ofClass = elements.Where(e => e.Str("classFullName") == "IFC:" + className).ToList();
            Assert.IsNotEmpty(ofClass, className);
            foreach (var element in ofClass)
            {
                string parentClass = byId[element.Str("parentId")].Str("classFullName");
                Assert.IsTrue(parentClass is "IFC:IfcBuildingStorey" or "IFC:IfcBuilding", $"{className}'s parent is {parentClass}");
                Assert.AreEqual(3, element.GetProperty("bbox").GetProperty("low").GetArrayLength());
            }
        }

        Assert.AreEqual(2, elements.Count(e => e.Str("classFullName") == "IFC:IfcBuildingStorey"));
        Assert.IsTrue(elements.Any(e => e.Str("classFullName") == "DWG:3DFACE"));
        Assert.IsTrue(elements.Any(e => e.Str("classFullName") == "DWG:INSERT"));

        // Relationships both ways: a storey's incoming parent links are its contents.
        var storey = elements.First(e => e.Str("classFullName") == "IFC:IfcBuildingStorey");
        var (status, contained) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/elements/{storey.Str("id")}/relationships?direction=incoming&type=parent&$top=1000");
        Assert.AreEqual(HttpStatusCode.OK, status, contained.ToString());
        var children = contained.GetProperty("relationships").EnumerateArray().Select(r => r.Str("sourceId")).ToHashSet();
        CollectionAssert.AreEquivalent(elements.Where(e => e.TryGetProperty("parentId", out var p) && p.GetString() == storey.Str("id")).Select(e => e.Str("id")).ToArray(), children.ToArray());

        var rerun = await Host.RunToCompletionAsync($"/synchronization/imodels/storageConnections/{connection}/run");
        Assert.AreEqual("Success", rerun.Str("result"));
        Assert.IsFalse(rerun.TryGetProperty("changeset", out _), "a rerun of unchanged files pushes nothing");
    }

    [TestMethod]
    public async Task Edits_flow_through_as_exactly_their_differences()
    {
        var (twin, iModelId) = await Host.CreateIModelAsync();
        string ifc = await UploadAsync(twin, "walls.ifc", Bytes(new IfcFileWriter { Walls = 8 }.Write()));
        string dxf = await UploadAsync(twin, "plan.dxf", Bytes(new DxfFileWriter { Entities = 20 }.Write()));
        string connection = await CreateConnectionAsync(iModelId, [(ifc, "IFC"), (dxf, "DWG")]);
        string runPath = $"/synchronization/imodels/storageConnections/{connection}/run";
        var first = await Host.RunToCompletionAsync(runPath);
        Assert.AreEqual("Success", first.Str("result"), first.ToString());

        // One wall's fire rating changed: exactly one update, naming that property.
        await ReplaceAsync(ifc, new IfcFileWriter { Walls = 8, ChangedWall = 3 }.Write());
        await AssertChangesetAsync(runPath, iModelId, 2, (0, 1, 0));
        var (_, changed) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/changedElements?startChangesetId=2&endChangesetId=2");
        var change = changed.GetProperty("changedElements").EnumerateArray().Single();
        CollectionAssert.Contains(change.GetProperty("properties").EnumerateArray().Select(p => p.GetString()).ToArray(), "Pset_WallCommon.FireRating");

        // A wall's outgoing relationships: its storey, its type and its material; bad queries are clear errors.
        var (_, walls) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/elements?classFullName=IFC:IfcWall&$top=1");
        string wallId = walls.GetProperty("elements")[0].Str("id");
        var (linksStatus, links) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/elements/{wallId}/relationships?direction=outgoing");
        Assert.AreEqual(HttpStatusCode.OK, linksStatus, links.ToString());
        CollectionAssert.AreEquivalent(new[] { "parent", "type", "material" }, links.GetProperty("relationships").EnumerateArray().Select(r => r.Str("type")).ToArray());
        Assert.IsTrue(links.GetProperty("relationships").EnumerateArray().All(r => r.Str("sourceId") == wallId));
        (await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/elements/0x1/relationships")).AssertError(HttpStatusCode.NotFound, "ElementNotFound");
        (await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/elements/{wallId}/relationships?direction=sideways")).AssertError(HttpStatusCode.UnprocessableEntity, "InvalidElementRequest");

        // Re-saved with every #id renumbered, same GlobalIds and content: nothing to push.
        await ReplaceAsync(ifc, new IfcFileWriter { Walls = 8, ChangedWall = 3, IdOffset = 5000 }.Write());
        var resaved = await Host.RunToCompletionAsync(runPath);
        Assert.AreEqual("Success", resaved.Str("result"), resaved.ToString());
        Assert.IsFalse(resaved.TryGetProperty("changeset", out _), resaved.ToString());

        // One DXF entity moved: one update; one deleted: one delete.
        await ReplaceAsync(dxf, new DxfFileWriter { Entities = 20, MovedEntity = 1 }.Write());
        await AssertChangesetAsync(runPath, iModelId, 3, (0, 1, 0));
        await ReplaceAsync(dxf, new DxfFileWriter { Entities = 20, MovedEntity = 1, MissingEntity = 6 }.Write());
        await AssertChangesetAsync(runPath, iModelId, 4, (0, 0, 1));

        // The schema holds the IFC classes with their typed property-set properties.
        var (_, schema) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/schema");
        var wallClass = schema.GetProperty("schema").GetProperty("classes").EnumerateArray().Single(c => c.Str("name") == "IFC:IfcWall");
        var types = wallClass.GetProperty("properties").EnumerateArray().ToDictionary(p => p.Str("name"), p => p.Str("type"));
        Assert.AreEqual("boolean", types["Pset_WallCommon.IsExternal"]);
        Assert.AreEqual("double", types["Qto_WallBaseQuantities.Length"]);
    }

    [TestMethod]
    public async Task A_DWG_file_and_a_corrupt_IFC_fail_their_tasks_with_clear_messages()
    {
        var (twin, iModelId) = await Host.CreateIModelAsync();
        string dwg = await UploadAsync(twin, "plan.dwg", "AC1032\0\0\0\0binary"u8.ToArray());
        string ifc = await UploadAsync(twin, "broken.ifc", Bytes("ISO-10303-21;\nHEADER;\nFILE_SCHEMA(('IFC4'));\nENDSEC;\nDATA;\n#1=IFCWALL('x',$,;\n"));
        string connection = await CreateConnectionAsync(iModelId, [(dwg, "DWG"), (ifc, "IFC")]);
        var run = await Host.RunToCompletionAsync($"/synchronization/imodels/storageConnections/{connection}/run");
        Assert.AreEqual("Error", run.Str("result"), run.ToString());
        string text = run.ToString();
        StringAssert.Contains(text, "SourceFileUnreadable");
        StringAssert.Contains(text, "save it as ASCII DXF");
        StringAssert.Contains(text, "line 6");
    }

    [TestMethod]
    public async Task GIS_layers_synchronize_as_features_under_their_layer_and_a_rerun_pushes_nothing()
    {
        var (twin, iModelId) = await Host.CreateIModelAsync();
        var writer = new GisFileWriter { Features = 12 };
        string geojson = await UploadAsync(twin, "hydrants.geojson", Bytes(writer.GeoJson()));
        string gpkg = await UploadAsync(twin, "site.gpkg", writer.GeoPackage("parcels"));
        string connection = await CreateConnectionAsync(iModelId, [(geojson, "GEOSPATIAL"), (gpkg, "GEOSPATIAL")]);
        var run = await Host.RunToCompletionAsync($"/synchronization/imodels/storageConnections/{connection}/run");
        Assert.AreEqual("Success", run.Str("result"), run.ToString());

        var elements = await AllElementsAsync(iModelId);
        var hydrants = elements.Where(e => e.Str("classFullName") == "GEOSPATIAL:hydrants").ToList();
        Assert.HasCount(12, hydrants);
        var layer = elements.Single(e => e.Str("classFullName") == "GEOSPATIAL:Layer" && e.Str("userLabel") == "hydrants");
        Assert.AreEqual("EPSG:4326", layer.GetProperty("properties").GetProperty("CRS").GetString());
        Assert.IsTrue(hydrants.All(h => h.Str("parentId") == layer.Str("id") && h.GetProperty("bbox").GetProperty("low").GetArrayLength() == 3));
        Assert.HasCount(12, elements.Where(e => e.Str("classFullName") == "GEOSPATIAL:parcels").ToList());

        var rerun = await Host.RunToCompletionAsync($"/synchronization/imodels/storageConnections/{connection}/run");
        Assert.AreEqual("Success", rerun.Str("result"));
        Assert.IsFalse(rerun.TryGetProperty("changeset", out _), "a rerun of unchanged files pushes nothing");
    }

    [TestMethod]
    public async Task A_GeoJSON_spatial_root_and_a_GLB_model_give_the_iModel_its_CRS_extents_and_elements()
    {
        var (twin, iModelId) = await Host.CreateIModelAsync();
        string geojson = await UploadAsync(twin, "hydrants.geojson", Bytes(new GisFileWriter { Features = 10 }.GeoJson()));
        string glb = await UploadAsync(twin, "pump.glb", new MeshFileWriter { Nodes = 6 }.Glb());

        // isSpatialRoot is a boolean, and a connection has at most one spatial root.
        (await Host.SendAsync(HttpMethod.Post, "/synchronization/imodels/storageConnections", new
        {
            iModelId,
            sourceFiles = new object[] { new { storageFileId = geojson, connectorType = "GEOSPATIAL", isSpatialRoot = "yes" } },
        })).AssertError(HttpStatusCode.UnprocessableEntity, "InvalidStorageConnectionRequest");
        (await Host.SendAsync(HttpMethod.Post, "/synchronization/imodels/storageConnections", new
        {
            iModelId,
            sourceFiles = new object[]
            {
                new { storageFileId = geojson, connectorType = "GEOSPATIAL", isSpatialRoot = true },
                new { storageFileId = glb, connectorType = "MSTN", isSpatialRoot = true },
            },
        })).AssertError(HttpStatusCode.UnprocessableEntity, "InvalidStorageConnectionRequest");

        var (created, body) = await Host.SendAsync(HttpMethod.Post, "/synchronization/imodels/storageConnections", new
        {
            iModelId,
            displayName = "Site",
            sourceFiles = new object[]
            {
                new { storageFileId = geojson, connectorType = "GEOSPATIAL", isSpatialRoot = true },
                new { storageFileId = glb, connectorType = "MSTN" },
            },
        });
        Assert.AreEqual(HttpStatusCode.Created, created, body.ToString());
        string connection = body.GetProperty("connection").Str("id");
        var (_, files) = await Host.SendAsync(HttpMethod.Get, $"/synchronization/imodels/storageConnections/{connection}/sourceFiles", configure: r => r.Headers.Add("Prefer", "return=representation"));
        var roots = files.GetProperty("sourceFiles").EnumerateArray().ToDictionary(f => f.Str("storageFileId"), f => f.GetProperty("isSpatialRoot").GetBoolean());
        Assert.IsTrue(roots[geojson] && !roots[glb]);

        var (_, before) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}");
        Assert.IsFalse(before.GetProperty("iModel").TryGetProperty("geographicCoordinateSystem", out _), "no CRS before a run");

        var run = await Host.RunToCompletionAsync($"/synchronization/imodels/storageConnections/{connection}/run");
        Assert.AreEqual("Success", run.Str("result"), run.ToString());
        var elements = await AllElementsAsync(iModelId);
        Assert.HasCount(10, elements.Where(e => e.Str("classFullName") == "GEOSPATIAL:hydrants").ToList());
        var nodes = elements.Where(e => e.Str("classFullName") == "MSTN:GltfNode").ToList();
        Assert.HasCount(7, nodes);
        Assert.IsTrue(nodes.Where(n => n.Str("userLabel") != "Assembly").All(n => n.TryGetProperty("bbox", out _)), "every part node has a box");

        var (_, after) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}");
        await Host.ConformsAsync("GetIModel", after);
        var model = after.GetProperty("iModel");
        var crs = model.GetProperty("geographicCoordinateSystem");
        Assert.AreEqual(("EPSG:4326", "spatialRoot"), (crs.Str("crs"), crs.Str("source")));
        var extents = model.GetProperty("extents");
        Assert.AreEqual(0, extents.GetProperty("low")[0].GetDouble());
        Assert.AreEqual(18, extents.GetProperty("high")[1].GetDouble(), "hydrant 9 is the northernmost");
        Assert.AreEqual(5, model.GetProperty("globalOrigin").GetProperty("x").GetDouble(), 1e-9, "the centre of the spatial root's extents");

        var rerun = await Host.RunToCompletionAsync($"/synchronization/imodels/storageConnections/{connection}/run");
        Assert.AreEqual("Success", rerun.Str("result"));
        Assert.IsFalse(rerun.TryGetProperty("changeset", out _), "a rerun of unchanged files pushes nothing");

        // A configured CRS wins over the spatial root's from the next commit on.
        Assert.AreEqual(HttpStatusCode.Created, (await Host.SendAsync(HttpMethod.Post, $"/synchronization/configurations/imodels/{iModelId}", new { geographicCoordinateSystem = "EPSG:32633" })).Status);
        await ReplaceAsync(geojson, new GisFileWriter { Features = 10, MovedFeature = 4 }.GeoJson());
        Assert.AreEqual("Success", (await Host.RunToCompletionAsync($"/synchronization/imodels/storageConnections/{connection}/run")).Str("result"));
        var (_, configured) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}");
        var configuredCrs = configured.GetProperty("iModel").GetProperty("geographicCoordinateSystem");
        Assert.AreEqual(("EPSG:32633", "configuration"), (configuredCrs.Str("crs"), configuredCrs.Str("source")));
    }

    [TestMethod]
    public async Task A_georeferenced_IFC_spatial_root_gives_the_iModel_its_map_and_layers_are_read_onto_it()
    {
        var (twin, iModelId) = await Host.CreateIModelAsync();
        var writer = new IfcFileWriter { Walls = 2, Storeys = 1, MapCrs = "EPSG:25832", MapConversion = (500000, 5700000, 100, 1, 0, "$") };
        string ifc = await UploadAsync(twin, "bridge.ifc", Bytes(writer.Write()));
        // A WGS84 hydrant on zone 32's central meridian (9° E), about 5,700 km north of the equator.
        string hydrant = await UploadAsync(twin, "hydrant.geojson", Bytes(FormattableString.Invariant(
            $"{{\"type\":\"FeatureCollection\",\"features\":[{{\"type\":\"Feature\",\"id\":1,\"properties\":{{}},\"geometry\":{{\"type\":\"Point\",\"coordinates\":[9,51.447]}}}}]}}")));
        var (created, body) = await Host.SendAsync(HttpMethod.Post, "/synchronization/imodels/storageConnections", new
        {
            iModelId,
            sourceFiles = new object[]
            {
                new { storageFileId = hydrant, connectorType = "GEOSPATIAL" },
                new { storageFileId = ifc, connectorType = "IFC", isSpatialRoot = true },
            },
        });
        Assert.AreEqual(HttpStatusCode.Created, created, body.ToString());
        string connection = body.GetProperty("connection").Str("id");
        var run = await Host.RunToCompletionAsync($"/synchronization/imodels/storageConnections/{connection}/run");
        Assert.AreEqual("Success", run.Str("result"), run.ToString());

        var (_, got) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}");
        var crs = got.GetProperty("iModel").GetProperty("geographicCoordinateSystem");
        Assert.AreEqual(("EPSG:25832", "spatialRoot"), (crs.Str("crs"), crs.Str("source")));

        var elements = await AllElementsAsync(iModelId);
        var wall = elements.Single(e => e.Str("identifier") == IfcFileWriter.WallGlobalId(0));
        Assert.AreEqual((500000.0, 5700000.0, 100.0), (wall.GetProperty("placement").GetProperty("x").GetDouble(), wall.GetProperty("placement").GetProperty("y").GetDouble(), wall.GetProperty("placement").GetProperty("z").GetDouble()));
        var point = elements.Single(e => e.Str("classFullName") == "GEOSPATIAL:hydrant").GetProperty("bbox").GetProperty("low");
        Assert.AreEqual(500000, point[0].GetDouble(), 1, "the central meridian is easting 500,000");
        Assert.AreEqual(5700000, point[1].GetDouble(), 2000, "51.447° N is about northing 5,700,000");

        var rerun = await Host.RunToCompletionAsync($"/synchronization/imodels/storageConnections/{connection}/run");
        Assert.IsFalse(rerun.TryGetProperty("changeset", out _), "a rerun of unchanged files pushes nothing");
    }

    [TestMethod]
    public async Task Layers_are_read_into_the_spatial_roots_coordinate_system_which_is_read_first()
    {
        var (twin, iModelId) = await Host.CreateIModelAsync();
        static string Point(string? crs, double x, double y) => "{\"type\":\"FeatureCollection\","
            + (crs is null ? string.Empty : "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"" + crs + "\"}},")
            + FormattableString.Invariant($"\"features\":[{{\"type\":\"Feature\",\"id\":1,\"properties\":{{}},\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{x:R},{y:R}]}}}}]}}");

        // Named "b…" and "a…": the spatial root is read first whatever the order of the files.
        string root = await UploadAsync(twin, "b-mercator.geojson", Bytes(Point("EPSG:3857", 0, 0)));
        string layer = await UploadAsync(twin, "a-wgs84.geojson", Bytes(Point(null, 10, 60)));
        var (created, body) = await Host.SendAsync(HttpMethod.Post, "/synchronization/imodels/storageConnections", new
        {
            iModelId,
            sourceFiles = new object[]
            {
                new { storageFileId = layer, connectorType = "GEOSPATIAL" },
                new { storageFileId = root, connectorType = "GEOSPATIAL", isSpatialRoot = true },
            },
        });
        Assert.AreEqual(HttpStatusCode.Created, created, body.ToString());
        var run = await Host.RunToCompletionAsync($"/synchronization/imodels/storageConnections/{body.GetProperty("connection").Str("id")}/run");
        Assert.AreEqual("Success", run.Str("result"), run.ToString());

        var point = (await AllElementsAsync(iModelId)).Single(e => e.Str("classFullName") == "GEOSPATIAL:a-wgs84");
        var placement = point.GetProperty("placement");
        Assert.AreEqual(1113194.9079, placement.GetProperty("x").GetDouble(), 1e-3, "10°E in Web Mercator");
        Assert.AreEqual(8399737.8898, placement.GetProperty("y").GetDouble(), 1e-3, "60°N in Web Mercator");
        var (_, model) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}");
        Assert.AreEqual("EPSG:3857", model.GetProperty("iModel").GetProperty("geographicCoordinateSystem").Str("crs"));
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static async Task<string> UploadAsync(Guid twin, string name, byte[] content) =>
        (await Host.UploadAsync(twin, name, content)).Str("id");

    private static async Task ReplaceAsync(string fileId, string content)
    {
        using var body = new ByteArrayContent(Bytes(content));
        var (status, answer) = await Host.SendAsync(HttpMethod.Put, $"/storage/files/{fileId}/content", body);
        Assert.AreEqual(HttpStatusCode.OK, status, answer.ToString());
    }

    private static async Task AssertChangesetAsync(string runPath, string iModelId, int index, (int, int, int) counts)
    {
        var run = await Host.RunToCompletionAsync(runPath);
        Assert.AreEqual("Success", run.Str("result"), run.ToString());
        Assert.AreEqual(index, run.GetProperty("changeset").GetProperty("index").GetInt32(), run.ToString());
        Assert.AreEqual(counts, await Host.ChangesetCountsAsync(iModelId, index));
    }

    private static async Task<string> CreateConnectionAsync(string iModelId, IEnumerable<(string Id, string Type)> files)
    {
        var (status, body) = await Host.SendAsync(HttpMethod.Post, "/synchronization/imodels/storageConnections", new
        {
            iModelId,
            displayName = "Design files",
            sourceFiles = files.Select(f => new { storageFileId = f.Id, connectorType = f.Type }),
        });
        Assert.AreEqual(HttpStatusCode.Created, status, body.ToString());
        return body.GetProperty("connection").Str("id");
    }

    private static async Task<List<JsonElement>> AllElementsAsync(string iModelId)
    {
        var all = new List<JsonElement>();
        for (int skip = 0; ; skip += 1000)
        {
            var (status, page) = await Host.SendAsync(HttpMethod.Get, $"/imodels/{iModelId}/elements?$top=1000&$skip={skip}");
            Assert.AreEqual(HttpStatusCode.OK, status, page.ToString());
            var items = page.GetProperty("elements").EnumerateArray().Select(e => e.Clone()).ToList();
            all.AddRange(items);
            if (items.Count < 1000)
            {
                return all;
            }
        }
    }
}
