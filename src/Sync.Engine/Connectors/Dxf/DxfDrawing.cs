using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Sync.Engine.Connectors.Geometry;
using Sync.Engine.Elements;

namespace Sync.Engine.Connectors.Dxf;

/// <summary>The state of one drawing while it is read: units, layers, blocks, and the elements made of them.</summary>
internal sealed class DxfDrawing(SourceContext context)
{
    private const int MaxBlockDepth = 16;
    private const int MaxArrayCells = 10_000;
    private readonly SortedDictionary<string, DxfRecord> _layers = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, DxfRecord> _blocks = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Bounds3d> _blockBounds = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _expanding = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _fallbackCounts = new(StringComparer.Ordinal);
    private readonly HashSet<string> _usedLayers = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _layerIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _classes = new(StringComparer.Ordinal);
    private double _metres = 1;
    private bool _unitsDeclared;
    private int _withoutHandle;
    private int _blockWarnings;

    public void Header(DxfRecord variables)
    {
        // The HEADER section is one record of groups: 9 names a variable, the groups after it are its value.
        for (int i = 0; i < variables.Groups.Count - 1; i++)
        {
            if (variables.Groups[i] is { Code: 9, Value: "$INSUNITS" } && variables.Groups[i + 1].Code == 70)
            {
                long units = variables.Groups[i + 1].Integer;
                _unitsDeclared = units != 0; // 0 = unitless
                _metres = units switch
                {
                    1 => 0.0254,
                    2 => 0.3048,
                    3 => 1609.344,
                    4 => 0.001,
                    5 => 0.01,
                    6 => 1,
                    7 => 1000,
                    8 => 0.0254e-6,
                    9 => 0.0254e-3,
                    10 => 0.9144,
                    11 => 1e-10,
                    12 => 1e-9,
                    13 => 1e-6,
                    14 => 0.1,
                    15 => 10,
                    16 => 100,
                    17 => 1e9,
                    18 => 1.495978707e11,
                    19 => 9.4607304725808e15,
                    20 => 3.0856776e16,
                    21 => 1200.0 / 3937,
                    22 => 100.0 / 3937,
                    23 => 3600.0 / 3937,
                    24 => 6336000.0 / 3937,
                    _ => 1,
                };
            }
        }
    }

    public void Table(DxfRecord entry)
    {
        if (entry.Type == "LAYER" && entry.Text(2) is { Length: > 0 } name)
        {
            _layers[name] = entry;
        }
    }

    public void Block(DxfRecord block)
    {
        if (block.Type == "BLOCK" && block.Text(2) is { Length: > 0 } name)
        {
            _blocks[name] = block;
        }
    }

    public SourceElement? Entity(DxfRecord entity)
    {
        if (entity.Integer(67) == 1 || entity.Type is "VIEWPORT")
        {
            return null; // paper space
        }

        var properties = new List<KeyValuePair<string, object>>();
        var relationships = new List<SourceRelationship>();
        string layer = entity.Text(8) ?? "0";
        _usedLayers.Add(layer);
        properties.Add(new("Layer", layer));
        relationships.Add(new("layer", LayerId(layer)));
        SourceProperties.AddText(properties, "Linetype", entity.Text(6));
        AddInteger(properties, "Color", entity.Integer(62));
        if (entity.Integer(420) is { } rgb)
        {
            properties.Add(new("TrueColor", "#" + (rgb & 0xFFFFFF).ToString("X6", CultureInfo.InvariantCulture)));
        }

        AddInteger(properties, "Lineweight", entity.Integer(370));
        AddXData(entity, properties);
        string? label = null;
        switch (entity.Type)
        {
            case "TEXT" or "MTEXT" or "ATTDEF":
                label = MText(entity);
                SourceProperties.AddText(properties, "Text", label);
                break;
            case "CIRCLE" or "ARC":
                properties.Add(new("Radius", entity.Number(40)));
                break;
            case "INSERT":
                string blockName = entity.Text(2) ?? string.Empty;
                properties.Add(new("Block", blockName));
                label = blockName;
                if (_blocks.ContainsKey(blockName))
                {
                    relationships.Add(new("block", BlockId(blockName)));
                }

                foreach (var attribute in entity.Followers.Where(f => f.Type == "ATTRIB"))
                {
                    if (attribute.Text(2) is { Length: > 0 } tag && attribute.Text(1) is { } value)
                    {
                        properties.Add(new("Attribute." + tag, value));
                    }
                }

                break;
        }

        var box = new Bounds3d();
        AddExtents(entity, Transform3d.Identity, ref box, 0);
        var scaled = new Bounds3d();
        scaled.AddTransformed(box, Transform3d.Scale(_metres));
        Placement? placement = entity.Has(10)
            ? new Placement(Bounds3d.Round(entity.Number(10) * _metres), Bounds3d.Round(entity.Number(20) * _metres), Bounds3d.Round(entity.Number(30) * _metres))
            : null;
        return new SourceElement(Identifier(entity), ClassOf(entity.Type), SourceProperties.SortedByName(properties), label, null, placement, scaled.ToBoundingBox(), relationships);
    }

    /// <summary>Layers (those defined and those used) and named block definitions, after the entities.</summary>
    public IEnumerable<SourceElement> Definitions()
    {
        foreach (string name in _layers.Keys.Union(_usedLayers, StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase))
        {
            var properties = new List<KeyValuePair<string, object>> { new("Name", name) };
            if (_layers.TryGetValue(name, out var layer))
            {
                long colour = layer.Integer(62) ?? 7;
                properties.Add(new("Color", Math.Abs(colour)));
                properties.Add(new("IsOff", colour < 0));
                SourceProperties.AddText(properties, "Linetype", layer.Text(6));
                AddInteger(properties, "Lineweight", layer.Integer(370));
                properties.Add(new("IsFrozen", ((layer.Integer(70) ?? 0) & 1) != 0));
            }

            yield return new SourceElement(LayerId(name), "DWG:Layer", SourceProperties.SortedByName(properties), name);
        }

        foreach (var (name, block) in _blocks.OrderBy(b => b.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (name.StartsWith('*'))
            {
                continue; // model/paper space and anonymous blocks (dimensions, hatches) are not definitions users name
            }

            var properties = new List<KeyValuePair<string, object>>
            {
                new("BaseX", block.Number(10)), new("BaseY", block.Number(20)), new("BaseZ", block.Number(30)),
                new("EntityCount", (long)block.Followers.Count), new("Name", name),
            };
            yield return new SourceElement(BlockId(name), "DWG:BlockDefinition", properties, name, null, null, null, [new SourceRelationship("layer", LayerId(block.Text(8) ?? "0"))]);
        }
    }

    public void Finish()
    {
        if (_withoutHandle > 0)
        {
            context.Warn($"{_withoutHandle} entities have no handle (an R12 drawing saved without $HANDLING): their identifiers are derived from type, layer and geometry, so an edited entity reads as one deleted and one inserted.");
        }

        if (!_unitsDeclared)
        {
            context.Warn("The drawing declares no units ($INSUNITS): coordinates are taken as metres.");
        }
    }

    private string Identifier(DxfRecord entity)
    {
        if (entity.Text(5) is { Length: > 0 } handle)
        {
            return handle.ToUpperInvariant();
        }

        _withoutHandle++;
        var content = new StringBuilder(entity.Type);
        foreach (var group in entity.Groups)
        {
            content.Append('\n').Append(group.Code).Append('=').Append(group.Value);
        }

        string key = $"{entity.Type}:{XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(content.ToString())):x16}";
        int seen = _fallbackCounts.GetValueOrDefault(key);
        _fallbackCounts[key] = seen + 1;
        return seen == 0 ? key : $"{key}:{seen}";
    }

    private string ClassOf(string type)
    {
        if (!_classes.TryGetValue(type, out string? className))
        {
            _classes[type] = className = "DWG:" + type;
        }

        return className;
    }

    private string LayerId(string name)
    {
        if (!_layerIds.TryGetValue(name, out string? id))
        {
            _layerIds[name] = id = "LAYER:" + name.ToUpperInvariant();
        }

        return id;
    }

    private static string BlockId(string name) => "BLOCK:" + name.ToUpperInvariant();

    private void AddExtents(DxfRecord entity, Transform3d transform, ref Bounds3d box, int depth)
    {
        switch (entity.Type)
        {
            case "CIRCLE" or "ARC":
                var centre = Point(entity, 10);
                double r = entity.Number(40);
                AddBox(transform, centre - new Vector3d(r, r, 0), centre + new Vector3d(r, r, 0), ref box);
                break;
            case "ELLIPSE":
                var middle = Point(entity, 10);
                var major = Point(entity, 11);
                double ratio = entity.Number(40, 1);
                double hx = Math.Sqrt((major.X * major.X) + (ratio * major.Y * ratio * major.Y));
                double hy = Math.Sqrt((major.Y * major.Y) + (ratio * major.X * ratio * major.X));
                AddBox(transform, middle - new Vector3d(hx, hy, Math.Abs(major.Z)), middle + new Vector3d(hx, hy, Math.Abs(major.Z)), ref box);
                break;
            case "INSERT":
                AddInsert(entity, transform, ref box, depth);
                break;
            case "HATCH":
                // The first point (code 10) is the elevation point; the seed points follow group 98.
                bool first = true;
                for (int i = 0; i < entity.Groups.Count; i++)
                {
                    var g = entity.Groups[i];
                    if (g.Code == 98)
                    {
                        break;
                    }

                    if (g.Code is 10 or 11 && !first)
                    {
                        box.Add(transform.Apply(new Vector3d(g.Number, Next(entity, i, g.Code + 10), 0)));
                    }

                    first &= g.Code != 10;
                }

                break;
            case "POLYLINE":
                foreach (var vertex in entity.Followers)
                {
                    box.Add(transform.Apply(Point(vertex, 10)));
                }

                break;
            case "LWPOLYLINE":
                double elevation = entity.Number(38);
                for (int i = 0; i < entity.Groups.Count; i++)
                {
                    if (entity.Groups[i].Code == 10)
                    {
                        box.Add(transform.Apply(new Vector3d(entity.Groups[i].Number, Next(entity, i, 20), elevation)));
                    }
                }

                break;
            case "XLINE" or "RAY":
                break; // infinite
            default:
                // LINE, POINT, TEXT, MTEXT, 3DFACE, SOLID, TRACE, SPLINE (control and fit points), DIMENSION
                // (definition points), LEADER, ...: every point the entity lists.
                for (int i = 0; i < entity.Groups.Count; i++)
                {
                    int code = entity.Groups[i].Code;
                    if (code is >= 10 and <= 18)
                    {
                        box.Add(transform.Apply(new Vector3d(entity.Groups[i].Number, Next(entity, i, code + 10), Next(entity, i, code + 20))));
                    }
                }

                break;
        }
    }

    private void AddInsert(DxfRecord insert, Transform3d transform, ref Bounds3d box, int depth)
    {
        string name = insert.Text(2) ?? string.Empty;
        var content = BlockBounds(name, depth + 1);
        if (content.IsEmpty)
        {
            return;
        }

        double angle = insert.Number(50) * Math.PI / 180;
        var scale = new Vector3d(insert.Number(41, 1), insert.Number(42, 1), insert.Number(43, 1));
        var rotation = new Transform3d(new Vector3d(Math.Cos(angle), Math.Sin(angle), 0), new Vector3d(-Math.Sin(angle), Math.Cos(angle), 0), Vector3d.UnitZ, Point(insert, 10));
        long columns = Math.Max(1, insert.Integer(70) ?? 1);
        long rows = Math.Max(1, insert.Integer(71) ?? 1);
        if (columns * rows > MaxArrayCells)
        {
            context.Warn($"The block reference on line {insert.Line} is an array of {columns * rows} copies; its extents count the corner copies only.");
        }

        foreach (var (column, row) in Cells(columns, rows))
        {
            var cell = new Vector3d(column * insert.Number(44), row * insert.Number(45), 0);
            var local = rotation.Then(Transform3d.Translation(cell)).Then(new Transform3d(Vector3d.UnitX * scale.X, Vector3d.UnitY * scale.Y, Vector3d.UnitZ * scale.Z, Vector3d.Zero)).Then(Transform3d.Translation(Vector3d.Zero - Point(_blocks[name], 10)));
            box.AddTransformed(content, transform.Then(local));
        }
    }

    private static IEnumerable<(long, long)> Cells(long columns, long rows)
    {
        if (columns * rows > MaxArrayCells)
        {
            return new[] { (0L, 0L), (columns - 1, 0L), (0L, rows - 1), (columns - 1, rows - 1) }.Distinct();
        }

        return Enumerable.Range(0, (int)columns).SelectMany(c => Enumerable.Range(0, (int)rows).Select(r => ((long)c, (long)r)));
    }

    /// <summary>The box of a block's entities in its own coordinates (nested blocks expanded), cached; empty when unknown or cyclic.</summary>
    private Bounds3d BlockBounds(string name, int depth)
    {
        if (_blockBounds.TryGetValue(name, out var known))
        {
            return known;
        }

        if (!_blocks.TryGetValue(name, out var block))
        {
            Warn($"A block reference names block '{name}', which the drawing does not define; its extents are left out.");
            return new Bounds3d();
        }

        if (depth > MaxBlockDepth || !_expanding.Add(name))
        {
            Warn($"Block '{name}' contains itself (directly or through other blocks) or nests deeper than {MaxBlockDepth}; the cycle is not expanded.");
            return new Bounds3d();
        }

        var box = new Bounds3d();
        foreach (var entity in block.Followers)
        {
            AddExtents(entity, Transform3d.Identity, ref box, depth);
        }

        _expanding.Remove(name);
        _blockBounds[name] = box;
        return box;
    }

    private void Warn(string message)
    {
        if (_blockWarnings++ < 10)
        {
            context.Warn(message);
        }
    }

    private static Vector3d Point(DxfRecord record, int code) => new(record.Number(code), record.Number(code + 10), record.Number(code + 20));

    /// <summary>The value of the first group with <paramref name="code"/> after index <paramref name="i"/> (before the next point starts).</summary>
    private static double Next(DxfRecord record, int i, int code)
    {
        for (int j = i + 1; j < record.Groups.Count && j <= i + 3; j++)
        {
            if (record.Groups[j].Code == code)
            {
                return record.Groups[j].Number;
            }
        }

        return 0;
    }

    /// <summary>TEXT's value, or MTEXT's chunks (groups 3 then 1) joined.</summary>
    private static string? MText(DxfRecord entity)
    {
        var chunks = entity.Groups.Where(g => g.Code == 3).Select(g => g.Value).ToList();
        string? last = entity.Text(1);
        return chunks.Count == 0 ? last : string.Concat(chunks) + last;
    }

    /// <summary>XDATA: each application's values (codes 1000 to 1071) as "XData.&lt;app&gt;.&lt;n&gt;".</summary>
    private static void AddXData(DxfRecord entity, List<KeyValuePair<string, object>> properties)
    {
        string? application = null;
        int n = 0;
        foreach (var group in entity.Groups)
        {
            if (group.Code == 1001)
            {
                application = group.Value;
                n = 0;
                continue;
            }

            if (application is null || group.Code is < 1000 or > 1071 or 1002)
            {
                continue;
            }

            object value = group.Code switch
            {
                >= 1010 and <= 1059 => group.Number,
                >= 1060 and <= 1071 => group.Integer,
                _ => group.Value,
            };
            properties.Add(new($"XData.{application}.{n++}", value));
        }
    }

    private static void AddInteger(List<KeyValuePair<string, object>> properties, string name, long? value)
    {
        if (value is { } v)
        {
            properties.Add(new(name, v));
        }
    }

    private static void AddBox(Transform3d transform, Vector3d low, Vector3d high, ref Bounds3d box)
    {
        var local = new Bounds3d();
        local.Add(low);
        local.Add(high);
        box.AddTransformed(local, transform);
    }
}
