using System.Collections.Frozen;
using Sync.Engine.Connectors.Geometry;
using Sync.Engine.Connectors.StepPart21;

namespace Sync.Engine.Connectors.Ifc;

/// <summary>
/// World placements (the IfcLocalPlacement chain with full axis placements) and axis-aligned world boxes of
/// product shapes: bounding boxes, extrusions of profiles, faceted and polygonal B-reps, tessellated face sets,
/// swept disks, CSG primitives, booleans (their first operand) and mapped items with their transforms.
/// Coordinates are in the file's length unit; callers scale to metres.
/// </summary>
internal sealed class IfcGeometry(StepFile file, FrozenDictionary<string, IfcEntityInfo> schema)
{
    private const int MaxDepth = 48;
    private static readonly string[] WidthNames = ["OverallWidth", "Width", "FlangeWidth", "BottomFlangeWidth", "BottomXDim", "XDim"];
    private static readonly string[] DepthNames = ["OverallDepth", "Depth", "YDim"];
    private readonly Dictionary<long, Transform3d> _placements = [];
    private readonly HashSet<long> _placing = [];

    /// <summary>Item types whose geometry is not measured (counted, so a task can say what its boxes leave out).</summary>
    public SortedDictionary<string, int> Unmeasured { get; } = new(StringComparer.Ordinal);

    public Transform3d PlacementOf(StepValue value)
    {
        if (!value.IsReference)
        {
            return Transform3d.Identity;
        }

        long id = value.Whole;
        if (_placements.TryGetValue(id, out var known))
        {
            return known;
        }

        if (!_placing.Add(id) || _placing.Count > MaxDepth)
        {
            throw file.ErrorAt(id, "the placement chain is cyclic or deeper than " + MaxDepth);
        }

        var entity = Get(id);
        var placement = entity.TypeName switch
        {
            "IFCLOCALPLACEMENT" => PlacementOf(entity[0]).Then(Axis(entity[1])),
            _ => Transform3d.Identity,
        };
        _placing.Remove(id);
        _placements[id] = placement;
        return placement;
    }

    /// <summary>The box of a product's shape (IfcProductDefinitionShape) in its placement's frame; empty when unknown.</summary>
    public Bounds3d ShapeBounds(StepValue representation)
    {
        var box = new Bounds3d();
        if (!representation.IsReference)
        {
            return box;
        }

        var shape = Get(representation.Whole);
        var representations = shape[2].List.Where(r => r.IsReference).Select(r => Get(r.Whole)).ToList();
        var chosen = representations.Where(r => r[1].AsText is "Body").ToList();
        if (chosen.Count == 0)
        {
            chosen = representations.Where(r => r[1].AsText is "Box" or "Facetation" or "Surface").ToList();
        }

        if (chosen.Count == 0)
        {
            chosen = representations.Where(r => r[1].AsText is not ("Axis" or "FootPrint" or "Annotation" or "Profile" or "Reference" or "Lighting" or "Clearance")).ToList();
        }

        foreach (var representationEntity in chosen)
        {
            foreach (var item in representationEntity[3].List)
            {
                AddItem(item, Transform3d.Identity, ref box, 0);
            }
        }

        return box;
    }

    private void AddItem(StepValue value, Transform3d transform, ref Bounds3d box, int depth)
    {
        if (!value.IsReference)
        {
            return;
        }

        if (depth > MaxDepth)
        {
            throw file.ErrorAt(value.Whole, "geometry nested deeper than " + MaxDepth + " levels (cyclic?)");
        }

        var e = Get(value.Whole);
        switch (e.TypeName)
        {
            case "IFCBOUNDINGBOX":
                var corner = Point(e[0]);
                var local = new Bounds3d();
                local.Add(corner);
                local.Add(corner + new Vector3d(Number(e[1]), Number(e[2]), Number(e[3])));
                box.AddTransformed(local, transform);
                break;
            case "IFCEXTRUDEDAREASOLID" or "IFCEXTRUDEDAREASOLIDTAPERED":
                var position = transform.Then(Axis(e[1]));
                var profile = ProfileBounds(e[0], depth + 1);
                var extrusion = Direction(e[2]) * Number(e[3]);
                var solid = new Bounds3d();
                solid.Add(profile);
                if (!profile.IsEmpty)
                {
                    solid.Add(profile.Low + extrusion);
                    solid.Add(profile.High + extrusion);
                }

                box.AddTransformed(solid, position);
                break;
            case "IFCFACETEDBREP" or "IFCFACETEDBREPWITHVOIDS" or "IFCADVANCEDBREP" or "IFCADVANCEDBREPWITHVOIDS"
                or "IFCCLOSEDSHELL" or "IFCOPENSHELL" or "IFCCONNECTEDFACESET" or "IFCFACE" or "IFCFACESURFACE" or "IFCADVANCEDFACE"
                or "IFCFACEOUTERBOUND" or "IFCFACEBOUND" or "IFCPOLYLOOP" or "IFCPOLYLINE"
                or "IFCSHELLBASEDSURFACEMODEL" or "IFCFACEBASEDSURFACEMODEL" or "IFCGEOMETRICSET" or "IFCGEOMETRICCURVESET"
                or "IFCTRIANGULATEDFACESET" or "IFCPOLYGONALFACESET" or "IFCTRIANGULATEDIRREGULARNETWORK" or "IFCINDEXEDPOLYCURVE"
                or "IFCCSGSOLID" or "IFCTRIMMEDCURVE":
                // Their geometry is what their first attribute refers to: one item (outer shell, loop, point list,
                // basis curve) or a list of them (faces, bounds, points, shells).
                AddMembers(e[0], transform, ref box, depth + 1);
                break;
            case "IFCCARTESIANPOINTLIST3D" or "IFCCARTESIANPOINTLIST2D":
                foreach (var coordinates in e[0].List)
                {
                    box.Add(transform.Apply(Coordinates(coordinates)));
                }

                break;
            case "IFCCARTESIANPOINT":
                box.Add(transform.Apply(Coordinates(e[0])));
                break;
            case "IFCMAPPEDITEM":
                var map = Get(Reference(e[0]));
                var mapped = transform.Then(Operator(e[1])).Then(Axis(map[0]));
                var mappedRepresentation = Get(Reference(map[1]));
                foreach (var item in mappedRepresentation[3].List)
                {
                    AddItem(item, mapped, ref box, depth + 1);
                }

                break;
            case "IFCBOOLEANRESULT" or "IFCBOOLEANCLIPPINGRESULT":
                // A difference or intersection lies inside its first operand; a union covers both.
                AddItem(e[1], transform, ref box, depth + 1);
                if (e[0].Untyped.Text == "UNION")
                {
                    AddItem(e[2], transform, ref box, depth + 1);
                }

                break;
            case "IFCBLOCK":
                AddBox(transform.Then(Axis(e[0])), Vector3d.Zero, new Vector3d(Number(e[1]), Number(e[2]), Number(e[3])), ref box);
                break;
            case "IFCRECTANGULARPYRAMID":
                AddBox(transform.Then(Axis(e[0])), Vector3d.Zero, new Vector3d(Number(e[1]), Number(e[2]), Number(e[3])), ref box);
                break;
            case "IFCRIGHTCIRCULARCYLINDER" or "IFCRIGHTCIRCULARCONE":
                double r = Number(e[2]);
                AddBox(transform.Then(Axis(e[0])), new Vector3d(-r, -r, 0), new Vector3d(r, r, Number(e[1])), ref box);
                break;
            case "IFCSPHERE":
                double radius = Number(e[1]);
                AddBox(transform.Then(Axis(e[0])), new Vector3d(-radius, -radius, -radius), new Vector3d(radius, radius, radius), ref box);
                break;
            case "IFCSWEPTDISKSOLID" or "IFCSWEPTDISKSOLIDPOLYGONAL":
                var directrix = new Bounds3d();
                AddItem(e[0], Transform3d.Identity, ref directrix, depth + 1);
                if (!directrix.IsEmpty)
                {
                    double disk = Number(e[1]);
                    var pad = new Vector3d(disk, disk, disk);
                    AddBox(transform, directrix.Low - pad, directrix.High + pad, ref box);
                }

                break;
            case "IFCCOMPOSITECURVE":
                foreach (var segment in e[0].List)
                {
                    AddItem(Get(Reference(segment))[2], transform, ref box, depth + 1);
                }

                break;
            case "IFCCIRCLE" or "IFCELLIPSE":
                double a = Number(e[1]);
                double b = e.TypeName == "IFCELLIPSE" ? Number(e[2]) : a;
                AddBox(transform.Then(Axis(e[0])), new Vector3d(-a, -b, 0), new Vector3d(a, b, 0), ref box);
                break;
            default:
                Unmeasured[e.TypeName] = Unmeasured.GetValueOrDefault(e.TypeName) + 1;
                break;
        }
    }

    private void AddMembers(StepValue value, Transform3d transform, ref Bounds3d box, int depth)
    {
        if (value.Kind == StepKind.List)
        {
            foreach (var item in value.List)
            {
                AddItem(item, transform, ref box, depth);
            }
        }
        else
        {
            AddItem(value, transform, ref box, depth);
        }
    }

    /// <summary>The 2D box (z = 0) of a profile definition in its own position.</summary>
    private Bounds3d ProfileBounds(StepValue value, int depth)
    {
        var box = new Bounds3d();
        if (!value.IsReference || depth > MaxDepth)
        {
            return box;
        }

        var e = Get(value.Whole);
        switch (e.TypeName)
        {
            case "IFCARBITRARYCLOSEDPROFILEDEF" or "IFCARBITRARYPROFILEDEFWITHVOIDS" or "IFCARBITRARYOPENPROFILEDEF":
                AddItem(e[2], Transform3d.Identity, ref box, depth + 1);
                break;
            case "IFCCENTERLINEPROFILEDEF":
                var line = new Bounds3d();
                AddItem(e[2], Transform3d.Identity, ref line, depth + 1);
                if (!line.IsEmpty)
                {
                    double half = Number(e[3]) / 2;
                    box.Add(line.Low - new Vector3d(half, half, 0));
                    box.Add(line.High + new Vector3d(half, half, 0));
                }

                break;
            case "IFCCIRCLEPROFILEDEF" or "IFCCIRCLEHOLLOWPROFILEDEF":
                double r = Number(e[3]);
                AddBox(Axis(e[2]), new Vector3d(-r, -r, 0), new Vector3d(r, r, 0), ref box);
                break;
            case "IFCELLIPSEPROFILEDEF":
                AddBox(Axis(e[2]), new Vector3d(-Number(e[3]), -Number(e[4]), 0), new Vector3d(Number(e[3]), Number(e[4]), 0), ref box);
                break;
            case "IFCDERIVEDPROFILEDEF" or "IFCMIRROREDPROFILEDEF":
                box.AddTransformed(ProfileBounds(e[2], depth + 1), Operator(e[3]));
                break;
            case "IFCCOMPOSITEPROFILEDEF":
                foreach (var profile in e[2].List)
                {
                    box.Add(ProfileBounds(profile, depth + 1));
                }

                break;
            default:
                // Parameterized profiles (rectangle, I, L, T, U, C, Z, trapezium, ...): centred on their position.
                if (schema.TryGetValue(e.TypeName, out var info) && Dimension(e, info, WidthNames) is { } width && Dimension(e, info, DepthNames) is { } depthY)
                {
                    AddBox(Axis(e[2]), new Vector3d(-width / 2, -depthY / 2, 0), new Vector3d(width / 2, depthY / 2, 0), ref box);
                }
                else
                {
                    Unmeasured[e.TypeName] = Unmeasured.GetValueOrDefault(e.TypeName) + 1;
                }

                break;
        }

        return box;
    }

    private static double? Dimension(StepEntity e, IfcEntityInfo info, string[] names)
    {
        foreach (string name in names)
        {
            int at = info.AttributeIndex(name);
            if (at >= 0 && e[at].AsNumber is { } value)
            {
                return value;
            }
        }

        return null;
    }

    private static void AddBox(Transform3d transform, Vector3d low, Vector3d high, ref Bounds3d box)
    {
        var local = new Bounds3d();
        local.Add(low);
        local.Add(high);
        box.AddTransformed(local, transform);
    }

    /// <summary>An IfcAxis2Placement3D/2D as a frame; identity when absent.</summary>
    public Transform3d Axis(StepValue value)
    {
        if (!value.IsReference)
        {
            return Transform3d.Identity;
        }

        var e = Get(value.Whole);
        return e.TypeName switch
        {
            "IFCAXIS2PLACEMENT3D" => Transform3d.Frame(Point(e[0]), OptionalDirection(e[1]), OptionalDirection(e[2])),
            "IFCAXIS2PLACEMENT2D" => Transform3d.Frame(Point(e[0]), null, OptionalDirection(e[1])),
            "IFCAXIS1PLACEMENT" => Transform3d.Frame(Point(e[0]), OptionalDirection(e[1]), null),
            _ => Transform3d.Identity,
        };
    }

    /// <summary>An IfcCartesianTransformationOperator (2D/3D, uniform or not) as a transform.</summary>
    private Transform3d Operator(StepValue value)
    {
        if (!value.IsReference)
        {
            return Transform3d.Identity;
        }

        var e = Get(value.Whole);
        bool threeD = e.TypeName.Contains("3D", StringComparison.Ordinal);
        var frame = Transform3d.Frame(Point(e[2]), threeD ? OptionalDirection(e[4]) : null, OptionalDirection(e[0]));
        double scale = e[3].AsNumber ?? 1;
        double scaleY = e.TypeName.Contains("NONUNIFORM", StringComparison.Ordinal) ? e[threeD ? 5 : 4].AsNumber ?? scale : scale;
        double scaleZ = e.TypeName == "IFCCARTESIANTRANSFORMATIONOPERATOR3DNONUNIFORM" ? e[6].AsNumber ?? scale : scale;
        return frame with { AxisX = frame.AxisX * scale, AxisY = frame.AxisY * scaleY, AxisZ = frame.AxisZ * scaleZ };
    }

    private Vector3d Point(StepValue value) =>
        value.IsReference ? Coordinates(Get(value.Whole)[0]) : Vector3d.Zero;

    private static Vector3d Coordinates(StepValue list)
    {
        var c = list.List;
        return new Vector3d(c.Count > 0 ? c[0].AsNumber ?? 0 : 0, c.Count > 1 ? c[1].AsNumber ?? 0 : 0, c.Count > 2 ? c[2].AsNumber ?? 0 : 0);
    }

    private Vector3d? OptionalDirection(StepValue value) =>
        value.IsReference ? Coordinates(Get(value.Whole)[0]) : null;

    private Vector3d Direction(StepValue value) =>
        OptionalDirection(value)?.Normalized() ?? Vector3d.UnitZ;

    private static double Number(StepValue value) => value.AsNumber ?? 0;

    // No position: the caller's warning names the product whose geometry refers to the missing instance.
    private static long Reference(StepValue value) =>
        value.IsReference ? value.Whole : throw new SourceFormatException($"a reference was expected where {value} is written");

    private StepEntity Get(long id) =>
        file.Get(id) ?? throw new SourceFormatException($"#{id} is referenced but not defined");
}
