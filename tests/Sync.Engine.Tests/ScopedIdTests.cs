using Sync.Engine.Model;

namespace Sync.Engine.Tests;

[TestClass]
public sealed class ScopedIdTests
{
    [TestMethod]
    public void A_new_id_is_43_url_safe_characters_and_carries_its_scope()
    {
        var scope = Guid.NewGuid();
        string id = ScopedId.New(scope);
        Assert.AreEqual(43, id.Length);
        Assert.IsTrue(id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'), id);
        Assert.IsTrue(ScopedId.TryGetScope(id, out Guid decoded));
        Assert.AreEqual(scope, decoded);
    }

    [TestMethod]
    public void Ids_of_one_scope_differ()
    {
        var scope = Guid.NewGuid();
        var ids = Enumerable.Range(0, 1000).Select(_ => ScopedId.New(scope)).ToHashSet();
        Assert.AreEqual(1000, ids.Count);
    }

    [TestMethod]
    [DataRow(null)]
    [DataRow("")]
    [DataRow("short")]
    [DataRow("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [DataRow("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    [DataRow("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Anything_else_has_no_scope(string? id)
    {
        Assert.IsFalse(ScopedId.TryGetScope(id, out _));
    }
}
