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

    /// <summary>
    /// An AP214 assembly in millimetres: ASM uses BOLT twice (at (10, 20, 0) and (250, 20, 0)) and PLATE once (turned
    /// 90° about Z) through axis-placement transformations; SUB uses BOLT too, 100 up through a transformation operator.
    /// </summary>
    internal const string Ap214 = """
        ISO-10303-21;
        HEADER;
        FILE_DESCRIPTION(('test'),'2;1');
        FILE_NAME('asm.stp','2026-11-28',(''),(''),'','','');
        FILE_SCHEMA(('AUTOMOTIVE_DESIGN'));
        ENDSEC;
        DATA;
        #1=APPLICATION_CONTEXT('automotive design');
        #2=PRODUCT_CONTEXT('',#1,'mechanical');
        #3=PRODUCT_DEFINITION_CONTEXT('part definition',#1,'design');
        #10=PRODUCT('ASM','Assembly','top',(#2));
        #11=PRODUCT_DEFINITION_FORMATION('A','',#10);
        #12=PRODUCT_DEFINITION('design','',#11,#3);
        #20=PRODUCT('BOLT','Bolt M8','',(#2));
        #21=PRODUCT_DEFINITION_FORMATION_WITH_SPECIFIED_SOURCE('B','',#20,.MADE.);
        #22=PRODUCT_DEFINITION('design','',#21,#3);
        #30=PRODUCT('PLATE','Plate','',(#2));
        #31=PRODUCT_DEFINITION_FORMATION('','',#30);
        #32=PRODUCT_DEFINITION('design','',#31,#3);
        #40=PRODUCT('SUB','Subassembly','',(#2));
        #41=PRODUCT_DEFINITION_FORMATION('','',#40);
        #42=PRODUCT_DEFINITION('design','',#41,#3);
        #50=NEXT_ASSEMBLY_USAGE_OCCURRENCE('1','','',#12,#22,$);
        #51=NEXT_ASSEMBLY_USAGE_OCCURRENCE('2','','',#12,#22,$);
        #52=NEXT_ASSEMBLY_USAGE_OCCURRENCE('3','','',#12,#32,$);
        #53=NEXT_ASSEMBLY_USAGE_OCCURRENCE('4','','',#42,#22,$);
        #60=(LENGTH_UNIT()NAMED_UNIT(*)SI_UNIT(.MILLI.,.METRE.));
        #61=(PLANE_ANGLE_UNIT()NAMED_UNIT(*)SI_UNIT($,.RADIAN.));
        #62=(GEOMETRIC_REPRESENTATION_CONTEXT(3)GLOBAL_UNIT_ASSIGNED_CONTEXT((#60,#61))REPRESENTATION_CONTEXT('',''));
        #70=PRODUCT_DEFINITION_SHAPE('','',#22);
        #71=SHAPE_DEFINITION_REPRESENTATION(#70,#72);
        #72=SHAPE_REPRESENTATION('bolt',(#73),#62);
        #73=AXIS2_PLACEMENT_3D('',#74,$,$);
        #74=CARTESIAN_POINT('',(0.,0.,0.));
        #75=ADVANCED_BREP_SHAPE_REPRESENTATION('bolt body',(#76),#62);
        #76=MANIFOLD_SOLID_BREP('',#77);
        #77=CLOSED_SHELL('',(#78,#79));
        #78=VERTEX_POINT('',#80);
        #79=VERTEX_POINT('',#81);
        #80=CARTESIAN_POINT('',(-4.,-4.,0.));
        #81=CARTESIAN_POINT('',(4.,4.,40.));
        #82=SHAPE_REPRESENTATION_RELATIONSHIP('','',#72,#75);
        #90=PRODUCT_DEFINITION_SHAPE('','',#32);
        #91=SHAPE_DEFINITION_REPRESENTATION(#90,#92);
        #92=SHAPE_REPRESENTATION('plate',(#93,#94),#62);
        #93=CARTESIAN_POINT('',(0.,0.,0.));
        #94=CARTESIAN_POINT('',(200.,100.,10.));
        #100=PRODUCT_DEFINITION_SHAPE('','',#12);
        #101=SHAPE_DEFINITION_REPRESENTATION(#100,#102);
        #102=SHAPE_REPRESENTATION('asm',(#103),#62);
        #103=AXIS2_PLACEMENT_3D('',#74,$,$);
        #110=CARTESIAN_POINT('',(10.,20.,0.));
        #111=AXIS2_PLACEMENT_3D('',#110,$,$);
        #112=ITEM_DEFINED_TRANSFORMATION('','',#73,#111);
        #113=(REPRESENTATION_RELATIONSHIP('','',#72,#102)REPRESENTATION_RELATIONSHIP_WITH_TRANSFORMATION(#112)SHAPE_REPRESENTATION_RELATIONSHIP());
        #114=PRODUCT_DEFINITION_SHAPE('','',#50);
        #115=CONTEXT_DEPENDENT_SHAPE_REPRESENTATION(#113,#114);
        #120=CARTESIAN_POINT('',(250.,20.,0.));
        #121=DIRECTION('',(0.,0.,1.));
        #122=AXIS2_PLACEMENT_3D('',#120,$,$);
        #124=ITEM_DEFINED_TRANSFORMATION('','',#73,#122);
        #125=(REPRESENTATION_RELATIONSHIP('','',#72,#102)REPRESENTATION_RELATIONSHIP_WITH_TRANSFORMATION(#124)SHAPE_REPRESENTATION_RELATIONSHIP());
        #126=PRODUCT_DEFINITION_SHAPE('','',#51);
        #127=CONTEXT_DEPENDENT_SHAPE_REPRESENTATION(#125,#126);
        #130=PRODUCT_DEFINITION_SHAPE('','',#42);
        #131=SHAPE_DEFINITION_REPRESENTATION(#130,#132);
        #132=SHAPE_REPRESENTATION('sub',(#103),#62);
        #133=CARTESIAN_POINT('',(0.,0.,100.));
        #134=CARTESIAN_TRANSFORMATION_OPERATOR_3D('','','',$,$,#133,$,$);
        #135=(REPRESENTATION_RELATIONSHIP('','',#72,#132)REPRESENTATION_RELATIONSHIP_WITH_TRANSFORMATION(#134)SHAPE_REPRESENTATION_RELATIONSHIP());
        #136=PRODUCT_DEFINITION_SHAPE('','',#53);
        #137=CONTEXT_DEPENDENT_SHAPE_REPRESENTATION(#135,#136);
        #140=DIRECTION('',(0.,1.,0.));
        #141=AXIS2_PLACEMENT_3D('',#74,#121,#140);
        #142=ITEM_DEFINED_TRANSFORMATION('','',#73,#141);
        #144=(REPRESENTATION_RELATIONSHIP('','',#92,#102)REPRESENTATION_RELATIONSHIP_WITH_TRANSFORMATION(#142)SHAPE_REPRESENTATION_RELATIONSHIP());
        #145=PRODUCT_DEFINITION_SHAPE('','',#52);
        #146=CONTEXT_DEPENDENT_SHAPE_REPRESENTATION(#144,#145);
        ENDSEC;
        END-ISO-10303-21;
        """;

    [TestMethod]
    public async Task STEP_product_models_give_the_product_tree_names_usage_and_boxes_in_metres()
    {
        var (elements, _) = await ReadAsync(Encoding.UTF8.GetBytes(Ap214), "asm.stp");
        var byId = elements.ToDictionary(e => e.Identifier);
        CollectionAssert.AreEquivalent(new[] { "ASM", "BOLT", "PLATE", "SUB" }, byId.Keys.ToArray());
        var bolt = byId["BOLT"];
        Assert.AreEqual(("MSTN:StepProduct", "ASM", "Bolt M8", "B"), (bolt.ClassName, bolt.ParentIdentifier, bolt.UserLabel, Property(bolt, "Version")));
        Assert.AreEqual(3L, Property(bolt, "OccurrenceCount"), "twice in ASM, once in SUB");
        Assert.AreEqual("SUB", bolt.Relationships!.Single(r => r.Type == "usedIn").TargetIdentifier);
        // The bolt's B-rep (linked to its shape) in metres, where its first use in ASM places it.
        Assert.AreEqual(new BoundingBox(0.006, 0.016, 0, 0.014, 0.024, 0.04), bolt.BoundingBox);
        Assert.AreEqual(new Placement(0.01, 0.02, 0), bolt.Placement);
        Assert.AreEqual(new BoundingBox(-0.1, 0, 0, 0, 0.2, 0.01), byId["PLATE"].BoundingBox, "turned 90° about Z: its X runs along Y");
        Assert.IsNull(byId["ASM"].ParentIdentifier);
        Assert.IsNull(byId["ASM"].Placement, "a root is not placed");
        Assert.AreEqual(new BoundingBox(-0.1, 0, 0, 0.254, 0.2, 0.04), byId["ASM"].BoundingBox, "an assembly spans every part it places, each use once");
        Assert.AreEqual(new BoundingBox(-0.004, -0.004, 0, 0.004, 0.004, 0.14), byId["SUB"].BoundingBox, "its bolt 100 mm up through a transformation operator");

        var error = await Assert.ThrowsExactlyAsync<SourceFormatException>(() => ReadAsync(Encoding.UTF8.GetBytes(Ap214.Replace("#12=PRODUCT_DEFINITION('design','',#11,#3);", "#12=PRODUCT_DEFINITION('design','',#11,#3;", StringComparison.Ordinal)), "asm.stp"));
        StringAssert.Contains(error.Message, "line");
        var empty = await Assert.ThrowsExactlyAsync<SourceFormatException>(() => ReadAsync(Encoding.UTF8.GetBytes("ISO-10303-21;\nHEADER;\nFILE_SCHEMA(('CONFIG_CONTROL_DESIGN'));\nENDSEC;\nDATA;\n#1=CARTESIAN_POINT('',(0.,0.,0.));\nENDSEC;\nEND-ISO-10303-21;\n"), "points.step"));
        StringAssert.Contains(empty.Message, "no PRODUCT_DEFINITION");
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
