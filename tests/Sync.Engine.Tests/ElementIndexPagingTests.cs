using System.Text;
using Sync.Engine.Index;
using static Sync.Engine.Tests.Support.EngineHarness;

namespace Sync.Engine.Tests;

/// <summary>
/// A client walking element pages by their next links gets from a host that remembers where its pages ended exactly
/// what a host counting every page out from the start gives, filtered or not, and after a changeset too.
/// </summary>
[TestClass]
public sealed class ElementIndexPagingTests
{
    [TestMethod]
    public async Task Pages_that_follow_each_other_are_the_pages_counted_from_the_start()
    {
        var iModel = Guid.NewGuid();
        await RunAsync(iModel, "run-1", Csv(iModel, "run-1", "file-a", Register(0, 250)), Csv(iModel, "run-1", "file-b", Register(1000, 130), "other.csv"));
        var walker = NewIndex();
        await AssertWalkAsync(walker, iModel, sourceFileId: null, top: 40, expectedTotal: 380);
        await AssertWalkAsync(walker, iModel, sourceFileId: "file-b", top: 25, expectedTotal: 130);

        // A changeset deletes and inserts elements before and among those already paged: the ends remembered for the
        // earlier state must not be used for the new one.
        await RunAsync(iModel, "run-2", Csv(iModel, "run-2", "file-a", Register(100, 200)));
        foreach (int skip in new[] { 120, 40 })
        {
            var (page, _) = await walker.ListAsync(iModel, null, null, 40, skip, CancellationToken.None);
            var counted = await NewIndex().ListAsync(iModel, null, null, 40, skip, CancellationToken.None);
            CollectionAssert.AreEqual(counted.Page.Select(e => e.Id).ToArray(), page.Select(e => e.Id).ToArray(), $"page at {skip}, asked first after the changeset");
        }

        await AssertWalkAsync(walker, iModel, sourceFileId: null, top: 40, expectedTotal: 330);
    }

    [TestMethod]
    public async Task Changed_element_pages_that_follow_each_other_are_the_pages_counted_from_the_start()
    {
        var iModel = Guid.NewGuid();
        await RunAsync(iModel, "run-1", Csv(iModel, "run-1", "file-a", Register(0, 300)));
        await RunAsync(iModel, "run-2", Csv(iModel, "run-2", "file-a", Register(100, 300).Replace(",3\n", ",33\n", StringComparison.Ordinal)));
        var walker = NewIndex();

        // Ranges that hold most of the history (pages found along the ids), walked twice: the second walk resumes
        // every page from the first's ends.
        foreach (var (start, end) in new[] { (1, 2), (2, 2), (1, 2) })
        {
            await AssertChangesWalkAsync(walker, iModel, start, end);
        }

        // A changeset of 86 updates (Flow 5 and 6 of rows 100-399) among ~630 history rows: its pages are found through the
        // changeset index.
        string changed = Register(100, 300).Replace(",3\n", ",33\n", StringComparison.Ordinal).Replace(",5\n", ",55\n", StringComparison.Ordinal)
            .Replace(",6\n", ",66\n", StringComparison.Ordinal);
        await RunAsync(iModel, "run-3", Csv(iModel, "run-3", "file-a", changed));
        Assert.AreEqual(86, (await walker.GetChangedElementsAsync(iModel, 3, 3, CancellationToken.None)).Count);
        await AssertChangesWalkAsync(walker, iModel, 3, 3);
        await AssertChangesWalkAsync(walker, iModel, 1, 3);
    }

    private static async Task AssertChangesWalkAsync(ElementIndex walker, Guid iModel, int start, int end)
    {
        var walked = new List<long>();
        for (int skip = 0; ; skip += 30)
        {
            var (page, more) = await walker.GetChangedElementsAsync(iModel, start, end, skip, 30, CancellationToken.None);
            var counted = await NewIndex().GetChangedElementsAsync(iModel, start, end, skip, 30, CancellationToken.None);
            CollectionAssert.AreEqual(counted.Changes.Select(c => (c.Id, c.Change)).ToArray(), page.Select(c => (c.Id, c.Change)).ToArray(), $"changes {start}-{end} at {skip}");
            Assert.AreEqual(counted.More, more);
            walked.AddRange(page.Select(c => c.Id));
            if (!more)
            {
                break;
            }
        }

        var whole = await NewIndex().GetChangedElementsAsync(iModel, start, end, CancellationToken.None);
        CollectionAssert.AreEqual(whole.Select(c => c.Id).ToArray(), walked.ToArray(), $"the walk of {start}-{end} is the whole list");
    }

    private static async Task AssertWalkAsync(ElementIndex walker, Guid iModel, string? sourceFileId, int top, long expectedTotal)
    {
        var walked = new List<long>();
        for (int skip = 0; ; skip += top)
        {
            var (page, total) = await walker.ListAsync(iModel, null, sourceFileId, top, skip, CancellationToken.None);
            Assert.AreEqual(expectedTotal, total);
            var counted = await NewIndex().ListAsync(iModel, null, sourceFileId, top, skip, CancellationToken.None);
            CollectionAssert.AreEqual(counted.Page.Select(e => e.Id).ToArray(), page.Select(e => e.Id).ToArray(), $"page at {skip}");
            walked.AddRange(page.Select(e => e.Id));
            if (page.Count < top)
            {
                break;
            }
        }

        Assert.AreEqual(expectedTotal, walked.Count);
        CollectionAssert.AllItemsAreUnique(walked);
        CollectionAssert.AreEqual(walked.Order().ToArray(), walked.ToArray(), "in id order");
    }

    private static string Register(int first, int count)
    {
        var csv = new StringBuilder("Tag,Flow\n");
        for (int i = first; i < first + count; i++)
        {
            csv.Append("P-").Append(i).Append(',').Append(i % 7).Append('\n');
        }

        return csv.ToString();
    }
}
