using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Sync.Engine.Connectors.Geospatial;

/// <summary>One feature table of a GeoPackage (OGC 12-128): its geometry column and spatial reference system.</summary>
internal sealed record GeoPackageTable(string Name, string GeometryColumn, string? Crs, string? CrsDefinition)
{
    public static async Task<List<GeoPackageTable>> ListAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = """
                SELECT c.table_name, g.column_name, g.srs_id, s.organization, s.organization_coordsys_id, s.srs_name, s.definition
                FROM gpkg_contents c
                JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
                LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id
                WHERE c.data_type = 'features'
                ORDER BY c.table_name
                """;
            var tables = new List<GeoPackageTable>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    long srsId = reader.GetInt64(2);
                    string? organization = reader.IsDBNull(3) ? null : reader.GetString(3);
                    long code = reader.IsDBNull(4) ? 0 : reader.GetInt64(4);
                    string? name = reader.IsDBNull(5) ? null : reader.GetString(5);
                    string? definition = reader.IsDBNull(6) ? null : reader.GetString(6);
                    string? crs = string.Equals(organization, "EPSG", StringComparison.OrdinalIgnoreCase) && code > 0
                        ? $"EPSG:{code}"
                        : srsId is -1 or 0 ? null : name;
                    tables.Add(new GeoPackageTable(reader.GetString(0), reader.GetString(1), crs, definition is null or "undefined" ? null : definition));
                }
            }

            return tables;
        }
    }

    /// <summary>The table's rows in primary-key order: the key, the geometry blob and the other columns.</summary>
    /// <exception cref="SourceFormatException">The database is damaged or a row does not fit the table's description.</exception>
    public async IAsyncEnumerable<GeoPackageRow> RowsAsync(SqliteConnection connection, string fileName, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        string? key = await GuardAsync(() => PrimaryKeyAsync(connection, cancellationToken), fileName).ConfigureAwait(false);
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = $"SELECT * FROM {Quote(Name)}" + (key is null ? string.Empty : $" ORDER BY {Quote(key)}");
            var reader = await GuardAsync(() => command.ExecuteReaderAsync(cancellationToken), fileName).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var (geometry, keyColumn) = Guard(() => (reader.GetOrdinal(GeometryColumn), key is null ? -1 : reader.GetOrdinal(key)), fileName);
                long fid = 0;
                while (await GuardAsync(() => reader.ReadAsync(cancellationToken), fileName).ConfigureAwait(false))
                {
                    long position = ++fid;
                    yield return Guard(() => Row(reader, position, geometry, keyColumn), fileName);
                }
            }
        }
    }

    private static GeoPackageRow Row(SqliteDataReader reader, long fid, int geometry, int keyColumn)
    {
        var attributes = new List<KeyValuePair<string, object?>>(reader.FieldCount);
        for (int i = 0; i < reader.FieldCount; i++)
        {
            if (i != geometry && i != keyColumn && !reader.IsDBNull(i))
            {
                attributes.Add(new(reader.GetName(i), reader.GetValue(i)));
            }
        }

        return new GeoPackageRow(
            fid,
            keyColumn < 0 || reader.IsDBNull(keyColumn) ? null : reader.GetValue(keyColumn),
            reader.IsDBNull(geometry) ? null : (byte[])reader.GetValue(geometry),
            attributes);
    }

    private T Guard<T>(Func<T> step, string fileName)
    {
        try
        {
            return step();
        }
        catch (Exception e) when (e is SqliteException or InvalidCastException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            throw new SourceFormatException($"'{fileName}' table '{Name}' cannot be read: {e.Message}", e);
        }
    }

    private async Task<T> GuardAsync<T>(Func<Task<T>> step, string fileName)
    {
        try
        {
            return await step().ConfigureAwait(false);
        }
        catch (Exception e) when (e is SqliteException or InvalidCastException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            throw new SourceFormatException($"'{fileName}' table '{Name}' cannot be read: {e.Message}", e);
        }
    }

    private async Task<string?> PrimaryKeyAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = $"SELECT name FROM pragma_table_info({Literal(Name)}) WHERE pk = 1";
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}

/// <summary>A feature row: position (1-based), primary key, GeoPackage geometry blob, other columns.</summary>
internal sealed record GeoPackageRow(long Fid, object? Key, byte[]? Geometry, IReadOnlyList<KeyValuePair<string, object?>> Attributes);
