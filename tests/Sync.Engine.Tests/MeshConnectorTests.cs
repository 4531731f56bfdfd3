using System.Text;
using Sync.Engine.Changes;
using Sync.Engine.Connectors;
using Sync.Engine.Connectors.Mesh;
using Sync.Engine.Elements;
using Sync.Tests;
using Sync.Tests.Generators;
using static Sync.Engine.Tests.Support.EngineHarness;

namespace Sync.Engine.Tests;

[TestClass]
public sealed class MeshConnectorTests
{
    private static Task<(List<SourceElement> Elements, SourceContext Context)> ReadAsync(byte[] content, string name) =>
        IfcConnectorTests.ReadAsync(new MeshConnector(), new MemoryStream(content), name);

    private static object Property(SourceElement element, string name) => element.Properties.Single(p => p.Key == name).Value;

    [TestMethod]
    public async Task GLB_nodes_become_elements_by_path_with_extras_counts_and_Z_up_world_boxes()
    {
        var (elements, context) = await ReadAsync(new MeshFileWriter { Nodes = 4 }.Glb(), "assembly.glb");
        Assert.IsEmpty(context.Warnings);
        CollectionAssert.AreEqual(
            new[] { "Assembly", "Assembly/Part 0", "Assembly/Part 1", "Assembly/Part 2", "Assembly/Part 3" },
            elements.Select(e => e.Identifier).ToArray());
        var part = elements.Single(e => e.Identifier == "Assembly/Part 2");
        Assert.AreEqual(("MSTN:GltfNode", "Assembly"), (part.ClassName, part.ParentIdentifier));
        Assert.AreEqual("P-2", Property(part, "Extras.tag"));
        Assert.AreEqual(3.0, Property(part, "Extras.mass"));
        Assert.AreEqual(12L, Property(part, "TriangleCount"));
        Assert.AreEqual(8L, Property(part, "VertexCount"));
        Assert.AreEqual("Steel", Property(part, "Materials"));
        Assert.AreEqual("Cube", Property(part, "Mesh"));

        // glTF's Y-up cube [2,3]x[0,1]x[0,1] is x in [2,3], y = -z in [-1,0], z = y in [0,1].
        Assert.AreEqual(new BoundingBox(2, -1, 0, 3, 0, 1), part.BoundingBox);
        Assert.AreEqual(new Placement(2, 0, 0), part.Placement);
        Assert.IsNull(elements[0].BoundingBox, "the root has no mesh");
    }

    [TestMethod]
    public async Task OBJ_objects_keep_their_materials_and_boxes_and_bad_indices_name_their_line()
    {
        var (elements, context) = await ReadAsync(Encoding.UTF8.GetBytes(MeshFileWriter.Obj()), "parts.obj");
        StringAssert.Contains(context.Warnings.Single(), "no units");
        CollectionAssert.AreEqual(new[] { "Frame", "Panel" }, elements.Select(e => e.Identifier).ToArray());
        Assert.AreEqual(("MSTN:ObjObject", 3L, 8L, "Steel"), (elements[0].ClassName, Property(elements[0], "FaceCount"), Property(elements[0], "VertexCount"), Property(elements[0], "Materials")));
        Assert.AreEqual(new BoundingBox(0, 0, 0, 1, 1, 1), elements[0].BoundingBox);
        Assert.AreEqual(new BoundingBox(0, 0, 2, 3, 4, 2), elements[1].BoundingBox, "relative indices reach the three vertices before the face");
        Assert.AreEqual("Glass", Property(elements[1], "Materials"));

        var error = await Assert.ThrowsExactlyAsync<SourceFormatException>(() => ReadAsync(Encoding.UTF8.GetBytes("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 9\n"), "bad.obj"));
        StringAssert.Contains(error.Message, "line 4");
        StringAssert.Contains(error.Message, "uses vertex 9");
        error = await Assert.ThrowsExactlyAsync<SourceFormatException>(() => ReadAsync(Encoding.UTF8.GetBytes("v 0 zero 0\n"), "bad.obj"));
        StringAssert.Contains(error.Message, "line 1");
    }

    [TestMethod]
    public async Task STL_solids_read_from_ASCII_and_binary_and_a_lying_triangle_count_is_refused()
    {
        var (ascii, _) = await ReadAsync(Encoding.ASCII.GetBytes(MeshFileWriter.AsciiStl()), "parts.stl");
        CollectionAssert.AreEqual(new[] { "bracket", "plate" }, ascii.Select(e => e.Identifier).ToArray());
        Assert.AreEqual(new BoundingBox(0, 0, 5, 1, 1, 6), ascii[1].BoundingBox);
        Assert.AreEqual(1L, Property(ascii[0], "TriangleCount"));

        var (binary, _) = await ReadAsync(MeshFileWriter.BinaryStl(1000), "part.stl");
        var solid = binary.Single();
        Assert.AreEqual(("binary part", 1000L), (solid.Identifier, Property(solid, "TriangleCount")));
        Assert.AreEqual(new BoundingBox(0, 0, 0, 1000, 1, 0.5), solid.BoundingBox);

        var more = await Assert.ThrowsExactlyAsync<SourceFormatException>(() => ReadAsync(MeshFileWriter.BinaryStl(10, declared: 5000), "lying.stl"));
        StringAssert.Contains(more.Message, "declares 5000 triangles but ends after 10");
        var fewer = await Assert.ThrowsExactlyAsync<SourceFormatException>(() => ReadAsync(MeshFileWriter.BinaryStl(10, declared: 3), "lying.stl"));
        StringAssert.Contains(fewer.Message, "holds more bytes");
        var cut = await Assert.ThrowsExactlyAsync<SourceFormatException>(() => ReadAsync(Encoding.ASCII.GetBytes(MeshFileWriter.AsciiStl()[..60]), "cut.stl"));
        StringAssert.Contains(cut.Message, "ends inside solid");
    }

    [TestMethod]
    public async Task ThreeMF_objects_and_build_items_carry_metadata_components_and_boxes_in_metres()
    {
        var (elements, _) = await ReadAsync(MeshFileWriter.ThreeMf(), "set.3mf");
        CollectionAssert.AreEqual(new[] { "model", "object:1", "object:2", "item:1", "item:2" }, elements.Select(e => e.Identifier).ToArray());
        Assert.AreEqual("Bracket set", Property(elements[0], "Metadata.Title"));
        Assert.AreEqual("Works", Property(elements[0], "Metadata.Designer"), "a metadata entry right after another is read too");
        Assert.AreEqual(("C-10", 12L, new BoundingBox(0, 0, 0, 0.01, 0.01, 0.01)), (Property(elements[1], "PartNumber"), Property(elements[1], "TriangleCount"), elements[1].BoundingBox));
        Assert.AreEqual(new BoundingBox(0, 0, 0, 0.03, 0.01, 0.01), elements[2].BoundingBox, "two cubes, the second 20 mm along x");
        Assert.AreEqual("object:1", elements[2].Relationships!.Single().TargetIdentifier);
        Assert.AreEqual(new BoundingBox(0, 0, 0.1, 0.01, 0.01, 0.11), elements[3].BoundingBox);
        Assert.AreEqual(("PAIR-1", "object:2"), (Property(elements[4], "PartNumber"), elements[4].Relationships!.Single(r => r.Type == "object").TargetIdentifier));
    }

    [TestMethod]
    public async Task Truncated_and_foreign_files_are_format_errors()
    {
        byte[] glb = new MeshFileWriter().Glb();
        foreach (int length in new[] { 0, 11, 40, glb.Length / 2 })
        {
            await Assert.ThrowsExactlyAsync<SourceFormatException>(() => ReadAsync(glb[..length], "cut.glb"), $"{length} bytes");
        }

        var dgn = await Assert.ThrowsExactlyAsync<SourceFormatException>(() => ReadAsync([0x08, 0x09, 0xFE, 0x02], "plant.dgn"));
        StringAssert.Contains(dgn.Message, "does not read");
        var external = await Assert.ThrowsExactlyAsync<SourceFormatException>(() => ReadAsync(Encoding.UTF8.GetBytes("""{"asset":{"version":"2.0"},"buffers":[{"uri":"missing.bin","byteLength":4}]}"""), "model.gltf"));
        StringAssert.Contains(external.Message, "not a readable glTF model");
        await Assert.ThrowsExactlyAsync<SourceFormatException>(() => ReadAsync(Encoding.UTF8.GetBytes("not a zip"), "set.3mf"));
        await Assert.ThrowsExactlyAsync<SourceFormatException>(() => ReadAsync([1, 2, 3], "tiny.stl"));
    }

    [TestMethod]
    public async Task Real_assimp_models_read_or_fail_with_a_clear_format_error()
    {
        var engine = await ReadAsync(await File.ReadAllBytesAsync(RealFiles.Require(Path.Combine(RealFiles.Models, "glTF2", "2CylinderEngine-glTF-Binary", "2CylinderEngine.glb"))), "2CylinderEngine.glb");
        Assert.IsGreaterThan(50, engine.Elements.Count);
        Assert.IsTrue(engine.Elements.Count(e => e.BoundingBox is not null) > 20);
        var spiders = new List<BoundingBox?>();
        foreach (string name in new[] { "Spider_ascii.stl", "Spider_binary.stl" })
        {
            var (solids, _) = await ReadAsync(await File.ReadAllBytesAsync(Path.Combine(RealFiles.Models, "STL", name)), name);
            spiders.Add(solids.Single().BoundingBox);
        }

        Assert.AreEqual(spiders[0]!.HighX, spiders[1]!.HighX, 1e-3, "the ASCII and binary spider have the same box");
        var (box3mf, _) = await ReadAsync(await File.ReadAllBytesAsync(Path.Combine(RealFiles.Models, "3MF", "box.3mf")), "box.3mf");
        Assert.IsTrue(box3mf.Any(e => e.ClassName == "MSTN:3mfBuildItem" && e.BoundingBox is not null));

        int read = 0, refused = 0;
        var files = new[] { "glTF2", "STL", "OBJ", "3MF" }.SelectMany(d => Directory.EnumerateFiles(Path.Combine(RealFiles.Models, d), "*", SearchOption.AllDirectories))
            .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".glb" or ".gltf" or ".stl" or ".obj" or ".3mf");
        foreach (string file in files)
        {
            try
            {
                await ReadAsync(await File.ReadAllBytesAsync(file), Path.GetFileName(file));
                read++;
            }
            catch (SourceFormatException e)
            {
                StringAssert.Contains(e.Message, Path.GetFileName(file), "a refusal names the file");
                refused++;
            }
        }

        Assert.IsGreaterThan(30, read, $"{read} read, {refused} refused");
    }

    [TestMethod]
    public async Task A_moved_node_syncs_as_exactly_one_update()
    {
        var iModel = Guid.NewGuid();
        var (_, first) = await RunAsync(iModel, "run-1", Request(iModel, "run-1", "file-1", "plant.glb", new MeshFileWriter { Nodes = 30 }.Glb(), "MSTN"));
        Assert.AreEqual((31, 0, 0), (first.Changeset!.Inserted, first.Changeset.Updated, first.Changeset.Deleted));
        byte[] moved = new MeshFileWriter { Nodes = 30, MovedNode = 7 }.Glb();
        var (_, second) = await RunAsync(iModel, "run-2", Request(iModel, "run-2", "file-1", "plant.glb", moved, "MSTN"));
        Assert.AreEqual((0, 1, 0), (second.Changeset!.Inserted, second.Changeset.Updated, second.Changeset.Deleted));
        var (files, third) = await RunAsync(iModel, "run-3", Request(iModel, "run-3", "file-1", "plant.glb", moved, "MSTN"));
        Assert.AreEqual(FileOutcome.Skipped, files[0].Outcome);
        Assert.IsNull(third.Changeset);
    }
}
