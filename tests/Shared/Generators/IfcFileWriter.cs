using System.Globalization;
using System.Text;

namespace Sync.Tests.Generators;

/// <summary>
/// Writes a realistic IFC4 file for tests and benchmarks: a project in millimetres with site, building and
/// storeys, and walls (extruded rectangles placed relative to their storey) with a property set, a quantity
/// set, a shared wall type and a material. Options vary one wall's property or renumber every instance.
/// </summary>
public sealed class IfcFileWriter
{
    public int Walls { get; init; } = 10;

    public int Storeys { get; init; } = 2;

    /// <summary>Added to every instance number (#id): a re-saved file with the same GlobalIds.</summary>
    public long IdOffset { get; init; }

    /// <summary>The wall whose FireRating reads "REI120" instead of "REI90", or -1.</summary>
    public int ChangedWall { get; init; } = -1;

    /// <summary>The wall left out of the file, or -1.</summary>
    public int MissingWall { get; init; } = -1;

    /// <summary>When set, an IfcProjectedCRS of this name (metres) and an IfcMapConversion of <see cref="MapConversion"/>.</summary>
    public string? MapCrs { get; init; }

    /// <summary>Eastings, northings, orthogonal height (map metres), the X axis's abscissa and ordinate, and the scale ("$": none).</summary>
    public (double Eastings, double Northings, double Height, double Abscissa, double Ordinate, string Scale) MapConversion { get; init; } = (0, 0, 0, 1, 0, "$");

    /// <summary>With <see cref="MapCrs"/>: the conversion as IFC2X3's ePSet_MapConversion and ePSet_ProjectedCRS property sets.</summary>
    public bool MapAsPropertySets { get; init; }

    /// <summary>With <see cref="MapAsPropertySets"/>: ePSet_ProjectedCRS.MapUnit, the label of the unit the conversion's values are in.</summary>
    public string? MapUnit { get; init; }

    /// <summary>When set, the site's RefLatitude, RefLongitude (degrees, minutes, seconds) and RefElevation (millimetres).</summary>
    public (int[] Latitude, int[] Longitude, double Elevation)? SiteLocation { get; init; }

    /// <summary>When set, the model context's TrueNorth direction (x, y).</summary>
    public (double X, double Y)? TrueNorth { get; init; }

    public static string WallGlobalId(int wall) => GlobalId(0x10000000 + wall);

    public static string StoreyGlobalId(int storey) => GlobalId(0x200 + storey);

    public string Write()
    {
        var text = new StringBuilder(Walls * 900);
        using var writer = new StringWriter(text, CultureInfo.InvariantCulture);
        Write(writer);
        return text.ToString();
    }

    public void Write(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        long next = 1;
        long Line(string entity)
        {
            long id = next++ + IdOffset;
            output.Write('#');
            output.Write(id.ToString(CultureInfo.InvariantCulture));
            output.Write('=');
            output.Write(entity);
            output.Write(";\n");
            return id;
        }

        output.Write("ISO-10303-21;\nHEADER;\nFILE_DESCRIPTION(('ViewDefinition [ReferenceView]'),'2;1');\n");
        output.Write("FILE_NAME('generated.ifc','2026-11-28T00:00:00',('SyncFunctions tests'),(''),'IfcFileWriter','IfcFileWriter','');\nFILE_SCHEMA(('IFC4'));\nENDSEC;\nDATA;\n");
        long origin = Line("IFCCARTESIANPOINT((0.,0.,0.))");
        long axisZ = Line("IFCDIRECTION((0.,0.,1.))");
        long axisX = Line("IFCDIRECTION((1.,0.,0.))");
        long world = Line($"IFCAXIS2PLACEMENT3D(#{origin},#{axisZ},#{axisX})");
        string trueNorth = TrueNorth is var (nx, ny) ? string.Create(CultureInfo.InvariantCulture, $"#{Line($"IFCDIRECTION(({nx:0.0###########},{ny:0.0###########}))")}") : "$";
        long context = Line($"IFCGEOMETRICREPRESENTATIONCONTEXT($,'Model',3,1.E-05,#{world},{trueNorth})");
        long millimetre = Line("IFCSIUNIT(*,.LENGTHUNIT.,.MILLI.,.METRE.)");
        long units = Line($"IFCUNITASSIGNMENT((#{millimetre}))");
        if (MapCrs is not null && MapAsPropertySets)
        {
            var (e, n, h, a, o, scale) = MapConversion;
            string Single(string name, string value) => $"#{Line($"IFCPROPERTYSINGLEVALUE('{name}',$,{value},$)")}";
            var conversion = new List<string>
            {
                Single("Eastings", string.Create(CultureInfo.InvariantCulture, $"IFCLENGTHMEASURE({e:0.0###})")),
                Single("Northings", string.Create(CultureInfo.InvariantCulture, $"IFCLENGTHMEASURE({n:0.0###})")),
                Single("OrthogonalHeight", string.Create(CultureInfo.InvariantCulture, $"IFCLENGTHMEASURE({h:0.0###})")),
                Single("XAxisAbscissa", string.Create(CultureInfo.InvariantCulture, $"IFCREAL({a:0.0#########})")),
                Single("XAxisOrdinate", string.Create(CultureInfo.InvariantCulture, $"IFCREAL({o:0.0#########})")),
            };
            if (scale != "$")
            {
                conversion.Add(Single("Scale", $"IFCREAL({scale})"));
            }

            Line($"IFCPROPERTYSET('{GlobalId(7)}',$,'ePSet_MapConversion',$,({string.Join(',', conversion)}))");
            string crs = Single("Name", $"IFCLABEL('{MapCrs}')") + (MapUnit is null ? string.Empty : "," + Single("MapUnit", $"IFCLABEL('{MapUnit}')"));
            Line($"IFCPROPERTYSET('{GlobalId(8)}',$,'ePSet_ProjectedCRS',$,({crs}))");
        }
        else if (MapCrs is not null)
        {
            long metre = Line("IFCSIUNIT(*,.LENGTHUNIT.,$,.METRE.)");
            long crs = Line($"IFCPROJECTEDCRS('{MapCrs}','Generated map','ETRS89',$,$,$,#{metre})");
            var (e, n, h, a, o, scale) = MapConversion;
            Line(string.Create(CultureInfo.InvariantCulture, $"IFCMAPCONVERSION(#{context},#{crs},{e:0.0###},{n:0.0###},{h:0.0###},{a:0.0#########},{o:0.0#########},{scale})"));
        }

        long project = Line($"IFCPROJECT('{GlobalId(1)}',$,'Generated project','Walls for tests',$,$,$,(#{context}),#{units})");
        long sitePlacement = Line($"IFCLOCALPLACEMENT($,#{world})");
        string location = SiteLocation is var (latitude, longitude, elevation)
            ? string.Create(CultureInfo.InvariantCulture, $"({string.Join(',', latitude)}),({string.Join(',', longitude)}),{elevation:0.0###}")
            : "$,$,$";
        long site = Line($"IFCSITE('{GlobalId(2)}',$,'Site',$,$,#{sitePlacement},$,$,.ELEMENT.,{location},$,$)");
        long buildingPlacement = Line($"IFCLOCALPLACEMENT(#{sitePlacement},#{world})");
        long building = Line($"IFCBUILDING('{GlobalId(3)}',$,'Building',$,$,#{buildingPlacement},$,$,.ELEMENT.,$,$,$)");
        Line($"IFCRELAGGREGATES('{GlobalId(4)}',$,$,$,#{project},(#{site}))");
        Line($"IFCRELAGGREGATES('{GlobalId(5)}',$,$,$,#{site},(#{building}))");
        long wallType = Line($"IFCWALLTYPE('{GlobalId(6)}',$,'Basic wall 200',$,$,$,$,$,$,.STANDARD.)");
        long material = Line("IFCMATERIAL('Concrete C30/37',$,'Concrete')");
        var storeyIds = new long[Storeys];
        var storeyPlacements = new long[Storeys];
        for (int s = 0; s < Storeys; s++)
        {
            long point = Line($"IFCCARTESIANPOINT((0.,0.,{s * 3000}.))");
            long axes = Line($"IFCAXIS2PLACEMENT3D(#{point},$,$)");
            storeyPlacements[s] = Line($"IFCLOCALPLACEMENT(#{buildingPlacement},#{axes})");
            storeyIds[s] = Line($"IFCBUILDINGSTOREY('{StoreyGlobalId(s)}',$,'Level {s}',$,$,#{storeyPlacements[s]},$,$,.ELEMENT.,{s * 3000}.)");
        }

        Line($"IFCRELAGGREGATES('{GlobalId(7)}',$,$,$,#{building},({string.Join(",", storeyIds.Select(i => "#" + i))}))");
        var wallsPerStorey = Enumerable.Range(0, Storeys).Select(_ => new List<long>()).ToArray();
        var walls = new List<long>();
        for (int w = 0; w < Walls; w++)
        {
            if (w == MissingWall)
            {
                continue;
            }

            int storey = w % Storeys;
            double x = (w / Storeys) * 1000.0;
            long at = Line($"IFCCARTESIANPOINT(({x.ToString("0.0", CultureInfo.InvariantCulture)},0.,0.))");
            // Every other wall runs along Y: its placement turns X into Y.
            long axes = w % 2 == 0 ? Line($"IFCAXIS2PLACEMENT3D(#{at},$,$)") : Line($"IFCAXIS2PLACEMENT3D(#{at},#{axisZ},#{Line("IFCDIRECTION((0.,1.,0.))")})");
            long placement = Line($"IFCLOCALPLACEMENT(#{storeyPlacements[storey]},#{axes})");
            long profileCentre = Line("IFCCARTESIANPOINT((2000.,100.))");
            long profileAxes = Line($"IFCAXIS2PLACEMENT2D(#{profileCentre},$)");
            long profile = Line($"IFCRECTANGLEPROFILEDEF(.AREA.,$,#{profileAxes},4000.,200.)");
            long solid = Line($"IFCEXTRUDEDAREASOLID(#{profile},#{world},#{axisZ},2800.)");
            long body = Line($"IFCSHAPEREPRESENTATION(#{context},'Body','SweptSolid',(#{solid}))");
            long shape = Line($"IFCPRODUCTDEFINITIONSHAPE($,$,(#{body}))");
            long wall = Line($"IFCWALL('{WallGlobalId(w)}',$,'Wall {w}','Generated wall',$,#{placement},#{shape},'W-{w}',.STANDARD.)");
            string rating = w == ChangedWall ? "REI120" : "REI90";
            long fire = Line($"IFCPROPERTYSINGLEVALUE('FireRating',$,IFCLABEL('{rating}'),$)");
            long external = Line($"IFCPROPERTYSINGLEVALUE('IsExternal',$,IFCBOOLEAN(.{(w % 3 == 0 ? 'T' : 'F')}.),$)");
            long thermal = Line("IFCPROPERTYSINGLEVALUE('ThermalTransmittance',$,IFCTHERMALTRANSMITTANCEMEASURE(0.35),$)");
            long pset = Line($"IFCPROPERTYSET('{GlobalId(0x20000000 + w)}',$,'Pset_WallCommon',$,(#{fire},#{external},#{thermal}))");
            Line($"IFCRELDEFINESBYPROPERTIES('{GlobalId(0x30000000 + w)}',$,$,$,(#{wall}),#{pset})");
            long length = Line("IFCQUANTITYLENGTH('Length',$,$,4000.,$)");
            long volume = Line("IFCQUANTITYVOLUME('NetVolume',$,$,2.24,$)");
            long quantities = Line($"IFCELEMENTQUANTITY('{GlobalId(0x40000000 + w)}',$,'Qto_WallBaseQuantities',$,$,(#{length},#{volume}))");
            Line($"IFCRELDEFINESBYPROPERTIES('{GlobalId(0x50000000 + w)}',$,$,$,(#{wall}),#{quantities})");
            wallsPerStorey[storey].Add(wall);
            walls.Add(wall);
        }

        for (int s = 0; s < Storeys; s++)
        {
            if (wallsPerStorey[s].Count > 0)
            {
                Line($"IFCRELCONTAINEDINSPATIALSTRUCTURE('{GlobalId(0x600 + s)}',$,$,$,({string.Join(",", wallsPerStorey[s].Select(i => "#" + i))}),#{storeyIds[s]})");
            }
        }

        if (walls.Count > 0)
        {
            Line($"IFCRELDEFINESBYTYPE('{GlobalId(8)}',$,$,$,({string.Join(",", walls.Select(i => "#" + i))}),#{wallType})");
            Line($"IFCRELASSOCIATESMATERIAL('{GlobalId(9)}',$,$,$,({string.Join(",", walls.Select(i => "#" + i))}),#{material})");
        }

        output.Write("ENDSEC;\nEND-ISO-10303-21;\n");
    }

    /// <summary>A 22-character GlobalId (IFC's base-64 alphabet) from a number.</summary>
    public static string GlobalId(long n)
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$";
        var chars = new char[22];
        for (int i = 21; i >= 0; i--)
        {
            chars[i] = alphabet[(int)(n & 63)];
            n >>= 6;
        }

        chars[0] = '1';
        return new string(chars);
    }
}
