using Sync.Engine.Connectors.Geometry;
using Sync.Engine.Connectors.StepPart21;

namespace Sync.Engine.Connectors.Ifc;

/// <summary>
/// An IFC4 file's place on Earth: its <c>IfcMapConversion</c> from the project's engineering coordinates to the
/// map coordinates of an <c>IfcProjectedCRS</c> (false origin, rotation of the X axis, scale), as one transform from
/// project units to map metres, and the name of that CRS ("EPSG:25832").
/// </summary>
/// <remarks>
/// The spec's <c>Scale</c> converts project units to map units; files often leave it out although their units
/// differ (millimetre projects on metre maps), so a missing Scale means "convert the units" and a present one is
/// taken as written. IFC4X3's <c>ScaleY</c>/<c>ScaleZ</c> are honoured; without <c>ScaleZ</c> heights convert by units.
/// A CRS without <c>MapUnit</c> has the project's length unit, as the spec says.
/// IFC2X3 files (which georeference through property sets, if at all) have no map conversion.
/// </remarks>
internal sealed record IfcGeoreference(string? CoordinateSystem, Transform3d ProjectToMapMetres)
{
    /// <summary>The file's first map conversion, or null when it has none.</summary>
    public static IfcGeoreference? Read(StepFile file, double projectUnitInMetres, Func<StepEntity, double?> unitInMetres, SourceContext context)
    {
        int code = file.TypeCode("IFCMAPCONVERSION");
        if (code < 0)
        {
            return null;
        }

        var conversions = Enumerable.Range(0, file.Count).Where(i => file.TypeCodeAt(i) == code).ToList();
        if (conversions.Count == 0)
        {
            return null;
        }

        if (conversions.Count > 1)
        {
            context.Warn($"The file has {conversions.Count} map conversions; the first (#{file.Parse(conversions[0]).Id}) places the model.");
        }

        var conversion = file.Parse(conversions[0]);
        var crs = conversion[1].IsReference ? file.Get(conversion[1].Whole) : null;
        string? name = crs?[0].AsText is { Length: > 0 } text ? text.Trim() : null;
        if (name is null)
        {
            context.Warn("The map conversion names no projected coordinate system: the model is placed in map coordinates of an unknown system.");
        }

        double mapUnit = crs is not null && crs[6].IsReference && file.Get(crs[6].Whole) is { } unit && unitInMetres(unit) is { } metres
            ? metres
            : projectUnitInMetres;
        double eastings = conversion[2].AsNumber ?? 0;
        double northings = conversion[3].AsNumber ?? 0;
        double height = conversion[4].AsNumber ?? 0;
        double abscissa = conversion[5].AsNumber ?? 1;
        double ordinate = conversion[6].AsNumber ?? 0;
        double length = Math.Sqrt((abscissa * abscissa) + (ordinate * ordinate));
        (double cos, double sin) = length > 0 ? (abscissa / length, ordinate / length) : (1, 0);

        // Metres of map per project unit along each axis.
        double scaleX = conversion[7].AsNumber is { } scale ? scale * mapUnit : projectUnitInMetres;
        double scaleY = conversion[8].AsNumber is { } y ? y * mapUnit : scaleX;
        double scaleZ = conversion[9].AsNumber is { } z ? z * mapUnit : projectUnitInMetres;
        var transform = new Transform3d(
            new Vector3d(cos * scaleX, sin * scaleX, 0),
            new Vector3d(-sin * scaleY, cos * scaleY, 0),
            new Vector3d(0, 0, scaleZ),
            new Vector3d(eastings * mapUnit, northings * mapUnit, height * mapUnit));
        return new IfcGeoreference(name, transform);
    }
}
