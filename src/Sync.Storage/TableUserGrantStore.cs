using Azure;
using Azure.Data.Tables;
using Sync.Engine.Stores;

namespace Sync.Storage;

/// <summary>One row per user (partition key: the escaped user id) holding their protected grant.</summary>
public sealed class TableUserGrantStore(StorageAccount account) : IUserGrantStore
{
    private readonly TableClient _table = account.Table(account.Names.UserGrantsTable);

    public async Task<string?> GetAsync(string userId, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Key(userId), string.Empty, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is not null ? row.Value.GetString("Grant") : null;
    }

    public Task SaveAsync(string userId, string protectedGrant, CancellationToken cancellationToken) =>
        _table.UpsertEntityAsync(new TableEntity(Key(userId), string.Empty) { ["Grant"] = protectedGrant }, TableUpdateMode.Replace, cancellationToken);

    public Task DeleteAsync(string userId, CancellationToken cancellationToken) =>
        _table.DeleteEntityAsync(Key(userId), string.Empty, ETag.All, cancellationToken);

    private static string Key(string userId) => Uri.EscapeDataString(userId);
}
