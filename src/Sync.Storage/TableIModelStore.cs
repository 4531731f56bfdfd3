using Azure;
using Azure.Data.Tables;
using Sync.Engine.Caching;
using Sync.Engine.Model;
using Sync.Engine.Stores;

namespace Sync.Storage;

/// <summary>
/// iModels live in one partition per iTwin (so listing an iTwin is one partition query); a small index row
/// keyed by iModel id points to that partition for lookups by id alone.
/// </summary>
public sealed class TableIModelStore(StorageAccount account) : IIModelStore
{
    private const int MaxRecords = 16_384;
    private readonly TableClient _models = account.Table(account.Names.IModelsTable);
    private readonly TableClient _index = account.Table(account.Names.IModelIndexTable);

    // Access checks and iModel reads look their iModel up: concurrent lookups of one share a round trip.
    private readonly SharedReads<(string ITwinKey, Guid Id), IModel?> _reads = SharedReads(account.Table(account.Names.IModelsTable));

    // Records never change once written (there is no update), and an iModel's id is never given to another.
    private readonly KeptValues<Guid, IModel> _records = new(MaxRecords);

    public async Task CreateAsync(IModel iModel, CancellationToken cancellationToken)
    {
        string id = Key(iModel.Id);
        var pointer = new TableEntity(id, string.Empty) { ["ITwinId"] = Key(iModel.ITwinId) };
        try
        {
            await _index.AddEntityAsync(pointer, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            throw new StoreConflictException(ConflictReason.AlreadyExists, $"An iModel with id '{iModel.Id}' already exists.", e);
        }

        var row = new TableEntity(Key(iModel.ITwinId), id)
        {
            ["Name"] = iModel.Name,
            ["Description"] = iModel.Description,
            ["CreatedDateTime"] = iModel.CreatedDateTime,
        };
        await _models.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IModel?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        var pointer = await _index.GetEntityIfExistsAsync<TableEntity>(Key(id), string.Empty, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!pointer.HasValue || pointer.Value is null)
        {
            return null;
        }

        return await GetAsync(pointer.Value.GetString("ITwinId"), id, cancellationToken).ConfigureAwait(false);
    }

    public Task<IModel?> GetAsync(Guid iTwinId, Guid id, CancellationToken cancellationToken) => GetAsync(Key(iTwinId), id, cancellationToken);

    public async Task<IModel?> GetRecordAsync(Guid iTwinId, Guid id, CancellationToken cancellationToken)
    {
        if (_records.TryGet(id, out var known))
        {
            return known.ITwinId == iTwinId ? known : null;
        }

        return await GetAsync(iTwinId, id, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IModel?> GetAsync(string iTwinKey, Guid id, CancellationToken cancellationToken)
    {
        var iModel = await _reads.ReadAsync((iTwinKey, id), cancellationToken).ConfigureAwait(false);
        return iModel is null ? null : _records.Keep(id, iModel);
    }

    private static SharedReads<(string ITwinKey, Guid Id), IModel?> SharedReads(TableClient models) => new(async (key, cancellationToken) =>
    {
        var row = await models.GetEntityIfExistsAsync<TableEntity>(key.ITwinKey, Key(key.Id), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is not null ? ToModel(row.Value) : null;
    });

    public async Task<IReadOnlyList<IModel>> ListByITwinAsync(Guid iTwinId, CancellationToken cancellationToken)
    {
        var list = new List<IModel>();
        await foreach (var row in _models.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Key(iTwinId)}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            list.Add(ToModel(row));
        }

        return list.OrderBy(m => m.CreatedDateTime).ThenBy(m => m.Id).ToList();
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        var existing = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            return false;
        }

        await _models.DeleteEntityAsync(Key(existing.ITwinId), Key(id), ETag.All, cancellationToken).ConfigureAwait(false);
        await _index.DeleteEntityAsync(Key(id), string.Empty, ETag.All, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static string Key(Guid id) => id.ToString("D");

    private static IModel ToModel(TableEntity row) => new(
        Guid.Parse(row.RowKey),
        Guid.Parse(row.PartitionKey),
        row.GetString("Name"),
        row.GetString("Description"),
        row.GetDateTimeOffset("CreatedDateTime") ?? row.Timestamp ?? DateTimeOffset.MinValue);
}
