using System.Globalization;
using System.Xml;
using Sync.Engine.Connectors.Archives;
using Sync.Engine.Connectors.Geometry;
using Sync.Engine.Elements;

namespace Sync.Engine.Connectors.Mesh;

/// <summary>
/// A 3MF package (OPC zip, 3MF core specification): the model part named by the package relationships is read with
/// <see cref="XmlReader"/>. Elements: the model (unit, metadata), each object (name, type, part number, vertex,
/// triangle and component counts, box) and each build item (its object as a relationship, world box through its
/// transform). Coordinates become metres from the model's unit. Members are extracted by <see cref="SafeZip"/>.
/// </summary>
internal static class ThreeMfPackage
{
    private const string ModelRelationship = "http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel";
    private const int MaxComponentDepth = 16;

    private static readonly XmlReaderSettings Xml = new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true, IgnoreWhitespace = true };

    public static async Task<List<SourceElement>> ReadAsync(Stream content, SourceContext context, CancellationToken cancellationToken)
    {
        using var scratch = new ScratchDirectory(context.ScratchRoot);
        var members = await SafeZip.ExtractAsync(
            content,
            context.FileName,
            scratch,
            name => name.Equals("_rels/.rels", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".model", StringComparison.OrdinalIgnoreCase),
            cancellationToken).ConfigureAwait(false);
        string modelName = members.TryGetValue("_rels/.rels", out string? rels) ? ModelTarget(rels, context.FileName) : "3D/3dmodel.model";
        if (!members.TryGetValue(modelName, out string? modelPath))
        {
            throw new SourceFormatException($"'{context.FileName}' holds no 3D model part ('{modelName}'): is it a 3MF file?");
        }

        try
        {
            return Model.Read(modelPath).Elements(context);
        }
        catch (XmlException e)
        {
            throw new SourceFormatException($"'{context.FileName}' has a model part that is not valid XML: {e.Message}", e);
        }
    }

    private static string ModelTarget(string relsPath, string fileName)
    {
        try
        {
            using var reader = XmlReader.Create(relsPath, Xml);
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "Relationship" && reader.GetAttribute("Type") == ModelRelationship
                    && reader.GetAttribute("Target") is { Length: > 0 } target)
                {
                    return target.TrimStart('/');
                }
            }
        }
        catch (XmlException e)
        {
            throw new SourceFormatException($"'{fileName}' has package relationships that are not valid XML: {e.Message}", e);
        }

        throw new SourceFormatException($"'{fileName}' names no 3D model in its package relationships: is it a 3MF file?");
    }

    private sealed class Model
    {
        private readonly Dictionary<string, ModelObject> _objects = new(StringComparer.Ordinal);
        private readonly List<(string ObjectId, Transform3d Transform, string? PartNumber)> _items = [];
        private readonly List<KeyValuePair<string, object>> _metadata = [];
        private string _unit = "millimeter";

        public static Model Read(string path)
        {
            var model = new Model();
            using var reader = XmlReader.Create(path, Xml);
            ModelObject? current = null;

            // Reading a metadata value moves the reader onto the next node: that one is not read again.
            bool positioned = false;
            while (positioned || reader.Read())
            {
                positioned = false;
                if (reader.NodeType != XmlNodeType.Element)
                {
                    continue;
                }

                switch (reader.LocalName)
                {
                    case "model":
                        model._unit = reader.GetAttribute("unit") ?? "millimeter";
                        break;
                    case "metadata" when current is null && reader.GetAttribute("name") is { Length: > 0 } name:
                        model._metadata.Add(new("Metadata." + name, reader.ReadElementContentAsString()));
                        positioned = true;
                        break;
                    case "object":
                        current = new ModelObject(reader.GetAttribute("id") ?? throw new XmlException("an object without an id"), reader.GetAttribute("name"), reader.GetAttribute("type") ?? "model", reader.GetAttribute("partnumber"));
                        if (!model._objects.TryAdd(current.Id, current))
                        {
                            throw new XmlException($"object id {current.Id} appears twice");
                        }

                        break;
                    case "vertex" when current is not null:
                        current.Local.Add(new Vector3d(Number(reader, "x"), Number(reader, "y"), Number(reader, "z")));
                        current.Vertices++;
                        break;
                    case "triangle" when current is not null:
                        current.Triangles++;
                        break;
                    case "component" when current is not null:
                        current.Components.Add((reader.GetAttribute("objectid") ?? throw new XmlException("a component without an objectid"), Transform(reader.GetAttribute("transform"))));
                        break;
                    case "item":
                        model._items.Add((reader.GetAttribute("objectid") ?? throw new XmlException("a build item without an objectid"), Transform(reader.GetAttribute("transform")), reader.GetAttribute("partnumber")));
                        break;
                }
            }

            return model;
        }

        public List<SourceElement> Elements(SourceContext context)
        {
            double metres = _unit switch
            {
                "micron" => 1e-6,
                "millimeter" => 1e-3,
                "centimeter" => 1e-2,
                "inch" => 0.0254,
                "foot" => 0.3048,
                "meter" => 1,
                _ => throw new SourceFormatException($"'{context.FileName}' uses the unit '{_unit}', which 3MF does not define."),
            };
            var scale = Transform3d.Scale(metres);
            var modelProperties = new List<KeyValuePair<string, object>>(_metadata) { new("Unit", _unit), new("ObjectCount", (long)_objects.Count), new("BuildItemCount", (long)_items.Count) };
            var elements = new List<SourceElement> { new("model", "MSTN:3mfModel", SourceProperties.SortedByName(modelProperties), Path.GetFileNameWithoutExtension(context.FileName)) };
            foreach (var obj in _objects.Values.OrderBy(o => o.Id, StringComparer.Ordinal))
            {
                var box = new Bounds3d();
                box.AddTransformed(Box(obj, 0, context.FileName), scale);
                var properties = new List<KeyValuePair<string, object>>
                {
                    new("Type", obj.Type), new("VertexCount", obj.Vertices), new("TriangleCount", obj.Triangles), new("ComponentCount", (long)obj.Components.Count),
                };
                SourceProperties.AddText(properties, "Name", obj.Name);
                SourceProperties.AddText(properties, "PartNumber", obj.PartNumber);
                var components = obj.Components.Select(c => c.ObjectId).Distinct().Select(id => new SourceRelationship("component", "object:" + id)).ToList();
                elements.Add(new SourceElement("object:" + obj.Id, "MSTN:3mfObject", SourceProperties.SortedByName(properties), obj.Name, "model", null, box.ToBoundingBox(), components.Count > 0 ? components : null));
            }

            for (int i = 0; i < _items.Count; i++)
            {
                var (objectId, transform, partNumber) = _items[i];
                if (!_objects.TryGetValue(objectId, out var obj))
                {
                    throw new SourceFormatException($"'{context.FileName}': build item {i + 1} refers to object {objectId}, which the model does not define.");
                }

                var world = scale.Then(transform);
                var box = new Bounds3d();
                box.AddTransformed(Box(obj, 0, context.FileName), world);
                var properties = new List<KeyValuePair<string, object>> { new("Object", objectId) };
                SourceProperties.AddText(properties, "PartNumber", partNumber);
                SourceProperties.AddText(properties, "Name", obj.Name);
                var origin = world.Origin;
                elements.Add(new SourceElement(
                    $"item:{(i + 1).ToString(CultureInfo.InvariantCulture)}",
                    "MSTN:3mfBuildItem",
                    SourceProperties.SortedByName(properties),
                    obj.Name,
                    "model",
                    new Placement(Bounds3d.Round(origin.X), Bounds3d.Round(origin.Y), Bounds3d.Round(origin.Z)),
                    box.ToBoundingBox(),
                    [new SourceRelationship("object", "object:" + objectId)]));
            }

            return elements;
        }

        /// <summary>An object's box in its own coordinates: its mesh and its components through their transforms.</summary>
        private Bounds3d Box(ModelObject obj, int depth, string fileName)
        {
            if (depth > MaxComponentDepth)
            {
                throw new SourceFormatException($"'{fileName}': components nest deeper than {MaxComponentDepth} levels at object {obj.Id} (a cycle?).");
            }

            var box = obj.Local;
            foreach (var (id, transform) in obj.Components)
            {
                if (!_objects.TryGetValue(id, out var part))
                {
                    throw new SourceFormatException($"'{fileName}': object {obj.Id} has a component of object {id}, which the model does not define.");
                }

                box.AddTransformed(Box(part, depth + 1, fileName), transform);
            }

            return box;
        }

        private static double Number(XmlReader reader, string name) =>
            double.TryParse(reader.GetAttribute(name), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : throw new XmlException($"a vertex without a number in '{name}'");

        /// <summary>A 3MF transform: twelve numbers, the rows of a 4×3 matrix acting on row vectors.</summary>
        private static Transform3d Transform(string? text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return Transform3d.Identity;
            }

            var m = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
                .Select(t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN).ToArray();
            if (m.Length != 12 || m.Any(double.IsNaN))
            {
                throw new XmlException($"'{text}' is not a 3MF transform (twelve numbers)");
            }

            return new Transform3d(new Vector3d(m[0], m[1], m[2]), new Vector3d(m[3], m[4], m[5]), new Vector3d(m[6], m[7], m[8]), new Vector3d(m[9], m[10], m[11]));
        }
    }

    private sealed class ModelObject(string id, string? name, string type, string? partNumber)
    {
        public string Id { get; } = id;

        public string? Name { get; } = name;

        public string Type { get; } = type;

        public string? PartNumber { get; } = partNumber;

        public long Vertices { get; set; }

        public long Triangles { get; set; }

        public List<(string ObjectId, Transform3d Transform)> Components { get; } = [];

        public Bounds3d Local;
    }
}
