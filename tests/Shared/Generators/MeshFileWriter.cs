using System.Globalization;
using System.IO.Compression;
using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;
using SharpGLTF.Schema2;

namespace Sync.Tests.Generators;

/// <summary>
/// Mesh files of every kind the MSTN connector reads. The glTF model has <see cref="Nodes"/> nodes "Part i" under
/// one root "Assembly", each with a unit cube (shared mesh) translated to (i, 0, 0) (+ <see cref="Offset"/> for
/// <see cref="MovedNode"/>) and extras {"tag": "P-i", "mass": i * 1.5}.
/// </summary>
public sealed class MeshFileWriter
{
    private static readonly Vector3[] CubeCorners =
    [
        new(0, 0, 0), new(1, 0, 0), new(1, 1, 0), new(0, 1, 0), new(0, 0, 1), new(1, 0, 1), new(1, 1, 1), new(0, 1, 1),
    ];

    private static readonly uint[] CubeTriangles =
    [
        0, 2, 1, 0, 3, 2, 4, 5, 6, 4, 6, 7, 0, 1, 5, 0, 5, 4, 1, 2, 6, 1, 6, 5, 2, 3, 7, 2, 7, 6, 3, 0, 4, 3, 4, 7,
    ];

    public int Nodes { get; init; } = 5;

    public int MovedNode { get; init; } = -1;

    public float Offset { get; init; } = 0.25f;

    public byte[] Glb()
    {
        var model = ModelRoot.CreateModel();
        var material = model.CreateMaterial("Steel");
        var mesh = model.CreateMesh("Cube");
        var primitive = mesh.CreatePrimitive();
        var positions = model.CreateAccessor("positions");
        positions.SetVertexData(model.UseBufferView(Bytes(CubeCorners.SelectMany(c => new[] { c.X, c.Y, c.Z }).ToArray()), 0, null, 0, BufferMode.ARRAY_BUFFER), 0, CubeCorners.Length, new SharpGLTF.Memory.AttributeFormat(DimensionType.VEC3, EncodingType.FLOAT, false));
        primitive.SetVertexAccessor("POSITION", positions);
        var indices = model.CreateAccessor("indices");
        indices.SetIndexData(model.UseBufferView(CubeTriangles.SelectMany(BitConverter.GetBytes).ToArray(), 0, null, 0, BufferMode.ELEMENT_ARRAY_BUFFER), 0, CubeTriangles.Length, IndexEncodingType.UNSIGNED_INT);
        primitive.SetIndexAccessor(indices);
        primitive.Material = material;

        var scene = model.UseScene("Default");
        var root = scene.CreateNode("Assembly");
        for (int i = 0; i < Nodes; i++)
        {
            var node = root.CreateNode($"Part {i}");
            node.Mesh = mesh;
            node.LocalMatrix = Matrix4x4.CreateTranslation(i + (i == MovedNode ? Offset : 0), 0, 0);
            node.Extras = JsonNode.Parse(string.Create(CultureInfo.InvariantCulture, $"{{\"tag\":\"P-{i}\",\"mass\":{i * 1.5:0.0#}}}"));
        }

        return model.WriteGLB().ToArray();
    }

    /// <summary>Two objects: "Frame" (a cube at the origin, material Steel) and "Panel" (a triangle at z = 2, material Glass).</summary>
    public static string Obj() => """
        # generated
        mtllib parts.mtl
        v 0 0 0
        v 1 0 0
        v 1 1 0
        v 0 1 0
        v 0 0 1
        v 1 0 1
        v 1 1 1
        v 0 1 1
        o Frame
        usemtl Steel
        f 1 2 3 4
        f 5/1/1 6/2/1 7/3/1 8/4/1
        f 1 2 6 5
        o Panel
        usemtl Glass
        v 0 0 2
        v 3 0 2
        v 0 4 2
        f -3 -2 -1
        """;

    public static string AsciiStl() => """
        solid bracket
          facet normal 0 0 1
            outer loop
              vertex 0 0 0
              vertex 2 0 0
              vertex 0 3 0
            endloop
          endfacet
        endsolid bracket
        solid plate
          facet normal 0 0 1
            outer loop
              vertex 0 0 5
              vertex 1 0 5
              vertex 0 1 6
            endloop
          endfacet
        endsolid plate
        """;

    /// <summary>A binary STL of <paramref name="triangles"/> triangles, declaring <paramref name="declared"/> (default: the truth).</summary>
    public static byte[] BinaryStl(int triangles, uint? declared = null)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write(Encoding.ASCII.GetBytes("solid binary part".PadRight(80, ' ')));
        writer.Write(declared ?? (uint)triangles);
        for (int t = 0; t < triangles; t++)
        {
            foreach (float value in new float[] { 0, 0, 1, t, 0, 0, t + 1, 0, 0, t, 1, 0.5f })
            {
                writer.Write(value);
            }

            writer.Write((ushort)0);
        }

        writer.Flush();
        return stream.ToArray();
    }

    /// <summary>A 3MF package in millimetres: a cube object (10 mm), an assembly object of two cubes, and two build items.</summary>
    public static byte[] ThreeMf()
    {
        var model = new StringBuilder("""
            <?xml version="1.0" encoding="UTF-8"?>
            <model unit="millimeter" xml:lang="en-US" xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02">
              <metadata name="Title">Bracket set</metadata>
              <metadata name="Designer">Works</metadata>
              <resources>
                <object id="1" name="Cube" type="model" partnumber="C-10">
                  <mesh><vertices>
            """);
        foreach (var c in CubeCorners)
        {
            model.Append(CultureInfo.InvariantCulture, $"<vertex x=\"{c.X * 10}\" y=\"{c.Y * 10}\" z=\"{c.Z * 10}\"/>");
        }

        model.Append("</vertices><triangles>");
        for (int t = 0; t < CubeTriangles.Length; t += 3)
        {
            model.Append(CultureInfo.InvariantCulture, $"<triangle v1=\"{CubeTriangles[t]}\" v2=\"{CubeTriangles[t + 1]}\" v3=\"{CubeTriangles[t + 2]}\"/>");
        }

        model.Append("""
            </triangles></mesh></object>
                <object id="2" name="Pair" type="model">
                  <components><component objectid="1"/><component objectid="1" transform="1 0 0 0 1 0 0 0 1 20 0 0"/></components>
                </object>
              </resources>
              <build>
                <item objectid="1" transform="1 0 0 0 1 0 0 0 1 0 0 100"/>
                <item objectid="2" partnumber="PAIR-1"/>
              </build>
            </model>
            """);
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "[Content_Types].xml", """<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="model" ContentType="application/vnd.ms-package.3dmanufacturing-3dmodel+xml"/></Types>""");
            Add(zip, "_rels/.rels", """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Target="/3D/3dmodel.model" Id="rel0" Type="http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel"/></Relationships>""");
            Add(zip, "3D/3dmodel.model", model.ToString());
        }

        return buffer.ToArray();
    }

    private static void Add(ZipArchive zip, string name, string text)
    {
        using var entry = zip.CreateEntry(name).Open();
        entry.Write(Encoding.UTF8.GetBytes(text));
    }

    private static byte[] Bytes(float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();
}
