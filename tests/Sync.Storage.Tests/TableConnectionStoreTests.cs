using System.Globalization;
using Sync.Engine.Model;
using Sync.Engine.Stores;

namespace Sync.Storage.Tests;

[TestClass]
public sealed class TableConnectionStoreTests
{
    private readonly TableConnectionStore _store = new(StorageFixture.Account);

    [TestMethod]
    public async Task A_create_that_hits_a_mapped_file_writes_nothing()
    {
        var iModelId = Guid.NewGuid();
        var first = NewConnection(iModelId);
        await _store.CreateAsync(first, [File(first, "f1")], CancellationToken.None);

        var second = NewConnection(iModelId);
        var e = await Assert.ThrowsExactlyAsync<StoreConflictException>(() =>
            _store.CreateAsync(second, [File(second, "f2"), File(second, "f1")], CancellationToken.None));
        Assert.AreEqual(ConflictReason.AlreadyExists, e.Reason);

        Assert.IsNull(await _store.GetAsync(second.Id, CancellationToken.None));
        Assert.AreEqual(0, (await _store.ListSourceFilesAsync(second.Id, CancellationToken.None)).Count);
        // f2 was not left mapped by the failed transaction.
        var third = NewConnection(iModelId);
        await _store.CreateAsync(third, [File(third, "f2")], CancellationToken.None);
    }

    [TestMethod]
    [Timeout(120_000, CooperativeCancellation = true)]
    public async Task A_read_on_a_busy_host_sees_every_write_another_host_finished_before_it()
    {
        var connection = NewConnection(Guid.NewGuid());
        await _store.CreateAsync(connection, [], CancellationToken.None);
        var writer = new TableConnectionStore(StorageFixture.Account); // another host on the same account

        // Clients polling the connection on this host all the while, so its reads are shared.
        using var stop = new CancellationTokenSource();
        var pollers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            int polls = 0;
            while (!stop.IsCancellationRequested)
            {
                Assert.IsNotNull(await _store.GetAsync(connection.Id, CancellationToken.None));
                polls++;
            }

            return polls;
        })).ToList();

        for (int i = 0; i < 30; i++)
        {
            string name = $"name {i}";
            await writer.UpdateAsync(connection.Id, c => c with { DisplayName = name }, CancellationToken.None);
            Assert.AreEqual(name, (await _store.GetAsync(connection.Id, CancellationToken.None))!.DisplayName, $"write {i}");
        }

        await stop.CancelAsync();
        Assert.IsTrue((await Task.WhenAll(pollers)).All(polls => polls > 0));
    }

    [TestMethod]
    public async Task Lists_are_per_iModel_and_per_kind()
    {
        var iModelId = Guid.NewGuid();
        var storage = NewConnection(iModelId);
        var manifest = NewConnection(iModelId) with { Kind = ConnectionKind.Manifest };
        await _store.CreateAsync(storage, [File(storage, "a")], CancellationToken.None);
        // The same external id may be mapped once per kind.
        await _store.CreateAsync(manifest, [File(manifest, "a")], CancellationToken.None);
        await _store.CreateAsync(NewConnection(Guid.NewGuid()), [], CancellationToken.None);

        CollectionAssert.AreEquivalent(new[] { storage.Id, manifest.Id }, (await _store.ListByIModelAsync(iModelId, null, CancellationToken.None)).Select(c => c.Id).ToArray());
        CollectionAssert.AreEqual(new[] { manifest.Id }, (await _store.ListByIModelAsync(iModelId, ConnectionKind.Manifest, CancellationToken.None)).Select(c => c.Id).ToArray());
    }

    [TestMethod]
    public async Task Concurrent_updates_are_all_applied()
    {
        var connection = NewConnection(Guid.NewGuid()) with { DisplayName = "0" };
        await _store.CreateAsync(connection, [], CancellationToken.None);
        await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => _store.UpdateAsync(
            connection.Id,
            c => c with { DisplayName = (int.Parse(c.DisplayName!, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture) },
            CancellationToken.None)));
        Assert.AreEqual("12", (await _store.GetAsync(connection.Id, CancellationToken.None))!.DisplayName);
    }

    [TestMethod]
    public async Task Remapping_a_source_file_frees_the_old_file_and_takes_the_new_one()
    {
        var iModelId = Guid.NewGuid();
        var connection = NewConnection(iModelId);
        var file = File(connection, "old");
        await _store.CreateAsync(connection, [file], CancellationToken.None);
        await _store.UpdateSourceFileAsync(file with { ExternalId = "new" }, CancellationToken.None);

        var other = NewConnection(iModelId);
        await _store.CreateAsync(other, [File(other, "old")], CancellationToken.None);
        await Assert.ThrowsExactlyAsync<StoreConflictException>(() => _store.AddSourceFileAsync(File(other, "new"), CancellationToken.None));
    }

    [TestMethod]
    public async Task Deleting_a_connection_removes_its_files_and_mappings()
    {
        var iModelId = Guid.NewGuid();
        var connection = NewConnection(iModelId);
        await _store.CreateAsync(connection, Enumerable.Range(0, 30).Select(i => File(connection, $"doc/{i}#?")).ToList(), CancellationToken.None);
        Assert.AreEqual(30, (await _store.ListSourceFilesAsync(connection.Id, CancellationToken.None)).Count);

        Assert.IsTrue(await _store.DeleteAsync(connection.Id, CancellationToken.None));
        Assert.IsFalse(await _store.DeleteAsync(connection.Id, CancellationToken.None));
        Assert.AreEqual(0, (await _store.ListSourceFilesAsync(connection.Id, CancellationToken.None)).Count);
        var again = NewConnection(iModelId);
        await _store.CreateAsync(again, Enumerable.Range(0, 30).Select(i => File(again, $"doc/{i}#?")).ToList(), CancellationToken.None);
    }

    [TestMethod]
    public async Task Too_many_files_for_one_atomic_create_is_an_argument_error()
    {
        var connection = NewConnection(Guid.NewGuid());
        var files = Enumerable.Range(0, _store.MaxSourceFilesPerCreate + 1).Select(i => File(connection, $"f{i}")).ToList();
        await Assert.ThrowsExactlyAsync<ArgumentException>(() => _store.CreateAsync(connection, files, CancellationToken.None));
    }

    private static Connection NewConnection(Guid iModelId) =>
        new(ScopedId.New(iModelId), ConnectionKind.Storage, iModelId, Guid.NewGuid(), "c", AuthenticationType.User, null, DateTimeOffset.UtcNow);

    private static SourceFile File(Connection connection, string externalId) =>
        new(Guid.NewGuid(), connection.Id, externalId, "IFC", externalId + ".ifc");
}
