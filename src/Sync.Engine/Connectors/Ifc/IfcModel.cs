using System.Collections.Frozen;
using System.Globalization;
using Sync.Engine.Catalog;
using Sync.Engine.Connectors.Geometry;
using Sync.Engine.Connectors.StepPart21;
using Sync.Engine.Elements;

namespace Sync.Engine.Connectors.Ifc;

/// <summary>
/// The elements of one IFC file: every product (spatial structure included), the project, type objects, groups
/// and the materials they use, with direct attributes, property and quantity sets, relationships, world
/// placement and world box. Relationship instances are read once up front into maps keyed by instance id;
/// everything else is parsed per element from the file's instance index.
/// </summary>
internal sealed class IfcModel
{
    private const string MaterialPrefix = "IfcMaterial:";
    private readonly StepFile _file;
    private readonly SourceContext _context;
    private readonly FrozenDictionary<string, IfcEntityInfo> _schema;
    private readonly IfcEntityInfo?[] _infoByCode;
    private readonly IfcGeometry _geometry;
    private readonly Dictionary<long, long> _parent = [];
    private readonly Dictionary<long, List<long>> _definitions = [];
    private readonly Dictionary<long, List<(string Type, long Target)>> _links = [];
    private readonly Dictionary<long, List<long>> _materials = [];
    private readonly Dictionary<long, string?> _globalIds = [];
    private readonly Dictionary<long, List<KeyValuePair<string, object>>> _propertySets = [];
    private readonly SortedDictionary<string, StepEntity?> _materialElements = new(StringComparer.Ordinal);
    // Project units to world metres: the map conversion when the file has one, else the length unit.
    private readonly Transform3d _toWorld;
    private readonly Reprojection? _reprojection;
    private int _geometryWarnings;
    private int _danglingDefinitions;
    private int _missingGlobalIds;

    public IfcModel(StepFile file, SourceContext context, CancellationToken cancellationToken)
    {
        _file = file;
        _context = context;
        string? release = file.Schemas.Select(IfcSchema.Release).FirstOrDefault(r => r is not null);
        if (release is null)
        {
            throw new SourceFormatException($"'{context.FileName}' is not an IFC file: its FILE_SCHEMA is '{string.Join(", ", file.Schemas)}' (IFC2X3, IFC4 and IFC4X3 are read).");
        }

        Release = release;
        _schema = IfcSchema.Entities(release);
        _infoByCode = new IfcEntityInfo?[file.TypeCount];
        for (int code = 0; code < _infoByCode.Length; code++)
        {
            _infoByCode[code] = _schema.GetValueOrDefault(file.TypeName(code));
        }

        _geometry = new IfcGeometry(file, _schema);
        ReadRelationships(cancellationToken);
        double metres = LengthUnitInMetres();
        _toWorld = Transform3d.Scale(metres);
        if ((IfcGeoreference.Read(file, metres, unit => UnitScale(unit, 0), context)
            ?? IfcGeoreference.FromPropertySets(file, metres, context)
            ?? IfcGeoreference.FromSite(file, _geometry.PlacementOf, metres, context)) is { } georeference)
        {
            _toWorld = georeference.ProjectToMapMetres;
            context.CoordinateSystem = georeference.CoordinateSystem;
            context.CoordinateSystemDefinition = georeference.Definition;

            // Into the iModel's coordinate system, when one is configured and differs (as GIS layers are).
            if (context.Settings.GetValueOrDefault(ConfigurationSettings.GeographicCoordinateSystem) is { Length: > 0 } target && georeference.CoordinateSystem is not null)
            {
                _reprojection = Reprojection.Between(georeference.CoordinateSystem, georeference.Definition, target, context, "the IFC model");
                if (_reprojection is not null)
                {
                    context.CoordinateSystem = target;
                    context.CoordinateSystemDefinition = null;
                }
            }
        }
    }

    public string Release { get; }

    public IEnumerable<SourceElement> Elements(CancellationToken cancellationToken)
    {
        for (int i = 0; i < _file.Count; i++)
        {
            if ((i & 0x3FF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var info = _infoByCode[_file.TypeCodeAt(i)];
            if (info is null || !(info.IsProduct || info.IsTypeObject || info.IsGroup || info.Name == "IfcProject"))
            {
                continue;
            }

            if (Element(_file.Parse(i), info) is { } element)
            {
                yield return element;
            }
        }

        foreach (var (name, material) in _materialElements)
        {
            var properties = new List<KeyValuePair<string, object>> { new("Name", name) };
            if (material is not null && _schema.TryGetValue(material.TypeName, out var info))
            {
                AddAttributes(material, info, 1, properties);
            }

            yield return new SourceElement(MaterialPrefix + name, "IFC:IfcMaterial", SourceProperties.SortedByName(properties), name);
        }

        if (_missingGlobalIds > 0)
        {
            _context.Warn($"{_missingGlobalIds} objects have no GlobalId and were left out.");
        }

        if (_danglingDefinitions > 0)
        {
            _context.Warn($"{_danglingDefinitions} references to property sets or materials point to instances the file does not define; they are left out.");
        }

        if (_geometry.Unmeasured.Count > 0)
        {
            _context.Warn("Boxes leave out geometry of types not measured: " + string.Join(", ", _geometry.Unmeasured.Select(u => $"{u.Key} ({u.Value})")) + ".");
        }
    }

    private SourceElement? Element(StepEntity entity, IfcEntityInfo info)
    {
        string? globalId = entity[0].AsText;
        if (string.IsNullOrWhiteSpace(globalId))
        {
            _missingGlobalIds++;
            return null;
        }

        var properties = new List<KeyValuePair<string, object>>();
        AddAttributes(entity, info, 2, properties);
        var names = new HashSet<string>(properties.Select(p => p.Key), StringComparer.Ordinal);
        foreach (long definition in _definitions.GetValueOrDefault(entity.Id) ?? [])
        {
            AddPropertySet(definition, properties, names);
        }

        if (info.IsTypeObject && entity[5].Kind == StepKind.List)
        {
            foreach (var definition in entity[5].List.Where(d => d.IsReference))
            {
                AddPropertySet(definition.Whole, properties, names);
            }
        }

        var relationships = new List<SourceRelationship>();
        foreach (var (type, target) in _links.GetValueOrDefault(entity.Id) ?? [])
        {
            if (GlobalIdOf(target) is { } targetId)
            {
                relationships.Add(new SourceRelationship(type, targetId));
            }
        }

        var materialNames = new List<string>();
        foreach (long material in _materials.GetValueOrDefault(entity.Id) ?? [])
        {
            CollectMaterials(material, materialNames, 0);
        }

        if (materialNames.Count > 0)
        {
            properties.Add(new("Material", string.Join(", ", materialNames.Distinct(StringComparer.Ordinal))));
            foreach (string name in materialNames.Distinct(StringComparer.Ordinal))
            {
                relationships.Add(new SourceRelationship("material", MaterialPrefix + name));
            }
        }

        string? parent = _parent.TryGetValue(entity.Id, out long parentInstance) ? GlobalIdOf(parentInstance) : null;
        Placement? placement = null;
        BoundingBox? box = null;
        if (info.IsProduct)
        {
            (placement, box) = Locate(entity);
        }

        return new SourceElement(globalId, "IFC:" + info.Name, SourceProperties.SortedByName(properties), entity[2].AsText, parent, placement, box, relationships.Count > 0 ? relationships : null);
    }

    /// <summary>World placement origin and world box in metres; a broken geometry reference loses them, with a warning.</summary>
    private (Placement?, BoundingBox?) Locate(StepEntity product)
    {
        try
        {
            var world = _toWorld.Then(_geometry.PlacementOf(product[5]));
            var origin = world.Origin;
            var box = new Bounds3d();
            box.AddTransformed(_geometry.ShapeBounds(product[6]), world);
            if (_reprojection is not null)
            {
                origin = _reprojection.Apply(origin);
                box = _reprojection.Apply(box);
            }

            return (new Placement(Bounds3d.Round(origin.X), Bounds3d.Round(origin.Y), Bounds3d.Round(origin.Z)), box.ToBoundingBox());
        }
        catch (SourceFormatException e)
        {
            if (_geometryWarnings++ < 10)
            {
                _context.Warn($"The placement or shape of {product[0].AsText} (#{product.Id}) could not be read and is left out: {e.Message}");
            }

            return (null, null);
        }
    }

    /// <summary>Direct attributes from <paramref name="first"/> on that hold a plain value (text, number, boolean, enumeration).</summary>
    private static void AddAttributes(StepEntity entity, IfcEntityInfo info, int first, List<KeyValuePair<string, object>> properties)
    {
        for (int a = first; a < info.Attributes.Count && a < entity.Arguments.Length; a++)
        {
            if (Plain(entity.Arguments[a]) is { } value)
            {
                properties.Add(new(info.Attributes[a], value));
            }
        }
    }

    /// <summary>A parameter as a property value: text, long, double or bool; null for absent, unknown, lists and references.</summary>
    internal static object? Plain(StepValue value)
    {
        var v = value.Untyped;
        return v.Kind switch
        {
            StepKind.Text => v.Text,
            StepKind.WholeNumber => v.Whole,
            StepKind.RealNumber => v.Real,
            StepKind.Enumeration => v.Text switch
            {
                "T" or "TRUE" => true,
                "F" or "FALSE" => false,
                "U" or "UNKNOWN" => null,
                _ => v.Text,
            },
            _ => null,
        };
    }

    private void AddPropertySet(long id, List<KeyValuePair<string, object>> properties, HashSet<string> names)
    {
        if (!_propertySets.TryGetValue(id, out var set))
        {
            set = [];
            var definition = _file.Get(id);
            if (definition is null)
            {
                _danglingDefinitions++;
            }
            else
            {
                string prefix = definition[2].AsText ?? definition.TypeName;
                switch (definition.TypeName)
                {
                    case "IFCPROPERTYSET":
                        foreach (var property in definition[4].List)
                        {
                            AddProperty(prefix, property, set, 0);
                        }

                        break;
                    case "IFCELEMENTQUANTITY":
                        foreach (var quantity in definition[5].List)
                        {
                            AddQuantity(prefix, quantity, set, 0);
                        }

                        break;
                }
            }

            _propertySets[id] = set;
        }

        foreach (var property in set)
        {
            if (names.Add(property.Key))
            {
                properties.Add(property);
            }
        }
    }

    private void AddProperty(string prefix, StepValue reference, List<KeyValuePair<string, object>> into, int depth)
    {
        if (!reference.IsReference || depth > 8 || _file.Get(reference.Whole) is not { } p || p[0].AsText is not { } name)
        {
            return;
        }

        string key = $"{prefix}.{name}";
        switch (p.TypeName)
        {
            case "IFCPROPERTYSINGLEVALUE":
                Add(key, Plain(p[2]));
                break;
            case "IFCPROPERTYENUMERATEDVALUE" or "IFCPROPERTYLISTVALUE":
                Add(key, Joined(p[2]));
                break;
            case "IFCPROPERTYBOUNDEDVALUE":
                Add(key + ".UpperBound", Plain(p[2]));
                Add(key + ".LowerBound", Plain(p[3]));
                Add(key + ".SetPointValue", Plain(p[5]));
                break;
            case "IFCCOMPLEXPROPERTY":
                foreach (var part in p[3].List)
                {
                    AddProperty(key, part, into, depth + 1);
                }

                break;
        }

        void Add(string propertyName, object? value)
        {
            if (value is not null)
            {
                into.Add(new(propertyName, value));
            }
        }
    }

    private void AddQuantity(string prefix, StepValue reference, List<KeyValuePair<string, object>> into, int depth)
    {
        if (!reference.IsReference || depth > 8 || _file.Get(reference.Whole) is not { } q || q[0].AsText is not { } name)
        {
            return;
        }

        if (q.TypeName == "IFCPHYSICALCOMPLEXQUANTITY")
        {
            foreach (var part in q[2].List)
            {
                AddQuantity($"{prefix}.{name}", part, into, depth + 1);
            }
        }
        else if (q.TypeName.StartsWith("IFCQUANTITY", StringComparison.Ordinal) && Plain(q[3]) is { } value)
        {
            into.Add(new($"{prefix}.{name}", value));
        }
    }

    /// <summary>One value as itself, several as text joined by ", ".</summary>
    private static object? Joined(StepValue list)
    {
        var values = list.List.Select(Plain).OfType<object>().ToList();
        return values.Count switch
        {
            0 => null,
            1 => values[0],
            _ => string.Join(", ", values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))),
        };
    }

    private void CollectMaterials(long id, List<string> names, int depth)
    {
        if (depth > 8)
        {
            return;
        }

        if (_file.Get(id) is not { } e)
        {
            _danglingDefinitions++;
            return;
        }

        switch (e.TypeName)
        {
            case "IFCMATERIAL":
                if (e[0].AsText is { Length: > 0 } name)
                {
                    names.Add(name);
                    if (!_materialElements.ContainsKey(name))
                    {
                        _materialElements[name] = e;
                    }
                }

                break;
            case "IFCMATERIALLAYERSETUSAGE" or "IFCMATERIALPROFILESETUSAGE" or "IFCMATERIALPROFILESETUSAGETAPERING" or "IFCMATERIALLAYER" or "IFCMATERIALLAYERWITHOFFSETS":
                Follow(e[0]);
                break;
            case "IFCMATERIALLAYERSET" or "IFCMATERIALLIST":
                foreach (var part in e[0].List)
                {
                    Follow(part);
                }

                break;
            case "IFCMATERIALCONSTITUENTSET" or "IFCMATERIALPROFILESET":
                foreach (var part in e[2].List)
                {
                    Follow(part);
                }

                break;
            case "IFCMATERIALCONSTITUENT" or "IFCMATERIALPROFILE" or "IFCMATERIALPROFILEWITHOFFSETS":
                Follow(e[2]);
                break;
        }

        void Follow(StepValue value)
        {
            if (value.IsReference)
            {
                CollectMaterials(value.Whole, names, depth + 1);
            }
        }
    }

    private string? GlobalIdOf(long instance)
    {
        if (!_globalIds.TryGetValue(instance, out string? globalId))
        {
            globalId = _file.Get(instance)?[0].AsText;
            _globalIds[instance] = globalId;
        }

        return globalId;
    }

    /// <summary>
    /// Reads every relationship instance once. Containment gives a parent; aggregation, nesting and voiding
    /// (more specific) override it. Types, groups, fillings and spatial references become typed links.
    /// </summary>
    private void ReadRelationships(CancellationToken cancellationToken)
    {
        var containment = new List<int>();
        var isRelationship = new bool[_file.TypeCount];
        for (int code = 0; code < isRelationship.Length; code++)
        {
            isRelationship[code] = _file.TypeName(code).StartsWith("IFCREL", StringComparison.Ordinal);
        }

        for (int i = 0; i < _file.Count; i++)
        {
            if ((i & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (!isRelationship[_file.TypeCodeAt(i)])
            {
                continue;
            }

            string type = _file.TypeName(_file.TypeCodeAt(i));
            if (type == "IFCRELCONTAINEDINSPATIALSTRUCTURE")
            {
                containment.Add(i);
                continue;
            }

            var rel = _file.Parse(i);
            switch (type)
            {
                case "IFCRELAGGREGATES" or "IFCRELNESTS":
                    foreach (long child in References(rel[5]))
                    {
                        SetParent(child, rel[4], overrides: true);
                    }

                    break;
                case "IFCRELVOIDSELEMENT":
                    foreach (long opening in References(rel[5]))
                    {
                        SetParent(opening, rel[4], overrides: true);
                    }

                    break;
                case "IFCRELDEFINESBYPROPERTIES":
                    // IFC4 may point to a set of property set definitions.
                    var definitions = References(rel[5]).ToList();
                    foreach (long target in References(rel[4]))
                    {
                        ListOf(_definitions, target).AddRange(definitions);
                    }

                    break;
                case "IFCRELDEFINESBYTYPE":
                    Link(rel[4], "type", rel[5]);
                    break;
                case "IFCRELASSOCIATESMATERIAL":
                    foreach (long target in References(rel[4]))
                    {
                        ListOf(_materials, target).AddRange(References(rel[5]));
                    }

                    break;
                case "IFCRELASSIGNSTOGROUP" or "IFCRELASSIGNSTOGROUPBYFACTOR":
                    Link(rel[4], "group", rel[6]);
                    break;
                case "IFCRELFILLSELEMENT":
                    Link(rel[5], "fills", rel[4]);
                    break;
                case "IFCRELREFERENCEDINSPATIALSTRUCTURE":
                    Link(rel[4], "references", rel[5]);
                    break;
                case "IFCRELCONNECTSPATHELEMENTS" or "IFCRELCONNECTSELEMENTS":
                    Link(rel[5], "connects", rel[6]);
                    break;
            }
        }

        foreach (int i in containment)
        {
            var rel = _file.Parse(i);
            foreach (long element in References(rel[4]))
            {
                SetParent(element, rel[5], overrides: false);
            }
        }
    }

    private void SetParent(long child, StepValue parent, bool overrides)
    {
        if (parent.IsReference && parent.Whole != child && (overrides || !_parent.ContainsKey(child)))
        {
            _parent[child] = parent.Whole;
        }
    }

    private void Link(StepValue from, string type, StepValue to)
    {
        foreach (long target in References(to))
        {
            foreach (long source in References(from))
            {
                ListOf(_links, source).Add((type, target));
            }
        }
    }

    private static IEnumerable<long> References(StepValue value) => value.Kind switch
    {
        StepKind.Reference => [value.Whole],
        StepKind.List => value.List.Where(v => v.IsReference).Select(v => v.Whole),
        _ => [],
    };

    private static List<T> ListOf<T>(Dictionary<long, List<T>> map, long key)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        return list;
    }

    /// <summary>The project's length unit in metres (IfcSIUnit with prefix, or a conversion-based unit such as the foot); 1 when none is declared.</summary>
    private double LengthUnitInMetres()
    {
        int project = _file.TypeCode("IFCPROJECT");
        for (int i = 0; i < _file.Count; i++)
        {
            if (_file.TypeCodeAt(i) != project || _file.Parse(i)[8] is not { IsReference: true } units || _file.Get(units.Whole) is not { } assignment)
            {
                continue;
            }

            foreach (var unit in assignment[0].List.Where(u => u.IsReference))
            {
                if (_file.Get(unit.Whole) is { } u && u[1].Untyped.Text == "LENGTHUNIT" && UnitScale(u, 0) is { } scale)
                {
                    return scale;
                }
            }
        }

        _context.Warn("The file declares no length unit; coordinates are taken as metres.");
        return 1;
    }

    private double? UnitScale(StepEntity unit, int depth)
    {
        if (depth > 4)
        {
            return null;
        }

        if (unit.TypeName == "IFCSIUNIT")
        {
            double prefix = unit[2].Untyped.Text switch
            {
                "EXA" => 1e18,
                "PETA" => 1e15,
                "TERA" => 1e12,
                "GIGA" => 1e9,
                "MEGA" => 1e6,
                "KILO" => 1e3,
                "HECTO" => 1e2,
                "DECA" => 1e1,
                "DECI" => 1e-1,
                "CENTI" => 1e-2,
                "MILLI" => 1e-3,
                "MICRO" => 1e-6,
                "NANO" => 1e-9,
                "PICO" => 1e-12,
                "FEMTO" => 1e-15,
                "ATTO" => 1e-18,
                _ => 1,
            };
            return prefix;
        }

        if (unit.TypeName == "IFCCONVERSIONBASEDUNIT" && unit[3].IsReference && _file.Get(unit[3].Whole) is { } measure
            && measure[0].AsNumber is { } factor && measure[1].IsReference && _file.Get(measure[1].Whole) is { } baseUnit)
        {
            return factor * UnitScale(baseUnit, depth + 1);
        }

        return null;
    }
}
