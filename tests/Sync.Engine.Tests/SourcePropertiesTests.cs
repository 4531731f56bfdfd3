using Sync.Engine.Elements;

namespace Sync.Engine.Tests;

[TestClass]
public sealed class SourcePropertiesTests
{
    [TestMethod]
    [DataRow(10)]
    [DataRow(40)]
    [DataRow(500)]
    public void Properties_sort_by_name_and_keep_the_first_of_a_repeated_name(int count)
    {
        // Every name three times, with values that say which occurrence they are, in a shuffled order.
        var random = new Random(count);
        var names = Enumerable.Range(0, count).Select(i => $"P{i:D4}").ToList();
        var properties = names.SelectMany(n => new[] { n, n, n }).OrderBy(_ => random.Next()).ToList();
        var seen = new Dictionary<string, int>();
        var list = properties.Select(n => new KeyValuePair<string, object>(n, (long)(seen[n] = seen.GetValueOrDefault(n) + 1))).ToList();

        var sorted = SourceProperties.SortedByName(list);

        CollectionAssert.AreEqual(names.Order(StringComparer.Ordinal).ToArray(), sorted.Select(p => p.Key).ToArray());
        Assert.IsTrue(sorted.All(p => (long)p.Value == 1L), "the first occurrence of each name is the one kept");
    }
}
