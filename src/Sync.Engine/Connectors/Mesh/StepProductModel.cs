using System.Globalization;
using Sync.Engine.Connectors.Geometry;
using Sync.Engine.Connectors.StepPart21;
using Sync.Engine.Elements;

namespace Sync.Engine.Connectors.Mesh;

/// <summary>
/// STEP AP203/AP214 (ISO 10303-21 files read by <see cref="StepFile"/>): one element per product definition.
/// - Identifier: the product's id (part number), "[n]" on repeats. Class: MSTN:StepProduct.
/// - Properties: name, description, version and the number of times the product is used in assemblies.
/// - Parent: the assembly that uses it first (NEXT_ASSEMBLY_USAGE_OCCURRENCE); the other users are `usedIn`
///   relationships.
/// - Box: from the cartesian points of the product's shape representations, in its own coordinates (assembly
///   placements are not applied) and in metres from the representation's length unit.
/// </summary>
internal sealed class StepProductModel(StepFile file, SourceContext context)
{
    private const int MaxUnitDepth = 8;
    private readonly Dictionary<long, double> _unitScales = [];

    public IEnumerable<SourceElement> Elements(CancellationToken cancellationToken)
    {
        var definitions = new List<StepEntity>();
        var usages = new List<StepEntity>();
        var shapeOf = new Dictionary<long, List<long>>(); // product definition → its shape representations
        var definitionOfShape = new Dictionary<long, long>(); // PRODUCT_DEFINITION_SHAPE → product definition
        var representationLinks = new Dictionary<long, List<long>>();
        var shapeLinks = new List<StepEntity>();
        for (int i = 0; i < file.Count; i++)
        {
            if ((i & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            switch (file.TypeName(file.TypeCodeAt(i)))
            {
                case "PRODUCT_DEFINITION":
                    definitions.Add(file.Parse(i));
                    break;
                case "NEXT_ASSEMBLY_USAGE_OCCURRENCE":
                    usages.Add(file.Parse(i));
                    break;
                case "PRODUCT_DEFINITION_SHAPE":
                    var shape = file.Parse(i);
                    if (shape[2].IsReference)
                    {
                        definitionOfShape[shape.Id] = shape[2].Whole;
                    }

                    break;
                case "SHAPE_DEFINITION_REPRESENTATION":
                    shapeLinks.Add(file.Parse(i));
                    break;
                case "SHAPE_REPRESENTATION_RELATIONSHIP":
                    // Plain ones tie a shape representation to its geometry (a B-rep); those with a transformation are
                    // complex instances placing a part in an assembly and are not followed.
                    var link = file.Parse(i);
                    if (link.Parts is null && link[2].IsReference && link[3].IsReference)
                    {
                        Add(representationLinks, link[2].Whole, link[3].Whole);
                        Add(representationLinks, link[3].Whole, link[2].Whole);
                    }

                    break;
            }
        }

        foreach (var link in shapeLinks)
        {
            if (link[0].IsReference && link[1].IsReference && definitionOfShape.TryGetValue(link[0].Whole, out long definition))
            {
                Add(shapeOf, definition, link[1].Whole);
            }
        }

        if (definitions.Count == 0)
        {
            throw new SourceFormatException($"'{context.FileName}' has no PRODUCT_DEFINITION: it is not an AP203/AP214 product model.");
        }

        var identifiers = Identify(definitions);
        var users = new Dictionary<long, List<long>>();
        foreach (var usage in usages)
        {
            if (usage[3].IsReference && usage[4].IsReference && identifiers.ContainsKey(usage[3].Whole))
            {
                Add(users, usage[4].Whole, usage[3].Whole);
            }
        }

        foreach (var definition in definitions)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var product = Product(definition);
            var properties = new List<KeyValuePair<string, object>>();
            SourceProperties.AddText(properties, "PartNumber", product?[0].AsText);
            SourceProperties.AddText(properties, "Name", product?[1].AsText);
            SourceProperties.AddText(properties, "Description", product?[2].AsText);
            SourceProperties.AddText(properties, "Version", Formation(definition)?[0].AsText);
            SourceProperties.AddText(properties, "Definition", definition[0].AsText);
            var parents = users.GetValueOrDefault(definition.Id) ?? [];
            properties.Add(new("OccurrenceCount", (long)parents.Count));
            var box = new Bounds3d();
            foreach (long representation in Reachable(shapeOf.GetValueOrDefault(definition.Id) ?? [], representationLinks))
            {
                box.AddTransformed(Points(representation), Transform3d.Scale(LengthScale(representation)));
            }

            var relationships = parents.Distinct().Skip(1).Select(p => new SourceRelationship("usedIn", identifiers[p])).ToList();
            yield return new SourceElement(
                identifiers[definition.Id],
                "MSTN:StepProduct",
                SourceProperties.SortedByName(properties),
                product?[1].AsText,
                parents.Count > 0 ? identifiers[parents[0]] : null,
                null,
                box.ToBoundingBox(),
                relationships.Count > 0 ? relationships : null);
        }
    }

    private Dictionary<long, string> Identify(List<StepEntity> definitions)
    {
        var names = new SiblingNames();
        var identifiers = new Dictionary<long, string>();
        foreach (var definition in definitions)
        {
            var product = Product(definition);
            identifiers[definition.Id] = names.Next(product?[0].AsText is { Length: > 0 } id ? id : product?[1].AsText is { Length: > 0 } n ? n : "product");
        }

        return identifiers;
    }

    private StepEntity? Formation(StepEntity definition) => definition[2].IsReference ? file.Get(definition[2].Whole) : null;

    private StepEntity? Product(StepEntity definition) => Formation(definition) is { } formation && formation[2].IsReference ? file.Get(formation[2].Whole) : null;

    /// <summary>The representations linked to the product's, through plain shape representation relationships.</summary>
    private static HashSet<long> Reachable(List<long> start, Dictionary<long, List<long>> links)
    {
        var reached = new HashSet<long>(start);
        var pending = new Stack<long>(start);
        while (pending.Count > 0)
        {
            foreach (long next in links.GetValueOrDefault(pending.Pop()) ?? [])
            {
                if (reached.Add(next))
                {
                    pending.Push(next);
                }
            }
        }

        return reached;
    }

    /// <summary>The box of every cartesian point a representation's items reach (its context and units are not followed).</summary>
    private Bounds3d Points(long representationId)
    {
        var box = new Bounds3d();
        if (file.Get(representationId) is not { } representation)
        {
            return box;
        }

        var visited = new HashSet<long>();
        var pending = new Stack<long>();
        foreach (var item in representation[1].List)
        {
            if (item.IsReference)
            {
                pending.Push(item.Whole);
            }
        }

        while (pending.Count > 0)
        {
            long id = pending.Pop();
            if (!visited.Add(id) || file.Get(id) is not { } entity)
            {
                continue;
            }

            if (entity.TypeName == "CARTESIAN_POINT")
            {
                var xyz = entity[1].List;
                if (xyz.Count >= 2)
                {
                    box.Add(new Vector3d(xyz[0].AsNumber ?? 0, xyz[1].AsNumber ?? 0, xyz.Count > 2 ? xyz[2].AsNumber ?? 0 : 0));
                }

                continue;
            }

            if (entity.TypeName.EndsWith("REPRESENTATION_CONTEXT", StringComparison.Ordinal) || entity.Parts is not null)
            {
                continue; // contexts lead to units, not geometry
            }

            foreach (var argument in entity.Arguments)
            {
                Push(argument, pending);
            }
        }

        return box;
    }

    private static void Push(StepValue value, Stack<long> pending)
    {
        if (value.IsReference)
        {
            pending.Push(value.Whole);
        }
        else if (value.Kind is StepKind.List or StepKind.Typed && value.Items is { } items)
        {
            foreach (var item in items)
            {
                Push(item, pending);
            }
        }
    }

    /// <summary>Metres per unit of the representation's context (GLOBAL_UNIT_ASSIGNED_CONTEXT's length unit); 1 when it names none.</summary>
    private double LengthScale(long representationId)
    {
        if (file.Get(representationId) is not { } representation || !representation[2].IsReference)
        {
            return 1;
        }

        long contextId = representation[2].Whole;
        if (_unitScales.TryGetValue(contextId, out double known))
        {
            return known;
        }

        double scale = 1;
        if (file.Get(contextId) is { Parts: { } parts })
        {
            foreach (var (name, arguments) in parts)
            {
                if (name == "GLOBAL_UNIT_ASSIGNED_CONTEXT" && arguments.Length > 0)
                {
                    foreach (var unit in arguments[0].List)
                    {
                        if (unit.IsReference && Length(file.Get(unit.Whole), 0) is { } metres)
                        {
                            scale = metres;
                        }
                    }
                }
            }
        }

        _unitScales[contextId] = scale;
        return scale;
    }

    /// <summary>Metres per unit of a length unit: an SI unit with its prefix, or a conversion-based one (inch, foot).</summary>
    private double? Length(StepEntity? unit, int depth)
    {
        if (unit?.Parts is not { } parts || depth > MaxUnitDepth || parts.All(p => p.TypeName != "LENGTH_UNIT"))
        {
            return null;
        }

        foreach (var (name, arguments) in parts)
        {
            if (name == "SI_UNIT" && arguments.Length > 1)
            {
                return arguments[1].Untyped.Text == "METRE" ? Prefix(arguments[0].Untyped.Text) : null;
            }

            if (name == "CONVERSION_BASED_UNIT" && arguments.Length > 1 && arguments[1].IsReference && file.Get(arguments[1].Whole) is { } measure
                && measure[0].AsNumber is { } factor && measure[1].IsReference)
            {
                return factor * Length(file.Get(measure[1].Whole), depth + 1);
            }
        }

        return null;
    }

    private static double Prefix(string? prefix) => prefix switch
    {
        "MILLI" => 1e-3,
        "CENTI" => 1e-2,
        "DECI" => 1e-1,
        "KILO" => 1e3,
        "MICRO" => 1e-6,
        _ => 1,
    };

    private static void Add(Dictionary<long, List<long>> map, long key, long value)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(value);
    }

}
