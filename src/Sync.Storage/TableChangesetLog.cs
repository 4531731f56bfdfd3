using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Sync.Engine.Caching;
using Sync.Engine.Stores;

namespace Sync.Storage;

/// <summary>
/// An iModel's changeset chain in one table partition (key = iModel id): the <c>tip</c> row, one row per
/// changeset <c>cs|{index:D10}</c>, a lookup row per changeset id <c>id|{id}</c>, and a row per committed run
/// <c>run|{runId}</c>. Advancing writes them in one entity-group transaction conditioned on the tip's ETag
/// (or on its absence), so two pushers can never both append after the same changeset. A changeset of many
/// files lists more parts than a table property holds; its parts and synchronization info then live in a blob
/// written before the transaction and named by the changeset id.
/// </summary>
public sealed class TableChangesetLog(StorageAccount account) : IChangesetLog
{
    private const string TipKey = "tip";
    private const string ClosedProperty = "Closed";
    private const int MaxInlineChars = 30_000;
    private const int MaxCachedRecords = 4096;
    private readonly TableClient _table = account.Table(account.Names.ChangesetsTable);
    private readonly BlobContainerClient _blobs = account.Container(account.Names.SyncContainer);

    // Changeset rows are written once, by the transaction that appends them, and never changed, and an iModel's id is
    // never given to another; so a record read once is the record for good, whichever host wrote it.
    private readonly KeptValues<(Guid IModelId, int Index), ChangesetRecord> _records = new(MaxCachedRecords);
    private readonly SharedReads<Guid, ChainTip> _tips = SharedTipReads(account.Table(account.Names.ChangesetsTable));

    /// <summary>
    /// Every element, changeset and iModel read (and every push) starts with the tip: concurrent reads of one
    /// iModel's tip share a round trip; see <see cref="SharedReads{TKey, TValue}"/>.
    /// </summary>
    public Task<ChainTip> GetTipAsync(Guid iModelId, CancellationToken cancellationToken) => _tips.ReadAsync(iModelId, cancellationToken);

    private static async Task<ChainTip> ReadTipAsync(TableClient table, Guid iModelId, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Key(iModelId), TipKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue || row.Value is null)
        {
            return ChainTip.Empty;
        }

        var tip = row.Value;
        if (tip.GetBoolean(ClosedProperty) == true)
        {
            throw new IModelDeletedException(iModelId);
        }

        return new ChainTip(tip.GetInt32("Index") ?? 0, tip.GetString("ChangesetId"), tip.GetString("StateBlob"), tip.ETag.ToString());
    }

    /// <summary>
    /// Replaces the tip whatever it is: its ETag changes (or its row now exists), so a push conditioned on the tip it
    /// read fails and reads the closed tip.
    /// </summary>
    public async Task CloseAsync(Guid iModelId, CancellationToken cancellationToken) =>
        await _table.UpsertEntityAsync(new TableEntity(Key(iModelId), TipKey) { [ClosedProperty] = true }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);

    /// <summary>Checks the close, then deletes the partition's other rows a transaction (100 rows) at a time.</summary>
    public async Task<int> PurgeAsync(Guid iModelId, CancellationToken cancellationToken)
    {
        string partition = Key(iModelId);
        var tip = await _table.GetEntityIfExistsAsync<TableEntity>(partition, TipKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!tip.HasValue || tip.Value?.GetBoolean(ClosedProperty) != true)
        {
            throw new InvalidOperationException($"The history of iModel {iModelId} is not closed: only a deleted iModel's records can be purged.");
        }

        var deletes = new PartitionRowDeletes(_table, partition);
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.RowKey != TipKey)
            {
                await deletes.AddAsync(row.RowKey, cancellationToken).ConfigureAwait(false);
            }
        }

        return await deletes.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> TryAdvanceAsync(Guid iModelId, ChainTip expected, string stateBlob, ChangesetRecord? changeset, string runKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (changeset is not null && changeset.Index != expected.Index + 1)
        {
            throw new ArgumentException("A changeset must follow the expected tip directly.", nameof(changeset));
        }

        string partition = Key(iModelId);
        var tip = new TableEntity(partition, TipKey)
        {
            ["Index"] = changeset?.Index ?? expected.Index,
            ["ChangesetId"] = changeset?.Id ?? expected.ChangesetId,
            ["StateBlob"] = stateBlob,
        };
        var actions = new List<TableTransactionAction>
        {
            expected.ETag is null
                ? new(TableTransactionActionType.Add, tip)
                : new(TableTransactionActionType.UpdateReplace, tip, new ETag(expected.ETag)),
            new(TableTransactionActionType.Add, new TableEntity(partition, "run|" + runKey) { ["Index"] = changeset?.Index ?? 0 }),
        };
        if (changeset is not null)
        {
            actions.Add(new(TableTransactionActionType.Add, await ToRowAsync(iModelId, partition, changeset, cancellationToken).ConfigureAwait(false)));
            actions.Add(new(TableTransactionActionType.Add, new TableEntity(partition, "id|" + changeset.Id) { ["Index"] = changeset.Index }));
        }

        try
        {
            await _table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    public async Task<RunCommit?> GetRunCommitAsync(Guid iModelId, string runKey, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Key(iModelId), "run|" + runKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue || row.Value is null)
        {
            return null;
        }

        int index = row.Value.GetInt32("Index") ?? 0;
        return new RunCommit(index == 0 ? null : await GetAsync(iModelId, index, cancellationToken).ConfigureAwait(false));
    }

    public async Task<ChangesetRecord?> GetAsync(Guid iModelId, int index, CancellationToken cancellationToken)
    {
        if (_records.TryGet((iModelId, index), out var known))
        {
            return known;
        }

        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Key(iModelId), ChangesetKey(index), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is not null ? Remember(iModelId, await FromRowAsync(row.Value, cancellationToken).ConfigureAwait(false)) : null;
    }

    public async Task<ChangesetRecord?> GetByIdAsync(Guid iModelId, string changesetId, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Key(iModelId), "id|" + changesetId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is not null ? await GetAsync(iModelId, row.Value.GetInt32("Index") ?? 0, cancellationToken).ConfigureAwait(false) : null;
    }

    public async Task<IReadOnlyList<ChangesetRecord>> ListAsync(Guid iModelId, int afterIndex, int max, CancellationToken cancellationToken)
    {
        var list = new List<ChangesetRecord>();
        for (int index = afterIndex + 1; index <= (long)afterIndex + max && _records.TryGet((iModelId, index), out var known); index++)
        {
            list.Add(known);
        }

        if (list.Count == max)
        {
            return list;
        }

        list.Clear();
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {Key(iModelId)} and RowKey gt {ChangesetKey(afterIndex)} and RowKey lt {"cs}"}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            list.Add(Remember(iModelId, await FromRowAsync(row, cancellationToken).ConfigureAwait(false)));
            if (list.Count >= max)
            {
                break;
            }
        }

        return list;
    }

    private static SharedReads<Guid, ChainTip> SharedTipReads(TableClient table) => new((iModelId, cancellationToken) => ReadTipAsync(table, iModelId, cancellationToken));

    private ChangesetRecord Remember(Guid iModelId, ChangesetRecord record) => _records.Keep((iModelId, record.Index), record);

    private static string Key(Guid id) => id.ToString("D");

    private static string ChangesetKey(int index) => "cs|" + index.ToString("D10", CultureInfo.InvariantCulture);

    private async Task<TableEntity> ToRowAsync(Guid iModelId, string partition, ChangesetRecord c, CancellationToken cancellationToken)
    {
        var row = BaseRow(partition, c);
        string parts = JsonSerializer.Serialize(c.Parts);
        string info = JsonSerializer.Serialize(c.SynchronizationInfo);
        if (parts.Length + info.Length <= MaxInlineChars)
        {
            row["Parts"] = parts;
            row["SynchronizationInfo"] = info;
        }
        else
        {
            string blob = $"changesets/{iModelId:D}/{c.Id}.details.json";
            await _blobs.GetBlobClient(blob).UploadAsync(BinaryData.FromObjectAsJson(new Details(c.Parts, c.SynchronizationInfo)), overwrite: true, cancellationToken).ConfigureAwait(false);
            row["DetailsBlob"] = blob;
        }

        return row;
    }

    private static TableEntity BaseRow(string partition, ChangesetRecord c) => new(partition, ChangesetKey(c.Index))
    {
        ["Index"] = c.Index,
        ["Id"] = c.Id,
        ["ParentId"] = c.ParentId,
        ["Description"] = c.Description,
        ["PushDateTime"] = c.PushDateTime,
        ["ContainingChanges"] = c.ContainingChanges,
        ["FileSize"] = c.FileSize,
        ["Inserted"] = c.Inserted,
        ["Updated"] = c.Updated,
        ["Deleted"] = c.Deleted,
    };

    private async Task<ChangesetRecord> FromRowAsync(TableEntity row, CancellationToken cancellationToken)
    {
        Details details = row.GetString("DetailsBlob") is { } blob
            ? (await _blobs.GetBlobClient(blob).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content.ToObjectFromJson<Details>()!
            : new Details(JsonSerializer.Deserialize<string[]>(row.GetString("Parts"))!, JsonSerializer.Deserialize<SynchronizationInfo>(row.GetString("SynchronizationInfo"))!);
        return FromRow(row, details);
    }

    private sealed record Details(IReadOnlyList<string> Parts, SynchronizationInfo SynchronizationInfo);

    private static ChangesetRecord FromRow(TableEntity row, Details details) => new(
        row.GetInt32("Index") ?? 0,
        row.GetString("Id"),
        row.GetString("ParentId"),
        row.GetString("Description"),
        row.GetDateTimeOffset("PushDateTime") ?? DateTimeOffset.MinValue,
        row.GetInt32("ContainingChanges") ?? 0,
        row.GetInt64("FileSize") ?? 0,
        row.GetInt32("Inserted") ?? 0,
        row.GetInt32("Updated") ?? 0,
        row.GetInt32("Deleted") ?? 0,
        details.Parts,
        details.SynchronizationInfo);
}
