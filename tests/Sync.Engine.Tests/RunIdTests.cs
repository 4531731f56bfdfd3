using Sync.Engine.Model;

namespace Sync.Engine.Tests;

[TestClass]
public sealed class RunIdTests
{
    [TestMethod]
    public void Run_ids_are_40_hex_sort_newest_first_and_tell_their_creation_time()
    {
        var earlier = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
        string older = Run.NewId(earlier);
        string newer = Run.NewId(earlier.AddSeconds(1));
        Assert.AreEqual(40, older.Length);
        Assert.IsTrue(older.All(Uri.IsHexDigit));
        Assert.IsLessThan(0, string.CompareOrdinal(newer, older), "newer ids sort first");
        Assert.AreEqual(earlier, Run.CreatedAt(older));
        Assert.IsNull(Run.CreatedAt("not-a-run-id"));
        Assert.IsNull(Run.CreatedAt(Guid.NewGuid().ToString()));
    }
}
