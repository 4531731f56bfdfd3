using Azure;
using Azure.Data.Tables;
using Sync.Engine.Model;
using Sync.Engine.Stores;

namespace Sync.Storage;

/// <summary>
/// One partition per iTwin (key = iTwin id) holds the iTwin row (row key empty, with its count of Owners) and a
/// member row per user (<c>m|{user}</c>). Every membership change rewrites the iTwin row under its ETag in the same
/// entity-group transaction, so two owners demoting each other at once can never leave the iTwin without an Owner.
/// A user's iTwins are indexed in partition <c>u|{user}</c>: written before the member row, removed after it, so
/// the index never misses an iTwin the user belongs to (callers verify its entries).
/// </summary>
public sealed class TableITwinStore(StorageAccount account) : IITwinStore
{
    private const string MemberPrefix = "m|";
    private const string Owners = "OwnerCount";
    private const int MaxAttempts = 8;
    private readonly TableClient _table = account.Table(account.Names.ITwinsTable);

    public async Task CreateAsync(ITwin iTwin, CancellationToken cancellationToken)
    {
        await _table.UpsertEntityAsync(IndexRow(iTwin.CreatedBy, iTwin.Id), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        var row = new TableEntity(Key(iTwin.Id), string.Empty)
        {
            ["DisplayName"] = iTwin.DisplayName,
            ["CreatedBy"] = iTwin.CreatedBy,
            ["CreatedDateTime"] = iTwin.CreatedDateTime,
            [Owners] = 1,
        };
        try
        {
            await _table.SubmitTransactionAsync(
                [
                    new(TableTransactionActionType.Add, row),
                    new(TableTransactionActionType.Add, MemberRow(new ITwinMember(iTwin.Id, iTwin.CreatedBy, Role.Owner, iTwin.CreatedDateTime))),
                ],
                cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            throw new StoreConflictException(ConflictReason.AlreadyExists, $"An iTwin with id '{iTwin.Id}' already exists.", e);
        }
    }

    public async Task<ITwin?> GetAsync(Guid iTwinId, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Key(iTwinId), string.Empty, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is not null ? ToITwin(row.Value) : null;
    }

    public async Task<Role?> GetRoleAsync(Guid iTwinId, string userId, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Key(iTwinId), MemberKey(userId), select: ["Role"], cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is not null ? ReadRole(row.Value) : null;
    }

    public async Task<IReadOnlyList<Guid>> ListITwinIdsOfUserAsync(string userId, CancellationToken cancellationToken)
    {
        var ids = new List<Guid>();
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {UserPartition(userId)}"), select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            ids.Add(Guid.Parse(row.RowKey));
        }

        return ids;
    }

    public async Task<IReadOnlyList<ITwinMember>> ListMembersAsync(Guid iTwinId, CancellationToken cancellationToken)
    {
        var members = new List<ITwinMember>();
        string from = MemberPrefix, to = MemberPrefix[..^1] + (char)(MemberPrefix[^1] + 1);
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Key(iTwinId)} and RowKey ge {from} and RowKey lt {to}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            members.Add(ToMember(row));
        }

        return members.OrderBy(m => m.AddedDateTime).ThenBy(m => m.UserId, StringComparer.Ordinal).ToList();
    }

    public async Task<ITwinMember> SetMemberAsync(Guid iTwinId, string userId, Role role, CancellationToken cancellationToken)
    {
        await _table.UpsertEntityAsync(IndexRow(userId, iTwinId), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        ITwinMember? result = null;
        await ChangeMembershipAsync(iTwinId, userId, current =>
        {
            result = new ITwinMember(iTwinId, userId, role, current?.AddedDateTime ?? DateTimeOffset.UtcNow);
            return (role == Role.Owner ? 1 : 0, new TableTransactionAction(TableTransactionActionType.UpsertReplace, MemberRow(result)));
        }, cancellationToken).ConfigureAwait(false);
        return result!;
    }

    public async Task<bool> RemoveMemberAsync(Guid iTwinId, string userId, CancellationToken cancellationToken)
    {
        bool removed = await ChangeMembershipAsync(iTwinId, userId, current =>
            current is null ? null : (0, new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(Key(iTwinId), MemberKey(userId)), ETag.All)),
            cancellationToken).ConfigureAwait(false);
        if (removed)
        {
            await _table.DeleteEntityAsync(UserPartition(userId), Key(iTwinId), ETag.All, cancellationToken).ConfigureAwait(false);
        }

        return removed;
    }

    public async Task<IReadOnlyList<Guid>> AdoptUnrecordedAsync(string ownerId, CancellationToken cancellationToken)
    {
        var referenced = new SortedSet<Guid>();
        foreach (string table in new[] { account.Names.IModelsTable, account.Names.StorageFilesTable })
        {
            await foreach (var row in account.Table(table).QueryAsync<TableEntity>(select: ["PartitionKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (Guid.TryParse(row.PartitionKey, out Guid id))
                {
                    referenced.Add(id);
                }
            }
        }

        var adopted = new List<Guid>();
        foreach (Guid id in referenced)
        {
            if (await GetAsync(id, cancellationToken).ConfigureAwait(false) is not null)
            {
                continue;
            }

            try
            {
                await CreateAsync(new ITwin(id, $"iTwin {id:D}", ownerId, DateTimeOffset.UtcNow), cancellationToken).ConfigureAwait(false);
                adopted.Add(id);
            }
            catch (StoreConflictException)
            {
                // Another host adopted or created it meanwhile.
            }
        }

        return adopted;
    }

    /// <summary>
    /// Applies one member row change together with the iTwin row's new Owner count, under the iTwin row's ETag
    /// (retried when another change won the race). <paramref name="change"/> gets the current member (null when
    /// none) and returns whether the user is an Owner afterwards and the row action, or null for no change.
    /// False when there is no such iTwin or nothing to change.
    /// </summary>
    private async Task<bool> ChangeMembershipAsync(Guid iTwinId, string userId, Func<ITwinMember?, (int OwnerAfter, TableTransactionAction Action)?> change, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            var twin = await _table.GetEntityIfExistsAsync<TableEntity>(Key(iTwinId), string.Empty, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!twin.HasValue || twin.Value is null)
            {
                return false;
            }

            var memberRow = await _table.GetEntityIfExistsAsync<TableEntity>(Key(iTwinId), MemberKey(userId), cancellationToken: cancellationToken).ConfigureAwait(false);
            var current = memberRow.HasValue && memberRow.Value is not null ? ToMember(memberRow.Value) : null;
            if (change(current) is not { } planned)
            {
                return false;
            }

            int owners = (twin.Value.GetInt32(Owners) ?? 0) - (current?.Role == Role.Owner ? 1 : 0) + planned.OwnerAfter;
            if (owners < 1)
            {
                throw new StoreConflictException(ConflictReason.ConcurrentChange, "An iTwin must keep at least one Owner.");
            }

            var updated = new TableEntity(Key(iTwinId), string.Empty) { [Owners] = owners };
            try
            {
                await _table.SubmitTransactionAsync(
                    [planned.Action, new(TableTransactionActionType.UpdateMerge, updated, twin.Value.ETag)],
                    cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (TableTransactionFailedException e) when (e.Status is 412 or 409 && attempt < MaxAttempts)
            {
                // Another membership change of this iTwin committed first: read again.
            }
        }
    }

    private static string Key(Guid id) => id.ToString("D");

    // Escaped so any subject claim is a legal row key (no '/', '\', '#', '?' or control characters).
    private static string MemberKey(string userId) => MemberPrefix + Uri.EscapeDataString(userId);

    private static string UserPartition(string userId) => "u|" + Uri.EscapeDataString(userId);

    private static TableEntity IndexRow(string userId, Guid iTwinId) => new(UserPartition(userId), Key(iTwinId));

    private static TableEntity MemberRow(ITwinMember member) => new(Key(member.ITwinId), MemberKey(member.UserId))
    {
        ["UserId"] = member.UserId,
        ["Role"] = member.Role.ToString(),
        ["AddedDateTime"] = member.AddedDateTime,
    };

    private static Role? ReadRole(TableEntity row) => Enum.TryParse(row.GetString("Role"), out Role role) ? role : null;

    private static ITwinMember ToMember(TableEntity row) => new(
        Guid.Parse(row.PartitionKey),
        row.GetString("UserId"),
        ReadRole(row) ?? Role.Reader,
        row.GetDateTimeOffset("AddedDateTime") ?? row.Timestamp ?? DateTimeOffset.MinValue);

    private static ITwin ToITwin(TableEntity row) => new(
        Guid.Parse(row.PartitionKey),
        row.GetString("DisplayName"),
        row.GetString("CreatedBy"),
        row.GetDateTimeOffset("CreatedDateTime") ?? row.Timestamp ?? DateTimeOffset.MinValue);
}
