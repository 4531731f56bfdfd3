using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Sync.Engine.Stores;

namespace Sync.Storage;

/// <summary>
/// An iModel's changeset chain in one table partition (key = iModel id): the <c>tip</c> row, one row per
/// changeset <c>cs|{index:D10}</c>, a lookup row per changeset id <c>id|{id}</c>, and a row per committed run
/// <c>run|{runId}</c>. Advancing writes them in one entity-group transaction conditioned on the tip's ETag
/// (or on its absence), so two pushers can never both append after the same changeset.
/// </summary>
public sealed class TableChangesetLog(StorageAccount account) : IChangesetLog
{
    private const string TipKey = "tip";
    private readonly TableClient _table = account.Table(account.Names.ChangesetsTable);

    public async Task<ChainTip> GetTipAsync(Guid iModelId, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Key(iModelId), TipKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue || row.Value is null)
        {
            return ChainTip.Empty;
        }

        var tip = row.Value;
        return new ChainTip(tip.GetInt32("Index") ?? 0, tip.GetString("ChangesetId"), tip.GetString("StateBlob"), tip.ETag.ToString());
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
            actions.Add(new(TableTransactionActionType.Add, ToRow(partition, changeset)));
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
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Key(iModelId), ChangesetKey(index), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is not null ? FromRow(row.Value) : null;
    }

    public async Task<ChangesetRecord?> GetByIdAsync(Guid iModelId, string changesetId, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Key(iModelId), "id|" + changesetId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is not null ? await GetAsync(iModelId, row.Value.GetInt32("Index") ?? 0, cancellationToken).ConfigureAwait(false) : null;
    }

    public async Task<IReadOnlyList<ChangesetRecord>> ListAsync(Guid iModelId, int afterIndex, int max, CancellationToken cancellationToken)
    {
        var list = new List<ChangesetRecord>();
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {Key(iModelId)} and RowKey gt {ChangesetKey(afterIndex)} and RowKey lt {"cs}"}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            list.Add(FromRow(row));
            if (list.Count >= max)
            {
                break;
            }
        }

        return list;
    }

    private static string Key(Guid id) => id.ToString("D");

    private static string ChangesetKey(int index) => "cs|" + index.ToString("D10", CultureInfo.InvariantCulture);

    private static TableEntity ToRow(string partition, ChangesetRecord c) => new(partition, ChangesetKey(c.Index))
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
        ["Parts"] = JsonSerializer.Serialize(c.Parts),
        ["SynchronizationInfo"] = JsonSerializer.Serialize(c.SynchronizationInfo),
    };

    private static ChangesetRecord FromRow(TableEntity row) => new(
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
        JsonSerializer.Deserialize<string[]>(row.GetString("Parts"))!,
        JsonSerializer.Deserialize<SynchronizationInfo>(row.GetString("SynchronizationInfo"))!);
}
