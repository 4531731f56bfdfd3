using Sync.Engine.Model;

namespace Sync.Storage.Tests;

[TestClass]
public sealed class TableIModelStoreTests
{
    private readonly TableIModelStore _store = new(StorageFixture.Account);

    [TestMethod]
    public async Task An_iModel_is_found_by_id_and_listed_in_its_iTwin_only()
    {
        var iTwinId = Guid.NewGuid();
        var a = new IModel(Guid.NewGuid(), iTwinId, "A", null, DateTimeOffset.UtcNow);
        var b = new IModel(Guid.NewGuid(), iTwinId, "B", "second", DateTimeOffset.UtcNow.AddSeconds(1));
        var elsewhere = new IModel(Guid.NewGuid(), Guid.NewGuid(), "C", null, DateTimeOffset.UtcNow);
        foreach (var m in new[] { b, a, elsewhere })
        {
            await _store.CreateAsync(m, CancellationToken.None);
        }

        Assert.AreEqual(b with { CreatedDateTime = default }, (await _store.GetAsync(b.Id, CancellationToken.None))! with { CreatedDateTime = default });
        CollectionAssert.AreEqual(new[] { a.Id, b.Id }, (await _store.ListByITwinAsync(iTwinId, CancellationToken.None)).Select(m => m.Id).ToArray());

        Assert.IsTrue(await _store.DeleteAsync(a.Id, CancellationToken.None));
        Assert.IsNull(await _store.GetAsync(a.Id, CancellationToken.None));
        Assert.IsFalse(await _store.DeleteAsync(a.Id, CancellationToken.None));
    }
}
