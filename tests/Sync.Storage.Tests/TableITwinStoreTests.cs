using Sync.Engine.Model;
using Sync.Engine.Stores;
using Sync.Testing;

namespace Sync.Storage.Tests;

[TestClass]
public sealed class TableITwinStoreTests
{
    private readonly TableITwinStore _store = new(StorageFixture.Account);

    [TestMethod]
    public async Task The_creator_is_Owner_and_members_are_listed_and_indexed_per_user()
    {
        var twin = new ITwin(Guid.NewGuid(), "Site", "alice", DateTimeOffset.UtcNow);
        await _store.CreateAsync(twin, CancellationToken.None);
        await Assert.ThrowsExactlyAsync<StoreConflictException>(() => _store.CreateAsync(twin, CancellationToken.None));

        Assert.AreEqual(twin with { CreatedDateTime = default }, (await _store.GetAsync(twin.Id, CancellationToken.None))! with { CreatedDateTime = default });
        Assert.AreEqual(Role.Owner, await _store.GetRoleAsync(twin.Id, "alice", CancellationToken.None));

        // User ids are taken as they come, characters that row keys forbid included.
        const string odd = "https://issuer/#user?/\\1";
        await _store.SetMemberAsync(twin.Id, odd, Role.Reader, CancellationToken.None);
        await _store.SetMemberAsync(twin.Id, odd, Role.Member, CancellationToken.None);
        Assert.AreEqual(Role.Member, await _store.GetRoleAsync(twin.Id, odd, CancellationToken.None));
        Assert.IsNull(await _store.GetRoleAsync(twin.Id, "bob", CancellationToken.None));
        CollectionAssert.AreEquivalent(new[] { "alice:Owner", $"{odd}:Member" }, (await _store.ListMembersAsync(twin.Id, CancellationToken.None)).Select(m => $"{m.UserId}:{m.Role}").ToArray());
        CollectionAssert.Contains((await _store.ListITwinIdsOfUserAsync(odd, CancellationToken.None)).ToList(), twin.Id);

        Assert.IsTrue(await _store.RemoveMemberAsync(twin.Id, odd, CancellationToken.None));
        Assert.IsFalse(await _store.RemoveMemberAsync(twin.Id, odd, CancellationToken.None));
        Assert.IsNull(await _store.GetRoleAsync(twin.Id, odd, CancellationToken.None));
        Assert.IsEmpty(await _store.ListITwinIdsOfUserAsync(odd, CancellationToken.None));
    }

    [TestMethod]
    public async Task The_last_Owner_cannot_go_even_when_two_Owners_step_down_at_once()
    {
        var twin = new ITwin(Guid.NewGuid(), "Site", "alice", DateTimeOffset.UtcNow);
        await _store.CreateAsync(twin, CancellationToken.None);
        await Assert.ThrowsExactlyAsync<StoreConflictException>(() => _store.SetMemberAsync(twin.Id, "alice", Role.Member, CancellationToken.None));
        await Assert.ThrowsExactlyAsync<StoreConflictException>(() => _store.RemoveMemberAsync(twin.Id, "alice", CancellationToken.None));

        for (int round = 0; round < 5; round++)
        {
            await _store.SetMemberAsync(twin.Id, "bob", Role.Owner, CancellationToken.None);
            await _store.SetMemberAsync(twin.Id, "alice", Role.Owner, CancellationToken.None);
            var outcomes = await Task.WhenAll(
                Outcome(() => _store.SetMemberAsync(twin.Id, "alice", Role.Reader, CancellationToken.None)),
                Outcome(() => _store.RemoveMemberAsync(twin.Id, "bob", CancellationToken.None)));
            Assert.AreEqual(1, outcomes.Count(ok => ok), "exactly one of the two steps down");
            var owners = (await _store.ListMembersAsync(twin.Id, CancellationToken.None)).Where(m => m.Role == Role.Owner).ToList();
            Assert.HasCount(1, owners);
        }
    }

    [TestMethod]
    public async Task Adoption_gives_each_iTwin_that_only_data_knows_the_configured_owner_once()
    {
        var account = new StorageAccount(new StorageOptions { ConnectionString = TestStorage.ConnectionString, Prefix = TestStorage.NewPrefix("a") });
        await account.EnsureCreatedAsync(CancellationToken.None);
        var store = new TableITwinStore(account);
        Guid withModel = Guid.NewGuid(), withFile = Guid.NewGuid();
        await new TableIModelStore(account).CreateAsync(new IModel(Guid.NewGuid(), withModel, "Old", null, DateTimeOffset.UtcNow), CancellationToken.None);
        using (var bytes = new MemoryStream([1, 2, 3]))
        {
            await new BlobStorageFileStore(account, new StorageOptions()).UploadAsync(withFile, "old.bin", bytes, CancellationToken.None);
        }

        var recorded = new ITwin(Guid.NewGuid(), "New", "carol", DateTimeOffset.UtcNow);
        await store.CreateAsync(recorded, CancellationToken.None);
        await new TableIModelStore(account).CreateAsync(new IModel(Guid.NewGuid(), recorded.Id, "New", null, DateTimeOffset.UtcNow), CancellationToken.None);

        CollectionAssert.AreEquivalent(new[] { withModel, withFile }, (await store.AdoptUnrecordedAsync("admin", CancellationToken.None)).ToArray());
        Assert.AreEqual(Role.Owner, await store.GetRoleAsync(withModel, "admin", CancellationToken.None));
        Assert.AreEqual(Role.Owner, await store.GetRoleAsync(withFile, "admin", CancellationToken.None));
        Assert.IsNull(await store.GetRoleAsync(recorded.Id, "admin", CancellationToken.None));
        Assert.IsEmpty(await store.AdoptUnrecordedAsync("someone-else", CancellationToken.None));
    }

    private static async Task<bool> Outcome(Func<Task> change)
    {
        try
        {
            await change();
            return true;
        }
        catch (StoreConflictException)
        {
            return false;
        }
    }
}
