using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.IO.Converters;
using NetTopologySuite.IO.Esri;
using NetTopologySuite.IO.Esri.Shapefiles.Readers;
using Sync.Engine.Catalog;
using Sync.Engine.Connectors.Archives;
using Sync.Engine.Elements;
using FeatureGeometry = NetTopologySuite.Geometries.Geometry;

namespace Sync.Engine.Connectors.Geospatial;

/// <summary>
/// GEOSPATIAL connector: GeoJSON (streamed feature by feature), Esri Shapefiles (a .zip with .shp, .shx, .dbf and
/// optionally .prj and .cpg; every shapefile in it is a layer), GeoPackage (every feature table is a layer), read
/// with NetTopologySuite, and KML/KMZ (placemarks under their folders, see <see cref="KmlReader"/>). One element per feature, one per layer; see <see cref="FeatureLayer"/>. Coordinates stay
/// in the layer's CRS, which the layer element names.
/// </summary>
public sealed class GeospatialConnector : IConnector
{
    /// <summary>A GeoPackage is copied to scratch space to be opened by SQLite; larger ones are refused.</summary>
    public const long MaxDatabaseBytes = 4L << 30;

    private static readonly JsonSerializerOptions GeometryJson = new() { Converters = { new GeoJsonConverterFactory() } };

    private static readonly string[] ShapefileParts = [".shp", ".shx", ".dbf", ".prj", ".cpg"];

    private static readonly string[] RequiredShapefileParts = [".dbf", ".shx"];

    public string ConnectorType => "GEOSPATIAL";

    public IReadOnlyList<string> Extensions { get; } = ["geojson", "json", "zip", "shp", "gpkg", "kml", "kmz"];

    public string Version => "1.0.0";

    public string SchemaAlias => "GEOSPATIAL";

    /// <summary>The iModel's coordinate system: layers in another are reprojected into it.</summary>
    public IReadOnlyList<string> SettingNames { get; } = [ConfigurationSettings.GeographicCoordinateSystem];

    public IAsyncEnumerable<SourceElement> ReadAsync(Stream content, SourceContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(context);
        return Path.GetExtension(context.FileName).ToLowerInvariant() switch
        {
            ".geojson" or ".json" => ReadGeoJsonAsync(content, context, cancellationToken),
            ".zip" => ReadShapefilesAsync(content, context, cancellationToken),
            ".gpkg" => ReadGeoPackageAsync(content, context, cancellationToken),
            ".kml" => new KmlReader(context).ReadAsync(content, Path.GetFileNameWithoutExtension(context.FileName), cancellationToken),
            ".kmz" => ReadKmzAsync(content, context, cancellationToken),
            _ => ReadShapefileWithCompanionsAsync(content, context, cancellationToken),
        };
    }

    private static async IAsyncEnumerable<SourceElement> ReadGeoJsonAsync(Stream content, SourceContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = new GeoJsonFeatureReader(content, context.FileName);
        FeatureLayer? layer = null;
        long fid = 0;
        while (await reader.NextAsync(cancellationToken).ConfigureAwait(false) is { } feature)
        {
            using (feature)
            {
                layer ??= NewGeoJsonLayer(reader, context);
                yield return GeoJsonFeature(layer, feature.RootElement, ++fid, context.FileName);
            }
        }

        layer ??= NewGeoJsonLayer(reader, context);
        yield return layer.Element();
    }

    private static FeatureLayer NewGeoJsonLayer(GeoJsonFeatureReader reader, SourceContext context)
    {
        // RFC 7946: WGS84 longitude/latitude; the 2008 format could name another CRS in a top-level "crs" member.
        string crs = "EPSG:4326";
        if (reader.Crs?.RootElement is { ValueKind: JsonValueKind.Object } named
            && named.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
            && properties.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
        {
            crs = CrsNames.Normalize(name.GetString()!) ?? name.GetString()!;
        }

        return new FeatureLayer(Path.GetFileNameWithoutExtension(context.FileName), crs, null, context);
    }

    private static SourceElement GeoJsonFeature(FeatureLayer layer, JsonElement feature, long fid, string fileName)
    {
        object? id = null;
        if (feature.TryGetProperty("id", out var idValue))
        {
            id = idValue.ValueKind switch
            {
                JsonValueKind.String => idValue.GetString(),
                JsonValueKind.Number => idValue.TryGetInt64(out long n) ? (object)n : idValue.GetDouble(),
                _ => null,
            };
        }

        var attributes = new List<KeyValuePair<string, object?>>();
        if (feature.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                attributes.Add(new(property.Name, JsonValues.Typed(property.Value)));
            }
        }

        FeatureGeometry? geometry = null;
        if (feature.TryGetProperty("geometry", out var geometryJson) && geometryJson.ValueKind == JsonValueKind.Object)
        {
            try
            {
                geometry = geometryJson.Deserialize<FeatureGeometry>(GeometryJson);
            }
            catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or NotSupportedException)
            {
                throw new SourceFormatException($"'{fileName}' feature {fid}: its geometry cannot be read ({e.Message}).", e);
            }
        }

        return layer.Feature(id, attributes, geometry, fid);
    }

    /// <summary>A KMZ: the zipped KML (doc.kml, else the first .kml) with its resources.</summary>
    private static async IAsyncEnumerable<SourceElement> ReadKmzAsync(Stream content, SourceContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var scratch = new ScratchDirectory(context.ScratchRoot);
        var members = await SafeZip.ExtractAsync(content, context.FileName, scratch, name => name.EndsWith(".kml", StringComparison.OrdinalIgnoreCase), cancellationToken).ConfigureAwait(false);
        string kml = members.Keys.FirstOrDefault(n => n.Equals("doc.kml", StringComparison.OrdinalIgnoreCase))
            ?? members.Keys.Order(StringComparer.Ordinal).FirstOrDefault()
            ?? throw new SourceFormatException($"'{context.FileName}' holds no .kml document.");
        var stream = File.OpenRead(members[kml]);
        await using (stream.ConfigureAwait(false))
        {
            await foreach (var element in new KmlReader(context).ReadAsync(stream, Path.GetFileNameWithoutExtension(context.FileName), cancellationToken).ConfigureAwait(false))
            {
                yield return element;
            }
        }
    }

    /// <summary>A master .shp whose .dbf, .shx (and .prj, .cpg) arrived beside it as companions (manifest children).</summary>
    private static async IAsyncEnumerable<SourceElement> ReadShapefileWithCompanionsAsync(Stream content, SourceContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string stem = Path.GetFileNameWithoutExtension(context.FileName);
        var companions = context.Companions
            .Where(c => Path.GetFileNameWithoutExtension(c.Key).Equals(stem, StringComparison.OrdinalIgnoreCase) && ShapefileParts.Contains(Path.GetExtension(c.Key), StringComparer.OrdinalIgnoreCase))
            .ToList();
        if (companions.Count == 0)
        {
            throw new SourceFormatException($"'{context.FileName}' is a lone shapefile part: upload the shapefile as a .zip holding its .shp, .shx and .dbf (and .prj) files, or send those as the .shp's children in a manifest run.");
        }

        using var scratch = new ScratchDirectory(context.ScratchRoot);
        var members = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [stem + ".shp"] = await scratch.SaveAsync(content, stem + ".shp", SafeZip.MaxTotalBytes, $"'{context.FileName}' is larger than a shapefile may be.", cancellationToken).ConfigureAwait(false),
        };
        foreach (var (name, open) in companions)
        {
            string part = stem + Path.GetExtension(name).ToLowerInvariant();
            var stream = await open(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                members[part] = await scratch.SaveAsync(stream, part, SafeZip.MaxTotalBytes, $"'{name}' is larger than a shapefile part may be.", cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var element in ReadShapefileMembers(members, context, cancellationToken))
        {
            yield return element;
        }
    }

    private static async IAsyncEnumerable<SourceElement> ReadShapefilesAsync(Stream content, SourceContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var scratch = new ScratchDirectory(context.ScratchRoot);
        var members = await SafeZip.ExtractAsync(
            content,
            context.FileName,
            scratch,
            name => ShapefileParts.Contains(Path.GetExtension(name), StringComparer.OrdinalIgnoreCase),
            cancellationToken).ConfigureAwait(false);
        foreach (var element in ReadShapefileMembers(members, context, cancellationToken))
        {
            yield return element;
        }
    }

    /// <summary>Every shapefile among extracted members (name → path): each .shp with its .dbf and .shx is a layer.</summary>
    private static IEnumerable<SourceElement> ReadShapefileMembers(IReadOnlyDictionary<string, string> members, SourceContext context, CancellationToken cancellationToken)
    {
        var shapes = members.Keys.Where(n => n.EndsWith(".shp", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
        if (shapes.Count == 0)
        {
            throw new SourceFormatException($"'{context.FileName}' holds no shapefile (.shp).");
        }

        foreach (string shape in shapes)
        {
            string stem = shape[..^4];
            string? missing = RequiredShapefileParts.FirstOrDefault(part => !members.ContainsKey(stem + part));
            if (missing is not null)
            {
                throw new SourceFormatException($"'{context.FileName}': the shapefile '{shape}' has no {missing} file beside it; a shapefile needs its .shp, .shx and .dbf.");
            }

            var layer = new FeatureLayer(Path.GetFileName(stem), null, null, context);
            ShapefileReader reader;
            try
            {
                reader = Shapefile.OpenRead(members[shape], new ShapefileReaderOptions());
            }
            catch (Exception e) when (e is ShapefileException or IOException or ArgumentException or InvalidDataException or NotSupportedException or FormatException or OverflowException)
            {
                throw new SourceFormatException($"'{context.FileName}': the shapefile '{shape}' cannot be opened ({e.Message}).", e);
            }

            using (reader)
            {
                if (reader.Projection is { Length: > 0 } wkt)
                {
                    layer.Crs = CrsNames.FromWkt(wkt);
                    layer.CrsDefinition = wkt;
                }
                else
                {
                    context.Warn($"Layer '{layer.Name}' has no .prj file: its coordinate system is unknown and its coordinates are kept as they are.");
                }

                long fid = 0;
                while (NextShape(reader, context.FileName, shape))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var attributes = new List<KeyValuePair<string, object?>>(reader.Fields.Count);
                    foreach (var field in reader.Fields)
                    {
                        attributes.Add(new(field.Name, field.Value));
                    }

                    yield return layer.Feature(null, attributes, reader.Geometry, ++fid);
                }
            }

            yield return layer.Element();
        }
    }

    private static bool NextShape(ShapefileReader reader, string fileName, string shape)
    {
        try
        {
            while (reader.Read(out bool deleted))
            {
                if (!deleted)
                {
                    return true;
                }
            }

            return false;
        }
        catch (Exception e) when (e is ShapefileException or IOException or ArgumentException or InvalidDataException or NotSupportedException or IndexOutOfRangeException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new SourceFormatException($"'{fileName}': the shapefile '{shape}' is damaged ({e.Message}).", e);
        }
    }

    private static async IAsyncEnumerable<SourceElement> ReadGeoPackageAsync(Stream content, SourceContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var scratch = new ScratchDirectory(context.ScratchRoot);
        string path = await scratch.SaveAsync(content, "source.gpkg", MaxDatabaseBytes, $"'{context.FileName}' is larger than the {MaxDatabaseBytes >> 30} GiB a GeoPackage may be.", cancellationToken).ConfigureAwait(false);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await using (connection.ConfigureAwait(false))
        {
            List<GeoPackageTable> tables;
            try
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                tables = await GeoPackageTable.ListAsync(connection, cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException e)
            {
                throw new SourceFormatException($"'{context.FileName}' is not a readable GeoPackage ({e.Message}).", e);
            }

            var geometries = new GeoPackageGeoReader();
            foreach (var table in tables)
            {
                var layer = new FeatureLayer(table.Name, table.Crs, table.CrsDefinition, context);
                await foreach (var row in table.RowsAsync(connection, context.FileName, cancellationToken).ConfigureAwait(false))
                {
                    FeatureGeometry? geometry = null;
                    if (row.Geometry is { Length: > 0 } blob)
                    {
                        try
                        {
                            geometry = geometries.Read(blob);
                        }
                        catch (Exception e) when (e is ParseException or ArgumentException or IOException or InvalidOperationException or IndexOutOfRangeException or NotSupportedException)
                        {
                            throw new SourceFormatException($"'{context.FileName}' table '{table.Name}' row {row.Fid}: its geometry cannot be read ({e.Message}).", e);
                        }
                    }

                    yield return layer.Feature(row.Key, row.Attributes, geometry, row.Fid);
                }

                yield return layer.Element();
            }
        }
    }
}
