using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.IO.Converters;
using NetTopologySuite.IO.Esri;

namespace Sync.Tests.Generators;

/// <summary>
/// GIS layers of every kind the GEOSPATIAL connector reads, with the same content: feature i is a point (i % 3 == 0),
/// a two-segment line (1) or a unit square (2) at x = i, y = 2i (+ <see cref="Offset"/> for feature
/// <see cref="MovedFeature"/>), with attributes id ("F-i"), name, count (i), ratio (i / 4) and open (even i).
/// </summary>
public sealed class GisFileWriter
{
    public const string UtmZone33NWkt = "PROJCS[\"WGS 84 / UTM zone 33N\",GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433],AUTHORITY[\"EPSG\",\"4326\"]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",15],PARAMETER[\"scale_factor\",0.9996],PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1],AUTHORITY[\"EPSG\",\"32633\"]]";

    private static readonly GeometryFactory Factory = new();

    public int Features { get; init; } = 10;

    public int MovedFeature { get; init; } = -1;

    public double Offset { get; init; } = 0.5;

    /// <summary>Added to every x and y, to place the features somewhere real in their coordinate system.</summary>
    public double OriginX { get; init; }

    public double OriginY { get; init; }

    /// <summary>Writes the GeoJSON "id" member (else the id is only an attribute).</summary>
    public bool GeoJsonIds { get; init; } = true;

    public static string Id(int i) => $"F-{i}";

    public Geometry GeometryOf(int i)
    {
        double x = OriginX + i + (i == MovedFeature ? Offset : 0), y = OriginY + (2 * i);
        return (i % 3) switch
        {
            0 => Factory.CreatePoint(new Coordinate(x, y)),
            1 => Factory.CreateLineString([new Coordinate(x, y), new Coordinate(x + 3, y), new Coordinate(x + 3, y + 4)]),
            _ => Factory.CreatePolygon([new Coordinate(x, y), new Coordinate(x + 1, y), new Coordinate(x + 1, y + 1), new Coordinate(x, y + 1), new Coordinate(x, y)]),
        };
    }

    public string GeoJson(string? legacyCrs = null)
    {
        var json = new StringBuilder("{\"type\":\"FeatureCollection\",\"name\":\"assets\",");
        if (legacyCrs is not null)
        {
            json.Append("\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"").Append(legacyCrs).Append("\"}},");
        }

        json.Append("\"features\":[\n");
        var options = new JsonSerializerOptions { Converters = { new GeoJsonConverterFactory() } };
        for (int i = 0; i < Features; i++)
        {
            json.Append(i == 0 ? string.Empty : ",\n").Append("{\"type\":\"Feature\",");
            if (GeoJsonIds)
            {
                json.Append("\"id\":\"").Append(Id(i)).Append("\",");
            }

            json.Append(CultureInfo.InvariantCulture, $"\"properties\":{{\"id\":\"{Id(i)}\",\"name\":\"Asset {i}\",\"count\":{i},\"ratio\":{i / 4.0},\"open\":{(i % 2 == 0 ? "true" : "false")},\"tags\":[\"a\",\"b\"],\"note\":null}},");
            json.Append("\"geometry\":").Append(JsonSerializer.Serialize(GeometryOf(i), options)).Append('}');
        }

        return json.Append("\n]}\n").ToString();
    }

    /// <summary>A zip of one shapefile layer named <paramref name="layer"/>, with a .prj unless <paramref name="projection"/> is null.</summary>
    public byte[] ShapefileZip(string layer, string? projection = UtmZone33NWkt, params string[] leaveOut)
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in Shapefile(layer, projection).Where(p => !leaveOut.Contains(Path.GetExtension(p.Key))).OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                using var entry = archive.CreateEntry(name).Open();
                entry.Write(bytes);
            }
        }

        return zip.ToArray();
    }

    /// <summary>The files of one shapefile layer (.shp, .shx, .dbf, and .prj unless <paramref name="projection"/> is null), by name.</summary>
    public Dictionary<string, byte[]> Shapefile(string layer, string? projection = UtmZone33NWkt)
    {
        string dir = Directory.CreateTempSubdirectory("shp").FullName;
        try
        {
            var features = Enumerable.Range(0, Features).Select(i => (IFeature)new Feature(
                Shape(i),
                new AttributesTable { { "id", Id(i) }, { "name", $"Asset {i}" }, { "count", i }, { "ratio", i / 4.0 } }));
            NetTopologySuite.IO.Esri.Shapefile.WriteAllFeatures(features, Path.Combine(dir, layer + ".shp"), projection);
            return Directory.GetFiles(dir).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        // A shapefile holds one geometry type: every feature is a polygon here.
        Geometry Shape(int i)
        {
            double x = OriginX + i + (i == MovedFeature ? Offset : 0), y = OriginY + (2 * i);
            return Factory.CreatePolygon([new Coordinate(x, y), new Coordinate(x + 1, y), new Coordinate(x + 1, y + 1), new Coordinate(x, y + 1), new Coordinate(x, y)]);
        }
    }

    /// <summary>A GeoPackage with the features in table <paramref name="table"/> (EPSG:<paramref name="epsg"/>) and an empty second table.</summary>
    public byte[] GeoPackage(string table = "assets", int epsg = 3857)
    {
        string path = Path.Combine(Path.GetTempPath(), $"gpkg-{Guid.NewGuid():N}.gpkg");
        try
        {
            using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                connection.Open();
                Execute(connection, """
                    CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
                    CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT, description TEXT DEFAULT '', last_change DATETIME, min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER);
                    CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL);
                    """);
                Execute(connection, $"INSERT INTO gpkg_spatial_ref_sys VALUES ('EPSG {epsg}', {epsg}, 'EPSG', {epsg}, 'undefined', NULL)");
                foreach (string name in new[] { table, "empty layer" })
                {
                    Execute(connection, $"INSERT INTO gpkg_contents (table_name, data_type, srs_id) VALUES ('{name}', 'features', {epsg})");
                    Execute(connection, $"INSERT INTO gpkg_geometry_columns VALUES ('{name}', 'geom', 'GEOMETRY', {epsg}, 0, 0)");
                    Execute(connection, $"CREATE TABLE \"{name}\" (fid INTEGER PRIMARY KEY, geom BLOB, name TEXT, count INTEGER, ratio REAL)");
                }

                var writer = new GeoPackageGeoWriter();
                using var transaction = connection.BeginTransaction();
                using var insert = connection.CreateCommand();
                insert.CommandText = $"INSERT INTO \"{table}\" (fid, geom, name, count, ratio) VALUES ($fid, $geom, $name, $count, $ratio)";
                for (int i = 0; i < Features; i++)
                {
                    var geometry = GeometryOf(i);
                    geometry.SRID = epsg;
                    insert.Parameters.Clear();
                    insert.Parameters.AddWithValue("$fid", i + 1);
                    insert.Parameters.AddWithValue("$geom", writer.Write(geometry));
                    insert.Parameters.AddWithValue("$name", $"Asset {i}");
                    insert.Parameters.AddWithValue("$count", i);
                    insert.Parameters.AddWithValue("$ratio", i / 4.0);
                    insert.ExecuteNonQuery();
                }

                transaction.Commit();
            }

            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
