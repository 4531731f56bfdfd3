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
/// - Box: from the cartesian points of the product's shape representations and of every part its assembly places
///   (CONTEXT_DEPENDENT_SHAPE_REPRESENTATION: an ITEM_DEFINED_TRANSFORMATION from one axis placement to another, or a
///   CARTESIAN_TRANSFORMATION_OPERATOR_3D), in metres from each representation's length unit, and in the root
///   assembly's coordinates through the product's first use (its parent); placement: that use's origin.
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
        var placedUses = new List<StepEntity>();
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
                case "CONTEXT_DEPENDENT_SHAPE_REPRESENTATION":
                    placedUses.Add(file.Parse(i));
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
        var firstUse = new Dictionary<long, StepEntity>(); // product definition → the usage that makes its parent
        foreach (var usage in usages)
        {
            if (usage[3].IsReference && usage[4].IsReference && identifiers.ContainsKey(usage[3].Whole))
            {
                Add(users, usage[4].Whole, usage[3].Whole);
                firstUse.TryAdd(usage[4].Whole, usage);
            }
        }

        var placement = new AssemblyPlacement(
            this,
            usages.Where(u => u[3].IsReference && u[4].IsReference && identifiers.ContainsKey(u[3].Whole)).ToList(),
            firstUse,
            Transforms(placedUses, definitionOfShape),
            definition => Reachable(shapeOf.GetValueOrDefault(definition) ?? [], representationLinks));

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
            var world = placement.World(definition.Id);
            var box = new Bounds3d();
            box.AddTransformed(placement.Extent(definition.Id), world ?? Transform3d.Identity);

            var relationships = parents.Distinct().Skip(1).Select(p => new SourceRelationship("usedIn", identifiers[p])).ToList();
            yield return new SourceElement(
                identifiers[definition.Id],
                "MSTN:StepProduct",
                SourceProperties.SortedByName(properties),
                product?[1].AsText,
                parents.Count > 0 ? identifiers[parents[0]] : null,
                world is { Origin: var origin } ? new Placement(Bounds3d.Round(origin.X), Bounds3d.Round(origin.Y), Bounds3d.Round(origin.Z)) : null,
                box.ToBoundingBox(),
                relationships.Count > 0 ? relationships : null);
        }
    }

    /// <summary>The box of a representation's points, in metres.</summary>
    private Bounds3d PointsInMetres(long representation)
    {
        var box = new Bounds3d();
        box.AddTransformed(Points(representation), Transform3d.Scale(LengthScale(representation)));
        return box;
    }

    /// <summary>Each placed usage (NEXT_ASSEMBLY_USAGE_OCCURRENCE id) with the transform, in metres, from its part's coordinates to its assembly's.</summary>
    private Dictionary<long, Transform3d> Transforms(List<StepEntity> placedUses, Dictionary<long, long> definitionOfShape)
    {
        var transforms = new Dictionary<long, Transform3d>();
        int unread = 0;
        foreach (var placed in placedUses)
        {
            if (!placed[0].IsReference || !placed[1].IsReference || !definitionOfShape.TryGetValue(placed[1].Whole, out long usage)
                || file.Get(placed[0].Whole) is not { Parts: { } parts })
            {
                continue;
            }

            var relationship = parts.FirstOrDefault(p => p.TypeName == "REPRESENTATION_RELATIONSHIP").Arguments;
            var operatorRef = parts.FirstOrDefault(p => p.TypeName == "REPRESENTATION_RELATIONSHIP_WITH_TRANSFORMATION").Arguments;
            if (relationship is not { Length: >= 4 } || operatorRef is not [{ IsReference: true } op, ..] || Operator(file.Get(op.Whole)) is not { } inUnits)
            {
                unread++;
                continue;
            }

            // rep_1 is the part's shape, rep_2 the assembly's: from part units to metres on both sides.
            double part = relationship[2].IsReference ? LengthScale(relationship[2].Whole) : 1;
            double assembly = relationship[3].IsReference ? LengthScale(relationship[3].Whole) : 1;
            transforms.TryAdd(usage, Transform3d.Scale(assembly).Then(inUnits).Then(Transform3d.Scale(1 / part)));
        }

        if (unread > 0)
        {
            context.Warn($"{unread} assembly placement(s) use a transformation this reader does not follow; those parts are placed at their assembly's origin.");
        }

        return transforms;
    }

    /// <summary>ITEM_DEFINED_TRANSFORMATION (from the first axis placement onto the second) or CARTESIAN_TRANSFORMATION_OPERATOR_3D.</summary>
    private Transform3d? Operator(StepEntity? entity)
    {
        switch (entity?.TypeName)
        {
            case "ITEM_DEFINED_TRANSFORMATION" when Axis(entity[2]) is { } from && Axis(entity[3]) is { } to:
                return to.Then(from.InverseRigid());
            // (item name, transformation name, description, axis1, axis2, local_origin, scale, axis3)
            case "CARTESIAN_TRANSFORMATION_OPERATOR_3D" when Point(entity[5]) is { } origin:
                double scale = entity[6].AsNumber ?? 1;
                var x = (Direction(entity[3]) ?? Vector3d.UnitX).Normalized() ?? Vector3d.UnitX;
                var y = (Direction(entity[4]) ?? Vector3d.UnitY).Normalized() ?? Vector3d.UnitY;
                var z = (Direction(entity[7]) ?? Vector3d.Cross(x, y)).Normalized() ?? Vector3d.UnitZ;
                return new Transform3d(x * scale, y * scale, z * scale, origin);
            default:
                return null;
        }
    }

    /// <summary>AXIS2_PLACEMENT_3D(name, location, axis, ref_direction) as a frame.</summary>
    private Transform3d? Axis(StepValue reference) =>
        reference.IsReference && file.Get(reference.Whole) is { TypeName: "AXIS2_PLACEMENT_3D" } axis && Point(axis[1]) is { } origin
            ? Transform3d.Frame(origin, Direction(axis[2]), Direction(axis[3]))
            : null;

    private Vector3d? Point(StepValue reference) =>
        reference.IsReference && file.Get(reference.Whole) is { TypeName: "CARTESIAN_POINT" } point ? Coordinates(point[1]) : null;

    private Vector3d? Direction(StepValue reference) =>
        reference.IsReference && file.Get(reference.Whole) is { TypeName: "DIRECTION" } direction ? Coordinates(direction[1]) : null;

    private static Vector3d? Coordinates(StepValue list) => list.List is { Count: >= 2 } xyz
        ? new Vector3d(xyz[0].AsNumber ?? 0, xyz[1].AsNumber ?? 0, xyz.Count > 2 ? xyz[2].AsNumber ?? 0 : 0)
        : null;

    /// <summary>
    /// Where products sit: a product's extent is its own shape and every part its assemblies place (each use once);
    /// its world transform follows its first use up to a product nobody uses. Cycles (malformed files) end the walk.
    /// </summary>
    private sealed class AssemblyPlacement(
        StepProductModel model,
        List<StepEntity> usages,
        Dictionary<long, StepEntity> firstUse,
        Dictionary<long, Transform3d> transforms,
        Func<long, HashSet<long>> shapesOf)
    {
        private const int MaxDepth = 64;
        private readonly Dictionary<long, Bounds3d> _extents = [];
        private readonly Dictionary<long, Transform3d?> _worlds = [];
        private readonly ILookup<long, StepEntity> _parts = usages.ToLookup(u => u[3].Whole);

        /// <summary>The product's box in its own coordinates (metres), with its placed parts.</summary>
        public Bounds3d Extent(long definition) => Extent(definition, 0);

        /// <summary>From the product's coordinates to its root assembly's (metres); null for a product nobody uses.</summary>
        public Transform3d? World(long definition) => World(definition, 0);

        private Bounds3d Extent(long definition, int depth)
        {
            if (_extents.TryGetValue(definition, out var known))
            {
                return known;
            }

            var box = new Bounds3d();
            foreach (long representation in shapesOf(definition))
            {
                box.Add(model.PointsInMetres(representation));
            }

            if (depth < MaxDepth)
            {
                foreach (var usage in _parts[definition])
                {
                    box.AddTransformed(Extent(usage[4].Whole, depth + 1), transforms.GetValueOrDefault(usage.Id, Transform3d.Identity));
                }
            }

            _extents[definition] = box;
            return box;
        }

        private Transform3d? World(long definition, int depth)
        {
            if (_worlds.TryGetValue(definition, out var known))
            {
                return known;
            }

            Transform3d? world = null;
            if (firstUse.TryGetValue(definition, out var usage))
            {
                var local = transforms.GetValueOrDefault(usage.Id, Transform3d.Identity);
                world = depth < MaxDepth && World(usage[3].Whole, depth + 1) is { } above ? above.Then(local) : local;
            }

            _worlds[definition] = world;
            return world;
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
