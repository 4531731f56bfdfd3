using Sync.Engine.Caching;

namespace Sync.Engine.Tests;

[TestClass]
public sealed class KeptValuesTests
{
    [TestMethod]
    public void Values_are_kept_up_to_the_capacity_and_a_new_key_beyond_it_starts_again_empty()
    {
        var kept = new KeptValues<string, int>(2, StringComparer.OrdinalIgnoreCase);
        Assert.AreEqual(1, kept.Keep("a", 1));
        kept.Keep("b", 2);
        kept.Keep("B", 3); // the same key (by the comparer): replaced, nothing dropped
        Assert.IsTrue(kept.TryGet("a", out int a) && a == 1);
        Assert.IsTrue(kept.TryGet("b", out int b) && b == 3);

        kept.Keep("c", 4);
        Assert.IsFalse(kept.TryGet("a", out _), "full: the set started again");
        Assert.IsFalse(kept.TryGet("b", out _));
        Assert.IsTrue(kept.TryGet("c", out int c) && c == 4);

        kept.Forget("c");
        Assert.IsFalse(kept.TryGet("c", out _));
    }
}
