using System.Buffers.Text;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Sync.Engine.Caching;
using Sync.Engine.Model;
using Sync.Engine.Stores;

namespace Sync.Storage;

/// <summary>
/// Everything about the connections of one iModel lives in one table partition (key = iModel id):
/// connection rows <c>c|{connectionId}</c>, source-file rows <c>f|{connectionId}|{sourceFileId}</c> and
/// mapping rows <c>m|{kind}|{externalId}</c> that make a file mappable to an iModel only once.
/// Because they share a partition, every multi-row change is one atomic entity-group transaction, and the
/// mapping row's insert is what detects "already mapped" without a race.
/// Connection ids carry their iModel id (<see cref="ScopedId"/>), so a lookup by id is a point read.
/// </summary>
public sealed class TableConnectionStore(StorageAccount account) : IConnectionStore
{
    private const int MaxActionsPerTransaction = 100;
    private const string ConnectionPrefix = "c|";
    private const int MaxKnownKinds = 16_384;
    private readonly TableClient _table = account.Table(account.Names.ConnectionsTable);

    // Every connection read starts here: concurrent reads of one connection share a round trip.
    private readonly SharedReads<string, Connection?> _reads = SharedConnectionReads(account.Table(account.Names.ConnectionsTable));
    // A connection's kind never changes: remembered from every read, for run reads that read no connection.
    private readonly KeptValues<string, ConnectionKind> _kinds = new(MaxKnownKinds, StringComparer.Ordinal);

    // 1 connection row + 2 rows per file must fit one transaction.
    public int MaxSourceFilesPerCreate => (MaxActionsPerTransaction - 1) / 2;

    public async Task CreateAsync(Connection connection, IReadOnlyList<SourceFile> sourceFiles, CancellationToken cancellationToken)
    {
        if (sourceFiles.Count > MaxSourceFilesPerCreate)
        {
            throw new ArgumentException($"At most {MaxSourceFilesPerCreate} source files can be created with a connection.", nameof(sourceFiles));
        }

        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Add, ToRow(connection)) };
        foreach (var file in sourceFiles)
        {
            actions.Add(new(TableTransactionActionType.Add, ToRow(connection.IModelId, file)));
            actions.Add(new(TableTransactionActionType.Add, MappingRow(connection.IModelId, connection.Kind, file)));
        }

        await SubmitAsync(actions, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Connection?> GetAsync(string connectionId, CancellationToken cancellationToken)
    {
        var connection = await _reads.ReadAsync(connectionId, cancellationToken).ConfigureAwait(false);
        if (connection is not null && !_kinds.TryGet(connectionId, out _))
        {
            _kinds.Keep(connectionId, connection.Kind);
        }

        return connection;
    }

    public async Task<ConnectionKind?> GetKindAsync(string connectionId, CancellationToken cancellationToken) =>
        _kinds.TryGet(connectionId, out var kind) ? kind : (await GetAsync(connectionId, cancellationToken).ConfigureAwait(false))?.Kind;

    public async Task<IReadOnlyList<Connection>> ListByIModelAsync(Guid iModelId, ConnectionKind? kind, CancellationToken cancellationToken)
    {
        var list = new List<Connection>();
        await foreach (var row in QueryPrefixAsync(iModelId, ConnectionPrefix, cancellationToken).ConfigureAwait(false))
        {
            var connection = ToConnection(row);
            if (kind is null || connection.Kind == kind)
            {
                list.Add(connection);
            }
        }

        return list.OrderBy(c => c.CreatedDateTime).ThenBy(c => c.Id, StringComparer.Ordinal).ToList();
    }

    public async Task<Connection?> UpdateAsync(string connectionId, Func<Connection, Connection> change, CancellationToken cancellationToken)
    {
        while (true)
        {
            var row = await GetConnectionRowAsync(connectionId, cancellationToken).ConfigureAwait(false);
            if (row is null)
            {
                return null;
            }

            var updated = change(ToConnection(row));
            try
            {
                await _table.UpdateEntityAsync(ToRow(updated), row.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return updated;
            }
            catch (RequestFailedException e) when (e.Status is 412 or 404)
            {
                // Lost a race with another writer (or a delete): read again and re-apply.
            }
        }
    }

    public async Task<bool> DeleteAsync(string connectionId, CancellationToken cancellationToken)
    {
        var connection = await GetAsync(connectionId, cancellationToken).ConfigureAwait(false);
        if (connection is null)
        {
            return false;
        }

        var actions = new List<TableTransactionAction>();
        foreach (var file in await ListSourceFilesAsync(connectionId, cancellationToken).ConfigureAwait(false))
        {
            actions.Add(new(TableTransactionActionType.Delete, new TableEntity(Key(connection.IModelId), FileRowKey(connectionId, file.Id)), ETag.All));
            actions.Add(new(TableTransactionActionType.Delete, MappingRow(connection.IModelId, connection.Kind, file), ETag.All));
        }

        // The connection row goes last, so an interrupted delete can simply be repeated.
        foreach (var chunk in actions.Chunk(MaxActionsPerTransaction))
        {
            await SubmitAsync(chunk, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await _table.DeleteEntityAsync(Key(connection.IModelId), ConnectionPrefix + connectionId, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }

        return true;
    }

    public async Task<string?> FindMappingAsync(Guid iModelId, ConnectionKind kind, string externalId, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Key(iModelId), MappingRowKey(kind, externalId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value!.GetString("ConnectionId") : null;
    }

    public async Task<string?> TryBeginRunAsync(string connectionId, string runId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var row = await GetConnectionRowAsync(connectionId, cancellationToken).ConfigureAwait(false);
            if (row is null)
            {
                return null;
            }

            if (row.GetString("ActiveRunId") is { } active)
            {
                return active;
            }

            var update = new TableEntity(row.PartitionKey, row.RowKey) { ["ActiveRunId"] = runId, ["LastRunId"] = runId };
            try
            {
                await _table.UpdateEntityAsync(update, row.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                return runId;
            }
            catch (RequestFailedException e) when (e.Status is 412 or 404)
            {
                // Another request changed the connection first: look again.
            }
        }
    }

    public async Task EndRunAsync(string connectionId, string runId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var row = await GetConnectionRowAsync(connectionId, cancellationToken).ConfigureAwait(false);
            if (row is null || row.GetString("ActiveRunId") != runId)
            {
                return;
            }

            row["ActiveRunId"] = null;
            try
            {
                await _table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 412 or 404)
            {
            }
        }
    }

    public async Task AddSourceFileAsync(SourceFile sourceFile, CancellationToken cancellationToken)
    {
        var connectionRow = await GetConnectionRowAsync(sourceFile.ConnectionId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Connection '{sourceFile.ConnectionId}' does not exist.");
        var connection = ToConnection(connectionRow);
        await SubmitAsync(
            [
                // Conditioned on the connection row so a concurrent delete of the connection cannot leave an orphan.
                new(TableTransactionActionType.UpdateMerge, new TableEntity(connectionRow.PartitionKey, connectionRow.RowKey), connectionRow.ETag),
                new(TableTransactionActionType.Add, ToRow(connection.IModelId, sourceFile)),
                new(TableTransactionActionType.Add, MappingRow(connection.IModelId, connection.Kind, sourceFile)),
            ],
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<SourceFile?> GetSourceFileAsync(string connectionId, Guid sourceFileId, CancellationToken cancellationToken)
    {
        if (!ScopedId.TryGetScope(connectionId, out Guid iModelId))
        {
            return null;
        }

        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Key(iModelId), FileRowKey(connectionId, sourceFileId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is not null ? ToSourceFile(row.Value) : null;
    }

    public async Task<IReadOnlyList<SourceFile>> ListSourceFilesAsync(string connectionId, CancellationToken cancellationToken)
    {
        var list = new List<SourceFile>();
        if (!ScopedId.TryGetScope(connectionId, out Guid iModelId))
        {
            return list;
        }

        await foreach (var row in QueryPrefixAsync(iModelId, $"f|{connectionId}|", cancellationToken).ConfigureAwait(false))
        {
            list.Add(ToSourceFile(row));
        }

        return list;
    }

    public async Task<SourceFile?> UpdateSourceFileAsync(SourceFile sourceFile, CancellationToken cancellationToken)
    {
        var connection = await GetAsync(sourceFile.ConnectionId, cancellationToken).ConfigureAwait(false);
        if (connection is null)
        {
            return null;
        }

        string partition = Key(connection.IModelId);
        var existingRow = await _table.GetEntityIfExistsAsync<TableEntity>(partition, FileRowKey(sourceFile.ConnectionId, sourceFile.Id), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!existingRow.HasValue || existingRow.Value is null)
        {
            return null;
        }

        var existing = ToSourceFile(existingRow.Value);
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.UpdateReplace, ToRow(connection.IModelId, sourceFile), existingRow.Value.ETag),
        };
        if (!string.Equals(existing.ExternalId, sourceFile.ExternalId, StringComparison.Ordinal))
        {
            actions.Add(new(TableTransactionActionType.Delete, MappingRow(connection.IModelId, connection.Kind, existing), ETag.All));
            actions.Add(new(TableTransactionActionType.Add, MappingRow(connection.IModelId, connection.Kind, sourceFile)));
        }

        try
        {
            await SubmitAsync(actions, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            throw new StoreConflictException(ConflictReason.ConcurrentChange, "The source file was changed by another request; read it again and retry.", e);
        }

        return sourceFile;
    }

    public async Task<bool> RemoveSourceFileAsync(string connectionId, Guid sourceFileId, CancellationToken cancellationToken)
    {
        var connection = await GetAsync(connectionId, cancellationToken).ConfigureAwait(false);
        var file = connection is null ? null : await GetSourceFileAsync(connectionId, sourceFileId, cancellationToken).ConfigureAwait(false);
        if (connection is null || file is null)
        {
            return false;
        }

        try
        {
            await SubmitAsync(
                [
                    new(TableTransactionActionType.Delete, new TableEntity(Key(connection.IModelId), FileRowKey(connectionId, sourceFileId)), ETag.All),
                    new(TableTransactionActionType.Delete, MappingRow(connection.IModelId, connection.Kind, file), ETag.All),
                ],
                cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }

        return true;
    }

    private async Task SubmitAsync(IEnumerable<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        try
        {
            await _table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            throw new StoreConflictException(ConflictReason.AlreadyExists, "One or more source files are already mapped to the iModel.", e);
        }
    }

    private static SharedReads<string, Connection?> SharedConnectionReads(TableClient table) =>
        new(async (connectionId, cancellationToken) => await ReadConnectionRowAsync(table, connectionId, cancellationToken).ConfigureAwait(false) is { } row ? ToConnection(row) : null);

    private Task<TableEntity?> GetConnectionRowAsync(string connectionId, CancellationToken cancellationToken) => ReadConnectionRowAsync(_table, connectionId, cancellationToken);

    private static async Task<TableEntity?> ReadConnectionRowAsync(TableClient table, string connectionId, CancellationToken cancellationToken)
    {
        if (!ScopedId.TryGetScope(connectionId, out Guid iModelId))
        {
            return null;
        }

        var row = await table.GetEntityIfExistsAsync<TableEntity>(Key(iModelId), ConnectionPrefix + connectionId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value : null;
    }

    private AsyncPageable<TableEntity> QueryPrefixAsync(Guid iModelId, string prefix, CancellationToken cancellationToken)
    {
        // Rows whose key starts with prefix: [prefix, prefix with its last character incremented).
        string upper = prefix[..^1] + (char)(prefix[^1] + 1);
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {Key(iModelId)} and RowKey ge {prefix} and RowKey lt {upper}");
        return _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken);
    }

    private static string Key(Guid id) => id.ToString("D");

    private static string FileRowKey(string connectionId, Guid sourceFileId) => $"f|{connectionId}|{sourceFileId:D}";

    private static TableEntity ToRow(Connection c) => new(Key(c.IModelId), ConnectionPrefix + c.Id)
    {
        ["Kind"] = c.Kind.ToString(),
        ["ITwinId"] = Key(c.ITwinId),
        ["DisplayName"] = c.DisplayName,
        ["AuthenticationType"] = c.AuthenticationType.ToString(),
        ["LastRunId"] = c.LastRunId,
        ["ActiveRunId"] = c.ActiveRunId,
        ["CreatedDateTime"] = c.CreatedDateTime,
        ["OwnerId"] = c.OwnerId,
    };

    private static Connection ToConnection(TableEntity row) => new(
        row.RowKey[ConnectionPrefix.Length..],
        Enum.Parse<ConnectionKind>(row.GetString("Kind")),
        Guid.Parse(row.PartitionKey),
        Guid.Parse(row.GetString("ITwinId")),
        row.GetString("DisplayName"),
        Enum.Parse<AuthenticationType>(row.GetString("AuthenticationType")),
        row.GetString("LastRunId"),
        row.GetDateTimeOffset("CreatedDateTime") ?? DateTimeOffset.MinValue,
        row.GetString("ActiveRunId"),
        row.GetString("OwnerId"));

    private static TableEntity ToRow(Guid iModelId, SourceFile f) => new(Key(iModelId), FileRowKey(f.ConnectionId, f.Id))
    {
        ["ExternalId"] = f.ExternalId,
        ["ConnectorType"] = f.ConnectorType,
        ["LastKnownFileName"] = f.LastKnownFileName,
        ["IsSpatialRoot"] = f.IsSpatialRoot,
    };

    private static SourceFile ToSourceFile(TableEntity row)
    {
        string[] parts = row.RowKey.Split('|');
        return new SourceFile(
            Guid.Parse(parts[2]),
            parts[1],
            row.GetString("ExternalId"),
            row.GetString("ConnectorType"),
            row.GetString("LastKnownFileName"),
            row.GetBoolean("IsSpatialRoot") ?? false);
    }

    private static TableEntity MappingRow(Guid iModelId, ConnectionKind kind, SourceFile f) =>
        new(Key(iModelId), MappingRowKey(kind, f.ExternalId))
        {
            ["ConnectionId"] = f.ConnectionId,
            ["SourceFileId"] = f.Id.ToString("D"),
        };

    // Row keys may not contain '/', '\\', '#' or '?'; caller-chosen manifest ids can, so encode them.
    private static string MappingRowKey(ConnectionKind kind, string externalId) => $"m|{kind}|{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(externalId))}";
}
