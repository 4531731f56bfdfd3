using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using SharpGLTF.Schema2;
using Sync.Engine.Connectors.Geometry;
using Sync.Engine.Elements;

namespace Sync.Engine.Connectors.Mesh;

/// <summary>
/// The nodes of a glTF 2.0 model as elements: identifier = the node's path of names from its root (an unnamed node
/// is "node&lt;index&gt;"; a name repeated among siblings gets "[n]"), class MSTN:GltfNode, the node's parent as
/// parent, mesh name, triangle and vertex counts, material names and JSON extras as properties, world placement and
/// box. glTF is Y-up in metres; elements are Z-up (x, -z, y).
/// </summary>
internal static class GltfModel
{
    private static readonly Transform3d YUpToZUp = new(Vector3d.UnitX, Vector3d.UnitZ, new Vector3d(0, -1, 0), Vector3d.Zero);

    public static IEnumerable<SourceElement> Elements(ModelRoot model, CancellationToken cancellationToken)
    {
        var meshes = new Dictionary<int, MeshSummary>();
        var visited = new HashSet<int>();
        var roots = model.LogicalNodes.Where(n => n.VisualParent is null).ToList();
        var pending = new Stack<(Node Node, string Path, string? Parent)>();
        PushInOrder(pending, Named(roots, null), null);

        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (node, path, parent) = pending.Pop();
            if (!visited.Add(node.LogicalIndex))
            {
                throw new SourceFormatException($"node {node.LogicalIndex} is reached twice in the node tree (a cycle or a node with two parents)");
            }

            yield return Element(node, path, parent, meshes);
            PushInOrder(pending, Named(node.VisualChildren, path), path);
        }
    }

    /// <summary>Pushed last to first, so nodes pop (and become elements) in document order, parents before children.</summary>
    private static void PushInOrder(Stack<(Node Node, string Path, string? Parent)> pending, List<(Node Node, string Path)> nodes, string? parent)
    {
        for (int i = nodes.Count - 1; i >= 0; i--)
        {
            pending.Push((nodes[i].Node, nodes[i].Path, parent));
        }
    }

    /// <summary>Each node with its path; siblings of the same name are told apart by their order.</summary>
    private static List<(Node Node, string Path)> Named(IEnumerable<Node> siblings, string? parentPath)
    {
        var names = new SiblingNames();
        var named = new List<(Node Node, string Path)>();
        foreach (var node in siblings)
        {
            string segment = names.Next(string.IsNullOrEmpty(node.Name) ? $"node{node.LogicalIndex.ToString(CultureInfo.InvariantCulture)}" : node.Name.Replace('/', '_'));
            named.Add((node, parentPath is null ? segment : parentPath + "/" + segment));
        }

        return named;
    }

    private static SourceElement Element(Node node, string path, string? parent, Dictionary<int, MeshSummary> meshes)
    {
        var world = YUpToZUp.Then(ToTransform(node.WorldMatrix));
        var properties = new List<KeyValuePair<string, object>>();
        SourceProperties.AddText(properties, "Name", node.Name);

        var box = new Bounds3d();
        if (node.Mesh is { } mesh)
        {
            if (!meshes.TryGetValue(mesh.LogicalIndex, out var summary))
            {
                meshes[mesh.LogicalIndex] = summary = MeshSummary.Of(mesh);
            }

            SourceProperties.AddText(properties, "Mesh", mesh.Name);

            properties.Add(new("TriangleCount", summary.Triangles));
            properties.Add(new("VertexCount", summary.Vertices));
            SourceProperties.AddText(properties, "Materials", summary.Materials);

            box.AddTransformed(summary.Bounds, world);
        }

        MeshProperties.AddJson(properties, "Extras", node.Extras);
        var origin = world.Origin;
        var placement = new Placement(Bounds3d.Round(origin.X), Bounds3d.Round(origin.Y), Bounds3d.Round(origin.Z));
        return new SourceElement(path, "MSTN:GltfNode", SourceProperties.SortedByName(properties), node.Name, parent, placement, box.ToBoundingBox());
    }

    /// <summary>System.Numerics matrices act on row vectors: the rows are the images of the axes and the origin.</summary>
    private static Transform3d ToTransform(Matrix4x4 m) => new(
        new Vector3d(m.M11, m.M12, m.M13),
        new Vector3d(m.M21, m.M22, m.M23),
        new Vector3d(m.M31, m.M32, m.M33),
        new Vector3d(m.M41, m.M42, m.M43));

    /// <summary>What every node that uses a mesh shares: its local box, counts and material names (computed once).</summary>
    private sealed record MeshSummary(Bounds3d Bounds, long Triangles, long Vertices, string Materials)
    {
        public static MeshSummary Of(SharpGLTF.Schema2.Mesh mesh)
        {
            var bounds = new Bounds3d();
            long triangles = 0, vertices = 0;
            var materials = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var primitive in mesh.Primitives)
            {
                if (primitive.GetVertexAccessor("POSITION") is { } positions)
                {
                    foreach (var p in positions.AsVector3Array())
                    {
                        bounds.Add(new Vector3d(p.X, p.Y, p.Z));
                    }

                    vertices += positions.Count;
                }

                triangles += primitive.GetTriangleIndices().LongCount();
                if (primitive.Material?.Name is { Length: > 0 } material)
                {
                    materials.Add(material);
                }
            }

            return new MeshSummary(bounds, triangles, vertices, string.Join(", ", materials));
        }
    }
}
